/* pl-rule-edit.h: rules made from alterations, so an alteration done in
 * the studio replays headless.
 *
 * A rule made here selects exactly one message in a re-run of the same
 * scenario: its hop (from, to), its protocol, its method or status, and
 * nth = its occurrence among the messages matching those criteria that
 * entered the rules of that point so far, with nth-counts="all" so the
 * rule picks that message wherever it stands in the list of rules (after
 * the scenario's own, after other alterations). The run before the
 * message must be the same for the re-run to meet it again: alterations
 * of earlier messages change what follows them.
 *
 * Ids come from pl_sim_new_rule_id (sim, "alter"). The rules are not added
 * to the sim: pl_sim_add_rule() them for a re-run, or save them with
 * pl_scenario_save_rules().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pl-held.h"
#include "pl-rule.h"
#include "pl-sim.h"
#include "pl-trace.h"

G_BEGIN_DECLS

/* For the message of @event (any message event of its hop: send,
 * deliver, drop, ...) at @point (on send: at its sender; on deliver: at
 * its receiver). The action's parameters are set by the caller
 * (pl_rule_set_delay, pl_rule_set_response, ...). NULL with @error when the
 * message never entered the rules of that point (a copy made by a
 * duplicate rule at send; at deliver: lost on the link, stopped when
 * sent, still on its way). */
PlRule   *pl_rule_new_for_event  (PlSim               *sim,
                                  const PlTraceEvent  *event,
                                  PlRulePoint          point,
                                  PlRuleAction         action,
                                  GError             **error);
/* The same for a held message, at the point where it is held. */
PlRule   *pl_rule_new_for_held   (PlSim               *sim,
                                  PlHeld              *held,
                                  PlRuleAction         action,
                                  GError             **error);

/* Quick actions on any arrow of the timeline. */
PlRule   *pl_rule_new_drop_event (PlSim               *sim,
                                  const PlTraceEvent  *event,
                                  PlRulePoint          point,
                                  GError             **error);
/* Answers a request at delivery on behalf of its receiver. */
PlRule   *pl_rule_new_answer_event (PlSim               *sim,
                                    const PlTraceEvent  *event,
                                    int                  status,
                                    const char          *reason,
                                    GError             **error);
PlRule   *pl_rule_new_delay_event (PlSim               *sim,
                                   const PlTraceEvent  *event,
                                   PlRulePoint          point,
                                   PlTime               delay,
                                   GError             **error);

/* Compares the held message with @edited (both parsed by sofia-sip) and
 * appends to @out (PlRule*, owned by the caller's free func) the
 * set-header, remove-header and replace-body rules that turn one into the
 * other for that message; none when they are the same message. FALSE with
 * @error, and nothing appended, when the edit cannot be replayed by those
 * actions: the start line changed, the edited text is not a SIP message a
 * stack can use, or the message is not SIP. The rules rebuild header
 * values as sofia-sip prints them (one line per header name, values
 * joined with ", "), in the order of the edited message; header order is
 * not replayed. */
gboolean  pl_rules_from_edit     (PlSim      *sim,
                                  PlHeld     *held,
                                  GBytes     *edited,
                                  GPtrArray  *out,
                                  GError    **error);

G_END_DECLS
