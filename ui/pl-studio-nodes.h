/* pl-studio-nodes.h: the node panel: the selected node's state at the
 * current virtual time (bindings, subscriptions, dialogs, presence
 * documents, iFC, received push content, delivery statuses), and the iFC
 * evaluations the selected request caused.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "pl-player.h"
#include "pl-timeline-model.h"

G_BEGIN_DECLS

#define PL_TYPE_STUDIO_NODES (pl_studio_nodes_get_type ())
G_DECLARE_FINAL_TYPE (PlStudioNodes, pl_studio_nodes, PL, STUDIO_NODES, GtkBox)

PlStudioNodes *pl_studio_nodes_new        (void);
/* A new run: lists its nodes. */
void           pl_studio_nodes_set_player (PlStudioNodes *self,
                                           PlPlayer      *player);
/* Shows the node that received @arrow, with the iFC its request caused. */
void           pl_studio_nodes_show_arrow (PlStudioNodes         *self,
                                           const PlTimelineArrow *arrow);
/* Describes the node again at the current virtual time. */
void           pl_studio_nodes_refresh    (PlStudioNodes *self);
/* The text shown, for tests. */
char          *pl_studio_nodes_get_text   (PlStudioNodes *self);

G_END_DECLS
