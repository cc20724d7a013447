/* pl-transaction.h: RFC 3261 §17 transactions on virtual time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

/* Called for every response a client transaction passes up: provisional
 * ones, then exactly one final one. A timeout (timer B or F) gives a 408
 * and an unresolvable next hop a 503, both made locally (RFC 3261
 * §8.1.3.1); pl_client_txn_is_local_response() tells them apart. */
typedef void (*PlResponseFunc) (PlClientTxn *txn,
                                msg_t       *response,
                                sip_t       *sip,
                                gpointer     user_data);

/* Sends @request (taking ownership) in a new client transaction: adds a
 * Via with a new branch and Max-Forwards: 70 when absent, and sends it to
 * the first Route, or the Request-URI (RFC 3261 §8.1.2). */
PlClientTxn *pl_client_txn_send        (PlNode         *node,
                                        msg_t          *request,
                                        PlResponseFunc  func,
                                        gpointer        user_data);
/* Same, to a chosen next hop (a proxy forwarding to a resolved target). */
PlClientTxn *pl_client_txn_send_to     (PlNode         *node,
                                        PlNode         *next_hop,
                                        msg_t          *request,
                                        PlResponseFunc  func,
                                        gpointer        user_data);
/* CANCEL for a pending INVITE (RFC 3261 §9.1): sent once a provisional
 * response has arrived. */
void         pl_client_txn_cancel      (PlClientTxn *txn);
/* The TU no longer wants callbacks (its object is going away). */
void         pl_client_txn_detach      (PlClientTxn *txn);
/* @destroy runs with the user data when the transaction is freed while
 * the TU is still attached: after its final response, or without one
 * when its node leaves the sim mid-transaction (a sim disposed at any
 * point of a run). A TU that holds a reference for the transaction's
 * sake drops it there. Not after pl_client_txn_detach(). */
void         pl_client_txn_set_destroy_notify (PlClientTxn    *txn,
                                               GDestroyNotify  destroy);
msg_t       *pl_client_txn_get_request (PlClientTxn *txn);
PlNode      *pl_client_txn_get_next_hop (PlClientTxn *txn);
gboolean     pl_client_txn_is_local_response (PlClientTxn *txn);

/* A response to the transaction's request: Via, From, To, Call-ID and
 * CSeq copied; a To tag added to a non-100 response when the request had
 * none (the same tag for every response of this transaction). */
msg_t       *pl_server_txn_make_response (PlServerTxn *txn,
                                          int          status,
                                          const char  *phrase);
/* Sends @response (taking ownership) back to the previous hop. */
void         pl_server_txn_respond     (PlServerTxn *txn,
                                        msg_t       *response);
/* make_response + respond; @phrase NULL: the RFC's phrase. */
void         pl_server_txn_reply       (PlServerTxn *txn,
                                        int          status,
                                        const char  *phrase);
msg_t       *pl_server_txn_get_request (PlServerTxn *txn);
PlNode      *pl_server_txn_get_peer    (PlServerTxn *txn);
int          pl_server_txn_get_status  (PlServerTxn *txn);
const char  *pl_server_txn_get_to_tag  (PlServerTxn *txn);
void         pl_server_txn_set_to_tag  (PlServerTxn *txn,
                                        const char  *tag);
/* The INVITE server transaction a CANCEL server transaction targets. */
PlServerTxn *pl_server_txn_find_invite (PlServerTxn *cancel);
/* TU data kept with the transaction (a proxy keeps its client side). */
void         pl_server_txn_set_data    (PlServerTxn    *txn,
                                        gpointer        data,
                                        GDestroyNotify  destroy);
gpointer     pl_server_txn_get_data    (PlServerTxn *txn);

/* Outside any transaction: an ACK for a 2xx, a stateless forward. A
 * request goes to its first Route or Request-URI (with a new Via when
 * @add_via), a response to the node of its top Via. */
gboolean     pl_node_send_stateless    (PlNode  *node,
                                        msg_t   *msg,
                                        gboolean add_via);

/* The node a request would go to next (first Route, else Request-URI). */
PlNode      *pl_node_next_hop          (PlNode *node,
                                        sip_t  *sip);

/* A response to @request built from scratch: status line, Via list,
 * From, To, Call-ID, CSeq, Content-Length. */
msg_t       *pl_sip_make_response      (const sip_t *request,
                                        int          status,
                                        const char  *phrase);
/* Marks a header changed in place so it is printed again. */
void         pl_sip_header_changed     (void *header);

/* Records that @node swallowed a message no one wanted (an ABSORBED
 * event); @by says where ("no transaction", "dialog", ...). */
void         pl_node_record_absorbed   (PlNode     *node,
                                        sip_t      *sip,
                                        const char *by);

/* Number of transactions alive at @node (for tests and panels). */
guint        pl_node_get_n_transactions (PlNode *node);

G_END_DECLS
