/* pl-studio-window.h: the studio's one window: controls, timeline,
 * inspector, node panels, alterations, comparison.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-player.h"
#include "pl-timeline-model.h"

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_WINDOW (pl_studio_window_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioWindow, pl_studio_window, PL, STUDIO_WINDOW, GtkApplicationWindow)

/* @app may be NULL (tests). */
PlStudioWindow  *pl_studio_window_new            (GtkApplication *app);
/* Opens @path; on error shows it in the window and returns FALSE. */
gboolean         pl_studio_window_open           (PlStudioWindow  *self,
                                                  const char      *path,
                                                  GError         **error);
/* Opens @path, or else the last scenario opened, or else the picker. */
void             pl_studio_window_start          (PlStudioWindow  *self,
                                                  const char      *path);
void             pl_studio_window_set_layout     (PlStudioWindow   *self,
                                                  PlTimelineLayout  layout);
void             pl_studio_window_set_zoom       (PlStudioWindow  *self,
                                                  double           zoom);
void             pl_studio_window_set_dark       (PlStudioWindow  *self,
                                                  gboolean         dark);
PlPlayer        *pl_studio_window_get_player     (PlStudioWindow *self);
PlTimelineModel *pl_studio_window_get_model      (PlStudioWindow *self);
/* The arrow (by hop) shown in the inspector; 0 for none. */
void             pl_studio_window_select_hop     (PlStudioWindow *self,
                                                  guint64         hop);
guint64          pl_studio_window_get_selected_hop (PlStudioWindow *self);
/* The pages, for tests. */
GtkWidget       *pl_studio_window_get_page       (PlStudioWindow *self,
                                                  const char     *name);
/* The text shown in the status line (for tests and accessibility). */
const char      *pl_studio_window_get_status     (PlStudioWindow *self);

G_END_DECLS
