/* pl-scenario-private.h: the expectations of a scenario.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-report.h"
#include "pl-sim.h"
#include "pl-xml.h"

G_BEGIN_DECLS

typedef struct _PlExpect PlExpect;

/* Parses one child of <expect> (<flow>, <event> or <messages>); node ids
 * are resolved against @sim. @flow_number counts the <flow> elements
 * (1-based) so that the checks of a second flow have their own names. */
PlExpect *_pl_expect_parse       (PlXmlContext  *ctx,
                                  PlSim         *sim,
                                  xmlNode       *element,
                                  guint          flow_number,
                                  GError       **error);
void      _pl_expect_free        (PlExpect *expect);
/* Adds one PlCheck per expectation (a flow adds one per step). */
void      _pl_expect_check       (PlExpect *expect,
                                  PlSim    *sim,
                                  PlReport *report);

/* "415" -> 415..415, "4xx" -> 400..499. */
gboolean  _pl_scenario_parse_status (const char *text,
                                     int        *min,
                                     int        *max);
/* The node named by attribute @attr of @element, with an error that lists
 * the known nodes when there is none. */
gboolean  _pl_scenario_lookup_node  (PlXmlContext  *ctx,
                                     PlSim         *sim,
                                     xmlNode       *element,
                                     const char    *attr,
                                     PlNode       **out,
                                     GError       **error);
/* A GRegex from attribute @attr, NULL when absent. */
gboolean  _pl_scenario_attr_regex   (PlXmlContext  *ctx,
                                     xmlNode       *element,
                                     const char    *attr,
                                     GRegex       **out,
                                     GError       **error);

G_END_DECLS
