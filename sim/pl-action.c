/* pl-action.c: a timeline action a node kind parsed from the scenario.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-action"

#include "pl-action.h"

struct _PlAction {
  PlNode *node;          /* weak: the sim owns its nodes */
  char *verb;
  PlActionFunc func;
  gpointer data;
  GDestroyNotify destroy;
};

PlAction *
pl_action_new (PlNode         *node,
               const char     *verb,
               PlActionFunc    func,
               gpointer        data,
               GDestroyNotify  destroy)
{
  PlAction *action;

  g_return_val_if_fail (PL_IS_NODE (node), NULL);
  g_return_val_if_fail (verb != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  action = g_new0 (PlAction, 1);
  g_set_weak_pointer (&action->node, node);
  action->verb = g_strdup (verb);
  action->func = func;
  action->data = data;
  action->destroy = destroy;
  return action;
}

void
pl_action_free (PlAction *action)
{
  if (action == NULL)
    return;
  if (action->destroy != NULL)
    action->destroy (action->data);
  g_clear_weak_pointer (&action->node);
  g_free (action->verb);
  g_free (action);
}

void
pl_action_run (PlAction *action)
{
  PlTraceEvent *event;

  g_return_if_fail (action != NULL);

  /* The node went away with its sim: nothing left to act on. */
  if (action->node == NULL)
    return;

  event = pl_node_begin_event (action->node, PL_EVENT_STATE, "action");
  pl_trace_event_add_string (event, "verb", action->verb);
  pl_node_commit_event (action->node, event);

  action->func (action->node, action->data);
}

const char *
pl_action_get_verb (PlAction *action)
{
  g_return_val_if_fail (action != NULL, NULL);
  return action->verb;
}

PlNode *
pl_action_get_node (PlAction *action)
{
  g_return_val_if_fail (action != NULL, NULL);
  return action->node;
}
