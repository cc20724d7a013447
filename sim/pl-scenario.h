/* pl-scenario.h: scenario files: load, run, check.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "pl-report.h"
#include "pl-sim.h"
#include "pl-xml.h"

G_BEGIN_DECLS

typedef struct {
  gboolean has_seed;  /* override the scenario's seed */
  guint64 seed;
} PlScenarioOptions;

#define PL_TYPE_SCENARIO (pl_scenario_get_type ())
G_DECLARE_FINAL_TYPE (PlScenario, pl_scenario, PL, SCENARIO, GObject)

/* Parses, validates and builds the network; nothing runs yet. Every error
 * is PL_SCENARIO_ERROR with "FILE:LINE:COL: what was expected". */
PlScenario *pl_scenario_load            (const char               *path,
                                         const PlScenarioOptions  *options,
                                         GError                  **error);

const char *pl_scenario_get_file        (PlScenario *self);
const char *pl_scenario_get_name        (PlScenario *self);
const char *pl_scenario_get_description (PlScenario *self);
const char *pl_scenario_get_dialect     (PlScenario *self);
guint64     pl_scenario_get_seed        (PlScenario *self);
PlSim      *pl_scenario_get_sim         (PlScenario *self);

/* Starts the nodes and schedules the timeline and the end of the run. */
void        pl_scenario_start           (PlScenario *self);
/* Checks every expectation against the trace so far. */
PlReport   *pl_scenario_check           (PlScenario *self);

/* The <flow> step trace event @event_index illustrates: the step's own
 * message event, or another event of the same transmission (its send or
 * delivery). Steps are matched as check_flow matches them, as far as the
 * trace goes (the run may be under way). FALSE when no step matches;
 * otherwise *label is the step's step= (or its position in the flow) and
 * *note its note= (NULL when none), both owned by @self. */
gboolean    pl_scenario_get_step_for_event (PlScenario  *self,
                                            guint        event_index,
                                            const char **label,
                                            const char **note);

/* Load, start, run as fast as possible, check. On bad input the report's
 * verdict is PL_VERDICT_ERROR and @error is set too. *out_scenario (may be
 * NULL) receives the scenario for exporting its trace. */
PlReport   *pl_scenario_run_file        (const char               *path,
                                         const PlScenarioOptions  *options,
                                         PlScenario              **out_scenario,
                                         GError                  **error);

/* Name and description without building anything (for `pushlab list`). */
gboolean    pl_scenario_peek            (const char  *path,
                                         char       **name,
                                         char       **description,
                                         GError     **error);

G_END_DECLS
