/* test-alter.c: breakpoints (hold rules) released, edited, dropped and
 * answered by a handler acting at once or from a later main-loop
 * iteration; rules made from those alterations and from quick actions,
 * replayed headless.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "test-alter-util.h"

#define PUSH_TYPE "application/vnd.syncml.ds.notification"

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

/* Keeps the held message for the caller, who acts on it later. */
static void
on_hold_keep (PlSim    *sim,
              PlHeld   *held,
              gpointer  data)
{
  *(PlHeld **) data = held;
}

/* Loads A3 with a breakpoint on the push NOTIFY (the second one ue
 * receives) and steps until it is held. */
static PlScenario *
hold_push_notify (PlHeld **held)
{
  g_autofree char *path = bundled (A3);
  PlScenario *scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlRule *bp = notify_breakpoint (sim);

  pl_rule_set_nth (bp, 2);
  pl_sim_add_rule (sim, bp);
  *held = NULL;
  pl_sim_set_hold_func (sim, on_hold_keep, held, NULL);
  pl_scenario_start (scenario);
  while (*held == NULL && pl_scheduler_step (pl_sim_get_scheduler (sim)))
    ;
  g_assert_nonnull (*held);
  return scenario;
}

static GBytes *
replace_text (GBytes     *wire,
              const char *find,
              const char *replace)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  GString *s = g_string_new (text);

  g_assert_cmpuint (g_string_replace (s, find, replace, 1), ==, 1);
  return g_string_free_to_bytes (s);
}

static void
test_edit_rules (void)
{
  PlHeld *held;
  g_autoptr (PlScenario) scenario = hold_push_notify (&held);
  PlSim *sim = pl_scenario_get_sim (scenario);
  g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) same = g_bytes_ref (pl_held_get_wire (held));
  g_autoptr (GBytes) edited = NULL;
  g_autoptr (GBytes) step = NULL;
  g_autoptr (GBytes) replayed = NULL;
  g_autofree char *body = NULL;
  g_autofree char *want = NULL;
  PlRuleAction actions[] = { PL_RULE_SET_HEADER, PL_RULE_SET_HEADER, PL_RULE_REMOVE_HEADER,
                             PL_RULE_REPLACE_BODY };
  /* In the order of the edited message, then what it lost. */
  const char *names[] = { "Max-Forwards", "X-Added", "Contact", NULL };

  g_test_summary ("An edit that adds, changes and removes headers and changes the body "
                  "becomes set-header, remove-header and replace-body rules for that "
                  "message; an unchanged message gives no rule");

  g_assert_true (pl_rules_from_edit (sim, held, same, rules, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 0);

  step = replace_text (pl_held_get_wire (held), "Max-Forwards: 68", "Max-Forwards: 5");
  edited = replace_text (step, "\r\nContact: <sip:psadm1.home1.net>", "\r\nX-Added: yes");
  g_clear_pointer (&step, g_bytes_unref);
  step = g_steal_pointer (&edited);
  {
    /* A new body: Content-Length follows it in the edited text too. */
    g_autofree char *text = g_strndup (g_bytes_get_data (step, NULL), g_bytes_get_size (step));
    char *sep = strstr (text, "\r\n\r\n");
    g_autoptr (GString) s = NULL;
    g_autofree char *old_length = NULL;
    g_autofree char *new_length = NULL;

    g_assert_nonnull (sep);
    old_length = g_strdup_printf ("Content-Length: %zu", strlen (sep + 4));
    new_length = g_strdup_printf ("Content-Length: %zu", strlen ("new body"));
    sep[4] = '\0';
    s = g_string_new (text);
    g_assert_cmpuint (g_string_replace (s, old_length, new_length, 1), ==, 1);
    g_string_append (s, "new body");
    edited = g_bytes_new (s->str, s->len);
  }

  g_assert_true (pl_rules_from_edit (sim, held, edited, rules, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, G_N_ELEMENTS (actions));
  replayed = g_bytes_ref (pl_held_get_wire (held));
  for (guint i = 0; i < rules->len; i++)
    {
      PlRule *rule = g_ptr_array_index (rules, i);
      g_autoptr (GBytes) next = NULL;
      const char *value;

      g_assert_cmpint (pl_rule_get_action (rule), ==, actions[i]);
      if (names[i])
        g_assert_cmpstr (pl_rule_get_edit (rule, &value), ==, names[i]);
      g_assert_cmpstr (pl_rule_get_method (rule), ==, "NOTIFY");
      g_assert_cmpuint (pl_rule_get_nth (rule), ==, 2);
      g_assert_cmpint (pl_rule_get_point (rule), ==, PL_RULE_ON_DELIVER);
      /* Each has an id of its own. */
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (pl_rule_get_id (rule), !=, pl_rule_get_id (g_ptr_array_index (rules, j)));
    }
  pl_sim_release_held (sim, held, edited);
  pl_scheduler_run (pl_sim_get_scheduler (sim));
  {
    const PlTraceEvent *notify = find_message (sim, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 2);
    g_autofree char *mf = header_of (notify->wire, "Max-Forwards");
    g_autofree char *added = header_of (notify->wire, "X-Added");
    g_autofree char *contact = header_of (notify->wire, "Contact");

    g_assert_true (g_bytes_equal (notify->wire, edited));
    g_assert_cmpstr (mf, ==, "5");
    g_assert_cmpstr (added, ==, "yes");
    g_assert_null (contact);
  }
}

static void
test_edit_refused (void)
{
  PlHeld *held;
  g_autoptr (PlScenario) scenario = hold_push_notify (&held);
  PlSim *sim = pl_scenario_get_sim (scenario);
  g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) info = replace_text (pl_held_get_wire (held), "NOTIFY sip:", "INFO sip:");
  g_autoptr (GBytes) method = replace_text (info, "CSeq: 2 NOTIFY", "CSeq: 2 INFO");
  g_autoptr (GBytes) uri = replace_text (pl_held_get_wire (held), "NOTIFY sip:[5555",
                                         "NOTIFY sip:[6666");
  g_autoptr (GBytes) broken = replace_text (pl_held_get_wire (held), "CSeq: 2 NOTIFY",
                                            "CSeq: two");
  g_autoptr (GBytes) junk = g_bytes_new_static ("hello", 5);

  g_test_summary ("An edit of the start line, or one that is no usable SIP message, cannot "
                  "be replayed by rules: a clear error, no rule");

  g_assert_false (pl_rules_from_edit (sim, held, method, rules, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "start line changed"));
  g_clear_error (&error);
  g_assert_false (pl_rules_from_edit (sim, held, uri, rules, &error));
  g_assert_nonnull (strstr (error->message, "sip:[6666::aaa:bbb:ccc:ddd]:1357"));
  g_clear_error (&error);
  g_assert_false (pl_rules_from_edit (sim, held, broken, rules, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "CSeq"));
  g_clear_error (&error);
  g_assert_false (pl_rules_from_edit (sim, held, junk, rules, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (rules->len, ==, 0);
  pl_sim_drop_held (sim, held);
  g_assert_cmpuint (pl_sim_get_n_held (sim), ==, 0);
  pl_scheduler_run (pl_sim_get_scheduler (sim));
}

/* Quick actions: a rule made from an arrow of a finished run, added to a
 * fresh run of the same scenario. */
static PlScenario *
rerun_a3_with (PlRule *rule)
{
  g_autofree char *path = bundled (A3);
  PlScenario *scenario = load (path);

  pl_sim_add_rule (pl_scenario_get_sim (scenario), rule);
  run (scenario);
  return scenario;
}

static void
test_quick_actions (void)
{
  g_autofree char *path = bundled (A3);
  g_autoptr (PlScenario) baseline = load (path);
  g_autoptr (PlScenario) answered = NULL;
  g_autoptr (PlScenario) dropped = NULL;
  g_autoptr (PlScenario) delayed = NULL;
  g_autoptr (GError) error = NULL;
  const PlTraceEvent *push, *ok, *sent, *late, *on_time;
  PlSim *sim;
  PlRule *rule;

  g_test_summary ("Issue 6 quick actions on arrows: answer the push NOTIFY with 415, drop the "
                  "SUBSCRIBE when sent, delay the 200 by 2s: each a rule that picks exactly "
                  "that message in a re-run; a response cannot be answered");

  run (baseline);
  sim = pl_scenario_get_sim (baseline);
  push = find_message (sim, PL_EVENT_DELIVER, "pcscf", "ue", "NOTIFY", 2);
  ok = find_message (sim, PL_EVENT_DELIVER, "pcscf", "ue", "200 OK", 2);
  sent = find_message (sim, PL_EVENT_SEND, "ue", "pcscf", "SUBSCRIBE", 1);
  g_assert_nonnull (push);
  g_assert_nonnull (ok);
  g_assert_nonnull (sent);

  g_assert_null (pl_rule_new_answer_event (sim, ok, 415, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  rule = pl_rule_new_answer_event (sim, push, 415, "Not This Type", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pl_rule_get_nth (rule), ==, 2);
  answered = rerun_a3_with (rule);
  g_assert_nonnull (find_message (pl_scenario_get_sim (answered), PL_EVENT_SEND, "ue", "pcscf",
                                  "415 Not This Type", 1));
  g_assert_null (find_message (pl_scenario_get_sim (answered), PL_EVENT_DELIVER, "pcscf", "ue",
                               "NOTIFY", 2));
  g_assert_nonnull (find_message (pl_scenario_get_sim (answered), PL_EVENT_DELIVER, "pcscf", "ue",
                                  "NOTIFY", 1));

  rule = pl_rule_new_drop_event (sim, sent, PL_RULE_ON_SEND, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pl_rule_get_nth (rule), ==, 1);
  dropped = rerun_a3_with (rule);
  g_assert_nonnull (find_message (pl_scenario_get_sim (dropped), PL_EVENT_DROP, "ue", "pcscf",
                                  "SUBSCRIBE", 1));
  g_assert_nonnull (find_message (pl_scenario_get_sim (dropped), PL_EVENT_RETRANSMIT, "ue",
                                  "pcscf", "SUBSCRIBE", 1));

  rule = pl_rule_new_delay_event (sim, ok, PL_RULE_ON_DELIVER, PL_SEC (2), &error);
  g_assert_no_error (error);
  delayed = rerun_a3_with (rule);
  /* The same transmission (same hop: the run is the same until then)
   * arrives 2s later; meanwhile ue retransmitted its SUBSCRIBE. */
  on_time = ok;
  late = NULL;
  for (guint i = 0; i < pl_trace_get_n_events (pl_sim_get_trace (pl_scenario_get_sim (delayed)));
       i++)
    {
      const PlTraceEvent *e = pl_trace_get_event (pl_sim_get_trace (pl_scenario_get_sim (delayed)),
                                                  i);

      if (e->kind == PL_EVENT_DELIVER && e->hop == on_time->hop)
        late = e;
    }
  g_assert_nonnull (late);
  g_assert_true (g_bytes_equal (late->wire, on_time->wire));
  g_assert_cmpint (late->t_us, ==, on_time->t_us + PL_SEC (2));
  g_assert_nonnull (find_message (pl_scenario_get_sim (delayed), PL_EVENT_RETRANSMIT, "ue",
                                  "pcscf", "SUBSCRIBE", 1));
}

static void
test_event_never_delivered (void)
{
  g_autofree char *path = bundled (A3);
  g_autoptr (PlScenario) scenario = load (path);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlRule *lose = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_DROP);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlRule) at_send = NULL;
  const PlTraceEvent *dropped, *node_event = NULL;
  PlTrace *trace = pl_sim_get_trace (sim);

  g_test_summary ("A message that never reached the rules at delivery (dropped when sent) "
                  "gives no delivery rule and says why; an event that is no message gives "
                  "no rule");

  pl_rule_set_method (lose, "SUBSCRIBE");
  pl_rule_set_nth (lose, 1);
  pl_sim_add_rule (sim, lose);
  run (scenario);
  dropped = find_message (sim, PL_EVENT_DROP, "ue", "pcscf", "SUBSCRIBE", 1);
  g_assert_nonnull (dropped);
  g_assert_null (pl_rule_new_for_event (sim, dropped, PL_RULE_ON_DELIVER, PL_RULE_DROP, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "never reached the rules at delivery"));
  g_clear_error (&error);

  at_send = pl_rule_new_for_event (sim, dropped, PL_RULE_ON_SEND, PL_RULE_DELAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pl_rule_get_nth (at_send), ==, 1);

  for (guint i = 0; i < pl_trace_get_n_events (trace) && node_event == NULL; i++)
    if (!pl_trace_event_is_message (pl_trace_get_event (trace, i)))
      node_event = pl_trace_get_event (trace, i);
  g_assert_null (pl_rule_new_for_event (sim, node_event, PL_RULE_ON_SEND, PL_RULE_DROP, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Writes @text as scenarios/@name in @dir and returns the path. */
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
  g_test_add_func ("/alter/hold/remove-rule", test_remove_rule);
  g_test_add_func ("/alter/hold/dispose", test_dispose_holding);
  g_test_add_func ("/alter/rule/ids", test_rule_ids);
  g_test_add_func ("/alter/edit/rules", test_edit_rules);
  g_test_add_func ("/alter/edit/refused", test_edit_refused);
  g_test_add_func ("/alter/quick/actions", test_quick_actions);
  g_test_add_func ("/alter/quick/never-delivered", test_event_never_delivered);

  return g_test_run ();
}
