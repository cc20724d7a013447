/* pl-studio-compare.c: two runs side by side.
 *
 * The engine is deterministic, so "re-run with the changes" is a second
 * run of the same file with the studio's rules added; sim/pl-compare.c
 * finds the first divergence and aligns the messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-config.h"

#include "pl-studio-compare.h"

#include "pl-studio-file.h"

struct _PlStudioCompare {
  GtkWindow parent_instance;

  PlComparison *comparison;
  PlScenario *scenario_a;  /* NULL for a golden trace */
  PlScenario *scenario_b;
  PlTimelineModel *model_a;
  PlTimelineModel *model_b;
  int marker_a;
  int marker_b;
  char *summary;
};

G_DEFINE_FINAL_TYPE (PlStudioCompare, pl_studio_compare, GTK_TYPE_WINDOW)

static void
pl_studio_compare_dispose (GObject *object)
{
  PlStudioCompare *self = PL_STUDIO_COMPARE (object);

  g_clear_object (&self->model_a);
  g_clear_object (&self->model_b);
  g_clear_object (&self->scenario_a);
  g_clear_object (&self->scenario_b);
  g_clear_pointer (&self->comparison, pl_comparison_free);
  G_OBJECT_CLASS (pl_studio_compare_parent_class)->dispose (object);
}

static void
pl_studio_compare_finalize (GObject *object)
{
  PlStudioCompare *self = PL_STUDIO_COMPARE (object);

  g_free (self->summary);
  G_OBJECT_CLASS (pl_studio_compare_parent_class)->finalize (object);
}

static void
pl_studio_compare_class_init (PlStudioCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_studio_compare_dispose;
  object_class->finalize = pl_studio_compare_finalize;
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0,
                                       "window.close", NULL);
}

static void
pl_studio_compare_init (PlStudioCompare *self)
{
  self->marker_a = -1;
  self->marker_b = -1;
  gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);
}

/* The arrow of trace event @event: its own transmission, or for a node
 * event the next message after it. */
static int
arrow_for_event (PlTimelineModel *model,
                 guint            event)
{
  guint n = pl_timeline_model_get_n_arrows (model);

  if (event == PL_INSPECT_NONE)
    return n ? (int) n - 1 : -1;
  for (guint i = 0; i < n; i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);

      if (arrow->send_event == event || arrow->end_event == event)
        return (int) i;
    }
  for (guint i = 0; i < n; i++)
    if (pl_timeline_model_get_arrow (model, i)->send_event > event)
      return (int) i;
  return n ? (int) n - 1 : -1;
}

static GtkWidget *
side_column (const char      *title,
             PlTimelineModel *model,
             int              marker)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = pl_timeline_view_new ();

  gtk_widget_add_css_class (label, "heading");
  pl_timeline_view_set_model (PL_TIMELINE_VIEW (view), model);
  pl_timeline_view_set_layout (PL_TIMELINE_VIEW (view), PL_TIMELINE_LAYOUT_COMPACT);
  pl_timeline_view_set_follow_live (PL_TIMELINE_VIEW (view), FALSE);
  pl_timeline_view_set_divergence (PL_TIMELINE_VIEW (view), marker);
  if (marker >= 0)
    {
      pl_timeline_view_set_selected (PL_TIMELINE_VIEW (view), marker);
      pl_timeline_view_scroll_to_arrow (PL_TIMELINE_VIEW (view), (guint) marker);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

static char *
describe (PlComparison *comparison,
          const char   *name_a,
          const char   *name_b)
{
  GString *text = g_string_new (NULL);

  if (comparison->identical)
    g_string_append_printf (text, "%s and %s are identical (%u events)", name_a, name_b,
                            comparison->n_a);
  else
    {
      g_autofree char *a = comparison->index_a != PL_INSPECT_NONE
                           ? pl_comparison_describe_event (comparison, FALSE, comparison->index_a)
                           : g_strdup ("(ended)");
      g_autofree char *b = comparison->index_b != PL_INSPECT_NONE
                           ? pl_comparison_describe_event (comparison, TRUE, comparison->index_b)
                           : g_strdup ("(ended)");
      g_autofree char *what = pl_compare_what_to_string (comparison->what);

      g_string_append_printf (text, "First divergence (%s):\n  %s: %s\n  %s: %s", what, name_a,
                              a, name_b, b);
      if (comparison->description)
        g_string_append_printf (text, "\n%s", comparison->description);
      if (comparison->wire_line)
        g_string_append_printf (text, "\nline %u of the message:\n  %s: %s\n  %s: %s",
                                comparison->wire_line, name_a,
                                comparison->wire_line_a ? comparison->wire_line_a : "(none)",
                                name_b, comparison->wire_line_b ? comparison->wire_line_b : "(none)");
    }
  if (comparison->timing_differs && comparison->timing_note)
    g_string_append_printf (text, "\nTiming: %s", comparison->timing_note);
  return g_string_free (text, FALSE);
}

static void
build (PlStudioCompare *self,
       const char      *title_a,
       const char      *title_b)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *summary = gtk_label_new (self->summary);
  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_selectable (GTK_LABEL (summary), TRUE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  gtk_widget_set_vexpand (sides, TRUE);
  if (self->model_a)
    gtk_box_append (GTK_BOX (sides), side_column (title_a, self->model_a, self->marker_a));
  gtk_box_append (GTK_BOX (sides), side_column (title_b, self->model_b, self->marker_b));
  gtk_box_append (GTK_BOX (box), summary);
  gtk_box_append (GTK_BOX (box), sides);
  gtk_window_set_child (GTK_WINDOW (self), box);
}

PlStudioCompare *
pl_studio_compare_with_original (GtkWindow *parent,
                                 PlPlayer  *player)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) original = NULL;
  g_autoptr (PlScenario) altered = NULL;
  PlStudioCompare *self;
  g_autofree char *title = NULL;

  original = pl_player_run_copy (player, FALSE, &error);
  if (original)
    altered = pl_player_run_copy (player, TRUE, &error);
  if (altered == NULL)
    {
      g_warning ("%s", error->message);
      return NULL;
    }

  self = g_object_new (PL_TYPE_STUDIO_COMPARE, "transient-for", parent, NULL);
  self->scenario_a = g_steal_pointer (&original);
  self->scenario_b = g_steal_pointer (&altered);
  self->model_a = pl_timeline_model_new_for_sim (pl_scenario_get_sim (self->scenario_a));
  self->model_b = pl_timeline_model_new_for_sim (pl_scenario_get_sim (self->scenario_b));
  self->comparison = pl_compare_traces (pl_sim_get_trace (pl_scenario_get_sim (self->scenario_a)),
                                        pl_sim_get_trace (pl_scenario_get_sim (self->scenario_b)));
  if (!self->comparison->identical)
    {
      self->marker_a = arrow_for_event (self->model_a, self->comparison->index_a);
      self->marker_b = arrow_for_event (self->model_b, self->comparison->index_b);
    }
  self->summary = describe (self->comparison, "original", "altered");
  title = g_strdup_printf ("Compare — %s", pl_scenario_get_name (self->scenario_a));
  gtk_window_set_title (GTK_WINDOW (self), title);
  build (self, "Original run (the scenario as written)",
         pl_player_get_n_rules (player) ? "Altered run (with the studio's rules)"
                                        : "Re-run (no rules added: identical)");
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

PlStudioCompare *
pl_studio_compare_with_golden (GtkWindow   *parent,
                               PlPlayer    *player,
                               const char  *golden_path,
                               GError     **error)
{
  g_autoptr (PlScenario) run = NULL;
  g_autoptr (GBytes) golden = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *title = NULL;
  g_autofree char *base = NULL;
  PlComparison *comparison;
  PlStudioCompare *self;
  gsize len;

  if (!g_file_get_contents (golden_path, &contents, &len, error))
    return NULL;
  golden = g_bytes_new_take (g_steal_pointer (&contents), len);
  run = pl_player_run_copy (player, TRUE, error);
  if (run == NULL)
    return NULL;
  comparison = pl_compare_golden (golden, pl_sim_get_trace (pl_scenario_get_sim (run)), error);
  if (comparison == NULL)
    return NULL;

  self = g_object_new (PL_TYPE_STUDIO_COMPARE, "transient-for", parent, NULL);
  self->comparison = comparison;
  self->scenario_b = g_steal_pointer (&run);
  self->model_b = pl_timeline_model_new_for_sim (pl_scenario_get_sim (self->scenario_b));
  if (!comparison->identical)
    self->marker_b = arrow_for_event (self->model_b, comparison->index_b);
  base = g_path_get_basename (golden_path);
  self->summary = describe (comparison, base, "this run");
  title = g_strdup_printf ("Compare with %s", base);
  gtk_window_set_title (GTK_WINDOW (self), title);
  build (self, NULL, "This run, the first divergence from the golden trace marked");
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

typedef struct {
  GtkWindow *parent;   /* a reference */
  PlPlayer *player;    /* a reference */
} GoldenRequest;

static void
golden_request_free (gpointer data)
{
  GoldenRequest *request = data;

  g_object_unref (request->parent);
  g_object_unref (request->player);
  g_free (request);
}

static void
on_golden_chosen (const char *path,
                  gpointer    user_data)
{
  GoldenRequest *request = user_data;
  g_autoptr (GError) error = NULL;
  GtkWidget *message;

  if (pl_studio_compare_with_golden (request->parent, request->player, path, &error))
    return;
  message = gtk_message_dialog_new (request->parent, GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR,
                                    GTK_BUTTONS_CLOSE, "%s", error->message);
  g_signal_connect (message, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (message));
}

void
pl_studio_compare_golden_dialog (GtkWindow *parent,
                                 PlPlayer  *player)
{
  g_autofree char *golden_dir = g_build_filename (PL_SOURCE_DATADIR, "golden", NULL);
  GoldenRequest *request = g_new0 (GoldenRequest, 1);
  PlStudioFileRequest file = {
    .title = "Compare with a Golden Trace", .accept = "_Compare",
    .filter_name = "JSON Lines traces", .pattern = "*.jsonl", .folder = golden_dir,
  };

  request->parent = g_object_ref (parent);
  request->player = g_object_ref (player);
  pl_studio_choose_file (parent, &file, on_golden_chosen, request, golden_request_free);
}

const PlComparison *
pl_studio_compare_get_comparison (PlStudioCompare *self)
{
  return self->comparison;
}

int
pl_studio_compare_get_marker (PlStudioCompare *self,
                              gboolean         side_b)
{
  return side_b ? self->marker_b : self->marker_a;
}

const char *
pl_studio_compare_get_summary (PlStudioCompare *self)
{
  return self->summary;
}
