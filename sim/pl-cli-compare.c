/* pl-cli-compare.c: `pushlab compare`: two runs, or a run and a golden
 * trace, side by side from their first divergence.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-cli"

#include <string.h>

#include "pl-cli.h"
#include "pl-compare.h"
#include "pl-scenario.h"

#define EXIT_DIFFER 1
#define EXIT_BAD_INPUT 2

/* Rows of the side-by-side view: a few before the first difference. */
#define ROWS_BEFORE 3
#define ROWS_SHOWN 16
#define COLUMN 44

static const char compare_usage[] =
  "Usage:\n"
  "  pushlab compare A.xml B.xml [--seed N]       two runs (e.g. a scenario and its altered copy)\n"
  "  pushlab compare --golden G.jsonl A.xml [--seed N]   a run against a golden trace\n"
  "Exit status: 0 identical, 1 they differ, 2 bad input.\n";

/* Loads and runs @path to its end; NULL with a message on bad input. */
static PlScenario *
run_scenario (const char               *path,
              const PlScenarioOptions  *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = pl_scenario_load (path, options, &error);

  if (scenario == NULL)
    {
      g_printerr ("%s\n", error->message);
      return NULL;
    }
  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (pl_scenario_get_sim (scenario)));
  return g_steal_pointer (&scenario);
}

static void
print_cell (PlComparison *c,
            gboolean      side_b,
            guint         index)
{
  g_autofree char *text = index != PL_INSPECT_NONE
                            ? pl_comparison_describe_event (c, side_b, index) : g_strdup ("");
  glong len = g_utf8_strlen (text, -1);

  if (len > COLUMN)
    {
      char *cut = g_utf8_offset_to_pointer (text, COLUMN - 3);
      strcpy (cut, "...");
      len = COLUMN;
    }
  g_print ("%s", text);
  if (!side_b)
    g_print ("%*s", (int) (COLUMN - len), "");
}

static void
print_side_by_side (PlComparison *c)
{
  GArray *rows = c->alignment;
  guint first = rows->len, start, end;

  for (guint i = 0; i < rows->len; i++)
    {
      const PlAlignedPair *p = &g_array_index (rows, PlAlignedPair, i);

      if (p->a == PL_INSPECT_NONE || p->b == PL_INSPECT_NONE || p->differs)
        {
          first = i;
          break;
        }
    }
  if (first == rows->len)
    {
      g_print ("aligned messages: all %u pairs the same\n", rows->len);
      return;
    }
  start = first > ROWS_BEFORE ? first - ROWS_BEFORE : 0;
  end = MIN (rows->len, start + ROWS_SHOWN);
  g_print ("aligned messages (= same, ~ bytes differ, < only in A, > only in B)%s:\n",
           c->alignment_approximate ? ", paired by position where too long to search" : "");
  g_print ("  %-*s   %s\n", COLUMN, "A", "B");
  if (start > 0)
    g_print ("  ... %u rows before\n", start);
  for (guint i = start; i < end; i++)
    {
      const PlAlignedPair *p = &g_array_index (rows, PlAlignedPair, i);
      char mark = p->a == PL_INSPECT_NONE ? '>' : p->b == PL_INSPECT_NONE ? '<'
                  : p->differs ? '~' : '=';

      g_print ("  ");
      print_cell (c, FALSE, p->a);
      g_print (" %c ", mark);
      print_cell (c, TRUE, p->b);
      g_print ("\n");
    }
  if (end < rows->len)
    g_print ("  ... %u rows after\n", rows->len - end);
}

static int
report (PlComparison *c,
        const char   *name_a,
        const char   *name_b)
{
  g_print ("A: %s (%u events)\nB: %s (%u events)\n", name_a, c->n_a, name_b, c->n_b);
  if (c->identical && !c->timing_differs)
    {
      g_print ("identical\n");
      return 0;
    }
  if (!c->identical)
    {
      g_autofree char *what = pl_compare_what_to_string (c->what);
      g_auto (GStrv) lines = g_strsplit (c->description, "\n", -1);

      g_print ("first divergence: ");
      if (c->index_a != PL_INSPECT_NONE)
        g_print ("A #%u", c->index_a);
      else
        g_print ("A (ended)");
      if (c->index_b != PL_INSPECT_NONE)
        g_print (", B #%u", c->index_b);
      else
        g_print (", B (ended)");
      g_print (": %s\n", what);
      for (guint i = 0; lines[i]; i++)
        g_print ("  %s\n", lines[i]);
    }
  else
    g_print ("identical except for timing\n");
  if (c->timing_differs)
    g_print ("%s\n", c->timing_note);
  print_side_by_side (c);
  return EXIT_DIFFER;
}

int
_pl_cli_compare (int    argc,
                 char **argv)
{
  g_autofree char *golden = NULL;
  gint64 seed = -1;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "golden", 0, 0, G_OPTION_ARG_FILENAME, &golden, "Compare with a golden JSON Lines trace", "F" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Override the scenarios' seed", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE..." },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("A.xml [B.xml] - compare two runs");
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) a = NULL, b = NULL;
  g_autoptr (PlComparison) c = NULL;
  PlScenarioOptions options = { seed >= 0, 0 };
  guint n_files;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pushlab compare: %s\n%s", error->message, compare_usage);
      return EXIT_BAD_INPUT;
    }
  n_files = files ? g_strv_length (files) : 0;
  if (n_files != (golden ? 1u : 2u))
    {
      g_printerr ("pushlab compare: expected %s\n%s",
                  golden ? "one scenario file with --golden" : "two scenario files",
                  compare_usage);
      return EXIT_BAD_INPUT;
    }
  options.has_seed = seed >= 0;
  options.seed = (guint64) MAX (seed, 0);

  if (golden)
    {
      g_autoptr (GMappedFile) mapped = g_mapped_file_new (golden, FALSE, &error);
      g_autoptr (GBytes) bytes = NULL;

      if (mapped == NULL)
        {
          g_printerr ("pushlab: %s\n", error->message);
          return EXIT_BAD_INPUT;
        }
      bytes = g_mapped_file_get_bytes (mapped);
      if ((a = run_scenario (files[0], &options)) == NULL)
        return EXIT_BAD_INPUT;
      c = pl_compare_golden (bytes, pl_sim_get_trace (pl_scenario_get_sim (a)), &error);
      if (c == NULL)
        {
          g_printerr ("pushlab: %s: %s\n", golden, error->message);
          return EXIT_BAD_INPUT;
        }
      return report (c, golden, files[0]);
    }

  if ((a = run_scenario (files[0], &options)) == NULL ||
      (b = run_scenario (files[1], &options)) == NULL)
    return EXIT_BAD_INPUT;
  c = pl_compare_traces (pl_sim_get_trace (pl_scenario_get_sim (a)),
                         pl_sim_get_trace (pl_scenario_get_sim (b)));
  return report (c, files[0], files[1]);
}
