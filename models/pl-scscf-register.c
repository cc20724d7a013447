/* pl-scscf-register.c: REGISTER at the S-CSCF (RFC 3261 §10.3, 3GPP TS
 * 24.229 §5.4.1) and the third-party REGISTER that tells a Push Sender
 * agent (2006 draft §7.1, A.1; V1.0 B.1 step 3; TS 24.229 §5.4.1.7).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scscf"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "pl-digest.h"
#include "pl-push.h"
#include "pl-scscf-private.h"
#include "pl-transaction.h"
#include "pl-wire.h"

/* What the S-CSCF remembers of one user at one application server. */
typedef struct {
  char *call_id;
  guint32 cseq;
  gboolean registered;       /* told of a registration, not yet of its end */
} ThirdParty;

typedef struct {
  PlScscf *self;
  char *aor;
  char *to;                  /* the user's To, printed */
  const PlIfc *ifc;          /* the HSS's, not owned */
  guint32 expires;
} ThirdPartyRequest;

static void send_third_party (PlScscf     *self,
                              const char  *aor,
                              const char  *to,
                              const PlIfc *ifc,
                              guint32      expires,
                              msg_t       *original);

void
_pl_scscf_third_party_free (gpointer data)
{
  ThirdParty *state = data;

  g_free (state->call_id);
  g_free (state);
}

static void
third_party_request_free (ThirdPartyRequest *request)
{
  g_free (request->aor);
  g_free (request->to);
  g_free (request);
}

static ThirdParty *
third_party_state (PlScscf    *self,
                   const char *aor,
                   const char *server)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", aor, server);
  ThirdParty *state = g_hash_table_lookup (self->third_party, key);

  if (state == NULL)
    {
      state = g_new0 (ThirdParty, 1);
      state->call_id = pl_node_new_call_id (PL_NODE (self));
      g_hash_table_insert (self->third_party, g_steal_pointer (&key), state);
    }
  return state;
}

static void
record_registration (PlScscf    *self,
                     const char *aor,
                     const char *kind,
                     guint       n_contacts,
                     const char *apps,
                     guint32     expires,
                     const char *detail)
{
  PlTraceEvent *ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "registration");

  pl_trace_event_add_string (ev, "aor", aor);
  pl_trace_event_add_string (ev, "kind", kind);
  pl_trace_event_add_int (ev, "contacts", n_contacts);
  pl_trace_event_add_string (ev, "apps", apps ? apps : "");
  pl_trace_event_add_int (ev, "expires", expires);
  if (detail)
    pl_trace_event_add_string (ev, "detail", detail);
  pl_node_commit_event (PL_NODE (self), ev);
}

/* Network-initiated de-registration (TS 24.229 §5.4.1.5): the bindings
 * go and every server that was told of the registration hears it ended. */
static void
deregister_user (PlScscf    *self,
                 const char *aor,
                 const char *to,
                 const char *why)
{
  PlServiceProfile *profile = pl_hss_lookup (self->hss, aor, NULL);

  pl_registrar_remove_aor (_pl_scscf_registrar (self), aor);
  record_registration (self, aor, "network-deregistration", 0, NULL, 0, why);
  /* RFC 3680 §4.7 "deactivated", TS 24.229 §5.4.1.5: ended by the network. */
  _pl_scscf_reg_changed (self, aor, PL_REGINFO_EVENT_DEACTIVATED);
  for (guint i = 0; profile && i < profile->ifcs->len; i++)
    {
      const PlIfc *ifc = g_ptr_array_index (profile->ifcs, i);
      ThirdParty *state;

      if (ifc->server_name == NULL)
        continue;
      state = third_party_state (self, aor, ifc->server_name);
      if (state->registered)
        send_third_party (self, aor, to, ifc, 0, NULL);
    }
}

static void
on_third_party_response (PlClientTxn *txn,
                         msg_t       *msg,
                         sip_t       *sip,
                         gpointer     user_data)
{
  ThirdPartyRequest *request = user_data;
  PlScscf *self = request->self;
  int status = sip->sip_status->st_status;
  gboolean local = pl_client_txn_is_local_response (txn);
  ThirdParty *state;
  PlTraceEvent *ev;

  if (status < 200)
    return;

  state = third_party_state (self, request->aor, request->ifc->server_name);
  if (status >= 300)
    state->registered = FALSE;

  ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "third-party-register");
  pl_trace_event_add_string (ev, "aor", request->aor);
  pl_trace_event_add_string (ev, "server", request->ifc->server_name);
  pl_trace_event_add_int (ev, "expires", request->expires);
  pl_trace_event_add_int (ev, "status", status);
  pl_node_commit_event (PL_NODE (self), ev);

  /* TS 24.229 §5.4.1.7: no answer, a 408 or a 5xx from the server
   * applies the criterion's DefaultHandling. SESSION_CONTINUED keeps the
   * registration; SESSION_TERMINATED de-registers the user, because a
   * push service that does not know the device is registered would fail
   * every push silently. A de-registration that fails changes nothing. */
  if (request->expires > 0 && (local || status == 408 || status >= 500))
    {
      PlTraceEvent *dh = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "default-handling");
      gboolean terminate = request->ifc->default_handling == PL_DEFAULT_HANDLING_SESSION_TERMINATED;

      pl_trace_event_add_string (dh, "server", request->ifc->server_name);
      pl_trace_event_add_int (dh, "status", status);
      pl_trace_event_add_string (dh, "handling",
                                 pl_default_handling_to_string (request->ifc->default_handling));
      pl_trace_event_add_string (dh, "outcome", terminate ? "user de-registered" : "registration kept");
      pl_node_commit_event (PL_NODE (self), dh);
      if (terminate)
        {
          g_autofree char *why = g_strdup_printf ("third-party REGISTER to %s failed with %d; "
                                                  "DefaultHandling SESSION_TERMINATED",
                                                  request->ifc->server_name, status);

          deregister_user (self, request->aor, request->to, why);
        }
    }
}

/* TS 24.229 §5.4.1.7: Request-URI the server, From and Contact the
 * S-CSCF, To the registered user, Expires what was granted; the user's
 * REGISTER as a message/sip body when the criterion asks for it. */
static void
send_third_party (PlScscf     *self,
                  const char  *aor,
                  const char  *to,
                  const PlIfc *ifc,
                  guint32      expires,
                  msg_t       *original)
{
  PlNode *node = PL_NODE (self);
  ThirdParty *state = third_party_state (self, aor, ifc->server_name);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *from = g_strdup_printf ("<sip:%s>;tag=%s", pl_node_get_host (node), tag);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
  g_autofree char *cseq = g_strdup_printf ("%u REGISTER", ++state->cseq);
  g_autofree char *expires_text = g_strdup_printf ("%u", expires);
  ThirdPartyRequest *request;

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, SIP_METHOD_REGISTER,
                                                          URL_STRING_MAKE (ifc->server_name), NULL));
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_from_class, from);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_to_class, to);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_call_id_class, state->call_id);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_cseq_class, cseq);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_contact_class, contact);
  msg_header_add_make (msg, (msg_pub_t *) sip, sip_expires_class, expires_text);

  if (original && ifc->include_register_request)
    {
      g_autoptr (GBytes) bytes = pl_wire_serialize (original);
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);

      msg_header_add_make (msg, (msg_pub_t *) sip, sip_content_type_class, "message/sip");
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (home, data, (isize_t) size));
    }

  /* A server told of a registration hears of its end, even when the
   * end comes before its answer. */
  state->registered = expires > 0;

  request = g_new0 (ThirdPartyRequest, 1);
  request->self = self;
  request->aor = g_strdup (aor);
  request->to = g_strdup (to);
  request->ifc = ifc;
  request->expires = expires;
  /* The request goes with its transaction, answered or not (a sim
   * disposed mid-run frees the transaction without an answer). */
  pl_client_txn_set_destroy_notify (pl_client_txn_send (node, msg, on_third_party_response,
                                                        request),
                                    (GDestroyNotify) third_party_request_free);
}

static char *
apps_of (PlScscf   *self,
         GPtrArray *bindings)
{
  g_autoptr (GString) out = g_string_new (NULL);
  PlDialect dialect = pl_node_get_dialect (PL_NODE (self));

  for (guint i = 0; bindings && i < bindings->len; i++)
    {
      PlBinding *binding = g_ptr_array_index (bindings, i);
      g_auto (GStrv) apps = pl_push_contact_apps (dialect, binding->header);

      for (guint a = 0; apps[a]; a++)
        if (!strstr (out->str, apps[a]))
          g_string_append_printf (out, "%s%s", out->len ? " " : "", apps[a]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* RFC 3261 §8.2.2.3, RFC 3840 §9: option tags we do not support. */
static char *
unsupported_options (PlScscf *self,
                     sip_t   *sip)
{
  g_autoptr (GString) out = g_string_new (NULL);

  (void) _pl_scscf_registrar (self);  /* settles self->gruu */
  for (sip_require_t *r = sip->sip_require; r; r = r->k_next)
    for (int i = 0; r->k_items && r->k_items[i]; i++)
      {
        const char *tag = r->k_items[i];

        if ((g_ascii_strcasecmp (tag, "pref") == 0 && self->pref)
            || g_ascii_strcasecmp (tag, "path") == 0
            || (g_ascii_strcasecmp (tag, "gruu") == 0 && self->gruu))
          continue;
        g_string_append_printf (out, "%s%s", out->len ? ", " : "", tag);
      }
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* RFC 3261 §22.1 and §22.4; the password is the HSS's (Cx MAR). */
static gboolean
authenticate (PlScscf     *self,
              PlServerTxn *txn,
              sip_t       *sip,
              const char  *aor)
{
  const char *private_id = NULL;
  const char *password = pl_hss_get_password (self->hss, aor, &private_id);
  const char *nonce;
  g_autofree char *why = NULL;
  PlDigestVerdict verdict;
  msg_t *response;

  if (password == NULL)
    return TRUE;
  if (self->realm == NULL)
    self->realm = g_strdup (self->domain);

  nonce = g_hash_table_lookup (self->nonces, aor);
  verdict = nonce ? pl_digest_verify (sip, self->realm, nonce, private_id ? private_id : aor,
                                      password, &why)
                  : PL_DIGEST_MISSING;
  switch (verdict)
    {
    case PL_DIGEST_OK:
      return TRUE;
    case PL_DIGEST_MISSING:
      {
        char *fresh = g_strdup_printf ("%08x%08x", (guint) pl_node_get_index (PL_NODE (self)) + 1,
                                       ++self->n_nonces);

        g_hash_table_replace (self->nonces, g_strdup (aor), fresh);
        response = pl_server_txn_make_response (txn, 401, NULL);
        pl_digest_challenge (response, self->realm, fresh);
        pl_server_txn_respond (txn, response);
        return FALSE;
      }
    case PL_DIGEST_MALFORMED:
      record_registration (self, aor, "refused", 0, NULL, 0, why);
      pl_server_txn_reply (txn, 400, "Bad Request (malformed Authorization)");
      return FALSE;
    case PL_DIGEST_WRONG:
    default:
      record_registration (self, aor, "refused", 0, NULL, 0, why);
      pl_server_txn_reply (txn, 403, "Forbidden (authentication failed)");
      return FALSE;
    }
}

static void on_expiry (gpointer data);

static const char *
kind_name (PlRegistrationType kind)
{
  switch (kind)
    {
    case PL_REGISTRATION_INITIAL:
      return "initial";
    case PL_REGISTRATION_RE:
      return "re-registration";
    case PL_REGISTRATION_DE:
      return "de-registration";
    case PL_REGISTRATION_NONE:
    default:
      return "none";
    }
}

void
_pl_scscf_register (PlScscf     *self,
                    PlServerTxn *txn,
                    msg_t       *msg,
                    sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  g_autofree char *unsupported = unsupported_options (self, sip);
  g_autofree char *aor = NULL;
  g_autofree char *to = NULL;
  g_autofree char *apps = NULL;
  g_auto (PlRegisterResult) result = { 0 };
  PlServiceProfile *profile;
  msg_t *response;
  guint32 granted;

  if (unsupported)
    {
      response = pl_server_txn_make_response (txn, 420, NULL);
      pl_wire_add_header (response, "Unsupported", unsupported);
      pl_server_txn_respond (txn, response);
      return;
    }
  if (sip->sip_to == NULL || sip->sip_to->a_url->url_host == NULL)
    {
      pl_server_txn_reply (txn, 400, "Bad Request (no To to register)");
      return;
    }

  aor = pl_registrar_aor (sip->sip_to->a_url);
  profile = pl_hss_lookup (self->hss, aor, "SAR");
  if (profile == NULL)
    {
      /* TS 24.229 §5.4.1.2.1: an identity the HSS does not know. */
      record_registration (self, aor, "refused", 0, NULL, 0, "unknown public identity");
      pl_server_txn_reply (txn, 403, "Forbidden (unknown public identity)");
      return;
    }
  if (!authenticate (self, txn, sip, aor))
    return;

  pl_registrar_register (_pl_scscf_registrar (self), sip, pl_node_now (node), &result);
  if (result.status != 200)
    {
      response = pl_server_txn_make_response (txn, result.status, result.phrase);
      if (result.status == 423)
        {
          g_autofree char *min = g_strdup_printf ("%u", result.min_expires);

          pl_wire_add_header (response, "Min-Expires", min);
        }
      record_registration (self, aor, "refused", 0, NULL, 0, result.detail);
      pl_server_txn_respond (txn, response);
      return;
    }

  /* RFC 3261 §10.3 step 8: every current binding in the 200. */
  response = pl_server_txn_make_response (txn, 200, NULL);
  pl_registrar_add_contacts (_pl_scscf_registrar (self), result.bindings, pl_node_now (node), response);
  if (sip->sip_path)
    sip_add_dup (response, sip_object (response), (sip_header_t *) sip->sip_path);
  if (pl_node_get_dialect (node) != PL_DIALECT_OMA_1_0 && result.kind != PL_REGISTRATION_DE)
    {
      /* RFC 3608, as the 2006 draft's A.3 uses it: requests of the UE
       * come back through "orig". */
      g_autofree char *route = g_strdup_printf ("<sip:orig@%s;lr>", pl_node_get_host (node));

      pl_wire_add_header (response, "Service-Route", route);
    }
  pl_server_txn_respond (txn, response);

  granted = (guint32) (result.granted / PL_SEC (1));
  apps = apps_of (self, result.bindings);
  record_registration (self, aor, kind_name (result.kind),
                       result.bindings ? result.bindings->len : 0, apps, granted,
                       result.push_tags_removed
                         ? "re-registration without push feature tags: the push applications "
                           "are gone (§7.2)"
                         : NULL);
  _pl_scscf_reg_changed (self, aor, PL_REGINFO_EVENT_UNREGISTERED);

  /* TS 24.229 §5.4.1.7: every criterion that matches the REGISTER sends
   * its server a third-party REGISTER, in priority order. */
  to = pl_wire_header_text ((msg_header_t *) sip->sip_to);
  for (guint i = 0; i < profile->ifcs->len; i++)
    {
      const PlIfc *ifc = g_ptr_array_index (profile->ifcs, i);
      PlIfcResult ifc_result = { 0 };
      gboolean matched = pl_ifc_evaluate (ifc, sip, PL_SESSION_CASE_ORIGINATING, result.kind,
                                          TRUE, &ifc_result);

      _pl_scscf_record_ifc (self, ifc, PL_SESSION_CASE_ORIGINATING, &ifc_result, aor);
      pl_ifc_result_clear (&ifc_result);
      if (matched && ifc->server_name)
        send_third_party (self, aor, to, ifc,
                          result.kind == PL_REGISTRATION_DE ? 0 : granted, msg);
    }

  /* The bindings just granted expire at now + granted: the timer only
   * moves when that is earlier (a scan of every binding per REGISTER
   * would be quadratic in the number of users). */
  if (granted > 0)
    {
      PlTime at = pl_node_now (node) + PL_SEC (granted);

      if (self->expiry_timer == NULL || at < pl_timer_get_time (self->expiry_timer))
        {
          if (self->expiry_timer)
            pl_node_cancel_timer (node, &self->expiry_timer);
          self->expiry_timer = pl_node_add_background_timer (node, PL_SEC (granted), on_expiry,
                                                             self, NULL);
        }
    }
}

static void
on_expiry (gpointer data)
{
  PlScscf *self = data;
  g_auto (GStrv) gone = NULL;

  self->expiry_timer = NULL;
  gone = pl_registrar_expire (_pl_scscf_registrar (self), pl_node_now (PL_NODE (self)));
  for (guint i = 0; gone && gone[i]; i++)
    record_registration (self, gone[i], "expired", 0, NULL, 0,
                         "every binding expired (RFC 3261 §10.2.1.1)");
  _pl_scscf_reg_changed (self, NULL, PL_REGINFO_EVENT_EXPIRED);
  _pl_scscf_schedule_expiry (self);
}

void
_pl_scscf_schedule_expiry (PlScscf *self)
{
  PlTime next = pl_registrar_next_expiry (_pl_scscf_registrar (self));
  PlTime now = pl_node_now (PL_NODE (self));

  if (self->expiry_timer)
    pl_node_cancel_timer (PL_NODE (self), &self->expiry_timer);
  if (next == G_MAXINT64)
    return;
  self->expiry_timer = pl_node_add_background_timer (PL_NODE (self), MAX (next - now, 0),
                                                     on_expiry, self, NULL);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
_pl_scscf_third_party_describe (PlScscf *self,
                                PlState *state)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  pl_state_begin_section (state, "third-party registrations");
  g_hash_table_iter_init (&iter, self->third_party);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      const char *nl = strchr (k, '\n');
      ThirdParty *tp = g_hash_table_lookup (self->third_party, k);
      g_autofree char *aor = g_strndup (k, nl ? (gsize) (nl - k) : strlen (k));
      PlStateRow *row = pl_state_add_row (state, NULL, aor, nl ? nl + 1 : "");

      pl_state_add_row (state, row, "registered", tp->registered ? "yes" : "no");
      pl_state_add_rowf (state, row, "call-id", "%s (cseq %u)", tp->call_id, tp->cseq);
    }
}
