/* pl-sim.c: one simulated network.
 *
 * A transmission is bytes: the sender's message is printed by sofia-sip,
 * crosses a link (latency, jitter, loss, bandwidth, transport) and is
 * parsed again by sofia-sip at the receiver, so a node sees exactly what a
 * real stack would see.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sim"

#include <string.h>

#include "pl-node-private.h"
#include "pl-rule-private.h"
#include "pl-sim-private.h"
#include "pl-transaction.h"
#include "pl-wire.h"

/* A lost TCP segment costs the sender one retransmission timeout (the
 * minimum RTO of RFC 6298 §2.4 as Linux applies it). */
#define TCP_MIN_RTO PL_MSEC (200)
#define TCP_MAX_TRIES 16

typedef struct {
  PlLinkParams params;
  PlTime busy_until[2];   /* bandwidth: the link is sending until then */
  PlTime last_arrival[2]; /* TCP: arrivals stay in order */
} PlLink;

struct _PlSim {
  GObject parent_instance;

  guint64 seed;
  PlDialect dialect;
  GRand *rand;
  PlScheduler *scheduler;
  PlTrace *trace;

  GPtrArray *nodes;       /* PlNode*, owned */
  GHashTable *by_id;      /* id -> PlNode* */
  GHashTable *by_host;    /* "hostname port" -> PlNode* */

  PlLinkParams default_link;
  GHashTable *links;      /* pair key -> PlLink* */

  GPtrArray *rules;       /* PlRule*, owned */
  guint next_rule_id;
  GArray *entries[2];     /* guint64 hops, by PlRulePoint */
  PlHoldState hold;

  guint64 next_hop;
  guint64 n_transmissions;
};

G_DEFINE_FINAL_TYPE (PlSim, pl_sim, G_TYPE_OBJECT)

static void
pl_sim_dispose (GObject *object)
{
  PlSim *self = PL_SIM (object);

  _pl_hold_state_clear (&self->hold);
  /* Pending events may hold messages and references into nodes: free
   * them before the nodes go. */
  g_clear_pointer (&self->scheduler, pl_scheduler_free);
  /* Someone else (a studio panel) may still hold a node. */
  for (guint i = 0; self->nodes && i < self->nodes->len; i++)
    _pl_node_detach (g_ptr_array_index (self->nodes, i));
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_host, g_hash_table_unref);
  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->entries[PL_RULE_ON_SEND], g_array_unref);
  g_clear_pointer (&self->entries[PL_RULE_ON_DELIVER], g_array_unref);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (pl_sim_parent_class)->dispose (object);
}

static void
pl_sim_finalize (GObject *object)
{
  PlSim *self = PL_SIM (object);

  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (pl_sim_parent_class)->finalize (object);
}

static void
pl_sim_class_init (PlSimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_sim_dispose;
  object_class->finalize = pl_sim_finalize;
}

static void
pl_sim_init (PlSim *self)
{
  self->scheduler = pl_scheduler_new ();
  self->trace = pl_trace_new ();
  self->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_host = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->links = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  self->entries[PL_RULE_ON_SEND] = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->entries[PL_RULE_ON_DELIVER] = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->default_link.latency = PL_MSEC (10);
  self->default_link.transport = PL_TRANSPORT_UDP;
}

PlSim *
pl_sim_new (guint64 seed)
{
  PlSim *self = g_object_new (PL_TYPE_SIM, NULL);
  guint32 seeds[2] = { (guint32) seed, (guint32) (seed >> 32) };

  self->seed = seed;
  /* GRand's Mersenne Twister gives the same sequence for the same seed
   * array on every platform. */
  self->rand = g_rand_new_with_seed_array (seeds, 2);
  return self;
}

guint64
pl_sim_get_seed (PlSim *self)
{
  g_return_val_if_fail (PL_IS_SIM (self), 0);
  return self->seed;
}

PlScheduler *
pl_sim_get_scheduler (PlSim *self)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);
  return self->scheduler;
}

PlTrace *
pl_sim_get_trace (PlSim *self)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);
  return self->trace;
}

PlTime
pl_sim_now (PlSim *self)
{
  return pl_scheduler_now (self->scheduler);
}

PlDialect
pl_sim_get_dialect (PlSim *self)
{
  g_return_val_if_fail (PL_IS_SIM (self), PL_DIALECT_PLAIN);
  return self->dialect;
}

void
pl_sim_set_dialect (PlSim     *self,
                    PlDialect  dialect)
{
  g_return_if_fail (PL_IS_SIM (self));
  self->dialect = dialect;
}

double
pl_sim_random_double (PlSim *self)
{
  return g_rand_double (self->rand);
}

static char *
host_key (const char *hostname,
          guint16     port)
{
  return g_strdup_printf ("%s %u", hostname, port);
}

gboolean
pl_sim_add_node (PlSim   *self,
                 PlNode  *node,
                 GError **error)
{
  g_autofree char *key = NULL;
  const char *id;

  g_return_val_if_fail (PL_IS_SIM (self), FALSE);
  g_return_val_if_fail (PL_IS_NODE (node), FALSE);

  id = pl_node_get_id (node);
  if (id == NULL || pl_node_get_host (node) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a node needs an id and a host");
      return FALSE;
    }
  if (g_hash_table_contains (self->by_id, id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "a node with id '%s' already exists", id);
      return FALSE;
    }
  key = host_key (pl_node_get_hostname (node), pl_node_get_port (node));
  if (g_hash_table_contains (self->by_host, key))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "host '%s' is already node '%s'", pl_node_get_host (node),
                   pl_node_get_id (g_hash_table_lookup (self->by_host, key)));
      return FALSE;
    }

  _pl_node_attach (node, self, self->nodes->len);
  g_ptr_array_add (self->nodes, g_object_ref (node));
  g_hash_table_insert (self->by_id, (gpointer) id, node);
  g_hash_table_insert (self->by_host, g_steal_pointer (&key), node);
  pl_trace_set_node (self->trace, pl_node_get_index (node), id, pl_node_get_host (node));
  return TRUE;
}

guint
pl_sim_get_n_nodes (PlSim *self)
{
  return self->nodes->len;
}

PlNode *
pl_sim_get_node (PlSim *self,
                 guint  index)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);
  return index < self->nodes->len ? g_ptr_array_index (self->nodes, index) : NULL;
}

PlNode *
pl_sim_find_node (PlSim      *self,
                  const char *id)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);
  return id ? g_hash_table_lookup (self->by_id, id) : NULL;
}

PlNode *
pl_sim_resolve (PlSim      *self,
                const char *host,
                guint16     port)
{
  g_autofree char *lower = NULL;
  g_autofree char *key = NULL;
  PlNode *node;

  g_return_val_if_fail (PL_IS_SIM (self), NULL);
  if (host == NULL)
    return NULL;

  lower = g_ascii_strdown (host, -1);
  key = host_key (lower, port ? port : 5060);
  node = g_hash_table_lookup (self->by_host, key);
  if (node || port != 0)
    return node;

  /* No port in the URI: like a DNS SRV answer, any node of that name. */
  for (guint i = 0; i < self->nodes->len; i++)
    {
      PlNode *n = g_ptr_array_index (self->nodes, i);
      if (g_str_equal (pl_node_get_hostname (n), lower))
        return n;
    }
  return NULL;
}

static gint64
pair_key (int a,
          int b)
{
  int lo = MIN (a, b), hi = MAX (a, b);

  return ((gint64) lo << 32) | (guint32) hi;
}

void
pl_sim_set_default_link (PlSim              *self,
                         const PlLinkParams *params)
{
  g_return_if_fail (PL_IS_SIM (self));
  self->default_link = *params;
}

void
pl_sim_add_link (PlSim              *self,
                 PlNode             *a,
                 PlNode             *b,
                 const PlLinkParams *params)
{
  gint64 *key;
  PlLink *link;

  g_return_if_fail (PL_IS_SIM (self));

  key = g_new (gint64, 1);
  *key = pair_key (pl_node_get_index (a), pl_node_get_index (b));
  link = g_new0 (PlLink, 1);
  link->params = *params;
  g_hash_table_replace (self->links, key, link);
}

static PlLink *
get_link (PlSim *self,
          int    a,
          int    b)
{
  gint64 key = pair_key (a, b);
  PlLink *link = g_hash_table_lookup (self->links, &key);

  if (link == NULL)
    {
      gint64 *k = g_new (gint64, 1);

      *k = key;
      link = g_new0 (PlLink, 1);
      link->params = self->default_link;
      g_hash_table_insert (self->links, k, link);
    }
  return link;
}

const PlLinkParams *
pl_sim_get_link (PlSim  *self,
                 PlNode *a,
                 PlNode *b)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);
  return &get_link (self, pl_node_get_index (a), pl_node_get_index (b))->params;
}

void
pl_sim_add_rule (PlSim  *self,
                 PlRule *rule)
{
  g_return_if_fail (PL_IS_SIM (self));
  g_ptr_array_add (self->rules, rule);
}

guint
pl_sim_get_n_rules (PlSim *self)
{
  return self->rules->len;
}

PlRule *
pl_sim_get_rule (PlSim *self,
                 guint  index)
{
  return index < self->rules->len ? g_ptr_array_index (self->rules, index) : NULL;
}

PlRule *
pl_sim_find_rule (PlSim      *self,
                  const char *id)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);

  for (guint i = 0; id && i < self->rules->len; i++)
    if (g_str_equal (pl_rule_get_id (g_ptr_array_index (self->rules, i)), id))
      return g_ptr_array_index (self->rules, i);
  return NULL;
}

gboolean
pl_sim_remove_rule (PlSim  *self,
                    PlRule *rule)
{
  guint index;

  g_return_val_if_fail (PL_IS_SIM (self), FALSE);
  if (rule == NULL || !g_ptr_array_find (self->rules, rule, &index))
    return FALSE;
  _pl_sim_held_rule_removed (self, rule, index);
  g_ptr_array_remove_index (self->rules, index);
  return TRUE;
}

char *
pl_sim_new_rule_id (PlSim      *self,
                    const char *prefix)
{
  g_return_val_if_fail (PL_IS_SIM (self), NULL);

  for (;;)
    {
      char *id = g_strdup_printf ("%s-%u", prefix ? prefix : "alter", ++self->next_rule_id);

      if (pl_sim_find_rule (self, id) == NULL)
        return id;
      g_free (id);
    }
}

PlHoldState *
_pl_sim_get_hold_state (PlSim *self)
{
  return &self->hold;
}

const guint64 *
_pl_sim_get_entries (PlSim       *self,
                     PlRulePoint  point,
                     guint       *n)
{
  *n = self->entries[point]->len;
  return (const guint64 *) (gpointer) self->entries[point]->data;
}

guint64
pl_sim_get_n_transmissions (PlSim *self)
{
  return self->n_transmissions;
}

void
pl_sim_start (PlSim *self)
{
  g_return_if_fail (PL_IS_SIM (self));

  for (guint i = 0; i < self->nodes->len; i++)
    {
      PlNode *node = g_ptr_array_index (self->nodes, i);
      PlNodeClass *klass = PL_NODE_GET_CLASS (node);

      if (klass->start)
        klass->start (node);
    }
}

void
_pl_delivery_free (gpointer data)
{
  PlDelivery *d = data;

  g_bytes_unref (d->wire);
  g_free (d->label);
  g_free (d);
}

PlDelivery *
_pl_delivery_copy (const PlDelivery *d)
{
  PlDelivery *copy = g_memdup2 (d, sizeof *d);

  copy->wire = g_bytes_ref (d->wire);
  copy->label = g_strdup (d->label);
  return copy;
}

static void
record_message (PlSim            *self,
                PlEventKind       kind,
                const PlDelivery *d,
                GBytes           *wire,
                const char       *field,
                const char       *value)
{
  PlTraceEvent *event = pl_trace_begin_message (self->trace, pl_sim_now (self), kind, d->from,
                                                d->to, d->transport, d->proto, d->hop, wire,
                                                d->label);
  if (field)
    pl_trace_event_add_string (event, field, value);
  pl_trace_commit (self->trace, event);
}

void
_pl_sim_record_message (PlSim            *self,
                        PlEventKind       kind,
                        const PlDelivery *d,
                        const char       *field,
                        const char       *value)
{
  record_message (self, kind, d, d->wire, field, value);
}

static void
record_rule (PlSim      *self,
             PlRule     *rule,
             int         node,
             PlDelivery *d)
{
  PlTraceEvent *event = pl_trace_begin_node (self->trace, pl_sim_now (self), PL_EVENT_RULE,
                                             NULL, node);

  pl_trace_event_add_string (event, "rule", pl_rule_get_id (rule));
  pl_trace_event_add_string (event, "action", pl_rule_action_to_string (pl_rule_get_action (rule)));
  pl_trace_event_add_string (event, "on",
                             pl_rule_get_point (rule) == PL_RULE_ON_SEND ? "send" : "deliver");
  pl_trace_event_add_int (event, "hop", (gint64) d->hop);
  pl_trace_event_add_string (event, "label", d->label);
  pl_trace_commit (self->trace, event);
}

static void deliver_now (gpointer data);

/* Puts @d on the link: bandwidth, latency, jitter, loss, ordering. */
static void
schedule_delivery (PlSim      *self,
                   PlDelivery *d,
                   PlTime      extra_delay)
{
  PlLink *link = get_link (self, d->from, d->to);
  const PlLinkParams *p = &link->params;
  int dir = d->from <= d->to ? 0 : 1;
  PlTime t = pl_sim_now (self) + extra_delay;
  PlTime lat = p->latency;

  if (p->bandwidth > 0)
    {
      PlTime start = MAX (t, link->busy_until[dir]);
      PlTime tx = (PlTime) ((g_bytes_get_size (d->wire) * 8 * G_GUINT64_CONSTANT (1000000))
                            / p->bandwidth);
      link->busy_until[dir] = start + tx;
      t = start + tx;
    }

  if (p->jitter > 0)
    lat += (PlTime) ((pl_sim_random_double (self) * 2.0 - 1.0) * (double) p->jitter);
  t += MAX (lat, 0);

  if (p->loss > 0)
    {
      if (d->transport == PL_TRANSPORT_UDP)
        {
          if (pl_sim_random_double (self) < p->loss)
            {
              record_message (self, PL_EVENT_DROP, d, d->wire, "reason", "loss");
              _pl_delivery_free (d);
              return;
            }
        }
      else
        {
          /* TCP is reliable: each loss costs a retransmission timeout,
           * doubling (RFC 6298 §5.5). */
          PlTime rto = MAX (TCP_MIN_RTO, 2 * p->latency);
          int tries = 0;

          while (tries < TCP_MAX_TRIES && pl_sim_random_double (self) < p->loss)
            {
              t += rto;
              rto *= 2;
              tries++;
            }
          if (tries > 0)
            {
              PlTraceEvent *event = pl_trace_begin_node (self->trace, pl_sim_now (self),
                                                         PL_EVENT_STATE, "tcp-retransmission",
                                                         d->from);
              pl_trace_event_add_int (event, "hop", (gint64) d->hop);
              pl_trace_event_add_int (event, "segments-lost", tries);
              pl_trace_commit (self->trace, event);
            }
        }
    }

  if (d->transport == PL_TRANSPORT_TCP)
    {
      t = MAX (t, link->last_arrival[dir]);
      link->last_arrival[dir] = t;
    }

  pl_scheduler_add (self->scheduler, t, deliver_now, d, _pl_delivery_free);
}

gboolean
_pl_sim_respond (PlSim      *self,
                 PlDelivery *d,
                 int         status,
                 const char *reason,
                 const char *rule_id)
{
  g_autoptr (msg_t) request = NULL;
  g_autoptr (msg_t) response = NULL;
  sip_t *sip, *rsip;

  if (d->proto != g_intern_static_string ("sip"))
    return FALSE;
  request = pl_wire_parse (d->wire, NULL);
  sip = request ? sip_object (request) : NULL;
  if (!(sip && sip->sip_request && sip->sip_request->rq_method != sip_method_ack
        && sip->sip_via && sip->sip_cseq))
    return FALSE;

  record_message (self, PL_EVENT_DROP, d, d->wire, "rule", rule_id);
  response = pl_sip_make_response (sip, status, reason);
  rsip = sip_object (response);
  /* The answer comes from the node the request was for, as if its user
   * agent had sent it. */
  if (rsip->sip_to && rsip->sip_to->a_tag == NULL && status > 100)
    sip_to_tag (msg_home (response), rsip->sip_to, rule_id);
  pl_node_transmit_msg (pl_sim_get_node (self, d->to), pl_sim_get_node (self, d->from),
                        PL_EVENT_SEND, response);
  return TRUE;
}

void
_pl_sim_count_stopped (PlSim       *self,
                       PlRulePoint  point,
                       PlDelivery  *d,
                       guint        first)
{
  for (guint i = first; i < self->rules->len; i++)
    {
      PlRule *rule = g_ptr_array_index (self->rules, i);

      if (pl_rule_get_nth_counts_all (rule))
        _pl_rule_applies (rule, point, d->from, d->to, d->proto, d->wire);
    }
}

/* Runs the rules of @point over @d, from rule @first on. Returns FALSE
 * when the message is not to go on (dropped, answered or held); *delay
 * adds up the delays of the rules. */
gboolean
_pl_sim_apply_rules (PlSim       *self,
                     PlRulePoint  point,
                     PlDelivery  *d,
                     guint        first,
                     PlTime      *delay)
{
  int at = point == PL_RULE_ON_SEND ? d->from : d->to;

  for (guint i = first; i < self->rules->len; i++)
    {
      PlRule *rule = g_ptr_array_index (self->rules, i);
      GBytes *edited;

      if (!_pl_rule_applies (rule, point, d->from, d->to, d->proto, d->wire))
        continue;

      if (pl_rule_get_action (rule) == PL_RULE_HOLD)
        {
          if (_pl_sim_hold (self, rule, i, point, d, *delay))
            return FALSE;
          continue;
        }

      record_rule (self, rule, at, d);
      switch (pl_rule_get_action (rule))
        {
        case PL_RULE_DROP:
          record_message (self, PL_EVENT_DROP, d, d->wire, "rule", pl_rule_get_id (rule));
          _pl_sim_count_stopped (self, point, d, i + 1);
          return FALSE;

        case PL_RULE_DELAY:
          *delay += _pl_rule_get_delay (rule);
          break;

        case PL_RULE_DUPLICATE:
          {
            PlDelivery *copy = _pl_delivery_copy (d);

            copy->hop = ++self->next_hop;
            self->n_transmissions++;
            {
              PlTraceEvent *event = pl_trace_begin_message (self->trace, pl_sim_now (self),
                                                            PL_EVENT_SEND, copy->from, copy->to,
                                                            copy->transport, copy->proto,
                                                            copy->hop, copy->wire, copy->label);
              pl_trace_event_add_int (event, "duplicate-of", (gint64) d->hop);
              pl_trace_event_add_string (event, "rule", pl_rule_get_id (rule));
              pl_trace_commit (self->trace, event);
            }
            /* The copy meets no further rules of this point. */
            if (point == PL_RULE_ON_DELIVER)
              copy->rules_done = TRUE;
            schedule_delivery (self, copy, _pl_rule_get_delay (rule));
          }
          break;

        case PL_RULE_SET_HEADER:
        case PL_RULE_REMOVE_HEADER:
        case PL_RULE_REPLACE_BODY:
          edited = _pl_rule_edit (rule, d->wire);
          g_bytes_unref (d->wire);
          d->wire = edited;
          break;

        case PL_RULE_RESPOND:
          if (!_pl_sim_respond (self, d, _pl_rule_get_status (rule), _pl_rule_get_reason (rule),
                                pl_rule_get_id (rule)))
            record_message (self, PL_EVENT_DROP, d, d->wire, "rule", pl_rule_get_id (rule));
          _pl_sim_count_stopped (self, point, d, i + 1);
          return FALSE;

        case PL_RULE_HOLD:
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

/* RFC 3261 §18.3 and §21.4.1: a request a real stack cannot use is
 * answered 400 when it can be answered at all; anything else is dropped. */
static void
handle_malformed (PlSim      *self,
                  PlDelivery *d,
                  msg_t      *msg,
                  const char *problem)
{
  sip_t *sip = msg ? sip_object (msg) : NULL;

  record_message (self, PL_EVENT_MALFORMED, d, d->wire, "problem", problem);

  if (sip && sip->sip_request && sip->sip_request->rq_method != sip_method_ack && sip->sip_via
      && sip->sip_from && sip->sip_to && sip->sip_call_id && sip->sip_cseq)
    {
      g_autofree char *phrase = g_strdup_printf ("Bad Request (%s)", problem);
      g_autoptr (msg_t) response = pl_sip_make_response (sip, 400, phrase);

      pl_node_transmit_msg (pl_sim_get_node (self, d->to), pl_sim_get_node (self, d->from),
                            PL_EVENT_SEND, response);
    }
}

/* After the delivery rules: to the node, or later when a rule delayed it.
 * Does not take @d. */
static void
deliver_after_rules (PlSim      *self,
                     PlDelivery *d,
                     PlTime      delay)
{
  PlNode *to, *from;

  if (delay > 0)
    {
      PlDelivery *later = _pl_delivery_copy (d);

      later->rules_done = TRUE;
      pl_scheduler_add_after (self->scheduler, delay, deliver_now, later, _pl_delivery_free);
      return;
    }

  to = pl_sim_get_node (self, d->to);
  from = pl_sim_get_node (self, d->from);

  if (d->proto == g_intern_static_string ("sip"))
    {
      g_autofree char *problem = NULL;
      msg_t *msg = pl_wire_parse (d->wire, &problem);

      if (msg == NULL || problem)
        {
          handle_malformed (self, d, msg, problem);
          if (msg)
            msg_destroy (msg);
          return;
        }
      guint64 cause;

      record_message (self, PL_EVENT_DELIVER, d, d->wire, NULL, NULL);
      cause = pl_trace_set_cause (self->trace, d->hop);
      _pl_stack_receive (to, from, msg);
      pl_trace_set_cause (self->trace, cause);
      msg_destroy (msg);
    }
  else
    {
      PlNodeClass *klass = PL_NODE_GET_CLASS (to);

      guint64 cause;

      record_message (self, PL_EVENT_DELIVER, d, d->wire, NULL, NULL);
      cause = pl_trace_set_cause (self->trace, d->hop);
      if (klass->stream)
        klass->stream (to, from, d->proto, d->wire);
      pl_trace_set_cause (self->trace, cause);
    }
}

static void
deliver_now (gpointer data)
{
  PlDelivery *d = data;
  PlSim *self = d->sim;
  PlTime delay = 0;

  if (!d->rules_done)
    {
      g_array_append_val (self->entries[PL_RULE_ON_DELIVER], d->hop);
      if (self->rules->len && !_pl_sim_apply_rules (self, PL_RULE_ON_DELIVER, d, 0, &delay))
        return;
    }
  deliver_after_rules (self, d, delay);
}

void
_pl_sim_continue (PlSim       *self,
                  PlRulePoint  point,
                  PlDelivery  *d,
                  PlTime       delay)
{
  if (point == PL_RULE_ON_SEND)
    schedule_delivery (self, d, delay);
  else
    {
      deliver_after_rules (self, d, delay);
      _pl_delivery_free (d);
    }
}

guint64
pl_sim_transmit (PlSim       *self,
                 PlNode      *from,
                 PlNode      *to,
                 PlEventKind  kind,
                 const char  *proto,
                 GBytes      *wire,
                 const char  *label)
{
  PlDelivery *d;
  PlTime delay = 0;
  guint64 hop;

  g_return_val_if_fail (PL_IS_SIM (self), 0);
  g_return_val_if_fail (PL_IS_NODE (from) && PL_IS_NODE (to), 0);
  g_return_val_if_fail (kind == PL_EVENT_SEND || kind == PL_EVENT_RETRANSMIT, 0);

  d = g_new0 (PlDelivery, 1);
  d->sim = self;
  d->hop = hop = ++self->next_hop;
  d->from = pl_node_get_index (from);
  d->to = pl_node_get_index (to);
  d->proto = (char *) g_intern_string (proto ? proto : "sip");
  d->wire = g_bytes_ref (wire);
  d->label = g_strdup (label);
  /* MSRP runs over TCP (RFC 4975 §6: the ";tcp" of its URIs) whatever
   * the link's transport says for SIP. */
  if (d->proto == g_intern_static_string ("msrp"))
    d->transport = PL_TRANSPORT_TCP;
  else
    d->transport = get_link (self, d->from, d->to)->params.transport;
  self->n_transmissions++;

  record_message (self, kind, d, d->wire, NULL, NULL);
  g_array_append_val (self->entries[PL_RULE_ON_SEND], d->hop);

  if (self->rules->len && !_pl_sim_apply_rules (self, PL_RULE_ON_SEND, d, 0, &delay))
    {
      _pl_delivery_free (d);
      return hop;
    }
  schedule_delivery (self, d, delay);
  return hop;
}
