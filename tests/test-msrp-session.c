/* test-msrp-session.c: MSRP sessions between two nodes
 * (models/pl-msrp-session.c): B.3 steps 7–11, pipelining, reassembly,
 * the hash check, "#", interruption, broken and closed connections, the
 * REPORT timeout.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "pl-export.h"
#include "pl-msrp-session-private.h"
#include "pl-rule.h"

/* B.3's paths: the Push Sender agent's and the receiver's a=path. */
#define PSA_PATH "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp"
#define UE_PATH "msrp://userpc.domain.com:8888/9di4ea;tcp"
#define CONTENT_TYPE "application/vnd.oma.push"
#define B3_SIZE 4385

/* ==== a node that hands its MSRP bytes to its sessions ==== */

#define TEST_TYPE_PEER (test_peer_get_type ())
G_DECLARE_FINAL_TYPE (TestPeer, test_peer, TEST, PEER, PlNode)

struct _TestPeer {
  PlNode parent_instance;
};

G_DEFINE_FINAL_TYPE (TestPeer, test_peer, PL_TYPE_NODE)

static void
test_peer_stream (PlNode *node, PlNode *from, const char *proto, GBytes *bytes)
{
  g_assert_true (pl_msrp_session_dispatch (node, from, proto, bytes));
}

static void
test_peer_class_init (TestPeerClass *klass)
{
  PL_NODE_CLASS (klass)->stream = test_peer_stream;
}

static void
test_peer_init (TestPeer *self)
{
}

/* ==== the fixture: psa and ue, one session each ==== */

typedef struct {
  PlMsrpOutcomeKind kind;
  gboolean outgoing;
  guint status;
  gboolean by_report;
  guint64 bytes;
} Outcome;

typedef struct {
  GArray *outcomes;     /* Outcome */
  GPtrArray *received;  /* GBytes */
  guint n_closed;
} Side;

typedef struct {
  PlSim *sim;
  PlNode *psa;
  PlNode *ue;
  PlMsrpSession *tx;
  PlMsrpSession *rx;
  Side tx_side;
  Side rx_side;
  GBytes *content;
} Fixture;

static void
on_received (PlMsrpSession *session, const char *message_id, const char *content_type,
             GBytes *body, gpointer user_data)
{
  Side *side = user_data;

  g_assert_cmpstr (content_type, ==, CONTENT_TYPE);
  g_ptr_array_add (side->received, g_bytes_ref (body));
}

static void
on_outcome (PlMsrpSession *session, const PlMsrpOutcome *outcome, gpointer user_data)
{
  Side *side = user_data;
  Outcome o = { outcome->kind, outcome->outgoing, outcome->status, outcome->by_report,
                outcome->bytes };

  g_assert_nonnull (outcome->message_id);
  g_assert_nonnull (outcome->comment);
  g_array_append_val (side->outcomes, o);
}

static void
on_closed (PlMsrpSession *session, const char *reason, gpointer user_data)
{
  Side *side = user_data;

  g_assert_nonnull (reason);
  side->n_closed++;
}

static const PlMsrpSessionCallbacks callbacks = { on_received, on_outcome, on_closed };

static PlNode *
add_node (PlSim *sim, const char *id, const char *host)
{
  g_autoptr (GError) error = NULL;
  PlNode *node = g_object_new (TEST_TYPE_PEER, "id", id, "host", host, "kind", "peer", NULL);

  g_assert_true (pl_sim_add_node (sim, node, &error));
  g_assert_no_error (error);
  g_object_unref (node);
  return node;
}

static GBytes *
make_content (gsize size, guint seed)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) ((i * 31 + seed) % 251);
  return g_bytes_new_take (data, size);
}

static void
side_init (Side *side)
{
  side->outcomes = g_array_new (FALSE, FALSE, sizeof (Outcome));
  side->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
side_clear (Side *side)
{
  g_array_unref (side->outcomes);
  g_ptr_array_unref (side->received);
}

/* psa sends to ue over a 10 ms TCP link; psa opens the connection, as
 * B.3 step 7 says. */
static void
setup (Fixture *f, gconstpointer data)
{
  PlLinkParams link = { .latency = PL_MSEC (10), .transport = PL_TRANSPORT_UDP };
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;

  f->sim = pl_sim_new (1);
  pl_sim_set_default_link (f->sim, &link);
  f->psa = add_node (f->sim, "psa", "psa.domain.com");
  f->ue = add_node (f->sim, "ue", "userpc.domain.com");
  side_init (&f->tx_side);
  side_init (&f->rx_side);
  f->content = make_content (B3_SIZE, 7);

  f->tx = pl_msrp_session_new (f->psa, PSA_PATH, UE_PATH, PL_MSRP_ROLE_ACTIVE, &callbacks,
                               &f->tx_side, &error);
  g_assert_no_error (error);
  f->rx = pl_msrp_session_new (f->ue, UE_PATH, PSA_PATH, PL_MSRP_ROLE_PASSIVE, &callbacks,
                               &f->rx_side, &error);
  g_assert_no_error (error);
  hash = pl_msrp_sha1_hash (f->content);
  g_assert_true (pl_msrp_session_expect_hash (f->rx, hash));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->tx, pl_msrp_session_free);
  g_clear_pointer (&f->rx, pl_msrp_session_free);
  side_clear (&f->tx_side);
  side_clear (&f->rx_side);
  g_bytes_unref (f->content);
  g_object_unref (f->sim);
}

static void
run (Fixture *f)
{
  pl_scheduler_run (pl_sim_get_scheduler (f->sim));
}

static const PlMsrpSendOptions b3_options = {
  .chunk_size = 2048, .max_chunks = 2, .success_report = TRUE,
};

static char *
wire_text (const PlTraceEvent *ev)
{
  gsize len;
  const char *data = g_bytes_get_data (ev->wire, &len);

  return g_strndup (data, len);
}

/* The labels of the MSRP sends, in order, joined by " | ". */
static char *
msrp_sends (PlSim *sim)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_SEND && g_strcmp0 (ev->proto, "msrp") == 0)
        g_string_append_printf (out, "%s%s %s", out->len ? " | " : "",
                                pl_trace_get_node_id (trace, ev->from), ev->label);
    }
  return g_strdup (out->str);
}

/* The nth (0-based) MSRP send. */
static const PlTraceEvent *
nth_msrp_send (PlSim *sim, guint n)
{
  PlTrace *trace = pl_sim_get_trace (sim);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_SEND && g_strcmp0 (ev->proto, "msrp") == 0 && n-- == 0)
        return ev;
    }
  g_assert_not_reached ();
}

/* Its wire as text (up to a NUL of binary content). */
static char *
nth_msrp_wire (PlSim *sim, guint n)
{
  return wire_text (nth_msrp_send (sim, n));
}

/* How many "msrp-session" events with this action the trace holds. */
static guint
count_events (PlSim *sim, const char *action)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  guint n = 0;

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);
      const PlField *field = pl_trace_event_get_field (ev, "action");

      if (g_strcmp0 (ev->name, "msrp-session") == 0 && field && g_str_equal (field->str, action))
        n++;
    }
  return n;
}

/* Virtual time of the last "msrp-session" event with this action (of
 * @node, or any node when NULL), or -1. */
static PlTime
event_time (PlSim *sim, PlNode *node, const char *action)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  PlTime t = -1;

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);
      const PlField *field = pl_trace_event_get_field (ev, "action");

      if (g_strcmp0 (ev->name, "msrp-session") == 0 && field && g_str_equal (field->str, action)
          && (node == NULL || ev->node == pl_node_get_index (node)))
        t = ev->t_us;
    }
  return t;
}

static const Outcome *
only_outcome (Side *side)
{
  g_assert_cmpuint (side->outcomes->len, ==, 1);
  return &g_array_index (side->outcomes, Outcome, 0);
}

/* ==== B.3 ==== */

static void
test_b3 (Fixture *f, gconstpointer data)
{
  g_autofree char *sends = NULL;
  g_autofree char *first = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *report = NULL;
  g_autofree char *tid = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *message_id = NULL;
  const Outcome *o;
  GBytes *got;

  g_test_summary ("B.3 steps 7–11: 4385 bytes in two SEND chunks (1-2048, 2049-4385) with "
                  "Success-Report, each answered 200 before the next goes, then REPORT "
                  "Status: 000 200 OK; the receiver gets the exact content");

  /* The session owns the id only until the message's outcome. */
  message_id = g_strdup (pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &b3_options));
  g_assert_nonnull (message_id);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "psa SEND 1-2048/4385 | ue 200 OK | psa SEND 2049-4385/4385 | ue 200 OK | "
                   "ue REPORT 000 200 OK");

  /* Step 7's SEND, header for header. */
  first = nth_msrp_wire (f->sim, 0);
  tid = g_strndup (first + 5, strcspn (first + 5, " "));
  g_assert_true (pl_msrp_is_transaction_id (tid));
  expect = g_strdup_printf ("MSRP %s SEND\r\n"
                            "To-Path: " UE_PATH "\r\n"
                            "From-Path: " PSA_PATH "\r\n"
                            "Message-ID: %s\r\n"
                            "Byte-Range: 1-2048/4385\r\n"
                            "Success-Report: yes\r\n"
                            "Content-Type: " CONTENT_TYPE "\r\n\r\n",
                            tid, message_id);
  {
    g_autofree char *head = g_strndup (first, strlen (expect));

    g_assert_cmpstr (head, ==, expect);
  }
  {
    gsize len;
    const char *wire = g_bytes_get_data (nth_msrp_send (f->sim, 0)->wire, &len);
    g_autofree char *end_line = g_strdup_printf ("\r\n-------%s+\r\n", tid);

    g_assert_cmpuint (len, ==, strlen (expect) + 2048 + strlen (end_line));
    g_assert_cmpmem (wire + strlen (expect), 2048, g_bytes_get_data (f->content, NULL), 2048);
    g_assert_cmpmem (wire + len - strlen (end_line), strlen (end_line), end_line,
                     strlen (end_line));
  }

  /* Step 8: To-Path and From-Path swapped. */
  ok = nth_msrp_wire (f->sim, 1);
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("MSRP %s 200 OK\r\n"
                            "To-Path: " PSA_PATH "\r\n"
                            "From-Path: " UE_PATH "\r\n"
                            "-------%s$\r\n", tid, tid);
  g_assert_cmpstr (ok, ==, expect);

  /* Step 11. */
  report = nth_msrp_wire (f->sim, 4);
  g_assert_true (strstr (report, " REPORT\r\nTo-Path: " PSA_PATH "\r\nFrom-Path: " UE_PATH "\r\n"));
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("Message-ID: %s\r\nByte-Range: 1-4385/4385\r\nStatus: 000 200 OK\r\n",
                            message_id);
  g_assert_nonnull (strstr (report, expect));
  g_assert_true (g_str_has_suffix (report, "$\r\n"));

  g_assert_cmpuint (f->rx_side.received->len, ==, 1);
  got = g_ptr_array_index (f->rx_side.received, 0);
  g_assert_true (g_bytes_equal (got, f->content));
  o = only_outcome (&f->tx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
  g_assert_true (o->outgoing && o->by_report);
  g_assert_cmpuint (o->status, ==, 200);
  o = only_outcome (&f->rx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
  g_assert_false (o->outgoing);
  g_assert_cmpuint (o->bytes, ==, B3_SIZE);
  g_assert_cmpuint (pl_msrp_session_get_n_chunks_sent (f->tx), ==, 2);
  g_assert_cmpuint (pl_msrp_session_get_bytes_sent (f->tx), ==, B3_SIZE);
  g_assert_cmpuint (count_events (f->sim, "opened"), ==, 2);
  g_assert_cmpuint (count_events (f->sim, "received"), ==, 1);
  g_assert_cmpuint (count_events (f->sim, "report"), ==, 1);
  g_assert_cmpint (pl_msrp_session_get_state (f->tx), ==, PL_MSRP_SESSION_OPEN);
}

static void
test_pipelining (Fixture *f, gconstpointer data)
{
  PlMsrpSendOptions options = b3_options;
  g_autofree char *sends = NULL;
  PlTrace *trace = pl_sim_get_trace (f->sim);
  PlTime second = -1;

  g_test_summary ("B.3 step 8 NOTE: with pipelining both chunks go at once, before any 200");

  options.pipelining = TRUE;
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "psa SEND 1-2048/4385 | psa SEND 2049-4385/4385 | ue 200 OK | ue 200 OK | "
                   "ue REPORT 000 200 OK");
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_SEND && g_str_has_prefix (ev->label, "SEND 2049"))
        second = ev->t_us;
    }
  g_assert_cmpint (second, ==, 0);
  g_assert_cmpint (only_outcome (&f->tx_side)->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
  g_assert_cmpuint (f->rx_side.received->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (f->rx_side.received, 0), f->content));
}

static void
test_passive_sender (Fixture *f, gconstpointer data)
{
  g_autofree char *sends = NULL;
  g_autofree char *first = NULL;

  g_test_summary ("B.3's SDP roles (psa a=setup:passive, ue active): ue opens the connection "
                  "with an empty SEND (RFC 4975 §5.4), then psa sends the message it queued");

  g_clear_pointer (&f->tx, pl_msrp_session_free);
  g_clear_pointer (&f->rx, pl_msrp_session_free);
  f->tx = pl_msrp_session_new (f->psa, PSA_PATH, UE_PATH, PL_MSRP_ROLE_PASSIVE, &callbacks,
                               &f->tx_side, NULL);
  f->rx = pl_msrp_session_new (f->ue, UE_PATH, PSA_PATH, PL_MSRP_ROLE_ACTIVE, &callbacks,
                               &f->rx_side, NULL);
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &b3_options);
  pl_msrp_session_start (f->tx);
  g_assert_cmpint (pl_msrp_session_get_state (f->tx), ==, PL_MSRP_SESSION_CONNECTING);
  pl_msrp_session_start (f->rx);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "ue SEND | psa 200 OK | psa SEND 1-2048/4385 | ue 200 OK | "
                   "psa SEND 2049-4385/4385 | ue 200 OK | ue REPORT 000 200 OK");
  first = nth_msrp_wire (f->sim, 0);
  g_assert_nonnull (strstr (first, "Byte-Range: 1-0/0\r\n"));
  g_assert_null (strstr (first, "Content-Type"));
  g_assert_cmpint (only_outcome (&f->tx_side)->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
  g_assert_cmpuint (f->rx_side.received->len, ==, 1);
}

/* ==== failures ==== */

static void
test_hash_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) other = make_content (B3_SIZE, 8);
  g_autofree char *sends = NULL;
  const Outcome *o;

  g_test_summary ("Content whose sha-1 is not the a=file-selector hash: the receiver keeps "
                  "it from the application and sends a failure REPORT, 000 400");

  pl_msrp_session_send (f->tx, CONTENT_TYPE, other, &b3_options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_true (g_str_has_suffix (sends, "ue REPORT 000 400 Hash mismatch"));
  g_assert_cmpuint (f->rx_side.received->len, ==, 0);
  o = only_outcome (&f->rx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_HASH_MISMATCH);
  g_assert_cmpuint (o->status, ==, 400);
  o = only_outcome (&f->tx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_FAILED);
  g_assert_cmpuint (o->status, ==, 400);
  g_assert_true (o->by_report);
}

static void
on_abort (gpointer data)
{
  Fixture *f = data;
  const char *id = g_object_get_data (G_OBJECT (f->psa), "message-id");

  g_assert_true (pl_msrp_session_abort (f->tx, id));
  /* Once ended it is no longer the session's. */
  g_assert_false (pl_msrp_session_abort (f->tx, id));
}

static void
test_abort (Fixture *f, gconstpointer data)
{
  PlMsrpSendOptions options = { .chunk_size = 1000, .success_report = TRUE };
  g_autofree char *sends = NULL;
  const Outcome *o;

  g_test_summary ("Aborting mid-message sends a \"#\" chunk (RFC 4975 §7.1): the receiver "
                  "discards the 1000 bytes it had; no REPORT; both sides report ABORTED");

  g_object_set_data_full (G_OBJECT (f->psa), "message-id",
                          g_strdup (pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content,
                                                          &options)), g_free);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  /* After the first 200 (at 20 ms) and the second chunk. */
  pl_node_add_timer (f->psa, PL_MSEC (25), on_abort, f, NULL);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "psa SEND 1-1000/4385 | ue 200 OK | psa SEND 1001-2000/4385 | "
                   "psa SEND 2001-*/4385 # | ue 200 OK | ue 200 OK");
  g_assert_cmpuint (count_events (f->sim, "response-ignored"), ==, 0);
  g_assert_cmpuint (count_events (f->sim, "discarded"), ==, 1);
  g_assert_cmpuint (f->rx_side.received->len, ==, 0);
  o = only_outcome (&f->rx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_ABORTED);
  g_assert_cmpuint (o->bytes, ==, 2000);
  g_assert_cmpint (only_outcome (&f->tx_side)->kind, ==, PL_MSRP_OUTCOME_ABORTED);
}

static void
test_chunk_timeout_abort (Fixture *f, gconstpointer data)
{
  PlMsrpSendOptions options = { .chunk_size = 1000, .success_report = TRUE };
  PlRule *rule = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_DROP);
  g_autofree char *sends = NULL;
  const Outcome *o;

  g_test_summary ("The second chunk never arrives (a rule drops it): no 200 within 30 s is "
                  "a failed transaction, 408 (RFC 4975 §7.1.1); the sender gives the message "
                  "up with a \"#\" chunk (§7.1) and the receiver discards its 1000 bytes");

  pl_rule_set_proto (rule, "msrp");
  pl_rule_set_hop (rule, pl_node_get_index (f->psa), pl_node_get_index (f->ue));
  pl_rule_set_nth (rule, 2);
  pl_sim_add_rule (f->sim, rule);
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "psa SEND 1-1000/4385 | ue 200 OK | psa SEND 1001-2000/4385 | "
                   "psa SEND 2001-*/4385 # | ue 200 OK");
  o = only_outcome (&f->tx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_TIMEOUT);
  g_assert_cmpuint (o->status, ==, 408);
  o = only_outcome (&f->rx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_ABORTED);
  g_assert_cmpuint (o->bytes, ==, 1000);
  g_assert_cmpuint (f->rx_side.received->len, ==, 0);
}

static void
test_interrupt (Fixture *f, gconstpointer data)
{
  PlMsrpSendOptions options = b3_options;
  g_autofree char *sends = NULL;

  g_test_summary ("RFC 4975 §5.1: the first chunk is interrupted after 1000 bytes "
                  "(Byte-Range 1-*/4385, \"+\") and the rest of it goes as 1001-2048; the "
                  "receiver reassembles all 4385 bytes and the hash holds");

  options.interrupt_after = 1000;
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "psa SEND 1-*/4385 | ue 200 OK | psa SEND 1001-2048/4385 | ue 200 OK | "
                   "psa SEND 2049-4385/4385 | ue 200 OK | ue REPORT 000 200 OK");
  {
    gsize len;
    const char *wire = g_bytes_get_data (nth_msrp_send (f->sim, 0)->wire, &len);

    g_assert_cmpmem (wire + len - 3, 3, "+\r\n", 3);
  }
  g_assert_cmpuint (count_events (f->sim, "chunk-interrupted"), ==, 1);
  g_assert_cmpuint (f->rx_side.received->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (f->rx_side.received, 0), f->content));
  g_assert_cmpint (only_outcome (&f->tx_side)->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
}

static void
on_break (gpointer data)
{
  Fixture *f = data;

  pl_msrp_session_break (f->tx, "cable cut");
}

static void
test_broken (Fixture *f, gconstpointer data)
{
  g_autofree char *sends = NULL;
  const Outcome *o;

  g_test_summary ("The connection breaks after the first chunk arrived: nothing more crosses "
                  "it; the receiver discards the partial message, the sender reports BROKEN, "
                  "both sessions close; the 200 still in flight finds no session");

  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &b3_options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  pl_node_add_timer (f->psa, PL_MSEC (15), on_break, f, NULL);
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==, "psa SEND 1-2048/4385 | ue 200 OK");
  g_assert_cmpint (pl_msrp_session_get_state (f->tx), ==, PL_MSRP_SESSION_CLOSED);
  g_assert_cmpint (pl_msrp_session_get_state (f->rx), ==, PL_MSRP_SESSION_CLOSED);
  g_assert_cmpuint (f->tx_side.n_closed, ==, 1);
  g_assert_cmpuint (f->rx_side.n_closed, ==, 1);
  o = only_outcome (&f->tx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_BROKEN);
  o = only_outcome (&f->rx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_BROKEN);
  g_assert_cmpuint (o->bytes, ==, 2048);
  g_assert_cmpuint (count_events (f->sim, "no-session"), ==, 1);
  g_assert_cmpuint (count_events (f->sim, "closed"), ==, 2);
  /* No timer of the dead connection outlives it. */
  g_assert_cmpint (pl_sim_now (f->sim), ==, PL_MSEC (20));
}

static void
on_close (gpointer data)
{
  Fixture *f = data;

  pl_msrp_session_close (f->tx);
}

static void
test_closed (Fixture *f, gconstpointer data)
{
  const Outcome *o;
  PlTime rx_closed = -1;

  g_test_summary ("The sender closes (BYE) before the last chunk: its message fails CLOSED at "
                  "once; the receiver learns one link latency later (the FIN) and discards");

  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &b3_options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  pl_node_add_timer (f->psa, PL_MSEC (5), on_close, f, NULL);
  run (f);

  o = only_outcome (&f->tx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_CLOSED);
  o = only_outcome (&f->rx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_CLOSED);
  rx_closed = event_time (f->sim, f->ue, "closed");
  g_assert_cmpint (rx_closed, ==, PL_MSEC (15));
  /* A closed session sends nothing: the message fails at once. */
  g_assert_null (pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, NULL));
  g_assert_cmpuint (f->tx_side.outcomes->len, ==, 2);
}

static void
test_report_timeout (Fixture *f, gconstpointer data)
{
  PlMsrpSendOptions options = b3_options;
  PlRule *rule = pl_rule_new (PL_RULE_ON_SEND, PL_RULE_DROP);
  const Outcome *o;
  PlTime failed = -1;

  g_test_summary ("The REPORT is lost (a rule drops the third frame ue sends): after the "
                  "report timeout in virtual time the sender reports TIMEOUT, 408");

  pl_rule_set_proto (rule, "msrp");
  pl_rule_set_hop (rule, pl_node_get_index (f->ue), pl_node_get_index (f->psa));
  pl_rule_set_nth (rule, 3);
  pl_sim_add_rule (f->sim, rule);
  options.report_timeout = PL_SEC (5);
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  o = only_outcome (&f->tx_side);
  g_assert_cmpint (o->kind, ==, PL_MSRP_OUTCOME_TIMEOUT);
  g_assert_cmpuint (o->status, ==, 408);
  /* The receiver got it all the same. */
  g_assert_cmpint (only_outcome (&f->rx_side)->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
  failed = event_time (f->sim, f->psa, "failed");
  /* The last 200 came at 40 ms. */
  g_assert_cmpint (failed, ==, PL_MSEC (40) + PL_SEC (5));
}

static void
test_no_session (Fixture *f, gconstpointer data)
{
  g_test_summary ("The peer has no session at the To-Path: it answers 481 (RFC 4975 §10) "
                  "and the active side's connection fails");

  g_clear_pointer (&f->rx, pl_msrp_session_free);
  pl_msrp_session_start (f->tx);
  run (f);
  {
    g_autofree char *sends = msrp_sends (f->sim);

    g_assert_cmpstr (sends, ==, "psa SEND | ue 481 Session does not exist");
  }
  g_assert_cmpint (pl_msrp_session_get_state (f->tx), ==, PL_MSRP_SESSION_CLOSED);
  g_assert_cmpuint (f->tx_side.n_closed, ==, 1);
}

/* ==== content ==== */

static void
test_end_line_in_body (Fixture *f, gconstpointer data)
{
  g_autofree char *next = _pl_msrp_session_peek_id (f->tx);
  g_autofree char *text = g_strdup_printf ("before\r\n-------%s$\r\n"
                                           "between\r\n-------d93kswow+\r\nafter", next);
  g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));
  g_autofree char *hash = pl_msrp_sha1_hash (body);
  g_autofree char *first = NULL;

  g_test_summary ("A body holding the end-line of the transaction id the sender would pick, "
                  "and another transaction's: the sender picks another id (RFC 4975 §7.1) "
                  "and the receiver gets the body intact");

  g_assert_true (pl_msrp_session_expect_hash (f->rx, hash));
  pl_msrp_session_send (f->tx, CONTENT_TYPE, body, NULL);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  g_assert_cmpuint (count_events (f->sim, "transaction-id-changed"), ==, 1);
  first = nth_msrp_wire (f->sim, 0);
  g_assert_false (g_str_has_prefix (first + 5, next));
  g_assert_cmpuint (f->rx_side.received->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (f->rx_side.received, 0), body));
}

typedef struct {
  const guint8 *start;
  gsize size;
  guint n;
} Within;

static void
check_within (PlMsrpSession *session, const PlMsrpFrame *frame, gpointer user_data)
{
  Within *w = user_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (pl_msrp_frame_get_body (frame), &len);

  g_assert_true (data >= w->start && data + len <= w->start + w->size);
  w->n++;
}

static void
test_no_copy (Fixture *f, gconstpointer data)
{
  PlMsrpSendOptions options = { .chunk_size = 512, .pipelining = TRUE, .success_report = TRUE };
  Within w = { g_bytes_get_data (f->content, NULL), g_bytes_get_size (f->content), 0 };

  g_test_summary ("Each chunk's body, just before it is printed, points into the caller's "
                  "buffer: the content is not copied per chunk");

  _pl_msrp_session_set_chunk_hook (f->tx, check_within, &w);
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);
  g_assert_cmpuint (w.n, ==, (B3_SIZE + 511) / 512);
  g_assert_cmpint (only_outcome (&f->tx_side)->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
}

static void
test_two_messages (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) second = make_content (100, 3);
  g_autofree char *hash = pl_msrp_sha1_hash (second);

  g_test_summary ("Two files on one session (B.3 step 11 NOTE): each is checked against its "
                  "own file-selector hash and reported in turn");

  g_assert_true (pl_msrp_session_expect_hash (f->rx, hash));
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &b3_options);
  pl_msrp_session_send (f->tx, CONTENT_TYPE, second, &b3_options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  g_assert_cmpuint (f->rx_side.received->len, ==, 2);
  g_assert_true (g_bytes_equal (g_ptr_array_index (f->rx_side.received, 1), second));
  g_assert_cmpuint (f->tx_side.outcomes->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (g_array_index (f->tx_side.outcomes, Outcome, i).kind, ==,
                     PL_MSRP_OUTCOME_DELIVERED);
}

static void
test_paths (void)
{
  g_autoptr (PlSim) sim = pl_sim_new (1);
  PlNode *node = add_node (sim, "psa", "psa.domain.com:5060");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = pl_msrp_session_new_path (node, 0);
  g_autofree char *again = pl_msrp_session_new_path (node, 7654);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *hash = pl_msrp_sha1_hash (empty);
  PlMsrpUri a, b;
  PlMsrpSession *s;

  g_test_summary ("Paths: fresh ones are MSRP URIs of the node; URIs compare as RFC 4975 "
                  "§6.1 says; bad paths and hashes are refused; the RFC 5547 hash form");

  g_assert_true (g_str_has_prefix (path, "msrp://psa.domain.com:2855/"));
  g_assert_true (g_str_has_suffix (path, ";tcp"));
  g_assert_true (g_str_has_prefix (again, "msrp://psa.domain.com:7654/"));
  g_assert_cmpstr (path + 27, !=, again + 27);

  g_assert_true (_pl_msrp_uri_parse ("MSRP://PSA.domain.com:7654/a3cd20b8ae7f;TCP", &a));
  g_assert_true (_pl_msrp_uri_parse (PSA_PATH, &b));
  g_assert_true (_pl_msrp_uri_equal (&a, &b));
  _pl_msrp_uri_clear (&a);
  g_assert_true (_pl_msrp_uri_parse ("msrp://psa.domain.com:7654/A3cd20b8ae7f;tcp", &a));
  g_assert_false (_pl_msrp_uri_equal (&a, &b));
  _pl_msrp_uri_clear (&a);
  _pl_msrp_uri_clear (&b);
  g_assert_false (_pl_msrp_uri_parse ("sip:psa.domain.com", &a));
  g_assert_false (_pl_msrp_uri_parse ("msrp://psa.domain.com:7654/a3cd20b8ae7f", &a));
  g_assert_false (_pl_msrp_uri_parse ("msrp://psa.domain.com:99999/x;tcp", &a));

  s = pl_msrp_session_new (node, PSA_PATH, "msrp://nowhere.net:1/x;tcp", PL_MSRP_ROLE_ACTIVE,
                           NULL, NULL, &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "no node"));
  g_clear_error (&error);
  s = pl_msrp_session_new (node, "bogus", PSA_PATH, PL_MSRP_ROLE_ACTIVE, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_nonnull (strstr (error->message, "local path 'bogus'"));
  g_clear_error (&error);
  s = pl_msrp_session_new (node, PSA_PATH, PSA_PATH, PL_MSRP_ROLE_ACTIVE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (pl_msrp_session_expect_hash (s, "sha-1:72:24"));
  g_assert_false (pl_msrp_session_expect_hash (s, "md5:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E"));
  g_assert_true (pl_msrp_session_expect_hash (
    s, "sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E"));
  g_assert_null (pl_msrp_session_new (node, PSA_PATH, PSA_PATH, PL_MSRP_ROLE_ACTIVE, NULL, NULL,
                                      &error));
  g_assert_nonnull (strstr (error->message, "already"));
  g_clear_error (&error);
  pl_msrp_session_free (s);

  g_assert_cmpstr (hash, ==, "sha-1:DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09");

  /* An IPv6 node, as A.3's UE: its path has the literal in brackets and
   * names it. */
  {
    PlNode *ue = add_node (sim, "ue", "[5555::aaa:bbb:ccc:ddd]:1357");
    g_autofree char *v6 = pl_msrp_session_new_path (ue, 0);

    g_assert_true (g_str_has_prefix (v6, "msrp://[5555::aaa:bbb:ccc:ddd]:2855/"));
    s = pl_msrp_session_new (node, PSA_PATH, v6, PL_MSRP_ROLE_ACTIVE, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (pl_msrp_session_get_peer (s) == ue);
    pl_msrp_session_free (s);
  }
}

/* ==== the owner lets go from inside a callback ==== */

static void
free_on_received (PlMsrpSession *session, const char *message_id, const char *content_type,
                  GBytes *body, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_true (session == f->rx);
  g_ptr_array_add (f->rx_side.received, g_bytes_ref (body));
  g_clear_pointer (&f->rx, pl_msrp_session_free);
}

static void
free_on_outcome (PlMsrpSession *session, const PlMsrpOutcome *outcome, gpointer user_data)
{
  Fixture *f = user_data;
  Outcome o = { outcome->kind, outcome->outgoing, outcome->status, outcome->by_report,
                outcome->bytes };

  g_assert_true (session == f->tx);
  g_array_append_val (f->tx_side.outcomes, o);
  g_clear_pointer (&f->tx, pl_msrp_session_free);
}

static void
test_free_in_callback (Fixture *f, gconstpointer data)
{
  static const PlMsrpSessionCallbacks tx_callbacks = { NULL, free_on_outcome, NULL };
  static const PlMsrpSessionCallbacks rx_callbacks = { free_on_received, NULL, NULL };
  g_autofree char *hash = pl_msrp_sha1_hash (f->content);
  PlMsrpSendOptions options = b3_options;

  g_test_summary ("The owner frees its session from its own callback (the receiver on "
                  "delivery, the sender on the REPORT): nothing else happens to it after, "
                  "and the REPORT still went");

  g_clear_pointer (&f->tx, pl_msrp_session_free);
  g_clear_pointer (&f->rx, pl_msrp_session_free);
  f->tx = pl_msrp_session_new (f->psa, PSA_PATH, UE_PATH, PL_MSRP_ROLE_ACTIVE, &tx_callbacks,
                               f, NULL);
  f->rx = pl_msrp_session_new (f->ue, UE_PATH, PSA_PATH, PL_MSRP_ROLE_PASSIVE, &rx_callbacks,
                               f, NULL);
  g_assert_true (pl_msrp_session_expect_hash (f->rx, hash));
  options.pipelining = TRUE;
  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);

  g_assert_null (f->tx);
  g_assert_null (f->rx);
  g_assert_cmpuint (f->rx_side.received->len, ==, 1);
  g_assert_cmpint (only_outcome (&f->tx_side)->kind, ==, PL_MSRP_OUTCOME_DELIVERED);
}

/* ==== the receiver against frames written by hand ==== */

static GBytes *
hand_send (const char *tid, const char *message_id, const char *range, const char *body,
           PlMsrpFlag flag)
{
  g_autoptr (PlMsrpFrame) frame = pl_msrp_request_new (tid, "SEND");
  g_autoptr (GBytes) data = g_bytes_new (body, strlen (body));

  pl_msrp_frame_add_header (frame, "To-Path", UE_PATH);
  pl_msrp_frame_add_header (frame, "From-Path", PSA_PATH);
  if (message_id)
    pl_msrp_frame_add_header (frame, "Message-ID", message_id);
  if (range)
    pl_msrp_frame_add_header (frame, "Byte-Range", range);
  pl_msrp_frame_set_body (frame, CONTENT_TYPE, data);
  pl_msrp_frame_set_flag (frame, flag);
  return pl_msrp_frame_to_bytes (frame, NULL);
}

static void
feed (Fixture *f, GBytes *bytes)
{
  g_assert_true (pl_msrp_session_dispatch (f->ue, f->psa, "msrp", bytes));
  g_bytes_unref (bytes);
}

static void
test_receiver_checks (Fixture *f, gconstpointer data)
{
  g_autofree char *sends = NULL;
  static const char junk[] = "MSRP abcd SEND\r\nFrom-Path: x\r\n";

  g_test_summary ("The receiver answers 400 to a SEND without Message-ID and to chunks that "
                  "fall outside the total (even one learnt late), reassembles a message whose "
                  "total comes with its second chunk and one whose chunks come out of order, "
                  "and drops a connection whose bytes are no MSRP");

  g_clear_pointer (&f->rx, pl_msrp_session_free);
  f->rx = pl_msrp_session_new (f->ue, UE_PATH, PSA_PATH, PL_MSRP_ROLE_PASSIVE, &callbacks,
                               &f->rx_side, NULL);
  pl_msrp_session_start (f->rx);
  feed (f, hand_send ("tida", NULL, "1-5/5", "hello", PL_MSRP_FLAG_END));
  /* Total unknown, then known: the buffer grows to it. */
  feed (f, hand_send ("tidb", "m1", "1-*/*", "0123456789", PL_MSRP_FLAG_MORE));
  feed (f, hand_send ("tidc", "m1", "11-20/20", "abcdefghij", PL_MSRP_FLAG_END));
  /* A total smaller than what came already. */
  feed (f, hand_send ("tidd", "m2", "1-*/*", "0123456789", PL_MSRP_FLAG_MORE));
  feed (f, hand_send ("tide", "m2", "3-4/5", "ab", PL_MSRP_FLAG_END));
  /* More body than the range holds. */
  feed (f, hand_send ("tidf", "m3", "1-2/10", "abc", PL_MSRP_FLAG_MORE));
  /* Out of order (not over one TCP connection, but Byte-Range allows it). */
  feed (f, hand_send ("tidg", "m4", "6-10/10", "world", PL_MSRP_FLAG_END));
  feed (f, hand_send ("tidh", "m4", "1-5/10", "hello", PL_MSRP_FLAG_MORE));
  run (f);

  sends = msrp_sends (f->sim);
  g_assert_cmpstr (sends, ==,
                   "ue 400 Message-ID missing | ue 200 OK | ue 200 OK | ue 200 OK | "
                   "ue 400 Byte-Range and body disagree | ue 400 Byte-Range and body disagree | "
                   "ue 200 OK | ue 200 OK");
  g_assert_cmpuint (f->rx_side.received->len, ==, 2);
  {
    gsize len;
    const char *got = g_bytes_get_data (g_ptr_array_index (f->rx_side.received, 0), &len);

    g_assert_cmpmem (got, len, "0123456789abcdefghij", 20);
    got = g_bytes_get_data (g_ptr_array_index (f->rx_side.received, 1), &len);
    g_assert_cmpmem (got, len, "helloworld", 10);
  }

  feed (f, g_bytes_new_static (junk, sizeof junk - 1));
  g_assert_cmpuint (count_events (f->sim, "malformed"), ==, 1);
  g_assert_cmpint (pl_msrp_session_get_state (f->rx), ==, PL_MSRP_SESSION_CLOSED);
  /* m2 and m3 were partial: dropped with the connection. */
  g_assert_cmpuint (count_events (f->sim, "discarded"), ==, 2);
}

/* ==== export ==== */

static void
test_pcapng (Fixture *f, gconstpointer data)
{
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *fields = NULL;
  int status = 0;

  g_test_summary ("pcapng: tshark's MSRP dissector reads every frame of B.3 steps 7–11 "
                  "(TCP port 2855), none malformed");

  pl_msrp_session_send (f->tx, CONTENT_TYPE, f->content, &b3_options);
  pl_msrp_session_start (f->rx);
  pl_msrp_session_start (f->tx);
  run (f);
  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  g_assert_true (pl_export_pcapng (pl_sim_get_trace (f->sim), out, &error));
  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  close (g_file_open_tmp ("pl-msrp-XXXXXX.pcapng", &path, &error));
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), &error));
  {
    const char *argv[] = { tshark, "-n", "-r", path, "-Y", "msrp || _ws.malformed",
                           "-T", "fields", "-e", "msrp.method", "-e", "msrp.status.code",
                           "-e", "msrp.byte.range", "-e", "_ws.malformed", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &fields,
                  NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_unlink (path);
  g_assert_cmpstr (fields, ==,
                   "SEND\t\t1-2048/4385\t\n"
                   "\t200\t\t\n"
                   "SEND\t\t2049-4385/4385\t\n"
                   "\t200\t\t\n"
                   "REPORT\t\t1-4385/4385\t\n");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/msrp-session/" name, Fixture, NULL, setup, func, teardown)
  ADD ("b3", test_b3);
  ADD ("pipelining", test_pipelining);
  ADD ("passive-sender", test_passive_sender);
  ADD ("hash-mismatch", test_hash_mismatch);
  ADD ("abort", test_abort);
  ADD ("chunk-timeout-abort", test_chunk_timeout_abort);
  ADD ("interrupt", test_interrupt);
  ADD ("broken", test_broken);
  ADD ("closed", test_closed);
  ADD ("report-timeout", test_report_timeout);
  ADD ("no-session", test_no_session);
  ADD ("end-line-in-body", test_end_line_in_body);
  ADD ("no-copy", test_no_copy);
  ADD ("two-messages", test_two_messages);
  ADD ("free-in-callback", test_free_in_callback);
  ADD ("receiver-checks", test_receiver_checks);
  ADD ("pcapng", test_pcapng);
#undef ADD
  g_test_add_func ("/msrp-session/paths", test_paths);
  return g_test_run ();
}
