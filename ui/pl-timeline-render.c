/* pl-timeline-render.c: the ladder of a run, drawn with cairo and pango.
 *
 * Drawing order: background, lane lines, divergence line, arrows, marks,
 * then the ruler and the header bands over them (so they stay put while
 * the content scrolls under them).
 *
 * Every arrow ends in exactly one filled closed path in its class colour:
 * a triangle head, or for a drop a cross (issue 6, item 2: "dashed for
 * drops"). Lines, loops and retransmission marks are strokes; no other
 * filled shape uses a class colour. An SVG export therefore holds one
 * <path> filled with a class colour per arrow, which is how
 * tests/test-timeline-export.c counts them.
 *
 * When the window holds more than one arrow per three pixel rows (a
 * million messages zoomed out) it is "dense": arrows are bare lines,
 * stroked in one path per class, without heads, labels or mark names,
 * and of the arrows between the same two lanes starting on the same
 * pixel row one is drawn. The selection and highlighted arrows are
 * always drawn in full.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-render"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "pl-timeline-render-private.h"

typedef struct {
  double r, g, b;
} Rgb;

typedef struct {
  Rgb background;
  Rgb text;
  Rgb dim_text;
  Rgb lane;
  Rgb header;
  Rgb header_edge;
  Rgb ruler;
  Rgb mark;
  Rgb select;
  Rgb divergence;
  Rgb klass[PL_TIMELINE_N_CLASSES];
} Palette;

#define RGB(hex) { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0 }

static const Palette palettes[] = {
  [PL_TIMELINE_PALETTE_LIGHT] = {
    RGB (0xffffff), RGB (0x202124), RGB (0x5f6368), RGB (0xc4c7cc), RGB (0xeef1f5),
    RGB (0xb0b6bf), RGB (0xf6f7f9), RGB (0xd99a00), RGB (0xffb000), RGB (0xd6157f),
    {
      [PL_TIMELINE_CLASS_REQUEST] = RGB (0x1a5fc8),
      [PL_TIMELINE_CLASS_PROVISIONAL] = RGB (0x7b7f86),
      [PL_TIMELINE_CLASS_SUCCESS] = RGB (0x1d8a3e),
      [PL_TIMELINE_CLASS_FAILURE] = RGB (0xc8352b),
      [PL_TIMELINE_CLASS_MSRP] = RGB (0x8a3fc2),
      [PL_TIMELINE_CLASS_OTHER] = RGB (0x0d8585),
    },
  },
  [PL_TIMELINE_PALETTE_DARK] = {
    RGB (0x1c1d20), RGB (0xe8eaed), RGB (0xa0a4aa), RGB (0x4a4d53), RGB (0x2b2e34),
    RGB (0x50545c), RGB (0x232428), RGB (0xf0c040), RGB (0xffc940), RGB (0xff5cae),
    {
      [PL_TIMELINE_CLASS_REQUEST] = RGB (0x70a8ff),
      [PL_TIMELINE_CLASS_PROVISIONAL] = RGB (0xa3a7ad),
      [PL_TIMELINE_CLASS_SUCCESS] = RGB (0x5fd382),
      [PL_TIMELINE_CLASS_FAILURE] = RGB (0xff6e61),
      [PL_TIMELINE_CLASS_MSRP] = RGB (0xc791ff),
      [PL_TIMELINE_CLASS_OTHER] = RGB (0x4fd1d1),
    },
  },
};

/* One frame's state. */
typedef struct {
  PlTimelineModel *model;
  const PlTimelineViewport *view;
  const Palette *pal;
  PlTimelineGeometry geo;
  cairo_t *cr;
  PangoLayout *layout;
  PangoFontDescription *font;
  PangoFontDescription *bold;
  PangoFontDescription *small;
  double *lane_x;           /* lane -> centre x */
  guint n_lanes;
  gboolean dense;
  double *label_bottom;     /* per left lane position: lowest label drawn so far */
  guint8 *seen;             /* dense: (from, to, pixel row) already drawn */
  gsize seen_rows;
  GArray *batch[PL_TIMELINE_N_CLASSES]; /* dense: line ends (x0, y0, x1, y1) per class */
} Frame;

static const Palette *
get_palette (PlTimelinePalette palette)
{
  return &palettes[palette == PL_TIMELINE_PALETTE_DARK ? PL_TIMELINE_PALETTE_DARK
                                                       : PL_TIMELINE_PALETTE_LIGHT];
}

void
pl_timeline_render_class_color (PlTimelinePalette  palette,
                                PlTimelineClass    klass,
                                double            *r,
                                double            *g,
                                double            *b)
{
  const Rgb *c = &get_palette (palette)->klass[MIN (klass, PL_TIMELINE_N_CLASSES - 1)];

  *r = c->r;
  *g = c->g;
  *b = c->b;
}

static void
set_rgb (cairo_t   *cr,
         const Rgb *c)
{
  cairo_set_source_rgb (cr, c->r, c->g, c->b);
}

static void
set_rgba (cairo_t   *cr,
          const Rgb *c,
          double     alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}

/* Draws @text with its top-left (or centre when @centre) at (x, y). */
static void
draw_text (Frame                      *f,
           const PangoFontDescription *font,
           const char                 *text,
           double                      x,
           double                      y,
           gboolean                    centre,
           double                     *out_width)
{
  int w, h;

  pango_layout_set_font_description (f->layout, font);
  pango_layout_set_text (f->layout, text, -1);
  pango_layout_get_pixel_size (f->layout, &w, &h);
  cairo_move_to (f->cr, centre ? x - w / 2.0 : x, y);
  pango_cairo_show_layout (f->cr, f->layout);
  if (out_width)
    *out_width = w;
}

static void
draw_head (Frame  *f,
           double  x0,
           double  y0,
           double  x1,
           double  y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len = hypot (dx, dy);
  double ux, uy;

  if (len < 1e-6)
    {
      dx = 1;
      dy = 0;
      len = 1;
    }
  ux = dx / len;
  uy = dy / len;
  cairo_new_path (f->cr);
  cairo_move_to (f->cr, x1, y1);
  cairo_line_to (f->cr, x1 - ux * HEAD_LEN - uy * HEAD_HALF, y1 - uy * HEAD_LEN + ux * HEAD_HALF);
  cairo_line_to (f->cr, x1 - ux * HEAD_LEN + uy * HEAD_HALF, y1 - uy * HEAD_LEN - ux * HEAD_HALF);
  cairo_close_path (f->cr);
  cairo_fill (f->cr);
}

/* A cross as one closed twelve-sided outline, so it fills as one path. */
static void
draw_cross (Frame  *f,
            double  x,
            double  y)
{
  const double a = 5.0, w = 1.4;
  const double pts[12][2] = {
    { 0, -w }, { a - w, -a }, { a, -a + w }, { w, 0 }, { a, a - w }, { a - w, a },
    { 0, w }, { -a + w, a }, { -a, a - w }, { -w, 0 }, { -a, -a + w }, { -a + w, -a },
  };

  cairo_new_path (f->cr);
  for (guint i = 0; i < G_N_ELEMENTS (pts); i++)
    cairo_line_to (f->cr, x + pts[i][0], y + pts[i][1]);
  cairo_close_path (f->cr);
  cairo_fill (f->cr);
}

static gboolean
is_highlighted (const PlTimelineViewport *view,
                guint                     index)
{
  guint lo = 0, hi = view->n_highlighted;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (view->highlighted[mid] == index)
        return TRUE;
      if (view->highlighted[mid] < index)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

/* The line of an arrow (a loop for a self message) as the current path;
 * its last segment's direction in (*hx0, *hy0) -> (*hx1, *hy1). */
static void
arrow_path (Frame                 *f,
            const PlTimelineArrow *arrow,
            double x0, double y0, double x1, double y1,
            double *hx0, double *hy0, double *hx1, double *hy1)
{
  cairo_new_path (f->cr);
  cairo_move_to (f->cr, x0, y0);
  if (arrow->flags & PL_TIMELINE_ARROW_SELF)
    {
      double xr = x0 + f->geo.loop_w;

      cairo_line_to (f->cr, xr, y0);
      cairo_line_to (f->cr, xr, y1);
      cairo_line_to (f->cr, x1, y1);
      *hx0 = xr;
      *hy0 = y1;
    }
  else
    {
      if (arrow->flags & PL_TIMELINE_ARROW_DROPPED)
        x1 = x0 + (x1 - x0) * DROP_AT;
      cairo_line_to (f->cr, x1, y1);
      *hx0 = x0;
      *hy0 = y0;
    }
  *hx1 = x1;
  *hy1 = y1;
}

static void
draw_label (Frame                 *f,
            guint                  index,
            const PlTimelineArrow *arrow,
            double x0, double y0, double x1, double y1)
{
  g_autofree char *text = NULL;
  guint column;
  double x, y, w;

  if (arrow->step)
    text = g_strdup_printf ("%" G_GUINT64_FORMAT " %s  (step %s)%s", arrow->hop, arrow->label,
                            arrow->step,
                            arrow->flags & PL_TIMELINE_ARROW_MALFORMED ? " malformed" : "");
  else
    text = g_strdup_printf ("%" G_GUINT64_FORMAT " %s%s", arrow->hop, arrow->label,
                            arrow->flags & PL_TIMELINE_ARROW_MALFORMED ? " malformed" : "");

  if (arrow->flags & PL_TIMELINE_ARROW_SELF)
    {
      x = x0 + f->geo.loop_w + 4;
      y = (y0 + y1) / 2 - LABEL_H / 2;
    }
  else
    {
      x = (x0 + x1) / 2;
      y = MIN (y0, y1) + (fabs (y1 - y0) / 2) - LABEL_H - 1;
    }
  /* One label per text line and column: the earlier one keeps its place. */
  column = (guint) CLAMP (floor ((MIN (x0, x1) - f->geo.origin_x) / f->geo.lane_px + 0.5), 0,
                          f->n_lanes ? f->n_lanes - 1 : 0);
  if ((int) index != f->view->selected && y < f->label_bottom[column])
    return;
  f->label_bottom[column] = y + LABEL_H;
  set_rgb (f->cr, &f->pal->text);
  draw_text (f, f->font, text, x, y, !(arrow->flags & PL_TIMELINE_ARROW_SELF), &w);
}

static void
draw_arrow (Frame *f,
            guint  index)
{
  const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (f->model, index);
  const Rgb *colour = &f->pal->klass[MIN (arrow->klass, PL_TIMELINE_N_CLASSES - 1)];
  gboolean selected = (int) index == f->view->selected;
  gboolean lit = f->view->n_highlighted && is_highlighted (f->view, index);
  double x0, y0, x1, y1, top, bottom;
  double hx0, hy0, hx1, hy1;
  cairo_t *cr = f->cr;

  pl_timeline_model_arrow_extent (f->model, f->geo.layout, index, &top, &bottom);
  x0 = f->lane_x[arrow->from];
  x1 = f->lane_x[arrow->to];
  y0 = f->geo.origin_y + top * f->geo.unit_px;
  y1 = f->geo.origin_y + bottom * f->geo.unit_px;
  if (arrow->flags & PL_TIMELINE_ARROW_SELF)
    y1 = MAX (y1, y0 + f->geo.loop_h);

  /* Too many to tell apart: bare lines, one stroke per class at the end. */
  if (f->dense && !selected && !lit)
    {
      double row = floor (y0);
      double ends[4] = { x0, y0, x1, y1 };

      if (f->seen && row >= 0 && row < f->seen_rows)
        {
          gsize bit = ((gsize) arrow->from * f->n_lanes + arrow->to) * f->seen_rows + (gsize) row;

          if (f->seen[bit / 8] & (1u << (bit % 8)))
            return;
          f->seen[bit / 8] |= 1u << (bit % 8);
        }
      if (arrow->flags & PL_TIMELINE_ARROW_SELF)
        {
          ends[0] = x0 + f->geo.loop_w;
          ends[2] = x0 + f->geo.loop_w;
        }
      g_array_append_vals (f->batch[MIN (arrow->klass, PL_TIMELINE_N_CLASSES - 1)], ends, 4);
      return;
    }

  if (selected || lit)
    {
      arrow_path (f, arrow, x0, y0, x1, y1, &hx0, &hy0, &hx1, &hy1);
      if (selected)
        set_rgba (cr, &f->pal->select, 0.55);
      else
        set_rgba (cr, colour, 0.25);
      cairo_set_line_width (cr, selected ? 8 : 6);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_stroke (cr);
    }

  arrow_path (f, arrow, x0, y0, x1, y1, &hx0, &hy0, &hx1, &hy1);
  set_rgb (cr, colour);
  cairo_set_line_width (cr, selected || lit ? 2.2 : 1.4);
  if (arrow->flags & PL_TIMELINE_ARROW_DROPPED)
    {
      const double dash[] = { 5, 3 };
      cairo_set_dash (cr, dash, 2, 0);
    }
  else if (arrow->flags & PL_TIMELINE_ARROW_PENDING)
    {
      const double dash[] = { 1.5, 2.5 };
      cairo_set_dash (cr, dash, 2, 0);
    }
  else
    cairo_set_dash (cr, NULL, 0, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (arrow->flags & PL_TIMELINE_ARROW_DROPPED)
    draw_cross (f, hx1, hy1);
  else
    draw_head (f, hx0, hy0, hx1, hy1);

  if (arrow->flags & PL_TIMELINE_ARROW_RETRANSMISSION)
    {
      /* A ring on the line near the sender: "sent again". */
      double len = hypot (x1 - x0, y1 - y0);
      double t = len > 0 ? MIN (14.0 / len, 0.5) : 0;
      double cx = (arrow->flags & PL_TIMELINE_ARROW_SELF) ? x0 + 10 : x0 + (x1 - x0) * t;
      double cy = (arrow->flags & PL_TIMELINE_ARROW_SELF) ? y0 : y0 + (y1 - y0) * t;

      cairo_new_path (cr);
      cairo_arc (cr, cx, cy, 3.5, 0, 2 * G_PI);
      set_rgb (cr, &f->pal->background);
      cairo_set_line_width (cr, 3.5);
      cairo_stroke_preserve (cr);
      set_rgb (cr, colour);
      cairo_set_line_width (cr, 1.4);
      cairo_stroke (cr);
    }

  if (!f->dense)
    draw_label (f, index, arrow, x0, y0, x1, y1);
}

static void
draw_mark (Frame *f,
           guint  index,
           double *last_y)
{
  const PlTimelineMark *mark = pl_timeline_model_get_mark (f->model, index);
  double x = f->lane_x[mark->lane];
  double y = f->geo.origin_y + pl_timeline_model_mark_position (f->model, f->geo.layout, index)
             * f->geo.unit_px;
  cairo_t *cr = f->cr;

  if (f->dense && fabs (y - last_y[mark->lane]) < 1.0)
    return;
  cairo_new_path (cr);
  cairo_move_to (cr, x, y - MARK_R);
  cairo_line_to (cr, x + MARK_R, y);
  cairo_line_to (cr, x, y + MARK_R);
  cairo_line_to (cr, x - MARK_R, y);
  cairo_close_path (cr);
  set_rgb (cr, mark->kind == PL_EVENT_RULE || mark->kind == PL_EVENT_TIMEOUT
               ? &f->pal->divergence : &f->pal->mark);
  cairo_fill (cr);

  /* The name beside it when there is room below the previous one. */
  if (!f->dense && y - last_y[mark->lane] >= MARK_LABEL_H)
    {
      set_rgb (cr, &f->pal->dim_text);
      draw_text (f, f->small, mark->name, x + MARK_R + 3, y - MARK_LABEL_H / 2, FALSE, NULL);
      last_y[mark->lane] = y;
    }
  else if (f->dense)
    last_y[mark->lane] = y;
}

/* A tick step of 1, 2 or 5 times a power of ten, at least @min units. */
static double
nice_step (double min)
{
  double p = pow (10, floor (log10 (MAX (min, 1e-9))));

  if (p >= min)
    return p;
  if (2 * p >= min)
    return 2 * p;
  if (5 * p >= min)
    return 5 * p;
  return 10 * p;
}

static void
draw_ruler (Frame  *f,
            double  top,
            double  bottom)
{
  cairo_t *cr = f->cr;
  double step = nice_step (56.0 / f->geo.unit_px);
  guint n_arrows = pl_timeline_model_get_n_arrows (f->model);

  cairo_rectangle (cr, 0, HEADER_H, RULER_W, f->view->height - HEADER_H);
  set_rgb (cr, &f->pal->ruler);
  cairo_fill (cr);
  cairo_set_line_width (cr, 1);
  for (double u = ceil (top / step) * step; u <= bottom; u += step)
    {
      double y = floor (f->geo.origin_y + u * f->geo.unit_px) + 0.5;
      g_autofree char *text = NULL;

      if (f->geo.layout == PL_TIMELINE_LAYOUT_COMPACT)
        {
          if (u < 0 || u >= n_arrows)
            continue;
          text = pl_timeline_format_time (pl_timeline_model_get_arrow (f->model, (guint) u)->t_send);
        }
      else
        text = pl_timeline_format_time ((PlTime) llround (u));
      set_rgb (cr, &f->pal->lane);
      cairo_move_to (cr, RULER_W - 8, y);
      cairo_line_to (cr, RULER_W, y);
      cairo_stroke (cr);
      set_rgb (cr, &f->pal->dim_text);
      draw_text (f, f->font, text, 6, y - LABEL_H / 2, FALSE, NULL);
    }
  set_rgb (cr, &f->pal->header_edge);
  cairo_move_to (cr, RULER_W - 0.5, HEADER_H);
  cairo_line_to (cr, RULER_W - 0.5, f->view->height);
  cairo_stroke (cr);
}

static void
draw_header (Frame *f)
{
  cairo_t *cr = f->cr;

  cairo_rectangle (cr, 0, 0, f->view->width, HEADER_H);
  set_rgb (cr, &f->pal->ruler);
  cairo_fill (cr);
  for (guint lane = 0; lane < f->n_lanes; lane++)
    {
      const PlTimelineLane *info = pl_timeline_model_get_lane (f->model, lane);
      double x = f->lane_x[lane];
      double w = f->geo.lane_px - 12;

      if (x + w / 2 < RULER_W || x - w / 2 > f->view->width)
        continue;
      cairo_new_path (cr);
      cairo_arc (cr, x - w / 2 + 6, 10, 6, G_PI, 1.5 * G_PI);
      cairo_arc (cr, x + w / 2 - 6, 10, 6, 1.5 * G_PI, 2 * G_PI);
      cairo_arc (cr, x + w / 2 - 6, HEADER_H - 10, 6, 0, 0.5 * G_PI);
      cairo_arc (cr, x - w / 2 + 6, HEADER_H - 10, 6, 0.5 * G_PI, G_PI);
      cairo_close_path (cr);
      set_rgb (cr, &f->pal->header);
      cairo_fill_preserve (cr);
      set_rgb (cr, &f->pal->header_edge);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);

      pango_layout_set_width (f->layout, (int) (w - 8) * PANGO_SCALE);
      pango_layout_set_ellipsize (f->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (f->layout, PANGO_ALIGN_CENTER);
      set_rgb (cr, &f->pal->text);
      draw_text (f, f->bold, info->id, x - (w - 8) / 2, 7, FALSE, NULL);
      set_rgb (cr, &f->pal->dim_text);
      draw_text (f, f->font, info->host, x - (w - 8) / 2, 24, FALSE, NULL);
      pango_layout_set_width (f->layout, -1);
      pango_layout_set_ellipsize (f->layout, PANGO_ELLIPSIZE_NONE);
      pango_layout_set_alignment (f->layout, PANGO_ALIGN_LEFT);
    }
  set_rgb (cr, &f->pal->header_edge);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, HEADER_H - 0.5);
  cairo_line_to (cr, f->view->width, HEADER_H - 0.5);
  cairo_stroke (cr);
}

static void
draw_divergence (Frame *f)
{
  double top, bottom, y;
  cairo_t *cr = f->cr;
  const double dash[] = { 6, 4 };

  if (f->view->divergence < 0
      || (guint) f->view->divergence >= pl_timeline_model_get_n_arrows (f->model))
    return;
  pl_timeline_model_arrow_extent (f->model, f->geo.layout, (guint) f->view->divergence, &top,
                                  &bottom);
  y = floor (f->geo.origin_y + top * f->geo.unit_px) - 6.5;
  if (y < HEADER_H || y > f->view->height)
    return;
  set_rgb (cr, &f->pal->divergence);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, RULER_W, y);
  cairo_line_to (cr, f->view->width, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  draw_text (f, f->bold, "first divergence", RULER_W + 4, y - LABEL_H - 1, FALSE, NULL);
}

static void
stroke_batches (Frame *f)
{
  for (guint k = 0; k < PL_TIMELINE_N_CLASSES; k++)
    {
      const GArray *ends = f->batch[k];

      if (ends == NULL || ends->len == 0)
        continue;
      cairo_new_path (f->cr);
      for (guint i = 0; i + 3 < ends->len; i += 4)
        {
          const double *e = &g_array_index (ends, double, i);

          cairo_move_to (f->cr, e[0], e[1]);
          cairo_line_to (f->cr, e[2], e[3]);
        }
      set_rgb (f->cr, &f->pal->klass[k]);
      cairo_set_line_width (f->cr, 1);
      cairo_stroke (f->cr);
    }
}

static void
frame_clear (Frame *f)
{
  for (guint k = 0; k < PL_TIMELINE_N_CLASSES; k++)
    g_clear_pointer (&f->batch[k], g_array_unref);
  g_clear_object (&f->layout);
  g_clear_pointer (&f->font, pango_font_description_free);
  g_clear_pointer (&f->bold, pango_font_description_free);
  g_clear_pointer (&f->small, pango_font_description_free);
  g_clear_pointer (&f->lane_x, g_free);
  g_clear_pointer (&f->label_bottom, g_free);
  g_clear_pointer (&f->seen, g_free);
}

void
pl_timeline_render (PlTimelineModel          *model,
                    const PlTimelineViewport *view,
                    cairo_t                  *cr)
{
  Frame f = { 0, };
  g_autoptr (GArray) arrows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree double *mark_y = NULL;
  double top, bottom, margin_above, margin_below;

  g_return_if_fail (PL_IS_TIMELINE_MODEL (model));
  g_return_if_fail (view != NULL && cr != NULL);

  f.model = model;
  f.view = view;
  f.cr = cr;
  f.pal = get_palette (view->palette);
  pl_timeline_render_get_geometry (model, view, &f.geo);
  f.n_lanes = pl_timeline_model_get_n_lanes (model);
  f.lane_x = g_new0 (double, MAX (f.n_lanes, 1));
  for (guint i = 0; i < f.n_lanes; i++)
    f.lane_x[i] = pl_timeline_geometry_lane_x (&f.geo, model, i);
  f.label_bottom = g_new (double, MAX (f.n_lanes, 1));
  for (guint i = 0; i < MAX (f.n_lanes, 1); i++)
    f.label_bottom[i] = -G_MAXDOUBLE;
  f.layout = pango_cairo_create_layout (cr);
  f.font = pango_font_description_from_string ("Sans 9");
  f.bold = pango_font_description_from_string ("Sans Bold 9");
  f.small = pango_font_description_from_string ("Sans 7.5");

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, view->width, view->height);
  cairo_clip (cr);
  set_rgb (cr, &f.pal->background);
  cairo_paint (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* Lane lines. */
  set_rgb (cr, &f.pal->lane);
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < f.n_lanes; i++)
    {
      double x = floor (f.lane_x[i]) + 0.5;

      if (x < RULER_W || x > view->width)
        continue;
      cairo_move_to (cr, x, HEADER_H);
      cairo_line_to (cr, x, view->height);
    }
  cairo_stroke (cr);

  /* Everything whose drawing may reach into the window: a label sits
   * above its arrow, a loop hangs below its start. */
  margin_above = f.geo.loop_h + LABEL_H;
  margin_below = LABEL_H + 2;
  top = (HEADER_H - margin_above - f.geo.origin_y) / f.geo.unit_px;
  bottom = (view->height + margin_below - f.geo.origin_y) / f.geo.unit_px;

  cairo_save (cr);
  cairo_rectangle (cr, RULER_W, HEADER_H, view->width - RULER_W, view->height - HEADER_H);
  cairo_clip (cr);
  draw_divergence (&f);

  pl_timeline_model_query_arrows (model, view->layout, top, bottom, arrows);
  /* More than one arrow per DENSE_PX pixel rows: no heads, no labels. */
  f.dense = arrows->len * DENSE_PX > (guint) MAX (view->height, 1);
  if (f.dense)
    {
      if (f.n_lanes > 0 && f.n_lanes <= 256)
        {
          f.seen_rows = (gsize) MAX (view->height, 1);
          f.seen = g_malloc0 ((gsize) f.n_lanes * f.n_lanes * f.seen_rows / 8 + 1);
        }
      for (guint k = 0; k < PL_TIMELINE_N_CLASSES; k++)
        f.batch[k] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  for (guint i = 0; i < arrows->len; i++)
    {
      guint index = g_array_index (arrows, guint, i);

      if ((int) index != view->selected
          && !(f.dense && view->n_highlighted && is_highlighted (view, index)))
        draw_arrow (&f, index);
    }
  stroke_batches (&f);
  /* In a dense frame the highlighted arrows go over the batches. */
  for (guint i = 0; f.dense && view->n_highlighted && i < arrows->len; i++)
    {
      guint index = g_array_index (arrows, guint, i);

      if ((int) index != view->selected && is_highlighted (view, index))
        draw_arrow (&f, index);
    }
  /* The selection on top of everything. */
  if (view->selected >= 0 && (guint) view->selected < pl_timeline_model_get_n_arrows (model))
    draw_arrow (&f, (guint) view->selected);

  pl_timeline_model_query_marks (model, view->layout, (HEADER_H - LABEL_H - f.geo.origin_y) / f.geo.unit_px,
                                 bottom, marks);
  mark_y = g_new (double, MAX (f.n_lanes, 1));
  for (guint i = 0; i < MAX (f.n_lanes, 1); i++)
    mark_y[i] = -G_MAXDOUBLE;
  for (guint i = 0; i < marks->len; i++)
    {
      guint index = g_array_index (marks, guint, i);
      const PlTimelineMark *mark = pl_timeline_model_get_mark (model, index);

      if (view->mark_kinds & (1u << mark->kind))
        draw_mark (&f, index, mark_y);
    }
  cairo_restore (cr);

  draw_ruler (&f, (HEADER_H - f.geo.origin_y) / f.geo.unit_px,
              (view->height - f.geo.origin_y) / f.geo.unit_px);
  draw_header (&f);
  cairo_restore (cr);
  frame_clear (&f);
}
