/* test-uaprof.c: OMA User Agent Profiles (pl-uaprof.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-uaprof.h"
#include "pl-xml.h"

static const char *
data_path (const char *file)
{
  return g_test_get_filename (G_TEST_DIST, "data", "uaprof", file, NULL);
}

static const char *
shipped_path (const char *file)
{
  return g_test_get_filename (G_TEST_DIST, "..", "data", "uaprof", file, NULL);
}

static PlUaprof *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  PlUaprof *uaprof = pl_uaprof_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (uaprof);
  return uaprof;
}

static void
assert_strv (const char * const *got,
             const char * const *expected)
{
  guint n = 0;

  g_assert_nonnull (got);
  while (got[n] != NULL)
    n++;
  g_assert_cmpuint (n, ==, g_strv_length ((char **) expected));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (got[i], ==, expected[i]);
}

/* ---- the shipped profiles ---- */

static void
test_syncml_phone (void)
{
  g_autoptr (PlUaprof) uaprof = load (shipped_path ("syncml-phone.rdf"));
  const char *types[] = {
    "text/plain", "application/vnd.wap.mms-message", "application/vnd.syncml.ds.notification",
    NULL,
  };
  const char *apps[] = {
    "x-wap-application:push.syncml", "0x05", "x-wap-application:mms.ua", NULL,
  };

  g_test_summary ("data/uaprof/syncml-phone.rdf: vendor and model from HardwarePlatform; "
                  "the union of CcppAccept and Push-Accept in document order, each once; "
                  "the push application ids and Push-MsgSize of PushCharacteristics; the "
                  "other properties and components are skipped");

  g_assert_cmpstr (pl_uaprof_get_vendor (uaprof), ==, "PushLab Devices");
  g_assert_cmpstr (pl_uaprof_get_model (uaprof), ==, "SX-200");
  assert_strv (pl_uaprof_get_content_types (uaprof), types);
  assert_strv (pl_uaprof_get_push_app_ids (uaprof), apps);
  g_assert_cmpuint (pl_uaprof_get_push_msg_size (uaprof), ==, 1400);

  g_assert_true (pl_uaprof_accepts (uaprof, "application/vnd.syncml.ds.notification"));
  g_assert_true (pl_uaprof_accepts (uaprof, "application/vnd.wap.mms-message"));
  g_assert_true (pl_uaprof_accepts (uaprof, "text/plain"));
  g_assert_false (pl_uaprof_accepts (uaprof, "image/jpeg"));
  g_assert_false (pl_uaprof_accepts (uaprof, "text/html"));
  /* InputCharSet and CcppAccept-Charset are bags too, of charsets. */
  g_assert_false (pl_uaprof_accepts (uaprof, "UTF-8"));
}

static void
test_basic_phone (void)
{
  g_autoptr (PlUaprof) uaprof = load (shipped_path ("basic-phone.rdf"));
  const char *types[] = { "text/plain", "image/jpeg", NULL };
  const char *none[] = { NULL };

  g_test_summary ("data/uaprof/basic-phone.rdf (WAP Forum 20010430 namespace): text/plain "
                  "and image/jpeg only, no SyncML, no PushCharacteristics: no push "
                  "application ids and an unknown (0) Push-MsgSize");

  g_assert_cmpstr (pl_uaprof_get_vendor (uaprof), ==, "PushLab Devices");
  g_assert_cmpstr (pl_uaprof_get_model (uaprof), ==, "B-10");
  assert_strv (pl_uaprof_get_content_types (uaprof), types);
  assert_strv (pl_uaprof_get_push_app_ids (uaprof), none);
  g_assert_cmpuint (pl_uaprof_get_push_msg_size (uaprof), ==, 0);

  g_assert_false (pl_uaprof_accepts (uaprof, "application/vnd.syncml.ds.notification"));
  g_assert_false (pl_uaprof_accepts (uaprof, "application/vnd.wap.mms-message"));
  g_assert_true (pl_uaprof_accepts (uaprof, "text/plain"));
  g_assert_true (pl_uaprof_accepts (uaprof, "image/jpeg"));
}

/* ---- accepts() ---- */

static void
test_accepts_case_and_parameters (void)
{
  g_autoptr (PlUaprof) uaprof = load (shipped_path ("syncml-phone.rdf"));

  g_test_summary ("Type and subtype compare without regard to case; parameters of the "
                  "asked type are ignored; something that is not type/subtype is never "
                  "accepted");

  g_assert_true (pl_uaprof_accepts (uaprof, "Application/VND.SyncML.DS.Notification"));
  g_assert_true (pl_uaprof_accepts (uaprof, "text/plain; charset=UTF-8"));
  g_assert_true (pl_uaprof_accepts (uaprof, "  TEXT/PLAIN;format=flowed"));
  g_assert_false (pl_uaprof_accepts (uaprof, "text/plainx"));
  g_assert_false (pl_uaprof_accepts (uaprof, "text"));
  g_assert_false (pl_uaprof_accepts (uaprof, "text/"));
  g_assert_false (pl_uaprof_accepts (uaprof, "/plain"));
  g_assert_false (pl_uaprof_accepts (uaprof, ""));
  g_assert_false (pl_uaprof_accepts (uaprof, "text/plain garbage"));
  g_assert_false (pl_uaprof_accepts (uaprof, "*/plain"));
}

static void
test_accepts_wildcards (void)
{
  g_autoptr (PlUaprof) uaprof = load (data_path ("wildcards.rdf"));
  g_autoptr (PlUaprof) any = load (data_path ("any-type.rdf"));
  const char *types[] = {
    "text/*", "application/vnd.wap.mms-message", "image/*; q=0.5", NULL,
  };

  g_test_summary ("Media ranges: text/* covers every text subtype and no other type, "
                  "image/* with a parameter still covers images, */* covers any "
                  "type/subtype; a type listed twice in different case is kept once, "
                  "as first written");

  assert_strv (pl_uaprof_get_content_types (uaprof), types);
  g_assert_true (pl_uaprof_accepts (uaprof, "text/plain"));
  g_assert_true (pl_uaprof_accepts (uaprof, "TEXT/X-VCARD"));
  g_assert_true (pl_uaprof_accepts (uaprof, "image/png"));
  g_assert_true (pl_uaprof_accepts (uaprof, "application/vnd.wap.mms-message"));
  g_assert_false (pl_uaprof_accepts (uaprof, "application/vnd.syncml.ds.notification"));
  g_assert_false (pl_uaprof_accepts (uaprof, "audio/amr"));
  g_assert_false (pl_uaprof_accepts (uaprof, "textual/plain"));

  g_assert_true (pl_uaprof_accepts (any, "application/vnd.syncml.ds.notification"));
  g_assert_true (pl_uaprof_accepts (any, "x-custom/thing"));
  g_assert_false (pl_uaprof_accepts (any, "not-a-type"));
}

/* ---- namespaces ---- */

static void
test_namespace_variants (void)
{
  g_autoptr (PlUaprof) uaprof = load (data_path ("typed-nodes.rdf"));
  const char *types[] = { "text/plain", "application/vnd.syncml.ds.notification", NULL };
  const char *apps[] = { "0x05", NULL };

  g_test_summary ("Any namespace whose path holds UAPROF/ccppschema is UAProf, also mixed "
                  "in one profile; typed component nodes, properties as attributes and "
                  "rdf:type as an attribute are read; an MMS vocabulary and an unknown "
                  "component type are skipped");

  g_assert_cmpstr (pl_uaprof_get_vendor (uaprof), ==, "PushLab Devices");
  g_assert_cmpstr (pl_uaprof_get_model (uaprof), ==, "T-1");
  assert_strv (pl_uaprof_get_content_types (uaprof), types);
  assert_strv (pl_uaprof_get_push_app_ids (uaprof), apps);
  g_assert_cmpuint (pl_uaprof_get_push_msg_size (uaprof), ==, 1300);
  g_assert_false (pl_uaprof_accepts (uaprof, "image/gif"));
}

/* A profile whose p: prefix is bound to the namespace given. */
#define PROFILE_IN_NAMESPACE \
  "<?xml version=\"1.0\"?>\n" \
  "<r:RDF xmlns:r=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n" \
  "       xmlns:p=\"%s\">\n" \
  " <r:Description>\n" \
  "  <p:component>\n" \
  "   <p:HardwarePlatform><p:Vendor>V</p:Vendor></p:HardwarePlatform>\n" \
  "  </p:component>\n" \
  " </r:Description>\n" \
  "</r:RDF>\n"

static void
test_namespace_in_memory (void)
{
  static const char *const accepted[] = {
    "http://www.openmobilealliance.org/tech/profiles/UAPROF/ccppschema-20021212#",
    "http://www.wapforum.org/profiles/UAPROF/ccppschema-20010430#",
    "https://profiles.example.net/a/UAPROF/ccppschema-2.0#",
    "urn:x-example:UAPROF/ccppschema#",
  };
  static const char *const refused[] = {
    "http://UAPROF/ccppschema#",
    "http://www.example.com/profiles/uaprof-schema#",
    "http://www.wapforum.org/profiles/MMS/ccppschema-20010111#",
  };

  g_test_summary ("Prefixes are the document's own; a namespace counts when its path "
                  "(after scheme://authority) holds UAPROF/ccppschema, so a host named "
                  "after it or another vocabulary's schema is refused at the component");

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *xml = g_strdup_printf (PROFILE_IN_NAMESPACE, accepted[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlUaprof) uaprof = pl_uaprof_parse (xml, strlen (xml), "memory", &error);

      g_assert_no_error (error);
      g_assert_nonnull (uaprof);
      g_assert_cmpstr (pl_uaprof_get_vendor (uaprof), ==, "V");
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *xml = g_strdup_printf (PROFILE_IN_NAMESPACE, refused[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlUaprof) uaprof = pl_uaprof_parse (xml, strlen (xml), "memory", &error);

      g_assert_null (uaprof);
      g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "memory:5:3: <p:component> is in the "
                                                       "namespace"));
      g_assert_nonnull (strstr (error->message, refused[i]));
    }
}

/* ---- errors ---- */

typedef struct {
  const char *file;
  int line;
  int code;
  const char *text;
} BadInput;

static void
test_errors (void)
{
  const BadInput bad[] = {
    { "wrong-root.rdf", 2, PL_SCENARIO_ERROR_INVALID,
      "the root element is <profile>: expected <rdf:RDF>" },
    { "no-components.rdf", 2, PL_SCENARIO_ERROR_INVALID,
      "<rdf:RDF> holds no <rdf:Description> with <prf:component> children: expected a "
      "UAProf profile" },
    { "foreign-namespace.rdf", 5, PL_SCENARIO_ERROR_INVALID,
      "<prf:component> is in the namespace 'http://uaprof.example.com/ccppschema-20021212#': "
      "expected a UAProf namespace" },
    { "missing-type.rdf", 6, PL_SCENARIO_ERROR_INVALID,
      "the component has no rdf:type: expected a UAProf component type" },
    { "type-not-uaprof.rdf", 7, PL_SCENARIO_ERROR_INVALID,
      "rdf:type 'http://www.example.com/vocabulary#HardwarePlatform' is not in a UAProf "
      "namespace" },
    { "not-a-bag.rdf", 8, PL_SCENARIO_ERROR_INVALID,
      "<prf:CcppAccept>: expected one <rdf:Bag> of <rdf:li> holding content types" },
    { "bad-li.rdf", 11, PL_SCENARIO_ERROR_INVALID,
      "<rdf:item> in the <rdf:Bag> of <prf:CcppAccept>: expected <rdf:li>" },
    { "bad-content-type.rdf", 11, PL_SCENARIO_ERROR_INVALID,
      "'application-vnd.syncml.ds.notification' in <prf:Push-Accept> is not a content type: "
      "expected type/subtype" },
    { "empty-li.rdf", 11, PL_SCENARIO_ERROR_INVALID,
      "empty <rdf:li> in <prf:Push-Accept-AppID>: expected a push application id" },
    { "bad-app-id.rdf", 10, PL_SCENARIO_ERROR_INVALID,
      "'x-wap-application:push.syncml 0x05' in <prf:Push-Accept-AppID>: expected a push "
      "application id" },
    { "bad-msg-size.rdf", 8, PL_SCENARIO_ERROR_INVALID,
      "<prf:Push-MsgSize>: expected a size in bytes, from 1, got '1.4k'" },
    { "empty-vendor.rdf", 9, PL_SCENARIO_ERROR_INVALID,
      "<prf:Model> is empty: expected the model's name" },
    { "zero-msg-size.rdf", 6, PL_SCENARIO_ERROR_INVALID,
      "attribute prf:Push-MsgSize: expected a size in bytes, from 1, got '0'" },
    { "wrong-component.rdf", 13, PL_SCENARIO_ERROR_INVALID,
      "<prf:Push-Accept> is a property of the PushCharacteristics component: expected it "
      "there, not in SoftwarePlatform" },
    { "duplicate-vendor.rdf", 10, PL_SCENARIO_ERROR_INVALID,
      "<prf:Vendor> is already given on line 8: expected it once" },
    { "two-components.rdf", 10, PL_SCENARIO_ERROR_INVALID,
      "<prf:component> already holds a component on line 6: expected one" },
    { "bag-attribute.rdf", 6, PL_SCENARIO_ERROR_INVALID,
      "attribute prf:CcppAccept holds a bag: expected a CcppAccept element" },
    { "component-reference.rdf", 5, PL_SCENARIO_ERROR_INVALID,
      "<prf:component> holds no component: expected an <rdf:Description> inside" },
    { "doctype-entity.rdf", 2, PL_SCENARIO_ERROR_SYNTAX, "a DOCTYPE is not allowed" },
    { "undefined-entity.rdf", 8, PL_SCENARIO_ERROR_SYNTAX, "Entity 'vendor' not defined" },
    { "not-well-formed.rdf", 8, PL_SCENARIO_ERROR_SYNTAX, "mismatch" },
    { "empty.rdf", 1, PL_SCENARIO_ERROR_SYNTAX,
      "the document is empty (expected an <rdf:RDF> element)" },
  };

  g_test_summary ("Malformed profiles fail with FILE:LINE:COLUMN (the line where the "
                  "offending start tag begins) and what was expected: wrong root, foreign "
                  "namespace, missing or foreign rdf:type, bags that are not rdf:Bag of "
                  "rdf:li, bad content types and ids, empty values, a size of 0, a property "
                  "in the wrong component or twice, a DOCTYPE, undefined entities, broken "
                  "XML, an empty file");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlUaprof) uaprof = NULL;
      const char *path = data_path (bad[i].file);
      g_autofree char *where = g_strdup_printf ("%s:%d:", path, bad[i].line);

      uaprof = pl_uaprof_load (path, &error);
      g_test_message ("%s: %s", bad[i].file, error ? error->message : "(no error)");
      g_assert_null (uaprof);
      g_assert_error (error, PL_SCENARIO_ERROR, bad[i].code);
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, bad[i].text));
    }
}

static void
test_error_column (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUaprof) uaprof = pl_uaprof_load (data_path ("missing-type.rdf"), &error);
  g_autofree char *where = g_strdup_printf ("%s:6:7: ", data_path ("missing-type.rdf"));

  g_test_summary ("The column is that of the '<' of a start tag spread over two lines");

  g_assert_null (uaprof);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, where));
  g_assert_cmpstr (error->message + strlen (where), ==,
                   "the component has no rdf:type: expected a UAProf component type such as "
                   "…/UAPROF/ccppschema-20021212#HardwarePlatform");
}

static void
test_doctype_no_leak (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  g_autofree char *data = NULL;
  g_autofree char *passwd = NULL;
  gsize len;

  g_test_summary ("A profile whose DOCTYPE declares an external entity is refused before "
                  "the entity is read, from a file or from memory: nothing of its target "
                  "reaches the message");

  g_assert_true (g_file_get_contents (data_path ("doctype-entity.rdf"), &data, &len, NULL));
  uaprof = pl_uaprof_parse (data, len, "GET http://www.example.com/sx200.rdf", &error);
  g_assert_null (uaprof);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "GET http://www.example.com/sx200.rdf:2:1: a DOCTYPE "
                                       "is not allowed (DTDs and external entities are off)");
  if (g_file_get_contents ("/etc/passwd", &passwd, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (passwd, "\n", 2);

      if (lines[0] && strlen (lines[0]) > 8)
        g_assert_null (strstr (error->message, lines[0]));
    }
}

static void
test_origin (void)
{
  const char *xml = "<?xml version=\"1.0\"?>\n\n<rdf:RDF xmlns:rdf=\"urn:not-rdf\"/>\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;

  g_test_summary ("A document from memory is named by its origin; the data need not be "
                  "NUL-terminated (only @len bytes are read)");

  uaprof = pl_uaprof_parse (xml, strlen (xml), "PUBLISH from sip:ue@home1.net", &error);
  g_assert_null (uaprof);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "PUBLISH from sip:ue@home1.net:3:1: the root element is <rdf:RDF>: expected "
                   "<rdf:RDF> in the namespace http://www.w3.org/1999/02/22-rdf-syntax-ns#");

  g_clear_error (&error);
  /* The first 10 bytes only: a document cut inside its declaration. */
  uaprof = pl_uaprof_parse (xml, 10, "cut", &error);
  g_assert_null (uaprof);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, "cut:1:"));
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  g_autofree char *path = g_build_filename (g_test_get_dir (G_TEST_DIST), "data", "uaprof",
                                            "no-such-profile.rdf", NULL);

  g_test_summary ("A profile file that does not exist gives a FILE error naming it");

  uaprof = pl_uaprof_load (path, &error);
  g_assert_null (uaprof);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "No such file"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/uaprof/shipped/syncml-phone", test_syncml_phone);
  g_test_add_func ("/pl/uaprof/shipped/basic-phone", test_basic_phone);
  g_test_add_func ("/pl/uaprof/accepts/case-and-parameters", test_accepts_case_and_parameters);
  g_test_add_func ("/pl/uaprof/accepts/wildcards", test_accepts_wildcards);
  g_test_add_func ("/pl/uaprof/namespaces/variants", test_namespace_variants);
  g_test_add_func ("/pl/uaprof/namespaces/path", test_namespace_in_memory);
  g_test_add_func ("/pl/uaprof/errors", test_errors);
  g_test_add_func ("/pl/uaprof/errors/column", test_error_column);
  g_test_add_func ("/pl/uaprof/errors/doctype", test_doctype_no_leak);
  g_test_add_func ("/pl/uaprof/errors/origin", test_origin);
  g_test_add_func ("/pl/uaprof/errors/missing-file", test_missing_file);

  return g_test_run ();
}
