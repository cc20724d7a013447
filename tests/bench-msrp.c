/* bench-msrp.c: pushlab-bench-msrp, MSRP throughput and memory through
 * the engine (issue 5's benchmark: 10 MB to 100 receivers).
 *
 * One sender node opens an MSRP session (models/pl-msrp-session.h) to
 * each of N receiver nodes over 1 ms links and sends each the same
 * content, cut into SEND chunks; every receiver answers each chunk 200,
 * reassembles the message, checks its SHA-1 and sends the REPORT. What
 * is timed is the run of the scheduler: every chunk printed, carried,
 * recorded in the trace, parsed and reassembled.
 *
 * The content is one buffer: each chunk's body is a slice of it, so the
 * sender holds it once whatever N is. The trace keeps the exact bytes of
 * every frame (one copy of the content per receiver, in the frames) and
 * each receiver one reassembly buffer until it delivers; the
 * trace_bytes_est and peak_rss_kib figures show what that costs.
 *
 * The figures go to stdout as "name: value" lines like the other
 * benchmarks'; notes go to stderr. A run where a message was not
 * delivered exits 1: its figures would describe a broken run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pushlab-bench-msrp"

#include <stdio.h>
#include <string.h>

#include "bench-util.h"
#include "pl-msrp-session.h"
#include "pl-sim.h"

#define CONTENT_TYPE "application/vnd.oma.push"

/* ==== a node that hands its MSRP bytes to its sessions ==== */

#define BENCH_TYPE_PEER (bench_peer_get_type ())
G_DECLARE_FINAL_TYPE (BenchPeer, bench_peer, BENCH, PEER, PlNode)

struct _BenchPeer {
  PlNode parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchPeer, bench_peer, PL_TYPE_NODE)

static void
bench_peer_stream (PlNode *node, PlNode *from, const char *proto, GBytes *bytes)
{
  pl_msrp_session_dispatch (node, from, proto, bytes);
}

static void
bench_peer_class_init (BenchPeerClass *klass)
{
  PL_NODE_CLASS (klass)->stream = bench_peer_stream;
}

static void
bench_peer_init (BenchPeer *self)
{
}

/* ==== the run ==== */

typedef struct {
  int receivers;
  gint64 size;
  gint64 chunk;
  gboolean pipelining;
  gint64 seed;
} Bench;

typedef struct {
  guint delivered;       /* REPORT 000 200 OK at the sender */
  guint received;        /* whole, hash good, at the receivers */
  guint failed;
} Counts;

static void
on_received (PlMsrpSession *session, const char *message_id, const char *content_type,
             GBytes *body, gpointer user_data)
{
  Counts *counts = user_data;

  counts->received++;
}

static void
on_outcome (PlMsrpSession *session, const PlMsrpOutcome *outcome, gpointer user_data)
{
  Counts *counts = user_data;

  if (outcome->kind != PL_MSRP_OUTCOME_DELIVERED)
    {
      g_printerr ("pushlab-bench-msrp: %s %s: %s\n", outcome->outgoing ? "sent" : "received",
                  pl_msrp_outcome_kind_to_string (outcome->kind), outcome->comment);
      counts->failed++;
    }
  else if (outcome->outgoing)
    counts->delivered++;
}

static const PlMsrpSessionCallbacks callbacks = { on_received, on_outcome, NULL };

static PlNode *
add_node (PlSim *sim, const char *id, const char *host)
{
  g_autoptr (GError) error = NULL;
  PlNode *node = g_object_new (BENCH_TYPE_PEER, "id", id, "host", host, "kind", "peer", NULL);

  if (!pl_sim_add_node (sim, node, &error))
    g_error ("cannot add node %s: %s", id, error->message);
  g_object_unref (node);
  return node;
}

/* What the trace holds, roughly (as pushlab-bench-push counts it). */
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
parse_options (Bench *bench, int *argc, char ***argv)
{
  gboolean quick = FALSE, no_pipelining = FALSE;
  int receivers = -1;
  double megabytes = -1;
  gint64 chunk = 2048, seed = 1;
  const GOptionEntry entries[] = {
    { "receivers", 'n', 0, G_OPTION_ARG_INT, &receivers,
      "Receiver nodes, one MSRP session each (default 100)", "N" },
    { "megabytes", 'm', 0, G_OPTION_ARG_DOUBLE, &megabytes,
      "Size of the content, in MB of 10^6 bytes (default 10)", "MB" },
    { "chunk", 'c', 0, G_OPTION_ARG_INT64, &chunk, "Bytes of content per SEND (default 2048)",
      "BYTES" },
    { "no-pipelining", 0, 0, G_OPTION_ARG_NONE, &no_pipelining,
      "Wait for each chunk's 200 before the next (B.3 step 8)", NULL },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Small run for CI: 1 MB to 10 receivers", NULL },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the run (default 1)", "SEED" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- PushLab MSRP benchmark");
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context,
                                "Sends one content over MSRP from one sender to N receivers, "
                                "in SEND chunks,\nand prints throughput and memory as "
                                "\"name: value\" lines.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("pushlab-bench-msrp: %s\n", error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("pushlab-bench-msrp: unexpected argument '%s'\n", (*argv)[1]);
      return FALSE;
    }
  bench->receivers = receivers >= 0 ? receivers : quick ? 10 : 100;
  bench->size = (gint64) ((megabytes >= 0 ? megabytes : quick ? 1 : 10) * 1000 * 1000);
  bench->chunk = chunk;
  bench->pipelining = !no_pipelining;
  bench->seed = seed;
  if (bench->receivers < 1 || bench->size < 1 || bench->chunk < 1
      || bench->size > 200 * 1000 * 1000)
    {
      g_printerr ("pushlab-bench-msrp: --receivers and --chunk must be at least 1, "
                  "--megabytes in (0, 200]\n");
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  Bench bench = { 0 };
  Counts counts = { 0 };
  PlLinkParams link = { .latency = PL_MSEC (1), .transport = PL_TRANSPORT_TCP };
  g_autoptr (PlSim) sim = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree char *hash = NULL;
  PlMsrpSendOptions options = { 0 };
  PlNode *sender;
  guint8 *data;
  gint64 rss_start, rss_built, peak_rss, start;
  guint64 chunks = 0, bytes = 0, wire_bytes = 0, hops;
  double wall_send, wall_run, wall;
  PlTrace *trace;

  if (!parse_options (&bench, &argc, &argv))
    return 2;

  rss_start = bench_proc_status_kib ("VmRSS");
  data = g_malloc ((gsize) bench.size);
  for (gint64 i = 0; i < bench.size; i++)
    data[i] = (guint8) ("PushLab MSRP content. "[i % 22] ^ (i / 4096));
  content = g_bytes_new_take (data, (gsize) bench.size);
  hash = pl_msrp_sha1_hash (content);

  sim = pl_sim_new ((guint64) bench.seed);
  trace = pl_sim_get_trace (sim);
  pl_sim_set_default_link (sim, &link);
  sender = add_node (sim, "psa", "psa.bench.net");
  sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_msrp_session_free);
  options.chunk_size = (gsize) bench.chunk;
  options.pipelining = bench.pipelining;
  options.success_report = TRUE;
  options.report_timeout = PL_SEC (3600);

  g_printerr ("pushlab-bench-msrp: %d receivers, %" G_GINT64_FORMAT " bytes in %" G_GINT64_FORMAT
              "-byte chunks, pipelining %s...\n", bench.receivers, bench.size, bench.chunk,
              bench.pipelining ? "on" : "off");
  for (int i = 0; i < bench.receivers; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *id = g_strdup_printf ("ue%d", i);
      g_autofree char *host = g_strdup_printf ("ue%d.bench.net", i);
      PlNode *rx = add_node (sim, id, host);
      g_autofree char *tx_path = pl_msrp_session_new_path (sender, 0);
      g_autofree char *rx_path = pl_msrp_session_new_path (rx, 0);
      PlMsrpSession *tx, *rs;

      tx = pl_msrp_session_new (sender, tx_path, rx_path, PL_MSRP_ROLE_ACTIVE, &callbacks,
                                &counts, &error);
      if (tx == NULL)
        g_error ("%s", error->message);
      rs = pl_msrp_session_new (rx, rx_path, tx_path, PL_MSRP_ROLE_PASSIVE, &callbacks,
                                &counts, &error);
      if (rs == NULL)
        g_error ("%s", error->message);
      pl_msrp_session_expect_hash (rs, hash);
      g_ptr_array_add (sessions, tx);
      g_ptr_array_add (sessions, rs);
    }
  rss_built = bench_proc_status_kib ("VmRSS");

  start = g_get_monotonic_time ();
  for (guint i = 0; i < sessions->len; i += 2)
    {
      pl_msrp_session_send (g_ptr_array_index (sessions, i), CONTENT_TYPE, content, &options);
      pl_msrp_session_start (g_ptr_array_index (sessions, i + 1));
      pl_msrp_session_start (g_ptr_array_index (sessions, i));
    }
  wall_send = bench_seconds_since (start);
  start = g_get_monotonic_time ();
  pl_scheduler_run (pl_sim_get_scheduler (sim));
  wall_run = bench_seconds_since (start);
  wall = wall_send + wall_run;
  peak_rss = bench_proc_status_kib ("VmHWM");

  for (guint i = 0; i < sessions->len; i += 2)
    {
      chunks += pl_msrp_session_get_n_chunks_sent (g_ptr_array_index (sessions, i));
      bytes += pl_msrp_session_get_bytes_sent (g_ptr_array_index (sessions, i));
    }
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_SEND && ev->wire)
        wire_bytes += g_bytes_get_size (ev->wire);
    }
  hops = pl_sim_get_n_transmissions (sim);

  printf ("receivers: %d\n", bench.receivers);
  printf ("content_bytes: %" G_GINT64_FORMAT "\n", bench.size);
  printf ("chunk_bytes: %" G_GINT64_FORMAT "\n", bench.chunk);
  printf ("pipelining: %s\n", bench.pipelining ? "on" : "off");
  printf ("chunks: %" G_GUINT64_FORMAT "\n", chunks);
  printf ("content_bytes_sent: %" G_GUINT64_FORMAT "\n", bytes);
  printf ("hops: %" G_GUINT64_FORMAT "\n", hops);
  printf ("wire_bytes: %" G_GUINT64_FORMAT "\n", wire_bytes);
  printf ("trace_events: %u\n", pl_trace_get_n_events (trace));
  printf ("trace_bytes_est: %" G_GUINT64_FORMAT "\n", estimate_trace_bytes (trace));
  printf ("wall_s: %.3f\n", wall);
  printf ("chunks_per_s: %.0f\n", wall > 0 ? (double) chunks / wall : 0);
  printf ("bytes_per_s: %.0f\n", wall > 0 ? (double) bytes / wall : 0);
  printf ("hops_per_s: %.0f\n", wall > 0 ? (double) hops / wall : 0);
  printf ("virtual_s: %.3f\n", (double) pl_sim_now (sim) / G_USEC_PER_SEC);
  printf ("rss_start_kib: %" G_GINT64_FORMAT "\n", rss_start);
  printf ("rss_built_kib: %" G_GINT64_FORMAT "\n", rss_built);
  printf ("peak_rss_kib: %" G_GINT64_FORMAT "\n", peak_rss);
  printf ("delivered: %u\n", counts.delivered);
  printf ("received: %u\n", counts.received);

  if (counts.delivered != (guint) bench.receivers || counts.received != (guint) bench.receivers
      || counts.failed)
    {
      g_printerr ("pushlab-bench-msrp: FAILED: %u of %d delivered, %u received, %u failures; "
                  "the figures above measure a broken run\n",
                  counts.delivered, bench.receivers, counts.received, counts.failed);
      return 1;
    }
  return 0;
}
