/* test-transaction.c: RFC 3261 §17 transactions and §12 dialogs on virtual time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pl-dialog.h"
#include "pl-models.h"
#include "pl-rule.h"
#include "pl-scenario.h"
#include "pl-transaction.h"
#include "pl-user-agent.h"
#include "pl-wire.h"

enum { ALICE, BOB };

/* ---- a callee whose answers the test chooses ---- */

#define TEST_TYPE_CALLEE (test_callee_get_type ())
G_DECLARE_FINAL_TYPE (TestCallee, test_callee, TEST, CALLEE, PlNode)

struct _TestCallee {
  PlNode parent_instance;

  int provisional;       /* sent at once; 0: none */
  int final;             /* sent after @delay; 0: never */
  PlTime delay;
  PlServerTxn *pending;  /* alive until answered */
  guint n_requests;      /* requests its TU saw in a server transaction */
  guint n_acks;          /* ACKs outside a transaction */
};

G_DEFINE_FINAL_TYPE (TestCallee, test_callee, PL_TYPE_NODE)

static void
on_reply (gpointer data)
{
  TestCallee *self = data;

  pl_server_txn_reply (g_steal_pointer (&self->pending), self->final, NULL);
}

static void
test_callee_request (PlNode *node, PlServerTxn *txn, msg_t *msg, sip_t *sip)
{
  TestCallee *self = TEST_CALLEE (node);

  if (txn == NULL)
    {
      self->n_acks++;
      return;
    }
  self->n_requests++;
  if (self->provisional)
    pl_server_txn_reply (txn, self->provisional, NULL);
  if (self->final == 0)
    return;
  g_assert_null (self->pending);
  self->pending = txn;
  pl_node_add_timer (node, self->delay, on_reply, self, NULL);
}

static void
test_callee_class_init (TestCalleeClass *klass)
{
  PL_NODE_CLASS (klass)->request = test_callee_request;
}

static void
test_callee_init (TestCallee *self)
{
}

/* ---- a two-node network: alice (a UA) and bob ---- */

typedef struct {
  PlSim *sim;
  PlTrace *trace;
  PlNode *alice;   /* owned by the sim */
  PlNode *bob;
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

static Net *
net_new (GType bob_type, const PlLinkParams *link)
{
  Net *net = g_new0 (Net, 1);

  pl_models_register ();
  net->sim = pl_sim_new (1);
  net->trace = pl_sim_get_trace (net->sim);
  net->alice = add_node (net->sim, PL_TYPE_USER_AGENT, "alice", "alice.example.net:5061");
  net->bob = add_node (net->sim, bob_type, "bob", "bob.example.net:5062");
  pl_sim_add_link (net->sim, net->alice, net->bob, link);
  return net;
}

static void
net_free (Net *net)
{
  g_object_unref (net->sim);
  g_free (net);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Net, net_free)

static void
on_send (gpointer data)
{
  Net *net = data;
  const char *method = g_object_get_data (G_OBJECT (net->alice), "method");
  g_autoptr (GBytes) body = g_bytes_new_static ("hello", 5);

  pl_user_agent_send (PL_USER_AGENT (net->alice), method, "sip:bob@bob.example.net:5062", NULL,
                      "text/plain", g_str_equal (method, "MESSAGE") ? body : NULL);
}

/* alice sends @method to bob at 0; the sim runs until nothing is left. */
static void
net_run (Net *net, const char *method)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (net->sim);

  g_object_set_data (G_OBJECT (net->alice), "method", (gpointer) method);
  pl_scheduler_add (scheduler, 0, on_send, net, NULL);
  pl_scheduler_run (scheduler);
  g_assert_true (pl_scheduler_is_empty (scheduler));
}

/* ---- trace queries ---- */

/* Message events of @kind from @who whose label starts with @what, or
 * node events of @kind at @who named @what (NULL: any name). */
static gboolean
event_is (const PlTraceEvent *ev, PlEventKind kind, int who, const char *what)
{
  gboolean message = kind <= PL_EVENT_RETRANSMIT;

  if (ev->kind != kind || (message ? ev->from : ev->node) != who)
    return FALSE;
  return what == NULL || (message ? ev->label && g_str_has_prefix (ev->label, what)
                                  : g_str_equal (ev->name, what));
}

static guint
n_events (Net *net, PlEventKind kind, int who, const char *what)
{
  guint n = 0;

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    n += event_is (pl_trace_get_event (net->trace, i), kind, who, what);
  return n;
}

/* The @nth (0-based) such event; it must exist. */
static const PlTraceEvent *
nth_event (Net *net, PlEventKind kind, int who, const char *what, guint nth)
{
  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (event_is (ev, kind, who, what) && nth-- == 0)
        return ev;
    }
  g_error ("no such event: %s #%u", what ? what : pl_event_kind_to_string (kind), nth);
}

/* Times of those events in ms: "0 500 1500". */
static char *
event_times (Net *net, PlEventKind kind, int who, const char *what)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (event_is (ev, kind, who, what))
        g_string_append_printf (out, "%s%g", out->len ? " " : "", ev->t_us / 1000.0);
    }
  return g_string_free (out, FALSE);
}

#define assert_times(net, kind, who, what, expected) G_STMT_START { \
    g_autofree char *times_ = event_times ((net), (kind), (who), (what)); \
    g_assert_cmpstr (times_, ==, (expected)); \
  } G_STMT_END

static const PlField *
field (const PlTraceEvent *ev, const char *key)
{
  const PlField *field = pl_trace_event_get_field (ev, key);

  g_assert_nonnull (field);
  return field;
}

/* alice's UA got exactly one final response: this one, at @at. */
static void
assert_final_response (Net *net, const char *method, int status, PlTime at, gboolean local)
{
  const PlTraceEvent *final = NULL;

  for (guint i = 0; i < n_events (net, PL_EVENT_APP, ALICE, "response"); i++)
    {
      const PlTraceEvent *ev = nth_event (net, PL_EVENT_APP, ALICE, "response", i);

      if (field (ev, "status")->num < 200)
        continue;
      g_assert_null (final);
      final = ev;
    }
  g_assert_nonnull (final);
  g_assert_cmpstr (field (final, "method")->str, ==, method);
  g_assert_cmpint (field (final, "status")->num, ==, status);
  g_assert_cmpint (field (final, "local")->num, ==, local);
  g_assert_cmpint (final->t_us, ==, at);
}

/* The states of one transaction at @node with their times in ms:
 * "trying@0 completed@20 terminated@5020". */
static char *
txn_states (Net *net, int node, const char *side, const char *branch)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_events (net, PL_EVENT_STATE, node, "transaction"); i++)
    {
      const PlTraceEvent *ev = nth_event (net, PL_EVENT_STATE, node, "transaction", i);

      if (g_str_equal (field (ev, "side")->str, side) && g_str_equal (field (ev, "branch")->str, branch))
        g_string_append_printf (out, "%s%s@%g", out->len ? " " : "", field (ev, "state")->str,
                                ev->t_us / 1000.0);
    }
  return g_string_free (out, FALSE);
}

#define assert_states(net, node, side, branch, expected) G_STMT_START { \
    g_autofree char *states_ = txn_states ((net), (node), (side), (branch)); \
    g_assert_cmpstr (states_, ==, (expected)); \
  } G_STMT_END

static msg_t *
parse_event (const PlTraceEvent *ev)
{
  g_autofree char *problem = NULL;
  msg_t *msg = pl_wire_parse (ev->wire, &problem);

  g_assert_nonnull (msg);
  g_assert_null (problem);
  return msg;
}

/* Loses the first request @method (or response @status) from @from to @to. */
static void
add_drop_rule (Net *net, int from, int to, const char *method, int status)
{
  PlRule *rule = pl_rule_new (PL_RULE_ON_DELIVER, PL_RULE_DROP);

  pl_rule_set_id (rule, "lose-first");
  pl_rule_set_hop (rule, from, to);
  if (method)
    pl_rule_set_method (rule, method);
  else
    pl_rule_set_status (rule, status, status);
  pl_rule_set_nth (rule, 1);
  pl_sim_add_rule (net->sim, rule);
}

/* ---- transactions ---- */

static const PlLinkParams fast_udp = { .latency = PL_MSEC (10), .transport = PL_TRANSPORT_UDP };

typedef struct {
  const char *summary;
  const char *method;
  PlLinkParams link;
  const char *timer;
  const char *retransmissions;
} TimeoutCase;

static const TimeoutCase timeout_cases[] = {
  { "A non-INVITE request over a dead UDP link is retransmitted on timer E (T1 doubling up "
    "to T2) and timer F gives a local 408 at 64*T1",
    "MESSAGE", { .latency = PL_MSEC (40), .loss = 1.0, .transport = PL_TRANSPORT_UDP }, "F",
    "500 1500 3500 7500 11500 15500 19500 23500 27500 31500" },
  { "An INVITE over a dead UDP link is retransmitted on timer A (T1 doubling without bound) "
    "and timer B gives a local 408 at 64*T1",
    "INVITE", { .latency = PL_MSEC (40), .loss = 1.0, .transport = PL_TRANSPORT_UDP }, "B",
    "500 1500 3500 7500 15500 31500" },
  { "Over TCP a request is sent once, never retransmitted, and a callee that never answers "
    "still gives 408 at 64*T1 (timer F)",
    "MESSAGE", { .latency = PL_MSEC (40), .transport = PL_TRANSPORT_TCP }, "F", "" },
};

static void
test_timeout (gconstpointer data)
{
  const TimeoutCase *tc = data;
  /* A callee whose TU never answers: lost requests and silence alike. */
  g_autoptr (Net) net = net_new (TEST_TYPE_CALLEE, &tc->link);
  gboolean lossy = tc->link.loss > 0;
  const PlTraceEvent *timeout;

  g_test_summary (tc->summary);

  net_run (net, tc->method);

  assert_times (net, PL_EVENT_SEND, ALICE, tc->method, "0");
  assert_times (net, PL_EVENT_RETRANSMIT, ALICE, tc->method, tc->retransmissions);
  g_assert_cmpuint (n_events (net, PL_EVENT_DROP, ALICE, tc->method), ==,
                    lossy ? n_events (net, PL_EVENT_RETRANSMIT, ALICE, tc->method) + 1 : 0);
  g_assert_cmpuint (TEST_CALLEE (net->bob)->n_requests, ==, lossy ? 0 : 1);
  g_assert_cmpuint (n_events (net, PL_EVENT_TIMEOUT, ALICE, NULL), ==, 1);
  timeout = nth_event (net, PL_EVENT_TIMEOUT, ALICE, NULL, 0);
  g_assert_cmpstr (field (timeout, "timer")->str, ==, tc->timer);
  g_assert_cmpstr (field (timeout, "method")->str, ==, tc->method);
  g_assert_cmpint (timeout->t_us, ==, 64 * PL_T1);
  assert_final_response (net, tc->method, 408, 64 * PL_T1, TRUE);
  g_assert_cmpuint (pl_node_get_n_transactions (net->alice), ==, 0);
  g_assert_cmpuint (pl_user_agent_get_n_dialogs (PL_USER_AGENT (net->alice)), ==, 0);
}

static void
test_server_absorbs_retransmissions (void)
{
  g_autoptr (Net) net = net_new (TEST_TYPE_CALLEE, &fast_udp);
  TestCallee *callee = TEST_CALLEE (net->bob);
  const PlTraceEvent *ok, *again;
  g_autoptr (msg_t) msg = NULL;
  const char *branch;

  g_test_summary ("A non-INVITE server transaction absorbs retransmitted requests (its TU "
                  "sees the request once) and answers a retransmission in Completed with "
                  "the same final response, byte for byte; then timers K and J");

  /* The 200 at 2.01 s is lost: only bob's server transaction can still
   * answer, when alice retransmits at 3.5 s. */
  callee->final = 200;
  callee->delay = PL_SEC (2);
  add_drop_rule (net, BOB, ALICE, NULL, 200);
  net_run (net, "MESSAGE");

  assert_times (net, PL_EVENT_RETRANSMIT, ALICE, "MESSAGE", "500 1500 3500");
  g_assert_cmpuint (callee->n_requests, ==, 1);
  assert_times (net, PL_EVENT_ABSORBED, BOB, NULL, "510 1510 3510");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (field (nth_event (net, PL_EVENT_ABSORBED, BOB, NULL, i), "by")->str, ==,
                     "server transaction");
  assert_times (net, PL_EVENT_SEND, BOB, "200", "2010");
  assert_times (net, PL_EVENT_DROP, BOB, "200", "2020");
  assert_times (net, PL_EVENT_RETRANSMIT, BOB, "200", "3510");
  g_assert_cmpstr (field (nth_event (net, PL_EVENT_DROP, BOB, "200", 0), "rule")->str, ==,
                   "lose-first");
  ok = nth_event (net, PL_EVENT_SEND, BOB, "200", 0);
  again = nth_event (net, PL_EVENT_RETRANSMIT, BOB, "200", 0);
  g_assert_true (g_bytes_equal (ok->wire, again->wire));
  assert_final_response (net, "MESSAGE", 200, PL_MSEC (3520), FALSE);

  /* Timer K (T4) at the client, timer J (64*T1) at the server. */
  msg = parse_event (ok);
  branch = sip_object (msg)->sip_via->v_branch;
  assert_states (net, ALICE, "client", branch, "trying@0 completed@3520 terminated@8520");
  assert_states (net, BOB, "server", branch, "trying@10 completed@2010 terminated@34010");
  g_assert_cmpuint (pl_node_get_n_transactions (net->alice), ==, 0);
  g_assert_cmpuint (pl_node_get_n_transactions (net->bob), ==, 0);
}

static void
test_invite_provisional_and_ack (void)
{
  static const PlLinkParams slow = { .latency = PL_MSEC (300), .transport = PL_TRANSPORT_UDP };
  g_autoptr (Net) net = net_new (TEST_TYPE_CALLEE, &slow);
  TestCallee *callee = TEST_CALLEE (net->bob);
  g_autoptr (msg_t) ack = NULL;
  g_autoptr (msg_t) invite = NULL;
  sip_t *asip, *isip;
  guint n_absorbed_acks = 0;

  g_test_summary ("A provisional response stops INVITE retransmissions (timer A); a non-2xx "
                  "final gets an ACK with the INVITE's branch that the server transaction "
                  "absorbs (completed -> confirmed); a retransmitted final is ACKed again");

  /* INVITE at 0 -> bob 0.3 s (100 Trying) -> alice 0.6 s: one retransmission at
   * 0.5 s. 486 at 1.3 s -> alice 1.6 s, ACK -> bob 1.9 s; timer G resends the
   * 486 at 1.8 s, which alice ACKs again at 2.1 s. */
  callee->final = 486;
  callee->delay = PL_SEC (1);
  net_run (net, "INVITE");

  assert_times (net, PL_EVENT_SEND, ALICE, "INVITE", "0");
  assert_times (net, PL_EVENT_RETRANSMIT, ALICE, "INVITE", "500");
  g_assert_cmpuint (callee->n_requests, ==, 1);
  g_assert_cmpuint (callee->n_acks, ==, 0);
  assert_final_response (net, "INVITE", 486, PL_MSEC (1600), FALSE);
  assert_times (net, PL_EVENT_SEND, ALICE, "ACK", "1600");
  assert_times (net, PL_EVENT_RETRANSMIT, BOB, "486", "1800");
  assert_times (net, PL_EVENT_RETRANSMIT, ALICE, "ACK", "2100");
  for (guint i = 0; i < n_events (net, PL_EVENT_ABSORBED, BOB, NULL); i++)
    n_absorbed_acks += g_str_equal (field (nth_event (net, PL_EVENT_ABSORBED, BOB, NULL, i),
                                           "label")->str, "ACK");
  g_assert_cmpuint (n_absorbed_acks, ==, 2);

  /* §17.1.1.3: branch, Request-URI, Call-ID, From, CSeq number of the INVITE. */
  invite = parse_event (nth_event (net, PL_EVENT_SEND, ALICE, "INVITE", 0));
  ack = parse_event (nth_event (net, PL_EVENT_SEND, ALICE, "ACK", 0));
  isip = sip_object (invite);
  asip = sip_object (ack);
  g_assert_cmpstr (asip->sip_via->v_branch, ==, isip->sip_via->v_branch);
  g_assert_null (asip->sip_via->v_next);
  g_assert_cmpstr (asip->sip_call_id->i_id, ==, isip->sip_call_id->i_id);
  g_assert_cmpuint (asip->sip_cseq->cs_seq, ==, isip->sip_cseq->cs_seq);
  g_assert_cmpint (asip->sip_cseq->cs_method, ==, sip_method_ack);
  g_assert_cmpint (url_cmp (asip->sip_request->rq_url, isip->sip_request->rq_url), ==, 0);
  g_assert_cmpstr (asip->sip_from->a_tag, ==, isip->sip_from->a_tag);
  g_assert_nonnull (asip->sip_to->a_tag);

  /* Timer I (T4) after the ACK, timer D (32 s) after the final. */
  assert_states (net, BOB, "server", isip->sip_via->v_branch,
                 "proceeding@300 completed@1300 confirmed@1900 terminated@6900");
  assert_states (net, ALICE, "client", isip->sip_via->v_branch,
                 "calling@0 proceeding@600 completed@1600 terminated@33600");
}

static void
test_non_invite_timer_e_proceeding (void)
{
  g_autoptr (Net) net = net_new (TEST_TYPE_CALLEE, &fast_udp);

  g_test_summary ("After a provisional response a non-INVITE request is retransmitted every "
                  "T2 (timer E in Proceeding), still ending with timer F");

  TEST_CALLEE (net->bob)->provisional = 100;
  net_run (net, "MESSAGE");

  assert_times (net, PL_EVENT_RETRANSMIT, ALICE, "MESSAGE",
                "500 4500 8500 12500 16500 20500 24500 28500");
  /* Each retransmission is answered with the provisional response again. */
  assert_times (net, PL_EVENT_RETRANSMIT, BOB, "100",
                "510 4510 8510 12510 16510 20510 24510 28510");
  g_assert_cmpuint (TEST_CALLEE (net->bob)->n_requests, ==, 1);
  assert_final_response (net, "MESSAGE", 408, PL_SEC (32), TRUE);
}

static void
test_invite_2xx_ack (void)
{
  g_autoptr (Net) net = net_new (PL_TYPE_USER_AGENT, &fast_udp);
  g_autoptr (msg_t) invite = NULL;
  g_autoptr (msg_t) ok = NULL;
  g_autoptr (msg_t) ack = NULL;
  const PlTraceEvent *confirmed;
  sip_t *isip, *osip, *asip;

  g_test_summary ("The UAC acknowledges a 2xx itself with a new branch; the UAS retransmits "
                  "the 2xx until an ACK arrives, and each 2xx retransmission is "
                  "acknowledged again");

  /* 200 at 10 ms; ACK at 20 ms, lost; 200 again at 510 ms; ACK again at 520 ms. */
  add_drop_rule (net, ALICE, BOB, "ACK", 0);
  net_run (net, "INVITE");

  assert_times (net, PL_EVENT_SEND, ALICE, "INVITE", "0");
  assert_times (net, PL_EVENT_SEND, BOB, "200", "10");
  assert_times (net, PL_EVENT_RETRANSMIT, BOB, "200", "510");
  assert_times (net, PL_EVENT_SEND, ALICE, "ACK", "20");
  assert_times (net, PL_EVENT_RETRANSMIT, ALICE, "ACK", "520");
  g_assert_true (g_bytes_equal (nth_event (net, PL_EVENT_SEND, ALICE, "ACK", 0)->wire,
                                nth_event (net, PL_EVENT_RETRANSMIT, ALICE, "ACK", 0)->wire));

  /* §13.2.2.4: a new transaction to the remote target, CSeq of the INVITE. */
  invite = parse_event (nth_event (net, PL_EVENT_SEND, ALICE, "INVITE", 0));
  ok = parse_event (nth_event (net, PL_EVENT_SEND, BOB, "200", 0));
  ack = parse_event (nth_event (net, PL_EVENT_SEND, ALICE, "ACK", 0));
  isip = sip_object (invite);
  osip = sip_object (ok);
  asip = sip_object (ack);
  g_assert_cmpstr (asip->sip_via->v_branch, !=, isip->sip_via->v_branch);
  g_assert_cmpuint (asip->sip_cseq->cs_seq, ==, isip->sip_cseq->cs_seq);
  g_assert_cmpint (url_cmp (asip->sip_request->rq_url, osip->sip_contact->m_url), ==, 0);
  g_assert_cmpstr (asip->sip_to->a_tag, ==, osip->sip_to->a_tag);

  /* bob: the second ACK confirmed the dialog at 530 ms and stopped the 2xx. */
  assert_times (net, PL_EVENT_APP, BOB, "dialog", "530");
  confirmed = nth_event (net, PL_EVENT_APP, BOB, "dialog", 0);
  g_assert_true (g_str_has_prefix (field (confirmed, "detail")->str, "confirmed"));
  g_assert_cmpuint (pl_user_agent_get_n_dialogs (PL_USER_AGENT (net->alice)), ==, 1);
  g_assert_cmpuint (pl_user_agent_get_n_dialogs (PL_USER_AGENT (net->bob)), ==, 1);
  assert_final_response (net, "INVITE", 200, PL_MSEC (20), FALSE);

  /* RFC 6026 §7.1: Accepted after the 2xx, timer L (64*T1) ends it, once. */
  assert_states (net, BOB, "server", isip->sip_via->v_branch,
                 "proceeding@10 accepted@10 terminated@32010");
}

static void
test_invite_2xx_lost (void)
{
  g_autoptr (Net) net = net_new (PL_TYPE_USER_AGENT, &fast_udp);
  guint n_invites = 0;

  g_test_summary ("When the 2xx is lost, the INVITE the UAC retransmits meanwhile is absorbed "
                  "by the UAS's INVITE server transaction (RFC 6026 Accepted state) instead "
                  "of reaching the TU as a new call: one dialog on each side, no BYE");

  add_drop_rule (net, BOB, ALICE, NULL, 200);
  net_run (net, "INVITE");

  for (guint i = 0; i < n_events (net, PL_EVENT_APP, BOB, "request"); i++)
    n_invites += g_str_equal (field (nth_event (net, PL_EVENT_APP, BOB, "request", i),
                                     "method")->str, "INVITE");
  g_assert_cmpuint (n_invites, ==, 1);
  g_assert_cmpuint (pl_user_agent_get_n_dialogs (PL_USER_AGENT (net->bob)), ==, 1);
  g_assert_cmpuint (pl_user_agent_get_n_dialogs (PL_USER_AGENT (net->alice)), ==, 1);
  g_assert_cmpuint (n_events (net, PL_EVENT_SEND, BOB, "BYE"), ==, 0);
  /* The 2xx bob's UA resends at 510 ms gets through. */
  assert_final_response (net, "INVITE", 200, PL_MSEC (520), FALSE);
}

static void
test_invite_timer_b_proceeding (void)
{
  g_autoptr (Net) net = net_new (TEST_TYPE_CALLEE, &fast_udp);
  TestCallee *callee = TEST_CALLEE (net->bob);

  g_test_summary ("Timer B only fires in Calling (RFC 3261 §17.1.1.2): an INVITE that got "
                  "a 180 may ring longer than 64*T1 and still be answered");

  callee->provisional = 180;
  callee->final = 200;
  callee->delay = PL_SEC (40);
  net_run (net, "INVITE");

  g_assert_cmpuint (n_events (net, PL_EVENT_TIMEOUT, ALICE, NULL), ==, 0);
  assert_final_response (net, "INVITE", 200, PL_SEC (40) + PL_MSEC (20), FALSE);
  g_assert_cmpuint (callee->n_acks, ==, 1);
  g_assert_cmpuint (pl_user_agent_get_n_dialogs (PL_USER_AGENT (net->alice)), ==, 1);
}

#define CANCEL_SCENARIO \
  "<scenario name='cancel' dialect='plain' seed='1' end='60s'>" \
  " <network latency='20ms'>" \
  "  <node id='alice' kind='ua' host='alice.example.net:5061'/>" \
  "  <node id='bob' kind='ua' host='bob.example.net:5062'>" \
  "   <answer method='INVITE' status='180,200' delay='2s'/>" \
  "  </node>" \
  " </network>" \
  " <timeline>" \
  "  <at t='0'><request node='alice' method='INVITE' uri='sip:bob@bob.example.net:5062'/></at>" \
  "  <at t='3s'><cancel node='alice'/></at>" \
  " </timeline>" \
  "</scenario>"

static void
test_cancel_pending_answer (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = NULL;
  g_autofree char *path = NULL;
  Net net = { 0 };
  int fd;

  g_test_summary ("A UA whose answers to an INVITE are pending (180 at 2 s, 200 at 4 s) and "
                  "that gets a CANCEL at 3 s answers 487 and nothing more on that transaction "
                  "(no answer to a finished, or freed, transaction)");

  pl_models_register ();
  fd = g_file_open_tmp ("test-transaction-XXXXXX.xml", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, CANCEL_SCENARIO, -1, &error));
  scenario = pl_scenario_load (path, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  net.sim = pl_scenario_get_sim (scenario);
  net.trace = pl_sim_get_trace (net.sim);
  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (net.sim));

  assert_times (&net, PL_EVENT_SEND, BOB, "200", "3020");   /* the CANCEL's */
  assert_final_response (&net, "INVITE", 487, PL_MSEC (3040), FALSE);
}

/* ---- dialogs from literal messages ---- */

#define DIALOG_INVITE \
  "INVITE sip:bob@example.net SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP p2.example.net;branch=z9hG4bKp2\r\n" \
  "Via: SIP/2.0/UDP p1.example.net;branch=z9hG4bKp1\r\n" \
  "Via: SIP/2.0/UDP alice.example.net:5061;branch=z9hG4bKa1\r\n" \
  "Max-Forwards: 68\r\n" \
  "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>\r\n" \
  "From: \"Alice\" <sip:alice@example.net>;tag=a-tag\r\n" \
  "To: <sip:bob@example.net>\r\n" \
  "Call-ID: dlg-1@alice.example.net\r\n" \
  "CSeq: 4711 INVITE\r\n" \
  "Contact: <sip:alice@alice.example.net:5061>\r\n" \
  "Content-Length: 0\r\n\r\n"

#define DIALOG_OK \
  "SIP/2.0 200 OK\r\n" \
  "Via: SIP/2.0/UDP alice.example.net:5061;branch=z9hG4bKa1\r\n" \
  "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>\r\n" \
  "From: \"Alice\" <sip:alice@example.net>;tag=a-tag\r\n" \
  "To: <sip:bob@example.net>;tag=b-tag\r\n" \
  "Call-ID: dlg-1@alice.example.net\r\n" \
  "CSeq: 4711 INVITE\r\n" \
  "Contact: <sip:bob@bob.example.net:5062>\r\n" \
  "Content-Length: 0\r\n\r\n"

static msg_t *
parse_text (const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autofree char *problem = NULL;
  msg_t *msg = pl_wire_parse (bytes, &problem);

  g_assert_nonnull (msg);
  g_assert_null (problem);
  return msg;
}

/* @dialog's next request as the peer receives it: with the Via the
 * transaction layer adds, serialized and parsed again. */
static msg_t *
dialog_request (PlDialog *dialog, sip_method_t method, const char *name)
{
  g_autoptr (msg_t) msg = pl_dialog_new_request (dialog, method, name);
  g_autoptr (GBytes) wire = NULL;
  g_autofree char *problem = NULL;
  msg_t *copy;

  g_assert_null (sip_object (msg)->sip_via);
  msg_header_add_make (msg, NULL, sip_via_class, "SIP/2.0/UDP host.example.net;branch=z9hG4bKx");
  wire = pl_wire_serialize (msg);
  copy = pl_wire_parse (wire, &problem);
  g_assert_nonnull (copy);
  g_assert_null (problem);
  return copy;
}

/* "uri | route | cseq | from-user;tag | to-user;tag" */
static void
assert_request (msg_t *msg, const char *expected)
{
  sip_t *sip = sip_object (msg);
  g_autofree char *route = pl_wire_header_value (msg, "Route");
  su_home_t *home = su_home_new (sizeof (su_home_t));
  g_autofree char *text = g_strdup_printf ("%s | %s | %u %s | %s;%s | %s;%s",
                                           url_as_string (home, sip->sip_request->rq_url), route,
                                           sip->sip_cseq->cs_seq, sip->sip_cseq->cs_method_name,
                                           sip->sip_from->a_url->url_user, sip->sip_from->a_tag,
                                           sip->sip_to->a_url->url_user, sip->sip_to->a_tag);

  su_home_unref (home);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (sip->sip_call_id->i_id, ==, "dlg-1@alice.example.net");
}

static void
test_dialog (void)
{
  g_autoptr (PlNode) node = g_object_new (PL_TYPE_USER_AGENT, "id", "alice", "host",
                                          "alice.example.net:5061", "kind", "ua", NULL);
  g_autoptr (msg_t) invite = parse_text (DIALOG_INVITE);
  g_autoptr (msg_t) ok = parse_text (DIALOG_OK);
  g_autoptr (PlDialog) uac = NULL;
  g_autoptr (PlDialog) uas = NULL;
  g_autoptr (msg_t) bye = NULL;
  g_autoptr (msg_t) info = NULL;
  g_autoptr (msg_t) uas_bye = NULL;

  g_test_summary ("Dialog state of RFC 3261 §12: route set reversed on the UAC, in-dialog "
                  "requests to the remote target through the route set with increasing "
                  "CSeq and the right tags, and a lower remote CSeq rejected");

  /* UAC (§12.1.2): Record-Route of the 2xx reversed, target from its Contact;
   * §12.2.1.1: Request-URI the remote target, Route the route set. */
  uac = pl_dialog_new_uac (node, sip_object (invite), sip_object (ok));
  g_assert_cmpuint (pl_dialog_get_local_cseq (uac), ==, 4711);
  g_assert_true (pl_dialog_matches (uac, sip_object (ok)));

  bye = dialog_request (uac, sip_method_bye, "BYE");
  assert_request (bye, "sip:bob@bob.example.net:5062 | <sip:p1.example.net;lr>, "
                  "<sip:p2.example.net;lr> | 4712 BYE | alice;a-tag | bob;b-tag");
  info = dialog_request (uac, sip_method_info, "INFO");
  g_assert_cmpuint (sip_object (info)->sip_cseq->cs_seq, ==, 4713);
  g_assert_cmpuint (pl_dialog_get_local_cseq (uac), ==, 4713);

  /* UAS (§12.1.1): Record-Route as received, target from the INVITE's Contact. */
  uas = pl_dialog_new_uas (node, sip_object (invite), "b-tag", 1);
  g_assert_cmpuint (pl_dialog_get_remote_cseq (uas), ==, 4711);
  g_assert_true (pl_dialog_matches (uas, sip_object (bye)));
  g_assert_false (pl_dialog_matches (uac, sip_object (bye)));
  uas_bye = dialog_request (uas, sip_method_bye, "BYE");
  assert_request (uas_bye, "sip:alice@alice.example.net:5061 | <sip:p2.example.net;lr>, "
                  "<sip:p1.example.net;lr> | 1 BYE | bob;b-tag | alice;a-tag");

  /* §12.2.2: a higher CSeq is taken, a lower one refused (the UAS answers 500). */
  g_assert_true (pl_dialog_accept_cseq (uas, sip_object (bye)));
  g_assert_cmpuint (pl_dialog_get_remote_cseq (uas), ==, 4712);
  g_assert_false (pl_dialog_accept_cseq (uas, sip_object (invite)));
  g_assert_cmpuint (pl_dialog_get_remote_cseq (uas), ==, 4712);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/pl/transaction/non-invite-timer-e", &timeout_cases[0], test_timeout);
  g_test_add_data_func ("/pl/transaction/invite-timer-a", &timeout_cases[1], test_timeout);
  g_test_add_data_func ("/pl/transaction/tcp-no-retransmission", &timeout_cases[2], test_timeout);
  g_test_add_func ("/pl/transaction/server-absorbs-retransmissions",
                   test_server_absorbs_retransmissions);
  g_test_add_func ("/pl/transaction/invite-provisional-and-ack", test_invite_provisional_and_ack);
  g_test_add_func ("/pl/transaction/non-invite-timer-e-proceeding",
                   test_non_invite_timer_e_proceeding);
  g_test_add_func ("/pl/transaction/invite-2xx-ack", test_invite_2xx_ack);
  g_test_add_func ("/pl/transaction/invite-2xx-lost", test_invite_2xx_lost);
  g_test_add_func ("/pl/transaction/invite-timer-b-proceeding", test_invite_timer_b_proceeding);
  g_test_add_func ("/pl/transaction/cancel-pending-answer", test_cancel_pending_answer);
  g_test_add_func ("/pl/dialog/uac-uas", test_dialog);

  return g_test_run ();
}
