/* pl-rule-edit.c: rules made from alterations.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-rule"

#include <string.h>

#include <sofia-sip/sip_protos.h>
#include <sofia-sip/url.h>

#include "pl-node.h"
#include "pl-rule-edit.h"
#include "pl-rule-private.h"
#include "pl-sim-private.h"
#include "pl-wire.h"

/* Message events of every hop, for looking hops up: the send (or
 * retransmit) event, and the latest event, whose bytes are the message as
 * it last stood. */
typedef struct {
  const PlTraceEvent *sent;
  const PlTraceEvent *last;
} HopEvents;

static GHashTable *
index_hops (PlTrace *trace)
{
  GHashTable *hops = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  guint n = pl_trace_get_n_events (trace);

  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);
      HopEvents *h;

      if (!pl_trace_event_is_message (event) || event->hop == 0 || event->wire == NULL)
        continue;
      h = g_hash_table_lookup (hops, &event->hop);
      if (h == NULL)
        {
          h = g_new0 (HopEvents, 1);
          /* The key lives in the event, which the trace keeps. */
          g_hash_table_insert (hops, (gpointer) &event->hop, h);
        }
      if (h->sent == NULL && (event->kind == PL_EVENT_SEND || event->kind == PL_EVENT_RETRANSMIT))
        h->sent = event;
      h->last = event;
    }
  return hops;
}

/* The bytes a rule of @point met: as sent for send rules, as the message
 * last stood for delivery rules. Rules never change a start line, so the
 * method or status is the same in both but for a held message edited. */
static GBytes *
hop_wire (HopEvents   *h,
          PlRulePoint  point)
{
  const PlTraceEvent *event = point == PL_RULE_ON_SEND && h->sent ? h->sent : h->last;

  return event->wire;
}

/* A rule matching @from -> @to, @proto, and the method or status of
 * @wire, at @point; nth unset. */
static PlRule *
rule_for_criteria (PlRulePoint   point,
                   PlRuleAction  action,
                   int           from,
                   int           to,
                   const char   *proto,
                   GBytes       *wire)
{
  PlRule *rule = pl_rule_new (point, action);

  pl_rule_set_hop (rule, from, to);
  if (g_strcmp0 (proto, "sip") != 0)
    pl_rule_set_proto (rule, proto);
  else
    {
      g_autoptr (msg_t) msg = pl_wire_parse (wire, NULL);
      sip_t *sip = msg ? sip_object (msg) : NULL;

      if (sip && sip->sip_request)
        pl_rule_set_method (rule, sip->sip_request->rq_method_name);
      else if (sip && sip->sip_status)
        pl_rule_set_status (rule, sip->sip_status->st_status, sip->sip_status->st_status);
    }
  return rule;
}

/* Counts, with @rule's own matcher, the messages that entered the rules
 * of its point up to and including @hop, and makes @rule take that one. */
static gboolean
set_occurrence (PlSim    *sim,
                PlRule   *rule,
                guint64   hop,
                GBytes   *wire,
                GError  **error)
{
  g_autoptr (GHashTable) hops = index_hops (pl_sim_get_trace (sim));
  PlRulePoint point = pl_rule_get_point (rule);
  const guint64 *entries;
  guint n, last = G_MAXUINT, count = 0;
  int from, to;
  const char *proto = pl_rule_get_proto (rule);
  g_autoptr (PlRule) counter = pl_rule_new (point, PL_RULE_DROP);
  const char *method = pl_rule_get_method (rule);
  int min, max;

  entries = _pl_sim_get_entries (sim, point, &n);
  for (guint i = n; i-- > 0;)
    if (entries[i] == hop)
      {
        last = i;
        break;
      }
  if (last == G_MAXUINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   point == PL_RULE_ON_SEND
                     ? "hop %" G_GUINT64_FORMAT " met no rules when sent (a copy made by a "
                       "duplicate rule): alter the message it copies"
                     : "hop %" G_GUINT64_FORMAT " never reached the rules at delivery (lost "
                       "on the link, stopped when sent, or still on its way)",
                   hop);
      return FALSE;
    }

  /* A copy of the criteria without nth, counting every match. */
  pl_rule_get_hop (rule, &from, &to);
  pl_rule_set_hop (counter, from, to);
  pl_rule_set_proto (counter, proto);
  pl_rule_set_method (counter, method);
  if (pl_rule_get_status (rule, &min, &max))
    pl_rule_set_status (counter, min, max);

  for (guint i = 0; i <= last; i++)
    {
      HopEvents *h = g_hash_table_lookup (hops, &entries[i]);
      GBytes *bytes = i == last && wire ? wire : (h ? hop_wire (h, point) : NULL);
      const PlTraceEvent *any = h ? h->last : NULL;

      if (bytes == NULL || any == NULL)
        continue;
      if (_pl_rule_applies (counter, point, any->from, any->to, any->proto, bytes))
        count++;
    }
  if (count == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "hop %" G_GUINT64_FORMAT " does not match its own criteria", hop);
      return FALSE;
    }
  pl_rule_set_nth (rule, count);
  pl_rule_set_nth_counts_all (rule, TRUE);
  return TRUE;
}

static PlRule *
new_for_hop (PlSim         *sim,
             guint64        hop,
             int            from,
             int            to,
             const char    *proto,
             GBytes        *wire,
             gboolean       held,
             PlRulePoint    point,
             PlRuleAction   action,
             GError       **error)
{
  g_autoptr (PlRule) rule = rule_for_criteria (point, action, from, to, proto, wire);

  /* A held message is not in the trace as it stands now. */
  if (!set_occurrence (sim, rule, hop, held ? wire : NULL, error))
    return NULL;
  return g_steal_pointer (&rule);
}

static PlRule *
with_new_id (PlSim  *sim,
             PlRule *rule)
{
  g_autofree char *id = rule ? pl_sim_new_rule_id (sim, "alter") : NULL;

  if (rule)
    pl_rule_set_id (rule, id);
  return rule;
}

static PlRule *
held_criteria (PlSim         *sim,
               PlHeld        *held,
               PlRuleAction   action,
               GError       **error)
{
  return new_for_hop (sim, pl_held_get_hop (held), pl_held_get_from (held),
                      pl_held_get_to (held), pl_held_get_proto (held), pl_held_get_wire (held),
                      TRUE, pl_held_get_point (held), action, error);
}

PlRule *
pl_rule_new_for_event (PlSim               *sim,
                       const PlTraceEvent  *event,
                       PlRulePoint          point,
                       PlRuleAction         action,
                       GError             **error)
{
  g_return_val_if_fail (PL_IS_SIM (sim), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  if (!pl_trace_event_is_message (event) || event->hop == 0 || event->from < 0 || event->to < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "event %" G_GUINT64_FORMAT " (%s) is not a message between two nodes",
                   event->index, event->name);
      return NULL;
    }
  return with_new_id (sim, new_for_hop (sim, event->hop, event->from, event->to, event->proto,
                                        event->wire, FALSE, point, action, error));
}

PlRule *
pl_rule_new_for_held (PlSim         *sim,
                      PlHeld        *held,
                      PlRuleAction   action,
                      GError       **error)
{
  g_return_val_if_fail (PL_IS_SIM (sim), NULL);
  g_return_val_if_fail (held != NULL, NULL);

  return with_new_id (sim, held_criteria (sim, held, action, error));
}

PlRule *
pl_rule_new_drop_event (PlSim               *sim,
                        const PlTraceEvent  *event,
                        PlRulePoint          point,
                        GError             **error)
{
  return pl_rule_new_for_event (sim, event, point, PL_RULE_DROP, error);
}

PlRule *
pl_rule_new_answer_event (PlSim               *sim,
                          const PlTraceEvent  *event,
                          int                  status,
                          const char          *reason,
                          GError             **error)
{
  PlRule *rule;

  if (status < 100 || status > 699)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a SIP status is 100 to 699, not %d", status);
      return NULL;
    }
  rule = pl_rule_new_for_event (sim, event, PL_RULE_ON_DELIVER, PL_RULE_RESPOND, error);
  if (rule && pl_rule_get_method (rule) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "hop %" G_GUINT64_FORMAT " (%s) is not a SIP request: only a request "
                   "can be answered", event->hop, event->label ? event->label : event->proto);
      g_clear_pointer (&rule, pl_rule_free);
      return NULL;
    }
  if (rule)
    pl_rule_set_response (rule, status, reason);
  return rule;
}

PlRule *
pl_rule_new_delay_event (PlSim               *sim,
                         const PlTraceEvent  *event,
                         PlRulePoint          point,
                         PlTime               delay,
                         GError             **error)
{
  PlRule *rule = pl_rule_new_for_event (sim, event, point, PL_RULE_DELAY, error);

  if (rule)
    pl_rule_set_delay (rule, delay);
  return rule;
}

/* Comparing two messages -------------------------------------------- */

static gboolean
is_compared_header (msg_header_t *h)
{
  msg_hclass_t *c = h->sh_class;

  return c != sip_request_class && c != sip_status_class && c != sip_separator_class
         && c != sip_payload_class && c != sip_content_length_class && c != sip_error_class;
}

static const char *
header_name (msg_header_t *h)
{
  if (h->sh_class->hc_hash == msg_unknown_hash)
    return h->sh_unknown->un_name;
  return h->sh_class->hc_name;
}

/* Header names of @msg in order, each once (case-insensitive), appended
 * to @names unless there already. */
static void
collect_names (msg_t     *msg,
               GPtrArray *names)
{
  for (msg_header_t *h = *msg_chain_head (msg); h; h = h->sh_succ)
    {
      const char *name;
      gboolean seen = FALSE;

      if (!is_compared_header (h) || (name = header_name (h)) == NULL)
        continue;
      for (guint i = 0; i < names->len && !seen; i++)
        seen = g_ascii_strcasecmp (g_ptr_array_index (names, i), name) == 0;
      if (!seen)
        g_ptr_array_add (names, g_strdup (name));
    }
}

static char *
start_line (sip_t *sip)
{
  if (sip->sip_request)
    {
      char *uri = url_as_string (NULL, sip->sip_request->rq_url);
      char *line = g_strdup_printf ("%s %s %s", sip->sip_request->rq_method_name, uri,
                                    sip->sip_request->rq_version);

      su_free (NULL, uri);
      return line;
    }
  if (sip->sip_status)
    return g_strdup_printf ("%s %u %s", sip->sip_status->st_version,
                            sip->sip_status->st_status,
                            sip->sip_status->st_phrase ? sip->sip_status->st_phrase : "");
  return g_strdup ("");
}

static GBytes *
payload (sip_t *sip)
{
  if (sip->sip_payload == NULL)
    return g_bytes_new_static ("", 0);
  return g_bytes_new (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

/* The first difference between @a and @b that rules could change (header
 * values and body), as a sentence; NULL when there is none. */
static char *
first_difference (msg_t *a,
                  msg_t *b)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GBytes) body_a = payload (sip_object (a));
  g_autoptr (GBytes) body_b = payload (sip_object (b));

  collect_names (b, names);
  collect_names (a, names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *va = pl_wire_header_value (a, name);
      g_autofree char *vb = pl_wire_header_value (b, name);

      if (g_strcmp0 (va, vb) != 0)
        return g_strdup_printf ("header %s would be '%s' instead of '%s'", name,
                                va ? va : "(absent)", vb ? vb : "(absent)");
    }
  if (!g_bytes_equal (body_a, body_b))
    return g_strdup ("the body would differ");
  return NULL;
}

static PlRule *
edit_rule (PlRule       *criteria,
           PlRuleAction  action)
{
  PlRule *rule = pl_rule_new (pl_rule_get_point (criteria), action);
  int from, to, min, max;

  pl_rule_get_hop (criteria, &from, &to);
  pl_rule_set_hop (rule, from, to);
  pl_rule_set_method (rule, pl_rule_get_method (criteria));
  if (pl_rule_get_status (criteria, &min, &max))
    pl_rule_set_status (rule, min, max);
  pl_rule_set_nth (rule, pl_rule_get_nth (criteria));
  pl_rule_set_nth_counts_all (rule, TRUE);
  return rule;
}

gboolean
pl_rules_from_edit (PlSim      *sim,
                    PlHeld     *held,
                    GBytes     *edited,
                    GPtrArray  *out,
                    GError    **error)
{
  g_autoptr (msg_t) before = NULL;
  g_autoptr (msg_t) after = NULL;
  g_autoptr (msg_t) replayed_msg = NULL;
  g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (PlRule) criteria = NULL;
  g_autoptr (GBytes) body_before = NULL;
  g_autoptr (GBytes) body_after = NULL;
  g_autoptr (GBytes) replayed = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *line_before = NULL;
  g_autofree char *line_after = NULL;
  g_autofree char *difference = NULL;

  g_return_val_if_fail (PL_IS_SIM (sim), FALSE);
  g_return_val_if_fail (held != NULL && edited != NULL && out != NULL, FALSE);

  if (g_strcmp0 (pl_held_get_proto (held), "sip") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "hop %" G_GUINT64_FORMAT " is %s, not SIP: only SIP edits can be replayed "
                   "by rules", pl_held_get_hop (held), pl_held_get_proto (held));
      return FALSE;
    }
  before = pl_wire_parse (pl_held_get_wire (held), NULL);
  after = pl_wire_parse (edited, &problem);
  if (before == NULL || sip_object (before) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the held message (hop %" G_GUINT64_FORMAT ") is not a SIP message, so "
                   "no edit of it can be compared", pl_held_get_hop (held));
      return FALSE;
    }
  if (after == NULL || problem != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the edited message cannot be replayed: it is not a SIP message a stack "
                   "can use (%s); a set-header rule written in the scenario can still "
                   "break a message on purpose", problem ? problem : "no SIP message at all");
      return FALSE;
    }
  line_before = start_line (sip_object (before));
  line_after = start_line (sip_object (after));
  if (!g_str_equal (line_before, line_after))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "the start line changed ('%s' became '%s'): no rule action rewrites a "
                   "start line, so this edit cannot be replayed; edit headers or the body only",
                   line_before, line_after);
      return FALSE;
    }

  criteria = held_criteria (sim, held, PL_RULE_SET_HEADER, error);
  if (criteria == NULL)
    return FALSE;

  /* Headers, in the order of the edited message, then the removed ones. */
  collect_names (after, names);
  collect_names (before, names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *vb = pl_wire_header_value (before, name);
      g_autofree char *va = pl_wire_header_value (after, name);
      PlRule *rule;

      if (g_strcmp0 (va, vb) == 0)
        continue;
      rule = edit_rule (criteria, va ? PL_RULE_SET_HEADER : PL_RULE_REMOVE_HEADER);
      pl_rule_set_edit (rule, name, va);
      g_ptr_array_add (rules, rule);
    }
  body_before = payload (sip_object (before));
  body_after = payload (sip_object (after));
  if (!g_bytes_equal (body_before, body_after))
    {
      PlRule *rule = edit_rule (criteria, PL_RULE_REPLACE_BODY);

      pl_rule_set_body (rule, body_after, NULL);
      g_ptr_array_add (rules, rule);
    }

  /* Check: the rules applied to the held message give the edited one. */
  replayed = g_bytes_ref (pl_held_get_wire (held));
  for (guint i = 0; i < rules->len; i++)
    {
      GBytes *next = _pl_rule_edit (g_ptr_array_index (rules, i), replayed);

      g_bytes_unref (replayed);
      replayed = next;
    }
  g_clear_pointer (&problem, g_free);
  replayed_msg = pl_wire_parse (replayed, &problem);
  if (replayed_msg == NULL || problem != NULL)
    difference = g_strdup_printf ("the result would not parse (%s)",
                                  problem ? problem : "no SIP message");
  else
    difference = first_difference (replayed_msg, after);
  if (difference)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "this edit cannot be replayed by set-header, remove-header and "
                   "replace-body rules: %s", difference);
      return FALSE;
    }

  for (guint i = 0; i < rules->len; i++)
    {
      PlRule *rule = g_ptr_array_index (rules, i);
      g_autofree char *id = pl_sim_new_rule_id (sim, "alter");

      pl_rule_set_id (rule, id);
      g_ptr_array_add (out, rule);
    }
  g_ptr_array_set_free_func (rules, NULL);
  return TRUE;
}
