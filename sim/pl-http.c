/* pl-http.c: HTTP/1.1 framing after RFC 7230 §3 (see pl-http.h).
 *
 * Strict on purpose: every line ends in CRLF (§3.5 lets a recipient take
 * a bare LF; a simulator that teaches the wire should not), no
 * whitespace between a field name and its colon (§3.2.4: "MUST reject"),
 * no obsolete line folding (§3.2.4), one Content-Length value (§3.3.2),
 * and no Transfer-Encoding, which this framer does not decode (§3.3.3
 * rule 3 would make it take precedence over Content-Length).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-http"

#include <string.h>

#include "pl-http.h"

/* Far more than a fetch needs; bounds the work on hostile input. */
#define MAX_HEADERS 100
#define MAX_CONTENT_LENGTH_DIGITS 9

struct _PlHttpMessage {
  char *method;
  char *target;
  int status;
  char *reason;
  char *version;
  GPtrArray *names;
  GPtrArray *values;
  GBytes *body;
};

G_DEFINE_QUARK (pl-http-error-quark, pl_http_error)

/* ---- building ---- */

GBytes *
pl_http_build_request (const char *method,
                       const char *host,
                       const char *target,
                       const char *accept)
{
  GString *s;

  g_return_val_if_fail (method != NULL && host != NULL && target != NULL, NULL);

  s = g_string_new (NULL);
  g_string_append_printf (s, "%s %s HTTP/1.1\r\n", method, target);
  /* RFC 7230 §5.4: "A client MUST send a Host header field in all
   * HTTP/1.1 request messages." */
  g_string_append_printf (s, "Host: %s\r\n", host);
  if (accept)
    g_string_append_printf (s, "Accept: %s\r\n", accept);
  g_string_append (s, "\r\n");
  return g_string_free_to_bytes (s);
}

const char *
pl_http_reason_phrase (int status)
{
  switch (status)
    {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

GBytes *
pl_http_build_response (int                 status,
                        const char * const *headers,
                        const char         *content_type,
                        GBytes             *body)
{
  gsize len = body ? g_bytes_get_size (body) : 0;
  GString *s;

  g_return_val_if_fail (status >= 100 && status <= 999, NULL);

  s = g_string_new (NULL);
  g_string_append_printf (s, "HTTP/1.1 %03d %s\r\n", status, pl_http_reason_phrase (status));
  for (guint i = 0; headers && headers[i]; i++)
    g_string_append_printf (s, "%s\r\n", headers[i]);
  if (content_type)
    g_string_append_printf (s, "Content-Type: %s\r\n", content_type);
  /* No Date: RFC 7231 §7.1.1.2 lets a server without a reliable clock
   * leave it out, and virtual time is not a calendar. */
  g_string_append_printf (s, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", len);
  if (len)
    g_string_append_len (s, g_bytes_get_data (body, NULL), len);
  return g_string_free_to_bytes (s);
}

/* ---- parsing ---- */

/* RFC 7230 §3.2.6: tchar. */
static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* VCHAR or obs-text (§3.2.6). */
static gboolean
is_vchar (guchar c)
{
  return (c > 0x20 && c < 0x7f) || c >= 0x80;
}

static gboolean
fail (GError     **error,
      PlHttpError  code,
      gsize        offset,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError     **error,
      PlHttpError  code,
      gsize        offset,
      const char  *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PL_HTTP_ERROR, code, "byte %" G_GSIZE_FORMAT ": %s", offset, text);
  return FALSE;
}

static gboolean
is_version (const char *p,
            gsize       len)
{
  /* §2.6: HTTP-version = "HTTP" "/" DIGIT "." DIGIT */
  return len == 8 && memcmp (p, "HTTP/", 5) == 0 && g_ascii_isdigit (p[5]) && p[6] == '.'
         && g_ascii_isdigit (p[7]);
}

static gboolean
parse_start_line (PlHttpMessage  *msg,
                  const char     *line,
                  gsize           len,
                  GError        **error)
{
  gsize i = 0, start;

  if (len >= 5 && memcmp (line, "HTTP/", 5) == 0)
    {
      /* §3.1.2: status-line = HTTP-version SP status-code SP reason-phrase */
      if (len < 13 || !is_version (line, 8) || line[8] != ' ')
        return fail (error, PL_HTTP_ERROR_SYNTAX, 0,
                     "bad status line; expected 'HTTP/1.1 200 OK'");
      if (!g_ascii_isdigit (line[9]) || !g_ascii_isdigit (line[10]) || !g_ascii_isdigit (line[11])
          || line[12] != ' ')
        return fail (error, PL_HTTP_ERROR_SYNTAX, 9,
                     "bad status code; expected three digits and a space");
      for (i = 13; i < len; i++)
        if (!is_vchar (line[i]) && line[i] != ' ' && line[i] != '\t')
          return fail (error, PL_HTTP_ERROR_SYNTAX, i,
                       "control character in the reason phrase");
      msg->version = g_strndup (line, 8);
      msg->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
      if (msg->status < 100)
        return fail (error, PL_HTTP_ERROR_SYNTAX, 9, "status code %03d; expected 100 to 999",
                     msg->status);
      msg->reason = g_strndup (line + 13, len - 13);
      return TRUE;
    }

  /* §3.1.1: request-line = method SP request-target SP HTTP-version */
  while (i < len && is_tchar (line[i]))
    i++;
  if (i == 0 || i >= len || line[i] != ' ')
    return fail (error, PL_HTTP_ERROR_SYNTAX, i,
                 "bad request line; expected a method token and a space as in 'GET / HTTP/1.1'");
  msg->method = g_strndup (line, i);
  start = ++i;
  while (i < len && is_vchar (line[i]))
    i++;
  if (i == start || i >= len || line[i] != ' ')
    return fail (error, PL_HTTP_ERROR_SYNTAX, i,
                 "bad request-target; expected a target without spaces, then a space");
  msg->target = g_strndup (line + start, i - start);
  i++;
  if (!is_version (line + i, len - i))
    return fail (error, PL_HTTP_ERROR_SYNTAX, i, "bad HTTP version; expected 'HTTP/1.1'");
  msg->version = g_strndup (line + i, 8);
  return TRUE;
}

/* §3.2: header-field = field-name ":" OWS field-value OWS */
static gboolean
parse_field (PlHttpMessage  *msg,
             const char     *line,
             gsize           len,
             gsize           offset,
             GError        **error)
{
  gsize i = 0, vstart, vend;

  if (line[0] == ' ' || line[0] == '\t')
    return fail (error, PL_HTTP_ERROR_SYNTAX, offset,
                 "obsolete line folding (RFC 7230 §3.2.4); expected a field name");
  while (i < len && is_tchar (line[i]))
    i++;
  if (i == 0 || i >= len || line[i] != ':')
    return fail (error, PL_HTTP_ERROR_SYNTAX, offset + i,
                 "bad header field; expected a field name followed directly by ':'");
  vstart = i + 1;
  while (vstart < len && (line[vstart] == ' ' || line[vstart] == '\t'))
    vstart++;
  vend = len;
  while (vend > vstart && (line[vend - 1] == ' ' || line[vend - 1] == '\t'))
    vend--;
  for (gsize j = vstart; j < vend; j++)
    if (!is_vchar (line[j]) && line[j] != ' ' && line[j] != '\t')
      return fail (error, PL_HTTP_ERROR_SYNTAX, offset + j,
                   "control character in a field value");
  if (msg->names->len >= MAX_HEADERS)
    return fail (error, PL_HTTP_ERROR_UNSUPPORTED, offset,
                 "more than %d header fields", MAX_HEADERS);
  g_ptr_array_add (msg->names, g_strndup (line, i));
  g_ptr_array_add (msg->values, g_strndup (line + vstart, vend - vstart));
  return TRUE;
}

/* §3.3.2: Content-Length = 1*DIGIT; several must agree. -1: none. */
static gboolean
content_length (PlHttpMessage  *msg,
                gssize         *out,
                GError        **error)
{
  *out = -1;
  for (guint i = 0; i < msg->names->len; i++)
    {
      const char *value = g_ptr_array_index (msg->values, i);
      gsize n = strlen (value);
      gssize v = 0;

      if (g_ascii_strcasecmp (g_ptr_array_index (msg->names, i), "Transfer-Encoding") == 0)
        return fail (error, PL_HTTP_ERROR_UNSUPPORTED, 0,
                     "Transfer-Encoding '%s' is not decoded here; expected a Content-Length",
                     value);
      if (g_ascii_strcasecmp (g_ptr_array_index (msg->names, i), "Content-Length") != 0)
        continue;
      if (n == 0 || n > MAX_CONTENT_LENGTH_DIGITS || strspn (value, "0123456789") != n)
        return fail (error, PL_HTTP_ERROR_SYNTAX, 0,
                     "Content-Length '%s'; expected a decimal number of bytes", value);
      for (gsize j = 0; j < n; j++)
        v = v * 10 + (value[j] - '0');
      if (*out >= 0 && *out != v)
        return fail (error, PL_HTTP_ERROR_SYNTAX, 0,
                     "Content-Length %" G_GSSIZE_FORMAT " and %" G_GSSIZE_FORMAT
                     " disagree; expected one length", *out, v);
      *out = v;
    }
  return TRUE;
}

/* The first CRLF CRLF, NUL bytes and all (g_strstr_len stops at NUL). */
static const char *
find_head_end (const char *data,
               gsize       len)
{
  for (gsize i = 0; i + 4 <= len; i++)
    if (data[i] == '\r' && memcmp (data + i, "\r\n\r\n", 4) == 0)
      return data + i;
  return NULL;
}

PlHttpMessage *
pl_http_parse_data (const char  *data,
                    gsize        len,
                    GError     **error)
{
  g_autoptr (PlHttpMessage) msg = g_new0 (PlHttpMessage, 1);
  gsize pos = 0, head_end;
  gssize clen;
  const char *end;
  gboolean first = TRUE;

  msg->names = g_ptr_array_new_with_free_func (g_free);
  msg->values = g_ptr_array_new_with_free_func (g_free);
  if (data == NULL)
    len = 0;

  /* §3: the header section ends with an empty line. */
  end = find_head_end (data, len);
  if (end == NULL)
    {
      fail (error, PL_HTTP_ERROR_TRUNCATED, len,
            "the header section does not end; expected an empty line (CRLF CRLF)");
      return NULL;
    }
  head_end = end - data + 2;    /* after the last field's CRLF */

  while (pos < head_end)
    {
      const char *eol = memchr (data + pos, '\r', head_end - pos);
      gsize line_len;

      g_assert (eol != NULL);   /* head_end is just after a CRLF */
      line_len = eol - (data + pos);
      if ((gsize) (eol - data) + 1 >= len || eol[1] != '\n')
        {
          fail (error, PL_HTTP_ERROR_SYNTAX, eol - data, "bare CR; expected CRLF");
          return NULL;
        }
      for (gsize i = 0; i < line_len; i++)
        if (data[pos + i] == '\n' || data[pos + i] == '\0')
          {
            fail (error, PL_HTTP_ERROR_SYNTAX, pos + i, "%s in a line; expected CRLF line ends",
                  data[pos + i] == '\n' ? "bare LF" : "NUL");
            return NULL;
          }
      if (first)
        {
          if (line_len == 0)
            {
              fail (error, PL_HTTP_ERROR_SYNTAX, 0, "empty start line; expected a request or status line");
              return NULL;
            }
          if (!parse_start_line (msg, data, line_len, error))
            return NULL;
          first = FALSE;
        }
      else if (!parse_field (msg, data + pos, line_len, pos, error))
        return NULL;
      pos += line_len + 2;
    }
  pos = head_end + 2;

  if (!content_length (msg, &clen, error))
    return NULL;
  if (msg->method)
    {
      /* §5.4: "A server MUST respond with a 400 (Bad Request) status code
       * to any HTTP/1.1 request message that lacks a Host header field
       * and to any request message that contains more than one". */
      guint hosts = 0;

      for (guint i = 0; i < msg->names->len; i++)
        hosts += g_ascii_strcasecmp (g_ptr_array_index (msg->names, i), "Host") == 0;
      if (hosts > 1 || (hosts == 0 && g_str_equal (msg->version, "HTTP/1.1")))
        {
          fail (error, PL_HTTP_ERROR_SYNTAX, 0, "%u Host fields; expected exactly one", hosts);
          return NULL;
        }
      /* §3.3.3 rule 6: a request without a length has no body. */
      if (clen < 0)
        clen = 0;
    }
  else if (msg->status < 200 || msg->status == 204 || msg->status == 304)
    clen = 0;   /* §3.3.3 rule 1 */
  else if (clen < 0)
    clen = len - pos;   /* rule 7: to the end of the connection */

  if (len - pos < (gsize) clen)
    {
      fail (error, PL_HTTP_ERROR_TRUNCATED, len,
            "the body has %" G_GSIZE_FORMAT " bytes; expected Content-Length %" G_GSSIZE_FORMAT,
            len - pos, clen);
      return NULL;
    }
  if (len - pos > (gsize) clen)
    {
      fail (error, PL_HTTP_ERROR_UNSUPPORTED, pos + clen,
            "%" G_GSIZE_FORMAT " bytes after the message; expected one message",
            len - pos - clen);
      return NULL;
    }
  msg->body = g_bytes_new (data + pos, clen);
  return g_steal_pointer (&msg);
}

PlHttpMessage *
pl_http_parse (GBytes  *bytes,
               GError **error)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  return pl_http_parse_data (data, len, error);
}

void
pl_http_message_free (PlHttpMessage *msg)
{
  if (msg == NULL)
    return;
  g_free (msg->method);
  g_free (msg->target);
  g_free (msg->reason);
  g_free (msg->version);
  g_clear_pointer (&msg->names, g_ptr_array_unref);
  g_clear_pointer (&msg->values, g_ptr_array_unref);
  g_clear_pointer (&msg->body, g_bytes_unref);
  g_free (msg);
}

gboolean
pl_http_message_is_request (const PlHttpMessage *msg)
{
  return msg->method != NULL;
}

const char *
pl_http_message_get_method (const PlHttpMessage *msg)
{
  return msg->method;
}

const char *
pl_http_message_get_target (const PlHttpMessage *msg)
{
  return msg->target;
}

int
pl_http_message_get_status (const PlHttpMessage *msg)
{
  return msg->status;
}

const char *
pl_http_message_get_reason (const PlHttpMessage *msg)
{
  return msg->reason;
}

const char *
pl_http_message_get_version (const PlHttpMessage *msg)
{
  return msg->version;
}

guint
pl_http_message_get_n_headers (const PlHttpMessage *msg)
{
  return msg->names->len;
}

const char *
pl_http_message_get_header_name (const PlHttpMessage *msg,
                                 guint                i)
{
  g_return_val_if_fail (i < msg->names->len, NULL);
  return g_ptr_array_index (msg->names, i);
}

const char *
pl_http_message_get_header_value (const PlHttpMessage *msg,
                                  guint                i)
{
  g_return_val_if_fail (i < msg->values->len, NULL);
  return g_ptr_array_index (msg->values, i);
}

const char *
pl_http_message_get_header (const PlHttpMessage *msg,
                            const char          *name)
{
  for (guint i = 0; i < msg->names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (msg->names, i), name) == 0)
      return g_ptr_array_index (msg->values, i);
  return NULL;
}

GBytes *
pl_http_message_get_body (const PlHttpMessage *msg)
{
  return msg->body;
}

char *
pl_http_message_label (const PlHttpMessage *msg)
{
  if (msg->method)
    return g_strdup_printf ("%s %s", msg->method, msg->target);
  return g_strdup_printf ("%03d %s", msg->status, msg->reason);
}
