/* pl-export-jsonl.c: the trace as JSON Lines.
 *
 * The output is read by other tools and compared byte for byte in golden
 * traces, so it is written by hand: fixed key order, no whitespace, integers
 * as integers, strings escaped per RFC 8259 §7.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-export"

#include <string.h>

#include "pl-export.h"

G_DEFINE_QUARK (pl-export-error-quark, pl_export_error)

/* Flush the line buffer to the stream past this size. */
#define FLUSH_SIZE (64 * 1024)

/* Appends @len bytes of valid UTF-8 without NUL, escaped. */
static void
append_escaped_utf8 (GString    *str,
                     const char *text,
                     gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = text;
  const char *end = text + len;

  for (const char *p = text; p < end; p++)
    {
      guchar c = (guchar) *p;
      const char *esc;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (str, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':
          esc = "\\\"";
          break;
        case '\\':
          esc = "\\\\";
          break;
        case '\n':
          esc = "\\n";
          break;
        case '\r':
          esc = "\\r";
          break;
        case '\t':
          esc = "\\t";
          break;
        default:
          esc = NULL;
          break;
        }
      if (esc != NULL)
        {
          g_string_append (str, esc);
        }
      else
        {
          g_string_append (str, "\\u00");
          g_string_append_c (str, hex[c >> 4]);
          g_string_append_c (str, hex[c & 0xf]);
        }
    }
  g_string_append_len (str, run, end - run);
}

/* Appends @data as a JSON string. Invalid UTF-8 is replaced by U+FFFD the
 * way g_utf8_make_valid() does it; a NUL byte, which is valid in JSON as
 * \u0000 but ends a C string, is handled apart so it is kept. */
static void
append_json_string (GString    *str,
                    const char *data,
                    gsize       len)
{
  const char *end = data + len;
  const char *p = data;

  g_string_append_c (str, '"');
  while (p < end)
    {
      const char *nul = memchr (p, '\0', end - p);
      gsize seg = (nul ? nul : end) - p;

      if (g_utf8_validate (p, seg, NULL))
        {
          append_escaped_utf8 (str, p, seg);
        }
      else
        {
          g_autofree char *valid = g_utf8_make_valid (p, seg);
          append_escaped_utf8 (str, valid, strlen (valid));
        }
      p += seg;
      if (nul != NULL)
        {
          g_string_append (str, "\\u0000");
          p++;
        }
    }
  g_string_append_c (str, '"');
}

static void
append_key (GString    *str,
            const char *key)
{
  g_string_append_c (str, ',');
  append_json_string (str, key, strlen (key));
  g_string_append_c (str, ':');
}

static void
append_string_or_null (GString    *str,
                       const char *value)
{
  if (value == NULL)
    g_string_append (str, "null");
  else
    append_json_string (str, value, strlen (value));
}

static void
append_line (GString            *str,
             PlTrace            *trace,
             const PlTraceEvent *event)
{
  g_string_append_printf (str, "{\"t_us\":%" G_GINT64_FORMAT, event->t_us);
  append_key (str, "event");
  append_string_or_null (str, event->name);

  if (pl_trace_event_is_message (event))
    {
      append_key (str, "from");
      append_string_or_null (str, pl_trace_get_node_id (trace, event->from));
      append_key (str, "to");
      append_string_or_null (str, pl_trace_get_node_id (trace, event->to));
      append_key (str, "transport");
      append_string_or_null (str, pl_transport_to_string (event->transport));
      append_key (str, "proto");
      append_string_or_null (str, event->proto);
      append_key (str, "hop");
      g_string_append_printf (str, "%" G_GUINT64_FORMAT, event->hop);
      append_key (str, "label");
      append_string_or_null (str, event->label);
      append_key (str, "wire");
      if (event->wire == NULL)
        {
          g_string_append (str, "null");
        }
      else
        {
          gsize len = 0;
          const char *data = g_bytes_get_data (event->wire, &len);

          append_json_string (str, data, len);
        }
    }
  else
    {
      append_key (str, "node");
      append_string_or_null (str, pl_trace_get_node_id (trace, event->node));
    }

  for (guint i = 0; i < event->n_fields; i++)
    {
      const PlField *field = &event->fields[i];

      append_key (str, field->key);
      switch (field->type)
        {
        case PL_FIELD_STRING:
          append_string_or_null (str, field->str);
          break;
        case PL_FIELD_INT:
          g_string_append_printf (str, "%" G_GINT64_FORMAT, field->num);
          break;
        case PL_FIELD_BOOL:
          g_string_append (str, field->num ? "true" : "false");
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_string_append_c (str, '}');
}

/**
 * pl_export_jsonl_line:
 * @trace: the trace @event belongs to, for node ids
 * @event: an event
 *
 * Returns: (transfer full): the event as one JSON object, without newline
 */
char *
pl_export_jsonl_line (PlTrace            *trace,
                      const PlTraceEvent *event)
{
  GString *str;

  g_return_val_if_fail (PL_IS_TRACE (trace), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  str = g_string_sized_new (256);
  append_line (str, trace, event);
  return g_string_free (str, FALSE);
}

/**
 * pl_export_jsonl:
 * @trace: a trace
 * @out: where to write; not closed
 * @error: return location for a #GError
 *
 * Writes every event of @trace as one line of JSON, in trace order.
 *
 * Returns: %TRUE on success
 */
gboolean
pl_export_jsonl (PlTrace        *trace,
                 GOutputStream  *out,
                 GError        **error)
{
  g_autoptr(GString) buf = NULL;
  guint n;

  g_return_val_if_fail (PL_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  buf = g_string_sized_new (FLUSH_SIZE * 2);
  n = pl_trace_get_n_events (trace);
  for (guint i = 0; i < n; i++)
    {
      append_line (buf, trace, pl_trace_get_event (trace, i));
      g_string_append_c (buf, '\n');
      if (buf->len >= FLUSH_SIZE || i + 1 == n)
        {
          if (!g_output_stream_write_all (out, buf->str, buf->len,
                                          NULL, NULL, error))
            return FALSE;
          g_string_truncate (buf, 0);
        }
    }
  return TRUE;
}
