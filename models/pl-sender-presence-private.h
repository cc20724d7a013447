/* pl-sender-presence-private.h: what the Push Sender's presence watch
 * (pl-sender-presence.c) and capability store (pl-sender-capabilities.c)
 * share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-http-client.h"
#include "pl-sender-presence.h"
#include "pl-sender-private.h"

G_BEGIN_DECLS

struct _PlSenderPresence {
  GPtrArray *watches;      /* PlWatch*, oldest first (pl-sender-presence.c) */
  GPtrArray *presentities; /* PlPresentity*, first seen first */
  PlHttpClient *http;      /* profile fetches, made on the first one */
};

void _pl_sender_presentity_free     (gpointer data);
/* The device-profile URLs (NULL-terminated) a NOTIFY lists for
 * @public_id become its devices: a URL already known keeps its profile,
 * a new one is fetched. */
void _pl_sender_capabilities_update (PlSender   *self,
                                     const char *public_id,
                                     char      **urls);

G_END_DECLS
