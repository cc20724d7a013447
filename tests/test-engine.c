/* test-engine.c: scheduler, determinism, alteration rules, malformed
 * messages, virtual DNS and the link model.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-export.h"
#include "pl-models.h"
#include "pl-proxy.h"
#include "pl-rule.h"
#include "pl-scenario.h"
#include "pl-transaction.h"
#include "pl-user-agent.h"
#include "pl-wire.h"

/* ---- scheduler ---- */

/* The scheduler under test and its log: "id@ms id@ms ..." in the order
 * the events ran, and how many event data were freed. */
static PlScheduler *sched;
static GString *run_log;
static guint n_destroyed;

static void
on_probe (gpointer data)
{
  g_string_append_printf (run_log, "%s%d@%g", run_log->len ? " " : "", GPOINTER_TO_INT (data),
                          pl_scheduler_now (sched) / 1000.0);
}

static void
on_probe_destroy (gpointer data)
{
  n_destroyed++;
}

static PlTimer *
add_probe (PlTime at, int id)
{
  return pl_scheduler_add (sched, at, on_probe, GINT_TO_POINTER (id), on_probe_destroy);
}

static void
log_begin (void)
{
  sched = pl_scheduler_new ();
  run_log = g_string_new (NULL);
  n_destroyed = 0;
}

static void
log_end (void)
{
  g_clear_pointer (&sched, pl_scheduler_free);
  g_string_free (g_steal_pointer (&run_log), TRUE);
}

static void
test_scheduler_order (void)
{
  PlTimer *cancelled;

  g_test_summary ("Events at the same virtual time run in the order they were added, after "
                  "earlier ones; a cancelled event never runs and its data is freed once");

  log_begin ();
  add_probe (PL_MSEC (5), 1);
  add_probe (PL_MSEC (5), 2);
  add_probe (PL_MSEC (1), 0);
  cancelled = add_probe (PL_MSEC (5), 9);
  add_probe (PL_MSEC (5), 3);
  add_probe (PL_MSEC (7), 4);
  g_assert_cmpint (pl_scheduler_next_time (sched), ==, PL_MSEC (1));
  pl_scheduler_cancel (sched, cancelled);
  g_assert_cmpuint (n_destroyed, ==, 1);
  g_assert_cmpuint (pl_scheduler_get_n_pending (sched), ==, 5);

  g_assert_cmpuint (pl_scheduler_run (sched), ==, 5);
  g_assert_cmpstr (run_log->str, ==, "0@1 1@5 2@5 3@5 4@7");
  g_assert_cmpuint (n_destroyed, ==, 6);
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_MSEC (7));
  g_assert_cmpint (pl_scheduler_next_time (sched), ==, -1);
  log_end ();
}

#define N_RANDOM 10000
#define TIME_RANGE 3000  /* µs: a narrow range, so many events share a time */

static void
test_scheduler_heap (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);
  g_autofree PlTimer **timers = g_new0 (PlTimer *, N_RANDOM);
  g_autofree PlTime *times = g_new0 (PlTime, N_RANDOM);
  g_autoptr (GString) expected = g_string_new (NULL);

  g_test_summary ("10,000 events at random times (many equal), a seventh of them cancelled "
                  "from inside the heap, run in (time, insertion) order exactly once");

  log_begin ();
  for (int i = 0; i < N_RANDOM; i++)
    timers[i] = add_probe (times[i] = g_rand_int_range (rand, 0, TIME_RANGE), i);
  for (int i = 0; i < N_RANDOM; i += 7)
    pl_scheduler_cancel (sched, timers[i]);
  g_assert_cmpuint (pl_scheduler_get_n_pending (sched), ==, N_RANDOM - N_RANDOM / 7 - 1);
  pl_scheduler_run (sched);

  for (PlTime t = 0; t < TIME_RANGE; t++)
    for (int i = 0; i < N_RANDOM; i++)
      if (times[i] == t && i % 7 != 0)
        g_string_append_printf (expected, "%s%d@%g", expected->len ? " " : "", i, t / 1000.0);
  g_assert_cmpstr (run_log->str, ==, expected->str);
  g_assert_cmpuint (n_destroyed, ==, N_RANDOM);
  log_end ();
}

static void
test_scheduler_end (void)
{
  g_test_summary ("With an end time the run executes events up to and including it, leaves "
                  "the later ones queued and moves the clock to the end");

  log_begin ();
  for (int i = 1; i <= 5; i++)
    add_probe (PL_SEC (i), i);
  pl_scheduler_set_end (sched, PL_MSEC (3500));
  g_assert_cmpuint (pl_scheduler_run (sched), ==, 3);
  g_assert_cmpstr (run_log->str, ==, "1@1000 2@2000 3@3000");
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_MSEC (3500));
  g_assert_true (pl_scheduler_is_finished (sched));
  g_assert_cmpuint (pl_scheduler_get_n_pending (sched), ==, 2);
  g_assert_false (pl_scheduler_step (sched));

  /* An event exactly at the end runs. */
  pl_scheduler_set_end (sched, PL_SEC (4));
  g_assert_cmpuint (pl_scheduler_run (sched), ==, 1);
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_SEC (4));
  pl_scheduler_set_end (sched, -1);
  g_assert_cmpuint (pl_scheduler_run (sched), ==, 1);
  g_assert_cmpstr (run_log->str, ==, "1@1000 2@2000 3@3000 4@4000 5@5000");
  log_end ();
}

static void
test_scheduler_background (void)
{
  g_test_summary ("A background timer runs in its turn among others, but a run without a "
                  "chosen end stops when only background timers are left; a limit stops the "
                  "run without moving the clock; a chosen end runs them too");

  log_begin ();
  pl_scheduler_set_background (sched, add_probe (PL_SEC (1), 1));
  add_probe (PL_SEC (2), 2);
  pl_scheduler_set_background (sched, add_probe (PL_SEC (3), 3));
  g_assert_cmpuint (pl_scheduler_run (sched), ==, 2);
  g_assert_cmpstr (run_log->str, ==, "1@1000 2@2000");
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_SEC (2));
  g_assert_true (pl_scheduler_is_finished (sched));
  g_assert_cmpuint (pl_scheduler_get_n_pending (sched), ==, 1);

  /* A foreground event beyond the limit is not run, and the clock stays. */
  add_probe (PL_SEC (10), 4);
  pl_scheduler_set_limit (sched, PL_SEC (5));
  g_assert_cmpuint (pl_scheduler_run (sched), ==, 1);
  g_assert_cmpstr (run_log->str, ==, "1@1000 2@2000 3@3000");
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_SEC (3));

  /* A chosen end runs whatever is due, background or not. */
  pl_scheduler_set_background (sched, add_probe (PL_SEC (11), 5));
  pl_scheduler_set_end (sched, PL_SEC (20));
  g_assert_cmpuint (pl_scheduler_run (sched), ==, 2);
  g_assert_cmpstr (run_log->str, ==, "1@1000 2@2000 3@3000 4@10000 5@11000");
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_SEC (11));
  log_end ();
}

static void
test_wire_helpers (void)
{
  static const char text[] =
    "MESSAGE sip:bob@example.net SIP/2.0\r\n"
    "Via: SIP/2.0/UDP a.example.net;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.net>;tag=1\r\n"
    "To: <sip:bob@example.net>\r\n"
    "Call-ID: 1@a\r\n"
    "CSeq: 1 MESSAGE\r\n"
    "Contact: <sip:a@a.example.net>;+g.oma.sip-push.0x01;+g.oma.sip-push.0x02;"
    "+g.oma.sip-push.0x03;+g.oma.sip-push.0x04;+g.oma.sip-push.0x05;+g.oma.sip-push.0x06;"
    "+g.oma.sip-push.0x07\r\n"
    "P-Asserted-Identity: <sip:psa@example.net>\r\n"
    "Content-Length: 0\r\n\r\n";
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr (msg_t) msg = pl_wire_parse (bytes, NULL);
  g_autofree char *contact = NULL;
  g_autofree char *pai = NULL;

  g_test_summary ("Header values of any length, removal and addition by name (known and "
                  "unknown headers), and RFC 3261 §20.1 media ranges");
  g_assert_nonnull (msg);
  contact = pl_wire_header_value (msg, "Contact");
  g_assert_true (g_str_has_suffix (contact, "+g.oma.sip-push.0x07"));

  g_assert_cmpuint (pl_wire_remove_header (msg, "P-Asserted-Identity"), ==, 1);
  g_assert_null (pl_wire_header_value (msg, "P-Asserted-Identity"));
  g_assert_true (pl_wire_add_header (msg, "P-Asserted-Identity", "<sip:other@example.net>"));
  pai = pl_wire_header_value (msg, "P-Asserted-Identity");
  g_assert_cmpstr (pai, ==, "<sip:other@example.net>");
  g_assert_cmpuint (pl_wire_remove_header (msg, "Contact"), ==, 1);
  g_assert_null (sip_object (msg)->sip_contact);

  g_assert_true (pl_wire_media_range_matches ("text/plain", "Text/Plain; charset=utf-8"));
  g_assert_true (pl_wire_media_range_matches ("text/*", "text/html"));
  g_assert_true (pl_wire_media_range_matches ("*/*", "image/png"));
  g_assert_false (pl_wire_media_range_matches ("text/*", "texts/html"));
  g_assert_false (pl_wire_media_range_matches ("text/plain", "text/plainer"));
  g_assert_false (pl_wire_media_range_matches ("text/plain", "garbage"));
}

static void
test_scheduler_stepped (void)
{
  static const char *const expected[] = { "1@10", "1@10 2@30", "1@10 2@30 3@30" };
  g_autoptr (GMainContext) context = g_main_context_new ();

  g_test_summary ("In stepped mode the GSource dispatches nothing by itself; each "
                  "pl_scheduler_step() runs exactly one event and advances the clock to it");

  log_begin ();
  add_probe (PL_MSEC (30), 2);
  add_probe (PL_MSEC (10), 1);
  add_probe (PL_MSEC (30), 3);
  pl_scheduler_set_mode (sched, PL_RUN_STEPPED, 1.0);
  pl_scheduler_attach (sched, context);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (context, FALSE);
  g_assert_cmpuint (pl_scheduler_get_n_dispatched (sched), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_true (pl_scheduler_step (sched));
      g_assert_cmpstr (run_log->str, ==, expected[i]);
      g_main_context_iteration (context, FALSE);
      g_assert_cmpuint (pl_scheduler_get_n_dispatched (sched), ==, i + 1);
    }
  g_assert_cmpint (pl_scheduler_now (sched), ==, PL_MSEC (30));
  g_assert_false (pl_scheduler_step (sched));
  pl_scheduler_detach (sched);
  log_end ();
}

/* ---- networks ---- */

enum { ALICE, BOB, PROXY };

typedef struct {
  PlSim *sim;
  PlTrace *trace;
  PlNode *alice;   /* owned by the sim */
  PlNode *bob;
  PlNode *proxy;   /* only in three-node networks */
} Net;

static PlNode *
add_node (PlSim *sim, GType type, const char *id, const char *host)
{
  g_autoptr (GError) error = NULL;
  PlNode *node = g_object_new (type, "id", id, "host", host, "kind", "ua", NULL);

  g_assert_true (pl_sim_add_node (sim, node, &error));
  g_assert_no_error (error);
  g_object_unref (node);
  return node;
}

static const PlLinkParams fast_udp = { .latency = PL_MSEC (10), .transport = PL_TRANSPORT_UDP };

/* alice and bob; with @proxy_link, a proxy between them. */
static Net *
net_new (guint64 seed, const PlLinkParams *link, const PlLinkParams *proxy_link)
{
  Net *net = g_new0 (Net, 1);

  pl_models_register ();
  net->sim = pl_sim_new (seed);
  net->trace = pl_sim_get_trace (net->sim);
  net->alice = add_node (net->sim, PL_TYPE_USER_AGENT, "alice", "alice.example.net:5061");
  net->bob = add_node (net->sim, PL_TYPE_USER_AGENT, "bob", "bob.example.net:5062");
  if (proxy_link == NULL)
    {
      pl_sim_add_link (net->sim, net->alice, net->bob, link);
      return net;
    }
  net->proxy = add_node (net->sim, PL_TYPE_PROXY, "proxy", "proxy.example.net");
  pl_sim_add_link (net->sim, net->alice, net->proxy, link);
  pl_sim_add_link (net->sim, net->proxy, net->bob, proxy_link);
  return net;
}

static void
net_free (Net *net)
{
  g_object_unref (net->sim);
  g_free (net);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Net, net_free)

typedef struct {
  PlNode *from;
  const char *uri;
  const char *route;
  const char *content_type;
} SendSpec;

static void
on_send (gpointer data)
{
  SendSpec *spec = data;
  g_autoptr (GBytes) body = g_bytes_new_static ("hello", 5);

  pl_user_agent_send (PL_USER_AGENT (spec->from), "MESSAGE", spec->uri, spec->route,
                      spec->content_type, body);
}

/* @from sends a MESSAGE "hello" to @uri at @at (through the proxy, if any). */
static void
send_at (Net *net, PlTime at, PlNode *from, const char *uri, const char *content_type)
{
  SendSpec *spec = g_new0 (SendSpec, 1);

  spec->from = from;
  spec->uri = uri;
  spec->route = net->proxy ? "<sip:proxy.example.net;lr>" : NULL;
  spec->content_type = content_type;
  pl_scheduler_add (pl_sim_get_scheduler (net->sim), at, on_send, spec, g_free);
}

#define send_message(net, at, type) \
  send_at ((net), (at), (net)->alice, "sip:bob@bob.example.net:5062", (type))
#define net_run(net) pl_scheduler_run (pl_sim_get_scheduler ((net)->sim))

static GBytes *
export_jsonl (PlTrace *trace)
{
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_export_jsonl (trace, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* ---- trace queries ---- */

/* Unset fields match anything; node indices are given as IS (index). */
typedef struct {
  PlEventKind kind;
  const char *name;    /* event name */
  int node;            /* node events */
  int from;            /* message events */
  int to;
  const char *label;   /* prefix */
} Query;

#define Q(...) (&(Query) { __VA_ARGS__ })
#define IS(index) ((index) + 1)

static gboolean
event_matches (const PlTraceEvent *ev, const Query *q)
{
  return ev->kind == q->kind && (q->name == NULL || g_str_equal (ev->name, q->name))
         && (q->node == 0 || ev->node == q->node - 1) && (q->from == 0 || ev->from == q->from - 1)
         && (q->to == 0 || ev->to == q->to - 1)
         && (q->label == NULL || (ev->label && g_str_has_prefix (ev->label, q->label)));
}

static guint
count (Net *net, const Query *q)
{
  guint n = 0;

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    n += event_matches (pl_trace_get_event (net->trace, i), q);
  return n;
}

/* The @nth (0-based) event matching @q; it must exist. */
static const PlTraceEvent *
find (Net *net, const Query *q, guint nth)
{
  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (event_matches (ev, q) && nth-- == 0)
        return ev;
    }
  g_error ("no %s event #%u", pl_event_kind_to_string (q->kind), nth);
}

/* The message event of @kind for transmission @hop, if any. */
static gboolean
has_hop (Net *net, PlEventKind kind, guint64 hop, const PlTraceEvent **out)
{
  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (ev->kind == kind && ev->hop == hop)
        {
          if (out)
            *out = ev;
          return TRUE;
        }
    }
  return FALSE;
}

/* The same event, which must exist. */
static const PlTraceEvent *
find_hop (Net *net, PlEventKind kind, guint64 hop)
{
  const PlTraceEvent *ev = NULL;

  if (!has_hop (net, kind, hop, &ev))
    g_error ("no %s event for hop %" G_GUINT64_FORMAT, pl_event_kind_to_string (kind), hop);
  return ev;
}

static const PlField *
field (const PlTraceEvent *ev, const char *key)
{
  const PlField *field = pl_trace_event_get_field (ev, key);

  g_assert_nonnull (field);
  return field;
}

/* Header @name in the wire of @ev is @expected (NULL: absent). */
#define assert_header(ev, name, expected) G_STMT_START { \
    g_autoptr (msg_t) msg_ = pl_wire_parse ((ev)->wire, NULL); \
    g_autofree char *value_ = pl_wire_header_value (msg_, (name)); \
    g_assert_cmpstr (value_, ==, (expected)); \
  } G_STMT_END

/* alice's @nth "response" event (0-based). */
static void
assert_response (Net *net, guint nth, int status, gboolean local)
{
  const PlTraceEvent *ev = find (net, Q (.kind = PL_EVENT_APP, .name = "response",
                                         .node = IS (ALICE)), nth);

  g_assert_cmpint (field (ev, "status")->num, ==, status);
  g_assert_cmpint (field (ev, "local")->num, ==, local);
}

/* ---- paced mode and determinism ---- */

/* alice sends 20 MESSAGEs through the proxy over a jittery, lossy link;
 * the run stops at @end (-1: when nothing is left). */
static GBytes *
run_three_nodes (guint64 seed, PlRunMode mode, PlTime end)
{
  g_autoptr (Net) net = net_new (seed, &(PlLinkParams) { .latency = PL_MSEC (20), .jitter = PL_MSEC (5),
                                              .loss = 0.2 }, &fast_udp);
  PlScheduler *scheduler = pl_sim_get_scheduler (net->sim);
  GBytes *jsonl;

  for (int i = 0; i < 20; i++)
    send_message (net, PL_MSEC (50) * i, "text/plain");
  pl_scheduler_set_end (scheduler, end);
  pl_scheduler_set_mode (scheduler, mode, 1000.0);
  pl_scheduler_run (scheduler);
  /* Loss really happened, and retransmissions made up for it. */
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_DROP)), >, 0);
  if (end < 0)
    g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_APP, .name = "response")), ==, 20);
  else
    g_assert_cmpint (pl_scheduler_now (scheduler), ==, end);
  jsonl = export_jsonl (net->trace);
  return jsonl;
}

static void
test_scheduler_paced (void)
{
  g_autoptr (GBytes) fast = run_three_nodes (42, PL_RUN_FAST, PL_SEC (2));
  g_autoptr (GBytes) paced = run_three_nodes (42, PL_RUN_PACED, PL_SEC (2));

  g_test_summary ("A 2 s timeline run paced at speed 1000 gives the same trace, byte for "
                  "byte, as the same timeline run as fast as possible");

  g_assert_true (g_bytes_equal (fast, paced));
}

static void
test_determinism (void)
{
  g_autoptr (GBytes) a = run_three_nodes (42, PL_RUN_FAST, -1);
  g_autoptr (GBytes) b = run_three_nodes (42, PL_RUN_FAST, -1);
  g_autoptr (GBytes) c = run_three_nodes (43, PL_RUN_FAST, -1);

  g_test_summary ("The same network with jitter and loss run twice with seed 42 exports the "
                  "same JSON Lines byte for byte; seed 43 gives another trace");

  g_assert_true (g_bytes_equal (a, b));
  g_assert_false (g_bytes_equal (a, c));
}

/* ---- alteration rules ---- */

/* A rule on MESSAGE requests. */
static PlRule *
add_rule (Net *net, PlRulePoint point, PlRuleAction action, const char *id)
{
  PlRule *rule = pl_rule_new (point, action);

  pl_rule_set_id (rule, id);
  pl_rule_set_method (rule, "MESSAGE");
  pl_sim_add_rule (net->sim, rule);
  return rule;
}

/* Runs a MESSAGE from alice at 0; returns its SEND. */
static const PlTraceEvent *
run_message (Net *net)
{
  send_message (net, 0, "text/plain");
  net_run (net);
  return find (net, Q (.kind = PL_EVENT_SEND, .from = IS (ALICE), .label = "MESSAGE"), 0);
}

/* The only RULE event: rule "r1" doing @action at @node for @hop. */
static void
assert_rule_event (Net *net, const char *action, int node, guint64 hop)
{
  const PlTraceEvent *ev = find (net, Q (.kind = PL_EVENT_RULE), 0);

  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_RULE)), ==, 1);
  g_assert_cmpint (ev->node, ==, node);
  g_assert_cmpstr (field (ev, "rule")->str, ==, "r1");
  g_assert_cmpstr (field (ev, "action")->str, ==, action);
  g_assert_cmpint (field (ev, "hop")->num, ==, (gint64) hop);
}

static void
test_rule_drop_delay (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  g_autoptr (Net) later = net_new (1, &fast_udp, NULL);
  PlRule *rule = add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_DROP, "r1");
  const PlTraceEvent *send, *drop, *deliver;

  g_test_summary ("drop: a DROP event naming the rule and no DELIVER, the retransmission "
                  "gets through; delay: delivered later by exactly the rule's delay");

  pl_rule_set_hop (rule, ALICE, BOB);
  pl_rule_set_nth (rule, 1);
  send = run_message (net);
  drop = find_hop (net, PL_EVENT_DROP, send->hop);
  g_assert_cmpint (drop->t_us, ==, PL_MSEC (10));
  g_assert_cmpstr (field (drop, "rule")->str, ==, "r1");
  g_assert_false (has_hop (net, PL_EVENT_DELIVER, send->hop, NULL));
  assert_rule_event (net, "drop", BOB, send->hop);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (BOB)), 0)->t_us, ==,
                   PL_MSEC (510));
  assert_response (net, 0, 200, FALSE);

  pl_rule_set_delay (add_rule (later, PL_RULE_ON_DELIVER, PL_RULE_DELAY, "r1"), PL_MSEC (300));
  send = run_message (later);
  deliver = find_hop (later, PL_EVENT_DELIVER, send->hop);
  g_assert_cmpint (deliver->t_us, ==, PL_MSEC (10) + PL_MSEC (300));
  g_assert_true (g_bytes_equal (send->wire, deliver->wire));
  assert_rule_event (later, "delay", BOB, send->hop);
  g_assert_cmpuint (count (later, Q (.kind = PL_EVENT_RETRANSMIT)), ==, 0);
}

static void
test_rule_duplicate (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  const PlTraceEvent *send, *copy;

  g_test_summary ("duplicate: an extra SEND with duplicate-of, two deliveries; the server "
                  "transaction absorbs the copy and bob's TU sees one request");

  add_rule (net, PL_RULE_ON_SEND, PL_RULE_DUPLICATE, "r1");
  send = run_message (net);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_SEND, .from = IS (ALICE))), ==, 2);
  copy = find (net, Q (.kind = PL_EVENT_SEND, .from = IS (ALICE)), 1);
  g_assert_null (pl_trace_event_get_field (send, "duplicate-of"));
  g_assert_cmpint (field (copy, "duplicate-of")->num, ==, (gint64) send->hop);
  g_assert_cmpuint (copy->hop, !=, send->hop);
  g_assert_true (g_bytes_equal (send->wire, copy->wire));
  g_assert_true (has_hop (net, PL_EVENT_DELIVER, send->hop, NULL));
  g_assert_true (has_hop (net, PL_EVENT_DELIVER, copy->hop, NULL));
  assert_rule_event (net, "duplicate", ALICE, send->hop);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_APP, .name = "request", .node = IS (BOB))), ==, 1);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_ABSORBED, .node = IS (BOB))), ==, 1);
}

static void
test_rule_edits (void)
{
  static const char body[] = "<b>a longer body than before</b>";
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  g_autoptr (GBytes) new_body = g_bytes_new_static (body, strlen (body));
  g_autoptr (msg_t) msg = NULL;
  g_autofree char *problem = NULL;
  const PlTraceEvent *send, *deliver;
  sip_t *sip;

  g_test_summary ("set-header, remove-header and replace-body change the delivered wire only "
                  "(the SEND keeps what alice sent); a new body gets a matching Content-Length "
                  "and parses without a problem");

  pl_rule_set_edit (add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER, "r1"), "Subject", "new");
  pl_rule_set_edit (add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_REMOVE_HEADER, "r2"),
                    "Max-Forwards", NULL);
  pl_rule_set_body (add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_REPLACE_BODY, "r3"), new_body,
                    "text/html");
  send = run_message (net);
  deliver = find_hop (net, PL_EVENT_DELIVER, send->hop);
  assert_header (send, "Subject", NULL);
  assert_header (deliver, "Subject", "new");
  assert_header (send, "Max-Forwards", "70");
  assert_header (deliver, "Max-Forwards", NULL);
  assert_header (send, "Content-Type", "text/plain");
  msg = pl_wire_parse (deliver->wire, &problem);
  g_assert_null (problem);
  sip = sip_object (msg);
  g_assert_cmpmem (sip->sip_payload->pl_data, sip->sip_payload->pl_len, body, strlen (body));
  g_assert_cmpuint (sip->sip_content_length->l_length, ==, strlen (body));
  g_assert_cmpstr (sip->sip_content_type->c_type, ==, "text/html");
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_RULE)), ==, 3);
  g_assert_cmpstr (field (find (net, Q (.kind = PL_EVENT_RULE), 1), "action")->str, ==,
                   "remove-header");
  g_assert_cmpstr (field (find (net, Q (.kind = PL_EVENT_RULE), 2), "action")->str, ==,
                   "replace-body");
  assert_response (net, 0, 200, FALSE);
}

static void
test_rule_respond (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  const PlTraceEvent *send, *answer;

  g_test_summary ("respond 415: the request never reaches bob's TU; alice gets a 415 from "
                  "bob's side of the link");

  pl_rule_set_response (add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_RESPOND, "r1"), 415, NULL);
  send = run_message (net);
  g_assert_cmpstr (field (find_hop (net, PL_EVENT_DROP, send->hop), "rule")->str, ==, "r1");
  g_assert_false (has_hop (net, PL_EVENT_DELIVER, send->hop, NULL));
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_APP, .name = "request", .node = IS (BOB))), ==, 0);
  answer = find (net, Q (.kind = PL_EVENT_SEND, .from = IS (BOB), .to = IS (ALICE)), 0);
  g_assert_cmpstr (answer->label, ==, "415 Unsupported Media Type");
  g_assert_cmpint (answer->t_us, ==, PL_MSEC (10));
  assert_rule_event (net, "respond", BOB, send->hop);
  assert_response (net, 0, 415, FALSE);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_RETRANSMIT)), ==, 0);
}

static void
test_rule_nth_and_regex (void)
{
  static const char *const types[] = { "text/plain", "text/html", "text/plain", "TEXT/HTML" };
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  PlRule *nth = add_rule (net, PL_RULE_ON_SEND, PL_RULE_SET_HEADER, "r1");
  PlRule *regex = add_rule (net, PL_RULE_ON_SEND, PL_RULE_SET_HEADER, "r2");
  g_autoptr (GRegex) html = g_regex_new ("^text/html", G_REGEX_CASELESS, 0, NULL);
  guint n_regex = 0;

  g_test_summary ("nth=2 alters only the second matching message; a header regex alters "
                  "only the messages whose header value matches; each use is a RULE event");

  pl_rule_set_nth (nth, 2);
  pl_rule_set_edit (nth, "Organization", "second");
  pl_rule_set_header (regex, "Content-Type", html);
  pl_rule_set_edit (regex, "Subject", "html");
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    send_message (net, PL_SEC (i), types[i]);
  net_run (net);

  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (BOB))), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      assert_header (find (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (BOB)), i), "Organization",
                     i == 1 ? "second" : NULL);
      assert_header (find (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (BOB)), i), "Subject",
                     i % 2 ? "html" : NULL);
    }
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_RULE)), ==, 3);
  for (guint i = 0; i < 3; i++)
    n_regex += g_str_equal (field (find (net, Q (.kind = PL_EVENT_RULE), i), "rule")->str, "r2");
  g_assert_cmpuint (n_regex, ==, 2);
}

static void
test_rule_extension_headers (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  const PlTraceEvent *deliver;

  g_test_summary ("Extension headers (unknown to sofia-sip) are told apart by name: two "
                  "set-header rules add two headers, a value lookup returns only the named "
                  "header's value, and a rule on an absent extension header does not match");

  pl_rule_set_edit (add_rule (net, PL_RULE_ON_SEND, PL_RULE_SET_HEADER, "r1"), "X-One", "1");
  pl_rule_set_edit (add_rule (net, PL_RULE_ON_SEND, PL_RULE_SET_HEADER, "r2"), "X-Two", "2");
  pl_rule_set_header (add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_DROP, "r3"), "X-Absent", NULL);
  run_message (net);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_DROP)), ==, 0);
  deliver = find (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (BOB)), 0);
  assert_header (deliver, "X-One", "1");
  assert_header (deliver, "x-two", "2");
  assert_header (deliver, "X-Absent", NULL);
  assert_response (net, 0, 200, FALSE);
}

/* ---- malformed messages, proxy ---- */

static void
test_malformed_request (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  PlRule *mf = add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER, "r1");
  PlRule *cseq = add_rule (net, PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER, "r2");
  g_autoptr (GRegex) plain = g_regex_new ("plain", 0, 0, NULL);
  g_autoptr (GRegex) html = g_regex_new ("html", 0, 0, NULL);
  const PlTraceEvent *send, *bad;

  g_test_summary ("A request a rule broke is MALFORMED at delivery, with the problem: a bad "
                  "Max-Forwards is answered 400 by the receiving stack; a bad CSeq cannot be "
                  "answered (a response copies CSeq, RFC 3261 §8.2.6.2) and the request's "
                  "retransmission goes through");

  pl_rule_set_header (mf, "Content-Type", plain);
  pl_rule_set_nth (mf, 1);
  pl_rule_set_edit (mf, "Max-Forwards", "garbage");
  pl_rule_set_header (cseq, "Content-Type", html);
  pl_rule_set_nth (cseq, 1);
  pl_rule_set_edit (cseq, "CSeq", "garbage");
  send_message (net, PL_SEC (1), "text/html");
  send = run_message (net);

  bad = find_hop (net, PL_EVENT_MALFORMED, send->hop);
  g_assert_nonnull (strstr (field (bad, "problem")->str, "Max-Forwards"));
  g_assert_false (has_hop (net, PL_EVENT_DELIVER, send->hop, NULL));
  g_assert_true (g_str_has_prefix (find (net, Q (.kind = PL_EVENT_SEND, .from = IS (BOB)), 0)->label,
                                   "400 "));
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_SEND, .from = IS (BOB)), 0)->t_us, ==,
                   PL_MSEC (10));
  assert_response (net, 0, 400, FALSE);

  send = find (net, Q (.kind = PL_EVENT_SEND, .from = IS (ALICE), .label = "MESSAGE"), 1);
  bad = find_hop (net, PL_EVENT_MALFORMED, send->hop);
  g_assert_nonnull (strstr (field (bad, "problem")->str, "CSeq"));
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_SEND, .from = IS (BOB))), ==, 2);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_SEND, .from = IS (BOB)), 1)->t_us, ==,
                   PL_MSEC (1510));
  assert_response (net, 1, 200, FALSE);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_APP, .name = "request", .node = IS (BOB))), ==, 1);
}

static void
test_malformed_response (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  PlRule *rule = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_SET_HEADER);
  const PlTraceEvent *ok, *bad;

  g_test_summary ("A response a rule broke is MALFORMED and dropped without an answer; the "
                  "request's retransmission brings the final response again");

  pl_rule_set_status (rule, 200, 200);
  pl_rule_set_nth (rule, 1);
  pl_rule_set_edit (rule, "CSeq", "garbage");
  pl_sim_add_rule (net->sim, rule);
  run_message (net);

  ok = find (net, Q (.kind = PL_EVENT_SEND, .from = IS (BOB), .label = "200"), 0);
  bad = find_hop (net, PL_EVENT_MALFORMED, ok->hop);
  g_assert_cmpint (bad->t_us, ==, PL_MSEC (20));
  g_assert_nonnull (field (bad, "problem")->str);
  g_assert_false (has_hop (net, PL_EVENT_DELIVER, ok->hop, NULL));
  /* Nothing goes back for a response: alice's next message is the retransmission. */
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_SEND, .from = IS (ALICE))), ==, 1);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_RETRANSMIT, .from = IS (ALICE)), 0)->t_us, ==,
                   PL_MSEC (500));
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_APP, .name = "response"), 0)->t_us, ==,
                   PL_MSEC (520));
  assert_response (net, 0, 200, FALSE);
}

static void
test_proxy_hops (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, &fast_udp);
  const PlTraceEvent *forwarded;
  g_autoptr (msg_t) request = NULL;
  g_autoptr (msg_t) ok = NULL;
  sip_t *sip;

  g_test_summary ("A proxy decrements Max-Forwards, adds its own Via on top and removes it "
                  "from the response");

  assert_header (run_message (net), "Max-Forwards", "70");
  forwarded = find (net, Q (.kind = PL_EVENT_DELIVER, .from = IS (PROXY), .to = IS (BOB)), 0);
  assert_header (forwarded, "Max-Forwards", "69");
  request = pl_wire_parse (forwarded->wire, NULL);
  sip = sip_object (request);
  g_assert_cmpstr (sip->sip_via->v_host, ==, "proxy.example.net");
  g_assert_cmpstr (sip->sip_via->v_next->v_host, ==, "alice.example.net");
  g_assert_null (sip->sip_via->v_next->v_next);
  g_assert_null (sip->sip_route);
  ok = pl_wire_parse (find (net, Q (.kind = PL_EVENT_DELIVER, .from = IS (PROXY),
                                    .to = IS (ALICE)), 0)->wire, NULL);
  g_assert_cmpstr (sip_object (ok)->sip_via->v_host, ==, "alice.example.net");
  g_assert_null (sip_object (ok)->sip_via->v_next);
  assert_response (net, 0, 200, FALSE);
}

static void
test_node_outlives_sim (void)
{
  g_autoptr (Net) net = net_new (1, &(PlLinkParams) { .latency = PL_MSEC (10), .loss = 1.0 }, NULL);
  g_autoptr (PlNode) alice = g_object_ref (net->alice);

  g_test_summary ("A node still referenced elsewhere (a studio panel) when its sim goes "
                  "away, with a transaction still pending, is finalized later without "
                  "touching the freed sim");

  send_message (net, 0, "text/plain");
  pl_scheduler_set_end (pl_sim_get_scheduler (net->sim), PL_SEC (1));
  net_run (net);
  g_assert_cmpuint (pl_node_get_n_transactions (alice), ==, 1);
  g_clear_pointer (&net, net_free);
}

/* ---- virtual DNS ---- */

static void
test_dns (void)
{
  g_autoptr (Net) net = net_new (1, &fast_udp, NULL);
  PlNode *ue = add_node (net->sim, PL_TYPE_USER_AGENT, "ue", "[5555::aaa:bbb:ccc:ddd]:1357");
  PlNode *plain = add_node (net->sim, PL_TYPE_USER_AGENT, "plain", "plain.example.net");
  enum { UE = 2, PLAIN };

  g_test_summary ("Virtual DNS: host and port, host alone (any port), IPv6 literals, unknown "
                  "names; requests to an IPv6 literal go through, and a request to an unknown "
                  "host gives a local 503 and a transport-error event");

  g_assert_true (pl_sim_resolve (net->sim, "alice.example.net", 5061) == net->alice);
  g_assert_true (pl_sim_resolve (net->sim, "ALICE.Example.NET", 5061) == net->alice);
  g_assert_true (pl_sim_resolve (net->sim, "alice.example.net", 0) == net->alice);
  g_assert_null (pl_sim_resolve (net->sim, "alice.example.net", 5060));
  g_assert_true (pl_sim_resolve (net->sim, "plain.example.net", 5060) == plain);
  g_assert_true (pl_sim_resolve (net->sim, "plain.example.net", 0) == plain);
  g_assert_true (pl_sim_resolve (net->sim, "[5555::aaa:bbb:ccc:ddd]", 1357) == ue);
  g_assert_true (pl_sim_resolve (net->sim, "[5555::aaa:bbb:ccc:ddd]", 0) == ue);
  g_assert_null (pl_sim_resolve (net->sim, "[5555::aaa:bbb:ccc:ddd]", 1358));
  g_assert_null (pl_sim_resolve (net->sim, "carol.example.net", 0));
  g_assert_null (pl_sim_resolve (net->sim, NULL, 0));

  send_at (net, PL_SEC (1), net->alice, "sip:carol@carol.example.net", NULL);
  send_at (net, PL_SEC (2), net->alice, "sip:ue@[5555::aaa:bbb:ccc:ddd]:1357", NULL);
  send_at (net, PL_SEC (3), ue, "sip:plain@plain.example.net", NULL);
  net_run (net);

  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_APP, .name = "transport-error",
                                 .node = IS (ALICE)), 0)->t_us, ==, PL_SEC (1));
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_APP, .name = "response"), 0)->t_us, ==,
                   PL_SEC (1));
  assert_response (net, 0, 503, TRUE);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (UE)), 0)->from, ==, ALICE);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_DELIVER, .from = IS (UE)), 0)->to, ==, ALICE);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_DELIVER, .to = IS (PLAIN)), 0)->from, ==, UE);
  g_assert_cmpint (find (net, Q (.kind = PL_EVENT_DELIVER, .from = IS (PLAIN)), 0)->to, ==, UE);
  assert_response (net, 1, 200, FALSE);
}

/* ---- link model ---- */

/* @size bytes of a protocol no node parses, labelled "blob @seq", now. */
static void
transmit_raw (Net *net, gsize size, guint seq)
{
  g_autofree char *text = g_strnfill (size, 'x');
  g_autofree char *label = g_strdup_printf ("blob %u", seq);
  g_autoptr (GBytes) wire = g_bytes_new (text, size);

  pl_sim_transmit (net->sim, net->alice, net->bob, PL_EVENT_SEND, "test", wire, label);
}

static void
test_link_latency_bandwidth (void)
{
  g_autoptr (Net) lat = net_new (1, &(PlLinkParams) { .latency = PL_MSEC (40) }, NULL);
  g_autoptr (Net) bw = net_new (1, &(PlLinkParams) { .latency = PL_MSEC (40), .bandwidth = 8000 }, NULL);
  const PlTraceEvent *send, *deliver;

  g_test_summary ("Latency 40 ms delivers 40 ms after the send; at 8000 bit/s a 500-byte "
                  "message takes 0.5 s more, and a second one waits for the first");

  transmit_raw (lat, 500, 1);
  net_run (lat);
  send = find (lat, Q (.kind = PL_EVENT_SEND), 0);
  deliver = find_hop (lat, PL_EVENT_DELIVER, send->hop);
  g_assert_cmpint (deliver->t_us - send->t_us, ==, PL_MSEC (40));
  g_assert_true (g_bytes_equal (send->wire, deliver->wire));

  transmit_raw (bw, 500, 1);
  transmit_raw (bw, 500, 2);
  net_run (bw);
  g_assert_cmpuint (count (bw, Q (.kind = PL_EVENT_DELIVER)), ==, 2);
  g_assert_cmpint (find (bw, Q (.kind = PL_EVENT_DELIVER), 0)->t_us, ==, PL_MSEC (500 + 40));
  g_assert_cmpint (find (bw, Q (.kind = PL_EVENT_DELIVER), 1)->t_us, ==, PL_MSEC (1000 + 40));
}

#define N_TCP 200

static void
test_link_tcp_order (void)
{
  g_autoptr (Net) net = net_new (3, &(PlLinkParams) { .latency = PL_MSEC (50), .jitter = PL_MSEC (45),
                                           .loss = 0.1, .transport = PL_TRANSPORT_TCP }, NULL);
  g_autoptr (GHashTable) delays = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  const PlTraceEvent *last = NULL;

  g_test_summary ("Over TCP deliveries keep the order of the sends even with jitter and "
                  "loss, while the jitter still shows in the delivery times");

  for (guint i = 0; i < N_TCP; i++)
    transmit_raw (net, 100, i);
  net_run (net);

  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_DELIVER)), ==, N_TCP);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_DROP)), ==, 0);
  g_assert_cmpuint (count (net, Q (.kind = PL_EVENT_STATE, .name = "tcp-retransmission")), >, 0);
  for (guint i = 0; i < N_TCP; i++)
    {
      const PlTraceEvent *deliver = find (net, Q (.kind = PL_EVENT_DELIVER), i);
      g_autofree char *label = g_strdup_printf ("blob %u", i);
      PlTime delay = deliver->t_us - find_hop (net, PL_EVENT_SEND, deliver->hop)->t_us;

      g_assert_cmpstr (deliver->label, ==, label);
      g_assert_true (last == NULL || (deliver->hop > last->hop && deliver->t_us >= last->t_us));
      g_assert_cmpint (delay, >=, PL_MSEC (5));
      g_hash_table_add (delays, g_memdup2 (&delay, sizeof delay));
      last = deliver;
    }
  g_assert_cmpuint (g_hash_table_size (delays), >, 1);
}

static void
test_trace_cause (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"),
                                            "sip-message-proxy.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PlScenario) scenario = NULL;
  g_autoptr(PlReport) report = NULL;
  PlTrace *trace;
  guint n_caused = 0;

  g_test_summary ("A message sent while a delivery is handled names that delivery's "
                  "hop as its cause; messages the timeline starts have none");

  pl_models_register ();
  report = pl_scenario_run_file (path, NULL, &scenario, &error);
  g_assert_no_error (error);
  trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);
      const PlTraceEvent *cause = NULL;

      if (event->kind != PL_EVENT_SEND)
        continue;
      if (event->cause == 0)
        {
          /* Only the first request of the flow comes from the timeline. */
          g_assert_cmpstr (event->label, ==, "MESSAGE");
          continue;
        }
      for (guint j = 0; j < i; j++)
        {
          const PlTraceEvent *other = pl_trace_get_event (trace, j);

          if (other->kind == PL_EVENT_DELIVER && other->hop == event->cause)
            cause = other;
        }
      g_assert_nonnull (cause);
      /* The cause was delivered to the node that now sends. */
      g_assert_cmpint (cause->to, ==, event->from);
      g_assert_cmpint (cause->t_us, <=, event->t_us);
      n_caused++;
    }
  g_assert_cmpuint (n_caused, >=, 3);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/scheduler/order", test_scheduler_order);
  g_test_add_func ("/pl/scheduler/heap", test_scheduler_heap);
  g_test_add_func ("/pl/scheduler/end", test_scheduler_end);
  g_test_add_func ("/pl/scheduler/stepped", test_scheduler_stepped);
  g_test_add_func ("/pl/scheduler/background", test_scheduler_background);
  g_test_add_func ("/pl/wire/helpers", test_wire_helpers);
  g_test_add_func ("/pl/scheduler/paced", test_scheduler_paced);
  g_test_add_func ("/pl/sim/determinism", test_determinism);
  g_test_add_func ("/pl/rule/drop-delay", test_rule_drop_delay);
  g_test_add_func ("/pl/rule/duplicate", test_rule_duplicate);
  g_test_add_func ("/pl/rule/edits", test_rule_edits);
  g_test_add_func ("/pl/rule/respond", test_rule_respond);
  g_test_add_func ("/pl/rule/nth-and-regex", test_rule_nth_and_regex);
  g_test_add_func ("/pl/rule/extension-headers", test_rule_extension_headers);
  g_test_add_func ("/pl/sim/malformed-request", test_malformed_request);
  g_test_add_func ("/pl/sim/malformed-response", test_malformed_response);
  g_test_add_func ("/pl/sim/proxy-hops", test_proxy_hops);
  g_test_add_func ("/pl/sim/node-outlives-sim", test_node_outlives_sim);
  g_test_add_func ("/pl/sim/dns", test_dns);
  g_test_add_func ("/pl/sim/link-latency-bandwidth", test_link_latency_bandwidth);
  g_test_add_func ("/pl/sim/link-tcp-order", test_link_tcp_order);
  g_test_add_func ("/pl/trace/cause", test_trace_cause);

  return g_test_run ();
}
