/* test-dispose.c: a simulation is disposable at any point of a run.
 *
 * The studio restarts and re-runs scenarios all the time (step back is a
 * restart and a re-run to a point), so every bundled scenario is loaded,
 * started, stepped to several points of its run and dropped there: the
 * scenario, its sim and every node must go away. Under AddressSanitizer +
 * LeakSanitizer (`./dev.sh sanitize`) this also shows what a half-done run
 * leaks or touches after it is freed: transactions, dialogs, forks,
 * subscriptions, MSRP sessions, HTTP fetches and timers' data.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-held.h"
#include "pl-models.h"
#include "pl-node.h"
#include "pl-scenario.h"

static char *
scenario_path (const char *name)
{
  const char *dir = g_getenv ("PUSHLAB_SCENARIODIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static PlScenario *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  PlScenario *scenario = pl_scenario_load (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  return scenario;
}

/* Drops @scenario (the only reference) and checks that the scenario, its
 * sim and every node of it were finalized: nothing keeps a node alive
 * through a reference cycle (a pending transaction, a timer's data). */
static void
drop (PlScenario *scenario)
{
  PlSim *sim = pl_scenario_get_sim (scenario);
  guint n_nodes = pl_sim_get_n_nodes (sim);
  g_autofree gpointer *nodes = g_new0 (gpointer, n_nodes + 1);
  gpointer weak_scenario = scenario;
  gpointer weak_sim = sim;

  g_object_add_weak_pointer (G_OBJECT (scenario), &weak_scenario);
  g_object_add_weak_pointer (G_OBJECT (sim), &weak_sim);
  for (guint i = 0; i < n_nodes; i++)
    {
      nodes[i] = pl_sim_get_node (sim, i);
      g_object_add_weak_pointer (G_OBJECT (nodes[i]), &nodes[i]);
    }

  g_object_unref (scenario);

  g_assert_null (weak_scenario);
  g_assert_null (weak_sim);
  for (guint i = 0; i < n_nodes; i++)
    if (nodes[i] != NULL)
      g_error ("node %u (%s) outlived its sim", i, pl_node_get_id (nodes[i]));
}

/* Events of a full run, as the studio's fast run dispatches them; the
 * finished run is dropped too. */
static guint64
count_events (const char *path)
{
  PlScenario *scenario = load (path);
  PlScheduler *scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (scenario));
  guint64 n = 0;

  pl_scenario_start (scenario);
  while (pl_scheduler_step (scheduler))
    n++;
  g_assert_cmpuint (pl_scheduler_get_n_dispatched (scheduler), ==, n);
  drop (scenario);
  return n;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_dispose (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = scenario_path (name);
  guint64 total;

  g_test_summary ("A scenario loaded and dropped, or started, stepped to each point of its "
                  "run (after 0, 1, 2, ... events, up to one before the last) and dropped "
                  "there, frees its sim and every node");

  /* Loaded, never started. */
  drop (load (path));

  total = count_events (path);
  g_assert_cmpuint (total, >, 0);

  /* Every point: a run is short (a few hundred events at most), and the
   * one event after which something is pending that a dispose forgets
   * is easily missed by a sample. */
  for (guint64 k = 0; k < total; k++)
    {
      PlScenario *scenario = load (path);
      PlScheduler *scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (scenario));

      g_test_message ("%s: dropped after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " events",
                      name, k, total);
      pl_scenario_start (scenario);
      for (guint64 n = 0; n < k; n++)
        g_assert_true (pl_scheduler_step (scheduler));
      g_assert_cmpuint (pl_scheduler_get_n_dispatched (scheduler), ==, k);
      drop (scenario);
    }
}

static void
on_hold (PlSim    *sim,
         PlHeld   *held,
         gpointer  user_data)
{
  /* Kept held, as a studio paused at a breakpoint keeps it. */
  (*(guint *) user_data)++;
}

static void
test_dispose_held (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = scenario_path (name);
  PlScenario *scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlScheduler *scheduler = pl_sim_get_scheduler (sim);
  guint n_held = 0;

  g_test_summary ("A scenario whose every delivery a breakpoint holds, run as far as it "
                  "goes and dropped with its messages held, frees its sim and every node");

  pl_sim_add_rule (sim, pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_HOLD));
  pl_sim_set_hold_func (sim, on_hold, &n_held, NULL);
  pl_scenario_start (scenario);
  while (pl_scheduler_step (scheduler))
    ;
  /* Retransmissions and timeouts ran; nothing was delivered. */
  g_assert_cmpuint (n_held, >, 0);
  g_assert_cmpuint (pl_sim_get_n_held (sim), ==, n_held);
  drop (scenario);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const char *name;

  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  dir = g_dir_open (g_getenv ("PUSHLAB_SCENARIODIR"), 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".xml"))
      g_ptr_array_add (names, g_strdup (name));
  /* Directory order is the file system's: sort for a stable test order. */
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/pl/dispose/%.*s", (int) (strlen (file) - 4),
                                                    file);

      g_autofree char *held_path = g_strdup_printf ("/pl/dispose-held/%.*s",
                                                    (int) (strlen (file) - 4), file);

      g_test_add_data_func (test_path, file, test_dispose);
      g_test_add_data_func (held_path, file, test_dispose_held);
    }
  return g_test_run ();
}
