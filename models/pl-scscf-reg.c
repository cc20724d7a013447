/* pl-scscf-reg.c: the S-CSCF as notifier of the "reg" event package
 * (RFC 3680; 3GPP TS 24.229 §5.4.2.1), so that a Push Sender agent can
 * learn of registrations without a third-party REGISTER (2006 draft §7.1;
 * 004_… Appendix X: "Alternatively, the Push Sender Agent can subscribe
 * to the 'reg' event package").
 *
 * A SUBSCRIBE with Event: reg whose Request-URI is a public identity of
 * the HSS is served here; each watched address of record keeps a
 * snapshot of its contacts, compared with the registrar after every
 * change to write the partial-state NOTIFY (RFC 3680 §4.7). The RFC 3265
 * dialog work is pl-subscription's, the document pl-reginfo's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scscf"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

#include "pl-reginfo.h"
#include "pl-state-models.h"
#include "pl-scscf-private.h"
#include "pl-subscription.h"
#include "pl-wire.h"

/* RFC 3680 §4.1. */
#define PACKAGE "reg"

/* One contact of a watched address of record as last notified. */
typedef struct {
  char *key;                 /* the binding's identity: +sip.instance, else its URI */
  char *id;                  /* reginfo contact id, stable while the contact lives */
  char *contact;             /* the Contact as registered, printed */
  PlTime expires_at;
  PlReginfoEvent event;      /* what brought it to its state (§5.1 "event") */
} RegContact;

/* A watched address of record (RFC 3680 §4.7.1: one registration state
 * machine per AOR). Kept while the S-CSCF lives: its watchers, ended or
 * not, so that a late answer to one of their NOTIFYs still finds them. */
typedef struct {
  PlScscf *self;
  char *aor;
  char *id;                  /* reginfo registration id */
  GPtrArray *contacts;       /* RegContact*, in the registrar's order */
  guint n_contacts;          /* contact ids handed out */
  GPtrArray *watchers;       /* RegWatcher*, oldest first */
} RegAor;

typedef struct {
  RegAor *aor;
  char *subscriber;          /* who asked, for the trace */
  PlNotifier *notifier;
  guint version;             /* of the next document (§5.1: 0 first, +1 each) */
  PlTimer *watch;            /* the notifier's expiry, for the trace */
  gboolean ended;            /* its "terminated" event is recorded */
} RegWatcher;

static void
reg_contact_free (gpointer data)
{
  RegContact *rc = data;

  g_free (rc->key);
  g_free (rc->id);
  g_free (rc->contact);
  g_free (rc);
}

static void
reg_watcher_free (gpointer data)
{
  RegWatcher *w = data;

  pl_node_cancel_timer (PL_NODE (w->aor->self), &w->watch);
  g_clear_pointer (&w->notifier, pl_notifier_free);
  g_free (w->subscriber);
  g_free (w);
}

void
_pl_scscf_reg_free (gpointer data)
{
  RegAor *a = data;

  g_ptr_array_unref (a->watchers);
  g_ptr_array_unref (a->contacts);
  g_free (a->aor);
  g_free (a->id);
  g_free (a);
}

/* ---- the trace ---- */

static void
record_subscription (RegWatcher *w,
                     const char *state,
                     const char *reason)
{
  PlNode *node = PL_NODE (w->aor->self);
  PlTraceEvent *ev = pl_node_begin_event (node, PL_EVENT_APP, "reg-subscription");
  PlTime left = pl_notifier_get_expires_at (w->notifier) - pl_node_now (node);
  gboolean active = g_str_equal (state, "active");

  pl_trace_event_add_string (ev, "aor", w->aor->aor);
  pl_trace_event_add_string (ev, "subscriber", w->subscriber);
  pl_trace_event_add_string (ev, "state", state);
  pl_trace_event_add_int (ev, "expires", active ? MAX (left, 0) / G_USEC_PER_SEC : 0);
  if (reason)
    pl_trace_event_add_string (ev, "reason", reason);
  pl_node_commit_event (node, ev);
}

static void
record_refused (PlScscf    *self,
                const char *aor,
                const char *subscriber,
                int         status,
                const char *reason)
{
  PlTraceEvent *ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "reg-subscription");

  pl_trace_event_add_string (ev, "aor", aor ? aor : "");
  pl_trace_event_add_string (ev, "subscriber", subscriber ? subscriber : "");
  pl_trace_event_add_string (ev, "state", "refused");
  pl_trace_event_add_int (ev, "status", status);
  pl_trace_event_add_string (ev, "reason", reason);
  pl_node_commit_event (PL_NODE (self), ev);
}

static void
record_end (RegWatcher *w,
            const char *reason)
{
  if (w->ended)
    return;
  w->ended = TRUE;
  pl_node_cancel_timer (PL_NODE (w->aor->self), &w->watch);
  record_subscription (w, "terminated", reason);
}

/* ---- the snapshot ---- */

static RegContact *
find_contact (RegAor     *a,
              const char *key)
{
  for (guint i = 0; i < a->contacts->len; i++)
    {
      RegContact *rc = g_ptr_array_index (a->contacts, i);

      if (g_str_equal (rc->key, key))
        return rc;
    }
  return NULL;
}

static char *
binding_key (const PlBinding *b)
{
  return g_strdup (b->instance ? b->instance : b->uri);
}

/* The registrar's bindings of @a now (not owned), or NULL when none. */
static GPtrArray *
current_bindings (RegAor *a)
{
  g_autofree char *copy = g_strdup (a->aor);
  url_t url[1];

  if (url_d (url, copy) < 0)
    return NULL;
  return pl_registrar_lookup (_pl_scscf_registrar (a->self), url, pl_node_now (PL_NODE (a->self)));
}

/* One <contact> of a document: @rc's Contact with its parameters as
 * unknown-params (§5.1), so the push feature tags reach the watcher. */
static void
add_contact (PlReginfoRegistration *reg,
             const RegContact      *rc,
             PlReginfoContactState  state,
             PlTime                 now)
{
  su_home_t *home = su_home_new (sizeof (su_home_t));
  sip_contact_t *m = sip_contact_make (home, rc->contact);
  PlReginfoContact *contact = m ? pl_reginfo_registration_add_sip_contact (reg, rc->id, m, state,
                                                                           rc->event)
                                : NULL;

  su_home_unref (home);
  /* A URI XML cannot carry (a control character): sofia-sip parsed it,
   * but reginfo has no way to say it; the watcher misses that contact. */
  if (contact == NULL)
    {
      g_debug ("contact %s of %s left out of reginfo", rc->key, rc->id);
      return;
    }
  /* §5.1: seconds left; a terminated contact has none. */
  pl_reginfo_contact_set_expires (contact, state == PL_REGINFO_CONTACT_ACTIVE && rc->expires_at > now
                                             ? (guint64) ((rc->expires_at - now + PL_SEC (1) - 1)
                                                          / PL_SEC (1))
                                             : 0);
}

/* §4.7: the full state of the AOR, for the NOTIFY that answers a
 * SUBSCRIBE. Without contacts the registration is "init" (§4.7.1). */
static PlReginfo *
full_document (RegAor *a,
               guint   version)
{
  PlReginfo *doc = pl_reginfo_new (version, TRUE);
  PlTime now = pl_node_now (PL_NODE (a->self));
  PlReginfoRegistration *reg =
    pl_reginfo_add_registration (doc, a->aor, a->id,
                                 a->contacts->len ? PL_REGINFO_REGISTRATION_ACTIVE
                                                  : PL_REGINFO_REGISTRATION_INIT);

  for (guint i = 0; i < a->contacts->len; i++)
    add_contact (reg, g_ptr_array_index (a->contacts, i), PL_REGINFO_CONTACT_ACTIVE, now);
  return doc;
}

/* What changed in an AOR since its last notification (§4.7), before
 * it becomes the snapshot. */
typedef struct {
  GPtrArray *next;           /* RegContact*: the contacts now, owned */
  GPtrArray *active;         /* RegContact* of @next that changed, not owned */
  GPtrArray *gone;           /* RegContact* of the old snapshot, not owned */
  PlReginfoRegistrationState state;
} RegChanges;

static void
reg_changes_clear (RegChanges *c)
{
  g_clear_pointer (&c->next, g_ptr_array_unref);
  g_clear_pointer (&c->active, g_ptr_array_unref);
  g_clear_pointer (&c->gone, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RegChanges, reg_changes_clear)

/* Compares the snapshot with the registrar. @removed is the event of a
 * contact that went before its time (§4.7: "unregistered" by a
 * REGISTER with expires 0, "deactivated" by the network); one past its
 * time "expired". */
static void
compare_snapshot (RegAor         *a,
                  PlReginfoEvent  removed,
                  RegChanges     *c)
{
  PlTime now = pl_node_now (PL_NODE (a->self));
  GPtrArray *bindings = current_bindings (a);
  guint n_bindings = bindings ? bindings->len : 0;

  c->next = g_ptr_array_new_with_free_func (reg_contact_free);
  c->active = g_ptr_array_new ();
  c->gone = g_ptr_array_new ();
  for (guint i = 0; i < n_bindings; i++)
    {
      const PlBinding *b = g_ptr_array_index (bindings, i);
      g_autofree char *key = binding_key (b);
      RegContact *old = find_contact (a, key);
      RegContact *rc = g_new0 (RegContact, 1);
      gboolean changed = TRUE;

      rc->key = g_steal_pointer (&key);
      rc->contact = g_strdup (b->contact);
      rc->expires_at = b->expires_at;
      if (old == NULL)
        {
          /* §4.7: init -> active by a REGISTER, "registered". */
          rc->id = g_strdup_printf ("%s.%u", a->id, ++a->n_contacts);
          rc->event = PL_REGINFO_EVENT_REGISTERED;
        }
      else
        {
          rc->id = g_strdup (old->id);
          rc->event = old->event;
          /* §4.7: a REGISTER that moves the expiry later is
           * "refreshed", earlier "shortened". One that keeps the expiry
           * but changes the Contact's parameters (a re-registration
           * without the push feature tags, §7.2 of the 2006 draft) is a
           * refresh the watcher must see: its unknown-params change. */
          if (b->expires_at < old->expires_at)
            rc->event = PL_REGINFO_EVENT_SHORTENED;
          else if (b->expires_at > old->expires_at || !g_str_equal (old->contact, b->contact))
            rc->event = PL_REGINFO_EVENT_REFRESHED;
          else
            changed = FALSE;
        }
      g_ptr_array_add (c->next, rc);
      if (changed)
        g_ptr_array_add (c->active, rc);
    }

  for (guint i = 0; i < a->contacts->len; i++)
    {
      RegContact *gone = g_ptr_array_index (a->contacts, i);
      gboolean still = FALSE;

      for (guint j = 0; j < c->next->len && !still; j++)
        still = g_str_equal (((RegContact *) g_ptr_array_index (c->next, j))->key, gone->key);
      if (still)
        continue;
      /* §4.7: active -> terminated; the event says why. */
      gone->event = gone->expires_at <= now ? PL_REGINFO_EVENT_EXPIRED : removed;
      g_ptr_array_add (c->gone, gone);
    }

  /* §4.7.1: the last contact gone, the registration is terminated (and
   * back to init for the next full state). The subscription stays: the
   * welcome notice of §3.3 goes to a watcher of an AOR that registers
   * later, so the registration's end does not end it. */
  if (c->next->len > 0)
    c->state = PL_REGINFO_REGISTRATION_ACTIVE;
  else if (a->contacts->len > 0)
    c->state = PL_REGINFO_REGISTRATION_TERMINATED;
  else
    c->state = PL_REGINFO_REGISTRATION_INIT;
}

/* The partial state of @c (§4.7: only what changed) at @version. */
static PlReginfo *
partial_document (RegAor           *a,
                  const RegChanges *c,
                  guint             version)
{
  PlReginfo *doc = pl_reginfo_new (version, FALSE);
  PlTime now = pl_node_now (PL_NODE (a->self));
  PlReginfoRegistration *reg = pl_reginfo_add_registration (doc, a->aor, a->id, c->state);

  for (guint i = 0; i < c->active->len; i++)
    add_contact (reg, g_ptr_array_index (c->active, i), PL_REGINFO_CONTACT_ACTIVE, now);
  for (guint i = 0; i < c->gone->len; i++)
    add_contact (reg, g_ptr_array_index (c->gone, i), PL_REGINFO_CONTACT_TERMINATED, now);
  return doc;
}

/* The snapshot becomes what @c found. */
static void
commit_snapshot (RegAor     *a,
                 RegChanges *c)
{
  g_ptr_array_unref (a->contacts);
  a->contacts = g_steal_pointer (&c->next);
}

static RegAor *
find_aor (PlScscf    *self,
          const char *aor)
{
  for (guint i = 0; i < self->reg_aors->len; i++)
    {
      RegAor *a = g_ptr_array_index (self->reg_aors, i);

      if (g_str_equal (a->aor, aor))
        return a;
    }
  return NULL;
}

static RegAor *
ensure_aor (PlScscf    *self,
            const char *aor)
{
  RegAor *a = find_aor (self, aor);
  g_auto (RegChanges) changes = { 0 };

  if (a)
    return a;
  a = g_new0 (RegAor, 1);
  a->self = self;
  a->aor = g_strdup (aor);
  a->id = g_strdup_printf ("r%u", self->reg_aors->len + 1);
  a->contacts = g_ptr_array_new_with_free_func (reg_contact_free);
  a->watchers = g_ptr_array_new_with_free_func (reg_watcher_free);
  g_ptr_array_add (self->reg_aors, a);
  /* What is registered already counts as "registered" (§4.7). */
  compare_snapshot (a, PL_REGINFO_EVENT_UNREGISTERED, &changes);
  commit_snapshot (a, &changes);
  return a;
}

/* ---- NOTIFY ---- */

static char *
notify_event (RegWatcher *w)
{
  sip_t *subscribe = pl_notifier_get_subscribe (w->notifier);

  /* RFC 3265 §7.2.1: the SUBSCRIBE's id comes back. */
  if (subscribe->sip_event && subscribe->sip_event->o_id)
    return g_strdup_printf (PACKAGE ";id=%s", subscribe->sip_event->o_id);
  return g_strdup (PACKAGE);
}

static void
on_notified (PlNotifier *notifier,
             int         status,
             gboolean    local,
             sip_t      *response,
             gpointer    user_data)
{
  RegWatcher *w = user_data;
  g_autofree char *reason = NULL;

  /* RFC 3265 §3.2.2: a 481 (or no answer) ends the subscription. */
  if (w->ended || pl_notifier_is_active (notifier))
    return;
  reason = g_strdup_printf ("notify-%d", status);
  record_end (w, reason);
}

static char *
describe_events (const PlReginfo *doc)
{
  GString *out = g_string_new (NULL);

  for (guint r = 0; r < pl_reginfo_get_n_registrations (doc); r++)
    {
      const PlReginfoRegistration *reg = pl_reginfo_get_registration (doc, r);

      for (guint i = 0; i < pl_reginfo_registration_get_n_contacts (reg); i++)
        g_string_append_printf (out, "%s%s", out->len ? " " : "",
                                pl_reginfo_event_to_string (
                                  pl_reginfo_contact_get_event (
                                    pl_reginfo_registration_get_contact (reg, i))));
    }
  return g_string_free (out, FALSE);
}

/* Sends @doc, made with the watcher's next version; @terminate ends
 * the subscription with @reason. */
static void
send_document (RegWatcher *w,
               PlReginfo  *doc,
               gboolean    terminate,
               const char *reason)
{
  PlNode *node = PL_NODE (w->aor->self);
  g_autoptr (GBytes) body = NULL;
  g_autofree char *event = notify_event (w);
  g_autofree char *events = describe_events (doc);
  const PlReginfoRegistration *reg = pl_reginfo_get_registration (doc, 0);
  PlTraceEvent *ev;
  gsize len;
  char *text;

  g_assert (pl_reginfo_get_version (doc) == w->version);
  w->version++;
  text = pl_reginfo_write (doc, &len);
  body = g_bytes_new_take (text, len);

  ev = pl_node_begin_event (node, PL_EVENT_APP, "reg-notify");
  pl_trace_event_add_string (ev, "aor", w->aor->aor);
  pl_trace_event_add_string (ev, "subscriber", w->subscriber);
  pl_trace_event_add_int (ev, "version", pl_reginfo_get_version (doc));
  pl_trace_event_add_string (ev, "state", pl_reginfo_is_full (doc) ? "full" : "partial");
  pl_trace_event_add_string (ev, "registration",
                             pl_reginfo_registration_state_to_string (
                               pl_reginfo_registration_get_state (reg)));
  pl_trace_event_add_string (ev, "events", events);
  pl_trace_event_add_string (ev, "subscription", terminate ? "terminated" : "active");
  pl_node_commit_event (node, ev);

  pl_notifier_notify (w->notifier, event, PL_REGINFO_CONTENT_TYPE, body, terminate, reason,
                      on_notified, w);
}

static void arm_watch (RegWatcher *w);

static void
on_watch (gpointer data)
{
  RegWatcher *w = data;
  PlNode *node = PL_NODE (w->aor->self);

  w->watch = NULL;
  if (w->ended)
    return;
  if (pl_notifier_is_active (w->notifier))
    {
      if (pl_notifier_get_expires_at (w->notifier) > pl_node_now (node))
        {
          arm_watch (w);
          return;
        }
      g_autofree char *event = notify_event (w);

      /* The notifier's own timer runs first (armed first, same time). */
      pl_notifier_notify (w->notifier, event, NULL, NULL, TRUE, "timeout", NULL, NULL);
    }
  /* RFC 3265 §3.1.6.4: not refreshed in time; pl-subscription sent
   * "terminated;reason=timeout". */
  record_end (w, "timeout");
}

static void
arm_watch (RegWatcher *w)
{
  PlNode *node = PL_NODE (w->aor->self);
  PlTime left = pl_notifier_get_expires_at (w->notifier) - pl_node_now (node);

  pl_node_cancel_timer (node, &w->watch);
  w->watch = pl_node_add_background_timer (node, MAX (left, 0), on_watch, w, NULL);
}

void
_pl_scscf_reg_changed (PlScscf        *self,
                       const char     *aor,
                       PlReginfoEvent  removed)
{
  for (guint i = 0; i < self->reg_aors->len; i++)
    {
      RegAor *a = g_ptr_array_index (self->reg_aors, i);
      g_auto (RegChanges) changes = { 0 };

      if (aor && !g_str_equal (a->aor, aor))
        continue;
      compare_snapshot (a, removed, &changes);
      /* §4.7: every change of the AOR's state goes to every watcher. */
      for (guint j = 0; (changes.active->len || changes.gone->len) && j < a->watchers->len; j++)
        {
          RegWatcher *w = g_ptr_array_index (a->watchers, j);
          g_autoptr (PlReginfo) doc = NULL;

          if (w->ended || !pl_notifier_is_active (w->notifier))
            continue;
          doc = partial_document (a, &changes, w->version);
          send_document (w, doc, FALSE, NULL);
        }
      commit_snapshot (a, &changes);
    }
}

/* ---- SUBSCRIBE ---- */

/* RFC 3265 §7.2.2: 489 with the packages served here. */
static void
reply_bad_event (PlServerTxn *txn,
                 const char  *phrase)
{
  msg_t *response = pl_server_txn_make_response (txn, 489, phrase);

  pl_wire_add_header (response, "Allow-Events", PACKAGE);
  pl_server_txn_respond (txn, response);
}

/* RFC 3680 §4.5: the watcher must take application/reginfo+xml; no
 * Accept means the package's default, which is that. */
static gboolean
accepts_reginfo (const sip_accept_t *accept)
{
  if (accept == NULL)
    return TRUE;
  for (const sip_accept_t *ac = accept; ac; ac = ac->ac_next)
    {
      if (ac->ac_q && g_ascii_strtod (ac->ac_q, NULL) <= 0)
        continue;
      if (ac->ac_type && pl_wire_media_range_matches (ac->ac_type, PL_REGINFO_CONTENT_TYPE))
        return TRUE;
    }
  return FALSE;
}

/* The identity a trusted peer asserts (RFC 3325), canonical; NULL when
 * none. */
static char *
asserted_identity (msg_t *msg)
{
  g_autofree char *pai = pl_wire_header_value (msg, "P-Asserted-Identity");
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sip_contact_t *ids = pai ? sip_contact_make (home, pai) : NULL;
  char *found = NULL;

  for (sip_contact_t *m = ids; m && found == NULL; m = m->m_next)
    if (m->m_url->url_type == url_sip || m->m_url->url_type == url_sips)
      found = pl_registrar_aor (m->m_url);
  su_home_deinit (home);
  return found;
}

/* RFC 3680 §4.6: subscriptions are authorized. TS 24.229 §5.4.2.1.1
 * lets the user subscribe to its own registration state (any identity
 * of the same subscription, asserted by the P-CSCF), and an application
 * server inside the trust domain. Returns NULL when allowed, else why. */
static char *
authorize (PlScscf          *self,
           PlNode           *peer,
           const char       *subscriber,
           PlServiceProfile *target)
{
  PlServiceProfile *own;

  if (!_pl_scscf_is_trusted (self, peer))
    return g_strdup_printf ("%s is outside the trust domain",
                            peer ? pl_node_get_id (peer) : "the sender");
  if (!g_str_equal (pl_node_get_kind (peer), "p-cscf"))
    return NULL;
  own = subscriber ? pl_hss_lookup (self->hss, subscriber, NULL) : NULL;
  if (own != NULL && own == target)
    return NULL;
  return g_strdup_printf ("%s is not the user, nor an application server",
                          subscriber ? subscriber : "no asserted identity");
}

static void
subscribe_initial (PlScscf     *self,
                   PlServerTxn *txn,
                   msg_t       *msg,
                   sip_t       *sip,
                   PlNode      *peer)
{
  g_autofree char *aor = pl_registrar_aor (sip->sip_request->rq_url);
  g_autofree char *pai = _pl_scscf_is_trusted (self, peer) ? asserted_identity (msg) : NULL;
  g_autofree char *subscriber = NULL;
  g_autofree char *why = NULL;
  g_autoptr (PlReginfo) doc = NULL;
  PlServiceProfile *profile = aor ? pl_hss_lookup (self->hss, aor, NULL) : NULL;
  RegAor *a;
  RegWatcher *w;

  subscriber = pai ? g_strdup (pai)
                   : sip->sip_from ? pl_registrar_aor (sip->sip_from->a_url) : g_strdup ("");
  if (profile == NULL)
    {
      /* Not a public identity of ours (TS 24.229 §5.4.2.1.1). */
      record_refused (self, aor, subscriber, 404, "unknown public identity");
      pl_server_txn_reply (txn, 404, "Not Found (no such public identity)");
      return;
    }
  why = authorize (self, peer, pai, profile);
  if (why)
    {
      g_autofree char *phrase = g_strdup_printf ("Forbidden (%s)", why);

      record_refused (self, aor, subscriber, 403, why);
      pl_server_txn_reply (txn, 403, phrase);
      return;
    }
  if (!accepts_reginfo (sip->sip_accept))
    {
      /* RFC 3265 §3.1.6.2 with RFC 3680 §4.5: the only body there is. */
      msg_t *response = pl_server_txn_make_response (txn, 406, NULL);

      pl_wire_add_header (response, "Accept", PL_REGINFO_CONTENT_TYPE);
      record_refused (self, aor, subscriber, 406, "Accept lacks " PL_REGINFO_CONTENT_TYPE);
      pl_server_txn_respond (txn, response);
      return;
    }

  a = ensure_aor (self, aor);
  w = g_new0 (RegWatcher, 1);
  w->aor = a;
  w->subscriber = g_steal_pointer (&subscriber);
  w->notifier = pl_notifier_accept (PL_NODE (self), txn, sip, self->reg_max_expires);
  g_ptr_array_add (a->watchers, w);

  doc = full_document (a, w->version);
  if (!pl_notifier_is_active (w->notifier))
    {
      /* Expires: 0 is a fetch (RFC 3265 §3.3.6): the state, and done. */
      send_document (w, doc, TRUE, "timeout");
      record_end (w, "fetch");
      return;
    }
  record_subscription (w, "active", NULL);
  arm_watch (w);
  /* §4.7 (RFC 3265 §3.1.6.2): at once, the full state, version 0. */
  send_document (w, doc, FALSE, NULL);
}

static RegWatcher *
find_watcher (PlScscf *self,
              sip_t   *request)
{
  for (guint i = 0; i < self->reg_aors->len; i++)
    {
      RegAor *a = g_ptr_array_index (self->reg_aors, i);

      for (guint j = 0; j < a->watchers->len; j++)
        {
          RegWatcher *w = g_ptr_array_index (a->watchers, j);

          if (pl_notifier_matches (w->notifier, request))
            return w;
        }
    }
  return NULL;
}

static void
subscribe_refresh (RegWatcher  *w,
                   PlServerTxn *txn,
                   sip_t       *sip)
{
  gboolean was_active = pl_notifier_is_active (w->notifier);

  pl_notifier_refresh (w->notifier, txn, sip);
  if (!was_active || pl_server_txn_get_status (txn) >= 300)
    return;
  if (!pl_notifier_is_active (w->notifier))
    {
      /* RFC 3265 §3.3.4: Expires: 0; pl-subscription sent the last
       * NOTIFY, "terminated;reason=timeout". */
      record_end (w, "unsubscribed");
      return;
    }
  record_subscription (w, "active", "refreshed");
  arm_watch (w);
  {
    /* §5.2: a refresh is how a watcher gets the full state again (after
     * a version gap); RFC 3265 §3.1.6.2: at once. */
    g_autoptr (PlReginfo) doc = full_document (w->aor, w->version);

    send_document (w, doc, FALSE, NULL);
  }
}

gboolean
_pl_scscf_reg_request (PlScscf     *self,
                       PlServerTxn *txn,
                       msg_t       *msg,
                       sip_t       *sip,
                       PlNode      *peer,
                       gboolean     final_hop)
{
  PlNode *node = PL_NODE (self);
  const url_t *ruri = sip->sip_request->rq_url;
  const char *package = sip->sip_event ? sip->sip_event->o_type : NULL;
  gboolean to_us = pl_node_owns_url (node, ruri);

  if (sip->sip_request->rq_method != sip_method_subscribe)
    return FALSE;

  if (sip->sip_to && sip->sip_to->a_tag)
    {
      RegWatcher *w = find_watcher (self, sip);

      if (w)
        {
          subscribe_refresh (w, txn, sip);
          return TRUE;
        }
      if (to_us && final_hop)
        {
          /* RFC 3265 §3.1.6.2 (RFC 3261 §12.2.2): a dialog we do not have. */
          pl_server_txn_reply (txn, 481, NULL);
          return TRUE;
        }
      return FALSE;
    }
  if (!final_hop)
    return FALSE;

  if (to_us)
    {
      /* Addressed to the S-CSCF itself, where it would be consumed:
       * the only package served here is reg, and it is about a public
       * identity, not about the S-CSCF. */
      if (package == NULL || g_ascii_strcasecmp (package, PACKAGE) != 0)
        {
          g_autofree char *phrase = g_strdup_printf ("Bad Event (%s)",
                                                     package ? package : "no Event header");

          record_refused (self, NULL, NULL, 489, package ? package : "no Event header");
          reply_bad_event (txn, phrase);
        }
      else
        {
          record_refused (self, NULL, NULL, 404, "the Request-URI is the S-CSCF, not a public identity");
          pl_server_txn_reply (txn, 404, "Not Found (reg is about a public identity)");
        }
      return TRUE;
    }

  /* Any other package to a user is routed to the user (terminating). */
  if (package == NULL || g_ascii_strcasecmp (package, PACKAGE) != 0
      || !_pl_scscf_is_local (self, ruri))
    return FALSE;
  subscribe_initial (self, txn, msg, sip, peer);
  return TRUE;
}

void
_pl_scscf_reg_describe (PlScscf *self,
                        PlState *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  pl_state_begin_section (state, "reg event subscriptions");
  /* reg_aors is an array: the order is the order AoRs were first watched. */
  for (guint i = 0; self->reg_aors && i < self->reg_aors->len; i++)
    {
      RegAor *aor = g_ptr_array_index (self->reg_aors, i);

      for (guint j = 0; j < aor->watchers->len; j++)
        {
          RegWatcher *w = g_ptr_array_index (aor->watchers, j);
          PlStateRow *row = pl_state_add_row (state, NULL, aor->aor, w->subscriber);

          pl_state_add_rowf (state, row, "next version", "%u", w->version);
          if (w->notifier)
            _pl_state_add_notifier (state, row, w->notifier, now);
        }
    }
}
