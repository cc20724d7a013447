/* test-alter-save.c: alteration rules written into scenario files and
 * read back; hold rules in a headless run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "test-alter-util.h"

#define TINY_HEAD \
  "<?xml version=\"1.0\"?>\n" \
  "<scenario name=\"tiny\">\n" \
  "  <network>\n" \
  "    <node id=\"a\" kind=\"ua\" host=\"a.example.net\"/>\n" \
  "    <node id=\"b\"\n" \
  "          kind=\"ua\" host=\"b.example.net\"/>\n" \
  "  </network>\n"

#define BODY "line 1\r\nline \"2\" <&>\tend"

static void
test_save_keeps_file (void)
{
  char *dir = workdir_new ();
  g_autofree char *out = workdir_file (dir, "same.xml");
  g_autoptr (PlSim) sim = pl_sim_new (1);
  g_autoptr (GDir) scenarios = g_dir_open (g_getenv ("PUSHLAB_SCENARIODIR"), 0, NULL);
  const char *name;
  guint n = 0;

  g_test_summary ("Saving no rule writes every bundled scenario back byte for byte: the "
                  "file is kept as written (multi-line start tags, comments, entities)");

  g_assert_nonnull (scenarios);
  while ((name = g_dir_read_name (scenarios)) != NULL)
    {
      g_autofree char *in = bundled (name);
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autoptr (GError) error = NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      g_assert_true (pl_scenario_save_rules (in, out, NULL, 0, sim, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (in, &before, NULL, NULL));
      g_assert_true (g_file_get_contents (out, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, before);
      n++;
    }
  g_assert_cmpuint (n, >=, 6);
  workdir_free (dir);
}

static void
save_and_compare (const char *dir,
                  const char *text,
                  PlRule     *rule,
                  const char *expected)
{
  g_autofree char *in = write_scenario (dir, "in.xml", text);
  g_autofree char *out = workdir_file (dir, "out.xml");
  g_autoptr (PlScenario) scenario = load (in);
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  g_autoptr (PlScenario) again = NULL;

  g_assert_true (pl_scenario_save_rules (in, out, &rule, 1, pl_scenario_get_sim (scenario),
                                        &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, expected);
  again = load (out);
  g_assert_nonnull (pl_sim_find_rule (pl_scenario_get_sim (again), pl_rule_get_id (rule)));
}

static void
test_save_places (void)
{
  char *dir = workdir_new ();
  g_autoptr (PlRule) rule = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_DROP);

  g_test_summary ("A new <alter> goes before <expect>, or last; rules go after the last rule "
                  "of an existing <alter>, opened up when it was <alter/>; all indented like "
                  "their neighbours");

  pl_rule_set_id (rule, "x");
  pl_rule_set_method (rule, "MESSAGE");
  save_and_compare (dir, TINY_HEAD "  <expect>\n  </expect>\n</scenario>\n", rule,
                    TINY_HEAD "  <alter>\n"
                    "    <rule id=\"x\" on=\"send\" request=\"MESSAGE\" action=\"drop\"/>\n"
                    "  </alter>\n"
                    "  <expect>\n  </expect>\n</scenario>\n");
  save_and_compare (dir, TINY_HEAD "</scenario>\n", rule,
                    TINY_HEAD "  <alter>\n"
                    "    <rule id=\"x\" on=\"send\" request=\"MESSAGE\" action=\"drop\"/>\n"
                    "  </alter>\n</scenario>\n");
  save_and_compare (dir, TINY_HEAD "  <alter/>\n</scenario>\n", rule,
                    TINY_HEAD "  <alter>\n"
                    "    <rule id=\"x\" on=\"send\" request=\"MESSAGE\" action=\"drop\"/>\n"
                    "  </alter>\n</scenario>\n");
  save_and_compare (dir, TINY_HEAD "  <alter>\n    <!-- kept -->\n"
                    "    <rule on=\"send\"\n          action=\"drop\"/>\n  </alter>\n"
                    "</scenario>\n", rule,
                    TINY_HEAD "  <alter>\n    <!-- kept -->\n"
                    "    <rule on=\"send\"\n          action=\"drop\"/>\n"
                    "    <rule id=\"x\" on=\"send\" request=\"MESSAGE\" action=\"drop\"/>\n"
                    "  </alter>\n</scenario>\n");
  workdir_free (dir);
}

static void
test_save_refused (void)
{
  char *dir = workdir_new ();
  g_autofree char *in = write_scenario (dir, "in.xml", TINY_HEAD "  <alter>\n"
                                        "    <rule on=\"send\" action=\"drop\"/>\n"
                                        "  </alter>\n</scenario>\n");
  g_autofree char *out = workdir_file (dir, "out.xml");
  g_autoptr (PlScenario) scenario = load (in);
  g_autoptr (PlRule) rule = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_REPLACE_BODY);
  g_autoptr (GBytes) binary = g_bytes_new_static ("\x01\x02", 2);
  g_autoptr (GBytes) text = g_bytes_new_static ("text", 4);
  g_autoptr (GError) error = NULL;

  g_test_summary ("Saving refuses an id the file already uses (rule-1 for its first rule "
                  "without id) and a body an XML attribute cannot hold; nothing is written");

  pl_rule_set_id (rule, "rule-1");
  pl_rule_set_body (rule, text, NULL);
  g_assert_false (pl_scenario_save_rules (in, out, &rule, 1, pl_scenario_get_sim (scenario),
                                         &error));
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "'rule-1'"));
  g_clear_error (&error);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  pl_rule_set_id (rule, "bin");
  pl_rule_set_body (rule, binary, NULL);
  g_assert_null (pl_rule_to_xml (rule, pl_scenario_get_sim (scenario), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (pl_scenario_save_rules (in, out, &rule, 1, pl_scenario_get_sim (scenario),
                                         &error));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  workdir_free (dir);
}

static PlRule *
add_rule (GPtrArray    *rules,
          PlRulePoint   point,
          PlRuleAction  action,
          const char   *id)
{
  PlRule *rule = pl_rule_new (point, action);

  pl_rule_set_id (rule, id);
  g_ptr_array_add (rules, rule);
  return rule;
}

static void
test_rule_xml_round_trip (void)
{
  char *dir = workdir_new ();
  g_autofree char *in = write_scenario (dir, "in.xml", TINY_HEAD "</scenario>\n");
  g_autofree char *out = workdir_file (dir, "out.xml");
  g_autoptr (PlScenario) scenario = load (in);
  g_autoptr (PlScenario) again = NULL;
  g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  g_autoptr (GRegex) regex = g_regex_new ("^<sip:.*>$", 0, 0, NULL);
  g_autoptr (GBytes) body = g_bytes_new_static (BODY, strlen (BODY));
  g_autoptr (GError) error = NULL;
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlRule *rule;
  g_autofree char *xml = NULL;

  g_test_summary ("Every action and criterion written by pl_rule_to_xml reads back as the "
                  "same rule (nodes by id, durations, status classes, CRLF and markup in "
                  "attribute values)");

  rule = add_rule (rules, PL_RULE_ON_SEND, PL_RULE_DROP, "d");
  pl_rule_set_hop (rule, 0, 1);
  pl_rule_set_method (rule, "MESSAGE");
  pl_rule_set_header (rule, "From", regex);
  pl_rule_set_nth (rule, 3);
  rule = add_rule (rules, PL_RULE_ON_DELIVER, PL_RULE_DELAY, "dl");
  pl_rule_set_status (rule, 400, 499);
  pl_rule_set_delay (rule, PL_MSEC (40));
  rule = add_rule (rules, PL_RULE_ON_DELIVER, PL_RULE_DUPLICATE, "dup");
  pl_rule_set_proto (rule, "msrp");
  pl_rule_set_delay (rule, 1500);
  rule = add_rule (rules, PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER, "sh");
  pl_rule_set_status (rule, 180, 180);
  pl_rule_set_edit (rule, "Subject", "a \"quoted\" <value>");
  rule = add_rule (rules, PL_RULE_ON_SEND, PL_RULE_REMOVE_HEADER, "rh");
  pl_rule_set_edit (rule, "Contact", NULL);
  rule = add_rule (rules, PL_RULE_ON_DELIVER, PL_RULE_REPLACE_BODY, "rb");
  pl_rule_set_hop (rule, -1, 1);
  pl_rule_set_body (rule, body, "text/plain");
  rule = add_rule (rules, PL_RULE_ON_DELIVER, PL_RULE_RESPOND, "rs");
  pl_rule_set_method (rule, "MESSAGE");
  pl_rule_set_nth (rule, 2);
  pl_rule_set_nth_counts_all (rule, TRUE);
  pl_rule_set_response (rule, 415, "Try Again");
  rule = add_rule (rules, PL_RULE_ON_SEND, PL_RULE_HOLD, "h");
  pl_rule_set_method (rule, "MESSAGE");

  xml = pl_rule_to_xml (g_ptr_array_index (rules, 0), sim, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xml, ==, "<rule id=\"d\" on=\"send\" from=\"a\" to=\"b\" request=\"MESSAGE\" "
                   "header=\"From\" matches=\"^&lt;sip:.*&gt;$\" nth=\"3\" action=\"drop\"/>");
  g_clear_pointer (&xml, g_free);
  xml = pl_rule_to_xml (g_ptr_array_index (rules, 5), sim, &error);
  g_assert_cmpstr (xml, ==, "<rule id=\"rb\" on=\"deliver\" to=\"b\" action=\"replace-body\" "
                   "body=\"line 1&#13;&#10;line &quot;2&quot; &lt;&amp;&gt;&#9;end\" "
                   "content-type=\"text/plain\"/>");

  g_assert_true (pl_scenario_save_rules (in, out, (PlRule **) rules->pdata, rules->len, sim,
                                        &error));
  g_assert_no_error (error);
  again = load (out);
  g_assert_cmpuint (pl_sim_get_n_rules (pl_scenario_get_sim (again)), ==, rules->len);
  for (guint i = 0; i < rules->len; i++)
    {
      PlRule *loaded = pl_sim_get_rule (pl_scenario_get_sim (again), i);
      g_autofree char *a = pl_rule_to_xml (g_ptr_array_index (rules, i), sim, NULL);
      g_autofree char *b = pl_rule_to_xml (loaded, pl_scenario_get_sim (again), NULL);

      g_assert_cmpstr (b, ==, a);
    }
  {
    GBytes *loaded_body = pl_rule_get_body (pl_sim_get_rule (pl_scenario_get_sim (again), 5), NULL);

    g_assert_true (g_bytes_equal (loaded_body, body));
  }
  workdir_free (dir);
}

static void
test_load_errors (void)
{
  char *dir = workdir_new ();
  const struct {
    const char *rule;
    const char *message;
  } cases[] = {
    { "<rule action=\"hold\" status=\"415\"/>",
      "attribute 'status' of <rule> only goes with action=\"respond\", not action=\"hold\"" },
    { "<rule action=\"drop\" nth-counts=\"all\"/>", "nth-counts= needs nth=" },
    { "<rule action=\"drop\" nth=\"1\" nth-counts=\"some\"/>", "nth-counts" },
  };

  g_test_summary ("action=\"hold\" takes no action parameter; nth-counts needs nth and is "
                  "reaching or all");

  pl_models_register ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf (TINY_HEAD "  <alter>\n    %s\n  </alter>\n"
                                               "</scenario>\n", cases[i].rule);
      g_autofree char *path = write_scenario (dir, "bad.xml", text);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlScenario) scenario = pl_scenario_load (path, NULL, &error);

      g_assert_null (scenario);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "bad.xml:9:"));
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("expected '%s' in: %s", cases[i].message, error->message);
    }
  workdir_free (dir);
}

static void
test_nth_counts_all (void)
{
  char *dir = workdir_new ();
  g_autofree char *in = bundled (A3);
  g_autofree char *out = workdir_file (dir, "nth.xml");
  g_autoptr (PlScenario) scenario = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSim) names = pl_sim_new (1);
  PlRule *rules[3];
  const PlTraceEvent *notify;
  g_autofree char *reaching = NULL;
  g_autofree char *all = NULL;
  PlSim *sim;

  g_test_summary ("nth-counts=\"all\" counts the messages an earlier rule dropped; the "
                  "default counts only those that reach the rule");

  /* The rules name no hop: the first NOTIFY delivered (psa -> scscf) is
   * lost, the second to arrive is its retransmission. */
  rules[0] = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_DROP);
  pl_rule_set_id (rules[0], "lose");
  pl_rule_set_method (rules[0], "NOTIFY");
  pl_rule_set_nth (rules[0], 1);
  rules[1] = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER);
  pl_rule_set_id (rules[1], "reaching");
  pl_rule_set_method (rules[1], "NOTIFY");
  pl_rule_set_nth (rules[1], 2);
  pl_rule_set_edit (rules[1], "X-Reaching", "2");
  rules[2] = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER);
  pl_rule_set_id (rules[2], "all");
  pl_rule_set_method (rules[2], "NOTIFY");
  pl_rule_set_nth (rules[2], 2);
  pl_rule_set_nth_counts_all (rules[2], TRUE);
  pl_rule_set_edit (rules[2], "X-All", "2");
  g_assert_true (pl_scenario_save_rules (in, out, rules, 3, names, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    pl_rule_free (rules[i]);

  scenario = load (out);
  run (scenario);
  sim = pl_scenario_get_sim (scenario);
  notify = find_message (sim, PL_EVENT_DELIVER, "psa", "scscf", "NOTIFY", 1);
  g_assert_nonnull (notify);
  all = header_of (notify->wire, "X-All");
  reaching = header_of (notify->wire, "X-Reaching");
  g_assert_cmpstr (all, ==, "2");
  g_assert_null (reaching);
  workdir_free (dir);
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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alter/save/keeps-file", test_save_keeps_file);
  g_test_add_func ("/alter/save/places", test_save_places);
  g_test_add_func ("/alter/save/refused", test_save_refused);
  g_test_add_func ("/alter/save/round-trip", test_rule_xml_round_trip);
  g_test_add_func ("/alter/load/errors", test_load_errors);
  g_test_add_func ("/alter/rule/nth-counts", test_nth_counts_all);
  g_test_add_func ("/alter/hold/headless", test_hold_headless);

  return g_test_run ();
}
