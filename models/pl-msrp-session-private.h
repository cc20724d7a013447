/* pl-msrp-session-private.h: what the files of the MSRP session share
 * (pl-msrp-session.c: lifecycle, connection, dispatch;
 * pl-msrp-session-send.c: outgoing messages; pl-msrp-session-recv.c:
 * incoming messages), and hooks for the tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-msrp.h"
#include "pl-msrp-session.h"

G_BEGIN_DECLS

/* RFC 4975 §6: msrp://authority/session-id;transport, parsed for the
 * comparison of §6.1. */
typedef struct {
  char *scheme;       /* lower case */
  char *host;         /* lower case */
  guint port;
  char *session_id;   /* compared case-sensitively */
  char *transport;    /* lower case */
} PlMsrpUri;

typedef struct _PlMsrpEndpoint PlMsrpEndpoint;

typedef enum {
  OUT_QUEUED,          /* nothing sent yet */
  OUT_SENDING,         /* some chunks sent */
  OUT_SENT,            /* every chunk sent; responses may be pending */
  OUT_AWAITING_REPORT, /* every chunk answered 200; the REPORT is due */
} PlMsrpOutState;

typedef struct {
  PlMsrpSession *session;
  char *message_id;
  char *content_type;
  GBytes *body;
  guint64 total;
  PlMsrpSendOptions options;
  PlMsrpOutState state;
  guint64 next;          /* offset of the next byte to send */
  guint64 resume_end;    /* after an interruption: where the cut chunk ended */
  gboolean interrupted;
  guint n_chunks;        /* chunks begun (a resumed one is not a new one) */
  guint pending;         /* SENDs without a response yet */
  PlTimer *report_timer;
} PlMsrpOut;

/* A SEND waiting for its response. @msg NULL: the SEND of no message
 * still going (an empty one that opened the connection, or a chunk of
 * a message that already ended), whose response is only absorbed. */
typedef struct {
  PlMsrpSession *session;
  PlMsrpOut *msg;
  char *tid;
  gboolean binding;      /* the empty SEND of RFC 4975 §5.4 */
  PlTimer *timer;
} PlMsrpTxn;

typedef struct {
  guint64 start;         /* offset, inclusive */
  guint64 end;           /* offset, exclusive */
} PlMsrpSpan;

typedef struct {
  char *message_id;
  char *content_type;
  char *reply_path;      /* the SEND's From-Path: where the REPORT goes */
  guint8 *data;
  gsize alloc;
  gint64 total;          /* -1 while unknown */
  GArray *spans;         /* PlMsrpSpan received, sorted, disjoint */
  guint64 received;
  gboolean got_last;
  gboolean success_report;
  gboolean failure_report; /* FALSE for Failure-Report: no */
} PlMsrpIn;

typedef void (*PlMsrpChunkHook) (PlMsrpSession     *session,
                                 const PlMsrpFrame *frame,
                                 gpointer           user_data);

struct _PlMsrpSession {
  gint ref_count;
  gboolean freed;
  PlMsrpEndpoint *endpoint;
  PlNode *node;
  PlNode *peer;
  char *local_path;
  char *remote_path;
  PlMsrpUri local;
  PlMsrpRole setup;
  PlMsrpSessionState state;
  PlMsrpSessionCallbacks callbacks;
  gpointer user_data;
  guint serial;
  guint64 counter;       /* transaction ids */
  guint64 n_messages;    /* Message-IDs */
  GPtrArray *expected;   /* char*: expected SHA-1s, "72:24:5F:…" */
  GQueue outgoing;       /* PlMsrpOut*, in the order queued */
  GHashTable *txns;      /* tid -> PlMsrpTxn*; looked up, never iterated for output */
  GPtrArray *incoming;   /* PlMsrpIn*, in the order first seen */
  guint64 n_chunks_sent;
  guint64 bytes_sent;
  PlMsrpChunkHook chunk_hook;
  gpointer chunk_hook_data;
};

#define PL_MSRP_TRANSACTION_TIMEOUT PL_SEC (30)
#define PL_MSRP_REPORT_TIMEOUT PL_SEC (30)
/* The largest message a receiver reassembles (413 beyond). */
#define PL_MSRP_MAX_MESSAGE (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/* pl-msrp-session.c */
PlMsrpSession *_pl_msrp_session_ref   (PlMsrpSession *self);
void           _pl_msrp_session_unref (PlMsrpSession *self);
char          *_pl_msrp_session_new_id (PlMsrpSession *self,
                                        guint          len);
char          *_pl_msrp_session_new_message_id (PlMsrpSession *self);
PlTraceEvent  *_pl_msrp_session_begin_event (PlMsrpSession *self,
                                             const char    *action);
void           _pl_msrp_session_commit_event (PlMsrpSession *self,
                                              PlTraceEvent  *event);
/* Prints @frame and sends it to the peer; FALSE (and nothing sent) when
 * it does not print. */
gboolean       _pl_msrp_session_transmit (PlMsrpSession  *self,
                                          PlMsrpFrame    *frame,
                                          const char     *label,
                                          GError        **error);
void           _pl_msrp_session_respond (PlMsrpSession     *self,
                                         const PlMsrpFrame *request,
                                         guint              status,
                                         const char        *phrase);
void           _pl_msrp_session_emit_outcome (PlMsrpSession       *self,
                                              const PlMsrpOutcome *outcome);
/* The connection is gone at this end. */
void           _pl_msrp_session_shut (PlMsrpSession     *self,
                                      PlMsrpOutcomeKind  kind,
                                      const char        *reason);
gboolean       _pl_msrp_uri_parse (const char *text,
                                   PlMsrpUri  *uri);
void           _pl_msrp_uri_clear (PlMsrpUri *uri);
gboolean       _pl_msrp_uri_equal (const PlMsrpUri *a,
                                   const PlMsrpUri *b);
/* The first URI of a To-Path or From-Path value. */
char          *_pl_msrp_first_uri (const char *path);

/* pl-msrp-session-send.c */
void           _pl_msrp_out_free   (PlMsrpOut *msg);
void           _pl_msrp_txn_free   (gpointer data);
void           _pl_msrp_session_pump (PlMsrpSession *self);
void           _pl_msrp_session_send_binding (PlMsrpSession *self);
void           _pl_msrp_session_on_response (PlMsrpSession     *self,
                                             const PlMsrpFrame *frame);
void           _pl_msrp_session_on_report (PlMsrpSession     *self,
                                           const PlMsrpFrame *frame);
/* Ends every outgoing message with @kind (the session is going). */
void           _pl_msrp_session_fail_outgoing (PlMsrpSession     *self,
                                               PlMsrpOutcomeKind  kind,
                                               const char        *reason);

/* pl-msrp-session-recv.c */
void           _pl_msrp_in_free    (gpointer data);
void           _pl_msrp_session_on_send (PlMsrpSession     *self,
                                         const PlMsrpFrame *frame);
void           _pl_msrp_session_fail_incoming (PlMsrpSession     *self,
                                               PlMsrpOutcomeKind  kind,
                                               const char        *reason);

/* Tests: @hook sees each SEND chunk before it is printed. */
void           _pl_msrp_session_set_chunk_hook (PlMsrpSession   *self,
                                                PlMsrpChunkHook  hook,
                                                gpointer         user_data);
/* Tests: the transaction id the next request would get. */
char          *_pl_msrp_session_peek_id (PlMsrpSession *self);

G_END_DECLS
