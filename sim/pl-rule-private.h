/* pl-rule-private.h: how the network applies rules.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sofia-sip/msg.h>

#include "pl-rule.h"

G_BEGIN_DECLS

/* Does @rule apply to this transmission? Counts the matches for nth. */
gboolean  _pl_rule_applies        (PlRule      *rule,
                                   PlRulePoint  point,
                                   int          from,
                                   int          to,
                                   const char  *proto,
                                   GBytes      *wire);
/* The edited bytes of a set-header, remove-header or replace-body rule. */
GBytes   *_pl_rule_edit           (PlRule *rule,
                                   GBytes *wire);
PlTime    _pl_rule_get_delay      (PlRule *rule);
int       _pl_rule_get_status     (PlRule *rule);
const char *_pl_rule_get_reason   (PlRule *rule);

/* Text-level edits of a message, so that a rule can also break it on
 * purpose: sofia-sip refuses to build a header that does not parse. */
GBytes   *_pl_wire_edit_header    (GBytes     *wire,
                                   const char *name,
                                   const char *value);
GBytes   *_pl_wire_replace_body   (GBytes     *wire,
                                   GBytes     *body,
                                   const char *content_type);

G_END_DECLS
