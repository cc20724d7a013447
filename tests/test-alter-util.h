/* test-alter-util.h: what the alteration suites share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-held.h"
#include "pl-models.h"
#include "pl-node.h"
#include "pl-rule-edit.h"
#include "pl-scenario-save.h"
#include "pl-scenario.h"
#include "pl-wire.h"

#define A3 "a3-subscribe-notify.xml"

/* A bundled scenario's path. */
char       *bundled        (const char *name);
/* A folder with scenarios/ and data/ (a link to the source's data/), so
 * a scenario saved in scenarios/ finds ../data/ as the bundled ones do. */
char       *workdir_new    (void);
char       *workdir_file   (const char *dir,
                            const char *name);
/* Writes @text as scenarios/@name in @dir and returns the path. */
char       *write_scenario (const char *dir,
                            const char *name,
                            const char *text);
void        workdir_free   (char *dir);

PlScenario *load           (const char *path);
void        run            (PlScenario *scenario);
PlVerdict   verdict        (PlScenario *scenario);
int         node_index     (PlSim      *sim,
                            const char *id);
/* Every message event, bytes included: two runs that print the same
 * string sent and delivered the same messages in the same order. */
char       *messages_of    (PlSim *sim);
/* The @nth (1-based) message event of @kind from @from to @to labelled
 * @label, or NULL. */
const PlTraceEvent *find_message (PlSim       *sim,
                                  PlEventKind  kind,
                                  const char  *from,
                                  const char  *to,
                                  const char  *label,
                                  guint        nth);
/* How many events of @kind carry field @key = @value (and, when @key2 is
 * given, @key2 = @value2). */
guint       count_events   (PlSim       *sim,
                            PlEventKind  kind,
                            const char  *key,
                            const char  *value,
                            const char  *key2,
                            const char  *value2);
char       *header_of      (GBytes     *wire,
                            const char *name);
/* A breakpoint on every NOTIFY delivered to ue. */
PlRule     *notify_breakpoint (PlSim *sim);
