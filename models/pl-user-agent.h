/* pl-user-agent.h: a generic SIP user agent (node kind "ua").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

#define PL_TYPE_USER_AGENT (pl_user_agent_get_type ())
G_DECLARE_FINAL_TYPE (PlUserAgent, pl_user_agent, PL, USER_AGENT, PlNode)

/* Sends a request built from @request_line parts; used by tests and the
 * benchmark as well as by the <request> action. */
void pl_user_agent_send (PlUserAgent *self,
                         const char  *method,
                         const char  *uri,
                         const char  *route,
                         const char  *content_type,
                         GBytes      *body);

guint pl_user_agent_get_n_dialogs (PlUserAgent *self);

G_END_DECLS
