/* pl-timeline-model-private.h: the timeline model's fields, shared by
 * pl-timeline-model.c (building) and pl-timeline-query.c (queries).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-timeline-model.h"

G_BEGIN_DECLS

#define N_SPAN_CLASSES 64

struct _PlTimelineModel {
  GObject parent_instance;

  PlTrace *trace;
  guint observer;
  guint n_read;            /* trace events read so far */

  GArray *lanes;           /* PlTimelineLane, strings owned */
  GArray *order;           /* guint: position -> lane */
  GArray *arrows;          /* PlTimelineArrow, index hop - 1 */
  GHashTable *odd_hops;    /* hop -> index + 1, for a hop out of sequence */
  GArray *marks;           /* PlTimelineMark */
  GArray *spans[N_SPAN_CLASSES]; /* guint32 arrow indices, increasing */
  GArray *pending;         /* guint32 arrow indices in flight, increasing */

  gboolean have_time;
  PlTime t_first;
  PlTime t_last;
};

G_END_DECLS
