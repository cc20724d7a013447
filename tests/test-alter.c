/* test-alter.c: breakpoints (hold rules), rules made from alterations,
 * and saving them into a scenario that replays the altered flow headless.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pl-held.h"
#include "pl-models.h"
#include "pl-node.h"
#include "pl-rule-edit.h"
#include "pl-scenario-save.h"
#include "pl-scenario.h"
#include "pl-wire.h"

#define A3 "a3-subscribe-notify.xml"
#define PUSH_TYPE "application/vnd.syncml.ds.notification"

/* ---- helpers ---- */

static char *
bundled (const char *name)
{
  return g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), name, NULL);
}

/* A folder with scenarios/ and data/ (a link to the source's data/), so
 * a scenario saved in scenarios/ finds ../data/ as the bundled ones do. */
static char *
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

static char *
workdir_file (const char *dir,
              const char *name)
{
  return g_build_filename (dir, "scenarios", name, NULL);
}

static void
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

static PlScenario *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  PlScenario *scenario;

  pl_models_register ();
  scenario = pl_scenario_load (path, NULL, &error);
  g_assert_no_error (error);
  return scenario;
}

static void
run (PlScenario *scenario)
{
  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (pl_scenario_get_sim (scenario)));
}

static PlVerdict
verdict (PlScenario *scenario)
{
  g_autoptr (PlReport) report = pl_scenario_check (scenario);

  return report->verdict;
}

static int
node_index (PlSim      *sim,
            const char *id)
{
  return pl_node_get_index (pl_sim_find_node (sim, id));
}

/* Every message event, bytes included: two runs that print the same
 * string sent and delivered the same messages in the same order. */
static char *
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

/* The @nth (1-based) message event of @kind from @from to @to labelled
 * @label, or NULL. */
static const PlTraceEvent *
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

/* How many node events of @kind carry field @key = @value (and, when
 * @key2 is given, @key2 = @value2). */
static guint
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

static char *
header_of (GBytes     *wire,
           const char *name)
{
  g_autoptr (msg_t) msg = pl_wire_parse (wire, NULL);

  return msg ? pl_wire_header_value (msg, name) : NULL;
}

/* A breakpoint on every NOTIFY delivered to ue. */
static PlRule *
notify_breakpoint (PlSim *sim)
{
  PlRule *rule = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_HOLD);

  pl_rule_set_id (rule, "bp");
  pl_rule_set_hop (rule, -1, node_index (sim, "ue"));
  pl_rule_set_method (rule, "NOTIFY");
  return rule;
}

/* ---- the studio's side, played by the test ---- */

typedef enum {
  DO_RELEASE,
  DO_EDIT,
  DO_DROP,
  DO_ANSWER,
  DO_KEEP,
} Act;

typedef struct {
  Act act;           /* what to do with the target; the others are released */
  guint target;      /* which held message (1-based) */
  gboolean deferred; /* act from a later main-loop iteration, scheduler paused */
  guint seen;
  guint acted;
  guint destroyed;
  PlSim *sim;
  PlHeld *pending;
  guint events_at_hold;
  GPtrArray *rules; /* the alterations as rules */
} Studio;

static GBytes *
edit_content_type (GBytes *wire)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  g_autoptr (GString) s = g_string_new (text);

  g_assert_cmpuint (g_string_replace (s, "Content-Type: " PUSH_TYPE, "Content-Type: text/plain",
                                      1), ==, 1);
  return g_bytes_new (s->str, s->len);
}

static void
studio_act (Studio *studio,
            PlHeld *held)
{
  g_autoptr (GError) error = NULL;
  PlRule *rule;

  if (studio->act == DO_KEEP)
    return;
  if (++studio->seen != studio->target)
    {
      pl_sim_release_held (studio->sim, held, NULL);
      return;
    }
  studio->acted++;
  switch (studio->act)
    {
    case DO_RELEASE:
      pl_sim_release_held (studio->sim, held, NULL);
      break;

    case DO_EDIT:
      {
        g_autoptr (GBytes) edited = edit_content_type (pl_held_get_wire (held));

        g_assert_true (pl_rules_from_edit (studio->sim, held, edited, studio->rules, &error));
        g_assert_no_error (error);
        pl_sim_release_held (studio->sim, held, edited);
      }
      break;

    case DO_DROP:
      rule = pl_rule_new_for_held (studio->sim, held, PL_RULE_DROP, &error);
      g_assert_no_error (error);
      g_ptr_array_add (studio->rules, rule);
      pl_sim_drop_held (studio->sim, held);
      break;

    case DO_ANSWER:
      rule = pl_rule_new_for_held (studio->sim, held, PL_RULE_RESPOND, &error);
      g_assert_no_error (error);
      pl_rule_set_response (rule, 415, NULL);
      g_ptr_array_add (studio->rules, rule);
      g_assert_true (pl_sim_answer_held (studio->sim, held, 415, NULL, &error));
      g_assert_no_error (error);
      break;

    case DO_KEEP:
    default:
      break;
    }
}

static gboolean
on_later (gpointer data)
{
  Studio *studio = data;
  PlHeld *held = g_steal_pointer (&studio->pending);

  /* Paused: nothing ran since the message was held. */
  g_assert_cmpuint (pl_trace_get_n_events (pl_sim_get_trace (studio->sim)), ==,
                    studio->events_at_hold);
  g_assert_cmpint (pl_sim_now (studio->sim), ==, pl_held_get_time (held));
  studio_act (studio, held);
  pl_scheduler_set_paused (pl_sim_get_scheduler (studio->sim), FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_hold (PlSim    *sim,
         PlHeld   *held,
         gpointer  data)
{
  Studio *studio = data;

  g_assert_true (pl_held_get_rule (held) == pl_sim_find_rule (sim, "bp"));
  g_assert_cmpstr (pl_held_get_label (held), ==, "NOTIFY");
  g_assert_cmpint (pl_held_get_point (held), ==, PL_RULE_ON_DELIVER);
  g_assert_cmpint (pl_held_get_to (held), ==, node_index (sim, "ue"));
  g_assert_cmpint (pl_held_get_from (held), ==, node_index (sim, "pcscf"));
  g_assert_cmpuint (pl_sim_get_n_held (sim), >=, 1);
  if (!studio->deferred)
    {
      studio_act (studio, held);
      return;
    }
  g_assert_null (studio->pending);
  studio->pending = held;
  studio->events_at_hold = pl_trace_get_n_events (pl_sim_get_trace (sim));
  pl_scheduler_set_paused (pl_sim_get_scheduler (sim), TRUE);
  {
    /* The context pl_scheduler_run() iterates: a later iteration. */
    GSource *later = g_idle_source_new ();

    g_source_set_callback (later, on_later, studio, NULL);
    g_source_attach (later, g_main_context_get_thread_default ());
    g_source_unref (later);
  }
}

static void
on_studio_destroy (gpointer data)
{
  ((Studio *) data)->destroyed++;
}

/* Runs A3 with the NOTIFY breakpoint and @studio as the handler. */
static PlScenario *
run_a3_with_studio (Studio *studio)
{
  g_autofree char *path = bundled (A3);
  PlScenario *scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);

  studio->sim = sim;
  studio->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  pl_sim_add_rule (sim, notify_breakpoint (sim));
  pl_sim_set_hold_func (sim, on_hold, studio, on_studio_destroy);
  run (scenario);
  return scenario;
}

/* Saves @rules into a copy of A3 in a work folder, loads it, runs it
 * headless and returns it; the baseline run's messages in *baseline. */
static PlScenario *
replay_a3 (const char *dir,
           PlSim      *sim,
           GPtrArray  *rules)
{
  g_autofree char *in = bundled (A3);
  g_autofree char *out = workdir_file (dir, "altered.xml");
  g_autoptr (GError) error = NULL;
  PlScenario *replay;

  g_assert_true (pl_scenario_save_rules (in, out, (PlRule **) rules->pdata, rules->len, sim,
                                        &error));
  g_assert_no_error (error);
  replay = load (out);
  run (replay);
  return replay;
}

/* ---- tests ---- */

static void
test_hold_release (gconstpointer data)
{
  gboolean deferred = GPOINTER_TO_INT (data);
  g_autofree char *path = bundled (A3);
  g_autoptr (PlScenario) baseline = load (path);
  g_autoptr (PlScenario) held = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  Studio studio = { .act = DO_RELEASE, .target = 2, .deferred = deferred };

  g_test_summary ("A released message goes on as if never held: the same messages, bytes "
                  "and times as the run without breakpoint, whether the handler releases "
                  "at once or from a later main-loop iteration with the scheduler paused");

  run (baseline);
  held = run_a3_with_studio (&studio);
  g_assert_cmpuint (studio.seen, ==, 2);
  g_assert_cmpuint (studio.acted, ==, 1);
  g_assert_cmpuint (pl_sim_get_n_held (studio.sim), ==, 0);
  expected = messages_of (pl_scenario_get_sim (baseline));
  got = messages_of (studio.sim);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpint (verdict (held), ==, PL_VERDICT_PASS);
  g_assert_cmpuint (count_events (studio.sim, PL_EVENT_RULE, "rule", "bp", "action", "hold"),
                    ==, 2);
  g_assert_cmpuint (count_events (studio.sim, PL_EVENT_RULE, "action", "edit", NULL, NULL), ==, 0);
  g_clear_object (&held);
  g_assert_cmpuint (studio.destroyed, ==, 1);
  g_ptr_array_unref (studio.rules);
}

static void
test_hold_edit (gconstpointer data)
{
  gboolean deferred = GPOINTER_TO_INT (data);
  char *dir = workdir_new ();
  g_autoptr (PlScenario) live = NULL;
  g_autoptr (PlScenario) replay = NULL;
  g_autofree char *live_messages = NULL;
  g_autofree char *replay_messages = NULL;
  g_autofree char *type = NULL;
  const PlTraceEvent *notify, *answer;
  PlSim *sim;
  Studio studio = { .act = DO_EDIT, .target = 2, .deferred = deferred };

  g_test_summary ("Issue 6: hold the push NOTIFY, change its Content-Type and release it: "
                  "the receiver answers 415, a rule event says it was edited, the edit "
                  "becomes one set-header rule, and the scenario saved with it replays "
                  "the same messages byte for byte headless");

  live = run_a3_with_studio (&studio);
  sim = studio.sim;
  notify = find_message (sim, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 2);
  g_assert_nonnull (notify);
  type = header_of (notify->wire, "Content-Type");
  g_assert_cmpstr (type, ==, "text/plain");
  answer = find_message (sim, PL_EVENT_SEND, "ue", "pcscf", "415 Unsupported Media Type", 1);
  g_assert_nonnull (answer);
  g_assert_cmpuint (count_events (sim, PL_EVENT_RULE, "rule", "bp", "action", "edit"), ==, 1);
  g_assert_cmpint (verdict (live), ==, PL_VERDICT_FAIL); /* A.3's 200 never comes */

  g_assert_cmpuint (studio.rules->len, ==, 1);
  {
    PlRule *rule = g_ptr_array_index (studio.rules, 0);
    const char *value;

    g_assert_cmpint (pl_rule_get_action (rule), ==, PL_RULE_SET_HEADER);
    g_assert_cmpstr (pl_rule_get_edit (rule, &value), ==, "Content-Type");
    g_assert_cmpstr (value, ==, "text/plain");
    g_assert_cmpstr (pl_rule_get_method (rule), ==, "NOTIFY");
    g_assert_cmpuint (pl_rule_get_nth (rule), ==, 2);
    g_assert_true (pl_rule_get_nth_counts_all (rule));
  }

  replay = replay_a3 (dir, sim, studio.rules);
  live_messages = messages_of (sim);
  replay_messages = messages_of (pl_scenario_get_sim (replay));
  g_assert_cmpstr (replay_messages, ==, live_messages);
  g_assert_cmpuint (count_events (pl_scenario_get_sim (replay), PL_EVENT_RULE, "action",
                                  "set-header", NULL, NULL), ==, 1);

  g_ptr_array_unref (studio.rules);
  workdir_free (dir);
}

static void
test_hold_drop (void)
{
  char *dir = workdir_new ();
  g_autoptr (PlScenario) live = NULL;
  g_autoptr (PlScenario) replay = NULL;
  g_autofree char *live_messages = NULL;
  g_autofree char *replay_messages = NULL;
  const PlTraceEvent *drop;
  const PlField *rule;
  Studio studio = { .act = DO_DROP, .target = 1, .deferred = TRUE };

  g_test_summary ("Dropping the held initial NOTIFY records a drop naming the breakpoint; "
                  "the sender retransmits it (UDP); the drop rule made from it replays "
                  "the same flow headless");

  live = run_a3_with_studio (&studio);
  drop = find_message (studio.sim, PL_EVENT_DROP, "pcscf", "ue", "NOTIFY", 1);
  g_assert_nonnull (drop);
  rule = pl_trace_event_get_field (drop, "rule");
  g_assert_cmpstr (rule->str, ==, "bp");
  g_assert_nonnull (find_message (studio.sim, PL_EVENT_RETRANSMIT, "psa", "scscf", "NOTIFY", 1));

  replay = replay_a3 (dir, studio.sim, studio.rules);
  live_messages = messages_of (studio.sim);
  replay_messages = messages_of (pl_scenario_get_sim (replay));
  g_assert_cmpstr (replay_messages, ==, live_messages);

  g_ptr_array_unref (studio.rules);
  workdir_free (dir);
}

static void
test_hold_answer (void)
{
  char *dir = workdir_new ();
  g_autoptr (PlScenario) live = NULL;
  g_autoptr (PlScenario) replay = NULL;
  g_autofree char *live_messages = NULL;
  g_autofree char *replay_messages = NULL;
  Studio studio = { .act = DO_ANSWER, .target = 2, .deferred = FALSE };

  g_test_summary ("Issue 6: answering the held push NOTIFY with 415 sends the 415 from the "
                  "receiver's side and no NOTIFY reaches it; the respond rule made from it "
                  "replays the same flow headless");

  live = run_a3_with_studio (&studio);
  g_assert_null (find_message (studio.sim, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 2));
  g_assert_nonnull (find_message (studio.sim, PL_EVENT_SEND, "ue", "pcscf",
                                  "415 Unsupported Media Type", 1));
  g_assert_nonnull (find_message (studio.sim, PL_EVENT_DELIVER, "scscf", "psa",
                                  "415 Unsupported Media Type", 1));

  replay = replay_a3 (dir, studio.sim, studio.rules);
  live_messages = messages_of (studio.sim);
  replay_messages = messages_of (pl_scenario_get_sim (replay));
  g_assert_cmpstr (replay_messages, ==, live_messages);

  g_ptr_array_unref (studio.rules);
  workdir_free (dir);
}

static void
on_hold_answer_response (PlSim    *sim,
                         PlHeld   *held,
                         gpointer  data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (pl_sim_answer_held (sim, held, 500, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpuint (pl_sim_get_n_held (sim), ==, 1);
  g_clear_error (&error);
  g_assert_false (pl_sim_answer_held (sim, held, 99, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  pl_sim_release_held (sim, held, NULL);
  (*(guint *) data)++;
}

static void
test_hold_answer_response (void)
{
  g_autofree char *path = bundled (A3);
  g_autoptr (PlScenario) scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlRule *rule = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_HOLD);
  guint n = 0;

  g_test_summary ("A held response cannot be answered: an error, and it stays held until "
                  "released");

  pl_rule_set_status (rule, 200, 299);
  pl_rule_set_hop (rule, node_index (sim, "psa"), -1);
  pl_sim_add_rule (sim, rule);
  pl_sim_set_hold_func (sim, on_hold_answer_response, &n, NULL);
  run (scenario);
  /* psa's 200s: to the third-party REGISTER and to the SUBSCRIBE. */
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (verdict (scenario), ==, PL_VERDICT_PASS);
}

static void
test_hold_headless (void)
{
  char *dir = workdir_new ();
  g_autofree char *in = bundled (A3);
  g_autofree char *out = workdir_file (dir, "breakpoint.xml");
  g_autoptr (PlScenario) baseline = load (in);
  g_autoptr (PlScenario) scenario = NULL;
  g_autoptr (PlRule) rule = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  PlSim *sim;
  PlTrace *trace;
  guint n_hold = 0;

  g_test_summary ("Without a hold handler (pushlab run) a hold rule lets the message pass "
                  "and its rule event says held=false; action=\"hold\" is read from a "
                  "scenario file");

  run (baseline);
  rule = notify_breakpoint (pl_scenario_get_sim (baseline));
  g_assert_true (pl_scenario_save_rules (in, out, &rule, 1, pl_scenario_get_sim (baseline),
                                        &error));
  g_assert_no_error (error);
  scenario = load (out);
  sim = pl_scenario_get_sim (scenario);
  g_assert_cmpint (pl_rule_get_action (pl_sim_find_rule (sim, "bp")), ==, PL_RULE_HOLD);
  run (scenario);
  g_assert_cmpint (verdict (scenario), ==, PL_VERDICT_PASS);
  expected = messages_of (pl_scenario_get_sim (baseline));
  got = messages_of (sim);
  g_assert_cmpstr (got, ==, expected);

  trace = pl_sim_get_trace (sim);
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *e = pl_trace_get_event (trace, i);
      const PlField *held = pl_trace_event_get_field (e, "held");

      if (e->kind != PL_EVENT_RULE)
        continue;
      g_assert_cmpstr (pl_trace_event_get_field (e, "action")->str, ==, "hold");
      g_assert_cmpint (e->node, ==, node_index (sim, "ue"));
      g_assert_nonnull (held);
      g_assert_cmpint (held->type, ==, PL_FIELD_BOOL);
      g_assert_false (held->num);
      n_hold++;
    }
  g_assert_cmpuint (n_hold, ==, 2);
  workdir_free (dir);
}

static void
on_hold_remove (PlSim    *sim,
                PlHeld   *held,
                gpointer  data)
{
  PlHeld **keep = data;

  /* The studio takes the breakpoint away: the message stays held. */
  g_assert_true (pl_sim_remove_rule (sim, pl_held_get_rule (held)));
  g_assert_null (pl_held_get_rule (held));
  g_assert_cmpstr (pl_held_get_rule_id (held), ==, "bp");
  g_assert_false (pl_sim_remove_rule (sim, pl_sim_find_rule (sim, "bp")));
  *keep = held;
}

static void
test_remove_rule (void)
{
  g_autofree char *path = bundled (A3);
  g_autoptr (PlScenario) scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlRule *after = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER);
  PlHeld *held = NULL;
  const PlTraceEvent *notify;
  g_autofree char *value = NULL;

  g_test_summary ("Removing the breakpoint while it holds a message keeps the message held; "
                  "released, it still meets the rules that stood after the breakpoint");

  pl_sim_add_rule (sim, notify_breakpoint (sim));
  pl_rule_set_id (after, "mark");
  pl_rule_set_method (after, "NOTIFY");
  pl_rule_set_edit (after, "X-Mark", "yes");
  pl_sim_add_rule (sim, after);
  pl_sim_set_hold_func (sim, on_hold_remove, &held, NULL);
  pl_scenario_start (scenario);
  while (held == NULL && pl_scheduler_step (pl_sim_get_scheduler (sim)))
    ;
  g_assert_nonnull (held);
  g_assert_cmpuint (pl_sim_get_n_rules (sim), ==, 1);
  g_assert_true (pl_sim_get_held (sim, 0) == held);
  pl_sim_release_held (sim, held, NULL);
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  notify = find_message (sim, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 1);
  g_assert_nonnull (notify);
  value = header_of (notify->wire, "X-Mark");
  g_assert_cmpstr (value, ==, "yes");
  g_assert_cmpint (verdict (scenario), ==, PL_VERDICT_PASS);
}

static void
test_dispose_holding (void)
{
  g_autofree char *path = bundled (A3);
  PlScenario *scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);
  Studio studio = { .act = DO_KEEP, .target = 1, .deferred = FALSE };

  g_test_summary ("A sim disposed while it holds messages frees them (and the handler's "
                  "data) without sending them");

  studio.sim = sim;
  pl_sim_add_rule (sim, notify_breakpoint (sim));
  pl_sim_set_hold_func (sim, on_hold, &studio, on_studio_destroy);
  run (scenario);
  g_assert_cmpuint (pl_sim_get_n_held (sim), >=, 1);
  g_assert_null (find_message (sim, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 1));
  g_object_unref (scenario);
  g_assert_cmpuint (studio.destroyed, ==, 1);
}

static void
test_rule_ids (void)
{
  g_autoptr (PlSim) sim = pl_sim_new (1);
  PlRule *taken = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_DROP);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  g_test_summary ("Rule ids made by the sim are unique and never reused");

  pl_rule_set_id (taken, "alter-2");
  pl_sim_add_rule (sim, taken);
  a = pl_sim_new_rule_id (sim, NULL);
  b = pl_sim_new_rule_id (sim, NULL);
  g_assert_cmpstr (a, ==, "alter-1");
  g_assert_cmpstr (b, ==, "alter-3");
  g_assert_true (pl_sim_remove_rule (sim, taken));
  c = pl_sim_new_rule_id (sim, "bp");
  g_assert_cmpstr (c, ==, "bp-4");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/alter/hold/release", GINT_TO_POINTER (FALSE), test_hold_release);
  g_test_add_data_func ("/alter/hold/release-later", GINT_TO_POINTER (TRUE), test_hold_release);
  g_test_add_data_func ("/alter/hold/edit", GINT_TO_POINTER (FALSE), test_hold_edit);
  g_test_add_data_func ("/alter/hold/edit-later", GINT_TO_POINTER (TRUE), test_hold_edit);
  g_test_add_func ("/alter/hold/drop", test_hold_drop);
  g_test_add_func ("/alter/hold/answer", test_hold_answer);
  g_test_add_func ("/alter/hold/answer-response", test_hold_answer_response);
  g_test_add_func ("/alter/hold/headless", test_hold_headless);
  g_test_add_func ("/alter/hold/remove-rule", test_remove_rule);
  g_test_add_func ("/alter/hold/dispose", test_dispose_holding);
  g_test_add_func ("/alter/rule/ids", test_rule_ids);

  return g_test_run ();
}
