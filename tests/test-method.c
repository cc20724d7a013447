/* test-method.c: the method a method="auto" push takes (2006 draft §6.1
 * item 4, §6.3's 1300 bytes, §6.4.2.2, RFC 3261 §18.1.1; the precedence,
 * issue 5's order, in models/pl-push-method.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "pl-push-method.h"
#include <string.h>

#include "pl-push.h"

typedef struct {
  const char *name;
  PlPushFacts facts;
  PlPushMethod method;
  PlPushReason reason;
  const char *detail;         /* a phrase the detail sentence must hold, or NULL */
} Case;

#define YES PL_PUSH_SUPPORT_YES
#define NO PL_PUSH_SUPPORT_NO
#define UNKNOWN PL_PUSH_SUPPORT_UNKNOWN

static const Case cases[] = {
  /* Rule 1: fits in 1300, MESSAGE not known unsupported: MESSAGE. */
  { "200-unknown", { 200, UNKNOWN, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, "support is assumed" },
  { "0-unknown", { 0, UNKNOWN, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, NULL },
  { "200-registered", { 200, YES, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, "registered the application's feature tag" },
  /* §6.3: "MUST NOT exceed 1300": 1300 itself fits. */
  { "1300-registered", { 1300, YES, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, NULL },
  /* ...and MESSAGE comes before a subscription (the order). */
  { "200-subscribed", { 200, YES, TRUE, TRUE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, "whatever the subscription" },
  { "1300-subscribed", { 1300, UNKNOWN, TRUE, TRUE, TRUE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, NULL },
  { "200-subscribed-not-accepting", { 200, UNKNOWN, TRUE, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS, "does not take the type" },
  /* Rule 2: no MESSAGE, a subscription that accepts the type: NOTIFY,
   * small because MESSAGE is known unsupported... */
  { "200-no-tag-subscribed", { 200, NO, TRUE, TRUE, FALSE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION, "without the application's feature tag" },
  { "1300-no-tag-subscribed-udp", { 1300, NO, TRUE, TRUE, TRUE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION, "in its dialog (§6.4.2.2)" },
  /* ...or large, whatever the size (RFC 3261 §18.1.1 wants TCP). */
  { "1301-subscribed", { 1301, YES, TRUE, TRUE, FALSE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION, "and its first hop is TCP" },
  { "50k-subscribed", { 50 * 1024, YES, TRUE, TRUE, FALSE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION, "RFC 3261 §18.1.1" },
  { "50k-subscribed-udp", { 50 * 1024, YES, TRUE, TRUE, TRUE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION, "first hop is a UDP link" },
  { "50k-no-tag-subscribed", { 50 * 1024, NO, TRUE, TRUE, FALSE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION, "exceed the 1300 bytes" },
  /* Rule 3: otherwise INVITE + MSRP, over 1300... */
  { "1301-registered", { 1301, YES, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT, "exceed the 1300 bytes" },
  { "50k-unknown", { 50 * 1024, UNKNOWN, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT, "no ua-profile subscription" },
  { "50k-subscribed-not-accepting", { 50 * 1024, YES, TRUE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT, "does not take the type" },
  { "1301-no-tag", { 1301, NO, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT, NULL },
  /* ...or fitting, MESSAGE known unsupported (§7.2). */
  { "200-no-tag", { 200, NO, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_NO_FEATURE_TAG, "without the application's feature tag" },
  { "1300-no-tag", { 1300, NO, FALSE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_NO_FEATURE_TAG, NULL },
  { "200-no-tag-not-accepting", { 200, NO, TRUE, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_NO_FEATURE_TAG, "does not take the type" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  PlPushReason reason = (PlPushReason) -1;
  PlPushMethod method = pl_push_method_choose (&c->facts, &reason);
  g_autofree char *detail = pl_push_method_describe (&c->facts, method, reason);

  g_test_summary ("One row of the precedence: size, MESSAGE support, subscription state and "
                  "its Accept give one method and one reason");
  g_assert_cmpstr (pl_push_method_to_string (method), ==, pl_push_method_to_string (c->method));
  g_assert_cmpstr (pl_push_reason_to_string (reason), ==, pl_push_reason_to_string (c->reason));
  /* The sentence names the size and the method it led to. */
  g_assert_nonnull (strstr (detail, pl_push_method_to_string (method)));
  {
    g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", c->facts.size);

    g_assert_nonnull (strstr (detail, size));
  }
  if (c->detail && strstr (detail, c->detail) == NULL)
    g_error ("detail \"%s\" does not say \"%s\"", detail, c->detail);
}

static void
test_sweep (void)
{
  g_test_summary ("Around §6.3's limit, every combination of MESSAGE support, subscription, "
                  "Accept and NOTIFY transport: MESSAGE first when it fits and is not known "
                  "unsupported, then NOTIFY whatever the size, then INVITE + MSRP; the "
                  "transport changes only the detail");
  for (gsize size = PL_PUSH_MESSAGE_MAX - 2; size <= PL_PUSH_MESSAGE_MAX + 2; size++)
    for (int support = PL_PUSH_SUPPORT_UNKNOWN; support <= PL_PUSH_SUPPORT_NO; support++)
      for (int bits = 0; bits < 8; bits++)
        {
          PlPushFacts facts = { size, (PlPushSupport) support, (bits & 1) != 0, (bits & 2) != 0,
                                (bits & 4) != 0 };
          PlPushFacts other = facts;
          gboolean fits = size <= PL_PUSH_MESSAGE_MAX;
          gboolean takes = facts.subscribed && facts.accepts;
          PlPushReason reason, other_reason;
          PlPushMethod method = pl_push_method_choose (&facts, &reason);
          g_autofree char *detail = pl_push_method_describe (&facts, method, reason);
          gboolean tcp_rule = strstr (detail, "RFC 3261 §18.1.1") != NULL;
          gboolean udp_said = strstr (detail, "UDP") != NULL;

          /* MESSAGE exactly when it fits and is not known unsupported. */
          g_assert_cmpint (method == PL_PUSH_METHOD_MESSAGE, ==,
                           fits && support != PL_PUSH_SUPPORT_NO);
          g_assert_cmpint (reason == PL_PUSH_REASON_FITS, ==, method == PL_PUSH_METHOD_MESSAGE);
          /* Otherwise the subscription decides, the size does not. */
          if (method != PL_PUSH_METHOD_MESSAGE)
            g_assert_cmpint (method, ==, takes ? PL_PUSH_METHOD_NOTIFY : PL_PUSH_METHOD_INVITE);
          g_assert_cmpint (reason == PL_PUSH_REASON_SUBSCRIPTION, ==,
                           method == PL_PUSH_METHOD_NOTIFY);
          /* INVITE's reason says which of size and support ruled MESSAGE out. */
          if (method == PL_PUSH_METHOD_INVITE)
            g_assert_cmpint (reason, ==, fits ? PL_PUSH_REASON_NO_FEATURE_TAG
                                              : PL_PUSH_REASON_OVER_LIMIT);
          /* RFC 3261 §18.1.1 is cited for a NOTIFY over 1300 bytes, and UDP
           * named only when that NOTIFY leaves on UDP. */
          g_assert_cmpint (tcp_rule, ==, method == PL_PUSH_METHOD_NOTIFY && !fits);
          g_assert_cmpint (udp_said, ==, tcp_rule && facts.notify_udp);
          /* The transport never changes the choice. */
          other.notify_udp = !facts.notify_udp;
          g_assert_cmpint (pl_push_method_choose (&other, &other_reason), ==, method);
          g_assert_cmpint (other_reason, ==, reason);
        }
}

static void
test_names (void)
{
  g_test_summary ("The names the push-method event uses");
  g_assert_cmpstr (pl_push_method_to_string (PL_PUSH_METHOD_MESSAGE), ==, "MESSAGE");
  g_assert_cmpstr (pl_push_method_to_string (PL_PUSH_METHOD_NOTIFY), ==, "NOTIFY");
  g_assert_cmpstr (pl_push_method_to_string (PL_PUSH_METHOD_INVITE), ==, "INVITE");
  g_assert_cmpstr (pl_push_reason_to_string (PL_PUSH_REASON_OVER_LIMIT), ==, "over-1300");
  g_assert_cmpstr (pl_push_reason_to_string (PL_PUSH_REASON_SUBSCRIPTION), ==, "subscription");
  g_assert_cmpstr (pl_push_reason_to_string (PL_PUSH_REASON_FITS), ==, "fits-1300");
  g_assert_cmpstr (pl_push_reason_to_string (PL_PUSH_REASON_NO_FEATURE_TAG), ==,
                   "no-feature-tag");
  g_assert_cmpstr (pl_push_support_to_string (PL_PUSH_SUPPORT_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (pl_push_support_to_string (PL_PUSH_SUPPORT_YES), ==, "yes");
  g_assert_cmpstr (pl_push_support_to_string (PL_PUSH_SUPPORT_NO), ==, "no");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/push-method/choose/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/push-method/sweep", test_sweep);
  g_test_add_func ("/push-method/names", test_names);
  return g_test_run ();
}
