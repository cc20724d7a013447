/* test-sdp.c: the SDP offer/answer of an MSRP push session (003_… B.3
 * steps 1–4; RFC 4975 §8, RFC 4145, RFC 5547): pl-msrp-sdp.[ch].
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-msrp-sdp.h"

/* B.3 step 1's SDP as the spec prints it, less the blank lines that
 * the conversion of the document put between all its lines. Its typing
 * errors: a space after every attribute's colon, and the file-selector
 * broken over two lines. */
#define B3_OFFER_AS_PRINTED                                                     \
  "v=0\r\n"                                                                     \
  "o=psa 2890844526 2890844526 IN IP4 domain.com\r\n"                           \
  "s=-\r\n"                                                                     \
  "c=IN IP4 psa.domain.com\r\n"                                                 \
  "t=0 0\r\n"                                                                   \
  "m=message 7654 TCP/MSRP *\r\n"                                               \
  "a=setup: passive\r\n"                                                        \
  "a=sendonly\r\n"                                                              \
  "a=accept-types: application/vnd.oma.push\r\n"                                \
  "a=path: msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n"                     \
  "a=file-transfer-id: a3cd20b8ae7f\r\n"                                        \
  "a=file-selector: name:\"pushid-a3cd20b8ae7f\" type:application/vnd.oma.push\r\n" \
  " size:4092 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E\r\n"

/* The same, corrected: no space after the colons, one line per
 * attribute. */
#define B3_OFFER                                                                \
  "v=0\r\n"                                                                     \
  "o=psa 2890844526 2890844526 IN IP4 domain.com\r\n"                           \
  "s=-\r\n"                                                                     \
  "c=IN IP4 psa.domain.com\r\n"                                                 \
  "t=0 0\r\n"                                                                   \
  "m=message 7654 TCP/MSRP *\r\n"                                               \
  "a=setup:passive\r\n"                                                         \
  "a=sendonly\r\n"                                                              \
  "a=accept-types:application/vnd.oma.push\r\n"                                 \
  "a=path:msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n"                      \
  "a=file-transfer-id:a3cd20b8ae7f\r\n"                                         \
  "a=file-selector:name:\"pushid-a3cd20b8ae7f\" type:application/vnd.oma.push"  \
  " size:4092 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E\r\n"

/* B.3 step 3's answer, corrected: besides the offer's errors it has a
 * trailing space after "active" and no "s=" line (RFC 4566 §5.3). */
#define B3_ANSWER_BODY                                                          \
  "c=IN IP4 userpc.domain.com\r\n"                                              \
  "t=0 0\r\n"                                                                   \
  "m=message 8888 TCP/MSRP *\r\n"                                               \
  "a=setup:active\r\n"                                                          \
  "a=recvonly\r\n"                                                              \
  "a=accept-types:application/vnd.oma.push\r\n"                                 \
  "a=path:msrp://userpc.domain.com:8888/9di4ea;tcp\r\n"                         \
  "a=file-transfer-id:a3cd20b8ae7f\r\n"                                         \
  "a=file-selector:name:\"pushid-a3cd20b8ae7f\" type:application/vnd.oma.push"  \
  " size:4092 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E\r\n"
#define B3_ANSWER_HEAD "v=0\r\no=bob 2890844656 2890844656 IN IP4 domain.com\r\n"
#define B3_ANSWER B3_ANSWER_HEAD "s=-\r\n" B3_ANSWER_BODY

static const guint8 b3_sha1[PL_MSRP_SHA1_LEN] = {
  0x72, 0x24, 0x5F, 0xE8, 0x65, 0x3D, 0xDA, 0xF3, 0x71, 0x36,
  0x2F, 0x86, 0xD4, 0x71, 0x91, 0x3E, 0xE4, 0xA2, 0xCE, 0x2E,
};

static PlMsrpSdp *
parse (const char *text,
       GError    **error)
{
  return pl_msrp_sdp_parse (text, strlen (text), error);
}

/* The offer a sender makes of "abc", whose SHA-1 is FIPS 180-2's first
 * test vector. */
static PlMsrpSdp *
abc_offer (PlMsrpSetup setup)
{
  g_autoptr (GBytes) content = g_bytes_new_static ("abc", 3);

  return pl_msrp_sdp_new_offer ("psa", "psa.domain.com", 7654, "a3cd20b8ae7f", 2890844526u,
                                setup, "application/vnd.oma.push", content, NULL);
}

static void
test_offer_build (void)
{
  g_autoptr (PlMsrpSdp) offer = abc_offer (PL_MSRP_SETUP_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = pl_msrp_sdp_to_string (offer, &error);

  g_test_summary ("B.3 step 1: the sender's offer, printed by sdp_print in B.3's attribute "
                  "order, with the content's size and SHA-1 in the file selector");
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
                   "v=0\r\n"
                   "o=psa 2890844526 2890844526 IN IP4 psa.domain.com\r\n"
                   "s=-\r\n"
                   "c=IN IP4 psa.domain.com\r\n"
                   "t=0 0\r\n"
                   "m=message 7654 TCP/MSRP *\r\n"
                   "a=setup:passive\r\n"
                   "a=sendonly\r\n"
                   "a=accept-types:application/vnd.oma.push\r\n"
                   "a=path:msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n"
                   "a=file-transfer-id:a3cd20b8ae7f\r\n"
                   "a=file-selector:name:\"pushid-a3cd20b8ae7f\" type:application/vnd.oma.push "
                   "size:3 hash:sha-1:A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D\r\n");
}

static void
test_b3_offer (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpSdp) offer = NULL;
  g_autoptr (PlMsrpSdp) joined = NULL;
  g_autofree char *one_line = NULL;

  g_test_summary ("B.3 step 1's SDP: as printed, its two typing errors are pointed out; "
                  "corrected, every field is read");

  offer = parse (B3_OFFER_AS_PRINTED, &error);
  g_assert_null (offer);
  g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "SDP line 13 \" size:4092"));
  g_assert_nonnull (strstr (error->message, "cannot go on over a second line"));
  g_assert_cmpint (pl_msrp_sdp_error_status (error), ==, 400);
  g_clear_error (&error);

  /* With the file-selector on one line: the spaces after the colons. */
  one_line = g_strdup (B3_OFFER_AS_PRINTED);
  memmove (strstr (one_line, "\r\n size:"), strstr (one_line, "\r\n size:") + 2,
           strlen (strstr (one_line, "\r\n size:") + 2) + 1);
  joined = parse (one_line, &error);
  g_assert_null (joined);
  g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "no space goes around the value"));
  g_clear_error (&error);

  {
    /* Lines may end at a bare CR or LF too, as sofia-sip reads them. */
    g_autofree char *lf = g_strdup (B3_OFFER);
    g_autoptr (PlMsrpSdp) lf_offer = NULL;

    g_strdelimit (lf, "\r", '\n');
    lf_offer = parse (lf, &error);
    g_assert_no_error (error);
    g_assert_cmpint (lf_offer->file_selector->size, ==, 4092);
  }

  offer = parse (B3_OFFER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (offer->origin_user, ==, "psa");
  g_assert_cmpuint (offer->origin_id, ==, 2890844526u);
  g_assert_cmpuint (offer->origin_version, ==, 2890844526u);
  g_assert_cmpstr (offer->origin_host, ==, "domain.com");
  g_assert_cmpstr (offer->host, ==, "psa.domain.com");
  g_assert_cmpuint (offer->port, ==, 7654);
  g_assert_false (offer->tls);
  g_assert_cmpuint (g_strv_length (offer->path), ==, 1);
  g_assert_cmpstr (offer->path[0], ==, "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp");
  g_assert_cmpuint (g_strv_length (offer->accept_types), ==, 1);
  g_assert_cmpstr (offer->accept_types[0], ==, "application/vnd.oma.push");
  g_assert_cmpint (offer->setup, ==, PL_MSRP_SETUP_PASSIVE);
  g_assert_cmpint (offer->direction, ==, PL_MSRP_SENDONLY);
  g_assert_cmpstr (offer->file_transfer_id, ==, "a3cd20b8ae7f");
  g_assert_nonnull (offer->file_selector);
  g_assert_cmpstr (offer->file_selector->name, ==, "pushid-a3cd20b8ae7f");
  g_assert_cmpstr (offer->file_selector->type, ==, "application/vnd.oma.push");
  g_assert_cmpint (offer->file_selector->size, ==, 4092);
  g_assert_true (offer->file_selector->has_sha1);
  g_assert_cmpmem (offer->file_selector->sha1, PL_MSRP_SHA1_LEN, b3_sha1, PL_MSRP_SHA1_LEN);
}

static void
test_b3_answer (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpSdp) offer = parse (B3_OFFER, NULL);
  g_autoptr (PlMsrpSdp) answer = NULL;
  g_autoptr (PlMsrpSdp) no_subject = NULL;
  g_autoptr (PlMsrpSdp) built = NULL;
  g_autofree char *built_text = NULL;

  g_test_summary ("B.3 step 3's answer: without s= it is refused; corrected, it fits the "
                  "offer, and the receiver (active) opens the connection. The answer the "
                  "receiver builds is B.3's, line for line, with s=- added");

  no_subject = parse (B3_ANSWER_HEAD B3_ANSWER_BODY, &error);
  g_assert_null (no_subject);
  g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "No s= present"));
  g_clear_error (&error);

  answer = parse (B3_ANSWER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (answer->host, ==, "userpc.domain.com");
  g_assert_cmpuint (answer->port, ==, 8888);
  g_assert_cmpint (answer->setup, ==, PL_MSRP_SETUP_ACTIVE);
  g_assert_cmpint (answer->direction, ==, PL_MSRP_RECVONLY);
  g_assert_cmpstr (answer->path[0], ==, "msrp://userpc.domain.com:8888/9di4ea;tcp");
  g_assert_true (pl_msrp_sdp_check_answer (offer, answer, &error));
  g_assert_no_error (error);
  g_assert_false (pl_msrp_sdp_offerer_connects (offer, answer));

  built = pl_msrp_sdp_new_answer (offer, "bob", "userpc.domain.com", 8888, "9di4ea",
                                  2890844656u, NULL, &error);
  g_assert_no_error (error);
  built_text = pl_msrp_sdp_to_string (built, &error);
  g_assert_no_error (error);
  /* B.3's o= names domain.com, ours the host the answer comes from. */
  g_assert_cmpstr (built_text, ==,
                   "v=0\r\no=bob 2890844656 2890844656 IN IP4 userpc.domain.com\r\ns=-\r\n"
                   B3_ANSWER_BODY);
}

static void
test_round_trip (void)
{
  const char *accepted[] = { "application/vnd.oma.push", "text/plain", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpSdp) offer = abc_offer (PL_MSRP_SETUP_ACTPASS);
  g_autofree char *offer_text = pl_msrp_sdp_to_string (offer, &error);
  g_autoptr (PlMsrpSdp) offer_read = parse (offer_text, &error);
  g_autoptr (PlMsrpSdp) answer = NULL;
  g_autoptr (PlMsrpSdp) answer_read = NULL;
  g_autofree char *answer_text = NULL;
  g_autofree char *again = NULL;

  g_test_summary ("Offer and answer survive sdp_print then sdp_parse; the answer read back "
                  "fits the offer read back; printing what was read gives the same text");
  g_assert_no_error (error);
  g_assert_cmpint (offer_read->setup, ==, PL_MSRP_SETUP_ACTPASS);
  g_assert_cmpint (offer_read->direction, ==, PL_MSRP_SENDONLY);
  g_assert_cmpint (offer_read->file_selector->size, ==, 3);
  g_assert_cmpmem (offer_read->file_selector->sha1, PL_MSRP_SHA1_LEN, offer->file_selector->sha1,
                   PL_MSRP_SHA1_LEN);
  again = pl_msrp_sdp_to_string (offer_read, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, offer_text);

  answer = pl_msrp_sdp_new_answer (offer_read, "user", "[2001:db8::4]", 2855, "9di4ea", 7,
                                   accepted, &error);
  g_assert_no_error (error);
  g_assert_cmpint (answer->setup, ==, PL_MSRP_SETUP_ACTIVE);
  answer_text = pl_msrp_sdp_to_string (answer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (answer_text, "\r\nc=IN IP6 2001:db8::4\r\n"));
  g_assert_nonnull (strstr (answer_text, "\r\na=path:msrp://[2001:db8::4]:2855/9di4ea;tcp\r\n"));
  answer_read = parse (answer_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (answer_read->host, ==, "2001:db8::4");
  g_assert_cmpint (answer_read->direction, ==, PL_MSRP_RECVONLY);
  g_assert_true (pl_msrp_sdp_check_answer (offer, answer_read, &error));
  g_assert_no_error (error);
  g_assert_false (pl_msrp_sdp_offerer_connects (offer, answer_read));
}

static void
test_file_selector_names (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpFileSelector) fs = NULL;
  g_autoptr (PlMsrpFileSelector) back = NULL;
  g_autofree char *printed = NULL;
  g_autoptr (GBytes) content = g_bytes_new_static ("x", 1);
  g_autoptr (PlMsrpSdp) offer = NULL;
  g_autoptr (PlMsrpSdp) read = NULL;
  g_autofree char *text = NULL;

  g_test_summary ("RFC 5547 file names: quoted, spaces kept, '%' and '\"' %-escaped; "
                  "a type parameter's quoted value may hold a space");

  fs = pl_msrp_file_selector_parse ("name:\"My Push Content.bin\" type:text/plain;charset=\"utf 8\" "
                                    "size:10",
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fs->name, ==, "My Push Content.bin");
  g_assert_cmpstr (fs->type, ==, "text/plain;charset=\"utf 8\"");
  g_assert_cmpint (fs->size, ==, 10);
  g_assert_false (fs->has_sha1);
  g_clear_pointer (&fs, pl_msrp_file_selector_free);

  fs = pl_msrp_file_selector_parse ("name:\"100%25 %22done%22\"", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fs->name, ==, "100% \"done\"");
  g_assert_null (fs->type);
  g_assert_cmpint (fs->size, ==, -1);
  printed = pl_msrp_file_selector_to_string (fs);
  g_assert_cmpstr (printed, ==, "name:\"100%25 %22done%22\"");

  offer = pl_msrp_sdp_new_offer ("psa", "psa.domain.com", 7654, "s1", 1, PL_MSRP_SETUP_NONE,
                                 "application/vnd.oma.push", content, "push content \"v2\".wbxml");
  text = pl_msrp_sdp_to_string (offer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "a=file-selector:name:\"push content %22v2%22.wbxml\" "));
  read = parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->file_selector->name, ==, "push content \"v2\".wbxml");

  back = pl_msrp_file_selector_parse ("", &error);
  g_assert_no_error (error);
  g_assert_null (back->name);
  g_assert_cmpint (back->size, ==, -1);
}

static void
test_file_selector_hash (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpFileSelector) fs = NULL;
  g_autofree char *printed = NULL;

  g_test_summary ("hash:sha-1:XX:… — 20 colon-separated bytes, read in either case, printed "
                  "in upper case; other algorithms are read but not kept");

  fs = pl_msrp_file_selector_parse ("hash:SHA-1:72:24:5f:e8:65:3d:da:f3:71:36:2f:86:d4:71:91:3e:"
                                    "e4:a2:ce:2e",
                                    &error);
  g_assert_no_error (error);
  g_assert_true (fs->has_sha1);
  g_assert_cmpmem (fs->sha1, PL_MSRP_SHA1_LEN, b3_sha1, PL_MSRP_SHA1_LEN);
  printed = pl_msrp_file_selector_to_string (fs);
  g_assert_cmpstr (printed, ==,
                   "hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E");
  g_clear_pointer (&fs, pl_msrp_file_selector_free);

  fs = pl_msrp_file_selector_parse ("size:5 hash:sha-256:00:01:02", &error);
  g_assert_no_error (error);
  g_assert_false (fs->has_sha1);
  g_assert_cmpint (fs->size, ==, 5);
}

static void
test_file_selector_errors (void)
{
  static const struct {
    const char *value;
    const char *message;
  } cases[] = {
    { "hash:sha-1:72:24:5F", "a sha-1 hash has 20 bytes" },
    { "hash:sha-1:7224", "expected \":\" between two hex digits" },
    { "hash:sha-1:72:2", "expected two hex digits" },
    { "hash:sha-1", "expected \"hash:<algorithm>:<hex bytes>\"" },
    { "hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E "
      "hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E",
      "the sha-1 hash is given twice" },
    { "name:pushid", "expected a quoted file name" },
    { "name:\"pushid", "closing quote is missing" },
    { "name:\"\"", "the file name is empty" },
    { "name:\"a%zz\"", "bad %-escape" },
    { "name:\"a\"  size:3", "expected one space" },
    { "name:\"a\"size:3", "expected one space" },
    { "name:\"a\" name:\"b\"", "\"name:\" is given twice" },
    { "size:many", "expected the file size" },
    { "type:application", "expected a media type" },
    { "type:text/plain;charset=\"utf-8", "closing quote is missing" },
    { "date:\"Mon, 1 Jun 2009\"", "expected a selector" },
    { " name:\"a\"", "expected a selector" },
  };

  g_test_summary ("Malformed file selectors are refused with the byte and what was expected");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpFileSelector) fs = pl_msrp_file_selector_parse (cases[i].value, &error);

      g_test_message ("case %u: %s", i, cases[i].value);
      g_assert_null (fs);
      g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_nonnull (strstr (error->message, "RFC 5547"));
    }
}

/* B3_OFFER with @from replaced by @to (once). */
static char *
offer_with (const char *from,
            const char *to)
{
  const char *at = strstr (B3_OFFER, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - B3_OFFER), B3_OFFER, to, at + strlen (from));
}

static void
test_parse_errors (void)
{
  static const struct {
    const char *from, *to;
    PlMsrpSdpError code;
    int status, warning;
    const char *message;
  } cases[] = {
    { "m=message 7654 TCP/MSRP *", "m=audio 7654 RTP/AVP 0", PL_MSRP_SDP_ERROR_NO_MSRP, 488, 304,
      "no \"m=message <port> TCP/MSRP *\" line" },
    { "m=message 7654 TCP/MSRP *", "m=message 7654 TCP/CPIM *", PL_MSRP_SDP_ERROR_NO_MSRP, 488,
      304, "no \"m=message" },
    { "t=0 0\r\n", "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\n", PL_MSRP_SDP_ERROR_NO_MSRP, 488, 304,
      "2 m-lines" },
    { "a=path:msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n", "", PL_MSRP_SDP_ERROR_ATTRIBUTE,
      488, 306, "no a=path" },
    { "a=accept-types:application/vnd.oma.push\r\n", "", PL_MSRP_SDP_ERROR_ATTRIBUTE, 488, 306,
      "no a=accept-types" },
    { "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp", "sip:psa.domain.com:7654",
      PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "is not an MSRP URI" },
    { "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp", "msrp://psa.domain.com:7654/a3cd20b8ae7f",
      PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "is not an MSRP URI" },
    { "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp", "msrp://psa.domain.com:7654;tcp",
      PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "is not an MSRP URI" },
    { "a=setup:passive", "a=setup:listen", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399,
      "expected active, passive, actpass or holdconn" },
    { "a=setup:passive", "a=setup", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "a=setup needs a value" },
    { "TCP/MSRP *", "TCP/MSRP 0", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "format list" },
    /* sofia-sip 1.12.11 would loop for ever on this one (fuzz-sdp). */
    { "TCP/MSRP *", "TCP/MSRP a/b", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399,
      "is not m=<media> <port> <proto> <fmt>" },
    { "TCP/MSRP *", "TCP/MSRP  *", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "is not m=<media>" },
    /* An empty port field (two spaces): read past its start once. */
    { "m=message 7654 TCP/MSRP *", "m=message  TCP/MSRP *", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399,
      "is not m=<media>" },
    { "c=IN IP4 psa.domain.com\r\n", "c=IN IP4 psa.domain.com\rx\n", PL_MSRP_SDP_ERROR_SYNTAX,
      400, 399, "SDP line 5 \"x\" is not <type>=<value>" },
    { "a=accept-types:application/vnd.oma.push",
      "a=accept-types:application/vnd.oma.push  text/plain", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399,
      "is not \"*\"" },
    { "a=file-transfer-id:a3cd20b8ae7f", "a=file-transfer-id:a3cd@20", PL_MSRP_SDP_ERROR_SYNTAX,
      400, 399, "expected a token" },
    { "a=sendonly\r\n", "a=sendonly\r\na=path:msrp://x.example:1/y;tcp\r\n",
      PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "a=path is given twice" },
    { "a=sendonly\r\n", "a=sendonly\r\na=file-selector\r\n", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399,
      "a=file-selector is given twice" },
    { "c=IN IP4 psa.domain.com\r\n", "", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "No c=" },
    { "v=0", "v=1", PL_MSRP_SDP_ERROR_SYNTAX, 400, 399, "not an SDP session description" },
  };

  g_test_summary ("An offer that is not SDP, has no MSRP stream, or lacks or garbles an MSRP "
                  "attribute is refused, each with its reason, SIP status and Warning code");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = offer_with (cases[i].from, cases[i].to);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpSdp) sdp = parse (text, &error);

      g_test_message ("case %u: %s -> %s", i, cases[i].from, cases[i].to);
      g_assert_null (sdp);
      g_assert_error (error, PL_MSRP_SDP_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_cmpint (pl_msrp_sdp_error_status (error), ==, cases[i].status);
      g_assert_cmpint (pl_msrp_sdp_error_warning (error), ==, cases[i].warning);
    }
}

static void
test_answer_refusals (void)
{
  static const char *const push_only[] = { "application/vnd.oma.push", NULL };
  static const char *const text_only[] = { "text/plain", NULL };
  static const struct {
    const char *from, *to;
    const char *const *accepted;
    PlMsrpSdpError code;
    int warning;
    const char *message;
  } cases[] = {
    { "a=sendonly", "a=recvonly", NULL, PL_MSRP_SDP_ERROR_DIRECTION, 399,
      "the offer is recvonly" },
    { "a=sendonly", "a=inactive", NULL, PL_MSRP_SDP_ERROR_DIRECTION, 399,
      "the offer is inactive" },
    { "a=sendonly", "a=sendrecv", NULL, PL_MSRP_SDP_ERROR_DIRECTION, 399,
      "sendrecv with a file selector" },
    { "a=setup:passive", "a=setup:holdconn", NULL, PL_MSRP_SDP_ERROR_SETUP, 399,
      "a=setup:holdconn holds the connection back" },
    { "a=accept-types:application/vnd.oma.push", "a=accept-types:application/vnd.oma.push",
      text_only, PL_MSRP_SDP_ERROR_MEDIA_FORMAT, 305,
      "none of the offered accept-types \"application/vnd.oma.push\"" },
    { "a=accept-types:application/vnd.oma.push", "a=accept-types:text/plain image/png",
      push_only, PL_MSRP_SDP_ERROR_MEDIA_FORMAT, 305, "none of the offered accept-types" },
    /* The accept-types meet on text/plain, but the file is a push. */
    { "a=accept-types:application/vnd.oma.push",
      "a=accept-types:application/vnd.oma.push text/plain", text_only,
      PL_MSRP_SDP_ERROR_MEDIA_FORMAT, 305,
      "the offered file's type \"application/vnd.oma.push\" is not accepted" },
  };

  g_test_summary ("The receiver answers 488 to an offer it cannot take: a direction other "
                  "than sendonly, holdconn, or no content type in common");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = offer_with (cases[i].from, cases[i].to);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpSdp) offer = parse (text, &error);
      g_autoptr (PlMsrpSdp) answer = NULL;

      g_test_message ("case %u: %s -> %s", i, cases[i].from, cases[i].to);
      g_assert_no_error (error);
      answer = pl_msrp_sdp_new_answer (offer, "bob", "userpc.domain.com", 8888, "9di4ea", 1,
                                       cases[i].accepted, &error);
      g_assert_null (answer);
      g_assert_error (error, PL_MSRP_SDP_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_cmpint (pl_msrp_sdp_error_status (error), ==, 488);
      g_assert_cmpint (pl_msrp_sdp_error_warning (error), ==, cases[i].warning);
    }
}

static void
test_setup_table (void)
{
  static const struct {
    PlMsrpSetup offer;
    gboolean answerable;
    PlMsrpSetup answer;
    gboolean offerer_connects;
  } table[] = {
    /* RFC 4145 §4.1 */
    { PL_MSRP_SETUP_ACTIVE, TRUE, PL_MSRP_SETUP_PASSIVE, TRUE },
    { PL_MSRP_SETUP_PASSIVE, TRUE, PL_MSRP_SETUP_ACTIVE, FALSE },   /* B.3 */
    { PL_MSRP_SETUP_ACTPASS, TRUE, PL_MSRP_SETUP_ACTIVE, FALSE },
    /* RFC 4975 §5.4: no a=setup, the offerer connects */
    { PL_MSRP_SETUP_NONE, TRUE, PL_MSRP_SETUP_PASSIVE, TRUE },
    { PL_MSRP_SETUP_HOLDCONN, FALSE, PL_MSRP_SETUP_NONE, FALSE },
  };
  /* Answers that check_answer must refuse, per offer. */
  static const struct {
    PlMsrpSetup offer, answer;
  } bad[] = {
    { PL_MSRP_SETUP_ACTIVE, PL_MSRP_SETUP_ACTIVE },
    { PL_MSRP_SETUP_PASSIVE, PL_MSRP_SETUP_PASSIVE },
    { PL_MSRP_SETUP_PASSIVE, PL_MSRP_SETUP_NONE },
    { PL_MSRP_SETUP_ACTPASS, PL_MSRP_SETUP_ACTPASS },
    { PL_MSRP_SETUP_NONE, PL_MSRP_SETUP_ACTIVE },
    { PL_MSRP_SETUP_ACTIVE, PL_MSRP_SETUP_HOLDCONN },
  };

  g_test_summary ("Setup negotiation: each offered role gets the opposite one, actpass gets "
                  "active, no a=setup makes the offerer active; same-role answers are refused");

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      PlMsrpSetup answer_setup = PL_MSRP_SETUP_NONE;
      g_autoptr (PlMsrpSdp) offer = abc_offer (PL_MSRP_SETUP_PASSIVE);
      g_autoptr (PlMsrpSdp) answer = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("offer setup %d", table[i].offer);
      offer->setup = table[i].offer;
      g_assert_cmpint (pl_msrp_setup_answer (table[i].offer, &answer_setup), ==,
                       table[i].answerable);
      answer = pl_msrp_sdp_new_answer (offer, "bob", "userpc.domain.com", 8888, "9di4ea", 1,
                                       NULL, &error);
      if (!table[i].answerable)
        {
          g_assert_null (answer);
          g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SETUP);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (answer_setup, ==, table[i].answer);
      g_assert_cmpint (answer->setup, ==, table[i].answer);
      g_assert_true (pl_msrp_sdp_check_answer (offer, answer, &error));
      g_assert_no_error (error);
      g_assert_cmpint (pl_msrp_sdp_offerer_connects (offer, answer), ==,
                       table[i].offerer_connects);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (PlMsrpSdp) offer = abc_offer (PL_MSRP_SETUP_PASSIVE);
      g_autoptr (PlMsrpSdp) answer = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("bad pair %u", i);
      offer->setup = PL_MSRP_SETUP_ACTPASS;
      answer = pl_msrp_sdp_new_answer (offer, "bob", "userpc.domain.com", 8888, "9di4ea", 1,
                                       NULL, &error);
      g_assert_no_error (error);
      offer->setup = bad[i].offer;
      answer->setup = bad[i].answer;
      g_assert_false (pl_msrp_sdp_check_answer (offer, answer, &error));
      g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SETUP);
    }
}

static void
test_accept_types (void)
{
  static const struct {
    const char *offered;
    const char *const accepted[4];
    const char *answer;
  } cases[] = {
    { "application/vnd.oma.push", { "application/vnd.oma.push", NULL }, "application/vnd.oma.push" },
    { "application/vnd.oma.push", { "*", NULL }, "application/vnd.oma.push" },
    { "application/vnd.oma.push", { NULL }, "application/vnd.oma.push" },
    { "application/vnd.oma.push text/plain", { "TEXT/PLAIN", NULL }, "text/plain" },
    { "*", { "text/plain", "image/png", NULL }, "text/plain image/png" },
    { "text/*", { "text/plain", "image/png", "text/html", NULL }, "text/plain text/html" },
    { "text/plain", { "text/*", NULL }, "text/plain" },
    { "text/plain image/png", { "image/*", "text/plain", NULL }, "text/plain image/png" },
  };

  g_test_summary ("The answer's accept-types are what both sides accept, in the offer's "
                  "order, wildcards covering types either way (RFC 4975 §8.6)");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = g_strdup_printf ("a=accept-types:%s", cases[i].offered);
      g_autofree char *text = offer_with ("a=accept-types:application/vnd.oma.push", line);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpSdp) offer = parse (text, &error);
      g_autoptr (PlMsrpSdp) answer = NULL;
      g_autofree char *joined = NULL;

      g_test_message ("case %u: %s", i, cases[i].offered);
      g_assert_no_error (error);
      /* The file type is checked apart: leave it out here. */
      g_clear_pointer (&offer->file_selector->type, g_free);
      answer = pl_msrp_sdp_new_answer (offer, "bob", "userpc.domain.com", 8888, "9di4ea", 1,
                                       cases[i].accepted, &error);
      g_assert_no_error (error);
      joined = g_strjoinv (" ", answer->accept_types);
      g_assert_cmpstr (joined, ==, cases[i].answer);
      g_assert_true (pl_msrp_sdp_check_answer (offer, answer, &error));
      g_assert_no_error (error);
    }
}

static void
test_answer_checks (void)
{
  g_autoptr (PlMsrpSdp) offer = parse (B3_OFFER, NULL);

  g_test_summary ("The sender refuses an answer that rejects the stream (port 0), does not "
                  "receive, or does not echo the file selector and file-transfer-id");

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpSdp) answer = parse (B3_ANSWER, &error);
      PlMsrpSdpError code;

      g_assert_no_error (error);
      switch (i)
        {
        case 0:
          answer->port = 0;
          code = PL_MSRP_SDP_ERROR_REJECTED;
          break;
        case 1:
          answer->direction = PL_MSRP_SENDRECV;
          code = PL_MSRP_SDP_ERROR_DIRECTION;
          break;
        case 2:
          g_clear_pointer (&answer->file_selector, pl_msrp_file_selector_free);
          code = PL_MSRP_SDP_ERROR_MISMATCH;
          break;
        case 3:
          g_free (answer->file_transfer_id);
          answer->file_transfer_id = g_strdup ("other");
          code = PL_MSRP_SDP_ERROR_MISMATCH;
          break;
        default:
          answer->file_selector->size = 4093;
          code = PL_MSRP_SDP_ERROR_MISMATCH;
          break;
        }
      g_test_message ("case %u", i);
      g_assert_false (pl_msrp_sdp_check_answer (offer, answer, &error));
      g_assert_error (error, PL_MSRP_SDP_ERROR, (gint) code);
    }

  {
    /* A refused stream read from text: "m=message 0 TCP/MSRP *" alone. */
    g_autoptr (GError) error = NULL;
    g_autoptr (PlMsrpSdp) refused =
      parse ("v=0\r\no=bob 1 1 IN IP4 domain.com\r\ns=-\r\nt=0 0\r\nm=message 0 TCP/MSRP *\r\n",
             &error);

    g_assert_no_error (error);
    g_assert_cmpuint (refused->port, ==, 0);
    g_assert_false (pl_msrp_sdp_check_answer (offer, refused, &error));
    g_assert_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_REJECTED);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/msrp-sdp/offer/build", test_offer_build);
  g_test_add_func ("/pl/msrp-sdp/offer/b3", test_b3_offer);
  g_test_add_func ("/pl/msrp-sdp/answer/b3", test_b3_answer);
  g_test_add_func ("/pl/msrp-sdp/round-trip", test_round_trip);
  g_test_add_func ("/pl/msrp-sdp/file-selector/names", test_file_selector_names);
  g_test_add_func ("/pl/msrp-sdp/file-selector/hash", test_file_selector_hash);
  g_test_add_func ("/pl/msrp-sdp/file-selector/errors", test_file_selector_errors);
  g_test_add_func ("/pl/msrp-sdp/parse-errors", test_parse_errors);
  g_test_add_func ("/pl/msrp-sdp/answer/refusals", test_answer_refusals);
  g_test_add_func ("/pl/msrp-sdp/setup-table", test_setup_table);
  g_test_add_func ("/pl/msrp-sdp/accept-types", test_accept_types);
  g_test_add_func ("/pl/msrp-sdp/answer/checks", test_answer_checks);

  return g_test_run ();
}
