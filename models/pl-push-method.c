/* pl-push-method.c: the push method a method="auto" push takes.
 *
 * The 2006 draft leaves the criterion to the sender (§6: "It is the
 * choice of the individual Push Sender Agent to implement and select the
 * appropriate Push method. The selection criterion is considered out of
 * scope of the standardization"); §6.1 item 4 says only that the sender
 * selects "the type of push method ..., depending on the supported
 * capabilities and application push request". The order is therefore the
 * project's decision, taken from issue 5 as written: "A push whose method
 * is `auto` goes as MESSAGE when the body fits in 1300 bytes and the
 * receiver supports it, as NOTIFY when the receiver holds an active
 * ua-profile subscription for that application (and accepts the type),
 * and as INVITE + MSRP otherwise." Each rule rests on a normative
 * statement:
 *
 *  1. A body of at most 1300 bytes goes by MESSAGE (§6.3.2), unless the
 *     sender knows the receiver registered without the application's
 *     feature tag (§7.2). §6.3: a MESSAGE body "MUST NOT exceed 1300
 *     bytes" (RFC 3428), so exactly 1300 still fits. Knowing nothing, the
 *     sender assumes MESSAGE support: the Accept-Contact of §6.3.2 step 1
 *     (require, explicit; RFC 3841) lets the core refuse a receiver
 *     without the application, and Appendix C reports it. Reason
 *     "fits-1300".
 *  2. Otherwise an active ua-profile subscription of the receiver to the
 *     application, whose Accept takes the content type, gets a NOTIFY in
 *     its dialog (§6.4.2.2), whatever the size: the receiver asked for
 *     this channel (§6.4), its 200 is the delivery notification, and the
 *     draft sets no size limit on a NOTIFY's body. A subscription whose
 *     Accept does not take the type is passed over (§6.4.2.2 step 1).
 *     RFC 3261 §18.1.1 then requires a congestion-controlled transport
 *     (TCP) for a request over 1300 bytes when the path MTU is unknown;
 *     PushLab sends on the link's transport and switches nothing, so when
 *     the NOTIFY's first hop is UDP the choice's detail says so. Reason
 *     "subscription".
 *  3. Otherwise INVITE + MSRP, the large-content flow (001_… §5.4.2;
 *     003_… B.3): reason "over-1300" for a body over 1300 bytes,
 *     "no-feature-tag" for one that fits but MESSAGE is known unsupported.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-push"

#include "pl-push-method.h"
#include "pl-push.h"

PlPushMethod
pl_push_method_choose (const PlPushFacts *facts,
                       PlPushReason      *reason)
{
  g_return_val_if_fail (facts != NULL && reason != NULL, PL_PUSH_METHOD_MESSAGE);

  /* 1: §6.3, §6.3.2, §7.2. */
  if (facts->size <= PL_PUSH_MESSAGE_MAX && facts->message != PL_PUSH_SUPPORT_NO)
    {
      *reason = PL_PUSH_REASON_FITS;
      return PL_PUSH_METHOD_MESSAGE;
    }
  /* 2: §6.4.2.2, any size (RFC 3261 §18.1.1 asks TCP over 1300 bytes). */
  if (facts->subscribed && facts->accepts)
    {
      *reason = PL_PUSH_REASON_SUBSCRIPTION;
      return PL_PUSH_METHOD_NOTIFY;
    }
  /* 3: 001_… §5.4.2, B.3. */
  *reason = facts->size > PL_PUSH_MESSAGE_MAX ? PL_PUSH_REASON_OVER_LIMIT
                                              : PL_PUSH_REASON_NO_FEATURE_TAG;
  return PL_PUSH_METHOD_INVITE;
}

const char *
pl_push_method_to_string (PlPushMethod method)
{
  switch (method)
    {
    case PL_PUSH_METHOD_MESSAGE:
      return "MESSAGE";
    case PL_PUSH_METHOD_NOTIFY:
      return "NOTIFY";
    case PL_PUSH_METHOD_INVITE:
      return "INVITE";
    default:
      g_return_val_if_reached ("unknown");
    }
}

const char *
pl_push_reason_to_string (PlPushReason reason)
{
  switch (reason)
    {
    case PL_PUSH_REASON_OVER_LIMIT:
      return "over-1300";
    case PL_PUSH_REASON_SUBSCRIPTION:
      return "subscription";
    case PL_PUSH_REASON_FITS:
      return "fits-1300";
    case PL_PUSH_REASON_NO_FEATURE_TAG:
      return "no-feature-tag";
    default:
      g_return_val_if_reached ("unknown");
    }
}

const char *
pl_push_support_to_string (PlPushSupport support)
{
  switch (support)
    {
    case PL_PUSH_SUPPORT_YES:
      return "yes";
    case PL_PUSH_SUPPORT_NO:
      return "no";
    case PL_PUSH_SUPPORT_UNKNOWN:
      return "unknown";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/* Why no MESSAGE: the size, or the registration without the tag. */
static char *
why_not_message (const PlPushFacts *facts)
{
  if (facts->size > PL_PUSH_MESSAGE_MAX)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes exceed the %d bytes a MESSAGE may "
                            "carry (§6.3)", facts->size, PL_PUSH_MESSAGE_MAX);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes fit in %d, but the receiver registered "
                          "without the application's feature tag (§7.2), so no MESSAGE",
                          facts->size, PL_PUSH_MESSAGE_MAX);
}

char *
pl_push_method_describe (const PlPushFacts *facts,
                         PlPushMethod       method,
                         PlPushReason       reason)
{
  const char *subscription = !facts->subscribed ? "no ua-profile subscription"
                             : facts->accepts ? "an active ua-profile subscription that accepts the type"
                                              : "an active ua-profile subscription whose Accept "
                                                "does not take the type (§6.4.2.2 step 1)";
  g_autofree char *no_message = why_not_message (facts);

  switch (reason)
    {
    case PL_PUSH_REASON_FITS:
      return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes fit in %d (§6.3) and %s: %s (§6.3.2), "
                              "first whatever the subscription (%s)",
                              facts->size, PL_PUSH_MESSAGE_MAX,
                              facts->message == PL_PUSH_SUPPORT_YES
                                ? "the receiver registered the application's feature tag"
                                : "nothing is known of the receiver's registration, so MESSAGE "
                                  "support is assumed (the core's Accept-Contact routing decides)",
                              pl_push_method_to_string (method), subscription);
    case PL_PUSH_REASON_SUBSCRIPTION:
      if (facts->size <= PL_PUSH_MESSAGE_MAX)
        return g_strdup_printf ("%s; %s: %s in its dialog (§6.4.2.2)", no_message, subscription,
                                pl_push_method_to_string (method));
      /* RFC 3261 §18.1.1: over 1300 bytes, path MTU unknown. */
      return g_strdup_printf ("%s; %s: %s in its dialog (§6.4.2.2), which has no size limit of "
                              "its own; RFC 3261 §18.1.1 requires a congestion-controlled "
                              "transport (TCP) for a request over %d bytes, %s",
                              no_message, subscription, pl_push_method_to_string (method),
                              PL_PUSH_MESSAGE_MAX,
                              facts->notify_udp
                                ? "but its first hop is a UDP link and the sender does not "
                                  "switch transports: it goes over UDP all the same"
                                : "and its first hop is TCP");
    case PL_PUSH_REASON_OVER_LIMIT:
    case PL_PUSH_REASON_NO_FEATURE_TAG:
    default:
      return g_strdup_printf ("%s; %s: %s + MSRP, the large-content flow (001_… §5.4.2)",
                              no_message, subscription, pl_push_method_to_string (method));
    }
}
