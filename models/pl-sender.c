/* pl-sender.c: the Push Sender agent (node kind "sender").
 *
 * It pushes content by MESSAGE (2006 draft §6.3.2, RFC 3428; V1.0 003_…
 * B.2), reads every final answer through Appendix C, retries the rows
 * that allow it, and tells the push initiator what happened in the terms
 * of the PAP use cases D and E (002_… §5.4, §5.5). It also accepts the
 * third-party REGISTERs the core sends on the iFC's behalf (§7.3,
 * 003_… B.1 step 3) and keeps the registration state they tell. The
 * ua-profile subscriptions and pushes by NOTIFY (§6.4.2) are in
 * pl-sender-notify.c.
 *
 * Scenario form:
 *
 *   <node id="psa" kind="sender" host="psadm1.home1.net"
 *         outbound="sip:scscf1.home1.net" identity="sip:psadm1@home1.net"
 *         trusted="true" icsi="urn:urn-xxx:3gpp-service.ims.icsi.omapush">
 *     <retry max="2" interval="30s"/>
 *     <authorize subscriber="sip:john.doe@home1.net"/>
 *   </node>
 *
 *   <push node="psa" to="sip:john.doe@home1.net" app="0x05"
 *         content-type="…" body="…" | body-file="…" confirm="true"
 *         method="message|notify|invite|auto" auid="x-wap-application:push.syncml"/>
 *   (method="invite": pl-sender-invite.c; method="auto": pl-sender-auto.c)
 *
 *   <watch node="psa" event="reg" user="sip:john.doe@home1.net" expires="600000"/>
 *   <unwatch node="psa" event="reg" user="sip:john.doe@home1.net"/>
 *   (the reg event watcher, pl-sender-reg.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "pl-action.h"
#include "pl-msrp-session.h"
#include "pl-sender-private.h"
#include "pl-wire.h"

/* B.2 step 1 carries "Content-Type: application/vnd.oma.push". */
#define DEFAULT_CONTENT_TYPE "application/vnd.oma.push"
/* RFC 3261 §10.2.1.1: a registrar's choice when the request names none. */
#define DEFAULT_EXPIRES 3600
#define ALLOW "REGISTER, MESSAGE, OPTIONS, SUBSCRIBE, NOTIFY, BYE"
/* A.3 step 1 asks for 600000 s; a notifier may grant less (RFC 3265
 * §3.1.6.1). */
#define DEFAULT_MAX_EXPIRES 600000

G_DEFINE_FINAL_TYPE (PlSender, pl_sender, PL_TYPE_NODE)

typedef struct {
  PlSenderMethod method;
  char *to;
  char *app;
  char *auid;
  char *content_type;
  GBytes *body;
  gboolean confirm;
  char *content_url;      /* content by reference (RFC 4483) */
  gint64 content_size;    /* its size, or -1 */
  PlPushChunking chunking; /* INVITE: MSRP chunks */
  char *file_hash;        /* INVITE: a false a=file-selector hash */
} PlPushSpec;

static gboolean send_attempt (PlSenderPush *p);

static void
push_free (gpointer data)
{
  PlSenderPush *p = data;

  pl_node_cancel_timer (PL_NODE (p->self), &p->retry_timer);
  g_free (p->to);
  g_free (p->app);
  g_free (p->auid);
  g_free (p->content_type);
  g_free (p->inner_type);
  g_free (p->file_hash);
  g_clear_pointer (&p->body, g_bytes_unref);
  g_free (p->call_id);
  g_free (p->from_tag);
  g_clear_pointer (&p->invite, _pl_sender_invite_free);
  g_free (p);
}

static void
registration_free (gpointer data)
{
  PlSenderRegistration *r = data;

  pl_node_cancel_timer (PL_NODE (r->self), &r->expiry);
  g_free (r->public_id);
  g_strfreev (r->apps);
  g_free (r);
}

static void
push_spec_free (gpointer data)
{
  PlPushSpec *spec = data;

  g_free (spec->to);
  g_free (spec->app);
  g_free (spec->auid);
  g_free (spec->content_type);
  g_free (spec->content_url);
  g_free (spec->file_hash);
  g_clear_pointer (&spec->body, g_bytes_unref);
  g_free (spec);
}

/* "sip:user@host" with the host in lower case and nothing else, the way
 * public identities are compared; NULL when @url has no host. */
char *
_pl_sender_canonical_id (const url_t *url)
{
  g_autofree char *host = NULL;

  if (url == NULL || url->url_host == NULL)
    return NULL;
  if (url->url_type == url_tel)
    return g_strdup_printf ("tel:%s", url->url_host);
  host = g_ascii_strdown (url->url_host, -1);
  if (url->url_user && *url->url_user)
    return g_strdup_printf ("sip:%s@%s", url->url_user, host);
  return g_strdup_printf ("sip:%s", host);
}

char *
_pl_sender_canonical_id_text (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  url_t url[1];

  if (url_d (url, copy) < 0)
    return NULL;
  return _pl_sender_canonical_id (url);
}

gboolean
_pl_sender_is_sip_uri (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  url_t url[1];

  return url_d (url, copy) >= 0 && (url->url_type == url_sip || url->url_type == url_sips)
         && url->url_host != NULL;
}

/* ---- push: trace ---- */

static int
appendix_c_row (PlDeliveryStatus status)
{
  return status >= PL_DELIVERY_ACCEPTED && status <= PL_DELIVERY_NO_SUBSCRIPTION ? (int) status
                                                                                  : 0;
}

static void
record_pap (PlSenderPush *p,
            const char   *type,
            const char   *status,
            guint         attempt)
{
  PlNode *node = PL_NODE (p->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "pap");

  pl_trace_event_add_int (event, "push", p->number);
  pl_trace_event_add_string (event, "type", type);
  pl_trace_event_add_string (event, "status", status);
  if (attempt > 0)
    pl_trace_event_add_int (event, "attempt", attempt);
  pl_node_commit_event (node, event);
}

/* The outcome of a push: its "delivery" event. */
static void
finish_push (PlSenderPush     *p,
             PlDeliveryStatus  status,
             int               code,
             const char       *reason)
{
  PlNode *node = PL_NODE (p->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "delivery");

  p->status = status;
  pl_trace_event_add_int (event, "push", p->number);
  pl_trace_event_add_string (event, "to", p->to);
  pl_trace_event_add_string (event, "app", p->app);
  pl_trace_event_add_string (event, "status", pl_delivery_status_to_string (status));
  pl_trace_event_add_int (event, "row", appendix_c_row (status));
  pl_trace_event_add_int (event, "code", code);
  pl_trace_event_add_int (event, "attempts", p->attempts);
  pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

/* A push that cannot go (§6.3's limit, no subscription, a content type
 * the subscriber does not accept): nothing is sent this time. */
static void
refuse_push (PlSenderPush     *p,
             PlDeliveryStatus  status,
             const char       *reason)
{
  const char *name = pl_delivery_status_to_string (status);

  finish_push (p, status, 0, reason);
  /* Before any request the PPG does not take the push: its PAP response
   * says so (use cases D and E, step 1's answer), and no result follows.
   * A retry that finds nothing to send ends as any other outcome. */
  if (p->attempts == 0)
    record_pap (p, "response", name, 0);
  else if (p->confirm)
    record_pap (p, "result-notification", name, 0);
}

void
_pl_sender_push_finish (PlSenderPush     *p,
                        PlDeliveryStatus  status,
                        int               code,
                        const char       *reason)
{
  finish_push (p, status, code, reason);
  if (p->confirm)
    record_pap (p, "result-notification", pl_delivery_status_to_string (status), 0);
}

/* ---- push: responses and retries ---- */

static void
on_retry (gpointer data)
{
  PlSenderPush *p = data;

  p->retry_timer = NULL;
  send_attempt (p);
}

void
_pl_sender_push_answered (PlSenderPush *p,
                          const char   *method,
                          int           code,
                          gboolean      local,
                          sip_t        *response)
{
  PlSender *self = p->self;
  PlNode *node = PL_NODE (self);
  const char *phrase = response && response->sip_status ? response->sip_status->st_phrase : "";
  PlDeliveryStatus status;
  g_autofree char *reason = NULL;

  status = pl_push_status_for_response (method, code);
  if (local && code == 408)
    {
      /* Timer F fired: nobody answered. Appendix C row 4, "cannot be
       * delivered to the intended destination". */
      status = PL_DELIVERY_UNDELIVERABLE;
      reason = g_strdup ("no answer before timer F (local 408)");
    }
  else if (local)
    reason = g_strdup_printf ("%s (local %d)", phrase, code);
  else
    reason = g_strdup (phrase);

  /* Use case D (002_… §5.4.5 step 3) delivers "without explicit delivery
   * confirmation": an unconfirmed push is not retried. */
  if (pl_delivery_status_is_retryable (status) && p->confirm
      && p->attempts <= self->max_retries)
    {
      PlTime delay = self->interval;
      PlTraceEvent *event;

      /* RFC 3261 §20.33: the answerer says when to come back. */
      if (!local && response && response->sip_retry_after)
        delay = PL_SEC (response->sip_retry_after->af_delta);

      event = pl_node_begin_event (node, PL_EVENT_APP, "retry");
      pl_trace_event_add_int (event, "push", p->number);
      pl_trace_event_add_int (event, "attempt", p->attempts + 1);
      pl_trace_event_add_int (event, "code", code);
      pl_trace_event_add_int (event, "delay-ms", delay / 1000);
      pl_node_commit_event (node, event);
      /* Use case E, alternative flow 1b (002_… §5.5.6): the device is
       * not available yet; the initiator gets a progress note. */
      record_pap (p, "progress-note", pl_delivery_status_to_string (status), p->attempts + 1);

      p->retry_timer = pl_node_add_timer (node, delay, on_retry, p, NULL);
      return;
    }
  finish_push (p, status, code, reason);
  /* Use case E (002_… §5.5.5 steps 4–5): the receipt (or its absence)
   * reaches the initiator as a PAP result notification. */
  if (p->confirm)
    record_pap (p, "result-notification", pl_delivery_status_to_string (status), 0);
}

static void
on_response (PlClientTxn *txn,
             msg_t       *msg,
             sip_t       *sip,
             gpointer     user_data)
{
  int code = sip->sip_status->st_status;

  if (code >= 200)
    _pl_sender_push_answered (user_data, "MESSAGE", code, pl_client_txn_is_local_response (txn),
                              sip);
}

/* ---- push: the MESSAGE ---- */

static void
add_header (msg_t      *msg,
            const char *name,
            const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

  if (msg_header_add_str (msg, NULL, line) < 0)
    g_warning ("cannot add header '%s'", line);
}

void
_pl_sender_add_route (PlSender *self,
                      msg_t    *msg)
{
  g_autofree char *copy = NULL;
  g_autofree char *route = NULL;
  url_t url[1];

  if (self->outbound == NULL)
    return;
  copy = g_strdup (self->outbound);
  /* RFC 3261 §16.12.1.1: a loose router is named with ;lr. */
  route = url_d (url, copy) >= 0 && url_has_param (url, "lr")
            ? g_strdup_printf ("<%s>", self->outbound)
            : g_strdup_printf ("<%s;lr>", self->outbound);
  msg_header_add_make (msg, NULL, sip_route_class, route);
}

void
_pl_sender_add_asserted_identity (PlSender *self,
                                  msg_t    *msg)
{
  g_autofree char *pai = NULL;

  /* RFC 3325 §9.1: only a sender the core trusts asserts (§9). */
  if (!self->trusted)
    return;
  pai = self->identity ? g_strdup_printf ("<%s>", self->identity)
                       : g_strdup_printf ("<sip:%s>", pl_node_get_hostname (PL_NODE (self)));
  add_header (msg, "P-Asserted-Identity", pai);
}

/* One attempt by MESSAGE: a new request (CSeq + 1, same Call-ID) in a
 * new client transaction (new branch). */
static void
message_attempt (PlSenderPush *p)
{
  PlSender *self = p->self;
  PlNode *node = PL_NODE (self);
  PlDialect dialect = pl_node_get_dialect (node);
  g_autoptr (msg_t) msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *from = g_strdup_printf ("<sip:%s>;tag=%s", pl_node_get_hostname (node),
                                           p->from_tag);
  g_autofree char *to = g_strdup_printf ("<%s>", p->to);
  g_autofree char *accept = pl_push_accept_contact (dialect, p->app, self->icsi);

  /* §6.3.2 step 2: the Request-URI is the recipient's public identity. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_message, "MESSAGE",
                                                          URL_STRING_MAKE (p->to), NULL));
  /* Step 5: towards the SIP/IP core, through its entry point. */
  _pl_sender_add_route (self, msg);
  /* Step 4 (RFC 3325): an asserted identity only when trusted. */
  _pl_sender_add_asserted_identity (self, msg);
  /* B.2 step 1: From names the sender's host. */
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  if (dialect == PL_DIALECT_OMA_1_0)
    {
      /* B.2 step 1: the service (ICSI) and GRUU support. */
      add_header (msg, "P-Asserted-Service", self->icsi ? self->icsi : PL_PUSH_DEFAULT_ICSI);
      msg_header_add_make (msg, NULL, sip_supported_class, "gruu");
    }
  /* §6.3.2 step 1 (2006) and B.2 step 1 (V1.0): only a receiver that
   * registered the application (RFC 3841). No push vocabulary in the
   * plain dialect. */
  if (accept)
    msg_header_add_make (msg, NULL, sip_accept_contact_class, accept);
  msg_header_add_make (msg, NULL, sip_call_id_class, p->call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, ++p->cseq, sip_method_message,
                                                       "MESSAGE"));
  if (p->body && g_bytes_get_size (p->body) > 0)
    {
      gsize len;
      const char *data = g_bytes_get_data (p->body, &len);

      msg_header_add_make (msg, NULL, sip_content_type_class, p->content_type);
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (home, data, len));
    }

  p->attempts++;
  pl_client_txn_send (node, g_steal_pointer (&msg), on_response, p);
}

/* One attempt, first or retry. FALSE when nothing could be sent: the
 * push's outcome is then recorded. */
static gboolean
send_attempt (PlSenderPush *p)
{
  PlDeliveryStatus status;
  g_autofree char *reason = NULL;

  if (p->method == PL_SENDER_BY_MESSAGE)
    {
      message_attempt (p);
      return TRUE;
    }
  if (p->method == PL_SENDER_BY_INVITE)
    return _pl_sender_invite_attempt (p);
  if (_pl_sender_notify_attempt (p, &status, &reason))
    return TRUE;
  refuse_push (p, status, reason);
  return FALSE;
}

/* ---- third-party REGISTER ---- */

static PlTraceEvent *
begin_registration_event (PlSender             *self,
                          PlSenderRegistration *r,
                          const char           *state,
                          guint32               expires,
                          char * const         *apps,
                          const char           *source)
{
  PlNode *node = PL_NODE (self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "registration-state");
  g_autofree char *joined = NULL;

  if (apps == NULL)
    joined = g_strdup ("unknown");
  else if (apps[0] == NULL)
    joined = g_strdup ("none");
  else
    joined = g_strjoinv (" ", (char **) apps);
  pl_trace_event_add_string (event, "public-id", r->public_id);
  pl_trace_event_add_string (event, "state", state);
  pl_trace_event_add_int (event, "expires", expires);
  pl_trace_event_add_string (event, "apps", joined);
  pl_trace_event_add_string (event, "source", source);
  return event;
}

static void
on_registration_expired (gpointer data)
{
  PlSenderRegistration *r = data;

  r->expiry = NULL;
  r->registered = FALSE;
  pl_node_commit_event (PL_NODE (r->self),
                        begin_registration_event (r->self, r, "expired", 0, r->apps,
                                                  "third-party-register"));
  g_clear_pointer (&r->apps, g_strfreev);
}

PlTraceEvent *
_pl_sender_update_registration (PlSender   *self,
                                const char *public_id,
                                gboolean    registered,
                                const char *state,
                                guint32     expires,
                                char      **apps,
                                PlTime      lifetime,
                                const char *source)
{
  PlNode *node = PL_NODE (self);
  PlSenderRegistration *r = g_hash_table_lookup (self->registrations, public_id);
  PlTraceEvent *event;

  if (r == NULL)
    {
      r = g_new0 (PlSenderRegistration, 1);
      r->self = self;
      r->public_id = g_strdup (public_id);
      g_hash_table_insert (self->registrations, r->public_id, r);
    }
  pl_node_cancel_timer (node, &r->expiry);
  g_strfreev (r->apps);
  r->apps = apps;
  r->registered = registered;
  if (registered && lifetime > 0)
    r->expiry = pl_node_add_background_timer (node, lifetime, on_registration_expired, r, NULL);
  event = begin_registration_event (self, r, state, expires, r->apps, source);
  if (!r->registered)
    g_clear_pointer (&r->apps, g_strfreev);
  return event;
}

/* TS 24.229 §5.4.1.7: with IncludeRegisterRequest the S-CSCF puts the
 * UE's REGISTER in a message/sip body. Its Contact says which push
 * applications registered (§7.2 step 2). Returns NULL when there is no
 * such body, or it cannot be read (recorded as an "error" event). */
static char **
included_apps (PlSender   *self,
               sip_t      *sip,
               const char *public_id)
{
  PlNode *node = PL_NODE (self);
  g_autoptr (GPtrArray) apps = NULL;
  g_autoptr (msg_t) included = NULL;
  g_autofree char *problem = NULL;
  sip_t *isip;

  if (sip->sip_payload == NULL || sip->sip_payload->pl_len == 0 || sip->sip_content_type == NULL
      || sip->sip_content_type->c_type == NULL
      || g_ascii_strcasecmp (sip->sip_content_type->c_type, "message/sip") != 0)
    return NULL;

  included = msg_make (sip_default_mclass (), 0, sip->sip_payload->pl_data,
                       sip->sip_payload->pl_len);
  isip = included ? sip_object (included) : NULL;
  if (isip == NULL || isip->sip_request == NULL)
    problem = g_strdup ("is not a SIP request");
  else if (isip->sip_request->rq_method != sip_method_register)
    problem = g_strdup_printf ("is a %s request, not a REGISTER",
                               isip->sip_request->rq_method_name);
  else if (isip->sip_error != NULL)
    /* A Contact that does not parse could hide the push tags. */
    problem = g_strdup_printf ("has a header sofia-sip cannot parse (%s)",
                               isip->sip_error->er_name ? isip->sip_error->er_name : "unnamed");
  if (problem)
    {
      pl_node_app_event (node, "error",
                         "third-party REGISTER for %s: the included message/sip body %s; "
                         "push applications unknown", public_id, problem);
      return NULL;
    }

  apps = g_ptr_array_new_with_free_func (g_free);
  for (sip_contact_t *m = isip->sip_contact; m; m = m->m_next)
    {
      g_auto (GStrv) found = pl_push_contact_apps (pl_node_get_dialect (node), m);

      for (guint i = 0; found[i]; i++)
        if (!g_ptr_array_find_with_equal_func (apps, found[i], g_str_equal, NULL))
          g_ptr_array_add (apps, g_strdup (found[i]));
    }
  g_ptr_array_add (apps, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&apps), FALSE);
}

static guint32
register_expires (sip_t *sip)
{
  if (sip->sip_expires)
    return (guint32) sip->sip_expires->ex_delta;
  if (sip->sip_contact && sip->sip_contact->m_expires)
    return (guint32) g_ascii_strtoull (sip->sip_contact->m_expires, NULL, 10);
  return DEFAULT_EXPIRES;
}

/* §7.3: the Push Sender behaves as an AS of TS 24.229 §5.7.1; 003_… B.1
 * step 3 answers 200 with the request's Contact and Expires. */
static void
handle_register (PlSender    *self,
                 PlServerTxn *txn,
                 sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  g_autofree char *public_id = _pl_sender_canonical_id (sip->sip_to ? sip->sip_to->a_url : NULL);
  guint32 expires = register_expires (sip);
  g_auto (GStrv) apps = NULL;
  g_autoptr (msg_t) response = NULL;
  g_autofree char *expires_text = NULL;

  if (public_id == NULL)
    {
      pl_server_txn_reply (txn, 400, "Bad To");
      return;
    }
  apps = included_apps (self, sip, public_id);

  response = pl_server_txn_make_response (txn, 200, NULL);
  if (sip->sip_contact)
    sip_add_dup (response, sip_object (response), (sip_header_t *) sip->sip_contact);
  expires_text = g_strdup_printf ("%u", expires);
  msg_header_add_make (response, NULL, sip_expires_class, expires_text);
  pl_server_txn_respond (txn, g_steal_pointer (&response));

  /* §7.2 step 3 and B.1 step 3: "Expires: 0" is the de-registration. */
  pl_node_commit_event (node, _pl_sender_update_registration (self, public_id, expires > 0,
                                                              expires > 0 ? "registered"
                                                                          : "deregistered",
                                                              expires, g_steal_pointer (&apps),
                                                              PL_SEC (expires),
                                                              "third-party-register"));
}

static void
pl_sender_request (PlNode      *node,
                   PlServerTxn *txn,
                   msg_t       *msg,
                   sip_t       *sip)
{
  PlSender *self = PL_SENDER (node);
  g_autoptr (msg_t) response = NULL;

  if (txn == NULL)
    return; /* an ACK, or a request a rule answered */

  switch (sip->sip_request->rq_method)
    {
    case sip_method_register:
      handle_register (self, txn, sip);
      return;
    case sip_method_subscribe:
      _pl_sender_subscribe (self, txn, msg, sip);
      return;
    case sip_method_notify:
      /* Each subscription of ours tries it in turn (RFC 3265 §3.2.4). */
      if (_pl_sender_presence_notify (self, txn, msg, sip)
          || _pl_sender_reg_notify (self, txn, msg, sip)
          || _pl_sender_refer_notify (self, txn, msg, sip))
        return;
      pl_node_app_event (node, "notify-rejected", "NOTIFY outside every subscription: 481");
      pl_server_txn_reply (txn, 481, NULL);
      return;
    case sip_method_options:
    case sip_method_message:
      /* Nothing to act on: a MESSAGE to the sender is acknowledged only. */
      response = pl_server_txn_make_response (txn, 200, NULL);
      break;
    case sip_method_bye:
      _pl_sender_invite_bye (self, txn, sip);
      return;
    case sip_method_cancel:
      /* No INVITE is ever pending here (RFC 3261 §9.2). */
      pl_server_txn_reply (txn, 481, NULL);
      return;
    default:
      response = pl_server_txn_make_response (txn, 405, NULL);
      break;
    }
  /* RFC 3261 §8.2.1 for the 405, §11.2 for OPTIONS. */
  msg_header_add_make (response, NULL, sip_allow_class, ALLOW);
  pl_server_txn_respond (txn, g_steal_pointer (&response));
}

/* ---- configuration and actions ---- */

static gboolean
check_uri_attr (PlXmlContext  *ctx,
                xmlNode       *element,
                const char    *attr,
                GError       **error)
{
  const char *value = pl_xml_attr (element, attr);

  if (value == NULL || _pl_sender_is_sip_uri (value))
    return TRUE;
  return pl_xml_error (ctx, error, element, attr,
                       "attribute '%s' of <node>: expected a SIP URI such as sip:scscf1.home1.net, "
                       "got '%s'",
                       attr, value);
}

static gboolean
pl_sender_configure (PlNode        *node,
                     PlXmlContext  *ctx,
                     xmlNode       *element,
                     GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "outbound", "identity", "trusted",
                                       "icsi", "max-expires", NULL };
  static const char *const retry_attrs[] = { "max", "interval", NULL };
  PlSender *self = PL_SENDER (node);
  const char *icsi = pl_xml_attr (element, "icsi");
  gboolean seen_retry = FALSE;
  guint64 max_expires;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !check_uri_attr (ctx, element, "outbound", error)
      || !check_uri_attr (ctx, element, "identity", error)
      || !pl_xml_attr_bool (ctx, element, "trusted", TRUE, &self->trusted, error)
      || !pl_xml_attr_uint (ctx, element, "max-expires", DEFAULT_MAX_EXPIRES, 1, G_MAXUINT32,
                            &max_expires, error))
    return FALSE;
  self->max_expires = (guint32) max_expires;
  if (icsi && pl_node_get_dialect (node) != PL_DIALECT_OMA_1_0)
    return pl_xml_error (ctx, error, element, "icsi",
                         "attribute 'icsi' of <node>: the ICSI belongs to the oma-1.0 dialect (003_… B.2), "
                         "this scenario speaks %s",
                         pl_dialect_to_string (pl_node_get_dialect (node)));
  if (icsi && (*icsi == '\0' || strpbrk (icsi, " \t\"<>;,") != NULL))
    return pl_xml_error (ctx, error, element, "icsi",
                         "attribute 'icsi' of <node>: expected a URN such as %s, got '%s'",
                         PL_PUSH_DEFAULT_ICSI, icsi);
  pl_sender_set_outbound (self, pl_xml_attr (element, "outbound"));
  pl_sender_set_identity (self, pl_xml_attr (element, "identity"), self->trusted);
  g_free (self->icsi);
  self->icsi = g_strdup (icsi);

  pl_xml_foreach_element (element, child)
    {
      guint64 max;

      if (xmlStrEqual (child->name, (const xmlChar *) "authorize"))
        {
          if (!_pl_sender_parse_authorize (self, ctx, child, error))
            return FALSE;
          continue;
        }
      if (!xmlStrEqual (child->name, (const xmlChar *) "retry"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of a 'sender' node: expected <retry max=... "
                             "interval=...> or <authorize subscriber=...>",
                             (const char *) child->name);
      if (seen_retry)
        return pl_xml_error (ctx, error, child, NULL, "a 'sender' node takes one <retry>");
      seen_retry = TRUE;
      if (!pl_xml_check_attrs (ctx, child, retry_attrs, error)
          || !pl_xml_attr_uint (ctx, child, "max", 0, 0, 100, &max, error)
          || !pl_xml_attr_duration (ctx, child, "interval", PL_SEC (30), &self->interval, error))
        return FALSE;
      self->max_retries = (guint) max;
    }
  return TRUE;
}

static gboolean
pl_sender_resolve (PlNode        *node,
                   PlXmlContext  *ctx,
                   xmlNode       *element,
                   GError       **error)
{
  PlSender *self = PL_SENDER (node);
  g_autofree char *copy = NULL;
  url_t url[1];

  if (self->outbound == NULL)
    return TRUE;
  copy = g_strdup (self->outbound);
  if (url_d (url, copy) < 0 || url->url_host == NULL)
    return pl_xml_error (ctx, error, element, "outbound",
                         "attribute 'outbound' of <node>: '%s' is not a SIP URI", self->outbound);
  if (pl_sim_resolve (pl_node_get_sim (node), url->url_host,
                      url->url_port ? (guint16) g_ascii_strtoull (url->url_port, NULL, 10) : 0)
      == NULL)
    return pl_xml_error (ctx, error, element, "outbound",
                         "attribute 'outbound' of <node>: no node has the host of '%s'", self->outbound);
  return TRUE;
}

static void
run_push (PlNode  *node,
          gpointer data)
{
  PlPushSpec *spec = data;

  if (spec->content_url)
    pl_sender_push_by_reference (PL_SENDER (node), spec->to, spec->app, spec->content_type,
                                 spec->content_url, spec->content_size, spec->confirm);
  else if (spec->method == PL_SENDER_BY_AUTO)
    _pl_sender_auto_push (PL_SENDER (node), spec->to, spec->app, spec->auid, spec->content_type,
                          spec->body, spec->confirm, &spec->chunking, spec->file_hash);
  else if (spec->method == PL_SENDER_BY_INVITE)
    _pl_sender_invite_push (PL_SENDER (node), spec->to, spec->app, spec->content_type, spec->body,
                            spec->confirm, &spec->chunking, spec->file_hash);
  else if (spec->method == PL_SENDER_BY_NOTIFY)
    pl_sender_notify (PL_SENDER (node), spec->to, spec->app, spec->auid, spec->content_type,
                      spec->body, spec->confirm);
  else
    pl_sender_push_full (PL_SENDER (node), spec->to, spec->app, spec->content_type, spec->body,
                         spec->confirm);
}

/* chunk-size, max-chunks and pipelining of a push by INVITE (B.3 step
 * 7): 2048-byte chunks by default, as B.3 cuts its first one. */
static gboolean
parse_chunking (PlXmlContext    *ctx,
                xmlNode         *element,
                int              method,
                PlPushChunking  *chunking,
                GError         **error)
{
  static const char *const attrs[] = { "chunk-size", "max-chunks", "pipelining", "file-hash" };
  guint64 size, max;

  for (guint i = 0; i < G_N_ELEMENTS (attrs); i++)
    if (method != PL_SENDER_BY_INVITE && method != PL_SENDER_BY_AUTO
        && pl_xml_attr (element, attrs[i]))
      return pl_xml_error (ctx, error, element, attrs[i],
                           "attribute '%s' of <push> goes with method='invite' or 'auto' (MSRP chunks)",
                           attrs[i]);
  if (!pl_xml_attr_uint (ctx, element, "chunk-size", 2048, 0, 16 * 1024 * 1024, &size, error)
      || !pl_xml_attr_uint (ctx, element, "max-chunks", 0, 0, 1000000, &max, error)
      || !pl_xml_attr_bool (ctx, element, "pipelining", FALSE, &chunking->pipelining, error))
    return FALSE;
  chunking->chunk_size = (gsize) size;
  chunking->max_chunks = (guint) max;
  return TRUE;
}

static PlAction *
parse_push (PlNode        *node,
            PlXmlContext  *ctx,
            xmlNode       *element,
            GError       **error)
{
  static const char *const attrs[] = { "node", "to", "app", "content-type", "body", "body-file",
                                       "confirm", "method", "auid", "content-url", "content-size",
                                       "chunk-size", "max-chunks", "pipelining", "file-hash",
                                       NULL };
  static const char *const methods[] = { "message", "notify", "invite", "auto", NULL };
  g_autoptr (GBytes) body = NULL;
  const char *to, *app, *text, *file, *auid;
  gboolean confirm;
  int method;
  PlPushSpec *spec;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_require_attr (ctx, element, "to", &to, error)
      || !pl_xml_require_attr (ctx, element, "app", &app, error)
      || !pl_xml_attr_bool (ctx, element, "confirm", TRUE, &confirm, error)
      || !pl_xml_attr_enum (ctx, element, "method", methods, PL_SENDER_BY_MESSAGE, &method,
                            error))
    return NULL;
  if (!_pl_sender_is_sip_uri (to))
    return pl_xml_error (ctx, error, element, "to",
                         "attribute 'to' of <push>: expected the recipient's public identity, a SIP URI "
                         "such as sip:john.doe@home1.net, got '%s'", to), NULL;
  /* The application id goes into a feature tag (§1.1) or a quoted
   * feature tag value (B.2). */
  if (*app == '\0' || strpbrk (app, " \t\"<>;,=") != NULL)
    return pl_xml_error (ctx, error, element, "app",
                         "attribute 'app' of <push>: expected a push application id such as 0x05 "
                         "or mms.ua, got '%s'", app), NULL;
  /* Pushes name applications by id (0x05), subscriptions by URN
   * (x-wap-application:push.syncml): 'auid' says which subscription. */
  auid = pl_xml_attr (element, "auid");
  if (auid && method != PL_SENDER_BY_NOTIFY && method != PL_SENDER_BY_AUTO)
    return pl_xml_error (ctx, error, element, "auid",
                         "attribute 'auid' of <push> goes with method='notify' or 'auto': a "
                         "MESSAGE push has no subscription"), NULL;
  if (auid && (*auid == '\0' || strpbrk (auid, " \t\"\\<>;,") != NULL))
    return pl_xml_error (ctx, error, element, "auid",
                         "attribute 'auid' of <push>: expected the subscribed application such "
                         "as x-wap-application:push.syncml, got '%s'", auid), NULL;

  text = pl_xml_attr (element, "body");
  file = pl_xml_attr (element, "body-file");
  if (text && file)
    return pl_xml_error (ctx, error, element, "body-file",
                         "<push> takes 'body' or 'body-file', not both"), NULL;
  if (file)
    {
      g_autofree char *path = pl_xml_context_resolve (ctx, file);
      g_autoptr (GError) local = NULL;
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, &local))
        return pl_xml_error (ctx, error, element, "body-file",
                             "attribute 'body-file' of <push>: %s", local->message),
               NULL;
      body = g_bytes_new_take (contents, len);
    }
  else if (text)
    body = g_bytes_new (text, strlen (text));

  spec = g_new0 (PlPushSpec, 1);
  spec->method = (PlSenderMethod) method;
  spec->to = g_strdup (to);
  spec->app = g_strdup (app);
  spec->auid = g_strdup (auid);
  spec->content_type = g_strdup (pl_xml_attr (element, "content-type"));
  spec->body = g_steal_pointer (&body);
  spec->content_size = -1;
  if (!_pl_sender_parse_reference (ctx, element, method, &spec->content_url,
                                   &spec->content_size, error)
      || !parse_chunking (ctx, element, method, &spec->chunking, error)
      || !_pl_sender_parse_file_hash (ctx, element, &spec->file_hash, error))
    return push_spec_free (spec), NULL;
  spec->confirm = confirm;
  return pl_action_new (node, "push", run_push, spec, push_spec_free);
}

static PlAction *
pl_sender_parse_action (PlNode        *node,
                        PlXmlContext  *ctx,
                        xmlNode       *element,
                        GError       **error)
{
  const char *verb = (const char *) element->name;

  if (g_str_equal (verb, "push"))
    return parse_push (node, ctx, element, error);
  if (g_str_equal (verb, "refer"))
    return _pl_sender_parse_refer (PL_SENDER (node), ctx, element, error);
  if (g_str_equal (verb, "watch") || g_str_equal (verb, "unwatch"))
    {
      const char *event = pl_xml_attr (element, "event");

      if (g_strcmp0 (event, "presence") == 0)
        return _pl_sender_parse_presence_watch (PL_SENDER (node), ctx, element, error);
      if (g_strcmp0 (event, "reg") == 0)
        return _pl_sender_parse_reg_watch (node, ctx, element, error);
      pl_xml_error (ctx, error, element, "event",
                    "attribute 'event' of <%s>: expected presence or reg, got '%s'", verb,
                    event ? event : "(none)");
      return NULL;
    }
  pl_xml_error (ctx, error, element, NULL,
                "a 'sender' node has no action <%s>: expected <push>, <refer>, <watch> "
                "or <unwatch>", verb);
  return NULL;
}

static void
pl_sender_stream (PlNode     *node,
                  PlNode     *from,
                  const char *proto,
                  GBytes     *bytes)
{
  /* B.3 steps 7–11: the frames of a push's MSRP session. */
  if (pl_msrp_session_dispatch (node, from, proto, bytes))
    return;
  if (g_strcmp0 (proto, "http") == 0)
    _pl_sender_presence_http (PL_SENDER (node), from, bytes);
  else
    pl_node_app_event (node, "error", "%s bytes from %s ignored", proto, pl_node_get_id (from));
}

static void
pl_sender_finalize (GObject *object)
{
  PlSender *self = PL_SENDER (object);

  g_free (self->identity);
  g_free (self->outbound);
  g_free (self->icsi);
  g_clear_pointer (&self->presence, _pl_sender_presence_free);
  /* Subscriptions first: their NOTIFYs in progress point at pushes. */
  g_clear_pointer (&self->subscriptions, g_ptr_array_unref);
  g_clear_pointer (&self->reg_watches, g_ptr_array_unref);
  g_clear_pointer (&self->refers, g_ptr_array_unref);
  g_clear_pointer (&self->pushes, g_ptr_array_unref);
  g_clear_pointer (&self->registrations, g_hash_table_unref);
  g_clear_pointer (&self->authorized, g_ptr_array_unref);

  G_OBJECT_CLASS (pl_sender_parent_class)->finalize (object);
}

static void
pl_sender_class_init (PlSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_sender_finalize;
  node_class->configure = pl_sender_configure;
  node_class->describe = _pl_sender_describe;
  node_class->resolve = pl_sender_resolve;
  node_class->parse_action = pl_sender_parse_action;
  node_class->request = pl_sender_request;
  node_class->stream = pl_sender_stream;
  node_class->stray_response = _pl_sender_invite_stray_response;
}

static void
pl_sender_init (PlSender *self)
{
  self->trusted = TRUE;
  self->interval = PL_SEC (30);
  self->pushes = g_ptr_array_new_with_free_func (push_free);
  self->registrations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, registration_free);
  self->max_expires = DEFAULT_MAX_EXPIRES;
  self->authorized = g_ptr_array_new_with_free_func (g_free);
  self->subscriptions = g_ptr_array_new_with_free_func (_pl_sender_subscription_free);
  self->presence = _pl_sender_presence_new ();
  self->reg_watches = g_ptr_array_new_with_free_func (_pl_sender_reg_watch_free);
  self->refers = g_ptr_array_new_with_free_func (_pl_sender_refer_free);
}

/* ---- public API ---- */

void
pl_sender_set_identity (PlSender   *self,
                        const char *identity,
                        gboolean    trusted)
{
  g_return_if_fail (PL_IS_SENDER (self));

  g_free (self->identity);
  self->identity = g_strdup (identity);
  self->trusted = trusted;
}

void
pl_sender_set_outbound (PlSender   *self,
                        const char *outbound)
{
  g_return_if_fail (PL_IS_SENDER (self));

  g_free (self->outbound);
  self->outbound = g_strdup (outbound);
}

void
pl_sender_set_icsi (PlSender   *self,
                    const char *icsi)
{
  g_return_if_fail (PL_IS_SENDER (self));

  g_free (self->icsi);
  self->icsi = g_strdup (icsi);
}

void
pl_sender_set_retry (PlSender *self,
                     guint     max_retries,
                     PlTime    interval)
{
  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (interval >= 0);

  self->max_retries = max_retries;
  self->interval = interval;
}

guint
pl_sender_push (PlSender   *self,
                const char *to,
                const char *app,
                const char *content_type,
                GBytes     *body)
{
  return pl_sender_push_full (self, to, app, content_type, body, TRUE);
}

PlSenderPush *
_pl_sender_push_new (PlSender       *self,
                     PlSenderMethod  method,
                     const char     *to,
                     const char     *app,
                     const char     *content_type,
                     GBytes         *body,
                     gboolean        confirm)
{
  PlSenderPush *p = g_new0 (PlSenderPush, 1);

  p->self = self;
  p->number = self->pushes->len + 1;
  p->method = method;
  p->to = g_strdup (to);
  p->app = g_strdup (app);
  p->content_type = g_strdup (content_type ? content_type : DEFAULT_CONTENT_TYPE);
  p->body = body ? g_bytes_ref (body) : NULL;
  p->confirm = confirm;
  p->status = PL_DELIVERY_PENDING;
  g_ptr_array_add (self->pushes, p);
  return p;
}

guint
_pl_sender_push_start (PlSenderPush *p)
{
  g_autofree char *reason = NULL;

  /* Use case E, alternative flow 2 (002_… §5.5.6): a device known not
   * to take the content gets no push. Appendix C row 6 says why, as the
   * device's own 415 would have; no request was sent (code 0). Content
   * by reference is judged by the type of what it refers to. */
  if (!_pl_sender_capability_allows (p->self, p->to,
                                     p->inner_type ? p->inner_type : p->content_type, &reason))
    {
      refuse_push (p, PL_DELIVERY_UNSUPPORTED_CONTENT, reason);
      return p->number;
    }
  /* Use case D (002_… §5.4.5 steps 3–4): forwarded without delivery
   * confirmation, the initiator learns only that the push was submitted. */
  if (send_attempt (p) && !p->confirm)
    record_pap (p, "response", "submitted", 0);
  return p->number;
}

guint
pl_sender_push_full (PlSender   *self,
                     const char *to,
                     const char *app,
                     const char *content_type,
                     GBytes     *body,
                     gboolean    confirm)
{
  PlNode *node;
  PlSenderPush *p;
  gsize size;

  g_return_val_if_fail (PL_IS_SENDER (self), 0);
  g_return_val_if_fail (to != NULL && _pl_sender_is_sip_uri (to), 0);
  g_return_val_if_fail (app != NULL && *app != '\0', 0);

  node = PL_NODE (self);
  size = body ? g_bytes_get_size (body) : 0;
  p = _pl_sender_push_new (self, PL_SENDER_BY_MESSAGE, to, app, content_type, body, confirm);
  p->call_id = pl_node_new_call_id (node);
  p->from_tag = pl_node_new_tag (node);

  /* §6.3: the body "MUST NOT exceed 1300 bytes" (RFC 3428 §4): larger
   * content takes the session-based method instead. */
  if (size > PL_PUSH_MESSAGE_MAX)
    {
      g_autofree char *reason =
        g_strdup_printf ("body of %" G_GSIZE_FORMAT " bytes exceeds the %d-byte limit of MESSAGE "
                         "(§6.3); use INVITE with an MSRP session (large-content delivery, B.3)",
                         size, PL_PUSH_MESSAGE_MAX);

      refuse_push (p, PL_DELIVERY_REFUSED, reason);
      return p->number;
    }
  return _pl_sender_push_start (p);
}

guint
pl_sender_get_n_pushes (PlSender *self)
{
  g_return_val_if_fail (PL_IS_SENDER (self), 0);

  return self->pushes->len;
}

PlDeliveryStatus
pl_sender_get_status (PlSender *self,
                      guint     push)
{
  g_return_val_if_fail (PL_IS_SENDER (self), PL_DELIVERY_PENDING);
  g_return_val_if_fail (push >= 1 && push <= self->pushes->len, PL_DELIVERY_PENDING);

  return ((PlSenderPush *) g_ptr_array_index (self->pushes, push - 1))->status;
}

gboolean
pl_sender_is_registered (PlSender   *self,
                         const char *public_id)
{
  g_autofree char *key = NULL;
  PlSenderRegistration *r;

  g_return_val_if_fail (PL_IS_SENDER (self), FALSE);
  g_return_val_if_fail (public_id != NULL, FALSE);

  key = _pl_sender_canonical_id_text (public_id);
  r = key ? g_hash_table_lookup (self->registrations, key) : NULL;
  return r != NULL && r->registered;
}

const char * const *
pl_sender_get_apps (PlSender   *self,
                    const char *public_id)
{
  g_autofree char *key = NULL;
  PlSenderRegistration *r;

  g_return_val_if_fail (PL_IS_SENDER (self), NULL);
  g_return_val_if_fail (public_id != NULL, NULL);

  key = _pl_sender_canonical_id_text (public_id);
  r = key ? g_hash_table_lookup (self->registrations, key) : NULL;
  if (r == NULL || !r->registered)
    return NULL;
  return (const char * const *) r->apps;
}
