/* pl-studio-report.h: the scenario's expectations checked against the
 * run, as `pushlab run` reports them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-player.h"

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_REPORT (pl_studio_report_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioReport, pl_studio_report, PL, STUDIO_REPORT, GtkBox)

PlStudioReport *pl_studio_report_new    (void);
void            pl_studio_report_clear  (PlStudioReport *self);
/* Checks the expectations against the trace so far. */
void            pl_studio_report_update (PlStudioReport *self,
                                         PlPlayer       *player);
char           *pl_studio_report_get_text (PlStudioReport *self);

G_END_DECLS
