/* pl-subscription.h: SIP-specific event notification (RFC 3265) on top of
 * pl-dialog: the subscriber's and the notifier's side of one subscription.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-dialog.h"
#include "pl-transaction.h"

G_BEGIN_DECLS

typedef struct _PlSubscriber PlSubscriber;
typedef struct _PlNotifier   PlNotifier;

/* ---- subscriber ---- */

/* A NOTIFY of the subscription: the callee answers @txn. */
typedef void (*PlNotifyFunc)        (PlSubscriber *sub,
                                     PlServerTxn  *txn,
                                     msg_t        *msg,
                                     sip_t        *sip,
                                     gpointer      user_data);
/* The final answer to the SUBSCRIBE (or to a refresh). */
typedef void (*PlSubscribedFunc)    (PlSubscriber *sub,
                                     int           status,
                                     sip_t        *response,
                                     gpointer      user_data);

/* Sends @subscribe (owned; its Expires says how long) in a new client
 * transaction; a 2xx creates the dialog (RFC 3265 §3.1.4.1). */
PlSubscriber *pl_subscriber_new        (PlNode           *node,
                                        msg_t            *subscribe,
                                        PlSubscribedFunc  subscribed,
                                        PlNotifyFunc      notify,
                                        gpointer          user_data);
void          pl_subscriber_free       (PlSubscriber *sub);
/* Does @notify belong to this subscription (its dialog, or the
 * Call-ID and tag of a SUBSCRIBE still unanswered, RFC 3265 §3.1.4.4)? */
gboolean      pl_subscriber_matches    (PlSubscriber *sub,
                                        sip_t        *notify);
/* Records the NOTIFY's Subscription-State, then calls the notify
 * function, which answers. */
void          pl_subscriber_receive    (PlSubscriber *sub,
                                        PlServerTxn  *txn,
                                        msg_t        *msg,
                                        sip_t        *sip);
/* SUBSCRIBE in the dialog with Expires: @expires (0 unsubscribes). */
void          pl_subscriber_refresh    (PlSubscriber *sub,
                                        guint32       expires);
/* "pending", "active", "terminated" (or "init" before any NOTIFY). */
const char   *pl_subscriber_get_state  (PlSubscriber *sub);
PlTime        pl_subscriber_get_expires_at (PlSubscriber *sub);
gboolean      pl_subscriber_is_terminated (PlSubscriber *sub);
/* The subscription's dialog, NULL before a 2xx created it. */
PlDialog     *pl_subscriber_get_dialog (PlSubscriber *sub);

/* ---- notifier ---- */

/* The answer to a NOTIFY, final only. */
typedef void (*PlNotifiedFunc)      (PlNotifier *notifier,
                                     int         status,
                                     gboolean    local,
                                     sip_t      *response,
                                     gpointer    user_data);

/* Accepts the SUBSCRIBE of @txn: 200 with Expires (capped by
 * @max_expires) and our Contact; the dialog is the UAS side. */
PlNotifier   *pl_notifier_accept       (PlNode      *node,
                                        PlServerTxn *txn,
                                        sip_t       *subscribe,
                                        guint32      max_expires);
/* The same for a subscription not yet authorized (RFC 3265 §3.1.6.1):
 * 202, and NOTIFYs say "pending" until pl_notifier_activate(). */
PlNotifier   *pl_notifier_accept_pending (PlNode      *node,
                                          PlServerTxn *txn,
                                          sip_t       *subscribe,
                                          guint32      max_expires);
void          pl_notifier_activate     (PlNotifier *notifier);
gboolean      pl_notifier_is_pending   (PlNotifier *notifier);
void          pl_notifier_free         (PlNotifier *notifier);
/* Is @request (a refreshing SUBSCRIBE) of this dialog? */
gboolean      pl_notifier_matches      (PlNotifier *notifier,
                                        sip_t      *request);
/* A refresh (or Expires: 0) in the dialog: answered 200 here. */
void          pl_notifier_refresh      (PlNotifier  *notifier,
                                        PlServerTxn *txn,
                                        sip_t       *subscribe);
/* Sends a NOTIFY with @event, Subscription-State from the notifier's
 * state (or terminated with @reason when @terminate), and a body when
 * @content_type is not NULL. */
void          pl_notifier_notify       (PlNotifier     *notifier,
                                        const char     *event,
                                        const char     *content_type,
                                        GBytes         *body,
                                        gboolean        terminate,
                                        const char     *reason,
                                        PlNotifiedFunc  func,
                                        gpointer        user_data);
gboolean      pl_notifier_is_active    (PlNotifier *notifier);
PlTime        pl_notifier_get_expires_at (PlNotifier *notifier);
/* The subscriber's SUBSCRIBE as first received (Event, Accept, PAI). */
sip_t        *pl_notifier_get_subscribe (PlNotifier *notifier);
msg_t        *pl_notifier_get_subscribe_msg (PlNotifier *notifier);
PlDialog     *pl_notifier_get_dialog   (PlNotifier *notifier);
/* The node a NOTIFY in the dialog goes to first (pl_dialog_get_next_hop). */
PlNode       *pl_notifier_get_next_hop (PlNotifier *notifier);

G_END_DECLS
