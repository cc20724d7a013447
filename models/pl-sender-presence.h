/* pl-sender-presence.h: the Push Sender agent as presence watcher and
 * capability store (2006 draft §8, A.4 steps 1–8).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-sender.h"

G_BEGIN_DECLS

/* SUBSCRIBE Event: presence to @presentity (RFC 3856) for @expires
 * seconds, refreshed before it ends; a second call refreshes. */
void     pl_sender_watch_presence     (PlSender   *self,
                                       const char *presentity,
                                       guint32     expires);
/* SUBSCRIBE with Expires: 0 in the watch's dialog (RFC 3265 §3.3.4). */
void     pl_sender_unwatch_presence   (PlSender   *self,
                                       const char *presentity);
/* "init", "pending", "active", "terminated"; NULL when not watched. */
const char *pl_sender_get_presence_state (PlSender   *self,
                                          const char *presentity);
/* The content types the devices of @public_id accept, from the UAProf
 * profiles fetched for them, in device order, each once; NULL while
 * any of its devices' capabilities is unknown (no presence, no profile
 * URL, or a fetch that failed). Free with g_strfreev. */
char   **pl_sender_dup_accepted_types (PlSender   *self,
                                       const char *public_id);

G_END_DECLS
