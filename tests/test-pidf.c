/* test-pidf.c: PIDF documents with the OMA device-profile extension
 * (models/pl-pidf.c, SIP Push §8.1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-pidf.h"
#include "pl-xml.h"

#define SPEC_PROFILE "http://example.com/UAProf/d123r100.xml"
#define SPEC_DEVICE_ID "urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a"

static const char *
data_path (const char *name)
{
  return g_test_get_filename (G_TEST_DIST, "data", "pidf", name, NULL);
}

/* Parses a fixture from memory, as a SIP body would be, named by its path. */
static PlPidf *
parse_file (const char  *name,
            GError     **error)
{
  const char *path = data_path (name);
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &local));
  g_assert_no_error (local);
  return pl_pidf_parse (contents, length, path, error);
}

static PlPidf *
parse_ok (const char *name)
{
  g_autoptr (GError) error = NULL;
  PlPidf *pidf = parse_file (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pidf);
  return pidf;
}

static PlPidf *
reparse (const PlPidf *pidf,
         char        **text)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  PlPidf *again;

  *text = pl_pidf_write (pidf, &len);
  g_assert_nonnull (*text);
  g_assert_cmpuint (strlen (*text), ==, len);
  again = pl_pidf_parse (*text, len, "written", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  return again;
}

/* The offset of @needle in @haystack; fails when absent. */
static gsize
offset_of (const char *haystack,
           const char *needle)
{
  const char *at = strstr (haystack, needle);

  if (at == NULL)
    g_test_message ("'%s' not found in:\n%s", needle, haystack);
  g_assert_nonnull (at);
  return at - haystack;
}

/* ---- the spec's example ---- */

static void
test_spec_example_as_printed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = NULL;
  g_autofree char *where = g_strdup_printf ("%s:5:5: ", data_path ("spec-example.xml"));

  g_test_summary ("The §8.1 example as printed declares xmlns:pdm=\" urn:ietf:params:xml:ns:"
                  "pidf:data-model\" (a leading space): it is refused at that attribute, "
                  "saying what the namespace name should be, instead of its person and "
                  "device silently becoming unknown extension elements");

  pidf = parse_file ("spec-example.xml", &error);
  g_test_message ("%s", error ? error->message : "(no error)");
  g_assert_null (pidf);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_nonnull (strstr (error->message, "' urn:ietf:params:xml:ns:pidf:data-model' of prefix "
                                            "'pdm' starts with a space"));
  g_assert_nonnull (strstr (error->message,
                            "expected 'urn:ietf:params:xml:ns:pidf:data-model'"));
}

static void
test_spec_example_corrected (void)
{
  g_autoptr (PlPidf) pidf = parse_ok ("spec-example-fixed.xml");
  g_auto (GStrv) profiles = pl_pidf_dup_device_profiles (pidf);
  const char * const expected[] = { SPEC_PROFILE, NULL };
  const PlPidfTuple *tuple;
  const PlPidfDevice *device;

  g_test_summary ("The §8.1 example with its namespace corrected: the device-profile URL, "
                  "deviceID, tuple and person are read, and the rpid and oma-pres "
                  "extensions are kept");

  g_assert_cmpstr (pl_pidf_get_entity (pidf), ==, "sip:someone@example.com");
  g_assert_cmpuint (pl_pidf_get_n_tuples (pidf), ==, 1);
  tuple = pl_pidf_get_tuple (pidf, 0);
  g_assert_cmpstr (pl_pidf_tuple_get_id (tuple), ==, "a1232");
  g_assert_cmpint (pl_pidf_tuple_get_basic (tuple), ==, PL_PIDF_BASIC_CLOSED);
  g_assert_cmpstr (pl_pidf_tuple_get_contact (tuple), ==, "sip:my_name@example.com");
  g_assert_cmpstr (pl_pidf_tuple_get_timestamp (tuple), ==, "2005-02-22T20:07:07Z");
  g_assert_null (pl_pidf_tuple_get_note (tuple));

  g_assert_cmpuint (pl_pidf_get_n_persons (pidf), ==, 1);
  g_assert_cmpstr (pl_pidf_person_get_id (pl_pidf_get_person (pidf, 0)), ==, "a1233");
  g_assert_cmpstr (pl_pidf_person_get_timestamp (pl_pidf_get_person (pidf, 0)), ==,
                   "2005-02-22T20:07:07Z");

  g_assert_cmpuint (pl_pidf_get_n_devices (pidf), ==, 1);
  device = pl_pidf_get_device (pidf, 0);
  g_assert_cmpstr (pl_pidf_device_get_id (device), ==, "a1234");
  g_assert_cmpstr (pl_pidf_device_get_device_id (device), ==, SPEC_DEVICE_ID);
  g_assert_cmpstr (pl_pidf_device_get_device_profile (device), ==, SPEC_PROFILE);
  g_assert_cmpstr (pl_pidf_device_get_timestamp (device), ==, "2005-02-22T20:07:07Z");
  g_assert_cmpstr (pl_pidf_get_device_profile (pidf, 0), ==, SPEC_PROFILE);
  g_assert_true (g_strv_equal ((const char * const *) profiles, expected));
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
    { "wrong-root.xml", 2, "the root element is <reginfo>: expected <presence> of namespace "
                           "urn:ietf:params:xml:ns:pidf" },
    { "wrong-namespace.xml", 2, "<presence> is in namespace 'urn:ietf:params:xml:ns:cpim-pidf': "
                                "expected namespace urn:ietf:params:xml:ns:pidf" },
    { "missing-entity.xml", 2, "<presence> has no entity: expected entity=" },
    { "tuple-no-id.xml", 6, "<tuple> has no id: expected id=" },
    { "tuple-no-status.xml", 6, "<tuple id=\"t1\"> has no <status>: expected one" },
    { "duplicate-id.xml", 9, "id 'a1' is already the id of the <tuple> on line 6: expected each "
                             "id once" },
    { "bad-id.xml", 6, "id '1 person' of <pdm:person> is not an XML name" },
    { "device-profile-not-http.xml", 7, "<od:device-profile> 'ftp://example.com/UAProf/"
                                        "d123r100.xml' is not an http: or https: URL: expected" },
    { "device-profile-after-deviceid.xml", 8, "<od:device-profile> comes after <pdm:deviceID> "
                                              "(line 7): expected it before <pdm:deviceID> "
                                              "(SIP Push §8.1" },
    { "two-device-profiles.xml", 8, "a second <od:device-profile> in <pdm:device id=\"d1\"> "
                                    "(the first is on line 7): expected at most one" },
    { "device-no-deviceid.xml", 6, "<pdm:device id=\"d1\"> has no <pdm:deviceID>: expected one" },
    { "extension-after-deviceid.xml", 10, "<op:network-availability> comes after <pdm:deviceID> "
                                          "(line 9): expected every element outside the "
                                          "data-model namespace before <pdm:deviceID>" },
    { "device-profile-in-tuple.xml", 8, "<od:device-profile> in <tuple>: expected it in a "
                                        "<pdm:device>, before its <pdm:deviceID>" },
    { "unknown-od-element.xml", 7, "unknown element <od:device-profiles>: the oma-device "
                                   "namespace has only <device-profile>" },
    { "bad-basic.xml", 8, "<basic> is 'busy': expected open or closed" },
    { "bad-timestamp.xml", 8, "<timestamp> 'yesterday' is not a date and time: expected an "
                              "xs:dateTime" },
    { "unknown-pidf-element.xml", 8, "unknown element <contacts> in <tuple>: expected <status>, "
                                     "<contact>, <note>, <timestamp> or an element of another "
                                     "namespace" },
    { "no-namespace-element.xml", 5, "<capability> in <tuple> is in no namespace" },
    { "namespace-case.xml", 4, "'urn:oma:params:xml:ns:pidf:OMA-device' of prefix 'od' differs "
                               "in letter case: expected 'urn:oma:params:xml:ns:pidf:oma-device'" },
    { "namespace-typo.xml", 3, "'urn:ietf:params:xml:ns:pidf:data-modle' of prefix 'pdm' is one or "
                               "two characters away from 'urn:ietf:params:xml:ns:pidf:data-model'" },
    { "text-in-tuple.xml", 6, "<tuple> contains the text 'open': expected only elements" },
    { "not-well-formed.xml", 8, "Opening and ending tag mismatch: tuple" },
  };

  g_test_summary ("Every malformed document fails with ORIGIN:LINE: and what was expected: "
                  "wrong root or namespace, no entity, tuple without id or status, duplicate "
                  "or malformed ids, a device-profile that is not an http(s) URL, comes after "
                  "deviceID (§8.1), appears twice (maxOccurs=1) or outside a device, a device "
                  "without deviceID, bad values, unknown and unqualified elements, a "
                  "namespace name off by letter case or misspelt, stray text, XML that is not "
                  "well-formed");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlPidf) pidf = parse_file (bad[i].file, &error);
      g_autofree char *where = g_strdup_printf ("%s:%d:", data_path (bad[i].file), bad[i].line);

      g_test_message ("%s: %s", bad[i].file, error ? error->message : "(no error)");
      g_assert_null (pidf);
      g_assert_nonnull (error);
      g_assert_true (error->domain == PL_SCENARIO_ERROR);
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, bad[i].text));
    }
}

static void
test_doctype (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = NULL;
  g_autofree char *where = g_strdup_printf ("%s:2:1: ", data_path ("doctype-entity.xml"));
  g_autofree char *passwd = NULL;

  g_test_summary ("A body whose DOCTYPE declares an external entity is refused at the DOCTYPE, "
                  "before the entity is read: nothing of its target reaches the message");

  pidf = parse_file ("doctype-entity.xml", &error);
  g_assert_null (pidf);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_nonnull (strstr (error->message, "a DOCTYPE is not allowed"));
  g_assert_null (strstr (error->message, "root:"));
  if (g_file_get_contents ("/etc/passwd", &passwd, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (passwd, "\n", 2);

      if (lines[0] && strlen (lines[0]) > 8)
        g_assert_null (strstr (error->message, lines[0]));
    }
}

static void
test_memory_origin (void)
{
  const char body[] =
    "<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:ue@home1.net'>\n"
    "  <tuple id='t1'><status><basic>open</basic></status></tuple>\n"
    "</presence>\n"
    "<this is past the body's length";
  const char broken[] =
    "<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:ue@home1.net'>\n"
    "  <tuple id='t1'><status><basic>open</basic></status></tuple>\n"
    "  <tuple id='t1'><status><basic>closed</basic></status></tuple>\n"
    "</presence>\n";
  gsize length = strstr (body, "<this") - body;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = NULL;

  g_test_summary ("A SIP body is parsed from memory up to its length, and its errors are "
                  "named by the origin the caller gives, with line and column");

  pidf = pl_pidf_parse (body, length, "PUBLISH from ue", &error);
  g_assert_no_error (error);
  g_assert_nonnull (pidf);
  g_assert_cmpuint (pl_pidf_get_n_tuples (pidf), ==, 1);
  g_clear_pointer (&pidf, pl_pidf_free);

  pidf = pl_pidf_parse (body, sizeof body - 1, "PUBLISH from ue", &error);
  g_assert_null (pidf);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, "PUBLISH from ue:4:"));
  g_clear_error (&error);

  pidf = pl_pidf_parse (broken, sizeof broken - 1, "PUBLISH from ue", &error);
  g_assert_null (pidf);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "PUBLISH from ue:3:10: id 't1' is already the id of the <tuple> on line 2: "
                   "expected each id once in a document (xs:ID)");
  g_clear_error (&error);

  pidf = pl_pidf_parse ("  \r\n", 4, "NOTIFY to psa", &error);
  g_assert_null (pidf);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==,
                   "NOTIFY to psa:1:1: the document is empty: expected a <presence> element");
}

static void
test_device_profile_url (void)
{
  const struct {
    const char *url;
    gboolean ok;
  } cases[] = {
    { SPEC_PROFILE, TRUE },
    { "https://uaprof.example.com:8443/phone.rdf?v=2", TRUE },
    { "HTTP://EXAMPLE.COM/UAProf/d123r100.xml", TRUE },
    { "ftp://example.com/UAProf/d123r100.xml", FALSE },
    { "d123r100.xml", FALSE },
    { "/UAProf/d123r100.xml", FALSE },
    { "http:/UAProf/d123r100.xml", FALSE },
    { "http://exa mple.com/d123r100.xml", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  g_test_summary ("A device-profile is an absolute http: or https: URL with a host "
                  "(§8.1.3.3: a publicly accessible HTTP URL)");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].url ? cases[i].url : "(null)");
      g_assert_cmpint (pl_pidf_is_device_profile_url (cases[i].url), ==, cases[i].ok);
    }
}

/* ---- writing ---- */

static void
test_round_trip (void)
{
  g_autoptr (PlPidf) pidf = parse_ok ("spec-example-fixed.xml");
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  g_autoptr (PlPidf) again = reparse (pidf, &text);
  g_autoptr (PlPidf) third = reparse (again, &text_again);

  g_test_summary ("Written and parsed again, the corrected §8.1 example keeps its tuple, "
                  "person, device, device-profile and every extension element (rpid, "
                  "oma-pres), with their prefixes declared once on <presence>; writing "
                  "it again gives the same bytes");

  g_assert_cmpstr (text, ==, text_again);
  g_assert_cmpstr (pl_pidf_get_device_profile (third, 0), ==, SPEC_PROFILE);
  g_assert_cmpstr (pl_pidf_get_entity (again), ==, "sip:someone@example.com");
  g_assert_cmpstr (pl_pidf_tuple_get_contact (pl_pidf_get_tuple (again, 0)), ==,
                   "sip:my_name@example.com");
  g_assert_cmpint (pl_pidf_tuple_get_basic (pl_pidf_get_tuple (again, 0)), ==,
                   PL_PIDF_BASIC_CLOSED);
  g_assert_cmpstr (pl_pidf_person_get_id (pl_pidf_get_person (again, 0)), ==, "a1233");
  g_assert_cmpstr (pl_pidf_device_get_device_id (pl_pidf_get_device (again, 0)), ==,
                   SPEC_DEVICE_ID);
  g_assert_cmpstr (pl_pidf_get_device_profile (again, 0), ==, SPEC_PROFILE);

  offset_of (text, "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
                   "xmlns:pdm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
                   "xmlns:od=\"urn:oma:params:xml:ns:pidf:oma-device\" "
                   "xmlns:op=\"urn:oma:params:xml:ns:pidf:oma-pres\" "
                   "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" "
                   "entity=\"sip:someone@example.com\">");
  g_assert_null (strstr (text + offset_of (text, "entity="), "xmlns"));
  g_assert_cmpuint (offset_of (text, "<op:willingness>"), <,
                    offset_of (text, "<rpid:status-icon>http://example.com/~my-icons/PoC-Alert "
                                     "</rpid:status-icon>"));
  g_assert_cmpuint (offset_of (text, "<status>"), <, offset_of (text, "<op:willingness>"));
  offset_of (text, "<rpid:place-type>");
  offset_of (text, "<rpid:class>forfriends</rpid:class>");
  g_assert_cmpuint (offset_of (text, "<op:network id=\"GPRS\"/>"), <,
                    offset_of (text, "<od:device-profile>"));
}

static void
test_write_builder (void)
{
  g_autoptr (PlPidf) pidf = pl_pidf_new ("sip:john.doe@home1.net");
  PlPidfDevice *device;
  PlPidfTuple *tuple;
  g_autofree char *text = NULL;
  g_autoptr (PlPidf) again = NULL;
  const char *expected =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
    "xmlns:pdm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
    "xmlns:od=\"urn:oma:params:xml:ns:pidf:oma-device\" entity=\"sip:john.doe@home1.net\">\n"
    "  <tuple id=\"push\">\n"
    "    <status>\n"
    "      <basic>open</basic>\n"
    "    </status>\n"
    "    <contact>sip:john.doe@home1.net</contact>\n"
    "    <note>OMA Push &amp; MMS</note>\n"
    "    <timestamp>2008-01-10T10:00:00Z</timestamp>\n"
    "  </tuple>\n"
    "  <pdm:device id=\"d1\">\n"
    "    <od:device-profile>http://uaprof.example.com/phone-v1.xml</od:device-profile>\n"
    "    <pdm:deviceID>urn:uuid:11111111-2222-3333-4444-555555555555</pdm:deviceID>\n"
    "    <pdm:timestamp>2008-01-10T10:00:00Z</pdm:timestamp>\n"
    "  </pdm:device>\n"
    "  <pdm:device id=\"d2\">\n"
    "    <pdm:deviceID>urn:uuid:66666666-7777-8888-9999-000000000000</pdm:deviceID>\n"
    "  </pdm:device>\n"
    "</presence>\n";

  g_test_summary ("A Push Receiver agent's document built with the builders is written "
                  "with the PIDF namespace as default, pdm and od prefixes, and each "
                  "<od:device-profile> before its <pdm:deviceID> (§8.1)");

  device = pl_pidf_add_device (pidf, "d1", "urn:uuid:11111111-2222-3333-4444-555555555555",
                               "http://uaprof.example.com/phone-v1.xml");
  g_assert_nonnull (device);
  pl_pidf_device_set_timestamp (device, "2008-01-10T10:00:00Z");
  g_assert_nonnull (pl_pidf_add_device (pidf, "d2",
                                        "urn:uuid:66666666-7777-8888-9999-000000000000", NULL));
  tuple = pl_pidf_add_tuple (pidf, "push", PL_PIDF_BASIC_OPEN, "sip:john.doe@home1.net");
  g_assert_nonnull (tuple);
  pl_pidf_tuple_set_note (tuple, "OMA Push & MMS");
  pl_pidf_tuple_set_timestamp (tuple, "2008-01-10T10:00:00Z");

  again = reparse (pidf, &text);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (pl_pidf_tuple_get_note (pl_pidf_get_tuple (again, 0)), ==, "OMA Push & MMS");
  g_assert_cmpstr (pl_pidf_get_device_profile (again, 0), ==,
                   "http://uaprof.example.com/phone-v1.xml");
  g_assert_null (pl_pidf_get_device_profile (again, 1));
}

static void
test_builder_preconditions (void)
{
  g_autoptr (PlPidf) pidf = pl_pidf_new ("sip:john.doe@home1.net");

  g_test_summary ("The builders refuse, with a critical, an id used twice and a "
                  "device-profile that is not an http(s) URL: they cannot write an invalid "
                  "document");

  g_assert_nonnull (pl_pidf_add_tuple (pidf, "x", PL_PIDF_BASIC_CLOSED, NULL));
  g_test_expect_message ("pl-pidf", G_LOG_LEVEL_CRITICAL, "*find_component*");
  g_assert_null (pl_pidf_add_device (pidf, "x", "urn:uuid:1", NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message ("pl-pidf", G_LOG_LEVEL_CRITICAL, "*pl_pidf_is_device_profile_url*");
  g_assert_null (pl_pidf_add_device (pidf, "d", "urn:uuid:1", "ftp://example.com/p.xml"));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (pl_pidf_get_n_devices (pidf), ==, 0);
}

static void
test_tuple_only (void)
{
  g_autoptr (PlPidf) pidf = parse_ok ("tuple-only.xml");
  g_auto (GStrv) profiles = pl_pidf_dup_device_profiles (pidf);
  g_autofree char *text = NULL;
  g_autoptr (PlPidf) again = reparse (pidf, &text);
  const PlPidfTuple *tuple = pl_pidf_get_tuple (pidf, 0);

  g_test_summary ("A plain RFC 3863 document with one tuple and no data-model elements: "
                  "no person, no device, no device-profile; the contact priority and the "
                  "note's language survive a round trip");

  g_assert_cmpstr (pl_pidf_get_entity (pidf), ==, "pres:someone@example.com");
  g_assert_cmpuint (pl_pidf_get_n_tuples (pidf), ==, 1);
  g_assert_cmpuint (pl_pidf_get_n_persons (pidf), ==, 0);
  g_assert_cmpuint (pl_pidf_get_n_devices (pidf), ==, 0);
  g_assert_nonnull (profiles);
  g_assert_null (profiles[0]);
  g_assert_cmpstr (pl_pidf_tuple_get_id (tuple), ==, "sg89ae");
  g_assert_cmpint (pl_pidf_tuple_get_basic (tuple), ==, PL_PIDF_BASIC_OPEN);
  g_assert_cmpstr (pl_pidf_tuple_get_contact (tuple), ==, "tel:+09012345678");
  g_assert_cmpstr (pl_pidf_tuple_get_note (tuple), ==, "Don't Disturb Please!");
  g_assert_cmpstr (pl_pidf_tuple_get_timestamp (tuple), ==, "2001-10-27T16:49:29Z");

  offset_of (text, "<contact priority=\"0.8\">tel:+09012345678</contact>");
  offset_of (text, "<note xml:lang=\"en\">Don't Disturb Please!</note>");
  g_assert_cmpstr (pl_pidf_tuple_get_note (pl_pidf_get_tuple (again, 0)), ==,
                   "Don't Disturb Please!");
}

static void
test_unqualified_in_extension (void)
{
  const char body[] =
    "<p:presence xmlns:p='urn:ietf:params:xml:ns:pidf' entity='sip:ue@home1.net'>"
    "<p:tuple id='t1'><p:status/>"
    "<x:caps xmlns:x='urn:example:caps'><push>yes</push></x:caps>"
    "</p:tuple></p:presence>";
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = pl_pidf_parse (body, sizeof body - 1, "PUBLISH", &error);
  g_autofree char *text = NULL;
  g_autoptr (PlPidf) again = NULL;

  g_test_summary ("An element in no namespace inside an extension stays in no namespace "
                  "when written under the PIDF default namespace (xmlns=\"\"), and a "
                  "<status> without <basic> is kept as such");

  g_assert_no_error (error);
  g_assert_nonnull (pidf);
  g_assert_cmpint (pl_pidf_tuple_get_basic (pl_pidf_get_tuple (pidf, 0)), ==,
                   PL_PIDF_BASIC_NONE);
  again = reparse (pidf, &text);
  offset_of (text, "<x:caps>\n      <push xmlns=\"\">yes</push>\n    </x:caps>");
  offset_of (text, "xmlns:x=\"urn:example:caps\" entity=");
  offset_of (text, "<status/>");
}

/* ---- composition ---- */

static PlPidf *
compose_files (const char * const *names)
{
  g_autoptr (GPtrArray) pubs = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_pidf_free);

  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (pubs, parse_ok (names[i]));
  return pl_pidf_compose ((PlPidf * const *) pubs->pdata, pubs->len);
}

static void
assert_ids (const PlPidf       *pidf,
            const char * const *tuples,
            const char * const *devices)
{
  guint n_tuples = g_strv_length ((char **) tuples);
  guint n_devices = g_strv_length ((char **) devices);

  g_assert_cmpuint (pl_pidf_get_n_tuples (pidf), ==, n_tuples);
  for (guint i = 0; i < n_tuples; i++)
    g_assert_cmpstr (pl_pidf_tuple_get_id (pl_pidf_get_tuple (pidf, i)), ==, tuples[i]);
  g_assert_cmpuint (pl_pidf_get_n_devices (pidf), ==, n_devices);
  for (guint i = 0; i < n_devices; i++)
    g_assert_cmpstr (pl_pidf_device_get_id (pl_pidf_get_device (pidf, i)), ==, devices[i]);
}

static void
test_compose (void)
{
  const char * const files[] = { "publication-1.xml", "publication-2.xml", NULL };
  const char * const tuples[] = { "push", "im", "mms", NULL };
  const char * const devices[] = { "d1", "d2", NULL };
  const char * const profiles_expected[] = { "http://uaprof.example.com/phone-v1.xml",
                                             "https://uaprof.example.com/tablet.xml", NULL };
  g_autoptr (PlPidf) pidf = compose_files (files);
  g_auto (GStrv) profiles = pl_pidf_dup_device_profiles (pidf);
  const PlPidfTuple *push;

  g_test_summary ("Composition is the union of the publications' tuples, persons and "
                  "devices; a tuple whose id comes again in a later publication is replaced "
                  "by the later one where it stood, new ones follow in publication order");

  g_assert_cmpstr (pl_pidf_get_entity (pidf), ==, "sip:john.doe@home1.net");
  assert_ids (pidf, tuples, devices);
  push = pl_pidf_get_tuple (pidf, 0);
  g_assert_cmpint (pl_pidf_tuple_get_basic (push), ==, PL_PIDF_BASIC_CLOSED);
  g_assert_null (pl_pidf_tuple_get_note (push));
  g_assert_cmpint (pl_pidf_tuple_get_basic (pl_pidf_get_tuple (pidf, 1)), ==, PL_PIDF_BASIC_OPEN);
  g_assert_cmpuint (pl_pidf_get_n_persons (pidf), ==, 1);
  g_assert_cmpstr (pl_pidf_person_get_id (pl_pidf_get_person (pidf, 0)), ==, "p1");
  g_assert_true (g_strv_equal ((const char * const *) profiles, profiles_expected));
}

static void
test_compose_order (void)
{
  const char * const files[] = { "publication-2.xml", "publication-1.xml", NULL };
  const char * const tuples[] = { "push", "mms", "im", NULL };
  const char * const devices[] = { "d2", "d1", NULL };
  g_autoptr (PlPidf) pidf = compose_files (files);
  const PlPidfTuple *push;

  g_test_summary ("The same publications the other way round: the later one still wins "
                  "(the open push tuple with its note) and the order is that of first "
                  "appearance");

  assert_ids (pidf, tuples, devices);
  push = pl_pidf_get_tuple (pidf, 0);
  g_assert_cmpint (pl_pidf_tuple_get_basic (push), ==, PL_PIDF_BASIC_OPEN);
  g_assert_cmpstr (pl_pidf_tuple_get_note (push), ==, "push receiver");
}

static void
test_compose_device_id (void)
{
  const char * const files[] = { "publication-1.xml", "publication-2.xml",
                                 "publication-3.xml", NULL };
  const char * const tuples[] = { "push", "im", "mms", NULL };
  const char * const devices[] = { "d1-bis", "d2", NULL };
  g_autoptr (PlPidf) pidf = compose_files (files);
  const PlPidfDevice *device;
  g_autofree char *text = NULL;
  g_autoptr (PlPidf) again = NULL;

  g_test_summary ("§8.1.3.4: devices compose by the OMA Presence rule: a later publication's "
                  "device with the same deviceID under another id replaces the earlier one "
                  "where it stood, wins where both say something (timestamp) and keeps "
                  "what only the earlier had (its device-profile)");

  assert_ids (pidf, tuples, devices);
  device = pl_pidf_get_device (pidf, 0);
  g_assert_cmpstr (pl_pidf_device_get_device_id (device), ==,
                   "urn:uuid:11111111-2222-3333-4444-555555555555");
  g_assert_cmpstr (pl_pidf_device_get_device_profile (device), ==,
                   "http://uaprof.example.com/phone-v1.xml");
  g_assert_cmpstr (pl_pidf_device_get_timestamp (device), ==, "2008-01-10T11:30:00Z");

  again = reparse (pidf, &text);
  g_assert_cmpuint (offset_of (text, "<op:network id=\"GPRS\"/>"), <,
                    offset_of (text, "<od:device-profile>http://uaprof.example.com/"
                                     "phone-v1.xml</od:device-profile>"));
  g_assert_cmpuint (offset_of (text, "<od:device-profile>http://uaprof.example.com/"
                                     "phone-v1.xml"), <,
                    offset_of (text, "<pdm:deviceID>urn:uuid:1111"));
}

static void
test_compose_id_across_kinds (void)
{
  g_autoptr (PlPidf) first = pl_pidf_new ("sip:john.doe@home1.net");
  g_autoptr (PlPidf) second = pl_pidf_new ("sip:other@home1.net");
  g_autoptr (PlPidf) pidf = NULL;

  g_test_summary ("An id is unique across tuples, persons and devices (xs:ID): a later "
                  "device with the id of an earlier tuple replaces it, so the composed "
                  "document stays valid; the entity is the first publication's");

  g_assert_nonnull (pl_pidf_add_tuple (first, "x", PL_PIDF_BASIC_OPEN, NULL));
  g_assert_nonnull (pl_pidf_add_tuple (first, "y", PL_PIDF_BASIC_OPEN, NULL));
  g_assert_nonnull (pl_pidf_add_device (second, "x", "urn:uuid:1", SPEC_PROFILE));
  pidf = pl_pidf_compose ((PlPidf *[]) { first, second }, 2);

  g_assert_cmpstr (pl_pidf_get_entity (pidf), ==, "sip:john.doe@home1.net");
  g_assert_cmpuint (pl_pidf_get_n_tuples (pidf), ==, 1);
  g_assert_cmpstr (pl_pidf_tuple_get_id (pl_pidf_get_tuple (pidf, 0)), ==, "y");
  g_assert_cmpuint (pl_pidf_get_n_devices (pidf), ==, 1);
  g_assert_cmpstr (pl_pidf_device_get_id (pl_pidf_get_device (pidf, 0)), ==, "x");
  g_assert_cmpstr (pl_pidf_get_device_profile (pidf, 0), ==, SPEC_PROFILE);
}

static void
test_compose_one (void)
{
  g_autoptr (PlPidf) pidf = parse_ok ("spec-example-fixed.xml");
  g_autoptr (PlPidf) composed = pl_pidf_compose (&pidf, 1);
  g_autoptr (PlPidf) twice = pl_pidf_compose ((PlPidf *[]) { pidf, pidf }, 2);
  g_autofree char *text = pl_pidf_write (pidf, NULL);
  g_autofree char *text_composed = pl_pidf_write (composed, NULL);
  g_autofree char *text_twice = pl_pidf_write (twice, NULL);

  g_test_summary ("One publication composes to itself, and so does a publication repeated");

  g_assert_cmpstr (text_composed, ==, text);
  g_assert_cmpstr (text_twice, ==, text);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/pidf/spec-example/as-printed", test_spec_example_as_printed);
  g_test_add_func ("/pl/pidf/spec-example/corrected", test_spec_example_corrected);
  g_test_add_func ("/pl/pidf/errors", test_errors);
  g_test_add_func ("/pl/pidf/errors/doctype", test_doctype);
  g_test_add_func ("/pl/pidf/errors/memory-origin", test_memory_origin);
  g_test_add_func ("/pl/pidf/device-profile-url", test_device_profile_url);
  g_test_add_func ("/pl/pidf/write/round-trip", test_round_trip);
  g_test_add_func ("/pl/pidf/write/builder", test_write_builder);
  g_test_add_func ("/pl/pidf/write/builder-preconditions", test_builder_preconditions);
  g_test_add_func ("/pl/pidf/write/unqualified-in-extension", test_unqualified_in_extension);
  g_test_add_func ("/pl/pidf/tuple-only", test_tuple_only);
  g_test_add_func ("/pl/pidf/compose/union", test_compose);
  g_test_add_func ("/pl/pidf/compose/order", test_compose_order);
  g_test_add_func ("/pl/pidf/compose/device-id", test_compose_device_id);
  g_test_add_func ("/pl/pidf/compose/id-across-kinds", test_compose_id_across_kinds);
  g_test_add_func ("/pl/pidf/compose/one", test_compose_one);

  return g_test_run ();
}
