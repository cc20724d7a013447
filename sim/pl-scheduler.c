/* pl-scheduler.c: virtual clock and event queue.
 *
 * The queue is a binary heap ordered by (time, sequence number): events at
 * the same virtual time run in the order they were scheduled, which makes
 * every run of a scenario identical.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scheduler"

#include "pl-scheduler.h"

/* In fast mode one dispatch of the source runs at most this many events
 * before returning to the main loop, so a UI stays responsive. */
#define FAST_BATCH 4096

struct _PlTimer {
  PlTime at;
  guint64 seq;
  guint pos;               /* index in the heap */
  PlTimerFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
  gboolean background;
};

typedef struct {
  GSource source;
  PlScheduler *scheduler;
} PlSchedulerSource;

struct _PlScheduler {
  GPtrArray *heap;         /* PlTimer*, heap-ordered */
  guint n_foreground;      /* timers that keep a run without end going */
  PlTime now;
  PlTime end;
  PlTime limit;            /* a safety horizon, not a chosen end: -1 none */
  guint64 next_seq;
  guint64 n_dispatched;

  PlRunMode mode;
  double speed;
  gboolean paused;

  /* Paced mode: wall time (monotonic, µs) that matches virtual time
   * pace_virtual_origin. */
  gint64 pace_wall_origin;
  PlTime pace_virtual_origin;

  GSource *source;
  GSourceFunc finished_func;
  gpointer finished_data;
};

static inline gboolean
timer_before (const PlTimer *a,
              const PlTimer *b)
{
  return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static inline PlTimer *
heap_at (PlScheduler *self,
         guint        i)
{
  return g_ptr_array_index (self->heap, i);
}

static inline void
heap_set (PlScheduler *self,
          guint        i,
          PlTimer     *timer)
{
  self->heap->pdata[i] = timer;
  timer->pos = i;
}

static void
heap_up (PlScheduler *self,
         guint        i)
{
  PlTimer *timer = heap_at (self, i);

  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      PlTimer *p = heap_at (self, parent);

      if (!timer_before (timer, p))
        break;
      heap_set (self, i, p);
      i = parent;
    }
  heap_set (self, i, timer);
}

static void
heap_down (PlScheduler *self,
           guint        i)
{
  guint n = self->heap->len;
  PlTimer *timer = heap_at (self, i);

  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      PlTimer *best = timer;

      if (l < n && timer_before (heap_at (self, l), best))
        m = l, best = heap_at (self, l);
      if (r < n && timer_before (heap_at (self, r), best))
        m = r, best = heap_at (self, r);
      if (m == i)
        break;
      heap_set (self, i, best);
      i = m;
    }
  heap_set (self, i, timer);
}

static void
heap_remove (PlScheduler *self,
             PlTimer     *timer)
{
  guint i = timer->pos;
  PlTimer *last;

  g_assert (i < self->heap->len && heap_at (self, i) == timer);

  last = g_ptr_array_steal_index_fast (self->heap, self->heap->len - 1);
  if (last == timer)
    return;
  heap_set (self, i, last);
  if (i > 0 && timer_before (last, heap_at (self, (i - 1) / 2)))
    heap_up (self, i);
  else
    heap_down (self, i);
}

static void
timer_free (PlTimer *timer)
{
  if (timer->destroy)
    timer->destroy (timer->user_data);
  g_free (timer);
}

PlScheduler *
pl_scheduler_new (void)
{
  PlScheduler *self = g_new0 (PlScheduler, 1);

  self->heap = g_ptr_array_sized_new (1024);
  self->end = -1;
  self->limit = -1;
  self->mode = PL_RUN_FAST;
  self->speed = 1.0;
  return self;
}

void
pl_scheduler_free (PlScheduler *self)
{
  if (self == NULL)
    return;

  pl_scheduler_detach (self);
  for (guint i = 0; i < self->heap->len; i++)
    timer_free (heap_at (self, i));
  g_ptr_array_unref (self->heap);
  g_free (self);
}

PlTime
pl_scheduler_now (PlScheduler *self)
{
  return self->now;
}

PlTimer *
pl_scheduler_add (PlScheduler    *self,
                  PlTime          at,
                  PlTimerFunc     func,
                  gpointer        user_data,
                  GDestroyNotify  destroy)
{
  PlTimer *timer;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  timer = g_new (PlTimer, 1);
  timer->at = MAX (at, self->now);
  timer->seq = self->next_seq++;
  timer->func = func;
  timer->user_data = user_data;
  timer->destroy = destroy;
  timer->background = FALSE;
  self->n_foreground++;
  g_ptr_array_add (self->heap, timer);
  heap_up (self, self->heap->len - 1);

  if (self->source)
    g_source_set_ready_time (self->source, 0);
  return timer;
}

PlTimer *
pl_scheduler_add_after (PlScheduler    *self,
                        PlTime          delay,
                        PlTimerFunc     func,
                        gpointer        user_data,
                        GDestroyNotify  destroy)
{
  return pl_scheduler_add (self, self->now + MAX (delay, 0), func, user_data, destroy);
}

void
pl_scheduler_cancel (PlScheduler *self,
                     PlTimer     *timer)
{
  g_return_if_fail (self != NULL);
  if (timer == NULL)
    return;
  heap_remove (self, timer);
  if (!timer->background)
    self->n_foreground--;
  timer_free (timer);
}

void
pl_scheduler_set_background (PlScheduler *self,
                             PlTimer     *timer)
{
  g_return_if_fail (self != NULL && timer != NULL);
  if (!timer->background)
    {
      timer->background = TRUE;
      self->n_foreground--;
    }
}

PlTime
pl_timer_get_time (const PlTimer *timer)
{
  return timer->at;
}

gboolean
pl_scheduler_is_empty (PlScheduler *self)
{
  return self->heap->len == 0;
}

PlTime
pl_scheduler_next_time (PlScheduler *self)
{
  return self->heap->len ? heap_at (self, 0)->at : -1;
}

guint
pl_scheduler_get_n_pending (PlScheduler *self)
{
  return self->heap->len;
}

guint64
pl_scheduler_get_n_dispatched (PlScheduler *self)
{
  return self->n_dispatched;
}

void
pl_scheduler_set_end (PlScheduler *self,
                      PlTime       end)
{
  self->end = end;
}

void
pl_scheduler_set_limit (PlScheduler *self,
                        PlTime       limit)
{
  self->limit = limit;
}

PlTime
pl_scheduler_get_end (PlScheduler *self)
{
  return self->end;
}

gboolean
pl_scheduler_is_finished (PlScheduler *self)
{
  if (self->heap->len == 0)
    return TRUE;
  if (self->end >= 0)
    return heap_at (self, 0)->at > self->end;
  if (self->limit >= 0 && heap_at (self, 0)->at > self->limit)
    return TRUE;
  /* Without a chosen end, a run is over when only background timers
   * (expiry of registrations, refreshes) are left. */
  return self->n_foreground == 0;
}

gboolean
pl_scheduler_step (PlScheduler *self)
{
  PlTimer *timer;

  g_return_val_if_fail (self != NULL, FALSE);

  if (pl_scheduler_is_finished (self))
    {
      /* The clock still reaches the end of the run. */
      if (self->end >= 0 && self->now < self->end && self->heap->len)
        self->now = self->end;
      return FALSE;
    }

  timer = heap_at (self, 0);
  heap_remove (self, timer);
  if (!timer->background)
    self->n_foreground--;
  g_assert (timer->at >= self->now);
  self->now = timer->at;
  self->n_dispatched++;
  timer->func (timer->user_data);
  timer_free (timer);
  return TRUE;
}

void
pl_scheduler_set_mode (PlScheduler *self,
                       PlRunMode    mode,
                       double       speed)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (mode != PL_RUN_PACED || speed > 0);

  self->mode = mode;
  self->speed = speed > 0 ? speed : 1.0;
  self->pace_wall_origin = g_get_monotonic_time ();
  self->pace_virtual_origin = self->now;
  if (self->source)
    g_source_set_ready_time (self->source, 0);
}

PlRunMode
pl_scheduler_get_mode (PlScheduler *self)
{
  return self->mode;
}

void
pl_scheduler_set_paused (PlScheduler *self,
                         gboolean     paused)
{
  self->paused = paused;
  if (!paused)
    {
      self->pace_wall_origin = g_get_monotonic_time ();
      self->pace_virtual_origin = self->now;
    }
  if (self->source)
    g_source_set_ready_time (self->source, paused ? -1 : 0);
}

/* Wall time (monotonic µs) at which virtual time @t is due in paced mode. */
static gint64
paced_wall_time (PlScheduler *self,
                 PlTime       t)
{
  return self->pace_wall_origin + (gint64) ((t - self->pace_virtual_origin) / self->speed);
}

static gboolean
source_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  PlScheduler *self = ((PlSchedulerSource *) source)->scheduler;

  g_source_set_ready_time (source, -1);

  if (self->paused || self->mode == PL_RUN_STEPPED)
    return G_SOURCE_CONTINUE;

  if (self->mode == PL_RUN_FAST)
    {
      /* An event may pause the run (a breakpoint): stop right there. */
      for (guint i = 0; i < FAST_BATCH && !self->paused; i++)
        if (!pl_scheduler_step (self))
          break;
    }
  else
    {
      gint64 wall = g_get_monotonic_time ();

      while (!self->paused && !pl_scheduler_is_finished (self)
             && paced_wall_time (self, heap_at (self, 0)->at) <= wall)
        pl_scheduler_step (self);

      /* The clock follows wall time between events too. */
      if (!self->paused && !pl_scheduler_is_finished (self))
        {
          PlTime virtual_now = self->pace_virtual_origin
                               + (PlTime) ((wall - self->pace_wall_origin) * self->speed);
          if (virtual_now > self->now)
            self->now = MIN (virtual_now, heap_at (self, 0)->at);
        }
    }

  if (self->paused)
    return G_SOURCE_CONTINUE; /* pl_scheduler_set_paused (FALSE) wakes it */

  if (pl_scheduler_is_finished (self))
    {
      pl_scheduler_step (self); /* moves the clock to the end, if any */
      if (self->finished_func)
        self->finished_func (self->finished_data);
      return G_SOURCE_CONTINUE;
    }

  if (self->mode == PL_RUN_FAST)
    g_source_set_ready_time (source, 0);
  else
    g_source_set_ready_time (source, paced_wall_time (self, heap_at (self, 0)->at));
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs source_funcs = {
  .dispatch = source_dispatch,
};

void
pl_scheduler_attach (PlScheduler  *self,
                     GMainContext *context)
{
  GSource *source;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->source == NULL);

  source = g_source_new (&source_funcs, sizeof (PlSchedulerSource));
  ((PlSchedulerSource *) source)->scheduler = self;
  g_source_set_static_name (source, "PlScheduler");
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_ready_time (source, 0);
  g_source_attach (source, context);
  self->source = source;
  self->pace_wall_origin = g_get_monotonic_time ();
  self->pace_virtual_origin = self->now;
}

void
pl_scheduler_detach (PlScheduler *self)
{
  if (self->source == NULL)
    return;
  g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
}

void
pl_scheduler_set_finished_func (PlScheduler *self,
                                GSourceFunc  func,
                                gpointer     user_data)
{
  self->finished_func = func;
  self->finished_data = user_data;
}

static gboolean
on_run_finished (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

guint64
pl_scheduler_run (PlScheduler *self)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  GSourceFunc saved_func = self->finished_func;
  gpointer saved_data = self->finished_data;
  guint64 before = self->n_dispatched;
  gboolean done = FALSE;

  g_return_val_if_fail (self->source == NULL, 0);

  g_main_context_push_thread_default (context);
  pl_scheduler_set_finished_func (self, on_run_finished, &done);
  pl_scheduler_attach (self, context);
  while (!done)
    g_main_context_iteration (context, TRUE);
  pl_scheduler_detach (self);
  pl_scheduler_set_finished_func (self, saved_func, saved_data);
  g_main_context_pop_thread_default (context);

  return self->n_dispatched - before;
}
