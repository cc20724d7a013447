/* pl-push.h: the SIP Push vocabulary shared by senders, receivers and the
 * core: feature tags of both dialects, and the Appendix C interpretation
 * of response codes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sofia-sip/sip.h>

#include "pl-types.h"

G_BEGIN_DECLS

/* §6.3: "MUST NOT exceed 1300 bytes as defined in [RFC3428]". */
#define PL_PUSH_MESSAGE_MAX 1300

/* 2006 draft §1.1 (line 824 of 000_…): prefix + push application id. */
#define PL_PUSH_TAG_2006_PREFIX "+g.oma.sip-push."
/* V1.0 (003_… B.1, B.2): application resource identifier and ICSI. */
#define PL_PUSH_TAG_EVENTAPP    "+g.oma.pusheventapp"
#define PL_PUSH_TAG_ICSI        "+g.3gpp.icsi_ref"
/* B.2's example service; a sender may name another. */
#define PL_PUSH_DEFAULT_ICSI    "urn:urn-xxx:3gpp-service.ims.icsi.omapush"

/* The Contact parameter that registers @app (§7.2 step 2; 004_… §8.2
 * step 2): "+g.oma.sip-push.0x05" or "+g.oma.pusheventapp=\"mms.ua\"".
 * NULL for PL_DIALECT_PLAIN. */
char  *pl_push_contact_param   (PlDialect   dialect,
                                const char *app);

/* The Contact parameters that register every application of @apps
 * (NULL-terminated), without a leading ';': 2006 one tag per application
 * ("+g.oma.sip-push.0x05;+g.oma.sip-push.0x07"), V1.0 one RFC 3840 token
 * list ("+g.oma.pusheventapp=\"mms.ua,wml.ua\""). NULL for
 * PL_DIALECT_PLAIN or an empty @apps. */
char  *pl_push_contact_params  (PlDialect           dialect,
                                const char * const *apps);

/* The Accept-Contact value of a push to @app:
 * 2006 (§6.3.2 step 1): "*;+g.oma.sip-push.0x05;require;explicit";
 * V1.0 (B.2 step 1): "*;+g.3gpp.icsi_ref=\"<icsi, %-escaped>\";
 * +g.oma.pusheventapp=\"mms.ua\"" (@icsi NULL: the default ICSI). */
char  *pl_push_accept_contact  (PlDialect   dialect,
                                const char *app,
                                const char *icsi);

/* The push applications a registered Contact carries, in order;
 * NULL-terminated, never NULL; free with g_strfreev. */
char **pl_push_contact_apps    (PlDialect            dialect,
                                const sip_contact_t *contact);

/* The application an Accept-Contact list targets (the first push feature
 * tag of the first entry that has one); NULL when there is none. */
char  *pl_push_targeted_app    (PlDialect                   dialect,
                                const sip_accept_contact_t *accept);

/* Does a Contact parameter name a push feature tag of @dialect? */
gboolean pl_push_is_push_param (PlDialect   dialect,
                                const char *param);

/* Appendix C, Table 1. The value is the table's scenario number. */
typedef enum {
  PL_DELIVERY_PENDING = 0,            /* no final answer yet */
  PL_DELIVERY_ACCEPTED = 1,           /* 200 */
  PL_DELIVERY_REJECTED_RETRY = 2,     /* 400, 503, 603: retries allowed */
  PL_DELIVERY_REJECTED = 3,           /* 403, 604: no retries */
  PL_DELIVERY_UNDELIVERABLE = 4,      /* 408 */
  PL_DELIVERY_RESOURCE_SHORTAGE = 5,  /* 500 */
  PL_DELIVERY_UNSUPPORTED_CONTENT = 6,/* 415 */
  PL_DELIVERY_NO_SUBSCRIPTION = 7,    /* 481 (NOTIFY, REFER) */
  PL_DELIVERY_REFUSED = 8,            /* never sent: refused by the sender */
} PlDeliveryStatus;

/* The row a final @status to a push request of @method falls in. Codes
 * the table does not name are interpreted by RFC 3261 class; see the
 * comment in pl-push.c for every decision. */
PlDeliveryStatus pl_push_status_for_response (const char *method,
                                              int         status);
/* "accepted", "rejected-retry", "rejected", "undeliverable",
 * "resource-shortage", "rejected-content-type", "no-subscription",
 * "refused", "pending". */
const char      *pl_delivery_status_to_string (PlDeliveryStatus status);
/* The inverse; FALSE for an unknown name. */
gboolean         pl_delivery_status_from_string (const char       *name,
                                                 PlDeliveryStatus *out);
/* Rows 2, 4 and 5 may be retried; the others are final. */
gboolean         pl_delivery_status_is_retryable (PlDeliveryStatus status);

G_END_DECLS
