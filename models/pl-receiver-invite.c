/* pl-receiver-invite.c: the Push Receiver's side of a push by INVITE
 * (003_… B.3 steps 2–3, 6 and 13–14; 001_… §5.4.2).
 *
 * An INVITE is checked as a MESSAGE is (§6.3.1: an asserted sender, an
 * installed application, the whitelist), then its SDP offer
 * (pl-msrp-sdp.h): a 488 with a Warning (RFC 3261 §20.43) says why an
 * offer cannot be taken, else the 200 carries the answer. The 2xx is
 * retransmitted until the ACK (RFC 3261 §13.3.1.4); the ACK starts the
 * MSRP session through pl-push-session.h; the sender's BYE ends it.
 *
 * The application's configured answer decides: 200 accepts (after its
 * delay, with 180 Ringing meanwhile), 603/503/500 refuse, "none" never
 * answers (the sender's timer B gives 408).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-dialog.h"
#include "pl-msrp-sdp.h"
#include "pl-push-session.h"
#include "pl-receiver-private.h"
#include "pl-state-models.h"
#include "pl-wire.h"

/* B.3 step 3: "m=message 8888 TCP/MSRP *". */
#define RECEIVER_MSRP_PORT 8888
#define NTP_UNIX_OFFSET G_GUINT64_CONSTANT (2208988800)

struct _PlRxInvite {
  PlReceiver *self;
  char *app;
  char *from;
  PlServerTxn *txn;       /* the INVITE, until its final answer */
  PlTimer *answer_timer;  /* the application's answer-delay */
  PlMsrpSdp *offer;
  PlMsrpSdp *answer;
  PlDialog *dialog;       /* from the 2xx on */
  GBytes *ok_wire;        /* the 2xx, until the ACK */
  PlNode *ok_peer;
  PlTimer *ok_timer;
  PlTime ok_interval;
  PlTime ok_given_up_at;
  gpointer msrp;          /* the MSRP layer's session */
  gboolean confirmed;
  PlTimer *hangup_timer;  /* the application's hangup-after */
  gboolean bye_sent;      /* our BYE's answer removes us */
};

static void
stop_session (PlRxInvite *inv)
{
  const PlPushSessionHooks *hooks = pl_push_session_get_hooks ();

  if (inv->msrp && hooks)
    hooks->stop (inv->msrp);
  inv->msrp = NULL;
}

void
_pl_receiver_invite_free (gpointer data)
{
  PlRxInvite *inv = data;
  PlNode *node = PL_NODE (inv->self);

  stop_session (inv);
  pl_node_cancel_timer (node, &inv->answer_timer);
  pl_node_cancel_timer (node, &inv->ok_timer);
  pl_node_cancel_timer (node, &inv->hangup_timer);
  g_free (inv->app);
  g_free (inv->from);
  pl_msrp_sdp_free (inv->offer);
  pl_msrp_sdp_free (inv->answer);
  g_clear_pointer (&inv->dialog, pl_dialog_free);
  g_clear_pointer (&inv->ok_wire, g_bytes_unref);
  g_free (inv);
}

static void
session_event (PlRxInvite *inv,
               const char *state,
               const char *detail)
{
  PlNode *node = PL_NODE (inv->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "push-session");

  pl_trace_event_add_string (event, "app", inv->app);
  pl_trace_event_add_string (event, "state", state);
  if (detail)
    pl_trace_event_add_string (event, "detail", detail);
  pl_node_commit_event (node, event);
}

static PlRxInvite *
find_by_dialog (PlReceiver *self,
                sip_t      *sip)
{
  for (guint i = 0; i < self->invites->len; i++)
    {
      PlRxInvite *inv = g_ptr_array_index (self->invites, i);

      if (inv->dialog && pl_dialog_matches (inv->dialog, sip))
        return inv;
    }
  return NULL;
}

/* "399 host \"text\"" (RFC 3261 §20.43; quotes in @text made single). */
static char *
warning_value (PlReceiver *self,
               int         code,
               const char *text)
{
  g_autofree char *quoted = g_strdup (text);

  g_strdelimit (quoted, "\"\\\r\n", '\'');
  return g_strdup_printf ("%d %s \"%s\"", code, pl_node_get_hostname (PL_NODE (self)), quoted);
}

/* ---- the 2xx and its ACK ---- */

static void
on_bye_response (PlClientTxn *txn,
                 msg_t       *msg,
                 sip_t       *sip,
                 gpointer     user_data)
{
  PlRxInvite *inv = user_data;

  if (sip->sip_status->st_status >= 200)
    g_ptr_array_remove (inv->self->invites, inv);
}

static void
on_ok_retransmit (gpointer data)
{
  PlRxInvite *inv = data;
  PlNode *node = PL_NODE (inv->self);

  inv->ok_timer = NULL;
  if (pl_node_now (node) >= inv->ok_given_up_at)
    {
      g_autoptr (msg_t) bye = pl_dialog_new_request (inv->dialog, sip_method_bye, "BYE");

      /* RFC 3261 §13.3.1.4: no ACK within 64*T1 ends the dialog. */
      inv->bye_sent = TRUE;
      session_event (inv, "ended", "no ACK for the 2xx: sending BYE");
      g_clear_pointer (&inv->ok_wire, g_bytes_unref);
      pl_client_txn_send (node, g_steal_pointer (&bye), on_bye_response, inv);
      return;
    }
  pl_sim_transmit (pl_node_get_sim (node), node, inv->ok_peer, PL_EVENT_RETRANSMIT, "sip",
                   inv->ok_wire, "200 OK");
  inv->ok_interval = MIN (inv->ok_interval * 2, PL_T2);
  inv->ok_timer = pl_node_add_timer (node, inv->ok_interval, on_ok_retransmit, inv, NULL);
}

/* The application ends the session (hangup-after), whether or not its
 * content came: BYE in the confirmed dialog (RFC 3261 §15.1.1, which
 * also says the media stops as the BYE goes: the MSRP session closes). */
static void
on_hangup (gpointer data)
{
  PlRxInvite *inv = data;
  PlNode *node = PL_NODE (inv->self);
  g_autoptr (msg_t) bye = pl_dialog_new_request (inv->dialog, sip_method_bye, "BYE");

  inv->hangup_timer = NULL;
  inv->bye_sent = TRUE;
  stop_session (inv);
  session_event (inv, "ended", "the application hung up: BYE");
  pl_client_txn_send (node, g_steal_pointer (&bye), on_bye_response, inv);
}

static void
add_contact (PlRxInvite *inv,
             msg_t      *response)
{
  PlReceiver *self = inv->self;
  PlDialect dialect = pl_node_get_dialect (PL_NODE (self));
  g_autofree char *uri = _pl_receiver_contact_uri (self);
  g_autofree char *tag = pl_push_contact_param (dialect == PL_DIALECT_PLAIN ? PL_DIALECT_OMA_2006
                                                                            : dialect,
                                                inv->app);
  g_autofree char *value = g_strdup_printf ("<%s>%s%s", uri, tag ? ";" : "", tag ? tag : "");

  msg_header_add_make (response, NULL, sip_contact_class, value);
}

/* Step 3: 200 with the SDP answer. */
static void
send_ok (PlRxInvite *inv)
{
  PlNode *node = PL_NODE (inv->self);
  g_autoptr (msg_t) response = pl_server_txn_make_response (inv->txn, 200, NULL);
  sip_t *rq = sip_object (pl_server_txn_get_request (inv->txn));
  sip_t *sip = sip_object (response);
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = pl_msrp_sdp_to_string (inv->answer, &error);

  if (sdp == NULL)
    {
      session_event (inv, "refused", error->message);
      pl_server_txn_reply (inv->txn, 500, NULL);
      inv->txn = NULL;
      g_ptr_array_remove (inv->self->invites, inv);
      return;
    }
  /* RFC 3261 §12.1.1: the dialog-creating response copies Record-Route. */
  if (rq->sip_record_route)
    sip_add_dup (response, sip, (sip_header_t *) rq->sip_record_route);
  add_contact (inv, response);
  msg_header_add_make (response, NULL, sip_content_type_class, "application/sdp");
  msg_header_insert (response, (msg_pub_t *) sip,
                     (msg_header_t *) sip_payload_create (msg_home (response), sdp, strlen (sdp)));

  inv->dialog = pl_dialog_new_uas (node, rq, sip->sip_to->a_tag, 1);
  inv->ok_wire = pl_wire_serialize (response);
  inv->ok_peer = pl_server_txn_get_peer (inv->txn);
  inv->ok_interval = PL_T1;
  inv->ok_given_up_at = pl_node_now (node) + 64 * PL_T1;
  /* §13.3.1.4: over UDP the 2xx is the UAS's to retransmit; over TCP
   * only the wait for the ACK is timed. */
  if (pl_sim_get_link (pl_node_get_sim (node), node, inv->ok_peer)->transport == PL_TRANSPORT_UDP)
    inv->ok_timer = pl_node_add_timer (node, inv->ok_interval, on_ok_retransmit, inv, NULL);
  else
    inv->ok_timer = pl_node_add_timer (node, 64 * PL_T1, on_ok_retransmit, inv, NULL);
  session_event (inv, "answered", NULL);
  pl_server_txn_respond (inv->txn, g_steal_pointer (&response));
  inv->txn = NULL;
}

void
_pl_receiver_invite_ack (PlReceiver *self,
                         sip_t      *sip)
{
  PlRxInvite *inv;
  const PlPushSessionHooks *hooks = pl_push_session_get_hooks ();
  gboolean active;
  PlPushSession session = { 0 };

  if (sip->sip_request->rq_method != sip_method_ack || (inv = find_by_dialog (self, sip)) == NULL)
    return;
  pl_node_cancel_timer (PL_NODE (self), &inv->ok_timer);
  g_clear_pointer (&inv->ok_wire, g_bytes_unref);
  if (inv->confirmed)
    return;  /* a retransmitted ACK */
  inv->confirmed = TRUE;

  /* Step 6: the dialog is confirmed; MSRP (steps 7–11) may begin. */
  active = !pl_msrp_sdp_offerer_connects (inv->offer, inv->answer);
  session_event (inv, "established",
                 active ? "the receiver opens the MSRP connection"
                        : "the sender opens the MSRP connection");
  session.node = PL_NODE (self);
  session.sender = FALSE;
  session.active = active;
  session.local = inv->answer;
  session.remote = inv->offer;
  session.call_id = pl_dialog_get_call_id (inv->dialog);
  session.app = inv->app;
  if (hooks)
    inv->msrp = hooks->start (&session, NULL, inv);
  {
    PlRxApp *app = inv->app ? _pl_receiver_find_app (self, inv->app) : NULL;

    if (app && app->hangup > 0)
      inv->hangup_timer = pl_node_add_timer (PL_NODE (self), app->hangup, on_hangup, inv, NULL);
  }
}

/* ---- the INVITE ---- */

static void
reject (PlRxInvite *inv,
        int         status,
        int         warn_code,
        const char *reason)
{
  PlReceiver *self = inv->self;
  msg_t *response = pl_server_txn_make_response (inv->txn, status, NULL);

  if (status == 415)
    msg_header_add_make (response, NULL, sip_accept_class, "application/sdp");
  if (warn_code)
    {
      g_autofree char *warning = warning_value (self, warn_code, reason);
      msg_header_add_make (response, NULL, sip_warning_class, warning);
    }
  _pl_receiver_reject (self, inv->txn, response, inv->app, "INVITE", reason);
  inv->txn = NULL;
  g_ptr_array_remove (self->invites, inv);
}

/* The application's answer (after its delay). */
static void
answer_invite (PlRxInvite *inv,
               int         status)
{
  if (status >= 200 && status < 300)
    send_ok (inv);
  else
    reject (inv, status, 0, "the push application refused the session");
}

static int
app_answer (PlReceiver *self,
            PlRxInvite *inv)
{
  PlRxApp *app = _pl_receiver_find_app (self, inv->app);

  return app ? app->answer : 0;
}

static void
on_answer_due (gpointer data)
{
  PlRxInvite *inv = data;

  inv->answer_timer = NULL;
  answer_invite (inv, app_answer (inv->self, inv));
}

/* §6.3.1 steps 1–2 as for a MESSAGE, then the offer (B.3 step 3). */
static void
handle_initial (PlReceiver  *self,
                PlRxInvite  *inv,
                msg_t       *msg,
                sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  g_autofree char *pai_text = pl_wire_header_value (msg, "P-Asserted-Identity");
  sip_p_asserted_identity_t *pai = pai_text ? sip_p_asserted_identity_make (msg_home (msg),
                                                                            pai_text)
                                            : NULL;
  PlRxApp *app = inv->app ? _pl_receiver_find_app (self, inv->app) : NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *user = NULL;
  const char *at;

  if (pai == NULL)
    {
      reject (inv, 403, 0, pai_text ? "the P-Asserted-Identity does not parse"
                                    : "no P-Asserted-Identity");
      return;
    }
  inv->from = g_strdup (url_as_string (msg_home (msg), pai->paid_url));
  if (app == NULL)
    {
      /* No session here but a push application's (480, RFC 3261
       * §21.4.18, as for a MESSAGE to an absent application). */
      reason = inv->app ? g_strdup_printf ("push application %s is not installed", inv->app)
                        : g_strdup ("the INVITE names no push application in Accept-Contact");
      reject (inv, 480, 0, reason);
      return;
    }
  if (self->whitelist->len > 0 && !_pl_receiver_on_whitelist (self, pai))
    {
      reason = g_strdup_printf ("sender %s is not on the whitelist", inv->from);
      reject (inv, 403, 0, reason);
      return;
    }
  if (sip->sip_payload == NULL || sip->sip_payload->pl_len == 0)
    {
      /* RFC 3264 §5 lets the offer come in the 2xx; a push's offer
       * describes the content, so it must be in the INVITE (B.3). */
      reject (inv, 488, 399, "the INVITE carries no SDP offer");
      return;
    }
  if (sip->sip_content_type == NULL
      || g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/sdp") != 0)
    {
      reject (inv, 415, 0, "the INVITE's body is not application/sdp");
      return;
    }
  inv->offer = pl_msrp_sdp_parse (sip->sip_payload->pl_data, sip->sip_payload->pl_len, &error);
  session_id = pl_node_new_tag (node);
  g_strcanon (session_id, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-", '-');
  user = g_strdup (self->public_id ? self->public_id + strcspn (self->public_id, ":") + 1
                                   : pl_node_get_id (node));
  if ((at = strchr (user, '@')) != NULL)
    user[at - user] = '\0';
  if (inv->offer)
    inv->answer = pl_msrp_sdp_new_answer (inv->offer, *user ? user : pl_node_get_id (node),
                                          pl_node_get_hostname (node), RECEIVER_MSRP_PORT,
                                          session_id,
                                          NTP_UNIX_OFFSET + (guint64) (pl_node_now (node)
                                                                       / PL_SEC (1)),
                                          (const char *const *) app->accept, &error);
  if (inv->answer == NULL)
    {
      reject (inv, pl_msrp_sdp_error_status (error), pl_msrp_sdp_error_warning (error),
              error->message);
      return;
    }

  if (inv->offer->file_selector)
    {
      const PlMsrpFileSelector *fs = inv->offer->file_selector;

      reason = g_strdup_printf ("from %s: \"%s\", %s, %" G_GINT64_FORMAT " bytes", inv->from,
                                fs->name ? fs->name : "", fs->type ? fs->type : "?", fs->size);
    }
  session_event (inv, "offered", reason);
  if (app->answer == 0)
    return;  /* never answers: the sender's timer B gives it a 408 */
  if (app->delay == 0)
    {
      answer_invite (inv, app->answer);
      return;
    }
  /* The application takes its time: the caller hears it ringing
   * (RFC 3261 §13.3.1.1). */
  {
    msg_t *ringing = pl_server_txn_make_response (inv->txn, 180, NULL);

    add_contact (inv, ringing);
    pl_server_txn_respond (inv->txn, ringing);
  }
  inv->answer_timer = pl_node_add_timer (node, app->delay, on_answer_due, inv, NULL);
}

void
_pl_receiver_invite (PlReceiver  *self,
                     PlServerTxn *txn,
                     msg_t       *msg,
                     sip_t       *sip)
{
  PlDialect dialect = pl_node_get_dialect (PL_NODE (self));
  PlRxInvite *inv;

  if (sip->sip_to && sip->sip_to->a_tag)
    {
      inv = find_by_dialog (self, sip);
      if (inv == NULL)
        {
          pl_server_txn_reply (txn, 481, NULL);  /* RFC 3261 §12.2.2 */
          return;
        }
      if (!pl_dialog_accept_cseq (inv->dialog, sip))
        {
          pl_server_txn_reply (txn, 500, "CSeq Out of Order");
          return;
        }
      if (sip->sip_request->rq_method == sip_method_bye)
        {
          /* Steps 13–14. */
          pl_server_txn_reply (txn, 200, NULL);
          if (inv->bye_sent)
            return;  /* both ended it (RFC 3261 §15): ours is still pending */
          stop_session (inv);
          session_event (inv, "ended", "BYE from the sender");
          g_ptr_array_remove (self->invites, inv);
          return;
        }
      /* A re-INVITE: a push session is not changed once set up. */
      {
        msg_t *response = pl_server_txn_make_response (txn, 488, NULL);
        g_autofree char *warning =
          warning_value (self, 399, "a push session cannot be changed by re-INVITE");

        msg_header_add_make (response, NULL, sip_warning_class, warning);
        pl_server_txn_respond (txn, response);
      }
      return;
    }
  if (sip->sip_request->rq_method != sip_method_invite)
    {
      pl_server_txn_reply (txn, 481, NULL);  /* a BYE outside any dialog */
      return;
    }

  inv = g_new0 (PlRxInvite, 1);
  inv->self = self;
  inv->txn = txn;
  inv->app = pl_push_targeted_app (dialect == PL_DIALECT_PLAIN ? PL_DIALECT_OMA_2006 : dialect,
                                   sip->sip_accept_contact);
  g_ptr_array_add (self->invites, inv);
  handle_initial (self, inv, msg, sip);
}

gboolean
_pl_receiver_invite_cancel (PlReceiver  *self,
                            PlServerTxn *txn)
{
  PlServerTxn *invite = pl_server_txn_find_invite (txn);

  for (guint i = 0; invite && i < self->invites->len; i++)
    {
      PlRxInvite *inv = g_ptr_array_index (self->invites, i);

      if (inv->txn != invite)
        continue;
      /* RFC 3261 §9.2: 200 to the CANCEL, 487 to the INVITE. */
      pl_server_txn_reply (txn, 200, NULL);
      session_event (inv, "cancelled", NULL);
      pl_server_txn_reply (invite, 487, NULL);
      inv->txn = NULL;
      g_ptr_array_remove_index (self->invites, i);
      return TRUE;
    }
  return FALSE;
}

void
_pl_receiver_invite_describe (PlReceiver *self,
                              PlState    *state)
{
  if (self->invites->len == 0)
    return;
  pl_state_begin_section (state, "push sessions");
  for (guint i = 0; i < self->invites->len; i++)
    {
      PlRxInvite *inv = g_ptr_array_index (self->invites, i);
      PlStateRow *row = pl_state_add_row (state, NULL, inv->app ? inv->app : "(no app)",
                                          inv->from);

      pl_state_add_row (state, row, "state", inv->confirmed ? "confirmed"
                                             : inv->dialog ? "answered" : "offered");
      pl_state_add_row (state, row, "msrp session", inv->msrp ? "open" : "none");
      if (inv->dialog)
        _pl_state_add_dialog (state, row, inv->dialog);
    }
}
