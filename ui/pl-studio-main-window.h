/* pl-studio-main-window.h: the studio's window (a plain one for now: the
 * timeline of one run; the full studio window replaces this file).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-timeline-model.h"

G_BEGIN_DECLS

/* How pushlab-studio was asked to start. */
typedef struct {
  const char *file;          /* scenario to open, or NULL */
  PlTimelineLayout layout;
  double zoom;
  gboolean dark;
} PlStudioOptions;

/* A new window of @app for @options; a scenario that fails to load shows
 * its error (file:line) in the window. */
GtkWindow *pl_studio_main_window_new (GtkApplication        *app,
                                      const PlStudioOptions *options);

G_END_DECLS
