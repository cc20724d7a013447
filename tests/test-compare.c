/* test-compare.c: two runs side by side, and a run against its golden
 * trace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "pl-compare.h"
#include "pl-models.h"
#include "pl-scenario.h"

static char *
source_file (const char *dir,
             const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", dir, name, NULL);
}

static PlScenario *
run_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  PlScenario *scenario = NULL;
  PlReport *report = pl_scenario_run_file (path, NULL, &scenario, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  pl_report_free (report);
  return scenario;
}

static PlTrace *
trace_of (PlScenario *scenario)
{
  return pl_sim_get_trace (pl_scenario_get_sim (scenario));
}

/* A copy of scenarios/a2-message.xml in a temporary folder, with its
 * data references made absolute and @alter inserted before <expect>. */
static char *
write_a2_copy (const char *dir,
               const char *alter)
{
  g_autofree char *original = source_file ("scenarios", "a2-message.xml");
  g_autofree char *data_dir = source_file ("data", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) s = NULL;
  char *path = g_build_filename (dir, "a2-altered.xml", NULL);

  g_assert_true (g_file_get_contents (original, &text, NULL, &error));
  s = g_string_new (text);
  {
    g_autofree char *prefix = g_strconcat ("\"", data_dir, G_DIR_SEPARATOR_S, NULL);
    g_assert_cmpuint (g_string_replace (s, "\"../data/", prefix, 0), >, 0);
  }
  if (alter)
    {
      g_autofree char *with = g_strconcat (alter, "\n  <expect>", NULL);
      g_assert_cmpuint (g_string_replace (s, "<expect>", with, 1), ==, 1);
    }
  g_assert_true (g_file_set_contents (path, s->str, s->len, &error));
  return path;
}

static void
test_identical (void)
{
  g_autofree char *path = source_file ("scenarios", "a2-message.xml");
  g_autoptr(PlScenario) a = run_path (path);
  g_autoptr(PlScenario) b = run_path (path);
  g_autoptr(PlComparison) c = pl_compare_traces (trace_of (a), trace_of (b));
  guint n_messages = 0;

  g_assert_true (c->identical);
  g_assert_false (c->timing_differs);
  g_assert_cmpuint (c->n_a, ==, pl_trace_get_n_events (trace_of (a)));
  g_assert_cmpuint (c->n_a, ==, c->n_b);
  g_assert_cmpuint (c->index_a, ==, PL_INSPECT_NONE);
  g_assert_null (c->description);
  for (guint i = 0; i < c->n_a; i++)
    n_messages += pl_trace_event_is_message (pl_trace_get_event (trace_of (a), i));
  g_assert_cmpuint (c->alignment->len, ==, n_messages);
  for (guint i = 0; i < c->alignment->len; i++)
    {
      const PlAlignedPair *p = &g_array_index (c->alignment, PlAlignedPair, i);

      g_assert_cmpuint (p->a, ==, p->b);
      g_assert_false (p->differs);
    }
  g_assert_false (c->alignment_approximate);
}

/* A rule added: the runs part at its first rule event. */
static void
test_added_rule (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-compare-XXXXXX", NULL);
  g_autofree char *original = source_file ("scenarios", "a2-message.xml");
  g_autofree char *altered = write_a2_copy (dir, "  <alter>\n    <rule id=\"mf\" on=\"deliver\" at=\"ue\" "
                                                 "request=\"MESSAGE\" action=\"set-header\" "
                                                 "name=\"Max-Forwards\" value=\"10\"/>\n  </alter>");
  g_autoptr(PlScenario) a = run_path (original);
  g_autoptr(PlScenario) b = run_path (altered);
  PlTrace *ta = trace_of (a), *tb = trace_of (b);
  g_autoptr(PlComparison) c = pl_compare_traces (ta, tb);
  guint rule = PL_INSPECT_NONE, deliver_b = PL_INSPECT_NONE;
  const PlTraceEvent *ev;
  gboolean seen_differs = FALSE;

  for (guint i = 0; i < pl_trace_get_n_events (tb) && rule == PL_INSPECT_NONE; i++)
    if (pl_trace_get_event (tb, i)->kind == PL_EVENT_RULE)
      rule = i;
  g_assert_cmpuint (rule, !=, PL_INSPECT_NONE);

  g_assert_false (c->identical);
  g_assert_cmpuint (c->index_a, ==, rule);
  g_assert_cmpuint (c->index_b, ==, rule);
  g_assert_true (c->what & PL_COMPARE_KIND);
  ev = pl_trace_get_event (ta, rule);
  g_assert_cmpint (ev->kind, ==, PL_EVENT_DELIVER);
  g_assert_nonnull (strstr (c->description, "B: #"));
  g_assert_nonnull (strstr (c->description, " rule on ue"));

  /* The side-by-side pairs the altered delivery with the original. */
  for (guint i = 0; i < c->alignment->len; i++)
    {
      const PlAlignedPair *p = &g_array_index (c->alignment, PlAlignedPair, i);

      g_assert_true (p->a != PL_INSPECT_NONE && p->b != PL_INSPECT_NONE);
      if (p->differs)
        {
          g_assert_false (seen_differs);
          seen_differs = TRUE;
          g_assert_cmpuint (p->a, ==, rule);
          deliver_b = p->b;
        }
    }
  g_assert_true (seen_differs);
  g_assert_cmpuint (deliver_b, ==, rule + 1);

  g_unlink (altered);
  g_rmdir (dir);
}

/* A rule that drops the MESSAGE at the UE: gaps in the alignment. */
static void
test_dropped (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-compare-XXXXXX", NULL);
  g_autofree char *original = source_file ("scenarios", "a2-message.xml");
  g_autofree char *altered = write_a2_copy (dir, "  <alter>\n    <rule id=\"lost\" on=\"deliver\" at=\"ue\" "
                                                 "request=\"MESSAGE\" action=\"drop\"/>\n  </alter>");
  g_autoptr(PlScenario) a = run_path (original);
  g_autoptr(PlScenario) b = run_path (altered);
  g_autoptr(PlComparison) c = pl_compare_traces (trace_of (a), trace_of (b));
  guint only_a = 0, only_b = 0;

  g_assert_false (c->identical);
  for (guint i = 0; i < c->alignment->len; i++)
    {
      const PlAlignedPair *p = &g_array_index (c->alignment, PlAlignedPair, i);

      if (p->b == PL_INSPECT_NONE)
        {
          const PlTraceEvent *ev = pl_trace_get_event (trace_of (a), p->a);

          only_a++;
          g_assert_true (pl_trace_event_is_message (ev));
        }
      if (p->a == PL_INSPECT_NONE)
        only_b++;
    }
  /* A's delivery and the 200s that followed it are missing from B; B has
   * its drop and the retransmissions. */
  g_assert_cmpuint (only_a, >=, 7);
  g_assert_cmpuint (only_b, >=, 1);

  g_unlink (altered);
  g_rmdir (dir);
}

static GBytes *
golden_bytes (void)
{
  g_autofree char *path = source_file ("data", "golden/a2-message.jsonl");
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  return g_bytes_new_take (text, len);
}

/* Replaces the first @from on line @line (from 1) of @golden. */
static GBytes *
edit_line (GBytes     *golden,
           guint       line,
           const char *from,
           const char *to)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (golden, NULL), g_bytes_get_size (golden));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) edited = NULL;
  g_autofree char *joined = NULL;

  g_assert_cmpuint (g_strv_length (lines), >, line);
  edited = g_string_new (lines[line - 1]);
  g_assert_cmpuint (g_string_replace (edited, from, to, 1), ==, 1);
  g_free (lines[line - 1]);
  lines[line - 1] = g_string_free (g_steal_pointer (&edited), FALSE);
  joined = g_strjoinv ("\n", lines);
  return g_bytes_new (joined, strlen (joined));
}

static void
test_golden (void)
{
  g_autofree char *path = source_file ("scenarios", "a2-message.xml");
  g_autoptr(PlScenario) run = run_path (path);
  g_autoptr(GBytes) golden = golden_bytes ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PlComparison) same = pl_compare_golden (golden, trace_of (run), &error);
  guint line = 0;

  g_assert_no_error (error);
  g_assert_true (same->identical);
  g_assert_false (same->timing_differs);
  g_assert_cmpuint (same->n_a, ==, pl_trace_get_n_events (trace_of (run)));
  g_assert_cmpuint (same->n_a, ==, same->n_b);

  /* The line of the MESSAGE the S-CSCF forwards: its Max-Forwards. */
  for (guint i = 0; i < pl_trace_get_n_events (trace_of (run)) && line == 0; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace_of (run), i);

      if (ev->kind == PL_EVENT_DELIVER && g_strcmp0 (ev->label, "MESSAGE") == 0 &&
          g_str_equal (pl_trace_get_node_id (trace_of (run), ev->to), "ue"))
        line = i + 1;
    }
  g_assert_cmpuint (line, >, 0);
  {
    g_autoptr(GBytes) modified = edit_line (golden, line, "Max-Forwards: 68", "Max-Forwards: 67");
    g_autoptr(PlComparison) c = pl_compare_golden (modified, trace_of (run), &error);

    g_assert_no_error (error);
    g_assert_false (c->identical);
    g_assert_cmpuint (c->index_a, ==, line - 1);
    g_assert_cmpuint (c->index_b, ==, line - 1);
    g_assert_cmpuint (c->what, ==, PL_COMPARE_WIRE);
    g_assert_cmpstr (c->wire_line_a, ==, "Max-Forwards: 67");
    g_assert_cmpstr (c->wire_line_b, ==, "Max-Forwards: 68");
    g_assert_cmpuint (c->wire_line, >, 1);
    g_assert_nonnull (strstr (c->description, "wire line"));
    /* The same message in both: paired, with different bytes. */
    for (guint i = 0; i < c->alignment->len; i++)
      {
        const PlAlignedPair *p = &g_array_index (c->alignment, PlAlignedPair, i);

        g_assert_cmpuint (p->a, ==, p->b);
        g_assert_cmpint (p->differs, ==, p->a == line - 1);
      }
  }
  {
    g_autoptr(GBytes) modified = edit_line (golden, line, "\"label\":\"MESSAGE\"", "\"label\":\"INFO\"");
    g_autoptr(PlComparison) c = pl_compare_golden (modified, trace_of (run), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (c->what, ==, PL_COMPARE_LABEL);
    g_assert_nonnull (strstr (c->description, "label: INFO vs MESSAGE"));
  }
  {
    /* Only a time: identical, with a timing note. */
    g_autoptr(GBytes) modified = edit_line (golden, 3, "{\"t_us\":0,", "{\"t_us\":7,");
    g_autoptr(PlComparison) c = pl_compare_golden (modified, trace_of (run), &error);

    g_assert_no_error (error);
    g_assert_true (c->identical);
    g_assert_true (c->timing_differs);
    g_assert_cmpuint (c->timing_index, ==, 2);
    g_assert_nonnull (strstr (c->timing_note, "t_us 7 vs 0"));
  }
  {
    /* The golden file ends early: the run has one more event. */
    gsize len;
    const char *data = g_bytes_get_data (golden, &len);
    const char *last = g_strrstr_len (data, len - 1, "\n");
    g_autoptr(GBytes) shorter = g_bytes_new (data, last - data + 1);
    g_autoptr(PlComparison) c = pl_compare_golden (shorter, trace_of (run), &error);

    g_assert_no_error (error);
    g_assert_false (c->identical);
    g_assert_cmpuint (c->what, ==, PL_COMPARE_MISSING);
    g_assert_cmpuint (c->index_a, ==, PL_INSPECT_NONE);
    g_assert_cmpuint (c->index_b, ==, c->n_a);
    g_assert_cmpuint (c->n_b, ==, c->n_a + 1);
  }
  {
    g_autoptr(GBytes) broken = edit_line (golden, 5, "\"event\":", "\"event\"=");
    g_autoptr(PlComparison) c = pl_compare_golden (broken, trace_of (run), &error);

    g_assert_null (c);
    g_assert_error (error, PL_COMPARE_ERROR, PL_COMPARE_ERROR_GOLDEN);
    g_assert_nonnull (strstr (error->message, "golden line 5:"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  g_test_add_func ("/compare/identical", test_identical);
  g_test_add_func ("/compare/added-rule", test_added_rule);
  g_test_add_func ("/compare/dropped", test_dropped);
  g_test_add_func ("/compare/golden", test_golden);
  return g_test_run ();
}
