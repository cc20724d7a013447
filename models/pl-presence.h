/* pl-presence.h: the presence server (node kind "presence"): event state
 * compositor for PUBLISH (RFC 3903) and presence agent for SUBSCRIBE/
 * NOTIFY (RFC 3856) with PIDF documents (RFC 3863, RFC 4479) carrying the
 * OMA device-profile extension (SIP Push §8.1). In IMS it is an
 * application server the S-CSCF reaches by initial Filter Criteria.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

#define PL_TYPE_PRESENCE (pl_presence_get_type ())
G_DECLARE_FINAL_TYPE (PlPresence, pl_presence, PL, PRESENCE, PlNode)

/* What the presentity's authorization policy does with a watcher: the
 * sub-handling values of RFC 5025 §3.2.1 ("pending" is its "confirm"). */
typedef enum {
  PL_PRESENCE_ALLOW,
  PL_PRESENCE_BLOCK,
  PL_PRESENCE_PENDING,
} PlPresenceAction;

/* The rule for @watcher's subscriptions to @presentity (either NULL: any;
 * both NULL: the default). A more specific rule wins: presentity and
 * watcher, then presentity, then watcher, then the default. Subscriptions
 * that exist already follow at once: a pending one the rule allows
 * becomes active (NOTIFY with the document), one it blocks ends
 * (terminated;reason=rejected). */
void      pl_presence_set_policy        (PlPresence       *self,
                                         const char       *presentity,
                                         const char       *watcher,
                                         PlPresenceAction  action);
/* Bounds of Expires for PUBLISH and SUBSCRIBE: below @min_expires a
 * request gets 423 (RFC 3903 §6 step 5, RFC 3265 §3.1.6.1), above
 * @max_expires it is granted @max_expires. */
void      pl_presence_set_expires       (PlPresence *self,
                                         guint32     min_expires,
                                         guint32     max_expires);
/* Live publications of @presentity (an address of record). */
guint     pl_presence_get_n_publications (PlPresence *self,
                                          const char *presentity);
/* Subscriptions to @presentity not yet ended, pending ones included. */
guint     pl_presence_get_n_watchers    (PlPresence *self,
                                         const char *presentity);
/* The document a watcher of @presentity gets now (RFC 3863, composed
 * from every live publication); a PIDF without tuples when nothing is
 * published. Free with g_free. */
char     *pl_presence_dup_document      (PlPresence *self,
                                         const char *presentity);

G_END_DECLS
