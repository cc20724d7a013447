/* pl-receiver-refer.c: the Push Receiver agent as recipient of a REFER
 * that triggers a ua-profile subscription (2006 draft, "Use of the REFER
 * Method", procedures at the Push Receiver agent; REFER sample flow steps
 * 2–3, 5, 8–10 and 13; RFC 3515).
 *
 * Checks, in order: an asserted identity (as §6.3.1 step 1 for MESSAGE:
 * the draft's "sections 10.4" are its §9, which relies on the core's
 * assertion), a Refer-To naming a ua-profile SUBSCRIBE, an installed
 * application, then the user's approval (the node's refer="accept|
 * decline"). An accepted REFER is answered 202 and creates the implicit
 * "refer" subscription (RFC 3515 §2.4.4): an immediate NOTIFY "100
 * Trying"; once it is answered, the SUBSCRIBE of pl-receiver-subscribe.c
 * built from the Refer-To; with the first NOTIFY of that ua-profile
 * dialog (or the SUBSCRIBE's failure), the final NOTIFY
 * "terminated;reason=noresource" with the outcome's status line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>

#include "pl-dialog.h"
#include "pl-push.h"
#include "pl-receiver-private.h"
#include "pl-state-models.h"
#include "pl-refer.h"
#include "pl-wire.h"
#include "pl-xml.h"

/* How long the refer subscription lasts when the REFER has no Expires:
 * RFC 3515 leaves it to the notifier; the sample flow asks for 600 s. */
#define DEFAULT_REFER_EXPIRES 600
/* The referred SUBSCRIBE's Expires when the Refer-To names none: A.3's. */
#define DEFAULT_SUBSCRIBE_EXPIRES 600000

struct _PlRxRefer {
  PlReceiver *self;
  guint number;              /* 1, 2, … accepted REFERs of the node */
  PlDialog *dialog;          /* the REFER-created dialog, UAS side */
  char *from;                /* the referrer's asserted identity */
  PlRxApp *app;              /* the node's, lives as long as it */
  PlReferTarget target;
  PlTime expires_at;
  PlTimer *expiry;
  gboolean subscribing;      /* the referred SUBSCRIBE is under way */
  gboolean terminated;       /* the final NOTIFY is sent, or the referrer is gone */
  GPtrArray *pending;        /* PendingNotify*: NOTIFYs awaiting their answer */
};

typedef struct {
  PlRxRefer *refer;
  PlClientTxn *txn;
  gboolean initial;
} PendingNotify;

void
_pl_receiver_refer_free (gpointer data)
{
  PlRxRefer *r = data;

  pl_node_cancel_timer (PL_NODE (r->self), &r->expiry);
  for (guint i = 0; i < r->pending->len; i++)
    {
      PendingNotify *p = g_ptr_array_index (r->pending, i);

      /* As pl_notifier_free: a node leaving its sim took its
       * transactions with it. */
      if (pl_node_get_sim (PL_NODE (r->self)))
        pl_client_txn_detach (p->txn);
      g_free (p);
    }
  g_ptr_array_unref (r->pending);
  g_clear_pointer (&r->dialog, pl_dialog_free);
  pl_refer_target_clear (&r->target);
  g_free (r->from);
  g_free (r);
}

gboolean
_pl_receiver_configure_refer (PlReceiver    *self,
                              PlXmlContext  *ctx,
                              xmlNode       *element,
                              GError       **error)
{
  static const char *const answers[] = { "accept", "decline", NULL };
  int answer;

  /* Sample flow step 3: "requests approval from the user". */
  if (!pl_xml_attr_enum (ctx, element, "refer", answers, 0, &answer, error))
    return FALSE;
  self->refer_decline = answer == 1;
  return TRUE;
}

static void
reject (PlReceiver  *self,
        PlServerTxn *txn,
        int          status,
        const char  *phrase,
        const char  *app,
        const char  *reason)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "refer-rejected");

  pl_trace_event_add_int (event, "status", status);
  pl_trace_event_add_string (event, "reason", reason);
  if (app)
    pl_trace_event_add_string (event, "app", app);
  pl_node_commit_event (PL_NODE (self), event);
  pl_server_txn_reply (txn, status, phrase);
}

static PlTraceEvent *
begin_event (PlRxRefer  *r,
             const char *name)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (r->self), PL_EVENT_APP, name);

  pl_trace_event_add_int (event, "refer", r->number);
  pl_trace_event_add_string (event, "app", r->app->id);
  return event;
}

/* ---- NOTIFYs of the refer subscription (RFC 3515 §2.4.4–§2.4.5) ---- */

static void start_subscribe (PlRxRefer *r);

static void
ended (PlRxRefer  *r,
       const char *reason)
{
  PlTraceEvent *event = begin_event (r, "refer-terminated");

  r->terminated = TRUE;
  pl_node_cancel_timer (PL_NODE (r->self), &r->expiry);
  pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (PL_NODE (r->self), event);
}

static void
on_notify_answered (PlClientTxn *txn,
                    msg_t       *msg,
                    sip_t       *sip,
                    gpointer     user_data)
{
  PendingNotify *p = user_data;
  PlRxRefer *r = p->refer;
  int status = sip->sip_status->st_status;
  gboolean initial = p->initial;

  if (status < 200)
    return;
  g_ptr_array_remove (r->pending, p);
  g_free (p);
  if (status >= 300)
    {
      /* RFC 3265 §3.2.2: a NOTIFY refused (481) or unanswered ends the
       * subscription; nobody waits for the outcome any more. */
      if (!r->terminated)
        {
          g_autofree char *reason = g_strdup_printf ("NOTIFY answered %d", status);

          ended (r, reason);
        }
      return;
    }
  /* Sample flow steps 8–9: the SUBSCRIBE follows the answer to the
   * initial NOTIFY. */
  if (initial && !r->terminated)
    start_subscribe (r);
}

static void
send_notify (PlRxRefer  *r,
             int         status,
             const char *phrase,
             gboolean    final,
             const char *reason)
{
  PlNode *node = PL_NODE (r->self);
  msg_t *msg = pl_dialog_new_request (r->dialog, sip_method_notify, "NOTIFY");
  sip_t *sip = sip_object (msg);
  g_autoptr (GBytes) body = pl_refer_sipfrag (status, phrase);
  g_autofree char *contact_uri = _pl_receiver_contact_uri (r->self);
  g_autofree char *contact = g_strdup_printf ("<%s>", contact_uri);
  g_autofree char *state = NULL;
  PendingNotify *p;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  if (final)
    {
      state = g_strdup_printf ("terminated;reason=%s", reason);
      r->terminated = TRUE;
      pl_node_cancel_timer (node, &r->expiry);
    }
  else
    state = g_strdup_printf ("active;expires=%" G_GINT64_FORMAT,
                             MAX (r->expires_at - pl_node_now (node), 0) / G_USEC_PER_SEC);
  /* Sample flow step 10. */
  pl_wire_add_header (msg, "Event", "refer");
  pl_wire_add_header (msg, "Subscription-State", state);
  pl_wire_add_header (msg, "Contact", contact);
  pl_wire_add_header (msg, "Content-Type", PL_REFER_SIPFRAG_TYPE);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_payload_create (msg_home (msg), data, (isize_t) len));

  p = g_new0 (PendingNotify, 1);
  p->refer = r;
  p->initial = !final && status < 200;
  g_ptr_array_add (r->pending, p);
  p->txn = pl_client_txn_send (node, msg, on_notify_answered, p);
}

static void
on_expired (gpointer data)
{
  PlRxRefer *r = data;

  r->expiry = NULL;
  if (r->terminated)
    return;
  /* RFC 3265 §3.1.6.4: the subscription ends before the outcome is
   * known; the last status line is still "Trying". */
  send_notify (r, 100, NULL, TRUE, "timeout");
  ended (r, "timeout");
}

/* ---- the referred SUBSCRIBE (receiver step 3; sample flow step 9) ---- */

static void
on_subscribe_done (PlReceiver *self,
                   int         status,
                   const char *phrase,
                   gpointer    data)
{
  PlRxRefer *r = data;
  g_autoptr (GBytes) frag = NULL;
  g_autofree char *line = NULL;
  PlTraceEvent *event;

  if (r->terminated)
    return;
  /* Sample flow step 10: on the first NOTIFY of the ua-profile dialog,
   * the SUBSCRIBE's outcome; a failure's status line likewise. */
  frag = pl_refer_sipfrag (status, phrase);
  line = g_strndup (g_bytes_get_data (frag, NULL), g_bytes_get_size (frag) - 2);
  event = begin_event (r, "refer-result");
  pl_trace_event_add_int (event, "status", status);
  pl_trace_event_add_string (event, "sipfrag", line);
  pl_node_commit_event (PL_NODE (self), event);
  send_notify (r, status, phrase, TRUE, "noresource");
}

static void
start_subscribe (PlRxRefer *r)
{
  guint32 expires = r->target.expires ? r->target.expires : DEFAULT_SUBSCRIBE_EXPIRES;

  if (r->subscribing)
    return;
  r->subscribing = TRUE;
  /* §6.4.1 as A.3 step 1, to the Refer-To's URI, with its Accept-Contact;
   * the Event adds the application's auid (§6.4.1.1 step 3). */
  _pl_receiver_subscribe_full (r->self, r->app, r->target.uri, expires,
                               r->target.accept_contact, on_subscribe_done, r);
}

/* ---- REFER ---- */

static gboolean
asserted_identity (msg_t  *msg,
                   char  **from)
{
  g_autofree char *text = pl_wire_header_value (msg, "P-Asserted-Identity");
  sip_p_asserted_identity_t *pai = text ? sip_p_asserted_identity_make (msg_home (msg), text)
                                        : NULL;

  if (pai == NULL)
    return FALSE;
  *from = g_strdup (url_as_string (msg_home (msg), pai->paid_url));
  return TRUE;
}

static void
accept_refer (PlReceiver    *self,
              PlServerTxn   *txn,
              sip_t         *sip,
              PlRxApp       *app,
              char          *from,
              PlReferTarget *target)
{
  PlNode *node = PL_NODE (self);
  msg_t *response = pl_server_txn_make_response (txn, 202, NULL);
  g_autofree char *contact_uri = _pl_receiver_contact_uri (self);
  g_autofree char *contact = g_strdup_printf ("<%s>", contact_uri);
  guint32 expires = sip->sip_expires ? sip->sip_expires->ex_delta : DEFAULT_REFER_EXPIRES;
  PlRxRefer *r = g_new0 (PlRxRefer, 1);
  PlTraceEvent *event;

  r->self = self;
  r->number = self->refers->len + 1;
  r->app = app;
  r->from = from;
  r->target = *target;
  r->pending = g_ptr_array_new ();
  /* RFC 3261 §12.1.1: the dialog's local tag is the 202's To tag, its
   * route set the REFER's Record-Route, which the 202 carries back. */
  r->dialog = pl_dialog_new_uas (node, sip, pl_server_txn_get_to_tag (txn), 0);
  r->expires_at = pl_node_now (node) + PL_SEC (expires);
  r->expiry = pl_node_add_background_timer (node, PL_SEC (expires), on_expired, r, NULL);
  g_ptr_array_add (self->refers, r);
  if (sip->sip_record_route)
    sip_add_dup (response, sip_object (response), (sip_header_t *) sip->sip_record_route);
  msg_header_add_make (response, NULL, sip_contact_class, contact);
  pl_server_txn_respond (txn, response);  /* sample flow step 3 */

  event = begin_event (r, "refer-accepted");
  pl_trace_event_add_string (event, "from", r->from);
  pl_trace_event_add_string (event, "uri", r->target.uri);
  pl_trace_event_add_int (event, "expires", expires);
  pl_node_commit_event (node, event);
  /* Sample flow step 5: the immediate initial NOTIFY (RFC 3515 §2.4.4). */
  send_notify (r, 100, NULL, FALSE, NULL);
}

void
_pl_receiver_refer (PlReceiver  *self,
                    PlServerTxn *txn,
                    msg_t       *msg,
                    sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  PlDialect dialect = pl_node_get_dialect (node);
  g_autoptr (GError) error = NULL;
  g_autofree char *from = NULL;
  PlReferTarget target = { 0 };
  PlRxApp *app;
  PlTraceEvent *event;

  if (sip->sip_to && sip->sip_to->a_tag)
    {
      /* RFC 3515 §2.4.6 allows more REFERs in a dialog; ours take one. */
      for (guint i = 0; i < self->refers->len; i++)
        if (pl_dialog_matches (((PlRxRefer *) g_ptr_array_index (self->refers, i))->dialog, sip))
          {
            reject (self, txn, 403, "Forbidden (one REFER per dialog)", NULL,
                    "a REFER within a refer dialog");
            return;
          }
      reject (self, txn, 481, NULL, NULL, "a REFER within a dialog this agent does not have");
      return;
    }
  /* Receiver step 1: the core asserted who refers (§9, as §6.3.1 step 1). */
  if (!asserted_identity (msg, &from))
    {
      reject (self, txn, 403, "No P-Asserted-Identity", NULL, "no usable P-Asserted-Identity");
      return;
    }
  /* Receiver step 3's material: a ua-profile SUBSCRIBE in Refer-To. */
  if (!pl_refer_parse_refer_to (dialect, sip->sip_refer_to, &target, &error))
    {
      reject (self, txn, error->code, NULL, NULL, error->message);
      return;
    }
  app = _pl_receiver_find_app (self, target.app);
  if (app == NULL)
    {
      /* As a MESSAGE for a missing application (§6.3.1 step 2): not
       * available here. */
      g_autofree char *reason = g_strdup_printf ("push application %s is not installed",
                                                 target.app);

      reject (self, txn, 480, NULL, target.app, reason);
      pl_refer_target_clear (&target);
      return;
    }
  if (self->refer_decline)
    {
      /* Sample flow step 3 without the approval: RFC 3515 §2.4.2. */
      event = pl_node_begin_event (node, PL_EVENT_APP, "refer-declined");
      pl_trace_event_add_string (event, "from", from);
      pl_trace_event_add_string (event, "app", app->id);
      pl_trace_event_add_int (event, "status", 603);
      pl_node_commit_event (node, event);
      pl_server_txn_reply (txn, 603, NULL);
      pl_refer_target_clear (&target);
      return;
    }
  accept_refer (self, txn, sip, app, g_steal_pointer (&from), &target);
}

void
_pl_receiver_refer_describe (PlReceiver *self,
                             PlState    *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  if (self->refers->len == 0)
    return;
  pl_state_begin_section (state, "refers");
  for (guint i = 0; i < self->refers->len; i++)
    {
      PlRxRefer *r = g_ptr_array_index (self->refers, i);
      g_autofree char *left = pl_state_format_remaining (now, r->expires_at);
      PlStateRow *row = pl_state_add_rowf (state, NULL, "refer", "%u", r->number);

      pl_state_add_row (state, row, "from", r->from);
      if (r->app)
        pl_state_add_row (state, row, "app", r->app->id);
      if (r->target.uri)
        pl_state_add_row (state, row, "target", r->target.uri);
      pl_state_add_row (state, row, "state", r->terminated ? "terminated"
                                             : r->subscribing ? "subscribing" : "active");
      if (!r->terminated)
        pl_state_add_row (state, row, "expires in", left);
      _pl_state_add_dialog (state, row, r->dialog);
    }
}
