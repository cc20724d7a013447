/* pl-timeline-view-input.c: the timeline widget's pointer, keyboard and
 * tooltips: a click selects, a right click asks for a menu, dragging a
 * lane header moves the lane, Ctrl+scroll and pinch zoom around the
 * pointer, arrows keys walk the messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-view"

#include <math.h>

#include "pl-timeline-view-private.h"

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  PlTimelineView  *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  int index;

  if (self->model == NULL || y < pl_timeline_render_header_height ())
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  index = pl_timeline_render_hit_arrow (self->model, &self->view, x, y);
  if (button == GDK_BUTTON_SECONDARY)
    {
      if (index >= 0)
        {
          pl_timeline_view_set_selected (self, index);
          _pl_timeline_view_emit_context_menu (self, index, x, y);
        }
      return;
    }
  pl_timeline_view_set_selected (self, index);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PlTimelineView *self)
{
  guint position;

  self->drag_position = -1;
  if (self->model == NULL || y >= pl_timeline_render_header_height ()
      || pl_timeline_render_lane_at (self->model, &self->view, x, &position) < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_position = (int) position;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             PlTimelineView *self)
{
  double x0, y0;
  guint position;

  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (self->drag_position < 0 || self->model == NULL)
    return;
  gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
  if (pl_timeline_render_lane_at (self->model, &self->view, x0 + dx, &position) >= 0
      && (int) position != self->drag_position && self->view.lane_order == NULL)
    pl_timeline_model_move_lane (self->model, (guint) self->drag_position, position);
  self->drag_position = -1;
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           PlTimelineView           *self)
{
  self->pointer_y = y;
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           PlTimelineView           *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (!(state & GDK_CONTROL_MASK))
    return FALSE;
  _pl_timeline_view_zoom_at (self, self->view.zoom * pow (ZOOM_STEP, -dy), self->pointer_y);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                PlTimelineView   *self)
{
  self->pinch_zoom = self->view.zoom;
}

static void
on_pinch_scale (GtkGestureZoom *gesture,
                double          scale,
                PlTimelineView *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    y = self->view.height / 2.0;
  _pl_timeline_view_zoom_at (self, self->pinch_zoom * scale, y);
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PlTimelineView        *self)
{
  guint n = self->model ? pl_timeline_model_get_n_arrows (self->model) : 0;
  int selected = self->view.selected;
  double centre = self->view.height / 2.0;

  if (state & GDK_CONTROL_MASK)
    {
      switch (keyval)
        {
        case GDK_KEY_plus:
        case GDK_KEY_equal:
        case GDK_KEY_KP_Add:
          _pl_timeline_view_zoom_at (self, self->view.zoom * ZOOM_STEP, centre);
          return TRUE;
        case GDK_KEY_minus:
        case GDK_KEY_KP_Subtract:
          _pl_timeline_view_zoom_at (self, self->view.zoom / ZOOM_STEP, centre);
          return TRUE;
        case GDK_KEY_0:
        case GDK_KEY_KP_0:
          _pl_timeline_view_zoom_at (self, 1.0, centre);
          return TRUE;
        default:
          return FALSE;
        }
    }
  if (n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      selected = selected < 0 ? 0 : MIN (selected + 1, (int) n - 1);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      selected = selected < 0 ? (int) n - 1 : MAX (selected - 1, 0);
      break;
    case GDK_KEY_Home:
      selected = 0;
      break;
    case GDK_KEY_End:
      selected = (int) n - 1;
      break;
    case GDK_KEY_Escape:
      pl_timeline_view_set_selected (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
  pl_timeline_view_set_selected (self, selected);
  pl_timeline_view_scroll_to_arrow (self, (guint) selected);
  return TRUE;
}

/* Markup: the label comes from the wire, so every piece is escaped. */
static char *
arrow_tooltip (PlTimelineView *self,
               guint           index)
{
  const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (self->model, index);
  g_autofree char *sent = pl_timeline_format_time (arrow->t_send);
  g_autofree char *ended = pl_timeline_format_time (arrow->t_end);
  g_autofree char *head = NULL;
  g_autofree char *body = NULL;
  const char *outcome = "arrived";

  if (arrow->flags & PL_TIMELINE_ARROW_DROPPED)
    outcome = "dropped";
  else if (arrow->flags & PL_TIMELINE_ARROW_MALFORMED)
    outcome = "arrived malformed";
  else if (arrow->flags & PL_TIMELINE_ARROW_PENDING)
    outcome = "in flight at";
  head = g_markup_printf_escaped ("<b>%" G_GUINT64_FORMAT " %s</b>%s%s%s", arrow->hop,
                                  arrow->label, arrow->step ? " (step " : "",
                                  arrow->step ? arrow->step : "", arrow->step ? ")" : "");
  body = g_markup_printf_escaped ("%s → %s (%s)\nsent %s, %s %s (%.3f ms)%s%s",
                                  pl_timeline_model_get_lane (self->model, arrow->from)->id,
                                  pl_timeline_model_get_lane (self->model, arrow->to)->id,
                                  arrow->proto, sent, outcome, ended,
                                  (arrow->t_end - arrow->t_send) / 1000.0,
                                  arrow->flags & PL_TIMELINE_ARROW_RETRANSMISSION
                                  ? "\nretransmission" : "",
                                  arrow->flags & PL_TIMELINE_ARROW_DUPLICATE
                                  ? "\ncopy made by a duplicate rule" : "");
  return g_strconcat (head, "\n", body, NULL);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  PlTimelineView *self = PL_TIMELINE_VIEW (widget);
  g_autofree char *markup = NULL;
  int index;

  if (self->model == NULL)
    return FALSE;
  if (keyboard && self->view.selected >= 0)
    markup = arrow_tooltip (self, (guint) self->view.selected);
  else if (y < pl_timeline_render_header_height ())
    {
      int lane = pl_timeline_render_lane_at (self->model, &self->view, x, NULL);
      const PlTimelineLane *info;

      if (lane < 0)
        return FALSE;
      info = pl_timeline_model_get_lane (self->model, (guint) lane);
      markup = g_markup_printf_escaped ("<b>%s</b>\n%s\n%s", info->id, info->host,
                                        info->kind ? info->kind : "node");
    }
  else if ((index = pl_timeline_render_hit_arrow (self->model, &self->view, x, y)) >= 0)
    markup = arrow_tooltip (self, (guint) index);
  else if ((index = pl_timeline_render_hit_mark (self->model, &self->view, x, y)) >= 0)
    {
      const PlTimelineMark *mark = pl_timeline_model_get_mark (self->model, (guint) index);
      g_autofree char *t = pl_timeline_format_time (mark->t);

      markup = g_markup_printf_escaped ("<b>%s</b>\n%s (%s), %s", mark->name,
                                        pl_timeline_model_get_lane (self->model, mark->lane)->id,
                                        pl_event_kind_to_string (mark->kind), t);
    }
  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

void
_pl_timeline_view_add_controllers (PlTimelineView *self)
{
  GtkGesture *click, *drag, *pinch;
  GtkEventController *scroll, *motion, *key;

  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}
