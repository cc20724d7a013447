/* pl-scenario-expect.c: the <expect> part of a scenario, checked against
 * the trace after a run.
 *
 * A <flow> is an ordered subsequence of the trace's message events: each
 * <msg> must match an event after the previous step's match (the first
 * such event is taken). <event> counts node events by name and fields;
 * <messages> counts message events. A failed check says what was
 * expected and what the trace holds instead.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scenario"

#include <string.h>

#include "pl-node.h"
#include "pl-scenario-private.h"

/* How many events a failure message lists. */
#define N_SHOWN 3

typedef enum {
  EXPECT_FLOW,
  EXPECT_EVENT,
  EXPECT_MESSAGES,
} ExpectKind;

typedef struct {
  char *key;
  char *value;
} FieldMatch;

struct _PlExpect {
  ExpectKind kind;

  /* EXPECT_FLOW */
  GPtrArray *steps;       /* PlMsgPattern*, with names in step_names */
  GPtrArray *step_names;  /* char*: "flow step 2: proxy -> bob MESSAGE" */
  GPtrArray *step_labels; /* char*: step= or the position */
  GPtrArray *step_notes;  /* char*: note=, or NULL */
  guint n_matched;        /* steps matched so far by _pl_expect_match_steps() */
  guint scan_next;        /* first event not yet tried for the next step */

  /* EXPECT_MESSAGES */
  PlMsgPattern *pattern;

  /* EXPECT_EVENT */
  int node;
  char *node_id;
  char *event_name;
  GArray *fields;         /* FieldMatch */

  /* EXPECT_EVENT and EXPECT_MESSAGES */
  char *name;
  gint64 count;           /* -1 when not given */
  gint64 min;
  gint64 max;
  gboolean default_count; /* none given: at least one */
};

static const char *const message_events[] = {
  "send", "deliver", "drop", "malformed", "retransmit", "absorbed", NULL
};
static const PlEventKind message_event_kinds[] = {
  PL_EVENT_SEND, PL_EVENT_DELIVER, PL_EVENT_DROP, PL_EVENT_MALFORMED,
  PL_EVENT_RETRANSMIT, PL_EVENT_ABSORBED,
};

static void
msg_pattern_free (gpointer data)
{
  PlMsgPattern *p = data;

  if (p == NULL)
    return;
  g_free (p->title);
  g_free (p->method);
  g_free (p->status_text);
  g_free (p->header);
  g_clear_pointer (&p->matches, g_regex_unref);
  g_clear_pointer (&p->body_matches, g_regex_unref);
  g_free (p);
}

static void
field_match_clear (gpointer data)
{
  FieldMatch *f = data;

  g_free (f->key);
  g_free (f->value);
}

void
_pl_expect_free (PlExpect *expect)
{
  if (expect == NULL)
    return;
  g_clear_pointer (&expect->steps, g_ptr_array_unref);
  g_clear_pointer (&expect->step_names, g_ptr_array_unref);
  g_clear_pointer (&expect->step_labels, g_ptr_array_unref);
  g_clear_pointer (&expect->step_notes, g_ptr_array_unref);
  g_clear_pointer (&expect->pattern, msg_pattern_free);
  g_clear_pointer (&expect->fields, g_array_unref);
  g_free (expect->node_id);
  g_free (expect->event_name);
  g_free (expect->name);
  g_free (expect);
}

static void describe_count (GString        *s,
                            const PlExpect *e);

/* Parsing ------------------------------------------------------------ */

static PlMsgPattern *
parse_pattern (PlXmlContext  *ctx,
               PlSim         *sim,
               xmlNode       *element,
               GError       **error)
{
  PlMsgPattern *p = g_new0 (PlMsgPattern, 1);
  const char *request = pl_xml_attr (element, "request");
  const char *response = pl_xml_attr (element, "response");
  const char *header = pl_xml_attr (element, "header");
  const char *proto = pl_xml_attr (element, "proto");
  PlNode *from, *to;
  int event;

  if (!_pl_scenario_lookup_node (ctx, sim, element, "from", &from, error) ||
      !_pl_scenario_lookup_node (ctx, sim, element, "to", &to, error) ||
      !pl_xml_attr_enum (ctx, element, "event", message_events, 1, &event, error))
    goto fail;
  p->from = from ? pl_node_get_index (from) : -1;
  p->to = to ? pl_node_get_index (to) : -1;
  p->event = message_event_kinds[event];
  p->proto = g_intern_string (proto && *proto ? proto : "sip");

  if (request != NULL && response != NULL)
    {
      pl_xml_error (ctx, error, element, "response",
                    "<%s> matches a request or a response, not both",
                    (const char *) element->name);
      goto fail;
    }
  if (request != NULL)
    {
      if (*request == '\0' || strpbrk (request, " \t\r\n") != NULL)
        {
          pl_xml_error (ctx, error, element, "request",
                        "attribute 'request' of <%s>: expected a method such as MESSAGE, "
                        "got '%s'", (const char *) element->name, request);
          goto fail;
        }
      p->method = g_strdup (request);
    }
  if (response != NULL)
    {
      if (!_pl_scenario_parse_status (response, &p->status_min, &p->status_max))
        {
          pl_xml_error (ctx, error, element, "response",
                        "attribute 'response' of <%s>: expected a status code such as "
                        "486 or a class such as 2xx, got '%s'",
                        (const char *) element->name, response);
          goto fail;
        }
      p->status_text = g_strdup (response);
    }

  if (!_pl_scenario_attr_regex (ctx, element, "matches", &p->matches, error) ||
      !_pl_scenario_attr_regex (ctx, element, "body-matches", &p->body_matches, error))
    goto fail;
  if (p->matches != NULL && header == NULL)
    {
      pl_xml_error (ctx, error, element, "matches",
                    "matches= needs header= (the header whose value it matches)");
      goto fail;
    }
  if (header != NULL && (*header == '\0' || strpbrk (header, " \t\r\n:") != NULL))
    {
      pl_xml_error (ctx, error, element, "header",
                    "attribute 'header' of <%s>: expected a header name such as "
                    "Max-Forwards, got '%s'", (const char *) element->name, header);
      goto fail;
    }
  p->header = g_strdup (header);

  {
    GString *title = g_string_new (NULL);

    g_string_append_printf (title, "%s -> %s %s", from ? pl_node_get_id (from) : "any",
                            to ? pl_node_get_id (to) : "any",
                            p->method ? p->method : p->status_text ? p->status_text : "message");
    if (p->event != PL_EVENT_DELIVER)
      g_string_append_printf (title, " (%s)", message_events[event]);
    if (p->proto != g_intern_static_string ("sip"))
      g_string_append_printf (title, " [%s]", p->proto);
    p->title = g_string_free (title, FALSE);
  }
  return p;

fail:
  msg_pattern_free (p);
  return NULL;
}

static gboolean
parse_counts (PlXmlContext  *ctx,
              xmlNode       *element,
              PlExpect      *e,
              GError       **error)
{
  guint64 count, min, max;
  const char *counted = pl_xml_attr (element, "count");

  if (!pl_xml_attr_uint (ctx, element, "count", G_MAXUINT64, 0, G_MAXINT64, &count, error) ||
      !pl_xml_attr_uint (ctx, element, "min", G_MAXUINT64, 0, G_MAXINT64, &min, error) ||
      !pl_xml_attr_uint (ctx, element, "max", G_MAXUINT64, 0, G_MAXINT64, &max, error))
    return FALSE;
  e->count = count == G_MAXUINT64 ? -1 : (gint64) count;
  e->min = min == G_MAXUINT64 ? -1 : (gint64) min;
  e->max = max == G_MAXUINT64 ? -1 : (gint64) max;

  if (counted != NULL && (e->min >= 0 || e->max >= 0))
    return pl_xml_error (ctx, error, element, e->min >= 0 ? "min" : "max",
                         "count= is an exact number; it does not go with min= or max=");
  if (e->min >= 0 && e->max >= 0 && e->min > e->max)
    return pl_xml_error (ctx, error, element, "max",
                         "max=\"%" G_GINT64_FORMAT "\" is less than min=\"%" G_GINT64_FORMAT "\"",
                         e->max, e->min);
  /* Nothing said: at least one. */
  if (e->count < 0 && e->min < 0 && e->max < 0)
    {
      e->min = 1;
      e->default_count = TRUE;
    }
  return TRUE;
}

static PlExpect *
parse_flow (PlXmlContext  *ctx,
            PlSim         *sim,
            xmlNode       *element,
            guint          flow_number,
            GError       **error)
{
  PlExpect *e = g_new0 (PlExpect, 1);
  guint position = 0;

  e->kind = EXPECT_FLOW;
  e->steps = g_ptr_array_new_with_free_func (msg_pattern_free);
  e->step_names = g_ptr_array_new_with_free_func (g_free);
  e->step_labels = g_ptr_array_new_with_free_func (g_free);
  e->step_notes = g_ptr_array_new_with_free_func (g_free);

  pl_xml_foreach_element (element, msg)
    {
      PlMsgPattern *p;
      const char *step = pl_xml_attr (msg, "step");
      const char *note = pl_xml_attr (msg, "note");
      g_autofree char *flow = NULL;

      if (!xmlStrEqual (msg->name, BAD_CAST "msg"))
        continue;
      position++;
      p = parse_pattern (ctx, sim, msg, error);
      if (p == NULL)
        {
          _pl_expect_free (e);
          return NULL;
        }
      flow = flow_number > 1 ? g_strdup_printf ("flow %u step", flow_number) : g_strdup ("flow step");
      g_ptr_array_add (e->steps, p);
      if (step != NULL && *step != '\0')
        g_ptr_array_add (e->step_names, g_strdup_printf ("%s %s: %s", flow, step, p->title));
      else
        g_ptr_array_add (e->step_names, g_strdup_printf ("%s %u: %s", flow, position, p->title));
      if (step != NULL && *step != '\0')
        g_ptr_array_add (e->step_labels, g_strdup (step));
      else
        g_ptr_array_add (e->step_labels, g_strdup_printf ("%u", position));
      g_ptr_array_add (e->step_notes, note && *note ? g_strdup (note) : NULL);
    }
  return e;
}

static PlExpect *
parse_messages (PlXmlContext  *ctx,
                PlSim         *sim,
                xmlNode       *element,
                GError       **error)
{
  PlExpect *e = g_new0 (PlExpect, 1);

  e->kind = EXPECT_MESSAGES;
  e->pattern = parse_pattern (ctx, sim, element, error);
  if (e->pattern == NULL || !parse_counts (ctx, element, e, error))
    {
      _pl_expect_free (e);
      return NULL;
    }
  {
    GString *name = g_string_new ("messages ");

    g_string_append (name, e->pattern->title);
    if (!e->default_count)
      {
        g_string_append (name, ": ");
        describe_count (name, e);
      }
    e->name = g_string_free (name, FALSE);
  }
  return e;
}

static PlExpect *
parse_event (PlXmlContext  *ctx,
             PlSim         *sim,
             xmlNode       *element,
             GError       **error)
{
  static const char *const own[] = { "node", "name", "count", "min", "max", NULL };
  PlExpect *e = g_new0 (PlExpect, 1);
  GString *name;
  const char *event_name;
  PlNode *node;

  e->kind = EXPECT_EVENT;
  e->fields = g_array_new (FALSE, FALSE, sizeof (FieldMatch));
  g_array_set_clear_func (e->fields, field_match_clear);

  if (!pl_xml_require_attr (ctx, element, "name", &event_name, error) ||
      !_pl_scenario_lookup_node (ctx, sim, element, "node", &node, error) ||
      !parse_counts (ctx, element, e, error))
    {
      _pl_expect_free (e);
      return NULL;
    }
  e->event_name = g_strdup (event_name);
  e->node = node ? pl_node_get_index (node) : -1;
  e->node_id = node ? g_strdup (pl_node_get_id (node)) : NULL;

  name = g_string_new ("event ");
  g_string_append (name, event_name);
  if (node)
    g_string_append_printf (name, " on %s", e->node_id);
  for (xmlAttr *attr = element->properties; attr != NULL; attr = attr->next)
    {
      FieldMatch f;
      const char *key = (const char *) attr->name;

      if (g_strv_contains (own, key))
        continue;
      f.key = g_strdup (key);
      f.value = g_strdup (pl_xml_attr (element, key));
      g_array_append_val (e->fields, f);
      g_string_append_printf (name, "%s%s=%s", e->fields->len == 1 ? " (" : ", ", f.key, f.value);
    }
  if (e->fields->len > 0)
    g_string_append_c (name, ')');
  if (!e->default_count)
    {
      g_string_append (name, ": ");
      describe_count (name, e);
    }
  e->name = g_string_free (name, FALSE);
  return e;
}

PlExpect *
_pl_expect_parse (PlXmlContext  *ctx,
                  PlSim         *sim,
                  xmlNode       *element,
                  guint          flow_number,
                  GError       **error)
{
  if (xmlStrEqual (element->name, BAD_CAST "flow"))
    return parse_flow (ctx, sim, element, flow_number, error);
  if (xmlStrEqual (element->name, BAD_CAST "messages"))
    return parse_messages (ctx, sim, element, error);
  if (xmlStrEqual (element->name, BAD_CAST "event"))
    return parse_event (ctx, sim, element, error);
  pl_xml_error (ctx, error, element, NULL, "<%s> is not an expectation",
                (const char *) element->name);
  return NULL;
}

/* Why step @p found no match after trace index @start. */
static char *
explain_flow_failure (const PlMsgPattern   *p,
                      PlSim              *sim,
                      guint               start,
                      const PlTraceEvent *previous)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n = pl_trace_get_n_events (trace);
  GString *s = g_string_new ("expected ");
  g_autofree char *best_why = NULL;
  const PlTraceEvent *best = NULL;
  const PlTraceEvent *earlier = NULL;
  int best_score = -1;
  guint shown = 0, more = 0;

  _pl_msg_describe_pattern (s, p);
  if (previous != NULL)
    {
      g_string_append_printf (s, " after #%" G_GUINT64_FORMAT " (", previous->index);
      _pl_msg_append_time (s, previous->t_us);
      g_string_append (s, ")");
    }
  g_string_append (s, "; got ");

  for (guint i = start; i < n; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);
      g_autoptr(GString) why = NULL;
      gboolean hop, what;
      guint close;
      int score;

      if (!pl_trace_event_is_message (ev) || ev->proto != p->proto)
        continue;
      why = g_string_new (NULL);
      _pl_msg_pattern_matches (p, sim, ev, why, &score, &close);
      /* A candidate is the same hop, or the same message on one end of it. */
      hop = (close & (PL_MSG_CLOSE_FROM | PL_MSG_CLOSE_TO)) == (PL_MSG_CLOSE_FROM | PL_MSG_CLOSE_TO);
      what = (close & PL_MSG_CLOSE_WHAT) && (close & (PL_MSG_CLOSE_FROM | PL_MSG_CLOSE_TO));
      if (why->len > 0 && (hop || what) && score > best_score)
        {
          best = ev;
          best_score = score;
          g_free (best_why);
          best_why = g_string_free (g_steal_pointer (&why), FALSE);
        }
    }

  if (best != NULL)
    {
      g_string_append (s, "closest ");
      _pl_msg_append_event (s, sim, best);
      g_string_append_printf (s, ": %s", best_why);
    }
  else
    g_string_append (s, "no such message");

  /* The message may be there, but too early. */
  for (guint i = 0; i < start && i < n && previous != NULL; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (_pl_msg_pattern_matches (p, sim, ev, NULL, NULL, NULL))
        {
          earlier = ev;
          break;
        }
    }
  if (earlier != NULL)
    {
      g_string_append (s, "; a matching ");
      _pl_msg_append_event (s, sim, earlier);
      g_string_append (s, " comes before the previous step's match");
    }

  for (guint i = start; i < n; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (!pl_trace_event_is_message (ev))
        continue;
      if (shown == N_SHOWN)
        {
          more++;
          continue;
        }
      g_string_append (s, shown == 0 ? "; next message events: " : ", ");
      _pl_msg_append_event (s, sim, ev);
      shown++;
    }
  if (more > 0)
    g_string_append_printf (s, " and %u more", more);
  if (shown == 0)
    g_string_append (s, previous ? "; no message event follows the previous step's match"
                                 : "; the trace has no message event");
  return g_string_free (s, FALSE);
}

static void
check_flow (PlExpect *e,
            PlSim    *sim,
            PlReport *report)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n = pl_trace_get_n_events (trace);
  const PlTraceEvent *previous = NULL;
  guint next = 0;
  gboolean failed = FALSE;

  for (guint s = 0; s < e->steps->len; s++)
    {
      const PlMsgPattern *p = g_ptr_array_index (e->steps, s);
      const char *name = g_ptr_array_index (e->step_names, s);
      const PlTraceEvent *match = NULL;

      if (failed)
        {
          pl_report_add_check (report, name, FALSE, "not checked: an earlier step failed");
          continue;
        }
      for (guint i = next; i < n && match == NULL; i++)
        {
          const PlTraceEvent *ev = pl_trace_get_event (trace, i);

          if (_pl_msg_pattern_matches (p, sim, ev, NULL, NULL, NULL))
            match = ev;
        }
      if (match == NULL)
        {
          g_autofree char *message = explain_flow_failure (p, sim, next, previous);

          pl_report_add_check (report, name, FALSE, message);
          failed = TRUE;
          continue;
        }
      pl_report_add_check (report, name, TRUE, NULL);
      previous = match;
      next = (guint) match->index + 1;
    }
}

/* The steps of a flow matched as check_flow() matches them: step s is
 * the first event after step s-1's match that fits it. An event that did
 * not fit the next step never will, so matching resumes where it stopped
 * when the trace has grown. */
void
_pl_expect_match_steps (PlExpect            *e,
                        PlSim               *sim,
                        PlExpectStepMatched  matched,
                        gpointer             user_data)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n = pl_trace_get_n_events (trace);

  if (e->kind != EXPECT_FLOW)
    return;
  while (e->n_matched < e->steps->len && e->scan_next < n)
    {
      const PlMsgPattern *p = g_ptr_array_index (e->steps, e->n_matched);
      const PlTraceEvent *ev = pl_trace_get_event (trace, e->scan_next++);

      if (!_pl_msg_pattern_matches (p, sim, ev, NULL, NULL, NULL))
        continue;
      matched (ev, g_ptr_array_index (e->step_labels, e->n_matched),
               g_ptr_array_index (e->step_notes, e->n_matched), user_data);
      e->n_matched++;
    }
}

/* Counting ----------------------------------------------------------- */

static gboolean
count_holds (const PlExpect *e,
             gint64          n)
{
  if (e->count >= 0)
    return n == e->count;
  return (e->min < 0 || n >= e->min) && (e->max < 0 || n <= e->max);
}

static void
describe_count (GString        *s,
                const PlExpect *e)
{
  if (e->count >= 0)
    g_string_append_printf (s, "exactly %" G_GINT64_FORMAT, e->count);
  else if (e->min >= 0 && e->max >= 0)
    g_string_append_printf (s, "from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, e->min, e->max);
  else if (e->min >= 0)
    g_string_append_printf (s, "at least %" G_GINT64_FORMAT, e->min);
  else
    g_string_append_printf (s, "at most %" G_GINT64_FORMAT, e->max);
}

static void
check_messages (PlExpect *e,
                PlSim    *sim,
                PlReport *report)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n_events = pl_trace_get_n_events (trace);
  g_autoptr(GPtrArray) matched = g_ptr_array_new ();
  GString *s;

  for (guint i = 0; i < n_events; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (_pl_msg_pattern_matches (e->pattern, sim, ev, NULL, NULL, NULL))
        g_ptr_array_add (matched, (gpointer) ev);
    }
  if (count_holds (e, matched->len))
    {
      pl_report_add_check (report, e->name, TRUE, NULL);
      return;
    }

  s = g_string_new ("expected ");
  describe_count (s, e);
  g_string_append (s, " ");
  _pl_msg_describe_pattern (s, e->pattern);
  g_string_append_printf (s, "; got %u", matched->len);
  for (guint i = 0; i < matched->len && i < N_SHOWN; i++)
    {
      g_string_append (s, i == 0 ? ": " : ", ");
      _pl_msg_append_event (s, sim, g_ptr_array_index (matched, i));
    }
  if (matched->len > N_SHOWN)
    g_string_append_printf (s, " and %u more", matched->len - N_SHOWN);
  pl_report_add_check (report, e->name, FALSE, s->str);
  g_string_free (s, TRUE);
}

static char *
field_text (const PlField *field)
{
  switch (field->type)
    {
    case PL_FIELD_STRING:
      return g_strdup (field->str ? field->str : "");
    case PL_FIELD_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, field->num);
    case PL_FIELD_BOOL:
      return g_strdup (field->num ? "true" : "false");
    default:
      return g_strdup ("");
    }
}

static gboolean
event_fields_match (const PlExpect     *e,
                    const PlTraceEvent *ev)
{
  for (guint f = 0; f < e->fields->len; f++)
    {
      const FieldMatch *m = &g_array_index (e->fields, FieldMatch, f);
      const PlField *field = pl_trace_event_get_field (ev, m->key);
      g_autofree char *text = NULL;

      if (field == NULL)
        return FALSE;
      text = field_text (field);
      if (!g_str_equal (text, m->value))
        return FALSE;
    }
  return TRUE;
}

static void
append_node_event (GString            *s,
                   PlSim              *sim,
                   const PlTraceEvent *ev)
{
  g_string_append_printf (s, "#%" G_GUINT64_FORMAT " at ", ev->index);
  _pl_msg_append_time (s, ev->t_us);
  g_string_append_printf (s, " on %s", _pl_msg_node_name (sim, ev->node));
  for (guint f = 0; f < ev->n_fields; f++)
    {
      g_autofree char *text = field_text (&ev->fields[f]);

      g_string_append_printf (s, "%s%s=%s", f == 0 ? " (" : ", ", ev->fields[f].key, text);
    }
  if (ev->n_fields > 0)
    g_string_append_c (s, ')');
}

static void
check_event (PlExpect *e,
             PlSim    *sim,
             PlReport *report)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n_events = pl_trace_get_n_events (trace);
  g_autoptr(GPtrArray) matched = g_ptr_array_new ();
  g_autoptr(GPtrArray) named = g_ptr_array_new ();  /* right name and node, other fields */
  GPtrArray *shown;
  GString *s;

  for (guint i = 0; i < n_events; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (pl_trace_event_is_message (ev) || ev->name == NULL || !g_str_equal (ev->name, e->event_name))
        continue;
      if (e->node >= 0 && ev->node != e->node)
        continue;
      if (event_fields_match (e, ev))
        g_ptr_array_add (matched, (gpointer) ev);
      else
        g_ptr_array_add (named, (gpointer) ev);
    }
  if (count_holds (e, matched->len))
    {
      pl_report_add_check (report, e->name, TRUE, NULL);
      return;
    }

  s = g_string_new ("expected ");
  describe_count (s, e);
  g_string_append_printf (s, " '%s' %s", e->event_name,
                          e->count == 1 || (e->count < 0 && e->min == 1 && e->max < 0)
                            ? "event" : "events");
  if (e->node_id)
    g_string_append_printf (s, " on %s", e->node_id);
  for (guint f = 0; f < e->fields->len; f++)
    {
      const FieldMatch *m = &g_array_index (e->fields, FieldMatch, f);

      g_string_append_printf (s, "%s%s=%s", f == 0 ? " with " : ", ", m->key, m->value);
    }
  g_string_append_printf (s, "; got %u", matched->len);

  /* Too many: show them; too few: show the near misses. */
  shown = matched->len > 0 ? matched : named;
  if (shown == named && named->len > 0)
    g_string_append_printf (s, "; '%s' events with other fields", e->event_name);
  for (guint i = 0; i < shown->len && i < N_SHOWN; i++)
    {
      g_string_append (s, i == 0 ? ": " : ", ");
      append_node_event (s, sim, g_ptr_array_index (shown, i));
    }
  if (shown->len > N_SHOWN)
    g_string_append_printf (s, " and %u more", shown->len - N_SHOWN);
  pl_report_add_check (report, e->name, FALSE, s->str);
  g_string_free (s, TRUE);
}

void
_pl_expect_check (PlExpect *expect,
                  PlSim    *sim,
                  PlReport *report)
{
  g_return_if_fail (expect != NULL);

  switch (expect->kind)
    {
    case EXPECT_FLOW:
      check_flow (expect, sim, report);
      break;
    case EXPECT_MESSAGES:
      check_messages (expect, sim, report);
      break;
    case EXPECT_EVENT:
      check_event (expect, sim, report);
      break;
    default:
      g_assert_not_reached ();
    }
}
