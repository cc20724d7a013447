/* pl-push-method.c: the push method a method="auto" push takes.
 *
 * The 2006 draft leaves the criterion to the sender (§6: "It is the
 * choice of the individual Push Sender Agent to implement and select the
 * appropriate Push method. The selection criterion is considered out of
 * scope of the standardization"); §6.1 item 4 says only that it depends
 * "on the supported capabilities and application push request". The
 * precedence below is therefore PushLab's, each rule resting on a
 * normative statement:
 *
 *  1. A body over 1300 bytes goes by INVITE + MSRP. §6.3: a MESSAGE body
 *     "MUST NOT exceed 1300 bytes" (RFC 3428 §7); a NOTIFY crosses the
 *     same SIP/IP core, where RFC 3261 §18.1.1 sets the same 1300-byte
 *     threshold, so it is no way around the limit. Large content is what
 *     the session-based flow is for (001_… §5.4.2; 003_… B.3).
 *  2. Otherwise an active ua-profile subscription of the receiver to the
 *     application, whose Accept takes the content type, gets a NOTIFY:
 *     the receiver asked for this channel (§6.4: the watcher subscribes
 *     "to some specific push application and be able to receive push
 *     information"; §5: the subscription is "a point-to-point, dedicated
 *     channel ... for the Push Sender to send push content"), and its 200
 *     is the delivery notification (§6.4). A subscription whose Accept
 *     does not take the type is passed over (§6.4.2.2 step 1).
 *  3. Otherwise MESSAGE (§6.3.2), unless the sender knows the receiver
 *     registered without the application's feature tag (§7.2). Knowing
 *     nothing, the sender assumes MESSAGE support: the Accept-Contact of
 *     §6.3.2 step 1 (require, explicit; RFC 3841) lets the core refuse a
 *     receiver without the application, and Appendix C reports it.
 *  4. Otherwise INVITE + MSRP, the remaining method (the "as
 *     INVITE + MSRP otherwise").
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

  if (facts->size > PL_PUSH_MESSAGE_MAX)
    {
      *reason = PL_PUSH_REASON_OVER_LIMIT;
      return PL_PUSH_METHOD_INVITE;
    }
  if (facts->subscribed && facts->accepts)
    {
      *reason = PL_PUSH_REASON_SUBSCRIPTION;
      return PL_PUSH_METHOD_NOTIFY;
    }
  if (facts->message != PL_PUSH_SUPPORT_NO)
    {
      *reason = PL_PUSH_REASON_FITS;
      return PL_PUSH_METHOD_MESSAGE;
    }
  *reason = PL_PUSH_REASON_NO_FEATURE_TAG;
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

char *
pl_push_method_describe (const PlPushFacts *facts,
                         PlPushMethod       method,
                         PlPushReason       reason)
{
  const char *subscription = !facts->subscribed ? "no ua-profile subscription"
                             : facts->accepts ? "an active ua-profile subscription that accepts the type"
                                              : "an active ua-profile subscription whose Accept "
                                                "does not take the type";

  switch (reason)
    {
    case PL_PUSH_REASON_OVER_LIMIT:
      return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes exceed the %d-byte limit of SIP "
                              "signalling (§6.3, RFC 3261 §18.1.1): INVITE + MSRP, the "
                              "large-content flow (001_… §5.4.2)",
                              facts->size, PL_PUSH_MESSAGE_MAX);
    case PL_PUSH_REASON_SUBSCRIPTION:
      return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes fit in %d; %s: NOTIFY in its dialog "
                              "(§6.4.2.2)", facts->size, PL_PUSH_MESSAGE_MAX, subscription);
    case PL_PUSH_REASON_FITS:
      return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes fit in %d; %s; %s: %s (§6.3.2)",
                              facts->size, PL_PUSH_MESSAGE_MAX, subscription,
                              facts->message == PL_PUSH_SUPPORT_YES
                                ? "the receiver registered the application's feature tag"
                                : "nothing known of the receiver's registration, MESSAGE "
                                  "support assumed (the core's Accept-Contact routing decides)",
                              pl_push_method_to_string (method));
    case PL_PUSH_REASON_NO_FEATURE_TAG:
    default:
      return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes fit in %d; %s; the receiver "
                              "registered without the application's feature tag (§7.2), so no "
                              "MESSAGE: %s + MSRP", facts->size, PL_PUSH_MESSAGE_MAX,
                              subscription, pl_push_method_to_string (method));
    }
}
