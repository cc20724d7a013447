/* pl-subscription.c: RFC 3265 subscriptions, subscriber and notifier.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-subscription"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "pl-subscription.h"
#include "pl-wire.h"

/* RFC 3265 §3.1.1: an event package without its own default. */
#define DEFAULT_EXPIRES 3600

struct _PlSubscriber {
  PlNode *node;
  PlClientTxn *txn;          /* the SUBSCRIBE in progress, or NULL */
  msg_t *request;            /* the initial SUBSCRIBE as sent */
  PlDialog *dialog;
  char *state;
  PlTime expires_at;
  gboolean terminated;
  PlSubscribedFunc subscribed;
  PlNotifyFunc notify;
  gpointer user_data;
};

static void
set_state (char       **state,
           const char  *value)
{
  g_free (*state);
  *state = g_strdup (value);
}

static void
on_subscribe_response (PlClientTxn *txn,
                       msg_t       *msg,
                       sip_t       *sip,
                       gpointer     user_data)
{
  PlSubscriber *sub = user_data;
  int status = sip->sip_status->st_status;

  if (status < 200)
    return;
  sub->txn = NULL;
  if (status < 300)
    {
      guint32 expires = sip->sip_expires ? sip->sip_expires->ex_delta : DEFAULT_EXPIRES;

      /* §3.1.4.1: the 2xx makes the dialog; the Expires it carries is
       * the one granted. */
      if (sub->dialog == NULL)
        sub->dialog = pl_dialog_new_uac (sub->node, sip_object (pl_client_txn_get_request (txn)),
                                         sip);
      sub->expires_at = pl_node_now (sub->node) + PL_SEC (expires);
      if (expires == 0)
        sub->terminated = TRUE;
    }
  else if (sub->dialog == NULL || status == 481)
    {
      /* §3.1.4.2: refused, or a refresh of a subscription the notifier
       * no longer has. */
      sub->terminated = TRUE;
      set_state (&sub->state, "terminated");
    }
  if (sub->subscribed)
    sub->subscribed (sub, status, sip, sub->user_data);
}

PlSubscriber *
pl_subscriber_new (PlNode           *node,
                   msg_t            *subscribe,
                   PlSubscribedFunc  subscribed,
                   PlNotifyFunc      notify,
                   gpointer          user_data)
{
  PlSubscriber *sub = g_new0 (PlSubscriber, 1);

  sub->node = node;
  sub->state = g_strdup ("init");
  sub->subscribed = subscribed;
  sub->notify = notify;
  sub->user_data = user_data;
  sub->request = msg_dup (subscribe);
  sub->txn = pl_client_txn_send (node, subscribe, on_subscribe_response, sub);
  return sub;
}

void
pl_subscriber_free (PlSubscriber *sub)
{
  if (sub == NULL)
    return;
  /* A node leaving its sim (_pl_node_detach) frees its transactions
   * first: only one still in the sim has sub->txn. */
  if (sub->txn && pl_node_get_sim (sub->node))
    pl_client_txn_detach (sub->txn);
  g_clear_pointer (&sub->dialog, pl_dialog_free);
  g_clear_pointer (&sub->request, msg_destroy);
  g_free (sub->state);
  g_free (sub);
}

gboolean
pl_subscriber_matches (PlSubscriber *sub,
                       sip_t        *notify)
{
  sip_t *rq = sip_object (sub->request);

  if (sub->dialog)
    return pl_dialog_matches (sub->dialog, notify);
  /* §3.1.4.4: a NOTIFY may overtake the 200 of the SUBSCRIBE. */
  return notify->sip_call_id && rq->sip_call_id && notify->sip_to && rq->sip_from
         && g_strcmp0 (notify->sip_call_id->i_id, rq->sip_call_id->i_id) == 0
         && g_strcmp0 (notify->sip_to->a_tag, rq->sip_from->a_tag) == 0;
}

void
pl_subscriber_receive (PlSubscriber *sub,
                       PlServerTxn  *txn,
                       msg_t        *msg,
                       sip_t        *sip)
{
  sip_subscription_state_t *ss = sip->sip_subscription_state;

  if (sub->dialog && !pl_dialog_accept_cseq (sub->dialog, sip))
    {
      pl_server_txn_reply (txn, 500, "Server Internal Error (CSeq out of order)");
      return;
    }
  if (ss == NULL)
    {
      /* RFC 3265 §7.2: Subscription-State is mandatory in NOTIFY. */
      pl_server_txn_reply (txn, 400, "Bad Request (no Subscription-State)");
      return;
    }
  if (sub->dialog && sip->sip_contact)
    pl_dialog_set_remote_target (sub->dialog, sip->sip_contact);
  set_state (&sub->state, ss->ss_substate);
  if (ss->ss_expires)
    sub->expires_at = pl_node_now (sub->node)
                      + PL_SEC (g_ascii_strtoull (ss->ss_expires, NULL, 10));
  if (g_ascii_strcasecmp (ss->ss_substate, "terminated") == 0)
    sub->terminated = TRUE;
  if (sub->notify)
    sub->notify (sub, txn, msg, sip, sub->user_data);
  else
    pl_server_txn_reply (txn, 200, NULL);
}

void
pl_subscriber_refresh (PlSubscriber *sub,
                       guint32       expires)
{
  sip_t *rq = sip_object (sub->request);
  msg_t *msg;
  sip_t *sip;
  g_autofree char *value = g_strdup_printf ("%u", expires);

  if (sub->dialog == NULL || sub->txn != NULL)
    return;
  msg = pl_dialog_new_request (sub->dialog, sip_method_subscribe, "SUBSCRIBE");
  sip = sip_object (msg);
  sip_add_dup (msg, sip, (sip_header_t *) rq->sip_event);
  sip_add_dup (msg, sip, (sip_header_t *) rq->sip_accept);
  sip_add_dup (msg, sip, (sip_header_t *) rq->sip_contact);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_expires_class, value);
  sub->txn = pl_client_txn_send (sub->node, msg, on_subscribe_response, sub);
}

const char *
pl_subscriber_get_state (PlSubscriber *sub)
{
  return sub->state;
}

PlTime
pl_subscriber_get_expires_at (PlSubscriber *sub)
{
  return sub->expires_at;
}

PlDialog *
pl_subscriber_get_dialog (PlSubscriber *sub)
{
  return sub->dialog;
}

gboolean
pl_subscriber_is_terminated (PlSubscriber *sub)
{
  return sub->terminated;
}

/* ---- notifier ---- */

typedef struct {
  PlNotifier *notifier;
  PlClientTxn *txn;
  PlNotifiedFunc func;
  gpointer user_data;
} PendingNotify;

struct _PlNotifier {
  PlNode *node;
  PlDialog *dialog;
  msg_t *subscribe;
  guint32 max_expires;       /* caps refreshes as well as the first SUBSCRIBE */
  PlTime expires_at;
  gboolean terminated;
  gboolean unauthorized;     /* pending: not yet authorized (RFC 3265 §3.1.6.1: 202) */
  PlTimer *expiry;
  GPtrArray *pending;        /* PendingNotify* */
};

static void
on_notifier_expired (gpointer data)
{
  PlNotifier *notifier = data;
  sip_t *sip = sip_object (notifier->subscribe);
  g_autofree char *event = sip->sip_event
                             ? sip_header_as_string (NULL, (sip_header_t *) sip->sip_event) : NULL;

  notifier->expiry = NULL;
  if (notifier->terminated)
    return;
  /* RFC 3265 §3.1.6.4: the subscription ends; the subscriber hears it. */
  pl_notifier_notify (notifier, event, NULL, NULL, TRUE, "timeout", NULL, NULL);
}

static void
arm_expiry (PlNotifier *notifier,
            guint32     expires)
{
  if (notifier->expiry)
    pl_node_cancel_timer (notifier->node, &notifier->expiry);
  notifier->expires_at = pl_node_now (notifier->node) + PL_SEC (expires);
  notifier->expiry = pl_node_add_background_timer (notifier->node, PL_SEC (expires),
                                                   on_notifier_expired, notifier, NULL);
}

static void
respond_with_expires (PlNode      *node,
                      PlServerTxn *txn,
                      sip_t       *creating,
                      guint32      expires,
                      int          status)
{
  msg_t *response = pl_server_txn_make_response (txn, status, NULL);
  g_autofree char *value = g_strdup_printf ("%u", expires);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));

  /* RFC 3261 §12.1.1: the 2xx that creates the dialog carries the
   * request's Record-Route, or the subscriber's route set would miss
   * the proxies that asked to stay on the path. */
  if (creating && creating->sip_record_route)
    sip_add_dup (response, sip_object (response), (sip_header_t *) creating->sip_record_route);
  pl_wire_add_header (response, "Expires", value);
  pl_wire_add_header (response, "Contact", contact);
  pl_server_txn_respond (txn, response);
}

static PlNotifier *
notifier_accept (PlNode      *node,
                 PlServerTxn *txn,
                 sip_t       *subscribe,
                 guint32      max_expires,
                 gboolean     pending)
{
  PlNotifier *notifier = g_new0 (PlNotifier, 1);
  guint32 expires = subscribe->sip_expires ? subscribe->sip_expires->ex_delta : DEFAULT_EXPIRES;
  msg_t *probe;

  expires = MIN (expires, max_expires);
  notifier->node = node;
  notifier->max_expires = max_expires;
  notifier->unauthorized = pending;
  notifier->pending = g_ptr_array_new ();
  notifier->subscribe = msg_dup (pl_server_txn_get_request (txn));
  /* The To tag of our answers is the dialog's local tag. */
  probe = pl_server_txn_make_response (txn, 200, NULL);
  msg_destroy (probe);
  notifier->dialog = pl_dialog_new_uas (node, subscribe, pl_server_txn_get_to_tag (txn), 0);
  /* RFC 3265 §3.1.6.1: 202 when the subscription is not yet
   * authorized. */
  respond_with_expires (node, txn, subscribe, expires, pending ? 202 : 200);
  if (expires == 0)
    notifier->terminated = TRUE;
  else
    arm_expiry (notifier, expires);
  return notifier;
}

PlNotifier *
pl_notifier_accept (PlNode      *node,
                    PlServerTxn *txn,
                    sip_t       *subscribe,
                    guint32      max_expires)
{
  return notifier_accept (node, txn, subscribe, max_expires, FALSE);
}

PlNotifier *
pl_notifier_accept_pending (PlNode      *node,
                            PlServerTxn *txn,
                            sip_t       *subscribe,
                            guint32      max_expires)
{
  return notifier_accept (node, txn, subscribe, max_expires, TRUE);
}

void
pl_notifier_activate (PlNotifier *notifier)
{
  notifier->unauthorized = FALSE;
}

gboolean
pl_notifier_is_pending (PlNotifier *notifier)
{
  return notifier->unauthorized && !notifier->terminated;
}

void
pl_notifier_free (PlNotifier *notifier)
{
  if (notifier == NULL)
    return;
  if (notifier->expiry)
    pl_node_cancel_timer (notifier->node, &notifier->expiry);
  for (guint i = 0; i < notifier->pending->len; i++)
    {
      PendingNotify *p = g_ptr_array_index (notifier->pending, i);

      /* As in pl_subscriber_free: gone with the node's stack. */
      if (pl_node_get_sim (notifier->node))
        pl_client_txn_detach (p->txn);
      g_free (p);
    }
  g_ptr_array_unref (notifier->pending);
  g_clear_pointer (&notifier->dialog, pl_dialog_free);
  g_clear_pointer (&notifier->subscribe, msg_destroy);
  g_free (notifier);
}

gboolean
pl_notifier_matches (PlNotifier *notifier,
                     sip_t      *request)
{
  return pl_dialog_matches (notifier->dialog, request);
}

void
pl_notifier_refresh (PlNotifier  *notifier,
                     PlServerTxn *txn,
                     sip_t       *subscribe)
{
  guint32 expires = subscribe->sip_expires ? subscribe->sip_expires->ex_delta : DEFAULT_EXPIRES;

  /* RFC 3265 §3.1.6.1: a refresh may not get more than the notifier
   * grants any subscription. */
  expires = MIN (expires, notifier->max_expires);
  if (!pl_dialog_accept_cseq (notifier->dialog, subscribe))
    {
      pl_server_txn_reply (txn, 500, "Server Internal Error (CSeq out of order)");
      return;
    }
  if (notifier->terminated)
    {
      pl_server_txn_reply (txn, 481, NULL);
      return;
    }
  respond_with_expires (notifier->node, txn, NULL, expires, notifier->unauthorized ? 202 : 200);
  if (expires == 0)
    {
      /* RFC 3265 §3.2.4: an unsubscribe is answered by a last NOTIFY. */
      sip_t *first = sip_object (notifier->subscribe);
      /* sofia-sip allocates from malloc() without a home. */
      g_autofree char *event = first->sip_event
                                 ? sip_header_as_string (NULL, (sip_header_t *) first->sip_event)
                                 : NULL;

      pl_notifier_notify (notifier, event, NULL, NULL, TRUE, "timeout", NULL, NULL);
      return;
    }
  arm_expiry (notifier, expires);
}

static void
on_notify_response (PlClientTxn *txn,
                    msg_t       *msg,
                    sip_t       *sip,
                    gpointer     user_data)
{
  PendingNotify *p = user_data;
  PlNotifier *notifier = p->notifier;
  int status = sip->sip_status->st_status;

  if (status < 200)
    return;
  g_ptr_array_remove (notifier->pending, p);
  /* RFC 3265 §3.2.2: a 481 (or a timeout) ends the subscription. */
  if (status == 481 || status == 408)
    {
      notifier->terminated = TRUE;
      if (notifier->expiry)
        pl_node_cancel_timer (notifier->node, &notifier->expiry);
    }
  if (p->func)
    p->func (notifier, status, pl_client_txn_is_local_response (txn), sip, p->user_data);
  g_free (p);
}

void
pl_notifier_notify (PlNotifier     *notifier,
                    const char     *event,
                    const char     *content_type,
                    GBytes         *body,
                    gboolean        terminate,
                    const char     *reason,
                    PlNotifiedFunc  func,
                    gpointer        user_data)
{
  msg_t *msg = pl_dialog_new_request (notifier->dialog, sip_method_notify, "NOTIFY");
  sip_t *sip = sip_object (msg);
  g_autofree char *state = NULL;
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (notifier->node));
  PlTime left = notifier->expires_at - pl_node_now (notifier->node);
  PendingNotify *p;

  if (terminate)
    {
      notifier->terminated = TRUE;
      if (notifier->expiry)
        pl_node_cancel_timer (notifier->node, &notifier->expiry);
      state = reason ? g_strdup_printf ("terminated;reason=%s", reason) : g_strdup ("terminated");
    }
  else
    state = g_strdup_printf ("%s;expires=%" G_GINT64_FORMAT,
                             notifier->unauthorized ? "pending" : "active",
                             MAX (left, 0) / G_USEC_PER_SEC);
  pl_wire_add_header (msg, "Subscription-State", state);
  if (event)
    pl_wire_add_header (msg, "Event", event);
  pl_wire_add_header (msg, "Contact", contact);
  if (content_type && body)
    {
      gsize size;
      const char *data = g_bytes_get_data (body, &size);

      pl_wire_add_header (msg, "Content-Type", content_type);
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (msg_home (msg), data, (isize_t) size));
    }

  p = g_new0 (PendingNotify, 1);
  p->notifier = notifier;
  p->func = func;
  p->user_data = user_data;
  g_ptr_array_add (notifier->pending, p);
  p->txn = pl_client_txn_send (notifier->node, msg, on_notify_response, p);
}

gboolean
pl_notifier_is_active (PlNotifier *notifier)
{
  return !notifier->terminated;
}

PlTime
pl_notifier_get_expires_at (PlNotifier *notifier)
{
  return notifier->expires_at;
}

sip_t *
pl_notifier_get_subscribe (PlNotifier *notifier)
{
  return sip_object (notifier->subscribe);
}

msg_t *
pl_notifier_get_subscribe_msg (PlNotifier *notifier)
{
  return notifier->subscribe;
}

PlDialog *
pl_notifier_get_dialog (PlNotifier *notifier)
{
  return notifier->dialog;
}

PlNode *
pl_notifier_get_next_hop (PlNotifier *notifier)
{
  return pl_dialog_get_next_hop (notifier->dialog);
}
