/* pl-timeline-geometry.c: where the renderer puts things: viewport
 * defaults, sizes, the pixel geometry of a viewport, and what lies under
 * a point of it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-render"

#include <math.h>
#include <string.h>

#include "pl-timeline-render-private.h"

void
pl_timeline_viewport_init (PlTimelineViewport *view)
{
  g_return_if_fail (view != NULL);

  memset (view, 0, sizeof *view);
  view->zoom = 1.0;
  view->width = 800;
  view->height = 600;
  view->layout = PL_TIMELINE_LAYOUT_COMPACT;
  view->palette = PL_TIMELINE_PALETTE_LIGHT;
  view->selected = -1;
  view->divergence = -1;
  view->mark_kinds = PL_TIMELINE_DEFAULT_MARKS;
}

double
pl_timeline_render_header_height (void)
{
  return HEADER_H;
}

static double
lane_width (PlTimelineModel          *model,
            const PlTimelineViewport *view)
{
  guint n = MAX (pl_timeline_model_get_n_lanes (model), 1);

  return MAX (MIN_LANE_W, (view->width - RULER_W - RIGHT_PAD) / n);
}

void
pl_timeline_render_get_geometry (PlTimelineModel          *model,
                                 const PlTimelineViewport *view,
                                 PlTimelineGeometry       *geo)
{
  double first, last;
  double zoom = view->zoom > 0 ? view->zoom : 1.0;

  pl_timeline_model_get_range (model, view->layout, &first, &last);
  memset (geo, 0, sizeof *geo);
  geo->layout = view->layout;
  geo->unit_px = view->layout == PL_TIMELINE_LAYOUT_COMPACT ? zoom * COMPACT_ROW_PX
                                                            : zoom * SCALE_PX_PER_US;
  geo->origin_y = HEADER_H + TOP_PAD - view->scroll_y - first * geo->unit_px;
  geo->lane_px = lane_width (model, view);
  geo->origin_x = RULER_W + geo->lane_px / 2 - view->scroll_x;
  geo->loop_w = LOOP_W;
  geo->loop_h = view->layout == PL_TIMELINE_LAYOUT_COMPACT ? MIN (LOOP_H, geo->unit_px * 0.6)
                                                           : LOOP_H;
  geo->lane_order = view->lane_order;
}

double
pl_timeline_render_content_height (PlTimelineModel          *model,
                                   const PlTimelineViewport *view)
{
  PlTimelineGeometry geo;
  double first, last;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), 0);
  pl_timeline_render_get_geometry (model, view, &geo);
  pl_timeline_model_get_range (model, view->layout, &first, &last);
  return HEADER_H + TOP_PAD + (last - first) * geo.unit_px + geo.loop_h + BOTTOM_PAD;
}

double
pl_timeline_render_content_width (PlTimelineModel          *model,
                                  const PlTimelineViewport *view)
{
  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), 0);
  return RULER_W + lane_width (model, view) * MAX (pl_timeline_model_get_n_lanes (model), 1)
         + RIGHT_PAD;
}

double
pl_timeline_render_arrow_y (PlTimelineModel          *model,
                            const PlTimelineViewport *view,
                            guint                     index)
{
  PlTimelineGeometry geo;
  double top, bottom;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), 0);
  pl_timeline_render_get_geometry (model, view, &geo);
  pl_timeline_model_arrow_extent (model, view->layout, index, &top, &bottom);
  /* origin_y already subtracts scroll_y and adds the header. */
  return geo.origin_y + top * geo.unit_px + view->scroll_y - HEADER_H;
}

char *
pl_timeline_format_time (PlTime t_us)
{
  guint64 a = t_us < 0 ? -(guint64) t_us : (guint64) t_us;

  if (a % 1000 == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%03u s", t_us < 0 ? "-" : "",
                            a / 1000000, (guint) (a % 1000000 / 1000));
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%06u s", t_us < 0 ? "-" : "",
                          a / 1000000, (guint) (a % 1000000));
}

int
pl_timeline_render_hit_arrow (PlTimelineModel          *model,
                              const PlTimelineViewport *view,
                              double                    x,
                              double                    y)
{
  PlTimelineGeometry geo;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), -1);
  if (y < HEADER_H || x < RULER_W)
    return -1;
  pl_timeline_render_get_geometry (model, view, &geo);
  return pl_timeline_model_hit_test (model, &geo, x, y, HIT_TOLERANCE);
}

int
pl_timeline_render_lane_at (PlTimelineModel          *model,
                            const PlTimelineViewport *view,
                            double                    x,
                            guint                    *position)
{
  PlTimelineGeometry geo;
  guint n = pl_timeline_model_get_n_lanes (model);
  double p;
  guint pos;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), -1);
  pl_timeline_render_get_geometry (model, view, &geo);
  p = floor ((x - geo.origin_x) / geo.lane_px + 0.5);
  if (n == 0 || x < RULER_W || p < 0 || p >= n)
    return -1;
  pos = (guint) p;
  if (position)
    *position = pos;
  return (int) (view->lane_order ? view->lane_order[pos]
                                 : pl_timeline_model_get_lane_order (model)[pos]);
}

int
pl_timeline_render_hit_mark (PlTimelineModel          *model,
                             const PlTimelineViewport *view,
                             double                    x,
                             double                    y)
{
  PlTimelineGeometry geo;
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (guint));
  double tol = MARK_R + 2;
  int best = -1;
  double best_d = tol;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), -1);
  pl_timeline_render_get_geometry (model, view, &geo);
  pl_timeline_model_query_marks (model, view->layout, (y - tol - geo.origin_y) / geo.unit_px,
                                 (y + tol - geo.origin_y) / geo.unit_px, marks);
  for (guint i = 0; i < marks->len; i++)
    {
      guint index = g_array_index (marks, guint, i);
      const PlTimelineMark *mark = pl_timeline_model_get_mark (model, index);
      double mx, my, d;

      if (!(view->mark_kinds & (1u << mark->kind)))
        continue;
      mx = pl_timeline_geometry_lane_x (&geo, model, mark->lane);
      my = geo.origin_y + pl_timeline_model_mark_position (model, view->layout, index) * geo.unit_px;
      d = hypot (x - mx, y - my);
      if (d <= best_d)
        {
          best_d = d;
          best = (int) index;
        }
    }
  return best;
}
