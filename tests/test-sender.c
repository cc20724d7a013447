/* test-sender.c: the Push Sender agent: the MESSAGE of §6.3.2 and B.2,
 * the 1300-byte limit of §6.3, Appendix C with retries, the PAP use cases
 * D and E, third-party REGISTER (§7.3, B.1 step 3), and the ua-profile
 * subscriptions with pushes by NOTIFY (§6.4.2, A.3).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-sender.h"
#include "pl-subscription.h"
#include "pl-transaction.h"
#include "pl-user-agent.h"
#include "pl-wire.h"

#define TO "sip:john.doe@home1.net"

/* ---- a network: the sender and a "ua" standing in for core and receiver ---- */

typedef struct {
  PlScenario *scenario;  /* NULL when the network is built in code */
  PlSim *sim;
  PlTrace *trace;
  PlSender *psa;
  PlNode *core;
  char *dir;             /* scenario folder, removed at the end */
} Net;

static void
net_free (Net *net)
{
  if (net->scenario)
    g_object_unref (net->scenario);
  else if (net->sim)
    g_object_unref (net->sim);
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

static PlNode *
add_node (PlSim *sim, GType type, const char *id, const char *kind, const char *host)
{
  g_autoptr (GError) error = NULL;
  PlNode *node = g_object_new (type, "id", id, "host", host, "kind", kind, NULL);

  g_assert_true (pl_sim_add_node (sim, node, &error));
  g_assert_no_error (error);
  g_object_unref (node);
  return node;
}

/* psa.example.net sends through the "core" ua at scscf.example.net,
 * which answers 200 to everything. */
static Net *
net_new (PlDialect dialect, gboolean trusted)
{
  Net *net = g_new0 (Net, 1);

  pl_models_register ();
  net->sim = pl_sim_new (1);
  net->trace = pl_sim_get_trace (net->sim);
  pl_sim_set_dialect (net->sim, dialect);
  net->psa = PL_SENDER (add_node (net->sim, PL_TYPE_SENDER, "psa", "sender", "psa.example.net"));
  net->core = add_node (net->sim, PL_TYPE_USER_AGENT, "core", "ua", "scscf.example.net");
  pl_sender_set_outbound (net->psa, "sip:scscf.example.net");
  pl_sender_set_identity (net->psa, "sip:psa@example.net", trusted);
  pl_sim_start (net->sim);
  return net;
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

/* Writes @xml as scenario.xml in a new folder (with @files: name,
 * contents, ..., NULL) and loads it; *error when it does not load. */
static Net *
net_try_load (const char *xml, GError **error, ...)
{
  Net *net = g_new0 (Net, 1);
  g_autofree char *path = NULL;
  g_autoptr (GError) local = NULL;
  const char *name;
  va_list args;

  pl_models_register ();
  net->dir = g_dir_make_tmp ("test-sender-XXXXXX", &local);
  g_assert_no_error (local);
  va_start (args, error);
  while ((name = va_arg (args, const char *)) != NULL)
    write_file (net->dir, name, va_arg (args, const char *));
  va_end (args);
  write_file (net->dir, "scenario.xml", xml);
  path = g_build_filename (net->dir, "scenario.xml", NULL);
  net->scenario = pl_scenario_load (path, NULL, error);
  if (net->scenario == NULL)
    return net;
  net->sim = pl_scenario_get_sim (net->scenario);
  net->trace = pl_sim_get_trace (net->sim);
  net->psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  net->core = pl_sim_find_node (net->sim, "core");
  pl_scenario_start (net->scenario);
  return net;
}

/* Same, the load must succeed; at most one extra file (@name NULL: none). */
static Net *
net_load (const char *xml, const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  Net *net;

  net = net_try_load (xml, &error, name, contents, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (net->scenario);
  return net;
}

/* Runs until virtual time @end (-1: until nothing is left). */
static void
net_run_until (Net *net, PlTime end)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (net->sim);

  pl_scheduler_set_end (scheduler, end);
  while (pl_scheduler_step (scheduler))
    ;
  if (end < 0)
    g_assert_true (pl_scheduler_is_finished (scheduler));
}

static void
net_run (Net *net)
{
  net_run_until (net, -1);
}

/* ---- trace queries ---- */

static int
idx (Net *net, const char *id)
{
  return pl_node_get_index (pl_sim_find_node (net->sim, id));
}

/* Node events named @name at @node, in order. */
static GPtrArray *
node_events (Net *net, const char *node, const char *name)
{
  GPtrArray *out = g_ptr_array_new ();
  int who = idx (net, node);

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (!pl_trace_event_is_message (ev) && ev->node == who && g_str_equal (ev->name, name))
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

/* Message events of @kind sent by @from whose label starts with @label. */
static GPtrArray *
messages (Net *net, PlEventKind kind, const char *from, const char *label)
{
  GPtrArray *out = g_ptr_array_new ();
  int who = idx (net, from);

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (ev->kind == kind && ev->from == who && ev->label && g_str_has_prefix (ev->label, label))
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

static const PlField *
field (const PlTraceEvent *ev, const char *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  if (f == NULL)
    g_error ("event '%s' has no field '%s'", ev->name, key);
  return f;
}

#define field_str(ev, key) (field ((ev), (key))->str)
#define field_int(ev, key) (field ((ev), (key))->num)

/* Times in ms of @events: "0 5020". */
static char *
times_of (GPtrArray *events)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    g_string_append_printf (out, "%s%g", i ? " " : "",
                            ((const PlTraceEvent *) g_ptr_array_index (events, i))->t_us / 1000.0);
  return g_string_free (out, FALSE);
}

static char *
wire_text (const PlTraceEvent *ev)
{
  gsize len;
  const char *data = g_bytes_get_data (ev->wire, &len);

  return g_strndup (data, len);
}

static msg_t *
parse_event (const PlTraceEvent *ev)
{
  g_autofree char *problem = NULL;
  msg_t *msg = pl_wire_parse (ev->wire, &problem);

  g_assert_nonnull (msg);
  g_assert_null (problem);
  return msg;
}

static gboolean
has_line (const char *text, const char *line)
{
  g_autofree char *needle = g_strconcat ("\r\n", line, "\r\n", NULL);

  return strstr (text, needle) != NULL;
}

/* The one "delivery" event of the run; it must be push @push. */
static const PlTraceEvent *
the_delivery (Net *net, guint push)
{
  g_autoptr (GPtrArray) deliveries = node_events (net, "psa", "delivery");
  const PlTraceEvent *ev;

  g_assert_cmpuint (deliveries->len, ==, 1);
  ev = g_ptr_array_index (deliveries, 0);
  g_assert_cmpint (field_int (ev, "push"), ==, push);
  return ev;
}

/* ---- the MESSAGE on the wire ---- */

typedef struct {
  const char *summary;
  PlDialect dialect;
  gboolean trusted;
  const char *accept_contact;
} MessageCase;

static const MessageCase message_cases[] = {
  { "2006 draft §6.3.2: Request-URI the recipient, Accept-Contact with the application's "
    "feature tag, require and explicit, P-Asserted-Identity of a trusted sender, no V1.0 "
    "headers",
    PL_DIALECT_OMA_2006, TRUE, "*;+g.oma.sip-push.0x05;require;explicit" },
  { "2006 draft §6.3.2 step 4: an untrusted sender asserts no identity",
    PL_DIALECT_OMA_2006, FALSE, "*;+g.oma.sip-push.0x05;require;explicit" },
  { "V1.0 B.2 step 1: P-Asserted-Identity, P-Asserted-Service with the ICSI, Supported: gruu, "
    "Accept-Contact with the escaped ICSI and the push event application",
    PL_DIALECT_OMA_1_0, TRUE,
    "*;+g.3gpp.icsi_ref=\"urn%3Aurn-xxx%3A3gpp-service.ims.icsi.omapush\";"
    "+g.oma.pusheventapp=\"0x05\"" },
  { "V1.0: an untrusted sender asserts no identity but still names the service",
    PL_DIALECT_OMA_1_0, FALSE,
    "*;+g.3gpp.icsi_ref=\"urn%3Aurn-xxx%3A3gpp-service.ims.icsi.omapush\";"
    "+g.oma.pusheventapp=\"0x05\"" },
};

static void
test_message (gconstpointer data)
{
  const MessageCase *mc = data;
  g_autoptr (Net) net = net_new (mc->dialect, mc->trusted);
  g_autoptr (GBytes) body = g_bytes_new_static ("push-content", 12);
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) paps = NULL;
  g_autoptr (msg_t) msg = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_accept = NULL;
  g_autofree char *accept_line = NULL;
  gboolean v1 = mc->dialect == PL_DIALECT_OMA_1_0;
  const PlTraceEvent *delivery;
  sip_t *sip;

  g_test_summary (mc->summary);

  g_assert_cmpuint (pl_sender_push (net->psa, TO, "0x05", "application/vnd.syncml.ds.notification",
                                    body), ==, 1);
  net_run (net);

  sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  g_assert_cmpuint (sent->len, ==, 1);
  text = wire_text (g_ptr_array_index (sent, 0));
  msg = parse_event (g_ptr_array_index (sent, 0));
  sip = sip_object (msg);

  g_assert_true (g_str_has_prefix (text, "MESSAGE " TO " SIP/2.0\r\n"));
  g_assert_true (has_line (text, "Route: <sip:scscf.example.net;lr>"));
  g_assert_true (has_line (text, "To: <" TO ">"));
  g_assert_true (has_line (text, "Max-Forwards: 70"));
  g_assert_true (has_line (text, "CSeq: 1 MESSAGE"));
  g_assert_true (has_line (text, "Content-Type: application/vnd.syncml.ds.notification"));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\npush-content"));
  /* B.2 step 1: "From: <sip:psa.domain.com>;tag=…". */
  g_assert_cmpstr (sip->sip_from->a_url->url_host, ==, "psa.example.net");
  g_assert_null (sip->sip_from->a_url->url_user);
  g_assert_nonnull (sip->sip_from->a_tag);
  g_assert_nonnull (sip->sip_call_id);

  expected_accept = pl_push_accept_contact (mc->dialect, "0x05", NULL);
  g_assert_cmpstr (expected_accept, ==, mc->accept_contact);
  accept_line = g_strconcat ("Accept-Contact: ", mc->accept_contact, NULL);
  g_assert_true (has_line (text, accept_line));

  g_assert_cmpint (has_line (text, "P-Asserted-Identity: <sip:psa@example.net>"), ==, mc->trusted);
  g_assert_cmpint (strstr (text, "P-Asserted-Identity") != NULL, ==, mc->trusted);
  g_assert_cmpint (has_line (text, "P-Asserted-Service: urn:urn-xxx:3gpp-service.ims.icsi.omapush"),
                   ==, v1);
  g_assert_cmpint (strstr (text, "P-Asserted-Service") != NULL, ==, v1);
  g_assert_cmpint (has_line (text, "Supported: gruu"), ==, v1);
  g_assert_cmpint (strstr (text, "Supported") != NULL, ==, v1);

  /* The core answered 200: Appendix C row 1. */
  delivery = the_delivery (net, 1);
  g_assert_cmpstr (field_str (delivery, "status"), ==, "accepted");
  g_assert_cmpint (field_int (delivery, "row"), ==, 1);
  g_assert_cmpint (field_int (delivery, "code"), ==, 200);
  g_assert_cmpint (field_int (delivery, "attempts"), ==, 1);
  g_assert_cmpstr (field_str (delivery, "to"), ==, TO);
  g_assert_cmpstr (field_str (delivery, "app"), ==, "0x05");
  g_assert_cmpstr (field_str (delivery, "reason"), ==, "OK");
  g_assert_cmpint (delivery->t_us, ==, PL_MSEC (20));
  g_assert_cmpint (pl_sender_get_status (net->psa, 1), ==, PL_DELIVERY_ACCEPTED);

  /* Confirmed by default (use case E): one result notification. */
  paps = node_events (net, "psa", "pap");
  g_assert_cmpuint (paps->len, ==, 1);
  g_assert_cmpstr (field_str (g_ptr_array_index (paps, 0), "type"), ==, "result-notification");
  g_assert_cmpstr (field_str (g_ptr_array_index (paps, 0), "status"), ==, "accepted");
}

static void
test_message_icsi_and_direct (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_1_0, TRUE);
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (msg_t) msg = NULL;
  g_autofree char *text = NULL;

  g_test_summary ("A sender without outbound sends to the Request-URI (no Route); its own "
                  "ICSI goes into P-Asserted-Service and, %-escaped, into Accept-Contact; "
                  "the default identity is sip:<host>");

  pl_sender_set_outbound (net->psa, NULL);
  pl_sender_set_identity (net->psa, NULL, TRUE);
  pl_sender_set_icsi (net->psa, "urn:urn-7:3gpp-service.ims.icsi.mmtel");
  pl_sender_push (net->psa, "sip:bob@scscf.example.net", "mms.ua", NULL, NULL);
  net_run (net);

  sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpint (((const PlTraceEvent *) g_ptr_array_index (sent, 0))->to, ==,
                   idx (net, "core"));
  text = wire_text (g_ptr_array_index (sent, 0));
  msg = parse_event (g_ptr_array_index (sent, 0));
  g_assert_null (sip_object (msg)->sip_route);
  g_assert_true (has_line (text, "P-Asserted-Identity: <sip:psa.example.net>"));
  g_assert_true (has_line (text, "P-Asserted-Service: urn:urn-7:3gpp-service.ims.icsi.mmtel"));
  g_assert_true (has_line (text, "Accept-Contact: *;+g.3gpp.icsi_ref="
                           "\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\";"
                           "+g.oma.pusheventapp=\"mms.ua\""));
  g_assert_cmpstr (field_str (the_delivery (net, 1), "status"), ==, "accepted");
}

/* ---- §6.3: 1300 bytes ---- */

static void
test_size_limit (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_2006, TRUE);
  g_autofree char *fits = g_strnfill (PL_PUSH_MESSAGE_MAX, 'a');
  g_autofree char *big = g_strnfill (PL_PUSH_MESSAGE_MAX + 1, 'b');
  g_autoptr (GBytes) fits_body = g_bytes_new (fits, PL_PUSH_MESSAGE_MAX);
  g_autoptr (GBytes) big_body = g_bytes_new (big, PL_PUSH_MESSAGE_MAX + 1);
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) deliveries = NULL;
  g_autoptr (GPtrArray) paps = NULL;
  g_autoptr (msg_t) msg = NULL;
  const PlTraceEvent *refused;

  g_test_summary ("§6.3: a body of 1300 bytes goes out by MESSAGE; one of 1301 bytes is "
                  "refused before sending (no MESSAGE on the wire) with a reason that names "
                  "the large-content method, and a PAP response 'refused'");

  g_assert_cmpuint (pl_sender_push (net->psa, TO, "0x05", "text/plain", big_body), ==, 1);
  /* Refused at once, before any message. */
  g_assert_cmpint (pl_sender_get_status (net->psa, 1), ==, PL_DELIVERY_REFUSED);
  g_assert_cmpuint (pl_sender_push (net->psa, TO, "0x05", "text/plain", fits_body), ==, 2);
  net_run (net);

  sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  g_assert_cmpuint (sent->len, ==, 1);
  msg = parse_event (g_ptr_array_index (sent, 0));
  g_assert_cmpuint (sip_object (msg)->sip_payload->pl_len, ==, PL_PUSH_MESSAGE_MAX);

  deliveries = node_events (net, "psa", "delivery");
  g_assert_cmpuint (deliveries->len, ==, 2);
  refused = g_ptr_array_index (deliveries, 0);
  g_assert_cmpint (field_int (refused, "push"), ==, 1);
  g_assert_cmpstr (field_str (refused, "status"), ==, "refused");
  g_assert_cmpint (field_int (refused, "row"), ==, 0);
  g_assert_cmpint (field_int (refused, "code"), ==, 0);
  g_assert_cmpint (field_int (refused, "attempts"), ==, 0);
  g_assert_cmpstr (field_str (refused, "reason"), ==,
                   "body of 1301 bytes exceeds the 1300-byte limit of MESSAGE (§6.3); use "
                   "INVITE with an MSRP session (large-content delivery, B.3)");
  g_assert_cmpint (field_int (g_ptr_array_index (deliveries, 1), "push"), ==, 2);
  g_assert_cmpstr (field_str (g_ptr_array_index (deliveries, 1), "status"), ==, "accepted");
  g_assert_cmpint (pl_sender_get_status (net->psa, 2), ==, PL_DELIVERY_ACCEPTED);
  g_assert_cmpuint (pl_sender_get_n_pushes (net->psa), ==, 2);

  paps = node_events (net, "psa", "pap");
  g_assert_cmpuint (paps->len, ==, 2);
  g_assert_cmpint (field_int (g_ptr_array_index (paps, 0), "push"), ==, 1);
  g_assert_cmpstr (field_str (g_ptr_array_index (paps, 0), "type"), ==, "response");
  g_assert_cmpstr (field_str (g_ptr_array_index (paps, 0), "status"), ==, "refused");
  g_assert_cmpint (field_int (g_ptr_array_index (paps, 1), "push"), ==, 2);
  g_assert_cmpstr (field_str (g_ptr_array_index (paps, 1), "type"), ==, "result-notification");
}

/* ---- Appendix C rows, from a scenario ---- */

#define ROW_SCENARIO \
  "<scenario name='row' dialect='oma-2006' seed='1'>\n" \
  " <network latency='10ms'>\n" \
  "  <node id='psa' kind='sender' host='psa.example.net' outbound='sip:scscf.example.net'\n" \
  "        identity='sip:psa@example.net'>\n" \
  "   <retry max='%u' interval='5s'/>\n" \
  "  </node>\n" \
  "  <node id='core' kind='ua' host='scscf.example.net' answer='%s'/>\n" \
  " </network>\n" \
  " <timeline>\n" \
  "  <at t='0'><push node='psa' to='" TO "' app='0x05' content-type='text/plain'\n" \
  "                  body='hello' confirm='%s'/></at>\n" \
  " </timeline>\n" \
  " <expect>\n" \
  "  <event node='psa' name='delivery' push='1' status='%s' row='%d' attempts='%u' count='1'/>\n" \
  "  <event node='psa' name='retry' count='%u'/>\n" \
  " </expect>\n" \
  "</scenario>\n"

typedef struct {
  const char *summary;
  const char *answer;    /* the ua's answer attribute */
  guint max;
  gboolean confirm;
  PlDeliveryStatus status;
  int code;
  guint attempts;
  const char *sends;     /* MESSAGE send times, ms */
} RowCase;

static const RowCase row_cases[] = {
  { "Appendix C row 1: 200 is accepted", "200", 2, TRUE, PL_DELIVERY_ACCEPTED, 200, 1, "0" },
  { "Appendix C row 2: 603 is rejected with retries allowed; retried max times at the "
    "interval as new requests, then final",
    "603", 2, TRUE, PL_DELIVERY_REJECTED_RETRY, 603, 3, "0 5020 10040" },
  { "Appendix C row 3: 403 is rejected without retry even with retries configured",
    "403", 2, TRUE, PL_DELIVERY_REJECTED, 403, 1, "0" },
  { "Appendix C row 4: no answer at all gives a local 408 (timer F) and undeliverable",
    "none", 0, TRUE, PL_DELIVERY_UNDELIVERABLE, 408, 1, "0" },
  { "Appendix C row 5: 500 is resource shortage, retried", "500", 1, TRUE,
    PL_DELIVERY_RESOURCE_SHORTAGE, 500, 2, "0 5020" },
  { "Appendix C row 6: 415 is rejected-content-type, no retry", "415", 2, TRUE,
    PL_DELIVERY_UNSUPPORTED_CONTENT, 415, 1, "0" },
  { "480 (not in Table 1) reads as row 4, undeliverable", "480", 0, TRUE,
    PL_DELIVERY_UNDELIVERABLE, 480, 1, "0" },
  { "Use case D: an unconfirmed push is not retried, whatever the row", "603", 2, FALSE,
    PL_DELIVERY_REJECTED_RETRY, 603, 1, "0" },
};

static void
test_row (gconstpointer data)
{
  const RowCase *rc = data;
  const char *status = pl_delivery_status_to_string (rc->status);
  guint n_retries = rc->attempts - 1;
  g_autofree char *xml = g_strdup_printf (ROW_SCENARIO, rc->max, rc->answer,
                                          rc->confirm ? "true" : "false", status, (int) rc->status,
                                          rc->attempts, n_retries);
  g_autoptr (Net) net = net_load (xml, NULL, NULL);
  g_autoptr (PlReport) report = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) retries = NULL;
  g_autoptr (GPtrArray) paps = NULL;
  g_autoptr (GHashTable) branches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *sends = NULL;
  g_autofree char *call_id = NULL;
  const PlTraceEvent *delivery;
  guint n_progress = 0, n_result = 0, n_response = 0;

  g_test_summary (rc->summary);

  net_run (net);

  sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  sends = times_of (sent);
  g_assert_cmpstr (sends, ==, rc->sends);
  /* Each attempt a new request: CSeq + 1, the same Call-ID, a new branch. */
  for (guint i = 0; i < sent->len; i++)
    {
      g_autoptr (msg_t) msg = parse_event (g_ptr_array_index (sent, i));
      sip_t *sip = sip_object (msg);

      g_assert_cmpuint (sip->sip_cseq->cs_seq, ==, i + 1);
      if (call_id == NULL)
        call_id = g_strdup (sip->sip_call_id->i_id);
      g_assert_cmpstr (sip->sip_call_id->i_id, ==, call_id);
      g_assert_true (g_hash_table_add (branches, g_strdup (sip->sip_via->v_branch)));
    }

  delivery = the_delivery (net, 1);
  g_assert_cmpstr (field_str (delivery, "status"), ==, status);
  g_assert_cmpint (field_int (delivery, "row"), ==, (int) rc->status);
  g_assert_cmpint (field_int (delivery, "code"), ==, rc->code);
  g_assert_cmpint (field_int (delivery, "attempts"), ==, rc->attempts);
  g_assert_cmpint (pl_sender_get_status (net->psa, 1), ==, rc->status);
  if (g_str_equal (rc->answer, "none"))
    {
      g_assert_cmpint (delivery->t_us, ==, 64 * PL_T1);
      g_assert_nonnull (strstr (field_str (delivery, "reason"), "timer F"));
    }

  retries = node_events (net, "psa", "retry");
  g_assert_cmpuint (retries->len, ==, n_retries);
  for (guint i = 0; i < retries->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (retries, i);

      g_assert_cmpint (field_int (ev, "push"), ==, 1);
      g_assert_cmpint (field_int (ev, "attempt"), ==, i + 2);
      g_assert_cmpint (field_int (ev, "code"), ==, rc->code);
      g_assert_cmpint (field_int (ev, "delay-ms"), ==, 5000);
    }

  paps = node_events (net, "psa", "pap");
  for (guint i = 0; i < paps->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (paps, i);
      const char *type = field_str (ev, "type");

      if (g_str_equal (type, "progress-note"))
        n_progress++;
      else if (g_str_equal (type, "result-notification"))
        {
          n_result++;
          g_assert_cmpstr (field_str (ev, "status"), ==, status);
          g_assert_true (i == paps->len - 1);
        }
      else if (g_str_equal (type, "response"))
        {
          n_response++;
          /* Use case D step 4: right when the push is forwarded. */
          g_assert_cmpstr (field_str (ev, "status"), ==, "submitted");
          g_assert_cmpint (ev->t_us, ==, 0);
        }
    }
  g_assert_cmpuint (n_progress, ==, n_retries);
  g_assert_cmpuint (n_result, ==, rc->confirm ? 1 : 0);
  g_assert_cmpuint (n_response, ==, rc->confirm ? 0 : 1);

  /* What a scenario asserts holds... */
  report = pl_scenario_check (net->scenario);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PlCheck *check = g_ptr_array_index (report->checks, i);
      if (!check->passed)
        g_test_message ("%s: %s", check->name, check->message);
    }
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  g_assert_cmpuint (report->checks->len, ==, 2);
}

static void
test_row_expectation_fails (void)
{
  g_autofree char *xml = g_strdup_printf (ROW_SCENARIO, 0, "403", "true", "accepted", 1, 1, 0);
  g_autoptr (Net) net = net_load (xml, NULL, NULL);
  g_autoptr (PlReport) report = NULL;

  g_test_summary ("A scenario that expects 'accepted' where the answer was 403 fails");

  net_run (net);
  report = pl_scenario_check (net->scenario);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_FAIL);
  g_assert_cmpuint (pl_report_n_failed (report), ==, 1);
}

/* ---- Retry-After ---- */

static void
test_retry_after (void)
{
  static const char xml[] =
    "<scenario name='retry-after' dialect='oma-1.0' seed='1'>\n"
    " <network latency='10ms'>\n"
    "  <node id='psa' kind='sender' host='psa.example.net' outbound='sip:scscf.example.net'>\n"
    "   <retry max='1' interval='30s'/>\n"
    "  </node>\n"
    "  <node id='core' kind='ua' host='scscf.example.net' answer='503'/>\n"
    " </network>\n"
    " <timeline>\n"
    "  <at t='0'><push node='psa' to='" TO "' app='mms.ua' body='x'/></at>\n"
    " </timeline>\n"
    " <alter>\n"
    "  <rule on='send' at='core' response='503' action='set-header' name='Retry-After'\n"
    "        value='7'/>\n"
    " </alter>\n"
    "</scenario>\n";
  g_autoptr (Net) net = net_load (xml, NULL, NULL);
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) retries = NULL;
  g_autofree char *sends = NULL;
  const PlTraceEvent *delivery;

  g_test_summary ("A Retry-After in a retryable answer (503, row 2) overrides the configured "
                  "interval: the retry goes 7 s later, not 30 s");

  net_run (net);

  sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  sends = times_of (sent);
  g_assert_cmpstr (sends, ==, "0 7020");
  retries = node_events (net, "psa", "retry");
  g_assert_cmpuint (retries->len, ==, 1);
  g_assert_cmpint (field_int (g_ptr_array_index (retries, 0), "delay-ms"), ==, 7000);
  g_assert_cmpint (field_int (g_ptr_array_index (retries, 0), "code"), ==, 503);
  delivery = the_delivery (net, 1);
  g_assert_cmpstr (field_str (delivery, "status"), ==, "rejected-retry");
  g_assert_cmpint (field_int (delivery, "attempts"), ==, 2);
  g_assert_cmpint (delivery->t_us, ==, PL_MSEC (7040));
}

/* ---- use case D ---- */

static void
test_unconfirmed (void)
{
  g_autoptr (Net) net = net_new (PL_DIALECT_OMA_2006, TRUE);
  g_autoptr (GPtrArray) paps = NULL;
  const PlTraceEvent *pap;

  g_test_summary ("Use case D: an unconfirmed push gives a PAP response 'submitted' as soon as "
                  "the MESSAGE is sent, before any answer, and no result notification; the "
                  "SIP outcome is still recorded");

  pl_sender_push_full (net->psa, TO, "0x05", "text/plain", NULL, FALSE);
  /* Before the run: the response is already there. */
  paps = node_events (net, "psa", "pap");
  g_assert_cmpuint (paps->len, ==, 1);
  pap = g_ptr_array_index (paps, 0);
  g_assert_cmpint (field_int (pap, "push"), ==, 1);
  g_assert_cmpstr (field_str (pap, "type"), ==, "response");
  g_assert_cmpstr (field_str (pap, "status"), ==, "submitted");
  g_assert_cmpint (pl_sender_get_status (net->psa, 1), ==, PL_DELIVERY_PENDING);
  g_clear_pointer (&paps, g_ptr_array_unref);

  net_run (net);
  paps = node_events (net, "psa", "pap");
  g_assert_cmpuint (paps->len, ==, 1);
  g_assert_cmpstr (field_str (the_delivery (net, 1), "status"), ==, "accepted");
}

/* ---- third-party REGISTER ---- */

#define UE_REGISTER_2006 \
  "REGISTER sip:home1.net SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP [5555::aaa:bbb:ccc:ddd]:1357;branch=z9hG4bKnashds7\r\n" \
  "Max-Forwards: 70\r\n" \
  "From: <sip:john.doe@home1.net>;tag=4fa3\r\n" \
  "To: <sip:john.doe@home1.net>\r\n" \
  "Call-ID: apb03a0s09dkjdfglkj49111\r\n" \
  "CSeq: 2 REGISTER\r\n" \
  "Require: pref\r\n" \
  "Contact: <sip:[5555::aaa:bbb:ccc:ddd]:1357>;+g.oma.sip-push.0x05;+g.oma.sip-push.0x07\r\n" \
  "Contact: <sip:[5555::aaa:bbb:ccc:eee]:1357>;+g.oma.sip-push.0x07\r\n" \
  "Expires: 600\r\n" \
  "Content-Length: 0\r\n\r\n"

#define UE_REGISTER_1_0 \
  "REGISTER sip:registrar.domain.com SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP pra1.domain.com:5060;branch=z9hG4bKnashds7\r\n" \
  "Max-Forwards: 70\r\n" \
  "To: \"Bob\" <sip:user@domain.com>\r\n" \
  "From: \"Bob\" <sip:user@domain.com>;tag=456248\r\n" \
  "Supported: gruu\r\n" \
  "Call-ID: 843817637684230@998sdasdh09\r\n" \
  "CSeq: 1826 REGISTER\r\n" \
  "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"" \
  ";+g.oma.pusheventapp=\"mms.ua\"\r\n" \
  "Expires: 7200\r\n" \
  "Content-Length: 0\r\n\r\n"

/* 003_… B.1 step 1 byte for byte, with its typographic quote. */
#define UE_REGISTER_B1_AS_PRINTED \
  "REGISTER sip:registrar.domain.com SIP/2.0\r\n" \
  "Via: SIP/2.0/UDP pra1.domain.com:5060;branch=z9hG4bKnashds7\r\n" \
  "Max-Forwards: 70\r\n" \
  "To: \"Bob\" <sip:user@domain.com>\r\n" \
  "From: \"Bob\" <sip:user@domain.com>;tag=456248\r\n" \
  "Supported: gruu\r\n" \
  "Call-ID: 843817637684230@998sdasdh09\r\n" \
  "CSeq: 1826 REGISTER\r\n" \
  "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"" \
  ";+g.oma.pusheventapp=\"mms.ua\xe2\x80\x9d\r\n" \
  "Expires: 7200\r\n" \
  "Content-Length: 0\r\n\r\n"

/* A third-party REGISTER from the core (B.1 step 3) for @who at @t. */
#define THIRD_PARTY(t, who, expires, extra) \
  "  <at t='" t "'><request node='core' method='REGISTER' uri='sip:psa.example.net' to='" who "'" \
  extra ">\n" \
  "   <header name='Contact' value='&lt;sip:scscf.example.net&gt;'/>\n" \
  "   <header name='Expires' value='" expires "'/>\n" \
  "  </request></at>\n"

static const char register_scenario[] =
  "<scenario name='third-party' dialect='oma-2006' seed='1'>\n"
  " <network latency='10ms'>\n"
  "  <node id='psa' kind='sender' host='psa.example.net'/>\n"
  "  <node id='core' kind='ua' host='scscf.example.net'/>\n"
  " </network>\n"
  " <timeline>\n"
  THIRD_PARTY ("0", "sip:john.doe@HOME1.net", "600", "")
  THIRD_PARTY ("10s", "sip:john.doe@home1.net", "600",
               " content-type='message/sip' body-file='ue-register.txt'")
  THIRD_PARTY ("20s", "sip:john.doe@home1.net", "0", "")
  THIRD_PARTY ("30s", "sip:mary@home1.net", "60", "")
  " </timeline>\n"
  " <expect>\n"
  "  <event node='psa' name='registration-state' public-id='sip:john.doe@home1.net'\n"
  "         state='registered' apps='0x05 0x07' count='1'/>\n"
  " </expect>\n"
  "</scenario>\n";

static void
assert_registration (const PlTraceEvent *ev, const char *public_id, const char *state,
                     gint64 expires, const char *apps, PlTime at)
{
  g_assert_cmpstr (field_str (ev, "public-id"), ==, public_id);
  g_assert_cmpstr (field_str (ev, "state"), ==, state);
  g_assert_cmpint (field_int (ev, "expires"), ==, expires);
  g_assert_cmpstr (field_str (ev, "apps"), ==, apps);
  g_assert_cmpint (ev->t_us, ==, at);
}

static void
test_third_party_register (void)
{
  g_autoptr (Net) net = net_load (register_scenario, "ue-register.txt", UE_REGISTER_2006);
  g_autoptr (GPtrArray) oks = NULL;
  g_autoptr (GPtrArray) states = NULL;
  g_autoptr (PlReport) report = NULL;
  const char * const *apps;

  g_test_summary ("§7.3 / B.1 step 3: each third-party REGISTER gets 200 with its Contact and "
                  "Expires echoed; the identity is registered (apps unknown without a body, "
                  "from the included REGISTER's Contacts with one), de-registered by "
                  "Expires: 0, and expires on virtual time");

  net_run_until (net, PL_SEC (5));
  g_assert_true (pl_sender_is_registered (net->psa, "sip:john.doe@home1.net"));
  g_assert_null (pl_sender_get_apps (net->psa, "sip:john.doe@home1.net"));

  net_run_until (net, PL_SEC (15));
  g_assert_true (pl_sender_is_registered (net->psa, "sip:john.doe@HOME1.NET;user=phone"));
  apps = pl_sender_get_apps (net->psa, "sip:john.doe@home1.net");
  g_assert_nonnull (apps);
  g_assert_cmpstr (apps[0], ==, "0x05");
  g_assert_cmpstr (apps[1], ==, "0x07");
  g_assert_null (apps[2]);

  net_run_until (net, PL_SEC (25));
  g_assert_false (pl_sender_is_registered (net->psa, "sip:john.doe@home1.net"));
  g_assert_null (pl_sender_get_apps (net->psa, "sip:john.doe@home1.net"));

  net_run_until (net, PL_SEC (60));
  g_assert_true (pl_sender_is_registered (net->psa, "sip:mary@home1.net"));
  /* Registration state expires on a background timer: a run without an
   * end stops before it, so the run goes on to a chosen end. */
  net_run (net);
  g_assert_true (pl_sender_is_registered (net->psa, "sip:mary@home1.net"));
  net_run_until (net, PL_SEC (120));
  g_assert_false (pl_sender_is_registered (net->psa, "sip:mary@home1.net"));
  g_assert_false (pl_sender_is_registered (net->psa, "sip:nobody@home1.net"));

  /* B.1 step 3's 200: Contact and Expires of the request. */
  oks = messages (net, PL_EVENT_SEND, "psa", "200");
  g_assert_cmpuint (oks->len, ==, 4);
  for (guint i = 0; i < oks->len; i++)
    {
      g_autofree char *text = wire_text (g_ptr_array_index (oks, i));

      g_assert_true (g_str_has_prefix (text, "SIP/2.0 200 OK\r\n"));
      g_assert_true (has_line (text, "CSeq: 1 REGISTER"));
      g_assert_true (has_line (text, "Contact: <sip:scscf.example.net>"));
      g_assert_true (has_line (text, i == 2 ? "Expires: 0" : i == 3 ? "Expires: 60"
                                                                    : "Expires: 600"));
    }

  states = node_events (net, "psa", "registration-state");
  g_assert_cmpuint (states->len, ==, 5);
  assert_registration (g_ptr_array_index (states, 0), "sip:john.doe@home1.net", "registered",
                       600, "unknown", PL_MSEC (10));
  assert_registration (g_ptr_array_index (states, 1), "sip:john.doe@home1.net", "registered",
                       600, "0x05 0x07", PL_SEC (10) + PL_MSEC (10));
  assert_registration (g_ptr_array_index (states, 2), "sip:john.doe@home1.net", "deregistered",
                       0, "unknown", PL_SEC (20) + PL_MSEC (10));
  assert_registration (g_ptr_array_index (states, 3), "sip:mary@home1.net", "registered",
                       60, "unknown", PL_SEC (30) + PL_MSEC (10));
  assert_registration (g_ptr_array_index (states, 4), "sip:mary@home1.net", "expired",
                       0, "unknown", PL_SEC (90) + PL_MSEC (10));

  report = pl_scenario_check (net->scenario);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
}

#define INCLUDED_SCENARIO(dialect) \
  "<scenario name='included' dialect='" dialect "' seed='1'>\n" \
  " <network latency='10ms'>\n" \
  "  <node id='psa' kind='sender' host='psa.example.net'/>\n" \
  "  <node id='core' kind='ua' host='scscf.example.net'/>\n" \
  " </network>\n" \
  " <timeline>\n" \
  THIRD_PARTY ("0", "sip:user@domain.com", "7200", \
               " content-type='message/sip' body-file='ue-register.txt'") \
  " </timeline>\n" \
  "</scenario>\n"

typedef struct {
  const char *summary;
  const char *xml;
  const char *body;
  const char *apps;       /* the event's field */
  const char *error;      /* part of the "error" event's detail; NULL: none */
} IncludedCase;

static const IncludedCase included_cases[] = {
  { "V1.0: the included REGISTER (B.1 step 1) names +g.oma.pusheventapp=\"mms.ua\"",
    INCLUDED_SCENARIO ("oma-1.0"), UE_REGISTER_1_0, "mms.ua", NULL },
  { "An included REGISTER whose Contact has no push tag of the dialect: apps 'none'",
    INCLUDED_SCENARIO ("oma-2006"), UE_REGISTER_1_0, "none", NULL },
  { "A message/sip body that is no SIP message is recorded as an error; the REGISTER is "
    "still answered 200 and the identity registered with apps unknown",
    INCLUDED_SCENARIO ("oma-2006"), "\x01garbage, not SIP at all\r\n\r\n", "unknown",
    "is not a SIP request" },
  { "A message/sip body holding a response, not a REGISTER, is recorded as an error",
    INCLUDED_SCENARIO ("oma-2006"),
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a.example.net;branch=z9hG4bK1\r\n"
    "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 REGISTER\r\n\r\n",
    "unknown", "is not a SIP request" },
  { "B.1 step 1 as the spec prints it (a typographic closing quote) has a Contact sofia-sip "
    "cannot parse: an error naming the header, apps unknown",
    INCLUDED_SCENARIO ("oma-1.0"), UE_REGISTER_B1_AS_PRINTED, "unknown",
    "has a header sofia-sip cannot parse (Contact)" },
  { "A message/sip body holding another request (MESSAGE) is recorded as an error",
    INCLUDED_SCENARIO ("oma-1.0"),
    "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP a.example.net;branch=z9hG4bK1\r\n"
    "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 MESSAGE\r\n\r\n",
    "unknown", "is a MESSAGE request, not a REGISTER" },
};

static void
test_included_register (gconstpointer data)
{
  const IncludedCase *ic = data;
  g_autoptr (Net) net = net_load (ic->xml, "ue-register.txt", ic->body);
  g_autoptr (GPtrArray) states = NULL;
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) oks = NULL;

  g_test_summary (ic->summary);

  net_run_until (net, PL_SEC (1));
  states = node_events (net, "psa", "registration-state");
  g_assert_cmpuint (states->len, ==, 1);
  assert_registration (g_ptr_array_index (states, 0), "sip:user@domain.com", "registered", 7200,
                       ic->apps, PL_MSEC (10));
  errors = node_events (net, "psa", "error");
  g_assert_cmpuint (errors->len, ==, ic->error ? 1 : 0);
  if (ic->error)
    {
      const char *detail = field_str (g_ptr_array_index (errors, 0), "detail");

      g_test_message ("%s", detail);
      g_assert_nonnull (strstr (detail, ic->error));
      g_assert_nonnull (strstr (detail, "sip:user@domain.com"));
    }
  oks = messages (net, PL_EVENT_SEND, "psa", "200");
  g_assert_cmpuint (oks->len, ==, 1);
  g_assert_true (pl_sender_is_registered (net->psa, "sip:user@domain.com"));
  if (g_str_equal (ic->apps, "unknown"))
    g_assert_null (pl_sender_get_apps (net->psa, "sip:user@domain.com"));
  else
    {
      g_autofree char *joined = NULL;
      const char * const *apps = pl_sender_get_apps (net->psa, "sip:user@domain.com");

      g_assert_nonnull (apps);
      joined = g_strjoinv (" ", (char **) apps);
      g_assert_cmpstr (*joined ? joined : "none", ==, ic->apps);
    }
}

static void
test_other_requests (void)
{
  static const char xml[] =
    "<scenario name='others' dialect='oma-2006' seed='1'>\n"
    " <network latency='10ms'>\n"
    "  <node id='psa' kind='sender' host='psa.example.net'/>\n"
    "  <node id='core' kind='ua' host='scscf.example.net'/>\n"
    " </network>\n"
    " <timeline>\n"
    "  <at t='0'><request node='core' method='OPTIONS' uri='sip:psa.example.net'/></at>\n"
    "  <at t='1s'><request node='core' method='MESSAGE' uri='sip:psa.example.net'\n"
    "                      content-type='text/plain' body='hi'/></at>\n"
    "  <at t='2s'><request node='core' method='INVITE' uri='sip:psa.example.net'/></at>\n"
    "  <at t='3s'><request node='core' method='SUBSCRIBE' uri='sip:psa.example.net'/></at>\n"
    "  <at t='4s'><request node='core' method='NOTIFY' uri='sip:psa.example.net'/></at>\n"
    " </timeline>\n"
    "</scenario>\n";
  g_autoptr (Net) net = net_load (xml, NULL, NULL);
  g_autoptr (GPtrArray) responses = NULL;
  g_autoptr (GPtrArray) states = NULL;
  static const char *const expected[] = { "200 OK", "200 OK", "405", "489", "481" };

  g_test_summary ("OPTIONS and MESSAGE to the sender get 200, INVITE 405 with "
                  "Allow: REGISTER, MESSAGE, OPTIONS, SUBSCRIBE, NOTIFY, BYE; a SUBSCRIBE without Event "
                  "489 with Allow-Events: ua-profile (RFC 3265 §7.2.2); a NOTIFY outside every "
                  "subscription 481 (§3.2.4); no registration changes");

  net_run (net);
  responses = messages (net, PL_EVENT_SEND, "psa", "");
  g_assert_cmpuint (responses->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < responses->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (responses, i);
      g_autofree char *text = wire_text (ev);

      g_assert_true (g_str_has_prefix (ev->label, expected[i]));
      if (g_str_equal (expected[i], "489"))
        g_assert_true (has_line (text, "Allow-Events: ua-profile"));
      else if (!g_str_equal (expected[i], "481"))
        g_assert_true (has_line (text, "Allow: REGISTER, MESSAGE, OPTIONS, SUBSCRIBE, NOTIFY, BYE"));
    }
  states = node_events (net, "psa", "registration-state");
  g_assert_cmpuint (states->len, ==, 0);
  g_assert_cmpuint (pl_sender_get_n_pushes (net->psa), ==, 0);
}

/* ---- ua-profile subscriptions (§6.4.2.1, A.3 steps 1–8) ---- */

#define AUID "x-wap-application:push.syncml"
#define SYNCML "application/vnd.syncml.ds.notification"
/* A.3 step 1's Event and Accept. */
#define UA_PROFILE_EVENT "ua-profile;profile-type=\"application\";auid=\"" AUID "\""
#define JOHN_PAI "\"John Doe\" &lt;sip:john.doe@home1.net&gt;"

/* The ue subscribes at @t, routed to the sender as the core would
 * (A.3 step 2); a NULL @event or @pai leaves the header out. */
static char *
subscribe_at (const char *t,
              const char *event,
              const char *pai,
              const char *expires,
              const char *accept)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out,
                          "  <at t='%s'><request node='ue' method='SUBSCRIBE' uri='" TO "'\n"
                          "                      route='&lt;sip:psa.example.net;lr&gt;'>\n",
                          t);
  if (event)
    g_string_append_printf (out, "   <header name='Event' value='%s'/>\n", event);
  if (pai)
    g_string_append_printf (out, "   <header name='P-Asserted-Identity' value='%s'/>\n", pai);
  g_string_append_printf (out, "   <header name='Expires' value='%s'/>\n", expires);
  if (accept)
    g_string_append_printf (out, "   <header name='Accept' value='%s'/>\n", accept);
  g_string_append (out, "  </request></at>\n");
  return g_string_free (out, FALSE);
}

/* psa (with @psa_attrs and @psa_children) and the subscriber "ue", a ua
 * as john.doe; @rules answer NOTIFYs on the ue's behalf (a ua keeps no
 * subscription dialog, and answers 481 to a request in a dialog it does
 * not know). */
static Net *
sub_net (const char *psa_attrs,
         const char *psa_children,
         const char *timeline,
         const char *rules,
         const char *expect)
{
  g_autofree char *xml =
    g_strdup_printf ("<scenario name='ua-profile' dialect='oma-2006' seed='1'>\n"
                     " <network latency='10ms'>\n"
                     "  <node id='psa' kind='sender' host='psa.example.net' %s>\n"
                     "%s"
                     "  </node>\n"
                     "  <node id='ue' kind='ua' host='ue.home1.net' user='john.doe'/>\n"
                     " </network>\n"
                     " <timeline>\n"
                     "%s"
                     " </timeline>\n"
                     " <alter>\n"
                     "%s"
                     " </alter>\n"
                     " <expect>\n"
                     "%s"
                     " </expect>\n"
                     "</scenario>\n",
                     psa_attrs ? psa_attrs : "", psa_children ? psa_children : "", timeline,
                     rules ? rules : "", expect ? expect : "");

  return net_load (xml, NULL, NULL);
}

/* The ue's answer to every NOTIFY. */
#define NOTIFY_200 \
  "  <rule on='deliver' at='ue' request='NOTIFY' action='respond' status='200'/>\n"

typedef struct {
  const char *name;
  const char *summary;
  const char *event;
  const char *pai;
  const char *authorize;  /* <authorize> children */
  const char *status;     /* the answer's label starts with it */
} SubscribeCase;

static const SubscribeCase subscribe_cases[] = {
  { "presence", "§6.4.2.1 step 1: another event package gets 489 with Allow-Events",
    "presence", JOHN_PAI, NULL, "489 Bad Event" },
  { "no-event", "RFC 3265 §7.2.1: a SUBSCRIBE without Event gets 489", NULL, JOHN_PAI, NULL,
    "489 Bad Event" },
  { "profile-type-device",
    "Another profile-type than 'application' (§6.4.1.1 step 2) is a package variant the "
    "sender does not serve: 489",
    "ua-profile;profile-type=\"device\";auid=\"" AUID "\"", JOHN_PAI, NULL,
    "489 Bad Event (profile-type device, not application)" },
  { "no-profile-type", "A ua-profile SUBSCRIBE without profile-type: 489",
    "ua-profile;auid=\"" AUID "\"", JOHN_PAI, NULL,
    "489 Bad Event (profile-type missing, not application)" },
  { "no-auid", "§6.4.1.1 step 3: without auid there is no application to watch: 400",
    "ua-profile;profile-type=\"application\"", JOHN_PAI, NULL, "400 Bad Request (no auid" },
  { "no-pai", "§6.4.2.1 step 2: without P-Asserted-Identity nobody can be authorized: 403",
    UA_PROFILE_EVENT, NULL, NULL, "403 Forbidden (no P-Asserted-Identity)" },
  { "not-authorized",
    "§6.4.2.1 step 2: an asserted identity off the <authorize> list gets 403",
    UA_PROFILE_EVENT, JOHN_PAI,
    "   <authorize subscriber='sip:alice@home1.net'/>\n"
    "   <authorize subscriber='sip:bob@home1.net'/>\n",
    "403 Forbidden (sip:john.doe@home1.net may not subscribe)" },
  { "authorized",
    "An identity on the list (compared as public identities: host case, URI parameters) "
    "gets 200",
    UA_PROFILE_EVENT, "&lt;sip:john.doe@HOME1.net;user=phone&gt;",
    "   <authorize subscriber='sip:alice@home1.net'/>\n"
    "   <authorize subscriber='sip:john.doe@Home1.Net'/>\n",
    "200 OK" },
};

static void
test_subscribe (gconstpointer data)
{
  const SubscribeCase *sc = data;
  g_autofree char *timeline = subscribe_at ("0", sc->event, sc->pai, "600000", SYNCML);
  g_autoptr (Net) net = sub_net (NULL, sc->authorize, timeline, NOTIFY_200, NULL);
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) subscriptions = NULL;
  g_autofree char *text = NULL;
  gboolean ok = g_str_has_prefix (sc->status, "200");

  g_test_summary (sc->summary);

  net_run_until (net, PL_SEC (5));
  answers = messages (net, PL_EVENT_SEND, "psa", "");
  notifies = messages (net, PL_EVENT_SEND, "psa", "NOTIFY");
  subscriptions = node_events (net, "psa", "subscription");

  /* The answer, then the initial NOTIFY only when accepted. */
  g_assert_cmpuint (answers->len, ==, ok ? 2 : 1);
  text = wire_text (g_ptr_array_index (answers, 0));
  g_test_message ("%s", ((const PlTraceEvent *) g_ptr_array_index (answers, 0))->label);
  g_assert_true (g_str_has_prefix (((const PlTraceEvent *) g_ptr_array_index (answers, 0))->label,
                                   sc->status));
  g_assert_true (has_line (text, "CSeq: 1 SUBSCRIBE"));
  g_assert_cmpint (has_line (text, "Allow-Events: ua-profile"), ==,
                   g_str_has_prefix (sc->status, "489"));
  g_assert_cmpuint (notifies->len, ==, ok ? 1 : 0);
  g_assert_cmpuint (subscriptions->len, ==, ok ? 1 : 0);
  g_assert_cmpint (pl_sender_is_subscribed (net->psa, TO, AUID), ==, ok);
}

static void
test_subscribe_a3 (void)
{
  g_autofree char *timeline = subscribe_at ("0", UA_PROFILE_EVENT, JOHN_PAI, "600000", SYNCML);
  g_autoptr (Net) net = NULL;
  g_autoptr (GPtrArray) subscribes = NULL;
  g_autoptr (GPtrArray) oks = NULL;
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) subscriptions = NULL;
  g_autoptr (msg_t) subscribe = NULL;
  g_autoptr (msg_t) ok = NULL;
  g_autoptr (msg_t) notify = NULL;
  g_autofree char *ok_text = NULL;
  g_autofree char *text = NULL;
  const PlTraceEvent *ev;
  sip_t *rq, *rs, *nt;

  g_test_summary ("A.3 steps 3–5: an authorized ua-profile SUBSCRIBE gets 200 with Expires and "
                  "the sender's Contact, then an initial NOTIFY in the dialog, without body: "
                  "Subscription-State: active;expires=600000, Event: ua-profile;auid=\"…\", "
                  "Contact: <sip:psa…>; a 'subscription' event says who subscribed to what");

  net = sub_net (NULL, NULL, timeline, NOTIFY_200, NULL);
  net_run_until (net, PL_SEC (5));

  subscribes = messages (net, PL_EVENT_SEND, "ue", "SUBSCRIBE");
  g_assert_cmpuint (subscribes->len, ==, 1);
  subscribe = parse_event (g_ptr_array_index (subscribes, 0));
  rq = sip_object (subscribe);

  oks = messages (net, PL_EVENT_SEND, "psa", "200");
  g_assert_cmpuint (oks->len, ==, 1);
  ok_text = wire_text (g_ptr_array_index (oks, 0));
  ok = parse_event (g_ptr_array_index (oks, 0));
  rs = sip_object (ok);
  g_assert_true (has_line (ok_text, "Expires: 600000"));
  g_assert_true (has_line (ok_text, "Contact: <sip:psa.example.net>"));
  g_assert_nonnull (rs->sip_to->a_tag);

  notifies = messages (net, PL_EVENT_SEND, "psa", "NOTIFY");
  g_assert_cmpuint (notifies->len, ==, 1);
  ev = g_ptr_array_index (notifies, 0);
  g_assert_cmpint (ev->t_us, ==, PL_MSEC (10));
  g_assert_cmpint (ev->to, ==, idx (net, "ue"));
  text = wire_text (ev);
  notify = parse_event (ev);
  nt = sip_object (notify);
  /* §12.2.1.1: to the subscriber's Contact, in the SUBSCRIBE's dialog. */
  g_assert_true (g_str_has_prefix (text, "NOTIFY sip:john.doe@ue.home1.net SIP/2.0\r\n"));
  g_assert_true (has_line (text, "Subscription-State: active;expires=600000"));
  g_assert_true (has_line (text, "Event: ua-profile;auid=\"" AUID "\""));
  g_assert_true (has_line (text, "Contact: <sip:psa.example.net>"));
  g_assert_true (has_line (text, "Content-Length: 0"));
  g_assert_null (strstr (text, "Content-Type"));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\n"));
  g_assert_cmpstr (nt->sip_call_id->i_id, ==, rq->sip_call_id->i_id);
  g_assert_cmpstr (nt->sip_from->a_tag, ==, rs->sip_to->a_tag);
  g_assert_cmpstr (nt->sip_to->a_tag, ==, rq->sip_from->a_tag);
  g_assert_cmpstr (nt->sip_from->a_url->url_user, ==, "john.doe");
  g_assert_cmpstr (nt->sip_from->a_url->url_host, ==, "home1.net");
  g_assert_cmpuint (nt->sip_cseq->cs_seq, ==, 1);

  subscriptions = node_events (net, "psa", "subscription");
  g_assert_cmpuint (subscriptions->len, ==, 1);
  ev = g_ptr_array_index (subscriptions, 0);
  g_assert_cmpstr (field_str (ev, "subscriber"), ==, TO);
  g_assert_cmpstr (field_str (ev, "auid"), ==, AUID);
  g_assert_cmpstr (field_str (ev, "state"), ==, "active");
  g_assert_cmpint (field_int (ev, "expires"), ==, 600000);
  g_assert_cmpstr (field_str (ev, "accept"), ==, SYNCML);
  g_assert_null (pl_trace_event_get_field (ev, "reason"));

  g_assert_true (pl_sender_is_subscribed (net->psa, "sip:john.doe@HOME1.NET", AUID));
  g_assert_false (pl_sender_is_subscribed (net->psa, TO, "x-wap-application:push.other"));
  g_assert_false (pl_sender_is_subscribed (net->psa, "sip:alice@home1.net", AUID));
}

static void
test_subscribe_replaced (void)
{
  g_autofree char *first = subscribe_at ("0", UA_PROFILE_EVENT, JOHN_PAI, "600", SYNCML);
  g_autofree char *second = subscribe_at ("10s", UA_PROFILE_EVENT, JOHN_PAI, "600", SYNCML);
  g_autofree char *timeline = g_strconcat (first, second, NULL);
  g_autoptr (Net) net = sub_net (NULL, NULL, timeline, NOTIFY_200, NULL);
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) subscriptions = NULL;
  g_autoptr (msg_t) initial = NULL;
  g_autoptr (msg_t) last = NULL;
  g_autofree char *text = NULL;

  g_test_summary ("One subscription per subscriber and application: a new initial SUBSCRIBE "
                  "for the same auid ends the old dialog with a NOTIFY 'terminated' (no reason) "
                  "and the new one takes the pushes");

  net_run_until (net, PL_SEC (20));
  notifies = messages (net, PL_EVENT_SEND, "psa", "NOTIFY");
  /* Initial NOTIFY of the first, initial of the second, end of the first. */
  g_assert_cmpuint (notifies->len, ==, 3);
  initial = parse_event (g_ptr_array_index (notifies, 0));
  last = parse_event (g_ptr_array_index (notifies, 2));
  text = wire_text (g_ptr_array_index (notifies, 2));
  g_assert_cmpstr (sip_object (last)->sip_call_id->i_id, ==,
                   sip_object (initial)->sip_call_id->i_id);
  g_assert_true (has_line (text, "Subscription-State: terminated"));

  subscriptions = node_events (net, "psa", "subscription");
  g_assert_cmpuint (subscriptions->len, ==, 3);
  g_assert_cmpstr (field_str (g_ptr_array_index (subscriptions, 1), "state"), ==, "active");
  g_assert_cmpstr (field_str (g_ptr_array_index (subscriptions, 2), "state"), ==, "terminated");
  g_assert_cmpstr (field_str (g_ptr_array_index (subscriptions, 2), "reason"), ==, "replaced");
  g_assert_true (pl_sender_is_subscribed (net->psa, TO, AUID));
}

/* ---- pushes by NOTIFY (§6.4.2.2, A.3 steps 9–12) ---- */

#define RETRY_5S "   <retry max='1' interval='5s'/>\n"

typedef struct {
  const char *name;
  const char *summary;
  const char *accept;     /* the SUBSCRIBE's Accept; NULL: no SUBSCRIBE at all */
  const char *push;       /* attributes of the <push> at 1 s */
  const char *rules;
  PlDeliveryStatus status;
  int code;
  guint attempts;
  const char *reason;     /* part of the delivery's reason */
  const char *notifies;   /* NOTIFY send times (ms), the initial one included */
  const char *paps;       /* "type:status ..." */
  const char *ended;      /* the subscription's end reason; NULL: still active */
} NotifyCase;

#define PUSH_SYNCML \
  "to='" TO "' app='0x07' auid='" AUID "' content-type='" SYNCML "' body='syncml!'"

static const NotifyCase notify_cases[] = {
  { "accepted",
    "A.3 step 9: the push goes in a NOTIFY of the subscription with its body; the 200 "
    "confirms delivery (§6.4): row 1",
    SYNCML, PUSH_SYNCML, NOTIFY_200, PL_DELIVERY_ACCEPTED, 200, 1, "OK", "10 1000",
    "result-notification:accepted", NULL },
  { "481",
    "Appendix C row 7: a 481 to the push's NOTIFY is no-subscription, not retried; the "
    "subscription is over (RFC 3265 §3.2.2)",
    SYNCML, PUSH_SYNCML,
    "  <rule on='deliver' at='ue' request='NOTIFY' nth='2' action='respond' status='481'/>\n"
    NOTIFY_200,
    PL_DELIVERY_NO_SUBSCRIPTION, 481, 1, "Call/Transaction Does Not Exist", "10 1000",
    "result-notification:no-subscription", "notify-481" },
  { "content-type",
    "§6.4.2.2 step 1: content whose type is not in the SUBSCRIBE's Accept is not sent: "
    "rejected-content-type (row 6), the PPG refuses it at once",
    SYNCML, "to='" TO "' app='0x07' auid='" AUID "' content-type='text/plain' body='hi'",
    NOTIFY_200, PL_DELIVERY_UNSUPPORTED_CONTENT, 0, 0,
    "content type text/plain is not in the subscriber's Accept (" SYNCML ")", "10",
    "response:rejected-content-type", NULL },
  { "no-subscription",
    "Without a subscription nothing is sent: no-subscription (row 7) with the auid named",
    NULL, PUSH_SYNCML, NOTIFY_200, PL_DELIVERY_NO_SUBSCRIPTION, 0, 0,
    "no ua-profile subscription for " AUID, "", "response:no-subscription", NULL },
  { "app-is-not-auid",
    "Without 'auid' the push's app must be the subscribed auid: 0x07 is not "
    "x-wap-application:push.syncml",
    SYNCML, "to='" TO "' app='0x07' content-type='" SYNCML "' body='x'", NOTIFY_200,
    PL_DELIVERY_NO_SUBSCRIPTION, 0, 0, "no ua-profile subscription for 0x07", "10",
    "response:no-subscription", NULL },
  { "app-as-auid",
    "Without 'auid', an app that is the subscribed auid is pushed to",
    SYNCML, "to='" TO "' app='" AUID "' content-type='" SYNCML "' body='x'", NOTIFY_200,
    PL_DELIVERY_ACCEPTED, 200, 1, "OK", "10 1000", "result-notification:accepted", NULL },
  { "wildcard-accept",
    "RFC 3261 §20.1: Accept: application/* takes any application type",
    "application/*", "to='" TO "' app='0x07' auid='" AUID "' "
    "content-type='Application/Vnd.Oma.Push; charset=x' body='x'", NOTIFY_200,
    PL_DELIVERY_ACCEPTED, 200, 1, "OK", "10 1000", "result-notification:accepted", NULL },
  { "q0-accept",
    "RFC 3261 §20.1: a type listed with q=0 is refused",
    SYNCML ";q=0, text/html", PUSH_SYNCML, NOTIFY_200, PL_DELIVERY_UNSUPPORTED_CONTENT, 0, 0,
    "not in the subscriber's Accept", "10", "response:rejected-content-type", NULL },
  { "retry",
    "A 503 to the NOTIFY (row 2) is retried by the retry policy: a new NOTIFY in the same "
    "dialog (next CSeq) after the interval",
    SYNCML, PUSH_SYNCML,
    "  <rule on='deliver' at='ue' request='NOTIFY' nth='2' action='respond' status='503'/>\n"
    NOTIFY_200,
    PL_DELIVERY_ACCEPTED, 200, 2, "OK", "10 1000 6020",
    "progress-note:rejected-retry result-notification:accepted", NULL },
  { "retry-after-end",
    "No answer to the NOTIFY (timer F, row 4) ends the subscription (RFC 3265 §3.2.2): the "
    "retry finds none and nothing more is sent",
    SYNCML, PUSH_SYNCML,
    "  <rule on='deliver' at='ue' request='NOTIFY' nth='1' action='respond' status='200'/>\n"
    "  <rule on='deliver' at='ue' request='NOTIFY' action='drop'/>\n",
    PL_DELIVERY_NO_SUBSCRIPTION, 0, 1, "no ua-profile subscription for " AUID, "10 1000",
    "progress-note:undeliverable result-notification:no-subscription", "notify-408" },
  { "unconfirmed",
    "Use case D by NOTIFY: a PAP response 'submitted' as the NOTIFY leaves, no result",
    SYNCML, PUSH_SYNCML " confirm='false'", NOTIFY_200, PL_DELIVERY_ACCEPTED, 200, 1, "OK",
    "10 1000", "response:submitted", NULL },
};

static char *
paps_of (Net *net)
{
  g_autoptr (GPtrArray) paps = node_events (net, "psa", "pap");
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < paps->len; i++)
    g_string_append_printf (out, "%s%s:%s", i ? " " : "",
                            field_str (g_ptr_array_index (paps, i), "type"),
                            field_str (g_ptr_array_index (paps, i), "status"));
  return g_string_free (out, FALSE);
}

static void
test_notify_push (gconstpointer data)
{
  const NotifyCase *nc = data;
  g_autofree char *subscribe =
    nc->accept ? subscribe_at ("0", UA_PROFILE_EVENT, JOHN_PAI, "600000", nc->accept) : NULL;
  g_autofree char *timeline =
    g_strdup_printf ("%s  <at t='1s'><push node='psa' method='notify' %s/></at>\n",
                     subscribe ? subscribe : "", nc->push);
  g_autoptr (Net) net = sub_net (NULL, RETRY_5S, timeline, nc->rules, NULL);
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) subscriptions = NULL;
  g_autoptr (GPtrArray) messages_sent = NULL;
  g_autofree char *times = NULL;
  g_autofree char *paps = NULL;
  const PlTraceEvent *delivery;
  const char *status = pl_delivery_status_to_string (nc->status);

  g_test_summary (nc->summary);

  net_run_until (net, PL_SEC (120));

  notifies = messages (net, PL_EVENT_SEND, "psa", "NOTIFY");
  times = times_of (notifies);
  g_assert_cmpstr (times, ==, nc->notifies);
  /* A push by NOTIFY never falls back to MESSAGE. */
  messages_sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  g_assert_cmpuint (messages_sent->len, ==, 0);

  delivery = the_delivery (net, 1);
  g_test_message ("%s", field_str (delivery, "reason"));
  g_assert_cmpstr (field_str (delivery, "status"), ==, status);
  g_assert_cmpint (field_int (delivery, "row"), ==, (int) nc->status);
  g_assert_cmpint (field_int (delivery, "code"), ==, nc->code);
  g_assert_cmpint (field_int (delivery, "attempts"), ==, nc->attempts);
  g_assert_cmpstr (field_str (delivery, "to"), ==, TO);
  g_assert_nonnull (strstr (field_str (delivery, "reason"), nc->reason));
  g_assert_cmpint (pl_sender_get_status (net->psa, 1), ==, nc->status);
  paps = paps_of (net);
  g_assert_cmpstr (paps, ==, nc->paps);

  /* Every push NOTIFY is in the subscription's dialog, with the body. */
  for (guint i = 1; i < notifies->len; i++)
    {
      g_autoptr (msg_t) first = parse_event (g_ptr_array_index (notifies, 0));
      g_autoptr (msg_t) msg = parse_event (g_ptr_array_index (notifies, i));
      g_autofree char *text = wire_text (g_ptr_array_index (notifies, i));
      sip_t *sip = sip_object (msg);

      g_assert_cmpstr (sip->sip_call_id->i_id, ==, sip_object (first)->sip_call_id->i_id);
      g_assert_cmpuint (sip->sip_cseq->cs_seq, ==, i + 1);
      g_assert_true (has_line (text, "Event: ua-profile;auid=\"" AUID "\""));
      g_assert_true (g_str_has_prefix (sip->sip_subscription_state->ss_substate, "active"));
      g_assert_nonnull (sip->sip_content_type);
      g_assert_nonnull (sip->sip_payload);
      g_assert_cmpuint (sip->sip_payload->pl_len, >, 0);
      if (strstr (nc->push, "body='syncml!'"))
        {
          g_assert_true (has_line (text, "Content-Type: " SYNCML));
          g_assert_true (g_str_has_suffix (text, "\r\n\r\nsyncml!"));
        }
    }

  subscriptions = node_events (net, "psa", "subscription");
  if (nc->accept == NULL)
    g_assert_cmpuint (subscriptions->len, ==, 0);
  else if (nc->ended)
    {
      const PlTraceEvent *last = g_ptr_array_index (subscriptions, subscriptions->len - 1);

      g_assert_cmpuint (subscriptions->len, ==, 2);
      g_assert_cmpstr (field_str (last, "state"), ==, "terminated");
      g_assert_cmpstr (field_str (last, "reason"), ==, nc->ended);
      g_assert_cmpint (field_int (last, "expires"), ==, 0);
      g_assert_false (pl_sender_is_subscribed (net->psa, TO, AUID));
    }
  else
    {
      g_assert_cmpuint (subscriptions->len, ==, 1);
      g_assert_true (pl_sender_is_subscribed (net->psa, TO, AUID));
    }
}

static void
test_subscription_expiry (void)
{
  g_autofree char *subscribe = subscribe_at ("0", UA_PROFILE_EVENT, JOHN_PAI, "7200", SYNCML);
  g_autofree char *timeline =
    g_strdup_printf ("%s  <at t='3700s'><push node='psa' method='notify' " PUSH_SYNCML "/></at>\n",
                     subscribe);
  g_autoptr (Net) net =
    sub_net ("max-expires='3600'", NULL, timeline, NOTIFY_200,
             "  <event node='psa' name='subscription' state='active' expires='3600' count='1'/>\n"
             "  <event node='psa' name='subscription' subscriber='" TO "' auid='" AUID "'\n"
             "         state='terminated' reason='timeout' count='1'/>\n"
             "  <event node='psa' name='delivery' push='1' status='no-subscription' row='7'/>\n");
  g_autoptr (GPtrArray) oks = NULL;
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) subscriptions = NULL;
  g_autoptr (PlReport) report = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  const PlTraceEvent *ev;

  g_test_summary ("max-expires caps the Expires granted (7200 asked, 3600 given, RFC 3265 "
                  "§3.1.6.1); unrefreshed, the subscription ends at 3600 s with a NOTIFY "
                  "'terminated;reason=timeout' and a 'subscription' event; a push after that "
                  "finds none");

  net_run_until (net, PL_SEC (3599));
  g_assert_true (pl_sender_is_subscribed (net->psa, TO, AUID));
  net_run_until (net, PL_SEC (4000));
  g_assert_false (pl_sender_is_subscribed (net->psa, TO, AUID));

  oks = messages (net, PL_EVENT_SEND, "psa", "200");
  g_assert_cmpuint (oks->len, ==, 1);
  ok = wire_text (g_ptr_array_index (oks, 0));
  g_assert_true (has_line (ok, "Expires: 3600"));

  notifies = messages (net, PL_EVENT_SEND, "psa", "NOTIFY");
  g_assert_cmpuint (notifies->len, ==, 2);
  first = wire_text (g_ptr_array_index (notifies, 0));
  g_assert_true (has_line (first, "Subscription-State: active;expires=3600"));
  ev = g_ptr_array_index (notifies, 1);
  g_assert_cmpint (ev->t_us, ==, PL_SEC (3600) + PL_MSEC (10));
  last = wire_text (ev);
  g_assert_true (has_line (last, "Subscription-State: terminated;reason=timeout"));
  g_assert_nonnull (strstr (last, "\r\nEvent: ua-profile;"));
  g_assert_nonnull (strstr (last, "auid=\"" AUID "\""));

  subscriptions = node_events (net, "psa", "subscription");
  g_assert_cmpuint (subscriptions->len, ==, 2);
  g_assert_cmpint (field_int (g_ptr_array_index (subscriptions, 0), "expires"), ==, 3600);
  ev = g_ptr_array_index (subscriptions, 1);
  g_assert_cmpstr (field_str (ev, "state"), ==, "terminated");
  g_assert_cmpstr (field_str (ev, "reason"), ==, "timeout");
  g_assert_cmpstr (field_str (ev, "subscriber"), ==, TO);
  g_assert_cmpint (ev->t_us, ==, PL_SEC (3600) + PL_MSEC (10));

  g_assert_cmpstr (field_str (the_delivery (net, 1), "status"), ==, "no-subscription");
  g_assert_cmpint (field_int (the_delivery (net, 1), "attempts"), ==, 0);

  /* The same, asserted the scenario way. */
  report = pl_scenario_check (net->scenario);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  g_assert_cmpuint (report->checks->len, ==, 3);
}

/* ---- refresh and unsubscribe: a subscriber built on pl-subscription ---- */

#define TEST_TYPE_WATCHER (test_watcher_get_type ())
G_DECLARE_FINAL_TYPE (TestWatcher, test_watcher, TEST, WATCHER, PlNode)

struct _TestWatcher {
  PlNode parent_instance;
  PlSubscriber *sub;
  int last_status;        /* of the SUBSCRIBE or its refresh */
};

G_DEFINE_FINAL_TYPE (TestWatcher, test_watcher, PL_TYPE_NODE)

static void
on_watcher_subscribed (PlSubscriber *sub,
                       int           status,
                       sip_t        *response,
                       gpointer      user_data)
{
  TEST_WATCHER (user_data)->last_status = status;
}

static void
test_watcher_request (PlNode      *node,
                      PlServerTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip)
{
  TestWatcher *self = TEST_WATCHER (node);

  if (txn == NULL)
    return;
  if (self->sub && sip->sip_request->rq_method == sip_method_notify
      && pl_subscriber_matches (self->sub, sip))
    pl_subscriber_receive (self->sub, txn, msg, sip);
  else
    pl_server_txn_reply (txn, 481, NULL);
}

static void
test_watcher_finalize (GObject *object)
{
  g_clear_pointer (&TEST_WATCHER (object)->sub, pl_subscriber_free);
  G_OBJECT_CLASS (test_watcher_parent_class)->finalize (object);
}

static void
test_watcher_class_init (TestWatcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_watcher_finalize;
  PL_NODE_CLASS (klass)->request = test_watcher_request;
}

static void
test_watcher_init (TestWatcher *self)
{
}

static void
watcher_subscribe (TestWatcher *self,
                   guint32      expires)
{
  g_autofree char *text =
    g_strdup_printf ("SUBSCRIBE " TO " SIP/2.0\r\n"
                     "Route: <sip:psa.example.net;lr>\r\n"
                     "From: <" TO ">;tag=w1\r\n"
                     "To: <" TO ">\r\n"
                     "Call-ID: watch-1\r\n"
                     "CSeq: 1 SUBSCRIBE\r\n"
                     "Event: " UA_PROFILE_EVENT "\r\n"
                     "Accept: " SYNCML "\r\n"
                     "Expires: %u\r\n"
                     "Contact: <sip:john.doe@watcher.example.net>\r\n"
                     "P-Asserted-Identity: <" TO ">\r\n"
                     "Content-Length: 0\r\n\r\n",
                     expires);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  msg_t *msg = pl_wire_parse (bytes, NULL);

  g_assert_nonnull (msg);
  self->sub = pl_subscriber_new (PL_NODE (self), msg, on_watcher_subscribed, NULL, self);
}

static void
test_refresh_unsubscribe (void)
{
  g_autoptr (Net) net = g_new0 (Net, 1);
  g_autoptr (GBytes) body = g_bytes_new_static ("syncml!", 7);
  g_autoptr (GPtrArray) oks = NULL;
  g_autoptr (GPtrArray) notifies = NULL;
  g_autoptr (GPtrArray) subscriptions = NULL;
  TestWatcher *watcher;
  const char *expected_oks[] = { "Expires: 600", "Expires: 1000", "Expires: 0" };
  const char *expected_states[] = { "active;expires=600", "active;expires=1000", NULL,
                                    "terminated;reason=timeout" };
  const PlTraceEvent *ev;

  g_test_summary ("RFC 3265 §3.1.4.2 with pl-subscription's subscriber: a refresh in the "
                  "dialog gets 200 capped by max-expires and a NOTIFY of the new state; a push "
                  "goes in the same dialog; Expires: 0 ends the subscription with a last NOTIFY "
                  "and a 'subscription' event 'unsubscribed'; no timeout follows");

  pl_models_register ();
  net->sim = pl_sim_new (1);
  net->trace = pl_sim_get_trace (net->sim);
  pl_sim_set_dialect (net->sim, PL_DIALECT_OMA_2006);
  net->psa = PL_SENDER (add_node (net->sim, PL_TYPE_SENDER, "psa", "sender", "psa.example.net"));
  watcher = TEST_WATCHER (add_node (net->sim, TEST_TYPE_WATCHER, "ue", "watcher",
                                    "watcher.example.net"));
  pl_sender_set_max_expires (net->psa, 1000);
  pl_sender_authorize (net->psa, TO);
  pl_sim_start (net->sim);

  watcher_subscribe (watcher, 600);
  net_run_until (net, PL_SEC (10));
  g_assert_cmpint (watcher->last_status, ==, 200);
  g_assert_cmpstr (pl_subscriber_get_state (watcher->sub), ==, "active");

  /* Asked for more than max-expires: the cap holds for refreshes too. */
  pl_subscriber_refresh (watcher->sub, 5000);
  net_run_until (net, PL_SEC (20));
  g_assert_cmpint (watcher->last_status, ==, 200);

  g_assert_cmpuint (pl_sender_notify (net->psa, TO, "0x07", AUID, SYNCML, body, TRUE), ==, 1);
  net_run_until (net, PL_SEC (30));
  g_assert_cmpstr (field_str (the_delivery (net, 1), "status"), ==, "accepted");

  pl_subscriber_refresh (watcher->sub, 0);
  net_run_until (net, PL_SEC (40));
  g_assert_true (pl_subscriber_is_terminated (watcher->sub));
  g_assert_cmpstr (pl_subscriber_get_state (watcher->sub), ==, "terminated");
  g_assert_false (pl_sender_is_subscribed (net->psa, TO, AUID));
  net_run_until (net, PL_SEC (2000));

  oks = messages (net, PL_EVENT_SEND, "psa", "200");
  g_assert_cmpuint (oks->len, ==, G_N_ELEMENTS (expected_oks));
  for (guint i = 0; i < oks->len; i++)
    {
      g_autofree char *text = wire_text (g_ptr_array_index (oks, i));

      g_assert_nonnull (strstr (text, " SUBSCRIBE\r\n"));
      g_assert_true (has_line (text, expected_oks[i]));
    }

  notifies = messages (net, PL_EVENT_SEND, "psa", "NOTIFY");
  g_assert_cmpuint (notifies->len, ==, G_N_ELEMENTS (expected_states));
  for (guint i = 0; i < notifies->len; i++)
    {
      g_autoptr (msg_t) msg = parse_event (g_ptr_array_index (notifies, i));
      sip_t *sip = sip_object (msg);
      /* Without a home sofia-sip allocates with malloc(). */
      g_autofree char *state = sip_header_as_string (NULL,
                                                     (sip_header_t *) sip->sip_subscription_state);

      g_assert_cmpstr (sip->sip_call_id->i_id, ==, "watch-1");
      g_assert_cmpuint (sip->sip_cseq->cs_seq, ==, i + 1);
      if (expected_states[i])
        g_assert_cmpstr (state, ==, expected_states[i]);
      else
        g_assert_nonnull (sip->sip_payload);
    }

  subscriptions = node_events (net, "psa", "subscription");
  g_assert_cmpuint (subscriptions->len, ==, 3);
  g_assert_cmpint (field_int (g_ptr_array_index (subscriptions, 1), "expires"), ==, 1000);
  ev = g_ptr_array_index (subscriptions, 2);
  g_assert_cmpstr (field_str (ev, "state"), ==, "terminated");
  g_assert_cmpstr (field_str (ev, "reason"), ==, "unsubscribed");
}

/* ---- scenario errors ---- */

typedef struct {
  const char *name;
  const char *node;    /* the sender's <node> element, on line 3 */
  const char *action;  /* an action, on line 7 */
  int line;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  { "unknown-attribute", "<node id='psa' kind='sender' host='psa.example.net' colour='red'/>",
    NULL, 3, "colour" },
  { "bad-outbound", "<node id='psa' kind='sender' host='psa.example.net' outbound='scscf'/>",
    NULL, 3, "attribute 'outbound' of <node>: expected a SIP URI" },
  { "outbound-nowhere",
    "<node id='psa' kind='sender' host='psa.example.net' outbound='sip:nowhere.example.net'/>",
    NULL, 3, "no node has the host of 'sip:nowhere.example.net'" },
  { "bad-trusted", "<node id='psa' kind='sender' host='psa.example.net' trusted='perhaps'/>",
    NULL, 3, "trusted" },
  { "icsi-in-2006",
    "<node id='psa' kind='sender' host='psa.example.net' icsi='urn:urn-7:x'/>", NULL, 3,
    "oma-1.0" },
  { "bad-retry-max",
    "<node id='psa' kind='sender' host='psa.example.net'><retry max='many'/></node>", NULL, 3,
    "max" },
  { "bad-retry-interval",
    "<node id='psa' kind='sender' host='psa.example.net'><retry interval='soon'/></node>", NULL,
    3, "interval" },
  { "two-retries",
    "<node id='psa' kind='sender' host='psa.example.net'><retry/><retry/></node>", NULL, 3,
    "one <retry>" },
  { "unknown-child",
    "<node id='psa' kind='sender' host='psa.example.net'><bogus/></node>", NULL, 3,
    "<bogus> is not part of a 'sender' node" },
  { "push-bad-to", NULL, "<push node='psa' to='john' app='0x05' body='x'/>", 7,
    "attribute 'to' of <push>" },
  { "push-no-app", NULL, "<push node='psa' to='" TO "' body='x'/>", 7, "app" },
  { "push-bad-app", NULL, "<push node='psa' to='" TO "' app='a b' body='x'/>", 7,
    "attribute 'app' of <push>" },
  { "push-bad-confirm", NULL,
    "<push node='psa' to='" TO "' app='0x05' body='x' confirm='sometimes'/>", 7, "confirm" },
  { "push-body-and-file", NULL,
    "<push node='psa' to='" TO "' app='0x05' body='x' body-file='x.bin'/>", 7, "not both" },
  { "push-missing-file", NULL,
    "<push node='psa' to='" TO "' app='0x05' body-file='../missing/x.bin'/>", 7,
    "No such file" },
  { "unknown-action", NULL, "<register node='psa'/>", 7, "has no action <register>" },
  { "push-bad-method", NULL,
    "<push node='psa' to='" TO "' app='0x05' method='sms' body='x'/>", 7, "method" },
  { "push-auid-with-message", NULL,
    "<push node='psa' to='" TO "' app='0x05' auid='x-wap-application:push.syncml' body='x'/>", 7,
    "attribute 'auid' of <push> goes with method='notify'" },
  { "push-bad-auid", NULL,
    "<push node='psa' to='" TO "' app='0x05' method='notify' auid='a b' body='x'/>", 7,
    "attribute 'auid' of <push>: expected the subscribed application" },
  { "push-chunks-with-message", NULL,
    "<push node='psa' to='" TO "' app='0x05' chunk-size='100' body='x'/>", 7,
    "goes with method='invite' or 'auto'" },
  { "push-file-hash-with-notify", NULL,
    "<push node='psa' to='" TO "' app='0x05' method='notify' file-hash='sha-1:00' body='x'/>",
    7, "attribute 'file-hash' of <push> goes with method='invite' or 'auto'" },
  { "push-bad-file-hash", NULL,
    "<push node='psa' to='" TO "' app='0x05' method='invite' file-hash='sha-1:00:11' "
    "body='x'/>", 7, "attribute 'file-hash' of <push>: expected a SHA-1 hash" },
  { "push-bad-file-hash-md5", NULL,
    "<push node='psa' to='" TO "' app='0x05' method='auto' file-hash='md5:00:11' body='x'/>",
    7, "attribute 'file-hash' of <push>: expected a SHA-1 hash" },
  { "authorize-bad", "<node id='psa' kind='sender' host='psa.example.net'>"
    "<authorize subscriber='john'/></node>", NULL, 3, "attribute 'subscriber' of <authorize>" },
  { "authorize-no-subscriber", "<node id='psa' kind='sender' host='psa.example.net'>"
    "<authorize/></node>", NULL, 3, "subscriber" },
  { "authorize-extra", "<node id='psa' kind='sender' host='psa.example.net'>"
    "<authorize subscriber='sip:a@b' who='me'/></node>", NULL, 3, "who" },
  { "bad-max-expires", "<node id='psa' kind='sender' host='psa.example.net' max-expires='0'/>",
    NULL, 3, "max-expires" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *bc = data;
  g_autofree char *xml =
    g_strdup_printf ("<scenario name='bad' dialect='oma-2006'>\n"
                     " <network>\n"
                     "  %s\n"
                     "  <node id='core' kind='ua' host='scscf.example.net'/>\n"
                     " </network>\n"
                     " <timeline><at t='0'>\n"
                     "  %s\n"
                     " </at></timeline>\n"
                     "</scenario>\n",
                     bc->node ? bc->node : "<node id='psa' kind='sender' host='psa.example.net'/>",
                     bc->action ? bc->action
                                : "<push node='psa' to='" TO "' app='0x05' body='x'/>");
  g_autoptr (GError) error = NULL;
  g_autoptr (Net) net = net_try_load (xml, &error, NULL);
  g_autofree char *path = g_build_filename (net->dir, "scenario.xml", NULL);
  g_autofree char *prefix = g_strdup_printf ("%s:%d:", path, bc->line);

  g_test_summary ("A bad sender configuration or <push> is an error naming file:line");

  g_assert_null (net->scenario);
  g_assert_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, bc->message));
}

static void
test_good_scenario_form (void)
{
  static const char xml[] =
    "<scenario name='form' dialect='oma-1.0' seed='1'>\n"
    " <network latency='10ms'>\n"
    "  <node id='psa' kind='sender' host='psadm1.home1.net' outbound='sip:scscf1.home1.net'\n"
    "        identity='sip:psadm1@home1.net' trusted='false'\n"
    "        icsi='urn:urn-xxx:3gpp-service.ims.icsi.omapush'>\n"
    "   <retry max='2' interval='30s'/>\n"
    "  </node>\n"
    "  <node id='core' kind='ua' host='scscf1.home1.net'/>\n"
    " </network>\n"
    " <timeline>\n"
    "  <at t='0'><push node='psa' to='" TO "' app='mms.ua'\n"
    "                  content-type='application/vnd.syncml.ds.notification'\n"
    "                  body-file='content/x.bin'/></at>\n"
    "  <at t='1s'><push node='psa' to='" TO "' app='mms.ua' confirm='false' body='y'/></at>\n"
    " </timeline>\n"
    "</scenario>\n";
  g_autoptr (Net) net = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GPtrArray) actions = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-sender-XXXXXX", &error);
  g_autofree char *content_dir = g_build_filename (dir, "content", NULL);
  g_autofree char *bin = g_build_filename (content_dir, "x.bin", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_test_summary ("The documented scenario form loads: body-file relative to the scenario, "
                  "trusted='false' sends no P-Asserted-Identity, pushes numbered in order, "
                  "default content type application/vnd.oma.push");

  /* content/x.bin next to the scenario; the loader resolves it. */
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (content_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (bin, "\x01\x02syncml!", 9, &error));
  g_assert_no_error (error);
  {
    g_autofree char *path = g_build_filename (dir, "scenario.xml", NULL);

    g_assert_true (g_file_set_contents (path, xml, -1, &error));
    net = g_new0 (Net, 1);
    net->scenario = pl_scenario_load (path, NULL, &error);
    g_assert_no_error (error);
    g_unlink (path);
  }
  g_unlink (bin);
  g_rmdir (content_dir);
  g_rmdir (dir);
  net->sim = pl_scenario_get_sim (net->scenario);
  net->trace = pl_sim_get_trace (net->sim);
  net->psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  pl_scenario_start (net->scenario);
  net_run (net);

  sent = messages (net, PL_EVENT_SEND, "psa", "MESSAGE");
  g_assert_cmpuint (sent->len, ==, 2);
  first = wire_text (g_ptr_array_index (sent, 0));
  second = wire_text (g_ptr_array_index (sent, 1));
  g_assert_true (g_str_has_suffix (first, "\r\n\r\n\x01\x02syncml!"));
  g_assert_true (has_line (first, "Content-Length: 9"));
  g_assert_true (has_line (first, "Route: <sip:scscf1.home1.net;lr>"));
  g_assert_true (has_line (first, "Content-Type: application/vnd.syncml.ds.notification"));
  g_assert_null (strstr (first, "P-Asserted-Identity"));
  g_assert_true (has_line (second, "Content-Type: application/vnd.oma.push"));
  g_assert_cmpuint (pl_sender_get_n_pushes (net->psa), ==, 2);
  g_assert_cmpint (pl_sender_get_status (net->psa, 2), ==, PL_DELIVERY_ACCEPTED);

  actions = node_events (net, "psa", "action");
  g_assert_cmpuint (actions->len, ==, 2);
  g_assert_cmpstr (field_str (g_ptr_array_index (actions, 0), "verb"), ==, "push");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (message_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/sender/message/%s/%s",
                                               pl_dialect_to_string (message_cases[i].dialect),
                                               message_cases[i].trusted ? "trusted" : "untrusted");
      g_test_add_data_func (path, &message_cases[i], test_message);
    }
  g_test_add_func ("/pl/sender/message/icsi-and-direct", test_message_icsi_and_direct);
  g_test_add_func ("/pl/sender/size-limit", test_size_limit);
  for (guint i = 0; i < G_N_ELEMENTS (row_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/sender/appendix-c/%s%s", row_cases[i].answer,
                                               row_cases[i].confirm ? "" : "-unconfirmed");
      g_test_add_data_func (path, &row_cases[i], test_row);
    }
  g_test_add_func ("/pl/sender/appendix-c/expectation-fails", test_row_expectation_fails);
  g_test_add_func ("/pl/sender/retry-after", test_retry_after);
  g_test_add_func ("/pl/sender/pap/unconfirmed", test_unconfirmed);
  g_test_add_func ("/pl/sender/register/third-party", test_third_party_register);
  for (guint i = 0; i < G_N_ELEMENTS (included_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/sender/register/included/%u", i + 1);
      g_test_add_data_func (path, &included_cases[i], test_included_register);
    }
  g_test_add_func ("/pl/sender/other-requests", test_other_requests);
  for (guint i = 0; i < G_N_ELEMENTS (subscribe_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/sender/subscribe/%s", subscribe_cases[i].name);
      g_test_add_data_func (path, &subscribe_cases[i], test_subscribe);
    }
  g_test_add_func ("/pl/sender/subscribe/a3", test_subscribe_a3);
  g_test_add_func ("/pl/sender/subscribe/replaced", test_subscribe_replaced);
  g_test_add_func ("/pl/sender/subscribe/expiry", test_subscription_expiry);
  g_test_add_func ("/pl/sender/subscribe/refresh-unsubscribe", test_refresh_unsubscribe);
  for (guint i = 0; i < G_N_ELEMENTS (notify_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/sender/notify/%s", notify_cases[i].name);
      g_test_add_data_func (path, &notify_cases[i], test_notify_push);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/sender/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/pl/sender/scenario-form", test_good_scenario_form);

  return g_test_run ();
}
