/* test-presence.c: the presence server (PUBLISH, RFC 3903; SUBSCRIBE/
 * NOTIFY presence, RFC 3856; composition, SIP Push §8.1.3.4) and the Push
 * Receiver agent as presence source (§8).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-models.h"
#include "pl-pidf.h"
#include "pl-presence.h"
#include "pl-scenario.h"
#include "pl-subscription.h"
#include "pl-transaction.h"
#include "pl-wire.h"

#define JOHN "sip:john.doe@home1.net"
#define WATCHER "sip:psadm1@home1.net"

/* ---- a peer that sends what the test builds and watches ---- */

#define TEST_TYPE_PEER (test_peer_get_type ())
G_DECLARE_FINAL_TYPE (TestPeer, test_peer, TEST, PEER, PlNode)

struct _TestPeer {
  PlNode parent_instance;

  msg_t *response;           /* the last final response */
  PlSubscriber *sub;
  GPtrArray *notifies;       /* msg_t*, every NOTIFY its subscription took */
  int subscribe_status;
  char *allow_events;        /* of the last answer to a SUBSCRIBE */
};

G_DEFINE_FINAL_TYPE (TestPeer, test_peer, PL_TYPE_NODE)

static void
on_notify (PlSubscriber *sub, PlServerTxn *txn, msg_t *msg, sip_t *sip, gpointer user_data)
{
  TestPeer *self = user_data;

  g_ptr_array_add (self->notifies, msg_dup (msg));
  pl_server_txn_reply (txn, 200, NULL);
}

static void
on_subscribed (PlSubscriber *sub, int status, sip_t *response, gpointer user_data)
{
  TestPeer *self = user_data;
  su_home_t home[1] = { SU_HOME_INIT (home) };

  self->subscribe_status = status;
  g_clear_pointer (&self->allow_events, g_free);
  if (response->sip_allow_events)
    self->allow_events = g_strdup (sip_header_as_string (home, (sip_header_t *) response->sip_allow_events));
  su_home_deinit (home);
}

static void
test_peer_request (PlNode *node, PlServerTxn *txn, msg_t *msg, sip_t *sip)
{
  TestPeer *self = TEST_PEER (node);

  if (txn == NULL)
    return;
  if (sip->sip_request->rq_method == sip_method_notify && self->sub
      && pl_subscriber_matches (self->sub, sip))
    pl_subscriber_receive (self->sub, txn, msg, sip);
  else
    pl_server_txn_reply (txn, 481, NULL);
}

static void
test_peer_finalize (GObject *object)
{
  TestPeer *self = TEST_PEER (object);

  g_clear_pointer (&self->response, msg_destroy);
  g_clear_pointer (&self->sub, pl_subscriber_free);
  g_ptr_array_unref (self->notifies);
  g_free (self->allow_events);
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
  self->notifies = g_ptr_array_new_with_free_func ((GDestroyNotify) msg_destroy);
}

/* ---- the network: a presence source, a watcher, the server ---- */

typedef struct {
  PlSim *sim;
  TestPeer *source;
  TestPeer *watcher;
  TestPeer *other;           /* a second watcher */
  PlPresence *ps;
} Net;

static PlNode *
add_node (PlSim *sim, GType type, const char *id, const char *host, const char *kind)
{
  g_autoptr (GError) error = NULL;
  PlNode *node = g_object_new (type, "id", id, "host", host, "kind", kind, NULL);

  g_assert_true (pl_sim_add_node (sim, node, &error));
  g_assert_no_error (error);
  g_object_unref (node);
  return node;
}

static Net *
net_new (void)
{
  static const PlLinkParams link = { .latency = PL_MSEC (10), .transport = PL_TRANSPORT_UDP };
  Net *net = g_new0 (Net, 1);

  pl_models_register ();
  net->sim = pl_sim_new (1);
  pl_sim_set_default_link (net->sim, &link);
  net->source = TEST_PEER (add_node (net->sim, TEST_TYPE_PEER, "source", "ue.home1.net", "test"));
  net->watcher = TEST_PEER (add_node (net->sim, TEST_TYPE_PEER, "watcher", "psadm1.home1.net",
                                      "test"));
  net->other = TEST_PEER (add_node (net->sim, TEST_TYPE_PEER, "other", "other.home1.net", "test"));
  net->ps = PL_PRESENCE (add_node (net->sim, PL_TYPE_PRESENCE, "ps", "ps.home1.net", "presence"));
  pl_sim_start (net->sim);
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
run_until (Net *net, PlTime t)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (net->sim);

  pl_scheduler_set_end (scheduler, t);
  while (pl_scheduler_step (scheduler))
    ;
}

static void
on_response (PlClientTxn *txn, msg_t *msg, sip_t *sip, gpointer user_data)
{
  TestPeer *self = user_data;

  if (sip->sip_status->st_status < 200)
    return;
  g_clear_pointer (&self->response, msg_destroy);
  self->response = msg_dup (msg);
}

/* A request from @peer, to the presence server, asserted as @identity;
 * @headers are "Name: value" lines, NULL-terminated. */
static msg_t *
build (TestPeer *peer, const char *method, const char *identity, const char *const *headers,
       const char *content_type, const char *body)
{
  PlNode *node = PL_NODE (peer);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  sip_method_t m = sip_method_code (method);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *from = g_strdup_printf ("<sip:%s@%s>;tag=%s", pl_node_get_id (node),
                                           pl_node_get_host (node), tag);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *cseq = g_strdup_printf ("1 %s", method);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
  g_autofree char *pai = identity ? g_strdup_printf ("<%s>", identity) : NULL;

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (msg_home (msg), m, method,
                                                          URL_STRING_MAKE (JOHN), NULL));
  msg_header_add_make (msg, NULL, sip_route_class, "<sip:ps.home1.net;lr>");
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, "<" JOHN ">");
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_add_make (msg, NULL, sip_cseq_class, cseq);
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  if (pai)
    pl_wire_add_header (msg, "P-Asserted-Identity", pai);
  for (guint i = 0; headers && headers[i]; i++)
    msg_header_add_str (msg, NULL, headers[i]);
  if (body)
    {
      msg_header_add_make (msg, NULL, sip_content_type_class, content_type);
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (msg_home (msg), body, strlen (body)));
    }
  return msg;
}

/* PUBLISH from the source as John; answered before it returns. */
static int
publish (Net *net, const char *const *headers, const char *body)
{
  msg_t *msg = build (net->source, "PUBLISH", JOHN, headers, PL_PIDF_CONTENT_TYPE, body);
  PlTime now = pl_sim_now (net->sim);

  g_clear_pointer (&net->source->response, msg_destroy);
  pl_client_txn_send (PL_NODE (net->source), msg, on_response, net->source);
  run_until (net, now + PL_MSEC (100));
  g_assert_nonnull (net->source->response);
  return sip_object (net->source->response)->sip_status->st_status;
}

static char *
response_header (TestPeer *peer, const char *name)
{
  return pl_wire_header_value (peer->response, name);
}

static void
subscribe (Net *net, TestPeer *peer, const char *identity, const char *event, guint32 expires)
{
  g_autofree char *ev = g_strdup_printf ("Event: %s", event);
  g_autofree char *ex = g_strdup_printf ("Expires: %u", expires);
  const char *headers[] = { ev, ex, "Accept: application/pidf+xml", NULL };

  g_clear_pointer (&peer->sub, pl_subscriber_free);
  g_ptr_array_set_size (peer->notifies, 0);
  peer->subscribe_status = 0;
  peer->sub = pl_subscriber_new (PL_NODE (peer), build (peer, "SUBSCRIBE", identity, headers,
                                                        NULL, NULL),
                                 on_subscribed, on_notify, peer);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
}

static const char *
notify_state (TestPeer *peer, guint i)
{
  g_assert_cmpuint (i, <, peer->notifies->len);
  return sip_object (g_ptr_array_index (peer->notifies, i))->sip_subscription_state->ss_substate;
}

static const char *
notify_body (TestPeer *peer, guint i)
{
  sip_t *sip;

  g_assert_cmpuint (i, <, peer->notifies->len);
  sip = sip_object (g_ptr_array_index (peer->notifies, i));
  return sip->sip_payload ? sip->sip_payload->pl_data : NULL;
}

/* The publication events of the server, "state etag" each. */
static GPtrArray *
publication_states (Net *net)
{
  PlTrace *trace = pl_sim_get_trace (net->sim);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      if (event->kind == PL_EVENT_APP && event->node == pl_node_get_index (PL_NODE (net->ps))
          && g_str_equal (event->name, "publication"))
        g_ptr_array_add (out, g_strdup (pl_trace_event_get_field (event, "state")->str));
    }
  return out;
}

#define DOC_A \
  "<presence xmlns='urn:ietf:params:xml:ns:pidf'" \
  " xmlns:pdm='urn:ietf:params:xml:ns:pidf:data-model'" \
  " xmlns:od='urn:oma:params:xml:ns:pidf:oma-device' entity='" JOHN "'>" \
  "<tuple id='a1'><status><basic>open</basic></status></tuple>" \
  "<pdm:device id='d1'><od:device-profile>http://example.com/UAProf/a.xml</od:device-profile>" \
  "<pdm:deviceID>urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a</pdm:deviceID></pdm:device>" \
  "</presence>"
#define DOC_A2 \
  "<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='" JOHN "'>" \
  "<tuple id='a1'><status><basic>closed</basic></status></tuple></presence>"
#define DOC_B \
  "<presence xmlns='urn:ietf:params:xml:ns:pidf'" \
  " xmlns:pdm='urn:ietf:params:xml:ns:pidf:data-model' entity='" JOHN "'>" \
  "<tuple id='b1'><status><basic>open</basic></status></tuple>" \
  "<pdm:device id='d2'><pdm:deviceID>urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a</pdm:deviceID>" \
  "<pdm:timestamp>2005-02-22T20:07:07Z</pdm:timestamp></pdm:device></presence>"

/* ==== PUBLISH ==== */

static void
test_publish_etags (void)
{
  g_autoptr (Net) net = net_new ();
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *ex = NULL, *stale = NULL;
  g_autofree char *if1 = NULL, *if2 = NULL, *if3 = NULL;
  g_autofree char *doc = NULL;
  g_autoptr (GPtrArray) states = NULL;
  const char *initial[] = { "Event: presence", "Expires: 120", NULL };

  g_test_summary ("RFC 3903 §6: an initial PUBLISH gets a SIP-ETag; a refresh (SIP-If-Match, no "
                  "body) and a modification (with body) each get a new one, and the old one is "
                  "then unknown (412); Expires: 0 removes the state");

  g_assert_cmpint (publish (net, initial, DOC_A), ==, 200);
  e1 = response_header (net->source, "SIP-ETag");
  ex = response_header (net->source, "Expires");
  g_assert_nonnull (e1);
  g_assert_cmpuint (strlen (e1), ==, 10);
  g_assert_cmpstr (ex, ==, "120");
  g_assert_cmpuint (pl_presence_get_n_publications (net->ps, JOHN), ==, 1);

  if1 = g_strdup_printf ("SIP-If-Match: %s", e1);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if1, "Expires: 120", NULL },
                            NULL), ==, 200);
  e2 = response_header (net->source, "SIP-ETag");
  g_assert_cmpstr (e2, !=, e1);

  /* The refreshed tag is gone. */
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if1, NULL }, NULL), ==, 412);

  if2 = g_strdup_printf ("SIP-If-Match: %s", e2);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if2, NULL }, DOC_A2), ==,
                   200);
  e3 = response_header (net->source, "SIP-ETag");
  g_assert_cmpstr (e3, !=, e2);
  doc = pl_presence_dup_document (net->ps, JOHN);
  g_assert_nonnull (strstr (doc, "<basic>closed</basic>"));
  g_assert_null (strstr (doc, "device-profile"));

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence",
                                                    "SIP-If-Match: 0123456789", NULL }, NULL),
                   ==, 412);

  if3 = g_strdup_printf ("SIP-If-Match: %s", e3);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if3, "Expires: 0", NULL },
                            NULL), ==, 200);
  stale = response_header (net->source, "Expires");
  g_assert_cmpstr (stale, ==, "0");
  g_assert_cmpuint (pl_presence_get_n_publications (net->ps, JOHN), ==, 0);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if3, NULL }, NULL), ==, 412);

  states = publication_states (net);
  g_assert_cmpuint (states->len, ==, 4);
  g_assert_cmpstr (states->pdata[0], ==, "created");
  g_assert_cmpstr (states->pdata[1], ==, "refreshed");
  g_assert_cmpstr (states->pdata[2], ==, "modified");
  g_assert_cmpstr (states->pdata[3], ==, "removed");
}

static void
test_publish_expiry (void)
{
  g_autoptr (Net) net = net_new ();
  g_autofree char *etag = NULL, *if_match = NULL, *granted = NULL;
  g_autoptr (GPtrArray) states = NULL;

  g_test_summary ("RFC 3903 §5, §6 step 5: a publication lives as long as granted (Expires "
                  "capped at the maximum) unless refreshed, then it expires on virtual time");

  pl_presence_set_expires (net->ps, 60, 100);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", "Expires: 1000", NULL },
                            DOC_A), ==, 200);
  granted = response_header (net->source, "Expires");
  g_assert_cmpstr (granted, ==, "100");
  etag = response_header (net->source, "SIP-ETag");

  /* Refreshed at 90 s: lives until 190 s. */
  run_until (net, PL_SEC (90));
  if_match = g_strdup_printf ("SIP-If-Match: %s", etag);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if_match, "Expires: 100",
                                                    NULL }, NULL), ==, 200);
  run_until (net, PL_SEC (150));
  g_assert_cmpuint (pl_presence_get_n_publications (net->ps, JOHN), ==, 1);
  run_until (net, PL_SEC (191));
  g_assert_cmpuint (pl_presence_get_n_publications (net->ps, JOHN), ==, 0);
  states = publication_states (net);
  g_assert_cmpuint (states->len, ==, 3);
  g_assert_cmpstr (states->pdata[2], ==, "expired");
}

static void
test_publish_errors (void)
{
  g_autoptr (Net) net = net_new ();
  g_autofree char *allow = NULL, *min = NULL, *accept = NULL;
  sip_t *sip;
  msg_t *msg;

  g_test_summary ("RFC 3903 §6: 489 with Allow-Events for another package, 423 with "
                  "Min-Expires, 415 with Accept for a body that is not PIDF, 400 naming the "
                  "parse error, 400 for an initial PUBLISH without body, 403 for another "
                  "identity's presence; nothing is stored");

  g_assert_cmpint (publish (net, (const char *[]) { "Event: dialog", NULL }, DOC_A), ==, 489);
  allow = response_header (net->source, "Allow-Events");
  g_assert_cmpstr (allow, ==, "presence");
  g_assert_cmpint (publish (net, NULL, DOC_A), ==, 489);

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", "Expires: 10", NULL },
                            DOC_A), ==, 423);
  min = response_header (net->source, "Min-Expires");
  g_assert_cmpstr (min, ==, "60");

  msg = build (net->source, "PUBLISH", JOHN, (const char *[]) { "Event: presence", NULL },
               "text/plain", "open");
  pl_client_txn_send (PL_NODE (net->source), msg, on_response, net->source);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
  g_assert_cmpint (sip_object (net->source->response)->sip_status->st_status, ==, 415);
  accept = response_header (net->source, "Accept");
  g_assert_cmpstr (accept, ==, "application/pidf+xml");

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL },
                            "<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='" JOHN "'>"
                            "<tuple id='t'><status><basic>maybe</basic></status></tuple>"
                            "</presence>"), ==, 400);
  sip = sip_object (net->source->response);
  g_assert_true (g_str_has_prefix (sip->sip_status->st_phrase, "Bad Request (PUBLISH body:1:"));
  g_assert_nonnull (strstr (sip->sip_status->st_phrase, "basic"));

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, "<presence"), ==,
                   400);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, NULL), ==, 400);

  msg = build (net->source, "PUBLISH", "sip:mallory@home1.net",
               (const char *[]) { "Event: presence", NULL }, PL_PIDF_CONTENT_TYPE, DOC_A);
  pl_client_txn_send (PL_NODE (net->source), msg, on_response, net->source);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
  g_assert_cmpint (sip_object (net->source->response)->sip_status->st_status, ==, 403);

  g_assert_cmpuint (pl_presence_get_n_publications (net->ps, JOHN), ==, 0);
}

/* ==== composition (RFC 4479, §8.1.3.4) ==== */

static void
test_compose_two (void)
{
  g_autoptr (Net) net = net_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) parsed = NULL;
  const char *body, *profile, *device_id;

  g_test_summary ("Two publications of one presentity make one document: both tuples, one "
                  "device per deviceID keeping the device-profile only the older one had "
                  "(§8.1.3.4), written before the deviceID (§8.1); the watcher gets it");

  pl_presence_set_policy (net->ps, JOHN, WATCHER, PL_PRESENCE_ALLOW);
  subscribe (net, net->watcher, WATCHER, "presence", 3600);
  g_assert_cmpint (net->watcher->subscribe_status, ==, 200);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 1);
  /* RFC 3265 §3.1.6.2: nothing published yet, a neutral document. */
  g_assert_nonnull (strstr (notify_body (net->watcher, 0), "entity=\"" JOHN "\"/>"));

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, DOC_A), ==, 200);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, DOC_B), ==, 200);
  g_assert_cmpuint (pl_presence_get_n_publications (net->ps, JOHN), ==, 2);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 3);

  body = notify_body (net->watcher, 2);
  parsed = pl_pidf_parse (body, strlen (body), "NOTIFY", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pl_pidf_get_entity (parsed), ==, JOHN);
  g_assert_cmpuint (pl_pidf_get_n_tuples (parsed), ==, 2);
  g_assert_cmpstr (pl_pidf_tuple_get_id (pl_pidf_get_tuple (parsed, 0)), ==, "a1");
  g_assert_cmpstr (pl_pidf_tuple_get_id (pl_pidf_get_tuple (parsed, 1)), ==, "b1");
  g_assert_cmpuint (pl_pidf_get_n_devices (parsed), ==, 1);
  g_assert_cmpstr (pl_pidf_device_get_id (pl_pidf_get_device (parsed, 0)), ==, "d2");
  g_assert_cmpstr (pl_pidf_get_device_profile (parsed, 0), ==, "http://example.com/UAProf/a.xml");
  g_assert_cmpstr (pl_pidf_device_get_timestamp (pl_pidf_get_device (parsed, 0)), ==,
                   "2005-02-22T20:07:07Z");
  profile = strstr (body, "<od:device-profile>");
  device_id = strstr (body, "<pdm:deviceID>");
  g_assert_nonnull (profile);
  g_assert_nonnull (device_id);
  g_assert_true (profile < device_id);
  g_assert_cmpstr (notify_state (net->watcher, 2), ==, "active");
}

/* ==== SUBSCRIBE and policy (RFC 3856 §6.6, RFC 3265) ==== */

static void
test_policy (void)
{
  g_autoptr (Net) net = net_new ();

  g_test_summary ("Policy per presentity and watcher: block gets 403; pending gets 202 and a "
                  "NOTIFY pending without body, then <authorize> allow makes it active with the "
                  "document; a later block ends an active one with terminated;reason=rejected");

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, DOC_A), ==, 200);
  pl_presence_set_policy (net->ps, JOHN, NULL, PL_PRESENCE_PENDING);
  pl_presence_set_policy (net->ps, JOHN, "sip:other@home1.net", PL_PRESENCE_BLOCK);

  subscribe (net, net->other, "sip:other@home1.net", "presence", 3600);
  g_assert_cmpint (net->other->subscribe_status, ==, 403);
  g_assert_cmpuint (net->other->notifies->len, ==, 0);

  subscribe (net, net->watcher, WATCHER, "presence", 3600);
  g_assert_cmpint (net->watcher->subscribe_status, ==, 202);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 1);
  g_assert_cmpstr (notify_state (net->watcher, 0), ==, "pending");
  g_assert_null (notify_body (net->watcher, 0));
  g_assert_cmpuint (pl_presence_get_n_watchers (net->ps, JOHN), ==, 1);

  /* A change while pending tells the pending watcher nothing. */
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, DOC_B), ==, 200);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 1);

  pl_presence_set_policy (net->ps, JOHN, WATCHER, PL_PRESENCE_ALLOW);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
  g_assert_cmpuint (net->watcher->notifies->len, ==, 2);
  g_assert_cmpstr (notify_state (net->watcher, 1), ==, "active");
  g_assert_nonnull (strstr (notify_body (net->watcher, 1), "http://example.com/UAProf/a.xml"));

  pl_presence_set_policy (net->ps, JOHN, WATCHER, PL_PRESENCE_BLOCK);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
  g_assert_cmpuint (net->watcher->notifies->len, ==, 3);
  g_assert_cmpstr (notify_state (net->watcher, 2), ==, "terminated");
  g_assert_cmpstr (sip_object (g_ptr_array_index (net->watcher->notifies, 2))
                     ->sip_subscription_state->ss_reason, ==, "rejected");
  g_assert_true (pl_subscriber_is_terminated (net->watcher->sub));
  g_assert_cmpuint (pl_presence_get_n_watchers (net->ps, JOHN), ==, 0);
}

static void
test_subscribe_lifecycle (void)
{
  g_autoptr (Net) net = net_new ();
  g_autofree char *etag = NULL, *if_match = NULL;

  g_test_summary ("489 with Allow-Events for another package; an active watcher is notified of "
                  "every change of state (creation, modification, removal) but not of a "
                  "refresh; it refreshes and unsubscribes in its dialog");

  subscribe (net, net->other, WATCHER, "presence.winfo", 3600);
  g_assert_cmpint (net->other->subscribe_status, ==, 489);
  g_assert_cmpstr (net->other->allow_events, ==, "presence");

  subscribe (net, net->watcher, WATCHER, "presence", 3600);
  g_assert_cmpint (net->watcher->subscribe_status, ==, 200);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 1);

  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", NULL }, DOC_A), ==, 200);
  etag = response_header (net->source, "SIP-ETag");
  if_match = g_strdup_printf ("SIP-If-Match: %s", etag);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 2);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if_match, NULL }, NULL), ==,
                   200);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 2);
  g_free (etag);
  etag = response_header (net->source, "SIP-ETag");
  g_free (if_match);
  if_match = g_strdup_printf ("SIP-If-Match: %s", etag);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if_match, NULL }, DOC_A2),
                   ==, 200);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 3);
  g_assert_nonnull (strstr (notify_body (net->watcher, 2), "closed"));
  g_free (etag);
  etag = response_header (net->source, "SIP-ETag");
  g_free (if_match);
  if_match = g_strdup_printf ("SIP-If-Match: %s", etag);
  g_assert_cmpint (publish (net, (const char *[]) { "Event: presence", if_match, "Expires: 0",
                                                    NULL }, NULL), ==, 200);
  g_assert_cmpuint (net->watcher->notifies->len, ==, 4);
  g_assert_null (strstr (notify_body (net->watcher, 3), "<tuple"));

  pl_subscriber_refresh (net->watcher->sub, 1800);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
  g_assert_cmpint (net->watcher->subscribe_status, ==, 200);
  g_assert_cmpuint (pl_presence_get_n_watchers (net->ps, JOHN), ==, 1);

  pl_subscriber_refresh (net->watcher->sub, 0);
  run_until (net, pl_sim_now (net->sim) + PL_MSEC (100));
  g_assert_cmpuint (net->watcher->notifies->len, ==, 5);
  g_assert_cmpstr (notify_state (net->watcher, 4), ==, "terminated");
  g_assert_cmpuint (pl_presence_get_n_watchers (net->ps, JOHN), ==, 0);
}

static void
test_subscribe_interval (void)
{
  g_autoptr (Net) net = net_new ();

  g_test_summary ("RFC 3265 §3.1.6.1: a SUBSCRIBE shorter than the minimum gets 423; a "
                  "subscription not refreshed ends with terminated;reason=timeout");

  subscribe (net, net->watcher, WATCHER, "presence", 5);
  g_assert_cmpint (net->watcher->subscribe_status, ==, 423);
  subscribe (net, net->watcher, WATCHER, "presence", 60);
  g_assert_cmpint (net->watcher->subscribe_status, ==, 200);
  run_until (net, PL_SEC (70));
  g_assert_cmpuint (net->watcher->notifies->len, ==, 2);
  g_assert_cmpstr (notify_state (net->watcher, 1), ==, "terminated");
  g_assert_cmpuint (pl_presence_get_n_watchers (net->ps, JOHN), ==, 0);
}

/* ==== the receiver as presence source, through a scenario ==== */

typedef struct {
  char *dir;
  char *path;
} TmpFile;

static void
tmp_file_clear (TmpFile *tmp)
{
  if (tmp->path)
    g_unlink (tmp->path);
  if (tmp->dir)
    g_rmdir (tmp->dir);
  g_free (tmp->path);
  g_free (tmp->dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TmpFile, tmp_file_clear)

static PlScenario *
load_scenario (const char *ps_attrs, const char *ue_attrs, const char *timeline, const char *alter)
{
  g_auto (TmpFile) tmp = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<scenario name=\"presence\" dialect=\"oma-2006\">\n"
    "  <network latency=\"10ms\">\n"
    "    <node id=\"registrar\" kind=\"ua\" host=\"registrar.home1.net\"/>\n"
    "    <node id=\"ps\" kind=\"presence\" host=\"home1.net\" %s/>\n"
    "    <node id=\"ue\" kind=\"receiver\" host=\"ue.home1.net\" registrar=\"sip:registrar.home1.net\""
    " %s>\n"
    "      <identity public=\"" JOHN "\"/>\n"
    "      <app id=\"0x05\" accept=\"text/plain\"/>\n"
    "      <app id=\"0x07\" accept=\"text/plain\"/>\n"
    "    </node>\n"
    "  </network>\n"
    "  <timeline>\n%s  </timeline>\n"
    "  <alter>\n%s  </alter>\n"
    "</scenario>\n", ps_attrs, ue_attrs, timeline, alter ? alter : "");
  PlScenario *scenario;

  pl_models_register ();
  tmp.dir = g_dir_make_tmp ("test-presence-XXXXXX", &error);
  g_assert_no_error (error);
  tmp.path = g_build_filename (tmp.dir, "s.xml", NULL);
  g_assert_true (g_file_set_contents (tmp.path, text, -1, &error));
  g_assert_no_error (error);
  scenario = pl_scenario_load (tmp.path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  return scenario;
}

/* The PUBLISH requests @node sent, parsed, in order. */
static GPtrArray *
sent_publishes (PlSim *sim, const char *node_id)
{
  PlTrace *trace = pl_sim_get_trace (sim);
  int index = pl_node_get_index (pl_sim_find_node (sim, node_id));
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) msg_destroy);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      if (event->kind == PL_EVENT_SEND && event->from == index
          && g_strcmp0 (event->label, "PUBLISH") == 0)
        g_ptr_array_add (out, pl_wire_parse (event->wire, NULL));
    }
  return out;
}

static const char *
body_of (GPtrArray *msgs, guint i)
{
  sip_t *sip = sip_object (g_ptr_array_index (msgs, i));

  return sip->sip_payload ? sip->sip_payload->pl_data : NULL;
}

static char *
header_of (GPtrArray *msgs, guint i, const char *name)
{
  return pl_wire_header_value (g_ptr_array_index (msgs, i), name);
}

static void
test_receiver_source (void)
{
  g_autoptr (PlScenario) scenario = load_scenario (
    "", "device-profile=\"http://example.com/UAProf/d123r100.xml\" publish-expires=\"120\""
    " instance=\"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"",
    "    <at t=\"0\"><register node=\"ue\"/></at>\n"
    "    <at t=\"100s\"><register node=\"ue\" apps=\"0x05\"/></at>\n"
    "    <at t=\"110s\"><publish node=\"ue\" device-profile=\"http://example.com/UAProf/v2.xml\"/></at>\n"
    "    <at t=\"120s\"><deregister node=\"ue\"/></at>\n", NULL);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlPresence *ps = PL_PRESENCE (pl_sim_find_node (sim, "ps"));
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL, *e1 = NULL, *e4 = NULL;
  const char *body, *profile, *device;

  g_test_summary ("§8: the receiver PUBLISHes after registering (Event: presence, PIDF with "
                  "od:device-profile before the deviceID, which is its +sip.instance), refreshes "
                  "with SIP-If-Match and no body at half the granted time, publishes again when "
                  "its registered applications or its profile change, and removes its state "
                  "with Expires: 0 when it de-registers");

  pl_scenario_start (scenario);
  pl_scheduler_set_end (pl_sim_get_scheduler (sim), PL_SEC (60));
  pl_scheduler_run (pl_sim_get_scheduler (sim));
  g_assert_cmpuint (pl_presence_get_n_publications (ps, JOHN), ==, 1);
  pl_scheduler_set_end (pl_sim_get_scheduler (sim), PL_SEC (200));
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  sent = sent_publishes (sim, "ue");
  /* initial, refresh at 60 s, modify at 100 s (one app left), modify at
   * 110 s (new profile), removal at 120 s */
  g_assert_cmpuint (sent->len, ==, 5);
  body = body_of (sent, 0);
  g_assert_nonnull (body);
  profile = strstr (body, "<od:device-profile>http://example.com/UAProf/d123r100.xml<");
  device = strstr (body, "<pdm:deviceID>urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6<");
  g_assert_nonnull (profile);
  g_assert_nonnull (device);
  g_assert_true (profile < device);
  g_assert_nonnull (strstr (body, "<tuple id=\"push-0x05\">"));
  g_assert_nonnull (strstr (body, "<tuple id=\"push-0x07\">"));
  e1 = header_of (sent, 0, "Event");
  g_assert_cmpstr (e1, ==, "presence");
  g_assert_null (sip_object (g_ptr_array_index (sent, 0))->sip_if_match);

  g_assert_null (body_of (sent, 1));
  m1 = header_of (sent, 1, "SIP-If-Match");
  g_assert_nonnull (m1);
  m2 = header_of (sent, 2, "SIP-If-Match");
  g_assert_nonnull (m2);
  g_assert_cmpstr (m1, !=, m2);  /* the refresh got a new tag */
  g_assert_null (strstr (body_of (sent, 2), "push-0x07"));
  g_assert_nonnull (strstr (body_of (sent, 3), "http://example.com/UAProf/v2.xml"));
  m3 = header_of (sent, 4, "SIP-If-Match");
  g_assert_nonnull (m3);
  e4 = header_of (sent, 4, "Expires");
  g_assert_cmpstr (e4, ==, "0");
  g_assert_cmpuint (pl_presence_get_n_publications (ps, JOHN), ==, 0);
}

static void
test_receiver_412 (void)
{
  g_autoptr (PlScenario) scenario = load_scenario (
    "", "device-profile=\"http://example.com/UAProf/d123r100.xml\" publish-expires=\"120\"",
    "    <at t=\"0\"><register node=\"ue\"/></at>\n",
    "    <rule on=\"deliver\" at=\"ps\" request=\"PUBLISH\" header=\"SIP-If-Match\" nth=\"1\""
    " action=\"set-header\" name=\"SIP-If-Match\" value=\"stale\"/>\n");
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlPresence *ps = PL_PRESENCE (pl_sim_find_node (sim, "ps"));
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *device = NULL;

  g_test_summary ("RFC 3903 §6 step 4: a refresh answered 412 (the compositor does not know the "
                  "tag) makes the receiver publish afresh, with its document and no "
                  "SIP-If-Match; without an instance the deviceID is a stable urn:uuid");

  pl_scenario_start (scenario);
  pl_scheduler_set_end (pl_sim_get_scheduler (sim), PL_SEC (61));
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  sent = sent_publishes (sim, "ue");
  g_assert_cmpuint (sent->len, ==, 3);
  g_assert_null (body_of (sent, 1));
  g_assert_nonnull (body_of (sent, 2));
  g_assert_null (sip_object (g_ptr_array_index (sent, 2))->sip_if_match);
  /* The first publication is still there until it expires: two now. */
  g_assert_cmpuint (pl_presence_get_n_publications (ps, JOHN), ==, 2);
  device = g_strdup (strstr (body_of (sent, 2), "<pdm:deviceID>urn:uuid:"));
  g_assert_nonnull (device);
}

static void
test_receiver_423 (void)
{
  g_autoptr (PlScenario) scenario = load_scenario (
    "min-expires=\"600\"", "publish=\"true\" publish-expires=\"30\"",
    "    <at t=\"0\"><register node=\"ue\"/></at>\n"
    "    <at t=\"10s\"><unpublish node=\"ue\"/></at>\n", NULL);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlPresence *ps = PL_PRESENCE (pl_sim_find_node (sim, "ps"));
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL;

  g_test_summary ("RFC 3903 §6 step 5: a PUBLISH below the compositor's minimum gets 423 and the "
                  "receiver asks again for Min-Expires; publish=\"true\" without a "
                  "device-profile publishes a device without one; <unpublish> removes it");

  pl_scenario_start (scenario);
  pl_scheduler_set_end (pl_sim_get_scheduler (sim), PL_SEC (5));
  pl_scheduler_run (pl_sim_get_scheduler (sim));
  g_assert_cmpuint (pl_presence_get_n_publications (ps, JOHN), ==, 1);
  pl_scheduler_set_end (pl_sim_get_scheduler (sim), PL_SEC (20));
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  sent = sent_publishes (sim, "ue");
  g_assert_cmpuint (sent->len, ==, 3);
  first = header_of (sent, 0, "Expires");
  second = header_of (sent, 1, "Expires");
  third = header_of (sent, 2, "Expires");
  g_assert_cmpstr (first, ==, "30");
  g_assert_cmpstr (second, ==, "600");
  g_assert_cmpstr (third, ==, "0");
  g_assert_null (strstr (body_of (sent, 1), "device-profile"));
  g_assert_nonnull (strstr (body_of (sent, 1), "<pdm:deviceID>"));
  g_assert_cmpuint (pl_presence_get_n_publications (ps, JOHN), ==, 0);
}

static void
test_receiver_bad_profile (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-presence-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bad.xml", NULL);
  PlScenario *scenario;

  g_test_summary ("A device-profile that is not an http(s) URL is an error at file:line");

  pl_models_register ();
  g_assert_true (g_file_set_contents (path,
    "<scenario name=\"x\">\n<network>\n"
    "<node id=\"ue\" kind=\"receiver\" host=\"ue.home1.net\" device-profile=\"ftp://x/y\">\n"
    "<identity public=\"" JOHN "\"/></node>\n"
    "<node id=\"ps\" kind=\"presence\" host=\"home1.net\">\n"
    "<policy presentity=\"" JOHN "\" action=\"maybe\"/></node>\n"
    "</network>\n</scenario>\n", -1, NULL));
  scenario = pl_scenario_load (path, NULL, &error);
  g_assert_null (scenario);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad.xml:3:"));
  g_assert_nonnull (strstr (error->message, "device-profile"));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presence/publish/etags", test_publish_etags);
  g_test_add_func ("/presence/publish/expiry", test_publish_expiry);
  g_test_add_func ("/presence/publish/errors", test_publish_errors);
  g_test_add_func ("/presence/compose/two-publications", test_compose_two);
  g_test_add_func ("/presence/subscribe/policy", test_policy);
  g_test_add_func ("/presence/subscribe/lifecycle", test_subscribe_lifecycle);
  g_test_add_func ("/presence/subscribe/interval", test_subscribe_interval);
  g_test_add_func ("/presence/receiver/source", test_receiver_source);
  g_test_add_func ("/presence/receiver/412", test_receiver_412);
  g_test_add_func ("/presence/receiver/423", test_receiver_423);
  g_test_add_func ("/presence/receiver/bad-profile", test_receiver_bad_profile);
  return g_test_run ();
}
