/* pl-studio-compare.h: two runs side by side with the first divergence
 * marked: the original run against the one the studio's rules altered,
 * or a run against a golden trace (data/golden/).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-compare.h"
#include "pl-player.h"
#include "pl-timeline-view.h"

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_COMPARE (pl_studio_compare_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioCompare, pl_studio_compare, PL, STUDIO_COMPARE, GtkWindow)

/* Runs the player's file without and with the studio's rules and shows
 * both. NULL (and a message on @parent's status) on error. */
PlStudioCompare    *pl_studio_compare_with_original (GtkWindow *parent,
                                                     PlPlayer  *player);
/* Asks for a golden JSON Lines file and compares the altered run with it. */
void                pl_studio_compare_golden_dialog (GtkWindow      *parent,
                                                     PlPlayer       *player);
/* The same without the file chooser (tests). */
PlStudioCompare    *pl_studio_compare_with_golden   (GtkWindow   *parent,
                                                     PlPlayer    *player,
                                                     const char  *golden_path,
                                                     GError     **error);

const PlComparison *pl_studio_compare_get_comparison (PlStudioCompare *self);
/* The arrow index marked as the first divergence on side A or B, or -1. */
int                 pl_studio_compare_get_marker     (PlStudioCompare *self,
                                                      gboolean         side_b);
const char         *pl_studio_compare_get_summary    (PlStudioCompare *self);

G_END_DECLS
