/* pl-user-agent.c: a generic SIP user agent.
 *
 * It sends the requests the timeline asks for and answers every request
 * with a configured status, so plain SIP can be taught and the engine
 * exercised without the IMS models. INVITE dialogs follow RFC 3261 §13:
 * the UAC acknowledges a 2xx itself, the UAS retransmits its 2xx until the
 * ACK arrives (§13.3.1.4).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-user-agent"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-dialog.h"
#include "pl-state-models.h"
#include "pl-subscription.h"
#include "pl-transaction.h"
#include "pl-user-agent.h"
#include "pl-wire.h"
#include "pl-xml.h"

typedef struct {
  char *method;   /* NULL: any */
  GArray *codes;  /* int; empty: never answer */
  PlTime delay;
} PlAnswer;

typedef struct {
  PlUserAgent *self;
  PlDialog *dialog;
  GBytes *ok_wire;       /* UAS: the 2xx, until the ACK */
  PlNode *ok_peer;
  PlTimer *ok_timer;
  PlTime ok_interval;
  PlTime ok_given_up_at;
  GBytes *ack_wire;      /* UAC: the ACK, resent on 2xx retransmissions */
  PlNode *ack_next_hop;
} PlUaDialog;

struct _PlUserAgent {
  PlNode parent_instance;

  char *user;
  GPtrArray *answers;    /* PlAnswer*, the per-method ones first */
  GPtrArray *dialogs;    /* PlUaDialog* */
  GPtrArray *pending;    /* PlPendingAnswer*, answers still to send */
  PlClientTxn *pending_invite;
  char **events;         /* packages it takes subscriptions to (RFC 3265) */
  GPtrArray *notifiers;  /* PlNotifier*, oldest first */
};

G_DEFINE_FINAL_TYPE (PlUserAgent, pl_user_agent, PL_TYPE_NODE)

typedef struct {
  char *content_type;
  GBytes *body;
  gboolean terminate;
  char *reason;
} PlNotifySpec;

typedef struct {
  char *method;
  char *uri;
  char *to;
  char *route;
  char *content_type;
  GBytes *body;
  GPtrArray *headers;    /* "Name: value" */
} PlRequestSpec;

static void
answer_free (gpointer data)
{
  PlAnswer *answer = data;

  g_free (answer->method);
  g_array_unref (answer->codes);
  g_free (answer);
}

static void
ua_dialog_free (gpointer data)
{
  PlUaDialog *d = data;

  if (d->ok_timer)
    pl_node_cancel_timer (PL_NODE (d->self), &d->ok_timer);
  pl_dialog_free (d->dialog);
  g_clear_pointer (&d->ok_wire, g_bytes_unref);
  g_clear_pointer (&d->ack_wire, g_bytes_unref);
  g_free (d);
}

static void
request_spec_free (gpointer data)
{
  PlRequestSpec *spec = data;

  g_free (spec->method);
  g_free (spec->uri);
  g_free (spec->to);
  g_free (spec->route);
  g_free (spec->content_type);
  g_clear_pointer (&spec->body, g_bytes_unref);
  g_clear_pointer (&spec->headers, g_ptr_array_unref);
  g_free (spec);
}

static char *
local_aor (PlUserAgent *self)
{
  PlNode *node = PL_NODE (self);

  return g_strdup_printf ("sip:%s@%s", self->user ? self->user : pl_node_get_id (node),
                          pl_node_get_host (node));
}

static void
add_contact (PlUserAgent *self,
             msg_t       *msg)
{
  g_autofree char *aor = local_aor (self);
  g_autofree char *value = g_strdup_printf ("<%s>", aor);

  msg_header_add_make (msg, NULL, sip_contact_class, value);
}

static PlUaDialog *
find_dialog (PlUserAgent *self,
             sip_t       *sip)
{
  for (guint i = 0; i < self->dialogs->len; i++)
    {
      PlUaDialog *d = g_ptr_array_index (self->dialogs, i);
      if (pl_dialog_matches (d->dialog, sip))
        return d;
    }
  return NULL;
}

static void
record_response (PlUserAgent *self,
                 PlClientTxn *txn,
                 sip_t       *sip)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "response");

  pl_trace_event_add_string (event, "method", sip->sip_cseq->cs_method_name);
  pl_trace_event_add_int (event, "status", sip->sip_status->st_status);
  pl_trace_event_add_bool (event, "local", pl_client_txn_is_local_response (txn));
  pl_node_commit_event (PL_NODE (self), event);
}

static void
send_ack (PlUserAgent *self,
          PlUaDialog  *d,
          sip_t       *response)
{
  g_autoptr (msg_t) ack = pl_dialog_new_request (d->dialog, sip_method_ack, "ACK");
  sip_t *sip = sip_object (ack);

  /* §13.2.2.4: the ACK has the CSeq number of the INVITE. */
  sip->sip_cseq->cs_seq = response->sip_cseq->cs_seq;
  pl_sip_header_changed (sip->sip_cseq);
  if (pl_node_send_stateless (PL_NODE (self), ack, TRUE))
    d->ack_wire = pl_wire_serialize (ack);
  d->ack_next_hop = pl_node_next_hop (PL_NODE (self), sip);
}

static void
on_response (PlClientTxn *txn,
             msg_t       *msg,
             sip_t       *sip,
             gpointer     user_data)
{
  PlUserAgent *self = user_data;
  int status = sip->sip_status->st_status;

  record_response (self, txn, sip);
  if (sip->sip_cseq->cs_method == sip_method_subscribe)
    {
      /* RFC 3265 §3.1.4.1: a 2xx to SUBSCRIBE makes the dialog its
       * NOTIFYs come in (answered like any request in a dialog). */
      if (status >= 200 && status < 300 && !pl_client_txn_is_local_response (txn)
          && find_dialog (self, sip) == NULL)
        {
          PlUaDialog *d = g_new0 (PlUaDialog, 1);

          d->self = self;
          d->dialog = pl_dialog_new_uac (PL_NODE (self),
                                         sip_object (pl_client_txn_get_request (txn)), sip);
          g_ptr_array_add (self->dialogs, d);
        }
      return;
    }
  if (sip->sip_cseq->cs_method != sip_method_invite)
    return;
  if (status >= 200)
    self->pending_invite = NULL;
  if (status >= 200 && status < 300 && !pl_client_txn_is_local_response (txn)
      && find_dialog (self, sip) == NULL)
    {
      PlUaDialog *d = g_new0 (PlUaDialog, 1);

      d->self = self;
      d->dialog = pl_dialog_new_uac (PL_NODE (self), sip_object (pl_client_txn_get_request (txn)),
                                     sip);
      g_ptr_array_add (self->dialogs, d);
      pl_node_app_event (PL_NODE (self), "dialog", "confirmed %s", pl_dialog_get_call_id (d->dialog));
      send_ack (self, d, sip);
    }
}

static void
pl_user_agent_stray_response (PlNode *node,
                              msg_t  *msg,
                              sip_t  *sip)
{
  PlUserAgent *self = PL_USER_AGENT (node);
  PlUaDialog *d = find_dialog (self, sip);

  /* §13.2.2.4: a retransmitted 2xx is acknowledged again. */
  if (d && d->ack_wire && sip->sip_cseq->cs_method == sip_method_invite
      && sip->sip_status->st_status < 300 && d->ack_next_hop)
    pl_sim_transmit (pl_node_get_sim (node), node, d->ack_next_hop, PL_EVENT_RETRANSMIT, "sip",
                     d->ack_wire, "ACK");
  else
    pl_node_record_absorbed (node, sip, "no transaction");
}

static void
send_spec (PlUserAgent   *self,
           PlRequestSpec *spec)
{
  g_autoptr (msg_t) msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  PlNode *node = PL_NODE (self);
  g_autofree char *aor = local_aor (self);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *from = g_strdup_printf ("<%s>;tag=%s", aor, tag);
  g_autofree char *to = g_strdup_printf ("<%s>", spec->to ? spec->to : spec->uri);
  sip_method_t m = sip_method_code (spec->method);
  PlClientTxn *txn;

  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, m, spec->method,
                                                          URL_STRING_MAKE (spec->uri), NULL));
  if (spec->route)
    msg_header_add_make (msg, NULL, sip_route_class, spec->route);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, m, spec->method));
  if (m == sip_method_invite || m == sip_method_subscribe || m == sip_method_refer)
    add_contact (self, msg);
  for (guint i = 0; spec->headers && i < spec->headers->len; i++)
    msg_header_add_str (msg, NULL, g_ptr_array_index (spec->headers, i));
  if (spec->content_type)
    msg_header_add_make (msg, NULL, sip_content_type_class, spec->content_type);
  if (spec->body && g_bytes_get_size (spec->body))
    {
      gsize len;
      const char *data = g_bytes_get_data (spec->body, &len);
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (home, data, len));
    }

  txn = pl_client_txn_send (node, g_steal_pointer (&msg), on_response, self);
  if (m == sip_method_invite)
    self->pending_invite = txn;
}

void
pl_user_agent_send (PlUserAgent *self,
                    const char  *method,
                    const char  *uri,
                    const char  *route,
                    const char  *content_type,
                    GBytes      *body)
{
  PlRequestSpec spec = { (char *) method, (char *) uri, NULL, (char *) route,
                         (char *) content_type, body, NULL };

  g_return_if_fail (PL_IS_USER_AGENT (self));
  send_spec (self, &spec);
}

guint
pl_user_agent_get_n_dialogs (PlUserAgent *self)
{
  return self->dialogs->len;
}

/* ---- UAS ---- */

static const PlAnswer *
find_answer (PlUserAgent *self,
             const char  *method)
{
  for (guint i = 0; i < self->answers->len; i++)
    {
      PlAnswer *answer = g_ptr_array_index (self->answers, i);
      if (answer->method == NULL || g_ascii_strcasecmp (answer->method, method) == 0)
        return answer;
    }
  return NULL;
}

static void
on_ok_retransmit (gpointer data)
{
  PlUaDialog *d = data;
  PlNode *node = PL_NODE (d->self);

  d->ok_timer = NULL;
  if (pl_node_now (node) >= d->ok_given_up_at)
    {
      g_autoptr (msg_t) bye = pl_dialog_new_request (d->dialog, sip_method_bye, "BYE");

      /* §13.3.1.4: no ACK within 64*T1 ends the dialog with a BYE. */
      pl_node_app_event (node, "dialog", "no ACK for the 2xx: sending BYE");
      g_clear_pointer (&d->ok_wire, g_bytes_unref);
      pl_client_txn_send (node, g_steal_pointer (&bye), on_response, d->self);
      return;
    }
  pl_sim_transmit (pl_node_get_sim (node), node, d->ok_peer, PL_EVENT_RETRANSMIT, "sip",
                   d->ok_wire, "200 OK");
  d->ok_interval = MIN (d->ok_interval * 2, PL_T2);
  d->ok_timer = pl_node_add_timer (node, d->ok_interval, on_ok_retransmit, d, NULL);
}

typedef struct {
  PlUserAgent *self;
  PlServerTxn *txn;
  GArray *codes;
  guint next;
  PlTime delay;
  PlTimer *timer;        /* the next answer, if one is scheduled */
} PlPendingAnswer;

static void answer_next (PlPendingAnswer *p);

/* A SUBSCRIBE to one of the packages of the node's 'events'. */
static gboolean
takes_event (PlUserAgent *self,
             sip_t       *rq)
{
  if (rq->sip_request->rq_method != sip_method_subscribe || rq->sip_event == NULL
      || self->events == NULL)
    return FALSE;
  for (guint i = 0; self->events[i]; i++)
    if (g_ascii_strcasecmp (self->events[i], rq->sip_event->o_type) == 0)
      return TRUE;
  return FALSE;
}

static void
pending_free (gpointer data)
{
  PlPendingAnswer *p = data;

  pl_node_cancel_timer (PL_NODE (p->self), &p->timer);
  g_array_unref (p->codes);
  g_free (p);
}

static void
on_answer_timer (gpointer data)
{
  PlPendingAnswer *p = data;

  p->timer = NULL;
  answer_next (p);
}

/* §9.2: a cancelled INVITE gets no more answers of ours (its transaction
 * may be gone before they were due). */
static void
drop_pending (PlUserAgent *self,
              PlServerTxn *txn)
{
  for (guint i = self->pending->len; i-- > 0;)
    if (((PlPendingAnswer *) g_ptr_array_index (self->pending, i))->txn == txn)
      g_ptr_array_remove_index_fast (self->pending, i);
}

static void
answer_next (PlPendingAnswer *p)
{
  PlUserAgent *self = p->self;
  PlNode *node = PL_NODE (self);
  int status = g_array_index (p->codes, int, p->next++);
  g_autoptr (msg_t) response = pl_server_txn_make_response (p->txn, status, NULL);
  sip_t *rq = sip_object (pl_server_txn_get_request (p->txn));
  gboolean invite = rq->sip_request->rq_method == sip_method_invite;
  gboolean last = p->next >= p->codes->len || status >= 200;

  if (invite && status > 100 && status < 300)
    {
      sip_t *sip = sip_object (response);

      /* §12.1.1: dialog-creating responses copy Record-Route. */
      if (rq->sip_record_route)
        sip_add_dup (response, sip, (sip_header_t *) rq->sip_record_route);
      add_contact (self, response);
    }
  if (status >= 200 && status < 300 && takes_event (self, rq))
    {
      /* RFC 3265 §3.1.6.1: a notifier's 200 carries Expires and makes
       * the dialog its NOTIFYs go in (<notify>). */
      PlNotifier *notifier = pl_notifier_accept (node, p->txn, rq, G_MAXUINT32);

      g_ptr_array_add (self->notifiers, notifier);
      pl_node_app_event (node, "subscription", "accepted %s", rq->sip_event->o_type);
      g_ptr_array_remove_fast (self->pending, p);
      return;
    }
  if (invite && status >= 200 && status < 300)
    {
      PlUaDialog *d = g_new0 (PlUaDialog, 1);

      d->self = self;
      d->dialog = pl_dialog_new_uas (node, rq, sip_object (response)->sip_to->a_tag, 1);
      d->ok_wire = pl_wire_serialize (response);
      d->ok_peer = pl_server_txn_get_peer (p->txn);
      d->ok_interval = PL_T1;
      d->ok_given_up_at = pl_node_now (node) + 64 * PL_T1;
      if (pl_sim_get_link (pl_node_get_sim (node), node, d->ok_peer)->transport == PL_TRANSPORT_UDP)
        d->ok_timer = pl_node_add_timer (node, d->ok_interval, on_ok_retransmit, d, NULL);
      else
        d->ok_timer = pl_node_add_timer (node, 64 * PL_T1, on_ok_retransmit, d, NULL);
      g_ptr_array_add (self->dialogs, d);
    }
  pl_server_txn_respond (p->txn, g_steal_pointer (&response));

  if (last)
    {
      g_ptr_array_remove_fast (self->pending, p);
      return;
    }
  p->timer = pl_node_add_timer (node, p->delay, on_answer_timer, p, NULL);
}

static void
handle_in_dialog (PlUserAgent *self,
                  PlServerTxn *txn,
                  sip_t       *sip,
                  PlUaDialog  *d)
{
  PlNode *node = PL_NODE (self);

  if (sip->sip_request->rq_method == sip_method_ack)
    {
      if (d->ok_timer)
        pl_node_cancel_timer (node, &d->ok_timer);
      g_clear_pointer (&d->ok_wire, g_bytes_unref);
      pl_node_app_event (node, "dialog", "confirmed %s", pl_dialog_get_call_id (d->dialog));
      return;
    }
  if (txn == NULL)
    return;
  if (!pl_dialog_accept_cseq (d->dialog, sip))
    {
      pl_server_txn_reply (txn, 500, "CSeq Out of Order");
      return;
    }
  if (sip->sip_request->rq_method == sip_method_bye)
    {
      pl_server_txn_reply (txn, 200, NULL);
      pl_node_app_event (node, "dialog", "terminated %s by BYE", pl_dialog_get_call_id (d->dialog));
      g_ptr_array_remove (self->dialogs, d);
      return;
    }
  pl_server_txn_reply (txn, 200, NULL);
}

static void
pl_user_agent_request (PlNode      *node,
                       PlServerTxn *txn,
                       msg_t       *msg,
                       sip_t       *sip)
{
  PlUserAgent *self = PL_USER_AGENT (node);
  const char *method = sip->sip_request->rq_method_name;
  PlUaDialog *d = sip->sip_to && sip->sip_to->a_tag ? find_dialog (self, sip) : NULL;
  const PlAnswer *answer;
  PlTraceEvent *event;

  event = pl_node_begin_event (node, PL_EVENT_APP, "request");
  pl_trace_event_add_string (event, "method", method);
  pl_node_commit_event (node, event);

  if (d)
    {
      handle_in_dialog (self, txn, sip, d);
      return;
    }
  if (txn && sip->sip_request->rq_method == sip_method_subscribe && sip->sip_to
      && sip->sip_to->a_tag)
    for (guint i = 0; i < self->notifiers->len; i++)
      if (pl_notifier_matches (g_ptr_array_index (self->notifiers, i), sip))
        {
          /* A refresh, or Expires: 0 (answered by a last NOTIFY). */
          pl_notifier_refresh (g_ptr_array_index (self->notifiers, i), txn, sip);
          return;
        }
  if (txn == NULL)
    return; /* an ACK for no dialog of ours */

  if (sip->sip_to && sip->sip_to->a_tag)
    {
      /* §12.2.2: a request for a dialog we do not know. */
      pl_server_txn_reply (txn, 481, NULL);
      return;
    }

  if (sip->sip_request->rq_method == sip_method_cancel)
    {
      PlServerTxn *invite = pl_server_txn_find_invite (txn);

      pl_server_txn_reply (txn, invite ? 200 : 481, NULL);
      /* §9.2: the INVITE, if still unanswered, gets 487. */
      if (invite && pl_server_txn_get_status (invite) < 200)
        {
          drop_pending (self, invite);
          pl_server_txn_reply (invite, 487, NULL);
        }
      return;
    }

  answer = find_answer (self, method);
  if (answer == NULL || answer->codes->len == 0)
    return; /* configured to never answer */

  {
    PlPendingAnswer *p = g_new0 (PlPendingAnswer, 1);

    p->self = self;
    p->txn = txn;
    p->codes = g_array_ref (answer->codes);
    p->delay = answer->delay;
    g_ptr_array_add (self->pending, p);
    if (answer->delay > 0)
      p->timer = pl_node_add_timer (node, answer->delay, on_answer_timer, p, NULL);
    else
      answer_next (p);
  }
}

/* ---- configuration and actions ---- */

/* "200", "180,200", "none" */
static gboolean
parse_codes (PlXmlContext  *ctx,
             xmlNode       *element,
             const char    *attr,
             GArray       **out,
             GError       **error)
{
  const char *text = pl_xml_attr (element, attr);
  g_auto (GStrv) parts = NULL;
  GArray *codes = g_array_new (FALSE, FALSE, sizeof (int));

  *out = codes;
  if (text == NULL || g_str_equal (text, "none"))
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      guint64 code;
      char *end = NULL;

      code = g_ascii_strtoull (g_strstrip (parts[i]), &end, 10);
      if (end == parts[i] || *end != '\0' || code < 100 || code > 699)
        return pl_xml_error (ctx, error, element, attr,
                             "attribute '%s': expected status codes 100-699 separated by commas, "
                             "or 'none', got '%s'", attr, text);
      g_array_append_val (codes, (int) { code });
    }
  return TRUE;
}

static gboolean
pl_user_agent_configure (PlNode        *node,
                         PlXmlContext  *ctx,
                         xmlNode       *element,
                         GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "user", "answer", "answer-delay",
                                       "events", NULL };
  static const char *const answer_attrs[] = { "method", "status", "delay", NULL };
  PlUserAgent *self = PL_USER_AGENT (node);
  PlAnswer *fallback;

  if (!pl_xml_check_attrs (ctx, element, attrs, error))
    return FALSE;
  g_ptr_array_set_size (self->answers, 0);
  self->user = g_strdup (pl_xml_attr (element, "user"));
  if (pl_xml_attr (element, "events"))
    {
      g_auto (GStrv) names = g_strsplit_set (pl_xml_attr (element, "events"), " ,", -1);
      g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();

      /* RFC 3265 §7.4: an event package name is a token. */
      for (guint i = 0; names[i]; i++)
        if (*names[i] && !g_regex_match_simple ("^[A-Za-z0-9.!%*_+`'~-]+$", names[i], 0, 0))
          return pl_xml_error (ctx, error, element, "events",
                               "attribute 'events': expected event package names such as "
                               "presence, got '%s'", names[i]);
        else if (*names[i])
          g_strv_builder_add (kept, names[i]);
      self->events = g_strv_builder_end (kept);
    }

  pl_xml_foreach_element (element, child)
    {
      PlAnswer *answer;
      const char *method;

      if (!xmlStrEqual (child->name, (const xmlChar *) "answer"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of a 'ua' node: expected <answer method=... status=...>",
                             (const char *) child->name);
      if (!pl_xml_check_attrs (ctx, child, answer_attrs, error)
          || !pl_xml_require_attr (ctx, child, "method", &method, error))
        return FALSE;
      answer = g_new0 (PlAnswer, 1);
      answer->method = g_strdup (method);
      g_ptr_array_add (self->answers, answer);
      if (!pl_xml_require_attr (ctx, child, "status", &method, error)
          || !parse_codes (ctx, child, "status", &answer->codes, error)
          || !pl_xml_attr_duration (ctx, child, "delay", 0, &answer->delay, error))
        return FALSE;
    }

  fallback = g_new0 (PlAnswer, 1);
  g_ptr_array_add (self->answers, fallback);
  if (pl_xml_attr (element, "answer") == NULL)
    {
      fallback->codes = g_array_new (FALSE, FALSE, sizeof (int));
      g_array_append_val (fallback->codes, (int) { 200 });
    }
  else if (!parse_codes (ctx, element, "answer", &fallback->codes, error))
    return FALSE;
  return pl_xml_attr_duration (ctx, element, "answer-delay", 0, &fallback->delay, error);
}

static void
run_request (PlNode  *node,
             gpointer data)
{
  send_spec (PL_USER_AGENT (node), data);
}

static void
run_bye (PlNode  *node,
         gpointer data)
{
  PlUserAgent *self = PL_USER_AGENT (node);
  PlUaDialog *d;
  g_autoptr (msg_t) bye = NULL;

  if (self->dialogs->len == 0)
    {
      pl_node_app_event (node, "error", "bye: no dialog");
      return;
    }
  d = g_ptr_array_index (self->dialogs, self->dialogs->len - 1);
  bye = pl_dialog_new_request (d->dialog, sip_method_bye, "BYE");
  pl_client_txn_send (node, g_steal_pointer (&bye), on_response, self);
  g_ptr_array_remove (self->dialogs, d);
}

static void
run_cancel (PlNode  *node,
            gpointer data)
{
  PlUserAgent *self = PL_USER_AGENT (node);

  if (self->pending_invite == NULL)
    {
      pl_node_app_event (node, "error", "cancel: no INVITE pending");
      return;
    }
  pl_client_txn_cancel (self->pending_invite);
}

static PlAction *
parse_request (PlNode        *node,
               PlXmlContext  *ctx,
               xmlNode       *element,
               GError       **error)
{
  static const char *const attrs[] = { "node", "method", "uri", "to", "route", "content-type",
                                       "body", "body-file", NULL };
  g_autoptr (GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  PlRequestSpec *spec;
  const char *method, *uri, *body, *body_file;
  url_t url[1];
  g_autofree char *uri_copy = NULL;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_require_attr (ctx, element, "method", &method, error)
      || !pl_xml_require_attr (ctx, element, "uri", &uri, error))
    return NULL;
  uri_copy = g_strdup (uri);
  if (url_d (url, uri_copy) < 0 || url->url_type == url_invalid || url->url_host == NULL)
    return pl_xml_error (ctx, error, element, "uri",
                         "attribute 'uri': expected a SIP URI such as sip:bob@example.net, got '%s'",
                         uri), NULL;
  if (sip_method_code (method) == sip_method_invalid)
    return pl_xml_error (ctx, error, element, "method",
                         "attribute 'method': expected a SIP method token, got '%s'", method), NULL;

  pl_xml_foreach_element (element, child)
    {
      static const char *const header_attrs[] = { "name", "value", NULL };
      const char *name, *value;

      if (!xmlStrEqual (child->name, (const xmlChar *) "header"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of <request>: expected <header name=... value=...>",
                             (const char *) child->name), NULL;
      if (!pl_xml_check_attrs (ctx, child, header_attrs, error)
          || !pl_xml_require_attr (ctx, child, "name", &name, error)
          || !pl_xml_require_attr (ctx, child, "value", &value, error))
        return NULL;
      g_ptr_array_add (headers, g_strdup_printf ("%s: %s", name, value));
    }

  body = pl_xml_attr (element, "body");
  body_file = pl_xml_attr (element, "body-file");
  spec = g_new0 (PlRequestSpec, 1);
  spec->method = g_strdup (method);
  spec->uri = g_strdup (uri);
  spec->to = g_strdup (pl_xml_attr (element, "to"));
  spec->route = g_strdup (pl_xml_attr (element, "route"));
  spec->content_type = g_strdup (pl_xml_attr (element, "content-type"));
  spec->headers = g_steal_pointer (&headers);
  if (body_file)
    {
      g_autofree char *path = pl_xml_context_resolve (ctx, body_file);
      g_autoptr (GError) local = NULL;
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, &local))
        {
          request_spec_free (spec);
          return pl_xml_error (ctx, error, element, "body-file",
                               "attribute 'body-file': cannot read '%s': %s", path,
                               local->message), NULL;
        }
      spec->body = g_bytes_new_take (contents, len);
    }
  else if (body)
    spec->body = g_bytes_new (body, strlen (body));
  return pl_action_new (node, "request", run_request, spec, request_spec_free);
}

static void
notify_spec_free (gpointer data)
{
  PlNotifySpec *spec = data;

  g_free (spec->content_type);
  g_clear_pointer (&spec->body, g_bytes_unref);
  g_free (spec->reason);
  g_free (spec);
}

static void
run_notify (PlNode  *node,
            gpointer data)
{
  PlUserAgent *self = PL_USER_AGENT (node);
  PlNotifySpec *spec = data;
  PlNotifier *notifier = NULL;
  g_autofree char *event = NULL;
  sip_t *sub;

  for (guint i = self->notifiers->len; i-- > 0 && notifier == NULL;)
    if (pl_notifier_is_active (g_ptr_array_index (self->notifiers, i)))
      notifier = g_ptr_array_index (self->notifiers, i);
  if (notifier == NULL)
    {
      pl_node_app_event (node, "error", "notify: no active subscription");
      return;
    }
  sub = pl_notifier_get_subscribe (notifier);
  /* RFC 3265 §7.2.1: the NOTIFY's Event is the SUBSCRIBE's. */
  event = sip_header_as_string (NULL, (sip_header_t *) sub->sip_event);
  pl_notifier_notify (notifier, event, spec->body ? spec->content_type : NULL, spec->body,
                      spec->terminate, spec->reason, NULL, NULL);
}

/* <notify node="ps" content-type="application/pidf+xml" body-file="..."
 *         state="active|terminated" reason="noresource"/> in the newest
 * subscription still active. */
static PlAction *
parse_notify (PlNode        *node,
              PlXmlContext  *ctx,
              xmlNode       *element,
              GError       **error)
{
  static const char *const attrs[] = { "node", "content-type", "body", "body-file", "state",
                                       "reason", NULL };
  static const char *const states[] = { "active", "terminated", NULL };
  const char *body = pl_xml_attr (element, "body");
  const char *file = pl_xml_attr (element, "body-file");
  PlNotifySpec *spec;
  int state;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_attr_enum (ctx, element, "state", states, 0, &state, error))
    return NULL;
  if (PL_USER_AGENT (node)->events == NULL)
    return pl_xml_error (ctx, error, element, NULL,
                         "<notify>: node '%s' takes no subscriptions; give it events=\"presence\"",
                         pl_node_get_id (node)), NULL;
  if ((body || file) && pl_xml_attr (element, "content-type") == NULL)
    return pl_xml_error (ctx, error, element, NULL,
                         "<notify> with a body needs content-type"), NULL;
  spec = g_new0 (PlNotifySpec, 1);
  spec->content_type = g_strdup (pl_xml_attr (element, "content-type"));
  spec->terminate = state == 1;
  spec->reason = g_strdup (pl_xml_attr (element, "reason"));
  if (file)
    {
      g_autofree char *path = pl_xml_context_resolve (ctx, file);
      g_autoptr (GError) local = NULL;
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, &local))
        {
          notify_spec_free (spec);
          return pl_xml_error (ctx, error, element, "body-file",
                               "attribute 'body-file': cannot read '%s': %s", path,
                               local->message), NULL;
        }
      spec->body = g_bytes_new_take (contents, len);
    }
  else if (body)
    spec->body = g_bytes_new (body, strlen (body));
  return pl_action_new (node, "notify", run_notify, spec, notify_spec_free);
}

static PlAction *
pl_user_agent_parse_action (PlNode        *node,
                            PlXmlContext  *ctx,
                            xmlNode       *element,
                            GError       **error)
{
  static const char *const plain[] = { "node", NULL };
  const char *verb = (const char *) element->name;

  if (g_str_equal (verb, "request"))
    return parse_request (node, ctx, element, error);
  if (g_str_equal (verb, "notify"))
    return parse_notify (node, ctx, element, error);
  if (g_str_equal (verb, "bye") || g_str_equal (verb, "cancel"))
    {
      if (!pl_xml_check_attrs (ctx, element, plain, error))
        return NULL;
      return pl_action_new (node, verb, g_str_equal (verb, "bye") ? run_bye : run_cancel, NULL,
                            NULL);
    }
  pl_xml_error (ctx, error, element, NULL,
                "a 'ua' node has no action <%s>: expected <request>, <notify>, <bye> or <cancel>", verb);
  return NULL;
}

static void
pl_user_agent_finalize (GObject *object)
{
  PlUserAgent *self = PL_USER_AGENT (object);

  g_free (self->user);
  g_strfreev (self->events);
  g_clear_pointer (&self->notifiers, g_ptr_array_unref);
  g_clear_pointer (&self->answers, g_ptr_array_unref);
  g_clear_pointer (&self->dialogs, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (pl_user_agent_parent_class)->finalize (object);
}

static void
pl_user_agent_describe (PlNode  *node,
                        PlState *state)
{
  PlUserAgent *self = PL_USER_AGENT (node);

  pl_state_add_row (state, NULL, "user", self->user ? self->user : "(none)");
  pl_state_begin_section (state, "dialogs");
  for (guint i = 0; i < self->dialogs->len; i++)
    _pl_state_add_dialog (state, NULL, ((PlUaDialog *) g_ptr_array_index (self->dialogs, i))->dialog);
  pl_state_begin_section (state, "subscriptions served");
  for (guint i = 0; i < self->notifiers->len; i++)
    _pl_state_add_notifier (state, pl_state_add_rowf (state, NULL, "subscription", "%u", i + 1),
                            g_ptr_array_index (self->notifiers, i), pl_node_now (node));
}

static void
pl_user_agent_class_init (PlUserAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_user_agent_finalize;
  node_class->configure = pl_user_agent_configure;
  node_class->parse_action = pl_user_agent_parse_action;
  node_class->request = pl_user_agent_request;
  node_class->stray_response = pl_user_agent_stray_response;
  node_class->describe = pl_user_agent_describe;
}

static void
pl_user_agent_init (PlUserAgent *self)
{
  PlAnswer *fallback = g_new0 (PlAnswer, 1);

  self->answers = g_ptr_array_new_with_free_func (answer_free);
  self->dialogs = g_ptr_array_new_with_free_func (ua_dialog_free);
  self->pending = g_ptr_array_new_with_free_func (pending_free);
  self->notifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_notifier_free);
  /* Built without a scenario (tests, benchmark): answer 200 to anything. */
  fallback->codes = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_append_val (fallback->codes, (int) { 200 });
  g_ptr_array_add (self->answers, fallback);
}
