/* pl-studio-text.c: read-only text pages of the studio.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-text.h"

GtkWidget *
pl_studio_text_view_new (const char *accessible_name)
{
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);

  /* Colours readable on light and dark styles alike. */
  gtk_text_buffer_create_tag (buffer, "heading", "weight", PANGO_WEIGHT_BOLD,
                              "scale", 1.15, "pixels-above-lines", 10, "pixels-below-lines", 4,
                              NULL);
  gtk_text_buffer_create_tag (buffer, "key", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "dim", "foreground", "#808080", NULL);
  gtk_text_buffer_create_tag (buffer, "mono", "family", "monospace", NULL);
  gtk_text_buffer_create_tag (buffer, "hname", "foreground", "#3584e4",
                              "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "hvalue", NULL);
  gtk_text_buffer_create_tag (buffer, "start", "weight", PANGO_WEIGHT_BOLD,
                              "foreground", "#9141ac", NULL);
  gtk_text_buffer_create_tag (buffer, "changed", "background", "rgba(246,211,45,0.35)", NULL);
  gtk_text_buffer_create_tag (buffer, "added", "background", "rgba(51,209,122,0.30)", NULL);
  gtk_text_buffer_create_tag (buffer, "removed", "background", "rgba(237,51,59,0.30)",
                              "strikethrough", TRUE, NULL);
  gtk_text_buffer_create_tag (buffer, "pass", "foreground", "#26a269", NULL);
  gtk_text_buffer_create_tag (buffer, "fail", "foreground", "#c01c28", NULL);
  gtk_text_buffer_create_tag (buffer, "link", "foreground", "#1c71d8",
                              "underline", PANGO_UNDERLINE_SINGLE, NULL);
  return view;
}

GtkTextBuffer *
pl_studio_text_view_clear (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_text_buffer_set_text (buffer, "", 0);
  return buffer;
}

void
pl_studio_text_append (GtkTextBuffer *buffer,
                       const char    *text,
                       gssize         len,
                       const char    *tag,
                       ...)
{
  GtkTextIter end, start;
  GtkTextMark *mark;
  va_list args;

  gtk_text_buffer_get_end_iter (buffer, &end);
  mark = gtk_text_buffer_create_mark (buffer, NULL, &end, TRUE);
  /* Message bytes may hold anything: show what is valid text. */
  if (g_utf8_validate (text, len, NULL))
    gtk_text_buffer_insert (buffer, &end, text, (int) len);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, len);
      gtk_text_buffer_insert (buffer, &end, valid, -1);
    }
  gtk_text_buffer_get_iter_at_mark (buffer, &start, mark);
  gtk_text_buffer_get_end_iter (buffer, &end);
  va_start (args, tag);
  for (const char *name = tag; name; name = va_arg (args, const char *))
    gtk_text_buffer_apply_tag_by_name (buffer, name, &start, &end);
  va_end (args);
  gtk_text_buffer_delete_mark (buffer, mark);
}

char *
pl_studio_text_view_get_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
