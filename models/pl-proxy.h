/* pl-proxy.h: a stateful forwarding proxy (node kind "proxy").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

#define PL_TYPE_PROXY (pl_proxy_get_type ())
G_DECLARE_FINAL_TYPE (PlProxy, pl_proxy, PL, PROXY, PlNode)

void pl_proxy_set_record_route (PlProxy  *self,
                                gboolean  record_route);
/* Requests for @aor (sip:user@domain of this proxy) go to @contact. */
void pl_proxy_add_contact      (PlProxy    *self,
                                const char *aor,
                                const char *contact);

G_END_DECLS
