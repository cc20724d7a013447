/* pl-sender.h: the Push Sender agent (node kind "sender"), §6.1, §6.3.2,
 * §7.3 and Appendix C of the 2006 draft, B.1/B.2 of V1.0.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"
#include "pl-push.h"

G_BEGIN_DECLS

#define PL_TYPE_SENDER (pl_sender_get_type ())
G_DECLARE_FINAL_TYPE (PlSender, pl_sender, PL, SENDER, PlNode)

/* Programmatic configuration, for tests and the benchmark. */
void        pl_sender_set_identity  (PlSender   *self,
                                     const char *identity,
                                     gboolean    trusted);
/* First hop towards the core (the S-CSCF), a URI. */
void        pl_sender_set_outbound  (PlSender   *self,
                                     const char *outbound);
void        pl_sender_set_retry     (PlSender *self,
                                     guint     max_retries,
                                     PlTime    interval);
/* V1.0 only (B.2 step 1): the service; NULL for PL_PUSH_DEFAULT_ICSI. */
void        pl_sender_set_icsi      (PlSender   *self,
                                     const char *icsi);

/* Sends a push by MESSAGE; returns its number (1, 2, …), the "push"
 * field of its "delivery" events. */
guint       pl_sender_push          (PlSender   *self,
                                     const char *to,
                                     const char *app,
                                     const char *content_type,
                                     GBytes     *body);
/* Same, choosing the PAP use case: @confirm TRUE is use case E
 * (confirmed: retries, progress notes, a result notification; the
 * default of pl_sender_push), FALSE use case D (unconfirmed: a PAP
 * response "submitted" at once, no retries). */
guint       pl_sender_push_full     (PlSender   *self,
                                     const char *to,
                                     const char *app,
                                     const char *content_type,
                                     GBytes     *body,
                                     gboolean    confirm);
guint       pl_sender_get_n_pushes  (PlSender *self);

PlDeliveryStatus pl_sender_get_status (PlSender *self,
                                       guint     push);
/* What the third-party REGISTERs told: is @public_id registered? */
gboolean    pl_sender_is_registered (PlSender   *self,
                                     const char *public_id);
/* Its push applications, when the REGISTER was included (message/sip);
 * NULL when unknown. Not owned. */
const char * const *pl_sender_get_apps (PlSender   *self,
                                        const char *public_id);

G_END_DECLS
