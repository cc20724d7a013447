/* pl-push-method.h: which method carries a push whose scenario says
 * method="auto" (2006 draft §6.1 item 4: the Push Sender agent selects
 * "the type of push method ..., depending on the supported capabilities
 * and application push request").
 *
 * The choice is a pure function of what the sender knows, so that it can
 * be tested alone (tests/test-method.c); pl-sender-auto.c gathers those
 * facts at the sender and records the choice as a "push-method" event.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PL_PUSH_METHOD_MESSAGE,     /* §6.3 */
  PL_PUSH_METHOD_NOTIFY,      /* §6.4.2.2, in a ua-profile subscription */
  PL_PUSH_METHOD_INVITE,      /* INVITE + MSRP: 001_… §5.4.2, 003_… B.3 */
} PlPushMethod;

/* What the sender knows of the receiver's MESSAGE push support for the
 * application: the push feature tags it registered (§7.2), learned from
 * a third-party REGISTER with the included REGISTER (§7.3) or the reg
 * event (§7.1). */
typedef enum {
  PL_PUSH_SUPPORT_UNKNOWN,    /* no registration known, or no tags in it */
  PL_PUSH_SUPPORT_YES,        /* registered with the application's tag */
  PL_PUSH_SUPPORT_NO,         /* registered, without the application's tag */
} PlPushSupport;

/* Why the method was chosen: the "reason" field of "push-method". */
typedef enum {
  PL_PUSH_REASON_OVER_LIMIT,      /* "over-1300": INVITE, too large for a MESSAGE
                                   * and no subscription takes it */
  PL_PUSH_REASON_SUBSCRIPTION,    /* "subscription": NOTIFY, no MESSAGE possible and
                                   * an active ua-profile subscription takes it */
  PL_PUSH_REASON_FITS,            /* "fits-1300": MESSAGE, supported or assumed */
  PL_PUSH_REASON_NO_FEATURE_TAG,  /* "no-feature-tag": INVITE, fits but MESSAGE known
                                   * unsupported and no subscription takes it */
} PlPushReason;

typedef struct {
  gsize size;                 /* body bytes */
  PlPushSupport message;      /* MESSAGE push support for the application */
  gboolean subscribed;        /* an active ua-profile subscription to the
                               * application's auid, at this sender */
  gboolean accepts;           /* ...whose SUBSCRIBE's Accept takes the type */
  gboolean notify_udp;        /* ...and whose NOTIFYs' first hop is a UDP link
                               * (RFC 3261 §18.1.1 wants TCP over 1300 bytes;
                               * only the detail says so, nothing switches) */
} PlPushFacts;

/* The method for @facts and why (the precedence is in pl-push-method.c). */
PlPushMethod pl_push_method_choose           (const PlPushFacts *facts,
                                              PlPushReason      *reason);

/* "MESSAGE", "NOTIFY", "INVITE". */
const char  *pl_push_method_to_string        (PlPushMethod method);
/* "over-1300", "subscription", "fits-1300", "no-feature-tag". */
const char  *pl_push_reason_to_string        (PlPushReason reason);
/* "yes", "no", "unknown". */
const char  *pl_push_support_to_string       (PlPushSupport support);
/* One sentence for the trace: the facts the choice rests on. */
char        *pl_push_method_describe         (const PlPushFacts *facts,
                                              PlPushMethod       method,
                                              PlPushReason       reason);

G_END_DECLS
