/* pl-timeline-view.c: the timeline widget: pl_timeline_render() in a
 * GtkScrollable, with selection, zoom, lane drag and tooltips.
 *
 * The widget draws by the same code as the exports; it keeps only what
 * a screen adds: adjustments, selection, follow-live and the accessible
 * description here, pointer, keyboard and tooltips in
 * pl-timeline-view-input.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-view"

#include <math.h>

#include "pl-timeline-view-private.h"


enum {
  PROP_0,
  PROP_MODEL,
  PROP_ZOOM,
  PROP_COMPACT,
  PROP_FOLLOW_LIVE,
  PROP_SELECTED,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum {
  SIGNAL_ARROW_SELECTED,
  SIGNAL_ARROW_CONTEXT_MENU,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


static void pl_timeline_view_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlTimelineView, pl_timeline_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE,
                                                      pl_timeline_view_scrollable_init))

void
_pl_timeline_view_emit_context_menu (PlTimelineView *self,
                                     int             index,
                                     double          x,
                                     double          y)
{
  g_signal_emit (self, signals[SIGNAL_ARROW_CONTEXT_MENU], 0, index, x, y);
}

static void
update_description (PlTimelineView *self)
{
  g_autofree char *text = NULL;
  guint n_arrows = self->model ? pl_timeline_model_get_n_arrows (self->model) : 0;
  guint n_lanes = self->model ? pl_timeline_model_get_n_lanes (self->model) : 0;

  if (self->view.selected >= 0 && (guint) self->view.selected < n_arrows)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (self->model,
                                                                  (guint) self->view.selected);
      text = g_strdup_printf ("%u lanes, %u messages; selected: message %" G_GUINT64_FORMAT
                              " %s from %s to %s", n_lanes, n_arrows, arrow->hop, arrow->label,
                              pl_timeline_model_get_lane (self->model, arrow->from)->id,
                              pl_timeline_model_get_lane (self->model, arrow->to)->id);
    }
  else
    text = g_strdup_printf ("%u lanes, %u messages", n_lanes, n_arrows);
  self->described_arrows = n_arrows;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static double
content_page (PlTimelineView *self)
{
  return MAX (self->view.height - pl_timeline_render_header_height (), 0);
}

static double
vertical_upper (PlTimelineView *self)
{
  if (self->model == NULL)
    return 0;
  return MAX (pl_timeline_render_content_height (self->model, &self->view)
              - pl_timeline_render_header_height (), 0);
}

/* Sets the adjustments to the content's size; keeps @scroll_y when >= 0. */
static void
configure_adjustments (PlTimelineView *self,
                       double          scroll_y)
{
  double page = content_page (self);
  double upper = MAX (vertical_upper (self), page);
  double width = self->model ? pl_timeline_render_content_width (self->model, &self->view) : 0;

  if (scroll_y < 0)
    scroll_y = self->view.scroll_y;
  if (self->vadjustment)
    {
      gtk_adjustment_configure (self->vadjustment, CLAMP (scroll_y, 0, MAX (upper - page, 0)),
                                0, upper, 24, page * 0.9, page);
      self->view.scroll_y = gtk_adjustment_get_value (self->vadjustment);
    }
  else
    self->view.scroll_y = CLAMP (scroll_y, 0, MAX (upper - page, 0));
  if (self->hadjustment)
    {
      double hpage = self->view.width;
      double hupper = MAX (width, hpage);

      gtk_adjustment_configure (self->hadjustment,
                                CLAMP (self->view.scroll_x, 0, MAX (hupper - hpage, 0)), 0,
                                hupper, 24, hpage * 0.9, hpage);
      self->view.scroll_x = gtk_adjustment_get_value (self->hadjustment);
    }
}

static void
scroll_to_end (PlTimelineView *self)
{
  configure_adjustments (self, G_MAXDOUBLE);
}

static void
on_model_changed (PlTimelineView *self)
{
  if (self->follow_live)
    scroll_to_end (self);
  else
    configure_adjustments (self, -1);
  if (self->model && pl_timeline_model_get_n_arrows (self->model) != self->described_arrows)
    update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_lanes_changed (PlTimelineView *self)
{
  configure_adjustments (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_adjustment_changed (GtkAdjustment  *adjustment,
                       PlTimelineView *self)
{
  if (adjustment == self->vadjustment)
    self->view.scroll_y = gtk_adjustment_get_value (adjustment);
  else
    self->view.scroll_x = gtk_adjustment_get_value (adjustment);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (PlTimelineView  *self,
                GtkAdjustment  **slot,
                GtkAdjustment   *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;
  if (*slot)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_adjustment_changed, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  configure_adjustments (self, -1);
}

/* Zooms keeping the content under widget y @anchor where it is. */
void
_pl_timeline_view_zoom_at (PlTimelineView *self,
         double          zoom,
         double          anchor)
{
  PlTimelineGeometry geo;
  double unit;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (self->model == NULL || zoom == self->view.zoom)
    {
      self->view.zoom = zoom;
      return;
    }
  pl_timeline_render_get_geometry (self->model, &self->view, &geo);
  unit = (anchor - geo.origin_y) / geo.unit_px;
  self->view.zoom = zoom;
  self->view.scroll_y = 0;
  pl_timeline_render_get_geometry (self->model, &self->view, &geo);
  configure_adjustments (self, geo.origin_y + unit * geo.unit_px - anchor);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pl_timeline_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (widget);
  graphene_rect_t bounds;
  cairo_t *cr;

  if (self->model == NULL || self->view.width <= 0 || self->view.height <= 0)
    return;
  if (!self->palette_set)
    {
      GdkRGBA fg;

      /* GTK 4.8 has no gtk_widget_get_color(): a light text colour means
       * a dark theme. */
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
      G_GNUC_END_IGNORE_DEPRECATIONS
      self->view.palette = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5
                           ? PL_TIMELINE_PALETTE_DARK : PL_TIMELINE_PALETTE_LIGHT;
    }
  graphene_rect_init (&bounds, 0, 0, self->view.width, self->view.height);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  self->view.highlighted = self->highlighted->len ? (const guint *) self->highlighted->data : NULL;
  self->view.n_highlighted = self->highlighted->len;
  pl_timeline_render (self->model, &self->view, cr);
  cairo_destroy (cr);
}

static void
pl_timeline_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = self->model ? (int) MIN (pl_timeline_render_content_width (self->model, &self->view), 1400) : 600;
    }
  else
    {
      *minimum = 160;
      *natural = self->model ? (int) MIN (vertical_upper (self) + pl_timeline_render_header_height (), 900) : 400;
    }
  *natural = MAX (*natural, *minimum);
}

static void
pl_timeline_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (widget);

  self->view.width = width;
  self->view.height = height;
  if (self->follow_live)
    scroll_to_end (self);
  else
    configure_adjustments (self, -1);
}

static void
pl_timeline_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->view.zoom);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->view.layout == PL_TIMELINE_LAYOUT_COMPACT);
      break;
    case PROP_FOLLOW_LIVE:
      g_value_set_boolean (value, self->follow_live);
      break;
    case PROP_SELECTED:
      g_value_set_int (value, self->view.selected);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_timeline_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      pl_timeline_view_set_model (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      pl_timeline_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_COMPACT:
      pl_timeline_view_set_layout (self, g_value_get_boolean (value) ? PL_TIMELINE_LAYOUT_COMPACT
                                                                     : PL_TIMELINE_LAYOUT_SCALE);
      break;
    case PROP_FOLLOW_LIVE:
      pl_timeline_view_set_follow_live (self, g_value_get_boolean (value));
      break;
    case PROP_SELECTED:
      pl_timeline_view_set_selected (self, g_value_get_int (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_timeline_view_dispose (GObject *object)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (object);

  if (self->hadjustment)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_changed, self);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_adjustment_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (pl_timeline_view_parent_class)->dispose (object);
}

static void
pl_timeline_view_finalize (GObject *object)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (object);

  g_clear_pointer (&self->highlighted, g_array_unref);
  G_OBJECT_CLASS (pl_timeline_view_parent_class)->finalize (object);
}

static void
pl_timeline_view_scrollable_init (GtkScrollableInterface *iface)
{
}

static void
pl_timeline_view_class_init (PlTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = pl_timeline_view_get_property;
  object_class->set_property = pl_timeline_view_set_property;
  object_class->dispose = pl_timeline_view_dispose;
  object_class->finalize = pl_timeline_view_finalize;
  widget_class->snapshot = pl_timeline_view_snapshot;
  widget_class->measure = pl_timeline_view_measure;
  widget_class->size_allocate = pl_timeline_view_size_allocate;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, PL_TYPE_TIMELINE_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW_LIVE] =
    g_param_spec_boolean ("follow-live", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  signals[SIGNAL_ARROW_SELECTED] =
    g_signal_new ("arrow-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_ARROW_CONTEXT_MENU] =
    g_signal_new ("arrow-context-menu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "pltimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pl_timeline_view_init (PlTimelineView *self)
{
  pl_timeline_viewport_init (&self->view);
  self->view.width = self->view.height = 0;
  self->highlighted = g_array_new (FALSE, FALSE, sizeof (guint));
  self->drag_position = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  _pl_timeline_view_add_controllers (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Message timeline", -1);
  update_description (self);
}

GtkWidget *
pl_timeline_view_new (void)
{
  return g_object_new (PL_TYPE_TIMELINE_VIEW, NULL);
}

void
pl_timeline_view_set_model (PlTimelineView  *self,
                            PlTimelineModel *model)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  g_return_if_fail (model == NULL || PL_IS_TIMELINE_MODEL (model));

  if (self->model == model)
    return;
  if (self->model)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model)
    {
      g_signal_connect_object (model, "changed", G_CALLBACK (on_model_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (model, "lanes-changed", G_CALLBACK (on_lanes_changed), self,
                               G_CONNECT_SWAPPED);
    }
  self->view.selected = -1;
  self->view.divergence = -1;
  g_array_set_size (self->highlighted, 0);
  configure_adjustments (self, 0);
  update_description (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

PlTimelineModel *
pl_timeline_view_get_model (PlTimelineView *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_VIEW (self), NULL);
  return self->model;
}

void
pl_timeline_view_set_layout (PlTimelineView   *self,
                             PlTimelineLayout  layout)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));

  if (self->view.layout == layout)
    return;
  self->view.layout = layout;
  configure_adjustments (self, -1);
  if (self->view.selected >= 0)
    pl_timeline_view_scroll_to_arrow (self, (guint) self->view.selected);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

PlTimelineLayout
pl_timeline_view_get_layout (PlTimelineView *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_VIEW (self), PL_TIMELINE_LAYOUT_SCALE);
  return self->view.layout;
}

void
pl_timeline_view_set_zoom (PlTimelineView *self,
                           double          zoom)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  _pl_timeline_view_zoom_at (self, zoom, self->view.height / 2.0);
}

double
pl_timeline_view_get_zoom (PlTimelineView *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_VIEW (self), 1.0);
  return self->view.zoom;
}

void
pl_timeline_view_set_follow_live (PlTimelineView *self,
                                  gboolean        follow)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));

  follow = !!follow;
  if (self->follow_live == follow)
    return;
  self->follow_live = follow;
  if (follow)
    scroll_to_end (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_LIVE]);
}

gboolean
pl_timeline_view_get_follow_live (PlTimelineView *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_VIEW (self), FALSE);
  return self->follow_live;
}

void
pl_timeline_view_set_palette (PlTimelineView    *self,
                              PlTimelinePalette  palette)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  self->palette_set = TRUE;
  self->view.palette = palette;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pl_timeline_view_set_mark_kinds (PlTimelineView *self,
                                 guint           kinds)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  self->view.mark_kinds = kinds;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pl_timeline_view_set_selected (PlTimelineView *self,
                               int             index)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));

  if (self->model == NULL || index < 0 || (guint) index >= pl_timeline_model_get_n_arrows (self->model))
    index = -1;
  if (self->view.selected == index)
    return;
  self->view.selected = index;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
  g_signal_emit (self, signals[SIGNAL_ARROW_SELECTED], 0, index);
}

int
pl_timeline_view_get_selected (PlTimelineView *self)
{
  g_return_val_if_fail (PL_IS_TIMELINE_VIEW (self), -1);
  return self->view.selected;
}

void
pl_timeline_view_scroll_to_arrow (PlTimelineView *self,
                                  guint           index)
{
  double y, page;

  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  if (self->model == NULL || index >= pl_timeline_model_get_n_arrows (self->model))
    return;
  y = pl_timeline_render_arrow_y (self->model, &self->view, index);
  page = content_page (self);
  /* Already in sight with room for its label: stay. */
  if (y - 24 >= self->view.scroll_y && y + 24 <= self->view.scroll_y + page)
    return;
  configure_adjustments (self, y - page / 3);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
compare_index (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

void
pl_timeline_view_set_highlighted (PlTimelineView *self,
                                  const guint    *indices,
                                  guint           n)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  g_return_if_fail (indices != NULL || n == 0);

  g_array_set_size (self->highlighted, 0);
  if (n)
    g_array_append_vals (self->highlighted, indices, n);
  g_array_sort (self->highlighted, compare_index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pl_timeline_view_set_divergence (PlTimelineView *self,
                                 int             index)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  self->view.divergence = index < 0 ? -1 : index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
pl_timeline_view_get_viewport (PlTimelineView     *self,
                               PlTimelineViewport *view)
{
  g_return_if_fail (PL_IS_TIMELINE_VIEW (self));
  g_return_if_fail (view != NULL);

  *view = self->view;
  view->highlighted = self->highlighted->len ? (const guint *) self->highlighted->data : NULL;
  view->n_highlighted = self->highlighted->len;
}
