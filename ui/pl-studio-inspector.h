/* pl-studio-inspector.h: the selected message as sent and as delivered,
 * with its headers highlighted, the difference a rule made, the body
 * pretty-printed, its transaction, dialog, scenario step and spec text,
 * and the messages related to it.
 *
 * Signals:
 *   "related-activated" (guint arrow_index): the user picked a related
 *       message in the list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-player.h"
#include "pl-timeline-model.h"

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_INSPECTOR (pl_studio_inspector_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioInspector, pl_studio_inspector, PL, STUDIO_INSPECTOR, GtkBox)

PlStudioInspector *pl_studio_inspector_new   (void);
void               pl_studio_inspector_clear (PlStudioInspector *self);
/* Shows arrow @index of @model. Returns the arrow indices of the related
 * messages (guint), for the timeline to highlight. */
GArray            *pl_studio_inspector_show  (PlStudioInspector *self,
                                              PlPlayer          *player,
                                              PlTimelineModel   *model,
                                              guint              index);

/* For tests: the text of a page ("delivered", "sent", "diff", "summary")
 * and the number of related messages listed. */
char              *pl_studio_inspector_get_text      (PlStudioInspector *self,
                                                      const char        *page);
guint              pl_studio_inspector_get_n_related (PlStudioInspector *self);

G_END_DECLS
