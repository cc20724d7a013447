/* pl-studio-window.c: the studio's window.
 *
 * The player runs the scenario; the timeline model follows its trace
 * live; the pages on the right show the selected message (inspector), the
 * selected node's state, the alterations, and the expectations.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-window-private.h"

/* The speeds of the drop-down, in its order; 0: as fast as possible. */
const double _pl_studio_speeds[] = { 0.1, 0.25, 0.5, 1, 2, 5, 10, 100, PL_PLAYER_SPEED_MAX };
const guint _pl_studio_n_speeds = G_N_ELEMENTS (_pl_studio_speeds);

G_DEFINE_FINAL_TYPE (PlStudioWindow, pl_studio_window, GTK_TYPE_APPLICATION_WINDOW)

void
_pl_studio_window_set_status (PlStudioWindow *self,
                              const char     *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text);
}

static const char *
state_name (PlPlayerState state)
{
  switch (state)
    {
    case PL_PLAYER_EMPTY:
      return "no scenario";
    case PL_PLAYER_PAUSED:
      return "paused";
    case PL_PLAYER_PLAYING:
      return "playing";
    case PL_PLAYER_HOLDING:
      return "holding a message at a breakpoint";
    case PL_PLAYER_FINISHED:
      return "finished";
    default:
      return "";
    }
}

static void
update_status (PlStudioWindow *self)
{
  g_autofree char *text = NULL;
  PlScenario *scenario = pl_player_get_scenario (self->player);

  if (scenario == NULL)
    return;
  text = g_strdup_printf ("%s — %u messages — %s%s", pl_scenario_get_name (scenario),
                          pl_player_get_n_messages (self->player),
                          state_name (pl_player_get_state (self->player)),
                          pl_player_get_n_rules (self->player)
                            ? " — altered by the studio's rules" : "");
  _pl_studio_window_set_status (self, text);
}

static void
update_actions (PlStudioWindow *self)
{
  PlPlayerState state = pl_player_get_state (self->player);
  gboolean loaded = state != PL_PLAYER_EMPTY;
  gboolean movable = state == PL_PLAYER_PAUSED || state == PL_PLAYER_PLAYING;
  GActionMap *map = G_ACTION_MAP (self);
  static const char *const need_run[] = {
    "restart", "export", "export-visible", "save-rules", "compare-original", "compare-golden",
  };

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "play")),
                               movable);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "step")),
                               movable);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "run-to-end")),
                               movable);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, "step-back")),
                               loaded && state != PL_PLAYER_HOLDING
                               && pl_player_get_n_messages (self->player) > 0);
  for (guint i = 0; i < G_N_ELEMENTS (need_run); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (map, need_run[i])),
                                 loaded);

  gtk_button_set_icon_name (self->play_button, state == PL_PLAYER_PLAYING
                                               ? "media-playback-pause-symbolic"
                                               : "media-playback-start-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  state == PL_PLAYER_PLAYING ? "Pause" : "Play", -1);
}

static void
on_tick (PlStudioWindow *self)
{
  g_autofree char *clock = g_strdup_printf ("%.6f s",
                                            pl_player_get_time (self->player) / 1e6);

  gtk_label_set_text (self->clock_label, clock);
  update_status (self);
  update_actions (self);
}

/* The scenario's <flow> step each arrow illustrates, on its label. */
static void
label_steps (PlStudioWindow *self)
{
  PlScenario *scenario = pl_player_get_scenario (self->player);
  guint n = self->model ? pl_timeline_model_get_n_arrows (self->model) : 0;

  for (guint i = 0; scenario && i < n; i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (self->model, i);
      const char *label = NULL, *note = NULL;

      if (arrow->step == NULL
          && pl_scenario_get_step_for_event (scenario, arrow->send_event, &label, &note))
        pl_timeline_model_set_step (self->model, arrow->hop, label);
    }
}

static void
on_state_changed (PlStudioWindow *self)
{
  if (pl_player_get_state (self->player) != PL_PLAYER_PLAYING)
    label_steps (self);
  update_actions (self);
  update_status (self);
  if (pl_player_get_state (self->player) == PL_PLAYER_FINISHED)
    pl_studio_report_update (self->report, self->player);
  pl_studio_nodes_refresh (self->nodes);
}

static void
show_selection (PlStudioWindow *self,
                int             index)
{
  const PlTimelineArrow *arrow;
  g_autoptr (GArray) related = NULL;

  if (index < 0 || (guint) index >= pl_timeline_model_get_n_arrows (self->model))
    {
      self->selected_hop = 0;
      pl_studio_inspector_clear (self->inspector);
      pl_timeline_view_set_highlighted (self->view, NULL, 0);
      return;
    }
  arrow = pl_timeline_model_get_arrow (self->model, index);
  self->selected_hop = arrow->hop;
  related = pl_studio_inspector_show (self->inspector, self->player, self->model, index);
  pl_timeline_view_scroll_to_arrow (self->view, (guint) index);
  pl_timeline_view_set_highlighted (self->view, (const guint *) related->data, related->len);
  pl_studio_nodes_show_arrow (self->nodes, arrow);
}

static void
on_arrow_selected (PlStudioWindow *self,
                   int             index)
{
  show_selection (self, index);
}

static void
on_inspector_related (PlStudioWindow *self,
                      guint           index)
{
  pl_timeline_view_set_selected (self->view, (int) index);
  pl_timeline_view_scroll_to_arrow (self->view, index);
}

static void
on_arrow_context_menu (PlStudioWindow *self,
                       int             index,
                       double          x,
                       double          y)
{
  pl_studio_alter_popup_for_arrow (self->alter, GTK_WIDGET (self->view), self->model, index, x, y);
}

static void
attach_model (PlStudioWindow *self)
{
  PlSim *sim = pl_player_get_sim (self->player);

  g_clear_object (&self->model);
  self->model = pl_timeline_model_new_for_sim (sim);
  pl_timeline_view_set_model (self->view, self->model);
  pl_studio_inspector_clear (self->inspector);
  pl_studio_nodes_set_player (self->nodes, self->player);
  pl_studio_report_clear (self->report);
}

static void
on_reloaded (PlStudioWindow *self)
{
  PlScenario *scenario = pl_player_get_scenario (self->player);
  guint64 hop = self->selected_hop;

  attach_model (self);
  gtk_window_set_title (GTK_WINDOW (self), pl_scenario_get_name (scenario));
  /* Keep the same message selected across a step back when it still exists. */
  self->selected_hop = hop;
}

static void
on_speed_changed (PlStudioWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->speed_dropdown);

  if (selected < _pl_studio_n_speeds)
    pl_player_set_speed (self->player, _pl_studio_speeds[selected]);
}

static void
on_layout_toggled (PlStudioWindow *self)
{
  gboolean compact = gtk_toggle_button_get_active (self->compact_toggle);

  pl_timeline_view_set_layout (self->view, compact ? PL_TIMELINE_LAYOUT_COMPACT
                                                   : PL_TIMELINE_LAYOUT_SCALE);
  self->settings->compact = compact;
}

static void
on_follow_toggled (PlStudioWindow *self)
{
  pl_timeline_view_set_follow_live (self->view, gtk_toggle_button_get_active (self->follow_toggle));
}

void
_pl_studio_window_apply_style (PlStudioWindow *self)
{
  g_object_set (gtk_widget_get_settings (GTK_WIDGET (self)),
                "gtk-application-prefer-dark-theme", self->settings->dark, NULL);
  pl_timeline_view_set_palette (self->view, self->settings->dark ? PL_TIMELINE_PALETTE_DARK
                                                                 : PL_TIMELINE_PALETTE_LIGHT);
}


/* Window ------------------------------------------------------------ */

static gboolean
pl_studio_window_close_request (GtkWindow *window)
{
  PlStudioWindow *self = PL_STUDIO_WINDOW (window);
  g_autoptr (GError) error = NULL;

  /* Remember the size, unless maximized (then the size before). */
  self->settings->maximized = gtk_window_is_maximized (window);
  if (!self->settings->maximized)
    gtk_window_get_default_size (window, &self->settings->width, &self->settings->height);
  g_free (self->settings->last_scenario);
  self->settings->last_scenario = g_strdup (pl_player_get_path (self->player));
  if (!pl_studio_settings_save (self->settings, &error))
    g_warning ("cannot remember the window: %s", error->message);

  return GTK_WINDOW_CLASS (pl_studio_window_parent_class)->close_request (window);
}

static void
pl_studio_window_dispose (GObject *object)
{
  PlStudioWindow *self = PL_STUDIO_WINDOW (object);

  if (self->player)
    g_signal_handlers_disconnect_by_data (self->player, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_STUDIO_WINDOW);
  g_clear_object (&self->model);
  g_clear_object (&self->player);
  G_OBJECT_CLASS (pl_studio_window_parent_class)->dispose (object);
}

static void
pl_studio_window_finalize (GObject *object)
{
  PlStudioWindow *self = PL_STUDIO_WINDOW (object);

  g_clear_pointer (&self->settings, pl_studio_settings_free);
  g_free (self->status);
  G_OBJECT_CLASS (pl_studio_window_parent_class)->finalize (object);
}

static void
add_key (GtkWidgetClass *widget_class,
         guint           key,
         GdkModifierType mods,
         const char     *action,
         const char     *format,
         ...)
{
  GtkShortcutTrigger *trigger = gtk_keyval_trigger_new (key, mods);
  GtkShortcutAction *named = gtk_named_action_new (action);
  GtkShortcut *shortcut = gtk_shortcut_new (trigger, named);
  va_list args;

  if (format)
    {
      va_start (args, format);
      gtk_shortcut_set_arguments (shortcut, g_variant_new_va (format, NULL, &args));
      va_end (args);
    }
  gtk_widget_class_add_shortcut (widget_class, shortcut);
  g_object_unref (shortcut);
}

static void
pl_studio_window_class_init (PlStudioWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pl_studio_window_dispose;
  object_class->finalize = pl_studio_window_finalize;
  window_class->close_request = pl_studio_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/pushlab/Studio/pl-studio-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, clock_label);
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, timeline_box);
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, notebook);
  gtk_widget_class_bind_template_child (widget_class, PlStudioWindow, status_label);

  /* The keys of the help overlay (help-overlay.ui). */
  add_key (widget_class, GDK_KEY_space, 0, "win.play", NULL);
  add_key (widget_class, GDK_KEY_Right, 0, "win.step", NULL);
  add_key (widget_class, GDK_KEY_Left, 0, "win.step-back", NULL);
  add_key (widget_class, GDK_KEY_End, 0, "win.run-to-end", NULL);
  add_key (widget_class, GDK_KEY_Home, 0, "win.restart", NULL);
  add_key (widget_class, GDK_KEY_plus, 0, "win.speed", "i", 1);
  add_key (widget_class, GDK_KEY_minus, 0, "win.speed", "i", -1);
  add_key (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.pick", NULL);
  add_key (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.open", NULL);
  add_key (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", "s", "svg");
  add_key (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.toggle-layout", NULL);
  add_key (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.toggle-follow", NULL);
  add_key (widget_class, GDK_KEY_question, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
           "win.show-help-overlay", NULL);
  add_key (widget_class, GDK_KEY_F1, 0, "win.show-help-overlay", NULL);
}

static GtkWidget *
timeline_toolbar (PlStudioWindow *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *zoom_out = gtk_button_new_from_icon_name ("zoom-out-symbolic");
  GtkWidget *zoom_in = gtk_button_new_from_icon_name ("zoom-in-symbolic");
  GtkWidget *zoom_fit = gtk_button_new_from_icon_name ("zoom-original-symbolic");
  GtkWidget *zoom_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (bar, "toolbar");
  self->compact_toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic ("_Compact"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->compact_toggle),
                               "Evenly spaced messages (Ctrl+T); off: virtual time to scale");
  self->follow_toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic ("_Follow"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->follow_toggle),
                               "Keep the newest message in sight (Ctrl+L)");
  gtk_toggle_button_set_active (self->follow_toggle, TRUE);

  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (zoom_out), "win.zoom(-1)");
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (zoom_in), "win.zoom(1)");
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (zoom_fit), "win.zoom(0)");
  gtk_widget_set_tooltip_text (zoom_out, "Zoom out (Ctrl+minus)");
  gtk_widget_set_tooltip_text (zoom_in, "Zoom in (Ctrl+plus)");
  gtk_widget_set_tooltip_text (zoom_fit, "Zoom to 1:1 (Ctrl+0)");
  gtk_accessible_update_property (GTK_ACCESSIBLE (zoom_out), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Zoom out", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (zoom_in), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Zoom in", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (zoom_fit), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Zoom to 1:1", -1);
  gtk_widget_add_css_class (zoom_box, "linked");
  gtk_box_append (GTK_BOX (zoom_box), zoom_out);
  gtk_box_append (GTK_BOX (zoom_box), zoom_fit);
  gtk_box_append (GTK_BOX (zoom_box), zoom_in);

  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->compact_toggle));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->follow_toggle));
  gtk_box_append (GTK_BOX (bar), zoom_box);
  g_signal_connect_object (self->compact_toggle, "toggled", G_CALLBACK (on_layout_toggled), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->follow_toggle, "toggled", G_CALLBACK (on_follow_toggled), self,
                           G_CONNECT_SWAPPED);
  return bar;
}

static void
add_page (PlStudioWindow *self,
          GtkWidget      *page,
          const char     *title)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), page);
  gtk_notebook_append_page (self->notebook, scrolled, gtk_label_new_with_mnemonic (title));
}

static void
pl_studio_window_init (PlStudioWindow *self)
{
  g_autoptr (GtkBuilder) builder = NULL;
  g_autoptr (GtkCssProvider) css = NULL;
  GtkWidget *scrolled;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), _pl_studio_window_actions,
                                   (int) _pl_studio_window_n_actions,
                                   self);

  self->settings = pl_studio_settings_load ();
  gtk_window_set_default_size (GTK_WINDOW (self), self->settings->width, self->settings->height);
  if (self->settings->maximized)
    gtk_window_maximize (GTK_WINDOW (self));

  self->player = pl_player_new ();
  g_signal_connect_object (self->player, "reloaded", G_CALLBACK (on_reloaded), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "state-changed", G_CALLBACK (on_state_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->player, "tick", G_CALLBACK (on_tick), self, G_CONNECT_SWAPPED);

  /* The timeline. */
  gtk_box_append (self->timeline_box, timeline_toolbar (self));
  self->view = PL_TIMELINE_VIEW (pl_timeline_view_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Timeline", -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->view));
  gtk_box_append (self->timeline_box, scrolled);
  pl_timeline_view_set_follow_live (self->view, TRUE);
  g_signal_connect_object (self->view, "arrow-selected", G_CALLBACK (on_arrow_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view, "arrow-context-menu", G_CALLBACK (on_arrow_context_menu),
                           self, G_CONNECT_SWAPPED);
  gtk_toggle_button_set_active (self->compact_toggle, self->settings->compact);
  on_layout_toggled (self);

  /* The pages. */
  self->inspector = pl_studio_inspector_new ();
  g_signal_connect_object (self->inspector, "related-activated",
                           G_CALLBACK (on_inspector_related), self, G_CONNECT_SWAPPED);
  self->nodes = pl_studio_nodes_new ();
  self->alter = pl_studio_alter_new (self->player);
  self->report = pl_studio_report_new ();
  add_page (self, GTK_WIDGET (self->inspector), "_Message");
  add_page (self, GTK_WIDGET (self->nodes), "_Node");
  add_page (self, GTK_WIDGET (self->alter), "_Alter");
  add_page (self, GTK_WIDGET (self->report), "_Report");

  g_signal_connect_object (self->speed_dropdown, "notify::selected",
                           G_CALLBACK (on_speed_changed), self, G_CONNECT_SWAPPED);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/pushlab/Studio/studio.css");
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  builder = gtk_builder_new_from_resource ("/org/pushlab/Studio/help-overlay.ui");
  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                           GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder,
                                                                                         "help_overlay")));

  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                          "dark")),
                             g_variant_new_boolean (self->settings->dark));
  _pl_studio_window_apply_style (self);
  update_actions (self);
}

PlStudioWindow *
pl_studio_window_new (GtkApplication *app)
{
  return g_object_new (PL_TYPE_STUDIO_WINDOW, "application", app, NULL);
}

gboolean
pl_studio_window_open (PlStudioWindow  *self,
                       const char      *path,
                       GError         **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PL_IS_STUDIO_WINDOW (self), FALSE);

  if (!pl_player_load (self->player, path, &local_error))
    {
      /* One clear line naming file:line; what was open stays open. */
      _pl_studio_window_set_status (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_free (self->settings->last_scenario);
  self->settings->last_scenario = g_strdup (path);
  return TRUE;
}

void
pl_studio_window_start (PlStudioWindow *self,
                        const char     *path)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (PL_IS_STUDIO_WINDOW (self));

  if (path)
    {
      pl_studio_window_open (self, path, &error);
      return;
    }
  if (self->settings->last_scenario
      && g_file_test (self->settings->last_scenario, G_FILE_TEST_IS_REGULAR)
      && pl_studio_window_open (self, self->settings->last_scenario, NULL))
    return;
  g_action_group_activate_action (G_ACTION_GROUP (self), "pick", NULL);
}

void
pl_studio_window_set_layout (PlStudioWindow   *self,
                             PlTimelineLayout  layout)
{
  gtk_toggle_button_set_active (self->compact_toggle, layout == PL_TIMELINE_LAYOUT_COMPACT);
}

void
pl_studio_window_set_zoom (PlStudioWindow *self,
                           double          zoom)
{
  pl_timeline_view_set_zoom (self->view, zoom);
}

void
pl_studio_window_set_dark (PlStudioWindow *self,
                           gboolean        dark)
{
  if (self->settings->dark != dark)
    g_action_group_activate_action (G_ACTION_GROUP (self), "dark", NULL);
}

GtkWidget *
pl_studio_window_get_page (PlStudioWindow *self,
                           const char     *name)
{
  if (g_str_equal (name, "inspector"))
    return GTK_WIDGET (self->inspector);
  if (g_str_equal (name, "nodes"))
    return GTK_WIDGET (self->nodes);
  if (g_str_equal (name, "alter"))
    return GTK_WIDGET (self->alter);
  if (g_str_equal (name, "report"))
    return GTK_WIDGET (self->report);
  return NULL;
}

PlPlayer *
pl_studio_window_get_player (PlStudioWindow *self)
{
  return self->player;
}

PlTimelineModel *
pl_studio_window_get_model (PlStudioWindow *self)
{
  return self->model;
}

void
pl_studio_window_select_hop (PlStudioWindow *self,
                             guint64         hop)
{
  const PlTimelineArrow *arrow;
  guint index = 0;

  g_return_if_fail (PL_IS_STUDIO_WINDOW (self));


  arrow = self->model ? pl_timeline_model_lookup_hop (self->model, hop, &index) : NULL;
  pl_timeline_view_set_selected (self->view, arrow ? (int) index : -1);
}

guint64
pl_studio_window_get_selected_hop (PlStudioWindow *self)
{
  return self->selected_hop;
}

const char *
pl_studio_window_get_status (PlStudioWindow *self)
{
  return self->status ? self->status : "";
}
