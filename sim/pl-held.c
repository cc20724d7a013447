/* pl-held.c: breakpoints: messages a hold rule keeps aside for the user.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-held"

#include "pl-held.h"
#include "pl-sim-private.h"
#include "pl-wire.h"

struct _PlHeld {
  PlDelivery *d;          /* owned copy, as it stood at the hold rule */
  PlRulePoint point;
  PlRule *rule;           /* NULL once removed from the sim */
  char *rule_id;
  guint next_rule;        /* index of the rule after the hold rule */
  PlTime delay;           /* delays of the rules before it */
  PlTime time;
};

static void
held_free (gpointer data)
{
  PlHeld *held = data;

  g_clear_pointer (&held->d, _pl_delivery_free);
  g_free (held->rule_id);
  g_free (held);
}

void
_pl_hold_state_clear (PlHoldState *state)
{
  /* Messages still held when the sim goes are freed unsent. */
  g_clear_pointer (&state->held, g_ptr_array_unref);
  if (state->destroy)
    state->destroy (state->data);
  state->func = NULL;
  state->data = NULL;
  state->destroy = NULL;
}

/* A rule event as pl-sim.c records one, with @action in place of the
 * rule's own (NULL: the rule's) and extra fields added by @held. */
static void
record_rule_event (PlSim      *self,
                   const char *rule_id,
                   const char *action,
                   PlRulePoint point,
                   PlDelivery *d,
                   int         held)
{
  PlTrace *trace = pl_sim_get_trace (self);
  PlTraceEvent *event = pl_trace_begin_node (trace, pl_sim_now (self), PL_EVENT_RULE, NULL,
                                             point == PL_RULE_ON_SEND ? d->from : d->to);

  pl_trace_event_add_string (event, "rule", rule_id);
  pl_trace_event_add_string (event, "action", action);
  pl_trace_event_add_string (event, "on", point == PL_RULE_ON_SEND ? "send" : "deliver");
  pl_trace_event_add_int (event, "hop", (gint64) d->hop);
  pl_trace_event_add_string (event, "label", d->label);
  if (held >= 0)
    pl_trace_event_add_bool (event, "held", held);
  else
    pl_trace_event_add_int (event, "bytes", (gint64) g_bytes_get_size (d->wire));
  pl_trace_commit (trace, event);
}

gboolean
_pl_sim_hold (PlSim       *self,
              PlRule      *rule,
              guint        index,
              PlRulePoint  point,
              PlDelivery  *d,
              PlTime       delay)
{
  PlHoldState *state = _pl_sim_get_hold_state (self);
  PlHeld *held;

  record_rule_event (self, pl_rule_get_id (rule), "hold", point, d, state->func != NULL);
  if (state->func == NULL)
    return FALSE;

  held = g_new0 (PlHeld, 1);
  held->d = _pl_delivery_copy (d);
  held->point = point;
  held->rule = rule;
  held->rule_id = g_strdup (pl_rule_get_id (rule));
  held->next_rule = index + 1;
  held->delay = delay;
  held->time = pl_sim_now (self);
  if (state->held == NULL)
    state->held = g_ptr_array_new_with_free_func (held_free);
  g_ptr_array_add (state->held, held);
  /* The handler may release @held at once: nothing touches it after. */
  state->func (self, held, state->data);
  return TRUE;
}

void
_pl_sim_held_rule_removed (PlSim  *self,
                           PlRule *rule,
                           guint   index)
{
  PlHoldState *state = _pl_sim_get_hold_state (self);

  for (guint i = 0; state->held && i < state->held->len; i++)
    {
      PlHeld *held = g_ptr_array_index (state->held, i);

      if (held->rule == rule)
        held->rule = NULL;
      if (index < held->next_rule)
        held->next_rule--;
    }
}

void
pl_sim_set_hold_func (PlSim          *self,
                      PlHoldFunc      func,
                      gpointer        data,
                      GDestroyNotify  destroy)
{
  PlHoldState *state;

  g_return_if_fail (PL_IS_SIM (self));
  state = _pl_sim_get_hold_state (self);
  if (state->destroy)
    state->destroy (state->data);
  state->func = func;
  state->data = data;
  state->destroy = destroy;
}

guint
pl_sim_get_n_held (PlSim *self)
{
  PlHoldState *state;

  g_return_val_if_fail (PL_IS_SIM (self), 0);
  state = _pl_sim_get_hold_state (self);
  return state->held ? state->held->len : 0;
}

PlHeld *
pl_sim_get_held (PlSim *self,
                 guint  index)
{
  g_return_val_if_fail (index < pl_sim_get_n_held (self), NULL);
  return g_ptr_array_index (_pl_sim_get_hold_state (self)->held, index);
}

GBytes *
pl_held_get_wire (PlHeld *held)
{
  return held->d->wire;
}

int
pl_held_get_from (PlHeld *held)
{
  return held->d->from;
}

int
pl_held_get_to (PlHeld *held)
{
  return held->d->to;
}

const char *
pl_held_get_proto (PlHeld *held)
{
  return held->d->proto;
}

const char *
pl_held_get_label (PlHeld *held)
{
  return held->d->label;
}

guint64
pl_held_get_hop (PlHeld *held)
{
  return held->d->hop;
}

PlRulePoint
pl_held_get_point (PlHeld *held)
{
  return held->point;
}

PlRule *
pl_held_get_rule (PlHeld *held)
{
  return held->rule;
}

const char *
pl_held_get_rule_id (PlHeld *held)
{
  return held->rule_id;
}

PlTime
pl_held_get_time (PlHeld *held)
{
  return held->time;
}

/* Takes @held out of the sim's list; the caller frees it. */
static gboolean
steal_held (PlSim  *self,
            PlHeld *held)
{
  PlHoldState *state = _pl_sim_get_hold_state (self);
  guint index;

  if (held == NULL || state->held == NULL || !g_ptr_array_find (state->held, held, &index))
    return FALSE;
  g_ptr_array_steal_index (state->held, index);
  return TRUE;
}

void
pl_sim_release_held (PlSim  *self,
                     PlHeld *held,
                     GBytes *edited)
{
  PlDelivery *d;
  PlRulePoint point;
  guint next;
  PlTime delay;

  g_return_if_fail (PL_IS_SIM (self));
  g_return_if_fail (steal_held (self, held));

  d = g_steal_pointer (&held->d);
  point = held->point;
  next = held->next_rule;
  delay = held->delay;
  if (edited && !g_bytes_equal (edited, d->wire))
    {
      g_bytes_unref (d->wire);
      d->wire = g_bytes_ref (edited);
      if (d->proto == g_intern_static_string ("sip"))
        {
          g_autoptr (msg_t) msg = pl_wire_parse (d->wire, NULL);

          /* A new start line makes a new label; unparsable keeps the old. */
          if (msg && sip_object (msg) && (sip_object (msg)->sip_request
                                          || sip_object (msg)->sip_status))
            {
              g_free (d->label);
              d->label = pl_wire_label (sip_object (msg));
            }
        }
      record_rule_event (self, held->rule_id, "edit", point, d, -1);
    }
  held_free (held);

  if (_pl_sim_apply_rules (self, point, d, next, &delay))
    _pl_sim_continue (self, point, d, delay);
  else
    _pl_delivery_free (d);
}

void
pl_sim_drop_held (PlSim  *self,
                  PlHeld *held)
{
  g_return_if_fail (PL_IS_SIM (self));
  g_return_if_fail (steal_held (self, held));

  _pl_sim_record_message (self, PL_EVENT_DROP, held->d, "rule", held->rule_id);
  _pl_sim_count_stopped (self, held->point, held->d, held->next_rule);
  held_free (held);
}

gboolean
pl_sim_answer_held (PlSim       *self,
                    PlHeld      *held,
                    int          status,
                    const char  *reason,
                    GError     **error)
{
  PlHoldState *state;

  g_return_val_if_fail (PL_IS_SIM (self), FALSE);
  state = _pl_sim_get_hold_state (self);
  g_return_val_if_fail (held && state->held && g_ptr_array_find (state->held, held, NULL), FALSE);

  if (status < 100 || status > 699)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a SIP status is 100 to 699, not %d", status);
      return FALSE;
    }
  if (!_pl_sim_respond (self, held->d, status, reason, held->rule_id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "hop %" G_GUINT64_FORMAT " (%s) is not a SIP request that can be answered "
                   "(a response, an ACK or another protocol): release or drop it instead",
                   held->d->hop, held->d->label ? held->d->label : held->d->proto);
      return FALSE;
    }
  steal_held (self, held);
  _pl_sim_count_stopped (self, held->point, held->d, held->next_rule);
  held_free (held);
  return TRUE;
}
