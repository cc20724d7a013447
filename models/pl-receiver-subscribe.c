/* pl-receiver-subscribe.c: the Push Receiver agent as the watcher of
 * "ua-profile" events (2006 draft §6.4, §6.4.1; flow A.3), one
 * subscription per push application, on pl-subscription.
 *
 * SUBSCRIBE as in A.3 step 1; a NOTIFY of the subscription goes to the
 * application like a pushed MESSAGE (§6.4.1.2); one outside every
 * subscription is 481 (RFC 3265 §3.2.4).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-receiver-private.h"
#include "pl-state-models.h"
#include "pl-subscription.h"
#include "pl-wire.h"
#include "pl-xml.h"

/* §6.4 leaves the duration to each application; A.3 asks for this. */
#define DEFAULT_EXPIRES 600000

struct _PlRxSubscription {
  PlReceiver *self;
  PlRxApp *app;              /* the node's, lives as long as it */
  PlSubscriber *sub;
  char *uri;                 /* Request-URI of the first SUBSCRIBE, or NULL */
  guint32 asked;             /* Expires of the SUBSCRIBE in flight */
  gboolean in_flight;        /* a SUBSCRIBE of ours awaits its final answer */
  GArray *queued;            /* guint32 Expires asked for meanwhile, in order */
  gboolean ended;            /* nothing more will come of it */
  gboolean delivered;        /* the NOTIFY being read reached on_notify */
  gboolean auto_refresh;     /* refresh before it expires (<subscribe refresh>) */
  guint32 wanted;            /* Expires to ask for in each refresh */
  PlTimer *refresh_timer;
  char *accept_contact;      /* Accept-Contact of the first SUBSCRIBE, or NULL */
  gboolean notified;         /* a NOTIFY of it was taken */
  int answer;                /* the last 2xx to a SUBSCRIBE of it, 0 before */
  GArray *watchers;          /* Watcher: who asked for it (a REFER) */
};

/* Someone waiting for the outcome of a SUBSCRIBE (a REFER, sample flow
 * step 10). */
typedef struct {
  PlRxSubscribeDone func;
  gpointer data;
} Watcher;

typedef struct {
  char *app;
  char *uri;                 /* NULL: the public identity */
  guint32 expires;
  gboolean refresh;
  gboolean unsubscribe;
} PlSubscribeSpec;

static void on_notify (PlSubscriber *sub,
                       PlServerTxn  *txn,
                       msg_t        *msg,
                       sip_t        *sip,
                       gpointer      user_data);

void
_pl_receiver_subscription_free (gpointer data)
{
  PlRxSubscription *s = data;

  pl_node_cancel_timer (PL_NODE (s->self), &s->refresh_timer);
  pl_subscriber_free (s->sub);
  g_array_unref (s->queued);
  g_array_unref (s->watchers);
  g_free (s->uri);
  g_free (s->accept_contact);
  g_free (s);
}

static PlRxSubscription *
find_subscription (PlReceiver    *self,
                   const PlRxApp *app)
{
  for (guint i = 0; i < self->subscriptions->len; i++)
    {
      PlRxSubscription *s = g_ptr_array_index (self->subscriptions, i);

      if (s->app == app)
        return s;
    }
  return NULL;
}

/* Can it still be refreshed or ended? Not once a NOTIFY or an answer
 * ended it, nor after the notifier accepted an unsubscribe (its last
 * NOTIFY may still come). */
static gboolean
is_live (PlRxSubscription *s)
{
  return !s->ended && !pl_subscriber_is_terminated (s->sub);
}

/* Tells every watcher how its SUBSCRIBE ended, once. */
static void
tell_watchers (PlRxSubscription *s,
               int               status,
               const char       *phrase)
{
  g_autoptr (GArray) watchers = s->watchers;

  s->watchers = g_array_new (FALSE, FALSE, sizeof (Watcher));
  for (guint i = 0; i < watchers->len; i++)
    {
      Watcher *w = &g_array_index (watchers, Watcher, i);

      w->func (s->self, status, phrase, w->data);
    }
}

static void
record (PlRxSubscription *s,
        const char       *name,
        int               status,
        const char       *reason)
{
  PlNode *node = PL_NODE (s->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, name);

  pl_trace_event_add_string (event, "app", s->app->id);
  pl_trace_event_add_int (event, "status", status);
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

/* ---- SUBSCRIBE (§6.4.1.1, A.3 step 1) ---- */

static msg_t *
build_subscribe (PlReceiver    *self,
                 const PlRxApp *app,
                 const char    *uri,
                 guint32        expires,
                 const char    *accept_contact)
{
  PlNode *node = PL_NODE (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *to = g_strdup_printf ("<%s>", self->public_id);
  g_autofree char *from = g_strdup_printf ("%s;tag=%s", to, tag);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *preferred = _pl_receiver_name_addr (self->display, self->public_id);
  g_autofree char *contact_uri = _pl_receiver_contact_uri (self);
  g_autofree char *contact = g_strdup_printf ("<%s>", contact_uri);
  g_autofree char *accept = g_strjoinv (", ", app->accept);
  g_autofree char *value = g_strdup_printf ("%u", expires);
  GString *event = g_string_new ("ua-profile;profile-type=\"application\";auid=");

  /* Step 1: the user's own public URI unless configured otherwise. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_subscribe, "SUBSCRIBE",
                                                          URL_STRING_MAKE (uri ? uri
                                                                           : self->public_id),
                                                          NULL));
  /* Step 5, TS 24.229 §5.1.2A.1: the outbound proxy, then the route the
   * registrar gave (RFC 3608 §6.1), as A.3 step 1 preloads it. */
  if (self->outbound)
    {
      g_autofree char *route = g_strdup_printf ("<%s;lr>", self->outbound);
      msg_header_add_make (msg, NULL, sip_route_class, route);
    }
  for (guint i = 0; self->service_route && self->service_route[i]; i++)
    msg_header_add_make (msg, NULL, sip_route_class, self->service_route[i]);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  /* Steps 2 and 3: one application per SUBSCRIBE (the note of §6.4.1.1). */
  pl_wire_append_quoted (event, app->auid);
  pl_wire_add_header (msg, "Event", event->str);
  g_string_free (event, TRUE);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, sip_method_subscribe,
                                                       "SUBSCRIBE"));
  /* RFC 3325 §9.2: the identity the user prefers; A.3 writes it with
   * the display name, and no privacy. */
  pl_wire_add_header (msg, "P-Preferred-Identity", preferred);
  pl_wire_add_header (msg, "Privacy", "none");
  msg_header_add_make (msg, NULL, sip_expires_class, value);
  /* Step 4: what the application takes, in one Accept. */
  msg_header_add_make (msg, NULL, sip_accept_class, accept);
  /* A referred SUBSCRIBE carries the Refer-To's Accept-Contact ("Use of
   * the REFER Method", receiver step 3). */
  if (accept_contact)
    msg_header_add_make (msg, NULL, sip_accept_contact_class, accept_contact);
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  return msg;
}

static void run_queued (PlReceiver *self,
                        PlRxApp    *app,
                        const char *uri,
                        GArray     *queued);
static void refresh    (PlRxSubscription *s,
                        guint32           expires);

static void
on_refresh_due (gpointer data)
{
  PlRxSubscription *s = data;

  s->refresh_timer = NULL;
  if (!is_live (s))
    return;
  pl_node_app_event (PL_NODE (s->self), "subscription-refresh",
                     "refreshing the %s subscription before it expires", s->app->id);
  refresh (s, s->wanted);
}

/* RFC 3265 §3.1.4.2: the subscriber refreshes before the granted time
 * runs out. TS 24.229 §5.1.2 times it as for its reg event
 * subscription: 600 s before expiry when it lasts more than 1200 s,
 * else when half of it has passed. */
static void
schedule_refresh (PlRxSubscription *s,
                  PlTime            left)
{
  PlNode *node = PL_NODE (s->self);
  PlTime delay = left > PL_SEC (1200) ? left - PL_SEC (600) : left / 2;

  pl_node_cancel_timer (node, &s->refresh_timer);
  if (s->auto_refresh && s->wanted > 0 && left > 0)
    s->refresh_timer = pl_node_add_background_timer (node, delay, on_refresh_due, s, NULL);
}

static void
on_subscribed (PlSubscriber *sub,
               int           status,
               sip_t        *response,
               gpointer      user_data)
{
  PlRxSubscription *s = user_data;
  PlReceiver *self = s->self;
  PlNode *node = PL_NODE (self);
  PlRxApp *app = s->app;
  const char *phrase = response->sip_status->st_phrase;
  g_autofree char *uri = g_strdup (s->uri);
  g_autoptr (GArray) queued = s->queued;

  s->in_flight = FALSE;
  if (status >= 200 && status < 300 && s->asked == 0)
    record (s, "unsubscribed", status, NULL);
  else if (status >= 200 && status < 300)
    {
      PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "subscribed");
      PlTime left = pl_subscriber_get_expires_at (sub) - pl_node_now (node);

      pl_trace_event_add_string (event, "app", s->app->id);
      pl_trace_event_add_string (event, "auid", s->app->auid);
      pl_trace_event_add_int (event, "status", status);
      /* RFC 3265 §3.1.1: the notifier may shorten what was asked. */
      pl_trace_event_add_int (event, "expires", MAX (left, 0) / G_USEC_PER_SEC);
      pl_node_commit_event (node, event);
      schedule_refresh (s, left);
    }
  else
    record (s, s->asked == 0 ? "unsubscribe-failed" : "subscribe-failed", status, phrase);

  /* A referrer learns of a failure at once, of a success with the first
   * NOTIFY (sample flow step 10), which a refresh has had already. */
  if (status >= 200 && status < 300)
    s->answer = status;
  if (status >= 300 || (status >= 200 && s->notified))
    tell_watchers (s, status, phrase);

  /* RFC 3265 §3.1.4.2: refused, or a refresh the notifier no longer
   * knows (481), ends it; any other failed refresh leaves it as it was
   * until it expires. A terminating NOTIFY that overtook this answer
   * ended it already. */
  if (status >= 300 && pl_subscriber_is_terminated (sub))
    s->ended = TRUE;
  if (s->ended || (status < 300 && s->asked == 0))
    pl_node_cancel_timer (node, &s->refresh_timer);
  s->queued = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (s->ended)
    g_ptr_array_remove (self->subscriptions, s);
  run_queued (self, app, uri, queued);
}

static void
refresh (PlRxSubscription *s,
         guint32           expires)
{
  if (s->in_flight)
    {
      /* RFC 3265 §3.1.4 reads one SUBSCRIBE at a time per dialog (and
       * the first answer makes the dialog): later, in order. */
      g_array_append_val (s->queued, expires);
      return;
    }
  s->asked = expires;
  s->in_flight = TRUE;
  pl_subscriber_refresh (s->sub, expires);
}

/* What was asked for while a SUBSCRIBE was in flight, in order, as if
 * asked now: a refresh or an unsubscribe of what is left, or a new
 * subscription once the old one ended. */
static void
run_queued (PlReceiver *self,
            PlRxApp    *app,
            const char *uri,
            GArray     *queued)
{
  for (guint i = 0; i < queued->len; i++)
    {
      guint32 expires = g_array_index (queued, guint32, i);
      PlRxSubscription *s;

      if (expires == 0)
        _pl_receiver_unsubscribe (self, app);
      else
        _pl_receiver_subscribe (self, app, uri, expires);
      s = find_subscription (self, app);
      if (s && s->in_flight)
        {
          /* The rest waits for this one's answer. */
          if (i + 1 < queued->len)
            g_array_append_vals (s->queued, &g_array_index (queued, guint32, i + 1),
                                 queued->len - i - 1);
          return;
        }
    }
}

void
_pl_receiver_subscribe (PlReceiver *self,
                        PlRxApp    *app,
                        const char *uri,
                        guint32     expires)
{
  _pl_receiver_subscribe_full (self, app, uri, expires, NULL, NULL, NULL);
}

void
_pl_receiver_subscribe_full (PlReceiver        *self,
                             PlRxApp           *app,
                             const char        *uri,
                             guint32            expires,
                             const char        *accept_contact,
                             PlRxSubscribeDone  done,
                             gpointer           data)
{
  PlRxSubscription *s = find_subscription (self, app);
  Watcher w = { done, data };

  g_assert (expires > 0);
  if (s && is_live (s))
    {
      /* One subscription per application: a new <subscribe> refreshes
       * it in its dialog (RFC 3265 §3.1.4.2). */
      if (done)
        g_array_append_val (s->watchers, w);
      refresh (s, expires);
      return;
    }
  if (s)
    g_ptr_array_remove (self->subscriptions, s);

  s = g_new0 (PlRxSubscription, 1);
  s->self = self;
  s->app = app;
  s->uri = g_strdup (uri);
  s->queued = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->watchers = g_array_new (FALSE, FALSE, sizeof (Watcher));
  if (done)
    g_array_append_val (s->watchers, w);
  s->accept_contact = g_strdup (accept_contact);
  s->asked = expires;
  s->in_flight = TRUE;
  g_ptr_array_add (self->subscriptions, s);
  s->sub = pl_subscriber_new (PL_NODE (self),
                              build_subscribe (self, app, uri, expires, accept_contact),
                              on_subscribed, on_notify, s);
}

void
_pl_receiver_unsubscribe (PlReceiver *self,
                          PlRxApp    *app)
{
  PlRxSubscription *s = find_subscription (self, app);

  if (s == NULL || !is_live (s))
    {
      PlTraceEvent *event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP,
                                                 "unsubscribe-failed");

      pl_trace_event_add_string (event, "app", app->id);
      pl_trace_event_add_int (event, "status", 0);
      pl_trace_event_add_string (event, "reason", "no subscription");
      pl_node_commit_event (PL_NODE (self), event);
      return;
    }
  /* RFC 3265 §3.3.4: Expires: 0 in the dialog; the notifier's last
   * NOTIFY ends it. */
  refresh (s, 0);
}

/* ---- NOTIFY (§6.4.1.2) ---- */

static void
on_notify (PlSubscriber *sub,
           PlServerTxn  *txn,
           msg_t        *msg,
           sip_t        *sip,
           gpointer      user_data)
{
  PlRxSubscription *s = user_data;
  PlReceiver *self = s->self;
  PlNode *node = PL_NODE (self);
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  gsize len = sip->sip_payload ? sip->sip_payload->pl_len : 0;
  g_autofree char *pai_text = NULL;
  g_autofree char *reason = NULL;
  const char *from = NULL;

  s->delivered = TRUE;
  if (len == 0 && type == NULL)
    {
      /* A.3 step 5: the initial NOTIFY may be empty; nothing to push. */
      PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "notify");

      pl_trace_event_add_string (event, "app", s->app->id);
      pl_trace_event_add_string (event, "state", pl_subscriber_get_state (sub));
      pl_trace_event_add_int (event, "bytes", 0);
      pl_node_commit_event (node, event);
      pl_server_txn_reply (txn, 200, NULL);
      return;
    }
  if (!_pl_receiver_accepts_type (s->app, type))
    {
      reason = g_strdup_printf ("content type %s is not accepted by %s", type ? type : "(none)",
                                s->app->id);
      _pl_receiver_reject (self, txn, _pl_receiver_unsupported_type (txn, s->app), s->app->id,
                           "NOTIFY", reason);
      return;
    }
  /* The notifier is the one this subscription chose: the MESSAGE checks
   * of §6.3.1 (asserted identity, whitelist) are not §6.4.1.2's. The
   * asserted identity is recorded when the core gave one. */
  pai_text = pl_wire_header_value (msg, "P-Asserted-Identity");
  if (pai_text)
    {
      sip_p_asserted_identity_t *pai = sip_p_asserted_identity_make (msg_home (msg), pai_text);

      if (pai)
        from = url_as_string (msg_home (msg), pai->paid_url);
    }
  _pl_receiver_deliver (self, txn, msg, sip, s->app, from, "NOTIFY");
}

void
_pl_receiver_notify (PlReceiver  *self,
                     PlServerTxn *txn,
                     msg_t       *msg,
                     sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  PlRxSubscription *s = NULL;
  sip_subscription_state_t *ss = sip->sip_subscription_state;

  for (guint i = 0; i < self->subscriptions->len && s == NULL; i++)
    {
      PlRxSubscription *candidate = g_ptr_array_index (self->subscriptions, i);

      /* One that ended waits only for the answer to our SUBSCRIBE. */
      if (!candidate->ended && pl_subscriber_matches (candidate->sub, sip))
        s = candidate;
    }
  if (s == NULL)
    {
      /* RFC 3265 §3.2.4: no subscription of ours. */
      PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "notify-rejected");

      pl_trace_event_add_int (event, "status", 481);
      pl_trace_event_add_string (event, "reason", "no matching subscription");
      pl_node_commit_event (node, event);
      pl_server_txn_reply (txn, 481, NULL);
      return;
    }

  s->delivered = FALSE;
  pl_subscriber_receive (s->sub, txn, msg, sip);
  if (!s->delivered)
    {
      /* Answered by pl_subscriber_receive itself (RFC 3265 §7.2, RFC
       * 3261 §12.2.2): the subscription is as it was. */
      int status = pl_server_txn_get_status (txn);

      record (s, "notify-rejected", status,
              status == 400 ? "no Subscription-State" : "CSeq out of order");
      return;
    }
  /* Receiver procedures of "Use of the REFER Method": the first NOTIFY
   * in the ua-profile dialog is the referrer's cue. It may overtake the
   * 200 to the SUBSCRIBE (RFC 3265 §3.1.4.4): a 200 then. */
  s->notified = TRUE;
  if (s->watchers->len > 0)
    tell_watchers (s, s->answer ? s->answer : 200, NULL);
  if (ss && g_ascii_strcasecmp (ss->ss_substate, "terminated") == 0)
    {
      PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "subscription-terminated");

      pl_trace_event_add_string (event, "app", s->app->id);
      pl_trace_event_add_string (event, "reason", ss->ss_reason ? ss->ss_reason : "");
      pl_node_commit_event (node, event);
      /* RFC 3265 §3.2.4: no refresh can revive it. An unsubscribe still
       * waiting for its answer keeps it until then. */
      s->ended = TRUE;
      pl_node_cancel_timer (node, &s->refresh_timer);
      if (!s->in_flight)
        g_ptr_array_remove (self->subscriptions, s);
    }
}

/* ---- timeline actions ---- */

static void
subscribe_spec_free (gpointer data)
{
  PlSubscribeSpec *spec = data;

  g_free (spec->app);
  g_free (spec->uri);
  g_free (spec);
}

static void
run_subscribe (PlNode  *node,
               gpointer data)
{
  PlSubscribeSpec *spec = data;
  PlReceiver *self = PL_RECEIVER (node);
  PlRxApp *app = _pl_receiver_find_app (self, spec->app);
  PlRxSubscription *s;

  if (spec->unsubscribe)
    {
      _pl_receiver_unsubscribe (self, app);
      return;
    }
  _pl_receiver_subscribe (self, app, spec->uri, spec->expires);
  s = find_subscription (self, app);
  if (s)
    {
      s->auto_refresh = spec->refresh;
      s->wanted = spec->expires;
    }
}

PlAction *
_pl_receiver_parse_subscription_action (PlReceiver    *self,
                                        PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        GError       **error)
{
  static const char *const subscribe_attrs[] = { "node", "app", "expires", "uri", "refresh",
                                                 NULL };
  static const char *const unsubscribe_attrs[] = { "node", "app", NULL };
  const char *verb = (const char *) element->name;
  gboolean unsubscribe = g_str_equal (verb, "unsubscribe");
  const char *app_id;
  guint64 expires = 0;
  gboolean auto_refresh = FALSE;
  PlSubscribeSpec *spec;

  if (!pl_xml_check_attrs (ctx, element, unsubscribe ? unsubscribe_attrs : subscribe_attrs,
                           error)
      || !pl_xml_require_attr (ctx, element, "app", &app_id, error))
    return NULL;
  if (_pl_receiver_find_app (self, app_id) == NULL)
    {
      g_autofree char *installed = _pl_receiver_installed_apps (self);

      pl_xml_error (ctx, error, element, "app",
                    "attribute 'app': '%s' is not installed on '%s' (installed: %s)", app_id,
                    pl_node_get_id (PL_NODE (self)), installed);
      return NULL;
    }
  /* Expires: 0 would be a fetch (RFC 3265 §3.3.6), which §6.4.1 does not
   * use; <unsubscribe> ends a subscription. */
  if (!unsubscribe
      && (!pl_xml_attr_uint (ctx, element, "expires", DEFAULT_EXPIRES, 1, G_MAXUINT32, &expires,
                             error)
          || !pl_xml_attr_bool (ctx, element, "refresh", FALSE, &auto_refresh, error)
          || !_pl_receiver_check_uri (ctx, element, "uri", FALSE, error)))
    return NULL;

  spec = g_new0 (PlSubscribeSpec, 1);
  spec->app = g_strdup (app_id);
  spec->uri = g_strdup (pl_xml_attr (element, "uri"));
  spec->expires = (guint32) expires;
  spec->refresh = auto_refresh;
  spec->unsubscribe = unsubscribe;
  return pl_action_new (PL_NODE (self), verb, run_subscribe, spec, subscribe_spec_free);
}

/* ---- public API ---- */

void
pl_receiver_subscribe (PlReceiver *self,
                       const char *app,
                       guint32     expires)
{
  PlRxApp *rx;

  g_return_if_fail (PL_IS_RECEIVER (self));
  g_return_if_fail (pl_node_get_sim (PL_NODE (self)) != NULL);
  g_return_if_fail (self->public_id != NULL);
  rx = _pl_receiver_find_app (self, app);
  g_return_if_fail (rx != NULL);

  if (expires == 0)
    _pl_receiver_unsubscribe (self, rx);
  else
    _pl_receiver_subscribe (self, rx, NULL, expires);
}

void
_pl_receiver_subscription_describe (PlReceiver *self,
                                    PlState    *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  pl_state_begin_section (state, "subscriptions");
  for (guint i = 0; i < self->subscriptions->len; i++)
    {
      PlRxSubscription *s = g_ptr_array_index (self->subscriptions, i);
      PlStateRow *row = pl_state_add_row (state, NULL, s->app->id,
                                          s->uri ? s->uri : self->public_id);

      pl_state_add_row (state, row, "event", "ua-profile");
      if (s->app->auid)
        pl_state_add_row (state, row, "auid", s->app->auid);
      if (s->sub)
        _pl_state_add_subscriber (state, row, s->sub, now);
      if (s->ended)
        pl_state_add_row (state, row, "ended", "yes");
      if (s->answer)
        pl_state_add_rowf (state, row, "last answer", "%d", s->answer);
      pl_state_add_row (state, row, "notified", s->notified ? "yes" : "no");
      if (s->auto_refresh)
        pl_state_add_rowf (state, row, "refresh", "every Expires %u", s->wanted);
      if (s->accept_contact)
        pl_state_add_row (state, row, "accept-contact", s->accept_contact);
    }
}
