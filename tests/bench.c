/* bench.c: pushlab-bench, the engine's throughput and memory benchmark.
 *
 * N caller UAs send M MESSAGEs each through one stateful proxy to N
 * callee UAs (four transmissions per MESSAGE), on 1 ms UDP links without
 * loss. The figures go to stdout as "name: value" lines, one per figure,
 * so CI can diff and plot them; notes go to stderr.
 *
 * The run is compared with its floor: every hop prints a message and
 * parses it again (DESIGN.md, "Real SIP on every hop"), so a parse plus a
 * serialization of a MESSAGE as the engine put it on the wire bounds the
 * hop rate from above.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pushlab-bench"

#include <stdio.h>
#include <string.h>

#include "bench-util.h"
#include "pl-models.h"
#include "pl-proxy.h"
#include "pl-sim.h"
#include "pl-user-agent.h"
#include "pl-wire.h"

#define BODY_SIZE 200
/* Each caller sends one MESSAGE per period, at a random offset in it. */
#define PERIOD PL_SEC (1)

typedef struct {
  int agents;
  int messages;
  gint64 seed;
  gint64 floor_iterations;
  GBytes *body;
} Bench;

typedef struct {
  const Bench *bench;
  PlUserAgent *ua;       /* owned by the sim */
  char *uri;
} Caller;

typedef struct {
  guint n_nodes;
  guint64 hops;
  guint n_events;
  guint64 responses;
  double wall_s;
  PlTime virtual_end;
  gint64 rss_start, rss_built, rss_run, rss_after, peak_rss; /* KiB */
  gsize floor_wire_bytes;
  double floor_rate;
} Figures;

static PlUserAgent *
add_ua (PlSim      *sim,
        const char *id)
{
  g_autofree char *host = g_strdup_printf ("%s.example.net", id);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUserAgent) ua = g_object_new (PL_TYPE_USER_AGENT, "id", id, "host", host,
                                             "kind", "ua", NULL);

  if (!pl_sim_add_node (sim, PL_NODE (ua), &error))
    g_error ("cannot add node %s: %s", id, error->message);
  return ua; /* the sim holds a reference */
}

static void
on_send (gpointer data)
{
  Caller *caller = data;

  pl_user_agent_send (caller->ua, "MESSAGE", caller->uri, "<sip:proxy.example.net;lr>",
                      "text/plain", caller->bench->body);
}

static void
caller_clear (gpointer data)
{
  Caller *caller = data;

  g_free (caller->uri);
}

/* Builds the network; returns the callers, whose UAs the sim owns. */
static GArray *
build_network (const Bench *bench,
               PlSim       *sim)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlProxy) proxy = g_object_new (PL_TYPE_PROXY, "id", "proxy",
                                            "host", "proxy.example.net", "kind", "proxy", NULL);
  PlLinkParams link = { .latency = PL_MSEC (1), .transport = PL_TRANSPORT_UDP };
  GArray *callers = g_array_sized_new (FALSE, TRUE, sizeof (Caller), bench->agents);

  g_array_set_clear_func (callers, caller_clear);
  pl_sim_set_default_link (sim, &link);
  if (!pl_sim_add_node (sim, PL_NODE (proxy), &error))
    g_error ("cannot add the proxy: %s", error->message);

  for (int i = 0; i < bench->agents; i++)
    {
      g_autofree char *a = g_strdup_printf ("a%d", i);
      g_autofree char *b = g_strdup_printf ("b%d", i);
      Caller caller = { bench, add_ua (sim, a), NULL };

      add_ua (sim, b);
      caller.uri = g_strdup_printf ("sip:%s@%s.example.net", b, b);
      g_array_append_val (callers, caller);
    }
  return callers;
}

static void
schedule_messages (const Bench *bench,
                   PlSim       *sim,
                   GArray      *callers)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (sim);

  for (int j = 0; j < bench->messages; j++)
    for (guint i = 0; i < callers->len; i++)
      {
        PlTime offset = (PlTime) (pl_sim_random_double (sim) * (double) PERIOD);

        pl_scheduler_add (scheduler, j * PERIOD + offset, on_send,
                          &g_array_index (callers, Caller, i), NULL);
      }
}

/* The wire bytes of the first MESSAGE the run sent. */
static GBytes *
find_message_wire (PlTrace *trace)
{
  guint n = pl_trace_get_n_events (trace);

  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);

      if (event->kind == PL_EVENT_SEND && event->wire && g_strcmp0 (event->label, "MESSAGE") == 0)
        return g_bytes_ref (event->wire);
    }
  return NULL;
}

static guint64
count_responses_200 (PlTrace *trace)
{
  guint n = pl_trace_get_n_events (trace);
  guint64 count = 0;

  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *event = pl_trace_get_event (trace, i);
      const PlField *status;

      if (event->kind != PL_EVENT_APP || g_strcmp0 (event->name, "response") != 0)
        continue;
      status = pl_trace_event_get_field (event, "status");
      if (status && status->type == PL_FIELD_INT && status->num == 200)
        count++;
    }
  return count;
}

/* One round trip of the floor, checked: the engine's own bytes parse
 * cleanly and print back identically. */
static gboolean
check_floor_wire (GBytes *wire)
{
  g_autofree char *problem = NULL;
  g_autoptr (msg_t) msg = pl_wire_parse (wire, &problem);
  g_autoptr (GBytes) again = NULL;

  if (msg == NULL || problem)
    {
      g_printerr ("pushlab-bench: the engine's MESSAGE does not parse: %s\n",
                  problem ? problem : "not SIP");
      return FALSE;
    }
  again = pl_wire_serialize (msg);
  if (!g_bytes_equal (again, wire))
    g_printerr ("pushlab-bench: note: the MESSAGE prints back differently (%" G_GSIZE_FORMAT
                " bytes, was %" G_GSIZE_FORMAT ")\n",
                g_bytes_get_size (again), g_bytes_get_size (wire));
  return TRUE;
}

/* Seconds for @iterations round trips of @wire, the way every hop pays
 * them: pl_wire_parse() with the problem check, then pl_wire_serialize(). */
static double
time_round_trips (GBytes *wire,
                  gint64  iterations)
{
  gint64 start = g_get_monotonic_time ();

  for (gint64 i = 0; i < iterations; i++)
    {
      g_autofree char *problem = NULL;
      g_autoptr (msg_t) msg = pl_wire_parse (wire, &problem);

      g_bytes_unref (pl_wire_serialize (msg));
    }
  return bench_seconds_since (start);
}

static double
measure_floor (GBytes *wire,
               gint64  iterations)
{
  double elapsed;

  time_round_trips (wire, iterations / 10 + 1); /* warms the allocator and caches */
  elapsed = time_round_trips (wire, iterations);
  return elapsed > 0 ? (double) iterations / elapsed : 0;
}

static gboolean
parse_options (Bench  *bench,
               int    *argc,
               char ***argv)
{
  gboolean quick = FALSE;
  int agents = -1, messages = -1;
  gint64 seed = 1, floor_iterations = -1;
  const GOptionEntry entries[] = {
    { "agents", 'n', 0, G_OPTION_ARG_INT, &agents,
      "Caller UAs, and as many callee UAs (default 1000)", "N" },
    { "messages", 'm', 0, G_OPTION_ARG_INT, &messages,
      "MESSAGEs per caller (default 10)", "M" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "Small run for CI: 100 agents, 5 messages, fewer floor iterations", NULL },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      "Seed of the run (default 1)", "SEED" },
    { "floor-iterations", 0, 0, G_OPTION_ARG_INT64, &floor_iterations,
      "Parse + serialize round trips timed for the floor (default 200000, quick 20000)", "K" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- PushLab engine benchmark");
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context,
                                "Sends MESSAGEs from N callers through one proxy to N callees "
                                "and prints\nthroughput, memory and the parse/serialize floor "
                                "as \"name: value\" lines.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("pushlab-bench: %s\n", error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("pushlab-bench: unexpected argument '%s'\n", (*argv)[1]);
      return FALSE;
    }

  bench->agents = agents >= 0 ? agents : quick ? 100 : 1000;
  bench->messages = messages >= 0 ? messages : quick ? 5 : 10;
  bench->floor_iterations = floor_iterations >= 0 ? floor_iterations : quick ? 20000 : 200000;
  bench->seed = seed;
  if (bench->agents < 1 || bench->messages < 1 || bench->floor_iterations < 1)
    {
      g_printerr ("pushlab-bench: --agents, --messages and --floor-iterations must be at least 1\n");
      return FALSE;
    }
  return TRUE;
}

static void
print_figures (const Bench   *bench,
               const Figures *f)
{
  double hop_rate = f->wall_s > 0 ? (double) f->hops / f->wall_s : 0;

  printf ("agents: %d\n", bench->agents);
  printf ("messages: %d\n", bench->messages);
  printf ("nodes: %u\n", f->n_nodes);
  printf ("hops: %" G_GUINT64_FORMAT "\n", f->hops);
  printf ("trace_events: %u\n", f->n_events);
  printf ("wall_s: %.3f\n", f->wall_s);
  printf ("hops_per_s: %.0f\n", hop_rate);
  printf ("virtual_s: %.3f\n", (double) f->virtual_end / G_USEC_PER_SEC);
  printf ("peak_rss_kib: %" G_GINT64_FORMAT "\n", f->peak_rss);
  printf ("rss_per_node_kib: %.2f\n", (double) (f->rss_built - f->rss_start) / f->n_nodes);
  printf ("bytes_per_trace_event: %.0f\n",
          f->n_events ? (double) (f->rss_after - f->rss_run) * 1024 / f->n_events : 0);
  printf ("floor_wire_bytes: %" G_GSIZE_FORMAT "\n", f->floor_wire_bytes);
  printf ("floor_roundtrips_per_s: %.0f\n", f->floor_rate);
  printf ("ratio_to_floor: %.3f\n", f->floor_rate > 0 ? hop_rate / f->floor_rate : 0);
  printf ("responses_200: %" G_GUINT64_FORMAT "\n", f->responses);
  g_printerr ("pushlab-bench: %" G_GUINT64_FORMAT " MESSAGEs, %.1f%% of the parse/serialize floor\n",
              (guint64) bench->agents * (guint64) bench->messages,
              f->floor_rate > 0 ? 100 * hop_rate / f->floor_rate : 0);
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { 0 };
  Figures f = { 0 };
  g_autoptr (PlSim) sim = NULL;
  g_autoptr (GArray) callers = NULL;
  g_autoptr (GBytes) wire = NULL;
  g_autoptr (GBytes) body = NULL;
  char *text;
  PlTrace *trace;
  guint64 expected;
  gboolean ok = TRUE;
  gint64 start;

  if (!parse_options (&bench, &argc, &argv))
    return 2;

  pl_models_register ();
  text = g_malloc (BODY_SIZE);
  for (gsize i = 0; i < BODY_SIZE; i++)
    text[i] = i % 64 == 63 ? '\n' : "PushLab benchmark payload. "[i % 27];
  bench.body = body = g_bytes_new_take (text, BODY_SIZE);

  sim = pl_sim_new ((guint64) bench.seed);
  trace = pl_sim_get_trace (sim);

  f.rss_start = bench_proc_status_kib ("VmRSS");
  callers = build_network (&bench, sim);
  f.rss_built = bench_proc_status_kib ("VmRSS");
  f.n_nodes = pl_sim_get_n_nodes (sim);

  schedule_messages (&bench, sim, callers);
  pl_sim_start (sim);
  f.rss_run = bench_proc_status_kib ("VmRSS");

  g_printerr ("pushlab-bench: %d callers x %d MESSAGEs through one proxy (%u nodes)...\n",
              bench.agents, bench.messages, f.n_nodes);
  start = g_get_monotonic_time ();
  pl_scheduler_run (pl_sim_get_scheduler (sim));
  f.wall_s = bench_seconds_since (start);

  f.rss_after = bench_proc_status_kib ("VmRSS");
  f.peak_rss = bench_proc_status_kib ("VmHWM");
  f.hops = pl_sim_get_n_transmissions (sim);
  f.n_events = pl_trace_get_n_events (trace);
  f.virtual_end = pl_sim_now (sim);
  f.responses = count_responses_200 (trace);
  wire = find_message_wire (trace);

  /* The floor is timed once the run's memory is given back, so that it
   * measures sofia-sip rather than the heap the run left behind. */
  g_clear_pointer (&callers, g_array_unref);
  g_clear_object (&sim);
  if (wire && check_floor_wire (wire))
    {
      f.floor_wire_bytes = g_bytes_get_size (wire);
      g_printerr ("pushlab-bench: timing %" G_GINT64_FORMAT " parse + serialize round trips of "
                  "the run's first MESSAGE (%" G_GSIZE_FORMAT " bytes)...\n",
                  bench.floor_iterations, f.floor_wire_bytes);
      f.floor_rate = measure_floor (wire, bench.floor_iterations);
    }
  else
    {
      g_printerr ("pushlab-bench: FAILED: no well-formed MESSAGE in the trace\n");
      ok = FALSE;
    }

  print_figures (&bench, &f);

  expected = (guint64) bench.agents * (guint64) bench.messages;
  if (f.responses != expected)
    {
      g_printerr ("pushlab-bench: FAILED: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                  " MESSAGEs got a 200; the figures above measure a broken run\n",
                  f.responses, expected);
      ok = FALSE;
    }
  return ok ? 0 : 1;
}
