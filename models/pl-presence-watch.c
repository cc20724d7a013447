/* pl-presence-watch.c: the presence server as presence agent (RFC 3856):
 * SUBSCRIBE with Event: presence, the presentity's policy (pending,
 * allowed, blocked), NOTIFYs carrying the composed document (RFC 3863,
 * RFC 4479, SIP Push §8.1.3.4), refresh, unsubscribe and expiry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-presence"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-presence-private.h"
#include "pl-state-models.h"
#include "pl-wire.h"

struct _PlPsWatcher {
  PlPresence *self;
  char *presentity;
  char *watcher;
  PlNotifier *notifier;
  PlTimer *check;            /* looks at the notifier once it may have expired */
  gboolean ended;            /* its last NOTIFY is out */
};

void
_pl_presence_watcher_free (gpointer data)
{
  PlPsWatcher *w = data;

  if (w->check)
    pl_node_cancel_timer (PL_NODE (w->self), &w->check);
  g_clear_pointer (&w->notifier, pl_notifier_free);
  g_free (w->presentity);
  g_free (w->watcher);
  g_free (w);
}

static void
record_watcher (PlPsWatcher *w,
                const char  *state,
                const char  *reason)
{
  PlNode *node = PL_NODE (w->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "watcher");

  pl_trace_event_add_string (event, "presentity", w->presentity);
  pl_trace_event_add_string (event, "watcher", w->watcher);
  pl_trace_event_add_string (event, "state", state);
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

/* ---- documents and NOTIFY (RFC 3856 §6.7) ---- */

char *
_pl_presence_compose (PlPresence *self,
                      const char *presentity,
                      gsize      *len,
                      guint      *n_pubs,
                      PlPidf    **composed)
{
  g_autoptr (GPtrArray) docs = g_ptr_array_new ();
  PlPidf *doc;
  char *text;

  for (guint i = 0; i < self->publications->len; i++)
    {
      PlPsPublication *pub = g_ptr_array_index (self->publications, i);

      if (g_str_equal (pub->presentity, presentity))
        g_ptr_array_add (docs, pub->document);
    }
  /* RFC 3265 §3.1.6.2: with no state to tell, a neutral document: the
   * presentity and no tuple (RFC 3863 §4.1 allows none). */
  doc = docs->len ? pl_pidf_compose ((PlPidf * const *) docs->pdata, docs->len)
                  : pl_pidf_new (presentity);
  text = pl_pidf_write (doc, len);
  if (n_pubs)
    *n_pubs = docs->len;
  if (composed)
    *composed = doc;
  else
    pl_pidf_free (doc);
  return text;
}

static void on_notified (PlNotifier *notifier,
                         int         status,
                         gboolean    local,
                         sip_t      *response,
                         gpointer    user_data);

static void
send_document (PlPsWatcher *w,
               GBytes      *body,
               gboolean     terminate,
               const char  *reason)
{
  pl_notifier_notify (w->notifier, PL_PRESENCE_EVENT, body ? PL_PIDF_CONTENT_TYPE : NULL, body,
                      terminate, reason, on_notified, w);
}

static GBytes *
document_bytes (PlPresence *self,
                const char *presentity)
{
  gsize len = 0;
  char *text = _pl_presence_compose (self, presentity, &len, NULL, NULL);

  return g_bytes_new_take (text, len);
}

static void
end_watcher (PlPsWatcher *w,
             const char  *reason)
{
  /* RFC 3265 §3.2.4: the last NOTIFY says why; the watcher goes once it
   * is answered. */
  w->ended = TRUE;
  record_watcher (w, "terminated", reason);
  send_document (w, NULL, TRUE, reason);
}

void
_pl_presence_state_changed (PlPresence *self,
                            const char *presentity,
                            const char *why)
{
  PlNode *node = PL_NODE (self);
  g_autoptr (PlPidf) doc = NULL;
  gsize len = 0;
  guint n_pubs = 0, n_watchers = 0;
  char *text = _pl_presence_compose (self, presentity, &len, &n_pubs, &doc);
  g_autoptr (GBytes) body = g_bytes_new_take (text, len);
  g_auto (GStrv) profiles = pl_pidf_dup_device_profiles (doc);
  g_autofree char *joined = g_strjoinv (" ", profiles);
  g_autoptr (GPtrArray) targets = g_ptr_array_new ();
  PlTraceEvent *event;

  for (guint i = 0; i < self->watchers->len; i++)
    {
      PlPsWatcher *w = g_ptr_array_index (self->watchers, i);

      if (!w->ended && g_str_equal (w->presentity, presentity)
          && pl_notifier_is_active (w->notifier) && !pl_notifier_is_pending (w->notifier))
        g_ptr_array_add (targets, w);
    }
  n_watchers = targets->len;

  event = pl_node_begin_event (node, PL_EVENT_APP, "document");
  pl_trace_event_add_string (event, "presentity", presentity);
  pl_trace_event_add_string (event, "change", why);
  pl_trace_event_add_int (event, "publications", n_pubs);
  pl_trace_event_add_int (event, "tuples", pl_pidf_get_n_tuples (doc));
  pl_trace_event_add_int (event, "persons", pl_pidf_get_n_persons (doc));
  pl_trace_event_add_int (event, "devices", pl_pidf_get_n_devices (doc));
  pl_trace_event_add_string (event, "device-profiles", joined);
  pl_trace_event_add_int (event, "watchers", n_watchers);
  pl_node_commit_event (node, event);

  /* A.4 step 7: every authorized watcher hears of the change. */
  for (guint i = 0; i < targets->len; i++)
    send_document (g_ptr_array_index (targets, i), body, FALSE, NULL);
}

static void
drop_watcher (PlPsWatcher *w)
{
  g_ptr_array_remove (w->self->watchers, w);
}

static void
on_notified (PlNotifier *notifier,
             int         status,
             gboolean    local,
             sip_t      *response,
             gpointer    user_data)
{
  PlPsWatcher *w = user_data;

  if (w->ended)
    {
      drop_watcher (w);
      return;
    }
  if (!pl_notifier_is_active (notifier))
    {
      /* RFC 3265 §3.2.2: a 481 (or no answer) ended it. */
      g_autofree char *reason = g_strdup_printf ("NOTIFY answered %d", status);

      record_watcher (w, "terminated", reason);
      drop_watcher (w);
    }
}

/* The notifier ends a subscription that is not refreshed by itself
 * (RFC 3265 §3.1.6.4); this notices it. */
static void
on_check (gpointer data)
{
  PlPsWatcher *w = data;
  PlNode *node = PL_NODE (w->self);
  PlTime at;

  w->check = NULL;
  if (w->ended)
    return;
  if (!pl_notifier_is_active (w->notifier))
    {
      record_watcher (w, "terminated", "timeout");
      drop_watcher (w);
      return;
    }
  at = pl_notifier_get_expires_at (w->notifier);
  w->check = pl_node_add_background_timer (node, MAX (at - pl_node_now (node), 0) + 1, on_check, w,
                                           NULL);
}

static void
arm_check (PlPsWatcher *w)
{
  PlNode *node = PL_NODE (w->self);

  if (w->check)
    pl_node_cancel_timer (node, &w->check);
  w->check = pl_node_add_background_timer (node,
                                           MAX (pl_notifier_get_expires_at (w->notifier)
                                                - pl_node_now (node), 0) + 1,
                                           on_check, w, NULL);
}

/* ---- SUBSCRIBE (RFC 3856 §6.6, RFC 3265 §3.1.6) ---- */

static PlPsWatcher *
find_watcher (PlPresence *self,
              sip_t      *sip)
{
  for (guint i = 0; i < self->watchers->len; i++)
    {
      PlPsWatcher *w = g_ptr_array_index (self->watchers, i);

      if (pl_notifier_matches (w->notifier, sip))
        return w;
    }
  return NULL;
}

static gboolean
accepts_pidf (const sip_accept_t *accept)
{
  if (accept == NULL)
    return TRUE;  /* RFC 3856 §6.5: PIDF is the package's default */
  for (const sip_accept_t *ac = accept; ac; ac = ac->ac_next)
    if (ac->ac_type && pl_wire_media_range_matches (ac->ac_type, PL_PIDF_CONTENT_TYPE)
        && !(ac->ac_q && g_ascii_strtod (ac->ac_q, NULL) <= 0))
      return TRUE;
  return FALSE;
}

static void
subscribe_in_dialog (PlPresence  *self,
                     PlServerTxn *txn,
                     sip_t       *sip)
{
  PlPsWatcher *w = find_watcher (self, sip);

  if (w == NULL || w->ended)
    {
      /* RFC 3265 §3.1.6.2 (RFC 3261 §12.2.2): no such subscription. */
      pl_server_txn_reply (txn, 481, NULL);
      return;
    }
  if (sip->sip_expires && sip->sip_expires->ex_delta != 0
      && sip->sip_expires->ex_delta < self->min_expires)
    {
      msg_t *response = pl_server_txn_make_response (txn, 423, NULL);
      g_autofree char *value = g_strdup_printf ("%u", self->min_expires);

      pl_wire_add_header (response, "Min-Expires", value);
      pl_server_txn_respond (txn, response);
      return;
    }
  /* RFC 3265 §3.1.6.1 refresh; Expires: 0 ends it with a NOTIFY. */
  pl_notifier_refresh (w->notifier, txn, sip);
  if (!pl_notifier_is_active (w->notifier))
    {
      record_watcher (w, "terminated", "unsubscribed");
      drop_watcher (w);
      return;
    }
  record_watcher (w, pl_notifier_is_pending (w->notifier) ? "pending" : "active", "refreshed");
  arm_check (w);
}

static void
subscribe_initial (PlPresence  *self,
                   PlServerTxn *txn,
                   msg_t       *msg,
                   sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  g_autofree char *presentity = _pl_presence_aor (sip->sip_request->rq_url);
  g_autofree char *watcher = _pl_presence_sender (msg);
  guint32 expires = sip->sip_expires ? sip->sip_expires->ex_delta : self->default_expires;
  PlPresenceAction action;
  PlPsWatcher *w;

  if (!accepts_pidf (sip->sip_accept))
    {
      msg_t *response = pl_server_txn_make_response (txn, 406, NULL);

      msg_header_add_make (response, NULL, sip_accept_class, PL_PIDF_CONTENT_TYPE);
      _pl_presence_reject (self, txn, response, "subscribe-rejected",
                           "Accept does not take " PL_PIDF_CONTENT_TYPE " (RFC 3856 §6.5)");
      return;
    }
  if (expires != 0 && expires < self->min_expires)
    {
      msg_t *response = pl_server_txn_make_response (txn, 423, NULL);
      g_autofree char *value = g_strdup_printf ("%u", self->min_expires);
      g_autofree char *reason = g_strdup_printf ("Expires %u is below %u", expires,
                                                 self->min_expires);

      pl_wire_add_header (response, "Min-Expires", value);
      _pl_presence_reject (self, txn, response, "subscribe-rejected", reason);
      return;
    }

  /* RFC 3856 §6.6: the presentity's policy decides. A blocked watcher is
   * refused (RFC 3265 §3.1.6.1: 403); RFC 5025 §3.2.1 "block" places the
   * subscription in the terminated state. */
  action = _pl_presence_lookup_policy (self, presentity, watcher ? watcher : "");
  if (action == PL_PRESENCE_BLOCK)
    {
      g_autofree char *reason = g_strdup_printf ("%s may not watch %s",
                                                 watcher ? watcher : "(unknown)", presentity);
      g_autofree char *phrase = g_strdup_printf ("Forbidden (%s)", reason);

      _pl_presence_reject (self, txn, pl_server_txn_make_response (txn, 403, phrase),
                           "subscribe-rejected", reason);
      return;
    }

  w = g_new0 (PlPsWatcher, 1);
  w->self = self;
  w->presentity = g_steal_pointer (&presentity);
  w->watcher = g_strdup (watcher ? watcher : "");
  g_ptr_array_add (self->watchers, w);
  w->notifier = action == PL_PRESENCE_PENDING
                  ? pl_notifier_accept_pending (node, txn, sip, self->max_expires)
                  : pl_notifier_accept (node, txn, sip, self->max_expires);

  if (!pl_notifier_is_active (w->notifier))
    {
      /* Expires: 0 is a fetch (RFC 3265 §3.3.6): the state once. */
      g_autoptr (GBytes) body = action == PL_PRESENCE_ALLOW
                                  ? document_bytes (self, w->presentity) : NULL;

      w->ended = TRUE;
      record_watcher (w, "terminated", "fetch");
      send_document (w, body, TRUE, "timeout");
      return;
    }
  arm_check (w);
  if (action == PL_PRESENCE_PENDING)
    {
      /* RFC 3265 §3.1.6.2: a NOTIFY at once; the watcher may not see the
       * state yet (RFC 3856 §6.6), so it has no body. */
      record_watcher (w, "pending", "policy");
      send_document (w, NULL, FALSE, NULL);
    }
  else
    {
      g_autoptr (GBytes) body = document_bytes (self, w->presentity);

      /* A.4 steps 2–3: authorized, the current state at once. */
      record_watcher (w, "active", "policy");
      send_document (w, body, FALSE, NULL);
    }
}

void
_pl_presence_reevaluate (PlPresence *self)
{
  /* Ending one may drop it from the list: go over a copy (that does not
   * own them). */
  g_autoptr (GPtrArray) snapshot = g_ptr_array_sized_new (self->watchers->len);

  for (guint i = 0; i < self->watchers->len; i++)
    g_ptr_array_add (snapshot, g_ptr_array_index (self->watchers, i));

  for (guint i = 0; i < snapshot->len; i++)
    {
      PlPsWatcher *w = g_ptr_array_index (snapshot, i);
      PlPresenceAction action;

      if (w->ended || !pl_notifier_is_active (w->notifier))
        continue;
      action = _pl_presence_lookup_policy (self, w->presentity, w->watcher);
      if (action == PL_PRESENCE_BLOCK)
        {
          /* RFC 3265 §3.2.4: "rejected", a change of authorization
           * policy. */
          end_watcher (w, "rejected");
        }
      else if (action == PL_PRESENCE_ALLOW && pl_notifier_is_pending (w->notifier))
        {
          g_autoptr (GBytes) body = document_bytes (self, w->presentity);

          pl_notifier_activate (w->notifier);
          record_watcher (w, "active", "authorized");
          send_document (w, body, FALSE, NULL);
        }
    }
}

void
_pl_presence_subscribe (PlPresence  *self,
                        PlServerTxn *txn,
                        msg_t       *msg,
                        sip_t       *sip)
{
  if (sip->sip_to && sip->sip_to->a_tag)
    subscribe_in_dialog (self, txn, sip);
  else
    subscribe_initial (self, txn, msg, sip);
}

guint
pl_presence_get_n_watchers (PlPresence *self,
                            const char *presentity)
{
  g_autofree char *aor = NULL;
  guint n = 0;

  g_return_val_if_fail (PL_IS_PRESENCE (self), 0);
  aor = _pl_presence_aor_of_text (presentity);
  for (guint i = 0; aor && i < self->watchers->len; i++)
    {
      PlPsWatcher *w = g_ptr_array_index (self->watchers, i);

      n += !w->ended && pl_notifier_is_active (w->notifier) && g_str_equal (w->presentity, aor);
    }
  return n;
}

void
_pl_presence_watch_describe (PlPresence *self,
                             PlState    *state)
{
  /* RFC 5025 §3.2.1 sub-handling, "pending" being its "confirm". */
  static const char *const actions[] = { "allow", "block", "pending" };
  PlTime now = pl_node_now (PL_NODE (self));

  pl_state_begin_section (state, "watchers");
  for (guint i = 0; i < self->watchers->len; i++)
    {
      PlPsWatcher *w = g_ptr_array_index (self->watchers, i);
      PlStateRow *row = pl_state_add_row (state, NULL, w->presentity, w->watcher);

      PlPresenceAction action = _pl_presence_lookup_policy (self, w->presentity, w->watcher);

      pl_state_add_row (state, row, "policy", action < G_N_ELEMENTS (actions) ? actions[action] : "?");
      if (w->notifier)
        _pl_state_add_notifier (state, row, w->notifier, now);
    }
}
