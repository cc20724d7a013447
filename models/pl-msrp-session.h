/* pl-msrp-session.h: one MSRP session (RFC 4975) between two nodes over
 * a virtual TCP connection: the P-3 reference point of the large-content
 * flow (B.3 steps 7–11).
 *
 * A session is owned by a node (the Push Sender or Receiver agent, or
 * any node kind), not a node kind itself. The INVITE code creates one on
 * each side once the offer/answer is done, from the SDP's a=path (both
 * ends), a=setup (who opens the connection) and a=file-selector's hash;
 * the owning node's `stream` vfunc hands MSRP bytes to
 * pl_msrp_session_dispatch(), which finds the session by To-Path.
 *
 * Sending splits a message into SEND chunks (Byte-Range, Message-ID,
 * end-line flag "+" then "$", Success-Report), with or without
 * pipelining; receiving answers each SEND 200, reassembles by
 * Byte-Range, checks the SHA-1 against the expected one (RFC 5547) and
 * sends the REPORT. Frames are built and parsed by sim/pl-msrp.h;
 * message bodies travel as slices of the caller's GBytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

/* The TCP port IANA registered for MSRP (RFC 4975). */
#define PL_MSRP_DEFAULT_PORT 2855

/* Who opens the TCP connection: a=setup of RFC 4145 §4 as RFC 6135
 * applies it to MSRP. (An "actpass" offer is resolved by the answer
 * before a session is made.) */
typedef enum {
  PL_MSRP_ROLE_ACTIVE,
  PL_MSRP_ROLE_PASSIVE,
} PlMsrpRole;

typedef enum {
  PL_MSRP_SESSION_IDLE,       /* made, not started */
  PL_MSRP_SESSION_CONNECTING, /* passive and started: waits for the peer's first frame */
  PL_MSRP_SESSION_OPEN,       /* the connection is up */
  PL_MSRP_SESSION_CLOSED,
} PlMsrpSessionState;

/* How a message ended, on either side. */
typedef enum {
  PL_MSRP_OUTCOME_DELIVERED,      /* REPORT 000 200 (or every chunk's 200 without
                                   * Success-Report); received: whole, hash good */
  PL_MSRP_OUTCOME_FAILED,         /* an error response or failure REPORT from the peer */
  PL_MSRP_OUTCOME_HASH_MISMATCH,  /* received whole, but not the file the SDP announced */
  PL_MSRP_OUTCOME_TIMEOUT,        /* no response or REPORT in time */
  PL_MSRP_OUTCOME_ABORTED,        /* a "#" chunk ended it */
  PL_MSRP_OUTCOME_BROKEN,         /* the connection broke first */
  PL_MSRP_OUTCOME_CLOSED,         /* the session was closed first (BYE) */
} PlMsrpOutcomeKind;

typedef struct {
  const char *message_id;
  gboolean outgoing;           /* a message this side sent */
  PlMsrpOutcomeKind kind;
  /* RFC 4975 §10 code: from the REPORT or the response when
   * @by_report/@by_response, else what this side concluded (408 for a
   * timeout, 400 for a hash mismatch), 0 when there is none. */
  guint status;
  const char *comment;         /* human-readable reason */
  gboolean by_report;          /* @status came in a REPORT */
  gboolean by_response;        /* @status came in a transaction response */
  guint64 bytes;               /* bytes of the message sent or received */
} PlMsrpOutcome;

typedef struct _PlMsrpSession PlMsrpSession;

typedef struct {
  /* Receiver: a whole message arrived and its hash (if one is expected)
   * matched. @body is the reassembled message; ref it to keep it. */
  void (*received) (PlMsrpSession *session,
                    const char    *message_id,
                    const char    *content_type,
                    GBytes        *body,
                    gpointer       user_data);
  /* Either side: how a message ended (a success too). */
  void (*outcome)  (PlMsrpSession       *session,
                    const PlMsrpOutcome *outcome,
                    gpointer             user_data);
  /* The connection is gone (closed, broken, or refused by the peer). */
  void (*closed)   (PlMsrpSession *session,
                    const char    *reason,
                    gpointer       user_data);
} PlMsrpSessionCallbacks;

typedef struct {
  /* Content bytes per SEND; 0 sends the message in one. */
  gsize chunk_size;
  /* > 0: the last of this many chunks takes all that is left. B.3's
   * 4385 bytes go as 1-2048 and 2049-4385: chunk_size 2048, max 2. */
  guint max_chunks;
  /* Send every chunk at once instead of waiting for each 200 (B.3
   * step 8 NOTE, RFC 4975 §7.1.1). */
  gboolean pipelining;
  /* Success-Report: yes (B.3 step 7): the receiver sends a REPORT. */
  gboolean success_report;
  /* > 0: the chunk holding this byte is interrupted after it and the
   * rest goes in the next SEND with a new Byte-Range (RFC 4975 §5.1). */
  guint64 interrupt_after;
  /* Time to wait for the REPORT after the last 200; 0: 30 s. */
  PlTime report_timeout;
} PlMsrpSendOptions;

/* A new session of @node. Paths are MSRP URIs
 * (msrp://host:port/session-id;tcp, RFC 4975 §6); the remote path's
 * host names the peer node. Fails when a path is not an MSRP URI, the
 * peer is unknown, or @node already has a session at @local_path. */
PlMsrpSession *pl_msrp_session_new        (PlNode                       *node,
                                           const char                   *local_path,
                                           const char                   *remote_path,
                                           PlMsrpRole                   setup,
                                           const PlMsrpSessionCallbacks *callbacks,
                                           gpointer                      user_data,
                                           GError                      **error);
/* Closes the session without callbacks and forgets it. */
void           pl_msrp_session_free       (PlMsrpSession *self);

/* A file this side expects (a=file-selector's hash, RFC 5547 §5:
 * "sha-1:72:24:5F:…"). Each received message must match one not yet
 * received; with none expected, nothing is checked. FALSE when @hash is
 * not a sha-1 hash-attr value. */
gboolean       pl_msrp_session_expect_hash (PlMsrpSession *self,
                                            const char    *hash);

/* After the offer/answer (the ACK): the active side opens the
 * connection and sends its first SEND at once (RFC 4975 §5.4): the
 * first chunk of a message queued before (as in B.3 step 7), or an
 * empty SEND when nothing is queued; the passive side waits for it. */
void           pl_msrp_session_start      (PlMsrpSession *self);

/* Queues a message; it goes as soon as the connection is up and the
 * messages before it are sent. @options NULL: one chunk, no pipelining,
 * Success-Report: yes. Returns the Message-ID (owned by the session
 * until the message's outcome), or NULL when the message ended at once
 * (the session is closed), its outcome already reported. */
const char    *pl_msrp_session_send       (PlMsrpSession           *self,
                                           const char              *content_type,
                                           GBytes                  *body,
                                           const PlMsrpSendOptions *options);

/* Gives up on an outgoing message: when part of it went, a SEND with
 * the "#" flag tells the receiver to discard it (RFC 4975 §7.1). FALSE
 * when the message is not one still being sent. */
gboolean       pl_msrp_session_abort      (PlMsrpSession *self,
                                           const char    *message_id);

/* Closes the connection (the session ends: BYE). The peer learns it
 * one link latency later (the FIN); unfinished messages fail CLOSED. */
void           pl_msrp_session_close      (PlMsrpSession *self);

/* The connection breaks now, at both ends: no frame can cross it any
 * more, so nothing is said on the wire; unfinished messages fail BROKEN
 * on both sides (a partial received message is discarded as if a "#"
 * chunk had ended it). */
void           pl_msrp_session_break      (PlMsrpSession *self,
                                           const char    *reason);

PlMsrpSessionState pl_msrp_session_get_state (PlMsrpSession *self);
const char    *pl_msrp_session_get_local_path  (PlMsrpSession *self);
const char    *pl_msrp_session_get_remote_path (PlMsrpSession *self);
PlNode        *pl_msrp_session_get_node   (PlMsrpSession *self);
PlNode        *pl_msrp_session_get_peer   (PlMsrpSession *self);
/* SEND chunks this session has sent, and the content bytes in them. */
guint64        pl_msrp_session_get_n_chunks_sent (PlMsrpSession *self);
guint64        pl_msrp_session_get_bytes_sent    (PlMsrpSession *self);

/* For a node's `stream` vfunc: MSRP bytes from @from go to the session
 * their To-Path names. FALSE when @proto is not "msrp" (the bytes are
 * someone else's). A request for no session is answered 481. */
gboolean       pl_msrp_session_dispatch   (PlNode     *node,
                                           PlNode     *from,
                                           const char *proto,
                                           GBytes     *bytes);

/* A fresh a=path URI for @node: msrp://<host>:<port>/<session-id>;tcp,
 * the session-id deterministic per node. @port 0: 2855. */
char          *pl_msrp_session_new_path   (PlNode  *node,
                                           guint16  port);

/* RFC 5547 §5 hash-attr value of @body: "sha-1:" and the SHA-1 as
 * colon-separated upper-case hex pairs. */
char          *pl_msrp_sha1_hash          (GBytes *body);

const char    *pl_msrp_outcome_kind_to_string (PlMsrpOutcomeKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlMsrpSession, pl_msrp_session_free)

G_END_DECLS
