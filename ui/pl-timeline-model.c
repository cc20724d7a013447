/* pl-timeline-model.c: lanes, arrows and marks of the studio's timeline.
 *
 * Arrows are kept in an array indexed by hop - 1 (the engine numbers hops
 * from 1 in order of send, pl-sim.c), so a deliver or drop finds its
 * arrow in O(1). The send times are non-decreasing along the array, which
 * makes "what meets [top, bottom]" a binary search, except that a long
 * arrow may start far above the window. So resolved arrows are also
 * filed by span class (class c holds spans below 2^c microseconds): in a
 * class, an arrow that meets the window starts in [top - 2^c, bottom],
 * one binary search per class, and every arrow found there except a few
 * at the edge truly meets it. Arrows still in flight sit in a list of
 * their own, since their span grows with the clock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-model"

#include <math.h>
#include <string.h>

#include "pl-node.h"
#include "pl-timeline-model-private.h"

enum {
  SIGNAL_CHANGED,
  SIGNAL_LANES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PlTimelineModel, pl_timeline_model, G_TYPE_OBJECT)

/* The lanes' strings are the model's own. */
static void
lane_clear (gpointer data)
{
  PlTimelineLane *lane = data;

  g_free ((char *) lane->id);
  g_free ((char *) lane->host);
  g_free ((char *) lane->kind);
  memset (lane, 0, sizeof *lane);
}

PlTimelineClass
pl_timeline_classify (const char *proto,
                      const char *label)
{
  if (g_strcmp0 (proto, "msrp") == 0)
    return PL_TIMELINE_CLASS_MSRP;
  if (proto != NULL && g_strcmp0 (proto, "sip") != 0)
    return PL_TIMELINE_CLASS_OTHER;
  /* A status line's label is "NNN Reason" (pl_wire_label). */
  if (label && g_ascii_isdigit (label[0]) && g_ascii_isdigit (label[1])
      && g_ascii_isdigit (label[2]) && (label[3] == ' ' || label[3] == '\0'))
    {
      switch (label[0])
        {
        case '1':
          return PL_TIMELINE_CLASS_PROVISIONAL;
        case '2':
          return PL_TIMELINE_CLASS_SUCCESS;
        default:
          return PL_TIMELINE_CLASS_FAILURE;
        }
    }
  return PL_TIMELINE_CLASS_REQUEST;
}

static guint
span_class (PlTime span)
{
  return span <= 0 ? 0 : MIN (g_bit_storage ((guint64) span), N_SPAN_CLASSES - 1);
}

static void
see_time (PlTimelineModel *self,
          PlTime           t)
{
  if (!self->have_time)
    {
      self->t_first = self->t_last = t;
      self->have_time = TRUE;
      return;
    }
  self->t_first = MIN (self->t_first, t);
  self->t_last = MAX (self->t_last, t);
}

/* Lanes for nodes the trace names, and for any index an event uses. */
static gboolean
ensure_lanes (PlTimelineModel *self,
              int              upto)
{
  guint want = MAX ((guint) MAX (upto + 1, 0), pl_trace_get_n_nodes (self->trace));
  gboolean grew = FALSE;

  want = MIN (want, (guint) G_MAXUINT16);
  while (self->lanes->len < want)
    {
      guint index = self->lanes->len;
      const char *id = pl_trace_get_node_id (self->trace, (int) index);
      const char *host = pl_trace_get_node_host (self->trace, (int) index);
      PlTimelineLane lane = {
        id ? g_strdup (id) : g_strdup_printf ("node%u", index),
        g_strdup (host ? host : ""),
        NULL,
      };

      g_array_append_val (self->lanes, lane);
      g_array_append_val (self->order, index);
      grew = TRUE;
    }
  return grew;
}

static gboolean
valid_lane (int index)
{
  return index >= 0 && index < G_MAXUINT16;
}

static PlTimelineArrow *
find_hop (PlTimelineModel *self,
          guint64          hop,
          guint           *index)
{
  if (hop >= 1 && hop <= self->arrows->len)
    {
      PlTimelineArrow *arrow = &g_array_index (self->arrows, PlTimelineArrow, hop - 1);

      if (arrow->hop == hop)
        {
          *index = (guint) (hop - 1);
          return arrow;
        }
    }
  if (self->odd_hops)
    {
      guint found = GPOINTER_TO_UINT (g_hash_table_lookup (self->odd_hops, &hop));

      if (found > 0)
        {
          *index = found - 1;
          return &g_array_index (self->arrows, PlTimelineArrow, found - 1);
        }
    }
  return NULL;
}

static void
add_arrow (PlTimelineModel    *self,
           const PlTraceEvent *ev)
{
  PlTimelineArrow arrow = { 0, };
  guint32 index = self->arrows->len;

  if (!valid_lane (ev->from) || !valid_lane (ev->to))
    return;
  ensure_lanes (self, MAX (ev->from, ev->to));
  arrow.hop = ev->hop;
  arrow.t_send = arrow.t_end = ev->t_us;
  arrow.proto = ev->proto ? ev->proto : g_intern_static_string ("sip");
  arrow.label = ev->label ? ev->label : arrow.proto;
  arrow.send_event = (guint32) ev->index;
  arrow.end_event = PL_TIMELINE_NO_EVENT;
  arrow.from = (guint16) ev->from;
  arrow.to = (guint16) ev->to;
  arrow.klass = pl_timeline_classify (arrow.proto, arrow.label);
  arrow.flags = PL_TIMELINE_ARROW_PENDING;
  if (ev->kind == PL_EVENT_RETRANSMIT)
    arrow.flags |= PL_TIMELINE_ARROW_RETRANSMISSION;
  if (ev->from == ev->to)
    arrow.flags |= PL_TIMELINE_ARROW_SELF;
  if (pl_trace_event_get_field (ev, "duplicate-of") != NULL)
    arrow.flags |= PL_TIMELINE_ARROW_DUPLICATE;

  if (ev->hop != (guint64) index + 1)
    {
      guint ignored;

      if (find_hop (self, ev->hop, &ignored) != NULL)
        {
          g_debug ("hop %" G_GUINT64_FORMAT " sent twice; the first send stays", ev->hop);
          return;
        }
      if (self->odd_hops == NULL)
        self->odd_hops = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_hash_table_insert (self->odd_hops, g_memdup2 (&ev->hop, sizeof ev->hop),
                           GUINT_TO_POINTER (index + 1));
    }
  g_array_append_val (self->arrows, arrow);
  g_array_append_val (self->pending, index);
}

/* Removes @index from the increasing @list (it is near the end). */
static void
sorted_remove (GArray  *list,
               guint32  index)
{
  for (guint i = list->len; i > 0; i--)
    if (g_array_index (list, guint32, i - 1) == index)
      {
        g_array_remove_index (list, i - 1);
        return;
      }
}

/* Inserts @index into the increasing @list (usually at its end). */
static void
sorted_insert (GArray  *list,
               guint32  index)
{
  guint i = list->len;

  while (i > 0 && g_array_index (list, guint32, i - 1) > index)
    i--;
  g_array_insert_val (list, i, index);
}

static void
end_arrow (PlTimelineModel    *self,
           const PlTraceEvent *ev)
{
  guint index;
  PlTimelineArrow *arrow = find_hop (self, ev->hop, &index);
  guint klass;

  /* Only the first outcome counts; a hop has one in the engine. */
  if (arrow == NULL || !(arrow->flags & PL_TIMELINE_ARROW_PENDING))
    return;
  arrow->t_end = MAX (ev->t_us, arrow->t_send);
  arrow->end_event = (guint32) ev->index;
  arrow->flags &= ~PL_TIMELINE_ARROW_PENDING;
  if (ev->kind == PL_EVENT_DROP)
    arrow->flags |= PL_TIMELINE_ARROW_DROPPED;
  else if (ev->kind == PL_EVENT_MALFORMED)
    arrow->flags |= PL_TIMELINE_ARROW_MALFORMED;

  sorted_remove (self->pending, index);
  klass = span_class (arrow->t_end - arrow->t_send);
  if (self->spans[klass] == NULL)
    self->spans[klass] = g_array_new (FALSE, FALSE, sizeof (guint32));
  sorted_insert (self->spans[klass], index);
}

static void
add_mark (PlTimelineModel    *self,
          const PlTraceEvent *ev)
{
  PlTimelineMark mark = { 0, };

  if (!valid_lane (ev->node))
    return;
  ensure_lanes (self, ev->node);
  mark.t = ev->t_us;
  mark.name = ev->name ? ev->name : pl_event_kind_to_string (ev->kind);
  mark.event = (guint32) ev->index;
  mark.row = self->arrows->len;
  mark.lane = (guint16) ev->node;
  mark.kind = (guint8) ev->kind;
  g_array_append_val (self->marks, mark);
}

/* Reads trace events from n_read on; returns TRUE when lanes grew. */
static gboolean
read_events (PlTimelineModel *self)
{
  guint n = pl_trace_get_n_events (self->trace);
  gboolean lanes = ensure_lanes (self, -1);
  guint had = self->lanes->len;

  for (; self->n_read < n; self->n_read++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (self->trace, self->n_read);

      see_time (self, ev->t_us);
      switch (ev->kind)
        {
        case PL_EVENT_SEND:
        case PL_EVENT_RETRANSMIT:
          add_arrow (self, ev);
          break;
        case PL_EVENT_DELIVER:
        case PL_EVENT_MALFORMED:
        case PL_EVENT_DROP:
          end_arrow (self, ev);
          break;
        case PL_EVENT_ABSORBED:
        case PL_EVENT_TIMEOUT:
        case PL_EVENT_RULE:
        case PL_EVENT_TIMER:
        case PL_EVENT_STATE:
        case PL_EVENT_APP:
        default:
          add_mark (self, ev);
          break;
        }
    }

  /* Arrows in flight reach to the latest time seen. */
  for (guint i = 0; i < self->pending->len; i++)
    {
      PlTimelineArrow *arrow = &g_array_index (self->arrows, PlTimelineArrow,
                                               g_array_index (self->pending, guint32, i));
      arrow->t_end = self->t_last;
    }
  return lanes || self->lanes->len != had;
}

static void
on_trace_event (PlTrace            *trace,
                const PlTraceEvent *event,
                gpointer            user_data)
{
  PlTimelineModel *self = user_data;

  if (read_events (self))
    g_signal_emit (self, signals[SIGNAL_LANES_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
pl_timeline_model_dispose (GObject *object)
{
  PlTimelineModel *self = PL_TIMELINE_MODEL (object);

  if (self->trace && self->observer)
    pl_trace_remove_observer (self->trace, self->observer);
  self->observer = 0;
  g_clear_object (&self->trace);
  G_OBJECT_CLASS (pl_timeline_model_parent_class)->dispose (object);
}

static void
pl_timeline_model_finalize (GObject *object)
{
  PlTimelineModel *self = PL_TIMELINE_MODEL (object);

  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->arrows, g_array_unref);
  g_clear_pointer (&self->odd_hops, g_hash_table_unref);
  g_clear_pointer (&self->marks, g_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  for (guint i = 0; i < N_SPAN_CLASSES; i++)
    g_clear_pointer (&self->spans[i], g_array_unref);
  G_OBJECT_CLASS (pl_timeline_model_parent_class)->finalize (object);
}

static void
pl_timeline_model_class_init (PlTimelineModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_timeline_model_dispose;
  object_class->finalize = pl_timeline_model_finalize;

  /* Arrows or marks were added or changed (a live run, a step label). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A lane was added or the lane order changed. */
  signals[SIGNAL_LANES_CHANGED] =
    g_signal_new ("lanes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pl_timeline_model_init (PlTimelineModel *self)
{
  self->lanes = g_array_new (FALSE, TRUE, sizeof (PlTimelineLane));
  g_array_set_clear_func (self->lanes, lane_clear);
  self->order = g_array_new (FALSE, FALSE, sizeof (guint));
  self->arrows = g_array_new (FALSE, FALSE, sizeof (PlTimelineArrow));
  self->marks = g_array_new (FALSE, FALSE, sizeof (PlTimelineMark));
  self->pending = g_array_new (FALSE, FALSE, sizeof (guint32));
}

PlTimelineModel *
pl_timeline_model_new (PlTrace *trace)
{
  PlTimelineModel *self;

  g_return_val_if_fail (PL_IS_TRACE (trace), NULL);

  self = g_object_new (PL_TYPE_TIMELINE_MODEL, NULL);
  self->trace = g_object_ref (trace);
  read_events (self);
  self->observer = pl_trace_add_observer (trace, on_trace_event, self);
  return self;
}

PlTimelineModel *
pl_timeline_model_new_for_sim (PlSim *sim)
{
  PlTimelineModel *self;

  g_return_val_if_fail (PL_IS_SIM (sim), NULL);

  self = pl_timeline_model_new (pl_sim_get_trace (sim));
  ensure_lanes (self, (int) pl_sim_get_n_nodes (sim) - 1);
  for (guint i = 0; i < pl_sim_get_n_nodes (sim) && i < self->lanes->len; i++)
    {
      PlTimelineLane *lane = &g_array_index (self->lanes, PlTimelineLane, i);

      g_free ((char *) lane->kind);
      lane->kind = g_strdup (pl_node_get_kind (pl_sim_get_node (sim, i)));
    }
  return self;
}

PlTrace *
pl_timeline_model_get_trace (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), NULL);
  return self->trace;
}

guint
pl_timeline_model_get_n_lanes (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  return self->lanes->len;
}

const PlTimelineLane *
pl_timeline_model_get_lane (PlTimelineModel *self,
                            guint            lane)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), NULL);
  g_return_val_if_fail (lane < self->lanes->len, NULL);
  return &g_array_index (self->lanes, PlTimelineLane, lane);
}

const guint *
pl_timeline_model_get_lane_order (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), NULL);
  return (const guint *) self->order->data;
}

gboolean
pl_timeline_model_set_lane_order (PlTimelineModel *self,
                                  const guint     *order,
                                  guint            n)
{
  g_autofree gboolean *seen = NULL;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), FALSE);
  g_return_val_if_fail (order != NULL || n == 0, FALSE);

  if (n != self->lanes->len)
    return FALSE;
  seen = g_new0 (gboolean, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      if (order[i] >= n || seen[order[i]])
        return FALSE;
      seen[order[i]] = TRUE;
    }
  memcpy (self->order->data, order, n * sizeof (guint));
  g_signal_emit (self, signals[SIGNAL_LANES_CHANGED], 0);
  return TRUE;
}

void
pl_timeline_model_move_lane (PlTimelineModel *self,
                             guint            from_position,
                             guint            to_position)
{
  guint lane;

  g_return_if_fail (PL_IS_TIMELINE_MODEL (self));
  g_return_if_fail (from_position < self->order->len && to_position < self->order->len);

  if (from_position == to_position)
    return;
  lane = g_array_index (self->order, guint, from_position);
  g_array_remove_index (self->order, from_position);
  g_array_insert_val (self->order, to_position, lane);
  g_signal_emit (self, signals[SIGNAL_LANES_CHANGED], 0);
}

guint
pl_timeline_model_get_lane_position (PlTimelineModel *self,
                                     guint            lane)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);

  for (guint i = 0; i < self->order->len; i++)
    if (g_array_index (self->order, guint, i) == lane)
      return i;
  return lane;
}

guint
pl_timeline_model_get_n_arrows (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  return self->arrows->len;
}

const PlTimelineArrow *
pl_timeline_model_get_arrow (PlTimelineModel *self,
                             guint            index)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), NULL);
  g_return_val_if_fail (index < self->arrows->len, NULL);
  return &g_array_index (self->arrows, PlTimelineArrow, index);
}

const PlTimelineArrow *
pl_timeline_model_lookup_hop (PlTimelineModel *self,
                              guint64          hop,
                              guint           *index)
{
  guint found = 0;
  const PlTimelineArrow *arrow;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), NULL);
  arrow = find_hop (self, hop, &found);
  if (arrow && index)
    *index = found;
  return arrow;
}

void
pl_timeline_model_set_step (PlTimelineModel *self,
                            guint64          hop,
                            const char      *step)
{
  guint index;
  PlTimelineArrow *arrow;

  g_return_if_fail (PL_IS_TIMELINE_MODEL (self));

  arrow = find_hop (self, hop, &index);
  g_return_if_fail (arrow != NULL);
  arrow->step = step && *step ? g_intern_string (step) : NULL;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
pl_timeline_model_get_n_marks (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  return self->marks->len;
}

const PlTimelineMark *
pl_timeline_model_get_mark (PlTimelineModel *self,
                            guint            index)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), NULL);
  g_return_val_if_fail (index < self->marks->len, NULL);
  return &g_array_index (self->marks, PlTimelineMark, index);
}

PlTime
pl_timeline_model_get_start_time (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  return self->have_time ? MIN (self->t_first, 0) : 0;
}

PlTime
pl_timeline_model_get_end_time (PlTimelineModel *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  return self->have_time ? self->t_last : 0;
}

void
pl_timeline_model_arrow_extent (PlTimelineModel  *self,
                                PlTimelineLayout  layout,
                                guint             index,
                                double           *top,
                                double           *bottom)
{
  const PlTimelineArrow *arrow;

  g_return_if_fail (PL_IS_TIMELINE_MODEL (self));
  g_return_if_fail (index < self->arrows->len);

  arrow = &g_array_index (self->arrows, PlTimelineArrow, index);
  if (layout == PL_TIMELINE_LAYOUT_COMPACT)
    {
      *top = *bottom = index;
      return;
    }
  *top = (double) arrow->t_send;
  *bottom = (double) arrow->t_end;
}

double
pl_timeline_model_mark_position (PlTimelineModel  *self,
                                 PlTimelineLayout  layout,
                                 guint             index)
{
  const PlTimelineMark *mark;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  g_return_val_if_fail (index < self->marks->len, 0);

  mark = &g_array_index (self->marks, PlTimelineMark, index);
  /* Just below the row of the last arrow sent before it, clear of the
   * next arrow's label above its line. */
  if (layout == PL_TIMELINE_LAYOUT_COMPACT)
    return mark->row - 0.75;
  return (double) mark->t;
}

void
pl_timeline_model_get_range (PlTimelineModel  *self,
                             PlTimelineLayout  layout,
                             double           *first,
                             double           *last)
{
  g_return_if_fail (PL_IS_TIMELINE_MODEL (self));

  if (layout == PL_TIMELINE_LAYOUT_COMPACT)
    {
      *first = self->marks->len && g_array_index (self->marks, PlTimelineMark, 0).row == 0
               ? -0.75 : 0;
      *last = MAX ((double) self->arrows->len - 1, *first);
      if (self->marks->len)
        *last = MAX (*last, pl_timeline_model_mark_position (self, layout, self->marks->len - 1));
      return;
    }
  *first = (double) pl_timeline_model_get_start_time (self);
  *last = (double) pl_timeline_model_get_end_time (self);
}
