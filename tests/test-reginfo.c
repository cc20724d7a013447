/* test-reginfo.c: registration information of the reg event package
 * (RFC 3680, pl-reginfo.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

#include "pl-reginfo.h"
#include "pl-xml.h"

static const char *
data_path (const char *file)
{
  return g_test_get_filename (G_TEST_DIST, "data", "reginfo", file, NULL);
}

static PlReginfo *
parse_file (const char  *file,
            GError     **error)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (data_path (file), &data, &len, NULL));
  return pl_reginfo_parse (data, len, data_path (file), error);
}

static PlReginfo *
load (const char *file)
{
  g_autoptr (GError) error = NULL;
  PlReginfo *reginfo = parse_file (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reginfo);
  return reginfo;
}

static void
assert_strv (char * const *got,
             const char   *first,
             ...)
{
  va_list args;
  const char *expected = first;
  guint i = 0;

  va_start (args, first);
  for (; expected != NULL; expected = va_arg (args, const char *), i++)
    g_assert_cmpstr (got[i], ==, expected);
  va_end (args);
  g_assert_null (got[i]);
}

/* ---- parsing ---- */

static void
test_parse_full (void)
{
  g_autoptr (PlReginfo) reginfo = load ("full-v0.xml");
  const PlReginfoRegistration *reg;
  const PlReginfoContact *contact;
  const char *value = "unset";
  guint64 number = 0;

  g_test_summary ("A full document: every attribute of <reginfo>, <registration> and "
                  "<contact>, the <uri>, the display name and its xml:lang, unknown-params "
                  "with and without value in order, entities decoded; the gruuinfo "
                  "extension element is skipped");

  g_assert_true (pl_reginfo_has_version (reginfo));
  g_assert_cmpuint (pl_reginfo_get_version (reginfo), ==, 0);
  g_assert_true (pl_reginfo_is_full (reginfo));
  g_assert_cmpuint (pl_reginfo_get_n_registrations (reginfo), ==, 2);

  reg = pl_reginfo_get_registration (reginfo, 0);
  g_assert_cmpstr (pl_reginfo_registration_get_aor (reg), ==, "sip:user@domain.com");
  g_assert_cmpstr (pl_reginfo_registration_get_id (reg), ==, "a7");
  g_assert_cmpint (pl_reginfo_registration_get_state (reg), ==, PL_REGINFO_REGISTRATION_ACTIVE);
  g_assert_cmpuint (pl_reginfo_registration_get_n_contacts (reg), ==, 1);

  contact = pl_reginfo_registration_get_contact (reg, 0);
  g_assert_true (contact == pl_reginfo_registration_find_contact (reg, "76"));
  g_assert_cmpstr (pl_reginfo_contact_get_id (contact), ==, "76");
  g_assert_cmpstr (pl_reginfo_contact_get_uri (contact), ==,
                   "sip:user@192.0.2.4:5060;transport=tcp");
  g_assert_cmpint (pl_reginfo_contact_get_state (contact), ==, PL_REGINFO_CONTACT_ACTIVE);
  g_assert_cmpint (pl_reginfo_contact_get_event (contact), ==, PL_REGINFO_EVENT_REGISTERED);
  g_assert_cmpstr (pl_reginfo_contact_get_display_name (contact), ==, "Push Receiver");
  g_assert_cmpstr (pl_reginfo_contact_get_display_lang (contact), ==, "en");
  g_assert_cmpstr (pl_reginfo_contact_get_q (contact), ==, "0.8");
  g_assert_cmpstr (pl_reginfo_contact_get_callid (contact), ==, "9987@192.0.2.4");
  g_assert_true (pl_reginfo_contact_get_expires (contact, &number));
  g_assert_cmpuint (number, ==, 3600);
  g_assert_true (pl_reginfo_contact_get_duration_registered (contact, &number));
  g_assert_cmpuint (number, ==, 0);
  g_assert_true (pl_reginfo_contact_get_cseq (contact, &number));
  g_assert_cmpuint (number, ==, 2);
  number = 42;
  g_assert_false (pl_reginfo_contact_get_retry_after (contact, &number));
  g_assert_cmpuint (number, ==, 42);

  g_assert_cmpuint (pl_reginfo_contact_get_n_params (contact), ==, 3);
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (contact, 0), ==, "+g.oma.sip-push.0x05");
  g_assert_null (pl_reginfo_contact_get_param_value (contact, 0));
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (contact, 1), ==, "+g.oma.pusheventapp");
  g_assert_cmpstr (pl_reginfo_contact_get_param_value (contact, 1), ==, "mms.ua,wml.ua");
  g_assert_cmpstr (pl_reginfo_contact_get_param_value (contact, 2), ==,
                   "<urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a>");
  /* RFC 3261 §7.3.1: parameter names compare without regard to case. */
  g_assert_true (pl_reginfo_contact_lookup_param (contact, "+G.OMA.PushEventApp", &value));
  g_assert_cmpstr (value, ==, "mms.ua,wml.ua");
  g_assert_true (pl_reginfo_contact_lookup_param (contact, "+g.oma.sip-push.0x05", &value));
  g_assert_null (value);
  g_assert_false (pl_reginfo_contact_lookup_param (contact, "+g.oma.sip-push.0x07", &value));

  reg = pl_reginfo_find_registration (reginfo, "a8");
  g_assert_nonnull (reg);
  g_assert_true (reg == pl_reginfo_get_registration (reginfo, 1));
  g_assert_cmpstr (pl_reginfo_registration_get_aor (reg), ==, "tel:+15551234");
  g_assert_cmpint (pl_reginfo_registration_get_state (reg), ==, PL_REGINFO_REGISTRATION_INIT);
  g_assert_cmpuint (pl_reginfo_registration_get_n_contacts (reg), ==, 0);
  g_assert_null (pl_reginfo_find_registration (reginfo, "a9"));
}

static void
test_push_apps (void)
{
  g_autoptr (PlReginfo) reginfo = load ("full-v0.xml");
  const PlReginfoContact *contact =
    pl_reginfo_registration_get_contact (pl_reginfo_get_registration (reginfo, 0), 0);
  g_auto (GStrv) apps_2006 = pl_reginfo_contact_dup_push_apps (contact, PL_DIALECT_OMA_2006);
  g_auto (GStrv) apps_1_0 = pl_reginfo_contact_dup_push_apps (contact, PL_DIALECT_OMA_1_0);
  g_auto (GStrv) plain = pl_reginfo_contact_dup_push_apps (contact, PL_DIALECT_PLAIN);

  g_test_summary ("A watcher learns the push applications from the unknown-params, by "
                  "pl-push.h's rules: +g.oma.sip-push.<id> in the 2006 dialect, the "
                  "+g.oma.pusheventapp token list in V1.0, none in plain SIP; a name that "
                  "is not a token is no parameter");

  assert_strv (apps_2006, "0x05", NULL);
  assert_strv (apps_1_0, "mms.ua", "wml.ua", NULL);
  assert_strv (plain, NULL);

  /* A name that is no RFC 3261 token cannot smuggle a parameter in. */
  {
    g_autoptr (PlReginfo) built = pl_reginfo_new (0, TRUE);
    PlReginfoRegistration *reg = pl_reginfo_add_registration (built, "sip:a@example.com", "r",
                                                              PL_REGINFO_REGISTRATION_ACTIVE);
    PlReginfoContact *odd = pl_reginfo_registration_add_contact (reg, "c", "sip:a@192.0.2.1",
                                                                 PL_REGINFO_CONTACT_ACTIVE,
                                                                 PL_REGINFO_EVENT_REGISTERED);
    g_auto (GStrv) none = NULL;
    g_auto (GStrv) one = NULL;

    pl_reginfo_contact_add_param (odd, "x;+g.oma.sip-push.0x09", NULL);
    pl_reginfo_contact_add_param (odd, "+g.oma.sip-push.0x07=", "1");
    none = pl_reginfo_contact_dup_push_apps (odd, PL_DIALECT_OMA_2006);
    assert_strv (none, NULL);
    pl_reginfo_contact_add_param (odd, "+G.OMA.SIP-PUSH.0x07", NULL);
    one = pl_reginfo_contact_dup_push_apps (odd, PL_DIALECT_OMA_2006);
    assert_strv (one, "0x07", NULL);
  }
}

/* ---- writing ---- */

static PlReginfo *
build_document (void)
{
  PlReginfo *reginfo = pl_reginfo_new (3, FALSE);
  PlReginfoRegistration *reg;
  PlReginfoContact *contact;

  reg = pl_reginfo_add_registration (reginfo, "sip:user@domain.com", "a7",
                                     PL_REGINFO_REGISTRATION_ACTIVE);
  g_assert_nonnull (reg);
  contact = pl_reginfo_registration_add_contact (reg, "76", "sip:user@192.0.2.4;lr&x=<1>",
                                                 PL_REGINFO_CONTACT_ACTIVE,
                                                 PL_REGINFO_EVENT_SHORTENED);
  g_assert_nonnull (contact);
  pl_reginfo_contact_set_display_name (contact, "\"Bob\" & <Alice>\nsecond line", "fr-CA");
  pl_reginfo_contact_set_q (contact, "0.5");
  pl_reginfo_contact_set_callid (contact, "a'b\"c\td@host");
  pl_reginfo_contact_set_expires (contact, 600);
  pl_reginfo_contact_set_duration_registered (contact, 120);
  pl_reginfo_contact_set_retry_after (contact, G_MAXUINT64);
  pl_reginfo_contact_set_cseq (contact, 7);
  pl_reginfo_contact_add_param (contact, "+g.oma.sip-push.0x05", NULL);
  pl_reginfo_contact_add_param (contact, "+g.oma.pusheventapp", "mms.ua");
  pl_reginfo_contact_add_param (contact, "reg-id", "");
  pl_reginfo_contact_add_param (contact, "+sip.instance",
                                "<urn:uuid:00000000-0000-0000-0000-000000000001>");

  contact = pl_reginfo_registration_add_contact (reg, "77", "sip:user@198.51.100.7",
                                                 PL_REGINFO_CONTACT_TERMINATED,
                                                 PL_REGINFO_EVENT_REJECTED);
  g_assert_nonnull (contact);

  reg = pl_reginfo_add_registration (reginfo, "tel:+15551234", "a8",
                                     PL_REGINFO_REGISTRATION_TERMINATED);
  g_assert_nonnull (reg);
  return reginfo;
}

static void
test_round_trip (void)
{
  g_autoptr (PlReginfo) built = build_document ();
  g_autoptr (PlReginfo) parsed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  const PlReginfoRegistration *reg;
  const PlReginfoContact *contact;
  guint64 number;
  gsize len = 0;

  g_test_summary ("A document built with the builders, with characters XML must escape in "
                  "attributes and text, is written and parsed back to the same values, and "
                  "written again to the same bytes");

  text = pl_reginfo_write (built, &len);
  g_assert_nonnull (text);
  g_assert_cmpuint (len, ==, strlen (text));
  g_test_message ("%s", text);

  parsed = pl_reginfo_parse (text, len, "written", &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);

  g_assert_cmpuint (pl_reginfo_get_version (parsed), ==, 3);
  g_assert_false (pl_reginfo_is_full (parsed));
  g_assert_cmpuint (pl_reginfo_get_n_registrations (parsed), ==, 2);
  reg = pl_reginfo_get_registration (parsed, 0);
  g_assert_cmpstr (pl_reginfo_registration_get_id (reg), ==, "a7");
  g_assert_cmpuint (pl_reginfo_registration_get_n_contacts (reg), ==, 2);

  contact = pl_reginfo_registration_get_contact (reg, 0);
  g_assert_cmpstr (pl_reginfo_contact_get_uri (contact), ==, "sip:user@192.0.2.4;lr&x=<1>");
  g_assert_cmpint (pl_reginfo_contact_get_event (contact), ==, PL_REGINFO_EVENT_SHORTENED);
  g_assert_cmpstr (pl_reginfo_contact_get_display_name (contact), ==,
                   "\"Bob\" & <Alice>\nsecond line");
  g_assert_cmpstr (pl_reginfo_contact_get_display_lang (contact), ==, "fr-CA");
  g_assert_cmpstr (pl_reginfo_contact_get_q (contact), ==, "0.5");
  g_assert_cmpstr (pl_reginfo_contact_get_callid (contact), ==, "a'b\"c\td@host");
  g_assert_true (pl_reginfo_contact_get_expires (contact, &number));
  g_assert_cmpuint (number, ==, 600);
  g_assert_true (pl_reginfo_contact_get_duration_registered (contact, &number));
  g_assert_cmpuint (number, ==, 120);
  g_assert_true (pl_reginfo_contact_get_retry_after (contact, &number));
  g_assert_cmpuint (number, ==, G_MAXUINT64);
  g_assert_true (pl_reginfo_contact_get_cseq (contact, &number));
  g_assert_cmpuint (number, ==, 7);
  g_assert_cmpuint (pl_reginfo_contact_get_n_params (contact), ==, 4);
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (contact, 0), ==, "+g.oma.sip-push.0x05");
  g_assert_null (pl_reginfo_contact_get_param_value (contact, 0));
  g_assert_cmpstr (pl_reginfo_contact_get_param_value (contact, 1), ==, "mms.ua");
  /* An empty value is no value. */
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (contact, 2), ==, "reg-id");
  g_assert_null (pl_reginfo_contact_get_param_value (contact, 2));
  g_assert_cmpstr (pl_reginfo_contact_get_param_value (contact, 3), ==,
                   "<urn:uuid:00000000-0000-0000-0000-000000000001>");

  contact = pl_reginfo_registration_get_contact (reg, 1);
  g_assert_cmpstr (pl_reginfo_contact_get_id (contact), ==, "77");
  g_assert_cmpint (pl_reginfo_contact_get_state (contact), ==, PL_REGINFO_CONTACT_TERMINATED);
  g_assert_cmpint (pl_reginfo_contact_get_event (contact), ==, PL_REGINFO_EVENT_REJECTED);
  g_assert_null (pl_reginfo_contact_get_display_name (contact));
  g_assert_null (pl_reginfo_contact_get_q (contact));
  g_assert_false (pl_reginfo_contact_get_expires (contact, NULL));
  g_assert_false (pl_reginfo_contact_get_cseq (contact, NULL));
  g_assert_cmpuint (pl_reginfo_contact_get_n_params (contact), ==, 0);

  reg = pl_reginfo_get_registration (parsed, 1);
  g_assert_cmpint (pl_reginfo_registration_get_state (reg), ==,
                   PL_REGINFO_REGISTRATION_TERMINATED);

  again = pl_reginfo_write (parsed, NULL);
  g_assert_cmpstr (again, ==, text);
}

static void
test_write_shape (void)
{
  g_autoptr (PlReginfo) built = build_document ();
  g_autofree char *text = pl_reginfo_write (built, NULL);
  const char *uri, *display, *param;

  g_test_summary ("The writer's output: the reginfo namespace as default, version and "
                  "state on the root, a push feature tag without value as an empty "
                  "<unknown-param>, and the §5.4 order <uri>, <display-name>, "
                  "<unknown-param>");

  g_assert_true (g_str_has_prefix (text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  g_assert_nonnull (strstr (text, "<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" "
                                  "version=\"3\" state=\"partial\">"));
  g_assert_nonnull (strstr (text, "<registration aor=\"sip:user@domain.com\" id=\"a7\" "
                                  "state=\"active\">"));
  g_assert_nonnull (strstr (text, "<unknown-param name=\"+g.oma.sip-push.0x05\"/>"));
  g_assert_nonnull (strstr (text, "<unknown-param name=\"+g.oma.pusheventapp\">mms.ua"
                                  "</unknown-param>"));
  g_assert_nonnull (strstr (text, "<uri>sip:user@192.0.2.4;lr&amp;x=&lt;1&gt;</uri>"));
  g_assert_nonnull (strstr (text, "<display-name xml:lang=\"fr-CA\">"));
  uri = strstr (text, "<uri>");
  display = strstr (text, "<display-name");
  param = strstr (text, "<unknown-param");
  g_assert_true (uri < display && display < param);
  g_assert_nonnull (strstr (text, "<registration aor=\"tel:+15551234\" id=\"a8\" "
                                  "state=\"terminated\"/>"));
}

static void
test_sip_contact (void)
{
  g_autoptr (PlReginfo) reginfo = pl_reginfo_new (0, TRUE);
  g_autoptr (PlReginfo) parsed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) apps_2006 = NULL;
  g_auto (GStrv) apps_1_0 = NULL;
  PlReginfoRegistration *reg;
  PlReginfoContact *contact;
  const PlReginfoContact *read;
  su_home_t *home = su_home_new (sizeof (su_home_t));
  sip_contact_t *m;
  guint64 expires = 0;

  g_test_summary ("A registered Contact header becomes a <contact>: URI, display name, q "
                  "and expires as the schema has them, every other parameter (push "
                  "feature tags, +sip.instance) an unknown-param without its quotes; a "
                  "watcher that parses the written document learns the push applications");

  m = sip_contact_make (home, "\"Push Receiver\" <sip:user@192.0.2.4;transport=tcp>"
                              ";q=0.5;expires=600;+g.oma.sip-push.0x05"
                              ";+g.oma.pusheventapp=\"mms.ua,wml.ua\""
                              ";+sip.instance=\"<urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a>\"");
  g_assert_nonnull (m);

  reg = pl_reginfo_add_registration (reginfo, "sip:user@domain.com", "a7",
                                     PL_REGINFO_REGISTRATION_ACTIVE);
  contact = pl_reginfo_registration_add_sip_contact (reg, "76", m, PL_REGINFO_CONTACT_ACTIVE,
                                                     PL_REGINFO_EVENT_REGISTERED);
  g_assert_nonnull (contact);
  pl_reginfo_contact_set_callid (contact, "9987@192.0.2.4");
  su_home_unref (home);

  text = pl_reginfo_write (reginfo, NULL);
  g_test_message ("%s", text);
  parsed = pl_reginfo_parse (text, strlen (text), "NOTIFY from scscf", &error);
  g_assert_no_error (error);
  read = pl_reginfo_registration_get_contact (pl_reginfo_get_registration (parsed, 0), 0);

  g_assert_cmpstr (pl_reginfo_contact_get_uri (read), ==, "sip:user@192.0.2.4;transport=tcp");
  g_assert_cmpstr (pl_reginfo_contact_get_display_name (read), ==, "Push Receiver");
  g_assert_cmpstr (pl_reginfo_contact_get_q (read), ==, "0.5");
  g_assert_true (pl_reginfo_contact_get_expires (read, &expires));
  g_assert_cmpuint (expires, ==, 600);
  g_assert_cmpstr (pl_reginfo_contact_get_callid (read), ==, "9987@192.0.2.4");
  g_assert_cmpuint (pl_reginfo_contact_get_n_params (read), ==, 3);
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (read, 0), ==, "+g.oma.sip-push.0x05");
  g_assert_null (pl_reginfo_contact_get_param_value (read, 0));
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (read, 1), ==, "+g.oma.pusheventapp");
  g_assert_cmpstr (pl_reginfo_contact_get_param_value (read, 1), ==, "mms.ua,wml.ua");
  g_assert_cmpstr (pl_reginfo_contact_get_param_name (read, 2), ==, "+sip.instance");
  g_assert_cmpstr (pl_reginfo_contact_get_param_value (read, 2), ==,
                   "<urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a>");
  g_assert_false (pl_reginfo_contact_lookup_param (read, "q", NULL));
  g_assert_false (pl_reginfo_contact_lookup_param (read, "expires", NULL));

  apps_2006 = pl_reginfo_contact_dup_push_apps (read, PL_DIALECT_OMA_2006);
  apps_1_0 = pl_reginfo_contact_dup_push_apps (read, PL_DIALECT_OMA_1_0);
  assert_strv (apps_2006, "0x05", NULL);
  assert_strv (apps_1_0, "mms.ua", "wml.ua", NULL);
}

/* ---- the watcher ---- */

static const PlReginfoContact *
find_contact (const PlReginfo *state,
              const char      *registration,
              const char      *contact)
{
  const PlReginfoRegistration *reg = pl_reginfo_find_registration (state, registration);

  return reg ? pl_reginfo_registration_find_contact (reg, contact) : NULL;
}

static void
apply_file (PlReginfo  *state,
            const char *file)
{
  g_autoptr (PlReginfo) update = load (file);
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_reginfo_apply (state, update, &error));
  g_assert_no_error (error);
}

static void
test_apply_full_then_partial (void)
{
  g_autoptr (PlReginfo) state = pl_reginfo_new_watch ();
  const PlReginfoContact *contact;
  guint64 expires;

  g_test_summary ("RFC 3680 §5.2: the first (full) document sets the version and the "
                  "tables; a partial one replaces the rows it names and adds new ones; a "
                  "terminated contact leaves its table; a registration named for the first "
                  "time in a partial document gets a table");

  g_assert_false (pl_reginfo_has_version (state));
  apply_file (state, "full-v0.xml");
  g_assert_true (pl_reginfo_has_version (state));
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 0);
  g_assert_true (pl_reginfo_is_full (state));
  g_assert_cmpuint (pl_reginfo_get_n_registrations (state), ==, 2);

  apply_file (state, "partial-v1.xml");
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 1);
  g_assert_true (pl_reginfo_is_full (state));
  contact = find_contact (state, "a7", "76");
  g_assert_nonnull (contact);
  g_assert_cmpint (pl_reginfo_contact_get_event (contact), ==, PL_REGINFO_EVENT_REFRESHED);
  g_assert_true (pl_reginfo_contact_get_expires (contact, &expires));
  g_assert_cmpuint (expires, ==, 1800);
  /* Replaced as a whole (§5.2): what version 1 left out is gone. */
  g_assert_null (pl_reginfo_contact_get_display_name (contact));
  g_assert_cmpuint (pl_reginfo_contact_get_n_params (contact), ==, 1);
  contact = find_contact (state, "a7", "77");
  g_assert_nonnull (contact);
  g_assert_cmpint (pl_reginfo_contact_get_event (contact), ==, PL_REGINFO_EVENT_CREATED);
  g_assert_cmpuint (pl_reginfo_registration_get_n_contacts (
                      pl_reginfo_find_registration (state, "a7")), ==, 2);
  /* Untouched by version 1. */
  g_assert_cmpint (pl_reginfo_registration_get_state (pl_reginfo_find_registration (state, "a8")),
                   ==, PL_REGINFO_REGISTRATION_INIT);

  apply_file (state, "partial-v2.xml");
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 2);
  g_assert_null (find_contact (state, "a7", "76"));
  g_assert_nonnull (find_contact (state, "a7", "77"));
  g_assert_cmpuint (pl_reginfo_registration_get_n_contacts (
                      pl_reginfo_find_registration (state, "a7")), ==, 1);
  g_assert_cmpint (pl_reginfo_registration_get_state (pl_reginfo_find_registration (state, "a8")),
                   ==, PL_REGINFO_REGISTRATION_ACTIVE);
  g_assert_nonnull (find_contact (state, "a8", "77"));
}

static void
test_apply_version_gap (void)
{
  g_autoptr (PlReginfo) state = pl_reginfo_new_watch ();
  g_autoptr (PlReginfo) gap = load ("partial-v4.xml");
  g_autoptr (PlReginfo) old = load ("partial-v1.xml");
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_test_summary ("A partial document whose version is not one more than the last fails "
                  "with 'version gap: expected N, got M' and leaves the state as it was; "
                  "the full state a refresh brings is taken at any newer version; an older "
                  "document is stale and discarded");

  apply_file (state, "full-v0.xml");
  apply_file (state, "partial-v1.xml");
  apply_file (state, "partial-v2.xml");
  before = pl_reginfo_write (state, NULL);

  g_assert_false (pl_reginfo_apply (state, gap, &error));
  g_assert_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_VERSION_GAP);
  g_assert_true (g_str_has_prefix (error->message, "version gap: expected 3, got 4"));
  after = pl_reginfo_write (state, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 2);
  g_clear_error (&error);

  /* Version 3 never comes: the next partial one is still a gap. */
  g_assert_false (pl_reginfo_apply (state, gap, &error));
  g_assert_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_VERSION_GAP);
  g_clear_error (&error);

  /* The refresh's full state (§5.2 flushes and repopulates). */
  apply_file (state, "full-v5.xml");
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 5);
  g_assert_cmpuint (pl_reginfo_get_n_registrations (state), ==, 1);
  g_assert_null (pl_reginfo_find_registration (state, "a8"));
  g_assert_null (find_contact (state, "a7", "77"));
  g_assert_nonnull (find_contact (state, "a7", "78"));

  g_assert_false (pl_reginfo_apply (state, old, &error));
  g_assert_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_STALE);
  g_assert_true (g_str_has_prefix (error->message, "stale document: expected version 6, got 1"));
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 5);
  g_clear_error (&error);

  /* The same version twice is stale too, full or not. */
  {
    g_autoptr (PlReginfo) again = load ("full-v5.xml");

    g_assert_false (pl_reginfo_apply (state, again, &error));
    g_assert_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_STALE);
  }
}

static void
test_apply_first_partial (void)
{
  g_autoptr (PlReginfo) state = pl_reginfo_new_watch ();
  g_autoptr (PlReginfo) partial = load ("partial-v1.xml");
  g_autoptr (GError) error = NULL;

  g_test_summary ("A watcher without state cannot start from a partial document: it is a "
                  "version gap, and nothing is taken from it");

  g_assert_false (pl_reginfo_apply (state, partial, &error));
  g_assert_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_VERSION_GAP);
  g_assert_true (g_str_has_prefix (error->message, "version gap: expected a full document "
                                                   "first, got partial version 1"));
  g_assert_false (pl_reginfo_has_version (state));
  g_assert_cmpuint (pl_reginfo_get_n_registrations (state), ==, 0);
}

static void
test_apply_terminated_registration (void)
{
  g_autoptr (PlReginfo) state = pl_reginfo_new_watch ();

  g_test_summary ("A registration that becomes terminated leaves the state with its "
                  "contacts; the others stay");

  apply_file (state, "full-v5.xml");
  g_assert_nonnull (pl_reginfo_find_registration (state, "a7"));
  apply_file (state, "partial-v6-deregistered.xml");
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 6);
  g_assert_null (pl_reginfo_find_registration (state, "a7"));
  g_assert_cmpuint (pl_reginfo_get_n_registrations (state), ==, 0);
}

static void
test_apply_built (void)
{
  g_autoptr (PlReginfo) state = pl_reginfo_new (7, TRUE);
  g_autoptr (PlReginfo) update = pl_reginfo_new (8, FALSE);
  g_autoptr (PlReginfo) copy = NULL;
  g_autoptr (GError) error = NULL;
  PlReginfoRegistration *reg;

  g_test_summary ("Built documents apply like parsed ones; a terminated contact named for "
                  "the first time is not added; pl_reginfo_copy() is deep");

  reg = pl_reginfo_add_registration (state, "sip:a@example.com", "r1",
                                     PL_REGINFO_REGISTRATION_ACTIVE);
  pl_reginfo_registration_add_contact (reg, "c1", "sip:a@192.0.2.1", PL_REGINFO_CONTACT_ACTIVE,
                                       PL_REGINFO_EVENT_REGISTERED);
  copy = pl_reginfo_copy (state);

  reg = pl_reginfo_add_registration (update, "sip:a@example.com", "r1",
                                     PL_REGINFO_REGISTRATION_ACTIVE);
  pl_reginfo_registration_add_contact (reg, "c1", "sip:a@192.0.2.1",
                                       PL_REGINFO_CONTACT_TERMINATED,
                                       PL_REGINFO_EVENT_DEACTIVATED);
  pl_reginfo_registration_add_contact (reg, "c2", "sip:a@192.0.2.2",
                                       PL_REGINFO_CONTACT_TERMINATED,
                                       PL_REGINFO_EVENT_REJECTED);
  pl_reginfo_registration_add_contact (reg, "c3", "sip:a@192.0.2.3",
                                       PL_REGINFO_CONTACT_ACTIVE, PL_REGINFO_EVENT_CREATED);

  g_assert_true (pl_reginfo_apply (state, update, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pl_reginfo_get_version (state), ==, 8);
  g_assert_null (find_contact (state, "r1", "c1"));
  g_assert_null (find_contact (state, "r1", "c2"));
  g_assert_nonnull (find_contact (state, "r1", "c3"));

  g_assert_cmpuint (pl_reginfo_get_version (copy), ==, 7);
  g_assert_nonnull (find_contact (copy, "r1", "c1"));
  g_assert_null (find_contact (copy, "r1", "c3"));
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
    { "wrong-root.xml", 2, PL_SCENARIO_ERROR_INVALID,
      "the root element is <registration>: expected <reginfo> in the namespace "
      "urn:ietf:params:xml:ns:reginfo" },
    { "wrong-namespace.xml", 2, PL_SCENARIO_ERROR_INVALID,
      "<reginfo> is in the namespace 'urn:ietf:params:xml:ns:reginfo-2': expected "
      "urn:ietf:params:xml:ns:reginfo" },
    { "no-namespace.xml", 3, PL_SCENARIO_ERROR_INVALID,
      "<reginfo> is in the namespace '(none)': expected urn:ietf:params:xml:ns:reginfo" },
    { "bad-version.xml", 2, PL_SCENARIO_ERROR_INVALID,
      "<reginfo> version '-1': expected an unsigned integer from 0 to 4294967295" },
    { "version-overflow.xml", 2, PL_SCENARIO_ERROR_INVALID,
      "<reginfo> version '4294967296': expected an unsigned integer from 0 to 4294967295" },
    { "missing-version.xml", 2, PL_SCENARIO_ERROR_INVALID,
      "<reginfo> has no attribute 'version': expected an unsigned integer" },
    { "bad-state.xml", 2, PL_SCENARIO_ERROR_INVALID,
      "<reginfo> state 'Full': expected one of full, partial" },
    { "bad-registration-state.xml", 3, PL_SCENARIO_ERROR_INVALID,
      "<registration> state 'pending': expected one of init, active, terminated" },
    { "bad-contact-state.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "<contact> state 'inactive': expected one of active, terminated" },
    { "bad-event.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "<contact> event 'deregistered': expected one of registered, created, refreshed, "
      "shortened, expired, deactivated, probation, unregistered, rejected" },
    { "missing-event.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "<contact> has no attribute 'event': expected one of registered," },
    { "missing-aor.xml", 3, PL_SCENARIO_ERROR_INVALID,
      "<registration> has no attribute 'aor': expected the address of record, a URI" },
    { "missing-uri.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "<contact> has no <uri>: expected the contact's URI" },
    { "empty-uri.xml", 5, PL_SCENARIO_ERROR_INVALID,
      "<uri> is empty: expected the contact's URI" },
    { "two-uris.xml", 6, PL_SCENARIO_ERROR_INVALID,
      "<contact> already has a <uri> on line 5: expected one" },
    { "duplicate-registration.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "registration id 'a7' is already used on line 3: expected each registration once" },
    { "duplicate-contact.xml", 7, PL_SCENARIO_ERROR_INVALID,
      "contact id '76' is already used on line 4: expected each contact of a registration "
      "once" },
    { "unknown-element.xml", 6, PL_SCENARIO_ERROR_INVALID,
      "unknown element <expires> in <contact>: expected <uri>, <display-name> or "
      "<unknown-param>" },
    { "unqualified-element.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "unknown element <note> in <registration>: expected <contact>" },
    { "unknown-attribute.xml", 3, PL_SCENARIO_ERROR_INVALID,
      "attribute 'expires' is not allowed on <registration>: expected aor, id, state" },
    { "bad-expires.xml", 4, PL_SCENARIO_ERROR_INVALID,
      "<contact> expires 'soon': expected an unsigned integer from 0 to "
      "18446744073709551615" },
    { "text-in-registration.xml", 3, PL_SCENARIO_ERROR_INVALID,
      "unexpected text 'sip:user@192.0.2.4' in <registration>, which holds elements only" },
    { "param-without-name.xml", 6, PL_SCENARIO_ERROR_INVALID,
      "<unknown-param> has no attribute 'name': expected the parameter's name" },
    { "doctype-entity.xml", 2, PL_SCENARIO_ERROR_SYNTAX,
      "a DOCTYPE is not allowed (DTDs and external entities are off)" },
    { "not-well-formed.xml", 4, PL_SCENARIO_ERROR_SYNTAX, "mismatch" },
  };

  g_test_summary ("Malformed documents fail with ORIGIN:LINE:COLUMN and what was expected: "
                  "root and namespace, version (an unsigned int), the §5.4 enumerations, "
                  "required attributes and <uri>, unique ids, unknown elements and "
                  "attributes, text in element-only content, a DOCTYPE, broken XML");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlReginfo) reginfo = NULL;
      const char *path = data_path (bad[i].file);
      g_autofree char *where = g_strdup_printf ("%s:%d:", path, bad[i].line);

      reginfo = parse_file (bad[i].file, &error);
      g_test_message ("%s: %s", bad[i].file, error ? error->message : "(no error)");
      g_assert_null (reginfo);
      g_assert_error (error, PL_SCENARIO_ERROR, bad[i].code);
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, bad[i].text));
    }
}

static void
test_doctype_no_leak (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlReginfo) reginfo = parse_file ("doctype-entity.xml", &error);
  g_autofree char *passwd = NULL;

  g_test_summary ("A document whose DOCTYPE declares an external entity is refused before "
                  "the entity is read: nothing of its target reaches the message");

  g_assert_null (reginfo);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
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
  const char *xml = "<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"1\" "
                    "state=\"partial\">\n"
                    "  <registration aor=\"sip:a@example.com\" id=\"r\" state=\"gone\"/>\n"
                    "</reginfo>\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (PlReginfo) reginfo = NULL;

  g_test_summary ("A body from memory is named by its origin, with line and column; an "
                  "empty body says what was expected");

  reginfo = pl_reginfo_parse (xml, strlen (xml), "NOTIFY from sip:scscf.home1.net", &error);
  g_assert_null (reginfo);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "NOTIFY from sip:scscf.home1.net:2:3: <registration> "
                                       "state 'gone': expected one of init, active, terminated");
  g_clear_error (&error);

  reginfo = pl_reginfo_parse ("", 0, "NOTIFY from sip:scscf.home1.net", &error);
  g_assert_null (reginfo);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "NOTIFY from sip:scscf.home1.net:1:1: the document is "
                                       "empty (expected a <reginfo> element)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/reginfo/parse/full", test_parse_full);
  g_test_add_func ("/pl/reginfo/parse/push-apps", test_push_apps);
  g_test_add_func ("/pl/reginfo/write/round-trip", test_round_trip);
  g_test_add_func ("/pl/reginfo/write/shape", test_write_shape);
  g_test_add_func ("/pl/reginfo/write/sip-contact", test_sip_contact);
  g_test_add_func ("/pl/reginfo/apply/full-then-partial", test_apply_full_then_partial);
  g_test_add_func ("/pl/reginfo/apply/version-gap", test_apply_version_gap);
  g_test_add_func ("/pl/reginfo/apply/first-partial", test_apply_first_partial);
  g_test_add_func ("/pl/reginfo/apply/terminated-registration",
                   test_apply_terminated_registration);
  g_test_add_func ("/pl/reginfo/apply/built", test_apply_built);
  g_test_add_func ("/pl/reginfo/errors", test_errors);
  g_test_add_func ("/pl/reginfo/errors/doctype", test_doctype_no_leak);
  g_test_add_func ("/pl/reginfo/errors/origin", test_origin);

  return g_test_run ();
}
