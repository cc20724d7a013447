/* test-alter-util.c: what the alteration suites share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-alter-util.h"

char *
bundled (const char *name)
{
  return g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), name, NULL);
}

char *
workdir_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = g_canonicalize_filename ("../data", g_getenv ("PUSHLAB_SCENARIODIR"));
  char *dir = g_dir_make_tmp ("pushlab-alter-XXXXXX", &error);
  g_autofree char *scenarios = NULL;
  g_autofree char *link = NULL;

  g_assert_no_error (error);
  scenarios = g_build_filename (dir, "scenarios", NULL);
  link = g_build_filename (dir, "data", NULL);
  g_assert_cmpint (g_mkdir (scenarios, 0700), ==, 0);
  g_assert_cmpint (symlink (data, link), ==, 0);
  return dir;
}

char *
workdir_file (const char *dir,
              const char *name)
{
  return g_build_filename (dir, "scenarios", name, NULL);
}

void
workdir_free (char *dir)
{
  g_autofree char *scenarios = g_build_filename (dir, "scenarios", NULL);
  g_autofree char *link = g_build_filename (dir, "data", NULL);
  GDir *d = g_dir_open (scenarios, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (scenarios, name, NULL);
      g_unlink (path);
    }
  g_clear_pointer (&d, g_dir_close);
  g_rmdir (scenarios);
  g_unlink (link);
  g_rmdir (dir);
  g_free (dir);
}

PlScenario *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  PlScenario *scenario;

  pl_models_register ();
  scenario = pl_scenario_load (path, NULL, &error);
  g_assert_no_error (error);
  return scenario;
}

void
run (PlScenario *scenario)
{
  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (pl_scenario_get_sim (scenario)));
}

PlVerdict
verdict (PlScenario *scenario)
{
  g_autoptr (PlReport) report = pl_scenario_check (scenario);

  return report->verdict;
}

int
node_index (PlSim      *sim,
            const char *id)
{
  return pl_node_get_index (pl_sim_find_node (sim, id));
}

char *
messages_of (PlSim *sim)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *e = pl_trace_get_event (trace, i);
      gsize len = 0;
      const char *wire = e->wire ? g_bytes_get_data (e->wire, &len) : "";

      if (!pl_trace_event_is_message (e))
        continue;
      g_string_append_printf (out, "%" G_GINT64_FORMAT " %s %d>%d #%" G_GUINT64_FORMAT " %s\n",
                              e->t_us, e->name, e->from, e->to, e->hop, e->label);
      g_string_append_len (out, wire, (gssize) len);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

const PlTraceEvent *
find_message (PlSim       *sim,
              PlEventKind  kind,
              const char  *from,
              const char  *to,
              const char  *label,
              guint        nth)
{
  PlTrace *trace = pl_sim_get_trace (sim);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *e = pl_trace_get_event (trace, i);

      if (e->kind == kind && e->from == node_index (sim, from) && e->to == node_index (sim, to)
          && g_strcmp0 (e->label, label) == 0 && --nth == 0)
        return e;
    }
  return NULL;
}

guint
count_events (PlSim      *sim,
              PlEventKind kind,
              const char *key,
              const char *value,
              const char *key2,
              const char *value2)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n = 0;

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *e = pl_trace_get_event (trace, i);
      const PlField *f = pl_trace_event_get_field (e, key);
      const PlField *f2 = key2 ? pl_trace_event_get_field (e, key2) : NULL;

      if (e->kind == kind && f && f->type == PL_FIELD_STRING && g_strcmp0 (f->str, value) == 0
          && (key2 == NULL || (f2 && f2->type == PL_FIELD_STRING
                               && g_strcmp0 (f2->str, value2) == 0)))
        n++;
    }
  return n;
}

char *
header_of (GBytes     *wire,
           const char *name)
{
  g_autoptr (msg_t) msg = pl_wire_parse (wire, NULL);

  return msg ? pl_wire_header_value (msg, name) : NULL;
}

char *
write_scenario (const char *dir,
                const char *name,
                const char *text)
{
  char *path = workdir_file (dir, name);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

PlRule *
notify_breakpoint (PlSim *sim)
{
  PlRule *rule = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_HOLD);

  pl_rule_set_id (rule, "bp");
  pl_rule_set_hop (rule, -1, node_index (sim, "ue"));
  pl_rule_set_method (rule, "NOTIFY");
  return rule;
}
