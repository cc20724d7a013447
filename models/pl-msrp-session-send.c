/* pl-msrp-session-send.c: the sending side of an MSRP session.
 *
 * A message is cut into SEND chunks (RFC 4975 §5.1, §7.1.1): each with
 * To-Path, From-Path, Message-ID, Byte-Range and, as in B.3 step 7,
 * Success-Report: yes; "+" ends every chunk but the last, "$" the last.
 * Failure-Report is left out: absent, it means "yes" (RFC 4975 §7.1.1),
 * so every SEND gets a transaction response. Each chunk's body is a
 * slice of the caller's GBytes (g_bytes_new_from_bytes): the content is
 * copied only into the bytes that cross the wire.
 *
 * Without pipelining the next chunk waits for the 200 of the one before
 * (B.3 steps 7–10); with it, every chunk goes at once (B.3 step 8 NOTE).
 * The message succeeds on the REPORT 000 200 (B.3 step 11), or, without
 * Success-Report, on the last 200. It fails on an error response, a
 * failure REPORT, no response within 30 s, no REPORT in time, or when
 * the connection goes first.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp-session"

#include <string.h>

#include "pl-msrp-session-private.h"

/* Tries for a transaction id whose end-line the body does not hold. */
#define MAX_ID_TRIES 16

void
_pl_msrp_out_free (PlMsrpOut *msg)
{
  if (msg == NULL)
    return;
  pl_node_cancel_timer (msg->session->node, &msg->report_timer);
  g_free (msg->message_id);
  g_free (msg->content_type);
  g_bytes_unref (msg->body);
  g_free (msg);
}

void
_pl_msrp_txn_free (gpointer data)
{
  PlMsrpTxn *txn = data;

  pl_node_cancel_timer (txn->session->node, &txn->timer);
  g_free (txn->tid);
  g_free (txn);
}

/* Ends @msg: records, removes, tells the owner. */
static void
finish (PlMsrpOut         *msg,
        PlMsrpOutcomeKind  kind,
        guint              status,
        const char        *comment,
        gboolean           by_report,
        gboolean           by_response)
{
  PlMsrpSession *self = msg->session;
  PlMsrpOutcome outcome = { 0, };
  PlTraceEvent *event;
  GHashTableIter iter;
  gpointer value;

  g_queue_remove (&self->outgoing, msg);
  pl_node_cancel_timer (self->node, &msg->report_timer);
  /* Chunks still unanswered: their responses, if any, are absorbed. */
  g_hash_table_iter_init (&iter, self->txns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PlMsrpTxn *txn = value;

      if (txn->msg == msg)
        {
          txn->msg = NULL;
          pl_node_cancel_timer (self->node, &txn->timer);
        }
    }

  event = _pl_msrp_session_begin_event (self, kind == PL_MSRP_OUTCOME_DELIVERED
                                                ? "delivered" : "failed");
  pl_trace_event_add_string (event, "message-id", msg->message_id);
  pl_trace_event_add_string (event, "outcome", pl_msrp_outcome_kind_to_string (kind));
  if (status)
    pl_trace_event_add_int (event, "code", status);
  pl_trace_event_add_string (event, "reason", comment);
  pl_trace_event_add_int (event, "bytes", (gint64) msg->total);
  _pl_msrp_session_commit_event (self, event);

  outcome.message_id = msg->message_id;
  outcome.outgoing = TRUE;
  outcome.kind = kind;
  outcome.status = status;
  outcome.comment = comment;
  outcome.by_report = by_report;
  outcome.by_response = by_response;
  outcome.bytes = msg->total;
  _pl_msrp_session_emit_outcome (self, &outcome);
  _pl_msrp_out_free (msg);
}

static PlMsrpTxn *send_request (PlMsrpSession *self,
                                PlMsrpOut     *msg,
                                const char    *message_id,
                                const char    *range,
                                GBytes        *body,
                                PlMsrpFlag     flag,
                                const char    *label);

/* RFC 4975 §7.1: "#" tells the receiver no more chunks of @msg follow
 * and the message is incomplete, so it drops what it holds. The empty
 * chunk starts where the content stopped; its end was never reached,
 * hence "*". Nothing goes on a connection that is gone. */
static void
send_abort_chunk (PlMsrpSession *self,
                  PlMsrpOut     *msg)
{
  g_autofree char *range = NULL;
  g_autofree char *label = NULL;
  g_autoptr (GBytes) empty = NULL;

  if (self->state != PL_MSRP_SESSION_OPEN)
    return;
  range = g_strdup_printf ("%" G_GUINT64_FORMAT "-*/%" G_GUINT64_FORMAT, msg->next + 1,
                           msg->total);
  label = g_strdup_printf ("SEND %s #", range);
  empty = g_bytes_new_from_bytes (msg->body, msg->next, 0);
  send_request (self, msg, msg->message_id, range, empty, PL_MSRP_FLAG_ABORT, label);
  self->n_chunks_sent++;
}

/* A chunk of @msg failed (no response in time, or an error response):
 * the message is given up. When part of it went, the receiver holds a
 * partial message no chunk will complete: the sender aborts it with "#"
 * (RFC 4975 §7.1: "If the sender is aborting an incomplete message, and
 * intends to send no further chunks in that message, the flag MUST be
 * a '#'"). */
static void
give_up (PlMsrpOut         *msg,
         PlMsrpOutcomeKind  kind,
         guint              status,
         const char        *comment,
         gboolean           by_response)
{
  if (msg->state == OUT_SENDING || msg->state == OUT_SENT)
    send_abort_chunk (msg->session, msg);
  finish (msg, kind, status, comment, FALSE, by_response);
}

static void
on_transaction_timeout (gpointer data)
{
  PlMsrpTxn *txn = data;
  PlMsrpSession *self = txn->session;
  g_autofree char *why = g_strdup_printf ("no response to SEND %s within %d s", txn->tid,
                                          (int) (PL_MSRP_TRANSACTION_TIMEOUT / PL_SEC (1)));

  txn->timer = NULL;
  _pl_msrp_session_ref (self);
  if (txn->msg)
    /* RFC 4975 §7.1.1: the transaction failed, as a 408 would say. */
    give_up (txn->msg, PL_MSRP_OUTCOME_TIMEOUT, 408, why, FALSE);
  else if (txn->binding)
    _pl_msrp_session_shut (self, PL_MSRP_OUTCOME_TIMEOUT, why);
  if (!self->freed)
    _pl_msrp_session_pump (self);
  _pl_msrp_session_unref (self);
}

static void
on_report_timeout (gpointer data)
{
  PlMsrpOut *msg = data;
  PlMsrpSession *self = msg->session;
  PlTime wait = msg->options.report_timeout;
  g_autofree char *why = g_strdup_printf ("no REPORT within %" G_GINT64_FORMAT " ms",
                                          wait / PL_MSEC (1));

  msg->report_timer = NULL;
  _pl_msrp_session_ref (self);
  finish (msg, PL_MSRP_OUTCOME_TIMEOUT, 408, why, FALSE, FALSE);
  _pl_msrp_session_unref (self);
}

/* Sends a SEND; returns its transaction, or NULL when no transaction id
 * would do (the body holds the end-line of every one tried). */
static PlMsrpTxn *
send_request (PlMsrpSession *self,
              PlMsrpOut     *msg,
              const char    *message_id,
              const char    *range,
              GBytes        *body,
              PlMsrpFlag     flag,
              const char    *label)
{
  PlMsrpTxn *txn;

  for (int attempt = 0; attempt < MAX_ID_TRIES; attempt++)
    {
      g_autofree char *tid = _pl_msrp_session_new_id (self, 8);
      g_autoptr (PlMsrpFrame) frame = pl_msrp_request_new (tid, "SEND");
      g_autoptr (GError) error = NULL;

      pl_msrp_frame_add_header (frame, "To-Path", self->remote_path);
      pl_msrp_frame_add_header (frame, "From-Path", self->local_path);
      pl_msrp_frame_add_header (frame, "Message-ID", message_id);
      pl_msrp_frame_add_header (frame, "Byte-Range", range);
      if (msg && msg->options.success_report)
        pl_msrp_frame_add_header (frame, "Success-Report", "yes");
      if (body)
        pl_msrp_frame_set_body (frame, msg->content_type, body);
      pl_msrp_frame_set_flag (frame, flag);
      if (self->chunk_hook && body)
        self->chunk_hook (self, frame, self->chunk_hook_data);

      if (!_pl_msrp_session_transmit (self, frame, label, &error))
        {
          /* RFC 4975 §7.1: the end-line must not occur in the body;
           * the sender picks another transaction id. */
          PlTraceEvent *event = _pl_msrp_session_begin_event (self, "transaction-id-changed");

          g_assert (g_error_matches (error, PL_MSRP_ERROR, PL_MSRP_ERROR_END_LINE_IN_BODY));
          pl_trace_event_add_string (event, "transaction-id", tid);
          pl_trace_event_add_string (event, "reason", error->message);
          _pl_msrp_session_commit_event (self, event);
          continue;
        }
      txn = g_new0 (PlMsrpTxn, 1);
      txn->session = self;
      txn->msg = msg;
      txn->tid = g_steal_pointer (&tid);
      txn->timer = pl_node_add_timer (self->node, PL_MSRP_TRANSACTION_TIMEOUT,
                                      on_transaction_timeout, txn, NULL);
      g_hash_table_insert (self->txns, txn->tid, txn);
      return txn;
    }
  return NULL;
}

void
_pl_msrp_session_send_binding (PlMsrpSession *self)
{
  g_autofree char *message_id = _pl_msrp_session_new_message_id (self);
  PlMsrpTxn *txn = send_request (self, NULL, message_id, "1-0/0", NULL, PL_MSRP_FLAG_END, "SEND");

  txn->binding = TRUE;
}

/* The next chunk of @msg. */
static void
send_chunk (PlMsrpSession *self,
            PlMsrpOut     *msg)
{
  guint64 start = msg->next;
  guint64 end;
  gboolean interrupted = FALSE;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *range = NULL;
  g_autofree char *label = NULL;
  PlMsrpFlag flag;

  if (msg->resume_end)
    end = msg->resume_end;
  else
    {
      msg->n_chunks++;
      if (msg->options.chunk_size == 0
          || (msg->options.max_chunks && msg->n_chunks >= msg->options.max_chunks))
        end = msg->total;
      else
        end = MIN (msg->total, start + msg->options.chunk_size);
    }
  msg->resume_end = 0;

  /* RFC 4975 §5.1: a sender may interrupt a chunk part of the way and
   * send the rest later with a new Byte-Range. The interrupted chunk's
   * header went out before its end was known, so its range-end is "*". */
  if (!msg->interrupted && msg->options.interrupt_after > start
      && msg->options.interrupt_after < end)
    {
      msg->interrupted = TRUE;
      msg->resume_end = end;
      end = msg->options.interrupt_after;
      interrupted = TRUE;
    }

  body = g_bytes_new_from_bytes (msg->body, start, end - start);
  if (interrupted)
    range = g_strdup_printf ("%" G_GUINT64_FORMAT "-*/%" G_GUINT64_FORMAT, start + 1, msg->total);
  else
    range = g_strdup_printf ("%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                             start + 1, end, msg->total);
  flag = end == msg->total && !interrupted ? PL_MSRP_FLAG_END : PL_MSRP_FLAG_MORE;
  label = g_strdup_printf ("SEND %s", range);

  if (send_request (self, msg, msg->message_id, range, body, flag, label) == NULL)
    {
      finish (msg, PL_MSRP_OUTCOME_FAILED, 0,
              "every transaction id tried occurs as an end-line in the content", FALSE, FALSE);
      return;
    }
  if (interrupted)
    {
      PlTraceEvent *event = _pl_msrp_session_begin_event (self, "chunk-interrupted");

      pl_trace_event_add_string (event, "message-id", msg->message_id);
      pl_trace_event_add_int (event, "after", (gint64) end);
      _pl_msrp_session_commit_event (self, event);
    }
  msg->next = end;
  msg->pending++;
  msg->state = end == msg->total && msg->resume_end == 0 ? OUT_SENT : OUT_SENDING;
  self->n_chunks_sent++;
  self->bytes_sent += end - start;
}

/* Every chunk of @msg has its 200. */
static void
chunks_done (PlMsrpOut *msg)
{
  PlMsrpSession *self = msg->session;

  if (msg->options.success_report)
    {
      msg->state = OUT_AWAITING_REPORT;
      msg->report_timer = pl_node_add_timer (self->node, msg->options.report_timeout,
                                             on_report_timeout, msg, NULL);
      return;
    }
  /* Without Success-Report, 200s are all the sender learns (RFC 4975
   * §5.3). */
  finish (msg, PL_MSRP_OUTCOME_DELIVERED, 200, "every chunk answered 200", FALSE, TRUE);
}

void
_pl_msrp_session_pump (PlMsrpSession *self)
{
  GList *l, *next;

  if (self->freed || self->state != PL_MSRP_SESSION_OPEN)
    return;
  for (l = self->outgoing.head; l; l = next)
    {
      PlMsrpOut *msg = l->data;

      next = l->next;
      switch (msg->state)
        {
        case OUT_QUEUED:
        case OUT_SENDING:
          if (msg->options.pipelining)
            {
              while (!self->freed && self->state == PL_MSRP_SESSION_OPEN
                     && g_queue_find (&self->outgoing, msg)
                     && (msg->state == OUT_QUEUED || msg->state == OUT_SENDING))
                send_chunk (self, msg);
              if (self->freed || self->state != PL_MSRP_SESSION_OPEN)
                return;
              /* The list may have changed: start again from the head. */
              next = self->outgoing.head;
              continue;
            }
          if (msg->pending == 0)
            send_chunk (self, msg);
          return;
        case OUT_SENT:
          /* Messages go one after the other; without pipelining the
           * next waits for this one's last 200. */
          if (!msg->options.pipelining)
            return;
          break;
        case OUT_AWAITING_REPORT:
        default:
          break;
        }
    }
}

const char *
pl_msrp_session_send (PlMsrpSession           *self,
                      const char              *content_type,
                      GBytes                  *body,
                      const PlMsrpSendOptions *options)
{
  PlMsrpOut *msg;
  const char *id;

  g_return_val_if_fail (self != NULL && !self->freed, NULL);
  g_return_val_if_fail (content_type != NULL && body != NULL, NULL);

  msg = g_new0 (PlMsrpOut, 1);
  msg->session = self;
  msg->message_id = _pl_msrp_session_new_message_id (self);
  msg->content_type = g_strdup (content_type);
  msg->body = g_bytes_ref (body);
  msg->total = g_bytes_get_size (body);
  if (options)
    msg->options = *options;
  else
    msg->options.success_report = TRUE;
  if (msg->options.report_timeout <= 0)
    msg->options.report_timeout = PL_MSRP_REPORT_TIMEOUT;
  msg->state = OUT_QUEUED;
  g_queue_push_tail (&self->outgoing, msg);

  _pl_msrp_session_ref (self);
  if (self->state == PL_MSRP_SESSION_CLOSED)
    /* Nothing can go: the outcome comes at once. */
    finish (msg, PL_MSRP_OUTCOME_CLOSED, 0, "the session is closed", FALSE, FALSE);
  else
    _pl_msrp_session_pump (self);
  /* The message may have ended already. */
  id = !self->freed && g_queue_find (&self->outgoing, msg) ? msg->message_id : NULL;
  _pl_msrp_session_unref (self);
  return id;
}

gboolean
pl_msrp_session_abort (PlMsrpSession *self,
                       const char    *message_id)
{
  PlMsrpOut *msg = NULL;

  g_return_val_if_fail (self != NULL && !self->freed && message_id != NULL, FALSE);

  for (GList *l = self->outgoing.head; l; l = l->next)
    if (g_str_equal (((PlMsrpOut *) l->data)->message_id, message_id))
      msg = l->data;
  if (msg == NULL || (msg->state != OUT_QUEUED && msg->state != OUT_SENDING))
    return FALSE;

  _pl_msrp_session_ref (self);
  if (msg->state == OUT_SENDING)
    send_abort_chunk (self, msg);
  finish (msg, PL_MSRP_OUTCOME_ABORTED, 0, "aborted by the sender", FALSE, FALSE);
  _pl_msrp_session_pump (self);
  _pl_msrp_session_unref (self);
  return TRUE;
}

void
_pl_msrp_session_on_response (PlMsrpSession     *self,
                              const PlMsrpFrame *frame)
{
  const char *tid = pl_msrp_frame_get_transaction_id (frame);
  PlMsrpTxn *txn = g_hash_table_lookup (self->txns, tid);
  guint status = pl_msrp_frame_get_status (frame);
  const char *phrase = pl_msrp_frame_get_phrase (frame);
  PlMsrpOut *msg;
  gboolean binding;

  if (txn == NULL)
    {
      PlTraceEvent *event = _pl_msrp_session_begin_event (self, "response-ignored");

      pl_trace_event_add_string (event, "transaction-id", tid);
      pl_trace_event_add_string (event, "detail", "no SEND of this session has this id");
      _pl_msrp_session_commit_event (self, event);
      return;
    }
  msg = txn->msg;
  binding = txn->binding;
  g_hash_table_remove (self->txns, tid);

  if (msg == NULL)
    {
      /* RFC 4975 §5.4: an error to the first SEND means the peer will
       * not have this connection. */
      if (binding && status != 200)
        {
          g_autofree char *why = g_strdup_printf ("the peer refused the connection: %03u %s",
                                                  status, phrase ? phrase : "");

          _pl_msrp_session_shut (self, PL_MSRP_OUTCOME_FAILED, why);
        }
      return;
    }
  msg->pending--;
  if (status != 200)
    {
      g_autofree char *why = g_strdup_printf ("%03u %s", status, phrase ? phrase : "");

      give_up (msg, PL_MSRP_OUTCOME_FAILED, status, why, TRUE);
    }
  else if (msg->state == OUT_SENT && msg->pending == 0)
    chunks_done (msg);
  _pl_msrp_session_pump (self);
}

void
_pl_msrp_session_on_report (PlMsrpSession     *self,
                            const PlMsrpFrame *frame)
{
  const char *message_id = pl_msrp_frame_get_header (frame, "Message-ID");
  const char *value = pl_msrp_frame_get_header (frame, "Status");
  PlMsrpOut *msg = NULL;
  PlTraceEvent *event;
  guint ns = 0, code = 0;
  const char *comment = NULL;
  gboolean valid = value && pl_msrp_parse_status (value, &ns, &code, &comment);

  for (GList *l = self->outgoing.head; l && message_id; l = l->next)
    if (g_str_equal (((PlMsrpOut *) l->data)->message_id, message_id))
      msg = l->data;

  event = _pl_msrp_session_begin_event (self, "report");
  pl_trace_event_add_string (event, "message-id", message_id ? message_id : "");
  pl_trace_event_add_string (event, "status", value ? value : "");
  if (!valid)
    pl_trace_event_add_string (event, "reason", "no valid Status (RFC 4975 §9): ignored");
  else if (msg == NULL)
    pl_trace_event_add_string (event, "reason", "no message of this session waits for it");
  _pl_msrp_session_commit_event (self, event);
  /* RFC 4975 §7.1.2: REPORTs get no response. */
  if (!valid || msg == NULL)
    return;

  {
    g_autofree char *why = g_strdup_printf ("REPORT %s", value);

    finish (msg, code == 200 ? PL_MSRP_OUTCOME_DELIVERED : PL_MSRP_OUTCOME_FAILED, code, why,
            TRUE, FALSE);
  }
  _pl_msrp_session_pump (self);
}

void
_pl_msrp_session_fail_outgoing (PlMsrpSession     *self,
                                PlMsrpOutcomeKind  kind,
                                const char        *reason)
{
  PlMsrpOut *msg;

  while (!self->freed && (msg = g_queue_peek_head (&self->outgoing)) != NULL)
    finish (msg, kind, 0, reason, FALSE, FALSE);
}
