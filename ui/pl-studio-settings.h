/* pl-studio-settings.h: what the studio remembers between runs: window
 * size, the last scenario, the style. A key file in the user's config
 * directory ($XDG_CONFIG_HOME/pushlab/studio.ini), so nothing needs to
 * be installed for it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int width;
  int height;
  gboolean maximized;
  gboolean dark;
  gboolean compact;
  char *last_scenario;   /* or NULL */
} PlStudioSettings;

/* Defaults when the file is missing or unreadable: never fails. */
PlStudioSettings *pl_studio_settings_load  (void);
gboolean          pl_studio_settings_save  (const PlStudioSettings  *settings,
                                            GError                 **error);
void              pl_studio_settings_free  (PlStudioSettings *settings);
char             *pl_studio_settings_path  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlStudioSettings, pl_studio_settings_free)

G_END_DECLS
