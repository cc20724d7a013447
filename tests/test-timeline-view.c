/* test-timeline-view.c: the timeline widget under a display (xvfb-run).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-timeline-view.h"

typedef struct {
  PlScenario *scenario;
  PlTimelineModel *model;
  GtkWidget *window;
  GtkWidget *scrolled;
  PlTimelineView *view;
  int selected_signal;
  guint n_selected_signals;
} Fixture;

static void
wait_for_allocation (Fixture *f)
{
  /* The frame clock runs on the main context; a few hundred milliseconds
   * of iterations at most. */
  for (guint i = 0; i < 2000 && gtk_widget_get_height (GTK_WIDGET (f->view)) <= 0; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f->view)), >, 0);
}

static void
on_arrow_selected (PlTimelineView *view,
                   int             index,
                   Fixture        *f)
{
  f->selected_signal = index;
  f->n_selected_signals++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *name = data;
  g_autofree char *path = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), name, NULL);
  g_autoptr (GError) error = NULL;

  f->scenario = pl_scenario_load (path, NULL, &error);
  g_assert_no_error (error);
  f->model = pl_timeline_model_new_for_sim (pl_scenario_get_sim (f->scenario));
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 300);
  f->scrolled = gtk_scrolled_window_new ();
  f->view = PL_TIMELINE_VIEW (pl_timeline_view_new ());
  pl_timeline_view_set_model (f->view, f->model);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (f->scrolled), GTK_WIDGET (f->view));
  gtk_window_set_child (GTK_WINDOW (f->window), f->scrolled);
  g_signal_connect (f->view, "arrow-selected", G_CALLBACK (on_arrow_selected), f);
  f->selected_signal = -2;
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_allocation (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->model);
  g_clear_object (&f->scenario);
}

static void
run_to_end (Fixture *f)
{
  PlScheduler *scheduler = pl_sim_get_scheduler (pl_scenario_get_sim (f->scenario));

  pl_scenario_start (f->scenario);
  while (pl_scheduler_step (scheduler))
    ;
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

static GtkAdjustment *
vadjustment (Fixture *f)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f->view));
}

/* Renders the widget's snapshot (its render nodes) into an image surface. */
static cairo_surface_t *
render_widget (Fixture *f)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (GTK_WIDGET (f->view));
  int h = gtk_widget_get_height (GTK_WIDGET (f->view));
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);
  GskRenderNode *node;

  GTK_WIDGET_GET_CLASS (f->view)->snapshot (GTK_WIDGET (f->view), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  gsk_render_node_unref (node);
  cairo_destroy (cr);
  return surface;
}

static guint
count_colours (cairo_surface_t *surface)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      g_hash_table_add (seen, GUINT_TO_POINTER ((*(const guint32 *) (data + y * stride + x * 4)) + 1));
  return g_hash_table_size (seen);
}

static void
test_live_follow (Fixture       *f,
                  gconstpointer  data)
{
  GtkAdjustment *adj = vadjustment (f);
  double upper_before = gtk_adjustment_get_upper (adj);
  cairo_surface_t *surface;
  PlTimelineViewport vp;

  g_test_summary ("The widget grows with a live run, follows its end when asked, and "
                  "paints the timeline");

  g_assert_nonnull (adj);
  pl_timeline_view_set_layout (f->view, PL_TIMELINE_LAYOUT_COMPACT);
  pl_timeline_view_set_follow_live (f->view, TRUE);
  run_to_end (f);
  g_assert_cmpuint (pl_timeline_model_get_n_arrows (f->model), ==, 12);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, upper_before);
  pl_timeline_view_get_viewport (f->view, &vp);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adj),
                                  pl_timeline_render_content_height (f->model, &vp)
                                  - pl_timeline_render_header_height (), 1e-6);
  /* Following: scrolled to the end (if there is anything to scroll). */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adj),
                                  gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj),
                                  1e-6);

  pl_timeline_view_set_follow_live (f->view, FALSE);
  gtk_adjustment_set_value (adj, 0);
  surface = render_widget (f);
  g_assert_cmpuint (count_colours (surface), >, 8);
  cairo_surface_destroy (surface);
}

static void
test_select_zoom (Fixture       *f,
                  gconstpointer  data)
{
  GtkAdjustment *adj = vadjustment (f);
  double upper;
  PlTimelineViewport vp;

  g_test_summary ("Selecting emits arrow-selected and scrolls the arrow into sight; zoom "
                  "scales the scrollable height; the compact toggle shrinks it");

  run_to_end (f);
  pl_timeline_view_set_layout (f->view, PL_TIMELINE_LAYOUT_SCALE);
  upper = gtk_adjustment_get_upper (adj);
  g_assert_cmpfloat (upper, >, gtk_adjustment_get_page_size (adj));

  pl_timeline_view_set_selected (f->view, 8);
  g_assert_cmpint (f->selected_signal, ==, 8);
  g_assert_cmpint (pl_timeline_view_get_selected (f->view), ==, 8);
  pl_timeline_view_set_selected (f->view, 8);
  g_assert_cmpuint (f->n_selected_signals, ==, 1);
  pl_timeline_view_set_selected (f->view, 999);
  g_assert_cmpint (f->selected_signal, ==, -1);

  /* Arrow 11 (the last 200 OK) is about 2 s down: out of sight at zoom 1. */
  gtk_adjustment_set_value (adj, 0);
  pl_timeline_view_scroll_to_arrow (f->view, 11);
  pl_timeline_view_get_viewport (f->view, &vp);
  {
    double y = pl_timeline_render_arrow_y (f->model, &vp, 11);

    g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 0);
    g_assert_cmpfloat (y, >=, gtk_adjustment_get_value (adj));
    g_assert_cmpfloat (y, <=, gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj));
  }

  pl_timeline_view_set_zoom (f->view, 2);
  g_assert_cmpfloat (pl_timeline_view_get_zoom (f->view), ==, 2);
  /* Content (without the fixed pads) doubles. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, 1.9 * upper - 200);
  pl_timeline_view_set_zoom (f->view, 1e9);
  g_assert_cmpfloat (pl_timeline_view_get_zoom (f->view), ==, 1000);
  pl_timeline_view_set_zoom (f->view, 1);

  g_object_set (f->view, "compact", TRUE, NULL);
  g_assert_cmpint (pl_timeline_view_get_layout (f->view), ==, PL_TIMELINE_LAYOUT_COMPACT);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), <, upper / 4);

  /* Highlights, divergence, a lane move: all drawn without trouble. */
  pl_timeline_view_set_highlighted (f->view, (const guint[]) { 5, 2, 9 }, 3);
  pl_timeline_view_get_viewport (f->view, &vp);
  g_assert_cmpuint (vp.n_highlighted, ==, 3);
  g_assert_cmpuint (vp.highlighted[0], ==, 2);
  g_assert_cmpuint (vp.highlighted[2], ==, 9);
  pl_timeline_view_set_divergence (f->view, 4);
  pl_timeline_model_move_lane (f->model, 0, 4);
  {
    cairo_surface_t *surface = render_widget (f);

    g_assert_cmpuint (count_colours (surface), >, 8);
    cairo_surface_destroy (surface);
  }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  pl_models_register ();

  g_test_add ("/pl/timeline-view/live-follow", Fixture, "a2-message.xml", fixture_setup,
              test_live_follow, fixture_teardown);
  g_test_add ("/pl/timeline-view/select-zoom", Fixture, "a2-message.xml", fixture_setup,
              test_select_zoom, fixture_teardown);
  return g_test_run ();
}
