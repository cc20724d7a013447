/* pl-studio-file.c: asking for a file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-file.h"

#include <string.h>

typedef struct {
  PlStudioFileFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} Pending;

static void
on_response (GtkNativeDialog *dialog,
             int              response,
             Pending         *pending)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        pending->func (path, pending->user_data);
    }
  if (pending->destroy)
    pending->destroy (pending->user_data);
  g_free (pending);
  g_object_unref (dialog);
}

void
pl_studio_choose_file (GtkWindow                 *parent,
                       const PlStudioFileRequest *request,
                       PlStudioFileFunc           func,
                       gpointer                   user_data,
                       GDestroyNotify             destroy)
{
  GtkFileChooserNative *native;
  Pending *pending = g_new0 (Pending, 1);

  pending->func = func;
  pending->user_data = user_data;
  pending->destroy = destroy;
  native = gtk_file_chooser_native_new (request->title, parent,
                                        request->save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                      : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        request->accept, "_Cancel");
  if (request->filter_name)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, request->filter_name);
      gtk_file_filter_add_pattern (filter, request->pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (request->folder && g_file_test (request->folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) folder = g_file_new_for_path (request->folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
    }
  if (request->name)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), request->name);
  g_signal_connect (native, "response", G_CALLBACK (on_response), pending);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

char *
pl_studio_file_stem (const char *path)
{
  char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".xml"))
    base[strlen (base) - 4] = '\0';
  return base;
}
