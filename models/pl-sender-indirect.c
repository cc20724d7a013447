/* pl-sender-indirect.c: the Push Sender agent pushing content by
 * reference (RFC 4483, content indirection): the MESSAGE carries a
 * message/external-body naming an http: URL, and the receiver fetches the
 * content (004_… §7.1.1 step 4).
 *
 * Scenario form:
 *
 *   <push node="psa" to="sip:john.doe@home1.net" app="0x05"
 *         content-type="text/plain" content-url="http://content.home1.net/alert.txt"
 *         [content-size="42"]/>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include "pl-sender-private.h"

#define DEFAULT_CONTENT_TYPE "application/vnd.oma.push"

/* An http: URL with a host, quotable in a Content-Type parameter. */
static gboolean
is_http_url (const char *text)
{
  const char *host;

  if (g_ascii_strncasecmp (text, "http://", 7) != 0)
    return FALSE;
  host = text + 7;
  return *host != '\0' && *host != '/' && strpbrk (text, " \t\r\n\"\\<>") == NULL;
}

gboolean
_pl_sender_parse_reference (PlXmlContext  *ctx,
                            xmlNode       *element,
                            int            method,
                            char         **url,
                            gint64        *size,
                            GError       **error)
{
  const char *value = pl_xml_attr (element, "content-url");
  guint64 n;

  *url = NULL;
  *size = -1;
  if (value == NULL)
    {
      if (pl_xml_attr (element, "content-size"))
        return pl_xml_error (ctx, error, element, "content-size",
                             "attribute 'content-size' of <push> goes with 'content-url'");
      return TRUE;
    }
  if (pl_xml_attr (element, "body") || pl_xml_attr (element, "body-file"))
    return pl_xml_error (ctx, error, element, "content-url",
                         "<push> takes the content in 'body', 'body-file' or by reference in "
                         "'content-url', one of them");
  /* RFC 4483 §3: the reference travels in a MESSAGE (or INVITE) body;
   * a NOTIFY push carries its content itself. */
  if (method != PL_SENDER_BY_MESSAGE)
    return pl_xml_error (ctx, error, element, "content-url",
                         "attribute 'content-url' of <push> goes with method='message'");
  if (!is_http_url (value))
    return pl_xml_error (ctx, error, element, "content-url",
                         "attribute 'content-url' of <push>: expected an http: URL such as "
                         "http://content.home1.net/alert.txt, got '%s'", value);
  if (!pl_xml_attr_uint (ctx, element, "content-size", 0, 0, G_MAXINT64, &n, error))
    return FALSE;
  *url = g_strdup (value);
  if (pl_xml_attr (element, "content-size"))
    *size = (gint64) n;
  return TRUE;
}

guint
pl_sender_push_by_reference (PlSender   *self,
                             const char *to,
                             const char *app,
                             const char *content_type,
                             const char *url,
                             gint64      size,
                             gboolean    confirm)
{
  PlNode *node;
  PlSenderPush *p;
  g_autofree char *outer = NULL;
  g_autofree char *phantom = NULL;
  g_autoptr (GBytes) body = NULL;
  const char *type = content_type ? content_type : DEFAULT_CONTENT_TYPE;

  g_return_val_if_fail (PL_IS_SENDER (self), 0);
  g_return_val_if_fail (to != NULL && _pl_sender_is_sip_uri (to), 0);
  g_return_val_if_fail (app != NULL && *app != '\0', 0);
  g_return_val_if_fail (url != NULL && is_http_url (url), 0);

  node = PL_NODE (self);
  /* RFC 4483 §4 with RFC 2017's URL access-type; the size lets the
   * receiver check what it fetched. */
  if (size >= 0)
    outer = g_strdup_printf ("message/external-body;access-type=\"URL\";URL=\"%s\";"
                             "size=%" G_GINT64_FORMAT, url, size);
  else
    outer = g_strdup_printf ("message/external-body;access-type=\"URL\";URL=\"%s\"", url);
  /* RFC 2046 §5.2.3: the encapsulated headers name the content's type
   * and MUST have a Content-ID; the phantom body stays empty. */
  phantom = g_strdup_printf ("Content-Type: %s\r\nContent-ID: <push-%u@%s>\r\n\r\n", type,
                             self->pushes->len + 1, pl_node_get_hostname (node));
  body = g_bytes_new (phantom, strlen (phantom));

  p = _pl_sender_push_new (self, PL_SENDER_BY_MESSAGE, to, app, outer, body, confirm);
  p->inner_type = g_strdup (type);
  p->call_id = pl_node_new_call_id (node);
  p->from_tag = pl_node_new_tag (node);
  return _pl_sender_push_start (p);
}
