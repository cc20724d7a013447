/* test-export.c: the trace and report exporters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "pl-address.h"
#include "pl-export.h"

enum { UE, PCSCF, SCSCF, PSA };

/* A UE registering over UDP through its P-CSCF (spec flow hosts), the first
 * REGISTER lost and retransmitted, then a Push Sender's MESSAGE over TCP. */
#define REGISTER_WIRE \
  "REGISTER sip:registrar.home1.net SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7\r\n" \
  "Max-Forwards: 70\r\n" \
  "From: <sip:john.doe@home1.net>;tag=4fa3\r\n" \
  "To: <sip:john.doe@home1.net>\r\n" \
  "Call-ID: apb03a0s09dkjdfglkj49111\r\n" \
  "CSeq: 1 REGISTER\r\n" \
  "Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357>;expires=600000\r\n" \
  "Supported: path\r\n" \
  "Content-Length: 0\r\n" \
  "\r\n"

#define REGISTER_OK_WIRE \
  "SIP/2.0 200 OK\r\n" \
  "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7\r\n" \
  "From: <sip:john.doe@home1.net>;tag=4fa3\r\n" \
  "To: <sip:john.doe@home1.net>;tag=5ef4\r\n" \
  "Call-ID: apb03a0s09dkjdfglkj49111\r\n" \
  "CSeq: 1 REGISTER\r\n" \
  "Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357>;expires=600000\r\n" \
  "Content-Length: 0\r\n" \
  "\r\n"

#define MESSAGE_BODY "Hello \"John\"\tpush 0x05\r\n"
#define MESSAGE_WIRE \
  "MESSAGE sip:john.doe@home1.net SIP/2.0\r\n" \
  "Via: SIP/2.0/TCP psadm1.home1.net;branch=z9hG4bK332b25.1\r\n" \
  "Max-Forwards: 70\r\n" \
  "Route: <sip:scscf1.home1.net;lr>\r\n" \
  "From: <sip:psa@home1.net>;tag=9182\r\n" \
  "To: <sip:john.doe@home1.net>\r\n" \
  "Call-ID: 7a8b9c@psadm1.home1.net\r\n" \
  "CSeq: 1 MESSAGE\r\n" \
  "Content-Type: text/plain\r\n" \
  "Content-Length: 24\r\n" \
  "\r\n" \
  MESSAGE_BODY

#define MESSAGE_OK_WIRE \
  "SIP/2.0 200 OK\r\n" \
  "Via: SIP/2.0/TCP psadm1.home1.net;branch=z9hG4bK332b25.1\r\n" \
  "From: <sip:psa@home1.net>;tag=9182\r\n" \
  "To: <sip:john.doe@home1.net>;tag=bb12\r\n" \
  "Call-ID: 7a8b9c@psadm1.home1.net\r\n" \
  "CSeq: 1 MESSAGE\r\n" \
  "Content-Length: 0\r\n" \
  "\r\n"

/* MESSAGE_OK_WIRE as a JSON string. */
#define MESSAGE_OK_JSON \
  "SIP/2.0 200 OK\\r\\n" \
  "Via: SIP/2.0/TCP psadm1.home1.net;branch=z9hG4bK332b25.1\\r\\n" \
  "From: <sip:psa@home1.net>;tag=9182\\r\\n" \
  "To: <sip:john.doe@home1.net>;tag=bb12\\r\\n" \
  "Call-ID: 7a8b9c@psadm1.home1.net\\r\\n" \
  "CSeq: 1 MESSAGE\\r\\n" \
  "Content-Length: 0\\r\\n" \
  "\\r\\n"

typedef struct {
  PlTrace *trace;
} Fixture;

static PlTraceEvent *
begin_message (PlTrace     *trace,
               PlTime       t_us,
               PlEventKind  kind,
               int          from,
               int          to,
               PlTransport  transport,
               guint64      hop,
               const char  *wire,
               const char  *label)
{
  g_autoptr(GBytes) bytes = g_bytes_new (wire, strlen (wire));

  return pl_trace_begin_message (trace, t_us, kind, from, to, transport,
                                 "sip", hop, bytes, label);
}

static void
add_message (PlTrace     *trace,
             PlTime       t_us,
             PlEventKind  kind,
             int          from,
             int          to,
             PlTransport  transport,
             guint64      hop,
             const char  *wire,
             const char  *label)
{
  pl_trace_commit (trace, begin_message (trace, t_us, kind, from, to,
                                         transport, hop, wire, label));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  PlTrace *trace = pl_trace_new ();
  PlTraceEvent *ev;

  pl_trace_set_node (trace, UE, "ue", "[5555::aaa:bbb:ccc:ddd]:1357");
  pl_trace_set_node (trace, PCSCF, "pcscf", "pcscf1.visited1.net:7531");
  pl_trace_set_node (trace, SCSCF, "scscf", "scscf1.home1.net");
  pl_trace_set_node (trace, PSA, "psa", "psadm1.home1.net");

  add_message (trace, 0, PL_EVENT_SEND, UE, PCSCF, PL_TRANSPORT_UDP, 1,
               REGISTER_WIRE, "REGISTER");
  ev = begin_message (trace, PL_MSEC (40), PL_EVENT_DROP, UE, PCSCF,
                      PL_TRANSPORT_UDP, 1, REGISTER_WIRE, "REGISTER");
  pl_trace_event_add_string (ev, "reason", "loss");
  pl_trace_commit (trace, ev);
  pl_trace_commit (trace, pl_trace_begin_node (trace, PL_MSEC (500),
                                               PL_EVENT_TIMER, "timer-e", UE));
  add_message (trace, PL_MSEC (500), PL_EVENT_RETRANSMIT, UE, PCSCF,
               PL_TRANSPORT_UDP, 2, REGISTER_WIRE, "REGISTER");
  add_message (trace, PL_MSEC (540), PL_EVENT_DELIVER, UE, PCSCF,
               PL_TRANSPORT_UDP, 2, REGISTER_WIRE, "REGISTER");
  add_message (trace, PL_MSEC (540), PL_EVENT_SEND, PCSCF, UE,
               PL_TRANSPORT_UDP, 3, REGISTER_OK_WIRE, "200 OK");
  add_message (trace, PL_MSEC (580), PL_EVENT_DELIVER, PCSCF, UE,
               PL_TRANSPORT_UDP, 3, REGISTER_OK_WIRE, "200 OK");
  ev = pl_trace_begin_node (trace, PL_MSEC (580), PL_EVENT_STATE, "registered", UE);
  pl_trace_event_add_bool (ev, "registered", TRUE);
  pl_trace_commit (trace, ev);

  add_message (trace, PL_SEC (1), PL_EVENT_SEND, PSA, SCSCF, PL_TRANSPORT_TCP, 4,
               MESSAGE_WIRE, "MESSAGE");
  ev = pl_trace_begin_node (trace, PL_MSEC (1010), PL_EVENT_RULE, NULL, SCSCF);
  pl_trace_event_add_string (ev, "rule", "r1");
  pl_trace_event_add_string (ev, "action", "delay");
  pl_trace_event_add_int (ev, "delay_us", 250000);
  pl_trace_event_add_bool (ev, "live", FALSE);
  pl_trace_commit (trace, ev);
  add_message (trace, PL_MSEC (1260), PL_EVENT_DELIVER, PSA, SCSCF,
               PL_TRANSPORT_TCP, 4, MESSAGE_WIRE, "MESSAGE");
  add_message (trace, PL_MSEC (1260), PL_EVENT_SEND, SCSCF, PSA,
               PL_TRANSPORT_TCP, 5, MESSAGE_OK_WIRE, "200 OK");
  add_message (trace, PL_MSEC (1270), PL_EVENT_DELIVER, SCSCF, PSA,
               PL_TRANSPORT_TCP, 5, MESSAGE_OK_WIRE, "200 OK");
  ev = pl_trace_begin_node (trace, PL_MSEC (1270), PL_EVENT_APP, "push-delivered", PSA);
  pl_trace_event_add_string (ev, "status", "delivered");
  pl_trace_commit (trace, ev);

  /* A retransmission absorbed by a server transaction is recorded by the
   * node, without hop: a node event despite its kind. */
  ev = pl_trace_begin_node (trace, PL_MSEC (1300), PL_EVENT_ABSORBED, NULL, PCSCF);
  pl_trace_event_add_string (ev, "label", "REGISTER");
  pl_trace_event_add_string (ev, "by", "server transaction");
  pl_trace_commit (trace, ev);
  ev = pl_trace_begin_node (trace, PL_SEC (33), PL_EVENT_TIMEOUT, NULL, UE);
  pl_trace_event_add_string (ev, "timer", "F");
  pl_trace_event_add_string (ev, "method", "REGISTER");
  pl_trace_commit (trace, ev);

  fixture->trace = trace;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->trace);
}

typedef gboolean (*ExportFunc) (PlTrace *, GOutputStream *, GError **);

static GBytes *
export (PlTrace    *trace,
        ExportFunc  func)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = func (trace, out, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static char *
export_text (PlTrace    *trace,
             ExportFunc  func)
{
  g_autoptr(GBytes) bytes = export (trace, func);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

/* Address plan */

static void
test_address (void)
{
  static const struct {
    int index;
    const char *host;
    const char *name;
    const char *address;
  } cases[] = {
    { 0, "pcscf1.visited1.net:7531", "pcscf1.visited1.net", "192.0.2.1:7531" },
    { 1, "[5555::aaa:bbb:ccc:ddd]:1357", "5555::aaa:bbb:ccc:ddd", "[2001:db8::2]:1357" },
    { 2, "[5555::1]", "5555::1", "[2001:db8::3]:5060" },
    { 253, "scscf1.home1.net", "scscf1.home1.net", "192.0.2.254:5060" },
    { 254, "a:0", "a", "198.51.100.1:5060" },
    { PL_ADDRESS_N_V4 - 1, "b:65535", "b", "203.0.113.254:65535" },
    { PL_ADDRESS_N_V4, "c:x", "c", "192.0.2.1:5060" },
  };
  PlAddress v4, v6;
  g_autofree char *text = NULL;

  g_test_summary ("Nodes get documentation-range addresses from their index, "
                  "and host strings parse with and without port and brackets");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;
      PlAddress a;

      g_assert_true (pl_address_parse_host (cases[i].host, &name, NULL, NULL));
      g_assert_cmpstr (name, ==, cases[i].name);
      pl_address_for_node (cases[i].index, cases[i].host, &a);
      g_assert_cmpint (a.v6, ==, cases[i].host[0] == '[');
      address = pl_address_to_string (&a, TRUE);
      g_assert_cmpstr (address, ==, cases[i].address);
    }

  pl_address_for_node (0, "x", &v4);
  pl_address_for_node_family (70000, "x", TRUE, &v6);
  text = pl_address_to_string (&v6, FALSE);
  g_assert_cmpstr (text, ==, "2001:db8::1:1171");
  g_assert_true (pl_address_hop_is_v6 (&v4, &v6));
  g_assert_false (pl_address_hop_is_v6 (&v4, &v4));
}

/* JSON Lines */

static char **
jsonl_lines (PlTrace *trace)
{
  g_autofree char *text = export_text (trace, pl_export_jsonl);

  g_assert_true (g_str_has_suffix (text, "\n"));
  text[strlen (text) - 1] = '\0';
  return g_strsplit (text, "\n", -1);
}

static void
test_jsonl_lines (Fixture       *fixture,
                  gconstpointer  data)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *line = NULL;

  g_test_summary ("JSON Lines: one line per event in trace order, fixed key "
                  "order, CR LF and quotes escaped, fields typed");

  lines = jsonl_lines (fixture->trace);
  g_assert_cmpuint (g_strv_length (lines), ==, pl_trace_get_n_events (fixture->trace));

  g_assert_true (g_str_has_prefix (lines[0],
    "{\"t_us\":0,\"event\":\"send\",\"from\":\"ue\",\"to\":\"pcscf\","
    "\"transport\":\"udp\",\"proto\":\"sip\",\"hop\":1,\"label\":\"REGISTER\","
    "\"wire\":\"REGISTER sip:registrar.home1.net SIP/2.0\\r\\nVia: "));
  g_assert_true (g_str_has_suffix (lines[1], "\\r\\n\\r\\n\",\"reason\":\"loss\"}"));
  g_assert_cmpstr (lines[2], ==,
                   "{\"t_us\":500000,\"event\":\"timer-e\",\"node\":\"ue\"}");
  g_assert_cmpstr (lines[7], ==,
                   "{\"t_us\":580000,\"event\":\"registered\",\"node\":\"ue\","
                   "\"registered\":true}");
  g_assert_nonnull (strstr (lines[8], "\\r\\n\\r\\nHello \\\"John\\\"\\tpush 0x05\\r\\n\"}"));
  g_assert_cmpstr (lines[9], ==,
                   "{\"t_us\":1010000,\"event\":\"rule\",\"node\":\"scscf\","
                   "\"rule\":\"r1\",\"action\":\"delay\",\"delay_us\":250000,"
                   "\"live\":false}");
  g_assert_cmpstr (lines[11], ==,
                   "{\"t_us\":1260000,\"event\":\"send\",\"from\":\"scscf\","
                   "\"to\":\"psa\",\"transport\":\"tcp\",\"proto\":\"sip\","
                   "\"hop\":5,\"label\":\"200 OK\",\"wire\":\"" MESSAGE_OK_JSON "\"}");

  g_assert_cmpstr (lines[14], ==,
                   "{\"t_us\":1300000,\"event\":\"absorbed\",\"node\":\"pcscf\","
                   "\"label\":\"REGISTER\",\"by\":\"server transaction\"}");

  line = pl_export_jsonl_line (fixture->trace, pl_trace_get_event (fixture->trace, 9));
  g_assert_cmpstr (line, ==, lines[9]);
}

static void
test_jsonl_escape (void)
{
  static const char wire[] = "a\"b\\c/\r\n\t\x01\x1f\x7f caf\xc3\xa9 \xff\xc3 \x00z";
  g_autoptr(PlTrace) trace = pl_trace_new ();
  g_autoptr(GBytes) bytes = g_bytes_new (wire, sizeof wire - 1);
  g_autofree char *line = NULL;
  PlTraceEvent *ev;

  g_test_summary ("JSON strings: control characters as \\u00XX, NUL kept, "
                  "invalid UTF-8 replaced by U+FFFD, missing values null");

  ev = pl_trace_begin_message (trace, PL_SEC (-1), PL_EVENT_MALFORMED, 0, 7,
                               PL_TRANSPORT_UDP, "sip", G_MAXUINT64, bytes, NULL);
  pl_trace_event_add_int (ev, "n", G_MININT64);
  pl_trace_commit (trace, ev);
  pl_trace_set_node (trace, 0, "a\nb", NULL);

  line = pl_export_jsonl_line (trace, pl_trace_get_event (trace, 0));
  g_assert_cmpstr (line, ==,
                   "{\"t_us\":-1000000,\"event\":\"malformed\",\"from\":\"a\\nb\","
                   "\"to\":null,\"transport\":\"udp\",\"proto\":\"sip\","
                   "\"hop\":18446744073709551615,\"label\":null,"
                   "\"wire\":\"a\\\"b\\\\c/\\r\\n\\t\\u0001\\u001f\x7f caf\xc3\xa9 "
                   "\xef\xbf\xbd\xef\xbf\xbd \\u0000z\","
                   "\"n\":-9223372036854775808}");
}

/* Ladder */

static void
test_ladder (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *text = export_text (fixture->trace, pl_export_ladder);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  /* Every timed row, in order: STATE and TIMER events are left out. */
  static const char *const rows[] = {
    "^  0\\.000000s +\\|-+ REGISTER -+X \\| .* dropped \\(loss\\)$",
    "^  0\\.500000s +\\|-+ REGISTER \\(rtx\\) -+>\\| ",
    "^  0\\.540000s +\\|<-+ 200 OK -+\\| ",
    "^  1\\.000000s +\\| +\\| +\\|<-+ MESSAGE -+\\|$",
    "^  1\\.010000s +\\| +\\| +\\* rule delay +\\|$",
    "^  1\\.260000s +\\| +\\| +\\|-+ 200 OK -+>\\|$",
    "^  1\\.270000s +\\| +\\| +\\| +\\* push-delivered delivered$",
    "^ 33\\.000000s +\\* timeout REGISTER \\(timer F\\) +\\| +\\|$",
  };
  g_autoptr(GRegex) timed = g_regex_new ("^ *[0-9]+\\.[0-9]{6}s ", 0, 0, NULL);
  const char *ids = lines[0];
  guint n = 0;

  g_test_summary ("Ladder: node ids in the header, one arrow per "
                  "transmission in order with its label and fate, notes");

  if (g_test_verbose ())
    g_printerr ("%s", text);

  g_assert_true (strstr (ids, "ue") < strstr (ids, "pcscf"));
  g_assert_true (strstr (ids, "pcscf") < strstr (ids, "scscf"));
  g_assert_true (strstr (ids, "scscf") < strstr (ids, "psa"));
  g_assert_nonnull (strstr (text, "[5555::aaa:bbb:ccc:ddd]:1357"));
  g_assert_nonnull (strstr (text, "pcscf1.visited1.net:7531"));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      for (const guchar *p = (const guchar *) lines[i]; *p; p++)
        g_assert_cmpint (*p, <, 0x80);
      if (!g_regex_match (timed, lines[i], 0, NULL))
        continue;
      g_assert_cmpuint (n, <, G_N_ELEMENTS (rows));
      if (!g_regex_match_simple (rows[n], lines[i], 0, 0))
        g_error ("ladder row %u: \"%s\" does not match /%s/", n, lines[i], rows[n]);
      n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (rows));
}

static void
test_ladder_loop (void)
{
  g_autoptr(PlTrace) trace = pl_trace_new ();
  g_autofree char *text = NULL;

  g_test_summary ("Ladder: a message to itself is a loop, malformed ends in !");

  pl_trace_set_node (trace, 0, "as", "as.home1.net");
  pl_trace_set_node (trace, 1, "ue", "ue.home1.net");
  add_message (trace, 0, PL_EVENT_SEND, 0, 0, PL_TRANSPORT_UDP, 1, "x", "OPTIONS");
  add_message (trace, 0, PL_EVENT_DELIVER, 0, 0, PL_TRANSPORT_UDP, 1, "x", "OPTIONS");
  add_message (trace, 5, PL_EVENT_SEND, 1, 0, PL_TRANSPORT_UDP, 2, "x", "NOTIFY");
  add_message (trace, 9, PL_EVENT_MALFORMED, 1, 0, PL_TRANSPORT_UDP, 2, "y", "NOTIFY");
  text = export_text (trace, pl_export_ladder);
  if (g_test_verbose ())
    g_printerr ("%s", text);
  g_assert_nonnull (strstr (text, "|--. OPTIONS"));
  g_assert_nonnull (strstr (text, "|<-'"));
  g_assert_nonnull (strstr (text, "|!--- NOTIFY"));
  g_assert_nonnull (strstr (text, "malformed"));
}

/* JUnit */

static int
count_nodes (xmlDocPtr   doc,
             const char *xpath)
{
  xmlXPathContextPtr ctx = xmlXPathNewContext (doc);
  xmlXPathObjectPtr obj = xmlXPathEvalExpression (BAD_CAST xpath, ctx);
  int n = obj && obj->nodesetval ? obj->nodesetval->nodeNr : -1;

  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  return n;
}

static void
test_junit (void)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_report_free);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PlReport *report;
  xmlDocPtr doc;
  gsize len = 0;
  const char *data;

  g_test_summary ("JUnit: well-formed XML with one suite per scenario, one "
                  "testcase per check, failures and errors counted");

  report = pl_report_new ("A.1 registration", "scenarios/a1-registration.xml");
  pl_report_add_check (report, "flow step 1: ue -> pcscf REGISTER", TRUE, NULL);
  pl_report_add_check (report, "flow step 2: pcscf -> scscf REGISTER", TRUE, NULL);
  report->wall_seconds = 0.0125;
  g_ptr_array_add (reports, report);

  report = pl_report_new ("B.2 \"MESSAGE\" <push> & co", "b2-message.xml");
  pl_report_add_check (report, "delivery push 1", FALSE,
                       "expected <accepted>, got \"415\" & \x01 more\n\xff");
  pl_report_add_check (report, "flow step 1", TRUE, NULL);
  g_ptr_array_add (reports, report);

  report = pl_report_new (NULL, "/tmp/broken.xml");
  report->verdict = PL_VERDICT_ERROR;
  report->error = g_strdup ("broken.xml:3:7: unknown element <nod>");
  g_ptr_array_add (reports, report);

  g_assert_true (pl_export_junit (reports, out, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  data = g_bytes_get_data (bytes, &len);
  if (g_test_verbose ())
    g_printerr ("%.*s", (int) len, data);

  doc = xmlReadMemory (data, (int) len, "junit.xml", NULL, XML_PARSE_NONET);
  g_assert_nonnull (doc);
  g_assert_cmpint (count_nodes (doc, "/testsuites[@tests='5' and @failures='1' and @errors='1']"), ==, 1);
  g_assert_cmpint (count_nodes (doc, "/testsuites/testsuite"), ==, 3);
  g_assert_cmpint (count_nodes (doc, "//testcase"), ==, 5);
  g_assert_cmpint (count_nodes (doc, "//testcase/failure"), ==, 1);
  g_assert_cmpint (count_nodes (doc, "//testcase/error"), ==, 1);
  g_assert_cmpint (count_nodes (doc,
    "/testsuites/testsuite[1][@name='A.1 registration' and @tests='2' and "
    "@failures='0' and @errors='0' and @time='0.013']"), ==, 1);
  g_assert_cmpint (count_nodes (doc,
    "//testcase[@classname='pushlab.a1-registration' and "
    "@name='flow step 2: pcscf -> scscf REGISTER']"), ==, 1);
  g_assert_cmpint (count_nodes (doc,
    "//testsuite[@name='B.2 \"MESSAGE\" <push> & co']/testcase[@classname='pushlab.b2-message']"
    "/failure[starts-with(@message, 'expected <accepted>, got \"415\" & ')]"), ==, 1);
  g_assert_cmpint (count_nodes (doc,
    "//testsuite[@name='broken' and @errors='1' and @tests='1']/testcase"
    "[@classname='pushlab.broken']/error[@message='broken.xml:3:7: unknown element <nod>']"),
    ==, 1);
  xmlFreeDoc (doc);
}

/* pcapng */

static guint32
le32_at (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static guint16
be16_at (const guint8 *p)
{
  return p[0] << 8 | p[1];
}

static guint32
sum16 (guint32       sum,
       const guint8 *p,
       gsize         len)
{
  for (gsize i = 0; i < len; i += 2)
    sum += p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
  return sum;
}

static guint16
fold (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) sum;
}

/* Checks the IP header and transport checksums of one raw IP packet. */
static void
check_packet (const guint8 *p,
              gsize         len)
{
  guint32 sum = 0;
  guint8 pseudo[4] = { 0, };
  gsize hlen;
  guint8 proto;

  if ((p[0] >> 4) == 4)
    {
      hlen = 20;
      g_assert_cmpuint (be16_at (p + 2), ==, len);
      g_assert_cmpuint (p[8], ==, 64);
      g_assert_cmphex (fold (sum16 (0, p, 20)), ==, 0xffff);
      proto = p[9];
      sum = sum16 (0, p + 12, 8);
      pseudo[1] = proto;
      pseudo[2] = (len - hlen) >> 8;
      pseudo[3] = (len - hlen) & 0xff;
      sum = sum16 (sum, pseudo, 4);
    }
  else
    {
      g_assert_cmpuint (p[0] >> 4, ==, 6);
      hlen = 40;
      g_assert_cmpuint (be16_at (p + 4), ==, len - hlen);
      proto = p[6];
      sum = sum16 (0, p + 8, 32);
      sum += proto + (guint32) (len - hlen);
    }
  g_assert_true (proto == 6 || proto == 17);
  if (proto == 17)
    g_assert_cmpuint (be16_at (p + hlen + 4), ==, len - hlen);
  g_assert_cmphex (fold (sum16 (sum, p + hlen, len - hlen)), ==, 0xffff);
}

/* Walks the blocks, checks lengths and checksums; returns EPB comments. */
static GPtrArray *
walk_pcapng (GBytes *bytes)
{
  GPtrArray *comments = g_ptr_array_new_with_free_func (g_free);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize off = 0;
  guint n_blocks = 0;

  while (off < len)
    {
      guint32 type, total;

      g_assert_cmpuint (len - off, >=, 12);
      type = le32_at (data + off);
      total = le32_at (data + off + 4);
      g_assert_cmpuint (total % 4, ==, 0);
      g_assert_cmpuint (total, >=, 12);
      g_assert_cmpuint (off + total, <=, len);
      g_assert_cmpuint (le32_at (data + off + total - 4), ==, total);

      if (n_blocks == 0)
        {
          g_assert_cmphex (type, ==, 0x0A0D0D0A);
          g_assert_cmphex (le32_at (data + off + 8), ==, 0x1A2B3C4D);
        }
      else if (n_blocks == 1)
        {
          g_assert_cmphex (type, ==, 1);
          g_assert_cmpuint (data[off + 8], ==, 101);
        }
      else if (type == 6)
        {
          guint32 cap = le32_at (data + off + 20);
          gsize opt = off + 28 + ((cap + 3) & ~3u);

          g_assert_cmpuint (cap, ==, le32_at (data + off + 24));
          check_packet (data + off + 28, cap);
          while (opt + 4 <= off + total - 4)
            {
              guint16 code = data[opt] | data[opt + 1] << 8;
              guint16 olen = data[opt + 2] | data[opt + 3] << 8;

              if (code == 0)
                break;
              if (code == 1)
                g_ptr_array_add (comments, g_strndup ((const char *) data + opt + 4, olen));
              opt += 4 + ((olen + 3) & ~3u);
            }
        }
      off += total;
      n_blocks++;
    }
  g_assert_cmpuint (off, ==, len);
  return comments;
}

static void
test_pcapng_blocks (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GBytes) bytes = export (fixture->trace, pl_export_pcapng);
  g_autoptr(GPtrArray) comments = walk_pcapng (bytes);
  static const char *const expected[] = {
    "send hop 1", "retransmit hop 2", "send hop 3",
    "syn for hop 4", "syn-ack for hop 4", "ack for hop 4", "send hop 4",
    "ack of hop 4", "send hop 5", "ack of hop 5",
  };

  g_test_summary ("pcapng: consistent block lengths, SHB magic, raw IP, one "
                  "EPB per packet with valid checksums, TCP handshake and ACKs");

  g_assert_cmpuint (comments->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < comments->len; i++)
    g_assert_cmpstr (g_ptr_array_index (comments, i), ==, expected[i]);
}

static char *
run_tshark (const char *file,
            const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) "tshark");
  g_ptr_array_add (argv, (char *) "-n");
  g_ptr_array_add (argv, (char *) "-r");
  g_ptr_array_add (argv, (char *) file);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tshark failed: %s", err);
  return out;
}

static char *
write_capture (PlTrace *trace)
{
  g_autoptr(GBytes) bytes = export (trace, pl_export_pcapng);
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("pl-export-XXXXXX.pcapng", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

/* No malformed packet, no TCP analysis warning, no bad checksum. */
static void
check_tshark_clean (const char *path)
{
  /* 0x00600000 is PI_WARN: numbers read the same in every tshark. */
  static const char *const malformed[] = {
    "-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000", NULL };
  static const char *const analysis[] = { "-Y", "tcp.analysis.flags", NULL };
  static const char *const checksums[] = {
    "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
    "-o", "tcp.check_checksum:TRUE",
    "-Y", "ip.checksum.status != 2 && ip.checksum.status != 1 || "
          "udp.checksum.status == 0 || tcp.checksum.status == 0", NULL };
  g_autofree char *a = run_tshark (path, malformed);
  g_autofree char *b = run_tshark (path, analysis);
  g_autofree char *c = run_tshark (path, checksums);

  g_assert_cmpstr (a, ==, "");
  g_assert_cmpstr (b, ==, "");
  g_assert_cmpstr (c, ==, "");
}

static void
test_pcapng_tshark (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char *const fields[] = {
    "-Y", "sip", "-T", "fields", "-e", "sip.Method", "-e", "sip.Status-Code",
    "-e", "_ws.malformed", NULL };
  static const char *const names[] = {
    "-N", "n", "-Y", "sip", "-T", "fields", "-e", "ip.src_host",
    "-e", "ipv6.src_host", "-e", "frame.comment", NULL };
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *path = NULL;
  g_autofree char *sip = NULL;
  g_autofree char *hosts = NULL;

  g_test_summary ("pcapng: tshark dissects every message as SIP (UDP on "
                  "non-standard ports, IPv6, TCP), with no malformed packet "
                  "and no TCP analysis warning");

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }

  path = write_capture (fixture->trace);
  sip = run_tshark (path, fields);
  g_assert_cmpstr (sip, ==,
                   "REGISTER\t\t\n"
                   "REGISTER\t\t\n"
                   "\t200\t\n"
                   "MESSAGE\t\t\n"
                   "\t200\t\n");
  check_tshark_clean (path);

  hosts = run_tshark (path, names);
  g_assert_cmpstr (hosts, ==,
                   "\t5555::aaa:bbb:ccc:ddd\tsend hop 1\n"
                   "\t5555::aaa:bbb:ccc:ddd\tretransmit hop 2\n"
                   "\tpcscf1.visited1.net\tsend hop 3\n"
                   "psadm1.home1.net\t\tsend hop 4\n"
                   "scscf1.home1.net\t\tsend hop 5\n");
  g_unlink (path);
}

static void
test_pcapng_large (void)
{
  g_autoptr(PlTrace) trace = pl_trace_new ();
  g_autoptr(GString) msrp = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  static const char *const msrp_fields[] = {
    "-Y", "msrp", "-T", "fields", "-e", "msrp.method", NULL };
  static const char *const sip_fields[] = {
    "-Y", "sip", "-T", "fields", "-e", "sip.Method", "-e", "frame.comment", NULL };
  /* The receiver acknowledges before its 64 KiB window would fill. */
  static const char *const expected[] = {
    "syn for hop 1", "syn-ack for hop 1", "ack for hop 1",
    "send hop 1, segment 1/3",
    "window ack before send hop 1", "send hop 1, segment 2/3",
    "window ack before send hop 1", "send hop 1, segment 3/3",
    "ack of hop 1", "send hop 2", "deliver hop 2, altered in flight",
    "syn for hop 3", "syn-ack for hop 3", "ack for hop 3", "send hop 3", "ack of hop 3",
  };

  g_test_summary ("pcapng: a large MSRP SEND over TCP is split in segments "
                  "within the window, an altered UDP delivery is written again, "
                  "SIP over TCP on port 5062 dissects as SIP");

  pl_trace_set_node (trace, 0, "psa", "psadm1.home1.net");
  pl_trace_set_node (trace, 1, "ue", "ue1.home1.net:5062");

  g_string_append (msrp,
                   "MSRP a786hjs2 SEND\r\n"
                   "To-Path: msrp://ue1.home1.net:2855/kjhd37s2s2;tcp\r\n"
                   "From-Path: msrp://psadm1.home1.net:2855/iau39;tcp\r\n"
                   "Message-ID: 87652491\r\n"
                   "Byte-Range: 1-150000/150000\r\n"
                   "Content-Type: application/octet-stream\r\n"
                   "\r\n");
  for (guint i = 0; i < 150000; i++)
    g_string_append_c (msrp, 'a' + i % 26);
  g_string_append (msrp, "\r\n-------a786hjs2$\r\n");
  bytes = g_bytes_new (msrp->str, msrp->len);
  pl_trace_commit (trace, pl_trace_begin_message (trace, 0, PL_EVENT_SEND, 0, 1,
                                                  PL_TRANSPORT_TCP, "msrp", 1, bytes, "SEND"));
  pl_trace_commit (trace, pl_trace_begin_message (trace, 2000, PL_EVENT_DELIVER, 0, 1,
                                                  PL_TRANSPORT_TCP, "msrp", 1, bytes, "SEND"));

  add_message (trace, 3000, PL_EVENT_SEND, 1, 0, PL_TRANSPORT_UDP, 2, REGISTER_WIRE, "REGISTER");
  add_message (trace, 4000, PL_EVENT_DELIVER, 1, 0, PL_TRANSPORT_UDP, 2,
               "REGISTER sip:registrar.home1.net SIP/2.0\r\n"
               "Via: SIP/2.0/UDP ue1.home1.net:5062;branch=z9hG4bKnashds8\r\n"
               "From: <sip:john.doe@home1.net>;tag=4fa3\r\n"
               "To: <sip:john.doe@home1.net>\r\n"
               "Call-ID: apb03a0s09dkjdfglkj49111\r\n"
               "CSeq: 1 REGISTER\r\n"
               "Content-Length: 0\r\n"
               "\r\n", "REGISTER");

  /* SIP over TCP to a port that is not 5060, beside the MSRP connection
   * between the same two nodes. */
  add_message (trace, 5000, PL_EVENT_SEND, 0, 1, PL_TRANSPORT_TCP, 3, MESSAGE_WIRE, "MESSAGE");
  add_message (trace, 6000, PL_EVENT_DELIVER, 0, 1, PL_TRANSPORT_TCP, 3, MESSAGE_WIRE, "MESSAGE");

  /* The trace holds its own reference to the SEND's bytes. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = export (trace, pl_export_pcapng);
  comments = walk_pcapng (bytes);
  g_assert_cmpuint (comments->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < comments->len; i++)
    g_assert_cmpstr (g_ptr_array_index (comments, i), ==, expected[i]);

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  path = write_capture (trace);
  out = run_tshark (path, msrp_fields);
  g_assert_cmpstr (out, ==, "SEND\n");
  g_clear_pointer (&out, g_free);
  out = run_tshark (path, sip_fields);
  g_assert_cmpstr (out, ==,
                   "REGISTER\tsend hop 2\n"
                   "REGISTER\tdeliver hop 2, altered in flight\n"
                   "MESSAGE\tsend hop 3\n");
  check_tshark_clean (path);
  g_unlink (path);
}

static void
test_pcapng_http (void)
{
  static const char get[] = "GET /basic-phone.rdf HTTP/1.1\r\nHost: uaprof.home1.net\r\n\r\n";
  static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 2\r\n\r\nhi";
  static const char *const http_fields[] = {
    "-Y", "http", "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport",
    "-e", "http.request.method", "-e", "http.response.code", NULL };
  static const char *const expected[] = {
    "syn for hop 1", "syn-ack for hop 1", "ack for hop 1", "send hop 1", "ack of hop 1",
    "send hop 2", "ack of hop 2",
  };
  g_autoptr(PlTrace) trace = pl_trace_new ();
  g_autoptr(GBytes) request = g_bytes_new_static (get, sizeof (get) - 1);
  g_autoptr(GBytes) response = g_bytes_new_static (ok, sizeof (ok) - 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;

  g_test_summary ("pcapng: proto http goes over TCP to port 80 even on a UDP link, and "
                  "tshark dissects it as HTTP");

  pl_trace_set_node (trace, 0, "psa", "psadm1.home1.net");
  pl_trace_set_node (trace, 1, "uaprof", "uaprof.home1.net");
  pl_trace_commit (trace, pl_trace_begin_message (trace, 0, PL_EVENT_SEND, 0, 1,
                                                  PL_TRANSPORT_UDP, "http", 1, request,
                                                  "GET /basic-phone.rdf"));
  pl_trace_commit (trace, pl_trace_begin_message (trace, 1000, PL_EVENT_DELIVER, 0, 1,
                                                  PL_TRANSPORT_UDP, "http", 1, request,
                                                  "GET /basic-phone.rdf"));
  pl_trace_commit (trace, pl_trace_begin_message (trace, 2000, PL_EVENT_SEND, 1, 0,
                                                  PL_TRANSPORT_UDP, "http", 2, response,
                                                  "200 OK"));
  pl_trace_commit (trace, pl_trace_begin_message (trace, 3000, PL_EVENT_DELIVER, 1, 0,
                                                  PL_TRANSPORT_UDP, "http", 2, response,
                                                  "200 OK"));
  bytes = export (trace, pl_export_pcapng);
  comments = walk_pcapng (bytes);
  g_assert_cmpuint (comments->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < comments->len; i++)
    g_assert_cmpstr (g_ptr_array_index (comments, i), ==, expected[i]);

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  path = write_capture (trace);
  out = run_tshark (path, http_fields);
  g_assert_cmpstr (out, ==, "49152\t80\tGET\t\n80\t49152\t\t200\n");
  check_tshark_clean (path);
  g_unlink (path);
}

static void
test_odd_input (void)
{
  static const ExportFunc funcs[] = { pl_export_jsonl, pl_export_ladder, pl_export_pcapng };
  g_autoptr(PlTrace) trace = pl_trace_new ();
  g_autoptr(GPtrArray) reports = g_ptr_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autofree char *ladder = NULL;

  g_test_summary ("Exporters accept an empty trace, events naming unknown "
                  "nodes or without bytes, and report write errors");

  pl_trace_commit (trace, pl_trace_begin_message (trace, 0, PL_EVENT_SEND, -1, 3,
                                                  PL_TRANSPORT_UDP, "sip", 1, NULL, NULL));
  pl_trace_commit (trace, pl_trace_begin_node (trace, 1, PL_EVENT_APP, "x", 9));
  ladder = export_text (trace, pl_export_ladder);
  g_assert_cmpstr (ladder, ==, "(no nodes)\n");
  bytes = export (trace, pl_export_pcapng);
  comments = walk_pcapng (bytes);
  g_assert_cmpuint (comments->len, ==, 0);

  pl_trace_set_node (trace, 1, "b", NULL);
  g_clear_pointer (&ladder, g_free);
  ladder = export_text (trace, pl_export_ladder);
  g_assert_nonnull (strstr (ladder, "node0"));
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = export (trace, pl_export_pcapng);
  g_clear_pointer (&comments, g_ptr_array_unref);
  comments = walk_pcapng (bytes);
  g_assert_cmpuint (comments->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (funcs); i++)
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr(GError) error = NULL;

      g_output_stream_close (out, NULL, NULL);
      g_assert_false (funcs[i] (trace, out, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
    }

  {
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr(GError) error = NULL;

    g_output_stream_close (out, NULL, NULL);
    g_assert_false (pl_export_junit (reports, out, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/export/address", test_address);
  g_test_add ("/pl/export/jsonl/lines", Fixture, NULL,
              fixture_setup, test_jsonl_lines, fixture_teardown);
  g_test_add_func ("/pl/export/jsonl/escape", test_jsonl_escape);
  g_test_add ("/pl/export/ladder/flow", Fixture, NULL,
              fixture_setup, test_ladder, fixture_teardown);
  g_test_add_func ("/pl/export/ladder/loop", test_ladder_loop);
  g_test_add_func ("/pl/export/junit", test_junit);
  g_test_add ("/pl/export/pcapng/blocks", Fixture, NULL,
              fixture_setup, test_pcapng_blocks, fixture_teardown);
  g_test_add ("/pl/export/pcapng/tshark", Fixture, NULL,
              fixture_setup, test_pcapng_tshark, fixture_teardown);
  g_test_add_func ("/pl/export/pcapng/large", test_pcapng_large);
  g_test_add_func ("/pl/export/pcapng/http", test_pcapng_http);
  g_test_add_func ("/pl/export/odd-input", test_odd_input);

  return g_test_run ();
}
