/* test-capabilities.c: the UAProf server (node kind "uaprof-server") and
 * the Push Sender agent as presence watcher and capability store (2006
 * draft §8, A.4; requirements use case E, alternative flow 2).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "pl-http.h"
#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-sender-presence.h"
#include "pl-sender.h"
#include "pl-uaprof-server.h"

#define JOHN "sip:john.doe@home1.net"

typedef struct {
  PlScenario *scenario;
  PlSim *sim;
  PlTrace *trace;
  char *dir;
} Net;

static void
net_free (Net *net)
{
  g_clear_object (&net->scenario);
  if (net->dir)
    {
      g_autoptr (GDir) dir = g_dir_open (net->dir, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *path = g_build_filename (net->dir, name, NULL);
          g_unlink (path);
        }
      g_rmdir (net->dir);
      g_free (net->dir);
    }
  g_free (net);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Net, net_free)

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static const char *
data_file (const char *folder,
           const char *file)
{
  return g_test_get_filename (G_TEST_DIST, "..", "data", folder, file, NULL);
}

/* @network and @timeline in a scenario; "@BASIC@", "@SYNCML@" and
 * "@PRESENCE@" stand for the shipped files; extra files (name, contents,
 * ..., NULL) go beside it. */
static Net *
net_try_load (const char  *network,
              const char  *timeline,
              GError     **error,
              ...)
{
  Net *net = g_new0 (Net, 1);
  g_autoptr (GError) local = NULL;
  g_autofree char *path = NULL;
  g_autofree char *xml = NULL;
  GString *text;
  const char *name;
  va_list args;

  pl_models_register ();
  net->dir = g_dir_make_tmp ("test-capabilities-XXXXXX", &local);
  g_assert_no_error (local);
  va_start (args, error);
  while ((name = va_arg (args, const char *)) != NULL)
    write_file (net->dir, name, va_arg (args, const char *));
  va_end (args);
  text = g_string_new (NULL);
  g_string_append_printf (text,
                          "<scenario name='capabilities' dialect='oma-2006' seed='1'>\n"
                          " <network latency='10ms'>\n%s </network>\n"
                          " <timeline>\n%s </timeline>\n</scenario>\n",
                          network, timeline);
  g_string_replace (text, "@BASIC@", data_file ("uaprof", "basic-phone.rdf"), 0);
  g_string_replace (text, "@SYNCML@", data_file ("uaprof", "syncml-phone.rdf"), 0);
  g_string_replace (text, "@PRESENCE@", data_file ("content", "john-doe-presence.xml"), 0);
  g_string_replace (text, "@DSALERT@", data_file ("content", "syncml-ds-notification.txt"), 0);
  xml = g_string_free (text, FALSE);
  write_file (net->dir, "scenario.xml", xml);
  path = g_build_filename (net->dir, "scenario.xml", NULL);
  net->scenario = pl_scenario_load (path, NULL, error);
  if (net->scenario == NULL)
    return net;
  net->sim = pl_scenario_get_sim (net->scenario);
  net->trace = pl_sim_get_trace (net->sim);
  pl_scenario_start (net->scenario);
  return net;
}

static Net *
net_load (const char *network,
          const char *timeline)
{
  g_autoptr (GError) error = NULL;
  Net *net = net_try_load (network, timeline, &error, NULL);

  g_assert_no_error (error);
  return net;
}

static void
net_run (Net *net)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (net->sim);

  while (pl_scheduler_step (scheduler))
    ;
}

static int
idx (Net        *net,
     const char *id)
{
  return pl_node_get_index (pl_sim_find_node (net->sim, id));
}

/* Message events of @kind from @from with @proto, in order. */
static GPtrArray *
messages (Net         *net,
          PlEventKind  kind,
          const char  *from,
          const char  *proto)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (ev->kind == kind && ev->from == idx (net, from) && g_strcmp0 (ev->proto, proto) == 0)
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

static GPtrArray *
node_events (Net        *net,
             const char *node,
             const char *name)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (!pl_trace_event_is_message (ev) && ev->node == idx (net, node)
          && g_str_equal (ev->name, name))
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

static const char *
str_field (const PlTraceEvent *ev,
           const char         *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  if (f == NULL || f->type != PL_FIELD_STRING)
    g_error ("event '%s' has no string field '%s'", ev->name, key);
  return f->str;
}

static gint64
int_field (const PlTraceEvent *ev,
           const char         *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  if (f == NULL || f->type != PL_FIELD_INT)
    g_error ("event '%s' has no int field '%s'", ev->name, key);
  return f->num;
}

static char *
wire_text (const PlTraceEvent *ev)
{
  gsize len;
  const char *data = g_bytes_get_data (ev->wire, &len);

  return g_strndup (data, len);
}

/* ---- uaprof-server ---- */

#define SERVER_NET \
  "  <node id='client' kind='ua' host='client.home1.net'/>\n" \
  "  <node id='uaprof' kind='uaprof-server' host='uaprof.home1.net'>\n" \
  "   <profile path='/basic-phone.rdf' file='@BASIC@'/>\n" \
  "   <profile path='/syncml-phone.rdf' file='@SYNCML@'/>\n" \
  "  </node>\n"

/* Sends @request from "client" to the server, runs, and returns the one
 * HTTP answer, parsed. */
static PlHttpMessage *
ask (Net        *net,
     const char *request)
{
  g_autoptr (GBytes) bytes = g_bytes_new (request, strlen (request));
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  const PlTraceEvent *ev;
  PlHttpMessage *msg;

  pl_sim_transmit (net->sim, pl_sim_find_node (net->sim, "client"),
                   pl_sim_find_node (net->sim, "uaprof"), PL_EVENT_SEND, "http", bytes, "request");
  net_run (net);
  answers = messages (net, PL_EVENT_DELIVER, "uaprof", "http");
  g_assert_cmpuint (answers->len, ==, 1);
  ev = g_ptr_array_index (answers, 0);
  msg = pl_http_parse (ev->wire, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_false (pl_http_message_is_request (msg));
  label = pl_http_message_label (msg);
  g_assert_cmpstr (ev->label, ==, label);
  return msg;
}

static void
test_server_get (void)
{
  g_autoptr (Net) net = net_load (SERVER_NET, "");
  g_autoptr (PlHttpMessage) answer = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GPtrArray) fetches = NULL;
  gsize len;
  GBytes *body;

  g_test_summary ("A GET of a configured path gets 200 with the RDF document, as RDF/XML");
  answer = ask (net, "GET /syncml-phone.rdf HTTP/1.1\r\nHost: uaprof.home1.net\r\n\r\n");
  g_assert_cmpint (pl_http_message_get_status (answer), ==, 200);
  g_assert_cmpstr (pl_http_message_get_header (answer, "Content-Type"), ==, "application/rdf+xml");
  g_assert_true (g_file_get_contents (data_file ("uaprof", "syncml-phone.rdf"), &expected, &len,
                                      NULL));
  body = pl_http_message_get_body (answer);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), expected, len);
  fetches = node_events (net, "uaprof", "fetch");
  g_assert_cmpuint (fetches->len, ==, 1);
  g_assert_cmpstr (str_field (g_ptr_array_index (fetches, 0), "client"), ==, "client");
  g_assert_cmpint (int_field (g_ptr_array_index (fetches, 0), "status"), ==, 200);
  g_assert_cmpint (int_field (g_ptr_array_index (fetches, 0), "bytes"), ==, (gint64) len);
  g_assert_cmpuint (pl_uaprof_server_get_n_fetches (
                      PL_UAPROF_SERVER (pl_sim_find_node (net->sim, "uaprof"))), ==, 1);
}

static void
test_server_absolute_form (void)
{
  g_autoptr (Net) net = net_load (SERVER_NET, "");
  g_autoptr (PlHttpMessage) answer = NULL;

  g_test_summary ("RFC 7230 §5.3.2: a request-target in absolute form names the same profile");
  answer = ask (net, "GET http://uaprof.home1.net/basic-phone.rdf HTTP/1.1\r\n"
                     "Host: uaprof.home1.net\r\n\r\n");
  g_assert_cmpint (pl_http_message_get_status (answer), ==, 200);
}

static void
test_server_not_found (void)
{
  g_autoptr (Net) net = net_load (SERVER_NET, "");
  g_autoptr (PlHttpMessage) answer = NULL;
  g_autoptr (GPtrArray) fetches = NULL;

  g_test_summary ("An unknown path gets 404 and a fetch event saying which");
  answer = ask (net, "GET /n95.rdf HTTP/1.1\r\nHost: uaprof.home1.net\r\n\r\n");
  g_assert_cmpint (pl_http_message_get_status (answer), ==, 404);
  g_assert_cmpstr (pl_http_message_get_header (answer, "Content-Type"), ==, "text/plain");
  fetches = node_events (net, "uaprof", "fetch");
  g_assert_cmpstr (str_field (g_ptr_array_index (fetches, 0), "reason"), ==, "nothing is served at /n95.rdf");
}

static void
test_server_bad_request (void)
{
  g_autoptr (Net) net = net_load (SERVER_NET, "");
  g_autoptr (PlHttpMessage) answer = NULL;
  g_autoptr (PlHttpMessage) second = NULL;
  g_autofree char *reason = NULL;
  GBytes *body;

  g_test_summary ("Bytes that are not one HTTP/1.1 request (no Host) get 400 saying why");
  answer = ask (net, "GET /basic-phone.rdf HTTP/1.1\r\n\r\n");
  g_assert_cmpint (pl_http_message_get_status (answer), ==, 400);
  body = pl_http_message_get_body (answer);
  reason = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (strstr (reason, "Host"));
}

static void
test_server_bad_request_garbage (void)
{
  g_autoptr (Net) net = net_load (SERVER_NET, "");
  g_autoptr (PlHttpMessage) answer = NULL;

  g_test_summary ("Bytes that are not HTTP at all (a SIP response) get 400");
  answer = ask (net, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  g_assert_cmpint (pl_http_message_get_status (answer), ==, 400);
}

static void
test_server_method (void)
{
  g_autoptr (Net) net = net_load (SERVER_NET, "");
  g_autoptr (PlHttpMessage) answer = NULL;

  g_test_summary ("Another method gets 405 with Allow: GET (RFC 7231 §6.5.5)");
  answer = ask (net, "POST /basic-phone.rdf HTTP/1.1\r\nHost: uaprof.home1.net\r\n"
                     "Content-Length: 2\r\n\r\nhi");
  g_assert_cmpint (pl_http_message_get_status (answer), ==, 405);
  g_assert_cmpstr (pl_http_message_get_header (answer, "Allow"), ==, "GET");
}

static void
assert_load_fails (const char *network,
                   const char *where,
                   const char *fragment,
                   ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Net) net = NULL;
  const char *a, *b;
  va_list args;

  va_start (args, fragment);
  a = va_arg (args, const char *);
  b = a ? va_arg (args, const char *) : NULL;
  va_end (args);
  net = net_try_load (network, "", &error, a, b, NULL);
  g_assert_null (net->scenario);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, where));
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' does not say '%s'", error->message, fragment);
}

static void
test_server_configure_errors (void)
{
  g_test_summary ("A profile that is not UAProf, a bad or repeated path, a missing file or "
                  "another child is an error at the <profile>'s line");
  assert_load_fails ("  <node id='uaprof' kind='uaprof-server' host='u.home1.net'>\n"
                     "   <profile path='/x.rdf' file='bad.rdf'/>\n  </node>\n",
                     "scenario.xml:4:", "not a UAProf document", "bad.rdf", "<notrdf/>", NULL);
  assert_load_fails ("  <node id='uaprof' kind='uaprof-server' host='u.home1.net'>\n"
                     "   <profile path='x.rdf' file='@BASIC@'/>\n  </node>\n",
                     "scenario.xml:4:", "expected an absolute path", NULL);
  assert_load_fails ("  <node id='uaprof' kind='uaprof-server' host='u.home1.net'>\n"
                     "   <profile path='/x.rdf' file='@BASIC@'/>\n"
                     "   <profile path='/x.rdf' file='@SYNCML@'/>\n  </node>\n",
                     "scenario.xml:5:", "served already", NULL);
  assert_load_fails ("  <node id='uaprof' kind='uaprof-server' host='u.home1.net'>\n"
                     "   <profile path='/x.rdf' file='missing.rdf'/>\n  </node>\n",
                     "scenario.xml:4:", "attribute 'file' of <profile>", NULL);
  assert_load_fails ("  <node id='uaprof' kind='uaprof-server' host='u.home1.net'>\n"
                     "   <doc path='/x.rdf'/>\n  </node>\n",
                     "scenario.xml:4:", "expected <profile", NULL);
}

/* ---- the sender: watcher and capability store ---- */

#define WATCH_NET \
  "  <node id='psa' kind='sender' host='psadm1.home1.net' outbound='sip:ps.home1.net'\n" \
  "        identity='sip:psadm1@home1.net'/>\n" \
  "  <node id='ps' kind='ua' host='ps.home1.net' events='presence'/>\n" \
  "  <node id='uaprof' kind='uaprof-server' host='uaprof.home1.net'>\n" \
  "   <profile path='/basic-phone.rdf' file='@BASIC@'/>\n" \
  "  </node>\n"

#define SYNCML_PUSH(t) \
  "  <at t='" t "'><push node='psa' to='" JOHN "' app='0x05'\n" \
  "        content-type='application/vnd.syncml.ds.notification' body='alert'/></at>\n"
#define TEXT_PUSH(t) \
  "  <at t='" t "'><push node='psa' to='" JOHN "' app='0x05' content-type='text/plain'\n" \
  "        body='hello'/></at>\n"

static void
test_watch_and_refuse (void)
{
  g_autoptr (Net) net = net_load (
    WATCH_NET,
    "  <at t='0'><watch node='psa' event='presence' user='" JOHN "'/></at>\n"
    "  <at t='100ms'><notify node='ps'/></at>\n"
    SYNCML_PUSH ("500ms")
    "  <at t='1s'><notify node='ps' content-type='application/pidf+xml' body-file='@PRESENCE@'/></at>\n"
    SYNCML_PUSH ("2s")
    TEXT_PUSH ("3s"));
  PlSender *psa;
  g_autoptr (GPtrArray) subscribes = NULL;
  g_autoptr (GPtrArray) gets = NULL;
  g_autoptr (GPtrArray) caps = NULL;
  g_autoptr (GPtrArray) deliveries = NULL;
  g_autoptr (GPtrArray) paps = NULL;
  g_autofree char *subscribe = NULL;
  g_auto (GStrv) types = NULL;
  const char *expected_types[] = { "text/plain", "image/jpeg", NULL };
  guint n_messages = 0;

  g_test_summary ("A.4 step 1's SUBSCRIBE (Event: presence, Accept PIDF, asserted identity), "
                  "the NOTIFY's device profile fetched by HTTP GET, then a push of a type the "
                  "profile lacks is refused unsent with row 6, one of an accepted type goes, "
                  "and one before the profile was known went");
  psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  net_run (net);

  subscribes = messages (net, PL_EVENT_SEND, "psa", "sip");
  subscribe = wire_text (g_ptr_array_index (subscribes, 0));
  g_assert_true (g_str_has_prefix (subscribe, "SUBSCRIBE " JOHN " SIP/2.0\r\n"));
  g_assert_nonnull (strstr (subscribe, "\r\nEvent: presence\r\n"));
  g_assert_nonnull (strstr (subscribe, "\r\nAccept: application/pidf+xml\r\n"));
  g_assert_nonnull (strstr (subscribe, "\r\nExpires: 3600\r\n"));
  g_assert_nonnull (strstr (subscribe, "\r\nP-Asserted-Identity: <sip:psadm1@home1.net>\r\n"));
  g_assert_nonnull (strstr (subscribe, "\r\nRoute: <sip:ps.home1.net;lr>\r\n"));

  gets = messages (net, PL_EVENT_SEND, "psa", "http");
  g_assert_cmpuint (gets->len, ==, 1);
  g_assert_cmpstr (((PlTraceEvent *) g_ptr_array_index (gets, 0))->label, ==, "GET /basic-phone.rdf");

  caps = node_events (net, "psa", "capabilities");
  g_assert_cmpuint (caps->len, ==, 1);
  g_assert_cmpstr (str_field (g_ptr_array_index (caps, 0), "presentity"), ==, JOHN);
  g_assert_cmpstr (str_field (g_ptr_array_index (caps, 0), "accept"), ==, "text/plain image/jpeg");
  types = pl_sender_dup_accepted_types (psa, "sip:john.doe@HOME1.net");
  g_assert_nonnull (types);
  g_assert_true (g_strv_equal ((const char * const *) types, expected_types));
  g_assert_cmpstr (pl_sender_get_presence_state (psa, JOHN), ==, "active");

  g_assert_cmpuint (pl_sender_get_n_pushes (psa), ==, 3);
  g_assert_cmpint (pl_sender_get_status (psa, 1), ==, PL_DELIVERY_ACCEPTED);
  g_assert_cmpint (pl_sender_get_status (psa, 2), ==, PL_DELIVERY_UNSUPPORTED_CONTENT);
  g_assert_cmpint (pl_sender_get_status (psa, 3), ==, PL_DELIVERY_ACCEPTED);
  deliveries = node_events (net, "psa", "delivery");
  g_assert_cmpuint (deliveries->len, ==, 3);
  g_assert_cmpint (int_field (g_ptr_array_index (deliveries, 1), "push"), ==, 2);
  g_assert_cmpint (int_field (g_ptr_array_index (deliveries, 1), "code"), ==, 0);
  g_assert_cmpint (int_field (g_ptr_array_index (deliveries, 1), "attempts"), ==, 0);
  g_assert_nonnull (strstr (str_field (g_ptr_array_index (deliveries, 1), "reason"),
                            "use case E, alternative flow 2"));
  paps = node_events (net, "psa", "pap");
  for (guint i = 0; i < paps->len; i++)
    if (int_field (g_ptr_array_index (paps, i), "push") == 2)
      {
        g_assert_cmpstr (str_field (g_ptr_array_index (paps, i), "type"), ==, "response");
        g_assert_cmpstr (str_field (g_ptr_array_index (paps, i), "status"), ==,
                         "rejected-content-type");
      }
  /* Pushes 1 and 3 only reached the wire. */
  for (guint i = 0; i < subscribes->len; i++)
    n_messages += g_str_equal (((PlTraceEvent *) g_ptr_array_index (subscribes, i))->label,
                               "MESSAGE");
  g_assert_cmpuint (n_messages, ==, 2);
}

static void
test_unknown_capabilities (void)
{
  g_autoptr (Net) net = net_load (
    "  <node id='psa' kind='sender' host='psadm1.home1.net' outbound='sip:ps.home1.net'/>\n"
    "  <node id='ps' kind='ua' host='ps.home1.net' events='presence'/>\n",
    "  <at t='0'><watch node='psa' event='presence' user='" JOHN "'/></at>\n"
    "  <at t='1s'><notify node='ps' content-type='application/pidf+xml' body-file='@PRESENCE@'/></at>\n"
    SYNCML_PUSH ("2s"));
  PlSender *psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) gets = NULL;

  g_test_summary ("No node has the profile URL's host: an error event, the capability stays "
                  "unknown, and the push goes");
  net_run (net);
  gets = messages (net, PL_EVENT_SEND, "psa", "http");
  g_assert_cmpuint (gets->len, ==, 0);
  errors = node_events (net, "psa", "error");
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (str_field (g_ptr_array_index (errors, 0), "detail"), ==,
                   "no node has the host uaprof.home1.net of "
                   "'http://uaprof.home1.net/basic-phone.rdf'");
  g_assert_cmpstr (str_field (g_ptr_array_index (errors, 0), "capabilities"), ==, "unknown");
  g_assert_null (pl_sender_dup_accepted_types (psa, JOHN));
  g_assert_cmpint (pl_sender_get_status (psa, 1), ==, PL_DELIVERY_ACCEPTED);
}

static void
test_fetch_not_found (void)
{
  g_autoptr (Net) net = net_load (
    "  <node id='psa' kind='sender' host='psadm1.home1.net' outbound='sip:ps.home1.net'/>\n"
    "  <node id='ps' kind='ua' host='ps.home1.net' events='presence'/>\n"
    "  <node id='uaprof' kind='uaprof-server' host='uaprof.home1.net'>\n"
    "   <profile path='/syncml-phone.rdf' file='@SYNCML@'/>\n"
    "  </node>\n",
    "  <at t='0'><watch node='psa' event='presence' user='" JOHN "'/></at>\n"
    "  <at t='1s'><notify node='ps' content-type='application/pidf+xml' body-file='@PRESENCE@'/></at>\n"
    SYNCML_PUSH ("2s"));
  PlSender *psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  g_autoptr (GPtrArray) errors = NULL;

  g_test_summary ("A profile the server does not have (404) leaves the capability unknown: "
                  "the push goes");
  net_run (net);
  errors = node_events (net, "psa", "error");
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (str_field (g_ptr_array_index (errors, 0), "detail"), ==, "GET answered 404 Not Found");
  g_assert_null (pl_sender_dup_accepted_types (psa, JOHN));
  g_assert_cmpint (pl_sender_get_status (psa, 1), ==, PL_DELIVERY_ACCEPTED);
}

static void
test_accepted_type (void)
{
  g_autoptr (Net) net = net_load (
    WATCH_NET,
    "  <at t='0'><watch node='psa' event='presence' user='" JOHN "'/></at>\n"
    "  <at t='1s'><notify node='ps' content-type='application/pidf+xml' body-file='@PRESENCE@'/></at>\n"
    "  <at t='2s'><push node='psa' to='" JOHN "' app='0x05' content-type='TEXT/Plain; charset=utf-8'\n"
    "        body='x'/></at>\n"
    "  <at t='3s'><push node='psa' to='sip:jane@home1.net' app='0x05'\n"
    "        content-type='application/vnd.syncml.ds.notification' body='x'/></at>\n");
  PlSender *psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));

  g_test_summary ("A type the profile accepts (case and parameters aside) goes; another "
                  "public identity's pushes are not judged by John's device");
  net_run (net);
  g_assert_cmpint (pl_sender_get_status (psa, 1), ==, PL_DELIVERY_ACCEPTED);
  g_assert_cmpint (pl_sender_get_status (psa, 2), ==, PL_DELIVERY_ACCEPTED);
}

static void
test_notify_handling (void)
{
  g_autoptr (Net) net = net_load (
    WATCH_NET,
    "  <at t='0'><watch node='psa' event='presence' user='" JOHN "' expires='100'/></at>\n"
    "  <at t='1s'><notify node='ps' content-type='text/plain' body='open'/></at>\n"
    "  <at t='2s'><request node='ps' method='NOTIFY' uri='sip:psadm1.home1.net'>\n"
    "    <header name='Event' value='presence'/>\n"
    "    <header name='Subscription-State' value='active'/></request></at>\n"
    "  <at t='3s'><notify node='ps' content-type='application/pidf+xml' body='&lt;x'/></at>\n"
    "  <at t='60s'><unwatch node='psa' event='presence' user='" JOHN "'/></at>\n");
  PlSender *psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) errors = NULL;
  guint subscribes = 0;
  const char *expected[] = { "415", "481", "200", "200", "200", NULL };
  guint n = 0;

  g_test_summary ("A NOTIFY body that is not PIDF gets 415 with Accept, a NOTIFY of no watch "
                  "481, an unreadable PIDF 200 and an error; the watch is refreshed before it "
                  "expires and <unwatch> ends it (Expires: 0, terminated NOTIFY)");
  net_run (net);
  answers = messages (net, PL_EVENT_SEND, "psa", "sip");
  for (guint i = 0; i < answers->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (answers, i);
      g_autofree char *text = wire_text (ev);

      if (g_str_has_prefix (ev->label, "SUBSCRIBE"))
        {
          subscribes++;
          g_assert_nonnull (strstr (text, subscribes == 3 ? "\r\nExpires: 0\r\n"
                                                          : "\r\nExpires: 100\r\n"));
          continue;
        }
      g_assert_nonnull (expected[n]);
      g_assert_true (g_str_has_prefix (ev->label, expected[n]));
      if (n == 0)
        g_assert_nonnull (strstr (text, "\r\nAccept: application/pidf+xml\r\n"));
      n++;
    }
  /* The first, the refresh at 50 s, the unsubscribe at 60 s. */
  g_assert_cmpuint (subscribes, ==, 3);
  g_assert_cmpuint (n, ==, 4);
  errors = node_events (net, "psa", "error");
  g_assert_cmpuint (errors->len, ==, 1);
  notifies = node_events (net, "psa", "presence-notify");
  g_assert_cmpuint (notifies->len, ==, 2);
  g_assert_cmpstr (str_field (g_ptr_array_index (notifies, 1), "state"), ==, "terminated");
  g_assert_cmpstr (pl_sender_get_presence_state (psa, JOHN), ==, "terminated");
  sent = node_events (net, "psa", "presence-unsubscribed");
  g_assert_cmpuint (sent->len, ==, 1);
}

static void
test_watch_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Net) a = net_try_load (WATCH_NET,
                                    "  <at t='0'><watch node='psa' event='dialog' user='" JOHN "'/></at>\n",
                                    &error, NULL);
  g_autoptr (GError) error2 = NULL;
  g_autoptr (Net) b = NULL;

  g_test_summary ("<watch> names a known event package and a presentity SIP URI");
  g_assert_null (a->scenario);
  g_assert_nonnull (strstr (error->message, "expected presence or reg, got 'dialog'"));
  b = net_try_load (WATCH_NET, "  <at t='0'><watch node='psa' event='presence' user='john'/></at>\n",
                    &error2, NULL);
  g_assert_null (b->scenario);
  g_assert_nonnull (strstr (error2->message, "expected the presentity"));
}

static void
test_ua_notifier_errors (void)
{
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (Net) a = net_try_load ("  <node id='ps' kind='ua' host='ps.home1.net' events='pres;ence'/>\n",
                                    "", &e1, NULL);
  g_autoptr (Net) b = net_try_load ("  <node id='ps' kind='ua' host='ps.home1.net'/>\n",
                                    "  <at t='0'><notify node='ps'/></at>\n", &e2, NULL);

  g_test_summary ("A 'ua' takes event package tokens in 'events', and <notify> only with them");
  g_assert_null (a->scenario);
  g_assert_nonnull (strstr (e1->message, "got 'pres;ence'"));
  g_assert_null (b->scenario);
  g_assert_nonnull (strstr (e2->message, "takes no subscriptions"));
}

/* ---- content by reference (RFC 4483, 004_… §7.1.1 step 4) ---- */

#define EXT(params) "message/external-body;" params
#define PHANTOM "Content-Type: application/vnd.syncml.ds.notification&#13;&#10;" \
                "Content-ID: &lt;c1@psadm1.home1.net&gt;&#13;&#10;&#13;&#10;"
#define PUSH_TO_UE(t, type, body) \
  "  <at t='" t "'><request node='psa' method='MESSAGE' uri='sip:john.doe@ue.home1.net'" \
  " content-type='" type "' body='" body "'>" \
  "<header name='P-Asserted-Identity' value='&lt;sip:psadm1@home1.net&gt;'/>" \
  "<header name='Accept-Contact' value='*;+g.oma.sip-push.0x05;require;explicit'/>" \
  "</request></at>\n"

static void
test_reference_checks (void)
{
  static const struct {
    const char *type;
    const char *body;
    const char *status;
  } cases[] = {
    { EXT ("access-type=\"URL\";URL=\"http://content.home1.net/a\";size=80"), PHANTOM, "200" },
    { EXT ("URL=\"http://content.home1.net/a\""), PHANTOM, "415" },
    { EXT ("access-type=local-file;name=\"/tmp/a\""), PHANTOM, "415" },
    { EXT ("access-type=URL"), PHANTOM, "400" },
    { EXT ("access-type=URL;URL=\"ftp://content.home1.net/a\""), PHANTOM, "415" },
    { EXT ("access-type=URL;URL=\"http://content.home1.net/a\""),
      "Content-Type: application/vnd.syncml.ds.notification&#13;&#10;&#13;&#10;", "400" },
    { EXT ("access-type=URL;URL=\"http://content.home1.net/a\""),
      "Content-ID: &lt;c1@x&gt;&#13;&#10;&#13;&#10;", "400" },
    { EXT ("access-type=URL;URL=\"http://content.home1.net/a\";size=big"), PHANTOM, "400" },
    { EXT ("access-type=URL;URL=\"http://nowhere.home1.net/a\""), PHANTOM, "500" },
    { EXT ("access-type=URL;URL=\"http://silent.home1.net/a\""), PHANTOM, "500" },
    { EXT ("access-type=URL;URL=\"http://content.home1.net/wrong-type\""), PHANTOM, "415" },
  };
  GString *timeline = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autoptr (Net) net = NULL;
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GPtrArray) pushes = NULL;
  g_autoptr (GPtrArray) fetches = NULL;
  g_autoptr (GPtrArray) results = NULL;

  g_test_summary ("The receiver checks a message/external-body before fetching: access-type "
                  "URL with an http: URL (else 415), a URL (400), the encapsulated "
                  "Content-Type and Content-ID (400, RFC 2046 §5.2.3), a numeric size (400); "
                  "a host no node has, a server that never answers and a size that does not "
                  "match are 500; content of a type the application does not take is 415");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = g_strdup_printf ("%us", i * 20);
      g_autofree char *one = g_strdup_printf (PUSH_TO_UE ("%s", "%s", "%s"), t, cases[i].type,
                                              cases[i].body);

      g_string_append (timeline, one);
    }
  text = g_string_free (timeline, FALSE);
  net = net_load ("  <node id='psa' kind='ua' host='psadm1.home1.net'/>\n"
                  "  <node id='ue' kind='receiver' host='ue.home1.net'"
                  " registrar='sip:psadm1.home1.net'>\n"
                  "   <identity public='sip:john.doe@home1.net'/>\n"
                  "   <app id='0x05' accept='application/vnd.syncml.ds.notification'/>\n"
                  "  </node>\n"
                  "  <node id='content' kind='content-server' host='content.home1.net'>\n"
                  "   <content path='/a' file='@DSALERT@'"
                  " content-type='application/vnd.syncml.ds.notification'/>\n"
                  "   <content path='/wrong-type' file='@DSALERT@' content-type='text/plain'/>\n"
                  "  </node>\n"
                  "  <node id='silent' kind='ua' host='silent.home1.net'/>\n",
                  text);
  net_run (net);

  answers = messages (net, PL_EVENT_SEND, "ue", "sip");
  g_assert_cmpuint (answers->len, ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < answers->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (answers, i);

      if (!g_str_has_prefix (ev->label, cases[i].status))
        g_error ("case %u: answered %s, expected %s", i, ev->label, cases[i].status);
    }
  /* Only the good reference reached the application, with the fetched
   * content and where it came from. */
  pushes = node_events (net, "ue", "push");
  g_assert_cmpuint (pushes->len, ==, 1);
  g_assert_cmpint (int_field (g_ptr_array_index (pushes, 0), "bytes"), ==, 80);
  g_assert_cmpstr (str_field (g_ptr_array_index (pushes, 0), "url"), ==,
                   "http://content.home1.net/a");
  g_assert_cmpstr (str_field (g_ptr_array_index (pushes, 0), "content-type"), ==,
                   "application/vnd.syncml.ds.notification");
  /* GETs: the good one, the silent server, the wrong type. */
  fetches = messages (net, PL_EVENT_SEND, "ue", "http");
  g_assert_cmpuint (fetches->len, ==, 3);
  results = node_events (net, "ue", "indirect-fetch");
  g_assert_cmpuint (results->len, ==, 4);
  g_assert_nonnull (strstr (str_field (g_ptr_array_index (results, 1), "reason"),
                            "no node has the host nowhere.home1.net"));
  g_assert_cmpstr (str_field (g_ptr_array_index (results, 2), "reason"), ==,
                   "no HTTP answer to the GET in time");
}

static void
test_reference_push_errors (void)
{
  static const struct {
    const char *push;
    const char *fragment;
  } cases[] = {
    { "content-url='http://c.home1.net/a' body='x'", "one of them" },
    { "content-url='http://c.home1.net/a' method='notify' auid='x-wap-application:a'",
      "goes with method='message'" },
    { "content-url='ftp://c.home1.net/a'", "expected an http: URL" },
    { "content-url='http://c.home1.net/a b'", "expected an http: URL" },
    { "content-size='3'", "goes with 'content-url'" },
    { "content-url='http://c.home1.net/a' content-size='-1'", "content-size" },
  };

  g_test_summary ("<push content-url> errors name the attribute and what was expected");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *timeline =
        g_strdup_printf ("  <at t='0'><push node='psa' to='" JOHN "' app='0x05' %s/></at>\n",
                         cases[i].push);
      g_autoptr (GError) error = NULL;
      g_autoptr (Net) net = net_try_load ("  <node id='psa' kind='sender' host='psadm1.home1.net'/>\n",
                                          timeline, &error, NULL);

      g_assert_null (net->scenario);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].fragment) == NULL)
        g_error ("case %u: '%s' does not say '%s'", i, error->message, cases[i].fragment);
      g_assert_nonnull (strstr (error->message, "scenario.xml:"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/uaprof-server/get", test_server_get);
  g_test_add_func ("/pl/uaprof-server/absolute-form", test_server_absolute_form);
  g_test_add_func ("/pl/uaprof-server/not-found", test_server_not_found);
  g_test_add_func ("/pl/uaprof-server/bad-request", test_server_bad_request);
  g_test_add_func ("/pl/uaprof-server/bad-request-garbage", test_server_bad_request_garbage);
  g_test_add_func ("/pl/uaprof-server/method", test_server_method);
  g_test_add_func ("/pl/uaprof-server/configure-errors", test_server_configure_errors);
  g_test_add_func ("/pl/sender/capabilities/watch-and-refuse", test_watch_and_refuse);
  g_test_add_func ("/pl/sender/capabilities/unknown", test_unknown_capabilities);
  g_test_add_func ("/pl/sender/capabilities/fetch-not-found", test_fetch_not_found);
  g_test_add_func ("/pl/sender/capabilities/accepted", test_accepted_type);
  g_test_add_func ("/pl/sender/capabilities/notify", test_notify_handling);
  g_test_add_func ("/pl/sender/capabilities/watch-errors", test_watch_errors);
  g_test_add_func ("/pl/sender/capabilities/ua-notifier-errors", test_ua_notifier_errors);
  g_test_add_func ("/pl/receiver/indirect/checks", test_reference_checks);
  g_test_add_func ("/pl/sender/indirect/errors", test_reference_push_errors);

  return g_test_run ();
}
