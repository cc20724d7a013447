/* pl-inspect-view.c: one copy of a message taken apart: its text with the
 * byte spans of its start line and headers, the start line parsed (SIP by
 * sofia-sip, MSRP and HTTP by their framers), the body pretty-printed
 * (SDP by sofia-sip's sdp_parse/sdp_print, XML by libxml2); and the line
 * diff between the bytes as sent and as delivered.
 *
 * The header spans come from a scan of the header lines: no library gives
 * the byte offsets of a header, and the studio needs them to highlight.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-inspect"

#include <string.h>

#include <libxml/xmlsave.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-http.h"
#include "pl-inspect.h"
#include "pl-msrp.h"
#include "pl-sdp-check.h"
#include "pl-wire.h"
#include "pl-xml.h"

/* A diff of more line pairs than this is not searched for the longest
 * common subsequence: its differing middle is shown as changed lines. */
#define DIFF_MAX_CELLS (1u << 22)

/* Text --------------------------------------------------------------- */

/* @data as UTF-8 with the same line structure: invalid sequences and NUL
 * become U+FFFD (as the JSON Lines export writes them). */
static char *
bytes_to_text (const char *data,
               gsize       len)
{
  GString *s = g_string_sized_new (len + 1);
  const char *end = data + len;
  const char *p = data;

  while (p < end)
    {
      const char *nul = memchr (p, '\0', end - p);
      gsize seg = (nul ? nul : end) - p;

      if (g_utf8_validate_len (p, seg, NULL))
        g_string_append_len (s, p, seg);
      else
        {
          g_autofree char *valid = g_utf8_make_valid (p, seg);
          g_string_append (s, valid);
        }
      p += seg;
      if (nul != NULL)
        {
          g_string_append (s, "\xef\xbf\xbd");
          p++;
        }
    }
  return g_string_free (s, FALSE);
}

/* End of the line starting at @p (at its CR LF or LF, or @end). */
static const char *
line_end (const char *p,
          const char *end,
          const char **next)
{
  const char *nl = memchr (p, '\n', end - p);

  if (nl == NULL)
    {
      *next = end;
      return end;
    }
  *next = nl + 1;
  return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

static gboolean
is_msrp_end_line (const char *p,
                  const char *eol)
{
  return eol - p >= 7 && strncmp (p, "-------", 7) == 0;
}

/* The start line's span, then one span per header line up to the empty
 * line (or an MSRP end-line); sets body_start. */
static void
scan_headers (PlMessageView *view,
              gboolean       msrp)
{
  const char *text = view->text;
  const char *end = text + strlen (text);
  const char *p = text, *next;
  const char *eol = line_end (p, end, &next);
  PlHeaderSpan *current = NULL;

  view->start_line.start = 0;
  view->start_line.end = eol - text;
  view->body_start = end - text;
  for (p = next; p < end; p = next)
    {
      const char *colon, *name_end, *value;

      eol = line_end (p, end, &next);
      if (eol == p)
        {
          view->body_start = next - text;
          return;
        }
      if (msrp && is_msrp_end_line (p, eol))
        {
          view->body_start = p - text;
          return;
        }
      /* RFC 3261 §7.3.1: a line starting with white space continues the
       * header before it. */
      if ((*p == ' ' || *p == '\t') && current != NULL)
        {
          current->line_end = current->value_end = eol - text;
          g_free (current->value);
          current->value = g_strndup (text + current->value_start,
                                      current->value_end - current->value_start);
          continue;
        }
      colon = memchr (p, ':', eol - p);
      g_array_set_size (view->headers, view->headers->len + 1);
      current = &g_array_index (view->headers, PlHeaderSpan, view->headers->len - 1);
      current->line_start = p - text;
      current->line_end = eol - text;
      current->name_start = p - text;
      if (colon == NULL)
        {
          /* Not a header: the whole line is its name, with no value. */
          current->name_end = current->value_start = current->value_end = eol - text;
          current->name = g_strndup (p, eol - p);
          current->value = g_strdup ("");
          continue;
        }
      for (name_end = colon; name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'); name_end--)
        ;
      for (value = colon + 1; value < eol && (*value == ' ' || *value == '\t'); value++)
        ;
      current->name_end = name_end - text;
      current->value_start = value - text;
      current->value_end = eol - text;
      current->name = g_strndup (p, name_end - p);
      current->value = g_strndup (value, eol - value);
    }
}

static void
header_span_clear (gpointer data)
{
  PlHeaderSpan *h = data;

  g_free (h->name);
  g_free (h->value);
}

/* Start lines -------------------------------------------------------- */

static void
parse_sip (PlMessageView *view,
           GBytes        *wire,
           char         **content_type,
           GBytes       **body)
{
  g_autofree char *problem = NULL;
  g_autoptr(msg_t) msg = pl_wire_parse (wire, &problem);
  sip_t *sip = msg ? sip_object (msg) : NULL;
  PlStartLine *sl = &view->start_line;

  if (sip == NULL || (sip->sip_request == NULL && sip->sip_status == NULL))
    {
      sl->problem = g_strdup (problem ? problem : "not a SIP message (sofia-sip does not parse it)");
      return;
    }
  sl->parsed = TRUE;
  sl->problem = g_steal_pointer (&problem);
  if (sip->sip_request)
    {
      su_home_t *home = msg_home (msg);
      char *uri = url_as_string (home, sip->sip_request->rq_url);

      sl->is_request = TRUE;
      sl->protocol = g_strdup (sip->sip_request->rq_version);
      sl->method = g_strdup (sip->sip_request->rq_method_name);
      sl->uri = g_strdup (uri);
      su_free (home, uri);
    }
  else
    {
      sl->protocol = g_strdup (sip->sip_status->st_version);
      sl->status = sip->sip_status->st_status;
      sl->reason = g_strdup (sip->sip_status->st_phrase);
    }
  if (sip->sip_content_type && sip->sip_content_type->c_type)
    *content_type = g_strdup (sip->sip_content_type->c_type);
  if (sip->sip_payload && sip->sip_payload->pl_len > 0)
    *body = g_bytes_new (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

static void
parse_msrp (PlMessageView *view,
            GBytes        *wire,
            char         **content_type,
            GBytes       **body)
{
  g_autoptr(GError) error = NULL;
  gsize consumed = 0;
  g_autoptr(PlMsrpFrame) frame = pl_msrp_frame_parse (wire, 0, &consumed, &error);
  PlStartLine *sl = &view->start_line;

  if (frame == NULL)
    {
      sl->problem = g_strdup (error ? error->message : "the MSRP frame ends before its end-line");
      return;
    }
  sl->parsed = TRUE;
  sl->protocol = g_strdup ("MSRP");
  sl->transaction_id = g_strdup (pl_msrp_frame_get_transaction_id (frame));
  if (pl_msrp_frame_get_kind (frame) == PL_MSRP_REQUEST)
    {
      sl->is_request = TRUE;
      sl->method = g_strdup (pl_msrp_frame_get_method (frame));
    }
  else
    {
      sl->status = pl_msrp_frame_get_status (frame);
      sl->reason = g_strdup (pl_msrp_frame_get_phrase (frame));
    }
  *content_type = g_strdup (pl_msrp_frame_get_content_type (frame));
  if (pl_msrp_frame_get_body (frame) && g_bytes_get_size (pl_msrp_frame_get_body (frame)) > 0)
    *body = g_bytes_ref (pl_msrp_frame_get_body (frame));
}

static void
parse_http (PlMessageView *view,
            GBytes        *wire,
            char         **content_type,
            GBytes       **body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlHttpMessage) msg = pl_http_parse (wire, &error);
  PlStartLine *sl = &view->start_line;

  if (msg == NULL)
    {
      sl->problem = g_strdup (error->message);
      return;
    }
  sl->parsed = TRUE;
  sl->protocol = g_strdup (pl_http_message_get_version (msg));
  if (pl_http_message_is_request (msg))
    {
      sl->is_request = TRUE;
      sl->method = g_strdup (pl_http_message_get_method (msg));
      sl->uri = g_strdup (pl_http_message_get_target (msg));
    }
  else
    {
      sl->status = (guint) pl_http_message_get_status (msg);
      sl->reason = g_strdup (pl_http_message_get_reason (msg));
    }
  *content_type = g_strdup (pl_http_message_get_header (msg, "Content-Type"));
  if (g_bytes_get_size (pl_http_message_get_body (msg)) > 0)
    *body = g_bytes_ref (pl_http_message_get_body (msg));
}

/* Bodies ------------------------------------------------------------- */

/* "Application/PIDF+XML; charset=x" -> "application/pidf+xml" */
static char *
bare_media_type (const char *content_type)
{
  g_autofree char *bare = NULL;

  if (content_type == NULL)
    return NULL;
  bare = g_strndup (content_type, strcspn (content_type, ";"));
  g_strstrip (bare);
  return *bare ? g_ascii_strdown (bare, -1) : NULL;
}

static gboolean
is_xml_type (const char *type)
{
  return g_str_has_suffix (type, "+xml") || g_str_has_suffix (type, "/xml");
}

static gboolean
is_text (const char *data,
         gsize       len)
{
  if (!g_utf8_validate_len (data, len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) data[i];

      if (c < 0x20 && c != '\r' && c != '\n' && c != '\t')
        return FALSE;
      if (c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

static char *
hex_dump (const char *data,
          gsize       len)
{
  GString *s = g_string_sized_new (len * 4 + 16);

  for (gsize row = 0; row < len; row += 16)
    {
      g_string_append_printf (s, "%08" G_GSIZE_MODIFIER "x ", row);
      for (gsize i = row; i < row + 16; i++)
        {
          if (i == row + 8)
            g_string_append_c (s, ' ');
          if (i < len)
            g_string_append_printf (s, " %02x", (guchar) data[i]);
          else
            g_string_append (s, "   ");
        }
      g_string_append (s, "  |");
      for (gsize i = row; i < row + 16 && i < len; i++)
        g_string_append_c (s, g_ascii_isprint (data[i]) ? data[i] : '.');
      g_string_append (s, "|\n");
    }
  return g_string_free (s, FALSE);
}

/* RFC 4566 through sofia-sip: parsed, then printed back, one line per
 * field in the canonical order. */
static char *
pretty_sdp (const char  *data,
            gsize        len,
            char       **note)
{
  g_autofree char *problem = NULL;
  su_home_t *home;
  sdp_parser_t *parser;
  sdp_session_t *session;
  char *out = NULL;

  if (!pl_sdp_check_lines (data, len, &problem))
    {
      *note = g_steal_pointer (&problem);
      return NULL;
    }
  home = su_home_new (sizeof (su_home_t));
  parser = sdp_parse (home, data, (issize_t) len, 0);
  session = sdp_session (parser);
  if (session == NULL)
    *note = g_strdup_printf ("not an SDP session description: %s (RFC 4566)",
                             sdp_parsing_error (parser) ? sdp_parsing_error (parser) : "no session");
  else
    {
      sdp_printer_t *printer = sdp_print (home, session, NULL, 0, 0);

      if (sdp_printing_error (printer))
        *note = g_strdup_printf ("sdp_print: %s", sdp_printing_error (printer));
      else
        out = g_strdup (sdp_message (printer));
      sdp_printer_free (printer);
    }
  sdp_parser_free (parser);
  su_home_unref (home);
  return out;
}

/* Parsed without network or entities (pl-xml.h), printed indented. */
static char *
pretty_xml (const char  *data,
            gsize        len,
            char       **note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlXmlContext) ctx = pl_xml_context_load_memory_full (data, len, "body",
                                                                 PL_XML_LOAD_NO_BLANKS |
                                                                 PL_XML_LOAD_DEFER_NS_URI,
                                                                 NULL, &error);
  xmlChar *mem = NULL;
  int size = 0;
  char *out;

  if (ctx == NULL)
    {
      *note = g_strdup (error->message);
      return NULL;
    }
  xmlDocDumpFormatMemoryEnc (pl_xml_context_get_doc (ctx), &mem, &size, "UTF-8", 1);
  if (mem == NULL)
    {
      *note = g_strdup ("libxml2 could not print the document");
      return NULL;
    }
  out = g_strndup ((const char *) mem, size);
  xmlFree (mem);
  return out;
}

char *
pl_body_pretty (const char  *content_type,
                const char  *body,
                gsize        len,
                PlBodyKind  *kind,
                char       **note)
{
  g_autofree char *type = bare_media_type (content_type);
  g_autofree char *why = NULL;
  char *out = NULL;
  PlBodyKind k;

  g_return_val_if_fail (kind != NULL, NULL);

  if (note)
    *note = NULL;
  if (body == NULL || len == 0)
    {
      *kind = PL_BODY_NONE;
      return NULL;
    }

  if (type == NULL)
    {
      /* No Content-Type: go by the first bytes. */
      if (len > 2 && body[0] == '<')
        type = g_strdup ("application/xml");
      else if (len > 4 && strncmp (body, "v=0", 3) == 0)
        type = g_strdup ("application/sdp");
    }

  if (type && g_str_equal (type, "application/sdp"))
    {
      out = pretty_sdp (body, len, &why);
      k = PL_BODY_SDP;
    }
  else if (type && is_xml_type (type))
    {
      out = pretty_xml (body, len, &why);
      k = PL_BODY_XML;
    }
  else
    k = PL_BODY_TEXT;

  if (out == NULL)
    {
      /* message/sipfrag, text/..., anything that did not parse: as is
       * when it is text, else hex. */
      if (is_text (body, len))
        {
          out = g_strndup (body, len);
          k = PL_BODY_TEXT;
        }
      else
        {
          out = hex_dump (body, len);
          k = PL_BODY_BINARY;
        }
    }
  *kind = k;
  if (note)
    *note = g_steal_pointer (&why);
  return out;
}

const char *
pl_body_kind_to_string (PlBodyKind kind)
{
  static const char *const names[] = { "none", "sdp", "xml", "text", "binary" };

  return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : "?";
}

/* The view ----------------------------------------------------------- */

PlMessageView *
pl_message_view_new (const PlTraceEvent *event)
{
  PlMessageView *view;
  g_autofree char *content_type = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize len = 0;
  const char *data;
  gboolean msrp;

  g_return_val_if_fail (event != NULL, NULL);

  if (event->wire == NULL)
    return NULL;
  view = g_new0 (PlMessageView, 1);
  view->event_index = (guint) event->index;
  view->wire = g_bytes_ref (event->wire);
  data = g_bytes_get_data (event->wire, &len);
  view->text = bytes_to_text (data ? data : "", len);
  view->headers = g_array_new (FALSE, TRUE, sizeof (PlHeaderSpan));
  g_array_set_clear_func (view->headers, header_span_clear);

  msrp = event->proto == g_intern_static_string ("msrp");
  scan_headers (view, msrp);

  if (event->proto == g_intern_static_string ("sip"))
    parse_sip (view, event->wire, &content_type, &body);
  else if (msrp)
    parse_msrp (view, event->wire, &content_type, &body);
  else if (event->proto == g_intern_static_string ("http"))
    parse_http (view, event->wire, &content_type, &body);
  else
    view->start_line.problem = g_strdup_printf ("no parser for protocol '%s'",
                                                event->proto ? event->proto : "?");

  /* What did not parse still has its bytes after the empty line. */
  if (body == NULL && !view->start_line.parsed && len > 0)
    {
      const char *sep = g_strstr_len (data, len, "\r\n\r\n");
      gsize skip = 4;

      if (sep == NULL && (sep = g_strstr_len (data, len, "\n\n")) != NULL)
        skip = 2;
      if (sep != NULL && sep + skip < data + len)
        body = g_bytes_new (sep + skip, data + len - (sep + skip));
    }

  view->content_type = bare_media_type (content_type);
  if (body != NULL)
    {
      gsize body_len;
      const char *body_data = g_bytes_get_data (body, &body_len);

      view->body = pl_body_pretty (view->content_type, body_data, body_len, &view->body_kind,
                                   &view->body_note);
    }
  else
    view->body_kind = PL_BODY_NONE;
  return view;
}

void
pl_message_view_free (PlMessageView *view)
{
  PlStartLine *sl;

  if (view == NULL)
    return;
  sl = &view->start_line;
  g_free (sl->protocol);
  g_free (sl->method);
  g_free (sl->uri);
  g_free (sl->reason);
  g_free (sl->transaction_id);
  g_free (sl->problem);
  g_bytes_unref (view->wire);
  g_free (view->text);
  g_array_unref (view->headers);
  g_free (view->content_type);
  g_free (view->body);
  g_free (view->body_note);
  g_free (view);
}

/* Line diff ---------------------------------------------------------- */

static GPtrArray *
split_lines (const char *data,
             gsize       len)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *end = data + len;
  const char *p = data, *next;

  while (p < end)
    {
      const char *eol = line_end (p, end, &next);

      g_ptr_array_add (lines, bytes_to_text (p, eol - p));
      p = next;
    }
  return lines;
}

static void
diff_line_clear (gpointer data)
{
  PlDiffLine *d = data;

  g_free (d->sent);
  g_free (d->delivered);
}

static void
add_line (GArray     *out,
          PlDiffOp    op,
          GPtrArray  *a,
          guint       i,
          GPtrArray  *b,
          guint       j)
{
  PlDiffLine d = { op, 0, 0, NULL, NULL };

  if (op != PL_DIFF_ADDED)
    {
      d.sent_line = i + 1;
      d.sent = g_strdup (g_ptr_array_index (a, i));
    }
  if (op != PL_DIFF_REMOVED)
    {
      d.delivered_line = j + 1;
      d.delivered = g_strdup (g_ptr_array_index (b, j));
    }
  g_array_append_val (out, d);
}

/* A run of removed lines and added lines between two common ones: pairs
 * become changed lines, the rest stay removed or added. */
static void
flush_hunk (GArray    *out,
            GPtrArray *a,
            GArray    *removed,
            GPtrArray *b,
            GArray    *added)
{
  guint n = MIN (removed->len, added->len);

  for (guint k = 0; k < n; k++)
    {
      PlDiffLine d = { PL_DIFF_CHANGED, 0, 0, NULL, NULL };
      guint i = g_array_index (removed, guint, k), j = g_array_index (added, guint, k);

      d.sent_line = i + 1;
      d.delivered_line = j + 1;
      d.sent = g_strdup (g_ptr_array_index (a, i));
      d.delivered = g_strdup (g_ptr_array_index (b, j));
      g_array_append_val (out, d);
    }
  for (guint k = n; k < removed->len; k++)
    add_line (out, PL_DIFF_REMOVED, a, g_array_index (removed, guint, k), b, 0);
  for (guint k = n; k < added->len; k++)
    add_line (out, PL_DIFF_ADDED, a, 0, b, g_array_index (added, guint, k));
  g_array_set_size (removed, 0);
  g_array_set_size (added, 0);
}

GArray *
pl_diff_lines (const char *sent,
               gsize       sent_len,
               const char *delivered,
               gsize       delivered_len)
{
  g_autoptr(GPtrArray) a = split_lines (sent ? sent : "", sent_len);
  g_autoptr(GPtrArray) b = split_lines (delivered ? delivered : "", delivered_len);
  g_autoptr(GArray) removed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *out = g_array_new (FALSE, TRUE, sizeof (PlDiffLine));
  guint n = a->len, m = b->len, pre = 0, suf = 0, i, j;

  g_array_set_clear_func (out, diff_line_clear);

  while (pre < n && pre < m && g_str_equal (a->pdata[pre], b->pdata[pre]))
    pre++;
  while (suf < n - pre && suf < m - pre
         && g_str_equal (a->pdata[n - 1 - suf], b->pdata[m - 1 - suf]))
    suf++;
  for (i = 0; i < pre; i++)
    add_line (out, PL_DIFF_SAME, a, i, b, i);

  {
    guint rn = n - pre - suf, rm = m - pre - suf;

    if ((guint64) (rn + 1) * (rm + 1) <= DIFF_MAX_CELLS)
      {
        /* lcs[i][j]: longest common subsequence of a[pre+i..] and
         * b[pre+j..]; at most 2048 lines a side fit, so 16 bits do. */
        guint w = rm + 1;
        guint16 *lcs = g_new0 (guint16, (gsize) (rn + 1) * w);

        for (i = rn; i-- > 0;)
          for (j = rm; j-- > 0;)
            lcs[i * w + j] = g_str_equal (a->pdata[pre + i], b->pdata[pre + j])
                               ? lcs[(i + 1) * w + j + 1] + 1
                               : MAX (lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
        i = j = 0;
        while (i < rn || j < rm)
          {
            if (i < rn && j < rm && g_str_equal (a->pdata[pre + i], b->pdata[pre + j]))
              {
                flush_hunk (out, a, removed, b, added);
                add_line (out, PL_DIFF_SAME, a, pre + i, b, pre + j);
                i++;
                j++;
              }
            else if (j < rm && (i == rn || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]))
              {
                guint k = pre + j++;
                g_array_append_val (added, k);
              }
            else
              {
                guint k = pre + i++;
                g_array_append_val (removed, k);
              }
          }
        g_free (lcs);
      }
    else
      {
        for (i = 0; i < rn; i++)
          {
            guint k = pre + i;
            g_array_append_val (removed, k);
          }
        for (j = 0; j < rm; j++)
          {
            guint k = pre + j;
            g_array_append_val (added, k);
          }
      }
    flush_hunk (out, a, removed, b, added);
  }

  for (i = 0; i < suf; i++)
    add_line (out, PL_DIFF_SAME, a, n - suf + i, b, m - suf + i);
  return out;
}

const char *
pl_diff_op_to_string (PlDiffOp op)
{
  static const char *const names[] = { "same", "removed", "added", "changed" };

  return (guint) op < G_N_ELEMENTS (names) ? names[op] : "?";
}
