/* pl-studio-settings.c: the studio's remembered settings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-settings.h"

#define GROUP "studio"

char *
pl_studio_settings_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "pushlab", "studio.ini", NULL);
}

PlStudioSettings *
pl_studio_settings_load (void)
{
  PlStudioSettings *settings = g_new0 (PlStudioSettings, 1);
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *path = pl_studio_settings_path ();
  int width, height;

  settings->width = 1280;
  settings->height = 800;
  /* Evenly spaced messages read best at first (sngrep's choice). */
  settings->compact = TRUE;
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return settings;

  /* A value that is missing or not a number keeps its default. */
  width = g_key_file_get_integer (file, GROUP, "width", NULL);
  height = g_key_file_get_integer (file, GROUP, "height", NULL);
  if (width >= 320 && width <= 16384 && height >= 240 && height <= 16384)
    {
      settings->width = width;
      settings->height = height;
    }
  settings->maximized = g_key_file_get_boolean (file, GROUP, "maximized", NULL);
  settings->dark = g_key_file_get_boolean (file, GROUP, "dark", NULL);
  if (g_key_file_has_key (file, GROUP, "compact", NULL))
    settings->compact = g_key_file_get_boolean (file, GROUP, "compact", NULL);
  settings->last_scenario = g_key_file_get_string (file, GROUP, "last-scenario", NULL);
  if (settings->last_scenario && *settings->last_scenario == '\0')
    g_clear_pointer (&settings->last_scenario, g_free);
  return settings;
}

gboolean
pl_studio_settings_save (const PlStudioSettings  *settings,
                         GError                 **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *path = pl_studio_settings_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_key_file_set_integer (file, GROUP, "width", settings->width);
  g_key_file_set_integer (file, GROUP, "height", settings->height);
  g_key_file_set_boolean (file, GROUP, "maximized", settings->maximized);
  g_key_file_set_boolean (file, GROUP, "dark", settings->dark);
  g_key_file_set_boolean (file, GROUP, "compact", settings->compact);
  g_key_file_set_string (file, GROUP, "last-scenario",
                         settings->last_scenario ? settings->last_scenario : "");
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: cannot create the directory",
                   dir);
      return FALSE;
    }
  return g_key_file_save_to_file (file, path, error);
}

void
pl_studio_settings_free (PlStudioSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->last_scenario);
  g_free (settings);
}
