/* pl-models.c: node kind registration.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-models"

#include "pl-models.h"
#include "pl-node.h"
#include "pl-proxy.h"
#include "pl-user-agent.h"

void
pl_models_register (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      pl_node_kind_register ("ua", PL_TYPE_USER_AGENT,
                             "generic SIP user agent: sends requests, answers with a configured status");
      pl_node_kind_register ("proxy", PL_TYPE_PROXY,
                             "stateful forwarding proxy (RFC 3261 §16)");
      g_once_init_leave (&done, 1);
    }
}
