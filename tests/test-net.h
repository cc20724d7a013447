/* test-net.h: a scenario written from a string, run in a test, and
 * questions about its trace; shared by the unit tests of the agents.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-scenario.h"
#include "pl-sim.h"
#include "pl-trace.h"

G_BEGIN_DECLS

typedef struct {
  PlScenario *scenario;
  PlSim *sim;
  PlTrace *trace;
  char *dir;
} Net;

void           net_free    (Net *net);
/* Writes @xml to a scenario file of @net's own folder and loads it. */
PlScenario    *net_load    (Net        *net,
                            const char *xml,
                            GError    **error);
/* Loads and runs @xml to its end (no end time). */
Net           *net_run     (const char *xml);
/* The node events called @name of @node, in order. */
GPtrArray     *node_events (Net        *net,
                            const char *node,
                            const char *name);
/* Messages delivered to @to whose label starts with @label. */
GPtrArray     *delivered   (Net        *net,
                            const char *to,
                            const char *label);
/* @key of @ev; a missing field fails the test. */
const PlField *field       (const PlTraceEvent *ev,
                            const char         *key);
/* The body of the SIP message of @ev. */
char          *body_of     (const PlTraceEvent *ev);

#define field_str(ev, key) (field ((ev), (key))->str)
#define field_int(ev, key) (field ((ev), (key))->num)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Net, net_free)

G_END_DECLS
