/* pl-studio-text.h: read-only text pages of the studio (inspector, node
 * state): a GtkTextView with the studio's named tags.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Tags every studio text buffer has:
 *   "heading"  a section title        "key"      a row's name
 *   "dim"      details, explanations  "mono"     message text
 *   "hname"    a header's name        "hvalue"   a header's value
 *   "start"    a start line           "changed"  changed by a rule
 *   "added"    a diff's added line    "removed"  a diff's removed line
 *   "pass"     a check that held      "fail"     a check that failed
 *   "link"     a related message the user can click */
GtkWidget     *pl_studio_text_view_new   (const char    *accessible_name);
GtkTextBuffer *pl_studio_text_view_clear (GtkWidget     *view);
void           pl_studio_text_append     (GtkTextBuffer *buffer,
                                          const char    *text,
                                          gssize         len,
                                          const char    *tag,
                                          ...) G_GNUC_NULL_TERMINATED;
/* The whole text, for tests. */
char          *pl_studio_text_view_get_text (GtkWidget *view);

G_END_DECLS
