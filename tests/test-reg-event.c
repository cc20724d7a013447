/* test-reg-event.c: the reg event package (RFC 3680) between the S-CSCF
 * as notifier (TS 24.229 §5.4.2.1) and the Push Sender agent as watcher
 * (2006 draft §7.1): full then partial state with versions, refresh and
 * expiry, authorization, and the watcher's handling of version gaps and
 * bad bodies.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "pl-models.h"
#include "pl-reginfo.h"
#include "pl-scenario.h"
#include "pl-sender.h"
#include "pl-wire.h"

#define JOHN  "sip:john.doe@home1.net"
#define ALICE "sip:alice@home1.net"

/* ---- networks ---- */

typedef struct {
  PlScenario *scenario;
  PlSim *sim;
  PlTrace *trace;
  PlSender *psa;
  char *dir;
} Net;

static void
net_free (Net *net)
{
  g_autoptr (GDir) dir = net->dir ? g_dir_open (net->dir, 0, NULL) : NULL;
  const char *name;

  g_clear_object (&net->scenario);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (net->dir, name, NULL);
      g_unlink (path);
    }
  if (net->dir)
    g_rmdir (net->dir);
  g_free (net->dir);
  g_free (net);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Net, net_free)

/* A TS 29.228 profile of @identity, with one criterion sending every
 * REGISTER to @server (NULL: none) with DefaultHandling @handling. */
static char *
profile (const char *identity,
         const char *server,
         int         handling)
{
  g_autofree char *ifc = server
    ? g_strdup_printf ("<InitialFilterCriteria><Priority>0</Priority><TriggerPoint>"
                       "<ConditionTypeCNF>1</ConditionTypeCNF><SPT><ConditionNegated>0"
                       "</ConditionNegated><Group>0</Group><Method>REGISTER</Method></SPT>"
                       "</TriggerPoint><ApplicationServer><ServerName>%s</ServerName>"
                       "<DefaultHandling>%d</DefaultHandling></ApplicationServer>"
                       "</InitialFilterCriteria>", server, handling)
    : g_strdup ("");

  return g_strdup_printf ("<?xml version='1.0'?>\n<IMSSubscription><PrivateID>%s</PrivateID>"
                          "<ServiceProfile><PublicIdentity><Identity>%s</Identity>"
                          "</PublicIdentity>%s</ServiceProfile></IMSSubscription>\n",
                          identity + 4, identity, ifc);
}

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

/* The network of every test: John's receiver behind the P-CSCF, the
 * S-CSCF with @scscf_attrs, the HSS with John's profile (@john_profile)
 * and Alice's, the sender, and a "ua" at as.home1.net (@as_attrs). */
static char *
scenario_xml (const char *end,
              const char *scscf_attrs,
              const char *as_attrs,
              const char *timeline,
              const char *alter)
{
  return g_strdup_printf (
    "<scenario name='reg' dialect='oma-2006' seed='1' end='%s'>\n"
    " <network latency='10ms' transport='udp'>\n"
    "  <node id='ue' kind='receiver' host='ue.home1.net' outbound='sip:pcscf1.home1.net'>\n"
    "   <identity public='" JOHN "'/>\n"
    "   <app id='0x05' accept='text/plain'/>\n"
    "  </node>\n"
    "  <node id='pcscf' kind='p-cscf' host='pcscf1.home1.net' core='sip:scscf1.home1.net'/>\n"
    "  <node id='scscf' kind='s-cscf' host='scscf1.home1.net' hss='hss' %s/>\n"
    "  <node id='hss' kind='hss' host='hss.home1.net'>\n"
    "   <subscription href='john.xml'/>\n"
    "   <subscription href='alice.xml'/>\n"
    "  </node>\n"
    "  <node id='psa' kind='sender' host='psadm1.home1.net' outbound='sip:scscf1.home1.net'\n"
    "        identity='sip:psadm1@home1.net'/>\n"
    "  <node id='as' kind='ua' host='as.home1.net' %s/>\n"
    " </network>\n"
    " <timeline>\n%s </timeline>\n"
    "%s%s%s"
    "</scenario>\n",
    end, scscf_attrs, as_attrs, timeline,
    alter ? " <alter>\n" : "", alter ? alter : "", alter ? " </alter>\n" : "");
}

static Net *
net_try_load (const char  *xml,
              const char  *john_profile,
              GError     **error)
{
  Net *net = g_new0 (Net, 1);
  g_autofree char *path = NULL;
  g_autofree char *alice = profile (ALICE, NULL, 0);
  g_autofree char *john = john_profile ? NULL : profile (JOHN, NULL, 0);
  g_autoptr (GError) local = NULL;

  pl_models_register ();
  net->dir = g_dir_make_tmp ("test-reg-event-XXXXXX", &local);
  g_assert_no_error (local);
  write_file (net->dir, "john.xml", john_profile ? john_profile : john);
  write_file (net->dir, "alice.xml", alice);
  write_file (net->dir, "scenario.xml", xml);
  path = g_build_filename (net->dir, "scenario.xml", NULL);
  net->scenario = pl_scenario_load (path, NULL, error);
  if (net->scenario == NULL)
    return net;
  net->sim = pl_scenario_get_sim (net->scenario);
  net->trace = pl_sim_get_trace (net->sim);
  net->psa = PL_SENDER (pl_sim_find_node (net->sim, "psa"));
  pl_scenario_start (net->scenario);
  return net;
}

static Net *
net_run_xml (char       *xml,
             const char *john_profile)
{
  g_autofree char *owned = xml;
  g_autoptr (GError) error = NULL;
  Net *net = net_try_load (owned, john_profile, &error);
  PlScheduler *scheduler;

  g_assert_no_error (error);
  scheduler = pl_sim_get_scheduler (net->sim);
  while (pl_scheduler_step (scheduler))
    ;
  return net;
}

/* ---- trace queries ---- */

static int
idx (Net        *net,
     const char *id)
{
  return pl_node_get_index (pl_sim_find_node (net->sim, id));
}

static GPtrArray *
node_events (Net        *net,
             const char *node,
             const char *name)
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

/* First transmissions from @from to @to whose label starts with @label. */
static GPtrArray *
sent (Net        *net,
      const char *from,
      const char *to,
      const char *label)
{
  GPtrArray *out = g_ptr_array_new ();
  int a = idx (net, from), b = idx (net, to);

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (ev->kind == PL_EVENT_SEND && ev->from == a && ev->to == b && ev->label
          && g_str_has_prefix (ev->label, label))
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

static const char *
field_str (const PlTraceEvent *ev,
           const char         *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  if (f == NULL)
    g_error ("event '%s' has no field '%s'", ev->name, key);
  return f->str;
}

static gint64
field_int (const PlTraceEvent *ev,
           const char         *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  if (f == NULL)
    g_error ("event '%s' has no field '%s'", ev->name, key);
  return f->num;
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

static char *
header (const PlTraceEvent *ev,
        const char         *name)
{
  g_autoptr (msg_t) msg = parse_event (ev);

  return pl_wire_header_value (msg, name);
}

/* The reginfo body of a NOTIFY, parsed; NULL when it has none. */
static PlReginfo *
notify_body (const PlTraceEvent *ev)
{
  g_autoptr (msg_t) msg = parse_event (ev);
  sip_t *sip = sip_object (msg);
  g_autoptr (GError) error = NULL;
  PlReginfo *doc;

  if (sip->sip_payload == NULL || sip->sip_payload->pl_len == 0)
    return NULL;
  g_assert_cmpstr (sip->sip_content_type->c_type, ==, PL_REGINFO_CONTENT_TYPE);
  doc = pl_reginfo_parse (sip->sip_payload->pl_data, sip->sip_payload->pl_len, "test", &error);
  g_assert_no_error (error);
  return doc;
}

/* "state event apps" of each contact of @doc's only registration:
 * "active registered 0x05, terminated expired -". */
static char *
describe (const PlReginfo *doc)
{
  const PlReginfoRegistration *reg;
  GString *out = g_string_new (NULL);

  g_assert_cmpuint (pl_reginfo_get_n_registrations (doc), ==, 1);
  reg = pl_reginfo_get_registration (doc, 0);
  g_assert_cmpstr (pl_reginfo_registration_get_aor (reg), ==, JOHN);
  g_string_append (out, pl_reginfo_registration_state_to_string (
                          pl_reginfo_registration_get_state (reg)));
  for (guint i = 0; i < pl_reginfo_registration_get_n_contacts (reg); i++)
    {
      const PlReginfoContact *c = pl_reginfo_registration_get_contact (reg, i);
      g_auto (GStrv) apps = pl_reginfo_contact_dup_push_apps (c, PL_DIALECT_OMA_2006);
      g_autofree char *joined = g_strjoinv (" ", apps);

      g_string_append_printf (out, ": %s %s %s",
                              pl_reginfo_contact_state_to_string (pl_reginfo_contact_get_state (c)),
                              pl_reginfo_event_to_string (pl_reginfo_contact_get_event (c)),
                              *joined ? joined : "-");
    }
  return g_string_free (out, FALSE);
}

/* ---- the notifier ---- */

static void
test_full_then_partial (void)
{
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("80s", "", "",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "' expires='600000'/></at>\n"
                  "  <at t='1s'><register node='ue'/></at>\n"
                  "  <at t='3s'><register node='ue' apps=''/></at>\n"
                  "  <at t='5s'><register node='ue' expires='100'/></at>\n"
                  "  <at t='7s'><deregister node='ue'/></at>\n"
                  "  <at t='9s'><register node='ue' expires='60'/></at>\n",
                  NULL),
    NULL);
  static const char *const expected[] = {
    "init",
    "active: active registered 0x05",
    "active: active refreshed -",
    "active: active shortened 0x05",
    "terminated: terminated unregistered 0x05",
    "active: active registered 0x05",
    "terminated: terminated expired 0x05",
  };
  static const char *const states[][2] = {
    { "unregistered", "none" }, { "registered", "0x05" }, { "registered", "none" },
    { "registered", "0x05" }, { "deregistered", "none" }, { "registered", "0x05" },
    { "expired", "none" },
  };
  g_autoptr (GPtrArray) notifies = sent (net, "scscf", "psa", "NOTIFY");
  g_autoptr (GPtrArray) registrations = node_events (net, "psa", "registration-state");
  g_autoptr (PlReginfo) view = pl_reginfo_new_watch ();

  g_test_summary ("RFC 3680 §4.7: the S-CSCF answers the SUBSCRIBE with the full state (version "
                  "0, registration init), then sends a partial state with the next version for "
                  "every change: registered with the push tag as unknown-param, refreshed without "
                  "it, shortened, unregistered (registration terminated), registered, expired; "
                  "the subscription stays active; the sender records each with its apps");

  g_assert_cmpuint (notifies->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < notifies->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (notifies, i);
      g_autoptr (PlReginfo) doc = notify_body (ev);
      g_autofree char *text = NULL;
      g_autofree char *state = header (ev, "Subscription-State");
      g_autofree char *event = header (ev, "Event");
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (doc);
      text = describe (doc);
      g_assert_cmpuint (pl_reginfo_get_version (doc), ==, i);
      g_assert_cmpint (pl_reginfo_is_full (doc), ==, i == 0);
      g_assert_cmpstr (text, ==, expected[i]);
      g_assert_true (g_str_has_prefix (state, "active;expires="));
      g_assert_cmpstr (event, ==, "reg");
      /* A watcher takes each in turn (§5.2). */
      g_assert_true (pl_reginfo_apply (view, doc, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (pl_reginfo_get_version (view), ==, G_N_ELEMENTS (expected) - 1);

  g_assert_cmpuint (registrations->len, ==, G_N_ELEMENTS (states));
  for (guint i = 0; i < registrations->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (registrations, i);

      g_assert_cmpstr (field_str (ev, "source"), ==, "reg-event");
      g_assert_cmpint (field_int (ev, "version"), ==, i);
      g_assert_cmpstr (field_str (ev, "state"), ==, states[i][0]);
      g_assert_cmpstr (field_str (ev, "apps"), ==, states[i][1]);
    }
  g_assert_false (pl_sender_is_registered (net->psa, JOHN));
}

static void
test_refresh_and_unwatch (void)
{
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("70s", "reg-max-expires='50'", "",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "' expires='600000'/></at>\n"
                  "  <at t='1s'><register node='ue'/></at>\n"
                  "  <at t='60s'><unwatch node='psa' event='reg' user='" JOHN "'/></at>\n",
                  NULL),
    NULL);
  g_autoptr (GPtrArray) subscribes = sent (net, "psa", "scscf", "SUBSCRIBE");
  g_autoptr (GPtrArray) oks = sent (net, "scscf", "psa", "200");
  g_autoptr (GPtrArray) notifies = sent (net, "scscf", "psa", "NOTIFY");
  g_autoptr (GPtrArray) watch = node_events (net, "psa", "reg-watch");
  g_autoptr (GPtrArray) subs = node_events (net, "scscf", "reg-subscription");
  g_autoptr (PlReginfo) full = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *cseq = NULL;
  g_autofree char *last_state = NULL;

  g_test_summary ("The S-CSCF grants at most reg-max-expires; the sender refreshes at nine "
                  "tenths of it in the dialog and gets the full state again with the next "
                  "version (§5.2); <unwatch> sends Expires: 0 and the last NOTIFY says "
                  "terminated;reason=timeout without a body");

  g_assert_cmpuint (subscribes->len, ==, 3);
  g_assert_cmpuint (((const PlTraceEvent *) g_ptr_array_index (subscribes, 1))->t_us, ==,
                    PL_SEC (45) + PL_MSEC (20));
  cseq = header (g_ptr_array_index (subscribes, 1), "CSeq");
  g_assert_cmpstr (cseq, ==, "2 SUBSCRIBE");
  expires = header (g_ptr_array_index (oks, 0), "Expires");
  g_assert_cmpstr (expires, ==, "50");

  /* 0 full, 1 partial (registered), 2 full (refresh), then the end. */
  g_assert_cmpuint (notifies->len, ==, 4);
  full = notify_body (g_ptr_array_index (notifies, 2));
  g_assert_true (pl_reginfo_is_full (full));
  g_assert_cmpuint (pl_reginfo_get_version (full), ==, 2);
  {
    g_autofree char *text = describe (full);

    g_assert_cmpstr (text, ==, "active: active registered 0x05");
  }
  g_assert_null (notify_body (g_ptr_array_index (notifies, 3)));
  last_state = header (g_ptr_array_index (notifies, 3), "Subscription-State");
  g_assert_cmpstr (last_state, ==, "terminated;reason=timeout");

  g_assert_cmpstr (field_str (g_ptr_array_index (watch, watch->len - 2), "state"), ==, "unwatched");
  g_assert_cmpstr (field_str (g_ptr_array_index (watch, watch->len - 1), "state"), ==, "terminated");
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, subs->len - 1), "state"), ==, "terminated");
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, subs->len - 1), "reason"), ==, "unsubscribed");
  /* The last document the sender applied was the refresh's full state. */
  g_assert_true (pl_sender_is_registered (net->psa, JOHN));
}

static void
test_expiry (void)
{
  /* The refresh (CSeq 2) is lost on every attempt. */
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("30s", "reg-max-expires='20'", "",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "' expires='600000'/></at>\n",
                  "  <rule on='send' at='psa' request='SUBSCRIBE' header='CSeq' matches='^2 '"
                  " action='drop'/>\n"),
    NULL);
  g_autoptr (GPtrArray) notifies = sent (net, "scscf", "psa", "NOTIFY");
  g_autoptr (GPtrArray) subs = node_events (net, "scscf", "reg-subscription");
  g_autoptr (GPtrArray) watch = node_events (net, "psa", "reg-watch");
  g_autofree char *ended = NULL;
  g_autoptr (PlReginfo) again = NULL;

  g_test_summary ("RFC 3265 §3.1.6.4: a reg subscription not refreshed in time ends with "
                  "NOTIFY terminated;reason=timeout at its expiry; the watcher subscribes "
                  "again at once (§3.2.4) and gets the full state, version 0, of a new dialog");

  g_assert_cmpuint (notifies->len, ==, 3);
  ended = header (g_ptr_array_index (notifies, 1), "Subscription-State");
  g_assert_cmpstr (ended, ==, "terminated;reason=timeout");
  g_assert_cmpint (((const PlTraceEvent *) g_ptr_array_index (notifies, 1))->t_us, ==,
                   PL_SEC (20) + PL_MSEC (10));
  again = notify_body (g_ptr_array_index (notifies, 2));
  g_assert_true (pl_reginfo_is_full (again));
  g_assert_cmpuint (pl_reginfo_get_version (again), ==, 0);

  g_assert_cmpuint (subs->len, ==, 3);
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, 1), "state"), ==, "terminated");
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, 1), "reason"), ==, "timeout");
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, 2), "state"), ==, "active");
  g_assert_cmpstr (field_str (g_ptr_array_index (watch, 1), "state"), ==, "terminated");
  g_assert_cmpstr (field_str (g_ptr_array_index (watch, 1), "reason"), ==, "timeout");
}

static void
test_deactivated (void)
{
  g_autofree char *john = profile (JOHN, "sip:as.home1.net", 1);
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("10s", "", "answer='500'",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "'/></at>\n"
                  "  <at t='1s'><register node='ue'/></at>\n",
                  NULL),
    john);
  g_autoptr (GPtrArray) notifies = sent (net, "scscf", "psa", "NOTIFY");
  g_autoptr (GPtrArray) subscribes = sent (net, "psa", "scscf", "SUBSCRIBE");
  g_autoptr (PlReginfo) last = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expires = NULL;

  g_test_summary ("TS 24.229 §5.4.1.5: a network-initiated de-registration (here DefaultHandling "
                  "SESSION_TERMINATED after a 500 to the third-party REGISTER) reaches the "
                  "watcher as event deactivated; the default subscription is RFC 3680 §4.4's "
                  "3761 s");

  expires = header (g_ptr_array_index (subscribes, 0), "Expires");
  g_assert_cmpstr (expires, ==, "3761");
  g_assert_cmpuint (notifies->len, ==, 3);
  last = notify_body (g_ptr_array_index (notifies, 2));
  text = describe (last);
  g_assert_cmpstr (text, ==, "terminated: terminated deactivated 0x05");
  g_assert_false (pl_sender_is_registered (net->psa, JOHN));
}

static void
test_refresh_unknown_dialog (void)
{
  /* The refresh arrives with a Call-ID the S-CSCF never saw. */
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("30s", "reg-max-expires='20'", "",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "' expires='600000'/></at>\n",
                  "  <rule on='send' at='psa' request='SUBSCRIBE' header='CSeq' matches='^2 '"
                  " action='set-header' name='Call-ID' value='forged@psadm1.home1.net'/>\n"),
    NULL);
  g_autoptr (GPtrArray) answers = sent (net, "scscf", "psa", "481");
  g_autoptr (GPtrArray) watch = node_events (net, "psa", "reg-watch");
  const PlTraceEvent *refused = g_ptr_array_index (watch, 1);

  g_test_summary ("A SUBSCRIBE in a dialog the S-CSCF does not have gets 481 (RFC 3261 "
                  "§12.2.2), which ends the watcher's subscription (RFC 3265 §3.1.4.2)");

  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_cmpstr (field_str (refused, "state"), ==, "refused");
  g_assert_cmpint (field_int (refused, "status"), ==, 481);
}

/* ---- authorization and the S-CSCF's answers ---- */

typedef struct {
  const char *name;
  const char *scscf_attrs;
  const char *request;       /* <request> of the ua "as" */
  const char *status;        /* the S-CSCF's answer */
  const char *header;        /* ...with this header line, or NULL */
} AnswerCase;

#define AS_SUBSCRIBE(uri, extra)                                                     \
  "  <at t='0'><request node='as' method='SUBSCRIBE' uri='" uri "'"                    \
  " route='&lt;sip:scscf1.home1.net;lr&gt;'>"                                        \
  extra "<header name='Expires' value='600'/></request></at>\n"
#define EVENT(v) "<header name='Event' value='" v "'/>"

static const AnswerCase answer_cases[] = {
  { "untrusted", "trusted='pcscf psa'", AS_SUBSCRIBE (JOHN, EVENT ("reg")), "403", NULL },
  { "trusted-as", "trusted='pcscf as'", AS_SUBSCRIBE (JOHN, EVENT ("reg")), "200", "Expires: 600" },
  { "unknown-user", "trusted='as'", AS_SUBSCRIBE ("sip:nobody@home1.net", EVENT ("reg")), "404", NULL },
  { "accept", "trusted='as'",
    AS_SUBSCRIBE (JOHN, EVENT ("reg") "<header name='Accept' value='text/plain'/>"), "406",
    "Accept: application/reginfo+xml" },
  { "bad-event-here", "", AS_SUBSCRIBE ("sip:scscf1.home1.net", EVENT ("presence")), "489",
    "Allow-Events: reg" },
  { "no-event-here", "", AS_SUBSCRIBE ("sip:scscf1.home1.net", ""), "489", "Allow-Events: reg" },
};

static void
test_answer (gconstpointer data)
{
  const AnswerCase *c = data;
  g_autoptr (Net) net = net_run_xml (scenario_xml ("5s", c->scscf_attrs, "", c->request, NULL),
                                     NULL);
  g_autoptr (GPtrArray) answers = sent (net, "scscf", "as", "");
  const PlTraceEvent *answer;
  gsize len;
  const char *wire;

  g_test_summary ("A SUBSCRIBE the S-CSCF serves itself: 403 outside the trust domain, 200 for "
                  "a trusted application server, 404 for an identity the HSS does not know, "
                  "406 without reginfo in Accept, 489 with Allow-Events for another package "
                  "addressed to the S-CSCF");

  g_assert_cmpuint (answers->len, >=, 1);
  answer = g_ptr_array_index (answers, 0);
  g_assert_true (g_str_has_prefix (answer->label, c->status));
  wire = g_bytes_get_data (answer->wire, &len);
  if (c->header)
    g_assert_nonnull (g_strstr_len (wire, len, c->header));
  if (g_str_equal (c->status, "200"))
    {
      /* The ua keeps the dialog its SUBSCRIBE made and answers the
       * full-state NOTIFY 200: the subscription stays. */
      g_autoptr (GPtrArray) subs = node_events (net, "scscf", "reg-subscription");
      g_autoptr (GPtrArray) notifies = sent (net, "scscf", "as", "NOTIFY");
      g_autoptr (GPtrArray) oks = sent (net, "as", "scscf", "200 OK");

      g_assert_cmpuint (subs->len, ==, 1);
      g_assert_cmpuint (notifies->len, ==, 1);
      g_assert_cmpuint (oks->len, ==, 1);
    }
  else
    {
      g_autoptr (GPtrArray) subs = node_events (net, "scscf", "reg-subscription");

      g_assert_cmpuint (subs->len, ==, 1);
      g_assert_cmpstr (field_str (g_ptr_array_index (subs, 0), "state"), ==, "refused");
    }
}

static void
test_user_itself (void)
{
  /* Alice's phone registers through the P-CSCF, which then asserts her
   * identity on her SUBSCRIBEs. */
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("5s", "", "user='alice'",
                  "  <at t='0'><request node='as' method='REGISTER' uri='sip:home1.net'"
                  " to='" ALICE "' route='&lt;sip:pcscf1.home1.net;lr&gt;'>"
                  "<header name='Contact' value='&lt;sip:alice@as.home1.net&gt;'/></request></at>\n"
                  "  <at t='1s'><request node='as' method='SUBSCRIBE' uri='" ALICE "'"
                  " route='&lt;sip:pcscf1.home1.net;lr&gt;'>" EVENT ("reg") "</request></at>\n"
                  "  <at t='2s'><request node='as' method='SUBSCRIBE' uri='" JOHN "'"
                  " route='&lt;sip:pcscf1.home1.net;lr&gt;'>" EVENT ("reg") "</request></at>\n",
                  NULL),
    NULL);
  g_autoptr (GPtrArray) answers = sent (net, "scscf", "pcscf", "");
  g_autoptr (GPtrArray) subs = node_events (net, "scscf", "reg-subscription");

  g_test_summary ("RFC 3680 §4.6, TS 24.229 §5.4.2.1.1: a user may watch its own registration "
                  "(identity asserted by the P-CSCF), not another user's: 403");

  /* 200 REGISTER, 200 SUBSCRIBE, NOTIFY, 403 */
  g_assert_cmpuint (answers->len, >=, 4);
  g_assert_true (g_str_has_prefix (((const PlTraceEvent *) g_ptr_array_index (answers, 0))->label,
                                   "200"));
  g_assert_true (g_str_has_prefix (((const PlTraceEvent *) g_ptr_array_index (answers, 1))->label,
                                   "200"));
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, 0), "state"), ==, "active");
  g_assert_cmpstr (field_str (g_ptr_array_index (subs, 0), "subscriber"), ==, ALICE);
  for (guint i = 0; i < subs->len; i++)
    {
      const PlTraceEvent *ev = g_ptr_array_index (subs, i);

      if (g_str_equal (field_str (ev, "aor"), JOHN))
        {
          g_assert_cmpstr (field_str (ev, "state"), ==, "refused");
          g_assert_cmpint (field_int (ev, "status"), ==, 403);
          return;
        }
    }
  g_assert_not_reached ();
}

/* ---- the watcher ---- */

#define GAP_BODY                                                                   \
  "&lt;?xml version=&quot;1.0&quot;?&gt;&lt;reginfo xmlns=&quot;urn:ietf:params:xml:ns:reginfo&quot; " \
  "version=&quot;7&quot; state=&quot;partial&quot;/&gt;"

static void
test_version_gap (void)
{
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("10s", "", "",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "' expires='600000'/></at>\n"
                  "  <at t='1s'><register node='ue'/></at>\n",
                  "  <rule on='deliver' at='psa' request='NOTIFY' nth='2' action='replace-body'"
                  " body='" GAP_BODY "'/>\n"),
    NULL);
  g_autoptr (GPtrArray) subscribes = sent (net, "psa", "scscf", "SUBSCRIBE");
  g_autoptr (GPtrArray) answers = sent (net, "psa", "scscf", "200");
  g_autoptr (GPtrArray) watch = node_events (net, "psa", "reg-watch");
  g_autoptr (GPtrArray) registrations = node_events (net, "psa", "registration-state");
  const PlTraceEvent *last;
  g_autofree char *cseq = NULL;

  g_test_summary ("RFC 3680 §5.2: a partial document whose version skips one is answered 200 "
                  "and not applied; the watcher refreshes its subscription and the full state "
                  "of the refresh (version 2) brings the registration");

  g_assert_cmpuint (subscribes->len, ==, 2);
  cseq = header (g_ptr_array_index (subscribes, 1), "CSeq");
  g_assert_cmpstr (cseq, ==, "2 SUBSCRIBE");
  /* 200 to the three NOTIFYs. */
  g_assert_cmpuint (answers->len, ==, 3);
  g_assert_cmpstr (field_str (g_ptr_array_index (watch, 1), "state"), ==, "resync");
  g_assert_nonnull (strstr (field_str (g_ptr_array_index (watch, 1), "reason"),
                            "expected 1, got 7"));
  last = g_ptr_array_index (registrations, registrations->len - 1);
  g_assert_cmpuint (registrations->len, ==, 2);
  g_assert_cmpint (field_int (last, "version"), ==, 2);
  g_assert_cmpstr (field_str (last, "state"), ==, "registered");
  g_assert_cmpstr (field_str (last, "apps"), ==, "0x05");
  g_assert_true (pl_sender_is_registered (net->psa, JOHN));
}

typedef struct {
  const char *name;
  const char *rule;
  const char *status;
  const char *error;         /* in the "error" event's detail */
} BadCase;

static const BadCase bad_cases[] = {
  { "malformed",
    "<rule on='deliver' at='psa' request='NOTIFY' nth='2' action='replace-body' body='&lt;reginfo'/>",
    "400", "reg NOTIFY for " JOHN ":1:" },
  { "wrong-namespace",
    "<rule on='deliver' at='psa' request='NOTIFY' nth='2' action='replace-body'"
    " body='&lt;reginfo xmlns=&quot;urn:x&quot; version=&quot;1&quot; state=&quot;partial&quot;/&gt;'/>",
    "400", "reginfo" },
  { "content-type",
    "<rule on='deliver' at='psa' request='NOTIFY' nth='2' action='replace-body'"
    " body='hello' content-type='text/plain'/>",
    "415", "body of type text/plain" },
};

static void
test_bad_body (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *alter = g_strdup_printf ("  %s\n", c->rule);
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("10s", "", "",
                  "  <at t='0'><watch node='psa' event='reg' user='" JOHN "'/></at>\n"
                  "  <at t='1s'><register node='ue'/></at>\n"
                  "  <at t='3s'><register node='ue' apps=''/></at>\n",
                  alter),
    NULL);
  g_autoptr (GPtrArray) answers = sent (net, "psa", "scscf", c->status);
  g_autoptr (GPtrArray) errors = node_events (net, "psa", "error");
  g_autoptr (GPtrArray) registrations = node_events (net, "psa", "registration-state");
  const PlTraceEvent *last;

  g_test_summary ("A NOTIFY whose body is not reginfo is answered 415 with Accept, a malformed "
                  "one 400, each with an error event naming the origin; the next partial "
                  "document then shows a version gap and the refresh's full state puts the "
                  "watcher right");

  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_nonnull (strstr (field_str (g_ptr_array_index (errors, 0), "detail"), c->error));
  last = g_ptr_array_index (registrations, registrations->len - 1);
  g_assert_cmpstr (field_str (last, "state"), ==, "registered");
  g_assert_cmpstr (field_str (last, "apps"), ==, "none");
  g_assert_cmpint (field_int (last, "version"), ==, 3);
}

static void
test_unknown_notify (void)
{
  g_autoptr (Net) net = net_run_xml (
    scenario_xml ("5s", "", "",
                  "  <at t='0'><request node='as' method='NOTIFY' uri='sip:psadm1.home1.net'"
                  " to='sip:psadm1@home1.net'>" EVENT ("reg")
                  "<header name='Subscription-State' value='active'/></request></at>\n",
                  NULL),
    NULL);
  g_autoptr (GPtrArray) answers = sent (net, "psa", "as", "");
  g_autoptr (GPtrArray) rejected = node_events (net, "psa", "notify-rejected");

  g_test_summary ("RFC 3265 §3.2.4: a NOTIFY that belongs to no subscription of the sender "
                  "gets 481");

  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_true (g_str_has_prefix (((const PlTraceEvent *) g_ptr_array_index (answers, 0))->label,
                                   "481"));
  g_assert_cmpuint (rejected->len, ==, 1);
}

typedef struct {
  const char *name;
  const char *action;
  const char *message;
} ActionCase;

static const ActionCase action_cases[] = {
  { "other-event", "<watch node='psa' event='dialog' user='" JOHN "'/>",
    "scenario.xml:18:31: attribute 'event' of <watch>: expected presence or reg, got 'dialog'" },
  { "no-event", "<watch node='psa' user='" JOHN "'/>", "expected presence or reg, got '(none)'" },
  { "no-user", "<watch node='psa' event='reg'/>", "user" },
  { "bad-user", "<unwatch node='psa' event='reg' user='john'/>",
    "attribute 'user' of <unwatch event=\"reg\">: expected the public identity to watch" },
  { "zero-expires", "<watch node='psa' event='reg' user='" JOHN "' expires='0'/>", "expires" },
  { "unwatch-expires", "<unwatch node='psa' event='reg' user='" JOHN "' expires='5'/>", "expires" },
};

static void
test_bad_action (gconstpointer data)
{
  const ActionCase *c = data;
  g_autofree char *timeline = g_strdup_printf ("  <at t='0'>%s</at>\n", c->action);
  g_autofree char *xml = scenario_xml ("5s", "", "", timeline, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Net) net = net_try_load (xml, NULL, &error);

  g_test_summary ("Bad <watch>/<unwatch> actions are errors at file:line naming what was "
                  "expected");

  g_assert_null (net->scenario);
  g_assert_nonnull (error);
  if (strstr (error->message, c->message) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, c->message);
  g_assert_nonnull (strstr (error->message, "scenario.xml:18:"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pl/reg-event/notifier/full-then-partial", test_full_then_partial);
  g_test_add_func ("/pl/reg-event/notifier/refresh-unwatch", test_refresh_and_unwatch);
  g_test_add_func ("/pl/reg-event/notifier/expiry", test_expiry);
  g_test_add_func ("/pl/reg-event/notifier/deactivated", test_deactivated);
  g_test_add_func ("/pl/reg-event/notifier/refresh-unknown-dialog", test_refresh_unknown_dialog);
  for (guint i = 0; i < G_N_ELEMENTS (answer_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/reg-event/notifier/answer/%s",
                                               answer_cases[i].name);
      g_test_add_data_func (path, &answer_cases[i], test_answer);
    }
  g_test_add_func ("/pl/reg-event/notifier/user-itself", test_user_itself);
  g_test_add_func ("/pl/reg-event/watcher/version-gap", test_version_gap);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/reg-event/watcher/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_body);
    }
  g_test_add_func ("/pl/reg-event/watcher/unknown-notify", test_unknown_notify);
  for (guint i = 0; i < G_N_ELEMENTS (action_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pl/reg-event/action/%s", action_cases[i].name);
      g_test_add_data_func (path, &action_cases[i], test_bad_action);
    }
  return g_test_run ();
}
