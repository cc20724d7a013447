/* pl-push-session.h: the seam between a push's INVITE dialog and the
 * MSRP session that carries its content (003_… B.3: steps 1–6 and 12–15
 * are the dialog, pl-sender-invite.c and pl-receiver-invite.c; steps
 * 7–11 are MSRP, RFC 4975, over the P-3 reference point of 001_…
 * §5.3.5, outside the SIP/IP core).
 *
 * Once the dialog is confirmed (the sender has sent its ACK, the
 * receiver has received it) each side calls the hooks' start() with what
 * offer and answer agreed; the MSRP layer reports the sender's outcome
 * once through @done (after the REPORT of step 11, a failure report, or
 * a broken connection), and the sender then sends BYE (step 12). A BYE
 * sent or received calls stop(). Without hooks, the sender waits for its
 * session timeout, then ends the dialog with the push undeliverable.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-msrp-sdp.h"
#include "pl-node.h"
#include "pl-push.h"

G_BEGIN_DECLS

/* How the sender cuts its content into SEND chunks (B.3 step 7, RFC
 * 4975 §5.1). */
typedef struct {
  gsize chunk_size;           /* content bytes per SEND; 0: one SEND */
  guint max_chunks;           /* > 0: the last of this many takes the rest */
  gboolean pipelining;        /* every chunk at once (B.3 step 8 NOTE) */
} PlPushChunking;

typedef struct {
  PlNode *node;
  gboolean sender;            /* the Push Sender (it sends the content) */
  gboolean active;            /* this side opens the TCP connection (RFC 4145 §4.1) */
  const PlMsrpSdp *local;     /* own description: the last a=path URI is From-Path */
  const PlMsrpSdp *remote;    /* the peer's: its a=path is To-Path (RFC 4975 §8.1) */
  const char *call_id;        /* of the INVITE dialog */
  guint push;                 /* the sender's push number; 0 at the receiver */
  const char *app;            /* receiver: the push application it is for */
  const char *content_type;   /* sender: what to send; NULL at the receiver */
  GBytes *content;
  PlPushChunking chunking;    /* sender */
} PlPushSession;

/* The MSRP layer's word on a sender's session: the delivery status, the
 * MSRP status code behind it (RFC 4975 §7.1.2: 200 from the REPORT) and
 * a reason for the trace. @dialog is start()'s. */
typedef void (*PlPushSessionDone) (gpointer          dialog,
                                   PlDeliveryStatus  status,
                                   int               code,
                                   const char       *reason);

typedef struct {
  /* Starts the MSRP session; returns its handle (NULL: none started, and
   * @done will not be called). @done is NULL at the receiver, whose
   * session ends with the sender's BYE. The session is owned by the MSRP
   * layer until stop(). */
  gpointer (*start) (const PlPushSession *session,
                     PlPushSessionDone    done,
                     gpointer             dialog);
  /* The dialog is over (BYE sent or received, or the node goes). */
  void     (*stop)  (gpointer msrp_session);
} PlPushSessionHooks;

/* Installed once by whoever provides MSRP (NULL: none). */
void                      pl_push_session_set_hooks (const PlPushSessionHooks *hooks);
const PlPushSessionHooks *pl_push_session_get_hooks (void);

G_END_DECLS
