/* pl-sender-invite.c: the Push Sender's pushes by INVITE (003_… B.3
 * steps 1, 4, 5 and 12–15; 001_… §5.4.2, the large-content flow).
 *
 * The INVITE carries the SDP offer of an MSRP session (pl-msrp-sdp.h)
 * through the SIP/IP core; the 2xx's answer is checked, the ACK sent
 * (RFC 3261 §13.2.2.4, again for each retransmitted 2xx), and the MSRP
 * session started through the seam of pl-push-session.h. Its outcome
 * (the REPORT of step 11) is the push's delivery status; then BYE
 * (step 12). A final answer other than 2xx goes through Appendix C as a
 * MESSAGE's would, retries included.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

#include "pl-dialog.h"
#include "pl-msrp-sdp.h"
#include "pl-push-session.h"
#include "pl-sender-private.h"
#include "pl-wire.h"

/* B.3 step 1: "m=message 7654 TCP/MSRP *". */
#define SENDER_MSRP_PORT 7654
/* How long a confirmed session may go without the MSRP layer's outcome
 * before the sender gives up (issue 5 item 5: the REPORT's absence). */
#define SESSION_TIMEOUT PL_SEC (60)
/* RFC 4566 §5.2: an NTP timestamp makes a good session id; virtual time
 * 0 is 1 January 1970, 2208988800 s after the NTP epoch. */
#define NTP_UNIX_OFFSET G_GUINT64_CONSTANT (2208988800)

struct _PlSenderInvite {
  PlSenderPush *p;
  PlMsrpSdp *offer;
  PlMsrpSdp *answer;
  PlClientTxn *txn;       /* the INVITE, until its final answer */
  PlDialog *dialog;       /* from the 2xx on */
  GBytes *ack_wire;
  PlNode *ack_next_hop;
  gpointer msrp;          /* the MSRP layer's session */
  PlTimer *session_timer;
  gboolean finished;      /* the push's delivery is recorded */
  gboolean bye_sent;
};

void
_pl_sender_invite_free (PlSenderInvite *inv)
{
  const PlPushSessionHooks *hooks = pl_push_session_get_hooks ();

  if (inv == NULL)
    return;
  if (inv->msrp && hooks)
    hooks->stop (inv->msrp);
  /* As pl_subscriber_free: a node leaving its sim (the sim disposed
   * mid-run) freed its transactions first. */
  if (inv->txn && pl_node_get_sim (PL_NODE (inv->p->self)))
    pl_client_txn_detach (inv->txn);
  pl_node_cancel_timer (PL_NODE (inv->p->self), &inv->session_timer);
  pl_msrp_sdp_free (inv->offer);
  pl_msrp_sdp_free (inv->answer);
  g_clear_pointer (&inv->dialog, pl_dialog_free);
  g_clear_pointer (&inv->ack_wire, g_bytes_unref);
  g_free (inv);
}

static void
add_header (msg_t      *msg,
            const char *name,
            const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

  if (msg_header_add_str (msg, NULL, line) < 0)
    g_warning ("cannot add header '%s'", line);
}

static void
session_event (PlSenderInvite *inv,
               const char     *state,
               const char     *detail)
{
  PlNode *node = PL_NODE (inv->p->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "push-session");

  pl_trace_event_add_int (event, "push", inv->p->number);
  pl_trace_event_add_string (event, "state", state);
  if (detail)
    pl_trace_event_add_string (event, "detail", detail);
  pl_node_commit_event (node, event);
}

/* ---- the end: BYE (steps 12–15) ---- */

static void
on_bye_response (PlClientTxn *txn,
                 msg_t       *msg,
                 sip_t       *sip,
                 gpointer     user_data)
{
  PlSenderInvite *inv = user_data;
  int code = sip->sip_status->st_status;
  g_autofree char *detail = NULL;

  if (code < 200)
    return;
  /* RFC 3261 §15.1.2: whatever the answer, the dialog is over. */
  detail = g_strdup_printf ("BYE answered %d", code);
  session_event (inv, "ended", detail);
  g_clear_pointer (&inv->dialog, pl_dialog_free);
}

static void
send_bye (PlSenderInvite *inv)
{
  PlNode *node = PL_NODE (inv->p->self);
  const PlPushSessionHooks *hooks = pl_push_session_get_hooks ();
  g_autoptr (msg_t) bye = NULL;

  if (inv->bye_sent || inv->dialog == NULL)
    return;
  inv->bye_sent = TRUE;
  pl_node_cancel_timer (node, &inv->session_timer);
  if (inv->msrp && hooks)
    hooks->stop (inv->msrp);
  inv->msrp = NULL;
  bye = pl_dialog_new_request (inv->dialog, sip_method_bye, "BYE");
  pl_client_txn_send (node, g_steal_pointer (&bye), on_bye_response, inv);
}

static void
finish (PlSenderInvite   *inv,
        PlDeliveryStatus  status,
        int               code,
        const char       *reason)
{
  if (inv->finished)
    return;
  inv->finished = TRUE;
  _pl_sender_push_finish (inv->p, status, code, reason);
}

/* The MSRP layer's outcome (PlPushSessionDone). */
static void
on_session_done (gpointer          dialog,
                 PlDeliveryStatus  status,
                 int               code,
                 const char       *reason)
{
  PlSenderInvite *inv = dialog;

  session_event (inv, "done", reason);
  finish (inv, status, code, reason);
  /* Step 12: the session is no longer needed. */
  send_bye (inv);
}

static void
on_session_timeout (gpointer data)
{
  PlSenderInvite *inv = data;
  g_autofree char *reason =
    g_strdup_printf ("no MSRP outcome within %" G_GINT64_FORMAT " s of the ACK%s",
                     (gint64) (SESSION_TIMEOUT / PL_SEC (1)),
                     pl_push_session_get_hooks () ? "" : " (no MSRP session layer)");

  inv->session_timer = NULL;
  finish (inv, PL_DELIVERY_UNDELIVERABLE, 408, reason);
  send_bye (inv);
}

/* ---- the answer (steps 4 and 5) ---- */

static void
send_ack (PlSenderInvite *inv,
          sip_t          *response)
{
  PlNode *node = PL_NODE (inv->p->self);
  g_autoptr (msg_t) ack = pl_dialog_new_request (inv->dialog, sip_method_ack, "ACK");
  sip_t *sip = sip_object (ack);

  /* RFC 3261 §13.2.2.4: the ACK has the INVITE's CSeq number. */
  sip->sip_cseq->cs_seq = response->sip_cseq->cs_seq;
  pl_sip_header_changed (sip->sip_cseq);
  if (pl_node_send_stateless (node, ack, TRUE))
    inv->ack_wire = pl_wire_serialize (ack);
  inv->ack_next_hop = pl_node_next_hop (node, sip);
}

/* The SDP answer of a 2xx, checked against the offer. */
static PlMsrpSdp *
read_answer (PlSenderInvite *inv,
             sip_t          *sip,
             GError        **error)
{
  g_autoptr (PlMsrpSdp) answer = NULL;

  if (sip->sip_payload == NULL || sip->sip_content_type == NULL
      || g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/sdp") != 0)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_ATTRIBUTE,
                   "the 2xx carries no application/sdp answer (RFC 3264 §5)");
      return NULL;
    }
  answer = pl_msrp_sdp_parse (sip->sip_payload->pl_data, sip->sip_payload->pl_len, error);
  if (answer == NULL || !pl_msrp_sdp_check_answer (inv->offer, answer, error))
    return NULL;
  return g_steal_pointer (&answer);
}

static void
start_session (PlSenderInvite *inv)
{
  PlSenderPush *p = inv->p;
  PlNode *node = PL_NODE (p->self);
  const PlPushSessionHooks *hooks = pl_push_session_get_hooks ();
  gboolean active = pl_msrp_sdp_offerer_connects (inv->offer, inv->answer);
  g_autofree char *detail =
    g_strdup_printf ("%s opens the MSRP connection to %s", active ? "the sender" : "the receiver",
                     active ? inv->answer->path[g_strv_length (inv->answer->path) - 1]
                            : inv->offer->path[0]);
  PlPushSession session = {
    .node = node,
    .sender = TRUE,
    .active = active,
    .local = inv->offer,
    .remote = inv->answer,
    .call_id = pl_dialog_get_call_id (inv->dialog),
    .push = p->number,
    .content_type = p->content_type,
    .content = p->body,
    .chunking = p->chunking,
  };

  session_event (inv, "established", detail);
  inv->session_timer = pl_node_add_timer (node, SESSION_TIMEOUT, on_session_timeout, inv, NULL);
  if (hooks)
    {
      gpointer msrp = hooks->start (&session, on_session_done, inv);

      /* An outcome reported from within start() has already sent BYE. */
      if (msrp && inv->bye_sent)
        hooks->stop (msrp);
      else
        inv->msrp = msrp;
    }
}

static void
on_invite_response (PlClientTxn *txn,
                    msg_t       *msg,
                    sip_t       *sip,
                    gpointer     user_data)
{
  PlSenderInvite *inv = user_data;
  PlSenderPush *p = inv->p;
  gboolean local = pl_client_txn_is_local_response (txn);
  int code = sip->sip_status->st_status;
  g_autoptr (GError) error = NULL;

  if (code < 200)
    return;
  inv->txn = NULL;
  if (code >= 300 || local)
    {
      /* Step 3 refused (488 with a Warning that says why, RFC 3261
       * §20.43), or no answer: Appendix C, as for a MESSAGE. */
      g_autofree char *warning = pl_wire_header_value (msg, "Warning");

      if (warning)
        session_event (inv, "refused", warning);
      _pl_sender_push_answered (p, "INVITE", code, local, sip);
      return;
    }
  if (inv->dialog != NULL)
    return;  /* a second 2xx (a fork): the first one's dialog is ours */

  inv->dialog = pl_dialog_new_uac (PL_NODE (p->self), sip_object (pl_client_txn_get_request (txn)),
                                   sip);
  /* Step 5, whatever the answer says (RFC 3261 §13.2.2.4). */
  send_ack (inv, sip);
  inv->answer = read_answer (inv, sip, &error);
  if (inv->answer == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("unusable SDP answer: %s", error->message);

      /* RFC 3261 §13.2.2.4: an unacceptable answer is acknowledged, then
       * the session ended at once. */
      session_event (inv, "refused", reason);
      finish (inv, PL_DELIVERY_REJECTED, code, reason);
      send_bye (inv);
      return;
    }
  start_session (inv);
}

void
_pl_sender_invite_stray_response (PlNode *node,
                                  msg_t  *msg,
                                  sip_t  *sip)
{
  PlSender *self = PL_SENDER (node);

  /* RFC 3261 §13.2.2.4: a retransmitted 2xx is acknowledged again. */
  if (sip->sip_cseq->cs_method == sip_method_invite && sip->sip_status->st_status >= 200
      && sip->sip_status->st_status < 300)
    for (guint i = 0; i < self->pushes->len; i++)
      {
        PlSenderInvite *inv = ((PlSenderPush *) g_ptr_array_index (self->pushes, i))->invite;

        if (inv && inv->dialog && inv->ack_wire && inv->ack_next_hop
            && pl_dialog_matches (inv->dialog, sip))
          {
            pl_sim_transmit (pl_node_get_sim (node), node, inv->ack_next_hop, PL_EVENT_RETRANSMIT,
                             "sip", inv->ack_wire, "ACK");
            return;
          }
      }
  pl_node_record_absorbed (node, sip, "no transaction");
}

void
_pl_sender_invite_bye (PlSender    *self,
                       PlServerTxn *txn,
                       sip_t       *sip)
{
  for (guint i = 0; i < self->pushes->len; i++)
    {
      PlSenderInvite *inv = ((PlSenderPush *) g_ptr_array_index (self->pushes, i))->invite;
      const PlPushSessionHooks *hooks = pl_push_session_get_hooks ();
      gpointer msrp;

      if (inv == NULL || inv->dialog == NULL || !pl_dialog_matches (inv->dialog, sip))
        continue;
      if (!pl_dialog_accept_cseq (inv->dialog, sip))
        {
          pl_server_txn_reply (txn, 500, "CSeq Out of Order");
          return;
        }
      /* The receiver ends the session (RFC 3261 §15.1.2) before the
       * MSRP layer reported: the push did not get through. */
      pl_server_txn_reply (txn, 200, NULL);
      pl_node_cancel_timer (PL_NODE (self), &inv->session_timer);
      /* The dialog is over: no BYE of ours follows, and the session is
       * let go before it is stopped. */
      inv->bye_sent = TRUE;
      msrp = g_steal_pointer (&inv->msrp);
      session_event (inv, "ended", "BYE from the receiver");
      finish (inv, PL_DELIVERY_UNDELIVERABLE, 0, "the receiver ended the session (BYE)");
      if (msrp && hooks)
        hooks->stop (msrp);
      g_clear_pointer (&inv->dialog, pl_dialog_free);
      return;
    }
  /* RFC 3261 §15.1.2: a BYE for no dialog of ours. */
  pl_server_txn_reply (txn, 481, NULL);
}

/* ---- the INVITE (step 1) ---- */

/* The Contact of step 1: the sender's URI with the service's feature
 * tags ("+g.3gpp.icsi_ref" and "+g.oma.pusheventapp" in V1.0). */
static char *
contact_value (PlSenderPush *p)
{
  PlNode *node = PL_NODE (p->self);
  PlDialect dialect = pl_node_get_dialect (node);
  g_autofree char *accept = pl_push_accept_contact (dialect, p->app, p->self->icsi);
  g_autofree char *tag = pl_push_contact_param (dialect, p->app);

  if (dialect == PL_DIALECT_OMA_1_0 && accept && g_str_has_prefix (accept, "*;"))
    return g_strdup_printf ("<sip:%s>;%s", pl_node_get_host (node), accept + 2);
  if (tag)
    return g_strdup_printf ("<sip:%s>;%s", pl_node_get_host (node), tag);
  return g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
}

/* An MSRP session-id made of the node's tag: letters, digits and '-'
 * (RFC 4975 §9 session-id, RFC 5547 file-transfer-id token). */
static char *
new_session_id (PlNode *node)
{
  char *id = pl_node_new_tag (node);

  for (char *c = id; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      *c = '-';
  return id;
}

static msg_t *
build_invite (PlSenderPush *p,
              const char   *sdp)
{
  PlSender *self = p->self;
  PlNode *node = PL_NODE (self);
  PlDialect dialect = pl_node_get_dialect (node);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *from = g_strdup_printf ("<sip:%s>;tag=%s", pl_node_get_hostname (node),
                                           p->from_tag);
  g_autofree char *to = g_strdup_printf ("<%s>", p->to);
  g_autofree char *accept = pl_push_accept_contact (dialect, p->app, self->icsi);
  g_autofree char *contact = contact_value (p);

  /* B.3 step 1: to the receiver's public identity (or GRUU), through the
   * core's entry point, with the headers of a B.2 MESSAGE. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_invite, "INVITE",
                                                          URL_STRING_MAKE (p->to), NULL));
  _pl_sender_add_route (self, msg);
  _pl_sender_add_asserted_identity (self, msg);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  if (dialect == PL_DIALECT_OMA_1_0)
    {
      add_header (msg, "P-Asserted-Service", self->icsi ? self->icsi : PL_PUSH_DEFAULT_ICSI);
      msg_header_add_make (msg, NULL, sip_supported_class, "gruu");
    }
  /* RFC 3261 §8.1.1.8: an INVITE has a Contact, the dialog's target. */
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  if (accept)
    msg_header_add_make (msg, NULL, sip_accept_contact_class, accept);
  msg_header_add_make (msg, NULL, sip_call_id_class, p->call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, ++p->cseq, sip_method_invite,
                                                       "INVITE"));
  msg_header_add_make (msg, NULL, sip_content_type_class, "application/sdp");
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_payload_create (home, sdp, strlen (sdp)));
  return msg;
}

gboolean
_pl_sender_parse_file_hash (PlXmlContext  *ctx,
                            xmlNode       *element,
                            char         **hash,
                            GError       **error)
{
  const char *value = pl_xml_attr (element, "file-hash");
  g_autofree char *selector = NULL;
  g_autoptr (PlMsrpFileSelector) fs = NULL;

  *hash = NULL;
  if (value == NULL)
    return TRUE;
  selector = g_strdup_printf ("hash:%s", value);
  fs = pl_msrp_file_selector_parse (selector, NULL);
  if (fs == NULL || !fs->has_sha1 || strchr (value, ' ') != NULL)
    return pl_xml_error (ctx, error, element, "file-hash",
                         "attribute 'file-hash' of <push>: expected a SHA-1 hash as RFC 5547 "
                         "writes it, \"sha-1:\" and 20 colon-separated hex pairs, got '%s'",
                         value);
  *hash = g_strdup (value);
  return TRUE;
}

/* The offer announces @hash ("sha-1:…", checked when parsed) instead
 * of the content's SHA-1. */
static void
announce_hash (PlMsrpSdp  *offer,
               const char *hash)
{
  g_autofree char *selector = g_strdup_printf ("hash:%s", hash);
  g_autoptr (PlMsrpFileSelector) fs = pl_msrp_file_selector_parse (selector, NULL);

  g_assert (fs != NULL && fs->has_sha1 && offer->file_selector != NULL);
  memcpy (offer->file_selector->sha1, fs->sha1, PL_MSRP_SHA1_LEN);
  offer->file_selector->has_sha1 = TRUE;
}

gboolean
_pl_sender_invite_attempt (PlSenderPush *p)
{
  PlNode *node = PL_NODE (p->self);
  PlSenderInvite *inv;
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *session_id = new_session_id (node);
  g_autofree char *sdp = NULL;
  g_autoptr (GError) error = NULL;
  guint64 origin = NTP_UNIX_OFFSET + (guint64) (pl_node_now (node) / PL_SEC (1));

  /* A retry is a new INVITE with a new offer (RFC 3261 §8.1.3.5 keeps
   * the Call-ID; the CSeq goes up). */
  g_clear_pointer (&p->invite, _pl_sender_invite_free);
  inv = g_new0 (PlSenderInvite, 1);
  inv->p = p;
  p->invite = inv;
  inv->offer = pl_msrp_sdp_new_offer (pl_node_get_id (node), pl_node_get_hostname (node),
                                      SENDER_MSRP_PORT, session_id, origin, PL_MSRP_SETUP_NONE,
                                      p->content_type, p->body ? p->body : empty, NULL);
  if (p->file_hash)
    announce_hash (inv->offer, p->file_hash);
  sdp = pl_msrp_sdp_to_string (inv->offer, &error);
  if (sdp == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("cannot make the SDP offer: %s", error->message);

      finish (inv, PL_DELIVERY_REFUSED, 0, reason);
      return FALSE;
    }
  p->attempts++;
  inv->txn = pl_client_txn_send (node, build_invite (p, sdp), on_invite_response, inv);
  return TRUE;
}

guint
_pl_sender_invite_push (PlSender   *self,
                        const char *to,
                        const char *app,
                        const char *content_type,
                        GBytes     *body,
                        gboolean    confirm,
                        const PlPushChunking *chunking,
                        const char *file_hash)
{
  PlNode *node = PL_NODE (self);
  PlSenderPush *p = _pl_sender_push_new (self, PL_SENDER_BY_INVITE, to, app, content_type, body,
                                         confirm);

  if (chunking)
    p->chunking = *chunking;
  p->file_hash = g_strdup (file_hash);
  p->call_id = pl_node_new_call_id (node);
  p->from_tag = pl_node_new_tag (node);
  /* §6.1 item 4 and 001_… §5.4.2: content of any size goes by INVITE
   * and MSRP; no 1300-byte limit here. */
  return _pl_sender_push_start (p);
}
