/* pl-address.h: deterministic IP addresses of virtual nodes, for captures.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The address of one node as it appears in a packet capture. A plain value
 * type: copy it freely. @addr holds 4 bytes (IPv4, the rest zero) or 16
 * bytes (IPv6), in network order; @port is in host order. */
typedef struct {
  gboolean v6;
  guint8 addr[16];
  guint16 port;
} PlAddress;

#define PL_ADDRESS_DEFAULT_PORT 5060

/* Number of distinct IPv4 addresses handed out before they repeat:
 * 192.0.2.1-254, then 198.51.100.1-254, then 203.0.113.1-254 (RFC 5737). */
#define PL_ADDRESS_N_V4 (3 * 254)

gboolean  pl_address_parse_host      (const char  *host,
                                      char       **name,
                                      guint16     *port,
                                      gboolean    *v6_literal);
void      pl_address_for_node        (int          index,
                                      const char  *host,
                                      PlAddress   *out);
void      pl_address_for_node_family (int          index,
                                      const char  *host,
                                      gboolean     v6,
                                      PlAddress   *out);
gboolean  pl_address_hop_is_v6       (const PlAddress *a,
                                      const PlAddress *b);
char     *pl_address_to_string       (const PlAddress *address,
                                      gboolean         with_port);

G_END_DECLS
