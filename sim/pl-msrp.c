/* pl-msrp.c: MSRP frames (RFC 4975). Hand-written: neither sofia-sip nor
 * GLib has an MSRP parser. It follows the ABNF of RFC 4975 §9:
 *
 *   msrp-req-or-resp = msrp-request / msrp-response
 *   req-start  = pMSRP SP transact-id SP method CRLF
 *   resp-start = pMSRP SP transact-id SP status-code [SP comment] CRLF
 *   headers    = To-Path CRLF From-Path CRLF *( msrp-header CRLF )
 *   content-stuff = *(Other-Mime-header CRLF) Content-Type 2CRLF data CRLF
 *   end-line   = "-------" transact-id continuation-flag CRLF
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp"

#include <string.h>

#include "pl-msrp.h"

G_DEFINE_QUARK (pl-msrp-error-quark, pl_msrp_error)

#define END_DASHES "-------"
#define MAX_LINE 8192

typedef struct {
  char *name;
  char *value;
} Header;

struct _PlMsrpFrame {
  PlMsrpKind kind;
  char *transaction_id;
  char *method;
  guint status;
  char *phrase;
  GArray *headers;      /* Header, in order; Content-Type is kept apart */
  char *content_type;
  GBytes *body;
  PlMsrpFlag flag;
};

struct _PlMsrpFramer {
  GBytes *pending;
  gsize offset;
  gboolean failed;
};

static void
header_clear (gpointer data)
{
  Header *h = data;

  g_free (h->name);
  g_free (h->value);
}

static PlMsrpFrame *
frame_new (PlMsrpKind  kind,
           const char *transaction_id)
{
  PlMsrpFrame *frame = g_new0 (PlMsrpFrame, 1);

  frame->kind = kind;
  frame->transaction_id = g_strdup (transaction_id);
  frame->headers = g_array_new (FALSE, FALSE, sizeof (Header));
  g_array_set_clear_func (frame->headers, header_clear);
  frame->flag = PL_MSRP_FLAG_END;
  return frame;
}

gboolean
pl_msrp_is_transaction_id (const char *id)
{
  gsize len;

  if (id == NULL || !g_ascii_isalnum (id[0]))
    return FALSE;
  len = strlen (id);
  if (len < 4 || len > 32)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && strchr (".-+%=", id[i]) == NULL)
      return FALSE;
  return TRUE;
}

PlMsrpFrame *
pl_msrp_request_new (const char *transaction_id,
                     const char *method)
{
  PlMsrpFrame *frame;

  g_return_val_if_fail (pl_msrp_is_transaction_id (transaction_id), NULL);
  g_return_val_if_fail (method != NULL && *method != '\0', NULL);

  frame = frame_new (PL_MSRP_REQUEST, transaction_id);
  frame->method = g_strdup (method);
  return frame;
}

PlMsrpFrame *
pl_msrp_response_new (const char *transaction_id,
                      guint       status,
                      const char *phrase)
{
  PlMsrpFrame *frame;

  g_return_val_if_fail (pl_msrp_is_transaction_id (transaction_id), NULL);
  g_return_val_if_fail (status >= 100 && status <= 999, NULL);

  frame = frame_new (PL_MSRP_RESPONSE, transaction_id);
  frame->status = status;
  frame->phrase = g_strdup (phrase);
  return frame;
}

void
pl_msrp_frame_free (PlMsrpFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->transaction_id);
  g_free (frame->method);
  g_free (frame->phrase);
  g_array_unref (frame->headers);
  g_free (frame->content_type);
  g_clear_pointer (&frame->body, g_bytes_unref);
  g_free (frame);
}

PlMsrpKind
pl_msrp_frame_get_kind (const PlMsrpFrame *frame)
{
  return frame->kind;
}

const char *
pl_msrp_frame_get_transaction_id (const PlMsrpFrame *frame)
{
  return frame->transaction_id;
}

const char *
pl_msrp_frame_get_method (const PlMsrpFrame *frame)
{
  return frame->method;
}

guint
pl_msrp_frame_get_status (const PlMsrpFrame *frame)
{
  return frame->status;
}

const char *
pl_msrp_frame_get_phrase (const PlMsrpFrame *frame)
{
  return frame->phrase;
}

void
pl_msrp_frame_add_header (PlMsrpFrame *frame,
                          const char  *name,
                          const char  *value)
{
  Header h;

  g_return_if_fail (frame != NULL && name != NULL && value != NULL);
  g_return_if_fail (g_ascii_strcasecmp (name, "Content-Type") != 0);

  h.name = g_strdup (name);
  h.value = g_strdup (value);
  g_array_append_val (frame->headers, h);
}

const char *
pl_msrp_frame_get_header (const PlMsrpFrame *frame,
                          const char        *name)
{
  if (g_ascii_strcasecmp (name, "Content-Type") == 0)
    return frame->content_type;
  for (guint i = 0; i < frame->headers->len; i++)
    {
      const Header *h = &g_array_index (frame->headers, Header, i);

      if (g_ascii_strcasecmp (h->name, name) == 0)
        return h->value;
    }
  return NULL;
}

guint
pl_msrp_frame_get_n_headers (const PlMsrpFrame *frame)
{
  return frame->headers->len;
}

void
pl_msrp_frame_get_nth_header (const PlMsrpFrame *frame,
                              guint              n,
                              const char       **name,
                              const char       **value)
{
  const Header *h;

  g_return_if_fail (n < frame->headers->len);
  h = &g_array_index (frame->headers, Header, n);
  *name = h->name;
  *value = h->value;
}

void
pl_msrp_frame_set_body (PlMsrpFrame *frame,
                        const char  *content_type,
                        GBytes      *body)
{
  g_return_if_fail (content_type != NULL || body == NULL);

  g_free (frame->content_type);
  frame->content_type = g_strdup (content_type);
  g_clear_pointer (&frame->body, g_bytes_unref);
  if (content_type)
    frame->body = body ? g_bytes_ref (body) : g_bytes_new_static ("", 0);
}

const char *
pl_msrp_frame_get_content_type (const PlMsrpFrame *frame)
{
  return frame->content_type;
}

GBytes *
pl_msrp_frame_get_body (const PlMsrpFrame *frame)
{
  return frame->body;
}

void
pl_msrp_frame_set_flag (PlMsrpFrame *frame,
                        PlMsrpFlag   flag)
{
  g_return_if_fail (flag == PL_MSRP_FLAG_END || flag == PL_MSRP_FLAG_MORE
                    || flag == PL_MSRP_FLAG_ABORT);
  frame->flag = flag;
}

PlMsrpFlag
pl_msrp_frame_get_flag (const PlMsrpFrame *frame)
{
  return frame->flag;
}

/* ---- printing ---- */

/* Would a parser stop inside @data, a body followed on the wire by CRLF?
 * That is: does "CRLF-------<id><flag>CRLF" start at a byte of @data
 * (RFC 4975 §7.1)? The trailing CRLF is looked at in place, so the body
 * is scanned but never copied. */
static gboolean
holds_end_line (const guint8 *data,
                gsize         len,
                const char   *id)
{
  g_autofree char *needle = g_strconcat ("\r\n" END_DASHES, id, NULL);
  gsize n = strlen (needle);
  gsize want = n + 3;    /* the needle, the flag, CRLF */
  const guint8 *p = data;

  while (len > 0 && (p = memchr (p, '\r', len - (gsize) (p - data))) != NULL)
    {
      gsize at = (gsize) (p - data);
      gboolean match = TRUE;

      /* Byte k of the candidate: the body's, then the CRLF after it. */
      for (gsize k = 0; k < want && match; k++)
        {
          gsize i = at + k;
          guint8 c;

          if (i < len)
            c = data[i];
          else if (i - len < 2)
            c = "\r\n"[i - len];
          else
            return FALSE;    /* runs past the CRLF: no end-line here, nor later */
          if (k < n)
            match = c == (guint8) needle[k];
          else if (k == n)
            match = strchr ("$+#", c) != NULL && c != '\0';
          else
            match = c == "\r\n"[k - n - 1];
        }
      if (match)
        return TRUE;
      p++;
      if ((gsize) (p - data) >= len)
        break;
    }
  return FALSE;
}

GBytes *
pl_msrp_frame_to_bytes (const PlMsrpFrame  *frame,
                        GError            **error)
{
  g_autoptr (GString) head = g_string_sized_new (256);
  g_autofree char *tail = NULL;
  const guint8 *data = NULL;
  gsize len = 0, size;
  guint8 *out, *p;

  g_string_append_printf (head, "MSRP %s ", frame->transaction_id);
  if (frame->kind == PL_MSRP_REQUEST)
    g_string_append (head, frame->method);
  else
    {
      g_string_append_printf (head, "%03u", frame->status);
      if (frame->phrase && *frame->phrase)
        g_string_append_printf (head, " %s", frame->phrase);
    }
  g_string_append (head, "\r\n");
  for (guint i = 0; i < frame->headers->len; i++)
    {
      const Header *h = &g_array_index (frame->headers, Header, i);

      g_string_append_printf (head, "%s: %s\r\n", h->name, h->value);
    }
  if (frame->content_type)
    {
      data = g_bytes_get_data (frame->body, &len);

      /* On the wire the body is followed by CRLF: look at it so. (The
       * blank line before it is not part of it: a parser looks for the
       * end-line from the body's first byte on.) */
      if (holds_end_line (data, len, frame->transaction_id))
        {
          g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_END_LINE_IN_BODY,
                       "the body holds the end-line of transaction %s (RFC 4975 §7.1)",
                       frame->transaction_id);
          return NULL;
        }
      g_string_append_printf (head, "Content-Type: %s\r\n\r\n", frame->content_type);
    }
  tail = g_strdup_printf ("%s" END_DASHES "%s%c\r\n", frame->content_type ? "\r\n" : "",
                          frame->transaction_id, (char) frame->flag);

  /* One buffer of the exact size: the body is copied once, into it (a
   * GString would round a chunk of 2 KiB up to 4 KiB). */
  size = head->len + len + strlen (tail);
  p = out = g_malloc (size);
  memcpy (p, head->str, head->len);
  p += head->len;
  if (len)
    memcpy (p, data, len);
  p += len;
  memcpy (p, tail, strlen (tail));
  return g_bytes_new_take (out, size);
}

/* ---- parsing ---- */

typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
} Cursor;

/* The next line without its CRLF; FALSE with *@line NULL when the bytes
 * end first (more are needed), FALSE with an error when it is not a
 * line. */
static gboolean
next_line (Cursor   *c,
           char    **line,
           GError  **error)
{
  const guint8 *start = c->data + c->pos;
  gsize left = c->len - c->pos;
  const guint8 *lf = memchr (start, '\n', MIN (left, (gsize) MAX_LINE + 2));

  *line = NULL;
  if (lf == NULL)
    {
      if (left > MAX_LINE + 1)
        g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_TOO_LARGE,
                     "a line is longer than %d bytes", MAX_LINE);
      return FALSE;
    }
  if (lf == start || lf[-1] != '\r')
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX,
                   "a line ends in LF without CR (RFC 4975 §9 asks for CRLF)");
      return FALSE;
    }
  if (memchr (start, '\0', (gsize) (lf - start)) != NULL)
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX, "a NUL byte in the header section");
      return FALSE;
    }
  *line = g_strndup ((const char *) start, (gsize) (lf - 1 - start));
  c->pos += (gsize) (lf - start) + 1;
  return TRUE;
}

static gboolean
syntax (GError    **error,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static gboolean
syntax (GError    **error,
        const char *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
is_method (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text; text++)
    if (!g_ascii_isupper (*text))
      return FALSE;
  return TRUE;
}

static PlMsrpFrame *
parse_start_line (const char  *line,
                  GError     **error)
{
  g_auto (GStrv) parts = NULL;

  if (!g_str_has_prefix (line, "MSRP "))
    return syntax (error, "expected 'MSRP <transaction-id> <method or status>', got '%.40s'", line),
           NULL;
  parts = g_strsplit (line + 5, " ", 3);
  if (parts[0] == NULL || !pl_msrp_is_transaction_id (parts[0]))
    return syntax (error, "expected a transaction id (RFC 4975 §9 transact-id) after 'MSRP', got '%.40s'",
                   parts[0] ? parts[0] : ""),
           NULL;
  if (parts[1] == NULL)
    return syntax (error, "expected a method or a status code after the transaction id"), NULL;
  if (g_ascii_isdigit (parts[1][0]))
    {
      guint64 status;

      if (strlen (parts[1]) != 3 || !g_ascii_string_to_unsigned (parts[1], 10, 100, 999, &status,
                                                                  NULL))
        return syntax (error, "expected a three-digit status code, got '%.40s'", parts[1]), NULL;
      return pl_msrp_response_new (parts[0], (guint) status, parts[2]);
    }
  if (parts[2] != NULL || !is_method (parts[1]))
    return syntax (error, "expected an upper-case method such as SEND or REPORT, got '%.40s'",
                   line + 5 + strlen (parts[0]) + 1),
           NULL;
  return pl_msrp_request_new (parts[0], parts[1]);
}

static gboolean
is_header_name (const char *name,
                gsize       len)
{
  if (len == 0 || !g_ascii_isalpha (name[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && strchr ("-!%*_+`'~.", name[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Where "CRLF-------<id><flag>CRLF" starts in @c from its position, or
 * -1 when it is not there yet. */
static gssize
find_end_line (const Cursor *c,
               const char   *id,
               char         *flag)
{
  g_autofree char *needle = g_strconcat ("\r\n" END_DASHES, id, NULL);
  gsize n = strlen (needle);

  for (gsize i = c->pos; i + n + 3 <= c->len; i++)
    {
      const guint8 *p = memchr (c->data + i, '\r', c->len - i);

      if (p == NULL)
        return -1;
      i = (gsize) (p - c->data);
      if (i + n + 3 > c->len)
        return -1;
      /* (strchr would take a NUL for the string's own end.) */
      if (memcmp (p, needle, n) == 0 && p[n] != '\0' && strchr ("$+#", p[n]) != NULL
          && p[n + 1] == '\r'
          && p[n + 2] == '\n')
        {
          *flag = (char) p[n];
          return (gssize) i;
        }
    }
  return -1;
}

/* The end-line right here (a frame without a body). */
static gboolean
at_end_line (const char *line,
             const char *id,
             char       *flag)
{
  gsize n = strlen (id);

  if (!g_str_has_prefix (line, END_DASHES) || strncmp (line + 7, id, n) != 0)
    return FALSE;
  if (line[7 + n] == '\0' || line[7 + n + 1] != '\0' || strchr ("$+#", line[7 + n]) == NULL)
    return FALSE;
  *flag = line[7 + n];
  return TRUE;
}

PlMsrpFrame *
pl_msrp_frame_parse (GBytes  *data,
                     gsize    offset,
                     gsize   *consumed,
                     GError **error)
{
  g_autoptr (PlMsrpFrame) frame = NULL;
  g_autofree char *start = NULL;
  Cursor c;
  char flag = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (offset <= g_bytes_get_size (data), NULL);

  *consumed = 0;
  c.data = g_bytes_get_data (data, &c.len);
  c.pos = offset;

  if (!next_line (&c, &start, error))
    return NULL;
  frame = parse_start_line (start, error);
  if (frame == NULL)
    return NULL;

  for (;;)
    {
      g_autofree char *line = NULL;
      const char *colon;

      if (c.pos - offset > PL_MSRP_MAX_HEADER_SECTION)
        {
          g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_TOO_LARGE,
                       "the header section is longer than %d bytes", PL_MSRP_MAX_HEADER_SECTION);
          return NULL;
        }
      if (!next_line (&c, &line, error))
        return NULL;
      if (at_end_line (line, frame->transaction_id, &flag))
        break;
      if (*line == '\0')
        {
          /* content-stuff: Content-Type came last, then the data up to
           * CRLF and the end-line. */
          gssize end;

          if (frame->content_type == NULL)
            return syntax (error, "a blank line but no Content-Type: a body needs one (RFC 4975 §9 "
                                  "content-stuff)"),
                   NULL;
          end = find_end_line (&c, frame->transaction_id, &flag);
          if (end < 0)
            {
              if (c.len - c.pos > PL_MSRP_MAX_BODY)
                g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_TOO_LARGE,
                             "no end-line within %d bytes of body", PL_MSRP_MAX_BODY);
              return NULL;
            }
          g_bytes_unref (frame->body);
          frame->body = g_bytes_new_from_bytes (data, c.pos, (gsize) end - c.pos);
          c.pos = (gsize) end + 2 + 7 + strlen (frame->transaction_id) + 3;
          break;
        }
      if (frame->content_type != NULL)
        return syntax (error, "Content-Type must be the last header, just before the body (RFC "
                              "4975 §9 content-stuff)"),
               NULL;
      colon = strchr (line, ':');
      if (colon == NULL || !is_header_name (line, (gsize) (colon - line)) || colon[1] != ' ')
        return syntax (error, "expected 'Name: value', got '%.40s'", line), NULL;
      if (g_ascii_strncasecmp (line, "Content-Type", (gsize) (colon - line)) == 0
          && colon - line == 12)
        pl_msrp_frame_set_body (frame, colon + 2, NULL);
      else
        {
          g_autofree char *name = g_strndup (line, (gsize) (colon - line));
          static const char *const required[] = { "To-Path", "From-Path" };

          /* RFC 4975 §9: To-Path, then From-Path, come first. */
          if (frame->headers->len < 2
              && g_ascii_strcasecmp (name, required[frame->headers->len]) != 0)
            return syntax (error, "expected %s as header %u (RFC 4975 §9), got '%s'",
                           required[frame->headers->len], frame->headers->len + 1, name),
                   NULL;
          pl_msrp_frame_add_header (frame, name, colon + 2);
        }
    }
  if (frame->headers->len < 2)
    return syntax (error, "the frame ends before its To-Path and From-Path (RFC 4975 §9)"), NULL;
  if (frame->content_type != NULL && frame->body == NULL)
    return syntax (error, "Content-Type without a body"), NULL;
  frame->flag = (PlMsrpFlag) flag;
  *consumed = c.pos - offset;
  return g_steal_pointer (&frame);
}

/* ---- header values ---- */

static gboolean
parse_number (const char **p,
              guint64     *value)
{
  char *end;

  if (!g_ascii_isdigit (**p))
    return FALSE;
  *value = g_ascii_strtoull (*p, &end, 10);
  if (end - *p > 19)
    return FALSE;
  *p = end;
  return TRUE;
}

gboolean
pl_msrp_parse_byte_range (const char *value,
                          guint64    *start,
                          gint64     *end,
                          gint64     *total)
{
  const char *p = value;
  guint64 n;

  g_return_val_if_fail (value != NULL, FALSE);

  if (!parse_number (&p, start) || *start == 0 || *p++ != '-')
    return FALSE;
  if (*p == '*')
    {
      *end = -1;
      p++;
    }
  else if (parse_number (&p, &n) && n <= G_MAXINT64 && n + 1 >= *start)
    *end = (gint64) n;
  else
    return FALSE;
  if (*p++ != '/')
    return FALSE;
  if (*p == '*')
    {
      *total = -1;
      p++;
    }
  else if (parse_number (&p, &n) && n <= G_MAXINT64)
    *total = (gint64) n;
  else
    return FALSE;
  if (*p != '\0')
    return FALSE;
  /* The range lies within the whole. */
  if (*total >= 0 && *end >= 0 && *end > *total)
    return FALSE;
  return TRUE;
}

gboolean
pl_msrp_parse_status (const char  *value,
                      guint       *ns,
                      guint       *code,
                      const char **comment)
{
  guint64 a, b;

  g_return_val_if_fail (value != NULL, FALSE);

  if (strlen (value) < 7 || !g_ascii_isdigit (value[0]) || !g_ascii_isdigit (value[1])
      || !g_ascii_isdigit (value[2]) || value[3] != ' ' || !g_ascii_isdigit (value[4])
      || !g_ascii_isdigit (value[5]) || !g_ascii_isdigit (value[6])
      || (value[7] != '\0' && value[7] != ' '))
    return FALSE;
  a = g_ascii_strtoull (value, NULL, 10);
  b = g_ascii_strtoull (value + 4, NULL, 10);
  *ns = (guint) a;
  *code = (guint) b;
  *comment = value[7] == ' ' ? value + 8 : NULL;
  return TRUE;
}

/* ---- framer ---- */

PlMsrpFramer *
pl_msrp_framer_new (void)
{
  return g_new0 (PlMsrpFramer, 1);
}

void
pl_msrp_framer_free (PlMsrpFramer *framer)
{
  if (framer == NULL)
    return;
  g_clear_pointer (&framer->pending, g_bytes_unref);
  g_free (framer);
}

void
pl_msrp_framer_push (PlMsrpFramer *framer,
                     GBytes       *bytes)
{
  gsize have, add;
  const guint8 *old, *data;
  guint8 *joined;

  g_return_if_fail (framer != NULL && bytes != NULL);

  if (framer->pending == NULL || framer->offset == g_bytes_get_size (framer->pending))
    {
      /* Nothing left over: the bytes themselves, not a copy. */
      g_clear_pointer (&framer->pending, g_bytes_unref);
      framer->pending = g_bytes_ref (bytes);
      framer->offset = 0;
      return;
    }
  old = g_bytes_get_data (framer->pending, &have);
  data = g_bytes_get_data (bytes, &add);
  have -= framer->offset;
  joined = g_malloc (have + add);
  memcpy (joined, old + framer->offset, have);
  if (add)
    memcpy (joined + have, data, add);
  g_bytes_unref (framer->pending);
  framer->pending = g_bytes_new_take (joined, have + add);
  framer->offset = 0;
}

PlMsrpFrame *
pl_msrp_framer_next (PlMsrpFramer  *framer,
                     GError       **error)
{
  g_autoptr (GError) local = NULL;
  PlMsrpFrame *frame;
  gsize consumed = 0;

  g_return_val_if_fail (framer != NULL, NULL);

  if (framer->failed)
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX,
                   "the stream is out of step after an earlier error");
      return NULL;
    }
  if (framer->pending == NULL || framer->offset == g_bytes_get_size (framer->pending))
    return NULL;
  frame = pl_msrp_frame_parse (framer->pending, framer->offset, &consumed, &local);
  if (frame)
    framer->offset += consumed;
  else if (local)
    {
      framer->failed = TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return frame;
}

gsize
pl_msrp_framer_get_pending (PlMsrpFramer *framer)
{
  return framer->pending ? g_bytes_get_size (framer->pending) - framer->offset : 0;
}
