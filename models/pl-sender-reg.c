/* pl-sender-reg.c: the Push Sender agent as watcher of the "reg" event
 * package (2006 draft §7.1: "Push Sender agent can also act as watcher
 * of the 'reg' event package"; 004_… Appendix X; RFC 3680), instead of
 * or beside the third-party REGISTER.
 *
 * One subscription per watched public identity, on pl-subscription; the
 * NOTIFY bodies are read and merged by pl-reginfo. Each document that
 * applies updates the sender's registrations (registered? which push
 * applications, read from the contacts' push feature tags) and records
 * "registration-state" with source "reg-event".
 *
 *   <watch node="psa" event="reg" user="sip:john.doe@home1.net" expires="600000"/>
 *   <unwatch node="psa" event="reg" user="sip:john.doe@home1.net"/>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-reginfo.h"
#include "pl-sender-private.h"
#include "pl-state-models.h"
#include "pl-wire.h"

/* RFC 3680 §4.1. */
#define PACKAGE "reg"
/* RFC 3680 §4.4: the package's default duration. */
#define DEFAULT_EXPIRES 3761

typedef struct {
  PlSender *self;
  char *user;                /* the identity watched, as written */
  char *public_id;           /* canonical */
  PlSubscriber *sub;
  PlReginfo *view;           /* the registrations as the notifier told them (§5.2) */
  guint32 asked;             /* Expires of the SUBSCRIBE in flight, or last asked */
  gboolean in_flight;        /* a SUBSCRIBE of ours awaits its final answer */
  gboolean resync;           /* a refresh for full state is wanted (§5.2) */
  gint64 queued;             /* Expires asked while in flight, -1: none */
  PlTimer *refresh;
  gboolean ended;            /* nothing more will come of it */
} RegWatch;

typedef struct {
  char *user;
  guint32 expires;           /* 0: unwatch */
} RegWatchSpec;

static RegWatch *start_watch (PlSender   *self,
                              const char *user,
                              guint32     expires);

void
_pl_sender_reg_watch_free (gpointer data)
{
  RegWatch *w = data;

  pl_node_cancel_timer (PL_NODE (w->self), &w->refresh);
  pl_subscriber_free (w->sub);
  g_clear_pointer (&w->view, pl_reginfo_free);
  g_free (w->user);
  g_free (w->public_id);
  g_free (w);
}

static void
reg_watch_spec_free (gpointer data)
{
  RegWatchSpec *spec = data;

  g_free (spec->user);
  g_free (spec);
}

static void
record (RegWatch   *w,
        const char *state,
        int         status,
        const char *reason)
{
  PlNode *node = PL_NODE (w->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "reg-watch");

  pl_trace_event_add_string (event, "user", w->public_id);
  pl_trace_event_add_string (event, "state", state);
  if (status)
    pl_trace_event_add_int (event, "status", status);
  if (g_str_equal (state, "active"))
    {
      PlTime left = pl_subscriber_get_expires_at (w->sub) - pl_node_now (node);

      pl_trace_event_add_int (event, "expires", MAX (left, 0) / G_USEC_PER_SEC);
    }
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

static RegWatch *
find_live (PlSender   *self,
           const char *public_id)
{
  for (guint i = 0; i < self->reg_watches->len; i++)
    {
      RegWatch *w = g_ptr_array_index (self->reg_watches, i);

      if (!w->ended && !pl_subscriber_is_terminated (w->sub)
          && g_str_equal (w->public_id, public_id))
        return w;
    }
  return NULL;
}

/* ---- SUBSCRIBE ---- */

static msg_t *
build_subscribe (PlSender   *self,
                 const char *user,
                 guint32     expires)
{
  PlNode *node = PL_NODE (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *identity = self->identity ? g_strdup (self->identity)
                                             : g_strdup_printf ("sip:%s", pl_node_get_hostname (node));
  g_autofree char *from = g_strdup_printf ("<%s>;tag=%s", identity, tag);
  g_autofree char *to = g_strdup_printf ("<%s>", user);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
  g_autofree char *value = g_strdup_printf ("%u", expires);

  /* RFC 3680 §4.1, §4.6: the Request-URI is the AOR watched. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_subscribe, "SUBSCRIBE",
                                                          URL_STRING_MAKE (user), NULL));
  /* As every request of the sender: through the core's entry point. */
  _pl_sender_add_route (self, msg);
  /* RFC 3325: the S-CSCF authorizes who asserts (TS 24.229 §5.4.2.1.1). */
  _pl_sender_add_asserted_identity (self, msg);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, sip_method_subscribe,
                                                       "SUBSCRIBE"));
  pl_wire_add_header (msg, "Event", PACKAGE);
  /* RFC 3680 §4.5. */
  msg_header_add_make (msg, NULL, sip_accept_class, PL_REGINFO_CONTENT_TYPE);
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  msg_header_add_make (msg, NULL, sip_expires_class, value);
  return msg;
}

static void subscribe_again (RegWatch *w,
                             guint32   expires);

static void
on_refresh (gpointer data)
{
  RegWatch *w = data;

  w->refresh = NULL;
  if (!w->ended && !pl_subscriber_is_terminated (w->sub))
    subscribe_again (w, w->asked);
}

/* RFC 3265 §3.1.4.2: refreshed before it expires; at nine tenths of
 * what was granted, as the notifier may shorten it. */
static void
arm_refresh (RegWatch *w)
{
  PlNode *node = PL_NODE (w->self);
  PlTime left = pl_subscriber_get_expires_at (w->sub) - pl_node_now (node);

  pl_node_cancel_timer (node, &w->refresh);
  if (left > 0)
    w->refresh = pl_node_add_background_timer (node, left - left / 10, on_refresh, w, NULL);
}

static void
on_subscribed (PlSubscriber *sub,
               int           status,
               sip_t        *response,
               gpointer      user_data)
{
  RegWatch *w = user_data;
  const char *phrase = response && response->sip_status ? response->sip_status->st_phrase : NULL;
  gint64 queued = w->queued;

  w->in_flight = FALSE;
  w->queued = -1;
  if (status >= 200 && status < 300 && w->asked == 0)
    {
      pl_node_cancel_timer (PL_NODE (w->self), &w->refresh);
      record (w, "unwatched", status, NULL);
    }
  else if (status >= 200 && status < 300)
    {
      record (w, "active", status, NULL);
      arm_refresh (w);
    }
  else
    {
      record (w, "refused", status, phrase);
      /* RFC 3265 §3.1.4.2: refused, or a refresh the notifier no longer
       * knows (481), ends it. */
      if (pl_subscriber_is_terminated (sub))
        {
          w->ended = TRUE;
          pl_node_cancel_timer (PL_NODE (w->self), &w->refresh);
        }
    }
  if (queued >= 0)
    {
      if (queued > 0 && (w->ended || pl_subscriber_is_terminated (sub)))
        start_watch (w->self, w->user, (guint32) queued);
      else if (!w->ended && !pl_subscriber_is_terminated (sub))
        subscribe_again (w, (guint32) queued);
    }
  else if (w->resync && !w->ended && !pl_subscriber_is_terminated (sub))
    subscribe_again (w, w->asked);
}

/* A SUBSCRIBE in the dialog: a refresh, or Expires: 0 to end it. One at
 * a time (RFC 3265 §3.1.4): asked meanwhile, it waits. */
static void
subscribe_again (RegWatch *w,
                 guint32   expires)
{
  if (w->in_flight)
    {
      w->queued = expires;
      return;
    }
  w->resync = FALSE;
  w->asked = expires;
  w->in_flight = TRUE;
  pl_subscriber_refresh (w->sub, expires);
}

static void on_notify (PlSubscriber *sub,
                       PlServerTxn  *txn,
                       msg_t        *msg,
                       sip_t        *sip,
                       gpointer      user_data);

static RegWatch *
start_watch (PlSender   *self,
             const char *user,
             guint32     expires)
{
  RegWatch *w = g_new0 (RegWatch, 1);

  w->self = self;
  w->user = g_strdup (user);
  w->public_id = _pl_sender_canonical_id_text (user);
  w->view = pl_reginfo_new_watch ();
  w->asked = expires;
  w->queued = -1;
  w->in_flight = TRUE;
  g_ptr_array_add (self->reg_watches, w);
  w->sub = pl_subscriber_new (PL_NODE (self), build_subscribe (self, user, expires),
                              on_subscribed, on_notify, w);
  return w;
}

/* ---- NOTIFY (RFC 3680 §4.8, §5.2) ---- */

/* The state of one AOR in the view after @update: registered with the
 * push applications of its active contacts, or not. */
static void
record_state (RegWatch                    *w,
              const PlReginfo             *update,
              const PlReginfoRegistration *changed)
{
  PlSender *self = w->self;
  PlNode *node = PL_NODE (self);
  const char *aor = pl_reginfo_registration_get_aor (changed);
  g_autofree char *public_id = _pl_sender_canonical_id_text (aor);
  const PlReginfoRegistration *now = pl_reginfo_find_registration (w->view,
                                                                   pl_reginfo_registration_get_id (changed));
  g_autoptr (GPtrArray) apps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) events = g_string_new (NULL);
  guint64 expires = 0;
  gboolean registered = FALSE;
  gboolean all_expired = TRUE;
  const char *state;
  PlTraceEvent *event;

  if (public_id == NULL)
    {
      pl_node_app_event (node, "error", "reg NOTIFY for %s: aor '%s' is not a SIP URI",
                         w->public_id, aor);
      return;
    }
  for (guint i = 0; now && i < pl_reginfo_registration_get_n_contacts (now); i++)
    {
      const PlReginfoContact *c = pl_reginfo_registration_get_contact (now, i);
      g_auto (GStrv) found = NULL;
      guint64 left = 0;

      if (pl_reginfo_contact_get_state (c) != PL_REGINFO_CONTACT_ACTIVE)
        continue;
      registered = TRUE;
      if (pl_reginfo_contact_get_expires (c, &left))
        expires = MAX (expires, left);
      /* §7.2 step 2: the push feature tags travel as unknown-params. */
      found = pl_reginfo_contact_dup_push_apps (c, pl_node_get_dialect (node));
      for (guint a = 0; found[a]; a++)
        if (!g_ptr_array_find_with_equal_func (apps, found[a], g_str_equal, NULL))
          g_ptr_array_add (apps, g_strdup (found[a]));
    }
  for (guint i = 0; i < pl_reginfo_registration_get_n_contacts (changed); i++)
    {
      PlReginfoEvent e = pl_reginfo_contact_get_event (pl_reginfo_registration_get_contact (changed, i));

      g_string_append_printf (events, "%s%s", events->len ? " " : "", pl_reginfo_event_to_string (e));
      all_expired = all_expired && e == PL_REGINFO_EVENT_EXPIRED;
    }
  if (registered)
    state = "registered";
  else if (pl_reginfo_registration_get_state (changed) != PL_REGINFO_REGISTRATION_TERMINATED)
    state = "unregistered";   /* init: nothing registered (yet) */
  else if (all_expired)
    state = "expired";
  else
    state = "deregistered";
  g_ptr_array_add (apps, NULL);

  /* The notifier says when a contact ends (§4.7 "expired"): no timer
   * of ours. */
  event = _pl_sender_update_registration (self, public_id, registered, state,
                                          (guint32) MIN (expires, G_MAXUINT32),
                                          (char **) g_ptr_array_free (g_steal_pointer (&apps), FALSE),
                                          0, "reg-event");
  pl_trace_event_add_int (event, "version", pl_reginfo_get_version (update));
  pl_trace_event_add_string (event, "registration",
                             pl_reginfo_registration_state_to_string (
                               pl_reginfo_registration_get_state (changed)));
  pl_trace_event_add_string (event, "events", events->str);
  pl_node_commit_event (node, event);
}

static void
reply_unsupported (PlServerTxn *txn)
{
  msg_t *response = pl_server_txn_make_response (txn, 415, NULL);

  pl_wire_add_header (response, "Accept", PL_REGINFO_CONTENT_TYPE);
  pl_server_txn_respond (txn, response);
}

/* RFC 3265 §3.2.4: after "deactivated" or "timeout" the subscriber may
 * subscribe again at once; other reasons (rejected, noresource, giveup,
 * probation) leave it ended. */
static gboolean
may_resubscribe (sip_t *sip)
{
  const char *reason = sip->sip_subscription_state
                         ? sip->sip_subscription_state->ss_reason : NULL;

  return reason && (g_ascii_strcasecmp (reason, "deactivated") == 0
                    || g_ascii_strcasecmp (reason, "timeout") == 0);
}

static void
on_notify (PlSubscriber *sub,
           PlServerTxn  *txn,
           msg_t        *msg,
           sip_t        *sip,
           gpointer      user_data)
{
  RegWatch *w = user_data;
  PlNode *node = PL_NODE (w->self);
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  gsize len = sip->sip_payload ? sip->sip_payload->pl_len : 0;
  gboolean terminated = pl_subscriber_is_terminated (sub);
  g_autofree char *origin = g_strdup_printf ("reg NOTIFY for %s", w->public_id);
  g_autoptr (PlReginfo) update = NULL;
  g_autoptr (GError) error = NULL;

  if (len > 0 || type)
    {
      if (type == NULL || g_ascii_strcasecmp (type, PL_REGINFO_CONTENT_TYPE) != 0)
        {
          /* RFC 3680 §4.5: the package's only format, which we asked for. */
          pl_node_app_event (node, "error", "%s: body of type %s, expected " PL_REGINFO_CONTENT_TYPE
                             ": answered 415", origin, type ? type : "(none)");
          reply_unsupported (txn);
          return;
        }
      update = pl_reginfo_parse (sip->sip_payload->pl_data, len, origin, &error);
      if (update == NULL)
        {
          pl_node_app_event (node, "error", "%s: answered 400", error->message);
          pl_server_txn_reply (txn, 400, "Bad Request (malformed reginfo body)");
          return;
        }
    }
  pl_server_txn_reply (txn, 200, NULL);

  if (update && !pl_reginfo_apply (w->view, update, &error))
    {
      if (g_error_matches (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_VERSION_GAP) && !terminated)
        {
          /* §5.2: a document is missing; a refresh brings the full
           * state again (the notifier answers every SUBSCRIBE with it). */
          record (w, "resync", 0, error->message);
          w->resync = TRUE;
          subscribe_again (w, w->asked);
        }
      else
        record (w, g_error_matches (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_STALE)
                     ? "stale" : "resync", 0, error->message);
    }
  else if (update)
    {
      for (guint i = 0; i < pl_reginfo_get_n_registrations (update); i++)
        record_state (w, update, pl_reginfo_get_registration (update, i));
    }

  if (terminated && !w->ended)
    {
      const char *reason = sip->sip_subscription_state->ss_reason;
      gboolean again = w->asked > 0 && may_resubscribe (sip);

      w->ended = TRUE;
      pl_node_cancel_timer (node, &w->refresh);
      record (w, "terminated", 0, reason ? reason : "none given");
      if (again)
        start_watch (w->self, w->user, w->asked);
    }
}

gboolean
_pl_sender_reg_notify (PlSender    *self,
                       PlServerTxn *txn,
                       msg_t       *msg,
                       sip_t       *sip)
{
  if (sip->sip_event == NULL || sip->sip_event->o_type == NULL
      || g_ascii_strcasecmp (sip->sip_event->o_type, PACKAGE) != 0)
    return FALSE;
  for (guint i = 0; i < self->reg_watches->len; i++)
    {
      RegWatch *w = g_ptr_array_index (self->reg_watches, i);

      /* One that ended waits only for the answer to our SUBSCRIBE. */
      if (w->ended || !pl_subscriber_matches (w->sub, sip))
        continue;
      pl_subscriber_receive (w->sub, txn, msg, sip);
      if (pl_server_txn_get_status (txn) >= 300)
        record (w, "notify-rejected", pl_server_txn_get_status (txn), NULL);
      return TRUE;
    }
  return FALSE;
}

/* ---- actions ---- */

static void
run_watch (PlNode  *node,
           gpointer data)
{
  RegWatchSpec *spec = data;
  PlSender *self = PL_SENDER (node);
  g_autofree char *public_id = _pl_sender_canonical_id_text (spec->user);
  RegWatch *w = find_live (self, public_id);

  if (spec->expires == 0)
    {
      if (w == NULL)
        {
          pl_node_app_event (node, "error", "<unwatch> of %s: no reg subscription", public_id);
          return;
        }
      /* RFC 3265 §3.3.4: Expires: 0 in the dialog. */
      subscribe_again (w, 0);
      return;
    }
  if (w)
    {
      /* One subscription per identity: a new <watch> refreshes it. */
      subscribe_again (w, spec->expires);
      return;
    }
  start_watch (self, spec->user, spec->expires);
}

PlAction *
_pl_sender_parse_reg_watch (PlNode        *node,
                            PlXmlContext  *ctx,
                            xmlNode       *element,
                            GError       **error)
{
  static const char *const watch_attrs[] = { "node", "event", "user", "expires", NULL };
  static const char *const unwatch_attrs[] = { "node", "event", "user", NULL };
  gboolean unwatch = xmlStrEqual (element->name, (const xmlChar *) "unwatch");
  const char *verb = unwatch ? "unwatch" : "watch";
  const char *user;
  guint64 expires = 0;
  RegWatchSpec *spec;

  if (!pl_xml_check_attrs (ctx, element, unwatch ? unwatch_attrs : watch_attrs, error)
      || !pl_xml_require_attr (ctx, element, "user", &user, error)
      || (!unwatch && !pl_xml_attr_uint (ctx, element, "expires", DEFAULT_EXPIRES, 1,
                                         G_MAXUINT32, &expires, error)))
    return NULL;
  if (!_pl_sender_is_sip_uri (user))
    return pl_xml_error (ctx, error, element, "user",
                         "attribute 'user' of <%s event=\"reg\">: expected the public identity "
                         "to watch, a SIP URI such as sip:john.doe@home1.net, got '%s'",
                         verb, user), NULL;

  spec = g_new0 (RegWatchSpec, 1);
  spec->user = g_strdup (user);
  spec->expires = (guint32) expires;
  return pl_action_new (node, verb, run_watch, spec, reg_watch_spec_free);
}

void
_pl_sender_reg_describe (PlSender *self,
                         PlState  *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  pl_state_begin_section (state, "reg event watches");
  for (guint i = 0; self->reg_watches && i < self->reg_watches->len; i++)
    {
      RegWatch *w = g_ptr_array_index (self->reg_watches, i);
      PlStateRow *row = pl_state_add_row (state, NULL, w->public_id, w->user);

      if (w->sub)
        _pl_state_add_subscriber (state, row, w->sub, now);
      if (w->ended)
        pl_state_add_row (state, row, "ended", "yes");
    }
}
