/* pl-receiver.c: the Push Receiver agent (node kind "receiver").
 *
 * It registers its push applications with the SIP/IP core (§7.2 of the
 * 2006 draft, 004_… §8.2 for V1.0), checks every incoming MESSAGE in the
 * order of §6.3.1 and hands the pushes that pass to the application,
 * which answers as configured. Its ua-profile subscriptions (§6.4.1)
 * are in pl-receiver-subscribe.c.
 *
 * Scenario form:
 *
 *   <node id="ue" kind="receiver" host="[5555::aaa:bbb:ccc:ddd]:1357"
 *         outbound="sip:pcscf1.visited1.net:7531" registrar="sip:home1.net"
 *         expires="600000" refresh="false" instance="urn:uuid:…" contact-user="">
 *     <identity public="sip:john.doe@home1.net" private="john.doe@home1.net"
 *               password="secret" display="John Doe"/>
 *     <app id="0x05" accept="application/vnd.syncml.ds.notification text/plain"
 *          answer="200" answer-delay="0" auid="x-wap-application:push.syncml"
 *          hangup-after="0"/>
 *     <whitelist sender="sip:psadm1@home1.net"/>
 *   </node>
 *
 * refer="accept|decline": the user's answer to a REFER (pl-receiver-refer.c).
 *
 * Actions: <register node [apps] [expires]/>, <deregister node/>,
 * <subscribe node app [expires] [uri]/>, <unsubscribe node app/>,
 * <publish node [device-profile] [expires]/>, <unpublish node/>
 * (presence source, pl-receiver-presence.c: attributes device-profile,
 * publish, publish-expires).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/url.h>

#include "pl-action.h"
#include "pl-digest.h"
#include "pl-http-client.h"
#include "pl-msrp-session.h"
#include "pl-push.h"
#include "pl-receiver-private.h"
#include "pl-transaction.h"
#include "pl-wire.h"
#include "pl-xml.h"

/* §7.2 gives no value; 600000 s is what the spec's flows register for. */
#define DEFAULT_EXPIRES 600000

/* One REGISTER, from the first request to its final response. */
struct _PlRxRegistration {
  GStrv apps;       /* the applications whose tags it carries */
  guint32 expires;
  guint n_auth;     /* challenges answered */
  gboolean retried_interval;
};

/* A push answer the application gives later (answer-delay); kept with
 * its server transaction, which lives until it is answered. */
typedef struct {
  PlReceiver *self;
  PlServerTxn *txn;
  int status;
  PlTimer *timer;
} PlPendingAnswer;

G_DEFINE_FINAL_TYPE (PlReceiver, pl_receiver, PL_TYPE_NODE)

static void registration_start (PlReceiver       *self,
                                PlRxRegistration *reg,
                                const char       *authorization);

static void
rx_app_free (gpointer data)
{
  PlRxApp *app = data;

  g_free (app->id);
  g_free (app->auid);
  g_strfreev (app->accept);
  _pl_receiver_inbox_free (app->inbox);
  g_free (app);
}

static void
registration_free (gpointer data)
{
  PlRxRegistration *reg = data;

  g_strfreev (reg->apps);
  g_free (reg);
}

static void
pending_answer_free (gpointer data)
{
  PlPendingAnswer *p = data;

  pl_node_cancel_timer (PL_NODE (p->self), &p->timer);
  g_free (p);
}

static PlDialect
effective_dialect (PlReceiver *self)
{
  PlDialect dialect = pl_node_get_dialect (PL_NODE (self));

  /* Plain SIP has no push vocabulary of its own: speak the 2006 one. */
  return dialect == PL_DIALECT_PLAIN ? PL_DIALECT_OMA_2006 : dialect;
}

PlRxApp *
_pl_receiver_find_app (PlReceiver *self,
                       const char *id)
{
  for (guint i = 0; id && i < self->apps->len; i++)
    {
      PlRxApp *app = g_ptr_array_index (self->apps, i);
      if (g_ascii_strcasecmp (app->id, id) == 0)
        return app;
    }
  return NULL;
}

static GStrv
all_app_ids (PlReceiver *self)
{
  GStrv ids = g_new0 (char *, self->apps->len + 1);

  for (guint i = 0; i < self->apps->len; i++)
    ids[i] = g_strdup (((PlRxApp *) g_ptr_array_index (self->apps, i))->id);
  return ids;
}

/* "0x05, 0x07", or "none": for errors. */
char *
_pl_receiver_installed_apps (PlReceiver *self)
{
  g_auto (GStrv) ids = all_app_ids (self);

  return ids[0] ? g_strjoinv (", ", ids) : g_strdup ("none");
}

/* "sip:john.doe@home1.net" -> user "john.doe", host "home1.net". */
static gboolean
split_sip_uri (const char  *uri,
               char       **user,
               char       **host)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url = url_make (home, uri);
  gboolean ok = url && (url->url_type == url_sip || url->url_type == url_sips) && url->url_host;

  if (ok && user)
    *user = g_strdup (url->url_user);
  if (ok && host)
    *host = g_strdup (url->url_host);
  su_home_deinit (home);
  return ok;
}

static char *
default_private_id (PlReceiver *self)
{
  const char *colon = strchr (self->public_id, ':');

  return g_strdup (colon ? colon + 1 : self->public_id);
}

static char *
registrar_uri (PlReceiver *self)
{
  g_autofree char *host = NULL;

  if (self->registrar)
    return g_strdup (self->registrar);
  split_sip_uri (self->public_id, NULL, &host);
  return g_strdup_printf ("sip:%s", host ? host : "invalid");
}

/* RFC 5626 §4.1: a URN that stays the same across restarts; V1.0 (003_…
 * B.1 step 1) registers one, derived here from the node id so runs are
 * reproducible. The 2006 draft has none. */
static char *
instance_urn (PlReceiver *self)
{
  g_autoptr (GChecksum) sha1 = NULL;
  guint8 b[20];
  gsize len = sizeof b;

  if (self->instance_set)
    return self->instance && *self->instance ? g_strdup (self->instance) : NULL;
  if (effective_dialect (self) != PL_DIALECT_OMA_1_0)
    return NULL;

  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, (const guchar *) "pushlab:receiver:", -1);
  g_checksum_update (sha1, (const guchar *) pl_node_get_id (PL_NODE (self)), -1);
  g_checksum_get_digest (sha1, b, &len);
  b[6] = (b[6] & 0x0f) | 0x50;  /* RFC 4122 §4.3: version 5, name-based */
  b[8] = (b[8] & 0x3f) | 0x80;  /* variant 10 */
  return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
                          b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
_pl_receiver_instance_urn (PlReceiver *self)
{
  return instance_urn (self);
}

char *
_pl_receiver_contact_uri (PlReceiver *self)
{
  PlNode *node = PL_NODE (self);
  g_autofree char *user = NULL;

  if (self->contact_user_set)
    user = g_strdup (self->contact_user);
  else if (effective_dialect (self) == PL_DIALECT_OMA_1_0)
    split_sip_uri (self->public_id, &user, NULL);

  return g_strdup_printf ("sip:%s%s%s:%u", user && *user ? user : "", user && *user ? "@" : "",
                          pl_node_get_hostname (node), pl_node_get_port (node));
}

/* RFC 3261 §25.1 quoted-string. */
char *
_pl_receiver_name_addr (const char *display,
                        const char *uri)
{
  GString *out = g_string_new (NULL);

  if (display && *display)
    {
      g_string_append_c (out, '"');
      for (const char *p = display; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append (out, "\" ");
    }
  g_string_append_printf (out, "<%s>", uri);
  return g_string_free (out, FALSE);
}

static char *
join_apps (const char * const *apps)
{
  return g_strjoinv (" ", (char **) (apps ? apps : (const char * const[]) { NULL }));
}

/* ---- registration (§7.2; 004_… §8.2) ---- */

static msg_t *
build_register (PlReceiver       *self,
                PlRxRegistration *reg,
                const char       *authorization)
{
  PlNode *node = PL_NODE (self);
  PlDialect dialect = effective_dialect (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *registrar = registrar_uri (self);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *aor = _pl_receiver_name_addr (self->display, self->public_id);
  g_autofree char *from = g_strdup_printf ("%s;tag=%s", aor, tag);
  g_autofree char *uri = _pl_receiver_contact_uri (self);
  g_autofree char *instance = instance_urn (self);
  g_autofree char *expires = g_strdup_printf ("%u", reg->expires);
  GString *contact = g_string_new (NULL);

  if (self->call_id == NULL)
    self->call_id = pl_node_new_call_id (node);

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_register, "REGISTER",
                                                          URL_STRING_MAKE (registrar), NULL));
  if (self->outbound)
    {
      g_autofree char *route = g_strdup_printf ("<%s;lr>", self->outbound);
      msg_header_add_make (msg, NULL, sip_route_class, route);
    }
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, aor);
  msg_header_add_make (msg, NULL, sip_call_id_class, self->call_id);
  /* §10.2.4: the CSeq grows by one for each REGISTER of the Call-ID,
   * a resubmission with credentials included (§22.2). */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, ++self->cseq, sip_method_register,
                                                       "REGISTER"));

  g_string_append_printf (contact, "<%s>", uri);
  if (instance)
    g_string_append_printf (contact, ";+sip.instance=\"<%s>\"", instance);
  /* A de-registration names the applications it ends, so that the
   * core's criteria for push registrations match it too (A.1: "The same
   * procedures apply for de-registration"). */
  if (reg->apps && reg->apps[0])
    {
      g_autofree char *params = pl_push_contact_params (dialect, (const char * const *) reg->apps);

      /* §7.2 step 2: the tag of each push application. */
      g_string_append_printf (contact, ";%s", params);
      /* 004_… §7.1.1: a V1.0 receiver taking pushes by MESSAGE discloses
       * it in the methods feature tag of its registered Contact. */
      if (dialect == PL_DIALECT_OMA_1_0)
        g_string_append (contact, ";methods=\"MESSAGE\"");
    }
  msg_header_add_make (msg, NULL, sip_contact_class, contact->str);
  g_string_free (contact, TRUE);

  msg_header_add_make (msg, NULL, sip_expires_class, expires);
  /* §7.2 step 3 and 004_… §8.2 step 3 (normative) require "pref"; the
   * informative flow B.1 leaves it out. */
  msg_header_add_make (msg, NULL, sip_require_class, "pref");
  if (dialect == PL_DIALECT_OMA_1_0)
    msg_header_add_make (msg, NULL, sip_supported_class, "gruu");  /* B.1 step 1 */
  if (authorization)
    msg_header_add_make (msg, NULL, sip_authorization_class, authorization);
  return msg;
}

/* Is @m the Contact we registered? By instance when we have one (RFC
 * 5626 §6), else by URI (RFC 3261 §10.3 step 8 compares by §19.1.4). */
static gboolean
is_our_contact (const sip_contact_t *m,
                const char          *instance,
                const url_t         *ours)
{
  if (instance)
    {
      const char *value = msg_params_find (m->m_params, "+sip.instance");
      g_autofree char *quoted = g_strdup_printf ("\"<%s>\"", instance);

      if (value && g_ascii_strcasecmp (value, quoted) == 0)
        return TRUE;
    }
  return url_cmp (m->m_url, ours) == 0;
}

static char *
param_unquoted (const sip_contact_t *m,
                const char          *name)
{
  const char *value = m ? msg_params_find (m->m_params, name) : NULL;
  gsize len;

  if (value == NULL)
    return NULL;
  len = strlen (value);
  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    return g_strndup (value + 1, len - 2);
  return g_strdup (value);
}

static void
on_refresh (gpointer data)
{
  PlReceiver *self = data;

  self->refresh_timer = NULL;
  pl_node_app_event (PL_NODE (self), "refresh", "re-registering before the binding expires");
  pl_receiver_register (self, (const char * const *) self->registered_apps,
                        self->registered_expires);
}

/* RFC 3608 §6.1: each 200 to REGISTER replaces the service route (one
 * without Service-Route leaves none); a de-registration ends it. */
static void
remember_service_route (PlReceiver *self,
                        sip_t      *sip)
{
  GPtrArray *route = g_ptr_array_new ();

  for (const sip_service_route_t *r = sip ? sip->sip_service_route : NULL; r; r = r->r_next)
    {
      char *text = pl_wire_header_text ((const msg_header_t *) r);

      if (text)
        g_ptr_array_add (route, text);
    }
  g_ptr_array_add (route, NULL);
  g_strfreev (self->service_route);
  self->service_route = (GStrv) g_ptr_array_free (route, FALSE);
}

static void
registration_succeeded (PlReceiver       *self,
                        PlRxRegistration *reg,
                        sip_t            *sip)
{
  PlNode *node = PL_NODE (self);
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *instance = instance_urn (self);
  g_autofree char *uri = _pl_receiver_contact_uri (self);
  url_t *ours = url_make (home, uri);
  const sip_contact_t *found = NULL;
  guint64 granted = reg->expires;
  g_autofree char *apps = join_apps ((const char * const *) reg->apps);
  g_autofree char *pub_gruu = NULL;
  g_autofree char *temp_gruu = NULL;
  PlTraceEvent *event;

  for (const sip_contact_t *m = sip->sip_contact; m && ours; m = m->m_next)
    if (is_our_contact (m, instance, ours))
      {
        found = m;
        break;
      }
  su_home_deinit (home);

  /* RFC 3261 §10.2.4: the binding's expires parameter, else Expires. */
  if (found && found->m_expires)
    granted = g_ascii_strtoull (found->m_expires, NULL, 10);
  else if (sip->sip_expires)
    granted = sip->sip_expires->ex_delta;

  pl_node_cancel_timer (node, &self->refresh_timer);
  if (reg->expires == 0)
    {
      self->registered = FALSE;
      g_clear_pointer (&self->registered_apps, g_strfreev);
      remember_service_route (self, NULL);
      event = pl_node_begin_event (node, PL_EVENT_APP, "deregistered");
      pl_trace_event_add_string (event, "aor", self->public_id);
      pl_node_commit_event (node, event);
      return;
    }

  self->registered = TRUE;
  self->registered_until = pl_node_now (node) + PL_SEC (granted);
  g_strfreev (self->registered_apps);
  self->registered_apps = g_strdupv (reg->apps);
  self->registered_expires = reg->expires;
  remember_service_route (self, sip);

  /* RFC 5627 §4.2 (V1.0, B.1 step 2): the GRUUs of our binding. */
  pub_gruu = param_unquoted (found, "pub-gruu");
  temp_gruu = param_unquoted (found, "temp-gruu");
  event = pl_node_begin_event (node, PL_EVENT_APP, "registered");
  pl_trace_event_add_string (event, "aor", self->public_id);
  pl_trace_event_add_int (event, "expires", (gint64) granted);
  pl_trace_event_add_string (event, "apps", apps);
  if (pub_gruu)
    pl_trace_event_add_string (event, "pub-gruu", pub_gruu);
  if (temp_gruu)
    pl_trace_event_add_string (event, "temp-gruu", temp_gruu);
  pl_node_commit_event (node, event);
  _pl_receiver_presence_registered (self);

  if (self->refresh && granted > 0)
    {
      /* TS 24.229 5.1.1.4: 600 s before expiry when the registration
       * lasts more than 1200 s, else when half of it has passed. */
      PlTime delay = granted > 1200 ? PL_SEC (granted - 600) : PL_SEC (granted) / 2;

      self->refresh_timer = pl_node_add_background_timer (node, delay, on_refresh, self, NULL);
    }
}

static void
registration_failed (PlReceiver *self,
                     int         status,
                     const char *reason,
                     const char *detail)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "register-failed");

  pl_trace_event_add_int (event, "status", status);
  pl_trace_event_add_string (event, "reason", reason ? reason : "");
  if (detail)
    pl_trace_event_add_string (event, "detail", detail);
  pl_node_commit_event (PL_NODE (self), event);
}

static void
registration_next (PlReceiver *self)
{
  PlRxRegistration *next;

  g_clear_pointer (&self->current, registration_free);
  next = g_queue_pop_head (&self->queued);
  if (next)
    registration_start (self, next, NULL);
}

static void
on_register_response (PlClientTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip,
                      gpointer     user_data)
{
  PlReceiver *self = user_data;
  PlRxRegistration *reg = self->current;
  int status = sip->sip_status->st_status;
  const char *phrase = sip->sip_status->st_phrase;

  if (status < 200)
    return;
  g_assert (reg != NULL);

  if (status == 401 && reg->n_auth == 0)
    {
      g_autofree char *cnonce = g_strdup_printf ("%s-%u", pl_node_get_id (PL_NODE (self)),
                                                 ++self->n_cnonce);
      g_autofree char *private_id = self->private_id ? g_strdup (self->private_id)
                                                     : default_private_id (self);
      g_autofree char *authorization = NULL;

      if (self->password)
        authorization = pl_digest_authorize (sip, sip_object (pl_client_txn_get_request (txn)),
                                             private_id, self->password, cnonce, 1);
      if (authorization)
        {
          /* RFC 3261 §22.2: resubmit once with credentials. */
          reg->n_auth++;
          registration_start (self, reg, authorization);
          return;
        }
      registration_failed (self, status, phrase,
                           self->password ? "cannot answer the challenge"
                                          : "challenged, but no password is configured");
    }
  else if (status == 423 && sip->sip_min_expires && !reg->retried_interval)
    {
      /* RFC 3261 §10.2.8: retry with at least Min-Expires. */
      reg->retried_interval = TRUE;
      reg->expires = sip->sip_min_expires->me_delta;
      registration_start (self, reg, NULL);
      return;
    }
  else if (status >= 200 && status < 300)
    registration_succeeded (self, reg, sip);
  else
    registration_failed (self, status, phrase,
                         status == 401 ? "challenged again after answering" : NULL);

  registration_next (self);
}

static void
registration_start (PlReceiver       *self,
                    PlRxRegistration *reg,
                    const char       *authorization)
{
  self->current = reg;
  pl_client_txn_send (PL_NODE (self), build_register (self, reg, authorization),
                      on_register_response, self);
}

/* ---- requests: MESSAGE (§6.3.1), NOTIFY (§6.4.1.2), OPTIONS ---- */

static gboolean
is_printable (const char *data,
              gsize       len)
{
  const char *p = data;

  if (!g_utf8_validate_len (data, len, NULL))
    return FALSE;
  while (p < data + len)
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) && c != '\t' && c != '\r' && c != '\n')
        return FALSE;
      p = g_utf8_next_char (p);
    }
  return TRUE;
}

/* Fields of "push" and "message" events: what arrived. */
static void
add_content_fields (PlTraceEvent *event,
                    msg_t        *msg,
                    sip_t        *sip,
                    const char   *from,
                    const char   *content_type,
                    GBytes       *content)
{
  const char *data = sip->sip_payload ? sip->sip_payload->pl_data : "";
  gsize len = sip->sip_payload ? sip->sip_payload->pl_len : 0;
  g_autofree char *called = pl_wire_header_value (msg, "P-Called-Party-ID");

  /* Content by reference: what was fetched, not the reference. */
  if (content)
    data = g_bytes_get_data (content, &len);
  if (data == NULL)
    data = "";
  if (from)
    pl_trace_event_add_string (event, "from", from);
  if (content_type)
    pl_trace_event_add_string (event, "content-type", content_type);
  else
    pl_trace_event_add_string (event, "content-type",
                               sip->sip_content_type ? sip->sip_content_type->c_type : "");
  pl_trace_event_add_int (event, "bytes", (gint64) len);
  if (is_printable (data, len))
    {
      g_autofree char *text = g_strndup (data, len);
      pl_trace_event_add_string (event, "body", text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("<%" G_GSIZE_FORMAT " bytes>", len);
      pl_trace_event_add_string (event, "body", text);
    }
  /* V1.0 (003_… B.2 step 2): the core names the GRUU it delivered to. */
  if (called)
    pl_trace_event_add_string (event, "called-party", called);
  if (url_has_param (sip->sip_request->rq_url, "gr"))
    {
      su_home_t home[1] = { SU_HOME_INIT (home) };
      pl_trace_event_add_string (event, "gruu", url_as_string (home, sip->sip_request->rq_url));
      su_home_deinit (home);
    }
}

void
_pl_receiver_reject (PlReceiver  *self,
                     PlServerTxn *txn,
                     msg_t       *response,
                     const char  *app,
                     const char  *method,
                     const char  *reason)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "push-rejected");

  pl_trace_event_add_int (event, "status", sip_object (response)->sip_status->st_status);
  pl_trace_event_add_string (event, "reason", reason);
  if (app)
    pl_trace_event_add_string (event, "app", app);
  if (method)
    pl_trace_event_add_string (event, "method", method);
  pl_node_commit_event (PL_NODE (self), event);
  pl_server_txn_respond (txn, response);
}

msg_t *
_pl_receiver_unsupported_type (PlServerTxn   *txn,
                               const PlRxApp *app)
{
  msg_t *response = pl_server_txn_make_response (txn, 415, NULL);
  g_autofree char *accept = g_strjoinv (", ", app->accept);

  msg_header_add_make (response, NULL, sip_accept_class, accept);
  return response;
}

gboolean
_pl_receiver_accepts_type (const PlRxApp *app,
                           const char    *type)
{
  for (guint i = 0; app->accept[i]; i++)
    if (pl_wire_media_range_matches (app->accept[i], type))
      return TRUE;
  return FALSE;
}

static gboolean
on_whitelist (PlReceiver                      *self,
              const sip_p_asserted_identity_t *pai)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  gboolean found = FALSE;

  for (guint i = 0; i < self->whitelist->len && !found; i++)
    {
      url_t *allowed = url_make (home, g_ptr_array_index (self->whitelist, i));

      /* RFC 3261 §19.1.4: compared as URIs, display names play no part. */
      for (const sip_p_asserted_identity_t *id = pai; id && allowed && !found; id = id->paid_next)
        found = url_cmp (id->paid_url, allowed) == 0;
    }
  su_home_deinit (home);
  return found;
}

gboolean
_pl_receiver_on_whitelist (PlReceiver                      *self,
                           const sip_p_asserted_identity_t *pai)
{
  return on_whitelist (self, pai);
}

static void
on_answer_due (gpointer data)
{
  PlPendingAnswer *p = data;

  p->timer = NULL;
  pl_server_txn_reply (p->txn, p->status, NULL);
}

static void
deliver (PlReceiver  *self,
         PlServerTxn *txn,
         msg_t       *msg,
         sip_t       *sip,
         PlRxApp     *app,
         const char  *from,
         const char  *method,
         const char  *content_type,
         GBytes      *content,
         const char  *url)
{
  PlNode *node = PL_NODE (self);
  PlTraceEvent *event;
  PlPendingAnswer *p;

  self->n_pushes++;
  event = pl_node_begin_event (node, PL_EVENT_APP, "push");
  pl_trace_event_add_string (event, "app", app->id);
  add_content_fields (event, msg, sip, from, content_type, content);
  if (url)
    pl_trace_event_add_string (event, "url", url);
  if (app->answer)
    {
      g_autofree char *answer = g_strdup_printf ("%d", app->answer);
      pl_trace_event_add_string (event, "answer", answer);
    }
  else
    pl_trace_event_add_string (event, "answer", "none");
  if (method)
    pl_trace_event_add_string (event, "method", method);
  pl_node_commit_event (node, event);
  _pl_receiver_inbox_add (self, app, sip, from, method, content_type, content);

  if (app->answer == 0)
    return;  /* never answers: the sender's timer F gives it a 408 */
  if (app->delay == 0)
    {
      pl_server_txn_reply (txn, app->answer, NULL);
      return;
    }
  p = g_new0 (PlPendingAnswer, 1);
  p->self = self;
  p->txn = txn;
  p->status = app->answer;
  p->timer = pl_node_add_timer (node, app->delay, on_answer_due, p, NULL);
  pl_server_txn_set_data (txn, p, pending_answer_free);
}

void
_pl_receiver_deliver (PlReceiver  *self,
                      PlServerTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip,
                      PlRxApp     *app,
                      const char  *from,
                      const char  *method)
{
  deliver (self, txn, msg, sip, app, from, method, NULL, NULL, NULL);
}

void
_pl_receiver_deliver_content (PlReceiver  *self,
                              PlServerTxn *txn,
                              msg_t       *msg,
                              sip_t       *sip,
                              PlRxApp     *app,
                              const char  *from,
                              const char  *content_type,
                              GBytes      *content,
                              const char  *url)
{
  deliver (self, txn, msg, sip, app, from, NULL, content_type, content, url);
}

static void
handle_message (PlReceiver  *self,
                PlServerTxn *txn,
                msg_t       *msg,
                sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  PlDialect dialect = effective_dialect (self);
  g_autofree char *app_id = pl_push_targeted_app (dialect, sip->sip_accept_contact);
  g_autofree char *pai_text = pl_wire_header_value (msg, "P-Asserted-Identity");
  sip_p_asserted_identity_t *pai = NULL;
  g_autofree char *from = NULL;
  g_autofree char *reason = NULL;
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  PlRxReference *ref = NULL;
  PlRxApp *app;
  PlTraceEvent *event;

  if (pai_text)
    pai = sip_p_asserted_identity_make (msg_home (msg), pai_text);
  if (pai)
    from = g_strdup (url_as_string (msg_home (msg), pai->paid_url));

  /* §6.3.1 step 1: the core asserted who sent it (TS 24.229). */
  if (pai == NULL)
    {
      const char *phrase = pai_text ? "Invalid P-Asserted-Identity" : "No P-Asserted-Identity";

      _pl_receiver_reject (self, txn, pl_server_txn_make_response (txn, 403, phrase), app_id,
                           NULL,
                           pai_text ? "the P-Asserted-Identity does not parse"
                                    : "no P-Asserted-Identity");
      return;
    }

  /* §6.3.1 step 2. Without any push feature tag the MESSAGE pertains to
   * no push application: §1.1 (000_… line 817) leaves it to "the
   * underlying SIP stack", whose forwarding rule is "implementation
   * dependent"; ours takes it as an ordinary RFC 3428 MESSAGE. A tag
   * naming an application this device does not have: the application is
   * not available here, 480 (RFC 3261 §21.4.18). */
  if (app_id == NULL)
    {
      event = pl_node_begin_event (node, PL_EVENT_APP, "message");
      add_content_fields (event, msg, sip, from, NULL, NULL);
      pl_node_commit_event (node, event);
      pl_server_txn_reply (txn, 200, NULL);
      return;
    }
  app = _pl_receiver_find_app (self, app_id);
  if (app == NULL)
    {
      reason = g_strdup_printf ("push application %s is not installed", app_id);
      _pl_receiver_reject (self, txn, pl_server_txn_make_response (txn, 480, NULL), app_id,
                           NULL, reason);
      return;
    }

  /* Step 4 (004_… §7.1.1): content by reference, RFC 4483. What the
   * application gets is what the reference names. */
  if (_pl_receiver_is_reference (sip))
    {
      int status;

      ref = _pl_receiver_parse_reference (sip, &status, &reason);
      if (ref == NULL)
        {
          msg_t *response = status == 415 ? _pl_receiver_unsupported_type (txn, app)
                                          : pl_server_txn_make_response (txn, status, NULL);

          _pl_receiver_reject (self, txn, response, app_id, NULL, reason);
          return;
        }
      type = _pl_receiver_reference_get_type (ref);
    }

  /* The application must be able to take the content (RFC 3261
   * §21.4.13: 415 lists what it takes in Accept). */
  if (!_pl_receiver_accepts_type (app, type))
    {
      reason = g_strdup_printf ("content type %s is not accepted by %s", type ? type : "(none)",
                                app_id);
      _pl_receiver_reference_free (ref);
      _pl_receiver_reject (self, txn, _pl_receiver_unsupported_type (txn, app), app_id, NULL,
                           reason);
      return;
    }

  /* The whitelist is this model's own policy on top of §6.3.1 (which
   * trusts whatever the core asserted): only the listed senders. */
  if (self->whitelist->len > 0 && !on_whitelist (self, pai))
    {
      reason = g_strdup_printf ("sender %s is not on the whitelist", from ? from : "?");
      _pl_receiver_reference_free (ref);
      _pl_receiver_reject (self, txn, pl_server_txn_make_response (txn, 403, NULL), app_id,
                           NULL, reason);
      return;
    }

  if (ref)
    {
      _pl_receiver_fetch_reference (self, txn, msg, app, from, ref);
      return;
    }
  /* §6.3.1 steps 3 and 4: to the application, which answers. */
  _pl_receiver_deliver (self, txn, msg, sip, app, from, NULL);
}

static void
pl_receiver_request (PlNode      *node,
                     PlServerTxn *txn,
                     msg_t       *msg,
                     sip_t       *sip)
{
  PlReceiver *self = PL_RECEIVER (node);
  msg_t *response;

  if (txn == NULL)
    {
      _pl_receiver_invite_ack (self, sip);  /* the ACK of a push session's 2xx */
      return;
    }

  switch (sip->sip_request->rq_method)
    {
    case sip_method_message:
      handle_message (self, txn, msg, sip);
      return;
    case sip_method_notify:
      _pl_receiver_notify (self, txn, msg, sip);
      return;
    case sip_method_refer:
      _pl_receiver_refer (self, txn, msg, sip);
      return;
    case sip_method_invite:
    case sip_method_bye:
      _pl_receiver_invite (self, txn, msg, sip);
      return;
    case sip_method_options:
      response = pl_server_txn_make_response (txn, 200, NULL);
      break;
    case sip_method_cancel:
      if (_pl_receiver_invite_cancel (self, txn))
        return;
      /* RFC 3261 §9.2: no pending INVITE of ours to cancel, and a
       * CANCEL is never itself refused. */
      pl_server_txn_reply (txn, 481, NULL);
      return;
    default:
      response = pl_server_txn_make_response (txn, 405, NULL);  /* §8.2.1 */
      break;
    }
  /* We watch (NOTIFY) but notify no one: no SUBSCRIBE here. */
  msg_header_add_make (response, NULL, sip_allow_class,
                       "MESSAGE, NOTIFY, OPTIONS, REFER, INVITE, ACK, BYE, CANCEL");
  pl_server_txn_respond (txn, response);
}

/* ---- configuration and actions ---- */

gboolean
_pl_receiver_check_uri (PlXmlContext  *ctx,
                        xmlNode       *element,
                        const char    *attr,
                        gboolean       need_user,
                        GError       **error)
{
  const char *value = pl_xml_attr (element, attr);
  g_autofree char *user = NULL;

  if (value == NULL)
    return TRUE;
  if (!split_sip_uri (value, &user, NULL) || (need_user && (user == NULL || *user == '\0')))
    return pl_xml_error (ctx, error, element, attr,
                         "attribute '%s' of <%s>: expected a SIP URI such as %s, got '%s'", attr,
                         (const char *) element->name,
                         need_user ? "sip:john.doe@home1.net" : "sip:pcscf1.visited1.net:7531",
                         value);
  return TRUE;
}

/* Feature-tag names and quoted values take these safely. */
static gboolean
is_app_id (const char *id)
{
  if (*id == '\0')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr (".-_+", *p))
      return FALSE;
  return TRUE;
}

/* A URN or a registered id: visible ASCII that a quoted-string needs no
 * escape for. */
static gboolean
is_auid (const char *auid)
{
  if (*auid == '\0')
    return FALSE;
  for (const char *p = auid; *p; p++)
    if (!g_ascii_isgraph (*p) || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

static gboolean
configure_app (PlReceiver    *self,
               PlXmlContext  *ctx,
               xmlNode       *child,
               GError       **error)
{
  static const char *const attrs[] = { "id", "accept", "answer", "answer-delay", "auid",
                                       "hangup-after", NULL };
  static const char *const answers[] = { "200", "603", "503", "500", "none", NULL };
  static const int codes[] = { 200, 603, 503, 500, 0 };
  const char *id, *accept, *auid;
  g_auto (GStrv) types = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  PlRxApp *app;
  int answer;

  if (!pl_xml_check_attrs (ctx, child, attrs, error)
      || !pl_xml_require_attr (ctx, child, "id", &id, error)
      || !pl_xml_require_attr (ctx, child, "accept", &accept, error))
    return FALSE;
  if (!is_app_id (id))
    return pl_xml_error (ctx, error, child, "id",
                         "attribute 'id' of <app>: expected a push application id such as "
                         "0x05 or mms.ua (letters, digits, '.', '-', '_', '+'), got '%s'", id);
  /* §1.1: "the numeric value '0x00' MUST NOT be used". */
  if (g_ascii_strcasecmp (id, "0x00") == 0)
    return pl_xml_error (ctx, error, child, "id",
                         "attribute 'id' of <app>: 0x00 is not a push application id (§1.1)");
  if (_pl_receiver_find_app (self, id))
    return pl_xml_error (ctx, error, child, "id",
                         "attribute 'id' of <app>: application '%s' is installed twice", id);

  types = g_strsplit_set (accept, " \t\n,", -1);
  for (guint i = 0; types[i]; i++)
    {
      char *type = g_strstrip (types[i]);
      char *semi = strchr (type, ';');
      char *slash;

      if (semi)
        *semi = '\0';
      g_strstrip (type);
      if (*type == '\0')
        continue;
      slash = strchr (type, '/');
      if (slash == NULL || slash == type || slash[1] == '\0' || strchr (slash + 1, '/'))
        return pl_xml_error (ctx, error, child, "accept",
                             "attribute 'accept' of <app>: expected content types such as "
                             "'text/plain application/vnd.syncml.ds.notification', got '%s'",
                             accept);
      g_ptr_array_add (list, g_ascii_strdown (type, -1));
    }
  if (list->len == 0)
    return pl_xml_error (ctx, error, child, "accept",
                         "attribute 'accept' of <app>: name at least one content type");
  g_ptr_array_add (list, NULL);

  if (!pl_xml_attr_enum (ctx, child, "answer", answers, 0, &answer, error))
    return FALSE;

  /* §6.4.1.1 step 3: the OMNA Push Application ID, quoted in Event. */
  auid = pl_xml_attr (child, "auid");
  if (auid && !is_auid (auid))
    return pl_xml_error (ctx, error, child, "auid",
                         "attribute 'auid' of <app>: expected an OMNA push application id "
                         "such as x-wap-application:push.syncml, got '%s'", auid);

  app = g_new0 (PlRxApp, 1);
  app->id = g_strdup (id);
  app->auid = g_strdup (auid ? auid : id);
  app->accept = (GStrv) g_ptr_array_steal (list, NULL);
  app->answer = codes[answer];
  g_ptr_array_add (self->apps, app);
  return pl_xml_attr_duration (ctx, child, "answer-delay", 0, &app->delay, error)
         && pl_xml_attr_duration (ctx, child, "hangup-after", 0, &app->hangup, error);
}

static gboolean
pl_receiver_configure (PlNode        *node,
                       PlXmlContext  *ctx,
                       xmlNode       *element,
                       GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "outbound", "registrar", "expires",
                                       "refresh", "instance", "contact-user", "device-profile",
                                       "publish", "publish-expires", "refer",
                                       NULL };
  static const char *const identity_attrs[] = { "public", "private", "password", "display",
                                                NULL };
  static const char *const whitelist_attrs[] = { "sender", NULL };
  PlReceiver *self = PL_RECEIVER (node);
  xmlNode *identity = NULL;
  const char *value;
  guint64 expires;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !_pl_receiver_check_uri (ctx, element, "outbound", FALSE, error)
      || !_pl_receiver_check_uri (ctx, element, "registrar", FALSE, error)
      || !pl_xml_attr_uint (ctx, element, "expires", DEFAULT_EXPIRES, 0, G_MAXUINT32, &expires,
                            error)
      || !pl_xml_attr_bool (ctx, element, "refresh", FALSE, &self->refresh, error)
      || !_pl_receiver_presence_configure (self, ctx, element, error)
      || !_pl_receiver_configure_refer (self, ctx, element, error))
    return FALSE;
  self->expires = (guint32) expires;
  pl_receiver_set_core (self, pl_xml_attr (element, "outbound"),
                        pl_xml_attr (element, "registrar"));

  if ((value = pl_xml_attr (element, "instance")) != NULL)
    {
      /* RFC 5626 §4.1: the instance id is a URN. */
      if (*value && g_ascii_strncasecmp (value, "urn:", 4) != 0)
        return pl_xml_error (ctx, error, element, "instance",
                             "attribute 'instance': expected a URN such as "
                             "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 (or \"\" for none), "
                             "got '%s'", value);
      self->instance = g_strdup (value);
      self->instance_set = TRUE;
    }
  if ((value = pl_xml_attr (element, "contact-user")) != NULL)
    {
      g_autofree char *probe = g_strdup_printf ("sip:%s@example.net", value);

      if (*value && (!split_sip_uri (probe, NULL, NULL) || strpbrk (value, "@:;<>\" ")))
        return pl_xml_error (ctx, error, element, "contact-user",
                             "attribute 'contact-user': expected the user part of a SIP URI, "
                             "got '%s'", value);
      self->contact_user = g_strdup (value);
      self->contact_user_set = TRUE;
    }

  pl_xml_foreach_element (element, child)
    {
      const char *name = (const char *) child->name;

      if (g_str_equal (name, "identity"))
        {
          const char *public_id;

          if (identity)
            return pl_xml_error (ctx, error, child, NULL,
                                 "a 'receiver' node has one <identity> (the first is on line %d)",
                                 pl_xml_get_line (identity));
          identity = child;
          if (!pl_xml_check_attrs (ctx, child, identity_attrs, error)
              || !pl_xml_require_attr (ctx, child, "public", &public_id, error)
              || !_pl_receiver_check_uri (ctx, child, "public", TRUE, error))
            return FALSE;
          pl_receiver_set_identity (self, public_id, pl_xml_attr (child, "private"),
                                    pl_xml_attr (child, "password"));
          self->display = g_strdup (pl_xml_attr (child, "display"));
        }
      else if (g_str_equal (name, "app"))
        {
          if (!configure_app (self, ctx, child, error))
            return FALSE;
        }
      else if (g_str_equal (name, "whitelist"))
        {
          const char *sender;

          if (!pl_xml_check_attrs (ctx, child, whitelist_attrs, error)
              || !pl_xml_require_attr (ctx, child, "sender", &sender, error)
              || !_pl_receiver_check_uri (ctx, child, "sender", FALSE, error))
            return FALSE;
          g_ptr_array_add (self->whitelist, g_strdup (sender));
        }
      else
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of a 'receiver' node: expected <identity>, "
                             "<app> or <whitelist>", name);
    }

  if (identity == NULL)
    return pl_xml_error (ctx, error, element, NULL,
                         "a 'receiver' node needs <identity public=\"sip:user@domain\"/>");
  return TRUE;
}

/* The first hop of REGISTER must be a node of the network. */
static gboolean
pl_receiver_resolve (PlNode        *node,
                     PlXmlContext  *ctx,
                     xmlNode       *element,
                     GError       **error)
{
  PlReceiver *self = PL_RECEIVER (node);
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *registrar = registrar_uri (self);
  const char *attr = self->outbound ? "outbound" : "registrar";
  const char *hop = self->outbound ? self->outbound : registrar;
  url_t *url = url_make (home, hop);
  gboolean ok = url && url->url_host
                && pl_sim_resolve (pl_node_get_sim (node), url->url_host,
                                   url->url_port ? (guint16) g_ascii_strtoull (url->url_port, NULL, 10)
                                                 : 0) != NULL;

  su_home_deinit (home);
  if (!ok)
    return pl_xml_error (ctx, error, element, pl_xml_attr (element, attr) ? attr : NULL,
                         "REGISTER of '%s' would go to %s, and no node has that host "
                         "(set outbound or registrar to a node's host)",
                         pl_node_get_id (node), hop);
  return TRUE;
}

typedef struct {
  GStrv apps;       /* NULL: every installed application */
  guint32 expires;
} PlRegisterSpec;

static void
register_spec_free (gpointer data)
{
  PlRegisterSpec *spec = data;

  g_strfreev (spec->apps);
  g_free (spec);
}

static void
run_register (PlNode  *node,
              gpointer data)
{
  PlRegisterSpec *spec = data;

  pl_receiver_register (PL_RECEIVER (node), (const char * const *) spec->apps, spec->expires);
}

static PlAction *
pl_receiver_parse_action (PlNode        *node,
                          PlXmlContext  *ctx,
                          xmlNode       *element,
                          GError       **error)
{
  static const char *const register_attrs[] = { "node", "apps", "expires", NULL };
  static const char *const deregister_attrs[] = { "node", NULL };
  PlReceiver *self = PL_RECEIVER (node);
  const char *verb = (const char *) element->name;
  PlRegisterSpec *spec;

  if (g_str_equal (verb, "register"))
    {
      const char *apps = pl_xml_attr (element, "apps");
      g_auto (GStrv) ids = NULL;
      g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
      guint64 expires;

      if (!pl_xml_check_attrs (ctx, element, register_attrs, error)
          || !pl_xml_attr_uint (ctx, element, "expires", self->expires, 0, G_MAXUINT32,
                                &expires, error))
        return NULL;
      if (apps)
        {
          ids = g_strsplit_set (apps, " \t\n,", -1);
          for (guint i = 0; ids[i]; i++)
            {
              if (*ids[i] == '\0')
                continue;
              if (_pl_receiver_find_app (self, ids[i]) == NULL)
                {
                  g_auto (GStrv) installed = all_app_ids (self);
                  g_autofree char *known = g_strjoinv (", ", installed);

                  return pl_xml_error (ctx, error, element, "apps",
                                       "attribute 'apps': '%s' is not installed on '%s' "
                                       "(installed: %s)", ids[i], pl_node_get_id (node),
                                       *known ? known : "none"), NULL;
                }
              g_ptr_array_add (list, g_strdup (ids[i]));
            }
          g_ptr_array_add (list, NULL);
        }
      spec = g_new0 (PlRegisterSpec, 1);
      spec->apps = apps ? (GStrv) g_ptr_array_steal (list, NULL) : NULL;
      spec->expires = (guint32) expires;
      return pl_action_new (node, verb, run_register, spec, register_spec_free);
    }
  if (g_str_equal (verb, "subscribe") || g_str_equal (verb, "unsubscribe"))
    return _pl_receiver_parse_subscription_action (self, ctx, element, error);
  if (g_str_equal (verb, "publish") || g_str_equal (verb, "unpublish"))
    return _pl_receiver_parse_presence_action (self, ctx, element, error);
  if (g_str_equal (verb, "deregister"))
    {
      if (!pl_xml_check_attrs (ctx, element, deregister_attrs, error))
        return NULL;
      spec = g_new0 (PlRegisterSpec, 1);
      spec->apps = NULL;  /* the applications registered now */
      spec->expires = 0;
      return pl_action_new (node, verb, run_register, spec, register_spec_free);
    }
  pl_xml_error (ctx, error, element, NULL,
                "a 'receiver' node has no action <%s>: expected <register>, <deregister>, "
                "<subscribe>, <unsubscribe>, <publish> or <unpublish>", verb);
  return NULL;
}

static void
pl_receiver_finalize (GObject *object)
{
  PlReceiver *self = PL_RECEIVER (object);

  pl_node_cancel_timer (PL_NODE (self), &self->refresh_timer);
  g_clear_pointer (&self->refers, g_ptr_array_unref);
  g_clear_pointer (&self->invites, g_ptr_array_unref);
  g_clear_pointer (&self->subscriptions, g_ptr_array_unref);
  g_clear_pointer (&self->presence, _pl_receiver_presence_free);
  g_clear_pointer (&self->http, pl_http_client_free);
  g_free (self->public_id);
  g_free (self->private_id);
  g_free (self->password);
  g_free (self->display);
  g_free (self->outbound);
  g_free (self->registrar);
  g_free (self->instance);
  g_free (self->contact_user);
  g_clear_pointer (&self->apps, g_ptr_array_unref);
  g_clear_pointer (&self->whitelist, g_ptr_array_unref);
  g_free (self->call_id);
  g_clear_pointer (&self->current, registration_free);
  g_queue_clear_full (&self->queued, registration_free);
  g_strfreev (self->registered_apps);
  g_strfreev (self->service_route);

  G_OBJECT_CLASS (pl_receiver_parent_class)->finalize (object);
}

/* MSRP frames of push sessions, HTTP answers to fetches of content by
 * reference. */
static void
pl_receiver_stream (PlNode     *node,
                    PlNode     *from,
                    const char *proto,
                    GBytes     *bytes)
{
  PlReceiver *self = PL_RECEIVER (node);

  /* B.3 steps 7–11: the frames of a push's MSRP session. */
  if (pl_msrp_session_dispatch (node, from, proto, bytes))
    return;
  if (g_strcmp0 (proto, "http") == 0 && self->http
      && pl_http_client_receive (self->http, from, bytes))
    return;
  pl_node_app_event (node, "error", "%s bytes from %s answer nothing of ours", proto,
                     pl_node_get_id (from));
}

static void
pl_receiver_class_init (PlReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_receiver_finalize;
  node_class->configure = pl_receiver_configure;
  node_class->resolve = pl_receiver_resolve;
  node_class->parse_action = pl_receiver_parse_action;
  node_class->request = pl_receiver_request;
  node_class->stream = pl_receiver_stream;
  node_class->describe = _pl_receiver_describe;
}

static void
pl_receiver_init (PlReceiver *self)
{
  self->expires = DEFAULT_EXPIRES;
  self->apps = g_ptr_array_new_with_free_func (rx_app_free);
  self->whitelist = g_ptr_array_new_with_free_func (g_free);
  self->subscriptions = g_ptr_array_new_with_free_func (_pl_receiver_subscription_free);
  self->refers = g_ptr_array_new_with_free_func (_pl_receiver_refer_free);
  self->invites = g_ptr_array_new_with_free_func (_pl_receiver_invite_free);
  g_queue_init (&self->queued);
}

/* ---- public API ---- */

void
pl_receiver_set_identity (PlReceiver *self,
                          const char *public_id,
                          const char *private_id,
                          const char *password)
{
  g_return_if_fail (PL_IS_RECEIVER (self));
  g_return_if_fail (public_id != NULL);

  g_free (self->public_id);
  self->public_id = g_strdup (public_id);
  g_free (self->private_id);
  self->private_id = g_strdup (private_id);
  g_free (self->password);
  self->password = g_strdup (password);
}

void
pl_receiver_set_core (PlReceiver *self,
                      const char *outbound,
                      const char *registrar)
{
  g_return_if_fail (PL_IS_RECEIVER (self));

  g_free (self->outbound);
  self->outbound = outbound && *outbound ? g_strdup (outbound) : NULL;
  g_free (self->registrar);
  self->registrar = registrar && *registrar ? g_strdup (registrar) : NULL;
}

void
pl_receiver_add_app (PlReceiver         *self,
                     const char         *app,
                     const char * const *accept,
                     int                 answer)
{
  PlRxApp *rx;
  GPtrArray *types;

  g_return_if_fail (PL_IS_RECEIVER (self));
  g_return_if_fail (app != NULL && is_app_id (app));
  g_return_if_fail (accept != NULL && accept[0] != NULL);
  g_return_if_fail (answer == 0 || answer == 200 || answer == 603 || answer == 503
                    || answer == 500);
  g_return_if_fail (_pl_receiver_find_app (self, app) == NULL);

  types = g_ptr_array_new ();
  for (guint i = 0; accept[i]; i++)
    g_ptr_array_add (types, g_ascii_strdown (accept[i], -1));
  g_ptr_array_add (types, NULL);

  rx = g_new0 (PlRxApp, 1);
  rx->id = g_strdup (app);
  rx->auid = g_strdup (app);
  rx->accept = (GStrv) g_ptr_array_free (types, FALSE);
  rx->answer = answer;
  g_ptr_array_add (self->apps, rx);
}

void
pl_receiver_register (PlReceiver         *self,
                      const char * const *apps,
                      guint32             expires)
{
  PlRxRegistration *reg;

  g_return_if_fail (PL_IS_RECEIVER (self));
  g_return_if_fail (pl_node_get_sim (PL_NODE (self)) != NULL);

  if (self->public_id == NULL)
    {
      registration_failed (self, 0, "", "no identity configured");
      return;
    }
  if (expires == 0)
    {
      pl_node_cancel_timer (PL_NODE (self), &self->refresh_timer);
      _pl_receiver_presence_deregistering (self);
    }

  reg = g_new0 (PlRxRegistration, 1);
  if (apps)
    reg->apps = g_strdupv ((GStrv) apps);
  else if (expires == 0)
    reg->apps = self->registered_apps ? g_strdupv (self->registered_apps) : g_new0 (char *, 1);
  else
    reg->apps = all_app_ids (self);
  reg->expires = expires;
  /* RFC 3261 §10.2: no new REGISTER before the previous one's final
   * response. */
  if (self->current)
    g_queue_push_tail (&self->queued, reg);
  else
    registration_start (self, reg, NULL);
}

gboolean
pl_receiver_is_registered (PlReceiver *self)
{
  g_return_val_if_fail (PL_IS_RECEIVER (self), FALSE);

  return self->registered && pl_node_now (PL_NODE (self)) < self->registered_until;
}

guint
pl_receiver_get_n_pushes (PlReceiver *self)
{
  g_return_val_if_fail (PL_IS_RECEIVER (self), 0);

  return self->n_pushes;
}
