/* pl-studio-alter.c: breakpoints, the held message's editor, quick
 * actions and the studio's rules.
 *
 * The engine does the work (sim/pl-held.h, sim/pl-rule-edit.h,
 * sim/pl-scenario-save.h); each alteration becomes a rule that the
 * player keeps for its re-runs and that can be saved into the scenario,
 * so the altered flow replays headless (DESIGN.md, "Alteration").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-alter.h"

#include <stdlib.h>

#include <sofia-sip/sip_status.h>

#include "pl-node.h"
#include "pl-rule-edit.h"
#include "pl-scenario-save.h"
#include "pl-studio-file.h"
#include "pl-studio-text.h"

struct _PlStudioAlter {
  GtkBox parent_instance;

  PlPlayer *player;           /* not owned: the window's */

  GtkDropDown *node_dropdown;
  GtkStringList *node_ids;    /* "Any node", then the ids */
  GtkDropDown *point_dropdown;
  GtkEntry *what_entry;
  GtkEntry *header_entry;
  GtkEntry *regex_entry;

  GtkWidget *held_box;
  GtkLabel *held_label;
  GtkTextView *editor;
  GtkEntry *status_entry;

  GtkListBox *rule_list;
  GtkLabel *message;          /* the last error or confirmation */

  PlTimelineModel *menu_model;
  int menu_arrow;
};

G_DEFINE_FINAL_TYPE (PlStudioAlter, pl_studio_alter, GTK_TYPE_BOX)

static void
say (PlStudioAlter *self,
     const char    *text)
{
  gtk_label_set_text (self->message, text ? text : "");
}

static const char *
node_name (int      index,
           gpointer data)
{
  PlSim *sim = data;
  PlNode *node = index >= 0 ? pl_sim_get_node (sim, (guint) index) : NULL;

  return node ? pl_node_get_id (node) : "any node";
}

static void on_remove_rule (GtkButton *button, PlStudioAlter *self);

static void
refresh_rules (PlStudioAlter *self)
{
  PlSim *sim = pl_player_get_sim (self->player);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rule_list))))
    gtk_list_box_remove (self->rule_list, child);
  for (guint i = 0; i < pl_player_get_n_rules (self->player); i++)
    {
      PlRule *rule = pl_player_get_rule (self->player, i);
      g_autofree char *text = pl_rule_describe (rule, node_name, sim);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_tooltip_text (remove, "Remove this rule");
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Remove rule", -1);
      g_object_set_data (G_OBJECT (remove), "pl-rule-index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_rule), self);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), remove);
      gtk_list_box_append (self->rule_list, row);
    }
  if (pl_player_get_n_rules (self->player) == 0)
    {
      GtkWidget *none = gtk_label_new ("No rules yet: add a breakpoint, or right-click an "
                                       "arrow of the timeline.");

      gtk_widget_add_css_class (none, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (none), TRUE);
      gtk_list_box_append (self->rule_list, none);
    }
}

static void
on_remove_rule (GtkButton     *button,
                PlStudioAlter *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "pl-rule-index"));

  pl_player_remove_rule (self->player, index);
  refresh_rules (self);
  say (self, "Rule removed: alterations take effect from the next re-run (Home).");
}

static void
refresh_nodes (PlStudioAlter *self)
{
  PlSim *sim = pl_player_get_sim (self->player);
  guint n = sim ? pl_sim_get_n_nodes (sim) : 0;

  gtk_string_list_splice (self->node_ids, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->node_ids)), NULL);
  gtk_string_list_append (self->node_ids, "Any node");
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (self->node_ids, pl_node_get_id (pl_sim_get_node (sim, i)));
  gtk_drop_down_set_selected (self->node_dropdown, 0);
}

static void
refresh_held (PlStudioAlter *self)
{
  PlHeld *held = pl_player_get_held (self->player);
  PlSim *sim = pl_player_get_sim (self->player);
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  GBytes *wire;
  gsize len;
  const char *data;

  gtk_widget_set_visible (self->held_box, held != NULL);
  if (held == NULL)
    return;

  summary = g_strdup_printf ("Breakpoint %s holds %" G_GUINT64_FORMAT " %s, %s → %s, about to "
                             "be %s. Edit it and release it, drop it, or answer it.",
                             pl_held_get_rule_id (held), pl_held_get_hop (held),
                             pl_held_get_label (held) ? pl_held_get_label (held) : "",
                             node_name (pl_held_get_from (held), sim),
                             node_name (pl_held_get_to (held), sim),
                             pl_held_get_point (held) == PL_RULE_ON_SEND ? "sent" : "delivered");
  gtk_label_set_text (self->held_label, summary);
  wire = pl_held_get_wire (held);
  data = g_bytes_get_data (wire, &len);
  text = g_utf8_make_valid (data, (gssize) len);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->editor), text, -1);
}

static void
on_reloaded (PlStudioAlter *self)
{
  refresh_nodes (self);
  refresh_rules (self);
  refresh_held (self);
}

static void
on_state_changed (PlStudioAlter *self)
{
  refresh_held (self);
  refresh_rules (self);
}

/* "NOTIFY", "415", "4xx" -> the rule's method or status criterion. */
static gboolean
set_what (PlRule      *rule,
          const char  *what,
          GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (what ? what : ""));

  if (*text == '\0')
    return TRUE;
  if (strlen (text) == 3 && g_ascii_isdigit (text[0]) && text[0] >= '1' && text[0] <= '6')
    {
      if (g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]))
        {
          int status = atoi (text);
          pl_rule_set_status (rule, status, status);
          return TRUE;
        }
      if (g_ascii_tolower (text[1]) == 'x' && g_ascii_tolower (text[2]) == 'x')
        {
          int klass = (text[0] - '0') * 100;
          pl_rule_set_status (rule, klass, klass + 99);
          return TRUE;
        }
    }
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalpha (*p) && *p != '-')
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "“%s”: expected a method (NOTIFY), a status (415) or a class (4xx)", text);
        return FALSE;
      }
  {
    g_autofree char *upper = g_ascii_strup (text, -1);
    pl_rule_set_method (rule, upper);
  }
  return TRUE;
}

gboolean
pl_studio_alter_add_breakpoint (PlStudioAlter  *self,
                                const char     *node_id,
                                gboolean        on_send,
                                const char     *what,
                                const char     *header,
                                const char     *regex,
                                GError        **error)
{
  g_autoptr (PlRule) rule = NULL;
  g_autoptr (GRegex) compiled = NULL;
  g_autofree char *id = NULL;
  PlSim *sim;
  int node = -1;

  g_return_val_if_fail (PL_IS_STUDIO_ALTER (self), FALSE);

  sim = pl_player_get_sim (self->player);
  if (sim == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "no scenario is open");
      return FALSE;
    }
  if (node_id)
    {
      PlNode *found = pl_sim_find_node (sim, node_id);

      if (found == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no node “%s”", node_id);
          return FALSE;
        }
      node = pl_node_get_index (found);
    }

  rule = pl_rule_new (on_send ? PL_RULE_ON_SEND : PL_RULE_ON_DELIVER, PL_RULE_HOLD);
  id = pl_sim_new_rule_id (sim, "break");
  pl_rule_set_id (rule, id);
  pl_rule_set_hop (rule, on_send ? node : -1, on_send ? -1 : node);
  if (!set_what (rule, what, error))
    return FALSE;
  if (header && *header)
    {
      if (regex && *regex)
        {
          compiled = g_regex_new (regex, G_REGEX_CASELESS, 0, error);
          if (compiled == NULL)
            return FALSE;
        }
      pl_rule_set_header (rule, header, compiled);
    }
  else if (regex && *regex)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "a value to match needs the header it is in");
      return FALSE;
    }
  pl_player_add_rule (self->player, g_steal_pointer (&rule));
  refresh_rules (self);
  return TRUE;
}

static void
on_add_breakpoint (PlStudioAlter *self)
{
  g_autoptr (GError) error = NULL;
  guint node = gtk_drop_down_get_selected (self->node_dropdown);
  const char *node_id = node == 0 || node == GTK_INVALID_LIST_POSITION
                        ? NULL : gtk_string_list_get_string (self->node_ids, node);

  if (pl_studio_alter_add_breakpoint (self, node_id,
                                      gtk_drop_down_get_selected (self->point_dropdown) == 1,
                                      gtk_editable_get_text (GTK_EDITABLE (self->what_entry)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->header_entry)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->regex_entry)),
                                      &error))
    say (self, "Breakpoint added: the run stops when a message matches it.");
  else
    say (self, error->message);
}

char *
pl_studio_alter_get_editor_text (PlStudioAlter *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->editor);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
pl_studio_alter_set_editor_text (PlStudioAlter *self,
                                 const char    *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->editor), text, -1);
}

gboolean
pl_studio_alter_release (PlStudioAlter  *self,
                         GError        **error)
{
  g_autofree char *text = pl_studio_alter_get_editor_text (self);
  g_autoptr (GBytes) edited = g_bytes_new (text, strlen (text));
  gboolean ok = pl_player_release_held (self->player, edited, error);

  refresh_rules (self);
  return ok;
}

gboolean
pl_studio_alter_drop (PlStudioAlter  *self,
                      GError        **error)
{
  gboolean ok = pl_player_drop_held (self->player, error);

  refresh_rules (self);
  return ok;
}

gboolean
pl_studio_alter_answer (PlStudioAlter  *self,
                        int             status,
                        GError        **error)
{
  gboolean ok = pl_player_answer_held (self->player, status, NULL, error);

  refresh_rules (self);
  return ok;
}

static void
on_release (PlStudioAlter *self)
{
  g_autoptr (GError) error = NULL;

  say (self, pl_studio_alter_release (self, &error)
             ? "Released. The edit is kept as rules for re-runs." : error->message);
}

static void
on_drop (PlStudioAlter *self)
{
  g_autoptr (GError) error = NULL;

  say (self, pl_studio_alter_drop (self, &error) ? "Dropped." : error->message);
}

static gboolean
parse_status (const char  *text,
              int         *status,
              GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 100, 699, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s”: expected a status code from 100 to 699", text);
      return FALSE;
    }
  *status = (int) value;
  return TRUE;
}

static void
on_answer (PlStudioAlter *self)
{
  g_autoptr (GError) error = NULL;
  int status;

  if (parse_status (gtk_editable_get_text (GTK_EDITABLE (self->status_entry)), &status, &error)
      && pl_studio_alter_answer (self, status, &error))
    say (self, "Answered on the receiver's behalf.");
  else
    say (self, error->message);
}

gboolean
pl_studio_alter_quick_action (PlStudioAlter    *self,
                              PlTimelineModel  *model,
                              guint             index,
                              const char       *action,
                              int               value,
                              GError          **error)
{
  PlSim *sim = pl_player_get_sim (self->player);
  const PlTimelineArrow *arrow;
  const PlTraceEvent *event;
  PlRule *rule;

  if (sim == NULL || index >= pl_timeline_model_get_n_arrows (model))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such message");
      return FALSE;
    }
  arrow = pl_timeline_model_get_arrow (model, index);
  event = pl_trace_get_event (pl_timeline_model_get_trace (model), arrow->send_event);

  if (g_str_equal (action, "drop"))
    rule = pl_rule_new_drop_event (sim, event, PL_RULE_ON_DELIVER, error);
  else if (g_str_equal (action, "answer"))
    rule = pl_rule_new_answer_event (sim, event, value, NULL, error);
  else if (g_str_equal (action, "delay"))
    rule = pl_rule_new_delay_event (sim, event, PL_RULE_ON_DELIVER, PL_MSEC (value), error);
  else if (g_str_equal (action, "break"))
    {
      g_autofree char *id = NULL;

      rule = pl_rule_new_for_event (sim, event, PL_RULE_ON_DELIVER, PL_RULE_HOLD, error);
      if (rule == NULL)
        return FALSE;
      id = pl_sim_new_rule_id (sim, "break");
      pl_rule_set_id (rule, id);
      /* Back to just before it, then on to the breakpoint. */
      pl_player_add_rule (self->player, rule);
      pl_player_seek (self->player, arrow->hop > 0 ? (guint) arrow->hop - 1 : 0);
      if (pl_player_get_held (self->player) == NULL)
        pl_player_step (self->player);
      refresh_rules (self);
      return TRUE;
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown action “%s”", action);
      return FALSE;
    }
  if (rule == NULL)
    return FALSE;
  pl_player_alter (self->player, rule);
  refresh_rules (self);
  return TRUE;
}

static void
menu_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  PlStudioAlter *self = user_data;
  g_autoptr (GError) error = NULL;
  const char *name = g_action_get_name (G_ACTION (action));
  int value = param ? g_variant_get_int32 (param) : 0;

  if (self->menu_model == NULL || self->menu_arrow < 0)
    return;
  if (pl_studio_alter_quick_action (self, self->menu_model, (guint) self->menu_arrow, name,
                                    value, &error))
    say (self, "Rule added; the run was replayed with it.");
  else
    say (self, error->message);
}

static const GActionEntry menu_actions[] = {
  { .name = "drop", .activate = menu_action },
  { .name = "answer", .activate = menu_action, .parameter_type = "i" },
  { .name = "delay", .activate = menu_action, .parameter_type = "i" },
  { .name = "break", .activate = menu_action },
};

void
pl_studio_alter_popup_for_arrow (PlStudioAlter   *self,
                                 GtkWidget       *parent,
                                 PlTimelineModel *model,
                                 int              index,
                                 double           x,
                                 double           y)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) answer = g_menu_new ();
  g_autoptr (GMenu) delay = g_menu_new ();
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  static const int statuses[] = { 403, 404, 408, 415, 480, 486, 488, 500, 503 };
  static const int delays[] = { 100, 1000, 5000, 32000 };
  GtkWidget *popover;
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  if (index < 0)
    return;
  self->menu_model = model;
  self->menu_arrow = index;

  g_menu_append (menu, "Drop This Message", "alter.drop");
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *label = g_strdup_printf ("%d %s", statuses[i],
                                                sip_status_phrase (statuses[i]));
      g_autofree char *detailed = g_strdup_printf ("alter.answer(%d)", statuses[i]);

      g_menu_append (answer, label, detailed);
    }
  g_menu_append_submenu (menu, "Answer With", G_MENU_MODEL (answer));
  for (guint i = 0; i < G_N_ELEMENTS (delays); i++)
    {
      g_autofree char *label = delays[i] >= 1000 ? g_strdup_printf ("%d s", delays[i] / 1000)
                                                 : g_strdup_printf ("%d ms", delays[i]);
      g_autofree char *detailed = g_strdup_printf ("alter.delay(%d)", delays[i]);

      g_menu_append (delay, label, detailed);
    }
  g_menu_append_submenu (menu, "Delay By", G_MENU_MODEL (delay));
  g_menu_append (menu, "Break Here Next Time", "alter.break");

  g_action_map_add_action_entries (G_ACTION_MAP (group), menu_actions,
                                   G_N_ELEMENTS (menu_actions), self);
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_insert_action_group (popover, "alter", G_ACTION_GROUP (group));
  gtk_widget_set_parent (popover, parent);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &rect);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

gboolean
pl_studio_alter_save (PlStudioAlter  *self,
                      const char     *path,
                      GError        **error)
{
  g_autoptr (GPtrArray) rules = pl_player_get_alterations (self->player);

  if (rules->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "no alteration to save: breakpoints alone change nothing");
      return FALSE;
    }
  return pl_scenario_save_rules (pl_player_get_path (self->player), path,
                                 (PlRule **) rules->pdata, rules->len,
                                 pl_player_get_sim (self->player), error);
}

static void
on_save_chosen (const char *path,
                gpointer    user_data)
{
  PlStudioAlter *self = user_data;
  g_autoptr (GError) error = NULL;

  if (pl_studio_alter_save (self, path, &error))
    {
      g_autofree char *text = g_strdup_printf ("Saved to %s: `pushlab run` replays it.", path);
      say (self, text);
    }
  else
    say (self, error->message);
}

void
pl_studio_alter_save_dialog (PlStudioAlter *self,
                             GtkWindow     *parent)
{
  const char *path = pl_player_get_path (self->player);
  g_autofree char *dir = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;

  if (path == NULL)
    return;
  dir = g_path_get_dirname (path);
  stem = pl_studio_file_stem (path);
  name = g_strdup_printf ("%s-altered.xml", stem);
  {
    /* Next to the original: its relative paths (body-file, href) still resolve. */
    PlStudioFileRequest request = {
      .title = "Save Rules into a Scenario", .save = TRUE, .accept = "_Save",
      .filter_name = "Scenario files", .pattern = "*.xml", .folder = dir, .name = name,
    };

    pl_studio_choose_file (parent, &request, on_save_chosen, g_object_ref (self),
                           g_object_unref);
  }
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 6);
  return label;
}

static GtkWidget *
entry_row (GtkGrid    *grid,
           int         row,
           const char *label_text,
           GtkWidget  *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, widget, 1, row, 1, 1);
  return widget;
}

static void
pl_studio_alter_class_init (PlStudioAlterClass *klass)
{
}

static void
pl_studio_alter_init (PlStudioAlter *self)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  GtkWidget *add = gtk_button_new_with_mnemonic ("Add _Breakpoint");
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *release = gtk_button_new_with_mnemonic ("_Release");
  GtkWidget *drop = gtk_button_new_with_mnemonic ("_Drop");
  GtkWidget *answer = gtk_button_new_with_mnemonic ("A_nswer");
  GtkWidget *save = gtk_button_new_with_mnemonic ("_Save Rules into Scenario…");
  GtkWidget *scroller = gtk_scrolled_window_new ();
  const char *const points[] = { "about to be delivered", "about to be sent", NULL };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 8);
  self->menu_arrow = -1;

  /* Breakpoint form. */
  gtk_box_append (GTK_BOX (self), heading ("Breakpoint"));
  gtk_grid_set_row_spacing (grid, 4);
  gtk_grid_set_column_spacing (grid, 6);
  self->node_ids = gtk_string_list_new (NULL);
  self->node_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->node_ids), NULL));
  entry_row (grid, 0, "_Node", GTK_WIDGET (self->node_dropdown));
  self->point_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (points));
  entry_row (grid, 1, "_When", GTK_WIDGET (self->point_dropdown));
  self->what_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->what_entry, "NOTIFY, 415 or 4xx (empty: any)");
  entry_row (grid, 2, "_Method or status", GTK_WIDGET (self->what_entry));
  self->header_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->header_entry, "Content-Type (empty: any)");
  entry_row (grid, 3, "_Header", GTK_WIDGET (self->header_entry));
  self->regex_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->regex_entry, "a regular expression");
  entry_row (grid, 4, "Value _matches", GTK_WIDGET (self->regex_entry));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (grid));
  gtk_widget_set_halign (add, GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (add, "Pause the run when a matching message is about to be "
                                    "sent or delivered");
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (on_add_breakpoint), self);
  gtk_box_append (GTK_BOX (self), add);

  /* The held message. */
  self->held_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (self->held_box), heading ("Held Message"));
  self->held_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->held_label, TRUE);
  gtk_label_set_xalign (self->held_label, 0);
  gtk_box_append (GTK_BOX (self->held_box), GTK_WIDGET (self->held_label));
  self->editor = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_monospace (self->editor, TRUE);
  gtk_text_view_set_wrap_mode (self->editor, GTK_WRAP_CHAR);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Held message text", -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->editor));
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 220);
  gtk_box_append (GTK_BOX (self->held_box), scroller);
  gtk_widget_add_css_class (release, "suggested-action");
  gtk_widget_set_tooltip_text (release, "Let the message go on, with your edits");
  gtk_widget_add_css_class (drop, "destructive-action");
  gtk_widget_set_tooltip_text (drop, "Lose the message");
  self->status_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (self->status_entry), "415");
  gtk_editable_set_width_chars (GTK_EDITABLE (self->status_entry), 5);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Status to answer with", -1);
  gtk_widget_set_tooltip_text (answer, "Answer the held request on its receiver's behalf");
  g_signal_connect_swapped (release, "clicked", G_CALLBACK (on_release), self);
  g_signal_connect_swapped (drop, "clicked", G_CALLBACK (on_drop), self);
  g_signal_connect_swapped (answer, "clicked", G_CALLBACK (on_answer), self);
  gtk_box_append (GTK_BOX (buttons), release);
  gtk_box_append (GTK_BOX (buttons), drop);
  gtk_box_append (GTK_BOX (buttons), answer);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->status_entry));
  gtk_box_append (GTK_BOX (self->held_box), buttons);
  gtk_widget_set_visible (self->held_box, FALSE);
  gtk_box_append (GTK_BOX (self), self->held_box);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_label_set_xalign (self->message, 0);
  gtk_label_set_selectable (self->message, TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->message));

  /* The studio's rules. */
  gtk_box_append (GTK_BOX (self), heading ("Rules"));
  self->rule_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->rule_list, GTK_SELECTION_NONE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rule_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "The studio's rules", -1);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->rule_list));
  gtk_widget_set_halign (save, GTK_ALIGN_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "win.save-rules");
  gtk_widget_set_tooltip_text (save, "Write the alterations into a copy of the scenario, so "
                                     "`pushlab run` replays the altered flow");
  gtk_box_append (GTK_BOX (self), save);
}

PlStudioAlter *
pl_studio_alter_new (PlPlayer *player)
{
  PlStudioAlter *self = g_object_new (PL_TYPE_STUDIO_ALTER, NULL);

  self->player = player;
  g_signal_connect_object (player, "reloaded", G_CALLBACK (on_reloaded), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "state-changed", G_CALLBACK (on_state_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "held", G_CALLBACK (refresh_held), self, G_CONNECT_SWAPPED);
  refresh_rules (self);
  return self;
}
