/* pl-scenario-private.h: what the parts of the scenario loader share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-report.h"
#include "pl-sim.h"
#include "pl-trace.h"
#include "pl-xml.h"

G_BEGIN_DECLS

typedef struct _PlExpect PlExpect;

/* What a <msg> or <messages> element selects among message events. */
typedef struct {
  char *title;            /* "alice -> proxy MESSAGE" */
  int from;               /* node index, -1 for any */
  int to;
  char *method;           /* request=, or NULL */
  int status_min;         /* response=, or 0 */
  int status_max;
  char *status_text;
  PlEventKind event;
  const char *proto;      /* interned */
  char *header;
  GRegex *matches;
  GRegex *body_matches;
} PlMsgPattern;

/* How close a message event came to a pattern. */
enum {
  PL_MSG_CLOSE_FROM = 1 << 0,
  PL_MSG_CLOSE_TO = 1 << 1,
  PL_MSG_CLOSE_WHAT = 1 << 2,    /* method or status */
};

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

/* Called for each flow step as it is matched, in trace order. */
typedef void (*PlExpectStepMatched) (const PlTraceEvent *event,
                                     const char         *label,
                                     const char         *note,
                                     gpointer            user_data);
/* Matches the steps of a <flow> against the trace as far as it goes,
 * from where the last call stopped; other expectations are skipped. */
void      _pl_expect_match_steps (PlExpect            *expect,
                                  PlSim               *sim,
                                  PlExpectStepMatched  matched,
                                  gpointer             user_data);

/* pl-scenario-match.c */
/* Does @ev match @p? With @why, lists what differs, scores how close it
 * came (the hop and the method count most) and sets PL_MSG_CLOSE_* bits
 * in @close. */
gboolean  _pl_msg_pattern_matches   (const PlMsgPattern *p,
                                     PlSim              *sim,
                                     const PlTraceEvent *ev,
                                     GString            *why,
                                     int                *score,
                                     guint              *close);
/* "alice -> proxy MESSAGE (deliver) with Max-Forwards matching /^70$/" */
void      _pl_msg_describe_pattern  (GString            *s,
                                     const PlMsgPattern *p);
/* "#8 at 0.560000s bob -> proxy 200 OK (deliver)" */
void      _pl_msg_append_event      (GString            *s,
                                     PlSim              *sim,
                                     const PlTraceEvent *ev);
/* "1.250000s" */
void      _pl_msg_append_time       (GString            *s,
                                     PlTime              t);
const char *_pl_msg_node_name       (PlSim              *sim,
                                     int                 index);

/* pl-scenario-rules.c: the rules of <alter>, added to @sim. */
gboolean  _pl_scenario_load_alter   (PlXmlContext  *ctx,
                                     PlSim         *sim,
                                     xmlNode       *alter,
                                     GError       **error);

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
