/* pl-studio-alter.h: the Alter page: breakpoints (a filter that holds a
 * message about to be sent or delivered), the held message's editor
 * (release it edited, drop it, answer it), quick actions on any arrow,
 * the list of the studio's rules and saving them into the scenario.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-player.h"
#include "pl-timeline-model.h"

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_ALTER (pl_studio_alter_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioAlter, pl_studio_alter, PL, STUDIO_ALTER, GtkBox)

PlStudioAlter *pl_studio_alter_new              (PlPlayer *player);

/* A breakpoint: @node_id NULL for any node; @on_send FALSE: about to be
 * delivered; @what a method ("NOTIFY"), a status or class ("415",
 * "4xx") or NULL; @header and @regex a header that must be present, with
 * a value matching @regex (may be NULL). FALSE with @error on bad input. */
gboolean       pl_studio_alter_add_breakpoint   (PlStudioAlter  *self,
                                                 const char     *node_id,
                                                 gboolean        on_send,
                                                 const char     *what,
                                                 const char     *header,
                                                 const char     *regex,
                                                 GError        **error);
/* The held message's editor text (for tests) and setting it. */
char          *pl_studio_alter_get_editor_text  (PlStudioAlter *self);
void           pl_studio_alter_set_editor_text  (PlStudioAlter *self,
                                                 const char    *text);
/* The editor's buttons. */
gboolean       pl_studio_alter_release          (PlStudioAlter  *self,
                                                 GError        **error);
gboolean       pl_studio_alter_drop             (PlStudioAlter  *self,
                                                 GError        **error);
gboolean       pl_studio_alter_answer           (PlStudioAlter  *self,
                                                 int             status,
                                                 GError        **error);

/* The context menu of an arrow: drop this, answer with ..., delay by ...,
 * break here. */
void           pl_studio_alter_popup_for_arrow  (PlStudioAlter   *self,
                                                 GtkWidget       *parent,
                                                 PlTimelineModel *model,
                                                 int              index,
                                                 double           x,
                                                 double           y);
/* Quick action by name ("drop", "answer", "delay", "break") on arrow
 * @index, as the menu does; @value the status or delay in ms. */
gboolean       pl_studio_alter_quick_action     (PlStudioAlter    *self,
                                                 PlTimelineModel  *model,
                                                 guint             index,
                                                 const char       *action,
                                                 int               value,
                                                 GError          **error);

/* Asks for a file and saves the rules into a copy of the scenario. */
void           pl_studio_alter_save_dialog      (PlStudioAlter *self,
                                                 GtkWindow     *parent);
gboolean       pl_studio_alter_save             (PlStudioAlter  *self,
                                                 const char     *path,
                                                 GError        **error);

G_END_DECLS
