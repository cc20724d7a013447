/* test-receiver.c: the push vocabulary (pl-push.c) and the Push Receiver
 * agent: REGISTER (§7.2), the MESSAGE checks of §6.3.1, the answers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-digest.h"
#include "pl-models.h"
#include "pl-push.h"
#include "pl-receiver.h"
#include "pl-scenario.h"
#include "pl-subscription.h"
#include "pl-transaction.h"
#include "pl-user-agent.h"
#include "pl-wire.h"

#define V1_ACCEPT_CONTACT \
  "*;+g.3gpp.icsi_ref=\"urn%3Aurn-xxx%3A3gpp-service.ims.icsi.omapush\";" \
  "+g.oma.pusheventapp=\"mms.ua\""

/* ==== pl-push.c ==== */

static void
test_push_contact_param (void)
{
  const char *const two[] = { "0x05", "0x07", NULL };
  const char *const v1[] = { "mms.ua", "wml.ua", NULL };
  const char *const none[] = { NULL };
  g_autofree char *p2006 = pl_push_contact_param (PL_DIALECT_OMA_2006, "0x05");
  g_autofree char *p10 = pl_push_contact_param (PL_DIALECT_OMA_1_0, "mms.ua");
  g_autofree char *plain = pl_push_contact_param (PL_DIALECT_PLAIN, "0x05");
  g_autofree char *list2006 = pl_push_contact_params (PL_DIALECT_OMA_2006, two);
  g_autofree char *list10 = pl_push_contact_params (PL_DIALECT_OMA_1_0, v1);
  g_autofree char *empty = pl_push_contact_params (PL_DIALECT_OMA_2006, none);

  g_test_summary ("Contact feature tags: 2006 §1.1 valueless tag, V1.0 B.1 quoted pusheventapp");

  g_assert_cmpstr (p2006, ==, "+g.oma.sip-push.0x05");
  g_assert_cmpstr (p10, ==, "+g.oma.pusheventapp=\"mms.ua\"");
  g_assert_null (plain);
  g_assert_cmpstr (list2006, ==, "+g.oma.sip-push.0x05;+g.oma.sip-push.0x07");
  g_assert_cmpstr (list10, ==, "+g.oma.pusheventapp=\"mms.ua,wml.ua\"");
  g_assert_null (empty);
}

static void
test_push_accept_contact (void)
{
  g_autofree char *a2006 = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  g_autofree char *a10 = pl_push_accept_contact (PL_DIALECT_OMA_1_0, "mms.ua", NULL);
  g_autofree char *custom = pl_push_accept_contact (PL_DIALECT_OMA_1_0, "wml.ua",
                                                    "urn:urn-7:3gpp-service.ims.icsi.x");
  g_autofree char *plain = pl_push_accept_contact (PL_DIALECT_PLAIN, "0x05", NULL);

  g_test_summary ("Accept-Contact of a push: 2006 §6.3.2 require;explicit, V1.0 B.2 step 1 "
                  "with the ICSI's ':' escaped");

  g_assert_cmpstr (a2006, ==, "*;+g.oma.sip-push.0x05;require;explicit");
  g_assert_cmpstr (a10, ==, V1_ACCEPT_CONTACT);
  g_assert_cmpstr (custom, ==,
                   "*;+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.x\";"
                   "+g.oma.pusheventapp=\"wml.ua\"");
  g_assert_null (plain);
}

static void
assert_strv (char **got, const char *const *want)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (g_strv_length (got), ==, g_strv_length ((char **) want));
  for (guint i = 0; want[i]; i++)
    g_assert_cmpstr (got[i], ==, want[i]);
}

static void
test_push_contact_apps (void)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  const char *const two[] = { "0x05", "0x07", NULL };
  const char *const v1[] = { "mms.ua", "wml.ua", NULL };
  const char *const none[] = { NULL };
  g_autofree char *params = pl_push_contact_params (PL_DIALECT_OMA_1_0, v1);
  g_autofree char *text = g_strdup_printf ("<sip:bob@192.0.2.4>;%s;expires=60", params);
  sip_contact_t *c2006 = sip_contact_make (home, "<sip:ue.example.net:5060>;"
                                           "+G.OMA.SIP-PUSH.0x05;+g.oma.sip-push.0x07;expires=60");
  sip_contact_t *c10 = sip_contact_make (home,
                                         "<sip:user@192.0.2.4>;+sip.instance=\"<urn:uuid:f81d4fae-"
                                         "7dec-11d0-a765-00a0c91e6bf6>\";+g.oma.pusheventapp="
                                         "\"mms.ua\"");
  sip_contact_t *round = sip_contact_make (home, text);
  sip_contact_t *bare = sip_contact_make (home, "<sip:ue.example.net>;expires=60");
  g_auto (GStrv) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL, f = NULL;

  g_test_summary ("The push applications of a parsed Contact, per dialect");

  g_assert_nonnull (c2006);
  g_assert_nonnull (c10);
  g_assert_nonnull (round);
  a = pl_push_contact_apps (PL_DIALECT_OMA_2006, c2006);
  assert_strv (a, two);
  b = pl_push_contact_apps (PL_DIALECT_OMA_1_0, c10);
  assert_strv (b, (const char *const[]) { "mms.ua", NULL });
  c = pl_push_contact_apps (PL_DIALECT_OMA_1_0, round);
  assert_strv (c, v1);
  /* Another dialect's tags are no push tags. */
  d = pl_push_contact_apps (PL_DIALECT_OMA_1_0, c2006);
  assert_strv (d, none);
  e = pl_push_contact_apps (PL_DIALECT_OMA_2006, bare);
  assert_strv (e, none);
  f = pl_push_contact_apps (PL_DIALECT_OMA_2006, NULL);
  assert_strv (f, none);

  g_assert_true (pl_push_is_push_param (PL_DIALECT_OMA_2006, "+g.oma.sip-push.0x05"));
  g_assert_false (pl_push_is_push_param (PL_DIALECT_OMA_2006, "+g.oma.sip-push."));
  g_assert_false (pl_push_is_push_param (PL_DIALECT_OMA_2006, "+g.oma.pusheventapp=\"a\""));
  g_assert_true (pl_push_is_push_param (PL_DIALECT_OMA_1_0, "+g.oma.pusheventapp=\"a\""));
  g_assert_false (pl_push_is_push_param (PL_DIALECT_OMA_1_0, "+g.oma.pusheventapp"));
  g_assert_false (pl_push_is_push_param (PL_DIALECT_OMA_1_0, "+g.3gpp.icsi_ref=\"x\""));
  g_assert_false (pl_push_is_push_param (PL_DIALECT_PLAIN, "+g.oma.sip-push.0x05"));
  su_home_deinit (home);
}

static void
test_push_targeted_app (void)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *own = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  sip_accept_contact_t *a2006 = sip_accept_contact_make (home, own);
  sip_accept_contact_t *a10 = sip_accept_contact_make (home, V1_ACCEPT_CONTACT);
  sip_accept_contact_t *second = sip_accept_contact_make (home,
                                                          "*;audio, *;+g.oma.sip-push.0x07");
  sip_accept_contact_t *untagged = sip_accept_contact_make (home, "*;audio;video");
  g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL, *t5 = NULL, *t6 = NULL;

  g_test_summary ("The application an Accept-Contact targets: first push tag, per dialect");

  g_assert_nonnull (a2006);
  g_assert_nonnull (a10);
  g_assert_nonnull (second);
  g_assert_nonnull (untagged);
  t1 = pl_push_targeted_app (PL_DIALECT_OMA_2006, a2006);
  g_assert_cmpstr (t1, ==, "0x05");
  t2 = pl_push_targeted_app (PL_DIALECT_OMA_1_0, a10);
  g_assert_cmpstr (t2, ==, "mms.ua");
  t3 = pl_push_targeted_app (PL_DIALECT_OMA_2006, second);
  g_assert_cmpstr (t3, ==, "0x07");
  t4 = pl_push_targeted_app (PL_DIALECT_OMA_2006, untagged);
  g_assert_null (t4);
  t5 = pl_push_targeted_app (PL_DIALECT_OMA_2006, a10);
  g_assert_null (t5);
  t6 = pl_push_targeted_app (PL_DIALECT_OMA_1_0, NULL);
  g_assert_null (t6);
  su_home_deinit (home);
}

static void
test_push_appendix_c (void)
{
  static const struct {
    const char *method;
    int status;
    PlDeliveryStatus want;
  } rows[] = {
    /* row 1 */
    { "MESSAGE", 200, PL_DELIVERY_ACCEPTED }, { "NOTIFY", 202, PL_DELIVERY_ACCEPTED },
    /* row 2 */
    { "MESSAGE", 400, PL_DELIVERY_REJECTED_RETRY }, { "REFER", 503, PL_DELIVERY_REJECTED_RETRY },
    { "NOTIFY", 603, PL_DELIVERY_REJECTED_RETRY },
    /* rows 2 and 5 both list 500: row 5 wins */
    { "MESSAGE", 500, PL_DELIVERY_RESOURCE_SHORTAGE },
    { "NOTIFY", 500, PL_DELIVERY_RESOURCE_SHORTAGE },
    /* row 3 */
    { "MESSAGE", 403, PL_DELIVERY_REJECTED }, { "REFER", 604, PL_DELIVERY_REJECTED },
    /* row 4 */
    { "MESSAGE", 408, PL_DELIVERY_UNDELIVERABLE },
    /* row 6 */
    { "MESSAGE", 415, PL_DELIVERY_UNSUPPORTED_CONTENT },
    /* row 7: NOTIFY and REFER only */
    { "NOTIFY", 481, PL_DELIVERY_NO_SUBSCRIPTION }, { "REFER", 481, PL_DELIVERY_NO_SUBSCRIPTION },
    { "MESSAGE", 481, PL_DELIVERY_REJECTED },
    /* decided: no reachable destination */
    { "MESSAGE", 404, PL_DELIVERY_UNDELIVERABLE }, { "MESSAGE", 410, PL_DELIVERY_UNDELIVERABLE },
    { "MESSAGE", 480, PL_DELIVERY_UNDELIVERABLE }, { "MESSAGE", 484, PL_DELIVERY_UNDELIVERABLE },
    /* decided: by class */
    { "MESSAGE", 302, PL_DELIVERY_REJECTED }, { "MESSAGE", 405, PL_DELIVERY_REJECTED },
    { "MESSAGE", 488, PL_DELIVERY_REJECTED }, { "MESSAGE", 600, PL_DELIVERY_REJECTED },
    { "MESSAGE", 606, PL_DELIVERY_REJECTED }, { "MESSAGE", 502, PL_DELIVERY_REJECTED_RETRY },
    { "MESSAGE", 504, PL_DELIVERY_REJECTED_RETRY }, { "MESSAGE", 100, PL_DELIVERY_PENDING },
    { "MESSAGE", 183, PL_DELIVERY_PENDING },
  };

  g_test_summary ("Appendix C Table 1, every row, and the codes the table does not name");

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      PlDeliveryStatus got = pl_push_status_for_response (rows[i].method, rows[i].status);

      if (got != rows[i].want)
        g_test_message ("%s %d", rows[i].method, rows[i].status);
      g_assert_cmpstr (pl_delivery_status_to_string (got), ==,
                       pl_delivery_status_to_string (rows[i].want));
    }
}

static void
test_push_status_strings (void)
{
  static const char *const names[] = { "pending", "accepted", "rejected-retry", "rejected",
                                       "undeliverable", "resource-shortage",
                                       "rejected-content-type", "no-subscription", "refused" };
  PlDeliveryStatus status;

  g_test_summary ("Delivery status names round-trip; rows 2, 4 and 5 are retryable");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (pl_delivery_status_to_string ((PlDeliveryStatus) i), ==, names[i]);
      g_assert_true (pl_delivery_status_from_string (names[i], &status));
      g_assert_cmpint (status, ==, i);
    }
  status = PL_DELIVERY_ACCEPTED;
  g_assert_false (pl_delivery_status_from_string ("delivered", &status));
  g_assert_false (pl_delivery_status_from_string (NULL, &status));
  g_assert_cmpint (status, ==, PL_DELIVERY_ACCEPTED);

  g_assert_false (pl_delivery_status_is_retryable (PL_DELIVERY_PENDING));
  g_assert_false (pl_delivery_status_is_retryable (PL_DELIVERY_ACCEPTED));
  g_assert_true (pl_delivery_status_is_retryable (PL_DELIVERY_REJECTED_RETRY));
  g_assert_false (pl_delivery_status_is_retryable (PL_DELIVERY_REJECTED));
  g_assert_true (pl_delivery_status_is_retryable (PL_DELIVERY_UNDELIVERABLE));
  g_assert_true (pl_delivery_status_is_retryable (PL_DELIVERY_RESOURCE_SHORTAGE));
  g_assert_false (pl_delivery_status_is_retryable (PL_DELIVERY_UNSUPPORTED_CONTENT));
  g_assert_false (pl_delivery_status_is_retryable (PL_DELIVERY_NO_SUBSCRIPTION));
  g_assert_false (pl_delivery_status_is_retryable (PL_DELIVERY_REFUSED));
}

/* ==== a registrar whose answers the test chooses ==== */

typedef enum {
  REGISTRAR_GRUU,       /* 200 listing another binding and ours, with GRUUs */
  REGISTRAR_DIGEST,     /* 401 until the credentials verify */
  REGISTRAR_CHALLENGE,  /* 401, always */
  REGISTRAR_BRIEF,      /* 423 Min-Expires: 7200 when asked for less */
} RegistrarMode;

#define TEST_TYPE_REGISTRAR (test_registrar_get_type ())
G_DECLARE_FINAL_TYPE (TestRegistrar, test_registrar, TEST, REGISTRAR, PlNode)

struct _TestRegistrar {
  PlNode parent_instance;
  RegistrarMode mode;
  guint n_verified;
};

G_DEFINE_FINAL_TYPE (TestRegistrar, test_registrar, PL_TYPE_NODE)

static void
test_registrar_request (PlNode *node, PlServerTxn *txn, msg_t *msg, sip_t *sip)
{
  TestRegistrar *self = TEST_REGISTRAR (node);
  msg_t *response;

  if (txn == NULL)
    return;
  switch (self->mode)
    {
    case REGISTRAR_GRUU:
      {
        char ours[512];
        g_autofree char *mine = NULL;

        g_assert_cmpint (msg_header_field_e (ours, sizeof ours,
                                             (msg_header_t *) sip->sip_contact, 0),
                         <, (issize_t) sizeof ours);

        response = pl_server_txn_make_response (txn, 200, NULL);
        msg_header_add_make (response, NULL, sip_contact_class,
                             "<sip:alice@other.example.net>;expires=99");
        mine = g_strdup_printf ("%s;pub-gruu=\"sip:alice@home1.net;gr=urn:uuid:1\";"
                                "temp-gruu=\"sip:tgruu.7@home1.net;gr\";expires=3600", ours);
        msg_header_add_make (response, NULL, sip_contact_class, mine);
        msg_header_add_make (response, NULL, sip_expires_class, "7200");
        pl_server_txn_respond (txn, response);
        return;
      }
    case REGISTRAR_DIGEST:
      if (sip->sip_authorization
          && pl_digest_verify (sip, "home1.net", "nonce-1", "alice@home1.net", "secret", NULL)
             == PL_DIGEST_OK)
        {
          self->n_verified++;
          pl_server_txn_reply (txn, 200, NULL);
          return;
        }
      /* fall through */
    case REGISTRAR_CHALLENGE:
      response = pl_server_txn_make_response (txn, 401, NULL);
      pl_digest_challenge (response, "home1.net", "nonce-1");
      pl_server_txn_respond (txn, response);
      return;
    case REGISTRAR_BRIEF:
      if (sip->sip_expires && sip->sip_expires->ex_delta < 7200)
        {
          response = pl_server_txn_make_response (txn, 423, NULL);
          msg_header_add_make (response, NULL, sip_min_expires_class, "7200");
          pl_server_txn_respond (txn, response);
          return;
        }
      pl_server_txn_reply (txn, 200, NULL);
      return;
    }
}

static void
test_registrar_class_init (TestRegistrarClass *klass)
{
  PL_NODE_CLASS (klass)->request = test_registrar_request;
}

static void
test_registrar_init (TestRegistrar *self)
{
}

/* ==== a notifier whose answers the test chooses (RFC 3265) ==== */

#define TEST_TYPE_NOTIFIER (test_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TestNotifier, test_notifier, TEST, NOTIFIER, PlNode)

struct _TestNotifier {
  PlNode parent_instance;
  int refuse;                /* answer to a new SUBSCRIBE instead of 200, or 0 */
  gboolean silent;           /* never answers a SUBSCRIBE */
  gboolean quiet;            /* no NOTIFY at once after the 200 */
  const char *service_route; /* what the 200 to REGISTER carries, or NULL */
  GPtrArray *notifiers;      /* PlNotifier*, in the order accepted */
  GArray *notified;          /* int: the answer to each NOTIFY, in order */
};

G_DEFINE_FINAL_TYPE (TestNotifier, test_notifier, PL_TYPE_NODE)

static void
on_notified (PlNotifier *notifier, int status, gboolean local, sip_t *response,
             gpointer user_data)
{
  TestNotifier *self = user_data;

  g_array_append_val (self->notified, status);
}

/* A NOTIFY in subscription @i, with the Event its SUBSCRIBE had. */
static void
test_notifier_notify (TestNotifier *self, guint i, const char *type, const char *body,
                      gboolean terminate, const char *reason)
{
  PlNotifier *notifier;
  g_autoptr (GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;
  g_autofree char *event = NULL;

  g_assert_cmpuint (i, <, self->notifiers->len);
  notifier = g_ptr_array_index (self->notifiers, i);
  event = pl_wire_header_value (pl_notifier_get_subscribe_msg (notifier), "Event");
  pl_notifier_notify (notifier, event, type, bytes, terminate, reason, on_notified, self);
}

static void
test_notifier_request (PlNode *node, PlServerTxn *txn, msg_t *msg, sip_t *sip)
{
  TestNotifier *self = TEST_NOTIFIER (node);
  msg_t *response;

  if (txn == NULL)
    return;
  switch (sip->sip_request->rq_method)
    {
    case sip_method_register:
      response = pl_server_txn_make_response (txn, 200, NULL);
      if (self->service_route)
        g_assert_true (pl_wire_add_header (response, "Service-Route", self->service_route));
      pl_server_txn_respond (txn, response);
      return;
    case sip_method_subscribe:
      if (sip->sip_to->a_tag)
        {
          for (guint i = 0; i < self->notifiers->len; i++)
            if (pl_notifier_matches (g_ptr_array_index (self->notifiers, i), sip))
              {
                pl_notifier_refresh (g_ptr_array_index (self->notifiers, i), txn, sip);
                return;
              }
          pl_server_txn_reply (txn, 481, NULL);
          return;
        }
      if (self->silent)
        return;
      if (self->refuse)
        {
          pl_server_txn_reply (txn, self->refuse, NULL);
          return;
        }
      g_ptr_array_add (self->notifiers, pl_notifier_accept (node, txn, sip, 600000));
      /* A.3 step 5: the first NOTIFY, without a body. */
      if (!self->quiet)
        test_notifier_notify (self, self->notifiers->len - 1, NULL, NULL, FALSE, NULL);
      return;
    default:
      pl_server_txn_reply (txn, 405, NULL);
      return;
    }
}

static void
test_notifier_finalize (GObject *object)
{
  TestNotifier *self = TEST_NOTIFIER (object);

  g_ptr_array_unref (self->notifiers);
  g_array_unref (self->notified);
  G_OBJECT_CLASS (test_notifier_parent_class)->finalize (object);
}

static void
test_notifier_class_init (TestNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_notifier_finalize;
  PL_NODE_CLASS (klass)->request = test_notifier_request;
}

static void
test_notifier_init (TestNotifier *self)
{
  self->notifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_notifier_free);
  self->notified = g_array_new (FALSE, FALSE, sizeof (int));
}

/* ==== a network: "core" (registrar and push sender) and "ue" ==== */

typedef struct {
  PlSim *sim;
  PlTrace *trace;
  PlNode *core;      /* owned by the sim */
  PlReceiver *ue;
} Net;

static const char *const text_types[] = { "text/plain", "application/vnd.syncml.ds.notification",
                                          NULL };

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
net_new (PlDialect dialect, GType core_type)
{
  Net *net = g_new0 (Net, 1);

  pl_models_register ();
  net->sim = pl_sim_new (1);
  net->trace = pl_sim_get_trace (net->sim);
  pl_sim_set_dialect (net->sim, dialect);
  net->core = add_node (net->sim, core_type, "core", "core.example.net", "ua");
  net->ue = PL_RECEIVER (add_node (net->sim, PL_TYPE_RECEIVER, "ue", "ue.example.net:5060",
                                   "receiver"));
  pl_receiver_set_identity (net->ue, "sip:alice@home1.net", NULL, "secret");
  pl_receiver_set_core (net->ue, NULL, "sip:core.example.net");
  if (dialect == PL_DIALECT_OMA_1_0)
    {
      pl_receiver_add_app (net->ue, "mms.ua", text_types, 200);
      pl_receiver_add_app (net->ue, "wml.ua", text_types, 603);
    }
  else
    {
      pl_receiver_add_app (net->ue, "0x05", text_types, 200);
      pl_receiver_add_app (net->ue, "0x07", text_types, 603);
      pl_receiver_add_app (net->ue, "0x08", text_types, 503);
      pl_receiver_add_app (net->ue, "0x09", text_types, 500);
      pl_receiver_add_app (net->ue, "0x0a", text_types, 0);
    }
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
net_run (Net *net)
{
  pl_scheduler_run (pl_sim_get_scheduler (net->sim));
}

/* APP events of @node named @name, in order. */
static GPtrArray *
app_events (PlTrace *trace, PlNode *node, const char *name)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      if (event->kind == PL_EVENT_APP && event->node == pl_node_get_index (node)
          && g_str_equal (event->name, name))
        g_ptr_array_add (found, (gpointer) event);
    }
  return found;
}

static const char *
field_str (const PlTraceEvent *event, const char *key)
{
  const PlField *field = pl_trace_event_get_field (event, key);

  if (field == NULL)
    return NULL;
  g_assert_cmpint (field->type, ==, PL_FIELD_STRING);
  return field->str;
}

static gint64
field_int (const PlTraceEvent *event, const char *key)
{
  const PlField *field = pl_trace_event_get_field (event, key);

  g_assert_nonnull (field);
  g_assert_cmpint (field->type, ==, PL_FIELD_INT);
  return field->num;
}

/* The requests @node sent (first transmissions), parsed, with their times. */
typedef struct {
  msg_t *msg;
  GBytes *wire;
  PlTime t;
} Sent;

static void
sent_clear (gpointer data)
{
  Sent *s = data;

  msg_destroy (s->msg);
  g_bytes_unref (s->wire);
}

static GArray *
sent_requests (PlTrace *trace, PlNode *node, const char *method)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (Sent));

  g_array_set_clear_func (out, sent_clear);
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);
      Sent s;

      if (event->kind != PL_EVENT_SEND || event->from != pl_node_get_index (node)
          || g_strcmp0 (event->label, method) != 0)
        continue;
      s.msg = pl_wire_parse (event->wire, NULL);
      s.wire = g_bytes_ref (event->wire);
      s.t = event->t_us;
      g_assert_nonnull (s.msg);
      g_array_append_val (out, s);
    }
  return out;
}

#define SENT(array, i) (g_array_index ((array), Sent, (i)).msg)

/* A header exactly as it went on the wire: the values of every "Name:"
 * line joined with ", ", or NULL. */
static char *
wire_header (GBytes *wire, const char *name)
{
  gsize len;
  const char *data = g_bytes_get_data (wire, &len);
  g_autofree char *text = g_strndup (data, len);
  char *end = strstr (text, "\r\n\r\n");
  g_auto (GStrv) lines = NULL;
  GString *out = NULL;
  gsize name_len = strlen (name);

  if (end)
    *end = '\0';
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 1; lines[i]; i++)
    {
      if (g_ascii_strncasecmp (lines[i], name, name_len) != 0 || lines[i][name_len] != ':')
        continue;
      if (out == NULL)
        out = g_string_new (NULL);
      else
        g_string_append (out, ", ");
      g_string_append (out, g_strstrip (lines[i] + name_len + 1));
    }
  return out ? g_string_free (out, FALSE) : NULL;
}

/* How many "Name:" lines the head of @wire has. */
static guint
n_header_lines (GBytes *wire, const char *name)
{
  gsize len;
  const char *data = g_bytes_get_data (wire, &len);
  g_autofree char *text = g_strndup (data, len);
  char *end = strstr (text, "\r\n\r\n");
  g_auto (GStrv) lines = NULL;
  gsize name_len = strlen (name);
  guint n = 0;

  if (end)
    *end = '\0';
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 1; lines[i]; i++)
    if (g_ascii_strncasecmp (lines[i], name, name_len) == 0 && lines[i][name_len] == ':')
      n++;
  return n;
}

static void
assert_header (GArray *sent, guint i, const char *name, const char *want)
{
  g_autofree char *value = wire_header (g_array_index (sent, Sent, i).wire, name);

  g_assert_cmpstr (value, ==, want);
}

/* ==== REGISTER (§7.2) ==== */

static void
test_register_2006 (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_2006, PL_TYPE_USER_AGENT);
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GPtrArray) registered = NULL;
  sip_t *sip;

  g_test_summary ("2006 REGISTER: one valueless tag per app, Require: pref, no instance, no "
                  "GRUU; the 200 gives a 'registered' event");

  pl_receiver_register (net->ue, NULL, 600000);
  net_run (net);

  sent = sent_requests (net->trace, PL_NODE (net->ue), "REGISTER");
  g_assert_cmpuint (sent->len, ==, 1);
  sip = sip_object (SENT (sent, 0));
  g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "core.example.net");
  g_assert_null (sip->sip_route);
  assert_header (sent, 0, "Contact",
                 "<sip:ue.example.net:5060>;+g.oma.sip-push.0x05;+g.oma.sip-push.0x07;"
                 "+g.oma.sip-push.0x08;+g.oma.sip-push.0x09;+g.oma.sip-push.0x0a");
  assert_header (sent, 0, "Require", "pref");
  assert_header (sent, 0, "Expires", "600000");
  assert_header (sent, 0, "Supported", NULL);
  assert_header (sent, 0, "To", "<sip:alice@home1.net>");
  g_assert_nonnull (sip->sip_from->a_tag);
  g_assert_cmpstr (sip->sip_from->a_url->url_user, ==, "alice");
  g_assert_cmpuint (sip->sip_cseq->cs_seq, ==, 1);
  assert_header (sent, 0, "Max-Forwards", "70");

  registered = app_events (net->trace, PL_NODE (net->ue), "registered");
  g_assert_cmpuint (registered->len, ==, 1);
  g_assert_cmpstr (field_str (registered->pdata[0], "aor"), ==, "sip:alice@home1.net");
  g_assert_cmpint (field_int (registered->pdata[0], "expires"), ==, 600000);
  g_assert_cmpstr (field_str (registered->pdata[0], "apps"), ==, "0x05 0x07 0x08 0x09 0x0a");
  g_assert_null (field_str (registered->pdata[0], "pub-gruu"));
  g_assert_true (pl_receiver_is_registered (net->ue));
}

static void
test_register_v1 (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_1_0, TEST_TYPE_REGISTRAR);
  g_autoptr (Net) again = net_new (PL_DIALECT_OMA_1_0, TEST_TYPE_REGISTRAR);
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) sent_again = NULL;
  g_autoptr (GPtrArray) registered = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *contact_again = NULL;
  g_autoptr (GRegex) shape = NULL;
  sip_t *sip;

  g_test_summary ("V1.0 REGISTER (B.1): user part, a stable +sip.instance, pusheventapp, "
                  "Supported: gruu, Route to the outbound proxy; GRUUs of our binding read back");

  pl_receiver_set_core (net->ue, "sip:core.example.net", "sip:home1.net");
  pl_receiver_register (net->ue, (const char *const[]) { "mms.ua", NULL }, 7200);
  net_run (net);
  pl_receiver_set_core (again->ue, "sip:core.example.net", "sip:home1.net");
  pl_receiver_register (again->ue, (const char *const[]) { "mms.ua", NULL }, 7200);
  net_run (again);

  sent = sent_requests (net->trace, PL_NODE (net->ue), "REGISTER");
  g_assert_cmpuint (sent->len, ==, 1);
  sip = sip_object (SENT (sent, 0));
  g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "home1.net");
  assert_header (sent, 0, "Route", "<sip:core.example.net;lr>");
  assert_header (sent, 0, "Supported", "gruu");
  assert_header (sent, 0, "Require", "pref");
  assert_header (sent, 0, "Expires", "7200");
  contact = wire_header (g_array_index (sent, Sent, 0).wire, "Contact");
  shape = g_regex_new ("^<sip:alice@ue\\.example\\.net:5060>;\\+sip\\.instance=\"<urn:uuid:"
                       "[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>\";"
                       "\\+g\\.oma\\.pusheventapp=\"mms\\.ua\";methods=\"MESSAGE\"$", 0, 0, NULL);
  g_assert_true (g_regex_match (shape, contact, 0, NULL));

  sent_again = sent_requests (again->trace, PL_NODE (again->ue), "REGISTER");
  contact_again = wire_header (g_array_index (sent_again, Sent, 0).wire, "Contact");
  g_assert_cmpstr (contact, ==, contact_again);

  /* The contact's own expires (3600) wins over Expires (7200). */
  registered = app_events (net->trace, PL_NODE (net->ue), "registered");
  g_assert_cmpuint (registered->len, ==, 1);
  g_assert_cmpint (field_int (registered->pdata[0], "expires"), ==, 3600);
  g_assert_cmpstr (field_str (registered->pdata[0], "apps"), ==, "mms.ua");
  g_assert_cmpstr (field_str (registered->pdata[0], "pub-gruu"), ==,
                   "sip:alice@home1.net;gr=urn:uuid:1");
  g_assert_cmpstr (field_str (registered->pdata[0], "temp-gruu"), ==, "sip:tgruu.7@home1.net;gr");
  g_assert_true (pl_receiver_is_registered (net->ue));
}

static void
test_register_sequence (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_2006, PL_TYPE_USER_AGENT);
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) ok = NULL;
  g_autoptr (GPtrArray) registered = NULL;
  g_autoptr (GPtrArray) deregistered = NULL;
  const char *call_id;

  g_test_summary ("Register, re-register without tags (§7.2), de-register with Expires: 0: one "
                  "Call-ID, CSeq growing, each REGISTER after the previous final response");

  pl_receiver_register (net->ue, (const char *const[]) { "0x07", NULL }, 3600);
  pl_receiver_register (net->ue, (const char *const[]) { NULL }, 3600);
  pl_receiver_register (net->ue, (const char *const[]) { NULL }, 0);
  net_run (net);

  sent = sent_requests (net->trace, PL_NODE (net->ue), "REGISTER");
  g_assert_cmpuint (sent->len, ==, 3);
  call_id = sip_object (SENT (sent, 0))->sip_call_id->i_id;
  for (guint i = 0; i < 3; i++)
    {
      sip_t *sip = sip_object (SENT (sent, i));

      g_assert_cmpstr (sip->sip_call_id->i_id, ==, call_id);
      g_assert_cmpuint (sip->sip_cseq->cs_seq, ==, i + 1);
      assert_header (sent, i, "Require", "pref");
      if (i > 0)
        g_assert_cmpstr (sip->sip_from->a_tag, !=, sip_object (SENT (sent, i - 1))->sip_from->a_tag);
    }
  assert_header (sent, 0, "Contact", "<sip:ue.example.net:5060>;+g.oma.sip-push.0x07");
  assert_header (sent, 1, "Contact", "<sip:ue.example.net:5060>");
  assert_header (sent, 1, "Expires", "3600");
  assert_header (sent, 2, "Contact", "<sip:ue.example.net:5060>");
  assert_header (sent, 2, "Expires", "0");

  /* RFC 3261 §10.2: each one waits for the previous 200. */
  ok = sent_requests (net->trace, net->core, "200 OK");
  g_assert_cmpuint (ok->len, ==, 3);
  g_assert_cmpint (g_array_index (sent, Sent, 1).t, >, g_array_index (ok, Sent, 0).t);
  g_assert_cmpint (g_array_index (sent, Sent, 2).t, >, g_array_index (ok, Sent, 1).t);

  registered = app_events (net->trace, PL_NODE (net->ue), "registered");
  g_assert_cmpuint (registered->len, ==, 2);
  g_assert_cmpstr (field_str (registered->pdata[0], "apps"), ==, "0x07");
  g_assert_cmpstr (field_str (registered->pdata[1], "apps"), ==, "");
  deregistered = app_events (net->trace, PL_NODE (net->ue), "deregistered");
  g_assert_cmpuint (deregistered->len, ==, 1);
  g_assert_cmpstr (field_str (deregistered->pdata[0], "aor"), ==, "sip:alice@home1.net");
  g_assert_false (pl_receiver_is_registered (net->ue));
}

static void
test_register_digest (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_2006, TEST_TYPE_REGISTRAR);
  g_autoptr (Net) refused = net_new (PL_DIALECT_OMA_2006, TEST_TYPE_REGISTRAR);
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) sent_refused = NULL;
  g_autoptr (GPtrArray) failed = NULL;

  g_test_summary ("A 401 is answered once with credentials and a new CSeq; a second 401 is "
                  "a 'register-failed'");

  TEST_REGISTRAR (net->core)->mode = REGISTRAR_DIGEST;
  pl_receiver_register (net->ue, NULL, 600000);
  net_run (net);
  sent = sent_requests (net->trace, PL_NODE (net->ue), "REGISTER");
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_null (sip_object (SENT (sent, 0))->sip_authorization);
  g_assert_nonnull (sip_object (SENT (sent, 1))->sip_authorization);
  g_assert_cmpuint (sip_object (SENT (sent, 1))->sip_cseq->cs_seq, ==, 2);
  g_assert_cmpuint (TEST_REGISTRAR (net->core)->n_verified, ==, 1);
  g_assert_true (pl_receiver_is_registered (net->ue));

  TEST_REGISTRAR (refused->core)->mode = REGISTRAR_CHALLENGE;
  pl_receiver_register (refused->ue, NULL, 600000);
  net_run (refused);
  sent_refused = sent_requests (refused->trace, PL_NODE (refused->ue), "REGISTER");
  g_assert_cmpuint (sent_refused->len, ==, 2);
  failed = app_events (refused->trace, PL_NODE (refused->ue), "register-failed");
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpint (field_int (failed->pdata[0], "status"), ==, 401);
  g_assert_cmpstr (field_str (failed->pdata[0], "reason"), ==, "Unauthorized");
  g_assert_false (pl_receiver_is_registered (refused->ue));
}

static void
test_register_failures (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_2006, PL_TYPE_USER_AGENT);
  g_autoptr (Net) brief = net_new (PL_DIALECT_OMA_2006, TEST_TYPE_REGISTRAR);
  g_autoptr (GPtrArray) failed = NULL;
  g_autoptr (GPtrArray) registered = NULL;
  g_autoptr (GArray) sent = NULL;

  g_test_summary ("A final non-2xx is a 'register-failed' with status and reason; a 423 is "
                  "retried once with Min-Expires (RFC 3261 §10.2.8)");

  /* No node answers to the registrar: the transaction's own 503. */
  pl_receiver_set_core (net->ue, NULL, "sip:nowhere.example.net");
  pl_receiver_register (net->ue, NULL, 600000);
  net_run (net);
  failed = app_events (net->trace, PL_NODE (net->ue), "register-failed");
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpint (field_int (failed->pdata[0], "status"), ==, 503);
  g_assert_false (pl_receiver_is_registered (net->ue));

  TEST_REGISTRAR (brief->core)->mode = REGISTRAR_BRIEF;
  pl_receiver_register (brief->ue, NULL, 60);
  net_run (brief);
  sent = sent_requests (brief->trace, PL_NODE (brief->ue), "REGISTER");
  g_assert_cmpuint (sent->len, ==, 2);
  assert_header (sent, 1, "Expires", "7200");
  registered = app_events (brief->trace, PL_NODE (brief->ue), "registered");
  g_assert_cmpuint (registered->len, ==, 1);
  g_assert_cmpint (field_int (registered->pdata[0], "expires"), ==, 7200);
}

/* ==== MESSAGE (§6.3.1) ==== */

typedef struct {
  int status;
  char *phrase;
  char *accept;
  char *allow;
  gboolean local;
  PlTime at;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_free (reply->phrase);
  g_free (reply->accept);
  g_free (reply->allow);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
on_reply (PlClientTxn *txn, msg_t *msg, sip_t *sip, gpointer user_data)
{
  Reply *reply = user_data;

  if (sip->sip_status->st_status < 200)
    return;
  g_assert_cmpint (reply->status, ==, 0);
  reply->status = sip->sip_status->st_status;
  reply->phrase = g_strdup (sip->sip_status->st_phrase);
  reply->accept = pl_wire_header_value (msg, "Accept");
  reply->allow = pl_wire_header_value (msg, "Allow");
  reply->local = pl_client_txn_is_local_response (txn);
  reply->at = pl_sim_now (pl_node_get_sim (pl_client_txn_get_next_hop (txn)));
}

typedef struct {
  const char *method;          /* NULL: MESSAGE */
  const char *uri;             /* NULL: sip:alice@ue.example.net */
  const char *pai;             /* NULL: none */
  const char *accept_contact;  /* NULL: none */
  const char *content_type;    /* NULL: text/plain */
  const char *body;            /* NULL: "hello" */
  gsize body_len;              /* 0: strlen (body) */
  const char *extra;           /* another header line, or NULL */
} Request;

/* @from sends @rq to the receiver at the current time. */
static void
send_request (PlNode *from, const Request *rq, Reply *reply)
{
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  const char *method = rq->method ? rq->method : "MESSAGE";
  sip_method_t m = sip_method_code (method);
  const char *body = rq->body ? rq->body : "hello";
  gsize len = rq->body_len ? rq->body_len : strlen (body);

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, m, method,
                                                          URL_STRING_MAKE (rq->uri ? rq->uri
                                                                           : "sip:alice@ue.example.net"),
                                                          NULL));
  msg_header_add_make (msg, NULL, sip_from_class, "<sip:psa@core.example.net>;tag=t1");
  msg_header_add_make (msg, NULL, sip_to_class, "<sip:alice@home1.net>");
  msg_header_add_make (msg, NULL, sip_call_id_class, "push-1@core.example.net");
  msg_header_insert (msg, (msg_pub_t *) sip, (msg_header_t *) sip_cseq_create (home, 1, m, method));
  if (rq->pai)
    {
      g_autofree char *line = g_strdup_printf ("P-Asserted-Identity: %s", rq->pai);
      g_assert_cmpint (msg_header_add_str (msg, NULL, line), ==, 0);
    }
  if (rq->accept_contact)
    g_assert_cmpint (msg_header_add_make (msg, NULL, sip_accept_contact_class, rq->accept_contact),
                     ==, 0);
  if (rq->extra)
    g_assert_cmpint (msg_header_add_str (msg, NULL, rq->extra), ==, 0);
  if (m == sip_method_message)
    {
      msg_header_add_make (msg, NULL, sip_content_type_class,
                           rq->content_type ? rq->content_type : "text/plain");
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (home, body, len));
    }
  pl_client_txn_send (from, msg, on_reply, reply);
}

/* One request to a fresh network of @dialect; the run goes to the end. */
static Net *
run_request (PlDialect dialect, const Request *rq, Reply *reply)
{
  Net *net = net_new (dialect, PL_TYPE_USER_AGENT);

  send_request (net->core, rq, reply);
  net_run (net);
  g_assert_cmpint (reply->status, !=, 0);
  return net;
}

static const PlTraceEvent *
only_event (Net *net, const char *name)
{
  g_autoptr (GPtrArray) events = app_events (net->trace, PL_NODE (net->ue), name);

  g_assert_cmpuint (events->len, ==, 1);
  return events->pdata[0];
}

static guint
n_events (Net *net, const char *name)
{
  g_autoptr (GPtrArray) events = app_events (net->trace, PL_NODE (net->ue), name);

  return events->len;
}

static void
test_message_no_pai (void)
{
  g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) bad = { 0 };
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006,
                                     &(Request) { .accept_contact = tag }, &reply);
  g_autoptr (Net) net_bad = run_request (PL_DIALECT_OMA_2006,
                                         &(Request) { .accept_contact = tag, .pai = "<<<" }, &bad);
  const PlTraceEvent *event = only_event (net, "push-rejected");

  g_test_summary ("§6.3.1 step 1: a MESSAGE without (or with an unusable) P-Asserted-Identity "
                  "is refused with 403");

  g_assert_cmpint (reply.status, ==, 403);
  g_assert_cmpstr (reply.phrase, ==, "No P-Asserted-Identity");
  g_assert_cmpint (field_int (event, "status"), ==, 403);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpuint (n_events (net, "push"), ==, 0);
  g_assert_cmpuint (pl_receiver_get_n_pushes (net->ue), ==, 0);

  g_assert_cmpint (bad.status, ==, 403);
  g_assert_cmpuint (n_events (net_bad, "push"), ==, 0);
}

static void
test_message_untagged (void)
{
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) v1_tag = { 0 };
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006,
                                     &(Request) { .pai = "<sip:friend@home1.net>" }, &reply);
  /* A 2006 receiver does not know V1.0's tags: untagged for it. */
  g_autoptr (Net) other = run_request (PL_DIALECT_OMA_2006,
                                       &(Request) { .pai = "<sip:friend@home1.net>",
                                                    .accept_contact = V1_ACCEPT_CONTACT },
                                       &v1_tag);
  const PlTraceEvent *event = only_event (net, "message");

  g_test_summary ("§1.1: a MESSAGE without a push feature tag is no push; the SIP stack takes "
                  "it (200, a 'message' event)");

  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpstr (field_str (event, "from"), ==, "sip:friend@home1.net");
  g_assert_cmpstr (field_str (event, "body"), ==, "hello");
  g_assert_cmpuint (n_events (net, "push"), ==, 0);
  g_assert_cmpuint (n_events (net, "push-rejected"), ==, 0);
  g_assert_cmpuint (pl_receiver_get_n_pushes (net->ue), ==, 0);

  g_assert_cmpint (v1_tag.status, ==, 200);
  g_assert_cmpuint (n_events (other, "message"), ==, 1);
}

static void
test_message_not_installed (void)
{
  g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x42", NULL);
  g_auto (Reply) reply = { 0 };
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006,
                                     &(Request) { .pai = "<sip:psa@home1.net>",
                                                  .accept_contact = tag }, &reply);
  const PlTraceEvent *event = only_event (net, "push-rejected");

  g_test_summary ("§6.3.1 step 2: a push to an application the device does not have is 480");

  g_assert_cmpint (reply.status, ==, 480);
  g_assert_cmpint (field_int (event, "status"), ==, 480);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x42");
  g_assert_nonnull (strstr (field_str (event, "reason"), "not installed"));
  g_assert_cmpuint (n_events (net, "push"), ==, 0);
}

static void
test_message_content_type (void)
{
  g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) params = { 0 };
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006,
                                     &(Request) { .pai = "<sip:psa@home1.net>",
                                                  .accept_contact = tag,
                                                  .content_type = "image/png" }, &reply);
  g_autoptr (Net) ok = run_request (PL_DIALECT_OMA_2006,
                                    &(Request) { .pai = "<sip:psa@home1.net>",
                                                 .accept_contact = tag,
                                                 .content_type = "Text/PLAIN;charset=UTF-8" },
                                    &params);
  const PlTraceEvent *event = only_event (net, "push-rejected");

  g_test_summary ("A content type the application does not take is 415 with Accept (RFC 3261 "
                  "§21.4.13); type/subtype compare case-insensitively, parameters ignored");

  g_assert_cmpint (reply.status, ==, 415);
  g_assert_cmpstr (reply.accept, ==, "text/plain, application/vnd.syncml.ds.notification");
  g_assert_cmpint (field_int (event, "status"), ==, 415);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");

  g_assert_cmpint (params.status, ==, 200);
  g_assert_cmpuint (n_events (ok, "push"), ==, 1);
}

static void
test_message_answers (void)
{
  static const struct {
    const char *app;
    int status;
    const char *answer;
  } cases[] = {
    { "0x05", 200, "200" }, { "0x07", 603, "603" }, { "0x08", 503, "503" },
    { "0x09", 500, "500" }, { "0x0a", 408, "none" },
  };

  g_test_summary ("Each application answers as configured; one that never answers leaves the "
                  "sender to its own timer (a local 408)");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, cases[i].app, NULL);
      g_auto (Reply) reply = { 0 };
      g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006,
                                         &(Request) { .pai = "<sip:psa@home1.net>",
                                                      .accept_contact = tag }, &reply);
      const PlTraceEvent *event = only_event (net, "push");

      g_assert_cmpint (reply.status, ==, cases[i].status);
      g_assert_cmpint (reply.local, ==, cases[i].status == 408);
      g_assert_cmpstr (field_str (event, "app"), ==, cases[i].app);
      g_assert_cmpstr (field_str (event, "answer"), ==, cases[i].answer);
      g_assert_cmpuint (pl_receiver_get_n_pushes (net->ue), ==, 1);
      g_assert_cmpuint (n_events (net, "push-rejected"), ==, 0);
    }
}

static void
test_message_push_fields (void)
{
  g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  static const char binary[] = { 'W', 'B', 0x00, 0x01, (char) 0xff, 'x' };
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) bin = { 0 };
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006,
                                     &(Request) { .pai = "\"Push Admin\" <sip:psadm1@home1.net>",
                                                  .accept_contact = tag,
                                                  .body = "Größe: 5\r\nok" }, &reply);
  g_autoptr (Net) net_bin = run_request (PL_DIALECT_OMA_2006,
                                         &(Request) { .pai = "<sip:psadm1@home1.net>",
                                                      .accept_contact = tag,
                                                      .content_type =
                                                        "application/vnd.syncml.ds.notification",
                                                      .body = binary,
                                                      .body_len = sizeof binary }, &bin);
  const PlTraceEvent *event = only_event (net, "push");
  const PlTraceEvent *event_bin = only_event (net_bin, "push");

  g_test_summary ("The 'push' event: app, from (the asserted URI), content-type, bytes, the "
                  "body as text or as a size");

  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "from"), ==, "sip:psadm1@home1.net");
  g_assert_cmpstr (field_str (event, "content-type"), ==, "text/plain");
  g_assert_cmpint (field_int (event, "bytes"), ==, strlen ("Größe: 5\r\nok"));
  g_assert_cmpstr (field_str (event, "body"), ==, "Größe: 5\r\nok");
  g_assert_cmpstr (field_str (event, "answer"), ==, "200");
  g_assert_null (field_str (event, "called-party"));

  g_assert_cmpint (bin.status, ==, 200);
  g_assert_cmpint (field_int (event_bin, "bytes"), ==, 6);
  g_assert_cmpstr (field_str (event_bin, "body"), ==, "<6 bytes>");
  g_assert_cmpstr (field_str (event_bin, "content-type"), ==,
                   "application/vnd.syncml.ds.notification");
}

static void
test_message_v1 (void)
{
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) other = { 0 };
  g_autofree char *sms = pl_push_accept_contact (PL_DIALECT_OMA_1_0, "sms.ua", NULL);
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_1_0,
                                     &(Request) {
                                       .uri = "sip:alice@ue.example.net;gr=urn:uuid:f81d4fae",
                                       .pai = "<sip:psa@home1.net>",
                                       .accept_contact = V1_ACCEPT_CONTACT,
                                       .extra = "P-Called-Party-ID: <sip:alice@home1.net;gr=urn:uuid:f81d4fae>",
                                     }, &reply);
  g_autoptr (Net) net_other = run_request (PL_DIALECT_OMA_1_0,
                                           &(Request) { .pai = "<sip:psa@home1.net>",
                                                        .accept_contact = sms }, &other);
  const PlTraceEvent *event = only_event (net, "push");

  g_test_summary ("V1.0 (B.2): the pusheventapp of Accept-Contact picks the application; a "
                  "GRUU Request-URI and P-Called-Party-ID are recorded");

  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpstr (field_str (event, "app"), ==, "mms.ua");
  g_assert_cmpstr (field_str (event, "called-party"), ==,
                   "<sip:alice@home1.net;gr=urn:uuid:f81d4fae>");
  g_assert_cmpstr (field_str (event, "gruu"), ==, "sip:alice@ue.example.net;gr=urn:uuid:f81d4fae");

  g_assert_cmpint (other.status, ==, 480);
  g_assert_cmpuint (n_events (net_other, "push-rejected"), ==, 1);
}

static void
test_other_methods (void)
{
  g_auto (Reply) options = { 0 };
  g_auto (Reply) subscribe = { 0 };
  g_autoptr (Net) net = run_request (PL_DIALECT_OMA_2006, &(Request) { .method = "OPTIONS" },
                                     &options);
  g_autoptr (Net) net2 = run_request (PL_DIALECT_OMA_2006,
                                      &(Request) { .method = "SUBSCRIBE",
                                                   .extra = "Event: presence" }, &subscribe);

  g_test_summary ("OPTIONS is 200; any other method (SUBSCRIBE too: the receiver only "
                  "watches) is 405 with Allow: MESSAGE, NOTIFY, OPTIONS, REFER, INVITE, ACK, BYE, CANCEL");

  g_assert_cmpint (options.status, ==, 200);
  g_assert_cmpstr (options.allow, ==, "MESSAGE, NOTIFY, OPTIONS, REFER, INVITE, ACK, BYE, CANCEL");
  g_assert_cmpint (subscribe.status, ==, 405);
  g_assert_cmpstr (subscribe.allow, ==, "MESSAGE, NOTIFY, OPTIONS, REFER, INVITE, ACK, BYE, CANCEL");
  g_assert_cmpuint (n_events (net, "push"), ==, 0);
  g_assert_cmpuint (n_events (net2, "push"), ==, 0);
}

/* ==== ua-profile subscriptions (§6.4.1) ==== */

typedef enum {
  STEP_REGISTER,
  STEP_DEREGISTER,
  STEP_SUBSCRIBE,    /* expires 0: unsubscribe */
  STEP_NOTIFY,
  STEP_REQUEST,      /* a request outside any dialog, from the core */
  STEP_RAW_NOTIFY,   /* a NOTIFY of the first subscription, written by hand */
} StepKind;

typedef struct {
  StepKind kind;
  Net *net;
  const char *app;
  guint32 expires;
  guint sub;              /* NOTIFY: which of the notifier's subscriptions */
  const char *type;       /* NOTIFY: NULL, no body */
  const char *body;
  gboolean terminate;
  const char *reason;
  const Request *request; /* REQUEST */
  Reply *reply;           /* REQUEST, RAW_NOTIFY */
  const char *state;      /* RAW_NOTIFY: Subscription-State, or NULL for none */
  guint32 cseq;           /* RAW_NOTIFY */
} Step;

/* A NOTIFY in the dialog of the receiver's first SUBSCRIBE, as the core
 * (its notifier) would send it, but with the test's own CSeq and
 * Subscription-State. */
static void
send_raw_notify (Net *net, const Step *step)
{
  g_autoptr (GArray) subscribes = sent_requests (net->trace, PL_NODE (net->ue), "SUBSCRIBE");
  g_autoptr (GArray) oks = sent_requests (net->trace, net->core, "200 OK");
  sip_t *rq;
  const char *remote_tag = NULL;
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_assert_cmpuint (subscribes->len, >=, 1);
  rq = sip_object (SENT (subscribes, 0));
  for (guint i = 0; i < oks->len; i++)
    {
      sip_t *ok = sip_object (SENT (oks, i));

      if (g_str_equal (ok->sip_call_id->i_id, rq->sip_call_id->i_id))
        remote_tag = ok->sip_to->a_tag;
    }
  g_assert_nonnull (remote_tag);
  from = g_strdup_printf ("<sip:alice@home1.net>;tag=%s", remote_tag);
  to = g_strdup_printf ("<sip:alice@home1.net>;tag=%s", rq->sip_from->a_tag);

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_notify, "NOTIFY",
                                                          URL_STRING_MAKE ("sip:ue.example.net:5060"),
                                                          NULL));
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  msg_header_add_make (msg, NULL, sip_call_id_class, rq->sip_call_id->i_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, step->cseq, sip_method_notify,
                                                       "NOTIFY"));
  g_assert_true (pl_wire_add_header (msg, "Event", "ua-profile;auid=\"0x05\""));
  if (step->state)
    g_assert_true (pl_wire_add_header (msg, "Subscription-State", step->state));
  pl_client_txn_send (net->core, msg, on_reply, step->reply);
}

static void
on_step (gpointer data)
{
  Step *step = data;
  Net *net = step->net;

  switch (step->kind)
    {
    case STEP_REGISTER:
      pl_receiver_register (net->ue, NULL, 600000);
      break;
    case STEP_DEREGISTER:
      pl_receiver_register (net->ue, NULL, 0);
      break;
    case STEP_SUBSCRIBE:
      pl_receiver_subscribe (net->ue, step->app, step->expires);
      break;
    case STEP_NOTIFY:
      test_notifier_notify (TEST_NOTIFIER (net->core), step->sub, step->type, step->body,
                            step->terminate, step->reason);
      break;
    case STEP_REQUEST:
      send_request (net->core, step->request, step->reply);
      break;
    case STEP_RAW_NOTIFY:
      send_raw_notify (net, step);
      break;
    }
}

/* Runs @steps (each at @t seconds) on @net to the end. */
static void
run_steps (Net *net, Step *steps, const double *t, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      steps[i].net = net;
      pl_scheduler_add (pl_sim_get_scheduler (net->sim), (PlTime) (t[i] * G_USEC_PER_SEC),
                        on_step, &steps[i], NULL);
    }
  net_run (net);
}

/* A 2006 network whose core is a notifier, reached through the
 * outbound proxy "core" (RFC 3608: its 200 to REGISTER may give a
 * service route). */
static Net *
notifier_net (const char *service_route)
{
  Net *net = net_new (PL_DIALECT_OMA_2006, TEST_TYPE_NOTIFIER);

  TEST_NOTIFIER (net->core)->service_route = service_route;
  pl_receiver_set_core (net->ue, "sip:core.example.net", "sip:home1.net");
  return net;
}

static const PlTraceEvent *
nth_event (Net *net, const char *name, guint i)
{
  g_autoptr (GPtrArray) events = app_events (net->trace, PL_NODE (net->ue), name);

  g_assert_cmpuint (i, <, events->len);
  return events->pdata[i];
}

static int
notified (Net *net, guint i)
{
  GArray *answers = TEST_NOTIFIER (net->core)->notified;

  g_assert_cmpuint (i, <, answers->len);
  return g_array_index (answers, int, i);
}

static void
test_subscribe_request (void)
{
  g_autoptr (Net) net = notifier_net ("<sip:orig@core.example.net;lr>, <sip:as.example.net;lr>");
  g_autoptr (Net) direct = notifier_net ("<sip:orig@core.example.net;lr>");
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) sent_direct = NULL;
  g_autoptr (GArray) registers = NULL;
  Step steps[] = {
    { STEP_REGISTER },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_SUBSCRIBE, .app = "0x07", .expires = 600000 },
    { STEP_DEREGISTER },
    { STEP_SUBSCRIBE, .app = "0x08", .expires = 60 },
  };
  const double t[] = { 0, 1, 2, 3, 4 };
  Step direct_steps[] = { { STEP_REGISTER }, { STEP_SUBSCRIBE, .app = "0x05", .expires = 60 } };
  const double direct_t[] = { 0, 1 };
  g_autofree char *from = NULL;
  const PlTraceEvent *event;
  sip_t *sip;

  g_test_summary ("§6.4.1.1 and A.3 step 1: the SUBSCRIBE of one application: Request-URI and "
                  "To the public identity, Route the outbound proxy then the Service-Route of "
                  "the last 200 to REGISTER (none after de-registration), Event ua-profile "
                  "with profile-type and the quoted auid, one Accept, Expires, Contact, "
                  "P-Preferred-Identity, Privacy: none; 'subscribed' and the empty NOTIFY");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  sent = sent_requests (net->trace, PL_NODE (net->ue), "SUBSCRIBE");
  g_assert_cmpuint (sent->len, ==, 3);
  sip = sip_object (SENT (sent, 0));
  g_assert_cmpstr (sip->sip_request->rq_url->url_user, ==, "alice");
  g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "home1.net");
  assert_header (sent, 0, "Route",
                 "<sip:core.example.net;lr>, <sip:orig@core.example.net;lr>, "
                 "<sip:as.example.net;lr>");
  g_assert_nonnull (sip->sip_from->a_tag);
  from = g_strdup_printf ("<sip:alice@home1.net>;tag=%s", sip->sip_from->a_tag);
  assert_header (sent, 0, "From", from);
  assert_header (sent, 0, "To", "<sip:alice@home1.net>");
  assert_header (sent, 0, "Event", "ua-profile;profile-type=\"application\";auid=\"0x05\"");
  assert_header (sent, 0, "CSeq", "1 SUBSCRIBE");
  assert_header (sent, 0, "P-Preferred-Identity", "<sip:alice@home1.net>");
  assert_header (sent, 0, "Privacy", "none");
  assert_header (sent, 0, "Expires", "3600");
  assert_header (sent, 0, "Accept", "text/plain, application/vnd.syncml.ds.notification");
  assert_header (sent, 0, "Contact", "<sip:ue.example.net:5060>");
  g_assert_cmpuint (n_header_lines (g_array_index (sent, Sent, 0).wire, "Accept"), ==, 1);

  /* One AUID per SUBSCRIBE (§6.4.1.1 note): a request of its own. */
  assert_header (sent, 1, "Event", "ua-profile;profile-type=\"application\";auid=\"0x07\"");
  assert_header (sent, 1, "Expires", "600000");
  g_assert_cmpstr (sip_object (SENT (sent, 1))->sip_call_id->i_id, !=, sip->sip_call_id->i_id);
  g_assert_cmpstr (sip_object (SENT (sent, 1))->sip_from->a_tag, !=, sip->sip_from->a_tag);
  registers = sent_requests (net->trace, PL_NODE (net->ue), "REGISTER");
  g_assert_cmpstr (sip_object (SENT (registers, 0))->sip_call_id->i_id, !=,
                   sip->sip_call_id->i_id);

  /* RFC 3608: the service route ends with the registration. */
  assert_header (sent, 2, "Route", "<sip:core.example.net;lr>");

  event = nth_event (net, "subscribed", 0);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "auid"), ==, "0x05");
  g_assert_cmpint (field_int (event, "status"), ==, 200);
  g_assert_cmpint (field_int (event, "expires"), ==, 3600);
  g_assert_cmpint (field_int (nth_event (net, "subscribed", 1), "expires"), ==, 600000);
  g_assert_cmpuint (n_events (net, "subscribed"), ==, 3);

  /* A.3 steps 5 to 7: the empty NOTIFY is answered 200. */
  g_assert_cmpuint (n_events (net, "notify"), ==, 3);
  event = nth_event (net, "notify", 0);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "state"), ==, "active");
  g_assert_cmpint (field_int (event, "bytes"), ==, 0);
  g_assert_cmpint (notified (net, 0), ==, 200);
  g_assert_cmpuint (n_events (net, "push"), ==, 0);

  /* Without an outbound proxy, the service route alone. */
  pl_receiver_set_core (direct->ue, NULL, "sip:core.example.net");
  run_steps (direct, direct_steps, direct_t, G_N_ELEMENTS (direct_steps));
  sent_direct = sent_requests (direct->trace, PL_NODE (direct->ue), "SUBSCRIBE");
  g_assert_cmpuint (sent_direct->len, ==, 1);
  assert_header (sent_direct, 0, "Route", "<sip:orig@core.example.net;lr>");
  g_assert_cmpuint (n_events (direct, "subscribed"), ==, 1);
}

static void
test_notify_unknown (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  Request stray = { .method = "NOTIFY", .extra = "Subscription-State: active;expires=60" };
  g_auto (Reply) reply = { 0 };
  g_auto (Reply) before = { 0 };
  Step steps[] = {
    { STEP_REQUEST, .request = &stray, .reply = &before },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_REQUEST, .request = &stray, .reply = &reply },
  };
  const double t[] = { 0, 1, 2 };
  const PlTraceEvent *event;

  g_test_summary ("RFC 3265 §3.2.4: a NOTIFY that matches no subscription is 481, with a "
                  "'notify-rejected' event, also while a subscription of another dialog lives");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  g_assert_cmpint (before.status, ==, 481);
  g_assert_cmpint (reply.status, ==, 481);
  g_assert_cmpuint (n_events (net, "notify-rejected"), ==, 2);
  event = nth_event (net, "notify-rejected", 1);
  g_assert_cmpint (field_int (event, "status"), ==, 481);
  g_assert_null (field_str (event, "app"));
  /* The subscription itself is untouched. */
  g_assert_cmpuint (n_events (net, "notify"), ==, 1);
  g_assert_cmpint (notified (net, 0), ==, 200);
}

static void
test_notify_malformed (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  g_auto (Reply) stateless = { 0 };
  g_auto (Reply) ok = { 0 };
  g_auto (Reply) replayed = { 0 };
  Step steps[] = {
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_RAW_NOTIFY, .cseq = 5, .reply = &stateless },
    { STEP_RAW_NOTIFY, .cseq = 6, .state = "active;expires=3000", .reply = &ok },
    { STEP_RAW_NOTIFY, .cseq = 6, .state = "active;expires=3000", .reply = &replayed },
  };
  const double t[] = { 0, 1, 2, 3 };
  const PlTraceEvent *event;

  g_test_summary ("A NOTIFY of the dialog without Subscription-State is 400 (RFC 3265 §7.2), "
                  "one whose CSeq is not higher than the last is 500 (RFC 3261 §12.2.2), both "
                  "'notify-rejected' naming the application");

  TEST_NOTIFIER (net->core)->quiet = TRUE;
  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  g_assert_cmpint (stateless.status, ==, 400);
  g_assert_cmpint (ok.status, ==, 200);
  g_assert_cmpint (replayed.status, ==, 500);
  g_assert_cmpuint (n_events (net, "notify-rejected"), ==, 2);
  event = nth_event (net, "notify-rejected", 0);
  g_assert_cmpint (field_int (event, "status"), ==, 400);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "reason"), ==, "no Subscription-State");
  event = nth_event (net, "notify-rejected", 1);
  g_assert_cmpint (field_int (event, "status"), ==, 500);
  g_assert_cmpstr (field_str (event, "reason"), ==, "CSeq out of order");
  g_assert_cmpstr (field_str (only_event (net, "notify"), "state"), ==, "active");
}

static void
test_notify_content (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  g_autoptr (GArray) unsupported = NULL;
  Step steps[] = {
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_SUBSCRIBE, .app = "0x07", .expires = 3600 },
    { STEP_NOTIFY, .sub = 0, .type = "application/vnd.syncml.ds.notification",
      .body = "sync contacts" },
    { STEP_NOTIFY, .sub = 1, .type = "text/plain", .body = "hi" },
    { STEP_NOTIFY, .sub = 0, .type = "image/png", .body = "PNG" },
  };
  const double t[] = { 0, 0, 1, 2, 3 };
  const PlTraceEvent *event;

  g_test_summary ("§6.4.1.2: the body of a NOTIFY goes to the application like a MESSAGE "
                  "push ('push' with method NOTIFY) and is answered as the application is "
                  "configured; a type it does not take is 415 with Accept");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  /* The two empty NOTIFYs, then the three of the steps. */
  g_assert_cmpuint (TEST_NOTIFIER (net->core)->notified->len, ==, 5);
  g_assert_cmpint (notified (net, 2), ==, 200);
  g_assert_cmpint (notified (net, 3), ==, 603);
  g_assert_cmpint (notified (net, 4), ==, 415);

  g_assert_cmpuint (n_events (net, "push"), ==, 2);
  event = nth_event (net, "push", 0);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "method"), ==, "NOTIFY");
  g_assert_cmpstr (field_str (event, "content-type"), ==, "application/vnd.syncml.ds.notification");
  g_assert_cmpstr (field_str (event, "body"), ==, "sync contacts");
  g_assert_cmpint (field_int (event, "bytes"), ==, strlen ("sync contacts"));
  g_assert_cmpstr (field_str (event, "answer"), ==, "200");
  event = nth_event (net, "push", 1);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x07");
  g_assert_cmpstr (field_str (event, "answer"), ==, "603");
  g_assert_cmpuint (pl_receiver_get_n_pushes (net->ue), ==, 2);

  unsupported = sent_requests (net->trace, PL_NODE (net->ue), "415 Unsupported Media Type");
  g_assert_cmpuint (unsupported->len, ==, 1);
  assert_header (unsupported, 0, "Accept", "text/plain, application/vnd.syncml.ds.notification");
  event = only_event (net, "push-rejected");
  g_assert_cmpint (field_int (event, "status"), ==, 415);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "method"), ==, "NOTIFY");
  /* A rejected NOTIFY leaves the subscription as it was. */
  g_assert_cmpuint (n_events (net, "subscription-terminated"), ==, 0);
}

static void
test_notify_terminated (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  Step steps[] = {
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_SUBSCRIBE, .app = "0x07", .expires = 3600 },
    { STEP_NOTIFY, .sub = 0, .terminate = TRUE, .reason = "deactivated" },
    { STEP_NOTIFY, .sub = 0 },
    { STEP_NOTIFY, .sub = 1, .type = "text/plain", .body = "last", .terminate = TRUE },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 60 },
  };
  const double t[] = { 0, 0, 1, 2, 3, 4 };
  g_autoptr (GArray) sent = NULL;
  const PlTraceEvent *event;

  g_test_summary ("RFC 3265 §3.2.4: Subscription-State terminated ends the subscription "
                  "('subscription-terminated' with the reason) once answered: a later NOTIFY "
                  "of that dialog is 481, a new <subscribe> starts a new dialog");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  g_assert_cmpuint (n_events (net, "subscription-terminated"), ==, 2);
  event = nth_event (net, "subscription-terminated", 0);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (event, "reason"), ==, "deactivated");
  event = nth_event (net, "subscription-terminated", 1);
  g_assert_cmpstr (field_str (event, "app"), ==, "0x07");
  g_assert_cmpstr (field_str (event, "reason"), ==, "");
  /* 0x05: empty, terminated; 0x07: empty, then its last content */
  g_assert_cmpint (notified (net, 2), ==, 200);
  g_assert_cmpint (notified (net, 3), ==, 481);
  g_assert_cmpint (notified (net, 4), ==, 603);
  g_assert_cmpuint (n_events (net, "notify-rejected"), ==, 1);
  g_assert_cmpstr (field_str (nth_event (net, "push", 0), "body"), ==, "last");
  g_assert_cmpstr (field_str (nth_event (net, "notify", 2), "state"), ==, "terminated");

  sent = sent_requests (net->trace, PL_NODE (net->ue), "SUBSCRIBE");
  g_assert_cmpuint (sent->len, ==, 3);
  g_assert_null (sip_object (SENT (sent, 2))->sip_to->a_tag);
  g_assert_cmpstr (sip_object (SENT (sent, 2))->sip_call_id->i_id, !=,
                   sip_object (SENT (sent, 0))->sip_call_id->i_id);
  g_assert_cmpuint (TEST_NOTIFIER (net->core)->notifiers->len, ==, 3);
}

static void
test_notify_terminated_in_flight (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  Step steps[] = {
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_NOTIFY, .sub = 0, .terminate = TRUE, .reason = "rejected" },
    { STEP_NOTIFY, .sub = 0, .type = "text/plain", .body = "late" },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 7200 },
  };
  const double t[] = { 0, 1, 1, 1 };

  g_test_summary ("Once a NOTIFY ended the subscription, another NOTIFY of it is 481 even "
                  "while a refresh of ours still awaits its answer (481 too: RFC 3265 "
                  "§3.1.4.2), and nothing of it reaches the application");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  g_assert_cmpint (notified (net, 1), ==, 200);
  g_assert_cmpint (notified (net, 2), ==, 481);
  g_assert_cmpuint (n_events (net, "push"), ==, 0);
  g_assert_cmpstr (field_str (only_event (net, "subscription-terminated"), "reason"), ==,
                   "rejected");
  g_assert_cmpint (field_int (only_event (net, "subscribe-failed"), "status"), ==, 481);
}

static void
test_subscribe_refresh (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  Step steps[] = {
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 7200 },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 0 },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 0 },
  };
  const double t[] = { 0, 10, 20, 30 };
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) notifies = NULL;
  const PlTraceEvent *event;
  sip_t *first, *sip;

  g_test_summary ("One subscription per application: a second <subscribe> refreshes it in its "
                  "dialog (RFC 3265 §3.1.4.2), <unsubscribe> sends Expires: 0 there and the "
                  "notifier's last NOTIFY ends it; with nothing left to end, "
                  "'unsubscribe-failed'");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  sent = sent_requests (net->trace, PL_NODE (net->ue), "SUBSCRIBE");
  g_assert_cmpuint (sent->len, ==, 3);
  first = sip_object (SENT (sent, 0));
  notifies = sent_requests (net->trace, net->core, "NOTIFY");
  for (guint i = 1; i < 3; i++)
    {
      sip = sip_object (SENT (sent, i));
      g_assert_cmpstr (sip->sip_call_id->i_id, ==, first->sip_call_id->i_id);
      g_assert_cmpstr (sip->sip_from->a_tag, ==, first->sip_from->a_tag);
      g_assert_cmpstr (sip->sip_to->a_tag, ==,
                       sip_object (SENT (notifies, 0))->sip_from->a_tag);
      g_assert_cmpuint (sip->sip_cseq->cs_seq, ==, i + 1);
      /* The dialog's remote target: the notifier's Contact. */
      g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "core.example.net");
      assert_header (sent, i, "Event", "ua-profile;profile-type=\"application\";auid=\"0x05\"");
      assert_header (sent, i, "Accept", "text/plain, application/vnd.syncml.ds.notification");
    }
  assert_header (sent, 1, "Expires", "7200");
  assert_header (sent, 2, "Expires", "0");

  g_assert_cmpuint (n_events (net, "subscribed"), ==, 2);
  g_assert_cmpint (field_int (nth_event (net, "subscribed", 1), "expires"), ==, 7200);
  event = only_event (net, "unsubscribed");
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpint (field_int (event, "status"), ==, 200);
  event = only_event (net, "subscription-terminated");
  g_assert_cmpstr (field_str (event, "reason"), ==, "timeout");
  event = only_event (net, "unsubscribe-failed");
  g_assert_cmpint (field_int (event, "status"), ==, 0);
  g_assert_cmpstr (field_str (event, "reason"), ==, "no subscription");
}

static void
test_subscribe_queued (void)
{
  g_autoptr (Net) net = notifier_net (NULL);
  Step steps[] = {
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 0 },
    { STEP_SUBSCRIBE, .app = "0x05", .expires = 600 },
  };
  const double t[] = { 0, 0, 0 };
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) ok = NULL;

  g_test_summary ("An <unsubscribe> and a <subscribe> asked for before the first answer wait "
                  "for it, in order; a <subscribe> after an accepted unsubscribe is a new "
                  "subscription");

  run_steps (net, steps, t, G_N_ELEMENTS (steps));

  sent = sent_requests (net->trace, PL_NODE (net->ue), "SUBSCRIBE");
  g_assert_cmpuint (sent->len, ==, 3);
  ok = sent_requests (net->trace, net->core, "200 OK");
  g_assert_cmpint (g_array_index (sent, Sent, 1).t, >, g_array_index (ok, Sent, 0).t);
  assert_header (sent, 1, "Expires", "0");
  g_assert_nonnull (sip_object (SENT (sent, 1))->sip_to->a_tag);
  assert_header (sent, 2, "Expires", "600");
  g_assert_null (sip_object (SENT (sent, 2))->sip_to->a_tag);
  g_assert_cmpuint (n_events (net, "unsubscribed"), ==, 1);
  g_assert_cmpuint (n_events (net, "subscribed"), ==, 2);
  g_assert_cmpint (field_int (nth_event (net, "subscribed", 1), "expires"), ==, 600);
}

static void
test_subscribe_failures (void)
{
  g_autoptr (Net) refused = notifier_net (NULL);
  g_autoptr (Net) silent = notifier_net (NULL);
  g_autoptr (Net) cut = notifier_net (NULL);
  Step steps[] = { { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 },
                   { STEP_SUBSCRIBE, .app = "0x05", .expires = 0 } };
  Step silent_steps[] = { { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 } };
  Step cut_steps[] = { { STEP_SUBSCRIBE, .app = "0x05", .expires = 3600 } };
  const double t[] = { 0, 5 };
  const PlTraceEvent *event;

  g_test_summary ("A refused SUBSCRIBE is 'subscribe-failed' with status and reason and "
                  "leaves no subscription; an unanswered one fails with the transaction's "
                  "408; one still unanswered when the run ends goes away with it");

  TEST_NOTIFIER (refused->core)->refuse = 403;
  run_steps (refused, steps, t, G_N_ELEMENTS (steps));
  event = only_event (refused, "subscribe-failed");
  g_assert_cmpstr (field_str (event, "app"), ==, "0x05");
  g_assert_cmpint (field_int (event, "status"), ==, 403);
  g_assert_cmpstr (field_str (event, "reason"), ==, "Forbidden");
  g_assert_cmpuint (n_events (refused, "subscribed"), ==, 0);
  g_assert_cmpstr (field_str (only_event (refused, "unsubscribe-failed"), "reason"), ==,
                   "no subscription");

  TEST_NOTIFIER (silent->core)->silent = TRUE;
  run_steps (silent, silent_steps, t, G_N_ELEMENTS (silent_steps));
  g_assert_cmpint (field_int (only_event (silent, "subscribe-failed"), "status"), ==, 408);

  TEST_NOTIFIER (cut->core)->silent = TRUE;
  pl_scheduler_set_end (pl_sim_get_scheduler (cut->sim), PL_SEC (1));
  run_steps (cut, cut_steps, t, G_N_ELEMENTS (cut_steps));
  g_assert_cmpuint (n_events (cut, "subscribe-failed"), ==, 0);
  g_assert_cmpuint (pl_node_get_n_transactions (PL_NODE (cut->ue)), ==, 1);
}

/* ==== the scenario form ==== */

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

static void
write_scenario (TmpFile *tmp, const char *dialect, const char *nodes, const char *timeline,
                const char *expect)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<scenario name=\"receiver\" dialect=\"%s\">\n"
    "  <network latency=\"10ms\">\n"
    "    <node id=\"core\" kind=\"ua\" host=\"pcscf.example.net\"/>\n"
    "%s"
    "  </network>\n"
    "  <timeline>\n%s  </timeline>\n"
    "%s"
    "</scenario>\n", dialect, nodes, timeline ? timeline : "", expect ? expect : "");

  tmp->dir = g_dir_make_tmp ("test-receiver-XXXXXX", &error);
  g_assert_no_error (error);
  tmp->path = g_build_filename (tmp->dir, "s.xml", NULL);
  g_assert_true (g_file_set_contents (tmp->path, text, -1, &error));
  g_assert_no_error (error);
}

static PlScenario *
load_scenario (const char *dialect, const char *nodes, const char *timeline)
{
  g_auto (TmpFile) tmp = { 0 };
  g_autoptr (GError) error = NULL;
  PlScenario *scenario;

  pl_models_register ();
  write_scenario (&tmp, dialect, nodes, timeline, NULL);
  scenario = pl_scenario_load (tmp.path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  return scenario;
}

#define UE_OPEN \
  "    <node id=\"ue\" kind=\"receiver\" host=\"[5555::aaa:bbb:ccc:ddd]:1357\""
#define UE_CORE " outbound=\"sip:pcscf.example.net\" registrar=\"sip:home1.net\""
#define UE_BODY \
  ">\n      <identity public=\"sip:john.doe@home1.net\" private=\"john.doe@home1.net\"" \
  " password=\"secret\" display=\"John Doe\"/>\n" \
  "      <app id=\"0x05\" accept=\"application/vnd.syncml.ds.notification text/plain\"" \
  " answer=\"200\" answer-delay=\"2s\"/>\n" \
  "      <app id=\"0x07\" accept=\"text/plain\" answer=\"none\"/>\n" \
  "      <whitelist sender=\"sip:psadm1@home1.net\"/>\n" \
  "      <whitelist sender=\"sip:psadm2@home1.net\"/>\n" \
  "    </node>\n"

static void
test_scenario_register (void)
{
  g_autoptr (PlScenario) scenario = load_scenario (
    "oma-2006", UE_OPEN UE_CORE " refresh=\"true\" expires=\"1000\" contact-user=\"jd\""
    " instance=\"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"" UE_BODY,
    "    <at t=\"0\"><register node=\"ue\" apps=\"0x05\"/></at>\n"
    "    <at t=\"1200s\"><deregister node=\"ue\"/></at>\n");
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlTrace *trace = pl_sim_get_trace (sim);
  PlNode *ue = pl_sim_find_node (sim, "ue");
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GPtrArray) refreshes = NULL;

  g_test_summary ("<register>/<deregister> from the timeline; refresh at half of a short "
                  "registration (TS 24.229 5.1.1.4); the configured instance and contact user");

  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  sent = sent_requests (trace, ue, "REGISTER");
  /* at 0, refreshed at 500.02 s and 1000.04 s, de-registered at 1200 s */
  g_assert_cmpuint (sent->len, ==, 4);
  g_assert_cmpint (g_array_index (sent, Sent, 1).t, ==, PL_MSEC (500020));
  g_assert_cmpint (g_array_index (sent, Sent, 2).t, ==, PL_MSEC (1000040));
  g_assert_cmpint (g_array_index (sent, Sent, 3).t, ==, PL_SEC (1200));
  for (guint i = 0; i < 3; i++)
    {
      assert_header (sent, i, "Contact",
                     "<sip:jd@[5555::aaa:bbb:ccc:ddd]:1357>;+sip.instance=\"<urn:uuid:f81d4fae-"
                     "7dec-11d0-a765-00a0c91e6bf6>\";+g.oma.sip-push.0x05");
      assert_header (sent, i, "Expires", "1000");
      assert_header (sent, i, "Route", "<sip:pcscf.example.net;lr>");
    }
  g_assert_cmpstr (sip_object (SENT (sent, 0))->sip_from->a_display, ==, "\"John Doe\"");
  g_assert_cmpstr (sip_object (SENT (sent, 0))->sip_request->rq_url->url_host, ==, "home1.net");
  assert_header (sent, 3, "Expires", "0");
  refreshes = app_events (trace, ue, "refresh");
  g_assert_cmpuint (refreshes->len, ==, 2);
  g_assert_false (pl_receiver_is_registered (PL_RECEIVER (ue)));
}

static void
on_send_push (gpointer data)
{
  gpointer *args = data;

  send_request (args[0], args[1], args[2]);
}

static void
test_scenario_whitelist_delay (void)
{
  g_autoptr (PlScenario) scenario = load_scenario ("oma-2006", UE_OPEN UE_CORE UE_BODY, NULL);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlTrace *trace = pl_sim_get_trace (sim);
  PlNode *core = pl_sim_find_node (sim, "core");
  PlNode *ue = pl_sim_find_node (sim, "ue");
  g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  Request listed = { .pai = "\"Admin\" <sip:psadm2@home1.net>", .accept_contact = tag,
                     .uri = "sip:john.doe@[5555::aaa:bbb:ccc:ddd]:1357" };
  Request unlisted = { .pai = "<sip:stranger@home1.net>", .accept_contact = tag,
                       .uri = "sip:john.doe@[5555::aaa:bbb:ccc:ddd]:1357" };
  g_auto (Reply) ok = { 0 };
  g_auto (Reply) refused = { 0 };
  gpointer first[] = { core, &listed, &ok };
  gpointer second[] = { core, &unlisted, &refused };
  g_autoptr (GPtrArray) rejected = NULL;

  g_test_summary ("A whitelist admits only its PAI identities (403 for others); the application "
                  "answers after its answer-delay");

  pl_scenario_start (scenario);
  pl_scheduler_add (pl_sim_get_scheduler (sim), 0, on_send_push, first, NULL);
  pl_scheduler_add (pl_sim_get_scheduler (sim), PL_SEC (10), on_send_push, second, NULL);
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  g_assert_cmpint (ok.status, ==, 200);
  /* 10 ms there, 2 s in the application, 10 ms back */
  g_assert_cmpint (ok.at, ==, PL_MSEC (2020));
  g_assert_cmpint (refused.status, ==, 403);
  rejected = app_events (trace, ue, "push-rejected");
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpint (field_int (rejected->pdata[0], "status"), ==, 403);
  g_assert_nonnull (strstr (field_str (rejected->pdata[0], "reason"), "whitelist"));
  g_assert_cmpuint (pl_receiver_get_n_pushes (PL_RECEIVER (ue)), ==, 1);
}

static void
test_scenario_pending_at_end (void)
{
  g_autoptr (PlScenario) scenario = load_scenario ("oma-2006", UE_OPEN UE_CORE UE_BODY, NULL);
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlNode *core = pl_sim_find_node (sim, "core");
  PlNode *ue = pl_sim_find_node (sim, "ue");
  g_autofree char *tag = pl_push_accept_contact (PL_DIALECT_OMA_2006, "0x05", NULL);
  Request listed = { .pai = "<sip:psadm1@home1.net>", .accept_contact = tag,
                     .uri = "sip:john.doe@[5555::aaa:bbb:ccc:ddd]:1357" };
  g_auto (Reply) reply = { 0 };
  gpointer args[] = { core, &listed, &reply };

  g_test_summary ("A push whose delayed answer is still due when the run ends goes away with "
                  "its transaction");

  pl_scenario_start (scenario);
  pl_scheduler_add (pl_sim_get_scheduler (sim), 0, on_send_push, args, NULL);
  pl_scheduler_set_end (pl_sim_get_scheduler (sim), PL_SEC (1));
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  g_assert_cmpuint (pl_receiver_get_n_pushes (PL_RECEIVER (ue)), ==, 1);
  g_assert_cmpint (reply.status, ==, 0);
  g_assert_cmpuint (pl_node_get_n_transactions (ue), ==, 1);
}

/* The network of Appendix A: P-CSCF, S-CSCF and HSS of home1.net, and a
 * notifier at the Push Sender agent's host. */
#define A3_CORE \
  "    <node id=\"pcscf\" kind=\"p-cscf\" host=\"pcscf1.visited1.net:7531\"" \
  " core=\"sip:scscf1.home1.net\"/>\n" \
  "    <node id=\"scscf\" kind=\"s-cscf\" host=\"scscf1.home1.net\" hss=\"hss\"/>\n" \
  "    <node id=\"hss\" kind=\"hss\" host=\"hss.home1.net\">\n" \
  "      <subscription href=\"%s\"/>\n" \
  "    </node>\n" \
  "    <node id=\"psa\" kind=\"test-notifier\" host=\"psadm1.home1.net\"/>\n"
#define A3_UE \
  "    <node id=\"ue\" kind=\"receiver\" host=\"[5555::aaa:bbb:ccc:ddd]:1357\"" \
  " outbound=\"sip:pcscf1.visited1.net:7531\">\n" \
  "      <identity public=\"sip:john.doe@home1.net\" private=\"john.doe@home1.net\"" \
  " display=\"John Doe\"/>\n" \
  "      <app id=\"0x05\" accept=\"application/vnd.syncml.ds.notification\" auid=\"%s\"" \
  " answer-delay=\"2s\"/>\n" \
  "    </node>\n"

static PlScenario *
load_a3 (const char *auid, const char *timeline)
{
  /* The scenario is written elsewhere: an absolute path. */
  g_autofree char *profile = g_canonicalize_filename (g_test_get_filename (G_TEST_DIST, "..",
                                                                           "data", "hss",
                                                                           "home1.xml", NULL),
                                                      NULL);
  g_autofree char *nodes = g_strdup_printf (A3_UE A3_CORE, auid, profile);

  pl_node_kind_register ("test-notifier", TEST_TYPE_NOTIFIER, "accepts every SUBSCRIBE");
  return load_scenario ("oma-2006", nodes, timeline);
}

static void
on_psa_push (gpointer data)
{
  test_notifier_notify (data, 0, "application/vnd.syncml.ds.notification", "sync", FALSE, NULL);
}

static guint
n_app_events (PlTrace *trace, PlNode *node, const char *name)
{
  g_autoptr (GPtrArray) events = app_events (trace, node, name);

  return events->len;
}

static void
test_scenario_subscribe_a3 (void)
{
  g_autoptr (PlScenario) scenario = load_a3 (
    "x-wap-application:push.syncml",
    "    <at t=\"0\"><register node=\"ue\"/></at>\n"
    "    <at t=\"1s\"><subscribe node=\"ue\" app=\"0x05\"/></at>\n"
    "    <at t=\"2s\"><subscribe node=\"ue\" app=\"0x05\" uri=\"sip:psadm1.home1.net\""
    " expires=\"3600\"/></at>\n");
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlNode *ue = pl_sim_find_node (sim, "ue");
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GPtrArray) failed = NULL;
  g_autoptr (GPtrArray) subscribed = NULL;
  g_autofree char *from = NULL;
  sip_t *sip;

  g_test_summary ("A.3 step 1 through the IMS core of the spec: Route the P-CSCF then the "
                  "S-CSCF's Service-Route, the quoted x-wap-application:push.syncml auid, "
                  "P-Preferred-Identity with the display name, Privacy: none, "
                  "Expires: 600000, the node's Contact; a uri attribute sets the Request-URI");

  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  sent = sent_requests (pl_sim_get_trace (sim), ue, "SUBSCRIBE");
  g_assert_cmpuint (sent->len, ==, 2);
  sip = sip_object (SENT (sent, 0));
  g_assert_cmpstr (sip->sip_request->rq_url->url_user, ==, "john.doe");
  g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "home1.net");
  assert_header (sent, 0, "Route",
                 "<sip:pcscf1.visited1.net:7531;lr>, <sip:orig@scscf1.home1.net;lr>");
  from = g_strdup_printf ("<sip:john.doe@home1.net>;tag=%s", sip->sip_from->a_tag);
  assert_header (sent, 0, "From", from);
  assert_header (sent, 0, "To", "<sip:john.doe@home1.net>");
  assert_header (sent, 0, "Event",
                 "ua-profile;profile-type=\"application\";auid=\"x-wap-application:push.syncml\"");
  assert_header (sent, 0, "CSeq", "1 SUBSCRIBE");
  assert_header (sent, 0, "P-Preferred-Identity", "\"John Doe\" <sip:john.doe@home1.net>");
  assert_header (sent, 0, "Privacy", "none");
  assert_header (sent, 0, "Expires", "600000");
  assert_header (sent, 0, "Accept", "application/vnd.syncml.ds.notification");
  assert_header (sent, 0, "Contact", "<sip:[5555::aaa:bbb:ccc:ddd]:1357>");
  assert_header (sent, 0, "Max-Forwards", "70");

  /* No criterion of home1.xml names that auid (Appendix B's asks for
   * org.openmobilealliance.*): the S-CSCF routes the SUBSCRIBE to the
   * user, that is back to this watcher, which notifies no one. */
  failed = app_events (pl_sim_get_trace (sim), ue, "subscribe-failed");
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpint (field_int (failed->pdata[0], "status"), ==, 405);

  /* §6.4.1.1 step 1's other choice: the Push Sender agent's URI. */
  sip = sip_object (SENT (sent, 1));
  g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "psadm1.home1.net");
  g_assert_null (sip->sip_to->a_tag);
  assert_header (sent, 1, "Expires", "3600");
  assert_header (sent, 1, "To", "<sip:john.doe@home1.net>");
  subscribed = app_events (pl_sim_get_trace (sim), ue, "subscribed");
  g_assert_cmpuint (subscribed->len, ==, 1);
  g_assert_cmpint (field_int (subscribed->pdata[0], "expires"), ==, 3600);
  g_assert_cmpstr (field_str (subscribed->pdata[0], "auid"), ==, "x-wap-application:push.syncml");
}

static void
test_scenario_subscribe_core (void)
{
  g_autoptr (PlScenario) scenario = load_a3 (
    "org.openmobilealliance.push.syncml",
    "    <at t=\"0\"><register node=\"ue\"/></at>\n"
    "    <at t=\"1s\"><subscribe node=\"ue\" app=\"0x05\"/></at>\n"
    "    <at t=\"10s\"><subscribe node=\"ue\" app=\"0x05\" expires=\"3600\"/></at>\n"
    "    <at t=\"20s\"><unsubscribe node=\"ue\" app=\"0x05\"/></at>\n");
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlTrace *trace = pl_sim_get_trace (sim);
  PlNode *ue = pl_sim_find_node (sim, "ue");
  PlNode *psa = pl_sim_find_node (sim, "psa");
  TestNotifier *notifier = TEST_NOTIFIER (psa);
  g_autoptr (GArray) sent = NULL;
  g_autoptr (GArray) ok = NULL;
  g_autoptr (GArray) received = NULL;
  g_autoptr (GPtrArray) pushes = NULL;

  g_test_summary ("Appendix B's SUBSCRIBE criterion (auid org.openmobilealliance.*) takes the "
                  "SUBSCRIBE to the notifier; its NOTIFYs come back along the route set, the "
                  "content one answered after the application's delay; refresh and "
                  "unsubscribe follow the Record-Route of the 200 (RFC 3261 §12.1.1)");

  pl_scenario_start (scenario);
  pl_scheduler_add (pl_sim_get_scheduler (sim), PL_SEC (5), on_psa_push, notifier, NULL);
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  received = sent_requests (trace, pl_sim_find_node (sim, "scscf"), "SUBSCRIBE");
  g_assert_cmpuint (received->len, >=, 1);
  g_assert_cmpuint (notifier->notifiers->len, ==, 1);
  g_assert_cmpuint (n_app_events (trace, ue, "subscribed"), ==, 2);

  /* The empty NOTIFY and the push, both through the core. */
  g_assert_cmpuint (notifier->notified->len, >=, 2);
  g_assert_cmpint (g_array_index (notifier->notified, int, 0), ==, 200);
  g_assert_cmpint (g_array_index (notifier->notified, int, 1), ==, 200);
  pushes = app_events (trace, ue, "push");
  g_assert_cmpuint (pushes->len, ==, 1);
  g_assert_cmpstr (field_str (pushes->pdata[0], "method"), ==, "NOTIFY");
  ok = sent_requests (trace, ue, "200 OK");
  /* psa -> scscf -> pcscf -> ue, 10 ms each, then 2 s in the application */
  g_assert_cmpint (g_array_index (ok, Sent, 1).t, ==, PL_SEC (5) + PL_MSEC (30) + PL_SEC (2));

  sent = sent_requests (trace, ue, "SUBSCRIBE");
  g_assert_cmpuint (sent->len, ==, 3);
  for (guint i = 1; i < 3; i++)
    {
      sip_t *sip = sip_object (SENT (sent, i));

      g_assert_nonnull (sip->sip_to->a_tag);
      g_assert_nonnull (sip->sip_route);
      g_assert_cmpstr (sip->sip_route->r_url->url_host, ==, "pcscf1.visited1.net");
      g_assert_cmpstr (sip->sip_request->rq_url->url_host, ==, "psadm1.home1.net");
    }
  assert_header (sent, 2, "Expires", "0");
  g_assert_cmpuint (n_app_events (trace, ue, "unsubscribed"), ==, 1);
  g_assert_cmpuint (n_app_events (trace, ue, "subscription-terminated"), ==, 1);
}

static void
test_scenario_expect (void)
{
  g_auto (TmpFile) tmp = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (PlReport) report = NULL;

  g_test_summary ("The events can be checked from a scenario's <expect>");

  pl_models_register ();
  write_scenario (&tmp, "oma-1.0",
                  "    <node id=\"ue\" kind=\"receiver\" host=\"ue.example.net\""
                  " registrar=\"sip:pcscf.example.net\">\n"
                  "      <identity public=\"sip:bob@home1.net\"/>\n"
                  "      <app id=\"mms.ua\" accept=\"application/vnd.oma.push\"/>\n"
                  "    </node>\n",
                  "    <at t=\"0\"><register node=\"ue\"/></at>\n"
                  "    <at t=\"1s\"><deregister node=\"ue\"/></at>\n",
                  "  <expect>\n"
                  "    <event node=\"ue\" name=\"registered\" apps=\"mms.ua\" expires=\"600000\""
                  " count=\"1\"/>\n"
                  "    <event node=\"ue\" name=\"deregistered\" count=\"1\"/>\n"
                  "    <messages from=\"ue\" to=\"core\" request=\"REGISTER\" header=\"Contact\""
                  " matches=\"^&lt;sip:bob@ue\\.example\\.net:5060&gt;;\\+sip\\.instance=\""
                  " count=\"2\"/>\n"
                  "  </expect>\n");
  report = pl_scenario_run_file (tmp.path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, i);
      if (!check->passed)
        g_test_message ("%s: %s", check->name, check->message);
    }
  g_assert_cmpuint (report->checks->len, ==, 3);
  g_assert_cmpuint (pl_report_n_failed (report), ==, 0);
}

static void
test_scenario_errors (void)
{
  static const struct {
    const char *nodes;
    const char *timeline;
    const char *position;
    const char *words;
  } cases[] = {
    { UE_OPEN " expires=\"soon\"" UE_BODY, NULL, ":5:", "expires" },
    { UE_OPEN " refresh=\"maybe\"" UE_BODY, NULL, ":5:", "refresh" },
    { UE_OPEN " outbound=\"pcscf\"" UE_BODY, NULL, ":5:", "outbound" },
    { UE_OPEN " instance=\"f81d4fae\"" UE_BODY, NULL, ":5:", "URN" },
    { UE_OPEN " registrar=\"x\"" UE_BODY, NULL, ":5:", "registrar" },
    { UE_OPEN " contact-user=\"a@b\"" UE_BODY, NULL, ":5:", "contact-user" },
    { UE_OPEN " colour=\"red\"" UE_BODY, NULL, ":5:", "colour" },
    { UE_OPEN UE_CORE ">\n      <app id=\"0x05\" accept=\"text/plain\"/>\n    </node>\n", NULL,
      ":5:", "<identity" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"home1.net\"/>\n    </node>\n", NULL, ":6:",
      "public" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\" accept=\"textplain\"/>\n    </node>\n", NULL, ":7:", "accept" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\"/>\n    </node>\n", NULL, ":7:", "accept" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\" accept=\"text/plain\" answer=\"302\"/>\n    </node>\n", NULL,
      ":7:", "answer" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\" accept=\"text/plain\" answer-delay=\"2\"/>\n    </node>\n", NULL,
      ":7:", "answer-delay" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\" accept=\"text/plain\"/>\n"
      "      <app id=\"0x05\" accept=\"text/plain\"/>\n    </node>\n", NULL, ":8:", "twice" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x00\" accept=\"text/plain\"/>\n    </node>\n", NULL, ":7:", "0x00" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"a b\" accept=\"text/plain\"/>\n    </node>\n", NULL, ":7:", "id" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <whitelist/>\n    </node>\n", NULL, ":7:", "sender" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <toaster/>\n    </node>\n", NULL, ":7:", "toaster" },
    { UE_OPEN " outbound=\"sip:nowhere.example.net\"" UE_BODY, NULL, ":5:", "no node" },
    { UE_OPEN UE_BODY, NULL, ":5:", "sip:home1.net" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><register node=\"ue\" apps=\"0x05 0x09\"/></at>\n",
      ":14:", "0x09" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><register node=\"ue\" expires=\"-1\"/></at>\n",
      ":14:", "expires" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><deregister node=\"ue\" apps=\"\"/></at>\n",
      ":14:", "apps" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><push node=\"ue\"/></at>\n", ":14:", "<push>" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\" accept=\"text/plain\" auid=\"x-wap application\"/>\n    </node>\n",
      NULL, ":7:", "auid" },
    { UE_OPEN UE_CORE ">\n      <identity public=\"sip:a@home1.net\"/>\n"
      "      <app id=\"0x05\" accept=\"text/plain\" auid=\"\"/>\n    </node>\n",
      NULL, ":7:", "auid" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><subscribe node=\"ue\" app=\"0x09\"/></at>\n",
      ":14:", "'0x09' is not installed on 'ue' (installed: 0x05, 0x07)" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><subscribe node=\"ue\"/></at>\n", ":14:",
      "app" },
    { UE_OPEN UE_CORE UE_BODY,
      "    <at t=\"0\"><subscribe node=\"ue\" app=\"0x05\" expires=\"0\"/></at>\n", ":14:",
      "expires" },
    { UE_OPEN UE_CORE UE_BODY,
      "    <at t=\"0\"><subscribe node=\"ue\" app=\"0x05\" expires=\"soon\"/></at>\n", ":14:",
      "expires" },
    { UE_OPEN UE_CORE UE_BODY,
      "    <at t=\"0\"><subscribe node=\"ue\" app=\"0x05\" uri=\"psadm1\"/></at>\n", ":14:",
      "uri" },
    { UE_OPEN UE_CORE UE_BODY,
      "    <at t=\"0\"><subscribe node=\"ue\" app=\"0x05\" auid=\"x\"/></at>\n", ":14:",
      "auid" },
    { UE_OPEN UE_CORE UE_BODY,
      "    <at t=\"0\"><unsubscribe node=\"ue\" app=\"0x05\" expires=\"60\"/></at>\n",
      ":14:", "expires" },
    { UE_OPEN UE_CORE UE_BODY, "    <at t=\"0\"><unsubscribe node=\"ue\" app=\"mms.ua\"/></at>\n",
      ":14:", "mms.ua" },
  };

  g_test_summary ("Every bad value of the receiver's scenario form is an error at file:line");

  pl_models_register ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (TmpFile) tmp = { 0 };
      g_autoptr (GError) error = NULL;
      g_autoptr (PlScenario) scenario = NULL;

      write_scenario (&tmp, "oma-2006", cases[i].nodes, cases[i].timeline, NULL);
      scenario = pl_scenario_load (tmp.path, NULL, &error);
      g_assert_null (scenario);
      g_assert_nonnull (error);
      g_test_message ("case %u: %s", i, error->message);
      g_assert_true (g_str_has_prefix (error->message, tmp.path));
      g_assert_nonnull (strstr (error->message, cases[i].position));
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/push/contact-param", test_push_contact_param);
  g_test_add_func ("/pl/push/accept-contact", test_push_accept_contact);
  g_test_add_func ("/pl/push/contact-apps", test_push_contact_apps);
  g_test_add_func ("/pl/push/targeted-app", test_push_targeted_app);
  g_test_add_func ("/pl/push/appendix-c", test_push_appendix_c);
  g_test_add_func ("/pl/push/status-strings", test_push_status_strings);

  g_test_add_func ("/pl/receiver/register/2006", test_register_2006);
  g_test_add_func ("/pl/receiver/register/v1", test_register_v1);
  g_test_add_func ("/pl/receiver/register/sequence", test_register_sequence);
  g_test_add_func ("/pl/receiver/register/digest", test_register_digest);
  g_test_add_func ("/pl/receiver/register/failures", test_register_failures);

  g_test_add_func ("/pl/receiver/message/no-pai", test_message_no_pai);
  g_test_add_func ("/pl/receiver/message/untagged", test_message_untagged);
  g_test_add_func ("/pl/receiver/message/not-installed", test_message_not_installed);
  g_test_add_func ("/pl/receiver/message/content-type", test_message_content_type);
  g_test_add_func ("/pl/receiver/message/answers", test_message_answers);
  g_test_add_func ("/pl/receiver/message/push-fields", test_message_push_fields);
  g_test_add_func ("/pl/receiver/message/v1", test_message_v1);
  g_test_add_func ("/pl/receiver/other-methods", test_other_methods);

  g_test_add_func ("/pl/receiver/subscribe/request", test_subscribe_request);
  g_test_add_func ("/pl/receiver/subscribe/refresh", test_subscribe_refresh);
  g_test_add_func ("/pl/receiver/subscribe/queued", test_subscribe_queued);
  g_test_add_func ("/pl/receiver/subscribe/failures", test_subscribe_failures);
  g_test_add_func ("/pl/receiver/notify/unknown", test_notify_unknown);
  g_test_add_func ("/pl/receiver/notify/malformed", test_notify_malformed);
  g_test_add_func ("/pl/receiver/notify/content", test_notify_content);
  g_test_add_func ("/pl/receiver/notify/terminated", test_notify_terminated);
  g_test_add_func ("/pl/receiver/notify/terminated-in-flight", test_notify_terminated_in_flight);

  g_test_add_func ("/pl/receiver/scenario/register", test_scenario_register);
  g_test_add_func ("/pl/receiver/scenario/whitelist-delay", test_scenario_whitelist_delay);
  g_test_add_func ("/pl/receiver/scenario/pending-at-end", test_scenario_pending_at_end);
  g_test_add_func ("/pl/receiver/scenario/subscribe-a3", test_scenario_subscribe_a3);
  g_test_add_func ("/pl/receiver/scenario/subscribe-core", test_scenario_subscribe_core);
  g_test_add_func ("/pl/receiver/scenario/expect", test_scenario_expect);
  g_test_add_func ("/pl/receiver/scenario/errors", test_scenario_errors);

  return g_test_run ();
}
