/* pl-sender.h: the Push Sender agent (node kind "sender"), §6.1, §6.3.2,
 * §6.4.2, §7.3 and Appendix C of the 2006 draft, B.1/B.2 of V1.0.
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

/* §6.4.2: the ua-profile subscriptions. The longest Expires granted
 * (default 600000, A.3's). */
void        pl_sender_set_max_expires (PlSender *self,
                                       guint32   max_expires);
/* Adds @subscriber (a public identity) to the identities allowed to
 * subscribe (§6.4.2.1 step 2); with none added, any asserted identity
 * may. */
void        pl_sender_authorize     (PlSender   *self,
                                     const char *subscriber);
/* Is there an active subscription of @subscriber to @auid? */
gboolean    pl_sender_is_subscribed (PlSender   *self,
                                     const char *subscriber,
                                     const char *auid);
/* Pushes by MESSAGE a reference to content at @url (an http: URL), of
 * @content_type (NULL: application/vnd.oma.push) and @size bytes (-1:
 * not said): a message/external-body body, RFC 4483 §4, that the
 * receiver resolves (004_… §7.1.1 step 4). */
guint       pl_sender_push_by_reference (PlSender   *self,
                                         const char *to,
                                         const char *app,
                                         const char *content_type,
                                         const char *url,
                                         gint64      size,
                                         gboolean    confirm);
/* Sends a push by NOTIFY in the active ua-profile subscription of @to
 * to @auid (NULL: @app), §6.4.2.2 and A.3 step 9; numbered and reported
 * like pl_sender_push_full(). Without such a subscription, or when the
 * subscriber's Accept lacks @content_type, nothing is sent. */
guint       pl_sender_notify        (PlSender   *self,
                                     const char *to,
                                     const char *app,
                                     const char *auid,
                                     const char *content_type,
                                     GBytes     *body,
                                     gboolean    confirm);

G_END_DECLS
