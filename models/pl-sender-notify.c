/* pl-sender-notify.c: the Push Sender as notifier of the "ua-profile"
 * event package (2006 draft §6.4.2; A.3 steps 3–12): SUBSCRIBE, the
 * initial NOTIFY, pushes by NOTIFY, and the "subscription" events. The
 * RFC 3265 dialog work is pl-subscription's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

#include "pl-sender-private.h"
#include "pl-wire.h"

/* §6.4.2.1: the package of [SIP_UA_Prof], in its "application" variant
 * (§6.4.1.1 step 2). */
#define PACKAGE      "ua-profile"
#define PROFILE_TYPE "application"

static void
record_subscription (PlSenderSubscription *s,
                     const char           *state,
                     const char           *reason)
{
  PlNode *node = PL_NODE (s->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "subscription");
  PlTime left = pl_notifier_get_expires_at (s->notifier) - pl_node_now (node);
  gboolean active = g_str_equal (state, "active");

  pl_trace_event_add_string (event, "subscriber", s->subscriber);
  pl_trace_event_add_string (event, "auid", s->auid);
  pl_trace_event_add_string (event, "state", state);
  pl_trace_event_add_int (event, "expires", active ? MAX (left, 0) / G_USEC_PER_SEC : 0);
  pl_trace_event_add_string (event, "accept", s->accept);
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

/* The subscription is over: its last event. */
static void
record_end (PlSenderSubscription *s,
            const char           *reason)
{
  s->ended = TRUE;
  pl_node_cancel_timer (PL_NODE (s->self), &s->watch);
  record_subscription (s, "terminated", reason);
}

void
_pl_sender_subscription_free (gpointer data)
{
  PlSenderSubscription *s = data;

  pl_node_cancel_timer (PL_NODE (s->self), &s->watch);
  g_clear_pointer (&s->notifier, pl_notifier_free);
  g_free (s->subscriber);
  g_free (s->auid);
  g_free (s->accept);
  g_free (s);
}

/* A.3 step 5: "Event: ua-profile;auid=\"…\"", with the SUBSCRIBE's id
 * when it had one (RFC 3265 §7.2.1). */
static char *
notify_event (PlSenderSubscription *s)
{
  sip_t *subscribe = pl_notifier_get_subscribe (s->notifier);
  GString *out = g_string_new (PACKAGE);

  if (subscribe->sip_event && subscribe->sip_event->o_id)
    g_string_append_printf (out, ";id=%s", subscribe->sip_event->o_id);
  g_string_append (out, ";auid=");
  pl_wire_append_quoted (out, s->auid);
  return g_string_free (out, FALSE);
}

static PlSenderSubscription *
find_by_notifier (PlSender   *self,
                  PlNotifier *notifier)
{
  for (guint i = 0; i < self->subscriptions->len; i++)
    {
      PlSenderSubscription *s = g_ptr_array_index (self->subscriptions, i);

      if (s->notifier == notifier)
        return s;
    }
  return NULL;
}

/* RFC 3265 §3.2.2: a 481 (or no answer) to a NOTIFY ends the
 * subscription; pl-subscription has ended it, the trace says so. */
static void
note_answer (PlSenderSubscription *s,
             int                   status)
{
  g_autofree char *reason = NULL;

  if (s->ended || pl_notifier_is_active (s->notifier))
    return;
  reason = g_strdup_printf ("notify-%d", status);
  record_end (s, reason);
}

static void
on_state_notified (PlNotifier *notifier,
                   int         status,
                   gboolean    local,
                   sip_t      *response,
                   gpointer    user_data)
{
  note_answer (user_data, status);
}

/* A NOTIFY without body: the state only (§6.4.2.2 step 1a). */
static void
notify_state (PlSenderSubscription *s,
              gboolean              terminate,
              const char           *reason)
{
  g_autofree char *event = notify_event (s);

  pl_notifier_notify (s->notifier, event, NULL, NULL, terminate, reason, on_state_notified, s);
}

static void arm_watch (PlSenderSubscription *s);

static void
on_watch (gpointer data)
{
  PlSenderSubscription *s = data;
  PlNode *node = PL_NODE (s->self);

  s->watch = NULL;
  if (s->ended)
    return;
  if (pl_notifier_is_active (s->notifier))
    {
      if (pl_notifier_get_expires_at (s->notifier) > pl_node_now (node))
        {
          arm_watch (s);
          return;
        }
      /* The notifier's own timer runs first (armed first, same time);
       * should it not have, the subscription still ends here. */
      notify_state (s, TRUE, "timeout");
    }
  /* RFC 3265 §3.1.6.4: not refreshed in time; pl-subscription sent
   * "terminated;reason=timeout". */
  record_end (s, "timeout");
}

static void
arm_watch (PlSenderSubscription *s)
{
  PlNode *node = PL_NODE (s->self);
  PlTime left = pl_notifier_get_expires_at (s->notifier) - pl_node_now (node);

  pl_node_cancel_timer (node, &s->watch);
  s->watch = pl_node_add_background_timer (node, MAX (left, 0), on_watch, s, NULL);
}

/* ---- SUBSCRIBE (§6.4.2.1) ---- */

/* A parameter's value without its quotes ("\"x\"" -> "x"); NULL when
 * absent. */
static char *
param_value (msg_param_t const *params,
             const char         *name)
{
  const char *value = params ? msg_params_find (params, name) : NULL;
  gsize len;

  if (value == NULL)
    return NULL;
  len = strlen (value);
  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    {
      GString *out = g_string_sized_new (len);

      for (gsize i = 1; i < len - 1; i++)
        {
          if (value[i] == '\\' && i + 1 < len - 1)
            i++;
          g_string_append_c (out, value[i]);
        }
      return g_string_free (out, FALSE);
    }
  return g_strdup (value);
}

/* RFC 3265 §7.2.2 (and §3.3.7): 489 says which packages we serve. */
static void
reply_bad_event (PlServerTxn *txn,
                 const char  *phrase)
{
  msg_t *response = pl_server_txn_make_response (txn, 489, phrase);

  pl_wire_add_header (response, "Allow-Events", PACKAGE);
  pl_server_txn_respond (txn, response);
}

/* The identity a P-Asserted-Identity value asserts (its SIP URI, else
 * its first other one), and whether one of its identities is on the
 * authorize list (or there is no list). NULL when it names none. */
static char *
asserted_identity (PlSender   *self,
                   const char *value,
                   gboolean   *allowed)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  /* RFC 3325 §9.1: name-addr or addr-spec, comma-separated: the
   * grammar of Contact without "*". */
  sip_contact_t *ids = sip_contact_make (home, value);
  char *sip_id = NULL;
  char *other_id = NULL;

  *allowed = self->authorized->len == 0;
  for (sip_contact_t *m = ids; m; m = m->m_next)
    {
      g_autofree char *id = _pl_sender_canonical_id (m->m_url);

      if (id == NULL)
        continue;
      if (g_ptr_array_find_with_equal_func (self->authorized, id, g_str_equal, NULL))
        *allowed = TRUE;
      if ((m->m_url->url_type == url_sip || m->m_url->url_type == url_sips) && sip_id == NULL)
        sip_id = g_steal_pointer (&id);
      else if (other_id == NULL)
        other_id = g_steal_pointer (&id);
    }
  su_home_deinit (home);
  if (sip_id)
    {
      g_free (other_id);
      return sip_id;
    }
  return other_id;
}

static char *
describe_accept (const sip_accept_t *accept)
{
  GString *out = g_string_new (NULL);

  for (const sip_accept_t *ac = accept; ac; ac = ac->ac_next)
    if (ac->ac_type && *ac->ac_type)
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", ac->ac_type);
  if (out->len == 0)
    g_string_append (out, "none");
  return g_string_free (out, FALSE);
}

/* §6.4.2.2 step 1: is @content_type among the Accept types of the
 * SUBSCRIBE (RFC 3261 §20.1: wildcards, q=0 is a refusal)? Without
 * Accept only the package's own formats would do, and ua-profile names
 * no push format: nothing is accepted. */
static gboolean
accepts (const sip_accept_t *accept,
         const char         *content_type)
{
  for (const sip_accept_t *ac = accept; ac; ac = ac->ac_next)
    {
      if (ac->ac_q && g_ascii_strtod (ac->ac_q, NULL) <= 0)
        continue;
      if (pl_wire_media_range_matches (ac->ac_type, content_type))
        return TRUE;
    }
  return FALSE;
}

static void
subscribe_initial (PlSender    *self,
                   PlServerTxn *txn,
                   msg_t       *msg,
                   sip_t       *sip,
                   const char  *auid)
{
  PlNode *node = PL_NODE (self);
  g_autofree char *pai = pl_wire_header_value (msg, "P-Asserted-Identity");
  g_autofree char *subscriber = NULL;
  g_autofree char *phrase = NULL;
  PlSenderSubscription *s, *old;
  gboolean allowed = FALSE;

  /* Step 2: in IMS the core asserts who subscribes (RFC 3325); nothing
   * asserted, nobody to authorize. */
  if (pai == NULL)
    {
      pl_server_txn_reply (txn, 403, "Forbidden (no P-Asserted-Identity)");
      return;
    }
  subscriber = asserted_identity (self, pai, &allowed);
  if (subscriber == NULL || !allowed)
    {
      phrase = subscriber ? g_strdup_printf ("Forbidden (%s may not subscribe)", subscriber)
                          : g_strdup ("Forbidden (P-Asserted-Identity names no identity)");
      pl_server_txn_reply (txn, 403, phrase);
      return;
    }

  /* Steps 3–4: the subscription, one per subscriber and application. */
  old = _pl_sender_find_active (self, subscriber, auid);
  s = g_new0 (PlSenderSubscription, 1);
  s->self = self;
  s->subscriber = g_steal_pointer (&subscriber);
  s->auid = g_strdup (auid);
  s->accept = describe_accept (sip->sip_accept);
  s->notifier = pl_notifier_accept (node, txn, sip, self->max_expires);
  g_ptr_array_add (self->subscriptions, s);

  if (!pl_notifier_is_active (s->notifier))
    {
      /* Expires: 0 is a fetch (RFC 3265 §3.3.6): the state, and done. */
      notify_state (s, TRUE, "timeout");
      record_end (s, "fetch");
      return;
    }
  record_subscription (s, "active", NULL);
  arm_watch (s);
  /* Step 5 (A.3 step 5): the initial NOTIFY, no body. */
  notify_state (s, FALSE, NULL);

  if (old)
    {
      /* The subscriber started over (a new dialog for the same
       * application): the old dialog ends, without a reason, so that
       * nothing asks it to subscribe again (RFC 3265 §3.2.4). */
      notify_state (old, TRUE, NULL);
      record_end (old, "replaced");
    }
}

/* RFC 3265 §3.1.4.2 and §3.2.2: a refresh, or Expires: 0 to end it. */
static void
subscribe_refresh (PlSenderSubscription *s,
                   PlServerTxn          *txn,
                   sip_t                *sip)
{
  gboolean was_active = pl_notifier_is_active (s->notifier);

  pl_notifier_refresh (s->notifier, txn, sip);
  if (!was_active || pl_server_txn_get_status (txn) >= 300)
    return;
  if (!pl_notifier_is_active (s->notifier))
    {
      record_end (s, "unsubscribed");
      return;
    }
  record_subscription (s, "active", NULL);
  arm_watch (s);
  /* §3.2.2: every accepted refresh is followed by a NOTIFY. */
  notify_state (s, FALSE, NULL);
}

void
_pl_sender_subscribe (PlSender    *self,
                      PlServerTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip)
{
  sip_event_t *event = sip->sip_event;
  g_autofree char *profile_type = NULL;
  g_autofree char *auid = NULL;
  g_autofree char *phrase = NULL;

  /* Step 1: only ua-profile. */
  if (event == NULL || event->o_type == NULL || g_ascii_strcasecmp (event->o_type, PACKAGE) != 0)
    {
      reply_bad_event (txn, NULL);
      return;
    }
  /* The other profile types (device, user, local-network) are variants
   * of the package this agent does not serve: for them the package is
   * unsupported too. */
  profile_type = param_value (event->o_params, "profile-type");
  if (profile_type == NULL || g_ascii_strcasecmp (profile_type, PROFILE_TYPE) != 0)
    {
      phrase = g_strdup_printf ("Bad Event (profile-type %s, not " PROFILE_TYPE ")",
                                profile_type ? profile_type : "missing");
      reply_bad_event (txn, phrase);
      return;
    }

  if (sip->sip_to && sip->sip_to->a_tag)
    {
      for (guint i = 0; i < self->subscriptions->len; i++)
        {
          PlSenderSubscription *s = g_ptr_array_index (self->subscriptions, i);

          if (pl_notifier_matches (s->notifier, sip))
            {
              subscribe_refresh (s, txn, sip);
              return;
            }
        }
      /* RFC 3261 §12.2.2: a dialog we do not have. */
      pl_server_txn_reply (txn, 481, NULL);
      return;
    }

  /* §6.4.1.1 step 3: the subscriber names the application. */
  auid = param_value (event->o_params, "auid");
  if (auid == NULL || *auid == '\0')
    {
      pl_server_txn_reply (txn, 400, "Bad Request (no auid in Event)");
      return;
    }
  subscribe_initial (self, txn, msg, sip, auid);
}

PlSenderSubscription *
_pl_sender_find_active (PlSender   *self,
                        const char *subscriber,
                        const char *auid)
{
  g_autofree char *id = _pl_sender_canonical_id_text (subscriber);

  if (id == NULL)
    return NULL;
  for (guint i = self->subscriptions->len; i > 0; i--)
    {
      PlSenderSubscription *s = g_ptr_array_index (self->subscriptions, i - 1);

      if (!s->ended && pl_notifier_is_active (s->notifier) && g_str_equal (s->subscriber, id)
          && g_str_equal (s->auid, auid))
        return s;
    }
  return NULL;
}

gboolean
_pl_sender_subscription_accepts (PlSenderSubscription *s,
                                 const char           *content_type)
{
  return accepts (pl_notifier_get_subscribe (s->notifier)->sip_accept, content_type);
}

/* ---- pushes by NOTIFY (§6.4.2.2; A.3 steps 9–12) ---- */

static void
on_push_notified (PlNotifier *notifier,
                  int         status,
                  gboolean    local,
                  sip_t      *response,
                  gpointer    user_data)
{
  PlSenderPush *p = user_data;
  PlSenderSubscription *s = find_by_notifier (p->self, notifier);

  if (s)
    note_answer (s, status);
  /* Appendix C for NOTIFY: 481 is row 7; a 200 confirms delivery (§6.4). */
  _pl_sender_push_answered (p, "NOTIFY", status, local, response);
}

gboolean
_pl_sender_notify_attempt (PlSenderPush      *p,
                           PlDeliveryStatus  *status,
                           char             **reason)
{
  PlSenderSubscription *s = _pl_sender_find_active (p->self, p->to, p->auid);
  gsize size = p->body ? g_bytes_get_size (p->body) : 0;
  g_autofree char *event = NULL;

  /* Without a subscription there is no dialog to notify in: Appendix C
   * row 7, "matching provisioning context not found". */
  if (s == NULL)
    {
      *status = PL_DELIVERY_NO_SUBSCRIPTION;
      *reason = g_strdup_printf ("no ua-profile subscription for %s", p->auid);
      return FALSE;
    }
  /* Step 1b: content the subscriber cannot take is not sent; row 6 is
   * what its 415 would have said. */
  if (size > 0 && !accepts (pl_notifier_get_subscribe (s->notifier)->sip_accept, p->content_type))
    {
      *status = PL_DELIVERY_UNSUPPORTED_CONTENT;
      *reason = g_strdup_printf ("content type %s is not in the subscriber's Accept (%s), "
                                 "§6.4.2.2 step 1", p->content_type, s->accept);
      return FALSE;
    }
  event = notify_event (s);
  p->attempts++;
  pl_notifier_notify (s->notifier, event, size > 0 ? p->content_type : NULL,
                      size > 0 ? p->body : NULL, FALSE, NULL, on_push_notified, p);
  return TRUE;
}

/* ---- configuration and public API ---- */

guint
pl_sender_notify (PlSender   *self,
                  const char *to,
                  const char *app,
                  const char *auid,
                  const char *content_type,
                  GBytes     *body,
                  gboolean    confirm)
{
  PlSenderPush *p;

  g_return_val_if_fail (PL_IS_SENDER (self), 0);
  g_return_val_if_fail (to != NULL && _pl_sender_is_sip_uri (to), 0);
  g_return_val_if_fail (app != NULL && *app != '\0', 0);

  p = _pl_sender_push_new (self, PL_SENDER_BY_NOTIFY, to, app, content_type, body, confirm);
  p->auid = g_strdup (auid ? auid : app);
  return _pl_sender_push_start (p);
}

gboolean
_pl_sender_parse_authorize (PlSender      *self,
                            PlXmlContext  *ctx,
                            xmlNode       *element,
                            GError       **error)
{
  static const char *const attrs[] = { "subscriber", NULL };
  const char *subscriber;
  char *id;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_require_attr (ctx, element, "subscriber", &subscriber, error))
    return FALSE;
  id = _pl_sender_is_sip_uri (subscriber) || g_str_has_prefix (subscriber, "tel:")
         ? _pl_sender_canonical_id_text (subscriber)
         : NULL;
  if (id == NULL)
    return pl_xml_error (ctx, error, element, "subscriber",
                         "attribute 'subscriber' of <authorize>: expected a public identity such "
                         "as sip:john.doe@home1.net, got '%s'", subscriber);
  g_ptr_array_add (self->authorized, id);
  return TRUE;
}

void
pl_sender_set_max_expires (PlSender *self,
                           guint32   max_expires)
{
  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (max_expires > 0);

  self->max_expires = max_expires;
}

void
pl_sender_authorize (PlSender   *self,
                     const char *subscriber)
{
  char *id;

  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (subscriber != NULL);

  id = _pl_sender_canonical_id_text (subscriber);
  g_return_if_fail (id != NULL);
  g_ptr_array_add (self->authorized, id);
}

gboolean
pl_sender_is_subscribed (PlSender   *self,
                         const char *subscriber,
                         const char *auid)
{
  g_return_val_if_fail (PL_IS_SENDER (self), FALSE);
  g_return_val_if_fail (subscriber != NULL, FALSE);
  g_return_val_if_fail (auid != NULL, FALSE);

  return _pl_sender_find_active (self, subscriber, auid) != NULL;
}
