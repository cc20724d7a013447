/* test-studio.c: the studio window under a display (xvfb-run): open A.2,
 * run it, check the timeline, the inspector, the node panel, a
 * breakpoint that alters a message, quick actions, compare and saving.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtk/gtk.h>

#include "pl-models.h"
#include "pl-node.h"
#include "pl-studio-alter.h"
#include "pl-studio-compare.h"
#include "pl-studio-inspector.h"
#include "pl-studio-nodes.h"
#include "pl-studio-picker.h"
#include "pl-studio-report.h"
#include "pl-studio-settings.h"
#include "pl-studio-window.h"

static char *
scenario_path (const char *name)
{
  return g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), name, NULL);
}

static void
copy_dir (const char *from,
          const char *to)
{
  g_autoptr (GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        continue;
      g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (dst, contents, (gssize) len, NULL));
    }
}

/* A scratch copy of the tree's layout under the test's own temporary
 * home: DIR/scenarios/@name, with the HSS profiles and contents the
 * scenarios name by relative path copied to DIR/data (copies, not a
 * link: the temporary home is removed recursively). */
static char *
saved_path (const char *name)
{
  g_autofree char *root = g_build_filename (g_get_home_dir (), "tree", NULL);
  g_autofree char *scenarios = g_build_filename (root, "scenarios", NULL);
  static const char *const dirs[] = { "hss", "content", "uaprof" };

  g_assert_cmpint (g_mkdir_with_parents (scenarios, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *real = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), "..", "data",
                                                dirs[i], NULL);
      g_autofree char *copy = g_build_filename (root, "data", dirs[i], NULL);

      copy_dir (real, copy);
    }
  return g_build_filename (scenarios, name, NULL);
}

static void
wait_until_not_playing (PlPlayer *player)
{
  while (pl_player_get_state (player) == PL_PLAYER_PLAYING)
    g_main_context_iteration (NULL, TRUE);
}

static void
run_to_end (PlStudioWindow *window)
{
  PlPlayer *player = pl_studio_window_get_player (window);

  g_action_group_activate_action (G_ACTION_GROUP (window), "run-to-end", NULL);
  wait_until_not_playing (player);
}

static PlStudioWindow *
open_window (const char *name)
{
  g_autofree char *path = scenario_path (name);
  g_autoptr (GError) error = NULL;
  PlStudioWindow *window = pl_studio_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (pl_studio_window_open (window, path, &error));
  g_assert_no_error (error);
  return window;
}

/* The arrow of @model with @label from @from to @to (node ids), or -1. */
static int
find_arrow (PlTimelineModel *model,
            const char      *label,
            const char      *from,
            const char      *to)
{
  for (guint i = 0; i < pl_timeline_model_get_n_arrows (model); i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);

      if (g_str_equal (arrow->label, label)
          && g_str_equal (pl_timeline_model_get_lane (model, arrow->from)->id, from)
          && g_str_equal (pl_timeline_model_get_lane (model, arrow->to)->id, to))
        return (int) i;
    }
  return -1;
}

static void
test_open_and_run (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  PlPlayer *player = pl_studio_window_get_player (window);
  PlTimelineModel *model;
  static const char *const lanes[] = { "ue", "pcscf", "scscf", "hss", "psa" };
  /* A.2 (Figure 3): registration, third-party REGISTER, the push. */
  static const char *const labels[] = {
    "REGISTER", "REGISTER", "200 OK", "REGISTER", "200 OK", "200 OK",
    "MESSAGE", "MESSAGE", "MESSAGE", "200 OK", "200 OK", "200 OK",
  };
  g_autoptr (PlReport) report = NULL;
  g_autofree char *status = NULL;

  g_test_summary ("A.2 opened in the window runs to its end: lanes in the figure's order, "
                  "arrows labelled in order, the clock at the end, expectations hold");

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   pl_scenario_get_name (pl_player_get_scenario (player)));
  run_to_end (window);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_FINISHED);

  model = pl_studio_window_get_model (window);
  g_assert_cmpuint (pl_timeline_model_get_n_lanes (model), ==, G_N_ELEMENTS (lanes));
  for (guint i = 0; i < G_N_ELEMENTS (lanes); i++)
    g_assert_cmpstr (pl_timeline_model_get_lane (model, i)->id, ==, lanes[i]);
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (model), ==, G_N_ELEMENTS (labels));
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);

      g_assert_cmpstr (arrow->label, ==, labels[i]);
      g_assert_cmpuint (arrow->hop, ==, i + 1);
    }
  /* The status line and the report page tell the same. */
  g_assert_nonnull (strstr (pl_studio_window_get_status (window), "finished"));
  report = pl_player_check (player);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  status = pl_studio_report_get_text (PL_STUDIO_REPORT (pl_studio_window_get_page (window,
                                                                                   "report")));
  g_assert_nonnull (strstr (status, "PASS"));
  g_assert_null (strstr (status, "FAIL"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_step_controls (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  PlPlayer *player = pl_studio_window_get_player (window);
  guint after_two;

  g_test_summary ("The Step and Step back actions move one step and back again, "
                  "by re-running the scenario");

  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  after_two = pl_player_get_n_messages (player);
  g_assert_cmpuint (after_two, >=, 2);
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (pl_studio_window_get_model (window)), ==,
                    after_two);
  g_action_group_activate_action (G_ACTION_GROUP (window), "step-back", NULL);
  g_assert_cmpuint (pl_player_get_n_messages (player), <, after_two);
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (pl_studio_window_get_model (window)), ==,
                    pl_player_get_n_messages (player));
  g_action_group_activate_action (G_ACTION_GROUP (window), "restart", NULL);
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_inspector (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  PlStudioInspector *inspector;
  PlTimelineModel *model;
  g_autofree char *delivered = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *node = NULL;
  int message;

  g_test_summary ("Selecting the pushed MESSAGE on its way to the S-CSCF shows it as "
                  "delivered, its step and spec text, its transaction, and its related "
                  "messages; the node panel shows the S-CSCF's iFC for it");

  run_to_end (window);
  model = pl_studio_window_get_model (window);
  message = find_arrow (model, "MESSAGE", "psa", "scscf");
  g_assert_cmpint (message, >=, 0);
  pl_studio_window_select_hop (window, pl_timeline_model_get_arrow (model, message)->hop);
  g_assert_cmpuint (pl_studio_window_get_selected_hop (window), ==,
                    pl_timeline_model_get_arrow (model, message)->hop);

  inspector = PL_STUDIO_INSPECTOR (pl_studio_window_get_page (window, "inspector"));
  delivered = pl_studio_inspector_get_text (inspector, "delivered");
  g_assert_true (g_str_has_prefix (delivered, "MESSAGE sip:john.doe@home1.net SIP/2.0"));
  g_assert_nonnull (strstr (delivered, "Accept-Contact:"));
  g_assert_nonnull (strstr (delivered, "Body (application/vnd.syncml.ds.notification"));
  summary = pl_studio_inspector_get_text (inspector, "summary");
  g_assert_nonnull (strstr (summary, "MESSAGE  psa → scscf"));
  g_assert_nonnull (strstr (summary, "Transaction z9hG4bK"));
  g_assert_nonnull (strstr (summary, "Step "));
  /* Its 200 OK (same transaction) and the copy it caused towards the UE. */
  g_assert_cmpuint (pl_studio_inspector_get_n_related (inspector), >=, 2);

  node = pl_studio_nodes_get_text (PL_STUDIO_NODES (pl_studio_window_get_page (window,
                                                                                "nodes")));
  g_assert_nonnull (strstr (node, "scscf"));
  g_assert_nonnull (strstr (node, "sip:john.doe@home1.net"));
  g_assert_nonnull (strstr (node, "ifc at"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_415 (const PlTraceEvent *event)
{
  return event->kind == PL_EVENT_SEND && g_strcmp0 (event->label, "415 Unsupported Media Type") == 0;
}

static void
test_breakpoint_edit (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  PlPlayer *player = pl_studio_window_get_player (window);
  PlStudioAlter *alter = PL_STUDIO_ALTER (pl_studio_window_get_page (window, "alter"));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GString) edited = NULL;
  PlTrace *trace;
  gboolean saw_415 = FALSE, saw_edit = FALSE;
  g_autofree char *saved = NULL;
  g_autoptr (PlScenario) replay = NULL;
  g_autoptr (PlReport) report = NULL;

  g_test_summary ("A breakpoint on the MESSAGE delivered to the UE holds it; its "
                  "Content-Type edited to text/plain makes the UE answer 415; the edit "
                  "is kept as rules, survives a re-run, and saved rules replay headless");

  g_assert_true (pl_studio_alter_add_breakpoint (alter, "ue", FALSE, "MESSAGE", NULL, NULL,
                                                 &error));
  g_assert_no_error (error);
  g_action_group_activate_action (G_ACTION_GROUP (window), "play", NULL);
  pl_player_set_speed (player, PL_PLAYER_SPEED_MAX);
  wait_until_not_playing (player);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_HOLDING);
  g_assert_nonnull (pl_player_get_held (player));

  text = pl_studio_alter_get_editor_text (alter);
  g_assert_true (g_str_has_prefix (text, "MESSAGE "));
  edited = g_string_new (text);
  g_assert_cmpint (g_string_replace (edited, "Content-Type: application/vnd.syncml.ds.notification",
                                     "Content-Type: text/plain", 1), ==, 1);
  pl_studio_alter_set_editor_text (alter, edited->str);
  g_assert_true (pl_studio_alter_release (alter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_PAUSED);
  run_to_end (window);

  trace = pl_player_get_trace (player);
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);
      const PlField *action = pl_trace_event_get_field (event, "action");

      saw_415 |= is_415 (event) && event->from == pl_node_get_index (pl_sim_find_node (
                                                   pl_player_get_sim (player), "ue"));
      saw_edit |= event->kind == PL_EVENT_RULE && action && g_str_equal (action->str, "edit");
    }
  g_assert_true (saw_edit);
  g_assert_true (saw_415);
  /* The breakpoint, then the set-header rule the edit became. */
  g_assert_cmpuint (pl_player_get_n_rules (player), >=, 2);

  /* A re-run replays the edit without stopping. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "restart", NULL);
  /* Past its end: seeking lets the breakpoint pass, the rules edit. */
  g_assert_false (pl_player_seek (player, 1000));
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_FINISHED);
  saw_415 = FALSE;
  trace = pl_player_get_trace (player);
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    saw_415 |= is_415 (pl_trace_get_event (trace, i));
  g_assert_true (saw_415);

  /* Saved into a copy of the scenario in a folder laid out like the
   * source tree (its relative paths still resolve), it replays headless. */
  saved = saved_path ("a2-altered.xml");
  g_assert_true (pl_studio_alter_save (alter, saved, &error));
  g_assert_no_error (error);
  report = pl_scenario_run_file (saved, NULL, &replay, &error);
  g_assert_no_error (error);
  saw_415 = FALSE;
  trace = pl_sim_get_trace (pl_scenario_get_sim (replay));
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    saw_415 |= is_415 (pl_trace_get_event (trace, i));
  g_assert_true (saw_415);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_quick_action_and_compare (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  PlPlayer *player = pl_studio_window_get_player (window);
  PlStudioAlter *alter = PL_STUDIO_ALTER (pl_studio_window_get_page (window, "alter"));
  g_autoptr (GError) error = NULL;
  PlTimelineModel *model;
  PlStudioCompare *compare;
  const PlComparison *comparison;
  int message;

  g_test_summary ("'Answer with 486' on the UE's MESSAGE re-runs the scenario with it; "
                  "the comparison with the original run marks the first divergence");

  run_to_end (window);
  model = pl_studio_window_get_model (window);
  message = find_arrow (model, "MESSAGE", "pcscf", "ue");
  g_assert_cmpint (message, >=, 0);
  g_assert_true (pl_studio_alter_quick_action (alter, model, (guint) message, "answer", 486,
                                               &error));
  g_assert_no_error (error);
  wait_until_not_playing (player);
  model = pl_studio_window_get_model (window);
  g_assert_cmpint (find_arrow (model, "486 Busy Here", "ue", "pcscf"), >=, 0);

  compare = pl_studio_compare_with_original (GTK_WINDOW (window), player);
  g_assert_nonnull (compare);
  comparison = pl_studio_compare_get_comparison (compare);
  g_assert_false (comparison->identical);
  g_assert_cmpint (pl_studio_compare_get_marker (compare, FALSE), >=, 0);
  g_assert_cmpint (pl_studio_compare_get_marker (compare, TRUE), >=, 0);
  g_assert_nonnull (strstr (pl_studio_compare_get_summary (compare), "First divergence"));
  gtk_window_destroy (GTK_WINDOW (compare));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_compare_golden (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  g_autofree char *golden = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), "..", "data",
                                              "golden", "a2-message.jsonl", NULL);
  g_autoptr (GError) error = NULL;
  PlStudioCompare *compare;

  g_test_summary ("The unaltered A.2 run is identical to its golden trace");

  compare = pl_studio_compare_with_golden (GTK_WINDOW (window),
                                           pl_studio_window_get_player (window), golden, &error);
  g_assert_no_error (error);
  g_assert_true (pl_studio_compare_get_comparison (compare)->identical);
  g_assert_cmpint (pl_studio_compare_get_marker (compare, TRUE), ==, -1);
  gtk_window_destroy (GTK_WINDOW (compare));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_chosen (PlStudioPicker *picker,
           const char     *path,
           char          **out)
{
  *out = g_strdup (path);
}

static void
test_picker (void)
{
  PlStudioPicker *picker = pl_studio_picker_new (NULL, NULL);
  g_autofree char *chosen = NULL;
  guint n_all;

  g_test_summary ("The picker lists every bundled scenario by title; the search narrows "
                  "it; choosing one gives its path");

  n_all = pl_studio_picker_get_n_items (picker);
  g_assert_cmpuint (n_all, >=, 40);
  pl_studio_picker_set_search (picker, "subscribe");
  g_assert_cmpuint (pl_studio_picker_get_n_items (picker), <, n_all);
  g_assert_cmpuint (pl_studio_picker_get_n_items (picker), >=, 1);
  pl_studio_picker_set_search (picker, "A.3");
  g_assert_cmpuint (pl_studio_picker_get_n_items (picker), >=, 1);
  g_assert_nonnull (strstr (pl_studio_picker_get_title (picker, 0), "A.3"));
  g_signal_connect (picker, "chosen", G_CALLBACK (on_chosen), &chosen);
  pl_studio_picker_choose (picker, 0);
  g_assert_nonnull (chosen);
  g_assert_true (g_str_has_suffix (chosen, ".xml"));
}

static void
test_bad_file_keeps_run (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), "..", "tests",
                                           "bad", "unknown-kind.xml", NULL);

  g_test_summary ("Opening a malformed scenario shows its file:line error and keeps the "
                  "run already open");

  g_action_group_activate_action (G_ACTION_GROUP (window), "step", NULL);
  g_assert_false (pl_studio_window_open (window, bad, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (pl_studio_window_get_status (window), "unknown-kind.xml:"));
  g_assert_cmpuint (pl_player_get_n_messages (pl_studio_window_get_player (window)), >=, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_style_and_help (void)
{
  PlStudioWindow *window = open_window ("a2-message.xml");
  g_autoptr (GVariant) state = NULL;
  g_autoptr (PlStudioSettings) settings = NULL;
  GtkSettings *gtk_settings = gtk_widget_get_settings (GTK_WIDGET (window));
  gboolean dark = FALSE;

  g_test_summary ("The dark style follows its action and is remembered; the help "
                  "overlay lists the shortcuts");

  g_action_group_activate_action (G_ACTION_GROUP (window), "dark", NULL);
  state = g_action_group_get_action_state (G_ACTION_GROUP (window), "dark");
  g_assert_true (g_variant_get_boolean (state));
  g_object_get (gtk_settings, "gtk-application-prefer-dark-theme", &dark, NULL);
  g_assert_true (dark);
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));

  gtk_window_close (GTK_WINDOW (window));
  settings = pl_studio_settings_load ();
  g_assert_true (settings->dark);
  /* Back to light for the tests after this one. */
  g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
}

static void
test_settings_remembered (void)
{
  PlStudioWindow *window = open_window ("a3-subscribe-notify.xml");
  g_autoptr (PlStudioSettings) settings = NULL;

  g_test_summary ("Closing the window remembers its size and the last scenario");

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_close (GTK_WINDOW (window));
  settings = pl_studio_settings_load ();
  g_assert_nonnull (settings->last_scenario);
  g_assert_true (g_str_has_suffix (settings->last_scenario, "a3-subscribe-notify.xml"));
  g_assert_cmpint (settings->width, ==, 900);
  g_assert_cmpint (settings->height, ==, 700);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();
  pl_models_register ();

  g_test_add_func ("/pl/studio/open-and-run", test_open_and_run);
  g_test_add_func ("/pl/studio/step-controls", test_step_controls);
  g_test_add_func ("/pl/studio/inspector", test_inspector);
  g_test_add_func ("/pl/studio/breakpoint-edit", test_breakpoint_edit);
  g_test_add_func ("/pl/studio/quick-action-compare", test_quick_action_and_compare);
  g_test_add_func ("/pl/studio/compare-golden", test_compare_golden);
  g_test_add_func ("/pl/studio/picker", test_picker);
  g_test_add_func ("/pl/studio/bad-file", test_bad_file_keeps_run);
  g_test_add_func ("/pl/studio/settings", test_settings_remembered);
  g_test_add_func ("/pl/studio/style-and-help", test_style_and_help);

  return g_test_run ();
}
