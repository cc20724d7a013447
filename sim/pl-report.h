/* pl-report.h: the outcome of one scenario run, as exporters read it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pl-types.h"

G_BEGIN_DECLS

typedef enum {
  PL_VERDICT_PASS,
  PL_VERDICT_FAIL,   /* an expectation did not hold: exit status 1 */
  PL_VERDICT_ERROR,  /* bad input: exit status 2 */
} PlVerdict;

/* One checked expectation. */
typedef struct {
  char *name;        /* "flow step 3: pcscf -> scscf REGISTER" */
  gboolean passed;
  char *message;     /* on failure: what was expected, what was got */
} PlCheck;

/* A plain, read-only record of one run. */
typedef struct {
  char *name;        /* the scenario's name attribute */
  char *file;        /* path as given */
  PlVerdict verdict;
  char *error;       /* PL_VERDICT_ERROR: "file:line:col: ..." */
  guint n_messages;  /* message transmissions (send + retransmit) */
  PlTime duration;   /* virtual time at the end of the run */
  double wall_seconds;
  GPtrArray *checks; /* PlCheck*, in expectation order */
} PlReport;

PlReport   *pl_report_new        (const char *name,
                                  const char *file);
void        pl_report_free       (PlReport *report);
void        pl_report_add_check  (PlReport   *report,
                                  const char *name,
                                  gboolean    passed,
                                  const char *message);
guint       pl_report_n_failed   (const PlReport *report);
const char *pl_verdict_to_string (PlVerdict verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlReport, pl_report_free)

G_END_DECLS
