/* pl-push-msrp.c: the MSRP session of a push by INVITE (003_… B.3 steps
 * 7–11): the seam of pl-push-session.h filled with pl-msrp-session.
 *
 * After the ACK both agents open their side of the session the offer and
 * answer described (a=path, a=setup). The sender sends its content in
 * SEND chunks with Success-Report: yes; the receiver reassembles it,
 * checks the SHA-1 the offer's file-selector announced (RFC 5547) and
 * REPORTs. The outcome is the push's delivery status, read as a MESSAGE's
 * would be (issue 5 item 5): a REPORT or response with a status goes
 * through Appendix C by its code; no outcome in time is 408 (row 4); a
 * connection that breaks, closes or aborts before the end is row 4 too,
 * "cannot be delivered to the intended destination".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-push"

#include "pl-msrp-session.h"
#include "pl-push-msrp.h"
#include "pl-push-session.h"

typedef struct {
  PlNode *node;
  PlMsrpSession *msrp;
  PlPushSessionDone done;     /* sender only; NULL once called */
  gpointer dialog;
  char *app;                  /* receiver: the application */
} Glue;

static void
glue_stop (gpointer data)
{
  Glue *glue = data;

  if (glue == NULL)
    return;
  /* The dialog is over (BYE): its outcome is the dialog's to record, so
   * the messages the close fails are not reported back (the sender would
   * stop us again from within). */
  glue->done = NULL;
  /* The connection goes with the dialog. */
  if (pl_msrp_session_get_state (glue->msrp) != PL_MSRP_SESSION_CLOSED)
    pl_msrp_session_close (glue->msrp);
  pl_msrp_session_free (glue->msrp);
  g_free (glue->app);
  g_free (glue);
}

static void
on_received (PlMsrpSession *session,
             const char    *message_id,
             const char    *content_type,
             GBytes        *body,
             gpointer       user_data)
{
  Glue *glue = user_data;
  PlTraceEvent *event = pl_node_begin_event (glue->node, PL_EVENT_APP, "push");

  /* The whole content reached the application (B.3 step 9's REPORT
   * follows from the session layer). */
  if (glue->app)
    pl_trace_event_add_string (event, "app", glue->app);
  pl_trace_event_add_string (event, "method", "INVITE");
  pl_trace_event_add_string (event, "content-type", content_type ? content_type : "");
  pl_trace_event_add_int (event, "bytes", (gint64) g_bytes_get_size (body));
  pl_trace_event_add_string (event, "message-id", message_id);
  pl_node_commit_event (glue->node, event);
}

static PlDeliveryStatus
status_of (const PlMsrpOutcome *outcome,
           int                 *code)
{
  switch (outcome->kind)
    {
    case PL_MSRP_OUTCOME_DELIVERED:
      *code = 200;
      return PL_DELIVERY_ACCEPTED;
    case PL_MSRP_OUTCOME_FAILED:
    case PL_MSRP_OUTCOME_HASH_MISMATCH:
      /* RFC 4975 §10 codes share SIP's meanings: read as a MESSAGE's
       * answer would be. */
      *code = (int) outcome->status;
      return pl_push_status_for_response ("MESSAGE", *code ? *code : 400);
    case PL_MSRP_OUTCOME_TIMEOUT:
      *code = 408;
      return PL_DELIVERY_UNDELIVERABLE;
    case PL_MSRP_OUTCOME_ABORTED:
    case PL_MSRP_OUTCOME_BROKEN:
    case PL_MSRP_OUTCOME_CLOSED:
    default:
      *code = 0;
      return PL_DELIVERY_UNDELIVERABLE;
    }
}

static void
on_outcome (PlMsrpSession       *session,
            const PlMsrpOutcome *outcome,
            gpointer             user_data)
{
  Glue *glue = user_data;
  PlPushSessionDone done = glue->done;
  g_autofree char *reason = NULL;
  PlDeliveryStatus status;
  int code;

  if (!outcome->outgoing || done == NULL)
    return;
  status = status_of (outcome, &code);
  reason = g_strdup_printf ("MSRP %s%s%s", pl_msrp_outcome_kind_to_string (outcome->kind),
                            outcome->comment ? ": " : "",
                            outcome->comment ? outcome->comment : "");
  glue->done = NULL;
  /* The sender records the delivery and sends BYE, which stops us. */
  done (glue->dialog, status, code, reason);
}

static void
on_closed (PlMsrpSession *session,
           const char    *reason,
           gpointer       user_data)
{
  Glue *glue = user_data;
  PlPushSessionDone done = glue->done;

  /* A connection gone before any outcome: nothing more can come. */
  if (done == NULL)
    return;
  glue->done = NULL;
  done (glue->dialog, PL_DELIVERY_UNDELIVERABLE, 0, reason);
}

static gpointer
glue_start (const PlPushSession *session,
            PlPushSessionDone    done,
            gpointer             dialog)
{
  static const PlMsrpSessionCallbacks callbacks = { on_received, on_outcome, on_closed };
  const PlMsrpSdp *local = session->local, *remote = session->remote;
  g_autoptr (GError) error = NULL;
  Glue *glue;

  if (local->path == NULL || local->path[0] == NULL || remote->path == NULL
      || remote->path[0] == NULL)
    return NULL;
  glue = g_new0 (Glue, 1);
  glue->node = session->node;
  glue->done = done;
  glue->dialog = dialog;
  glue->app = g_strdup (session->app);
  /* RFC 4975 §8.1: our own URI is the last of our a=path, the peer's
   * path is where To-Path points. */
  glue->msrp = pl_msrp_session_new (session->node, local->path[g_strv_length (local->path) - 1],
                                    remote->path[0],
                                    session->active ? PL_MSRP_ROLE_ACTIVE : PL_MSRP_ROLE_PASSIVE,
                                    &callbacks, glue, &error);
  if (glue->msrp == NULL)
    {
      pl_node_app_event (session->node, "error", "no MSRP session: %s", error->message);
      g_free (glue->app);
      g_free (glue);
      return NULL;
    }
  if (!session->sender && remote->file_selector && remote->file_selector->has_sha1)
    {
      /* RFC 5547 §5: the file the offer announced, checked on arrival. */
      GString *hash = g_string_new ("sha-1:");

      for (guint i = 0; i < PL_MSRP_SHA1_LEN; i++)
        g_string_append_printf (hash, i ? ":%02X" : "%02X", remote->file_selector->sha1[i]);
      pl_msrp_session_expect_hash (glue->msrp, hash->str);
      g_string_free (hash, TRUE);
    }
  if (session->sender)
    {
      PlMsrpSendOptions options = {
        .chunk_size = session->chunking.chunk_size,
        .max_chunks = session->chunking.max_chunks,
        .pipelining = session->chunking.pipelining,
        .success_report = TRUE,   /* B.3 step 7 */
      };

      pl_msrp_session_send (glue->msrp, session->content_type, session->content, &options);
    }
  pl_msrp_session_start (glue->msrp);
  return glue;
}

void
pl_push_msrp_install (void)
{
  static const PlPushSessionHooks hooks = { glue_start, glue_stop };

  pl_push_session_set_hooks (&hooks);
}
