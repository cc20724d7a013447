/* pl-address.c: deterministic IP addresses of virtual nodes, for captures.
 *
 * Virtual nodes are named by host strings as the spec's flows write them;
 * a capture needs IP addresses. Every node gets one IPv4 and one IPv6
 * address from the documentation ranges (RFC 5737, RFC 3849), derived from
 * its node index only, so the same scenario always gives the same capture.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-address"

#include <string.h>

#include <gio/gio.h>

#include "pl-address.h"

/* RFC 5737 TEST-NET-1, -2 and -3, used in this order. */
static const guint8 v4_nets[3][3] = {
  { 192, 0, 2 },
  { 198, 51, 100 },
  { 203, 0, 113 },
};

static guint16
parse_port (const char *text)
{
  guint64 port = 0;

  if (text == NULL || *text == '\0')
    return PL_ADDRESS_DEFAULT_PORT;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &port, NULL))
    return PL_ADDRESS_DEFAULT_PORT;
  return (guint16) port;
}

/**
 * pl_address_parse_host:
 * @host: "name", "name:port", "[v6]" or "[v6]:port"
 * @name: (out) (optional): the host without port and brackets
 * @port: (out) (optional): the port, 5060 when absent or not a number
 * @v6_literal: (out) (optional): whether @host is a bracketed IPv6 literal
 *
 * Returns: %FALSE when @host is %NULL, empty or has an unclosed bracket;
 *   the outputs are still set to usable values then.
 */
gboolean
pl_address_parse_host (const char  *host,
                       char       **name,
                       guint16     *port,
                       gboolean    *v6_literal)
{
  const char *end = NULL;
  const char *colon = NULL;
  g_autofree char *n = NULL;
  guint16 p = PL_ADDRESS_DEFAULT_PORT;
  gboolean literal = FALSE;
  gboolean ok = TRUE;

  if (host == NULL || *host == '\0')
    {
      n = g_strdup ("");
      ok = FALSE;
    }
  else if (host[0] == '[')
    {
      end = strchr (host, ']');
      if (end == NULL)
        {
          n = g_strdup (host + 1);
          ok = FALSE;
        }
      else
        {
          n = g_strndup (host + 1, end - host - 1);
          if (end[1] == ':')
            p = parse_port (end + 2);
        }
      literal = TRUE;
    }
  else
    {
      colon = strrchr (host, ':');
      /* A bare IPv6 address without brackets has several colons: treat the
       * whole string as the name rather than guess. */
      if (colon != NULL && strchr (host, ':') == colon)
        {
          n = g_strndup (host, colon - host);
          p = parse_port (colon + 1);
        }
      else
        {
          n = g_strdup (host);
          literal = colon != NULL;
        }
    }

  if (name != NULL)
    *name = g_steal_pointer (&n);
  if (port != NULL)
    *port = p;
  if (v6_literal != NULL)
    *v6_literal = literal;
  return ok;
}

/**
 * pl_address_for_node_family:
 * @index: the node index, >= 0
 * @host: (nullable): the node's host string, for its port
 * @v6: which of the node's two addresses to take
 * @out: (out caller-allocates): the address
 *
 * IPv4: 192.0.2.(index + 1) for index 0..253, then 198.51.100.1..254, then
 * 203.0.113.1..254; after %PL_ADDRESS_N_V4 nodes the addresses repeat.
 * IPv6: 2001:db8::/96 with (index + 1) in the low 32 bits, never repeating.
 */
void
pl_address_for_node_family (int         index,
                            const char *host,
                            gboolean    v6,
                            PlAddress  *out)
{
  guint32 n;

  g_return_if_fail (out != NULL);
  g_return_if_fail (index >= 0);

  memset (out, 0, sizeof *out);
  out->v6 = v6;
  pl_address_parse_host (host, NULL, &out->port, NULL);

  if (v6)
    {
      n = (guint32) index + 1;
      out->addr[0] = 0x20;
      out->addr[1] = 0x01;
      out->addr[2] = 0x0d;
      out->addr[3] = 0xb8;
      out->addr[12] = (n >> 24) & 0xff;
      out->addr[13] = (n >> 16) & 0xff;
      out->addr[14] = (n >> 8) & 0xff;
      out->addr[15] = n & 0xff;
    }
  else
    {
      n = (guint32) index % PL_ADDRESS_N_V4;
      memcpy (out->addr, v4_nets[n / 254], 3);
      out->addr[3] = (guint8) (n % 254 + 1);
    }
}

/**
 * pl_address_for_node:
 * @index: the node index, >= 0
 * @host: (nullable): the node's host string
 * @out: (out caller-allocates): the address
 *
 * The node's address in the family its host implies: IPv6 for a bracketed
 * literal such as "[5555::aaa:bbb:ccc:ddd]:1357", IPv4 otherwise. The
 * literal itself is not used: captures only show documentation addresses.
 */
void
pl_address_for_node (int         index,
                     const char *host,
                     PlAddress  *out)
{
  gboolean literal = FALSE;

  g_return_if_fail (out != NULL);
  g_return_if_fail (index >= 0);

  pl_address_parse_host (host, NULL, NULL, &literal);
  pl_address_for_node_family (index, host, literal, out);
}

/* A packet has one IP version: a hop is IPv6 when either end only speaks
 * IPv6, and both ends then use their IPv6 addresses. */
gboolean
pl_address_hop_is_v6 (const PlAddress *a,
                      const PlAddress *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return a->v6 || b->v6;
}

/**
 * pl_address_to_string:
 * @address: an address
 * @with_port: append the port ("192.0.2.1:5060", "[2001:db8::1]:1357")
 *
 * Returns: (transfer full): the address as text
 */
char *
pl_address_to_string (const PlAddress *address,
                      gboolean         with_port)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  inet = g_inet_address_new_from_bytes (address->addr,
                                        address->v6 ? G_SOCKET_FAMILY_IPV6
                                                    : G_SOCKET_FAMILY_IPV4);
  text = g_inet_address_to_string (inet);
  if (!with_port)
    return g_steal_pointer (&text);
  if (address->v6)
    return g_strdup_printf ("[%s]:%u", text, address->port);
  return g_strdup_printf ("%s:%u", text, address->port);
}
