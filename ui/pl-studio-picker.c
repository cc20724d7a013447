/* pl-studio-picker.c: the scenario picker.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-picker.h"

#include <string.h>

#include "pl-cli.h"
#include "pl-studio-file.h"
#include "pl-scenario.h"

/* One scenario of the list: read once with pl_scenario_peek(). */
#define PL_TYPE_SCENARIO_ENTRY (pl_scenario_entry_get_type ())
G_DECLARE_FINAL_TYPE (PlScenarioEntry, pl_scenario_entry, PL, SCENARIO_ENTRY, GObject)

struct _PlScenarioEntry {
  GObject parent_instance;
  char *path;
  char *file;
  char *title;
  char *description;
  char *search_key;  /* casefolded title, description and file name */
};

G_DEFINE_FINAL_TYPE (PlScenarioEntry, pl_scenario_entry, G_TYPE_OBJECT)

static void
pl_scenario_entry_finalize (GObject *object)
{
  PlScenarioEntry *self = PL_SCENARIO_ENTRY (object);

  g_free (self->path);
  g_free (self->file);
  g_free (self->title);
  g_free (self->description);
  g_free (self->search_key);
  G_OBJECT_CLASS (pl_scenario_entry_parent_class)->finalize (object);
}

static void
pl_scenario_entry_class_init (PlScenarioEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pl_scenario_entry_finalize;
}

static void
pl_scenario_entry_init (PlScenarioEntry *self)
{
}

static PlScenarioEntry *
pl_scenario_entry_new (const char *path)
{
  PlScenarioEntry *self = g_object_new (PL_TYPE_SCENARIO_ENTRY, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;

  self->path = g_strdup (path);
  self->file = g_path_get_basename (path);
  if (!pl_scenario_peek (path, &self->title, &self->description, &error))
    {
      /* Listed anyway: opening it shows the error at its line. */
      self->title = g_strdup (self->file);
      self->description = g_strdup (error->message);
    }
  if (self->description)
    g_strstrip (g_strdelimit (self->description, "\n\t", ' '));
  key = g_strjoin (" ", self->title ? self->title : "", self->description ? self->description : "",
                   self->file, NULL);
  self->search_key = g_utf8_casefold (key, -1);
  return self;
}

struct _PlStudioPicker {
  GtkWindow parent_instance;

  GtkSearchEntry *search_entry;
  GtkListView *list_view;
  GtkButton *open_button;

  GListStore *entries;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char *search;  /* casefolded, or NULL */
};

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PlStudioPicker, pl_studio_picker, GTK_TYPE_WINDOW)

static PlScenarioEntry *
entry_at (PlStudioPicker *self,
          guint           position)
{
  g_autoptr (PlScenarioEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->filtered),
                                                             position);

  /* The store keeps its own reference. */
  return entry;
}

static void
choose (PlStudioPicker *self,
        const char     *path)
{
  g_autofree char *copy = g_strdup (path);

  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, copy);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_activate (PlStudioPicker *self,
             guint           position)
{
  pl_studio_picker_choose (self, position);
}

static void
on_open_clicked (PlStudioPicker *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position != GTK_INVALID_LIST_POSITION)
    pl_studio_picker_choose (self, position);
}

static void
on_file_chosen (const char *path,
                gpointer    user_data)
{
  choose (PL_STUDIO_PICKER (user_data), path);
}

static void
on_open_file_clicked (PlStudioPicker *self)
{
  static const PlStudioFileRequest request = {
    .title = "Open Scenario", .accept = "_Open",
    .filter_name = "Scenario files", .pattern = "*.xml",
  };

  pl_studio_choose_file (GTK_WINDOW (self), &request, on_file_chosen, g_object_ref (self),
                         g_object_unref);
}

static gboolean
match_entry (gpointer item,
             gpointer user_data)
{
  PlStudioPicker *self = user_data;
  PlScenarioEntry *entry = item;

  return self->search == NULL || strstr (entry->search_key, self->search) != NULL;
}

static void
on_search_changed (PlStudioPicker *self)
{
  pl_studio_picker_set_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_selection_changed (PlStudioPicker *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button),
                            gtk_single_selection_get_selected (self->selection)
                            != GTK_INVALID_LIST_POSITION);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);
  GtkWidget *file = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_lines (GTK_LABEL (description), 3);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (file), 0);
  gtk_widget_add_css_class (file, "dim-label");
  gtk_widget_add_css_class (file, "caption");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), description);
  gtk_box_append (GTK_BOX (box), file);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  PlScenarioEntry *entry = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *description = gtk_widget_get_next_sibling (title);
  GtkWidget *file = gtk_widget_get_next_sibling (description);

  gtk_label_set_text (GTK_LABEL (title), entry->title);
  gtk_label_set_text (GTK_LABEL (description), entry->description ? entry->description : "");
  gtk_label_set_text (GTK_LABEL (file), entry->file);
  gtk_widget_set_tooltip_text (box, entry->path);
}

static void
pl_studio_picker_dispose (GObject *object)
{
  PlStudioPicker *self = PL_STUDIO_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_STUDIO_PICKER);
  g_clear_object (&self->selection);
  g_clear_object (&self->entries);
  G_OBJECT_CLASS (pl_studio_picker_parent_class)->dispose (object);
}

static void
pl_studio_picker_finalize (GObject *object)
{
  PlStudioPicker *self = PL_STUDIO_PICKER (object);

  g_free (self->search);
  G_OBJECT_CLASS (pl_studio_picker_parent_class)->finalize (object);
}

static void
pl_studio_picker_class_init (PlStudioPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_studio_picker_dispose;
  object_class->finalize = pl_studio_picker_finalize;

  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/pushlab/Studio/pl-studio-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, PlStudioPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PlStudioPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, PlStudioPicker, open_button);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_open_file_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pl_studio_picker_init (PlStudioPicker *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->entries = g_list_store_new (PL_TYPE_SCENARIO_ENTRY);
  self->filter = gtk_custom_filter_new (match_entry, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->entries)),
                                              GTK_FILTER (self->filter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
}

PlStudioPicker *
pl_studio_picker_new (GtkWindow  *parent,
                      const char *dir)
{
  PlStudioPicker *self = g_object_new (PL_TYPE_STUDIO_PICKER, "transient-for", parent, NULL);
  g_autofree char *bundled = dir ? NULL : pl_cli_scenario_dir ();
  g_autoptr (GPtrArray) paths = pl_cli_list_dir (dir ? dir : bundled, NULL);

  for (guint i = 0; paths && i < paths->len; i++)
    {
      g_autoptr (PlScenarioEntry) entry = pl_scenario_entry_new (g_ptr_array_index (paths, i));

      g_list_store_append (self->entries, entry);
    }
  return self;
}

guint
pl_studio_picker_get_n_items (PlStudioPicker *self)
{
  g_return_val_if_fail (PL_IS_STUDIO_PICKER (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

const char *
pl_studio_picker_get_title (PlStudioPicker *self,
                            guint           position)
{
  PlScenarioEntry *entry = entry_at (self, position);

  return entry ? entry->title : NULL;
}

const char *
pl_studio_picker_get_path (PlStudioPicker *self,
                           guint           position)
{
  PlScenarioEntry *entry = entry_at (self, position);

  return entry ? entry->path : NULL;
}

void
pl_studio_picker_set_search (PlStudioPicker *self,
                             const char     *text)
{
  g_return_if_fail (PL_IS_STUDIO_PICKER (self));

  g_clear_pointer (&self->search, g_free);
  if (text && *text)
    self->search = g_utf8_casefold (text, -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

void
pl_studio_picker_choose (PlStudioPicker *self,
                         guint           position)
{
  PlScenarioEntry *entry;

  g_return_if_fail (PL_IS_STUDIO_PICKER (self));

  entry = entry_at (self, position);
  if (entry)
    choose (self, entry->path);
}
