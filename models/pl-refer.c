/* pl-refer.c: Refer-To and message/sipfrag for the REFER that triggers a
 * ua-profile subscription (2006 draft, "Use of the REFER Method"; RFC
 * 3515; RFC 3261 §19.1.1 for headers in URIs).
 *
 * The URI, its parameters and its headers are read by sofia-sip (url_t,
 * url_param, url_query_as_header_string, msg_header_parse_str); the
 * escaping uses url_escape.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-refer"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/url.h>

#include "pl-push.h"
#include "pl-refer.h"
#include "pl-wire.h"

G_DEFINE_QUARK (pl-refer-error-quark, pl_refer_error)

/* ---- building (sender side) ---- */

char *
pl_refer_accept_contact (PlDialect   dialect,
                         const char *app)
{
  g_autofree char *tag = NULL;

  g_return_val_if_fail (app != NULL && *app != '\0', NULL);

  tag = pl_push_contact_param (dialect == PL_DIALECT_PLAIN ? PL_DIALECT_OMA_2006 : dialect, app);
  /* Sender step 2d: "along with require and explicit" (RFC 3841 §9.2);
   * the sample flow writes them "explicit;require". */
  return g_strdup_printf ("*;%s;explicit;require", tag);
}

char *
pl_refer_escape_hvalue (const char *value)
{
  /* RFC 3261 §25.1: hvalue = *( hnv-unreserved / unreserved / escaped ).
   * Besides what url_escape() always escapes (delimiters, unwise,
   * controls), ';', '@', '&', '=' and ',' are neither. */
  static const char reserved[] = ";@&=,";
  char *out;

  g_return_val_if_fail (value != NULL, NULL);

  out = g_malloc (url_esclen (value, reserved) + 1);
  url_escape (out, value, reserved);
  /* The sample flow writes "%3b", "%3d", "%22"; RFC 3261 §19.1.4 makes
   * the case of escapes immaterial. */
  for (char *p = out; *p; p++)
    if (*p == '%' && p[1] && p[2])
      {
        p[1] = g_ascii_tolower (p[1]);
        p[2] = g_ascii_tolower (p[2]);
        p += 2;
      }
  return out;
}

char *
pl_refer_build_refer_to (PlDialect   dialect,
                         const char *target,
                         const char *app)
{
  g_autofree char *accept = NULL;
  g_autofree char *event = NULL;
  g_autofree char *contact = NULL;

  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (app != NULL && *app != '\0', NULL);

  accept = pl_refer_accept_contact (dialect, app);
  event = pl_refer_escape_hvalue (PL_REFER_EVENT);
  contact = pl_refer_escape_hvalue (accept);
  /* Sender steps 2b–2d: the method parameter, then the Event and
   * Accept-Contact header parameters (RFC 3261 §19.1.1). */
  return g_strdup_printf ("<%s;method=SUBSCRIBE?Event=%s&Accept-Contact=%s>", target, event,
                          contact);
}

/* ---- reading (receiver side) ---- */

void
pl_refer_target_clear (PlReferTarget *target)
{
  g_clear_pointer (&target->uri, g_free);
  g_clear_pointer (&target->method, g_free);
  g_clear_pointer (&target->event, g_free);
  g_clear_pointer (&target->accept_contact, g_free);
  g_clear_pointer (&target->app, g_free);
  target->expires = 0;
}

static char *
unquote (const char *value)
{
  gsize len = value ? strlen (value) : 0;

  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    return g_strndup (value + 1, len - 2);
  return g_strdup (value);
}

static gboolean
is_referred_event (const sip_event_t *event)
{
  g_autofree char *type = NULL;

  if (event == NULL || event->o_type == NULL
      || g_ascii_strcasecmp (event->o_type, "ua-profile") != 0)
    return FALSE;
  type = unquote (msg_params_find (event->o_params, "profile-type"));
  return type && g_ascii_strcasecmp (type, "application") == 0;
}

/* The headers of the referred request, parsed by sofia-sip in a scratch
 * message; NULL (with @error set) when they do not parse. */
static msg_t *
parse_url_headers (const url_t  *url,
                   GError      **error)
{
  msg_t *headers = pl_wire_new_msg ();
  sip_t *sip = sip_object (headers);
  char *text;

  if (url->url_headers == NULL)
    return headers;
  /* The parsed headers point into the text: it lives in the message. */
  text = url_query_as_header_string (msg_home (headers), url->url_headers);
  if (text == NULL || msg_header_parse_str (headers, NULL, text) < 0 || sip->sip_error)
    {
      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_MALFORMED,
                   "the headers of the Refer-To URI do not parse (%s)",
                   sip->sip_error && sip->sip_error->er_name ? sip->sip_error->er_name
                                                             : url->url_headers);
      msg_destroy (headers);
      return NULL;
    }
  return headers;
}

gboolean
pl_refer_parse_refer_to (PlDialect              dialect,
                         const sip_refer_to_t  *refer_to,
                         PlReferTarget         *target,
                         GError               **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autoptr (msg_t) headers = NULL;
  sip_t *hsip;
  url_t *url;
  char method[32] = "";
  gboolean ok = FALSE;

  g_return_val_if_fail (target != NULL, FALSE);

  memset (target, 0, sizeof *target);
  /* RFC 3515 §2.4.1: exactly one Refer-To, else 400. */
  if (refer_to == NULL)
    {
      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_MALFORMED,
                   "no readable Refer-To header");
      return FALSE;
    }
  if (refer_to->r_next)
    {
      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_MALFORMED,
                   "more than one Refer-To header (RFC 3515 §2.4.1)");
      return FALSE;
    }
  url = url_hdup (home, refer_to->r_url);
  if (url == NULL || (url->url_type != url_sip && url->url_type != url_sips)
      || url->url_host == NULL)
    {
      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_SCHEME,
                   "the Refer-To URI is not a SIP URI");
      goto out;
    }

  /* Sender step 2b. Without the parameter the referred method would be
   * INVITE (RFC 3261 §19.1.1). */
  if (url->url_params == NULL
      || url_param (url->url_params, "method", method, sizeof method) == 0)
    g_strlcpy (method, "INVITE", sizeof method);
  if (!g_str_equal (method, "SUBSCRIBE"))
    {
      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_FORBIDDEN,
                   "Refer-To asks for %s; a Push Receiver agent is referred to SUBSCRIBE "
                   "only", method);
      goto out;
    }

  headers = parse_url_headers (url, error);
  if (headers == NULL)
    goto out;
  hsip = sip_object (headers);
  /* Sender step 2c. */
  if (!is_referred_event (hsip->sip_event))
    {
      g_autofree char *event = hsip->sip_event
                                 ? sip_header_as_string (NULL, (sip_header_t *) hsip->sip_event)
                                 : NULL;

      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_FORBIDDEN,
                   "Refer-To asks for a subscription to %s, not to " PL_REFER_EVENT,
                   event ? event : "no event");
      goto out;
    }
  /* Sender step 2d: the application is named by its feature tag. */
  target->app = pl_push_targeted_app (dialect == PL_DIALECT_PLAIN ? PL_DIALECT_OMA_2006 : dialect,
                                      hsip->sip_accept_contact);
  if (target->app == NULL)
    {
      g_set_error (error, PL_REFER_ERROR, PL_REFER_ERROR_MALFORMED,
                   "the Accept-Contact of Refer-To names no push application");
      goto out;
    }

  target->method = g_strdup (method);
  /* Not sip_header_as_string(): it cuts a long value (pl-wire.h). */
  target->event = pl_wire_header_text ((msg_header_t *) hsip->sip_event);
  target->accept_contact = pl_wire_header_text ((msg_header_t *) hsip->sip_accept_contact);
  if (hsip->sip_expires)
    target->expires = (guint32) hsip->sip_expires->ex_delta;

  /* The Request-URI of the SUBSCRIBE: the URI without what made it a
   * reference (RFC 3261 §19.1.5: the method parameter and the headers
   * are not part of a Request-URI). */
  if (url->url_params)
    {
      char *params = su_strdup (home, url->url_params);

      params = url_strip_param_string (params, "method");
      url->url_params = params && *params ? params : NULL;
    }
  url->url_headers = NULL;
  target->uri = g_strdup (url_as_string (home, url));
  ok = TRUE;

out:
  if (!ok)
    pl_refer_target_clear (target);
  su_home_deinit (home);
  return ok;
}

/* ---- message/sipfrag (RFC 3515 §2.4.5) ---- */

GBytes *
pl_refer_sipfrag (int         status,
                  const char *phrase)
{
  char *line;

  g_return_val_if_fail (status >= 100 && status <= 699, NULL);

  line = g_strdup_printf ("SIP/2.0 %03d %s\r\n", status,
                          phrase ? phrase : sip_status_phrase (status)
                                              ? sip_status_phrase (status) : "");
  return g_bytes_new_take (line, strlen (line));
}

gboolean
pl_refer_parse_sipfrag (const char  *data,
                        gsize        len,
                        int         *status,
                        char       **line)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *first = NULL;
  const char *end;
  sip_status_t *st;
  gboolean ok;

  if (data == NULL || len == 0)
    return FALSE;
  end = memchr (data, '\n', len);
  first = g_strndup (data, end ? (gsize) (end - data) : len);
  g_strchomp (first);
  /* The status line is sofia-sip's to read: RFC 3261 §7.2. */
  st = sip_status_make (home, first);
  ok = st != NULL && st->st_status >= 100 && st->st_status <= 699;
  if (ok && status)
    *status = st->st_status;
  if (ok && line)
    *line = g_steal_pointer (&first);
  su_home_deinit (home);
  return ok;
}
