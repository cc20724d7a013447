/* pl-trace.c: the append-only event store.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-trace"

#include "pl-trace.h"

typedef struct {
  char *id;
  char *host;
} PlTraceNode;

typedef struct {
  guint id;
  PlTraceObserver func;
  gpointer user_data;
} PlObserver;

struct _PlTrace {
  GObject parent_instance;

  GPtrArray *events;     /* PlTraceEvent*, owned */
  GArray *nodes;         /* PlTraceNode */
  GArray *observers;     /* PlObserver */
  guint next_observer;
  PlTraceEvent *pending; /* begun, not yet committed */
  guint64 cause;         /* hop being handled, see pl_trace_set_cause() */
};

G_DEFINE_FINAL_TYPE (PlTrace, pl_trace, G_TYPE_OBJECT)

static const char *const kind_names[] = {
  [PL_EVENT_SEND] = "send",
  [PL_EVENT_DELIVER] = "deliver",
  [PL_EVENT_MALFORMED] = "malformed",
  [PL_EVENT_DROP] = "drop",
  [PL_EVENT_RETRANSMIT] = "retransmit",
  [PL_EVENT_ABSORBED] = "absorbed",
  [PL_EVENT_TIMEOUT] = "timeout",
  [PL_EVENT_RULE] = "rule",
  [PL_EVENT_TIMER] = "timer",
  [PL_EVENT_STATE] = "state",
  [PL_EVENT_APP] = "app",
};

const char *
pl_event_kind_to_string (PlEventKind kind)
{
  g_return_val_if_fail (kind <= PL_EVENT_APP, "unknown");
  return kind_names[kind];
}

const char *
pl_transport_to_string (PlTransport transport)
{
  return transport == PL_TRANSPORT_TCP ? "tcp" : "udp";
}

const char *
pl_dialect_to_string (PlDialect dialect)
{
  switch (dialect)
    {
    case PL_DIALECT_OMA_2006:
      return "oma-2006";
    case PL_DIALECT_OMA_1_0:
      return "oma-1.0";
    case PL_DIALECT_PLAIN:
    default:
      return "plain";
    }
}

static void
event_free (gpointer data)
{
  PlTraceEvent *event = data;

  g_clear_pointer (&event->wire, g_bytes_unref);
  g_free (event->label);
  for (guint i = 0; i < event->n_fields; i++)
    g_free (event->fields[i].str);
  g_free (event->fields);
  g_free (event);
}

static void
trace_node_clear (gpointer data)
{
  PlTraceNode *node = data;

  g_clear_pointer (&node->id, g_free);
  g_clear_pointer (&node->host, g_free);
}

static void
pl_trace_finalize (GObject *object)
{
  PlTrace *self = PL_TRACE (object);

  g_clear_pointer (&self->pending, event_free);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->observers, g_array_unref);

  G_OBJECT_CLASS (pl_trace_parent_class)->finalize (object);
}

static void
pl_trace_class_init (PlTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pl_trace_finalize;
}

static void
pl_trace_init (PlTrace *self)
{
  self->events = g_ptr_array_new_with_free_func (event_free);
  self->nodes = g_array_new (FALSE, TRUE, sizeof (PlTraceNode));
  g_array_set_clear_func (self->nodes, trace_node_clear);
  self->observers = g_array_new (FALSE, FALSE, sizeof (PlObserver));
}

PlTrace *
pl_trace_new (void)
{
  return g_object_new (PL_TYPE_TRACE, NULL);
}

guint
pl_trace_get_n_events (PlTrace *self)
{
  g_return_val_if_fail (PL_IS_TRACE (self), 0);
  return self->events->len;
}

const PlTraceEvent *
pl_trace_get_event (PlTrace *self,
                    guint    index)
{
  g_return_val_if_fail (PL_IS_TRACE (self), NULL);
  if (index >= self->events->len)
    return NULL;
  return g_ptr_array_index (self->events, index);
}

void
pl_trace_set_node (PlTrace    *self,
                   int         index,
                   const char *id,
                   const char *host)
{
  PlTraceNode *node;

  g_return_if_fail (PL_IS_TRACE (self));
  g_return_if_fail (index >= 0);

  if ((guint) index >= self->nodes->len)
    g_array_set_size (self->nodes, index + 1);
  node = &g_array_index (self->nodes, PlTraceNode, index);
  g_free (node->id);
  g_free (node->host);
  node->id = g_strdup (id);
  node->host = g_strdup (host);
}

guint
pl_trace_get_n_nodes (PlTrace *self)
{
  g_return_val_if_fail (PL_IS_TRACE (self), 0);
  return self->nodes->len;
}

const char *
pl_trace_get_node_id (PlTrace *self,
                      int      index)
{
  g_return_val_if_fail (PL_IS_TRACE (self), NULL);
  if (index < 0 || (guint) index >= self->nodes->len)
    return NULL;
  return g_array_index (self->nodes, PlTraceNode, index).id;
}

const char *
pl_trace_get_node_host (PlTrace *self,
                        int      index)
{
  g_return_val_if_fail (PL_IS_TRACE (self), NULL);
  if (index < 0 || (guint) index >= self->nodes->len)
    return NULL;
  return g_array_index (self->nodes, PlTraceNode, index).host;
}

guint
pl_trace_add_observer (PlTrace         *self,
                       PlTraceObserver  observer,
                       gpointer         user_data)
{
  PlObserver o = { ++self->next_observer, observer, user_data };

  g_return_val_if_fail (PL_IS_TRACE (self), 0);
  g_array_append_val (self->observers, o);
  return o.id;
}

void
pl_trace_remove_observer (PlTrace *self,
                          guint    id)
{
  g_return_if_fail (PL_IS_TRACE (self));

  for (guint i = 0; i < self->observers->len; i++)
    {
      if (g_array_index (self->observers, PlObserver, i).id == id)
        {
          g_array_remove_index (self->observers, i);
          return;
        }
    }
}

static PlTraceEvent *
begin_event (PlTrace     *self,
             PlTime       t_us,
             PlEventKind  kind,
             const char  *name)
{
  PlTraceEvent *event;

  /* Events are committed in the order they are begun; a pending one is a
   * programming error in the caller. */
  g_assert (self->pending == NULL);

  event = g_new0 (PlTraceEvent, 1);
  event->index = self->events->len;
  event->t_us = t_us;
  event->kind = kind;
  event->name = name ? g_intern_string (name) : kind_names[kind];
  event->from = -1;
  event->to = -1;
  event->node = -1;
  event->cause = self->cause;
  self->pending = event;
  return event;
}

guint64
pl_trace_set_cause (PlTrace *self,
                    guint64  hop)
{
  guint64 previous;

  g_return_val_if_fail (PL_IS_TRACE (self), 0);

  previous = self->cause;
  self->cause = hop;
  return previous;
}

PlTraceEvent *
pl_trace_begin_message (PlTrace     *self,
                        PlTime       t_us,
                        PlEventKind  kind,
                        int          from,
                        int          to,
                        PlTransport  transport,
                        const char  *proto,
                        guint64      hop,
                        GBytes      *wire,
                        const char  *label)
{
  PlTraceEvent *event;

  g_return_val_if_fail (PL_IS_TRACE (self), NULL);

  event = begin_event (self, t_us, kind, NULL);
  event->from = from;
  event->to = to;
  event->transport = transport;
  event->proto = g_intern_string (proto ? proto : "sip");
  event->hop = hop;
  event->wire = wire ? g_bytes_ref (wire) : NULL;
  event->label = g_strdup (label);
  return event;
}

PlTraceEvent *
pl_trace_begin_node (PlTrace     *self,
                     PlTime       t_us,
                     PlEventKind  kind,
                     const char  *name,
                     int          node)
{
  PlTraceEvent *event;

  g_return_val_if_fail (PL_IS_TRACE (self), NULL);

  event = begin_event (self, t_us, kind, name);
  event->node = node;
  return event;
}

static PlField *
add_field (PlTraceEvent *event,
           const char   *key,
           PlFieldType   type)
{
  PlField *field;

  event->fields = g_renew (PlField, event->fields, event->n_fields + 1);
  field = &event->fields[event->n_fields++];
  field->key = g_intern_string (key);
  field->type = type;
  field->str = NULL;
  field->num = 0;
  return field;
}

void
pl_trace_event_add_string (PlTraceEvent *event,
                           const char   *key,
                           const char   *value)
{
  g_return_if_fail (event != NULL && key != NULL);
  add_field (event, key, PL_FIELD_STRING)->str = g_strdup (value ? value : "");
}

void
pl_trace_event_add_int (PlTraceEvent *event,
                        const char   *key,
                        gint64        value)
{
  g_return_if_fail (event != NULL && key != NULL);
  add_field (event, key, PL_FIELD_INT)->num = value;
}

void
pl_trace_event_add_bool (PlTraceEvent *event,
                         const char   *key,
                         gboolean      value)
{
  g_return_if_fail (event != NULL && key != NULL);
  add_field (event, key, PL_FIELD_BOOL)->num = !!value;
}

void
pl_trace_commit (PlTrace      *self,
                 PlTraceEvent *event)
{
  g_return_if_fail (PL_IS_TRACE (self));
  g_return_if_fail (event != NULL && event == self->pending);

  self->pending = NULL;
  g_ptr_array_add (self->events, event);

  for (guint i = 0; i < self->observers->len; i++)
    {
      PlObserver *o = &g_array_index (self->observers, PlObserver, i);
      o->func (self, event, o->user_data);
    }
}

const PlField *
pl_trace_event_get_field (const PlTraceEvent *event,
                          const char         *key)
{
  g_return_val_if_fail (event != NULL && key != NULL, NULL);

  for (guint i = 0; i < event->n_fields; i++)
    if (g_str_equal (event->fields[i].key, key))
      return &event->fields[i];
  return NULL;
}

gboolean
pl_trace_event_is_message (const PlTraceEvent *event)
{
  g_return_val_if_fail (event != NULL, FALSE);

  switch (event->kind)
    {
    case PL_EVENT_SEND:
    case PL_EVENT_DELIVER:
    case PL_EVENT_MALFORMED:
    case PL_EVENT_DROP:
    case PL_EVENT_RETRANSMIT:
      return TRUE;
    case PL_EVENT_ABSORBED:
    case PL_EVENT_TIMEOUT:
    case PL_EVENT_RULE:
    case PL_EVENT_TIMER:
    case PL_EVENT_STATE:
    case PL_EVENT_APP:
    default:
      return FALSE;
    }
}
