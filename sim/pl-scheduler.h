/* pl-scheduler.h: virtual clock and event queue, dispatched by a GSource.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pl-types.h"

G_BEGIN_DECLS

typedef void (*PlTimerFunc) (gpointer user_data);

PlScheduler *pl_scheduler_new          (void);
void         pl_scheduler_free         (PlScheduler *self);

PlTime       pl_scheduler_now          (PlScheduler *self);

/* Runs @func at virtual time @at (clamped to now). Events at the same time
 * run in the order they were added. The handle stays valid until the timer
 * has fired or been cancelled; @destroy runs in both cases. */
PlTimer     *pl_scheduler_add          (PlScheduler    *self,
                                        PlTime          at,
                                        PlTimerFunc     func,
                                        gpointer        user_data,
                                        GDestroyNotify  destroy);
PlTimer     *pl_scheduler_add_after    (PlScheduler    *self,
                                        PlTime          delay,
                                        PlTimerFunc     func,
                                        gpointer        user_data,
                                        GDestroyNotify  destroy);
void         pl_scheduler_cancel       (PlScheduler *self,
                                        PlTimer     *timer);
PlTime       pl_timer_get_time         (const PlTimer *timer);
/* A background timer runs in its turn but does not keep a run without
 * an end time going: a registration that expires in a week does not
 * stretch a one-minute scenario to a week. */
void         pl_scheduler_set_background (PlScheduler *self,
                                          PlTimer     *timer);

gboolean     pl_scheduler_is_empty     (PlScheduler *self);
/* Virtual time of the next event, or -1 when the queue is empty. */
PlTime       pl_scheduler_next_time    (PlScheduler *self);
guint        pl_scheduler_get_n_pending (PlScheduler *self);
guint64      pl_scheduler_get_n_dispatched (PlScheduler *self);

/* Runs the next event if there is one due no later than the end time. */
gboolean     pl_scheduler_step         (PlScheduler *self);
/* Events after @end stay queued; the run stops there. -1: no end. */
void         pl_scheduler_set_end      (PlScheduler *self,
                                        PlTime       end);
PlTime       pl_scheduler_get_end      (PlScheduler *self);
/* A horizon for runs without a chosen end: nothing after it runs, but
 * the clock does not jump there. -1: none. */
void         pl_scheduler_set_limit    (PlScheduler *self,
                                        PlTime       limit);
gboolean     pl_scheduler_is_finished  (PlScheduler *self);

void         pl_scheduler_set_mode     (PlScheduler *self,
                                        PlRunMode    mode,
                                        double       speed);
PlRunMode    pl_scheduler_get_mode     (PlScheduler *self);
void         pl_scheduler_set_paused   (PlScheduler *self,
                                        gboolean     paused);

/* The GSource that dispatches events on @context (NULL: default). */
void         pl_scheduler_attach       (PlScheduler  *self,
                                        GMainContext *context);
void         pl_scheduler_detach       (PlScheduler *self);

/* Called from the source when the queue runs dry or the end is reached. */
void         pl_scheduler_set_finished_func (PlScheduler *self,
                                             GSourceFunc  func,
                                             gpointer     user_data);

/* Headless helper: attaches to a fresh context, iterates it until the run
 * is finished, detaches. Returns the number of events dispatched. */
guint64      pl_scheduler_run          (PlScheduler *self);

G_END_DECLS
