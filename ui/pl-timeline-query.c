/* pl-timeline-query.c: what of the timeline meets a window, and what lies
 * under a point (see pl-timeline-model.c for how arrows are filed).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-model"

#include <math.h>

#include "pl-timeline-model-private.h"

/* First position in the increasing index @list whose arrow is sent at or
 * after @t (list NULL: the arrows themselves). */
static guint
lower_bound_send (PlTimelineModel *self,
                  const GArray    *list,
                  double           t)
{
  guint lo = 0, hi = list ? list->len : self->arrows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint index = list ? g_array_index (list, guint32, mid) : mid;

      if ((double) g_array_index (self->arrows, PlTimelineArrow, index).t_send < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* First position whose arrow is sent after @t. */
static guint
upper_bound_send (PlTimelineModel *self,
                  const GArray    *list,
                  double           t)
{
  guint lo = 0, hi = list ? list->len : self->arrows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint index = list ? g_array_index (list, guint32, mid) : mid;

      if ((double) g_array_index (self->arrows, PlTimelineArrow, index).t_send <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

typedef struct {
  const GArray *list;
  guint at;
  guint end;
} Run;

guint
pl_timeline_model_query_arrows (PlTimelineModel  *self,
                                PlTimelineLayout  layout,
                                double            top,
                                double            bottom,
                                GArray           *out)
{
  Run runs[N_SPAN_CLASSES + 1];
  guint n_runs = 0;
  guint had;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  g_return_val_if_fail (out != NULL, 0);

  had = out->len;
  if (bottom < top || self->arrows->len == 0)
    return 0;

  if (layout == PL_TIMELINE_LAYOUT_COMPACT)
    {
      double first = MAX (ceil (top), 0);
      double last = MIN (floor (bottom), (double) self->arrows->len - 1);

      for (double r = first; r <= last; r++)
        {
          guint index = (guint) r;
          g_array_append_val (out, index);
        }
      return out->len - had;
    }

  for (guint c = 0; c < N_SPAN_CLASSES; c++)
    {
      const GArray *list = self->spans[c];
      double reach = c == 0 ? 0 : ldexp (1.0, (int) c);
      Run run = { list, 0, 0 };

      if (list == NULL || list->len == 0)
        continue;
      run.at = lower_bound_send (self, list, top - reach);
      run.end = upper_bound_send (self, list, bottom);
      if (run.at < run.end)
        runs[n_runs++] = run;
    }
  if (self->pending->len && (double) self->t_last >= top)
    {
      Run run = { self->pending, 0, upper_bound_send (self, self->pending, bottom) };

      if (run.end > 0)
        runs[n_runs++] = run;
    }

  /* Merge the runs by index, keeping what truly meets the window. */
  for (;;)
    {
      guint best = n_runs;
      guint32 best_index = G_MAXUINT32;
      const PlTimelineArrow *arrow;

      for (guint r = 0; r < n_runs; r++)
        if (runs[r].at < runs[r].end)
          {
            guint32 index = g_array_index (runs[r].list, guint32, runs[r].at);

            if (index < best_index)
              {
                best_index = index;
                best = r;
              }
          }
      if (best == n_runs)
        break;
      runs[best].at++;
      arrow = &g_array_index (self->arrows, PlTimelineArrow, best_index);
      if ((double) arrow->t_end >= top && (double) arrow->t_send <= bottom)
        {
          guint index = best_index;
          g_array_append_val (out, index);
        }
    }
  return out->len - had;
}

guint
pl_timeline_model_query_marks (PlTimelineModel  *self,
                               PlTimelineLayout  layout,
                               double            top,
                               double            bottom,
                               GArray           *out)
{
  guint lo = 0, hi, had, end;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), 0);
  g_return_val_if_fail (out != NULL, 0);

  had = out->len;
  if (bottom < top)
    return 0;
  /* Marks are in trace order: both their time and their row grow. */
  hi = self->marks->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (pl_timeline_model_mark_position (self, layout, mid) < top)
        lo = mid + 1;
      else
        hi = mid;
    }
  end = self->marks->len;
  for (guint i = lo; i < end && pl_timeline_model_mark_position (self, layout, i) <= bottom; i++)
    g_array_append_val (out, i);
  return out->len - had;
}

double
pl_timeline_geometry_lane_x (const PlTimelineGeometry *geometry,
                             PlTimelineModel          *self,
                             guint                    lane)
{
  guint position = lane;

  if (geometry->lane_order)
    {
      for (guint i = 0; i < self->lanes->len; i++)
        if (geometry->lane_order[i] == lane)
          {
            position = i;
            break;
          }
    }
  else
    position = pl_timeline_model_get_lane_position (self, lane);
  return geometry->origin_x + position * geometry->lane_px;
}

void
pl_timeline_geometry_arrow_points (const PlTimelineGeometry *geometry,
                                   PlTimelineModel          *self,
                                   guint                     index,
                                   double                   *x0,
                                   double                   *y0,
                                   double                   *x1,
                                   double                   *y1)
{
  const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (self, index);
  double top, bottom;

  pl_timeline_model_arrow_extent (self, geometry->layout, index, &top, &bottom);
  *x0 = pl_timeline_geometry_lane_x (geometry, self, arrow->from);
  *x1 = pl_timeline_geometry_lane_x (geometry, self, arrow->to);
  *y0 = geometry->origin_y + top * geometry->unit_px;
  *y1 = geometry->origin_y + bottom * geometry->unit_px;
  if (arrow->flags & PL_TIMELINE_ARROW_SELF)
    *y1 = MAX (*y1, *y0 + geometry->loop_h);
}

static double
segment_distance (double px, double py,
                  double ax, double ay,
                  double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

int
pl_timeline_model_hit_test (PlTimelineModel          *self,
                            const PlTimelineGeometry *geometry,
                            double                    x,
                            double                    y,
                            double                    tolerance)
{
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  double best = tolerance;
  int hit = -1;
  double reach;

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (self), -1);
  g_return_val_if_fail (geometry != NULL && geometry->unit_px > 0, -1);

  /* A loop hangs below its start: look that far above the point too. */
  reach = tolerance + geometry->loop_h;
  pl_timeline_model_query_arrows (self, geometry->layout,
                                  (y - reach - geometry->origin_y) / geometry->unit_px,
                                  (y + tolerance - geometry->origin_y) / geometry->unit_px,
                                  found);
  for (guint i = 0; i < found->len; i++)
    {
      guint index = g_array_index (found, guint, i);
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (self, index);
      double x0, y0, x1, y1, d;

      pl_timeline_geometry_arrow_points (geometry, self, index, &x0, &y0, &x1, &y1);
      if (arrow->flags & PL_TIMELINE_ARROW_SELF)
        {
          double xr = x0 + geometry->loop_w;

          d = MIN (segment_distance (x, y, x0, y0, xr, y0),
                   MIN (segment_distance (x, y, xr, y0, xr, y1),
                        segment_distance (x, y, xr, y1, x1, y1)));
        }
      else
        d = segment_distance (x, y, x0, y0, x1, y1);
      /* On a tie the later arrow wins: it is drawn on top. */
      if (d <= best)
        {
          best = d;
          hit = (int) index;
        }
    }
  return hit;
}
