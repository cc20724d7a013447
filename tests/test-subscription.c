/* test-subscription.c: RFC 3265 subscriptions on virtual time, both sides.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-models.h"
#include "pl-subscription.h"
#include "pl-wire.h"

/* ---- a node that is either side, as the test drives it ---- */

#define TEST_TYPE_PEER (test_peer_get_type ())
G_DECLARE_FINAL_TYPE (TestPeer, test_peer, TEST, PEER, PlNode)

struct _TestPeer {
  PlNode parent_instance;

  PlSubscriber *subscriber;
  PlNotifier *notifier;
  int notify_answer;         /* what the subscriber answers NOTIFYs with */
  guint n_notifies;          /* NOTIFYs its subscriber took */
  guint n_481;               /* NOTIFYs answered 481: no subscription */
  int subscribe_status;      /* last final answer to a SUBSCRIBE */
  int notified_status;       /* last final answer to a NOTIFY */
  char *last_state;          /* Subscription-State of the last NOTIFY */
};

G_DEFINE_FINAL_TYPE (TestPeer, test_peer, PL_TYPE_NODE)

static void
on_notify (PlSubscriber *sub,
           PlServerTxn  *txn,
           msg_t        *msg,
           sip_t        *sip,
           gpointer      user_data)
{
  TestPeer *self = user_data;
  g_autofree char *state = pl_wire_header_value (msg, "Subscription-State");

  self->n_notifies++;
  g_free (self->last_state);
  self->last_state = g_steal_pointer (&state);
  pl_server_txn_reply (txn, self->notify_answer, NULL);
}

static void
on_subscribed (PlSubscriber *sub,
               int           status,
               sip_t        *response,
               gpointer      user_data)
{
  TEST_PEER (user_data)->subscribe_status = status;
}

static void
test_peer_request (PlNode *node, PlServerTxn *txn, msg_t *msg, sip_t *sip)
{
  TestPeer *self = TEST_PEER (node);

  if (txn == NULL)
    return;
  if (sip->sip_request->rq_method == sip_method_notify)
    {
      if (self->subscriber && pl_subscriber_matches (self->subscriber, sip))
        pl_subscriber_receive (self->subscriber, txn, msg, sip);
      else
        {
          self->n_481++;
          pl_server_txn_reply (txn, 481, NULL);
        }
      return;
    }
  if (sip->sip_request->rq_method == sip_method_subscribe)
    {
      if (self->notifier && pl_notifier_matches (self->notifier, sip))
        pl_notifier_refresh (self->notifier, txn, sip);
      else
        {
          g_clear_pointer (&self->notifier, pl_notifier_free);
          self->notifier = pl_notifier_accept (node, txn, sip, 3600);
        }
      return;
    }
  pl_server_txn_reply (txn, 405, NULL);
}

static void
test_peer_finalize (GObject *object)
{
  TestPeer *self = TEST_PEER (object);

  g_clear_pointer (&self->subscriber, pl_subscriber_free);
  g_clear_pointer (&self->notifier, pl_notifier_free);
  g_free (self->last_state);
  G_OBJECT_CLASS (test_peer_parent_class)->finalize (object);
}

static void
test_peer_class_init (TestPeerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_peer_finalize;
  PL_NODE_CLASS (klass)->request = test_peer_request;
}

static void
test_peer_init (TestPeer *self)
{
  self->notify_answer = 200;
}

/* ---- the network: a watcher and a notifier, 10 ms apart ---- */

typedef struct {
  PlSim *sim;
  TestPeer *watcher;
  TestPeer *notifier;
} Net;

static TestPeer *
add_peer (PlSim      *sim,
          const char *id,
          const char *host)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TestPeer) peer = g_object_new (TEST_TYPE_PEER, "id", id, "host", host,
                                            "kind", "test", NULL);

  g_assert_true (pl_sim_add_node (sim, PL_NODE (peer), &error));
  g_assert_no_error (error);
  return peer;
}

static Net *
net_new (void)
{
  static const PlLinkParams link = { .latency = PL_MSEC (10), .transport = PL_TRANSPORT_UDP };
  Net *net = g_new0 (Net, 1);

  net->sim = pl_sim_new (1);
  pl_sim_set_default_link (net->sim, &link);
  net->watcher = add_peer (net->sim, "watcher", "watcher.example.net");
  net->notifier = add_peer (net->sim, "notifier", "notifier.example.net");
  pl_sim_start (net->sim);
  return net;
}

static void
net_free (Net *net)
{
  g_clear_object (&net->sim);
  g_free (net);
}

static void
run_until (Net    *net,
           PlTime  t)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (net->sim);

  pl_scheduler_set_end (scheduler, t);
  while (pl_scheduler_step (scheduler))
    ;
}

static void
subscribe (Net     *net,
           guint32  expires)
{
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  g_autofree char *value = g_strdup_printf ("%u", expires);
  g_autofree char *tag = pl_node_new_tag (PL_NODE (net->watcher));
  g_autofree char *from = g_strdup_printf ("<sip:watcher@watcher.example.net>;tag=%s", tag);
  g_autofree char *call_id = pl_node_new_call_id (PL_NODE (net->watcher));

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (msg_home (msg), sip_method_subscribe,
                                                          "SUBSCRIBE",
                                                          URL_STRING_MAKE ("sip:notifier.example.net"),
                                                          NULL));
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_from_class, from);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_to_class, "<sip:notifier.example.net>");
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_call_id_class, call_id);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_cseq_class, "1 SUBSCRIBE");
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_event_class, "ua-profile;profile-type=application");
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_contact_class, "<sip:watcher.example.net>");
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_expires_class, value);
  net->watcher->subscriber = pl_subscriber_new (PL_NODE (net->watcher), msg, on_subscribed,
                                                on_notify, net->watcher);
}

static void
on_notified (PlNotifier *notifier,
             int         status,
             gboolean    local,
             sip_t      *response,
             gpointer    user_data)
{
  TEST_PEER (user_data)->notified_status = status;
}

static void
notify (Net        *net,
        const char *body)
{
  g_autoptr (GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;

  pl_notifier_notify (net->notifier->notifier, "ua-profile", body ? "text/plain" : NULL, bytes,
                      FALSE, NULL, on_notified, net->notifier);
}

/* ---- tests ---- */

static void
test_dialog_and_notifies (void)
{
  Net *net = net_new ();

  g_test_summary ("RFC 3265 §3.1.4.1, §3.2.2: a 2xx to SUBSCRIBE makes the dialog; NOTIFYs in it "
                  "reach the subscriber with their Subscription-State, in CSeq order; a NOTIFY "
                  "of another dialog gets 481");
  subscribe (net, 600);
  run_until (net, PL_SEC (1));
  g_assert_cmpint (net->watcher->subscribe_status, ==, 200);
  g_assert_nonnull (net->notifier->notifier);
  g_assert_true (pl_notifier_is_active (net->notifier->notifier));
  g_assert_cmpint (pl_notifier_get_expires_at (net->notifier->notifier), ==,
                   PL_MSEC (10) + PL_SEC (600));

  notify (net, NULL);
  run_until (net, PL_SEC (2));
  g_assert_cmpuint (net->watcher->n_notifies, ==, 1);
  g_assert_cmpstr (net->watcher->last_state, ==, "active;expires=599");
  g_assert_cmpstr (pl_subscriber_get_state (net->watcher->subscriber), ==, "active");
  g_assert_cmpint (net->notifier->notified_status, ==, 200);

  notify (net, "content");
  run_until (net, PL_SEC (3));
  g_assert_cmpuint (net->watcher->n_notifies, ==, 2);

  /* Another subscription of the watcher: its NOTIFYs do not match. */
  g_clear_pointer (&net->watcher->subscriber, pl_subscriber_free);
  notify (net, "orphan");
  run_until (net, PL_SEC (4));
  g_assert_cmpuint (net->watcher->n_481, ==, 1);
  g_assert_cmpint (net->notifier->notified_status, ==, 481);
  /* §3.2.2: a 481 ends the subscription at the notifier. */
  g_assert_false (pl_notifier_is_active (net->notifier->notifier));
  net_free (net);
}

static void
test_expiry_and_refresh (void)
{
  Net *net = net_new ();

  g_test_summary ("RFC 3265 §3.1.6.4: a subscription not refreshed ends with NOTIFY "
                  "terminated;reason=timeout at its expiry; a refresh in the dialog moves the "
                  "expiry; Expires: 0 unsubscribes with a terminated NOTIFY");
  subscribe (net, 60);
  run_until (net, PL_SEC (30));
  g_assert_cmpint (net->watcher->subscribe_status, ==, 200);

  /* Refresh at 30 s: the expiry moves to 90 s. */
  pl_subscriber_refresh (net->watcher->subscriber, 60);
  run_until (net, PL_SEC (65));
  g_assert_true (pl_notifier_is_active (net->notifier->notifier));
  g_assert_false (pl_subscriber_is_terminated (net->watcher->subscriber));

  run_until (net, PL_SEC (100));
  g_assert_false (pl_notifier_is_active (net->notifier->notifier));
  g_assert_true (pl_subscriber_is_terminated (net->watcher->subscriber));
  g_assert_cmpstr (net->watcher->last_state, ==, "terminated;reason=timeout");

  /* A new subscription, then an unsubscribe. */
  g_clear_pointer (&net->watcher->subscriber, pl_subscriber_free);
  subscribe (net, 600);
  run_until (net, PL_SEC (101));
  pl_subscriber_refresh (net->watcher->subscriber, 0);
  run_until (net, PL_SEC (102));
  g_assert_false (pl_notifier_is_active (net->notifier->notifier));
  g_assert_cmpstr (pl_subscriber_get_state (net->watcher->subscriber), ==, "terminated");
  net_free (net);
}

static void
test_refused_notify_answer (void)
{
  Net *net = net_new ();

  g_test_summary ("The subscriber's answer to a NOTIFY reaches the notifier's callback (a 415 "
                  "stays a 415, and the subscription stays)");
  subscribe (net, 600);
  run_until (net, PL_SEC (1));
  net->watcher->notify_answer = 415;
  notify (net, "not wanted");
  run_until (net, PL_SEC (2));
  g_assert_cmpint (net->notifier->notified_status, ==, 415);
  g_assert_true (pl_notifier_is_active (net->notifier->notifier));
  net_free (net);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pl_models_register ();
  g_test_add_func ("/pl/subscription/dialog-and-notifies", test_dialog_and_notifies);
  g_test_add_func ("/pl/subscription/expiry-and-refresh", test_expiry_and_refresh);
  g_test_add_func ("/pl/subscription/refused-notify", test_refused_notify_answer);
  return g_test_run ();
}
