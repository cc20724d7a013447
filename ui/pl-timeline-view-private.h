/* pl-timeline-view-private.h: the timeline widget's fields, shared by
 * pl-timeline-view.c (state, drawing, API) and pl-timeline-view-input.c
 * (pointer, keyboard, tooltips).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-timeline-view.h"

G_BEGIN_DECLS

#define MIN_ZOOM 0.0001
#define MAX_ZOOM 1000.0
#define ZOOM_STEP 1.2

struct _PlTimelineView {
  GtkWidget parent_instance;

  PlTimelineModel *model;
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GtkScrollablePolicy hscroll_policy;
  GtkScrollablePolicy vscroll_policy;

  PlTimelineViewport view;
  GArray *highlighted;     /* guint, increasing */
  gboolean follow_live;
  gboolean palette_set;
  guint described_arrows;  /* arrow count in the accessible description */

  double pointer_y;        /* last pointer position, zoom anchor */
  double pinch_zoom;       /* zoom when a pinch began */
  int drag_position;       /* lane header being dragged, or -1 */
};

void _pl_timeline_view_add_controllers    (PlTimelineView *self);
void _pl_timeline_view_zoom_at            (PlTimelineView *self,
                                           double          zoom,
                                           double          anchor);
void _pl_timeline_view_emit_context_menu  (PlTimelineView *self,
                                           int             index,
                                           double          x,
                                           double          y);

G_END_DECLS
