/* pl-scenario-match.c: does a message event of the trace fit a <msg>
 * pattern, and how close did it come?
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scenario"

#include <string.h>

#include "pl-scenario-private.h"
#include "pl-wire.h"

/* Reading message events --------------------------------------------- */

/* Method or status of a message event, from its label ("MESSAGE",
 * "486 Busy Here"), or from its bytes when it has none. */
static void
event_start_line (const PlTraceEvent  *ev,
                  char               **method,
                  int                 *status)
{
  const char *label = ev->label;
  g_autofree char *parsed = NULL;

  *method = NULL;
  *status = 0;
  if ((label == NULL || *label == '\0') && ev->wire != NULL)
    {
      g_autoptr(msg_t) msg = pl_wire_parse (ev->wire, NULL);

      if (msg != NULL && sip_object (msg) != NULL)
        label = parsed = pl_wire_label (sip_object (msg));
    }
  if (label == NULL)
    return;

  if (g_ascii_isdigit (label[0]) && g_ascii_isdigit (label[1]) && g_ascii_isdigit (label[2]) &&
      (label[3] == '\0' || label[3] == ' '))
    *status = (label[0] - '0') * 100 + (label[1] - '0') * 10 + (label[2] - '0');
  else
    *method = g_strndup (label, strcspn (label, " "));
}

/* Header lines of raw bytes, for what sofia-sip cannot parse. */
static char *
text_header_value (GBytes     *wire,
                   const char *name)
{
  gsize len;
  const char *data = g_bytes_get_data (wire, &len);
  const char *end = data + len;
  const char *line = memchr (data, '\n', len);
  gsize name_len = strlen (name);
  GString *out = NULL;

  /* Skip the start line; stop at the empty line before the body. */
  while (line != NULL && ++line < end)
    {
      const char *eol = memchr (line, '\n', end - line);
      const char *stop = eol ? eol : end;
      const char *p = line + name_len;

      if (stop > line && stop[-1] == '\r')
        stop--;
      if (stop == line)
        break;
      if (p <= stop && g_ascii_strncasecmp (line, name, name_len) == 0)
        {
          while (p < stop && (*p == ' ' || *p == '\t'))
            p++;
          if (p < stop && *p == ':')
            {
              g_autofree char *value = g_strndup (p + 1, stop - p - 1);

              g_strstrip (value);
              if (out == NULL)
                out = g_string_new (value);
              else
                g_string_append_printf (out, ", %s", value);
            }
        }
      line = eol;
    }
  return out ? g_string_free (out, FALSE) : NULL;
}

static char *
event_header_value (const PlTraceEvent *ev,
                    const char         *name)
{
  g_autoptr(msg_t) msg = NULL;
  char *value = NULL;

  if (ev->wire == NULL)
    return NULL;
  /* sofia-sip reads SIP only; other protocols' headers are text lines. */
  if (ev->proto != g_intern_static_string ("sip"))
    return text_header_value (ev->wire, name);
  msg = pl_wire_parse (ev->wire, NULL);
  if (msg != NULL)
    value = pl_wire_header_value (msg, name);
  if (value == NULL && (msg == NULL || ev->kind == PL_EVENT_MALFORMED))
    value = text_header_value (ev->wire, name);
  return value;
}

static gboolean
regex_match_bytes (GRegex     *regex,
                   const char *data,
                   gsize       len)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate_len (data, len, NULL))
    {
      valid = g_utf8_make_valid (data, len);
      data = valid;
      len = strlen (valid);
    }
  return g_regex_match_full (regex, data, len, 0, 0, NULL, NULL);
}

static gboolean
event_body_matches (const PlTraceEvent *ev,
                    GRegex             *regex)
{
  gsize len = 0;
  const char *data = ev->wire ? g_bytes_get_data (ev->wire, &len) : NULL;
  const char *body;

  if (data == NULL)
    return regex_match_bytes (regex, "", 0);
  body = g_strstr_len (data, len, "\r\n\r\n");
  if (body != NULL)
    body += 4;
  else if ((body = g_strstr_len (data, len, "\n\n")) != NULL)
    body += 2;
  else
    body = data + len;
  return regex_match_bytes (regex, body, data + len - body);
}

const char *
_pl_msg_node_name (PlSim *sim,
                   int    index)
{
  const char *id = index >= 0 ? pl_trace_get_node_id (pl_sim_get_trace (sim), index) : NULL;

  return id ? id : "?";
}

void
_pl_msg_append_time (GString *s,
                     PlTime   t)
{
  if (t < 0)
    {
      g_string_append_c (s, '-');
      t = -t;
    }
  g_string_append_printf (s, "%" G_GINT64_FORMAT ".%06ds", t / G_USEC_PER_SEC,
                          (int) (t % G_USEC_PER_SEC));
}

void
_pl_msg_append_event (GString            *s,
                      PlSim              *sim,
                      const PlTraceEvent *ev)
{
  g_string_append_printf (s, "#%" G_GUINT64_FORMAT " at ", ev->index);
  _pl_msg_append_time (s, ev->t_us);
  g_string_append_printf (s, " %s -> %s %s (%s)", _pl_msg_node_name (sim, ev->from),
                          _pl_msg_node_name (sim, ev->to), ev->label ? ev->label : "?",
                          pl_event_kind_to_string (ev->kind));
}

/* Matching a pattern -------------------------------------------------- */

/* The header and body are only looked at when everything else matches:
 * they cost a parse of the wire bytes. */
gboolean
_pl_msg_pattern_matches (const PlMsgPattern *p,
                         PlSim              *sim,
                         const PlTraceEvent *ev,
                         GString            *why,
                         int                *score,
                         guint              *close)
{
  g_autofree char *method = NULL;
  int status, n_wrong = 0, points = 0;
  guint bits = 0;

  if (score)
    *score = 0;
  if (close)
    *close = 0;
  if (!pl_trace_event_is_message (ev) || ev->proto != p->proto)
    return FALSE;

#define WRONG(...) G_STMT_START {                                   \
    n_wrong++;                                                      \
    if (why == NULL) return FALSE;                                  \
    g_string_append_printf (why, "%s", why->len ? "; " : "");       \
    g_string_append_printf (why, __VA_ARGS__);                      \
  } G_STMT_END
#define RIGHT(n, bit) G_STMT_START { points += (n); bits |= (bit); } G_STMT_END

  if (p->from >= 0 && ev->from != p->from)
    WRONG ("from %s, not %s", _pl_msg_node_name (sim, ev->from), _pl_msg_node_name (sim, p->from));
  else
    RIGHT (2, PL_MSG_CLOSE_FROM);
  if (p->to >= 0 && ev->to != p->to)
    WRONG ("to %s, not %s", _pl_msg_node_name (sim, ev->to), _pl_msg_node_name (sim, p->to));
  else
    RIGHT (2, PL_MSG_CLOSE_TO);

  if (p->method || p->status_min)
    {
      event_start_line (ev, &method, &status);
      if (p->method && g_strcmp0 (method, p->method) != 0)
        {
          if (method)
            WRONG ("a %s request, not %s", method, p->method);
          else
            WRONG ("a %d response, not a %s request", status, p->method);
        }
      else if (p->status_min && (status < p->status_min || status > p->status_max))
        {
          if (status)
            WRONG ("status %d, not %s", status, p->status_text);
          else
            WRONG ("a %s request, not a %s response", method ? method : "?", p->status_text);
        }
      else
        RIGHT (3, PL_MSG_CLOSE_WHAT);
    }
  else
    RIGHT (3, PL_MSG_CLOSE_WHAT);

  if (ev->kind != p->event)
    WRONG ("event %s, not %s", pl_event_kind_to_string (ev->kind),
           pl_event_kind_to_string (p->event));
  else
    RIGHT (1, 0);

  if (n_wrong == 0)
    {
      if (p->header != NULL)
        {
          g_autofree char *value = event_header_value (ev, p->header);

          if (value == NULL)
            WRONG ("no %s header", p->header);
          else if (p->matches && !regex_match_bytes (p->matches, value, strlen (value)))
            WRONG ("%s is '%s', which does not match /%s/", p->header, value,
                   g_regex_get_pattern (p->matches));
          else
            RIGHT (1, 0);
        }
      if (p->body_matches != NULL)
        {
          if (!event_body_matches (ev, p->body_matches))
            WRONG ("the body does not match /%s/", g_regex_get_pattern (p->body_matches));
          else
            RIGHT (1, 0);
        }
    }

#undef WRONG
#undef RIGHT

  if (score)
    *score = points;
  if (close)
    *close = bits;
  return n_wrong == 0;
}

void
_pl_msg_describe_pattern (GString            *s,
                          const PlMsgPattern *p)
{
  g_string_append (s, p->title);
  if (p->event == PL_EVENT_DELIVER)
    g_string_append (s, " (deliver)");
  if (p->header && p->matches)
    g_string_append_printf (s, " with %s matching /%s/", p->header, g_regex_get_pattern (p->matches));
  else if (p->header)
    g_string_append_printf (s, " with a %s header", p->header);
  if (p->body_matches)
    g_string_append_printf (s, "%s a body matching /%s/", p->header ? " and" : " with",
                            g_regex_get_pattern (p->body_matches));
}
