/* test-http.c: the HTTP/1.1 framer of the virtual network (pl-http.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-http.h"

static PlHttpMessage *
parse_ok (const char *text,
          gsize       len)
{
  g_autoptr (GError) error = NULL;
  PlHttpMessage *msg = pl_http_parse_data (text, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return msg;
}

static void
assert_fails (const char  *text,
              gsize        len,
              PlHttpError  code,
              const char  *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHttpMessage) msg = pl_http_parse_data (text, len, &error);

  g_assert_null (msg);
  g_assert_error (error, PL_HTTP_ERROR, (int) code);
  g_assert_true (g_str_has_prefix (error->message, "byte "));
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' does not say '%s'", error->message, fragment);
}

#define FAILS(text, code, fragment) assert_fails (text, sizeof (text) - 1, code, fragment)

static void
test_build_request (void)
{
  g_autoptr (GBytes) bytes = pl_http_build_request ("GET", "uaprof.home1.net", "/syncml-phone.rdf",
                                                    "application/rdf+xml");
  g_autoptr (PlHttpMessage) msg = NULL;
  g_autofree char *label = NULL;
  const char *expected = "GET /syncml-phone.rdf HTTP/1.1\r\nHost: uaprof.home1.net\r\n"
                         "Accept: application/rdf+xml\r\n\r\n";

  g_test_summary ("A built GET is exactly the RFC 7230 request and reads back the same");
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
  msg = pl_http_parse (bytes, NULL);
  g_assert_nonnull (msg);
  g_assert_true (pl_http_message_is_request (msg));
  g_assert_cmpstr (pl_http_message_get_method (msg), ==, "GET");
  g_assert_cmpstr (pl_http_message_get_target (msg), ==, "/syncml-phone.rdf");
  g_assert_cmpstr (pl_http_message_get_version (msg), ==, "HTTP/1.1");
  g_assert_cmpint (pl_http_message_get_status (msg), ==, 0);
  g_assert_cmpstr (pl_http_message_get_header (msg, "host"), ==, "uaprof.home1.net");
  g_assert_cmpuint (g_bytes_get_size (pl_http_message_get_body (msg)), ==, 0);
  label = pl_http_message_label (msg);
  g_assert_cmpstr (label, ==, "GET /syncml-phone.rdf");
}

static void
test_build_response (void)
{
  static const char body_text[] = "<rdf:RDF>\r\n\r\n</rdf:RDF>";
  g_autoptr (GBytes) body = g_bytes_new_static (body_text, sizeof (body_text) - 1);
  const char *headers[] = { "Allow: GET", NULL };
  g_autoptr (GBytes) bytes = pl_http_build_response (200, headers, "application/rdf+xml", body);
  g_autoptr (PlHttpMessage) msg = pl_http_parse (bytes, NULL);
  g_autofree char *label = NULL;
  GBytes *got;

  g_test_summary ("A built response carries Content-Type and Content-Length, and a body "
                  "holding CRLF CRLF reads back whole");
  g_assert_nonnull (msg);
  g_assert_false (pl_http_message_is_request (msg));
  g_assert_cmpint (pl_http_message_get_status (msg), ==, 200);
  g_assert_cmpstr (pl_http_message_get_reason (msg), ==, "OK");
  g_assert_cmpuint (pl_http_message_get_n_headers (msg), ==, 3);
  g_assert_cmpstr (pl_http_message_get_header_name (msg, 0), ==, "Allow");
  g_assert_cmpstr (pl_http_message_get_header_value (msg, 0), ==, "GET");
  g_assert_cmpstr (pl_http_message_get_header (msg, "content-type"), ==, "application/rdf+xml");
  g_assert_cmpstr (pl_http_message_get_header (msg, "Content-Length"), ==, "23");
  got = pl_http_message_get_body (msg);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), body_text,
                   sizeof (body_text) - 1);
  label = pl_http_message_label (msg);
  g_assert_cmpstr (label, ==, "200 OK");
  g_assert_cmpstr (pl_http_reason_phrase (405), ==, "Method Not Allowed");
}

static void
test_headers (void)
{
  static const char text[] =
    "HTTP/1.1 404 Not Found\r\nX-Empty:\r\nX-Pad: \t  value with  spaces \t\r\n"
    "x-pad: second\r\nContent-Length: 0\r\n\r\n";
  g_autoptr (PlHttpMessage) msg = parse_ok (text, sizeof (text) - 1);

  g_test_summary ("Field values lose surrounding whitespace only; names compare without "
                  "case; the first of two fields of a name is the one returned");
  g_assert_cmpint (pl_http_message_get_status (msg), ==, 404);
  g_assert_cmpstr (pl_http_message_get_reason (msg), ==, "Not Found");
  g_assert_cmpstr (pl_http_message_get_header (msg, "X-Empty"), ==, "");
  g_assert_cmpstr (pl_http_message_get_header (msg, "X-PAD"), ==, "value with  spaces");
  g_assert_cmpstr (pl_http_message_get_header_value (msg, 2), ==, "second");
  g_assert_null (pl_http_message_get_header (msg, "Content-Type"));
}

static void
test_body_rules (void)
{
  static const char no_length[] = "HTTP/1.0 200 OK\r\n\r\nto the end\r\n\r\n";
  static const char no_content[] = "HTTP/1.1 204 No Content\r\n\r\n";
  static const char post[] = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
  static const char same[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nab";
  g_autoptr (PlHttpMessage) a = parse_ok (no_length, sizeof (no_length) - 1);
  g_autoptr (PlHttpMessage) b = parse_ok (no_content, sizeof (no_content) - 1);
  g_autoptr (PlHttpMessage) c = parse_ok (post, sizeof (post) - 1);
  g_autoptr (PlHttpMessage) d = parse_ok (same, sizeof (same) - 1);

  g_test_summary ("RFC 7230 §3.3.3: a response without a length reads to the end, 204 has "
                  "no body, a request body is its Content-Length; equal lengths agree");
  g_assert_cmpuint (g_bytes_get_size (pl_http_message_get_body (a)), ==, 14);
  g_assert_cmpstr (pl_http_message_get_version (a), ==, "HTTP/1.0");
  g_assert_cmpuint (g_bytes_get_size (pl_http_message_get_body (b)), ==, 0);
  g_assert_cmpuint (g_bytes_get_size (pl_http_message_get_body (c)), ==, 3);
  g_assert_cmpuint (g_bytes_get_size (pl_http_message_get_body (d)), ==, 2);
  FAILS ("HTTP/1.1 204 No Content\r\n\r\nextra", PL_HTTP_ERROR_UNSUPPORTED, "after the message");
}

static void
test_truncated (void)
{
  g_test_summary ("A message cut before the end of its header section or its body is "
                  "TRUNCATED, never read past its end");
  FAILS ("", PL_HTTP_ERROR_TRUNCATED, "header section does not end");
  FAILS ("GET / HTTP/1.1\r\nHost: a\r\n", PL_HTTP_ERROR_TRUNCATED, "header section does not end");
  FAILS ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", PL_HTTP_ERROR_TRUNCATED,
         "the body has 3 bytes; expected Content-Length 10");
  /* A NUL before the end of the head is not where the search stops. */
  assert_fails ("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29, PL_HTTP_ERROR_SYNTAX,
                "NUL in a line");
}

static void
test_bad_content_length (void)
{
  g_test_summary ("Content-Length is one decimal number: signs, lists, overflow, "
                  "disagreement and Transfer-Encoding are refused");
  FAILS ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", PL_HTTP_ERROR_SYNTAX,
         "Content-Length '-1'");
  FAILS ("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\na", PL_HTTP_ERROR_SYNTAX,
         "expected a decimal number");
  FAILS ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", PL_HTTP_ERROR_SYNTAX,
         "Content-Length '99999999999999999999'");
  FAILS ("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "Content-Length ''");
  FAILS ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
         PL_HTTP_ERROR_SYNTAX, "disagree");
  FAILS ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         PL_HTTP_ERROR_UNSUPPORTED, "Transfer-Encoding 'chunked'");
  FAILS ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\nx", PL_HTTP_ERROR_UNSUPPORTED,
         "1 bytes after the message");
}

static void
test_bad_syntax (void)
{
  g_test_summary ("Start lines, field syntax and line ends are checked as RFC 7230 writes them");
  FAILS ("\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "empty start line");
  FAILS ("GET /\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad request-target");
  FAILS ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad request-target");
  FAILS ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad HTTP version");
  FAILS ("GET / HTTP/11\r\nHost: a\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad HTTP version");
  FAILS ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad request line");
  FAILS ("GET / HTTP/1.1\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "0 Host fields");
  FAILS ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "2 Host fields");
  FAILS ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "followed directly by ':'");
  FAILS ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "line folding");
  FAILS ("GET / HTTP/1.1\nHost: a\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bare LF");
  FAILS ("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bare CR");
  FAILS ("HTTP/1.1 20 OK\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad status code");
  FAILS ("HTTP/1.1 200\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "bad status line");
  FAILS ("HTTP/1.1 099 Low\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "status code 099");
  FAILS ("HTTP/1.1 200 O\x01K\r\n\r\n", PL_HTTP_ERROR_SYNTAX, "reason phrase");
}

static void
test_many_headers (void)
{
  GString *s = g_string_new ("GET / HTTP/1.1\r\nHost: a\r\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHttpMessage) msg = NULL;

  g_test_summary ("The number of header fields is bounded");
  for (int i = 0; i < 100; i++)
    g_string_append_printf (s, "X-%d: %d\r\n", i, i);
  g_string_append (s, "\r\n");
  msg = pl_http_parse_data (s->str, s->len, &error);
  g_assert_null (msg);
  g_assert_error (error, PL_HTTP_ERROR, PL_HTTP_ERROR_UNSUPPORTED);
  g_string_free (s, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/http/build-request", test_build_request);
  g_test_add_func ("/pl/http/build-response", test_build_response);
  g_test_add_func ("/pl/http/headers", test_headers);
  g_test_add_func ("/pl/http/body-rules", test_body_rules);
  g_test_add_func ("/pl/http/truncated", test_truncated);
  g_test_add_func ("/pl/http/bad-content-length", test_bad_content_length);
  g_test_add_func ("/pl/http/bad-syntax", test_bad_syntax);
  g_test_add_func ("/pl/http/many-headers", test_many_headers);

  return g_test_run ();
}
