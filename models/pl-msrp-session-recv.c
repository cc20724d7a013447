/* pl-msrp-session-recv.c: the receiving side of an MSRP session.
 *
 * Each SEND is answered (RFC 4975 §7.2: 200, To-Path the sender's
 * From-Path, From-Path this end) and its body written at its Byte-Range
 * into one buffer per Message-ID. When the last byte is in ("$" seen,
 * nothing missing), the message's SHA-1 is checked against the files
 * the SDP announced (RFC 5547 a=file-selector hash), then the REPORT
 * goes (B.3 step 11: Status: 000 200 OK when Success-Report: yes; a
 * failure REPORT for a hash mismatch) and the message is handed to the
 * owner. A "#" chunk discards what came of its message (RFC 4975 §7.1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp-session"

#include <string.h>

#include "pl-msrp-session-private.h"

void
_pl_msrp_in_free (gpointer data)
{
  PlMsrpIn *in = data;

  g_free (in->message_id);
  g_free (in->content_type);
  g_free (in->reply_path);
  g_free (in->data);
  g_array_unref (in->spans);
  g_free (in);
}

static PlMsrpIn *
find_incoming (PlMsrpSession *self,
               const char    *message_id)
{
  for (guint i = 0; i < self->incoming->len; i++)
    {
      PlMsrpIn *in = g_ptr_array_index (self->incoming, i);

      if (g_str_equal (in->message_id, message_id))
        return in;
    }
  return NULL;
}

/* Adds [start, end) to the sorted, disjoint spans; returns the bytes
 * that were new. */
static guint64
add_span (GArray  *spans,
          guint64  start,
          guint64  end)
{
  guint64 before = 0, after = 0;
  guint i = 0;
  PlMsrpSpan merged = { start, end };

  for (guint k = 0; k < spans->len; k++)
    {
      PlMsrpSpan *s = &g_array_index (spans, PlMsrpSpan, k);

      before += s->end - s->start;
    }
  /* Skip the spans wholly before; merge the ones that touch. */
  while (i < spans->len && g_array_index (spans, PlMsrpSpan, i).end < start)
    i++;
  while (i < spans->len && g_array_index (spans, PlMsrpSpan, i).start <= merged.end)
    {
      PlMsrpSpan *s = &g_array_index (spans, PlMsrpSpan, i);

      merged.start = MIN (merged.start, s->start);
      merged.end = MAX (merged.end, s->end);
      g_array_remove_index (spans, i);
    }
  g_array_insert_val (spans, i, merged);
  for (guint k = 0; k < spans->len; k++)
    {
      PlMsrpSpan *s = &g_array_index (spans, PlMsrpSpan, k);

      after += s->end - s->start;
    }
  return after - before;
}

static void
emit_incoming (PlMsrpSession     *self,
               PlMsrpIn          *in,
               PlMsrpOutcomeKind  kind,
               guint              status,
               const char        *comment)
{
  PlMsrpOutcome outcome = { 0, };

  outcome.message_id = in->message_id;
  outcome.outgoing = FALSE;
  outcome.kind = kind;
  outcome.status = status;
  outcome.comment = comment;
  outcome.bytes = in->received;
  _pl_msrp_session_emit_outcome (self, &outcome);
}

/* Drops a partial message (aborted by "#", too large, or its
 * connection went) and tells the owner. */
static void
discard (PlMsrpSession     *self,
         PlMsrpIn          *in,
         PlMsrpOutcomeKind  kind,
         guint              status,
         const char        *reason)
{
  PlTraceEvent *event = _pl_msrp_session_begin_event (self, "discarded");
  g_autofree char *id = g_strdup (in->message_id);
  PlMsrpOutcome outcome = { 0, };

  pl_trace_event_add_string (event, "message-id", in->message_id);
  pl_trace_event_add_int (event, "bytes", (gint64) in->received);
  pl_trace_event_add_string (event, "outcome", pl_msrp_outcome_kind_to_string (kind));
  pl_trace_event_add_string (event, "reason", reason);
  _pl_msrp_session_commit_event (self, event);

  outcome.message_id = id;
  outcome.kind = kind;
  outcome.status = status;
  outcome.comment = reason;
  outcome.bytes = in->received;
  g_ptr_array_remove (self->incoming, in);
  _pl_msrp_session_emit_outcome (self, &outcome);
}

static void
send_report (PlMsrpSession *self,
             PlMsrpIn      *in,
             const char    *status)
{
  /* RFC 4975 §7.1.2: a new transaction; To-Path is the SEND's
   * From-Path; Message-ID and Byte-Range name what is reported on. */
  for (int attempt = 0; attempt < 4; attempt++)
    {
      g_autofree char *tid = _pl_msrp_session_new_id (self, 8);
      g_autoptr (PlMsrpFrame) frame = pl_msrp_request_new (tid, "REPORT");
      g_autofree char *range = g_strdup_printf ("1-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                in->total, in->total);
      g_autofree char *label = g_strdup_printf ("REPORT %s", status);

      pl_msrp_frame_add_header (frame, "To-Path", in->reply_path);
      pl_msrp_frame_add_header (frame, "From-Path", self->local_path);
      pl_msrp_frame_add_header (frame, "Message-ID", in->message_id);
      pl_msrp_frame_add_header (frame, "Byte-Range", range);
      pl_msrp_frame_add_header (frame, "Status", status);
      /* No body: it always prints. */
      if (_pl_msrp_session_transmit (self, frame, label, NULL))
        return;
    }
  g_assert_not_reached ();
}

/* Every byte of @in is here. */
static void
complete (PlMsrpSession *self,
          PlMsrpIn      *in)
{
  g_autoptr (GBytes) body = NULL;
  g_autofree char *hash = NULL;
  const char *pairs;
  PlTraceEvent *event;
  gboolean checked = self->expected->len > 0;
  gboolean ok = !checked;

  body = g_bytes_new_take (g_steal_pointer (&in->data), (gsize) in->total);
  hash = pl_msrp_sha1_hash (body);
  pairs = hash + strlen ("sha-1:");
  /* RFC 5547 §5: the hash names the file; it must be one announced and
   * not yet received. */
  for (guint i = 0; i < self->expected->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->expected, i), pairs) == 0)
      {
        g_ptr_array_remove_index (self->expected, i);
        ok = TRUE;
        break;
      }

  event = _pl_msrp_session_begin_event (self, "received");
  pl_trace_event_add_string (event, "message-id", in->message_id);
  pl_trace_event_add_string (event, "content-type", in->content_type ? in->content_type : "");
  pl_trace_event_add_int (event, "bytes", in->total);
  pl_trace_event_add_string (event, "hash", hash);
  {
    g_autofree char *detail = g_strdup_printf ("%" G_GINT64_FORMAT " bytes, %s", in->total,
                                               !checked ? "sha-1 not checked (none expected)"
                                               : ok ? "sha-1 ok" : "sha-1 mismatch");

    pl_trace_event_add_string (event, "detail", detail);
  }
  _pl_msrp_session_commit_event (self, event);

  if (ok)
    {
      /* B.3 step 11. */
      if (in->success_report)
        send_report (self, in, "000 200 OK");
      if (!self->freed && self->callbacks.received)
        self->callbacks.received (self, in->message_id, in->content_type, body, self->user_data);
      emit_incoming (self, in, PL_MSRP_OUTCOME_DELIVERED, 200, "whole message received");
    }
  else
    {
      /* RFC 4975 §7.1.2: a failure REPORT carries a §10 code; 400 says
       * the request (here the content it carried) is not what it claims
       * to be. It goes unless Failure-Report: no. */
      if (in->failure_report)
        send_report (self, in, "000 400 Hash mismatch");
      emit_incoming (self, in, PL_MSRP_OUTCOME_HASH_MISMATCH, 400,
                     "the content's sha-1 is not the one the SDP announced");
    }
}

/* RFC 4975 §9 Byte-Range; absent, the chunk is the whole message
 * ("1-*" of an unknown total). */
static gboolean
read_range (const PlMsrpFrame *frame,
            guint64           *start,
            gint64            *end,
            gint64            *total)
{
  const char *value = pl_msrp_frame_get_header (frame, "Byte-Range");

  if (value == NULL)
    {
      *start = 1;
      *end = -1;
      *total = -1;
      return TRUE;
    }
  return pl_msrp_parse_byte_range (value, start, end, total);
}

void
_pl_msrp_session_on_send (PlMsrpSession     *self,
                          const PlMsrpFrame *frame)
{
  const char *message_id = pl_msrp_frame_get_header (frame, "Message-ID");
  const char *failure = pl_msrp_frame_get_header (frame, "Failure-Report");
  const char *success = pl_msrp_frame_get_header (frame, "Success-Report");
  GBytes *body = pl_msrp_frame_get_body (frame);
  PlMsrpFlag flag = pl_msrp_frame_get_flag (frame);
  /* RFC 4975 §7.1.1: "no" asks for no response at all, "partial" for
   * error responses only. */
  gboolean answer_ok = failure == NULL || g_ascii_strcasecmp (failure, "yes") == 0;
  gboolean answer_error = failure == NULL || g_ascii_strcasecmp (failure, "no") != 0;
  const guint8 *data;
  gsize len = 0;
  guint64 start, last;
  gint64 end, total, known;
  PlMsrpIn *in;

  if (message_id == NULL || !read_range (frame, &start, &end, &total))
    {
      /* RFC 4975 §7.3.1, §10: a SEND without Message-ID, or with a
       * Byte-Range that is none, is a bad request. */
      if (answer_error)
        _pl_msrp_session_respond (self, frame, 400,
                                  message_id ? "Bad Byte-Range" : "Message-ID missing");
      return;
    }
  if (body == NULL)
    {
      /* The empty SEND that binds a connection (RFC 4975 §5.4). */
      if (answer_ok)
        _pl_msrp_session_respond (self, frame, 200, "OK");
      return;
    }
  data = g_bytes_get_data (body, &len);

  in = find_incoming (self, message_id);
  if (in == NULL)
    {
      in = g_new0 (PlMsrpIn, 1);
      in->message_id = g_strdup (message_id);
      in->total = -1;
      in->spans = g_array_new (FALSE, FALSE, sizeof (PlMsrpSpan));
      in->failure_report = TRUE;
      g_ptr_array_add (self->incoming, in);
    }
  if (in->content_type == NULL)
    in->content_type = g_strdup (pl_msrp_frame_get_content_type (frame));
  if (in->reply_path == NULL)
    in->reply_path = _pl_msrp_first_uri (pl_msrp_frame_get_header (frame, "From-Path"));
  in->success_report = success && g_ascii_strcasecmp (success, "yes") == 0;
  if (failure && g_ascii_strcasecmp (failure, "no") == 0)
    in->failure_report = FALSE;

  /* The chunk must lie within what its range says and within the
   * message's total, once known (from this chunk or an earlier one). */
  known = total >= 0 ? total : in->total;
  last = in->spans->len ? g_array_index (in->spans, PlMsrpSpan, in->spans->len - 1).end : 0;
  if ((end >= 0 && (guint64) len > (guint64) end - start + 1)
      || (total >= 0 && in->total >= 0 && total != in->total)
      || (known >= 0 && (start - 1 + len > (guint64) known || last > (guint64) known)))
    {
      if (answer_error)
        _pl_msrp_session_respond (self, frame, 400, "Byte-Range and body disagree");
      return;
    }
  if ((known >= 0 && (guint64) known > PL_MSRP_MAX_MESSAGE)
      || start - 1 + len > PL_MSRP_MAX_MESSAGE)
    {
      /* RFC 4975 §10: 413, stop sending this message. */
      if (answer_error)
        _pl_msrp_session_respond (self, frame, 413, "Message too large");
      discard (self, in, PL_MSRP_OUTCOME_FAILED, 413, "larger than this end reassembles");
      return;
    }

  in->total = known;
  if (in->total >= 0 && in->alloc < (gsize) in->total)
    {
      /* One buffer for the whole message, filled in place. */
      in->alloc = (gsize) in->total;
      in->data = g_realloc (in->data, MAX (in->alloc, 1));
    }
  else if (in->total < 0 && start - 1 + len > in->alloc)
    {
      in->alloc = MAX ((gsize) (start - 1 + len), in->alloc * 2);
      in->data = g_realloc (in->data, MAX (in->alloc, 1));
    }
  if (len)
    memcpy (in->data + start - 1, data, len);
  in->received += add_span (in->spans, start - 1, start - 1 + len);

  /* B.3 steps 8 and 10: the 200 first, then any REPORT. */
  if (answer_ok)
    _pl_msrp_session_respond (self, frame, 200, "OK");

  if (flag == PL_MSRP_FLAG_ABORT)
    {
      discard (self, in, PL_MSRP_OUTCOME_ABORTED, 0, "the sender aborted it (\"#\")");
      return;
    }
  if (flag == PL_MSRP_FLAG_END)
    {
      in->got_last = TRUE;
      /* Without a total the last chunk's end is the message's. */
      if (in->total < 0)
        in->total = (gint64) (start - 1 + len);
    }
  if (in->got_last && in->total >= 0 && in->received == (guint64) in->total)
    {
      guint i;

      /* Off the list first: the owner's callbacks may send or close. */
      g_ptr_array_find (self->incoming, in, &i);
      g_ptr_array_steal_index (self->incoming, i);
      complete (self, in);
      _pl_msrp_in_free (in);
    }
}

void
_pl_msrp_session_fail_incoming (PlMsrpSession     *self,
                                PlMsrpOutcomeKind  kind,
                                const char        *reason)
{
  /* A partial message is dropped as a "#" chunk would drop it. */
  while (!self->freed && self->incoming->len > 0)
    discard (self, g_ptr_array_index (self->incoming, 0), kind, 0, reason);
}
