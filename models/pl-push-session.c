/* pl-push-session.c: the hooks of the MSRP session layer (see
 * pl-push-session.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-push-session"

#include "pl-push-session.h"

/* Code, not state: set when the models are registered, read by every
 * simulation in the process alike. */
static const PlPushSessionHooks *session_hooks;

void
pl_push_session_set_hooks (const PlPushSessionHooks *hooks)
{
  g_return_if_fail (hooks == NULL || (hooks->start != NULL && hooks->stop != NULL));

  session_hooks = hooks;
}

const PlPushSessionHooks *
pl_push_session_get_hooks (void)
{
  return session_hooks;
}
