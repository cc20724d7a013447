/* pl-sim-private.h: the network's transmissions, shared by pl-sim.c and
 * the breakpoints of pl-held.c and the alteration helpers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-held.h"
#include "pl-rule.h"
#include "pl-sim.h"

G_BEGIN_DECLS

/* One transmission on its way from one node to another. */
typedef struct {
  PlSim *sim;
  guint64 hop;
  int from;
  int to;
  char *proto;            /* interned */
  GBytes *wire;
  char *label;
  PlTransport transport;
  gboolean rules_done;    /* deliver-side rules already ran (a delayed copy) */
} PlDelivery;

PlDelivery *_pl_delivery_copy      (const PlDelivery *d);
void        _pl_delivery_free      (gpointer data);

/* The rules of @point from index @first on. FALSE when the message is not
 * to go on (dropped, answered, held); the caller keeps @d. */
gboolean    _pl_sim_apply_rules    (PlSim       *self,
                                    PlRulePoint  point,
                                    PlDelivery  *d,
                                    guint        first,
                                    PlTime      *delay);
/* After the rules of @point: on the link (send) or to the node (deliver).
 * Takes @d. */
void        _pl_sim_continue       (PlSim       *self,
                                    PlRulePoint  point,
                                    PlDelivery  *d,
                                    PlTime       delay);
/* The nth-counts="all" rules after index @after count @d, which an
 * earlier rule (or the user) stopped. */
void        _pl_sim_count_stopped  (PlSim       *self,
                                    PlRulePoint  point,
                                    PlDelivery  *d,
                                    guint        after);
void        _pl_sim_record_message (PlSim            *self,
                                    PlEventKind       kind,
                                    const PlDelivery *d,
                                    const char       *field,
                                    const char       *value);
/* Answers request @d on behalf of its receiver (the respond action). The
 * request's drop event names @rule_id. FALSE (nothing recorded) when @d
 * is not a request that can be answered. */
gboolean    _pl_sim_respond        (PlSim      *self,
                                    PlDelivery *d,
                                    int         status,
                                    const char *reason,
                                    const char *rule_id);

/* Hops in the order they entered the rules of @point (send: every
 * transmission but a duplicate's copy; deliver: every arrival but a
 * delayed or duplicated copy of one). */
const guint64 *_pl_sim_get_entries (PlSim       *self,
                                    PlRulePoint  point,
                                    guint       *n);

/* Breakpoints (pl-held.c). The hold state lives in the sim. */
typedef struct {
  PlHoldFunc func;
  gpointer data;
  GDestroyNotify destroy;
  GPtrArray *held;        /* PlHeld*, owned, oldest first */
} PlHoldState;

PlHoldState *_pl_sim_get_hold_state (PlSim *self);
void        _pl_hold_state_clear   (PlHoldState *state);
/* A hold rule (index @index) matched @d. TRUE when the message is now
 * held (a copy is kept; the caller stops); FALSE when there is no
 * handler and it goes on. Records the rule event either way. */
gboolean    _pl_sim_hold           (PlSim       *self,
                                    PlRule      *rule,
                                    guint        index,
                                    PlRulePoint  point,
                                    PlDelivery  *d,
                                    PlTime       delay);
/* pl_sim_remove_rule() removed the rule at @index. */
void        _pl_sim_held_rule_removed (PlSim  *self,
                                       PlRule *rule,
                                       guint   index);

G_END_DECLS
