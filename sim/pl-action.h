/* pl-action.h: a timeline action a node kind parsed from the scenario.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

typedef void (*PlActionFunc) (PlNode  *node,
                              gpointer data);

PlAction   *pl_action_new      (PlNode         *node,
                                const char     *verb,
                                PlActionFunc    func,
                                gpointer        data,
                                GDestroyNotify  destroy);
void        pl_action_free     (PlAction *action);
/* Records an "action" state event, then runs the action. */
void        pl_action_run      (PlAction *action);
const char *pl_action_get_verb (PlAction *action);
PlNode     *pl_action_get_node (PlAction *action);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlAction, pl_action_free)

G_END_DECLS
