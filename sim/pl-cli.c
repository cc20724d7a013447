/* pl-cli.c: the headless command line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-cli"

#include "pl-config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>

#include "pl-cli.h"
#include "pl-export.h"
#include "pl-node.h"
#include "pl-scenario.h"
#include "pl-state.h"

#define EXIT_FAILED 1
#define EXIT_BAD_INPUT 2

/* A long run shows progress on a terminal every this many events. */
#define PROGRESS_EVERY 65536

static const char usage_text[] =
  "Usage:\n"
  "  pushlab run FILE|DIR... [--ladder] [--json F] [--pcap F] [--junit F] [--seed N] [--quiet]\n"
  "  pushlab list [DIR]         bundled scenarios, one line each\n"
  "  pushlab validate FILE...   schema and semantic checks only\n"
  "  pushlab kinds              node kinds a scenario can use\n"
  "  pushlab state [--at TIME] [--node ID] FILE\n"
  "                             each node's state (bindings, subscriptions, pushes)\n"
  "                             at virtual time TIME (2.5s, 300ms; default: the end)\n"
  "  pushlab compare A.xml B.xml | --golden G.jsonl A.xml   first divergence of two runs\n"
  "  pushlab --help | --version\n"
  "\n"
  "Exit status: 0 every expectation held, 1 an expectation failed, 2 bad input.\n"
  "With several scenarios, --json and --pcap name a pattern: the scenario's file\n"
  "name is inserted before the extension (out.jsonl -> out-a1-registration.jsonl).\n";

char *
pl_cli_scenario_dir (void)
{
  const char *env = g_getenv ("PUSHLAB_SCENARIODIR");

  if (env && *env)
    return g_strdup (env);
  if (g_file_test (PL_SOURCE_SCENARIODIR, G_FILE_TEST_IS_DIR))
    return g_strdup (PL_SOURCE_SCENARIODIR);
  return g_build_filename (PL_DATADIR, "scenarios", NULL);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

GPtrArray *
pl_cli_list_dir (const char  *dir,
                 GError     **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) paths = NULL;
  const char *name;

  if (d == NULL)
    return NULL;
  paths = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".xml"))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  return g_steal_pointer (&paths);
}

static char *
output_name (const char *pattern,
             const char *scenario,
             gboolean    several)
{
  g_autofree char *base = NULL;
  const char *dot;

  if (!several)
    return g_strdup (pattern);
  base = g_path_get_basename (scenario);
  if (g_str_has_suffix (base, ".xml"))
    base[strlen (base) - 4] = '\0';
  dot = strrchr (pattern, '.');
  if (dot == NULL || strchr (dot, '/'))
    return g_strdup_printf ("%s-%s", pattern, base);
  return g_strdup_printf ("%.*s-%s%s", (int) (dot - pattern), pattern, base, dot);
}

typedef gboolean (*TraceWriter) (PlTrace *trace, GOutputStream *out, GError **error);

static gboolean
write_trace (const char  *path,
             TraceWriter  writer,
             PlTrace     *trace)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileOutputStream) stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE,
                                                         NULL, &error);
  g_autoptr (GOutputStream) buffered = NULL;

  if (stream == NULL)
    {
      g_printerr ("pushlab: %s: %s\n", path, error->message);
      return FALSE;
    }
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 1 << 16);
  if (!writer (trace, buffered, &error) || !g_output_stream_close (buffered, NULL, &error))
    {
      g_printerr ("pushlab: %s: %s\n", path, error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
format_seconds (PlTime t)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6f", (double) t / 1e6));
}

/* Runs one scenario like pl_scenario_run_file, with progress on a
 * terminal for long runs. */
static PlReport *
run_one (const char               *path,
         const PlScenarioOptions  *options,
         PlScenario              **out_scenario)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = pl_scenario_load (path, options, &error);
  gboolean progress = isatty (STDERR_FILENO);
  gint64 start = g_get_monotonic_time ();
  gint64 last_progress = start;
  PlScheduler *scheduler;
  PlReport *report;
  guint64 n = 0;

  if (scenario == NULL)
    {
      report = pl_report_new (NULL, path);
      report->verdict = PL_VERDICT_ERROR;
      report->error = g_strdup (error->message);
      return report;
    }

  pl_scenario_start (scenario);
  scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (scenario));
  while (pl_scheduler_step (scheduler))
    {
      if (progress && ++n % PROGRESS_EVERY == 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (now - last_progress > G_USEC_PER_SEC / 2)
            {
              g_autofree char *t = format_seconds (pl_scheduler_now (scheduler));
              g_printerr ("\r  %s: t=%ss, %" G_GUINT64_FORMAT " events", pl_scenario_get_name (scenario),
                          t, n);
              last_progress = now;
            }
        }
    }
  if (progress && last_progress != start)
    g_printerr ("\r\033[K");

  report = pl_scenario_check (scenario);
  report->wall_seconds = (double) (g_get_monotonic_time () - start) / 1e6;
  if (out_scenario)
    *out_scenario = g_steal_pointer (&scenario);
  return report;
}

static void
print_report (const PlReport *report)
{
  g_autofree char *duration = format_seconds (report->duration);
  g_autofree char *base = g_path_get_basename (report->file);

  if (report->verdict == PL_VERDICT_ERROR)
    {
      g_print ("ERROR %-32s bad input\n", base);
      g_printerr ("%s\n", report->error);
      return;
    }
  g_print ("%-5s %-32s %-40s %5u messages  %12ss virtual\n", pl_verdict_to_string (report->verdict),
           base, report->name ? report->name : "", report->n_messages, duration);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, i);

      if (!check->passed)
        g_print ("      FAILED %s\n             %s\n", check->name,
                 check->message ? check->message : "");
    }
}

static int
cmd_run (int    argc,
         char **argv)
{
  gboolean ladder = FALSE, quiet = FALSE;
  g_autofree char *json = NULL, *pcap = NULL, *junit = NULL;
  gint64 seed = -1;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "ladder", 0, 0, G_OPTION_ARG_NONE, &ladder, "Print each scenario's ladder", NULL },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write the trace as JSON Lines", "F" },
    { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &pcap, "Write the trace as pcapng", "F" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit, "Write a JUnit XML report", "F" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Override every scenario's seed", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print failures only", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE|DIR..." },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE|DIR... - run scenarios");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_report_free);
  PlScenarioOptions options = { seed >= 0, 0 };
  int status = 0;
  guint n_pass = 0, n_fail = 0, n_error = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pushlab run: %s\n%s", error->message, usage_text);
      return EXIT_BAD_INPUT;
    }
  if (files == NULL || files[0] == NULL)
    {
      g_printerr ("pushlab run: expected at least one scenario file or folder\n%s", usage_text);
      return EXIT_BAD_INPUT;
    }
  options.has_seed = seed >= 0;
  options.seed = (guint64) MAX (seed, 0);

  for (guint i = 0; files[i]; i++)
    {
      if (g_file_test (files[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GPtrArray) in_dir = pl_cli_list_dir (files[i], &error);

          if (in_dir == NULL)
            {
              g_printerr ("pushlab: %s: %s\n", files[i], error->message);
              return EXIT_BAD_INPUT;
            }
          for (guint j = 0; j < in_dir->len; j++)
            g_ptr_array_add (paths, g_strdup (g_ptr_array_index (in_dir, j)));
        }
      else
        g_ptr_array_add (paths, g_strdup (files[i]));
    }

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr (PlScenario) scenario = NULL;
      PlReport *report = run_one (path, &options, &scenario);
      gboolean several = paths->len > 1;

      g_ptr_array_add (reports, report);
      if (!quiet || report->verdict != PL_VERDICT_PASS)
        print_report (report);

      switch (report->verdict)
        {
        case PL_VERDICT_PASS:
          n_pass++;
          break;
        case PL_VERDICT_FAIL:
          n_fail++;
          status = MAX (status, EXIT_FAILED);
          break;
        case PL_VERDICT_ERROR:
        default:
          n_error++;
          status = EXIT_BAD_INPUT;
          break;
        }
      if (scenario == NULL)
        continue;

      {
        PlTrace *trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));

        if (ladder)
          {
            g_autoptr (GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

            fflush (stdout);
            if (!pl_export_ladder (trace, out, &error))
              {
                g_printerr ("pushlab: ladder: %s\n", error->message);
                g_clear_error (&error);
              }
            g_print ("\n");
          }
        if (json)
          {
            g_autofree char *name = output_name (json, path, several);
            if (!write_trace (name, pl_export_jsonl, trace))
              status = EXIT_BAD_INPUT;
          }
        if (pcap)
          {
            g_autofree char *name = output_name (pcap, path, several);
            if (!write_trace (name, pl_export_pcapng, trace))
              status = EXIT_BAD_INPUT;
          }
      }
    }

  if (junit)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (junit);
      g_autoptr (GFileOutputStream) stream = g_file_replace (file, NULL, FALSE,
                                                             G_FILE_CREATE_NONE, NULL, &error);

      if (stream == NULL || !pl_export_junit (reports, G_OUTPUT_STREAM (stream), &error)
          || !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error))
        {
          g_printerr ("pushlab: %s: %s\n", junit, error->message);
          status = EXIT_BAD_INPUT;
        }
    }

  if (paths->len > 1)
    g_print ("%u passed, %u failed, %u bad input\n", n_pass, n_fail, n_error);
  return status;
}

static int
cmd_validate (int    argc,
              char **argv)
{
  int status = 0;

  if (argc < 2)
    {
      g_printerr ("pushlab validate: expected a scenario file\n%s", usage_text);
      return EXIT_BAD_INPUT;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlScenario) scenario = pl_scenario_load (argv[i], NULL, &error);

      if (scenario == NULL)
        {
          g_printerr ("%s\n", error->message);
          status = EXIT_BAD_INPUT;
          continue;
        }
      g_print ("%s: valid (%u nodes, %u rules)\n", argv[i],
               pl_sim_get_n_nodes (pl_scenario_get_sim (scenario)),
               pl_sim_get_n_rules (pl_scenario_get_sim (scenario)));
    }
  return status;
}

static int
cmd_list (int    argc,
          char **argv)
{
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1]) : pl_cli_scenario_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) paths = pl_cli_list_dir (dir, &error);

  if (paths == NULL)
    {
      g_printerr ("pushlab: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *name = NULL, *description = NULL;
      g_autoptr (GError) local = NULL;

      if (!pl_scenario_peek (path, &name, &description, &local))
        {
          g_print ("%-32s (unreadable: %s)\n", base, local->message);
          continue;
        }
      if (description)
        {
          char *nl = strchr (description, '\n');
          if (nl)
            *nl = '\0';
        }
      g_print ("%-32s %s%s%s\n", base, name ? name : "", description ? " - " : "",
               description ? g_strstrip (description) : "");
    }
  return 0;
}

static void
on_state_time (gpointer user_data)
{
  /* Only brings the clock to the asked time. */
}

static void
print_node_state (PlNode *node)
{
  g_autoptr (PlState) state = pl_state_new ();
  g_autofree char *text = NULL;

  pl_node_describe (node, state);
  text = pl_state_to_text (state);
  g_print ("%s", text);
}

static int
cmd_state (int    argc,
           char **argv)
{
  g_autofree char *at = NULL, *node_id = NULL;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, "Virtual time to stop at (default: the end)", "TIME" },
    { "node", 0, 0, G_OPTION_ARG_STRING, &node_id, "Only this node", "ID" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE - node states at a virtual time");
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = NULL;
  g_autofree char *when = NULL;
  PlScheduler *scheduler;
  PlNode *node = NULL;
  PlSim *sim;
  PlTime t = -1;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pushlab state: %s\n%s", error->message, usage_text);
      return EXIT_BAD_INPUT;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      g_printerr ("pushlab state: expected one scenario file\n%s", usage_text);
      return EXIT_BAD_INPUT;
    }
  if (at && !pl_parse_duration (at, &t))
    {
      g_printerr ("pushlab state: --at: expected a virtual time such as 2.5s or 300ms, got '%s'\n",
                  at);
      return EXIT_BAD_INPUT;
    }

  scenario = pl_scenario_load (files[0], NULL, &error);
  if (scenario == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  sim = pl_scenario_get_sim (scenario);
  if (node_id && (node = pl_sim_find_node (sim, node_id)) == NULL)
    {
      g_autoptr (GString) ids = g_string_new (NULL);

      for (guint i = 0; i < pl_sim_get_n_nodes (sim); i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "",
                                pl_node_get_id (pl_sim_get_node (sim, i)));
      g_printerr ("pushlab state: %s: no node '%s' (the nodes are %s)\n", files[0], node_id,
                  ids->str);
      return EXIT_BAD_INPUT;
    }

  pl_scenario_start (scenario);
  scheduler = pl_sim_get_scheduler (sim);
  if (t >= 0)
    {
      PlTime end = pl_scheduler_get_end (scheduler);

      /* Never past the scenario's own end; the clock reaches @t even
       * when nothing happens there. */
      if (end < 0 || t < end)
        {
          pl_scheduler_set_end (scheduler, t);
          pl_scheduler_add (scheduler, t, on_state_time, NULL, NULL);
        }
    }
  while (pl_scheduler_step (scheduler))
    ;

  when = format_seconds (pl_scheduler_now (scheduler));
  g_print ("# %s at t=%ss\n", pl_scenario_get_name (scenario), when);
  if (node)
    print_node_state (node);
  else
    for (guint i = 0; i < pl_sim_get_n_nodes (sim); i++)
      {
        g_print ("\n");
        print_node_state (pl_sim_get_node (sim, i));
      }
  return 0;
}

static int
cmd_kinds (void)
{
  g_auto (GStrv) kinds = pl_node_kind_list ();

  for (guint i = 0; kinds[i]; i++)
    g_print ("%-12s %s\n", kinds[i], pl_node_kind_describe (kinds[i]));
  return 0;
}

int
pl_cli_main (int    argc,
             char **argv)
{
  const char *command = argc > 1 ? argv[1] : NULL;

  if (command == NULL || g_str_equal (command, "--help") || g_str_equal (command, "-h")
      || g_str_equal (command, "help"))
    {
      g_print ("pushlab %s: an OMA SIP Push network in one process.\n\n%s", PACKAGE_VERSION,
               usage_text);
      return command ? 0 : EXIT_BAD_INPUT;
    }
  if (g_str_equal (command, "--version"))
    {
      g_print ("pushlab %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (command, "run"))
    return cmd_run (argc - 1, argv + 1);
  if (g_str_equal (command, "validate"))
    return cmd_validate (argc - 1, argv + 1);
  if (g_str_equal (command, "list"))
    return cmd_list (argc - 1, argv + 1);
  if (g_str_equal (command, "kinds"))
    return cmd_kinds ();
  if (g_str_equal (command, "state"))
    return cmd_state (argc - 1, argv + 1);
  if (g_str_equal (command, "compare"))
    return _pl_cli_compare (argc - 1, argv + 1);

  g_printerr ("pushlab: unknown command '%s'\n%s", command, usage_text);
  return EXIT_BAD_INPUT;
}
