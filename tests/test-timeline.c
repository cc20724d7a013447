/* test-timeline.c: the studio's timeline model, drawing and exports,
 * without a display.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-timeline-export.h"

static char *
scenario_path (const char *name)
{
  const char *dir = g_getenv ("PUSHLAB_SCENARIODIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static PlScenario *
run_scenario (const char *name)
{
  g_autofree char *path = scenario_path (name);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlReport) report = NULL;
  PlScenario *scenario = NULL;

  report = pl_scenario_run_file (path, NULL, &scenario, &error);
  g_assert_no_error (error);
  g_assert_nonnull (scenario);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  return scenario;
}

/* Trace events that carry a transmission's send, in trace order. */
static GPtrArray *
trace_sends (PlTrace *trace)
{
  GPtrArray *sends = g_ptr_array_new ();

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (ev->kind == PL_EVENT_SEND || ev->kind == PL_EVENT_RETRANSMIT)
        g_ptr_array_add (sends, (gpointer) ev);
    }
  return sends;
}

static void
test_a2_lanes_arrows (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("a2-message.xml");
  PlSim *sim = pl_scenario_get_sim (scenario);
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new_for_sim (sim);
  PlTrace *trace = pl_sim_get_trace (sim);
  g_autoptr (GPtrArray) sends = trace_sends (trace);
  /* Appendix A.2 after A.1: lanes in the figure's order. */
  const char *ids[] = { "ue", "pcscf", "scscf", "hss", "psa" };
  const char *kinds[] = { "receiver", "p-cscf", "s-cscf", "hss", "sender" };
  const struct {
    const char *label;
    const char *from;
    const char *to;
    PlTimelineClass klass;
  } flow[] = {
    { "REGISTER", "ue", "pcscf", PL_TIMELINE_CLASS_REQUEST },
    { "REGISTER", "pcscf", "scscf", PL_TIMELINE_CLASS_REQUEST },
    { "200 OK", "scscf", "pcscf", PL_TIMELINE_CLASS_SUCCESS },
    { "REGISTER", "scscf", "psa", PL_TIMELINE_CLASS_REQUEST },
    { "200 OK", "pcscf", "ue", PL_TIMELINE_CLASS_SUCCESS },
    { "200 OK", "psa", "scscf", PL_TIMELINE_CLASS_SUCCESS },
    { "MESSAGE", "psa", "scscf", PL_TIMELINE_CLASS_REQUEST },
    { "MESSAGE", "scscf", "pcscf", PL_TIMELINE_CLASS_REQUEST },
    { "MESSAGE", "pcscf", "ue", PL_TIMELINE_CLASS_REQUEST },
    { "200 OK", "ue", "pcscf", PL_TIMELINE_CLASS_SUCCESS },
    { "200 OK", "pcscf", "scscf", PL_TIMELINE_CLASS_SUCCESS },
    { "200 OK", "scscf", "psa", PL_TIMELINE_CLASS_SUCCESS },
  };

  g_test_summary ("A.2's timeline: a lane per node in the figure's order, an arrow per "
                  "transmission in order with its label, lanes and outcome from the trace");

  g_assert_cmpuint (pl_timeline_model_get_n_lanes (model), ==, G_N_ELEMENTS (ids));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const PlTimelineLane *lane = pl_timeline_model_get_lane (model, i);

      g_assert_cmpstr (lane->id, ==, ids[i]);
      g_assert_cmpstr (lane->kind, ==, kinds[i]);
      g_assert_cmpuint (pl_timeline_model_get_lane_order (model)[i], ==, i);
    }
  g_assert_cmpstr (pl_timeline_model_get_lane (model, 0)->host, ==, "[5555::aaa:bbb:ccc:ddd]:1357");
  g_assert_cmpstr (pl_timeline_model_get_lane (model, 1)->host, ==, "pcscf1.visited1.net:7531");

  g_assert_cmpuint (pl_timeline_model_get_n_arrows (model), ==, G_N_ELEMENTS (flow));
  g_assert_cmpuint (sends->len, ==, G_N_ELEMENTS (flow));
  for (guint i = 0; i < G_N_ELEMENTS (flow); i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);
      const PlTraceEvent *send = g_ptr_array_index (sends, i);
      const PlTraceEvent *end;
      guint index = G_MAXUINT;

      g_assert_cmpuint (arrow->hop, ==, i + 1);
      g_assert_true (pl_timeline_model_lookup_hop (model, arrow->hop, &index) == arrow);
      g_assert_cmpuint (index, ==, i);
      g_assert_cmpstr (arrow->label, ==, flow[i].label);
      g_assert_cmpstr (arrow->label, ==, send->label);
      g_assert_cmpstr (pl_timeline_model_get_lane (model, arrow->from)->id, ==, flow[i].from);
      g_assert_cmpstr (pl_timeline_model_get_lane (model, arrow->to)->id, ==, flow[i].to);
      g_assert_cmpint (arrow->from, ==, send->from);
      g_assert_cmpint (arrow->to, ==, send->to);
      g_assert_cmpint (arrow->klass, ==, flow[i].klass);
      g_assert_cmpstr (arrow->proto, ==, "sip");
      g_assert_cmpuint (arrow->send_event, ==, send->index);
      g_assert_cmpint (arrow->t_send, ==, send->t_us);
      g_assert_cmpuint (arrow->flags, ==, 0);
      g_assert_null (arrow->step);

      g_assert_cmpuint (arrow->end_event, !=, PL_TIMELINE_NO_EVENT);
      end = pl_trace_get_event (trace, arrow->end_event);
      g_assert_cmpint (end->kind, ==, PL_EVENT_DELIVER);
      g_assert_cmpuint (end->hop, ==, arrow->hop);
      g_assert_cmpint (arrow->t_end, ==, end->t_us);
    }
  /* The UE's link has 40 ms, the others 10 ms (a2-message.xml). */
  g_assert_cmpint (pl_timeline_model_get_arrow (model, 0)->t_end
                   - pl_timeline_model_get_arrow (model, 0)->t_send, ==, PL_MSEC (40));
  g_assert_cmpint (pl_timeline_model_get_arrow (model, 1)->t_end
                   - pl_timeline_model_get_arrow (model, 1)->t_send, ==, PL_MSEC (10));

  /* Node events are marks on their lane, in trace order. */
  g_assert_cmpuint (pl_timeline_model_get_n_marks (model), >, 0);
  for (guint i = 0; i < pl_timeline_model_get_n_marks (model); i++)
    {
      const PlTimelineMark *mark = pl_timeline_model_get_mark (model, i);
      const PlTraceEvent *ev = pl_trace_get_event (trace, mark->event);

      g_assert_false (pl_trace_event_is_message (ev));
      g_assert_cmpint (mark->lane, ==, ev->node);
      g_assert_cmpstr (mark->name, ==, ev->name);
      g_assert_cmpint (mark->t, ==, ev->t_us);
      if (i > 0)
        g_assert_cmpuint (mark->event, >, pl_timeline_model_get_mark (model, i - 1)->event);
    }

  pl_timeline_model_set_step (model, 7, "1");
  g_assert_cmpstr (pl_timeline_model_get_arrow (model, 6)->step, ==, "1");
  pl_timeline_model_set_step (model, 7, NULL);
  g_assert_null (pl_timeline_model_get_arrow (model, 6)->step);
}

static void
test_layouts (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("a2-message.xml");
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (pl_sim_get_trace (pl_scenario_get_sim (scenario)));
  PlTimelineViewport view;
  PlTimelineGeometry geo;
  double top, bottom, first, last;
  double x0, y0, x1, y1;

  g_test_summary ("To scale, y follows virtual time and an arrow slants by its latency; "
                  "compact gives evenly spaced flat rows in order of send");

  for (guint i = 0; i < pl_timeline_model_get_n_arrows (model); i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);

      pl_timeline_model_arrow_extent (model, PL_TIMELINE_LAYOUT_COMPACT, i, &top, &bottom);
      g_assert_cmpfloat (top, ==, i);
      g_assert_cmpfloat (bottom, ==, i);
      pl_timeline_model_arrow_extent (model, PL_TIMELINE_LAYOUT_SCALE, i, &top, &bottom);
      g_assert_cmpfloat (top, ==, (double) arrow->t_send);
      g_assert_cmpfloat (bottom, ==, (double) arrow->t_end);
    }
  pl_timeline_model_get_range (model, PL_TIMELINE_LAYOUT_COMPACT, &first, &last);
  g_assert_cmpfloat (last, >=, pl_timeline_model_get_n_arrows (model) - 1);
  pl_timeline_model_get_range (model, PL_TIMELINE_LAYOUT_SCALE, &first, &last);
  g_assert_cmpfloat (first, ==, 0);
  g_assert_cmpfloat (last, ==, (double) pl_timeline_model_get_end_time (model));

  pl_timeline_viewport_init (&view);
  view.layout = PL_TIMELINE_LAYOUT_SCALE;
  pl_timeline_render_get_geometry (model, &view, &geo);
  pl_timeline_geometry_arrow_points (&geo, model, 0, &x0, &y0, &x1, &y1);
  /* 40 ms at 2 px per ms, from the ue lane to the pcscf lane. */
  g_assert_cmpfloat_with_epsilon (y1 - y0, 80.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (x1 - x0, geo.lane_px, 1e-9);
  view.zoom = 2;
  pl_timeline_render_get_geometry (model, &view, &geo);
  pl_timeline_geometry_arrow_points (&geo, model, 0, &x0, &y0, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (y1 - y0, 160.0, 1e-9);

  view.layout = PL_TIMELINE_LAYOUT_COMPACT;
  view.zoom = 1;
  pl_timeline_render_get_geometry (model, &view, &geo);
  for (guint i = 0; i + 1 < pl_timeline_model_get_n_arrows (model); i++)
    {
      double a0, b0, a1, b1, c0, d0, c1, d1;

      pl_timeline_geometry_arrow_points (&geo, model, i, &a0, &b0, &a1, &b1);
      pl_timeline_geometry_arrow_points (&geo, model, i + 1, &c0, &d0, &c1, &d1);
      g_assert_cmpfloat (b0, ==, b1);
      g_assert_cmpfloat_with_epsilon (d0 - b0, geo.unit_px, 1e-9);
    }
  /* The whole picture is taller to scale (2 s between REGISTER and MESSAGE). */
  view.layout = PL_TIMELINE_LAYOUT_SCALE;
  first = pl_timeline_render_content_height (model, &view);
  view.layout = PL_TIMELINE_LAYOUT_COMPACT;
  g_assert_cmpfloat (first, >, 2 * pl_timeline_render_content_height (model, &view));
}

static guint n_changed;

static void
on_changed (PlTimelineModel *model)
{
  n_changed++;
}

static void
test_live (void)
{
  g_autofree char *path = scenario_path ("a3-subscribe-notify.xml");
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = pl_scenario_load (path, NULL, &error);
  g_autoptr (PlTimelineModel) live = NULL;
  g_autoptr (PlTimelineModel) after = NULL;
  PlScheduler *scheduler;
  guint grew = 0, last = 0;

  g_test_summary ("A model made before the run grows with each event and ends equal to "
                  "one built from the finished trace");
  g_assert_no_error (error);
  live = pl_timeline_model_new_for_sim (pl_scenario_get_sim (scenario));
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (live), ==, 0);
  g_assert_cmpuint (pl_timeline_model_get_n_lanes (live), ==, 5);
  g_signal_connect (live, "changed", G_CALLBACK (on_changed), NULL);
  n_changed = 0;

  pl_scenario_start (scenario);
  scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (scenario));
  while (pl_scheduler_step (scheduler))
    {
      guint n = pl_timeline_model_get_n_arrows (live);

      g_assert_cmpuint (n, >=, last);
      grew += n > last;
      last = n;
      /* Whatever is in flight has no outcome yet and reaches to "now". */
      for (guint i = 0; i < n; i++)
        {
          const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (live, i);

          if (arrow->flags & PL_TIMELINE_ARROW_PENDING)
            {
              g_assert_cmpuint (arrow->end_event, ==, PL_TIMELINE_NO_EVENT);
              g_assert_cmpint (arrow->t_end, ==, pl_timeline_model_get_end_time (live));
            }
        }
    }
  g_assert_cmpuint (grew, >, 10);
  g_assert_cmpuint (n_changed, ==, pl_trace_get_n_events (pl_sim_get_trace (pl_scenario_get_sim (scenario))));

  after = pl_timeline_model_new (pl_sim_get_trace (pl_scenario_get_sim (scenario)));
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (after), ==, pl_timeline_model_get_n_arrows (live));
  g_assert_cmpuint (pl_timeline_model_get_n_marks (after), ==, pl_timeline_model_get_n_marks (live));
  for (guint i = 0; i < pl_timeline_model_get_n_arrows (live); i++)
    g_assert_cmpmem (pl_timeline_model_get_arrow (live, i), sizeof (PlTimelineArrow),
                     pl_timeline_model_get_arrow (after, i), sizeof (PlTimelineArrow));
}

static void
test_lossy (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("sip-lossy-link.xml");
  g_autoptr (PlScenario) altered = run_scenario ("sip-alteration.xml");
  PlTrace *trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (trace);
  g_autoptr (PlTimelineModel) model2 = pl_timeline_model_new (pl_sim_get_trace (pl_scenario_get_sim (altered)));
  guint drops = 0, rtx = 0, flagged_drops = 0, flagged_rtx = 0;

  g_test_summary ("Lost packets are dropped arrows ending at their DROP event; "
                  "retransmissions are marked; a rule's answer drops the request");

  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      drops += ev->kind == PL_EVENT_DROP;
      rtx += ev->kind == PL_EVENT_RETRANSMIT;
    }
  g_assert_cmpuint (drops, >, 0);
  g_assert_cmpuint (rtx, >, 0);
  for (guint i = 0; i < pl_timeline_model_get_n_arrows (model); i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);
      const PlTraceEvent *send = pl_trace_get_event (trace, arrow->send_event);
      const PlTraceEvent *end = pl_trace_get_event (trace, arrow->end_event);

      g_assert_cmpuint (end->hop, ==, arrow->hop);
      if (arrow->flags & PL_TIMELINE_ARROW_DROPPED)
        {
          flagged_drops++;
          g_assert_cmpint (end->kind, ==, PL_EVENT_DROP);
        }
      else
        g_assert_cmpint (end->kind, ==, PL_EVENT_DELIVER);
      g_assert_cmpint (!!(arrow->flags & PL_TIMELINE_ARROW_RETRANSMISSION), ==,
                       send->kind == PL_EVENT_RETRANSMIT);
      flagged_rtx += !!(arrow->flags & PL_TIMELINE_ARROW_RETRANSMISSION);
    }
  g_assert_cmpuint (flagged_drops, ==, drops);
  g_assert_cmpuint (flagged_rtx, ==, rtx);

  /* sip-alteration.xml: the second MESSAGE is answered 415 by a rule at bob,
   * so its hop to bob is dropped there and a 415 comes back from bob. */
  {
    guint dropped = 0, failure = 0;

    for (guint i = 0; i < pl_timeline_model_get_n_arrows (model2); i++)
      {
        const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model2, i);

        if (arrow->flags & PL_TIMELINE_ARROW_DROPPED)
          {
            dropped++;
            g_assert_cmpstr (arrow->label, ==, "MESSAGE");
            g_assert_cmpstr (pl_timeline_model_get_lane (model2, arrow->to)->id, ==, "bob");
          }
        if (arrow->klass == PL_TIMELINE_CLASS_FAILURE)
          {
            failure++;
            g_assert_cmpstr (arrow->label, ==, "415 Unsupported Media Type");
          }
      }
    g_assert_cmpuint (dropped, ==, 1);
    g_assert_cmpuint (failure, >=, 1);
  }
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* A synthetic trace: @n transmissions among 4 nodes, latencies mostly
 * short with a few very long ones, some drops, some never ended, node
 * events between them. */
static PlTrace *
synthetic_trace (guint n,
                 guint seed)
{
  PlTrace *trace = pl_trace_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr (GArray) ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  PlTime now = 0;
  guint64 hop = 0;

  for (int i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%d", i);
      pl_trace_set_node (trace, i, id, "example.net");
    }
  /* Events must be in time order: outcomes are queued and flushed. */
  for (guint i = 0; i < n; i++)
    {
      int from = g_rand_int_range (rand, 0, 4);
      int to = g_rand_int_range (rand, 0, 4);
      PlTime latency = g_rand_int_range (rand, 0, 100) < 3 ? g_rand_int_range (rand, 0, 5000000)
                                                          : g_rand_int_range (rand, 0, 30000);
      gint64 pair[1];
      PlTraceEvent *ev;

      now += g_rand_int_range (rand, 0, 20000);
      /* Flush outcomes due by now, earliest first (time sorts the packed values). */
      g_array_sort (ends, compare_int64);
      for (guint j = 0; j < ends->len;)
        {
          gint64 packed = g_array_index (ends, gint64, j);
          PlTime t = packed >> 20;
          guint64 h = (guint64) (packed & 0xfffff);

          if (t <= now)
            {
              PlEventKind kind = h % 7 == 0 ? PL_EVENT_DROP : PL_EVENT_DELIVER;
              ev = pl_trace_begin_message (trace, t, kind, 0, 1, PL_TRANSPORT_UDP, "sip", h, NULL, "X");
              pl_trace_commit (trace, ev);
              g_array_remove_index (ends, j);
            }
          else
            j++;
        }
      hop++;
      ev = pl_trace_begin_message (trace, now, PL_EVENT_SEND, from, to, PL_TRANSPORT_UDP, "sip",
                                   hop, NULL, i % 3 ? "MESSAGE" : "200 OK");
      pl_trace_commit (trace, ev);
      if (i % 11 != 5)
        {
          pair[0] = ((now + latency) << 20) | (gint64) hop;
          g_array_append_val (ends, pair[0]);
        }
      if (i % 4 == 0)
        {
          ev = pl_trace_begin_node (trace, now, PL_EVENT_APP, "note", from);
          pl_trace_commit (trace, ev);
        }
    }
  return trace;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static void
test_query (void)
{
  g_autoptr (PlTrace) trace = synthetic_trace (3000, 42);
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (trace);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GArray) got = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) want = g_array_new (FALSE, FALSE, sizeof (guint));
  PlTimelineLayout layouts[] = { PL_TIMELINE_LAYOUT_SCALE, PL_TIMELINE_LAYOUT_COMPACT };
  guint pending = 0, long_ones = 0;

  g_test_summary ("The visible-range queries find exactly what a scan of every arrow and "
                  "mark finds, long arrows starting above the window included");

  g_assert_cmpuint (pl_timeline_model_get_n_arrows (model), ==, 3000);
  for (guint i = 0; i < 3000; i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);

      pending += !!(arrow->flags & PL_TIMELINE_ARROW_PENDING);
      long_ones += arrow->t_end - arrow->t_send > 1000000;
    }
  g_assert_cmpuint (pending, >, 0);
  g_assert_cmpuint (long_ones, >, 10);

  for (guint l = 0; l < G_N_ELEMENTS (layouts); l++)
    {
      double first, last;

      pl_timeline_model_get_range (model, layouts[l], &first, &last);
      for (guint q = 0; q < 400; q++)
        {
          double a = g_rand_double_range (rand, first - (last - first) * 0.05, last * 1.05);
          double span = (last - first) * (q % 4 == 0 ? 0.2 : 0.005) * g_rand_double (rand);
          double top = a, bottom = a + span;

          /* Arrows. */
          g_array_set_size (got, 0);
          g_array_set_size (want, 0);
          pl_timeline_model_query_arrows (model, layouts[l], top, bottom, got);
          for (guint i = 0; i < pl_timeline_model_get_n_arrows (model); i++)
            {
              double t0, t1;

              pl_timeline_model_arrow_extent (model, layouts[l], i, &t0, &t1);
              if (t1 >= top && t0 <= bottom)
                g_array_append_val (want, i);
            }
          for (guint i = 1; i < got->len; i++)
            g_assert_cmpuint (g_array_index (got, guint, i - 1), <, g_array_index (got, guint, i));
          g_assert_cmpmem (got->data, got->len * sizeof (guint), want->data, want->len * sizeof (guint));

          /* Marks. */
          g_array_set_size (got, 0);
          g_array_set_size (want, 0);
          pl_timeline_model_query_marks (model, layouts[l], top, bottom, got);
          for (guint i = 0; i < pl_timeline_model_get_n_marks (model); i++)
            {
              double y = pl_timeline_model_mark_position (model, layouts[l], i);

              if (y >= top && y <= bottom)
                g_array_append_val (want, i);
            }
          g_array_sort (got, compare_uint);
          g_assert_cmpmem (got->data, got->len * sizeof (guint), want->data, want->len * sizeof (guint));
        }
    }
}

static void
test_hit (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("sip-lossy-link.xml");
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (pl_sim_get_trace (pl_scenario_get_sim (scenario)));
  PlTimelineViewport view;
  PlTimelineGeometry geo;
  guint n = pl_timeline_model_get_n_arrows (model);

  g_test_summary ("Hit testing finds the arrow under a point on its line, and nothing "
                  "beyond the tolerance");

  pl_timeline_viewport_init (&view);
  view.layout = PL_TIMELINE_LAYOUT_COMPACT;
  view.width = 900;
  view.height = 4000;
  pl_timeline_render_get_geometry (model, &view, &geo);
  for (guint i = 0; i < n; i++)
    {
      const PlTimelineArrow *arrow = pl_timeline_model_get_arrow (model, i);
      double x0, y0, x1, y1, x, y;

      pl_timeline_geometry_arrow_points (&geo, model, i, &x0, &y0, &x1, &y1);
      if (arrow->flags & PL_TIMELINE_ARROW_SELF)
        {
          x = x0 + geo.loop_w;
          y = (y0 + y1) / 2;
        }
      else
        {
          /* A quarter along: inside a dropped arrow's dashed part too. */
          x = x0 + (x1 - x0) * 0.25;
          y = y0 + (y1 - y0) * 0.25;
        }
      g_assert_cmpint (pl_timeline_model_hit_test (model, &geo, x, y + 2, 4), ==, (int) i);
      g_assert_cmpint (pl_timeline_render_hit_arrow (model, &view, x, y), ==, (int) i);
      /* Halfway between two rows is nobody's. */
      g_assert_cmpint (pl_timeline_model_hit_test (model, &geo, x, y + geo.unit_px / 2, 4), ==, -1);
    }
  /* Left of every lane. */
  g_assert_cmpint (pl_timeline_model_hit_test (model, &geo, 0, geo.origin_y, 4), ==, -1);

  /* To scale the point follows the slant. */
  view.layout = PL_TIMELINE_LAYOUT_SCALE;
  view.zoom = 4;
  pl_timeline_render_get_geometry (model, &view, &geo);
  {
    double x0, y0, x1, y1;

    pl_timeline_geometry_arrow_points (&geo, model, 1, &x0, &y0, &x1, &y1);
    g_assert_cmpfloat (y1, >, y0);
    g_assert_cmpint (pl_timeline_model_hit_test (model, &geo, (x0 + x1) / 2, (y0 + y1) / 2, 3), ==, 1);
  }
}

static void
test_lane_order (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("a2-message.xml");
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (pl_sim_get_trace (pl_scenario_get_sim (scenario)));
  const guint bad[] = { 0, 0, 1, 2, 3 };
  const guint good[] = { 4, 3, 2, 1, 0 };
  PlTimelineViewport view;
  PlTimelineGeometry geo;
  guint position;

  g_test_summary ("Lanes reorder by a permutation; a non-permutation is refused");

  pl_timeline_model_move_lane (model, 4, 0);
  g_assert_cmpuint (pl_timeline_model_get_lane_order (model)[0], ==, 4);
  g_assert_cmpuint (pl_timeline_model_get_lane_order (model)[1], ==, 0);
  g_assert_cmpuint (pl_timeline_model_get_lane_position (model, 4), ==, 0);
  g_assert_cmpuint (pl_timeline_model_get_lane_position (model, 3), ==, 4);
  g_assert_false (pl_timeline_model_set_lane_order (model, bad, 5));
  g_assert_false (pl_timeline_model_set_lane_order (model, good, 4));
  g_assert_true (pl_timeline_model_set_lane_order (model, good, 5));

  pl_timeline_viewport_init (&view);
  pl_timeline_render_get_geometry (model, &view, &geo);
  g_assert_cmpfloat (pl_timeline_geometry_lane_x (&geo, model, 4), <,
                     pl_timeline_geometry_lane_x (&geo, model, 0));
  g_assert_cmpint (pl_timeline_render_lane_at (model, &view, pl_timeline_geometry_lane_x (&geo, model, 4),
                                               &position), ==, 4);
  g_assert_cmpuint (position, ==, 0);
  /* A viewport's own order wins over the model's. */
  view.lane_order = (const guint[]) { 0, 1, 2, 3, 4 };
  pl_timeline_render_get_geometry (model, &view, &geo);
  g_assert_cmpfloat (pl_timeline_geometry_lane_x (&geo, model, 4), >,
                     pl_timeline_geometry_lane_x (&geo, model, 0));
}

static gboolean
surface_has_colours (cairo_surface_t *surface,
                     guint            want)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;

        g_hash_table_add (seen, GUINT_TO_POINTER (px + 1));
        if (g_hash_table_size (seen) >= want)
          return TRUE;
      }
  return FALSE;
}

static void
test_render_viewport (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("a2-message.xml");
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (pl_sim_get_trace (pl_scenario_get_sim (scenario)));
  PlTimelineViewport view;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 400);
  cairo_t *cr = cairo_create (surface);
  const guint lit[] = { 2, 5 };

  g_test_summary ("A viewport renders with selection, highlights, divergence and the dark "
                  "palette; beyond the end it shows only lanes and ruler");

  pl_timeline_viewport_init (&view);
  view.width = 640;
  view.height = 400;
  view.selected = 3;
  view.highlighted = lit;
  view.n_highlighted = G_N_ELEMENTS (lit);
  view.divergence = 6;
  view.palette = PL_TIMELINE_PALETTE_DARK;
  pl_timeline_render (model, &view, cr);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  g_assert_true (surface_has_colours (surface, 8));
  /* Far below the end nothing but the background, lanes, ruler and header. */
  view.scroll_y = 1e6;
  pl_timeline_render (model, &view, cr);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  {
    double r, g, b;
    int stride = cairo_image_surface_get_stride (surface);
    const guchar *data;
    int x, y = 300;

    cairo_surface_flush (surface);
    data = cairo_image_surface_get_data (surface);
    pl_timeline_render_class_color (PL_TIMELINE_PALETTE_DARK, PL_TIMELINE_CLASS_REQUEST, &r, &g, &b);
    for (x = 0; x < 640; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;
        guint32 req = ((guint) lround (r * 255) << 16) | ((guint) lround (g * 255) << 8) | (guint) lround (b * 255);

        g_assert_cmpuint (px, !=, req);
      }
  }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_export_errors (void)
{
  g_autoptr (PlScenario) scenario = run_scenario ("a2-message.xml");
  PlTrace *trace = pl_sim_get_trace (pl_scenario_get_sim (scenario));
  g_autoptr (PlTimelineModel) model = pl_timeline_model_new (trace);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pl-timeline-XXXXXX", &error);
  g_autofree char *bad = g_build_filename (dir, "a.gif", NULL);
  g_autofree char *png = g_build_filename (dir, "a.png", NULL);
  g_autofree char *jsonl = g_build_filename (dir, "a.jsonl", NULL);
  g_autofree char *pcap = g_build_filename (dir, "a.pcapng", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  gsize len;
  PlTimelineViewport view;

  g_test_summary ("Exports: an unknown extension and a PNG too tall are refused with a "
                  "reason; JSON Lines and pcapng come from the trace writers");
  g_assert_no_error (error);

  g_assert_cmpint (pl_timeline_format_for_path ("x.SVG"), ==, PL_TIMELINE_FORMAT_SVG);
  g_assert_cmpint (pl_timeline_format_for_path ("x"), ==, PL_TIMELINE_FORMAT_UNKNOWN);
  g_assert_false (pl_timeline_export_file (model, NULL, TRUE, bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, ".svg, .png or .pdf"));
  g_clear_error (&error);

  /* A.2 to scale at zoom 10: 34 s at 20 px per ms. */
  pl_timeline_viewport_init (&view);
  view.layout = PL_TIMELINE_LAYOUT_SCALE;
  view.zoom = 10;
  g_assert_false (pl_timeline_export_picture (model, &view, TRUE, png, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  /* The visible part only: exactly the viewport's size. */
  view.width = 500;
  view.height = 300;
  g_assert_true (pl_timeline_export_picture (model, &view, FALSE, png, &error));
  g_assert_no_error (error);
  {
    cairo_surface_t *surface = cairo_image_surface_create_from_png (png);

    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 500);
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 300);
    cairo_surface_destroy (surface);
  }

  g_assert_true (pl_timeline_export_file (model, NULL, TRUE, jsonl, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (jsonl, &text, &len, &error));
  lines = g_strsplit (text, "\n", -1);
  /* One line per event, and a final newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, pl_trace_get_n_events (trace) + 1);
  g_assert_true (g_str_has_prefix (lines[0], "{\"t_us\":0,"));
  g_clear_pointer (&text, g_free);

  g_assert_true (pl_timeline_export_file (model, NULL, TRUE, pcap, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pcap, &text, &len, &error));
  g_assert_cmpuint (len, >, 12);
  /* pcapng Section Header Block type. */
  g_assert_cmpmem (text, 4, "\x0a\x0d\x0d\x0a", 4);

  g_unlink (bad);
  g_unlink (png);
  g_unlink (jsonl);
  g_unlink (pcap);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  g_test_add_func ("/pl/timeline/a2-lanes-arrows", test_a2_lanes_arrows);
  g_test_add_func ("/pl/timeline/layouts", test_layouts);
  g_test_add_func ("/pl/timeline/live", test_live);
  g_test_add_func ("/pl/timeline/drops-retransmissions", test_lossy);
  g_test_add_func ("/pl/timeline/query", test_query);
  g_test_add_func ("/pl/timeline/hit", test_hit);
  g_test_add_func ("/pl/timeline/lane-order", test_lane_order);
  g_test_add_func ("/pl/timeline/render-viewport", test_render_viewport);
  g_test_add_func ("/pl/timeline/export", test_export_errors);
  return g_test_run ();
}
