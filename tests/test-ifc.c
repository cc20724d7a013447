/* test-ifc.c: initial Filter Criteria (3GPP TS 29.228) and the HSS node.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "pl-hss.h"
#include "pl-ifc.h"
#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-user-agent.h"
#include "pl-wire.h"
#include "pl-xml.h"

/* ---- building criteria ---- */

static PlIfc *
parse_ifc (const char  *xml,
           GError     **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *path = NULL;
  PlXmlContext *ctx;
  PlIfc *ifc = NULL;
  int fd;

  fd = g_file_open_tmp ("test-ifc-XXXXXX.xml", &path, &local);
  g_assert_no_error (local);
  g_assert_cmpint (fd, >=, 0);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (path, xml, -1, &local));
  g_assert_no_error (local);

  ctx = pl_xml_context_load (path, error);
  if (ctx != NULL)
    {
      ifc = pl_ifc_parse (ctx, xmlDocGetRootElement (pl_xml_context_get_doc (ctx)), error);
      pl_xml_context_free (ctx);
    }
  g_unlink (path);
  return ifc;
}

/* A criterion with @trigger (a <TriggerPoint>, or "" for none); @server
 * and @extra go inside <ApplicationServer> and after it. */
static PlIfc *
make_ifc (const char *trigger,
          const char *server,
          const char *extra)
{
  g_autofree char *xml = g_strdup_printf ("<InitialFilterCriteria>\n"
                                          "  <Priority>0</Priority>\n"
                                          "  %s\n"
                                          "  <ApplicationServer>\n"
                                          "    <ServerName>sip:as.home1.net</ServerName>\n"
                                          "    %s\n"
                                          "  </ApplicationServer>\n"
                                          "  %s\n"
                                          "</InitialFilterCriteria>\n",
                                          trigger, server, extra);
  g_autoptr (GError) error = NULL;
  PlIfc *ifc = parse_ifc (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ifc);
  return ifc;
}

/* A CNF trigger point of one SPT, in group 0, with @condition. */
static PlIfc *
make_spt_ifc (const char *condition)
{
  g_autofree char *trigger = g_strdup_printf ("<TriggerPoint>"
                                              "<ConditionTypeCNF>1</ConditionTypeCNF>"
                                              "<SPT><ConditionNegated>0</ConditionNegated>"
                                              "<Group>0</Group>%s</SPT>"
                                              "</TriggerPoint>", condition);

  return make_ifc (trigger, "", "");
}

/* ---- building requests: SIP text parsed by sofia-sip ---- */

/* @head: request line and headers, one per line ("\n"). */
static msg_t *
make_request (const char *head,
              const char *content_type,
              const char *body)
{
  g_auto (GStrv) lines = g_strsplit (head, "\n", -1);
  g_autoptr (GString) text = g_string_new (NULL);
  msg_t *msg;
  sip_t *sip;

  for (guint i = 0; lines[i]; i++)
    if (*lines[i])
      g_string_append_printf (text, "%s\r\n", lines[i]);
  if (content_type)
    g_string_append_printf (text, "Content-Type: %s\r\n", content_type);
  g_string_append_printf (text, "Content-Length: %zu\r\n\r\n%s", body ? strlen (body) : 0,
                          body ? body : "");
  msg = msg_make (sip_default_mclass (), 0, text->str, (ssize_t) text->len);
  g_assert_nonnull (msg);
  sip = sip_object (msg);
  g_assert_nonnull (sip);
  g_assert_nonnull (sip->sip_request);
  return msg;
}

static msg_t *
request (const char *method,
         const char *uri,
         const char *extra)
{
  g_autofree char *head = g_strdup_printf ("%s %s SIP/2.0\n"
                                           "Via: SIP/2.0/UDP ue.home1.net;branch=z9hG4bK1\n"
                                           "Max-Forwards: 70\n"
                                           "From: <sip:john.doe@home1.net>;tag=1\n"
                                           "To: <sip:john.doe@home1.net>\n"
                                           "Call-ID: c1@ue.home1.net\n"
                                           "CSeq: 1 %s\n"
                                           "%s",
                                           method, uri, method, extra ? extra : "");

  return make_request (head, NULL, NULL);
}

static gboolean
evaluate (const PlIfc *ifc,
          msg_t       *msg)
{
  return pl_ifc_evaluate (ifc, sip_object (msg), PL_SESSION_CASE_ORIGINATING,
                          PL_REGISTRATION_NONE, TRUE, NULL);
}

static gboolean
evaluate_register (const PlIfc        *ifc,
                   msg_t              *msg,
                   PlRegistrationType  kind)
{
  return pl_ifc_evaluate (ifc, sip_object (msg), PL_SESSION_CASE_ORIGINATING, kind, TRUE, NULL);
}

static const char *
data_path (const char *name)
{
  return g_test_get_filename (G_TEST_DIST, "data", "ifc", name, NULL);
}

static const char *
profile_path (const char *name)
{
  return g_test_get_filename (G_TEST_DIST, "..", "data", "hss", name, NULL);
}

#define PUSH_CONTACT "Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357>;+g.oma.sip-push.0x05\n"
#define PLAIN_CONTACT "Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357>\n"

/* ---- one test per SPT kind ---- */

static void
test_spt_request_uri (void)
{
  g_autoptr (PlIfc) ifc = make_spt_ifc ("<RequestURI>home1.net</RequestURI>");
  g_autoptr (msg_t) same = request ("MESSAGE", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) upper = request ("MESSAGE", "sip:john.doe@HOME1.NET;transport=tcp", NULL);
  g_autoptr (msg_t) longer = request ("MESSAGE", "sip:john.doe@evilhome1.net", NULL);
  g_autoptr (msg_t) other = request ("MESSAGE", "sip:home1.net@visited1.net", NULL);
  g_autofree char *text = NULL;

  g_test_summary ("RequestURI compares the Request-URI's host, exactly and in any case; "
                  "a user part or a longer host with the same ending does not match");

  g_assert_cmpint (((PlSpt *) g_ptr_array_index (ifc->spts, 0))->kind, ==, PL_SPT_REQUEST_URI);
  g_assert_true (evaluate (ifc, same));
  g_assert_true (evaluate (ifc, upper));
  g_assert_false (evaluate (ifc, longer));
  g_assert_false (evaluate (ifc, other));
  text = pl_spt_describe (g_ptr_array_index (ifc->spts, 0));
  g_assert_cmpstr (text, ==, "RequestURI=home1.net");
}

static void
test_spt_method (void)
{
  g_autoptr (PlIfc) ifc = make_spt_ifc ("<Method>MESSAGE</Method>");
  g_autoptr (msg_t) message = request ("MESSAGE", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) lower = request ("message", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) invite = request ("INVITE", "sip:john.doe@home1.net", NULL);

  g_test_summary ("Method compares the request's method name case-sensitively "
                  "(RFC 3261 §7.1): MESSAGE matches, message and INVITE do not");

  g_assert_true (evaluate (ifc, message));
  g_assert_false (evaluate (ifc, lower));
  g_assert_false (evaluate (ifc, invite));
}

static void
test_spt_registration_type (void)
{
  g_autoptr (PlIfc) all = make_spt_ifc ("<Method>REGISTER</Method>");
  g_autoptr (PlIfc) initial_de = make_spt_ifc ("<Method>REGISTER</Method>"
                                               "<Extension>"
                                               "<RegistrationType>0</RegistrationType>"
                                               "<RegistrationType>2</RegistrationType>"
                                               "</Extension>");
  g_autoptr (PlIfc) re = make_spt_ifc ("<Method>REGISTER</Method>"
                                       "<Extension><RegistrationType>1</RegistrationType>"
                                       "</Extension>");
  g_autoptr (msg_t) reg = request ("REGISTER", "sip:home1.net", PUSH_CONTACT);
  const PlSpt *spt = g_ptr_array_index (initial_de->spts, 0);
  g_autofree char *text = pl_spt_describe (spt);

  g_test_summary ("RegistrationType (TS 29.228 Annex B) restricts a REGISTER SPT to "
                  "initial (0), re- (1) or de-registration (2); without one every kind "
                  "matches");

  g_assert_cmpuint (spt->registration_types, ==, PL_REGISTRATION_INITIAL | PL_REGISTRATION_DE);
  g_assert_cmpuint (((PlSpt *) g_ptr_array_index (all->spts, 0))->registration_types, ==, 0);
  g_assert_cmpstr (text, ==, "Method=REGISTER (initial, de)");

  g_assert_true (evaluate_register (all, reg, PL_REGISTRATION_INITIAL));
  g_assert_true (evaluate_register (all, reg, PL_REGISTRATION_RE));
  g_assert_true (evaluate_register (all, reg, PL_REGISTRATION_DE));

  g_assert_true (evaluate_register (initial_de, reg, PL_REGISTRATION_INITIAL));
  g_assert_false (evaluate_register (initial_de, reg, PL_REGISTRATION_RE));
  g_assert_true (evaluate_register (initial_de, reg, PL_REGISTRATION_DE));

  g_assert_false (evaluate_register (re, reg, PL_REGISTRATION_INITIAL));
  g_assert_true (evaluate_register (re, reg, PL_REGISTRATION_RE));
  g_assert_false (evaluate_register (re, reg, PL_REGISTRATION_DE));
  /* A restricted SPT cannot match a REGISTER of no stated kind. */
  g_assert_false (evaluate_register (re, reg, PL_REGISTRATION_NONE));
}

static void
test_spt_sip_header (void)
{
  g_autoptr (PlIfc) ifc = make_spt_ifc ("<SIPHeader><Header>Contact</Header>"
                                        "<Content>\\+g\\.oma\\.sip-push\\.</Content>"
                                        "</SIPHeader>");
  g_autoptr (PlIfc) compact = make_spt_ifc ("<SIPHeader><Header>m</Header>"
                                            "<Content>sip-push</Content></SIPHeader>");
  g_autoptr (PlIfc) unknown = make_spt_ifc ("<SIPHeader><Header>P-Asserted-Identity</Header>"
                                            "<Content>^\"John Doe\" &lt;sip:john\\.doe@"
                                            "</Content></SIPHeader>");
  g_autoptr (PlIfc) anchored = make_spt_ifc ("<SIPHeader><Header>Contact</Header>"
                                             "<Content>^&lt;sip:second@</Content>"
                                             "</SIPHeader>");
  g_autoptr (msg_t) tagged = request ("REGISTER", "sip:home1.net", PUSH_CONTACT);
  g_autoptr (msg_t) plain = request ("REGISTER", "sip:home1.net", PLAIN_CONTACT);
  g_autoptr (msg_t) compact_form = request ("REGISTER", "sip:home1.net",
                                            "m: <sip:ue.home1.net>;+g.oma.sip-push.0x05\n");
  g_autoptr (msg_t) two = request ("REGISTER", "sip:home1.net",
                                   "Contact: <sip:first@ue.home1.net>\n"
                                   "Contact: <sip:second@ue.home1.net>;+g.oma.sip-push.0x05\n");
  g_autoptr (msg_t) pai = request ("MESSAGE", "sip:john.doe@home1.net",
                                   "P-Asserted-Identity: \"John Doe\" "
                                   "<sip:john.doe@home1.net>\n");
  g_autofree char *text = pl_spt_describe (g_ptr_array_index (ifc->spts, 0));

  g_test_summary ("SIPHeader with Content: the regular expression is searched in each "
                  "value of the header as sofia-sip prints it; names match in any case and "
                  "compact form, unknown headers too; a value's own start anchors ^");

  g_assert_cmpstr (text, ==, "SIPHeader Contact ~ \"\\+g\\.oma\\.sip-push\\.\"");
  g_assert_true (evaluate (ifc, tagged));
  g_assert_false (evaluate (ifc, plain));
  g_assert_true (evaluate (ifc, compact_form));
  g_assert_true (evaluate (compact, tagged));
  g_assert_false (evaluate (compact, plain));
  g_assert_true (evaluate (ifc, two));
  g_assert_true (evaluate (anchored, two));
  g_assert_false (evaluate (anchored, tagged));
  g_assert_true (evaluate (unknown, pai));
  g_assert_false (evaluate (unknown, tagged));
}

static void
test_spt_sip_header_presence (void)
{
  g_autoptr (PlIfc) event = make_spt_ifc ("<SIPHeader><Header>event</Header></SIPHeader>");
  g_autoptr (PlIfc) custom = make_spt_ifc ("<SIPHeader><Header>X-Push-Id</Header></SIPHeader>");
  g_autoptr (msg_t) with_event = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                          "Event: presence\n");
  g_autoptr (msg_t) compact_event = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                             "o: presence\n");
  g_autoptr (msg_t) without = request ("SUBSCRIBE", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) with_custom = request ("MESSAGE", "sip:john.doe@home1.net",
                                           "x-push-id: 42\n");
  g_autoptr (msg_t) broken = request ("REGISTER", "sip:home1.net",
                                      "Contact: <sip:ue.home1.net;+g.oma.sip-push.0x05\n");
  g_autoptr (PlIfc) contact = make_spt_ifc ("<SIPHeader><Header>Contact</Header></SIPHeader>");
  g_autoptr (PlIfc) contact_tag = make_spt_ifc ("<SIPHeader><Header>Contact</Header>"
                                                "<Content>sip-push</Content></SIPHeader>");
  const PlSpt *spt = g_ptr_array_index (event->spts, 0);
  g_autofree char *text = pl_spt_describe (spt);

  g_test_summary ("SIPHeader without Content tests presence only, known and unknown "
                  "headers alike, and headers sofia-sip could not parse");

  g_assert_null (spt->content);
  g_assert_cmpstr (text, ==, "SIPHeader event present");
  g_assert_true (evaluate (event, with_event));
  g_assert_true (evaluate (event, compact_event));
  g_assert_false (evaluate (event, without));
  g_assert_true (evaluate (custom, with_custom));
  g_assert_false (evaluate (custom, with_event));
  /* A Contact sofia-sip cannot parse is there, but has no value to match. */
  g_assert_nonnull (sip_object (broken)->sip_error);
  g_assert_null (sip_object (broken)->sip_contact);
  g_assert_true (evaluate (contact, broken));
  g_assert_false (evaluate (contact_tag, broken));
}

static void
test_spt_session_case (void)
{
  g_autoptr (PlIfc) ifc = make_spt_ifc ("<SessionCase>1</SessionCase>");
  g_autoptr (msg_t) msg = request ("INVITE", "sip:john.doe@home1.net", NULL);
  g_autofree char *text = pl_spt_describe (g_ptr_array_index (ifc->spts, 0));
  const PlSessionCase cases[] = {
    PL_SESSION_CASE_ORIGINATING, PL_SESSION_CASE_TERMINATING_REGISTERED,
    PL_SESSION_CASE_TERMINATING_UNREGISTERED, PL_SESSION_CASE_ORIGINATING_UNREGISTERED,
    PL_SESSION_CASE_ORIGINATING_CDIV,
  };

  g_test_summary ("SessionCase compares with the case the S-CSCF evaluates for");

  g_assert_cmpstr (text, ==, "SessionCase=TERMINATING_REGISTERED");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (pl_ifc_evaluate (ifc, sip_object (msg), cases[i], PL_REGISTRATION_NONE,
                                      TRUE, NULL),
                     ==, cases[i] == PL_SESSION_CASE_TERMINATING_REGISTERED);
  g_assert_cmpstr (pl_session_case_to_string (PL_SESSION_CASE_ORIGINATING_CDIV), ==,
                   "ORIGINATING_CDIV");
}

#define INVITE_HEAD \
  "INVITE sip:john.doe@home1.net SIP/2.0\n" \
  "Via: SIP/2.0/UDP ue.home1.net;branch=z9hG4bK2\n" \
  "Max-Forwards: 70\n" \
  "From: <sip:psa.home1.net>;tag=9\n" \
  "To: <sip:john.doe@home1.net>\n" \
  "Call-ID: c2@psa.home1.net\n" \
  "CSeq: 1 INVITE\n" \
  "Contact: <sip:psa.home1.net>\n"

static void
test_spt_session_description (void)
{
  g_autoptr (PlIfc) msrp = make_spt_ifc ("<SessionDescription><Line>m</Line>"
                                         "<Content>^message \\d+ TCP/MSRP</Content>"
                                         "</SessionDescription>");
  g_autoptr (PlIfc) any_a = make_spt_ifc ("<SessionDescription><Line>a</Line>"
                                          "</SessionDescription>");
  const char *with_msrp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                          "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\n"
                          "m=message 7394 TCP/MSRP *\r\n"
                          "a=path:msrp://192.0.2.1:7394/s1;tcp\r\n";
  const char *audio = "v=0\ns=-\nm=audio 49170 RTP/AVP 0\n";
  g_autoptr (msg_t) invite_msrp = make_request (INVITE_HEAD, "application/sdp", with_msrp);
  g_autoptr (msg_t) invite_audio = make_request (INVITE_HEAD, "application/sdp", audio);
  g_autoptr (msg_t) not_sdp = make_request (INVITE_HEAD, "text/plain", with_msrp);
  g_autoptr (msg_t) no_body = make_request (INVITE_HEAD, NULL, NULL);
  g_autofree char *text = pl_spt_describe (g_ptr_array_index (msrp->spts, 0));

  g_test_summary ("SessionDescription tests the SDP lines of the given type: Content is "
                  "searched in the line's value, no Content means any such line; a body "
                  "that is not application/sdp has none");

  g_assert_cmpstr (text, ==, "SessionDescription m ~ \"^message \\d+ TCP/MSRP\"");
  g_assert_true (evaluate (msrp, invite_msrp));
  g_assert_false (evaluate (msrp, invite_audio));
  g_assert_false (evaluate (msrp, not_sdp));
  g_assert_false (evaluate (msrp, no_body));
  g_assert_true (evaluate (any_a, invite_msrp));
  g_assert_false (evaluate (any_a, invite_audio));
}

/* ---- combining SPTs ---- */

static void
test_negated (void)
{
  g_autoptr (PlIfc) ifc = make_spt_ifc ("<Method>INVITE</Method>");
  g_autoptr (PlIfc) negated = NULL;
  g_autoptr (msg_t) message = request ("MESSAGE", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) invite = request ("INVITE", "sip:john.doe@home1.net", NULL);
  PlIfcResult result = { 0 };

  g_test_summary ("ConditionNegated inverts the SPT's result before it enters its groups");

  negated = make_ifc ("<TriggerPoint><ConditionTypeCNF>1</ConditionTypeCNF>"
                      "<SPT><ConditionNegated>1</ConditionNegated><Group>0</Group>"
                      "<Method>INVITE</Method></SPT></TriggerPoint>", "", "");
  g_assert_true (((PlSpt *) g_ptr_array_index (negated->spts, 0))->negated);
  g_assert_false (((PlSpt *) g_ptr_array_index (ifc->spts, 0))->negated);

  g_assert_true (evaluate (ifc, invite));
  g_assert_false (evaluate (ifc, message));
  g_assert_true (pl_ifc_evaluate (negated, sip_object (message), PL_SESSION_CASE_ORIGINATING,
                                  PL_REGISTRATION_NONE, TRUE, &result));
  g_assert_true (result.matched);
  g_assert_true (g_array_index (result.spt_results, gboolean, 0));
  g_assert_cmpstr (result.explanation, ==, "CNF: group 0 (NOT Method=INVITE: yes) -> match");

  /* The result is reused: evaluate clears it first. */
  g_assert_false (pl_ifc_evaluate (negated, sip_object (invite), PL_SESSION_CASE_ORIGINATING,
                                   PL_REGISTRATION_NONE, TRUE, &result));
  g_assert_false (result.matched);
  g_assert_false (g_array_index (result.spt_results, gboolean, 0));
  g_assert_cmpstr (result.explanation, ==, "CNF: group 0 (NOT Method=INVITE: no) -> no match");
  pl_ifc_result_clear (&result);
  g_assert_null (result.explanation);
  g_assert_null (result.spt_results);
}

/* A: Method=INVITE in group 0; B: Accept-Contact carries the push tag, in
 * groups 0 and 1; C: SessionCase originating, in group 1. */
#define THREE_SPTS \
  "<SPT><Group>0</Group><Method>INVITE</Method></SPT>" \
  "<SPT><Group>1</Group><Group>0</Group><SIPHeader><Header>Accept-Contact</Header>" \
  "<Content>sip-push</Content></SIPHeader></SPT>" \
  "<SPT><Group>1</Group><SessionCase>0</SessionCase></SPT>"

#define PUSH_ACCEPT "Accept-Contact: *;+g.oma.sip-push.0x05;require;explicit\n"

static void
test_cnf_dnf (void)
{
  g_autoptr (PlIfc) cnf = make_ifc ("<TriggerPoint><ConditionTypeCNF>1</ConditionTypeCNF>"
                                    THREE_SPTS "</TriggerPoint>", "", "");
  g_autoptr (PlIfc) dnf = make_ifc ("<TriggerPoint><ConditionTypeCNF>0</ConditionTypeCNF>"
                                    THREE_SPTS "</TriggerPoint>", "", "");
  g_autoptr (msg_t) invite = request ("INVITE", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) invite_push = request ("INVITE", "sip:john.doe@home1.net", PUSH_ACCEPT);
  g_autoptr (msg_t) message = request ("MESSAGE", "sip:john.doe@home1.net", NULL);
  g_autoptr (msg_t) message_push = request ("MESSAGE", "sip:john.doe@home1.net", PUSH_ACCEPT);
  const struct {
    msg_t *msg;
    PlSessionCase session_case;
    gboolean a, b, c, cnf, dnf;
  } cases[] = {
    /* CNF: (A OR B) AND (B OR C); DNF: (A AND B) OR (B AND C). */
    { invite, PL_SESSION_CASE_ORIGINATING, TRUE, FALSE, TRUE, TRUE, FALSE },
    { message_push, PL_SESSION_CASE_TERMINATING_REGISTERED, FALSE, TRUE, FALSE, TRUE, FALSE },
    { message_push, PL_SESSION_CASE_ORIGINATING, FALSE, TRUE, TRUE, TRUE, TRUE },
    { message, PL_SESSION_CASE_ORIGINATING, FALSE, FALSE, TRUE, FALSE, FALSE },
    { invite_push, PL_SESSION_CASE_TERMINATING_REGISTERED, TRUE, TRUE, FALSE, TRUE, TRUE },
    { invite, PL_SESSION_CASE_TERMINATING_REGISTERED, TRUE, FALSE, FALSE, FALSE, FALSE },
  };

  g_test_summary ("CNF is an AND of groups that each OR their SPTs, DNF an OR of groups "
                  "that each AND their SPTs (TS 29.228 Annex C); an SPT in two groups "
                  "counts in both; the result lists SPTs and sorted groups");

  g_assert_true (cnf->cnf);
  g_assert_false (dnf->cnf);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PlIfcResult result = { 0 };
      gboolean expected[] = { cases[i].a, cases[i].b, cases[i].c };

      g_assert_cmpint (pl_ifc_evaluate (cnf, sip_object (cases[i].msg), cases[i].session_case,
                                        PL_REGISTRATION_NONE, TRUE, &result),
                       ==, cases[i].cnf);
      g_assert_cmpint (result.matched, ==, cases[i].cnf);
      g_assert_cmpuint (result.spt_results->len, ==, 3);
      for (guint s = 0; s < 3; s++)
        g_assert_cmpint (g_array_index (result.spt_results, gboolean, s), ==, expected[s]);
      g_assert_cmpuint (result.group_ids->len, ==, 2);
      g_assert_cmpint (g_array_index (result.group_ids, int, 0), ==, 0);
      g_assert_cmpint (g_array_index (result.group_ids, int, 1), ==, 1);
      g_assert_cmpint (g_array_index (result.group_results, gboolean, 0), ==,
                       cases[i].a || cases[i].b);
      g_assert_cmpint (g_array_index (result.group_results, gboolean, 1), ==,
                       cases[i].b || cases[i].c);

      g_assert_cmpint (pl_ifc_evaluate (dnf, sip_object (cases[i].msg), cases[i].session_case,
                                        PL_REGISTRATION_NONE, TRUE, &result),
                       ==, cases[i].dnf);
      g_assert_cmpint (g_array_index (result.group_results, gboolean, 0), ==,
                       cases[i].a && cases[i].b);
      g_assert_cmpint (g_array_index (result.group_results, gboolean, 1), ==,
                       cases[i].b && cases[i].c);
      if (i == 0)
        g_assert_cmpstr (result.explanation, ==,
                         "DNF: group 0 (Method=INVITE: yes AND SIPHeader Accept-Contact ~ "
                         "\"sip-push\": no) = no OR group 1 (SIPHeader Accept-Contact ~ \"sip-push\": "
                         "no AND SessionCase=ORIGINATING_REGISTERED: yes) = no -> no match");
      pl_ifc_result_clear (&result);
    }
}

static void
test_group_numbers (void)
{
  g_autoptr (PlIfc) ifc = make_ifc ("<TriggerPoint><ConditionTypeCNF>1</ConditionTypeCNF>"
                                    "<SPT><Group>7</Group><Method>MESSAGE</Method></SPT>"
                                    "<SPT><Group>3</Group><RequestURI>home1.net</RequestURI>"
                                    "</SPT></TriggerPoint>", "", "");
  g_autoptr (msg_t) msg = request ("MESSAGE", "sip:john.doe@home1.net", NULL);
  PlIfcResult result = { 0 };

  g_test_summary ("Groups need not start at 0 nor follow each other; they are listed in "
                  "increasing order");

  g_assert_true (pl_ifc_evaluate (ifc, sip_object (msg), PL_SESSION_CASE_ORIGINATING,
                                  PL_REGISTRATION_NONE, TRUE, &result));
  g_assert_cmpuint (result.group_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (result.group_ids, int, 0), ==, 3);
  g_assert_cmpint (g_array_index (result.group_ids, int, 1), ==, 7);
  g_assert_cmpstr (result.explanation, ==,
                   "CNF: group 3 (RequestURI=home1.net: yes) AND group 7 (Method=MESSAGE: yes) "
                   "-> match");
  pl_ifc_result_clear (&result);
}

static void
test_no_trigger (void)
{
  g_autoptr (PlIfc) ifc = make_ifc ("", "", "");
  g_autoptr (msg_t) invite = request ("INVITE", "sip:anyone@anywhere.example", NULL);
  g_autoptr (msg_t) reg = request ("REGISTER", "sip:home1.net", NULL);
  PlIfcResult result = { 0 };

  g_test_summary ("A criterion without TriggerPoint matches every request");

  g_assert_false (ifc->has_trigger);
  g_assert_cmpuint (ifc->spts->len, ==, 0);
  g_assert_true (evaluate (ifc, reg));
  g_assert_true (pl_ifc_evaluate (ifc, sip_object (invite),
                                  PL_SESSION_CASE_TERMINATING_UNREGISTERED, PL_REGISTRATION_NONE,
                                  FALSE, &result));
  g_assert_cmpuint (result.spt_results->len, ==, 0);
  g_assert_cmpuint (result.group_ids->len, ==, 0);
  g_assert_cmpstr (result.explanation, ==, "no TriggerPoint -> match");
  pl_ifc_result_clear (&result);
}

static void
test_profile_part (void)
{
  g_autoptr (PlIfc) registered = make_ifc ("", "", "<ProfilePartIndicator>0</ProfilePartIndicator>");
  g_autoptr (PlIfc) unregistered = make_ifc ("", "",
                                             "<ProfilePartIndicator>1</ProfilePartIndicator>");
  g_autoptr (PlIfc) either = make_ifc ("", "", "");
  g_autoptr (msg_t) invite = request ("INVITE", "sip:john.doe@home1.net", NULL);
  sip_t *sip = sip_object (invite);
  PlIfcResult result = { 0 };

  g_test_summary ("ProfilePartIndicator 0 applies only while the user is registered, 1 only "
                  "while unregistered; without it, always");

  g_assert_cmpint (registered->profile_part, ==, 0);
  g_assert_cmpint (unregistered->profile_part, ==, 1);
  g_assert_cmpint (either->profile_part, ==, -1);
  g_assert_true (pl_ifc_evaluate (registered, sip, 0, 0, TRUE, NULL));
  g_assert_false (pl_ifc_evaluate (registered, sip, 0, 0, FALSE, &result));
  g_assert_cmpstr (result.explanation, ==,
                   "no TriggerPoint; ProfilePartIndicator 0 (REGISTERED) does not fit an "
                   "unregistered user -> no match");
  g_assert_false (pl_ifc_evaluate (unregistered, sip, 0, 0, TRUE, NULL));
  g_assert_true (pl_ifc_evaluate (unregistered, sip, 0, 0, FALSE, NULL));
  g_assert_true (pl_ifc_evaluate (either, sip, 0, 0, TRUE, NULL));
  g_assert_true (pl_ifc_evaluate (either, sip, 0, 0, FALSE, NULL));
  pl_ifc_result_clear (&result);
}

static void
test_application_server (void)
{
  g_autoptr (PlIfc) full = make_ifc ("", "<DefaultHandling>1</DefaultHandling>"
                                     "<ServiceInfo>push-service-7</ServiceInfo>"
                                     "<Extension><IncludeRegisterRequest/>"
                                     "<IncludeRegisterResponse></IncludeRegisterResponse>"
                                     "</Extension>", "");
  g_autoptr (PlIfc) bare = make_ifc ("", "", "");

  g_test_summary ("ApplicationServer: ServerName, DefaultHandling, ServiceInfo and the "
                  "IncludeRegisterRequest/Response flags are read; absent ones default to "
                  "SESSION_CONTINUED, no info, no flags");

  g_assert_cmpstr (full->server_name, ==, "sip:as.home1.net");
  g_assert_cmpint (full->default_handling, ==, PL_DEFAULT_HANDLING_SESSION_TERMINATED);
  g_assert_cmpstr (pl_default_handling_to_string (full->default_handling), ==,
                   "SESSION_TERMINATED");
  g_assert_cmpstr (full->service_info, ==, "push-service-7");
  g_assert_true (full->include_register_request);
  g_assert_true (full->include_register_response);
  g_assert_cmpint (full->line, ==, 1);
  g_assert_nonnull (full->file);

  g_assert_cmpint (bare->default_handling, ==, PL_DEFAULT_HANDLING_SESSION_CONTINUED);
  g_assert_cmpstr (pl_default_handling_to_string (bare->default_handling), ==,
                   "SESSION_CONTINUED");
  g_assert_null (bare->service_info);
  g_assert_false (bare->include_register_request);
  g_assert_false (bare->include_register_response);
}

/* ---- subscriptions ---- */

static void
test_priority_order (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscription) sub = pl_subscription_load (data_path ("priorities.xml"), &error);
  PlServiceProfile *profile;
  const char *servers[] = { "sip:one.home1.net", "sip:three.home1.net", "sip:five.home1.net" };
  const int priorities[] = { 1, 3, 5 };

  g_test_summary ("A profile's criteria are sorted by Priority, lowest first, whatever "
                  "their order in the file; identities, barring and profiles are kept");

  g_assert_no_error (error);
  g_assert_nonnull (sub);
  g_assert_cmpstr (sub->private_id, ==, "bob@home1.net");
  g_assert_null (sub->password);
  g_assert_cmpuint (sub->profiles->len, ==, 2);
  profile = g_ptr_array_index (sub->profiles, 0);
  g_assert_true (profile->subscription == sub);
  g_assert_cmpuint (profile->public_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (profile->public_ids, 0), ==, "sip:bob@home1.net");
  g_assert_cmpstr (g_ptr_array_index (profile->public_ids, 1), ==, "tel:+1-212-555-0100");
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (profile->barred, 0)), ==, TRUE);
  g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (profile->barred, 1)), ==, FALSE);
  g_assert_cmpuint (profile->ifcs->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      PlIfc *ifc = g_ptr_array_index (profile->ifcs, i);

      g_assert_cmpint (ifc->priority, ==, priorities[i]);
      g_assert_cmpstr (ifc->server_name, ==, servers[i]);
    }
  profile = g_ptr_array_index (sub->profiles, 1);
  g_assert_cmpuint (profile->ifcs->len, ==, 0);
  g_assert_cmpuint (profile->public_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (profile->public_ids, 0), ==, "sip:bob.work@home1.net");
}

static void
test_profile_home1 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscription) sub = pl_subscription_load (profile_path ("home1.xml"), &error);
  g_autoptr (msg_t) tagged = request ("REGISTER", "sip:home1.net", PUSH_CONTACT);
  g_autoptr (msg_t) plain = request ("REGISTER", "sip:home1.net", PLAIN_CONTACT);
  /* Appendix B.2's SUBSCRIBE, quoted like A.3's Event header. */
  g_autoptr (msg_t) ua_profile = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                          "Event: ua-profile;profile-type=\"application\";"
                                          "auid=\"org.openmobilealliance.push\"\n");
  g_autoptr (msg_t) unquoted = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                        "Event: ua-profile;auid=org.openmobilealliance.dm;"
                                        "profile-type=application\n");
  g_autoptr (msg_t) presence = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                        "Event: presence\n");
  g_autoptr (msg_t) device = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                      "Event: ua-profile;profile-type=\"device\";"
                                      "auid=\"org.openmobilealliance.push\"\n");
  g_autoptr (msg_t) a3 = request ("SUBSCRIBE", "sip:john.doe@home1.net",
                                  "Event: ua-profile;profile-type=\"application\";"
                                  "auid=\"x-wap-application:push.syncml\"\n");
  PlServiceProfile *profile;
  PlIfc *reg, *sub_ifc;
  PlIfcResult result = { 0 };

  g_test_summary ("data/hss/home1.xml (2006 draft, Appendix B.2): the REGISTER criterion "
                  "matches every registration kind whose Contact has +g.oma.sip-push. and "
                  "asks for the REGISTER in the third-party REGISTER; the SUBSCRIBE criterion "
                  "matches ua-profile, profile-type application, auid "
                  "org.openmobilealliance.*, quoted or not");

  g_assert_no_error (error);
  g_assert_nonnull (sub);
  g_assert_cmpstr (sub->private_id, ==, "john.doe@home1.net");
  g_assert_cmpuint (sub->profiles->len, ==, 1);
  profile = g_ptr_array_index (sub->profiles, 0);
  g_assert_cmpuint (profile->public_ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (profile->public_ids, 0), ==, "sip:john.doe@home1.net");
  g_assert_cmpuint (profile->ifcs->len, ==, 2);

  reg = g_ptr_array_index (profile->ifcs, 0);
  g_assert_cmpint (reg->priority, ==, 0);
  g_assert_true (reg->cnf);
  g_assert_cmpstr (reg->server_name, ==, "sip:psadm1.home1.net");
  g_assert_cmpint (reg->default_handling, ==, PL_DEFAULT_HANDLING_SESSION_CONTINUED);
  g_assert_true (reg->include_register_request);
  g_assert_false (reg->include_register_response);
  g_assert_true (evaluate_register (reg, tagged, PL_REGISTRATION_INITIAL));
  g_assert_true (evaluate_register (reg, tagged, PL_REGISTRATION_RE));
  g_assert_true (pl_ifc_evaluate (reg, sip_object (tagged), PL_SESSION_CASE_ORIGINATING,
                                  PL_REGISTRATION_DE, TRUE, &result));
  g_assert_cmpstr (result.explanation, ==,
                   "CNF: group 0 (Method=REGISTER: yes) AND group 1 (SIPHeader Contact ~ "
                   "\"\\+g\\.oma\\.sip-push\\.\": yes) -> match");
  g_assert_false (pl_ifc_evaluate (reg, sip_object (plain), PL_SESSION_CASE_ORIGINATING,
                                   PL_REGISTRATION_INITIAL, TRUE, &result));
  g_assert_cmpstr (result.explanation, ==,
                   "CNF: group 0 (Method=REGISTER: yes) AND group 1 (SIPHeader Contact ~ "
                   "\"\\+g\\.oma\\.sip-push\\.\": no) -> no match");
  g_assert_false (evaluate_register (reg, ua_profile, PL_REGISTRATION_NONE));
  pl_ifc_result_clear (&result);

  sub_ifc = g_ptr_array_index (profile->ifcs, 1);
  g_assert_cmpint (sub_ifc->priority, ==, 1);
  g_assert_cmpstr (sub_ifc->server_name, ==, "sip:psadm1.home1.net");
  g_assert_false (sub_ifc->include_register_request);
  g_assert_true (evaluate (sub_ifc, ua_profile));
  g_assert_true (evaluate (sub_ifc, unquoted));
  g_assert_false (evaluate (sub_ifc, presence));
  g_assert_false (evaluate (sub_ifc, device));
  g_assert_false (evaluate (sub_ifc, tagged));
  /* The draft's own A.3 SUBSCRIBE names auid x-wap-application:push.syncml,
   * which B.2's org.openmobilealliance.* does not cover. */
  g_assert_false (evaluate (sub_ifc, a3));
}

/* B.1 step 1 of the V1.0 change request, its typographic quote mended. */
#define B1_REGISTER \
  "REGISTER sip:registrar.domain.com SIP/2.0\n" \
  "Via: SIP/2.0/UDP pra1.domain.com:5060;branch=z9hG4bKnashds7\n" \
  "Max-Forwards: 70\n" \
  "To: \"Bob\" <sip:user@domain.com>\n" \
  "From: \"Bob\" <sip:user@domain.com>;tag=456248\n" \
  "Supported: gruu\n" \
  "Call-ID: 843817637684230@998sdasdh09\n" \
  "CSeq: 1826 REGISTER\n" \
  "Expires: 7200\n"

static void
test_profile_domain (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscription) sub = pl_subscription_load (profile_path ("domain.xml"), &error);
  g_autoptr (msg_t) b1 = make_request (B1_REGISTER "Contact: <sip:user@192.0.2.4>;"
                                       "+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-"
                                       "00a0c91e6bf6>\";+g.oma.pusheventapp=\"mms.ua\"\n",
                                       NULL, NULL);
  g_autoptr (msg_t) verbatim = make_request (B1_REGISTER "Contact: <sip:user@192.0.2.4>;"
                                             "+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-"
                                             "a765-00a0c91e6bf6>\";+g.oma.pusheventapp="
                                             "\"mms.ua\xe2\x80\x9d\n", NULL, NULL);
  g_autoptr (msg_t) plain = make_request (B1_REGISTER "Contact: <sip:user@192.0.2.4>\n",
                                          NULL, NULL);
  g_autoptr (msg_t) old_tag = request ("REGISTER", "sip:home1.net", PUSH_CONTACT);
  PlServiceProfile *profile;
  PlIfc *ifc;

  g_test_summary ("data/hss/domain.xml (V1.0, B.1): REGISTER with +g.oma.pusheventapp goes "
                  "to sip:psa.domain.com without the REGISTER in the body; a Contact "
                  "without it, or with only the 2006 tag, does not");

  g_assert_no_error (error);
  g_assert_nonnull (sub);
  g_assert_cmpstr (sub->private_id, ==, "user@domain.com");
  profile = g_ptr_array_index (sub->profiles, 0);
  g_assert_cmpstr (g_ptr_array_index (profile->public_ids, 0), ==, "sip:user@domain.com");
  g_assert_cmpuint (profile->ifcs->len, ==, 1);
  ifc = g_ptr_array_index (profile->ifcs, 0);
  g_assert_cmpstr (ifc->server_name, ==, "sip:psa.domain.com");
  g_assert_cmpint (ifc->default_handling, ==, PL_DEFAULT_HANDLING_SESSION_CONTINUED);
  g_assert_false (ifc->include_register_request);
  g_assert_true (evaluate_register (ifc, b1, PL_REGISTRATION_INITIAL));
  g_assert_true (evaluate_register (ifc, b1, PL_REGISTRATION_DE));
  g_assert_false (evaluate_register (ifc, plain, PL_REGISTRATION_INITIAL));
  g_assert_false (evaluate_register (ifc, old_tag, PL_REGISTRATION_INITIAL));
  /* As printed in B.1, the Contact ends in a typographic quote: sofia-sip
   * cannot parse it, so there is no Contact value to match. */
  g_assert_nonnull (sip_object (verbatim)->sip_error);
  g_assert_false (evaluate_register (ifc, verbatim, PL_REGISTRATION_INITIAL));
}

/* ---- errors ---- */

typedef struct {
  const char *file;
  int line;
  const char *text;
} BadInput;

static void
test_errors (void)
{
  const BadInput bad[] = {
    { "unknown-element.xml", 16, "unknown element <Methd> in <SPT>: expected <ConditionNegated>" },
    { "bad-cnf.xml", 12, "<ConditionTypeCNF>: expected 0 or 1" },
    { "bad-regex.xml", 16, "<Content>: expected a regular expression, got '\\+g\\.oma('" },
    { "missing-servername.xml", 19, "<ApplicationServer> has no <ServerName>: expected" },
    { "duplicate-priority.xml", 24, "is already the priority of the InitialFilterCriteria on "
                                    "line 9: expected a different priority" },
    { "two-conditions.xml", 17, "<SPT> already has the condition <Method> (line 16): expected "
                                "exactly one of" },
    { "bad-session-case.xml", 16, "<SessionCase>: expected 0 to 4" },
    { "regtype-not-register.xml", 17, "<RegistrationType> applies to an SPT whose <Method> is "
                                      "REGISTER" },
    { "bad-server-name.xml", 20, "<ServerName>: expected a SIP URI" },
    { "empty-content.xml", 16, "<Content> is empty: expected a regular expression" },
    { "missing-group.xml", 13, "<SPT> has no <Group>: expected at least one" },
    { "bad-negated.xml", 14, "<ConditionNegated>: expected 0 or 1" },
    { "attribute.xml", 13, "attribute 'id' is not allowed on <SPT>" },
    { "missing-cnf.xml", 11, "<TriggerPoint> has no <ConditionTypeCNF>: expected" },
    { "include-register-text.xml", 22, "<IncludeRegisterRequest> is a flag and stays empty" },
    { "text-in-spt.xml", 13, "unexpected text 'REGISTER' in <SPT>" },
    { "bad-identity.xml", 7, "<Identity>: expected a SIP or tel URI" },
    { "identity-extension.xml", 8, "<Extension> of <PublicIdentity>" },
    { "missing-private-id.xml", 3, "<IMSSubscription> has no <PrivateID>: expected" },
    { "duplicate-identity.xml", 27, "is already listed on line 7: expected each identity once" },
    { "wrong-root.xml", 3, "the root element is <scenario>: expected <IMSSubscription>" },
    { "doctype-entity.xml", 2, "a DOCTYPE is not allowed" },
  };

  g_test_summary ("Malformed profiles fail with file:line:column and what was expected: "
                  "unknown elements and attributes, bad numbers and regular expressions, "
                  "missing children, duplicate priorities and identities, a DOCTYPE");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlSubscription) sub = NULL;
      const char *path = data_path (bad[i].file);
      g_autofree char *where = g_strdup_printf ("%s:%d:", path, bad[i].line);

      sub = pl_subscription_load (path, &error);
      g_test_message ("%s: %s", bad[i].file, error ? error->message : "(no error)");
      g_assert_null (sub);
      g_assert_nonnull (error);
      g_assert_true (error->domain == PL_SCENARIO_ERROR);
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, bad[i].text));
    }
}

static void
test_doctype_no_leak (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscription) sub = NULL;
  g_autofree char *passwd = NULL;

  g_test_summary ("A profile whose DOCTYPE declares an external entity is refused before "
                  "the entity is read: nothing of its target reaches the message");

  sub = pl_subscription_load (data_path ("doctype-entity.xml"), &error);
  g_assert_null (sub);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_null (strstr (error->message, "root:"));
  if (g_file_get_contents ("/etc/passwd", &passwd, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (passwd, "\n", 2);

      if (lines[0] && strlen (lines[0]) > 8)
        g_assert_null (strstr (error->message, lines[0]));
    }
}

static void
test_missing_profile (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscription) sub = NULL;
  g_autofree char *path = g_build_filename (g_test_get_dir (G_TEST_DIST), "data", "ifc",
                                            "no-such-profile.xml", NULL);

  g_test_summary ("A profile file that does not exist gives a FILE error naming it");

  sub = pl_subscription_load (path, &error);
  g_assert_null (sub);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "No such file"));
}

/* ---- the hss node ---- */

static const char *
field (const PlTraceEvent *ev,
       const char         *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  return f && f->type == PL_FIELD_STRING ? f->str : NULL;
}

/* The @nth event named @name, or NULL. */
static const PlTraceEvent *
find_event (PlTrace    *trace,
            const char *name,
            guint       nth)
{
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (g_str_equal (ev->name, name) && nth-- == 0)
        return ev;
    }
  return NULL;
}

static guint
count_events (PlTrace    *trace,
              const char *name)
{
  guint n = 0;

  while (find_event (trace, name, n))
    n++;
  return n;
}

static void
test_hss_lookup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSim) sim = pl_sim_new (1);
  g_autoptr (PlHss) hss = g_object_new (PL_TYPE_HSS, "id", "hss", "host", "hss.home1.net",
                                        "kind", "hss", NULL);
  PlTrace *trace = pl_sim_get_trace (sim);
  PlSubscription *sub;
  PlServiceProfile *profile;
  const PlTraceEvent *ev;
  const char *private_id = "unset";
  const struct {
    const char *uri;
    gboolean found;
  } uris[] = {
    { "sip:john.doe@home1.net", TRUE },
    { "\"John Doe\" <sip:john.doe@HOME1.NET;transport=udp>;tag=1", TRUE },
    { "sip:john%2Edoe@home1.net?Subject=x", TRUE },
    { "<sip:John.Doe@home1.net>", FALSE },     /* the user part is case-sensitive */
    { "sip:john.doe@home1.net:5060", FALSE },  /* an explicit port differs from none */
    { "sips:john.doe@home1.net", FALSE },
    { "sip:jane.doe@home1.net", FALSE },
    { "not a uri", FALSE },
  };

  g_test_summary ("pl_hss_lookup compares URIs like RFC 3261 §19.1.4 without parameters "
                  "and records each Cx question as a \"cx\" event (command, public-id, "
                  "result, private-id); MAR gives the password; an identity belongs to one "
                  "subscription");

  g_assert_true (pl_sim_add_node (sim, PL_NODE (hss), &error));
  g_assert_no_error (error);

  sub = pl_subscription_load (profile_path ("home1.xml"), &error);
  g_assert_no_error (error);
  sub->password = g_strdup ("secret");
  g_assert_true (pl_hss_add_subscription (hss, sub, &error));
  g_assert_no_error (error);
  sub = pl_subscription_load (data_path ("priorities.xml"), &error);
  g_assert_no_error (error);
  g_assert_true (pl_hss_add_subscription (hss, sub, &error));
  g_assert_cmpuint (pl_hss_get_n_subscriptions (hss), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      profile = pl_hss_lookup (hss, uris[i].uri, NULL);
      g_test_message ("%s", uris[i].uri);
      g_assert_cmpint (profile != NULL, ==, uris[i].found);
      if (profile)
        g_assert_cmpstr (profile->subscription->private_id, ==, "john.doe@home1.net");
    }
  g_assert_cmpuint (count_events (trace, "cx"), ==, 0);

  /* tel URIs compare without visual separators (RFC 3966 §5.1.1). */
  profile = pl_hss_lookup (hss, "tel:+12125550100", NULL);
  g_assert_nonnull (profile);
  g_assert_cmpstr (profile->subscription->private_id, ==, "bob@home1.net");
  profile = pl_hss_lookup (hss, "sip:bob.work@home1.net", NULL);
  g_assert_nonnull (profile);
  g_assert_true (profile == g_ptr_array_index (profile->subscription->profiles, 1));
  g_assert_true (pl_hss_lookup (hss, "sip:bob@PBX.home1.net:5070;user=phone", NULL) == profile);
  g_assert_null (pl_hss_lookup (hss, "sip:bob@pbx.home1.net:5071", NULL));
  g_assert_null (pl_hss_lookup (hss, "sip:bob@pbx.home1.net", NULL));

  profile = pl_hss_lookup (hss, "<sip:john.doe@home1.net>", "SAR");
  g_assert_nonnull (profile);
  g_assert_null (pl_hss_lookup (hss, "sip:nobody@home1.net", "LIR"));
  g_assert_cmpuint (count_events (trace, "cx"), ==, 2);
  ev = find_event (trace, "cx", 0);
  g_assert_cmpint (ev->kind, ==, PL_EVENT_APP);
  g_assert_cmpint (ev->node, ==, 0);
  g_assert_cmpstr (field (ev, "command"), ==, "SAR");
  g_assert_cmpstr (field (ev, "public-id"), ==, "<sip:john.doe@home1.net>");
  g_assert_cmpstr (field (ev, "result"), ==, "found");
  g_assert_cmpstr (field (ev, "private-id"), ==, "john.doe@home1.net");
  ev = find_event (trace, "cx", 1);
  g_assert_cmpstr (field (ev, "command"), ==, "LIR");
  g_assert_cmpstr (field (ev, "result"), ==, "unknown");
  g_assert_null (field (ev, "private-id"));

  g_assert_cmpstr (pl_hss_get_password (hss, "sip:john.doe@home1.net", &private_id), ==,
                   "secret");
  g_assert_cmpstr (private_id, ==, "john.doe@home1.net");
  g_assert_null (pl_hss_get_password (hss, "sip:bob@home1.net", &private_id));
  g_assert_cmpstr (private_id, ==, "bob@home1.net");
  g_assert_null (pl_hss_get_password (hss, "sip:nobody@home1.net", &private_id));
  g_assert_null (private_id);
  g_assert_cmpuint (count_events (trace, "cx"), ==, 5);
  ev = find_event (trace, "cx", 2);
  g_assert_cmpstr (field (ev, "command"), ==, "MAR");
  g_assert_cmpstr (field (ev, "result"), ==, "found");
  g_assert_cmpstr (field (ev, "private-id"), ==, "john.doe@home1.net");
  g_assert_cmpstr (field (ev, "auth-scheme"), ==, "SIP Digest");
  ev = find_event (trace, "cx", 3);
  g_assert_cmpstr (field (ev, "auth-scheme"), ==, "none");
  ev = find_event (trace, "cx", 4);
  g_assert_cmpstr (field (ev, "command"), ==, "MAR");
  g_assert_cmpstr (field (ev, "result"), ==, "unknown");

  /* The same identity, written differently, in a second subscription. */
  sub = pl_subscription_load (profile_path ("home1.xml"), &error);
  g_assert_no_error (error);
  g_assert_false (pl_hss_add_subscription (hss, sub, &error));
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "'sip:john.doe@home1.net'"));
  g_assert_nonnull (strstr (error->message, "already belongs to the subscription of "
                                            "john.doe@home1.net"));
  g_assert_cmpuint (pl_hss_get_n_subscriptions (hss), ==, 2);
}

static void
on_send (gpointer data)
{
  g_autoptr (GBytes) body = g_bytes_new_static ("hello", 5);

  pl_user_agent_send (PL_USER_AGENT (data), "MESSAGE", "sip:hss.home1.net", NULL, "text/plain",
                      body);
}

static void
test_hss_501 (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSim) sim = pl_sim_new (1);
  g_autoptr (PlNode) ua = g_object_new (PL_TYPE_USER_AGENT, "id", "alice", "host",
                                        "alice.home1.net", "kind", "ua", NULL);
  g_autoptr (PlNode) hss = g_object_new (PL_TYPE_HSS, "id", "hss", "host", "hss.home1.net",
                                         "kind", "hss", NULL);
  const PlLinkParams link = { .latency = PL_MSEC (5), .transport = PL_TRANSPORT_UDP };
  PlTrace *trace = pl_sim_get_trace (sim);
  const PlTraceEvent *ev;
  const PlField *status;

  g_test_summary ("An HSS speaks Cx, not SIP: a request that reaches it is answered 501");

  g_assert_true (pl_sim_add_node (sim, ua, &error));
  g_assert_true (pl_sim_add_node (sim, hss, &error));
  g_assert_no_error (error);
  pl_sim_add_link (sim, ua, hss, &link);
  pl_scheduler_add (pl_sim_get_scheduler (sim), 0, on_send, ua, NULL);
  pl_scheduler_run (pl_sim_get_scheduler (sim));

  ev = find_event (trace, "response", 0);
  g_assert_nonnull (ev);
  g_assert_cmpint (ev->node, ==, 0);
  status = pl_trace_event_get_field (ev, "status");
  g_assert_nonnull (status);
  g_assert_cmpint (status->num, ==, 501);
  g_assert_cmpuint (count_events (trace, "cx"), ==, 0);
}

/* ---- the hss node in a scenario ---- */

static PlScenario *
load_scenario (const char  *name,
               GError     **error)
{
  pl_models_register ();
  return pl_scenario_load (data_path (name), NULL, error);
}

static void
test_hss_scenario (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = load_scenario ("scenario-hss.xml", &error);
  PlHss *hss;
  const char *private_id = NULL;

  g_test_summary ("A scenario's hss node loads each <subscription href> relative to the "
                  "scenario file, with its password");

  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  hss = PL_HSS (pl_sim_find_node (pl_scenario_get_sim (scenario), "hss"));
  g_assert_cmpuint (pl_hss_get_n_subscriptions (hss), ==, 2);
  g_assert_cmpstr (pl_hss_get_password (hss, "sip:john.doe@home1.net", &private_id), ==,
                   "secret");
  g_assert_cmpstr (private_id, ==, "john.doe@home1.net");
  g_assert_null (pl_hss_get_password (hss, "sip:user@domain.com", &private_id));
  g_assert_cmpstr (private_id, ==, "user@domain.com");
  g_assert_cmpstr (pl_node_kind_describe ("hss"), ==,
                   "Home Subscriber Server: IMS subscriptions with TS 29.228 iFC");
}

static void
test_hss_scenario_errors (void)
{
  const struct {
    const char *scenario;
    const char *where;   /* file the error names first */
    int line;
    const char *text;
  } bad[] = {
    { "scenario-missing.xml", "scenario-missing.xml", 5,
      "attribute 'href': cannot load the subscription: " },
    { "scenario-bad-profile.xml", "bad-cnf.xml", 12, "<ConditionTypeCNF>: expected 0 or 1" },
    { "scenario-bad-attr.xml", "scenario-bad-attr.xml", 5,
      "attribute 'pasword' is not allowed on <subscription> (allowed: href, password)" },
    { "scenario-duplicate.xml", "scenario-duplicate.xml", 6,
      "already belongs to the subscription of john.doe@home1.net" },
  };

  g_test_summary ("Scenario errors of an hss node: a missing profile names the scenario's "
                  "line and the missing path; an error inside a profile names the profile's "
                  "own file:line");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlScenario) scenario = load_scenario (bad[i].scenario, &error);
      g_autofree char *where = g_strdup_printf ("%s:%d:", data_path (bad[i].where),
                                                bad[i].line);

      g_test_message ("%s: %s", bad[i].scenario, error ? error->message : "(no error)");
      g_assert_null (scenario);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, bad[i].text));
      if (i == 0)
        g_assert_nonnull (strstr (error->message, "no-such-profile.xml: cannot open the file"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/ifc/spt/request-uri", test_spt_request_uri);
  g_test_add_func ("/pl/ifc/spt/method", test_spt_method);
  g_test_add_func ("/pl/ifc/spt/registration-type", test_spt_registration_type);
  g_test_add_func ("/pl/ifc/spt/sip-header", test_spt_sip_header);
  g_test_add_func ("/pl/ifc/spt/sip-header-presence", test_spt_sip_header_presence);
  g_test_add_func ("/pl/ifc/spt/session-case", test_spt_session_case);
  g_test_add_func ("/pl/ifc/spt/session-description", test_spt_session_description);
  g_test_add_func ("/pl/ifc/negated", test_negated);
  g_test_add_func ("/pl/ifc/cnf-dnf", test_cnf_dnf);
  g_test_add_func ("/pl/ifc/group-numbers", test_group_numbers);
  g_test_add_func ("/pl/ifc/no-trigger", test_no_trigger);
  g_test_add_func ("/pl/ifc/profile-part", test_profile_part);
  g_test_add_func ("/pl/ifc/application-server", test_application_server);
  g_test_add_func ("/pl/ifc/priority-order", test_priority_order);
  g_test_add_func ("/pl/ifc/profile/home1", test_profile_home1);
  g_test_add_func ("/pl/ifc/profile/domain", test_profile_domain);
  g_test_add_func ("/pl/ifc/errors", test_errors);
  g_test_add_func ("/pl/ifc/errors/doctype", test_doctype_no_leak);
  g_test_add_func ("/pl/ifc/errors/missing-file", test_missing_profile);
  g_test_add_func ("/pl/ifc/hss/lookup", test_hss_lookup);
  g_test_add_func ("/pl/ifc/hss/501", test_hss_501);
  g_test_add_func ("/pl/ifc/hss/scenario", test_hss_scenario);
  g_test_add_func ("/pl/ifc/hss/scenario-errors", test_hss_scenario_errors);

  return g_test_run ();
}
