/* pl-sender-presence.c: the Push Sender agent as presence watcher.
 *
 * 2006 draft §8: "Push Sender agent SHOULD use a presence watcher to
 * subscribe to a presentity's presence information". A.4 step 1 is the
 * SUBSCRIBE (Event: presence, RFC 3856), steps 4 and 8 the 200 to each
 * NOTIFY. The <od:device-profile> URLs of a NOTIFY's PIDF go to the
 * capability store (pl-sender-capabilities.c).
 *
 * Scenario form:
 *
 *   <watch node="psa" event="presence" user="sip:john.doe@home1.net" expires="3600"/>
 *   <unwatch node="psa" event="presence" user="sip:john.doe@home1.net"/>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-pidf.h"
#include "pl-sender-presence-private.h"
#include "pl-state-models.h"
#include "pl-wire.h"

/* RFC 3856 §6.4: "the default expiration time ... is 3600 seconds". */
#define DEFAULT_EXPIRES 3600

typedef struct {
  PlSender *self;
  char *presentity;       /* canonical "sip:user@host" */
  char *uri;              /* the Request-URI, as given */
  PlSubscriber *sub;
  PlTimer *refresh;
  guint32 asked;          /* Expires of the SUBSCRIBE in flight */
  gboolean in_flight;
  gboolean ended;
  gboolean delivered;     /* the NOTIFY being read reached on_notify */
} PlWatch;

typedef struct {
  char *uri;
  guint32 expires;
  gboolean unwatch;
} PlWatchSpec;

static void on_subscriber_notify (PlSubscriber *sub,
                                  PlServerTxn  *txn,
                                  msg_t        *msg,
                                  sip_t        *sip,
                                  gpointer      user_data);

/* ---- store ---- */

static void
watch_free (gpointer data)
{
  PlWatch *w = data;

  pl_node_cancel_timer (PL_NODE (w->self), &w->refresh);
  pl_subscriber_free (w->sub);
  g_free (w->presentity);
  g_free (w->uri);
  g_free (w);
}

PlSenderPresence *
_pl_sender_presence_new (void)
{
  PlSenderPresence *presence = g_new0 (PlSenderPresence, 1);

  presence->watches = g_ptr_array_new_with_free_func (watch_free);
  presence->presentities = g_ptr_array_new_with_free_func (_pl_sender_presentity_free);
  return presence;
}

void
_pl_sender_presence_free (PlSenderPresence *presence)
{
  /* Fetches and watches hold timers of the node: they go first. */
  g_clear_pointer (&presence->http, pl_http_client_free);
  g_ptr_array_unref (presence->watches);
  g_ptr_array_unref (presence->presentities);
  g_free (presence);
}

static PlWatch *
find_watch (PlSender   *self,
            const char *presentity)
{
  GPtrArray *all = self->presence->watches;

  for (guint i = 0; i < all->len; i++)
    {
      PlWatch *w = g_ptr_array_index (all, i);

      if (!w->ended && g_str_equal (w->presentity, presentity))
        return w;
    }
  return NULL;
}

/* ---- the watch: SUBSCRIBE (A.4 step 1) ---- */

static void
record_watch (PlWatch    *w,
              const char *name,
              int         status,
              const char *reason)
{
  PlNode *node = PL_NODE (w->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, name);

  pl_trace_event_add_string (event, "presentity", w->presentity);
  pl_trace_event_add_int (event, "status", status);
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

static msg_t *
build_subscribe (PlSender   *self,
                 const char *uri,
                 guint32     expires)
{
  PlNode *node = PL_NODE (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *identity = self->identity ? g_strdup (self->identity)
                                             : g_strdup_printf ("sip:%s", pl_node_get_hostname (node));
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *from = g_strdup_printf ("<%s>;tag=%s", identity, tag);
  g_autofree char *to = g_strdup_printf ("<%s>", uri);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
  g_autofree char *value = g_strdup_printf ("%u", expires);

  /* RFC 3856 §6.1: the Request-URI is the presentity. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_subscribe, "SUBSCRIBE",
                                                          URL_STRING_MAKE (uri), NULL));
  /* A.4 step 1 goes "to the Presence Server" through the SIP/IP core. */
  _pl_sender_add_route (self, msg);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, sip_method_subscribe, "SUBSCRIBE"));
  /* RFC 3325: an asserted identity only from a trusted sender (§9). */
  _pl_sender_add_asserted_identity (self, msg);
  /* RFC 3856 §4, §6.7: the presence package, in PIDF. */
  pl_wire_add_header (msg, "Event", "presence");
  msg_header_add_make (msg, NULL, sip_accept_class, PL_PIDF_CONTENT_TYPE);
  /* A.4 step 1: "the length of time this periodic subscription should
   * last". */
  msg_header_add_make (msg, NULL, sip_expires_class, value);
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  return msg;
}

static void
on_refresh_due (gpointer data)
{
  PlWatch *w = data;

  w->refresh = NULL;
  if (w->ended || w->in_flight || pl_subscriber_is_terminated (w->sub))
    return;
  w->in_flight = TRUE;
  pl_subscriber_refresh (w->sub, w->asked);
}

/* RFC 3265 §3.1.4.2: refreshed before it expires; a margin like the
 * registrar's (RFC 3261 §10.2.4 practice): half of a short grant. */
static void
schedule_refresh (PlWatch *w)
{
  PlNode *node = PL_NODE (w->self);
  PlTime left = pl_subscriber_get_expires_at (w->sub) - pl_node_now (node);
  PlTime margin = MIN (PL_SEC (600), left / 2);

  pl_node_cancel_timer (node, &w->refresh);
  if (left > 0)
    w->refresh = pl_node_add_background_timer (node, left - margin, on_refresh_due, w, NULL);
}

static void
on_subscribed (PlSubscriber *sub,
               int           status,
               sip_t        *response,
               gpointer      user_data)
{
  PlWatch *w = user_data;
  PlNode *node = PL_NODE (w->self);

  w->in_flight = FALSE;
  if (status >= 200 && status < 300 && w->asked == 0)
    record_watch (w, "presence-unsubscribed", status, NULL);
  else if (status >= 200 && status < 300)
    {
      PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "presence-subscribed");
      PlTime left = pl_subscriber_get_expires_at (sub) - pl_node_now (node);

      pl_trace_event_add_string (event, "presentity", w->presentity);
      pl_trace_event_add_int (event, "status", status);
      /* RFC 3265 §3.1.1: the notifier may shorten what was asked. */
      pl_trace_event_add_int (event, "expires", MAX (left, 0) / G_USEC_PER_SEC);
      pl_node_commit_event (node, event);
      schedule_refresh (w);
    }
  else
    record_watch (w, "presence-subscribe-failed", status, response->sip_status->st_phrase);
  /* RFC 3265 §3.1.4.2: refused (or a refresh answered 481) ends it; an
   * accepted unsubscribe waits for the notifier's last NOTIFY. */
  if (status >= 300 && pl_subscriber_is_terminated (sub))
    {
      w->ended = TRUE;
      pl_node_cancel_timer (node, &w->refresh);
    }
}

static void
watch (PlSender   *self,
       const char *uri,
       guint32     expires)
{
  g_autofree char *presentity = _pl_sender_canonical_id_text (uri);
  PlWatch *w = find_watch (self, presentity);

  if (w && !pl_subscriber_is_terminated (w->sub))
    {
      /* One watch per presentity: a new <watch> refreshes it. */
      w->asked = expires;
      if (!w->in_flight)
        {
          w->in_flight = TRUE;
          pl_subscriber_refresh (w->sub, expires);
        }
      return;
    }
  w = g_new0 (PlWatch, 1);
  w->self = self;
  w->presentity = g_steal_pointer (&presentity);
  w->uri = g_strdup (uri);
  w->asked = expires;
  w->in_flight = TRUE;
  g_ptr_array_add (self->presence->watches, w);
  w->sub = pl_subscriber_new (PL_NODE (self), build_subscribe (self, uri, expires), on_subscribed,
                              on_subscriber_notify, w);
}

static void
unwatch (PlSender   *self,
         const char *uri)
{
  g_autofree char *presentity = _pl_sender_canonical_id_text (uri);
  PlWatch *w = find_watch (self, presentity);

  if (w == NULL || w->in_flight || pl_subscriber_is_terminated (w->sub))
    {
      pl_node_app_event (PL_NODE (self), "error", "unwatch %s: no presence watch to end%s",
                         presentity, w && w->in_flight ? " (a SUBSCRIBE is in flight)" : "");
      return;
    }
  /* RFC 3265 §3.3.4: Expires: 0; the notifier's last NOTIFY ends it. */
  pl_node_cancel_timer (PL_NODE (self), &w->refresh);
  w->asked = 0;
  w->in_flight = TRUE;
  pl_subscriber_refresh (w->sub, 0);
}

/* ---- NOTIFY (A.4 steps 3–4 and 7–8) ---- */

static void
on_notify (PlWatch     *w,
           PlServerTxn *txn,
           msg_t       *msg,
           sip_t       *sip)
{
  PlSender *self = w->self;
  PlNode *node = PL_NODE (self);
  sip_subscription_state_t *ss = sip->sip_subscription_state;
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  gsize len = sip->sip_payload ? sip->sip_payload->pl_len : 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = NULL;
  g_auto (GStrv) urls = NULL;
  g_autofree char *joined = NULL;
  PlTraceEvent *event;

  w->delivered = TRUE;
  if (len > 0 && (type == NULL || g_ascii_strcasecmp (type, PL_PIDF_CONTENT_TYPE) != 0))
    {
      /* RFC 3261 §21.4.13: a body we did not Accept. */
      g_autoptr (msg_t) response = pl_server_txn_make_response (txn, 415, NULL);

      msg_header_add_make (response, NULL, sip_accept_class, PL_PIDF_CONTENT_TYPE);
      pl_server_txn_respond (txn, g_steal_pointer (&response));
      record_watch (w, "notify-rejected", 415, type ? type : "(no Content-Type)");
      return;
    }
  /* Steps 4 and 8: the watcher answers 200. */
  pl_server_txn_reply (txn, 200, NULL);

  if (len > 0)
    {
      g_autofree char *origin = g_strdup_printf ("NOTIFY for %s", w->presentity);

      pidf = pl_pidf_parse (sip->sip_payload->pl_data, len, origin, &error);
      if (pidf)
        urls = pl_pidf_dup_device_profiles (pidf);
    }
  joined = urls ? g_strjoinv (" ", urls) : NULL;
  event = pl_node_begin_event (node, PL_EVENT_APP, "presence-notify");
  pl_trace_event_add_string (event, "presentity", w->presentity);
  pl_trace_event_add_string (event, "state", ss->ss_substate);
  if (ss->ss_reason)
    pl_trace_event_add_string (event, "reason", ss->ss_reason);
  pl_trace_event_add_int (event, "bytes", len);
  if (joined)
    pl_trace_event_add_string (event, "profiles", joined);
  pl_node_commit_event (node, event);

  if (error)
    pl_node_app_event (node, "error", "presence of %s unread: %s", w->presentity, error->message);
  else if (pidf)
    _pl_sender_capabilities_update (self, w->presentity, urls);
}

gboolean
_pl_sender_presence_notify (PlSender    *self,
                            PlServerTxn *txn,
                            msg_t       *msg,
                            sip_t       *sip)
{
  GPtrArray *all = self->presence->watches;
  PlWatch *w = NULL;

  if (sip->sip_event == NULL || g_ascii_strcasecmp (sip->sip_event->o_type, "presence") != 0)
    return FALSE;
  for (guint i = 0; i < all->len && w == NULL; i++)
    {
      PlWatch *candidate = g_ptr_array_index (all, i);

      if (!candidate->ended && pl_subscriber_matches (candidate->sub, sip))
        w = candidate;
    }
  if (w == NULL)
    return FALSE;

  w->delivered = FALSE;
  pl_subscriber_receive (w->sub, txn, msg, sip);
  if (!w->delivered)
    {
      /* Answered inside pl_subscriber_receive (RFC 3265 §7.2). */
      int status = pl_server_txn_get_status (txn);

      record_watch (w, "notify-rejected", status,
                    status == 400 ? "no Subscription-State" : "CSeq out of order");
      return TRUE;
    }
  if (pl_subscriber_is_terminated (w->sub))
    {
      /* RFC 3265 §3.2.4: over; what it told of capabilities stays. */
      w->ended = TRUE;
      pl_node_cancel_timer (PL_NODE (self), &w->refresh);
    }
  return TRUE;
}

static void
on_subscriber_notify (PlSubscriber *sub,
                      PlServerTxn  *txn,
                      msg_t        *msg,
                      sip_t        *sip,
                      gpointer      user_data)
{
  on_notify (user_data, txn, msg, sip);
}

/* ---- timeline actions ---- */

static void
watch_spec_free (gpointer data)
{
  PlWatchSpec *spec = data;

  g_free (spec->uri);
  g_free (spec);
}

static void
run_watch (PlNode  *node,
           gpointer data)
{
  PlWatchSpec *spec = data;

  if (spec->unwatch)
    unwatch (PL_SENDER (node), spec->uri);
  else
    watch (PL_SENDER (node), spec->uri, spec->expires);
}

PlAction *
_pl_sender_parse_presence_watch (PlSender      *self,
                                 PlXmlContext  *ctx,
                                 xmlNode       *element,
                                 GError       **error)
{
  static const char *const watch_attrs[] = { "node", "event", "user", "expires", NULL };
  static const char *const unwatch_attrs[] = { "node", "event", "user", NULL };
  const char *verb = (const char *) element->name;
  gboolean unwatching = g_str_equal (verb, "unwatch");
  const char *user;
  guint64 expires = 0;
  PlWatchSpec *spec;

  if (!pl_xml_check_attrs (ctx, element, unwatching ? unwatch_attrs : watch_attrs, error)
      || !pl_xml_require_attr (ctx, element, "user", &user, error))
    return NULL;
  if (!_pl_sender_is_sip_uri (user) || strchr (user, '@') == NULL)
    return pl_xml_error (ctx, error, element, "user",
                         "attribute 'user' of <%s>: expected the presentity, a SIP URI such as "
                         "sip:john.doe@home1.net, got '%s'", verb, user), NULL;
  /* Expires: 0 would be a fetch (RFC 3265 §3.3.6); <unwatch> ends. */
  if (!unwatching
      && !pl_xml_attr_uint (ctx, element, "expires", DEFAULT_EXPIRES, 1, G_MAXUINT32, &expires,
                            error))
    return NULL;
  spec = g_new0 (PlWatchSpec, 1);
  spec->uri = g_strdup (user);
  spec->expires = (guint32) expires;
  spec->unwatch = unwatching;
  return pl_action_new (PL_NODE (self), verb, run_watch, spec, watch_spec_free);
}

/* ---- public API ---- */

void
pl_sender_watch_presence (PlSender   *self,
                          const char *presentity,
                          guint32     expires)
{
  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (presentity != NULL && _pl_sender_is_sip_uri (presentity));
  g_return_if_fail (expires > 0);

  watch (self, presentity, expires);
}

void
pl_sender_unwatch_presence (PlSender   *self,
                            const char *presentity)
{
  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (presentity != NULL && _pl_sender_is_sip_uri (presentity));

  unwatch (self, presentity);
}

const char *
pl_sender_get_presence_state (PlSender   *self,
                              const char *presentity)
{
  g_autofree char *key = NULL;
  GPtrArray *all;

  g_return_val_if_fail (PL_IS_SENDER (self), NULL);
  g_return_val_if_fail (presentity != NULL, NULL);

  key = _pl_sender_canonical_id_text (presentity);
  all = self->presence->watches;
  /* The newest watch of the presentity, ended or not. */
  for (guint i = all->len; key && i-- > 0;)
    {
      PlWatch *w = g_ptr_array_index (all, i);

      if (g_str_equal (w->presentity, key))
        return pl_subscriber_get_state (w->sub);
    }
  return NULL;
}

void
_pl_sender_presence_describe (PlSender *self,
                              PlState  *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  pl_state_begin_section (state, "presence watches");
  for (guint i = 0; self->presence && i < self->presence->watches->len; i++)
    {
      PlWatch *w = g_ptr_array_index (self->presence->watches, i);
      PlStateRow *row = pl_state_add_row (state, NULL, w->presentity, w->uri);

      if (w->sub)
        _pl_state_add_subscriber (state, row, w->sub, now);
      if (w->ended)
        pl_state_add_row (state, row, "ended", "yes");
    }
}
