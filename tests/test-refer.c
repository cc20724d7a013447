/* test-refer.c: the REFER that triggers a ua-profile subscription (2006
 * draft, "Use of the REFER Method" and the REFER sample flow): the
 * Refer-To built and read back (pl-refer.c), message/sipfrag, and the
 * Push Sender and Receiver agents' handling of REFER and its NOTIFYs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-models.h"
#include "pl-node.h"
#include "pl-refer.h"
#include "pl-scenario.h"
#include "pl-wire.h"
#include "test-net.h"

/* Step 1 of the REFER sample flow, as printed. */
#define SAMPLE_REFER_TO                                                                     \
  "<sip:john.doe@home1.net;method=SUBSCRIBE?Event=ua-profile%3bprofile-type%3d%22"          \
  "application%22&Accept-Contact=*%3b+g.oma.sip-push.0x05%3bexplicit%3brequire>"

/* ==== pl-refer.c ==== */

static void
test_build_refer_to (void)
{
  g_autofree char *sample = pl_refer_build_refer_to (PL_DIALECT_OMA_2006, "sip:john.doe@home1.net",
                                                     "0x05");
  g_autofree char *plain = pl_refer_build_refer_to (PL_DIALECT_PLAIN, "sip:john.doe@home1.net",
                                                    "0x05");
  g_autofree char *v1 = pl_refer_build_refer_to (PL_DIALECT_OMA_1_0, "sip:psadm1.home1.net",
                                                 "mms.ua");
  g_autofree char *ac2006 = pl_refer_accept_contact (PL_DIALECT_OMA_2006, "0x07");
  g_autofree char *escaped = pl_refer_escape_hvalue ("a&b=c,d@e f;g\"h<i>%j*+:/?$[]");

  g_test_summary ("The Refer-To of sender step 2 is the sample flow's, byte for byte; "
                  "hvalues escape what RFC 3261 §25.1 does not allow, in lower-case hex");

  g_assert_cmpstr (sample, ==, SAMPLE_REFER_TO);
  g_assert_cmpstr (plain, ==, SAMPLE_REFER_TO);
  g_assert_cmpstr (v1, ==,
                   "<sip:psadm1.home1.net;method=SUBSCRIBE?Event=ua-profile%3bprofile-type%3d"
                   "%22application%22&Accept-Contact=*%3b+g.oma.pusheventapp%3d%22mms.ua%22"
                   "%3bexplicit%3brequire>");
  g_assert_cmpstr (ac2006, ==, "*;+g.oma.sip-push.0x07;explicit;require");
  g_assert_cmpstr (escaped, ==, "a%26b%3dc%2cd%40e%20f%3bg%22h%3ci%3e%25j*+:/?$%5b%5d");
}

static void
test_parse_refer_to (void)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autoptr (GError) error = NULL;
  PlReferTarget target;
  g_autofree char *v1 = pl_refer_build_refer_to (PL_DIALECT_OMA_1_0,
                                                 "sip:psadm1.home1.net;transport=udp", "mms.ua");
  sip_refer_to_t *sample = sip_refer_to_make (home, SAMPLE_REFER_TO);
  sip_refer_to_t *with_params = sip_refer_to_make (home, v1);
  sip_refer_to_t *with_expires =
    sip_refer_to_make (home, "<sip:john.doe@home1.net;method=SUBSCRIBE;lr?Expires=3600&"
                             "Event=ua-profile%3Bprofile-type%3Dapplication&"
                             "Accept-Contact=*%3B+g.oma.sip-push.0x05>");

  g_test_summary ("A Refer-To is read back by sofia-sip: method, Event and Accept-Contact "
                  "unescaped, the application, and the Request-URI without them");

  g_assert_nonnull (sample);
  g_assert_true (pl_refer_parse_refer_to (PL_DIALECT_OMA_2006, sample, &target, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (target.uri, ==, "sip:john.doe@home1.net");
  g_assert_cmpstr (target.method, ==, "SUBSCRIBE");
  g_assert_cmpstr (target.event, ==, "ua-profile;profile-type=\"application\"");
  g_assert_cmpstr (target.accept_contact, ==, "*;+g.oma.sip-push.0x05;explicit;require");
  g_assert_cmpstr (target.app, ==, "0x05");
  g_assert_cmpuint (target.expires, ==, 0);
  pl_refer_target_clear (&target);
  g_assert_null (target.uri);

  /* sofia-sip prints what it read with upper-case escapes: the same URI
   * (RFC 3261 §19.1.4). */
  {
    g_autofree char *printed = sip_header_as_string (NULL, (sip_header_t *) sample);
    g_autofree char *down = g_ascii_strdown (printed, -1);
    g_autofree char *want = g_ascii_strdown (SAMPLE_REFER_TO, -1);

    g_assert_cmpstr (down, ==, want);
  }

  g_assert_true (pl_refer_parse_refer_to (PL_DIALECT_OMA_1_0, with_params, &target, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (target.uri, ==, "sip:psadm1.home1.net;transport=udp");
  g_assert_cmpstr (target.app, ==, "mms.ua");
  pl_refer_target_clear (&target);

  /* An unquoted profile-type, other URI parameters, an Expires header. */
  g_assert_true (pl_refer_parse_refer_to (PL_DIALECT_OMA_2006, with_expires, &target, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (target.uri, ==, "sip:john.doe@home1.net;lr");
  g_assert_cmpuint (target.expires, ==, 3600);
  g_assert_cmpstr (target.app, ==, "0x05");
  pl_refer_target_clear (&target);
  su_home_deinit (home);
}

typedef struct {
  const char *refer_to;
  PlDialect dialect;
  int code;
  const char *message;   /* a part of the error message */
} MalformedCase;

static const MalformedCase malformed_cases[] = {
  { "<tel:+358501234567>", PL_DIALECT_OMA_2006, 416, "not a SIP URI" },
  { "<sip:john.doe@home1.net>", PL_DIALECT_OMA_2006, 403, "asks for INVITE" },
  { "<sip:john.doe@home1.net;method=INVITE?Event=ua-profile>", PL_DIALECT_OMA_2006, 403,
    "asks for INVITE" },
  { "<sip:john.doe@home1.net;method=subscribe>", PL_DIALECT_OMA_2006, 403, "subscribe" },
  { "<sip:john.doe@home1.net;method=SUBSCRIBE>", PL_DIALECT_OMA_2006, 403, "no event" },
  { "<sip:john.doe@home1.net;method=SUBSCRIBE?Event=presence>", PL_DIALECT_OMA_2006, 403,
    "to presence" },
  { "<sip:john.doe@home1.net;method=SUBSCRIBE?Event=ua-profile%3bprofile-type%3d%22device%22>",
    PL_DIALECT_OMA_2006, 403, "profile-type" },
  { "<sip:john.doe@home1.net;method=SUBSCRIBE?Event=ua-profile%3bprofile-type%3dapplication>",
    PL_DIALECT_OMA_2006, 400, "names no push application" },
  { "<sip:john.doe@home1.net;method=SUBSCRIBE?Event=ua-profile%3bprofile-type%3dapplication"
    "&Accept-Contact=*%3b+sip.text>", PL_DIALECT_OMA_2006, 400, "names no push application" },
  /* A 2006 tag in a V1.0 network names no V1.0 application. */
  { SAMPLE_REFER_TO, PL_DIALECT_OMA_1_0, 400, "names no push application" },
  { "<sip:john.doe@home1.net;method=SUBSCRIBE?Expires=soon&Event=ua-profile%3bprofile-type%3d"
    "application>", PL_DIALECT_OMA_2006, 400, "do not parse" },
};

static void
test_malformed_refer_to (void)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  PlReferTarget target;

  g_test_summary ("A Refer-To that is missing, doubled, not SIP, not a SUBSCRIBE to "
                  "ua-profile;profile-type=application, or without a push application is "
                  "refused with the answer it deserves (RFC 3515 §2.4.1, §2.4.2)");

  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      const MalformedCase *c = &malformed_cases[i];
      sip_refer_to_t *r = sip_refer_to_make (home, c->refer_to);
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u: %s", i, c->refer_to);
      g_assert_nonnull (r);
      g_assert_false (pl_refer_parse_refer_to (c->dialect, r, &target, &error));
      g_assert_error (error, PL_REFER_ERROR, c->code);
      g_assert_nonnull (strstr (error->message, c->message));
      g_assert_null (target.uri);
      g_assert_null (target.app);
    }

  {
    g_autoptr (GError) none = NULL;
    g_autoptr (GError) two = NULL;
    sip_refer_to_t *first = sip_refer_to_make (home, SAMPLE_REFER_TO);

    g_assert_false (pl_refer_parse_refer_to (PL_DIALECT_OMA_2006, NULL, &target, &none));
    g_assert_error (none, PL_REFER_ERROR, PL_REFER_ERROR_MALFORMED);
    first->r_next = (sip_error_t *) sip_refer_to_make (home, SAMPLE_REFER_TO);
    g_assert_false (pl_refer_parse_refer_to (PL_DIALECT_OMA_2006, first, &target, &two));
    g_assert_error (two, PL_REFER_ERROR, PL_REFER_ERROR_MALFORMED);
    g_assert_nonnull (strstr (two->message, "more than one"));
  }
  su_home_deinit (home);
}

static void
assert_frag (GBytes *frag, const char *want)
{
  gsize len;
  const char *data = g_bytes_get_data (frag, &len);

  g_assert_cmpmem (data, len, want, strlen (want));
}

static void
test_sipfrag (void)
{
  g_autoptr (GBytes) ok = pl_refer_sipfrag (200, NULL);
  g_autoptr (GBytes) trying = pl_refer_sipfrag (100, NULL);
  g_autoptr (GBytes) decline = pl_refer_sipfrag (603, NULL);
  g_autoptr (GBytes) custom = pl_refer_sipfrag (403, "Forbidden (no identity)");
  g_autofree char *line = NULL;
  g_autofree char *line2 = NULL;
  int status = 0;

  g_test_summary ("message/sipfrag bodies: the sample flow's 16-byte \"SIP/2.0 200 OK\", and "
                  "status lines read back by sofia-sip");

  assert_frag (ok, "SIP/2.0 200 OK\r\n");
  g_assert_cmpuint (g_bytes_get_size (ok), ==, 16);  /* step 10's Content-Length */
  assert_frag (trying, "SIP/2.0 100 Trying\r\n");
  assert_frag (decline, "SIP/2.0 603 Decline\r\n");
  assert_frag (custom, "SIP/2.0 403 Forbidden (no identity)\r\n");

  g_assert_true (pl_refer_parse_sipfrag ("SIP/2.0 200 OK\r\n", 16, &status, &line));
  g_assert_cmpint (status, ==, 200);
  g_assert_cmpstr (line, ==, "SIP/2.0 200 OK");
  /* A sipfrag may carry headers after its status line, or no CRLF. */
  g_assert_true (pl_refer_parse_sipfrag ("SIP/2.0 180 Ringing\r\nTo: <sip:a@b>\r\n", 36, &status,
                                         &line2));
  g_assert_cmpint (status, ==, 180);
  g_assert_cmpstr (line2, ==, "SIP/2.0 180 Ringing");
  g_assert_true (pl_refer_parse_sipfrag ("SIP/2.0 404 Not Found", 21, &status, NULL));
  g_assert_cmpint (status, ==, 404);
  /* Only the given length counts. */
  g_assert_true (pl_refer_parse_sipfrag ("SIP/2.0 503 Service Unavailable", 15, &status, NULL));
  g_assert_cmpint (status, ==, 503);

  status = 0;
  g_assert_false (pl_refer_parse_sipfrag ("hello", 5, &status, NULL));
  g_assert_false (pl_refer_parse_sipfrag ("", 0, &status, NULL));
  g_assert_false (pl_refer_parse_sipfrag (NULL, 0, &status, NULL));
  g_assert_false (pl_refer_parse_sipfrag ("INVITE sip:a@b SIP/2.0\r\n", 24, &status, NULL));
  g_assert_false (pl_refer_parse_sipfrag ("SIP/2.0 99 Odd\r\n", 16, &status, NULL));
  g_assert_cmpint (status, ==, 0);
}

/* ==== the agents, in scenarios ==== */

/* A sender and a receiver with no core between them: each is the other's
 * outbound proxy. The sender's asserted identity depends on @trusted. */
#define DIRECT_NET(receiver_attrs, trusted)                                                  \
  "<scenario name='direct' dialect='oma-2006' seed='1'>"                                      \
  "<network latency='10ms'>"                                                                  \
  "<node id='ue' kind='receiver' host='ue.home1.net:5060' outbound='sip:psadm1.home1.net' "   \
  receiver_attrs ">"                                                                          \
  "<identity public='sip:john.doe@home1.net'/>"                                               \
  "<app id='0x05' auid='x-wap-application:push.syncml' accept='text/plain'/>"                 \
  "</node>"                                                                                   \
  "<node id='psa' kind='sender' host='psadm1.home1.net' outbound='sip:ue.home1.net:5060' "    \
  "identity='sip:psadm1@home1.net' trusted='" trusted "'/>"                                   \
  "<node id='core' kind='ua' host='core.home1.net'/>"                                         \
  "</network>"

static void
test_subscribe_failure_reported (void)
{
  g_autoptr (Net) net = net_run (DIRECT_NET ("", "true")
                                 "<timeline><at t='0'><refer node='psa' to='sip:john.doe@home1.net' "
                                 "app='0x05'/></at></timeline></scenario>");
  g_autoptr (GPtrArray) refer = node_events (net, "psa", "refer");
  g_autoptr (GPtrArray) result = node_events (net, "psa", "refer-result");
  g_autoptr (GPtrArray) rx_result = node_events (net, "ue", "refer-result");
  g_autoptr (GPtrArray) failed = node_events (net, "ue", "subscribe-failed");
  g_autoptr (GPtrArray) notifies = delivered (net, "psa", "NOTIFY");
  g_autofree char *last = NULL;

  g_test_summary ("Receiver step 3 fails (the referred SUBSCRIBE, without an asserted "
                  "identity, gets 403): the final refer NOTIFY carries that status line");

  g_assert_cmpuint (refer->len, ==, 1);
  g_assert_cmpint (field_int (refer->pdata[0], "status"), ==, 202);
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpint (field_int (failed->pdata[0], "status"), ==, 403);
  g_assert_cmpuint (rx_result->len, ==, 1);
  g_assert_cmpint (field_int (rx_result->pdata[0], "status"), ==, 403);
  g_assert_cmpuint (notifies->len, ==, 2);
  last = body_of (notifies->pdata[1]);
  g_assert_cmpstr (last, ==, "SIP/2.0 403 Forbidden (no P-Asserted-Identity)\r\n");
  g_assert_cmpuint (result->len, ==, 1);
  g_assert_cmpint (field_int (result->pdata[0], "status"), ==, 403);
  g_assert_cmpstr (field_str (result->pdata[0], "result"), ==, "failed");
  g_assert_cmpstr (field_str (result->pdata[0], "reason"), ==, "noresource");
}

static void
test_untrusted_sender (void)
{
  g_autoptr (Net) net = net_run (DIRECT_NET ("", "false")
                                 "<timeline><at t='0'><refer node='psa' to='sip:john.doe@home1.net' "
                                 "app='0x05' target='sip:psadm1.home1.net'/></at></timeline>"
                                 "</scenario>");
  g_autoptr (GPtrArray) refer = node_events (net, "psa", "refer");
  g_autoptr (GPtrArray) rejected = node_events (net, "ue", "refer-rejected");
  g_autoptr (GPtrArray) refers = delivered (net, "ue", "REFER");
  g_autoptr (GPtrArray) notified = node_events (net, "psa", "refer-notify");

  g_test_summary ("Receiver step 1: a REFER without P-Asserted-Identity is 403; the sender "
                  "records it as declined");

  g_assert_cmpuint (refers->len, ==, 1);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpint (field_int (rejected->pdata[0], "status"), ==, 403);
  g_assert_cmpuint (refer->len, ==, 1);
  g_assert_cmpint (field_int (refer->pdata[0], "status"), ==, 403);
  g_assert_cmpstr (field_str (refer->pdata[0], "result"), ==, "declined");
  g_assert_cmpuint (notified->len, ==, 0);
}

static void
test_refer_subscription_expires (void)
{
  g_autoptr (Net) net = net_run (DIRECT_NET ("", "true")
                                 "<alter><rule at='psa' request='SUBSCRIBE' action='drop'/></alter>"
                                 "<timeline><at t='0'><refer node='psa' to='sip:john.doe@home1.net' "
                                 "app='0x05' expires='5'/></at></timeline></scenario>");
  g_autoptr (GPtrArray) notifies = delivered (net, "psa", "NOTIFY");
  g_autoptr (GPtrArray) terminated = node_events (net, "ue", "refer-terminated");
  g_autoptr (GPtrArray) rx_result = node_events (net, "ue", "refer-result");
  g_autoptr (GPtrArray) result = node_events (net, "psa", "refer-result");
  g_autofree char *last = NULL;

  g_test_summary ("The refer subscription lasts the REFER's Expires: when the referred "
                  "SUBSCRIBE has no outcome by then, it ends terminated;reason=timeout with "
                  "the last status line, and the later outcome is not sent");

  g_assert_cmpuint (notifies->len, ==, 2);
  last = body_of (notifies->pdata[1]);
  g_assert_cmpstr (last, ==, "SIP/2.0 100 Trying\r\n");
  g_assert_cmpint (((const PlTraceEvent *) notifies->pdata[1])->t_us, >=, G_USEC_PER_SEC * 5);
  g_assert_cmpuint (terminated->len, ==, 1);
  g_assert_cmpstr (field_str (terminated->pdata[0], "reason"), ==, "timeout");
  g_assert_cmpuint (rx_result->len, ==, 0);
  g_assert_cmpuint (result->len, ==, 1);
  g_assert_cmpint (field_int (result->pdata[0], "status"), ==, 100);
  g_assert_cmpstr (field_str (result->pdata[0], "result"), ==, "failed");
  g_assert_cmpstr (field_str (result->pdata[0], "reason"), ==, "timeout");
}

#define UA_REFER(refer_to, extra)                                                             \
  "<request node='core' method='REFER' uri='sip:john.doe@ue.home1.net:5060'>"                \
  "<header name='P-Asserted-Identity' value='&lt;sip:psadm1@home1.net&gt;'/>"                 \
  "<header name='Refer-To' value='" refer_to "'/>" extra "</request>"

static void
test_receiver_rejections (void)
{
  g_autoptr (Net) net = net_run (
    DIRECT_NET ("", "true")
    /* The fifth REFER claims a dialog. */
    "<alter><rule at='ue' request='REFER' header='Refer-To' matches='sip:a@b' "
    "action='set-header' name='To' value='&lt;sip:john.doe@home1.net&gt;;tag=x'/></alter>"
    "<timeline>"
    "<at t='0'>" UA_REFER ("&lt;sip:john.doe@home1.net;method=SUBSCRIBE?Event=ua-profile%3bprofile-"
                           "type%3dapplication&amp;Accept-Contact=*%3b+g.oma.sip-push.0x07&gt;", "")
    "</at>"
    "<at t='1s'>" UA_REFER ("&lt;sip:john.doe@home1.net&gt;", "") "</at>"
    "<at t='2s'>" UA_REFER ("&lt;tel:+358501234567&gt;", "") "</at>"
    "<at t='3s'><request node='core' method='REFER' uri='sip:john.doe@ue.home1.net:5060'>"
    "<header name='P-Asserted-Identity' value='&lt;sip:psadm1@home1.net&gt;'/></request></at>"
    "<at t='4s'>" UA_REFER ("&lt;sip:a@b;method=SUBSCRIBE&gt;", "") "</at>"
    "<at t='5s'><request node='core' method='NOTIFY' uri='sip:psadm1.home1.net'>"
    "<header name='Event' value='refer'/>"
    "<header name='Subscription-State' value='active'/></request></at>"
    "</timeline></scenario>");
  g_autoptr (GPtrArray) rejected = node_events (net, "ue", "refer-rejected");
  g_autoptr (GPtrArray) responses = node_events (net, "core", "response");
  g_autoptr (GPtrArray) subscribes = delivered (net, "psa", "SUBSCRIBE");
  g_autoptr (GPtrArray) accepted = node_events (net, "ue", "refer-accepted");
  static const int want[] = { 480, 403, 416, 400, 481, 481 };

  g_test_summary ("The receiver refuses a REFER for an application it lacks (480), for "
                  "another method (403), a non-SIP Refer-To (416), none (400), or in an "
                  "unknown dialog (481); the sender answers a NOTIFY of no dialog 481");

  g_assert_cmpuint (responses->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpint (field_int (responses->pdata[i], "status"), ==, want[i]);
  g_assert_cmpuint (rejected->len, ==, 5);
  g_assert_cmpstr (field_str (rejected->pdata[0], "app"), ==, "0x07");
  g_assert_cmpstr (field_str (rejected->pdata[0], "reason"), ==,
                   "push application 0x07 is not installed");
  g_assert_nonnull (strstr (field_str (rejected->pdata[1], "reason"), "asks for INVITE"));
  g_assert_cmpuint (subscribes->len, ==, 0);
  g_assert_cmpuint (accepted->len, ==, 0);
}

typedef struct {
  const char *xml;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  { DIRECT_NET ("refer='maybe'", "true") "</scenario>", "'refer'" },
  { DIRECT_NET ("", "true") "<timeline><at t='0'><refer node='psa' to='john' app='0x05'/></at>"
    "</timeline></scenario>", "attribute 'to' of <refer>" },
  { DIRECT_NET ("", "true") "<timeline><at t='0'><refer node='psa' to='sip:j@h' app='0;x'/>"
    "</at></timeline></scenario>", "attribute 'app' of <refer>" },
  { DIRECT_NET ("", "true") "<timeline><at t='0'><refer node='psa' to='sip:j@h' app='0x05' "
    "target='sip:j@h?Event=x'/></at></timeline></scenario>", "attribute 'target' of <refer>" },
  { DIRECT_NET ("", "true") "<timeline><at t='0'><refer node='psa' to='sip:j@h' app='0x05' "
    "expires='0'/></at></timeline></scenario>", "expires" },
  { DIRECT_NET ("", "true") "<timeline><at t='0'><refer node='psa' to='sip:j@h'/></at>"
    "</timeline></scenario>", "app" },
};

static void
test_bad_scenario_form (void)
{
  g_test_summary ("A bad <refer> or refer attribute is an error naming file:line");

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autoptr (Net) net = g_new0 (Net, 1);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlScenario) scenario = net_load (net, bad_cases[i].xml, &error);

      g_test_message ("case %u", i);
      g_assert_null (scenario);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "scenario.xml:1"));
      g_assert_nonnull (strstr (error->message, bad_cases[i].message));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/refer/refer-to/build", test_build_refer_to);
  g_test_add_func ("/pl/refer/refer-to/parse", test_parse_refer_to);
  g_test_add_func ("/pl/refer/refer-to/malformed", test_malformed_refer_to);
  g_test_add_func ("/pl/refer/sipfrag", test_sipfrag);
  g_test_add_func ("/pl/refer/subscribe-failure", test_subscribe_failure_reported);
  g_test_add_func ("/pl/refer/untrusted-sender", test_untrusted_sender);
  g_test_add_func ("/pl/refer/expires", test_refer_subscription_expires);
  g_test_add_func ("/pl/refer/receiver-rejections", test_receiver_rejections);
  g_test_add_func ("/pl/refer/scenario-form", test_bad_scenario_form);

  return g_test_run ();
}
