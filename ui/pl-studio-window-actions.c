/* pl-studio-window-actions.c: the studio window's actions (win.*): run
 * controls, opening, exporting, saving rules, comparing, style, zoom.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include <string.h>

#include "pl-studio-compare.h"
#include "pl-studio-file.h"
#include "pl-studio-picker.h"
#include "pl-studio-window-private.h"
#include "pl-timeline-export.h"


static void
play_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  if (pl_player_get_state (self->player) == PL_PLAYER_PLAYING)
    pl_player_pause (self->player);
  else
    pl_player_play (self->player);
}

static void
step_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_player_step (self->player);
}

static void
step_back_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_player_step_back (self->player);
}

static void
run_to_end_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_player_run_to_end (self->player);
}

static void
restart_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_player_restart (self->player);
}

static void
speed_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  PlStudioWindow *self = user_data;
  int delta = g_variant_get_int32 (param);
  int selected = (int) gtk_drop_down_get_selected (self->speed_dropdown) + delta;

  selected = CLAMP (selected, 0, (int) _pl_studio_n_speeds - 1);
  gtk_drop_down_set_selected (self->speed_dropdown, (guint) selected);
}

static void
on_chosen (PlStudioWindow *self,
           const char     *path)
{
  g_autoptr (GError) error = NULL;

  pl_studio_window_open (self, path, &error);
}

static void
pick_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  PlStudioWindow *self = user_data;
  PlStudioPicker *picker = pl_studio_picker_new (GTK_WINDOW (self), NULL);

  g_signal_connect_object (picker, "chosen", G_CALLBACK (on_chosen), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
on_scenario_chosen (const char *path,
                    gpointer    user_data)
{
  on_chosen (PL_STUDIO_WINDOW (user_data), path);
}

static void
open_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  static const PlStudioFileRequest request = {
    .title = "Open Scenario", .accept = "_Open",
    .filter_name = "Scenario files", .pattern = "*.xml",
  };

  pl_studio_choose_file (GTK_WINDOW (user_data), &request, on_scenario_chosen,
                         g_object_ref (user_data), g_object_unref);
}

typedef struct {
  PlStudioWindow *self;   /* a reference */
  gboolean whole;
} ExportRequest;

static void
export_request_free (gpointer data)
{
  ExportRequest *request = data;

  g_object_unref (request->self);
  g_free (request);
}

static void
on_export_chosen (const char *path,
                  gpointer    user_data)
{
  ExportRequest *request = user_data;
  PlStudioWindow *self = request->self;
  g_autoptr (GError) error = NULL;
  PlTimelineViewport view;

  pl_timeline_view_get_viewport (self->view, &view);
  if (pl_timeline_export_file (self->model, &view, request->whole, path, &error))
    {
      g_autofree char *text = g_strdup_printf ("Exported %s", path);
      _pl_studio_window_set_status (self, text);
    }
  else
    _pl_studio_window_set_status (self, error->message);
}

static void
export_to (PlStudioWindow *self,
           const char     *format,
           gboolean        whole)
{
  ExportRequest *request = g_new0 (ExportRequest, 1);
  g_autofree char *stem = pl_studio_file_stem (pl_player_get_path (self->player));
  g_autofree char *name = g_strdup_printf ("%s.%s", stem, format);
  PlStudioFileRequest file = { .title = "Export", .save = TRUE, .accept = "_Export",
                               .name = name };

  request->self = g_object_ref (self);
  request->whole = whole;
  pl_studio_choose_file (GTK_WINDOW (self), &file, on_export_chosen, request,
                         export_request_free);
}

static void
export_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  export_to (user_data, g_variant_get_string (param, NULL), TRUE);
}

static void
export_visible_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  export_to (user_data, g_variant_get_string (param, NULL), FALSE);
}

static void
save_rules_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_studio_alter_save_dialog (self->alter, GTK_WINDOW (self));
}

static void
compare_original_action (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_studio_compare_with_original (GTK_WINDOW (self), self->player);
}

static void
compare_golden_action (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  pl_studio_compare_golden_dialog (GTK_WINDOW (self), self->player);
}

static void
dark_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  PlStudioWindow *self = user_data;
  GVariant *state = g_action_get_state (G_ACTION (action));
  gboolean dark = !g_variant_get_boolean (state);

  g_variant_unref (state);
  g_simple_action_set_state (action, g_variant_new_boolean (dark));
  self->settings->dark = dark;
  _pl_studio_window_apply_style (self);
}

static void
zoom_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  PlStudioWindow *self = user_data;
  int direction = g_variant_get_int32 (param);
  double zoom = pl_timeline_view_get_zoom (self->view);

  pl_timeline_view_set_zoom (self->view, direction == 0 ? 1.0
                                         : direction > 0 ? zoom * 1.5 : zoom / 1.5);
}

static void
toggle_layout_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  gtk_toggle_button_set_active (self->compact_toggle,
                                !gtk_toggle_button_get_active (self->compact_toggle));
}

static void
toggle_follow_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  PlStudioWindow *self = user_data;

  gtk_toggle_button_set_active (self->follow_toggle,
                                !gtk_toggle_button_get_active (self->follow_toggle));
}

const GActionEntry _pl_studio_window_actions[] = {
  { .name = "play", .activate = play_action },
  { .name = "step", .activate = step_action },
  { .name = "step-back", .activate = step_back_action },
  { .name = "run-to-end", .activate = run_to_end_action },
  { .name = "restart", .activate = restart_action },
  { .name = "speed", .activate = speed_action, .parameter_type = "i" },
  { .name = "pick", .activate = pick_action },
  { .name = "open", .activate = open_action },
  { .name = "export", .activate = export_action, .parameter_type = "s" },
  { .name = "export-visible", .activate = export_visible_action, .parameter_type = "s" },
  { .name = "save-rules", .activate = save_rules_action },
  { .name = "compare-original", .activate = compare_original_action },
  { .name = "compare-golden", .activate = compare_golden_action },
  { .name = "dark", .activate = dark_action, .state = "false" },
  { .name = "zoom", .activate = zoom_action, .parameter_type = "i" },
  { .name = "toggle-layout", .activate = toggle_layout_action },
  { .name = "toggle-follow", .activate = toggle_follow_action },
};

const guint _pl_studio_window_n_actions = G_N_ELEMENTS (_pl_studio_window_actions);
