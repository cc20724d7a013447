/* pl-studio-window-private.h: what the window's files share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-studio-alter.h"
#include "pl-studio-inspector.h"
#include "pl-studio-nodes.h"
#include "pl-studio-report.h"
#include "pl-studio-settings.h"
#include "pl-studio-window.h"
#include "pl-timeline-view.h"

G_BEGIN_DECLS

struct _PlStudioWindow {
  GtkApplicationWindow parent_instance;

  /* Template children. */
  GtkButton *play_button;
  GtkDropDown *speed_dropdown;
  GtkLabel *clock_label;
  GtkPaned *paned;
  GtkBox *timeline_box;
  GtkNotebook *notebook;
  GtkLabel *status_label;

  GtkToggleButton *compact_toggle;
  GtkToggleButton *follow_toggle;
  PlTimelineView *view;
  PlStudioInspector *inspector;
  PlStudioNodes *nodes;
  PlStudioAlter *alter;
  PlStudioReport *report;

  PlPlayer *player;
  PlTimelineModel *model;
  PlStudioSettings *settings;
  char *status;
  guint64 selected_hop;
};

/* The speeds of the drop-down, in its order; 0: as fast as possible. */
extern const double _pl_studio_speeds[];
extern const guint _pl_studio_n_speeds;

/* pl-studio-window-actions.c: the win.* actions. */
extern const GActionEntry _pl_studio_window_actions[];
extern const guint _pl_studio_window_n_actions;

void _pl_studio_window_set_status (PlStudioWindow *self,
                                   const char     *text);
void _pl_studio_window_apply_style (PlStudioWindow *self);

G_END_DECLS
