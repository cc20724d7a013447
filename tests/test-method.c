/* test-method.c: the method a method="auto" push takes (2006 draft §6.1
 * item 4, §6.3's 1300 bytes; the precedence in models/pl-push-method.c).
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
} Case;

static const Case cases[] = {
  /* Rule 3: small, nothing known: MESSAGE assumed. */
  { "200-unknown", { 200, PL_PUSH_SUPPORT_UNKNOWN, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS },
  { "0-unknown", { 0, PL_PUSH_SUPPORT_UNKNOWN, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS },
  { "200-registered", { 200, PL_PUSH_SUPPORT_YES, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS },
  /* §6.3: "MUST NOT exceed 1300": 1300 itself fits, 1301 does not. */
  { "1300-registered", { 1300, PL_PUSH_SUPPORT_YES, FALSE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS },
  { "1301-registered", { 1301, PL_PUSH_SUPPORT_YES, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT },
  { "50k-unknown", { 50 * 1024, PL_PUSH_SUPPORT_UNKNOWN, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT },
  /* Rule 2: a subscription that accepts the type wins over MESSAGE... */
  { "200-subscribed", { 200, PL_PUSH_SUPPORT_YES, TRUE, TRUE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION },
  { "1300-subscribed", { 1300, PL_PUSH_SUPPORT_UNKNOWN, TRUE, TRUE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION },
  { "200-subscribed-no-tag", { 200, PL_PUSH_SUPPORT_NO, TRUE, TRUE },
    PL_PUSH_METHOD_NOTIFY, PL_PUSH_REASON_SUBSCRIPTION },
  /* ...but not over the limit (rule 1 comes first)... */
  { "1301-subscribed", { 1301, PL_PUSH_SUPPORT_YES, TRUE, TRUE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT },
  { "50k-subscribed", { 50 * 1024, PL_PUSH_SUPPORT_YES, TRUE, TRUE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_OVER_LIMIT },
  /* ...and not when its Accept does not take the type (§6.4.2.2 step 1). */
  { "200-subscribed-not-accepting", { 200, PL_PUSH_SUPPORT_UNKNOWN, TRUE, FALSE },
    PL_PUSH_METHOD_MESSAGE, PL_PUSH_REASON_FITS },
  /* Rule 4: registered without the application's tag: no MESSAGE. */
  { "200-no-tag", { 200, PL_PUSH_SUPPORT_NO, FALSE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_NO_FEATURE_TAG },
  { "200-no-tag-not-accepting", { 200, PL_PUSH_SUPPORT_NO, TRUE, FALSE },
    PL_PUSH_METHOD_INVITE, PL_PUSH_REASON_NO_FEATURE_TAG },
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
}

static void
test_limit_sweep (void)
{
  g_test_summary ("Around §6.3's limit only the size decides between a signalling method and "
                  "INVITE + MSRP, whatever is known of the receiver");
  for (gsize size = PL_PUSH_MESSAGE_MAX - 2; size <= PL_PUSH_MESSAGE_MAX + 2; size++)
    for (int support = PL_PUSH_SUPPORT_UNKNOWN; support <= PL_PUSH_SUPPORT_NO; support++)
      for (int sub = 0; sub < 4; sub++)
        {
          PlPushFacts facts = { size, (PlPushSupport) support, sub & 1, (sub & 2) != 0 };
          PlPushReason reason;
          PlPushMethod method = pl_push_method_choose (&facts, &reason);

          if (size > PL_PUSH_MESSAGE_MAX)
            {
              g_assert_cmpint (method, ==, PL_PUSH_METHOD_INVITE);
              g_assert_cmpint (reason, ==, PL_PUSH_REASON_OVER_LIMIT);
            }
          else
            g_assert_cmpint (reason, !=, PL_PUSH_REASON_OVER_LIMIT);
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
  g_test_add_func ("/push-method/limit-sweep", test_limit_sweep);
  g_test_add_func ("/push-method/names", test_names);
  return g_test_run ();
}
