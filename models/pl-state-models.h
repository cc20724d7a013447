/* pl-state-models.h: rows the node kinds' describe() share (see
 * pl-state.h): dialogs, subscriptions, bindings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-pidf.h"
#include "pl-registrar.h"
#include "pl-state.h"
#include "pl-subscription.h"

G_BEGIN_DECLS

/* A "dialog" row under @parent: Call-ID, tags, CSeqs, route set, remote
 * target. */
PlStateRow *_pl_state_add_dialog     (PlState    *state,
                                      PlStateRow *parent,
                                      PlDialog   *dialog);
/* Children of @row: state, expiry left at @now, dialog. */
void        _pl_state_add_subscriber (PlState      *state,
                                      PlStateRow   *row,
                                      PlSubscriber *sub,
                                      PlTime        now);
/* Children of @row: event, state, expiry left at @now, dialog. */
void        _pl_state_add_notifier   (PlState    *state,
                                      PlStateRow *row,
                                      PlNotifier *notifier,
                                      PlTime      now);
/* A row "binding" = AoR under @parent (NULL: the section) with the
 * contact, its feature tags and push applications, q, expiry left. */
PlStateRow *_pl_state_add_binding    (PlState         *state,
                                      PlStateRow      *parent,
                                      const PlBinding *binding,
                                      PlDialect        dialect,
                                      PlTime           now);
/* A PIDF document under @row: entity, each tuple (basic status,
 * contact, note), each OMA device (device-id, device profile), each
 * person. */
void        _pl_state_add_pidf       (PlState      *state,
                                      PlStateRow   *row,
                                      const PlPidf *pidf);
/* The first line of a text for a preview: at most @max characters,
 * "…" when cut; NULL for binary content. */
char       *_pl_state_preview        (GBytes *bytes,
                                      guint   max);

G_END_DECLS
