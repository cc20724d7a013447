/* pl-timeline-view.h: the timeline widget (GTK 4.8).
 *
 * Shows a PlTimelineModel with pl_timeline_render(). A GtkScrollable: put
 * it in a GtkScrolledWindow. Ctrl+scroll and pinch zoom around the
 * pointer; a click selects an arrow; a right click asks the app for a
 * context menu; dragging a lane's header moves the lane; tooltips name
 * lanes, arrows and marks. Up/Down move the selection, Home/End go to the
 * first/last arrow, Ctrl+plus/minus/0 zoom.
 *
 * Signals:
 *   "arrow-selected" (int index): the selection changed (-1: none).
 *   "arrow-context-menu" (int index, double x, double y): right click on
 *       an arrow (widget coordinates), for a menu the app builds.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-timeline-render.h"

G_BEGIN_DECLS

#define PL_TYPE_TIMELINE_VIEW (pl_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (PlTimelineView, pl_timeline_view, PL, TIMELINE_VIEW, GtkWidget)

GtkWidget        *pl_timeline_view_new              (void);

void              pl_timeline_view_set_model        (PlTimelineView   *self,
                                                     PlTimelineModel  *model);
PlTimelineModel  *pl_timeline_view_get_model        (PlTimelineView   *self);

void              pl_timeline_view_set_layout       (PlTimelineView   *self,
                                                     PlTimelineLayout  layout);
PlTimelineLayout  pl_timeline_view_get_layout       (PlTimelineView   *self);
/* Zoom factor, clamped to [0.0001, 1000]; kept around the view's centre. */
void              pl_timeline_view_set_zoom         (PlTimelineView   *self,
                                                     double            zoom);
double            pl_timeline_view_get_zoom         (PlTimelineView   *self);
/* Keep the latest arrow in sight while a run grows the model. */
void              pl_timeline_view_set_follow_live  (PlTimelineView   *self,
                                                     gboolean          follow);
gboolean          pl_timeline_view_get_follow_live  (PlTimelineView   *self);
/* Light or dark; by default it follows the theme's text colour. */
void              pl_timeline_view_set_palette      (PlTimelineView    *self,
                                                     PlTimelinePalette  palette);
void              pl_timeline_view_set_mark_kinds   (PlTimelineView   *self,
                                                     guint             kinds);

/* The selected arrow's index, or -1. Setting emits "arrow-selected". */
void              pl_timeline_view_set_selected     (PlTimelineView   *self,
                                                     int               index);
int               pl_timeline_view_get_selected     (PlTimelineView   *self);
void              pl_timeline_view_scroll_to_arrow  (PlTimelineView   *self,
                                                     guint             index);
/* Arrows drawn highlighted (related messages); copied. */
void              pl_timeline_view_set_highlighted  (PlTimelineView   *self,
                                                     const guint      *indices,
                                                     guint             n);
/* The first divergence of a comparison, -1 for none. */
void              pl_timeline_view_set_divergence   (PlTimelineView   *self,
                                                     int               index);

/* What is on screen, for "export the visible part". */
void              pl_timeline_view_get_viewport     (PlTimelineView     *self,
                                                     PlTimelineViewport *view);

G_END_DECLS
