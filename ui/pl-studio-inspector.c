/* pl-studio-inspector.c: the inspector page.
 *
 * What it shows comes from sim/pl-inspect.h (the transmission's send and
 * delivery, header spans, the line diff, related messages); this file
 * only lays it out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-inspector.h"

#include "pl-inspect.h"
#include "pl-studio-text.h"

struct _PlStudioInspector {
  GtkBox parent_instance;

  GtkWidget *summary;      /* title, step, spec text, keys */
  GtkStack *stack;
  GtkWidget *delivered;
  GtkWidget *sent;
  GtkWidget *diff;
  GtkListBox *related_list;
  GtkWidget *related_label;

  PlTraceIndex *index;     /* of the trace shown; rebuilt for a new trace */
  GArray *related_arrows;  /* guint: arrow index of each row of related_list */
};

enum {
  SIGNAL_RELATED_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PlStudioInspector, pl_studio_inspector, GTK_TYPE_BOX)

static void
on_row_activated (PlStudioInspector *self,
                  GtkListBoxRow     *row)
{
  int position = gtk_list_box_row_get_index (row);

  if (position >= 0 && (guint) position < self->related_arrows->len)
    g_signal_emit (self, signals[SIGNAL_RELATED_ACTIVATED], 0,
                   g_array_index (self->related_arrows, guint, position));
}

static void
pl_studio_inspector_dispose (GObject *object)
{
  PlStudioInspector *self = PL_STUDIO_INSPECTOR (object);

  g_clear_pointer (&self->index, pl_trace_index_free);
  g_clear_pointer (&self->related_arrows, g_array_unref);
  G_OBJECT_CLASS (pl_studio_inspector_parent_class)->dispose (object);
}

static void
pl_studio_inspector_class_init (PlStudioInspectorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pl_studio_inspector_dispose;

  signals[SIGNAL_RELATED_ACTIVATED] =
    g_signal_new ("related-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static GtkWidget *
message_page (PlStudioInspector *self,
              const char        *name,
              const char        *title,
              const char        *accessible)
{
  GtkWidget *view = pl_studio_text_view_new (accessible);

  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_stack_add_titled (self->stack, view, name, title);
  return view;
}

static void
pl_studio_inspector_init (PlStudioInspector *self)
{
  GtkWidget *switcher;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 4);
  self->related_arrows = g_array_new (FALSE, FALSE, sizeof (guint));

  self->summary = pl_studio_text_view_new ("Selected message");
  gtk_widget_set_vexpand (self->summary, FALSE);
  gtk_box_append (GTK_BOX (self), self->summary);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  switcher = gtk_stack_switcher_new ();
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->stack);
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  self->delivered = message_page (self, "delivered", "As Delivered", "Message as delivered");
  self->sent = message_page (self, "sent", "As Sent", "Message as sent");
  self->diff = message_page (self, "diff", "Difference", "Difference between sent and delivered");
  gtk_box_append (GTK_BOX (self), switcher);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  self->related_label = gtk_label_new ("Related messages");
  gtk_widget_add_css_class (self->related_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->related_label), 0);
  gtk_widget_set_margin_start (self->related_label, 8);
  self->related_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->related_list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->related_list, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->related_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Related messages", -1);
  g_signal_connect_object (self->related_list, "row-activated", G_CALLBACK (on_row_activated),
                           self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self), self->related_label);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->related_list));

  pl_studio_inspector_clear (self);
}

PlStudioInspector *
pl_studio_inspector_new (void)
{
  return g_object_new (PL_TYPE_STUDIO_INSPECTOR, NULL);
}

static void
clear_related (PlStudioInspector *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->related_list))))
    gtk_list_box_remove (self->related_list, child);
  g_array_set_size (self->related_arrows, 0);
}

void
pl_studio_inspector_clear (PlStudioInspector *self)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (PL_IS_STUDIO_INSPECTOR (self));

  buffer = pl_studio_text_view_clear (self->summary);
  pl_studio_text_append (buffer, "Select an arrow of the timeline to see its message.", -1,
                         "dim", NULL);
  pl_studio_text_view_clear (self->delivered);
  pl_studio_text_view_clear (self->sent);
  pl_studio_text_view_clear (self->diff);
  clear_related (self);
}

/* The message text with its start line, header names and values tagged,
 * and the lines a rule changed marked; then the pretty-printed body. */
static void
show_message (GtkWidget           *page,
              const PlMessageView *view,
              const char          *missing)
{
  GtkTextBuffer *buffer = pl_studio_text_view_clear (page);
  const char *text;
  gsize pos = 0, head_end;

  if (view == NULL)
    {
      pl_studio_text_append (buffer, missing, -1, "dim", NULL);
      return;
    }
  text = view->text;
  head_end = view->body_start;

  if (view->start_line.end > view->start_line.start)
    {
      pl_studio_text_append (buffer, text + pos, (gssize) (view->start_line.start - pos), NULL,
                             NULL);
      pl_studio_text_append (buffer, text + view->start_line.start,
                             (gssize) (view->start_line.end - view->start_line.start),
                             "start", NULL);
      pos = view->start_line.end;
    }
  for (guint i = 0; i < view->headers->len; i++)
    {
      const PlHeaderSpan *h = &g_array_index (view->headers, PlHeaderSpan, i);
      const char *extra = h->changed ? "changed" : NULL;

      if (h->line_start < pos)
        continue;
      pl_studio_text_append (buffer, text + pos, (gssize) (h->line_start - pos), NULL, NULL);
      pl_studio_text_append (buffer, text + h->name_start, (gssize) (h->name_end - h->name_start),
                             "hname", extra, NULL);
      pl_studio_text_append (buffer, text + h->name_end, (gssize) (h->value_start - h->name_end),
                             extra, NULL);
      pl_studio_text_append (buffer, text + h->value_start,
                             (gssize) (h->value_end - h->value_start), "hvalue", extra, NULL);
      pl_studio_text_append (buffer, text + h->value_end, (gssize) (h->line_end - h->value_end),
                             extra, NULL);
      pos = h->line_end;
    }
  if (head_end > pos)
    pl_studio_text_append (buffer, text + pos, (gssize) (head_end - pos), NULL, NULL);

  if (view->start_line.problem)
    {
      g_autofree char *note = g_strdup_printf ("\nA real stack refuses it: %s\n",
                                               view->start_line.problem);
      pl_studio_text_append (buffer, note, -1, "changed", NULL);
    }
  if (view->body_kind == PL_BODY_NONE)
    return;

  {
    g_autofree char *title = g_strdup_printf ("\nBody (%s, %s)\n",
                                              view->content_type ? view->content_type : "no type",
                                              pl_body_kind_to_string (view->body_kind));
    pl_studio_text_append (buffer, title, -1, "heading", NULL);
  }
  if (view->body_note)
    {
      pl_studio_text_append (buffer, view->body_note, -1, "dim", NULL);
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
    }
  if (view->body)
    pl_studio_text_append (buffer, view->body, -1, NULL, NULL);
}

static void
show_diff (GtkWidget          *page,
           const PlInspection *inspection)
{
  GtkTextBuffer *buffer = pl_studio_text_view_clear (page);

  if (!inspection->altered)
    {
      pl_studio_text_append (buffer, inspection->delivered
                                       ? "The message arrived exactly as it was sent."
                                       : "Nothing arrived to compare with.",
                             -1, "dim", NULL);
      return;
    }
  for (guint i = 0; i < inspection->diff->len; i++)
    {
      const PlDiffLine *line = &g_array_index (inspection->diff, PlDiffLine, i);

      switch (line->op)
        {
        case PL_DIFF_SAME:
          pl_studio_text_append (buffer, "  ", -1, NULL, NULL);
          pl_studio_text_append (buffer, line->delivered, -1, NULL, NULL);
          break;
        case PL_DIFF_REMOVED:
          pl_studio_text_append (buffer, "- ", -1, "removed", NULL);
          pl_studio_text_append (buffer, line->sent, -1, "removed", NULL);
          break;
        case PL_DIFF_ADDED:
          pl_studio_text_append (buffer, "+ ", -1, "added", NULL);
          pl_studio_text_append (buffer, line->delivered, -1, "added", NULL);
          break;
        case PL_DIFF_CHANGED:
        default:
          pl_studio_text_append (buffer, "- ", -1, "removed", NULL);
          pl_studio_text_append (buffer, line->sent, -1, "removed", NULL);
          pl_studio_text_append (buffer, "\n+ ", -1, "added", NULL);
          pl_studio_text_append (buffer, line->delivered, -1, "added", NULL);
          break;
        }
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
    }
}

static const char *
node_id (PlTrace *trace,
         int      index)
{
  const char *id = index >= 0 ? pl_trace_get_node_id (trace, index) : NULL;

  return id ? id : "?";
}

static void
show_summary (PlStudioInspector  *self,
              PlPlayer           *player,
              PlTrace            *trace,
              const PlInspection *inspection)
{
  GtkTextBuffer *buffer = pl_studio_text_view_clear (self->summary);
  PlScenario *scenario = pl_player_get_scenario (player);
  const char *step = NULL, *note = NULL;
  g_autofree char *title = g_strdup_printf ("%" G_GUINT64_FORMAT " %s  %s → %s\n",
                                            inspection->hop, inspection->label
                                                             ? inspection->label : "",
                                            node_id (trace, inspection->from),
                                            node_id (trace, inspection->to));
  g_autofree char *times = NULL;
  g_autofree char *arrival = NULL;
  const PlTraceEvent *send = inspection->send_index != PL_INSPECT_NONE
                             ? pl_trace_get_event (trace, inspection->send_index) : NULL;
  const PlTraceEvent *end = inspection->end_index != PL_INSPECT_NONE
                            ? pl_trace_get_event (trace, inspection->end_index) : NULL;

  pl_studio_text_append (buffer, title, -1, "heading", NULL);
  if (end)
    arrival = g_strdup_printf (", %s %.6f s", pl_event_kind_to_string (end->kind),
                               end->t_us / 1e6);
  times = g_strdup_printf ("sent %.6f s%s over %s\n", send ? send->t_us / 1e6 : 0.0,
                           arrival ? arrival : ", in flight",
                           send ? pl_transport_to_string (send->transport) : "?");
  pl_studio_text_append (buffer, times, -1, "dim", NULL);

  if (scenario && send
      && pl_scenario_get_step_for_event (scenario, inspection->send_index, &step, &note))
    {
      g_autofree char *line = g_strdup_printf ("Step %s", step);

      pl_studio_text_append (buffer, line, -1, "key", NULL);
      if (note)
        {
          pl_studio_text_append (buffer, ": ", -1, NULL, NULL);
          pl_studio_text_append (buffer, note, -1, NULL, NULL);
        }
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
    }
  if (inspection->transaction_key)
    {
      pl_studio_text_append (buffer, "Transaction ", -1, "key", NULL);
      pl_studio_text_append (buffer, inspection->transaction_key, -1, NULL, NULL);
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
    }
  if (inspection->dialog_key)
    {
      pl_studio_text_append (buffer, "Dialog ", -1, "key", NULL);
      pl_studio_text_append (buffer, inspection->dialog_key, -1, NULL, NULL);
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
    }
  if (inspection->altered)
    pl_studio_text_append (buffer, "A rule altered it on the way: see Difference.\n", -1,
                           "changed", NULL);
  for (guint i = 0; inspection->node_events && i < inspection->node_events->len; i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace,
                                                      g_array_index (inspection->node_events,
                                                                     guint, i));
      const PlField *detail = pl_trace_event_get_field (event, "detail");
      g_autofree char *line = NULL;

      /* Transaction state changes are many and say little here. */
      if (g_str_equal (event->name, "transaction"))
        continue;
      line = g_strdup_printf ("→ %s at %s%s%s\n", event->name,
                                               node_id (trace, event->node),
                                               detail ? ": " : "",
                                               detail && detail->str ? detail->str : "");

      pl_studio_text_append (buffer, line, -1, "dim", NULL);
    }
}

static void
show_related (PlStudioInspector  *self,
              PlTimelineModel    *model,
              const PlInspection *inspection)
{
  clear_related (self);
  for (guint i = 0; i < inspection->related->len; i++)
    {
      const PlRelated *related = &g_array_index (inspection->related, PlRelated, i);
      const PlTimelineArrow *arrow;
      g_autofree char *why = pl_related_flags_to_string (related->why);
      g_autofree char *text = NULL;
      GtkWidget *label;
      guint index;

      arrow = pl_timeline_model_lookup_hop (model, related->hop, &index);
      if (arrow == NULL)
        continue;
      text = g_strdup_printf ("%" G_GUINT64_FORMAT " %s  (%s)", arrow->hop, arrow->label, why);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_tooltip_text (label, "Select this message");
      gtk_list_box_append (self->related_list, label);
      g_array_append_val (self->related_arrows, index);
    }
  gtk_widget_set_visible (self->related_label, self->related_arrows->len > 0);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

GArray *
pl_studio_inspector_show (PlStudioInspector *self,
                          PlPlayer          *player,
                          PlTimelineModel   *model,
                          guint              index)
{
  GArray *highlight = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (PlInspection) inspection = NULL;
  const PlTimelineArrow *arrow;
  PlTrace *trace;

  g_return_val_if_fail (PL_IS_STUDIO_INSPECTOR (self), highlight);

  trace = pl_timeline_model_get_trace (model);
  if (self->index == NULL || pl_trace_index_get_trace (self->index) != trace)
    {
      g_clear_pointer (&self->index, pl_trace_index_free);
      self->index = pl_trace_index_new (trace);
    }
  arrow = pl_timeline_model_get_arrow (model, index);
  inspection = arrow ? pl_trace_index_inspect (self->index, arrow->send_event) : NULL;
  if (inspection == NULL)
    {
      pl_studio_inspector_clear (self);
      return highlight;
    }

  show_summary (self, player, trace, inspection);
  show_message (self->delivered, inspection->delivered,
                inspection->end_kind == PL_EVENT_DROP && inspection->end_index != PL_INSPECT_NONE
                  ? "Dropped: it never arrived." : "Still on its way.");
  show_message (self->sent, inspection->sent, "The send is not in the trace.");
  show_diff (self->diff, inspection);
  gtk_stack_set_visible_child_name (self->stack, inspection->altered ? "diff" : "delivered");
  show_related (self, model, inspection);
  g_array_append_vals (highlight, self->related_arrows->data, self->related_arrows->len);
  g_array_sort (highlight, compare_uint);
  return highlight;
}

char *
pl_studio_inspector_get_text (PlStudioInspector *self,
                              const char        *page)
{
  GtkWidget *view = g_str_equal (page, "sent") ? self->sent
                    : g_str_equal (page, "diff") ? self->diff
                    : g_str_equal (page, "summary") ? self->summary
                    : self->delivered;

  return pl_studio_text_view_get_text (view);
}

guint
pl_studio_inspector_get_n_related (PlStudioInspector *self)
{
  return self->related_arrows->len;
}
