/* test-invite.c: pushes by INVITE (003_… B.3 steps 1–6 and 12–15):
 * the sender's INVITE with the SDP offer through the core, the
 * receiver's 200 with the answer or its 488, the ACK, the seam to the
 * MSRP session layer (pl-push-session.h) and the BYE.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-models.h"
#include "pl-msrp-sdp.h"
#include "pl-node.h"
#include "pl-push-msrp.h"
#include "pl-push-session.h"
#include "pl-scenario.h"
#include "pl-wire.h"
#include "test-net.h"

/* B.3's network: the Push Receiver registered with the core (B.1),
 * the Push Sender behind it. @app_attrs are the receiver's application's. */
#define B3_NET(app_attrs, transport)                                                           \
  "<scenario name='b3' dialect='oma-1.0' seed='1'>"                                             \
  "<network latency='10ms' transport='" transport "'>"                                          \
  "<node id='pra' kind='receiver' host='userpc.domain.com:5060' registrar='sip:proxy.domain.com' " \
  "expires='7200' instance='urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6'>"                    \
  "<identity public='sip:user@domain.com' display='Bob'/>"                                      \
  "<app id='wml.ua' " app_attrs "/>"                                                            \
  "</node>"                                                                                     \
  "<node id='proxy' kind='s-cscf' host='proxy.domain.com' hss='hss' domain='domain.com'/>"      \
  "<node id='hss' kind='hss' host='hss.domain.com'>"                                            \
  "<subscription href='" HSS_FILE "'/></node>"                                                  \
  "<node id='psa' kind='sender' host='psa.domain.com' outbound='sip:proxy.domain.com' "         \
  "identity='sip:psa@domain.com'/>"                                                             \
  "</network>"                                                                                  \
  "<timeline><at t='0'><register node='pra'/></at>"                                             \
  "<at t='2s'><push node='psa' to='sip:user@domain.com' app='wml.ua' method='invite' "          \
  "content-type='application/vnd.oma.push' body='hello push'/></at></timeline></scenario>"

static char *hss_file;
#define HSS_FILE "@HSS@"

static Net *
b3_run (const char *xml)
{
  g_autofree char *real = NULL;
  g_auto (GStrv) parts = g_strsplit (xml, HSS_FILE, -1);

  real = g_strjoinv (hss_file, parts);
  return net_run (real);
}

static char *
wire_of (const PlTraceEvent *ev)
{
  return g_strndup (g_bytes_get_data (ev->wire, NULL), g_bytes_get_size (ev->wire));
}

/* Responses delivered to @to with status @label to an INVITE. */
static GPtrArray *
invite_responses (Net        *net,
                  const char *to,
                  const char *label)
{
  GPtrArray *all = delivered (net, to, label);

  for (guint i = all->len; i-- > 0;)
    {
      g_autofree char *wire = wire_of (g_ptr_array_index (all, i));

      if (!g_regex_match_simple ("\r\nCSeq: [0-9]+ INVITE\r\n", wire, 0, 0))
        g_ptr_array_remove_index (all, i);
    }
  return all;
}

/* @network run with the seam of pl-push-session.h empty, as a build
 * without an MSRP layer would be. */
static Net *
without_msrp_layer (const char *network)
{
  Net *net;

  pl_models_register ();  /* installs the MSRP layer once: undone here */
  pl_push_session_set_hooks (NULL);
  net = b3_run (network);
  pl_push_msrp_install ();
  return net;
}

static void
test_established_without_msrp (void)
{
  g_autoptr (Net) net = without_msrp_layer (B3_NET ("accept='application/vnd.oma.push'", "tcp"));
  g_autoptr (GPtrArray) invites = delivered (net, "pra", "INVITE");
  g_autoptr (GPtrArray) oks = invite_responses (net, "psa", "200");
  g_autoptr (GPtrArray) acks = delivered (net, "pra", "ACK");
  g_autoptr (GPtrArray) byes = delivered (net, "pra", "BYE");
  g_autoptr (GPtrArray) tx_sessions = node_events (net, "psa", "push-session");
  g_autoptr (GPtrArray) rx_sessions = node_events (net, "pra", "push-session");
  g_autoptr (GPtrArray) delivery = node_events (net, "psa", "delivery");
  g_autofree char *offer_text = NULL;
  g_autofree char *answer_text = NULL;
  g_autofree char *invite = NULL;
  g_autoptr (PlMsrpSdp) offer = NULL;
  g_autoptr (PlMsrpSdp) answer = NULL;
  g_autoptr (GError) error = NULL;

  g_test_summary ("B.3 steps 1–6 and 12–15 through the core: INVITE with the MSRP offer, 200 "
                  "with the answer, ACK; with no MSRP layer the sender gives up after its "
                  "session timeout, records the push undeliverable and sends BYE");

  g_assert_cmpuint (invites->len, ==, 1);
  invite = wire_of (g_ptr_array_index (invites, 0));
  g_assert_nonnull (strstr (invite, "\r\nContent-Type: application/sdp\r\n"));
  g_assert_nonnull (strstr (invite, "\r\nRecord-Route: <sip:proxy.domain.com;lr>\r\n"));
  g_assert_nonnull (strstr (invite, "\r\nContact: <sip:psa.domain.com>;+g.3gpp.icsi_ref="));
  offer_text = body_of (g_ptr_array_index (invites, 0));
  offer = pl_msrp_sdp_parse (offer_text, strlen (offer_text), &error);
  g_assert_no_error (error);
  g_assert_cmpint (offer->direction, ==, PL_MSRP_SENDONLY);
  g_assert_cmpint (offer->setup, ==, PL_MSRP_SETUP_PASSIVE);
  g_assert_cmpuint (offer->port, ==, 7654);
  g_assert_cmpint (offer->file_selector->size, ==, 10);
  g_assert_cmpstr (offer->file_selector->type, ==, "application/vnd.oma.push");

  g_assert_cmpuint (oks->len, ==, 1);
  answer_text = body_of (g_ptr_array_index (oks, 0));
  answer = pl_msrp_sdp_parse (answer_text, strlen (answer_text), &error);
  g_assert_no_error (error);
  g_assert_true (pl_msrp_sdp_check_answer (offer, answer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (answer->setup, ==, PL_MSRP_SETUP_ACTIVE);
  g_assert_cmpstr (answer->host, ==, "userpc.domain.com");
  g_assert_cmpuint (answer->port, ==, 8888);

  g_assert_cmpuint (acks->len, ==, 1);
  g_assert_cmpuint (byes->len, ==, 1);
  /* The session timeout runs from the ACK (sent at 2.04 s). */
  g_assert_cmpint (((const PlTraceEvent *) g_ptr_array_index (byes, 0))->t_us, >=, PL_SEC (62));

  g_assert_cmpuint (tx_sessions->len, ==, 2);
  g_assert_cmpstr (field_str (g_ptr_array_index (tx_sessions, 0), "state"), ==, "established");
  g_assert_nonnull (strstr (field_str (g_ptr_array_index (tx_sessions, 0), "detail"),
                            "the receiver opens the MSRP connection"));
  g_assert_cmpstr (field_str (g_ptr_array_index (tx_sessions, 1), "state"), ==, "ended");
  g_assert_cmpuint (rx_sessions->len, ==, 4);
  g_assert_cmpstr (field_str (g_ptr_array_index (rx_sessions, 0), "state"), ==, "offered");
  g_assert_cmpstr (field_str (g_ptr_array_index (rx_sessions, 1), "state"), ==, "answered");
  g_assert_cmpstr (field_str (g_ptr_array_index (rx_sessions, 2), "state"), ==, "established");
  g_assert_cmpstr (field_str (g_ptr_array_index (rx_sessions, 3), "state"), ==, "ended");

  g_assert_cmpuint (delivery->len, ==, 1);
  g_assert_cmpstr (field_str (g_ptr_array_index (delivery, 0), "status"), ==, "undeliverable");
  g_assert_nonnull (strstr (field_str (g_ptr_array_index (delivery, 0), "reason"),
                            "no MSRP session layer"));
}

/* A stand-in MSRP layer: records what each side was told, and reports
 * the sender's push delivered one second after its session starts. */
typedef struct {
  PlPushSession session;
  PlMsrpSdp *local, *remote;
  PlPushSessionDone done;
  gpointer dialog;
  gboolean stopped;
} FakeSession;

static GPtrArray *fake_sessions;

static void
on_fake_report (gpointer data)
{
  FakeSession *s = data;

  s->done (s->dialog, PL_DELIVERY_ACCEPTED, 200, "REPORT 000 200 OK");
}

static PlMsrpSdp *
sdp_copy (const PlMsrpSdp *sdp)
{
  g_autofree char *text = pl_msrp_sdp_to_string (sdp, NULL);

  return pl_msrp_sdp_parse (text, strlen (text), NULL);
}

static gpointer
fake_start (const PlPushSession *session,
            PlPushSessionDone    done,
            gpointer             dialog)
{
  FakeSession *s = g_new0 (FakeSession, 1);

  s->session = *session;
  s->local = sdp_copy (session->local);
  s->remote = sdp_copy (session->remote);
  s->done = done;
  s->dialog = dialog;
  g_ptr_array_add (fake_sessions, s);
  if (done)
    pl_node_add_timer (session->node, PL_SEC (1), on_fake_report, s, NULL);
  return s;
}

static void
fake_stop (gpointer session)
{
  ((FakeSession *) session)->stopped = TRUE;
}

static void
fake_free (gpointer data)
{
  FakeSession *s = data;

  pl_msrp_sdp_free (s->local);
  pl_msrp_sdp_free (s->remote);
  g_free (s);
}

static const PlPushSessionHooks fake_hooks = { fake_start, fake_stop };

static void
test_msrp_seam (void)
{
  g_autoptr (Net) net = NULL;
  g_autoptr (GPtrArray) byes = NULL;
  g_autoptr (GPtrArray) delivery = NULL;
  g_autoptr (GPtrArray) pap = NULL;
  FakeSession *tx, *rx;

  g_test_summary ("After the ACK each side starts its MSRP session with what offer and answer "
                  "agreed (paths, roles); the sender's outcome is the push's delivery, then "
                  "BYE (step 12) stops both sessions");

  fake_sessions = g_ptr_array_new_with_free_func (fake_free);
  pl_models_register ();
  pl_push_session_set_hooks (&fake_hooks);
  net = b3_run (B3_NET ("accept='application/vnd.oma.push'", "tcp"));
  pl_push_msrp_install ();
  byes = delivered (net, "pra", "BYE");
  delivery = node_events (net, "psa", "delivery");
  pap = node_events (net, "psa", "pap");

  g_assert_cmpuint (fake_sessions->len, ==, 2);
  tx = g_ptr_array_index (fake_sessions, 0);
  rx = g_ptr_array_index (fake_sessions, 1);
  if (!tx->session.sender)
    {
      FakeSession *t = tx;
      tx = rx;
      rx = t;
    }
  g_assert_true (tx->session.sender);
  g_assert_false (rx->session.sender);
  /* B.3: the sender is passive, the receiver connects. */
  g_assert_false (tx->session.active);
  g_assert_true (rx->session.active);
  g_assert_cmpuint (tx->session.push, ==, 1);
  g_assert_cmpstr (tx->session.content_type, ==, "application/vnd.oma.push");
  g_assert_cmpmem (g_bytes_get_data (tx->session.content, NULL),
                   g_bytes_get_size (tx->session.content), "hello push", 10);
  g_assert_nonnull (tx->done);
  g_assert_null (rx->done);
  /* Each side's From-Path is its own path, its To-Path the other's. */
  g_assert_cmpstr (tx->local->path[0], ==, rx->remote->path[0]);
  g_assert_cmpstr (tx->remote->path[0], ==, rx->local->path[0]);
  g_assert_true (g_str_has_prefix (tx->local->path[0], "msrp://psa.domain.com:7654/"));
  g_assert_true (g_str_has_prefix (rx->local->path[0], "msrp://userpc.domain.com:8888/"));
  g_assert_true (tx->stopped);
  g_assert_true (rx->stopped);

  g_assert_cmpuint (byes->len, ==, 1);
  g_assert_cmpint (((const PlTraceEvent *) g_ptr_array_index (byes, 0))->t_us, <, PL_SEC (4));
  g_assert_cmpuint (delivery->len, ==, 1);
  g_assert_cmpstr (field_str (g_ptr_array_index (delivery, 0), "status"), ==, "accepted");
  g_assert_cmpint (field_int (g_ptr_array_index (delivery, 0), "code"), ==, 200);
  g_assert_cmpuint (pap->len, ==, 1);
  g_assert_cmpstr (field_str (g_ptr_array_index (pap, 0), "type"), ==, "result-notification");
  g_clear_pointer (&fake_sessions, g_ptr_array_unref);
}

static void
test_refused_offer (void)
{
  g_autoptr (Net) net = b3_run (B3_NET ("accept='text/plain'", "tcp"));
  g_autoptr (GPtrArray) refusals = delivered (net, "psa", "488");
  g_autoptr (GPtrArray) acks = delivered (net, "pra", "ACK");
  g_autoptr (GPtrArray) rejected = node_events (net, "pra", "push-rejected");
  g_autoptr (GPtrArray) delivery = node_events (net, "psa", "delivery");
  g_autofree char *wire = NULL;

  g_test_summary ("A receiver whose application does not take the content answers 488 with "
                  "Warning 305; the sender's push is rejected (Appendix C by class)");

  g_assert_cmpuint (refusals->len, ==, 1);
  wire = wire_of (g_ptr_array_index (refusals, 0));
  g_assert_nonnull (strstr (wire, "\r\nWarning: 305 userpc.domain.com \"none of the offered "
                                  "accept-types 'application/vnd.oma.push'"));
  /* The non-2xx is acknowledged hop by hop by the transactions. */
  g_assert_cmpuint (acks->len, ==, 1);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpint (field_int (g_ptr_array_index (rejected, 0), "status"), ==, 488);
  g_assert_cmpstr (field_str (g_ptr_array_index (rejected, 0), "method"), ==, "INVITE");
  g_assert_cmpuint (delivery->len, ==, 1);
  g_assert_cmpstr (field_str (g_ptr_array_index (delivery, 0), "status"), ==, "rejected");
  g_assert_cmpint (field_int (g_ptr_array_index (delivery, 0), "code"), ==, 488);
}

static void
test_application_answers (void)
{
  g_autoptr (Net) ringing = b3_run (B3_NET ("accept='application/vnd.oma.push' answer-delay='3s'",
                                            "udp"));
  g_autoptr (Net) declined = b3_run (B3_NET ("accept='application/vnd.oma.push' answer='603'",
                                             "tcp"));
  g_autoptr (GPtrArray) rings = invite_responses (ringing, "psa", "180");
  g_autoptr (GPtrArray) oks = invite_responses (ringing, "psa", "200");
  g_autoptr (GPtrArray) declines = delivered (declined, "psa", "603");
  g_autoptr (GPtrArray) no_oks = invite_responses (declined, "psa", "200");
  g_autoptr (GPtrArray) delivery = node_events (declined, "psa", "delivery");

  g_test_summary ("An application that takes its time makes the INVITE ring (180) before the "
                  "200; one that refuses answers its code (603)");

  g_assert_cmpuint (rings->len, ==, 1);
  g_assert_cmpuint (oks->len, >=, 1);
  g_assert_cmpint (((const PlTraceEvent *) g_ptr_array_index (oks, 0))->t_us, >=, PL_SEC (5));
  g_assert_cmpuint (declines->len, ==, 1);
  g_assert_cmpuint (no_oks->len, ==, 0);
  g_assert_cmpstr (field_str (g_ptr_array_index (delivery, 0), "status"), ==, "rejected-retry");
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hss_file = g_test_build_filename (G_TEST_DIST, "..", "data", "hss", "domain.xml", NULL);

  g_test_add_func ("/pl/invite/established-without-msrp", test_established_without_msrp);
  g_test_add_func ("/pl/invite/msrp-seam", test_msrp_seam);
  g_test_add_func ("/pl/invite/refused-offer", test_refused_offer);
  g_test_add_func ("/pl/invite/application-answers", test_application_answers);

  status = g_test_run ();
  g_free (hss_file);
  return status;
}
