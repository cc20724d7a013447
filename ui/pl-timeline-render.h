/* pl-timeline-render.h: draws a PlTimelineModel onto any cairo_t.
 *
 * The same function paints the widget and every export (issue 6, item 7),
 * so a PNG for a slide shows what the screen showed. Only what meets the
 * viewport is touched (DESIGN.md, "The studio": "draw only what is
 * visible").
 *
 * Pixel layout of a viewport: a header band of lane names at the top
 * (height pl_timeline_render_header_height()), a time ruler on the left,
 * the content below the header scrolled by (scroll_x, scroll_y).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cairo.h>

#include "pl-timeline-model.h"

G_BEGIN_DECLS

typedef enum {
  PL_TIMELINE_PALETTE_LIGHT,
  PL_TIMELINE_PALETTE_DARK,
} PlTimelinePalette;

/* What to draw and where. A plain struct the caller owns; arrays it
 * points to must outlive the call. */
typedef struct {
  double scroll_x;            /* content pixels left of the viewport */
  double scroll_y;            /* content pixels above the viewport (below the header) */
  double zoom;                /* 1: 2 px per millisecond (scale) or 26 px per row (compact) */
  int width;                  /* viewport size, pixels */
  int height;
  PlTimelineLayout layout;
  PlTimelinePalette palette;
  int selected;               /* arrow index, or -1 */
  const guint *highlighted;   /* arrow indices in increasing order (related messages) */
  guint n_highlighted;
  int divergence;             /* arrow index of the first divergence, or -1 */
  const guint *lane_order;    /* position -> lane, or NULL for the model's order */
  guint mark_kinds;           /* 1 << PlEventKind of the marks to draw */
} PlTimelineViewport;

/* Marks drawn unless told otherwise: every node event but the
 * transaction state changes, which come in dozens per flow. */
#define PL_TIMELINE_DEFAULT_MARKS \
  ((1u << PL_EVENT_APP) | (1u << PL_EVENT_RULE) | (1u << PL_EVENT_TIMER) \
   | (1u << PL_EVENT_TIMEOUT) | (1u << PL_EVENT_ABSORBED))

/* Defaults: zoom 1, compact layout, light, nothing selected, 800x600. */
void     pl_timeline_viewport_init          (PlTimelineViewport *view);

/* The geometry of @view (for hit testing and scrolling). */
void     pl_timeline_render_get_geometry    (PlTimelineModel          *model,
                                             const PlTimelineViewport *view,
                                             PlTimelineGeometry       *geometry);
double   pl_timeline_render_header_height   (void);
/* Size of everything at @view's zoom and layout: the header included in
 * the height, the ruler in the width. */
double   pl_timeline_render_content_height  (PlTimelineModel          *model,
                                             const PlTimelineViewport *view);
double   pl_timeline_render_content_width   (PlTimelineModel          *model,
                                             const PlTimelineViewport *view);
/* Content y (scroll_y coordinates) of an arrow's send. */
double   pl_timeline_render_arrow_y         (PlTimelineModel          *model,
                                             const PlTimelineViewport *view,
                                             guint                     index);

/* Draws @view of @model onto @cr, in pixels from (0, 0) to (width, height). */
void     pl_timeline_render                 (PlTimelineModel          *model,
                                             const PlTimelineViewport *view,
                                             cairo_t                  *cr);

/* The arrow under viewport point (x, y) within a few pixels, or -1. */
int      pl_timeline_render_hit_arrow       (PlTimelineModel          *model,
                                             const PlTimelineViewport *view,
                                             double                    x,
                                             double                    y);
/* The lane whose column holds x (any y), or -1; its position in *position. */
int      pl_timeline_render_lane_at         (PlTimelineModel          *model,
                                             const PlTimelineViewport *view,
                                             double                    x,
                                             guint                    *position);
/* The mark drawn at (x, y) within a few pixels, or -1. */
int      pl_timeline_render_hit_mark        (PlTimelineModel          *model,
                                             const PlTimelineViewport *view,
                                             double                    x,
                                             double                    y);

/* The colour of an arrow class: its line and its head (the head is one
 * closed filled path per arrow, and no other filled shape uses these
 * colours, so an SVG's arrows can be counted). */
void     pl_timeline_render_class_color     (PlTimelinePalette  palette,
                                             PlTimelineClass    klass,
                                             double            *r,
                                             double            *g,
                                             double            *b);

/* "1.250 s" style text of a virtual time. */
char    *pl_timeline_format_time            (PlTime t_us);

G_END_DECLS
