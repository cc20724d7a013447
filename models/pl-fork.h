/* pl-fork.h: the response context of a stateful proxy (RFC 3261 §16.7):
 * one server transaction, any number of branches, the best response.
 * The P-CSCF forwards through one branch, the S-CSCF forks to every
 * contact of a target group and reaches application servers through it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-transaction.h"

G_BEGIN_DECLS

typedef struct _PlFork PlFork;

/* Every branch ended without a 2xx. @best is the best final response so
 * far (§16.7 step 6), @local TRUE when the transaction layer made it
 * (a timeout or an unreachable hop). Return TRUE after adding branches
 * (the next target group, the next application server) to go on; FALSE
 * sends @best upstream. */
typedef gboolean (*PlForkExhaustedFunc) (PlFork   *fork,
                                         int       best,
                                         gboolean  local,
                                         gpointer  user_data);

/* Called for every final response a branch receives, before the fork
 * decides (for a registrar learning from 200s, a P-CSCF from REGISTER
 * responses). May be NULL. */
typedef void (*PlForkResponseFunc) (PlFork *fork,
                                    msg_t  *response,
                                    sip_t  *sip,
                                    gpointer user_data);

/* @server may be NULL for a request the node originates itself. */
PlFork  *pl_fork_new          (PlNode              *node,
                               PlServerTxn         *server,
                               PlForkExhaustedFunc  exhausted,
                               PlForkResponseFunc   response,
                               gpointer             user_data,
                               GDestroyNotify       destroy);
PlFork  *pl_fork_ref          (PlFork *fork);
void     pl_fork_unref        (PlFork *fork);

/* Sends @request (owned) on a new branch: to its first Route or
 * Request-URI, with our Via. */
void     pl_fork_branch       (PlFork *fork,
                               msg_t  *request);
/* Ends the fork with a response of our own (404, 480, 483, ...). */
void     pl_fork_reply        (PlFork     *fork,
                               int         status,
                               const char *phrase);
/* Stops waiting for the pending branches (an application server that
 * does not answer in time): they count as failed with a local 408, and
 * the exhausted function decides what comes next. */
void     pl_fork_give_up      (PlFork *fork);
/* CANCEL every pending INVITE branch (§16.10). */
void     pl_fork_cancel       (PlFork *fork);
/* RFC 3261 §16.7 step 6 advises against passing a 503 upstream: with
 * this set (the default), a chosen 503 goes up as 500. */
void     pl_fork_set_convert_503 (PlFork   *fork,
                                  gboolean  convert);
gboolean pl_fork_is_done      (PlFork *fork);

/* RFC 3261 §16.6: a copy of @msg to forward: Max-Forwards decremented,
 * our own top Route removed. */
msg_t   *pl_fork_prepare      (PlNode *node,
                               msg_t  *msg);

/* What every stateful proxy does before routing (RFC 3261 §16.3 step 3,
 * §16.10): answers 483 when Max-Forwards is spent, and a CANCEL with 200
 * (cancelling the fork of its INVITE) or 481. TRUE when the request is
 * done. */
gboolean pl_proxy_screen_request (PlNode      *node,
                                  PlServerTxn *txn,
                                  sip_t       *sip);

/* §16.6 step 4: our Record-Route @value goes on top of the others (where
 * msg_header_insert() would append it). */
void     pl_proxy_record_route   (msg_t      *msg,
                                  const char *value);

/* §16.7: a response no transaction took (a 2xx retransmitted after the
 * INVITE transaction ended) goes on without our Via. */
void     pl_proxy_forward_stray  (PlNode *node,
                                  msg_t  *msg,
                                  sip_t  *sip);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlFork, pl_fork_unref)

G_END_DECLS
