/* test-player.c: the studio's player: step, step back, seek, play, rules.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "pl-export.h"
#include "pl-models.h"
#include "pl-node.h"
#include "pl-player.h"
#include "pl-sim.h"

static char *
scenario_path (const char *name)
{
  return g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), name, NULL);
}

/* Every event of @trace as JSON Lines, from @first on: byte for byte what
 * a headless run would export. */
static GPtrArray *
trace_lines (PlTrace *trace)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    g_ptr_array_add (lines, pl_export_jsonl_line (trace, pl_trace_get_event (trace, i)));
  return lines;
}

/* The message events only (send and retransmit), as JSON Lines. */
static GPtrArray *
message_lines (PlTrace *trace)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      if (event->kind == PL_EVENT_SEND || event->kind == PL_EVENT_RETRANSMIT)
        g_ptr_array_add (lines, pl_export_jsonl_line (trace, event));
    }
  return lines;
}

static void
assert_same_lines (GPtrArray *a,
                   GPtrArray *b,
                   guint      n)
{
  g_assert_cmpuint (a->len, >=, n);
  g_assert_cmpuint (b->len, >=, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
run_until_finished (PlPlayer *player)
{
  while (pl_player_get_state (player) == PL_PLAYER_PLAYING)
    g_main_context_iteration (NULL, TRUE);
}

/* The headless reference: the same scenario run by pl_scenario_run_file. */
static GPtrArray *
reference_lines (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = NULL;
  g_autoptr (PlReport) report = pl_scenario_run_file (path, NULL, &scenario, &error);

  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  return trace_lines (pl_sim_get_trace (pl_scenario_get_sim (scenario)));
}

static void
test_step (void)
{
  g_autofree char *path = scenario_path ("a2-message.xml");
  g_autoptr (PlPlayer) player = pl_player_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reference = reference_lines (path);
  g_autoptr (GPtrArray) stepped = NULL;
  PlTime last = 0;
  guint n = 0;

  g_test_summary ("Stepping stops after each message, in time order, and a run "
                  "stepped to its end is the headless run, byte for byte");

  g_assert_true (pl_player_load (player, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_PAUSED);
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, 0);
  g_assert_cmpint (pl_player_get_time (player), ==, 0);

  while (pl_player_step (player))
    {
      g_assert_cmpuint (pl_player_get_n_messages (player), >, n);
      n = pl_player_get_n_messages (player);
      g_assert_cmpint (pl_player_get_time (player), >=, last);
      last = pl_player_get_time (player);
    }
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_FINISHED);
  g_assert_cmpuint (n, >=, 10);

  stepped = trace_lines (pl_player_get_trace (player));
  g_assert_cmpuint (stepped->len, ==, reference->len);
  assert_same_lines (stepped, reference, reference->len);
}

static void
test_step_back (void)
{
  g_autofree char *path = scenario_path ("a2-message.xml");
  g_autoptr (PlPlayer) player = pl_player_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) forward = NULL;
  guint counts[7] = { 0 };

  g_test_summary ("Stepping back re-runs the scenario and stops where the step "
                  "before stopped, with the same messages as before");

  g_assert_true (pl_player_load (player, path, &error));
  for (guint i = 1; i <= 6; i++)
    {
      g_assert_true (pl_player_step (player));
      counts[i] = pl_player_get_n_messages (player);
    }
  forward = message_lines (pl_player_get_trace (player));
  g_assert_cmpuint (forward->len, ==, counts[6]);

  for (guint i = 5; i >= 4; i--)
    {
      g_autoptr (GPtrArray) back = NULL;

      g_assert_true (pl_player_step_back (player));
      g_assert_cmpuint (pl_player_get_n_messages (player), ==, counts[i]);
      g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_PAUSED);
      back = message_lines (pl_player_get_trace (player));
      g_assert_cmpuint (back->len, ==, counts[i]);
      assert_same_lines (back, forward, counts[i]);
    }

  /* Seeking to a step's count lands on that step. */
  g_assert_true (pl_player_seek (player, counts[3]));
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, counts[3]);
  g_assert_true (pl_player_step (player));
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, counts[4]);

  pl_player_restart (player);
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, 0);
  g_assert_false (pl_player_step_back (player));
}

static void
test_play (gconstpointer data)
{
  double speed = *(const double *) data;
  g_autofree char *path = scenario_path ("a2-message.xml");
  g_autoptr (PlPlayer) player = pl_player_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reference = reference_lines (path);
  g_autoptr (GPtrArray) played = NULL;
  g_autoptr (PlReport) report = NULL;

  g_test_summary ("Playing at any speed gives the headless trace, and the "
                  "scenario's expectations hold");

  g_assert_true (pl_player_load (player, path, &error));
  pl_player_set_speed (player, speed);
  pl_player_play (player);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_PLAYING);
  run_until_finished (player);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_FINISHED);

  played = trace_lines (pl_player_get_trace (player));
  g_assert_cmpuint (played->len, ==, reference->len);
  assert_same_lines (played, reference, reference->len);
  report = pl_player_check (player);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
}

static void
test_pause (void)
{
  g_autofree char *path = scenario_path ("a2-message.xml");
  g_autoptr (PlPlayer) player = pl_player_new ();
  g_autoptr (GError) error = NULL;
  guint n;

  g_test_summary ("A paused run does not move, and resumes where it stopped");

  g_assert_true (pl_player_load (player, path, &error));
  pl_player_set_speed (player, PL_PLAYER_SPEED_MAX);
  g_assert_true (pl_player_step (player));
  pl_player_play (player);
  pl_player_pause (player);
  n = pl_player_get_n_messages (player);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, n);
  pl_player_run_to_end (player);
  run_until_finished (player);
  g_assert_cmpint (pl_player_get_state (player), ==, PL_PLAYER_FINISHED);
}

static void
test_rules_survive_rerun (void)
{
  g_autofree char *path = scenario_path ("a2-message.xml");
  g_autoptr (PlPlayer) player = pl_player_new ();
  g_autoptr (GError) error = NULL;
  PlRule *rule;
  PlTrace *trace;
  guint drops = 0;

  g_test_summary ("A rule the studio adds applies to the current run and to "
                  "every re-run after it, until removed");

  g_assert_true (pl_player_load (player, path, &error));
  rule = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_RESPOND);
  pl_rule_set_id (rule, "studio-415");
  pl_rule_set_method (rule, "MESSAGE");
  pl_rule_set_hop (rule, -1, pl_node_get_index (pl_sim_find_node (pl_player_get_sim (player),
                                                                  "ue")));
  pl_rule_set_response (rule, 415, NULL);
  pl_player_add_rule (player, rule);
  g_assert_cmpuint (pl_player_get_n_rules (player), ==, 1);

  for (guint round = 0; round < 2; round++)
    {
      pl_player_set_speed (player, PL_PLAYER_SPEED_MAX);
      pl_player_run_to_end (player);
      run_until_finished (player);
      trace = pl_player_get_trace (player);
      drops = 0;
      for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
        {
          const PlTraceEvent *event = pl_trace_get_event (trace, i);

          if (event->kind == PL_EVENT_SEND && g_strcmp0 (event->label, "415 Unsupported Media Type") == 0)
            drops++;
        }
      g_assert_cmpuint (drops, >=, 1);
      pl_player_restart (player);
    }

  pl_player_remove_rule (player, 0);
  pl_player_restart (player);
  pl_player_run_to_end (player);
  run_until_finished (player);
  trace = pl_player_get_trace (player);
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    g_assert_cmpint (pl_trace_get_event (trace, i)->kind, !=, PL_EVENT_RULE);
}

static void
test_bad_file (void)
{
  g_autofree char *path = scenario_path ("a2-message.xml");
  g_autoptr (PlPlayer) player = pl_player_new ();
  g_autoptr (GError) error = NULL;

  g_test_summary ("Opening a missing file fails with an error and keeps the "
                  "scenario already loaded");

  g_assert_true (pl_player_load (player, path, &error));
  g_assert_true (pl_player_step (player));
  g_assert_false (pl_player_load (player, "/nonexistent/scenario.xml", &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (pl_player_get_path (player), ==, path);
  g_assert_cmpuint (pl_player_get_n_messages (player), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  static const double max_speed = PL_PLAYER_SPEED_MAX;
  static const double fast_paced = 100000.0;

  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  g_test_add_func ("/pl/player/step", test_step);
  g_test_add_func ("/pl/player/step-back", test_step_back);
  g_test_add_data_func ("/pl/player/play/max-speed", &max_speed, test_play);
  g_test_add_data_func ("/pl/player/play/paced", &fast_paced, test_play);
  g_test_add_func ("/pl/player/pause", test_pause);
  g_test_add_func ("/pl/player/rules-survive-rerun", test_rules_survive_rerun);
  g_test_add_func ("/pl/player/bad-file", test_bad_file);

  return g_test_run ();
}
