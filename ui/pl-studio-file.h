/* pl-studio-file.h: the studio's one way to ask for a file (open a
 * scenario, export, save rules, pick a golden trace).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called with the chosen path only when the user accepted. */
typedef void (*PlStudioFileFunc) (const char *path,
                                  gpointer    user_data);

typedef struct {
  const char *title;
  gboolean save;
  const char *accept;       /* the accept button's label, "_Open" */
  const char *filter_name;  /* NULL: no filter */
  const char *pattern;      /* "*.xml" */
  const char *folder;       /* where to start, or NULL */
  const char *name;         /* a proposed file name (save), or NULL */
} PlStudioFileRequest;

/* Shows a native file chooser over @parent. @destroy runs on @user_data
 * once the dialog is done, accepted or not. */
void pl_studio_choose_file (GtkWindow                 *parent,
                            const PlStudioFileRequest *request,
                            PlStudioFileFunc           func,
                            gpointer                   user_data,
                            GDestroyNotify             destroy);

/* The scenario's file name without ".xml" (for proposed names). */
char *pl_studio_file_stem  (const char *path);

G_END_DECLS
