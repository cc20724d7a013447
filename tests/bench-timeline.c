/* bench-timeline.c: pushlab-bench-timeline, the studio timeline's scaling
 * check (issue 6: "one million messages scroll and zoom without stutter").
 *
 * A synthetic trace of N transmissions (default 1,000,000) among 8 nodes:
 * one send every 1-3 ms, delivered 5-40 ms later, 1 in 50 dropped, a node
 * event every 10 messages. Figures, as "name: value" lines on stdout:
 * the time to build the model from the finished trace, the cost per event
 * of following a live trace, the memory per arrow, and the time to draw
 * one 1280x800 frame in the middle of the run at several zoom levels, in
 * both layouts, down to the whole run in one frame. No figure is checked.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pushlab-bench-timeline"

#include <stdio.h>
#include <string.h>

#include "bench-util.h"
#include "pl-timeline-render.h"

#define N_NODES 8
#define WIDTH 1280
#define HEIGHT 800
#define FRAMES 5

typedef struct {
  PlTime t;
  guint64 hop;
  gboolean drop;
} Due;

static int
compare_due (gconstpointer a,
             gconstpointer b)
{
  const Due *x = a, *y = b;

  return x->t < y->t ? -1 : x->t > y->t ? 1 : (x->hop > y->hop) - (x->hop < y->hop);
}

static void
flush_due (PlTrace *trace,
           GArray  *due,
           PlTime   now)
{
  guint n = 0;

  while (n < due->len && g_array_index (due, Due, n).t <= now)
    {
      const Due *d = &g_array_index (due, Due, n);
      PlTraceEvent *ev = pl_trace_begin_message (trace, d->t, d->drop ? PL_EVENT_DROP : PL_EVENT_DELIVER,
                                                 0, 1, PL_TRANSPORT_UDP, "sip", d->hop, NULL, NULL);
      pl_trace_commit (trace, ev);
      n++;
    }
  g_array_remove_range (due, 0, n);
}

/* Appends @n transmissions to @trace (deterministic: a fixed seed). */
static void
fill_trace (PlTrace *trace,
            guint    n)
{
  static const char *const labels[] = { "INVITE", "100 Trying", "180 Ringing", "200 OK", "ACK",
                                        "MESSAGE", "NOTIFY", "486 Busy Here", "SUBSCRIBE" };
  g_autoptr (GRand) rand = g_rand_new_with_seed (2006);
  g_autoptr (GArray) due = g_array_new (FALSE, FALSE, sizeof (Due));
  PlTime now = 0;

  for (int i = 0; i < N_NODES; i++)
    {
      g_autofree char *id = g_strdup_printf ("node%d", i);
      g_autofree char *host = g_strdup_printf ("node%d.example.net", i);
      pl_trace_set_node (trace, i, id, host);
    }
  for (guint i = 0; i < n; i++)
    {
      int from = g_rand_int_range (rand, 0, N_NODES);
      int to = (from + g_rand_int_range (rand, 1, N_NODES)) % N_NODES;
      Due d = { 0, i + 1, g_rand_int_range (rand, 0, 50) == 0 };
      PlTraceEvent *ev;

      now += g_rand_int_range (rand, 1000, 3000);
      flush_due (trace, due, now);
      ev = pl_trace_begin_message (trace, now, PL_EVENT_SEND, from, to, PL_TRANSPORT_UDP, "sip",
                                   i + 1, NULL, labels[i % G_N_ELEMENTS (labels)]);
      pl_trace_commit (trace, ev);
      d.t = d.drop ? now : now + g_rand_int_range (rand, 5000, 40000);
      g_array_append_val (due, d);
      g_array_sort (due, compare_due);
      if (i % 10 == 0)
        {
          ev = pl_trace_begin_node (trace, now, PL_EVENT_APP, "bench", from);
          pl_trace_commit (trace, ev);
        }
    }
  flush_due (trace, due, G_MAXINT64);
}

static double
time_frame (PlTimelineModel          *model,
            const PlTimelineViewport *view,
            guint                    *visible)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  double times[FRAMES];
  g_autoptr (GArray) arrows = g_array_new (FALSE, FALSE, sizeof (guint));
  PlTimelineGeometry geo;

  for (guint i = 0; i < FRAMES; i++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 start = g_get_monotonic_time ();

      pl_timeline_render (model, view, cr);
      cairo_surface_flush (surface);
      times[i] = bench_seconds_since (start) * 1000;
      cairo_destroy (cr);
    }
  cairo_surface_destroy (surface);

  pl_timeline_render_get_geometry (model, view, &geo);
  *visible = pl_timeline_model_query_arrows (model, view->layout,
                                             (pl_timeline_render_header_height () - geo.origin_y) / geo.unit_px,
                                             (HEIGHT - geo.origin_y) / geo.unit_px, arrows);
  /* The median of the frames. */
  for (guint i = 1; i < FRAMES; i++)
    for (guint j = i; j > 0 && times[j - 1] > times[j]; j--)
      {
        double t = times[j];
        times[j] = times[j - 1];
        times[j - 1] = t;
      }
  return times[FRAMES / 2];
}

static void
bench_frames (PlTimelineModel  *model,
              PlTimelineLayout  layout,
              const char       *name)
{
  const double zooms[] = { 4, 1, 0.1, 0.01, 0.001 };
  PlTimelineViewport view;
  double first, last;

  pl_timeline_model_get_range (model, layout, &first, &last);
  for (guint i = 0; i <= G_N_ELEMENTS (zooms); i++)
    {
      g_autofree char *label = NULL;
      double content;
      guint visible;
      double ms;

      pl_timeline_viewport_init (&view);
      view.width = WIDTH;
      view.height = HEIGHT;
      view.layout = layout;
      if (i < G_N_ELEMENTS (zooms))
        {
          view.zoom = zooms[i];
          label = g_strdup_printf ("%g", zooms[i]);
        }
      else
        {
          /* The whole run in one frame. */
          view.zoom = 1;
          content = pl_timeline_render_content_height (model, &view);
          view.zoom = (HEIGHT - pl_timeline_render_header_height ()) / content;
          label = g_strdup ("fit");
        }
      content = pl_timeline_render_content_height (model, &view);
      view.scroll_y = MAX (content / 2 - HEIGHT / 2, 0);
      ms = time_frame (model, &view, &visible);
      printf ("frame_ms_%s_zoom_%s: %.3f\n", name, label, ms);
      printf ("visible_arrows_%s_zoom_%s: %u\n", name, label, visible);
    }
}

int
main (int    argc,
      char **argv)
{
  gboolean quick = FALSE;
  gint64 messages = -1;
  const GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "100,000 messages instead of 1,000,000", NULL },
    { "messages", 'n', 0, G_OPTION_ARG_INT64, &messages, "Number of messages", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- timeline scaling benchmark");
  g_autoptr (GError) error = NULL;
  g_autoptr (PlTrace) trace = NULL;
  g_autoptr (PlTrace) live_trace = NULL;
  g_autoptr (PlTimelineModel) model = NULL;
  g_autoptr (PlTimelineModel) live = NULL;
  gint64 start, rss_before, rss_after;
  double trace_s, build_s, live_s;
  guint n;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  n = (guint) (messages > 0 ? MIN (messages, 100000000) : quick ? 100000 : 1000000);

  trace = pl_trace_new ();
  start = g_get_monotonic_time ();
  fill_trace (trace, n);
  trace_s = bench_seconds_since (start);

  rss_before = bench_proc_status_kib ("VmRSS");
  start = g_get_monotonic_time ();
  model = pl_timeline_model_new (trace);
  build_s = bench_seconds_since (start);
  rss_after = bench_proc_status_kib ("VmRSS");

  /* Following a live trace: the trace's own cost is subtracted. */
  live_trace = pl_trace_new ();
  live = pl_timeline_model_new (live_trace);
  start = g_get_monotonic_time ();
  fill_trace (live_trace, n);
  live_s = bench_seconds_since (start) - trace_s;

  printf ("messages: %u\n", n);
  printf ("trace_events: %u\n", pl_trace_get_n_events (trace));
  printf ("arrows: %u\n", pl_timeline_model_get_n_arrows (model));
  printf ("marks: %u\n", pl_timeline_model_get_n_marks (model));
  printf ("model_build_ms: %.1f\n", build_s * 1000);
  printf ("model_build_ns_per_event: %.1f\n", build_s * 1e9 / pl_trace_get_n_events (trace));
  printf ("live_follow_ns_per_event: %.1f\n", MAX (live_s, 0) * 1e9 / pl_trace_get_n_events (trace));
  printf ("arrow_struct_bytes: %zu\n", sizeof (PlTimelineArrow));
  if (rss_before >= 0 && rss_after >= 0)
    printf ("model_rss_bytes_per_arrow: %.1f\n",
            (double) (rss_after - rss_before) * 1024 / MAX (pl_timeline_model_get_n_arrows (model), 1));
  bench_frames (model, PL_TIMELINE_LAYOUT_COMPACT, "compact");
  bench_frames (model, PL_TIMELINE_LAYOUT_SCALE, "scale");
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (live), ==, n);
  return 0;
}
