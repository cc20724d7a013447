/* pl-inspect.h: one message of a trace taken apart for the studio's
 * inspector and the command line: the transmission's send and delivery,
 * the bytes as sent and as delivered and their difference, the parsed
 * start line, header spans, the body pretty-printed, the transaction and
 * dialog, and the related messages and node events.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pl-trace.h"

G_BEGIN_DECLS

/* No such event. */
#define PL_INSPECT_NONE G_MAXUINT

/* The trace by hop, built incrementally ------------------------------ */

/* Which events belong to each transmission (hop), which events each
 * delivery caused, and, computed on first need, the transaction and
 * dialog keys of every SIP transmission. Holds a reference on the trace;
 * every query first reads the events added since the last one. */
typedef struct _PlTraceIndex PlTraceIndex;

PlTraceIndex *pl_trace_index_new        (PlTrace      *trace);
void          pl_trace_index_free       (PlTraceIndex *index);
PlTrace      *pl_trace_index_get_trace  (PlTraceIndex *index);
/* Reads the events added to the trace since the last call. */
void          pl_trace_index_update     (PlTraceIndex *index);
/* The highest hop seen so far (hops are numbered 1, 2, ... in order). */
guint64       pl_trace_index_get_n_hops (PlTraceIndex *index);
/* The send (or retransmit) event of @hop, or PL_INSPECT_NONE. */
guint         pl_trace_index_get_send   (PlTraceIndex *index,
                                         guint64       hop);
/* Its deliver, malformed, absorbed or drop event, or PL_INSPECT_NONE
 * (still in flight). */
guint         pl_trace_index_get_end    (PlTraceIndex *index,
                                         guint64       hop);

/* One message taken apart ------------------------------------------- */

typedef enum {
  PL_BODY_NONE,      /* no body */
  PL_BODY_SDP,       /* parsed and printed by sofia-sip */
  PL_BODY_XML,       /* re-indented by libxml2 */
  PL_BODY_TEXT,      /* text, message/sipfrag: as is */
  PL_BODY_BINARY,    /* hex dump */
} PlBodyKind;

/* A header line; offsets are bytes into PlMessageView.text, ends
 * exclusive. A folded header (RFC 3261 §7.3.1) spans its lines. */
typedef struct {
  char *name;
  char *value;          /* as written, folding kept */
  gsize line_start, line_end;
  gsize name_start, name_end;
  gsize value_start, value_end;
  gboolean changed;     /* a rule changed, added or removed this line */
} PlHeaderSpan;

/* The start line, by protocol: SIP through sofia-sip, MSRP and HTTP
 * through their own framers (pl-msrp.h, pl-http.h). */
typedef struct {
  gboolean parsed;      /* FALSE: the bytes do not parse; see problem */
  gboolean is_request;
  char *protocol;       /* "SIP/2.0", "MSRP", "HTTP/1.1" */
  char *method;         /* requests */
  char *uri;            /* SIP Request-URI, HTTP request-target */
  guint status;         /* responses */
  char *reason;         /* responses; may be NULL */
  char *transaction_id; /* MSRP */
  char *problem;        /* why it did not parse, or what a real stack
                         * would refuse (pl_wire_parse), or NULL */
  gsize start, end;     /* the start line in PlMessageView.text */
} PlStartLine;

/* One copy of the message: as sent or as delivered. */
typedef struct {
  guint event_index;
  GBytes *wire;         /* the exact bytes */
  char *text;           /* the bytes as UTF-8 (invalid bytes become
                         * U+FFFD, NUL becomes U+FFFD): what offsets
                         * refer to */
  PlStartLine start_line;
  GArray *headers;      /* PlHeaderSpan, in order */
  gsize body_start;     /* offset of the body in text (text length when none) */
  char *content_type;   /* without parameters, lower case; NULL when none */
  PlBodyKind body_kind;
  char *body;           /* pretty-printed; NULL for PL_BODY_NONE */
  char *body_note;      /* why the body is shown as it is (a parse
                         * error), or NULL */
} PlMessageView;

typedef enum {
  PL_DIFF_SAME,
  PL_DIFF_REMOVED,      /* only in the sent bytes */
  PL_DIFF_ADDED,        /* only in the delivered bytes */
  PL_DIFF_CHANGED,      /* a sent line replaced by a delivered one */
} PlDiffOp;

/* A line of the sent-versus-delivered diff; lines are numbered from 1
 * (0: none on that side) and given without their line end. */
typedef struct {
  PlDiffOp op;
  guint sent_line;
  guint delivered_line;
  char *sent;           /* NULL for ADDED */
  char *delivered;      /* NULL for REMOVED */
} PlDiffLine;

/* Why another message is related; a message may be related in several
 * ways at once. */
typedef enum {
  PL_RELATED_TRANSACTION = 1 << 0, /* same top Via branch and CSeq method */
  PL_RELATED_DIALOG      = 1 << 1, /* same Call-ID and tags */
  PL_RELATED_CAUSED_BY   = 1 << 2, /* sent while this message's delivery
                                    * was handled (it caused it) */
  PL_RELATED_CAUSE       = 1 << 3, /* this message was sent while that
                                    * one's delivery was handled */
} PlRelatedFlags;

typedef struct {
  guint64 hop;
  guint send_index;     /* PL_INSPECT_NONE when unknown */
  guint end_index;      /* PL_INSPECT_NONE while in flight */
  PlRelatedFlags why;
} PlRelated;

typedef struct {
  guint event_index;    /* the event asked about */
  guint64 hop;
  const char *proto;    /* interned */
  char *label;
  int from, to;

  /* The transmission. */
  guint send_index;     /* send or retransmit, PL_INSPECT_NONE if unknown */
  guint end_index;      /* deliver, malformed, absorbed or drop, or
                         * PL_INSPECT_NONE while in flight */
  PlEventKind end_kind; /* valid when end_index is set */
  PlMessageView *sent;      /* NULL when the send is not in the trace */
  PlMessageView *delivered; /* NULL when nothing arrived (in flight,
                             * or dropped) */
  gboolean altered;     /* the delivered bytes differ from the sent ones */
  GArray *rule_events;  /* guint: rule events of this hop */
  GArray *diff;         /* PlDiffLine, every line; NULL unless altered */

  /* SIP only (NULL otherwise; for MSRP, transaction_key is the
   * transaction id). */
  char *transaction_key; /* "z9hG4bK... MESSAGE" */
  char *dialog_key;      /* "Call-ID;tag-a;tag-b", tags sorted; NULL
                          * outside a dialog */

  GArray *related;       /* PlRelated, by hop */
  GArray *node_events;   /* guint: node events this message's delivery
                          * caused (an iFC evaluation, a binding) */
} PlInspection;

/* Takes apart the message of trace event @event_index (any message
 * event of the transmission: send, retransmit, deliver, malformed,
 * absorbed, drop); NULL when it is not a message event. Builds an index
 * of the whole trace for the call: a caller that inspects often keeps a
 * PlTraceIndex and calls pl_trace_index_inspect(). */
PlInspection *pl_inspect_message        (PlTrace      *trace,
                                         guint         event_index);
PlInspection *pl_trace_index_inspect    (PlTraceIndex *index,
                                         guint         event_index);
void          pl_inspection_free        (PlInspection *inspection);

/* "transaction", "dialog", "caused-by", "cause" joined with ", ". */
char         *pl_related_flags_to_string (PlRelatedFlags why);
const char   *pl_diff_op_to_string      (PlDiffOp op);
const char   *pl_body_kind_to_string    (PlBodyKind kind);

/* The parts, usable on their own. */
PlMessageView *pl_message_view_new      (const PlTraceEvent *event);
void           pl_message_view_free     (PlMessageView *view);
/* LCS over lines (CRLF or LF); every line of both sides, in order. */
GArray        *pl_diff_lines            (const char *sent,
                                         gsize       sent_len,
                                         const char *delivered,
                                         gsize       delivered_len);
/* @body pretty-printed by @content_type (NULL: guessed); *note (may be
 * NULL) says why it is shown as is when it does not parse. */
char          *pl_body_pretty           (const char *content_type,
                                         const char *body,
                                         gsize       len,
                                         PlBodyKind *kind,
                                         char      **note);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlTraceIndex, pl_trace_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlInspection, pl_inspection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlMessageView, pl_message_view_free)

G_END_DECLS
