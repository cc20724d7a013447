/* pl-sender-auto.c: the Push Sender's method="auto" pushes (2006 draft
 * §6.1 item 4): what the sender knows of the receiver is gathered here,
 * the method chosen by pl_push_method_choose() (pl-push-method.c, where
 * the precedence and its sections are), the choice recorded as a
 * "push-method" event, and the push made as a <push> of that method
 * would be.
 *
 * What the sender knows:
 *  - MESSAGE support: the push applications the receiver registered, as
 *    the third-party REGISTER's included REGISTER (§7.3) or the reg event
 *    (§7.1) told them. No registration known, or one without its
 *    Contact's tags, is "unknown", and MESSAGE is assumed.
 *  - The subscription: an active ua-profile subscription of the receiver
 *    to the application's auid at this sender (§6.4.2.1), and whether its
 *    Accept takes the content type (§6.4.2.2 step 1).
 *  - The transport of the link to that subscription's first hop: a NOTIFY
 *    over 1300 bytes wants TCP (RFC 3261 §18.1.1); nothing switches it,
 *    the event says which one it takes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include "pl-push-method.h"
#include "pl-sender-private.h"

/* The type _pl_sender_push_new() gives a push that names none (B.2). */
#define DEFAULT_CONTENT_TYPE "application/vnd.oma.push"

static PlPushSupport
message_support (PlSender   *self,
                 const char *to,
                 const char *app)
{
  const char * const *apps;

  if (!pl_sender_is_registered (self, to))
    return PL_PUSH_SUPPORT_UNKNOWN;
  apps = pl_sender_get_apps (self, to);
  if (apps == NULL)
    return PL_PUSH_SUPPORT_UNKNOWN;
  return g_strv_contains (apps, app) ? PL_PUSH_SUPPORT_YES : PL_PUSH_SUPPORT_NO;
}

/* Does a NOTIFY in @s's dialog leave on UDP? The link to its first hop
 * says (pl_client_txn_send() goes the same way). With no node there,
 * nothing leaves: the NOTIFY's transport error tells the rest. */
static gboolean
notify_over_udp (PlSender             *self,
                 PlSenderSubscription *s)
{
  PlNode *node = PL_NODE (self);
  PlNode *hop = pl_notifier_get_next_hop (s->notifier);

  return hop != NULL
         && pl_sim_get_link (pl_node_get_sim (node), node, hop)->transport == PL_TRANSPORT_UDP;
}

guint
_pl_sender_auto_push (PlSender             *self,
                      const char           *to,
                      const char           *app,
                      const char           *auid,
                      const char           *content_type,
                      GBytes               *body,
                      gboolean              confirm,
                      const PlPushChunking *chunking,
                      const char           *file_hash)
{
  PlNode *node = PL_NODE (self);
  const char *type = content_type ? content_type : DEFAULT_CONTENT_TYPE;
  const char *subscribed_auid = auid ? auid : app;
  PlSenderSubscription *s = _pl_sender_find_active (self, to, subscribed_auid);
  PlPushFacts facts = {
    .size = body ? g_bytes_get_size (body) : 0,
    .message = message_support (self, to, app),
    .subscribed = s != NULL,
    .accepts = s != NULL && _pl_sender_subscription_accepts (s, type),
    .notify_udp = s != NULL && notify_over_udp (self, s),
  };
  PlPushReason reason;
  PlPushMethod method = pl_push_method_choose (&facts, &reason);
  g_autofree char *detail = pl_push_method_describe (&facts, method, reason);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "push-method");
  guint number = self->pushes->len + 1;
  guint made;

  pl_trace_event_add_int (event, "push", number);
  pl_trace_event_add_string (event, "to", to);
  pl_trace_event_add_string (event, "app", app);
  pl_trace_event_add_string (event, "method", pl_push_method_to_string (method));
  pl_trace_event_add_string (event, "reason", pl_push_reason_to_string (reason));
  pl_trace_event_add_int (event, "size", (gint64) facts.size);
  pl_trace_event_add_string (event, "message-support", pl_push_support_to_string (facts.message));
  pl_trace_event_add_string (event, "subscription",
                             !facts.subscribed ? "none" : facts.accepts ? "active" : "not-accepting");
  if (method == PL_PUSH_METHOD_NOTIFY)
    pl_trace_event_add_string (event, "transport",
                               pl_transport_to_string (facts.notify_udp ? PL_TRANSPORT_UDP
                                                                        : PL_TRANSPORT_TCP));
  pl_trace_event_add_string (event, "detail", detail);
  pl_node_commit_event (node, event);

  switch (method)
    {
    case PL_PUSH_METHOD_NOTIFY:
      made = pl_sender_notify (self, to, app, subscribed_auid, content_type, body, confirm);
      break;
    case PL_PUSH_METHOD_INVITE:
      made = _pl_sender_invite_push (self, to, app, content_type, body, confirm, chunking,
                                     file_hash);
      break;
    case PL_PUSH_METHOD_MESSAGE:
    default:
      made = pl_sender_push_full (self, to, app, content_type, body, confirm);
      break;
    }
  g_assert (made == number);
  return made;
}
