/* pl-node-private.h: engine-internal node API.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

typedef struct _PlStack PlStack;

void      _pl_node_attach       (PlNode *self,
                                 PlSim  *sim,
                                 int     index);
PlStack  *_pl_node_get_stack    (PlNode *self);
/* The sim is going away: drops the node's transactions and its link to
 * the sim, so a node referenced elsewhere can outlive it. */
void      _pl_node_detach       (PlNode *self);

/* Transaction layer entry: a parsed SIP message arrived from @from. */
void      _pl_stack_receive     (PlNode *self,
                                 PlNode *from,
                                 msg_t  *msg);
PlStack  *_pl_stack_new         (PlNode *node);
void      _pl_stack_free        (PlStack *stack);
/* A "transactions" section: every live client and server transaction
 * (RFC 3261 §17), sorted by key. */
void      _pl_stack_describe    (PlStack *stack,
                                 PlState *state);

G_END_DECLS
