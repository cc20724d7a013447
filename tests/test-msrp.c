/* test-msrp.c: the MSRP framer and parser (sim/pl-msrp.c, RFC 4975).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-msrp.h"

#define TO_PATH "msrp://[5555::aaa:bbb:ccc:ddd]:2855/s111271;tcp"
#define FROM_PATH "msrp://psadm1.home1.net:2855/iau39soe2843z;tcp"

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static char *
bytes_text (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

static PlMsrpFrame *
make_send (const char *tid,
           const char *body,
           PlMsrpFlag  flag)
{
  PlMsrpFrame *frame = pl_msrp_request_new (tid, "SEND");
  g_autoptr (GBytes) data = text_bytes (body);
  g_autofree char *range = g_strdup_printf ("1-%zu/%zu", strlen (body), strlen (body));

  pl_msrp_frame_add_header (frame, "To-Path", TO_PATH);
  pl_msrp_frame_add_header (frame, "From-Path", FROM_PATH);
  pl_msrp_frame_add_header (frame, "Message-ID", "87652491");
  pl_msrp_frame_add_header (frame, "Byte-Range", range);
  pl_msrp_frame_set_body (frame, "text/plain", data);
  pl_msrp_frame_set_flag (frame, flag);
  return frame;
}

static void
test_print_send (void)
{
  g_autoptr (PlMsrpFrame) frame = make_send ("a786hjs2", "Hi, I'm Alice!", PL_MSRP_FLAG_END);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) wire = pl_msrp_frame_to_bytes (frame, &error);
  g_autofree char *text = NULL;

  g_test_summary ("A SEND prints as RFC 4975 §7.1 lays it out: start line, To-Path, From-Path, "
                  "other headers, Content-Type, blank line, body, CRLF, end-line");
  g_assert_no_error (error);
  text = bytes_text (wire);
  g_assert_cmpstr (text, ==,
                   "MSRP a786hjs2 SEND\r\n"
                   "To-Path: " TO_PATH "\r\n"
                   "From-Path: " FROM_PATH "\r\n"
                   "Message-ID: 87652491\r\n"
                   "Byte-Range: 1-14/14\r\n"
                   "Content-Type: text/plain\r\n"
                   "\r\n"
                   "Hi, I'm Alice!\r\n"
                   "-------a786hjs2$\r\n");
}

static void
test_print_response (void)
{
  g_autoptr (PlMsrpFrame) frame = pl_msrp_response_new ("a786hjs2", 200, "OK");
  g_autoptr (GBytes) wire = NULL;
  g_autofree char *text = NULL;

  pl_msrp_frame_add_header (frame, "To-Path", FROM_PATH);
  pl_msrp_frame_add_header (frame, "From-Path", TO_PATH);
  wire = pl_msrp_frame_to_bytes (frame, NULL);
  text = bytes_text (wire);
  g_assert_cmpstr (text, ==,
                   "MSRP a786hjs2 200 OK\r\n"
                   "To-Path: " FROM_PATH "\r\n"
                   "From-Path: " TO_PATH "\r\n"
                   "-------a786hjs2$\r\n");
}

static void
test_round_trip (void)
{
  static const PlMsrpFlag flags[] = { PL_MSRP_FLAG_END, PL_MSRP_FLAG_MORE, PL_MSRP_FLAG_ABORT };

  g_test_summary ("Each end-line flag ($ + #) survives printing and parsing; the parsed body "
                  "is a slice of the received bytes, not a copy");
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr (PlMsrpFrame) frame = make_send ("dkei38sd", "chunk of a file", flags[i]);
      g_autoptr (GBytes) wire = pl_msrp_frame_to_bytes (frame, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpFrame) parsed = NULL;
      gsize consumed = 0, len, body_len;
      const guint8 *data = g_bytes_get_data (wire, &len);
      const guint8 *body;

      parsed = pl_msrp_frame_parse (wire, 0, &consumed, &error);
      g_assert_no_error (error);
      g_assert_nonnull (parsed);
      g_assert_cmpuint (consumed, ==, len);
      g_assert_cmpint (pl_msrp_frame_get_kind (parsed), ==, PL_MSRP_REQUEST);
      g_assert_cmpstr (pl_msrp_frame_get_method (parsed), ==, "SEND");
      g_assert_cmpstr (pl_msrp_frame_get_transaction_id (parsed), ==, "dkei38sd");
      g_assert_cmpint (pl_msrp_frame_get_flag (parsed), ==, flags[i]);
      g_assert_cmpstr (pl_msrp_frame_get_header (parsed, "to-path"), ==, TO_PATH);
      g_assert_cmpstr (pl_msrp_frame_get_header (parsed, "Byte-Range"), ==, "1-15/15");
      g_assert_cmpstr (pl_msrp_frame_get_content_type (parsed), ==, "text/plain");
      g_assert_cmpuint (pl_msrp_frame_get_n_headers (parsed), ==, 4);
      body = g_bytes_get_data (pl_msrp_frame_get_body (parsed), &body_len);
      g_assert_cmpmem (body, body_len, "chunk of a file", 15);
      g_assert_true (body >= data && body + body_len <= data + len);
    }
}

static void
test_parse_response (void)
{
  g_autoptr (GBytes) wire = text_bytes ("MSRP 49fi 481 Session does not exist\r\n"
                                        "To-Path: " FROM_PATH "\r\n"
                                        "From-Path: " TO_PATH "\r\n"
                                        "-------49fi$\r\n");
  g_autoptr (PlMsrpFrame) frame = NULL;
  g_autoptr (GError) error = NULL;
  gsize consumed;

  frame = pl_msrp_frame_parse (wire, 0, &consumed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pl_msrp_frame_get_kind (frame), ==, PL_MSRP_RESPONSE);
  g_assert_cmpuint (pl_msrp_frame_get_status (frame), ==, 481);
  g_assert_cmpstr (pl_msrp_frame_get_phrase (frame), ==, "Session does not exist");
  g_assert_null (pl_msrp_frame_get_body (frame));
}

static void
test_body_holds_end_line_text (void)
{
  g_autoptr (GError) error = NULL;

  g_test_summary ("A body may hold dashes, another transaction's end-line, or this one's "
                  "without CRLF around it; the frame's own end-line in the body is refused "
                  "when printing (RFC 4975 §7.1)");
  {
    static const char *const bodies[] = {
      "-------",
      "\r\n-------other123$\r\nmore",
      "x\r\n-------tid1234$x\r\n",
      "-------tid1234$\r\nat the very start",
      "",
      "\r\n\r\n",
      "a\r\n-------tid1234",      /* the printed CRLF is no flag */
      "\r\n-------tid1234+\r",   /* nor does it end a line here */
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr (PlMsrpFrame) frame = make_send ("tid1234", bodies[i], PL_MSRP_FLAG_MORE);
        g_autoptr (GBytes) wire = pl_msrp_frame_to_bytes (frame, &error);
        g_autoptr (PlMsrpFrame) parsed = NULL;
        gsize consumed, len;
        const char *body;

        g_assert_no_error (error);
        parsed = pl_msrp_frame_parse (wire, 0, &consumed, &error);
        g_assert_no_error (error);
        g_assert_nonnull (parsed);
        g_assert_cmpuint (consumed, ==, g_bytes_get_size (wire));
        body = g_bytes_get_data (pl_msrp_frame_get_body (parsed), &len);
        g_assert_cmpmem (body, len, bodies[i], strlen (bodies[i]));
        g_assert_cmpint (pl_msrp_frame_get_flag (parsed), ==, PL_MSRP_FLAG_MORE);
      }
  }
  {
    static const char *const bodies[] = {
      "a\r\n-------tid1234$\r\nb",
      "a\r\n-------tid1234#",   /* the CRLF printed after the body completes it */
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr (PlMsrpFrame) frame = make_send ("tid1234", bodies[i], PL_MSRP_FLAG_END);
        g_autoptr (GBytes) wire = pl_msrp_frame_to_bytes (frame, &error);

        g_assert_null (wire);
        g_assert_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_END_LINE_IN_BODY);
        g_clear_error (&error);
      }
  }
}

static void
test_framer_boundaries (void)
{
  g_autoptr (PlMsrpFrame) one = make_send ("a786hjs2", "first chunk", PL_MSRP_FLAG_MORE);
  g_autoptr (PlMsrpFrame) two = make_send ("b786hjs2", "second chunk", PL_MSRP_FLAG_END);
  g_autoptr (GBytes) w1 = pl_msrp_frame_to_bytes (one, NULL);
  g_autoptr (GBytes) w2 = pl_msrp_frame_to_bytes (two, NULL);
  g_autoptr (GByteArray) stream = g_byte_array_new ();
  gsize len = 0;

  g_test_summary ("Frames cut out of a TCP stream whatever the segment boundaries: one byte "
                  "at a time, two frames in one segment, a split inside the end-line");
  g_byte_array_append (stream, g_bytes_get_data (w1, NULL), (guint) g_bytes_get_size (w1));
  g_byte_array_append (stream, g_bytes_get_data (w2, NULL), (guint) g_bytes_get_size (w2));
  len = stream->len;

  for (gsize step = 1; step <= len; step = step < 8 ? step + 1 : step * 3)
    {
      g_autoptr (PlMsrpFramer) framer = pl_msrp_framer_new ();
      GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_msrp_frame_free);

      for (gsize at = 0; at < len; at += step)
        {
          g_autoptr (GBytes) segment = g_bytes_new (stream->data + at, MIN (step, len - at));
          PlMsrpFrame *frame;
          g_autoptr (GError) error = NULL;

          pl_msrp_framer_push (framer, segment);
          while ((frame = pl_msrp_framer_next (framer, &error)))
            g_ptr_array_add (frames, frame);
          g_assert_no_error (error);
        }
      g_assert_cmpuint (frames->len, ==, 2);
      g_assert_cmpstr (pl_msrp_frame_get_transaction_id (frames->pdata[0]), ==, "a786hjs2");
      g_assert_cmpint (pl_msrp_frame_get_flag (frames->pdata[0]), ==, PL_MSRP_FLAG_MORE);
      g_assert_cmpstr (pl_msrp_frame_get_transaction_id (frames->pdata[1]), ==, "b786hjs2");
      g_assert_cmpuint (pl_msrp_framer_get_pending (framer), ==, 0);
      g_ptr_array_unref (frames);
    }
}

static void
test_malformed (void)
{
  static const struct {
    const char *text;
    gint code;
    const char *message;
  } cases[] = {
    { "SIP/2.0 200 OK\r\n\r\n", PL_MSRP_ERROR_SYNTAX, "expected 'MSRP" },
    { "MSRP ab SEND\r\n", PL_MSRP_ERROR_SYNTAX, "transaction id" },
    { "MSRP abcd send\r\n", PL_MSRP_ERROR_SYNTAX, "upper-case method" },
    { "MSRP abcd 20 OK\r\n", PL_MSRP_ERROR_SYNTAX, "three-digit" },
    { "MSRP abcd SEND\n", PL_MSRP_ERROR_SYNTAX, "LF without CR" },
    { "MSRP abcd SEND\r\nFrom-Path: " FROM_PATH "\r\n", PL_MSRP_ERROR_SYNTAX, "To-Path as header 1" },
    { "MSRP abcd SEND\r\nTo-Path: " TO_PATH "\r\n-------abcd$\r\n", PL_MSRP_ERROR_SYNTAX,
      "before its To-Path and From-Path" },
    { "MSRP abcd SEND\r\nTo-Path: x\r\nFrom-Path: y\r\nBad header\r\n", PL_MSRP_ERROR_SYNTAX,
      "expected 'Name: value'" },
    { "MSRP abcd SEND\r\nTo-Path: x\r\nFrom-Path: y\r\nContent-Type: text/plain\r\n"
      "Message-ID: 1\r\n", PL_MSRP_ERROR_SYNTAX, "last header" },
    { "MSRP abcd SEND\r\nTo-Path: x\r\nFrom-Path: y\r\n\r\nbody\r\n-------abcd$\r\n",
      PL_MSRP_ERROR_SYNTAX, "no Content-Type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) wire = text_bytes (cases[i].text);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpFramer) framer = pl_msrp_framer_new ();
      gsize consumed = 99;

      g_assert_null (pl_msrp_frame_parse (wire, 0, &consumed, &error));
      g_assert_error (error, PL_MSRP_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_cmpuint (consumed, ==, 0);
      g_clear_error (&error);

      /* The stream cannot be trusted after that (RFC 4975 §7.3). */
      pl_msrp_framer_push (framer, wire);
      g_assert_null (pl_msrp_framer_next (framer, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_null (pl_msrp_framer_next (framer, &error));
      g_assert_nonnull (error);
    }
}

static void
test_incomplete (void)
{
  g_autoptr (PlMsrpFrame) frame = make_send ("a786hjs2", "body", PL_MSRP_FLAG_END);
  g_autoptr (GBytes) wire = pl_msrp_frame_to_bytes (frame, NULL);
  gsize len = g_bytes_get_size (wire);

  g_test_summary ("Every proper prefix of a frame asks for more bytes, without an error");
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GBytes) part = g_bytes_new_from_bytes (wire, 0, cut);
      g_autoptr (GError) error = NULL;
      gsize consumed = 99;

      g_assert_null (pl_msrp_frame_parse (part, 0, &consumed, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (consumed, ==, 0);
    }
}

static void
test_byte_range (void)
{
  static const struct {
    const char *text;
    gboolean ok;
    guint64 start;
    gint64 end, total;
  } cases[] = {
    { "1-25/25", TRUE, 1, 25, 25 },
    { "2193-4385/4385", TRUE, 2193, 4385, 4385 },
    { "1-*/*", TRUE, 1, -1, -1 },
    { "1-2192/*", TRUE, 1, 2192, -1 },
    { "1-0/0", TRUE, 1, 0, 0 },       /* an empty body (RFC 4975 §7.1.1) */
    { "0-1/2", FALSE, 0, 0, 0 },
    { "5-3/10", FALSE, 0, 0, 0 },
    { "1-30/25", FALSE, 0, 0, 0 },
    { "1-2/3x", FALSE, 0, 0, 0 },
    { "a-b/c", FALSE, 0, 0, 0 },
    { "1-2", FALSE, 0, 0, 0 },
    { "", FALSE, 0, 0, 0 },
    { "1-99999999999999999999/*", FALSE, 0, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 start = 0;
      gint64 end = 0, total = 0;

      g_assert_cmpint (pl_msrp_parse_byte_range (cases[i].text, &start, &end, &total), ==,
                       cases[i].ok);
      if (!cases[i].ok)
        continue;
      g_assert_cmpuint (start, ==, cases[i].start);
      g_assert_cmpint (end, ==, cases[i].end);
      g_assert_cmpint (total, ==, cases[i].total);
    }
}

static void
test_status (void)
{
  guint ns = 9, code = 9;
  const char *comment = NULL;

  g_assert_true (pl_msrp_parse_status ("000 200 OK", &ns, &code, &comment));
  g_assert_cmpuint (ns, ==, 0);
  g_assert_cmpuint (code, ==, 200);
  g_assert_cmpstr (comment, ==, "OK");
  g_assert_true (pl_msrp_parse_status ("000 408", &ns, &code, &comment));
  g_assert_cmpuint (code, ==, 408);
  g_assert_null (comment);
  g_assert_false (pl_msrp_parse_status ("00 200 OK", &ns, &code, &comment));
  g_assert_false (pl_msrp_parse_status ("000 2000", &ns, &code, &comment));
  g_assert_false (pl_msrp_parse_status ("000-200", &ns, &code, &comment));
}

static void
test_transaction_id (void)
{
  g_assert_true (pl_msrp_is_transaction_id ("a786hjs2"));
  g_assert_true (pl_msrp_is_transaction_id ("1a.-+%="));
  g_assert_false (pl_msrp_is_transaction_id ("abc"));
  g_assert_false (pl_msrp_is_transaction_id (".abcd"));
  g_assert_false (pl_msrp_is_transaction_id ("abcd efgh"));
  g_assert_false (pl_msrp_is_transaction_id ("a23456789012345678901234567890123"));
  g_assert_false (pl_msrp_is_transaction_id (NULL));
}

static void
test_nul_flag (void)
{
  static const char text[] = "MSRP abcd SEND\r\nTo-Path: x\r\nFrom-Path: y\r\n"
                             "Content-Type: text/plain\r\n\r\n\r\n-------abcd";
  g_autoptr (GByteArray) wire = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpFrame) frame = NULL;
  gsize consumed = 0;

  g_test_summary ("A NUL where the end-line's flag goes is no flag (found by fuzz-msrp): "
                  "the frame is not over yet");

  g_byte_array_append (wire, (const guint8 *) text, sizeof text - 1);
  g_byte_array_append (wire, (const guint8 *) "\0\r\n", 3);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&wire));
  frame = pl_msrp_frame_parse (bytes, 0, &consumed, &error);
  g_assert_no_error (error);
  g_assert_null (frame);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/msrp/print/send", test_print_send);
  g_test_add_func ("/msrp/print/response", test_print_response);
  g_test_add_func ("/msrp/parse/round-trip", test_round_trip);
  g_test_add_func ("/msrp/parse/response", test_parse_response);
  g_test_add_func ("/msrp/parse/end-line-text-in-body", test_body_holds_end_line_text);
  g_test_add_func ("/msrp/parse/nul-flag", test_nul_flag);
  g_test_add_func ("/msrp/parse/malformed", test_malformed);
  g_test_add_func ("/msrp/parse/incomplete", test_incomplete);
  g_test_add_func ("/msrp/framer/boundaries", test_framer_boundaries);
  g_test_add_func ("/msrp/header/byte-range", test_byte_range);
  g_test_add_func ("/msrp/header/status", test_status);
  g_test_add_func ("/msrp/transaction-id", test_transaction_id);
  return g_test_run ();
}
