/* pl-studio-picker.h: the scenario picker: bundled scenarios with their
 * titles and descriptions, a search, and Open for any file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_PICKER (pl_studio_picker_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioPicker, pl_studio_picker, PL, STUDIO_PICKER, GtkWindow)

/* Lists the scenarios of @dir (the bundled ones when NULL). Emits
 * "chosen" with the path of the one the user opens, then closes. */
PlStudioPicker *pl_studio_picker_new        (GtkWindow  *parent,
                                             const char *dir);
/* Scenarios listed (after the search filter). */
guint           pl_studio_picker_get_n_items (PlStudioPicker *self);
/* Title, description and path of item @position; NULL past the end. */
const char     *pl_studio_picker_get_title  (PlStudioPicker *self,
                                             guint           position);
const char     *pl_studio_picker_get_path   (PlStudioPicker *self,
                                             guint           position);
void            pl_studio_picker_set_search (PlStudioPicker *self,
                                             const char     *text);
/* Opens item @position as if the user activated it. */
void            pl_studio_picker_choose     (PlStudioPicker *self,
                                             guint           position);

G_END_DECLS
