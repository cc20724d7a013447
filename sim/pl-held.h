/* pl-held.h: breakpoints: messages a hold rule keeps aside for the user.
 *
 * A rule with action PL_RULE_HOLD matches like any rule. When the sim has
 * a hold handler, the matching message stops where the rule stands (the
 * rules after it have not run yet) and the handler is called; the studio
 * pauses the scheduler there. The message then waits until exactly one of
 * pl_sim_release_held(), pl_sim_drop_held() or pl_sim_answer_held() is
 * called for it, from the handler itself or any time later. Without a
 * handler (a headless run) the message goes on and the rule event says
 * held=false.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pl-rule.h"
#include "pl-sim.h"

G_BEGIN_DECLS

typedef struct _PlHeld PlHeld;

/* @held belongs to the sim; it stays valid until it is released, dropped
 * or answered, or the sim is disposed. */
typedef void (*PlHoldFunc) (PlSim    *sim,
                            PlHeld   *held,
                            gpointer  user_data);

/* NULL @func: hold rules let messages pass again (messages already held
 * stay held). @destroy runs on @data when replaced or when the sim goes. */
void          pl_sim_set_hold_func  (PlSim          *self,
                                     PlHoldFunc      func,
                                     gpointer        data,
                                     GDestroyNotify  destroy);

/* The messages held now, oldest first. */
guint         pl_sim_get_n_held     (PlSim *self);
PlHeld       *pl_sim_get_held       (PlSim *self,
                                     guint  index);

/* The message as it stands at the hold rule (earlier rules applied). */
GBytes       *pl_held_get_wire      (PlHeld *held);
int           pl_held_get_from      (PlHeld *held);
int           pl_held_get_to        (PlHeld *held);
const char   *pl_held_get_proto     (PlHeld *held);
const char   *pl_held_get_label     (PlHeld *held);
guint64       pl_held_get_hop       (PlHeld *held);
PlRulePoint   pl_held_get_point     (PlHeld *held);
/* The hold rule, or NULL once pl_sim_remove_rule() removed it. */
PlRule       *pl_held_get_rule      (PlHeld *held);
const char   *pl_held_get_rule_id   (PlHeld *held);
/* Virtual time at which it was held. */
PlTime        pl_held_get_time      (PlHeld *held);

/* The message goes on from where it was held: the rest of the rules of
 * that point, then the link (send) or the node (deliver), at the current
 * virtual time. With @edited (not NULL, and different from the held
 * bytes) those bytes go on instead and a rule event with action="edit"
 * (rule, on, hop, label, bytes) records the change. Frees @held. */
void          pl_sim_release_held   (PlSim  *self,
                                     PlHeld *held,
                                     GBytes *edited);
/* The message is lost: a drop event naming the hold rule. Frees @held. */
void          pl_sim_drop_held      (PlSim  *self,
                                     PlHeld *held);
/* Answers the held request on behalf of its receiver, as the respond
 * action does (a drop event naming the hold rule, then the response from
 * the receiver). Frees @held and returns TRUE; FALSE with @error (and the
 * message still held) when it is not a request that can be answered (a
 * response, an ACK, another protocol) or @status is not 100..699. */
gboolean      pl_sim_answer_held    (PlSim       *self,
                                     PlHeld      *held,
                                     int          status,
                                     const char  *reason,
                                     GError     **error);

G_END_DECLS
