/* bench-push.c: pushlab-bench-push, the push network's throughput and
 * memory benchmark.
 *
 * N Push Receiver agents register through one P-CSCF and one S-CSCF
 * whose HSS holds N subscriptions, each with the iFC of Appendix B.2
 * (REGISTER with a +g.oma.sip-push tag → the Push Sender agent), so that
 * every registration also sends a third-party REGISTER, as in A.1. Then
 * the Push Sender agent pushes one MESSAGE to each receiver through the
 * S-CSCF and the P-CSCF, as in A.2. The two phases are timed apart.
 *
 * The figures go to stdout as "name: value" lines like pushlab-bench's;
 * notes go to stderr. A run where a receiver did not register or a push
 * was not accepted exits 1: its figures would describe a broken run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pushlab-bench-push"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pl-cscf.h"
#include "pl-hss.h"
#include "pl-ifc.h"
#include "bench-util.h"
#include "pl-models.h"
#include "pl-receiver.h"
#include "pl-sender.h"
#include "pl-sim.h"
#include "pl-xml.h"

#define BODY_SIZE 100
#define APP "0x05"
#define CONTENT_TYPE "text/plain"
#define EXPIRES 600000
/* Registrations start in [0, 1 s), pushes in [2 s, 3 s); on 1 ms links
 * each phase is over well before the next begins. */
#define SPREAD PL_SEC (1)
#define REGISTER_END PL_SEC (2)
#define PUSH_START PL_SEC (2)
#define PUSH_END PL_SEC (4)

/* The S-CSCF is configured from a <node> element because only its
 * configure() derives the served domain from the host (scscf.bench.net
 * serves bench.net); PlScscf has no setter for it. The criterion is
 * Appendix B.2's first one, as data/hss/home1.xml writes it. */
static const char template_xml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<bench>\n"
  "  <node id=\"scscf\" kind=\"s-cscf\" host=\"scscf.bench.net\" hss=\"hss\"/>\n"
  "  <InitialFilterCriteria>\n"
  "    <Priority>0</Priority>\n"
  "    <TriggerPoint>\n"
  "      <ConditionTypeCNF>1</ConditionTypeCNF>\n"
  "      <SPT>\n"
  "        <ConditionNegated>0</ConditionNegated>\n"
  "        <Group>0</Group>\n"
  "        <Method>REGISTER</Method>\n"
  "      </SPT>\n"
  "      <SPT>\n"
  "        <ConditionNegated>0</ConditionNegated>\n"
  "        <Group>1</Group>\n"
  "        <SIPHeader>\n"
  "          <Header>Contact</Header>\n"
  "          <Content>\\+g\\.oma\\.sip-push\\.</Content>\n"
  "        </SIPHeader>\n"
  "      </SPT>\n"
  "    </TriggerPoint>\n"
  "    <ApplicationServer>\n"
  "      <ServerName>sip:psa.bench.net</ServerName>\n"
  "      <DefaultHandling>0</DefaultHandling>\n"
  "      <Extension>\n"
  "        <IncludeRegisterRequest/>\n"
  "      </Extension>\n"
  "    </ApplicationServer>\n"
  "  </InitialFilterCriteria>\n"
  "</bench>\n";

typedef struct {
  int receivers;
  gint64 seed;
} Bench;

typedef struct {
  PlScscf *scscf;        /* owned by the sim */
  PlSender *psa;         /* owned by the sim */
  GBytes *body;
} Network;

typedef struct {
  const Network *net;
  PlReceiver *rx;        /* owned by the sim */
  char *aor;
} Receiver;

typedef struct {
  guint n_nodes;
  guint64 hops, hops_register;
  guint n_events;
  double wall_build_s, wall_register_s, wall_push_s, wall_drain_s;
  PlTime virtual_end;
  gint64 rss_start, rss_built, rss_registered, peak_rss; /* KiB */
  guint registered, bindings, third_party, pushes, delivered;
  guint by_status[PL_DELIVERY_REFUSED + 1];
  guint64 trace_bytes;
} Figures;

static void
on_register (gpointer data)
{
  Receiver *r = data;

  pl_receiver_register (r->rx, NULL, EXPIRES);
}

static void
on_push (gpointer data)
{
  Receiver *r = data;

  pl_sender_push (r->net->psa, r->aor, APP, CONTENT_TYPE, r->net->body);
}

static void
receiver_clear (gpointer data)
{
  Receiver *r = data;

  g_free (r->aor);
}

static void
add_node (PlSim  *sim,
          PlNode *node)
{
  g_autoptr (GError) error = NULL;

  if (!pl_sim_add_node (sim, node, &error))
    g_error ("cannot add node %s: %s", pl_node_get_id (node), error->message);
}

static xmlNode *
find_element (xmlNode    *parent,
              const char *name)
{
  pl_xml_foreach_element (parent, child)
    if (xmlStrEqual (child->name, (const xmlChar *) name))
      return child;
  g_error ("no <%s> in the benchmark's template", name);
}

/* What pl-hss.c's own (static) service_profile_free() does: the profiles
 * array of a subscription frees its profiles, arrays and all, when
 * pl_subscription_free() drops it. */
static void
profile_free (gpointer data)
{
  PlServiceProfile *profile = data;

  g_clear_pointer (&profile->public_ids, g_ptr_array_unref);
  g_clear_pointer (&profile->barred, g_ptr_array_unref);
  g_clear_pointer (&profile->ifcs, g_ptr_array_unref);
  g_free (profile);
}

/* One subscription of TS 29.228 shape, built as pl_subscription_load()
 * builds it so that pl_subscription_free() frees it: one service profile
 * with one public identity, not barred, and a fresh copy of @ifc_element. */
static PlSubscription *
new_subscription (PlXmlContext *ctx,
                  xmlNode      *ifc_element,
                  int           i)
{
  g_autoptr (GError) error = NULL;
  PlSubscription *subscription = g_new0 (PlSubscription, 1);
  PlServiceProfile *profile = g_new0 (PlServiceProfile, 1);
  PlIfc *ifc = pl_ifc_parse (ctx, ifc_element, &error);

  if (ifc == NULL)
    g_error ("the benchmark's criterion does not parse: %s", error->message);

  subscription->private_id = g_strdup_printf ("user%d@bench.net", i);
  subscription->profiles = g_ptr_array_new_with_free_func (profile_free);
  profile->subscription = subscription;
  profile->public_ids = g_ptr_array_new_with_free_func (g_free);
  profile->barred = g_ptr_array_new ();
  profile->ifcs = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_ifc_free);
  g_ptr_array_add (profile->public_ids, g_strdup_printf ("sip:user%d@bench.net", i));
  g_ptr_array_add (profile->barred, GINT_TO_POINTER (FALSE));
  g_ptr_array_add (profile->ifcs, ifc);
  g_ptr_array_add (subscription->profiles, profile);
  return subscription;
}

static PlXmlContext *
load_template (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  PlXmlContext *ctx;
  int fd;

  fd = g_file_open_tmp ("pushlab-bench-push-XXXXXX.xml", &path, &error);
  if (fd < 0)
    g_error ("cannot create a temporary file: %s", error->message);
  g_close (fd, NULL);
  if (!g_file_set_contents (path, template_xml, -1, &error))
    g_error ("cannot write %s: %s", path, error->message);
  ctx = pl_xml_context_load (path, &error);
  g_unlink (path);
  if (ctx == NULL)
    g_error ("the benchmark's template does not load: %s", error->message);
  return ctx;
}

/* Builds the network; returns the receivers, whose nodes the sim owns. */
static GArray *
build_network (const Bench *bench,
               PlSim       *sim,
               Network     *net)
{
  static const char *const accept[] = { CONTENT_TYPE, NULL };
  g_autoptr (GError) error = NULL;
  PlLinkParams link = { .latency = PL_MSEC (1), .transport = PL_TRANSPORT_UDP };
  PlXmlContext *ctx = load_template ();
  xmlNode *root = xmlDocGetRootElement (pl_xml_context_get_doc (ctx));
  xmlNode *scscf_element = find_element (root, "node");
  xmlNode *ifc_element = find_element (root, "InitialFilterCriteria");
  g_autoptr (PlPcscf) pcscf = g_object_new (PL_TYPE_PCSCF, "id", "pcscf",
                                            "host", "pcscf.bench.net", "kind", "p-cscf", NULL);
  g_autoptr (PlScscf) scscf = g_object_new (PL_TYPE_SCSCF, "id", "scscf",
                                            "host", "scscf.bench.net", "kind", "s-cscf", NULL);
  g_autoptr (PlHss) hss = g_object_new (PL_TYPE_HSS, "id", "hss",
                                        "host", "hss.bench.net", "kind", "hss", NULL);
  g_autoptr (PlSender) psa = g_object_new (PL_TYPE_SENDER, "id", "psa",
                                           "host", "psa.bench.net", "kind", "sender", NULL);
  GArray *receivers = g_array_sized_new (FALSE, TRUE, sizeof (Receiver), bench->receivers);

  g_array_set_clear_func (receivers, receiver_clear);
  pl_sim_set_dialect (sim, PL_DIALECT_OMA_2006);
  pl_sim_set_default_link (sim, &link);

  pl_pcscf_set_core (pcscf, "sip:scscf.bench.net");
  add_node (sim, PL_NODE (pcscf));
  if (!PL_NODE_GET_CLASS (scscf)->configure (PL_NODE (scscf), ctx, scscf_element, &error))
    g_error ("cannot configure the S-CSCF: %s", error->message);
  pl_scscf_set_hss (scscf, PL_NODE (hss));
  add_node (sim, PL_NODE (scscf));
  net->scscf = scscf;
  add_node (sim, PL_NODE (hss));
  pl_sender_set_identity (psa, "sip:psa@bench.net", TRUE);
  pl_sender_set_outbound (psa, "sip:scscf.bench.net");
  add_node (sim, PL_NODE (psa));
  net->psa = psa;

  for (int i = 0; i < bench->receivers; i++)
    {
      g_autofree char *id = g_strdup_printf ("ue%d", i);
      g_autofree char *host = g_strdup_printf ("ue%d.bench.net", i);
      g_autoptr (PlReceiver) rx = g_object_new (PL_TYPE_RECEIVER, "id", id, "host", host,
                                                "kind", "receiver", NULL);
      Receiver r = { net, rx, g_strdup_printf ("sip:user%d@bench.net", i) };

      if (!pl_hss_add_subscription (hss, new_subscription (ctx, ifc_element, i), &error))
        g_error ("cannot add the subscription of %s: %s", r.aor, error->message);
      pl_receiver_set_identity (rx, r.aor, NULL, NULL);
      pl_receiver_set_core (rx, "sip:pcscf.bench.net", NULL);
      pl_receiver_add_app (rx, APP, accept, 200);
      add_node (sim, PL_NODE (rx));
      g_array_append_val (receivers, r);
    }
  pl_xml_context_free (ctx);
  return receivers;
}

static void
schedule (PlSim      *sim,
          GArray     *receivers,
          PlTime      start,
          PlTimerFunc func)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (sim);

  for (guint i = 0; i < receivers->len; i++)
    {
      PlTime offset = (PlTime) (pl_sim_random_double (sim) * (double) SPREAD);

      pl_scheduler_add (scheduler, start + offset, func, &g_array_index (receivers, Receiver, i),
                        NULL);
    }
}

/* Runs the events up to @end (-1: until only background timers are
 * left); returns the wall time it took. */
static double
run_until (PlSim  *sim,
           PlTime  end)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (sim);
  gint64 start = g_get_monotonic_time ();

  pl_scheduler_set_end (scheduler, end);
  pl_scheduler_run (scheduler);
  return bench_seconds_since (start);
}

/* What the trace holds, roughly: the records, their fields and strings,
 * and each wire buffer once (a send and its deliver share it). Allocator
 * overhead is not counted. */
static guint64
estimate_trace_bytes (PlTrace *trace)
{
  g_autoptr (GHashTable) wires = g_hash_table_new (NULL, NULL);
  guint n = pl_trace_get_n_events (trace);
  guint64 bytes = 0;

  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      bytes += sizeof (PlTraceEvent) + sizeof (gpointer) + event->n_fields * sizeof (PlField);
      if (event->label)
        bytes += strlen (event->label) + 1;
      for (guint f = 0; f < event->n_fields; f++)
        if (event->fields[f].type == PL_FIELD_STRING && event->fields[f].str)
          bytes += strlen (event->fields[f].str) + 1;
      if (event->wire && g_hash_table_add (wires, event->wire))
        bytes += g_bytes_get_size (event->wire);
    }
  return bytes;
}

static gboolean
parse_options (Bench  *bench,
               int    *argc,
               char ***argv)
{
  gboolean quick = FALSE;
  int receivers = -1;
  gint64 seed = 1;
  const GOptionEntry entries[] = {
    { "receivers", 'n', 0, G_OPTION_ARG_INT, &receivers,
      "Push Receiver agents, one subscription each (default 1000)", "N" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "Small run for CI: 100 receivers", NULL },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      "Seed of the run (default 1)", "SEED" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- PushLab push benchmark");
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context,
                                "Registers N Push Receiver agents through a P-CSCF and an "
                                "S-CSCF with an HSS,\nthen pushes one MESSAGE to each from one "
                                "Push Sender agent, and prints\nthroughput and memory as "
                                "\"name: value\" lines.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("pushlab-bench-push: %s\n", error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("pushlab-bench-push: unexpected argument '%s'\n", (*argv)[1]);
      return FALSE;
    }

  bench->receivers = receivers >= 0 ? receivers : quick ? 100 : 1000;
  bench->seed = seed;
  if (bench->receivers < 1)
    {
      g_printerr ("pushlab-bench-push: --receivers must be at least 1\n");
      return FALSE;
    }
  return TRUE;
}

static void
print_figures (const Bench   *bench,
               const Figures *f)
{
  /* The run, not the building of the network. */
  double wall = f->wall_register_s + f->wall_push_s + f->wall_drain_s;

  printf ("receivers: %d\n", bench->receivers);
  printf ("nodes: %u\n", f->n_nodes);
  printf ("hops: %" G_GUINT64_FORMAT "\n", f->hops);
  printf ("hops_register: %" G_GUINT64_FORMAT "\n", f->hops_register);
  printf ("hops_push: %" G_GUINT64_FORMAT "\n", f->hops - f->hops_register);
  printf ("trace_events: %u\n", f->n_events);
  printf ("trace_bytes_est: %" G_GUINT64_FORMAT "\n", f->trace_bytes);
  printf ("wall_build_s: %.3f\n", f->wall_build_s);
  printf ("wall_register_s: %.3f\n", f->wall_register_s);
  printf ("wall_push_s: %.3f\n", f->wall_push_s);
  printf ("wall_drain_s: %.3f\n", f->wall_drain_s);
  printf ("wall_s: %.3f\n", wall);
  printf ("registrations_per_s: %.0f\n",
          f->wall_register_s > 0 ? bench->receivers / f->wall_register_s : 0);
  printf ("pushes_per_s: %.0f\n", f->wall_push_s > 0 ? bench->receivers / f->wall_push_s : 0);
  printf ("hops_per_s: %.0f\n", wall > 0 ? (double) f->hops / wall : 0);
  printf ("virtual_s: %.3f\n", (double) f->virtual_end / G_USEC_PER_SEC);
  printf ("peak_rss_kib: %" G_GINT64_FORMAT "\n", f->peak_rss);
  printf ("rss_built_per_receiver_kib: %.2f\n",
          (double) (f->rss_built - f->rss_start) / bench->receivers);
  printf ("rss_per_receiver_kib: %.2f\n",
          (double) (f->rss_registered - f->rss_start) / bench->receivers);
  printf ("registered: %u\n", f->registered);
  printf ("bindings: %u\n", f->bindings);
  printf ("third_party_registered: %u\n", f->third_party);
  printf ("delivered: %u\n", f->delivered);
}

/* Says what went wrong, in a line per kind of failure. */
static gboolean
check_run (const Bench   *bench,
           const Figures *f)
{
  guint n = (guint) bench->receivers;
  gboolean ok = TRUE;

  if (f->registered != n)
    {
      g_printerr ("pushlab-bench-push: FAILED: %u of %u receivers registered\n", f->registered, n);
      ok = FALSE;
    }
  /* A receiver also believes it registered when its REGISTER reached
   * the Push Sender agent instead of the S-CSCF's registrar. */
  if (f->bindings != n)
    {
      g_printerr ("pushlab-bench-push: FAILED: the S-CSCF holds %u bindings for %u receivers\n",
                  f->bindings, n);
      ok = FALSE;
    }
  if (f->third_party != n)
    {
      g_printerr ("pushlab-bench-push: FAILED: the Push Sender agent learnt of %u of %u "
                  "registrations (third-party REGISTER of the iFC)\n", f->third_party, n);
      ok = FALSE;
    }
  if (f->pushes != n || f->delivered != n)
    {
      g_printerr ("pushlab-bench-push: FAILED: %u of %u pushes accepted (%u sent)",
                  f->delivered, n, f->pushes);
      for (guint s = 0; s < G_N_ELEMENTS (f->by_status); s++)
        if (s != PL_DELIVERY_ACCEPTED && f->by_status[s])
          g_printerr ("; %s: %u", pl_delivery_status_to_string (s), f->by_status[s]);
      g_printerr ("\n");
      ok = FALSE;
    }
  if (!ok)
    g_printerr ("pushlab-bench-push: the figures above measure a broken run\n");
  return ok;
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { 0 };
  Figures f = { 0 };
  Network net = { 0 };
  g_autoptr (PlSim) sim = NULL;
  g_autoptr (GArray) receivers = NULL;
  g_autoptr (GBytes) body = NULL;
  PlTrace *trace;
  gint64 start;
  char *text;

  if (!parse_options (&bench, &argc, &argv))
    return 2;

  pl_models_register ();
  text = g_malloc (BODY_SIZE);
  for (gsize i = 0; i < BODY_SIZE; i++)
    text[i] = i % 64 == 63 ? '\n' : "PushLab push payload. "[i % 22];
  net.body = body = g_bytes_new_take (text, BODY_SIZE);

  sim = pl_sim_new ((guint64) bench.seed);
  trace = pl_sim_get_trace (sim);

  f.rss_start = bench_proc_status_kib ("VmRSS");
  g_printerr ("pushlab-bench-push: building %d receivers and subscriptions...\n", bench.receivers);
  start = g_get_monotonic_time ();
  receivers = build_network (&bench, sim, &net);
  f.wall_build_s = bench_seconds_since (start);
  f.rss_built = bench_proc_status_kib ("VmRSS");
  f.n_nodes = pl_sim_get_n_nodes (sim);

  g_printerr ("pushlab-bench-push: %d registrations through pcscf and scscf (%u nodes)...\n",
              bench.receivers, f.n_nodes);
  schedule (sim, receivers, 0, on_register);
  pl_sim_start (sim);
  f.wall_register_s = run_until (sim, REGISTER_END);
  f.rss_registered = bench_proc_status_kib ("VmRSS");
  f.hops_register = pl_sim_get_n_transmissions (sim);
  f.bindings = pl_registrar_get_n_bindings (pl_scscf_get_registrar (net.scscf));
  for (guint i = 0; i < receivers->len; i++)
    {
      Receiver *r = &g_array_index (receivers, Receiver, i);

      f.registered += pl_receiver_is_registered (r->rx);
      f.third_party += pl_sender_is_registered (net.psa, r->aor);
    }

  g_printerr ("pushlab-bench-push: %d pushes by MESSAGE...\n", bench.receivers);
  schedule (sim, receivers, PUSH_START, on_push);
  f.wall_push_s = run_until (sim, PUSH_END);
  /* The transactions' timers J and K; the registrations expire on
   * background timers, which do not keep the run going. */
  f.wall_drain_s = run_until (sim, -1);

  f.peak_rss = bench_proc_status_kib ("VmHWM");
  f.hops = pl_sim_get_n_transmissions (sim);
  f.n_events = pl_trace_get_n_events (trace);
  f.trace_bytes = estimate_trace_bytes (trace);
  f.virtual_end = pl_sim_now (sim);
  f.pushes = pl_sender_get_n_pushes (net.psa);
  for (guint p = 1; p <= f.pushes; p++)
    {
      PlDeliveryStatus status = pl_sender_get_status (net.psa, p);

      if (status < G_N_ELEMENTS (f.by_status))
        f.by_status[status]++;
    }
  f.delivered = f.by_status[PL_DELIVERY_ACCEPTED];

  print_figures (&bench, &f);

  g_clear_pointer (&receivers, g_array_unref);
  g_clear_object (&sim);
  return check_run (&bench, &f) ? 0 : 1;
}
