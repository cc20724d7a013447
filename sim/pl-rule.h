/* pl-rule.h: alteration rules applied to every send and delivery.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pl-types.h"

G_BEGIN_DECLS

typedef enum {
  PL_RULE_ON_SEND,
  PL_RULE_ON_DELIVER,
} PlRulePoint;

typedef enum {
  PL_RULE_DROP,
  PL_RULE_DELAY,
  PL_RULE_DUPLICATE,
  PL_RULE_SET_HEADER,
  PL_RULE_REMOVE_HEADER,
  PL_RULE_REPLACE_BODY,
  PL_RULE_RESPOND,
  PL_RULE_HOLD,       /* a breakpoint: see pl_sim_set_hold_func() */
} PlRuleAction;

PlRule      *pl_rule_new            (PlRulePoint  point,
                                     PlRuleAction action);
void         pl_rule_free           (PlRule *rule);

/* Matching. Unset criteria match everything. */
void         pl_rule_set_id         (PlRule     *rule,
                                     const char *id);
const char  *pl_rule_get_id         (PlRule *rule);
/* Node indices of the hop; -1 for any. */
void         pl_rule_set_hop        (PlRule *rule,
                                     int     from,
                                     int     to);
void         pl_rule_set_proto      (PlRule     *rule,
                                     const char *proto);
void         pl_rule_set_method     (PlRule     *rule,
                                     const char *method);
/* Responses whose status is in [min, max] ("415": 415..415, "4xx": 400..499). */
void         pl_rule_set_status     (PlRule *rule,
                                     int     min,
                                     int     max);
/* Header present (regex NULL) or some value matching @regex. */
void         pl_rule_set_header     (PlRule     *rule,
                                     const char *header,
                                     GRegex     *regex);
/* Only the nth matching message (1-based); 0 for every one. */
void         pl_rule_set_nth        (PlRule *rule,
                                     guint   nth);
/* FALSE (default): nth counts the matching messages that reach this rule.
 * TRUE: every matching message that enters the rules of this point, also
 * those an earlier rule dropped, answered or held (scenario attribute
 * nth-counts="all"), so the rule picks the same message wherever it
 * stands in the list: rules made from an alteration use it. */
void         pl_rule_set_nth_counts_all (PlRule   *rule,
                                         gboolean  all);

/* Action parameters. */
void         pl_rule_set_delay      (PlRule *rule,
                                     PlTime  delay);
void         pl_rule_set_edit       (PlRule     *rule,
                                     const char *name,
                                     const char *value);
void         pl_rule_set_body       (PlRule     *rule,
                                     GBytes     *body,
                                     const char *content_type);
void         pl_rule_set_response   (PlRule     *rule,
                                     int         status,
                                     const char *reason);

PlRulePoint  pl_rule_get_point      (PlRule *rule);
/* What the setters above set (for listing and saving rules). */
void         pl_rule_get_hop        (PlRule *rule,
                                     int    *from,
                                     int    *to);
const char  *pl_rule_get_proto      (PlRule *rule);
const char  *pl_rule_get_method     (PlRule *rule);
/* FALSE when the rule does not match on a status. */
gboolean     pl_rule_get_status     (PlRule *rule,
                                     int    *min,
                                     int    *max);
const char  *pl_rule_get_header     (PlRule  *rule,
                                     GRegex **regex);
guint        pl_rule_get_nth        (PlRule *rule);
gboolean     pl_rule_get_nth_counts_all (PlRule *rule);
PlTime       pl_rule_get_delay      (PlRule *rule);
const char  *pl_rule_get_edit       (PlRule      *rule,
                                     const char **value);
GBytes      *pl_rule_get_body       (PlRule      *rule,
                                     const char **content_type);
int          pl_rule_get_response   (PlRule      *rule,
                                     const char **reason);

PlRuleAction pl_rule_get_action     (PlRule *rule);
const char  *pl_rule_action_to_string (PlRuleAction action);
/* The action names, indexed by PlRuleAction, NULL-terminated. */
const char * const *pl_rule_action_names (void);
gboolean     pl_rule_action_from_string (const char   *text,
                                         PlRuleAction *out);

/* A short human description: "deliver at ue: NOTIFY #2 -> respond 415". */
char        *pl_rule_describe       (PlRule *rule,
                                     const char *(*node_name) (int index, gpointer data),
                                     gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlRule, pl_rule_free)

G_END_DECLS
