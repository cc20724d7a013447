/* test-state.c: node states (pl-state.h) as the studio's node panel and
 * `pushlab state` show them, from the spec's sample flows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-models.h"
#include "pl-node.h"
#include "pl-scenario.h"
#include "pl-scheduler.h"
#include "pl-state.h"

static void
on_time (gpointer user_data)
{
}

/* Loads a bundled scenario and runs it to @t (-1: its end). */
static PlScenario *
run_until (const char *name,
           PlTime      t)
{
  g_autofree char *path = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), name, NULL);
  g_autoptr (GError) error = NULL;
  PlScenario *scenario = pl_scenario_load (path, NULL, &error);
  PlScheduler *scheduler;

  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  pl_scenario_start (scenario);
  scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (scenario));
  if (t >= 0)
    {
      pl_scheduler_set_end (scheduler, t);
      pl_scheduler_add (scheduler, t, on_time, NULL, NULL);
    }
  while (pl_scheduler_step (scheduler))
    ;
  if (t >= 0)
    g_assert_cmpint (pl_scheduler_now (scheduler), ==, t);
  return scenario;
}

static PlState *
describe (PlScenario *scenario,
          const char *id)
{
  PlNode *node = pl_sim_find_node (pl_scenario_get_sim (scenario), id);
  PlState *state = pl_state_new ();

  g_assert_nonnull (node);
  pl_node_describe (node, state);
  return state;
}

static const PlStateSection *
section (PlState    *state,
         const char *title)
{
  const PlStateSection *s = pl_state_find_section (state, title);

  g_assert_nonnull (s);
  return s;
}

static const char *
child_value (const PlStateRow *row,
             const char       *key)
{
  const PlStateRow *child = pl_state_row_find_child (row, key, NULL);

  g_assert_nonnull (child);
  return pl_state_row_get_value (child);
}

/* "599998.05s" -> microseconds. */
static PlTime
parse_left (const char *text)
{
  char *end = NULL;
  double seconds = g_ascii_strtod (text, &end);

  g_assert_true (end != text && g_str_equal (end, "s"));
  return (PlTime) (seconds * 1e6 + 0.5);
}

static void
test_rows (void)
{
  g_autoptr (PlState) state = pl_state_new ();
  g_autofree char *text = NULL;
  PlStateSection *s;
  PlStateRow *row, *child;

  g_test_summary ("Rows land in the current section or under their parent, sort stably, "
                  "print indented; remaining times say expired or never");

  row = pl_state_add_row (state, NULL, "loose", "before any section");
  g_assert_cmpuint (pl_state_get_n_sections (state), ==, 1);
  s = pl_state_begin_section (state, "bindings");
  pl_state_add_row (state, NULL, "sip:b@x", "2");
  row = pl_state_add_rowf (state, NULL, "sip:a@x", "%d", 1);
  pl_state_add_row (state, NULL, "sip:a@x", "0");
  child = pl_state_add_row (state, row, "feature tag", "+g.oma.sip-push.0x05");
  pl_state_row_set_detailf (child, "app %s", "0x05");
  pl_state_add_row (state, child, "deeper", NULL);
  pl_state_sort_rows (state, NULL);

  g_assert_cmpuint (pl_state_get_n_sections (state), ==, 2);
  g_assert_true (pl_state_get_section (state, 1) == s);
  g_assert_cmpstr (pl_state_section_get_title (s), ==, "bindings");
  g_assert_cmpuint (pl_state_section_get_n_rows (s), ==, 3);
  g_assert_cmpstr (pl_state_row_get_value (pl_state_section_get_row (s, 0)), ==, "0");
  g_assert_cmpstr (pl_state_row_get_value (pl_state_section_get_row (s, 1)), ==, "1");
  g_assert_cmpstr (pl_state_row_get_key (pl_state_section_get_row (s, 2)), ==, "sip:b@x");
  g_assert_true (pl_state_section_find_row (s, "sip:a@x", "1") == row);
  g_assert_cmpuint (pl_state_row_get_n_children (row), ==, 1);
  g_assert_true (pl_state_row_get_child (row, 0) == child);
  g_assert_cmpstr (pl_state_row_get_detail (child), ==, "app 0x05");
  g_assert_null (pl_state_row_find_child (row, "nothing", NULL));

  pl_state_begin_section (state, "empty");
  text = pl_state_to_text (state);
  g_assert_cmpstr (text, ==,
                   "  loose: before any section\n"
                   "== bindings ==\n"
                   "  sip:a@x: 0\n"
                   "  sip:a@x: 1\n"
                   "    feature tag: +g.oma.sip-push.0x05  (app 0x05)\n"
                   "      deeper\n"
                   "  sip:b@x: 2\n"
                   "== empty ==\n"
                   "  (none)\n");

  {
    g_autofree char *left = pl_state_format_remaining (PL_SEC (1), PL_MSEC (3500));
    g_autofree char *gone = pl_state_format_remaining (PL_SEC (4), PL_SEC (4));
    g_autofree char *never = pl_state_format_remaining (0, G_MAXINT64);

    g_assert_cmpstr (left, ==, "2.5s");
    g_assert_cmpstr (gone, ==, "expired");
    g_assert_cmpstr (never, ==, "-");
  }
}

static void
test_scscf_bindings (void)
{
  g_autoptr (PlScenario) at2 = run_until ("a1-registration.xml", PL_SEC (2));
  g_autoptr (PlScenario) at5 = run_until ("a1-registration.xml", PL_SEC (5));
  g_autoptr (PlScenario) at15 = run_until ("a1-registration.xml", PL_SEC (15));
  g_autoptr (PlState) s2 = describe (at2, "scscf");
  g_autoptr (PlState) s5 = describe (at5, "scscf");
  g_autoptr (PlState) s15 = describe (at15, "scscf");
  const PlStateRow *b2, *b5, *tp;
  PlTime left2, left5;

  g_test_summary ("A.1: the S-CSCF's binding carries the contact with its +g.oma feature tag "
                  "and an expiry that counts down with virtual time; gone after de-registration");

  g_assert_cmpint (pl_state_get_time (s2), ==, PL_SEC (2));
  g_assert_cmpstr (pl_state_row_get_value (pl_state_section_find_row (section (s2, "node"), "kind", NULL)),
                   ==, "s-cscf");
  b2 = pl_state_section_find_row (section (s2, "bindings"), "sip:john.doe@home1.net", NULL);
  b5 = pl_state_section_find_row (section (s5, "bindings"), "sip:john.doe@home1.net", NULL);
  g_assert_nonnull (b2);
  g_assert_nonnull (b5);
  g_assert_cmpstr (pl_state_row_get_value (b2), ==, "sip:[5555::aaa:bbb:ccc:ddd]:1357");
  g_assert_nonnull (strstr (child_value (b2, "contact"), ";+g.oma.sip-push.0x05"));
  g_assert_nonnull (pl_state_row_find_child (b2, "feature tag", "+g.oma.sip-push.0x05"));
  g_assert_cmpstr (child_value (b2, "push app"), ==, "0x05");
  g_assert_nonnull (strstr (child_value (b2, "path"), "pcscf1.visited1.net"));

  /* A.1 step 1 asks for 600000 s, granted from the REGISTER's arrival. */
  left2 = parse_left (child_value (b2, "expires in"));
  left5 = parse_left (child_value (b5, "expires in"));
  g_assert_cmpint (left2, >, PL_SEC (599990));
  g_assert_cmpint (left2 - left5, ==, PL_SEC (3));

  g_assert_cmpuint (pl_state_section_get_n_rows (section (s15, "bindings")), ==, 0);

  /* The third-party REGISTER of the iFC that matched (A.1 step 7). */
  tp = pl_state_section_find_row (section (s2, "third-party registrations"),
                                  "sip:john.doe@home1.net", "sip:psadm1.home1.net");
  g_assert_nonnull (tp);
  g_assert_cmpstr (child_value (tp, "registered"), ==, "yes");
  tp = pl_state_section_find_row (section (s15, "third-party registrations"),
                                  "sip:john.doe@home1.net", NULL);
  g_assert_cmpstr (child_value (tp, "registered"), ==, "no");
}

static void
test_subscriptions (void)
{
  g_autoptr (PlScenario) scenario = run_until ("a3-subscribe-notify.xml", -1);
  g_autoptr (PlState) ue = describe (scenario, "ue");
  g_autoptr (PlState) psa = describe (scenario, "psa");
  const PlStateSection *subs = section (ue, "subscriptions");
  const PlStateRow *row, *dialog;

  g_test_summary ("A.3: the receiver's ua-profile subscription and the sender's served one "
                  "are active, with their dialog, and the NOTIFY push reached the application");

  g_assert_cmpuint (pl_state_section_get_n_rows (subs), ==, 1);
  row = pl_state_section_get_row (subs, 0);
  g_assert_cmpstr (pl_state_row_get_key (row), ==, "0x05");
  g_assert_cmpstr (child_value (row, "event"), ==, "ua-profile");
  g_assert_cmpstr (child_value (row, "auid"), ==, "x-wap-application:push.syncml");
  g_assert_cmpstr (child_value (row, "state"), ==, "active");
  g_assert_cmpstr (child_value (row, "notified"), ==, "yes");
  dialog = pl_state_row_find_child (row, "dialog", NULL);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (child_value (dialog, "local tag"), ==, "ue-2");

  row = pl_state_section_find_row (section (psa, "subscriptions served"), "sip:john.doe@home1.net",
                                   "x-wap-application:push.syncml");
  g_assert_nonnull (row);
  g_assert_cmpstr (child_value (row, "state"), ==, "active");
  g_assert_nonnull (strstr (child_value (row, "event"), "ua-profile"));
  /* The two sides of one dialog: the receiver's local tag is the
   * sender's remote tag. */
  dialog = pl_state_row_find_child (row, "dialog", NULL);
  g_assert_cmpstr (child_value (dialog, "remote tag"), ==, "ue-2");

  row = pl_state_section_find_row (section (ue, "push applications"), "0x05", NULL);
  g_assert_cmpstr (child_value (row, "received"), ==, "1");
  g_assert_nonnull (strstr (pl_state_row_get_detail (pl_state_row_find_child (row, "last", NULL)),
                            "NOTIFY"));
}

static void
test_presence (void)
{
  g_autoptr (PlScenario) scenario = run_until ("a4-presence-capabilities.xml", -1);
  g_autoptr (PlState) ps = describe (scenario, "ps");
  g_autoptr (PlState) psa = describe (scenario, "psa");
  const PlStateRow *doc, *tuple, *device, *pub, *watcher, *cap;

  g_test_summary ("A.4: the presence server's composed document (tuple open, the device with "
                  "its profile URL), the publication's entity-tag, the sender's watch and "
                  "capability store");

  doc = pl_state_section_find_row (section (ps, "presentities"), "sip:john.doe@home1.net", NULL);
  g_assert_nonnull (doc);
  g_assert_cmpstr (child_value (doc, "entity"), ==, "sip:john.doe@home1.net");
  tuple = pl_state_row_find_child (doc, "tuple", NULL);
  g_assert_nonnull (tuple);
  g_assert_cmpstr (child_value (tuple, "status"), ==, "open");
  device = pl_state_row_find_child (doc, "device", NULL);
  g_assert_nonnull (device);
  g_assert_cmpstr (child_value (device, "device profile"), ==,
                   "http://uaprof.home1.net/syncml-phone.rdf");

  pub = pl_state_section_find_row (section (ps, "publications"), "sip:john.doe@home1.net", NULL);
  g_assert_nonnull (pub);
  g_assert_cmpuint (strlen (child_value (pub, "etag")), >, 0);
  g_assert_cmpstr (child_value (pub, "etag"), ==, pl_state_row_get_value (pub));

  watcher = pl_state_section_find_row (section (ps, "watchers"), "sip:john.doe@home1.net", NULL);
  g_assert_nonnull (watcher);
  g_assert_cmpstr (child_value (watcher, "policy"), ==, "allow");
  g_assert_cmpstr (child_value (watcher, "state"), ==, "active");

  cap = pl_state_section_find_row (section (psa, "capabilities"), "sip:john.doe@home1.net", NULL);
  g_assert_nonnull (cap);
  device = pl_state_row_find_child (cap, "device profile", "http://uaprof.home1.net/syncml-phone.rdf");
  g_assert_nonnull (device);
  g_assert_nonnull (pl_state_row_find_child (device, "accepts", NULL));
}

static void
test_received_push (void)
{
  g_autoptr (PlScenario) scenario = run_until ("a2-message.xml", -1);
  g_autoptr (PlState) ue = describe (scenario, "ue");
  const PlStateRow *app, *last;

  g_test_summary ("A.2: the receiver's push application shows the MESSAGE push it took: count, "
                  "content type and size, sender, a text preview");

  app = pl_state_section_find_row (section (ue, "push applications"), "0x05", NULL);
  g_assert_nonnull (app);
  g_assert_cmpstr (child_value (app, "received"), ==, "1");
  last = pl_state_row_find_child (app, "last", NULL);
  g_assert_nonnull (last);
  g_assert_cmpstr (pl_state_row_get_value (last), ==,
                   "application/vnd.syncml.ds.notification, 80 bytes");
  g_assert_nonnull (strstr (pl_state_row_get_detail (last), "MESSAGE"));
  g_assert_cmpstr (child_value (last, "from"), ==, "sip:psadm1@home1.net");
  g_assert_true (g_str_has_prefix (child_value (last, "preview"), "SyncML DS server alert"));
  g_assert_cmpstr (pl_state_row_get_value (pl_state_section_find_row (section (ue, "registration"),
                                                                      "registered", NULL)), ==, "yes");
}

static void
test_delivery_status (void)
{
  g_autoptr (PlScenario) scenario = run_until ("c-response-codes.xml", -1);
  g_autoptr (PlState) psa = describe (scenario, "psa");
  const PlStateSection *pushes = section (psa, "pushes");
  static const struct {
    const char *push;
    const char *status;
    const char *row;
  } expected[] = {
    { "1", "accepted", "Appendix C row 1" },
    { "2", "rejected-retry", "Appendix C row 2, retries allowed" },
    { "3", "rejected", "Appendix C row 3" },
    { "4", "undeliverable", "Appendix C row 4, retries allowed" },
    { "6", "rejected-content-type", "Appendix C row 6" },
  };

  g_test_summary ("Appendix C: each push's delivery status at the sender with its table row");

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const PlStateRow *push = pl_state_section_find_row (pushes, "push", expected[i].push);
      const PlStateRow *status;

      g_assert_nonnull (push);
      status = pl_state_row_find_child (push, "status", NULL);
      g_assert_cmpstr (pl_state_row_get_value (status), ==, expected[i].status);
      g_assert_cmpstr (pl_state_row_get_detail (status), ==, expected[i].row);
    }
  /* Row 2 is retried: two attempts. */
  g_assert_cmpstr (child_value (pl_state_section_find_row (pushes, "push", "2"), "attempts"), ==, "2");
}

static void
test_hss_ifc (void)
{
  g_autoptr (PlScenario) scenario = run_until ("a1-registration.xml", 0);
  g_autoptr (PlState) hss = describe (scenario, "hss");
  const PlStateRow *sub, *profile, *ifc, *trigger, *spt;

  g_test_summary ("The HSS shows each service profile's iFCs in priority order with their "
                  "server, default handling and SPTs");

  sub = pl_state_section_find_row (section (hss, "subscriptions"), "private id", NULL);
  g_assert_nonnull (sub);
  profile = pl_state_row_find_child (sub, "service profile", NULL);
  g_assert_nonnull (profile);
  g_assert_nonnull (pl_state_row_find_child (profile, "public id", "sip:john.doe@home1.net"));
  ifc = pl_state_row_find_child (profile, "iFC", "priority 0");
  g_assert_nonnull (ifc);
  g_assert_cmpstr (child_value (ifc, "server"), ==, "sip:psadm1.home1.net");
  g_assert_cmpstr (child_value (ifc, "default handling"), ==, "SESSION_CONTINUED");
  trigger = pl_state_row_find_child (ifc, "trigger point", "CNF");
  g_assert_nonnull (trigger);
  spt = pl_state_row_find_child (trigger, "SPT", "Method=REGISTER");
  g_assert_nonnull (spt);
  g_assert_cmpstr (pl_state_row_get_detail (spt), ==, "group 0");
  g_assert_nonnull (pl_state_row_find_child (profile, "iFC", "priority 1"));
}

static void
test_ifc_event (void)
{
  g_autoptr (PlScenario) scenario = run_until ("a1-registration.xml", PL_SEC (2));
  PlSim *sim = pl_scenario_get_sim (scenario);
  PlTrace *trace = pl_sim_get_trace (sim);
  int scscf = pl_node_get_index (pl_sim_find_node (sim, "scscf"));
  guint64 register_hop = 0;
  guint n_ifc = 0;

  g_test_summary ("The ifc events caused by the REGISTER's delivery at the S-CSCF read as the "
                  "criterion with each SPT's result: priority 0 matches, priority 1 does not");

  /* What the studio does: the REGISTER delivered to the S-CSCF, then the
   * ifc events whose cause is that hop. */
  for (guint i = 0; i < pl_trace_get_n_events (trace) && register_hop == 0; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_DELIVER && ev->to == scscf && g_strcmp0 (ev->label, "REGISTER") == 0)
        register_hop = ev->hop;
    }
  g_assert_cmpuint (register_hop, !=, 0);

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);
      g_autoptr (PlState) state = NULL;
      const PlStateSection *s;
      const PlStateRow *criterion, *trigger, *spt;

      if (!g_str_equal (ev->name, "ifc") || ev->cause != register_hop)
        continue;
      state = pl_state_new ();
      pl_state_add_trace_event (state, ev);
      s = pl_state_get_section (state, 0);
      g_assert_true (g_str_has_prefix (pl_state_section_get_title (s), "ifc at 0.05s"));
      criterion = pl_state_section_find_row (s, "criterion", NULL);
      g_assert_nonnull (criterion);
      g_assert_cmpstr (child_value (criterion, "user"), ==, "sip:john.doe@home1.net");
      g_assert_cmpstr (child_value (criterion, "server"), ==, "sip:psadm1.home1.net");
      trigger = pl_state_row_find_child (criterion, "trigger point", "CNF");
      g_assert_nonnull (trigger);
      if (n_ifc == 0)
        {
          g_assert_cmpstr (pl_state_row_get_value (criterion), ==, "priority 0");
          g_assert_cmpuint (pl_state_row_get_n_children (trigger), ==, 2);
          spt = pl_state_row_find_child (trigger, "spt1", "Method=REGISTER");
          g_assert_nonnull (spt);
          g_assert_cmpstr (child_value (spt, "result"), ==, "match");
          spt = pl_state_row_find_child (trigger, "spt2", NULL);
          g_assert_nonnull (strstr (pl_state_row_get_value (spt), "Contact"));
          g_assert_cmpstr (child_value (spt, "group"), ==, "1");
          g_assert_cmpstr (child_value (spt, "result"), ==, "match");
          g_assert_cmpstr (child_value (criterion, "matched"), ==, "yes");
        }
      else
        {
          g_assert_cmpstr (pl_state_row_get_value (criterion), ==, "priority 1");
          g_assert_cmpuint (pl_state_row_get_n_children (trigger), ==, 4);
          spt = pl_state_row_find_child (trigger, "spt1", "Method=SUBSCRIBE");
          g_assert_cmpstr (child_value (spt, "result"), ==, "no match");
          g_assert_cmpstr (child_value (criterion, "matched"), ==, "no");
        }
      n_ifc++;
    }
  g_assert_cmpuint (n_ifc, ==, 2);

  /* Any other event: its fields as rows. */
  {
    g_autoptr (PlState) state = pl_state_new ();

    pl_state_add_trace_event (state, pl_trace_get_event (trace, 0));
    g_assert_cmpuint (pl_state_get_n_sections (state), ==, 1);
  }
}

static void
test_every_kind (void)
{
  g_autoptr (PlScenario) scenario = run_until ("sip-invite-dialog.xml", PL_SEC (1));
  PlSim *sim = pl_scenario_get_sim (scenario);
  g_autoptr (PlState) proxy = describe (scenario, "proxy");

  g_test_summary ("Every node describes itself with the base rows first; live transactions "
                  "are listed");

  for (guint i = 0; i < pl_sim_get_n_nodes (sim); i++)
    {
      g_autoptr (PlState) state = pl_state_new ();
      PlNode *node = pl_sim_get_node (sim, i);
      const PlStateSection *base;

      pl_node_describe (node, state);
      base = pl_state_get_section (state, 0);
      g_assert_cmpstr (pl_state_section_get_title (base), ==, "node");
      g_assert_cmpstr (pl_state_row_get_value (pl_state_section_get_row (base, 0)), ==,
                       pl_node_get_id (node));
      g_assert_nonnull (pl_state_section_find_row (base, "address", NULL));
    }
  g_assert_nonnull (pl_state_section_find_row (section (proxy, "locations"), "bob@example.net", NULL));
  g_assert_nonnull (pl_state_section_find_row (section (proxy, "transactions"), "server", NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  g_test_add_func ("/pl/state/rows", test_rows);
  g_test_add_func ("/pl/state/scscf-bindings", test_scscf_bindings);
  g_test_add_func ("/pl/state/subscriptions", test_subscriptions);
  g_test_add_func ("/pl/state/presence", test_presence);
  g_test_add_func ("/pl/state/received-push", test_received_push);
  g_test_add_func ("/pl/state/delivery-status", test_delivery_status);
  g_test_add_func ("/pl/state/hss-ifc", test_hss_ifc);
  g_test_add_func ("/pl/state/ifc-event", test_ifc_event);
  g_test_add_func ("/pl/state/every-kind", test_every_kind);
  return g_test_run ();
}
