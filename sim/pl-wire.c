/* pl-wire.c: SIP messages as bytes, through sofia-sip.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-wire"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "pl-wire.h"

msg_t *
pl_wire_new_msg (void)
{
  return msg_create (sip_default_mclass (), 0);
}

static char *
check_message (msg_t  *msg,
               sip_t  *sip,
               gsize   available_body)
{
  if (sip == NULL || (sip->sip_request == NULL && sip->sip_status == NULL))
    return g_strdup ("no SIP start line");

  /* RFC 3261 §8.1.1: the headers every request and response carries;
   * sofia-sip leaves the field NULL when the value did not parse. */
  if (sip->sip_via == NULL)
    return g_strdup ("missing or unparsable Via");
  if (sip->sip_from == NULL)
    return g_strdup ("missing or unparsable From");
  if (sip->sip_to == NULL)
    return g_strdup ("missing or unparsable To");
  if (sip->sip_call_id == NULL)
    return g_strdup ("missing or unparsable Call-ID");
  if (sip->sip_cseq == NULL)
    return g_strdup ("missing or unparsable CSeq");
  if (sip->sip_error != NULL)
    {
      const msg_error_t *er = sip->sip_error;
      return g_strdup_printf ("unparsable %s header", er->er_name ? er->er_name : "a");
    }
  if (sip->sip_request
      && (sip->sip_request->rq_method != sip->sip_cseq->cs_method
          || (sip->sip_request->rq_method == sip_method_unknown
              && g_strcmp0 (sip->sip_request->rq_method_name,
                            sip->sip_cseq->cs_method_name) != 0)))
    return g_strdup ("CSeq method differs from the request method");
  if (!msg_is_complete (msg))
    {
      if (sip->sip_content_length)
        return g_strdup_printf ("body shorter than Content-Length (%lu bytes announced, %" G_GSIZE_FORMAT " present)",
                                (unsigned long) sip->sip_content_length->l_length,
                                available_body);
      return g_strdup ("incomplete message");
    }
  return NULL;
}

static gsize
body_bytes_present (const char *data,
                    gsize       len)
{
  const char *end = g_strstr_len (data, len, "\r\n\r\n");

  return end ? len - (gsize) (end + 4 - data) : 0;
}

msg_t *
pl_wire_parse (GBytes  *bytes,
               char   **problem)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  msg_t *msg;

  if (problem)
    *problem = NULL;
  if (len == 0)
    {
      if (problem)
        *problem = g_strdup ("empty message");
      return NULL;
    }

  msg = msg_make (sip_default_mclass (), 0, data, len);
  if (msg == NULL)
    {
      if (problem)
        *problem = g_strdup ("not a SIP message");
      return NULL;
    }

  if (problem)
    *problem = check_message (msg, sip_object (msg), body_bytes_present (data, len));
  return msg;
}

GBytes *
pl_wire_serialize (msg_t *msg)
{
  sip_t *sip = sip_object (msg);
  size_t len = 0;
  char *text;

  /* Content-Length always matches the body (RFC 3261 §20.14). */
  if (sip->sip_content_length == NULL
      || sip->sip_content_length->l_length != (sip->sip_payload ? sip->sip_payload->pl_len : 0))
    {
      if (sip->sip_content_length)
        msg_header_remove (msg, (msg_pub_t *) sip, (msg_header_t *) sip->sip_content_length);
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_content_length_create (msg_home (msg),
                                                                     sip->sip_payload ? sip->sip_payload->pl_len : 0));
    }
  /* The empty line between headers and body. */
  if (sip->sip_separator == NULL)
    msg_header_insert (msg, (msg_pub_t *) sip,
                       (msg_header_t *) sip_separator_create (msg_home (msg)));
  msg_serialize (msg, (msg_pub_t *) sip);
  text = msg_as_string (msg_home (msg), msg, NULL, 0, &len);
  g_return_val_if_fail (text != NULL, g_bytes_new_static ("", 0));
  /* The text stays in the message's home; the wire copy is ours. */
  return g_bytes_new (text, len);
}

char *
pl_wire_label (const sip_t *sip)
{
  if (sip == NULL)
    return g_strdup ("?");
  if (sip->sip_request)
    return g_strdup (sip->sip_request->rq_method_name);
  if (sip->sip_status)
    return g_strdup_printf ("%d %s", sip->sip_status->st_status,
                            sip->sip_status->st_phrase ? sip->sip_status->st_phrase : "");
  return g_strdup ("?");
}

/* sofia-sip 1.12.11's encoders write a string element only when one
 * byte more than it and its NUL fits (MSG_STRING_E in msg_parser.h tests
 * p + n + 1 < e):
 * in a buffer of exactly the printed length + 1 the last element (the
 * last parameter, say) is silently left out and nothing ends the text,
 * while the length returned is the whole one. sip_header_as_string()
 * retries with exactly that size, so a field of 127 bytes or more comes
 * back cut and unterminated (valgrind: uninitialised reads in strlen).
 * Here the buffer always has a byte to spare, and is zeroed. */
char *
pl_wire_header_text (const msg_header_t *h)
{
  gsize size = 256;

  if (h == NULL)
    return NULL;
  for (;;)
    {
      char *buf = g_malloc0 (size);
      issize_t n = msg_header_field_e (buf, (isize_t) size, h, 0);

      if (n < 0)
        {
          g_free (buf);
          return NULL;
        }
      if ((gsize) n + 1 < size)
        return buf;
      g_free (buf);
      size = (gsize) n + 2;
    }
}

char *
pl_wire_header_value (msg_t      *msg,
                      const char *name)
{
  sip_t *sip = sip_object (msg);
  msg_href_t const *href;
  GString *out = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  if (sip == NULL)
    return NULL;

  href = msg_find_hclass (sip_default_mclass (), name, NULL);
  /* Unknown names map to sofia-sip's catch-all class: those are read
   * from the list of unknown headers below. */
  if (href && href->hr_class && href->hr_class->hc_name && href->hr_offset
      && href->hr_class->hc_hash != msg_unknown_hash)
    {
      msg_header_t *h = *(msg_header_t **) ((char *) sip + href->hr_offset);

      for (; h; h = h->sh_next)
        {
          g_autofree char *value = pl_wire_header_text (h);

          if (value == NULL)
            continue;
          if (out == NULL)
            out = g_string_new (value);
          else
            g_string_append_printf (out, ", %s", value);
        }
    }
  else
    {
      for (sip_unknown_t *u = sip->sip_unknown; u; u = u->un_next)
        {
          if (u->un_name == NULL || g_ascii_strcasecmp (u->un_name, name) != 0)
            continue;
          if (out == NULL)
            out = g_string_new (u->un_value ? u->un_value : "");
          else
            g_string_append_printf (out, ", %s", u->un_value ? u->un_value : "");
        }
    }

  return out ? g_string_free (out, FALSE) : NULL;
}

/* The known class sofia-sip has for @name, or NULL for an unknown one. */
static msg_hclass_t *
known_class (const char  *name,
             msg_header_t ***slot,
             sip_t        *sip)
{
  msg_href_t const *href = msg_find_hclass (sip_default_mclass (), name, NULL);

  if (href == NULL || href->hr_class == NULL || href->hr_offset == 0
      || href->hr_class->hc_hash == msg_unknown_hash)
    return NULL;
  if (slot)
    *slot = (msg_header_t **) ((char *) sip + href->hr_offset);
  return href->hr_class;
}

guint
pl_wire_remove_header (msg_t      *msg,
                       const char *name)
{
  sip_t *sip = sip_object (msg);
  msg_header_t **slot = NULL;
  guint n = 0;

  g_return_val_if_fail (sip != NULL && name != NULL, 0);

  if (known_class (name, &slot, sip))
    {
      while (*slot)
        {
          msg_header_remove (msg, (msg_pub_t *) sip, *slot);
          n++;
        }
      return n;
    }

  for (sip_unknown_t *u = sip->sip_unknown, *next; u; u = next)
    {
      next = u->un_next;
      if (u->un_name && g_ascii_strcasecmp (u->un_name, name) == 0)
        {
          msg_header_remove (msg, (msg_pub_t *) sip, (msg_header_t *) u);
          n++;
        }
    }
  return n;
}

gboolean
pl_wire_add_header (msg_t      *msg,
                    const char *name,
                    const char *value)
{
  sip_t *sip = sip_object (msg);
  msg_hclass_t *hc;

  g_return_val_if_fail (sip != NULL && name != NULL && value != NULL, FALSE);

  hc = known_class (name, NULL, sip);
  if (hc)
    return msg_header_add_make (msg, (msg_pub_t *) sip, hc, value) == 0;
  else
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

      return msg_header_add_make (msg, (msg_pub_t *) sip, sip_unknown_class, line) == 0;
    }
}

void
pl_wire_append_quoted (GString    *out,
                       const char *text)
{
  g_string_append_c (out, '"');
  for (; *text; text++)
    {
      if (*text == '"' || *text == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *text);
    }
  g_string_append_c (out, '"');
}

/* "type/subtype" of a media type without its parameters, trimmed. */
static char *
bare_media_type (const char *text)
{
  char *type = g_strndup (text, strcspn (text, ";"));

  return g_strstrip (type);
}

gboolean
pl_wire_media_range_matches (const char *range,
                             const char *content_type)
{
  g_autofree char *r = NULL;
  g_autofree char *t = NULL;
  const char *rslash, *tslash;

  if (range == NULL || content_type == NULL)
    return FALSE;
  r = bare_media_type (range);
  t = bare_media_type (content_type);
  rslash = strchr (r, '/');
  tslash = strchr (t, '/');
  if (rslash == NULL || tslash == NULL)
    return FALSE;
  if (g_str_equal (r, "*/*"))
    return TRUE;
  if ((rslash - r) != (tslash - t) || g_ascii_strncasecmp (r, t, (gsize) (rslash - r)) != 0)
    return FALSE;
  return g_str_equal (rslash, "/*") || g_ascii_strcasecmp (rslash, tslash) == 0;
}
