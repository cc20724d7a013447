/* test-scenario.c: scenario files: parsing, errors, running, expectations.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-action.h"
#include "pl-node.h"
#include "pl-rule.h"
#include "pl-scenario.h"
#include "pl-trace.h"

/* A node kind of the tests: configure takes "color", the timeline takes
 * <ping node tag/>, which records an app event "pinged" (detail = tag). */

#define PL_TYPE_TEST_NODE (pl_test_node_get_type ())
G_DECLARE_FINAL_TYPE (PlTestNode, pl_test_node, PL, TEST_NODE, PlNode)

struct _PlTestNode {
  PlNode parent_instance;
  char *color;
};

G_DEFINE_FINAL_TYPE (PlTestNode, pl_test_node, PL_TYPE_NODE)

static void
on_ping (PlNode   *node,
         gpointer  data)
{
  pl_node_app_event (node, "pinged", "%s", (const char *) data);
}

static gboolean
pl_test_node_configure (PlNode        *node,
                        PlXmlContext  *ctx,
                        xmlNode       *element,
                        GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "color", NULL };
  PlTestNode *self = PL_TEST_NODE (node);

  if (!pl_xml_check_attrs (ctx, element, attrs, error))
    return FALSE;
  self->color = g_strdup (pl_xml_attr (element, "color"));
  return TRUE;
}

static PlAction *
pl_test_node_parse_action (PlNode        *node,
                           PlXmlContext  *ctx,
                           xmlNode       *element,
                           GError       **error)
{
  static const char *const attrs[] = { "node", "tag", NULL };
  const char *tag;

  if (!xmlStrEqual (element->name, BAD_CAST "ping"))
    return NULL;
  if (!pl_xml_check_attrs (ctx, element, attrs, error) ||
      !pl_xml_require_attr (ctx, element, "tag", &tag, error))
    return NULL;
  return pl_action_new (node, "ping", on_ping, g_strdup (tag), g_free);
}

static void
pl_test_node_finalize (GObject *object)
{
  g_free (PL_TEST_NODE (object)->color);
  G_OBJECT_CLASS (pl_test_node_parent_class)->finalize (object);
}

static void
pl_test_node_class_init (PlTestNodeClass *klass)
{
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pl_test_node_finalize;
  node_class->configure = pl_test_node_configure;
  node_class->parse_action = pl_test_node_parse_action;
}

static void
pl_test_node_init (PlTestNode *self)
{
}

/* Helpers ------------------------------------------------------------ */

static char *
data_file (const char *name)
{
  return g_strdup (g_test_get_filename (G_TEST_DIST, "data", name, NULL));
}

static PlScenario *
load_data (const char *name)
{
  g_autofree char *path = data_file (name);
  g_autoptr(GError) error = NULL;
  PlScenario *scenario = pl_scenario_load (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  return scenario;
}

static const PlCheck *
find_check (const PlReport *report,
            const char     *name)
{
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, i);

      if (g_str_equal (check->name, name))
        return check;
    }
  g_test_message ("no check named '%s'", name);
  return NULL;
}

static void
assert_passed (const PlReport *report,
               const char     *name)
{
  const PlCheck *check = find_check (report, name);

  g_assert_nonnull (check);
  if (!check->passed)
    g_test_message ("%s: %s", name, check->message);
  g_assert_true (check->passed);
  g_assert_null (check->message);
}

static const char *
assert_failed (const PlReport *report,
               const char     *name)
{
  const PlCheck *check = find_check (report, name);

  g_assert_nonnull (check);
  g_assert_false (check->passed);
  g_assert_nonnull (check->message);
  g_test_message ("%s: %s", name, check->message);
  return check->message;
}

/* Node indices of expect-flow.xml and expect-order.xml. */
enum { ALICE, PROXY, BOB };

static char *
wire_request (const char *method,
             int         max_forwards,
             const char *extra)
{
  return g_strdup_printf ("%s sip:bob@[2001:db8::b0b]:5062 SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP alice.example.net:5061;branch=z9hG4bK.1\r\n"
                          "Max-Forwards: %d\r\n"
                          "From: <sip:alice@example.net>;tag=a1\r\n"
                          "To: <sip:bob@example.net>\r\n"
                          "Call-ID: c1@alice.example.net\r\n"
                          "CSeq: 1 %s\r\n"
                          "%s"
                          "Content-Type: text/plain\r\n"
                          "Content-Length: 5\r\n"
                          "\r\n"
                          "hello",
                          method, max_forwards, method, extra ? extra : "");
}

static char *
wire_response (int         status,
              const char *phrase,
              const char *body)
{
  return g_strdup_printf ("SIP/2.0 %d %s\r\n"
                          "Via: SIP/2.0/UDP alice.example.net:5061;branch=z9hG4bK.1\r\n"
                          "From: <sip:alice@example.net>;tag=a1\r\n"
                          "To: <sip:bob@example.net>;tag=b1\r\n"
                          "Call-ID: c1@alice.example.net\r\n"
                          "CSeq: 1 MESSAGE\r\n"
                          "Content-Type: text/plain\r\n"
                          "Content-Length: %zu\r\n"
                          "\r\n"
                          "%s",
                          status, phrase, strlen (body), body);
}

static void
add_message (PlTrace     *trace,
             PlTime       t,
             PlEventKind  kind,
             int          from,
             int          to,
             const char  *label,
             const char  *wire)
{
  g_autoptr(GBytes) bytes = g_bytes_new (wire, strlen (wire));
  PlTraceEvent *event;

  event = pl_trace_begin_message (trace, t, kind, from, to, PL_TRANSPORT_UDP, "sip",
                                  pl_trace_get_n_events (trace), bytes, label);
  pl_trace_commit (trace, event);
}

static void
add_node_event (PlTrace    *trace,
                PlTime      t,
                PlEventKind kind,
                const char *name,
                int         node)
{
  pl_trace_commit (trace, pl_trace_begin_node (trace, t, kind, name, node));
}

/* The trace of expect-flow.xml's story; @answer is Bob's final status. */
static void
fill_story (PlTrace *trace,
            int      max_forwards,
            int      answer)
{
  g_autofree char *message = wire_request ("MESSAGE", max_forwards, NULL);
  g_autofree char *forwarded = wire_request ("MESSAGE", max_forwards - 1, NULL);
  g_autofree char *busy = wire_response (486, "Busy Here", "busy here");
  g_autofree char *ok = wire_response (200, "OK", "");
  const char *final = answer == 486 ? busy : ok;
  const char *label = answer == 486 ? "486 Busy Here" : "200 OK";
  PlTraceEvent *event;

  add_message (trace, PL_MSEC (0), PL_EVENT_SEND, ALICE, PROXY, "MESSAGE", message);      /* #0 */
  add_message (trace, PL_MSEC (40), PL_EVENT_DELIVER, ALICE, PROXY, "MESSAGE", message);  /* #1 */
  add_message (trace, PL_MSEC (40), PL_EVENT_SEND, PROXY, BOB, "MESSAGE", forwarded);     /* #2 */

  event = pl_trace_begin_node (trace, PL_MSEC (50), PL_EVENT_RULE, "rule", BOB);          /* #3 */
  pl_trace_event_add_string (event, "rule", "lose-first");
  pl_trace_commit (trace, event);

  add_message (trace, PL_MSEC (50), PL_EVENT_DROP, PROXY, BOB, "MESSAGE", forwarded);     /* #4 */
  add_message (trace, PL_MSEC (540), PL_EVENT_RETRANSMIT, PROXY, BOB, "MESSAGE", forwarded); /* #5 */
  add_message (trace, PL_MSEC (550), PL_EVENT_DELIVER, PROXY, BOB, "MESSAGE", forwarded); /* #6 */
  add_message (trace, PL_MSEC (550), PL_EVENT_SEND, BOB, PROXY, label, final);            /* #7 */
  add_message (trace, PL_MSEC (560), PL_EVENT_DELIVER, BOB, PROXY, label, final);         /* #8 */
  add_message (trace, PL_MSEC (560), PL_EVENT_SEND, PROXY, ALICE, label, final);          /* #9 */
  add_message (trace, PL_MSEC (1250), PL_EVENT_DELIVER, PROXY, ALICE, label, final);      /* #10 */

  event = pl_trace_begin_node (trace, PL_MSEC (1250), PL_EVENT_APP, "response", ALICE);   /* #11 */
  pl_trace_event_add_int (event, "status", answer);
  pl_trace_event_add_bool (event, "final", TRUE);
  pl_trace_commit (trace, event);
}

/* Units -------------------------------------------------------------- */

static void
test_duration (void)
{
  static const struct {
    const char *text;
    PlTime value;
  } good[] = {
    { "0", 0 },
    { "0.0", 0 },
    { "0s", 0 },
    { "500us", 500 },
    { "40ms", PL_MSEC (40) },
    { "2s", PL_SEC (2) },
    { "1.5s", PL_MSEC (1500) },
    { "0.25ms", 250 },
    { "2min", PL_SEC (120) },
    { "1h", PL_SEC (3600) },
    { "1.000001s", PL_SEC (1) + 1 },
    { "0.4us", 0 },
    { "0.5us", 1 },
    { " 40ms ", PL_MSEC (40) },
    { "9223372036854775807us", G_MAXINT64 },
  };
  static const char *const bad[] = {
    "", " ", "40", "1.5", "-1s", "+1s", "1.s", ".5s", "40 ms", "40 parsecs", "40MS",
    "1sec", "1m", "1e3ms", "0x10s", "NaN", "inf", "1,5s", "9223372036854775808us",
    "2562047789h", "2562047788.1h", "99999999999999999999s",
  };

  g_test_summary ("Durations: a number with us, ms, s, min or h, a bare 0 only; "
                  "negatives, bare numbers and overflow are refused");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      PlTime t = -42;

      g_test_message ("'%s'", good[i].text);
      g_assert_true (pl_parse_duration (good[i].text, &t));
      g_assert_cmpint (t, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      PlTime t = -42;

      g_test_message ("'%s'", bad[i]);
      g_assert_false (pl_parse_duration (bad[i], &t));
      g_assert_cmpint (t, ==, -42);
    }
  g_assert_false (pl_parse_duration (NULL, &(PlTime) { 0 }));
}

static void
test_bandwidth (void)
{
  static const struct {
    const char *text;
    guint64 value;
  } good[] = {
    { "0", 0 },
    { "9600", 9600 },
    { "9600bps", 9600 },
    { "64kbps", 64000 },
    { "64Kbps", 64000 },
    { "1Mbps", 1000000 },
    { "1.5Mbps", 1500000 },
    { "10Gbps", G_GUINT64_CONSTANT (10000000000) },
    { "18446744073709551615", G_MAXUINT64 },
  };
  static const char *const bad[] = {
    "", "fast", "1.5", "-1", "-1kbps", "1 Mbps", "1mbps", "1MBps", "1Tbps", "1Mbit",
    "18446744073709551616", "18446744073709551616bps", "20000000000Gbps",
  };

  g_test_summary ("Bandwidths: bits per second, bare or with bps, kbps, Mbps, Gbps");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint64 v = 42;

      g_test_message ("'%s'", good[i].text);
      g_assert_true (pl_parse_bandwidth (good[i].text, &v));
      g_assert_cmpuint (v, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint64 v = 42;

      g_test_message ("'%s'", bad[i]);
      g_assert_false (pl_parse_bandwidth (bad[i], &v));
      g_assert_cmpuint (v, ==, 42);
    }
}

/* Broken files ------------------------------------------------------- */

typedef struct {
  const char *file;
  PlScenarioError code;
  int line;
  int column;          /* 0: not checked */
  const char *text;    /* the message after "FILE:LINE:COL: " contains it */
} BadFile;

static const BadFile bad_files[] = {
  { "not-well-formed.xml", PL_SCENARIO_ERROR_SYNTAX, 5, 14,
    "expected an attribute value in quotes (\" or ')" },
  { "unknown-kind.xml", PL_SCENARIO_ERROR_INVALID, 5, 20,
    "unknown node kind 'toaster' (known kinds: test)" },
  { "link-unknown-node.xml", PL_SCENARIO_ERROR_INVALID, 6, 21,
    "attribute 'b' of <link>: there is no node 'carol' (nodes: alice, bob)" },
  { "bad-duration.xml", PL_SCENARIO_ERROR_INVALID, 7, 11,
    "attribute 'latency' of <link>: expected a duration such as 40ms or 1.5s, got '40 parsecs'" },
  { "missing-attr.xml", PL_SCENARIO_ERROR_SCHEMA, 5, 5,
    "<node>: the attribute 'host' is required but missing" },
  { "doctype-entity.xml", PL_SCENARIO_ERROR_SYNTAX, 2, 1,
    "a DOCTYPE is not allowed (DTDs and external entities are off)" },
  { "unknown-element.xml", PL_SCENARIO_ERROR_SCHEMA, 7, 5,
    "<bogus>: this element is not expected" },
  { "duplicate-node.xml", PL_SCENARIO_ERROR_INVALID, 6, 11,
    "duplicate node id 'alice' (first defined on line 4)" },
  { "rule-unknown-node.xml", PL_SCENARIO_ERROR_INVALID, 9, 24,
    "attribute 'at' of <rule>: there is no node 'carol'" },
  { "expect-unknown-node.xml", PL_SCENARIO_ERROR_INVALID, 11, 32,
    "attribute 'to' of <msg>: there is no node 'carol'" },
  { "bad-regex.xml", PL_SCENARIO_ERROR_INVALID, 11, 34,
    "attribute 'matches' of <msg>: bad regular expression '^(70$': " },
  { "action-unknown-node.xml", PL_SCENARIO_ERROR_INVALID, 11, 13,
    "attribute 'node' of <ping>: there is no node 'carol'" },
  { "empty.xml", PL_SCENARIO_ERROR_SYNTAX, 1, 1, "the file is empty" },
  { "unknown-attribute.xml", PL_SCENARIO_ERROR_SCHEMA, 6, 44,
    "attribute 'jitterr' is not allowed on <link>" },
  { "respond-to-response.xml", PL_SCENARIO_ERROR_INVALID, 9, 22,
    "action=\"respond\" answers a request; it cannot match a response" },
  { "duplicate-host.xml", PL_SCENARIO_ERROR_INVALID, 6, 34,
    "host 'alice.example.net:5061' is already node 'alice'" },
  { "unknown-action.xml", PL_SCENARIO_ERROR_INVALID, 11, 7,
    "node kind 'test' has no action <dance> (node 'bob')" },
  { "count-and-min.xml", PL_SCENARIO_ERROR_INVALID, 9, 47,
    "count= is an exact number; it does not go with min= or max=" },
  { "bad-loss.xml", PL_SCENARIO_ERROR_INVALID, 6, 29,
    "attribute 'loss' of <link>: expected a number from 0 to 1, got '1.5'" },
  { "wrong-root.xml", PL_SCENARIO_ERROR_SCHEMA, 2, 1,
    "the root element must be <scenario>" },
  { "rule-param-mismatch.xml", PL_SCENARIO_ERROR_INVALID, 9, 52,
    "attribute 'status' of <rule> only goes with action=\"respond\", not action=\"drop\"" },
  { "bad-seed.xml", PL_SCENARIO_ERROR_INVALID, 2, 32,
    "attribute 'seed' of <scenario>: expected a whole number, got '-1'" },
  { "bad-host.xml", PL_SCENARIO_ERROR_INVALID, 4, 34,
    "attribute 'host' of <node>: expected a host name" },
  { "kind-config.xml", PL_SCENARIO_ERROR_INVALID, 6, 11,
    "attribute 'colour' is not allowed on <node> (allowed: id, kind, host, color)" },
  { "bad-bandwidth.xml", PL_SCENARIO_ERROR_INVALID, 3, 12,
    "attribute 'bandwidth' of <network>: expected a bandwidth such as 64kbps" },
  { "bad-nth.xml", PL_SCENARIO_ERROR_INVALID, 9, 38,
    "attribute 'nth' of <rule>: expected a whole number from 1 to 4294967295, got '0'" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadFile *bad = data;
  g_autofree char *path = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = NULL;
  const char *rest;

  summary = g_strdup_printf ("%s is refused with an error that names its line (%d) and says why",
                             bad->file, bad->line);
  g_test_summary (summary);

  path = g_strdup (g_test_get_filename (G_TEST_DIST, "bad", bad->file, NULL));
  scenario = pl_scenario_load (path, NULL, &error);
  g_assert_null (scenario);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, PL_SCENARIO_ERROR, (int) bad->code);

  prefix = g_strdup_printf ("%s:%d:", path, bad->line);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  rest = error->message + strlen (prefix);
  if (bad->column > 0)
    {
      g_autofree char *column = g_strdup_printf ("%d: ", bad->column);

      g_assert_true (g_str_has_prefix (rest, column));
    }
  g_assert_nonnull (strstr (rest, bad->text));
  /* Nothing outside the file ever reaches a message. */
  g_assert_null (strstr (error->message, "root:"));
}

static void
test_doctype_no_leak (void)
{
  g_autofree char *path = NULL;
  g_autofree char *passwd = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  PlReport *report;

  g_test_summary ("A DOCTYPE with an external entity is refused by load, peek and "
                  "run_file, and the entity's target never shows in a message");

  path = g_strdup (g_test_get_filename (G_TEST_DIST, "bad", "doctype-entity.xml", NULL));

  g_assert_false (pl_scenario_peek (path, &name, &description, &error));
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_null (name);
  g_assert_null (description);

  g_clear_error (&error);
  report = pl_scenario_run_file (path, NULL, NULL, &error);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_ERROR);
  g_assert_cmpstr (report->error, ==, error->message);

  if (g_file_get_contents ("/etc/passwd", &passwd, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (passwd, "\n", 0);

      for (guint i = 0; lines[i]; i++)
        {
          g_auto(GStrv) fields = g_strsplit (lines[i], ":", 2);

          if (fields[0] && strlen (fields[0]) >= 3)
            {
              g_autofree char *entry = g_strconcat (fields[0], ":", NULL);

              g_assert_null (strstr (error->message, entry));
              g_assert_null (strstr (report->name, entry));
            }
        }
    }
  pl_report_free (report);
}

static void
test_missing_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = NULL;
  g_autoptr(PlReport) report = NULL;

  g_test_summary ("A file that does not exist gives a FILE error that names it, and "
                  "a report with verdict ERROR");

  path = g_build_filename (g_test_get_dir (G_TEST_DIST), "bad", "no-such-file.xml", NULL);
  scenario = pl_scenario_load (path, NULL, &error);
  g_assert_null (scenario);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "No such file"));

  g_clear_error (&error);
  report = pl_scenario_run_file (path, NULL, NULL, &error);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_ERROR);
  g_assert_cmpstr (report->error, ==, error->message);
  g_assert_cmpstr (report->name, ==, "no-such-file.xml");
  g_assert_cmpstr (report->file, ==, path);
  g_assert_cmpuint (report->checks->len, ==, 0);
}

/* Loading ------------------------------------------------------------ */

static const char *
rule_node_name (int      index,
                gpointer data)
{
  return pl_node_get_id (pl_sim_get_node (data, index));
}

static void
test_load (void)
{
  g_autoptr(PlScenario) scenario = load_data ("timeline.xml");
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlNode *alice, *bob;
  const PlLinkParams *link;
  static const char *const rules[][2] = {
    { "rule-1", "on deliver to bob: MESSAGE #1 -> drop" },
    { "slow", "on send from alice to bob: 400-499 -> delay 2000000us" },
    { "rule-3", "on deliver to alice with Subject ~ ^urgent -> respond 503" },
    { "rule-4", "on deliver to bob: MESSAGE -> replace-body" },
    { "rule-5", "on deliver to bob: MESSAGE -> set-header Subject: rewritten" },
  };

  g_test_summary ("A valid scenario builds its nodes (configured by their kind), "
                  "links with network defaults, and rules with their hop");

  g_assert_cmpstr (pl_scenario_get_name (scenario), ==, "timeline order");
  g_assert_null (pl_scenario_get_description (scenario));
  g_assert_cmpstr (pl_scenario_get_dialect (scenario), ==, "plain");
  g_assert_cmpuint (pl_scenario_get_seed (scenario), ==, 42);
  g_assert_cmpuint (pl_sim_get_seed (sim), ==, 42);
  g_assert_true (g_str_has_suffix (pl_scenario_get_file (scenario), "timeline.xml"));

  g_assert_cmpuint (pl_sim_get_n_nodes (sim), ==, 2);
  alice = pl_sim_find_node (sim, "alice");
  bob = pl_sim_find_node (sim, "bob");
  g_assert_nonnull (alice);
  g_assert_nonnull (bob);
  g_assert_cmpstr (pl_node_get_kind (alice), ==, "test");
  g_assert_cmpstr (PL_TEST_NODE (alice)->color, ==, "blue");
  g_assert_null (PL_TEST_NODE (bob)->color);
  g_assert_cmpstr (pl_node_get_host (bob), ==, "bob.example.net:5070");

  link = pl_sim_get_link (sim, alice, bob);
  g_assert_cmpint (link->latency, ==, PL_MSEC (40));
  g_assert_cmpint (link->jitter, ==, PL_MSEC (1));
  g_assert_cmpfloat (link->loss, ==, 0.25);
  g_assert_cmpuint (link->bandwidth, ==, 1500000);
  g_assert_cmpint (link->transport, ==, PL_TRANSPORT_TCP);
  link = pl_sim_get_link (sim, bob, alice);
  g_assert_cmpint (link->latency, ==, PL_MSEC (40));

  g_assert_cmpuint (pl_sim_get_n_rules (sim), ==, G_N_ELEMENTS (rules));
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      PlRule *rule = pl_sim_get_rule (sim, i);
      g_autofree char *text = pl_rule_describe (rule, rule_node_name, sim);

      g_assert_cmpstr (pl_rule_get_id (rule), ==, rules[i][0]);
      g_assert_cmpstr (text, ==, rules[i][1]);
    }
  g_assert_cmpint (pl_rule_get_point (pl_sim_get_rule (sim, 1)), ==, PL_RULE_ON_SEND);
  g_assert_cmpint (pl_rule_get_action (pl_sim_get_rule (sim, 2)), ==, PL_RULE_RESPOND);
}

static void
test_network_defaults (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-flow.xml");
  PlSim *sim = pl_scenario_get_sim (scenario);
  const PlLinkParams *link;

  g_test_summary ("Pairs without a <link> get the built-in defaults: 10ms, "
                  "no jitter, no loss, unlimited, UDP");

  link = pl_sim_get_link (sim, pl_sim_find_node (sim, "alice"), pl_sim_find_node (sim, "bob"));
  g_assert_cmpint (link->latency, ==, PL_MSEC (10));
  g_assert_cmpint (link->jitter, ==, 0);
  g_assert_cmpfloat (link->loss, ==, 0.0);
  g_assert_cmpuint (link->bandwidth, ==, 0);
  g_assert_cmpint (link->transport, ==, PL_TRANSPORT_UDP);
  g_assert_cmpstr (pl_scenario_get_description (scenario), ==,
                   "Alice's MESSAGE crosses a proxy; the first copy to Bob is lost.");
  g_assert_cmpuint (pl_scenario_get_seed (scenario), ==, 1);
}

static void
test_seed_override (void)
{
  g_autofree char *path = data_file ("timeline.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = NULL;
  PlScenarioOptions options = { .has_seed = TRUE, .seed = 9001 };

  g_test_summary ("--seed overrides the scenario's seed attribute");

  scenario = pl_scenario_load (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pl_scenario_get_seed (scenario), ==, 9001);
  g_assert_cmpuint (pl_sim_get_seed (pl_scenario_get_sim (scenario)), ==, 9001);
}

static void
test_peek (void)
{
  g_autofree char *path = data_file ("expect-flow.xml");
  g_autofree char *bad = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("peek reads the name and description without building the network");

  g_assert_true (pl_scenario_peek (path, &name, &description, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "expectation checker");
  g_assert_cmpstr (description, ==,
                   "Alice's MESSAGE crosses a proxy; the first copy to Bob is lost.");

  /* Only the header is read: a kind nobody registered does not matter. */
  g_clear_pointer (&name, g_free);
  bad = g_strdup (g_test_get_filename (G_TEST_DIST, "bad", "unknown-kind.xml", NULL));
  g_assert_true (pl_scenario_peek (bad, &name, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "unknown kind");
}

static void
test_positions (void)
{
  g_autofree char *path = data_file ("timeline.xml");
  g_autoptr(GError) error = NULL;
  PlXmlContext *ctx;
  xmlNode *root, *network, *link;
  int line, column;

  g_test_summary ("Elements and attributes know their line and column, also on a "
                  "start tag that spans lines");

  ctx = pl_xml_context_load (path, &error);
  g_assert_no_error (error);
  root = xmlDocGetRootElement (pl_xml_context_get_doc (ctx));
  network = xmlFirstElementChild (root);
  link = xmlFirstElementChild (network);
  g_assert_cmpstr ((const char *) link->name, ==, "link");

  g_assert_cmpint (pl_xml_get_line (root), ==, 2);
  g_assert_cmpint (pl_xml_get_column (ctx, root, NULL), ==, 1);
  g_assert_cmpint (pl_xml_get_line (link), ==, 4);
  g_assert_cmpint (pl_xml_get_column (ctx, link, NULL), ==, 5);
  g_assert_cmpint (pl_xml_get_column (ctx, link, "transport"), ==, 89);
  pl_xml_get_position (ctx, link, "jitter", &line, &column);
  g_assert_cmpint (line, ==, 4);
  g_assert_cmpint (column, ==, 44);
  /* An absent attribute: the element's position. */
  pl_xml_get_position (ctx, link, "nothing", &line, &column);
  g_assert_cmpint (line, ==, 4);
  g_assert_cmpint (column, ==, 5);

  {
    g_autofree char *resolved = pl_xml_context_resolve (ctx, "body.txt");
    g_autofree char *expected = data_file ("body.txt");

    g_assert_cmpstr (resolved, ==, expected);
    g_clear_pointer (&resolved, g_free);
    resolved = pl_xml_context_resolve (ctx, "/etc/hosts");
    g_assert_cmpstr (resolved, ==, "/etc/hosts");
  }

  g_assert_false (pl_xml_error (ctx, &error, link, "jitter", "bad %s", "jitter"));
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  {
    g_autofree char *expected = g_strdup_printf ("%s:4:44: bad jitter", path);

    g_assert_cmpstr (error->message, ==, expected);
  }
  pl_xml_context_free (ctx);
}

/* Running ------------------------------------------------------------ */

static void
test_run (void)
{
  g_autofree char *path = data_file ("timeline.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = NULL;
  g_autoptr(PlReport) report = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  PlTrace *trace;
  guint n_actions = 0;

  g_test_summary ("Timeline actions run at their time, in document order within "
                  "one time, each recorded as an 'action' event with its verb");

  report = pl_scenario_run_file (path, NULL, &scenario, &error);
  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, i);

      g_test_message ("%s: %s %s", check->name, check->passed ? "pass" : "FAIL",
                      check->message ? check->message : "");
    }
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  g_assert_cmpuint (report->checks->len, ==, 3);
  g_assert_cmpstr (report->name, ==, "timeline order");
  g_assert_null (report->error);
  g_assert_cmpint (report->duration, >=, PL_SEC (2));
  g_assert_cmpfloat (report->wall_seconds, >=, 0.0);
  assert_passed (report, "event pinged: exactly 4");

  trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      if (g_str_equal (event->name, "pinged"))
        {
          const PlField *detail = pl_trace_event_get_field (event, "detail");

          g_assert_nonnull (detail);
          g_string_append (order, detail->str);
          g_assert_cmpint (event->t_us, ==, detail->str[0] <= 'b' ? PL_SEC (1) : PL_SEC (2));
        }
      else if (g_str_equal (event->name, "action"))
        {
          const PlField *verb = pl_trace_event_get_field (event, "verb");

          g_assert_cmpint (event->kind, ==, PL_EVENT_STATE);
          g_assert_nonnull (verb);
          g_assert_cmpstr (verb->str, ==, "ping");
          n_actions++;
        }
    }
  g_assert_cmpstr (order->str, ==, "abcd");
  g_assert_cmpuint (n_actions, ==, 4);
}

static void
test_run_bad_input (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PlReport) report = NULL;
  PlScenario *scenario = (PlScenario *) 0x1;

  g_test_summary ("run_file on bad input: verdict ERROR, the error in the report and "
                  "in the GError, the report named after the scenario");

  path = g_strdup (g_test_get_filename (G_TEST_DIST, "bad", "unknown-kind.xml", NULL));
  report = pl_scenario_run_file (path, NULL, &scenario, &error);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_null (scenario);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_ERROR);
  g_assert_cmpstr (report->error, ==, error->message);
  g_assert_cmpstr (report->name, ==, "unknown kind");
  g_assert_cmpstr (report->file, ==, path);
}

/* Expectations ------------------------------------------------------- */

static void
test_expect_pass (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-flow.xml");
  g_autoptr(PlReport) report = NULL;

  g_test_summary ("A trace that tells the expected story passes every check, "
                  "one check per flow step, in document order");

  fill_story (pl_sim_get_trace (pl_scenario_get_sim (scenario)), 70, 486);
  report = pl_scenario_check (scenario);

  g_assert_cmpuint (report->checks->len, ==, 9);
  g_assert_cmpstr (((PlCheck *) report->checks->pdata[0])->name, ==,
                   "flow step 1: alice -> proxy MESSAGE");
  g_assert_cmpstr (((PlCheck *) report->checks->pdata[1])->name, ==,
                   "flow step 2: proxy -> bob MESSAGE (drop)");
  g_assert_cmpstr (((PlCheck *) report->checks->pdata[3])->name, ==,
                   "flow step 4: proxy -> alice 4xx");
  assert_passed (report, "flow step 1: alice -> proxy MESSAGE");
  assert_passed (report, "flow step 2: proxy -> bob MESSAGE (drop)");
  assert_passed (report, "flow step 3: bob -> proxy 486");
  assert_passed (report, "flow step 4: proxy -> alice 4xx");
  assert_passed (report, "event response on alice (status=486, final=true)");
  assert_passed (report, "event timeout: exactly 0");
  assert_passed (report, "event rule on bob: from 1 to 2");
  assert_passed (report, "messages proxy -> bob MESSAGE (retransmit): exactly 1");
  assert_passed (report, "messages any -> any 2xx: at most 0");
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  g_assert_cmpuint (pl_report_n_failed (report), ==, 0);
}

static void
test_expect_fail_step3 (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-flow.xml");
  g_autoptr(PlReport) report = NULL;
  const char *message;

  g_test_summary ("A flow failing at step 3 says what was expected and the closest "
                  "event found (index, time, why); later steps are not checked");

  fill_story (pl_sim_get_trace (pl_scenario_get_sim (scenario)), 70, 200);
  report = pl_scenario_check (scenario);

  assert_passed (report, "flow step 1: alice -> proxy MESSAGE");
  assert_passed (report, "flow step 2: proxy -> bob MESSAGE (drop)");
  message = assert_failed (report, "flow step 3: bob -> proxy 486");
  g_assert_true (g_str_has_prefix (message,
                                   "expected bob -> proxy 486 (deliver) after #4 (0.050000s); "
                                   "got closest #8 at 0.560000s bob -> proxy 200 OK (deliver): "
                                   "status 200, not 486; next message events: "
                                   "#5 at 0.540000s proxy -> bob MESSAGE (retransmit), "
                                   "#6 at 0.550000s proxy -> bob MESSAGE (deliver), "
                                   "#7 at 0.550000s bob -> proxy 200 OK (send) and 3 more"));
  message = assert_failed (report, "flow step 4: proxy -> alice 4xx");
  g_assert_cmpstr (message, ==, "not checked: an earlier step failed");

  message = assert_failed (report, "event response on alice (status=486, final=true)");
  g_assert_cmpstr (message, ==,
                   "expected at least 1 'response' event on alice with status=486, final=true; "
                   "got 0; 'response' events with other fields: "
                   "#11 at 1.250000s on alice (status=200, final=true)");
  message = assert_failed (report, "messages any -> any 2xx: at most 0");
  g_assert_true (g_str_has_prefix (message, "expected at most 0 any -> any 2xx (deliver); got 2: "
                                   "#8 at 0.560000s bob -> proxy 200 OK (deliver), "
                                   "#10 at 1.250000s proxy -> alice 200 OK (deliver)"));
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_FAIL);
  g_assert_cmpuint (pl_report_n_failed (report), ==, 4);
}

static void
test_expect_fail_header (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-flow.xml");
  g_autoptr(PlReport) report = NULL;
  const char *message;

  g_test_summary ("A header that does not match is shown with its value and the regex");

  fill_story (pl_sim_get_trace (pl_scenario_get_sim (scenario)), 69, 486);
  report = pl_scenario_check (scenario);

  message = assert_failed (report, "flow step 1: alice -> proxy MESSAGE");
  g_assert_true (g_str_has_prefix (message,
                                   "expected alice -> proxy MESSAGE (deliver) with Max-Forwards "
                                   "matching /^70$/; got closest #1 at 0.040000s alice -> proxy "
                                   "MESSAGE (deliver): Max-Forwards is '69', which does not match "
                                   "/^70$/; next message events: #0 at 0.000000s"));
  for (guint step = 2; step <= 4; step++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, step - 1);

      g_assert_false (check->passed);
      g_assert_cmpstr (check->message, ==, "not checked: an earlier step failed");
    }
}

static void
test_expect_counts (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-flow.xml");
  g_autoptr(PlReport) report = NULL;
  PlTrace *trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));
  g_autofree char *forwarded = wire_request ("MESSAGE", 69, NULL);
  PlTraceEvent *event;
  const char *message;

  g_test_summary ("<event> and <messages> count: exact, at least, at most, a range; "
                  "a failure lists the events that were counted");

  fill_story (trace, 70, 486);
  /* Three more rule events on Bob (max 2), a timeout (count 0), a second
   * retransmission (count 1). */
  for (int i = 0; i < 2; i++)
    {
      event = pl_trace_begin_node (trace, PL_SEC (2), PL_EVENT_RULE, "rule", BOB);
      pl_trace_event_add_string (event, "rule", "again");
      pl_trace_commit (trace, event);
    }
  add_node_event (trace, PL_SEC (3), PL_EVENT_TIMEOUT, "timeout", ALICE);
  add_message (trace, PL_SEC (4), PL_EVENT_RETRANSMIT, PROXY, BOB, "MESSAGE", forwarded);
  report = pl_scenario_check (scenario);

  assert_passed (report, "flow step 4: proxy -> alice 4xx");
  assert_passed (report, "event response on alice (status=486, final=true)");
  message = assert_failed (report, "event timeout: exactly 0");
  g_assert_true (g_str_has_prefix (message, "expected exactly 0 'timeout' events; got 1: #14 at "
                                   "3.000000s on alice"));
  message = assert_failed (report, "event rule on bob: from 1 to 2");
  g_assert_cmpstr (message, ==,
                   "expected from 1 to 2 'rule' events on bob; got 3: "
                   "#3 at 0.050000s on bob (rule=lose-first), "
                   "#12 at 2.000000s on bob (rule=again), "
                   "#13 at 2.000000s on bob (rule=again)");
  message = assert_failed (report, "messages proxy -> bob MESSAGE (retransmit): exactly 1");
  g_assert_cmpstr (message, ==,
                   "expected exactly 1 proxy -> bob MESSAGE (retransmit); got 2: "
                   "#5 at 0.540000s proxy -> bob MESSAGE (retransmit), "
                   "#15 at 4.000000s proxy -> bob MESSAGE (retransmit)");
}

static void
test_expect_order (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-order.xml");
  g_autoptr(PlReport) report = NULL;
  PlTrace *trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));
  const char *broken =
    "MESSAGE sip:bob@[2001:db8::b0b]:5062 SIP/2.0\r\n"
    "Via: this is no via\r\n"
    "X-Broken: yes\r\n"
    "CSeq: many\r\n"
    "\r\n";
  const char *message;

  g_test_summary ("Steps match in order only: a match before the previous step's is "
                  "reported as such; a second flow has its own names; headers of a "
                  "malformed message and of another protocol are still found");

  const char *msrp =
    "MSRP a786hjs2 SEND\r\n"
    "To-Path: msrp://bob.example.net:7394/2s93i93idj;tcp\r\n"
    "From-Path: msrp://alice.example.net:7777/iau39soe2843z;tcp\r\n"
    "Message-ID: 87652491\r\n"
    "Byte-Range: 1-12/12\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Hello world!\r\n"
    "-------a786hjs2$\r\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (msrp, strlen (msrp));
  PlTraceEvent *event;

  fill_story (trace, 70, 486);
  add_message (trace, PL_SEC (2), PL_EVENT_MALFORMED, ALICE, PROXY, "MESSAGE", broken);
  event = pl_trace_begin_message (trace, PL_SEC (3), PL_EVENT_DELIVER, ALICE, BOB,
                                  PL_TRANSPORT_TCP, "msrp", 99, bytes, "SEND");
  pl_trace_commit (trace, event);
  report = pl_scenario_check (scenario);

  g_assert_cmpuint (report->checks->len, ==, 4);
  assert_passed (report, "flow step 1: bob -> proxy 486");
  message = assert_failed (report, "flow step 2: alice -> proxy MESSAGE");
  g_assert_nonnull (strstr (message, "after #8 (0.560000s)"));
  g_assert_nonnull (strstr (message, "; a matching #1 at 0.040000s alice -> proxy MESSAGE "
                                     "(deliver) comes before the previous step's match"));
  g_assert_nonnull (strstr (message, "got closest #12 at 2.000000s alice -> proxy MESSAGE "
                                     "(malformed): event malformed, not deliver"));
  assert_passed (report, "flow 2 step 1: alice -> proxy message (malformed)");
  assert_passed (report, "flow 3 step 1: alice -> bob SEND [msrp]");
}

static void
test_expect_empty_trace (void)
{
  g_autoptr(PlScenario) scenario = load_data ("expect-flow.xml");
  g_autoptr(PlReport) report = NULL;
  const char *message;

  g_test_summary ("On an empty trace the first step says the trace has no message event");

  report = pl_scenario_check (scenario);
  message = assert_failed (report, "flow step 1: alice -> proxy MESSAGE");
  g_assert_cmpstr (message, ==,
                   "expected alice -> proxy MESSAGE (deliver) with Max-Forwards matching "
                   "/^70$/; got no such message; the trace has no message event");
  assert_passed (report, "event timeout: exactly 0");
  assert_failed (report, "event rule on bob: from 1 to 2");
  g_assert_cmpint (report->duration, ==, 0);
  g_assert_cmpuint (report->n_messages, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  pl_node_kind_register ("test", PL_TYPE_TEST_NODE, "a node kind for the tests");

  g_test_add_func ("/pl/scenario/duration", test_duration);
  g_test_add_func ("/pl/scenario/bandwidth", test_bandwidth);
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *name = g_strndup (bad_files[i].file, strlen (bad_files[i].file) - 4);
      g_autofree char *test_path = g_strdup_printf ("/pl/scenario/bad/%s", name);

      g_test_add_data_func (test_path, &bad_files[i], test_bad_file);
    }
  g_test_add_func ("/pl/scenario/bad/doctype-no-leak", test_doctype_no_leak);
  g_test_add_func ("/pl/scenario/bad/missing-file", test_missing_file);
  g_test_add_func ("/pl/scenario/load", test_load);
  g_test_add_func ("/pl/scenario/network-defaults", test_network_defaults);
  g_test_add_func ("/pl/scenario/seed-override", test_seed_override);
  g_test_add_func ("/pl/scenario/peek", test_peek);
  g_test_add_func ("/pl/scenario/positions", test_positions);
  g_test_add_func ("/pl/scenario/run", test_run);
  g_test_add_func ("/pl/scenario/run-bad-input", test_run_bad_input);
  g_test_add_func ("/pl/scenario/expect/pass", test_expect_pass);
  g_test_add_func ("/pl/scenario/expect/fail-step-3", test_expect_fail_step3);
  g_test_add_func ("/pl/scenario/expect/fail-header", test_expect_fail_header);
  g_test_add_func ("/pl/scenario/expect/counts", test_expect_counts);
  g_test_add_func ("/pl/scenario/expect/order", test_expect_order);
  g_test_add_func ("/pl/scenario/expect/empty-trace", test_expect_empty_trace);

  return g_test_run ();
}
