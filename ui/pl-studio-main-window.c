/* pl-studio-main-window.c: a plain window with the timeline of one run.
 *
 * Runs the scenario to its end (the engine is deterministic, so the
 * timeline is the one `pushlab run` checks) and shows it in a
 * PlTimelineView, with a header bar toggle for the compact mode. The
 * full studio window (picker, controls, inspector) replaces this file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-scenario.h"
#include "pl-studio-main-window.h"
#include "pl-timeline-view.h"

static void
on_compact_toggled (GtkToggleButton *button,
                    PlTimelineView  *view)
{
  pl_timeline_view_set_layout (view, gtk_toggle_button_get_active (button)
                                     ? PL_TIMELINE_LAYOUT_COMPACT : PL_TIMELINE_LAYOUT_SCALE);
}

static GtkWidget *
message_page (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 24);
  gtk_widget_set_margin_end (label, 24);
  return label;
}

GtkWindow *
pl_studio_main_window_new (GtkApplication        *app,
                           const PlStudioOptions *options)
{
  GtkWindow *window = GTK_WINDOW (gtk_application_window_new (app));
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *compact = gtk_toggle_button_new_with_mnemonic ("_Compact");
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = NULL;
  g_autoptr (PlReport) report = NULL;
  g_autoptr (PlTimelineModel) model = NULL;
  GtkWidget *scrolled, *view;

  gtk_window_set_default_size (window, 1100, 760);
  gtk_window_set_title (window, "PushLab studio");
  gtk_window_set_titlebar (window, header);
  gtk_widget_set_tooltip_text (compact, "Evenly spaced rows instead of virtual time to scale");
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), compact);

  if (options->file == NULL)
    {
      gtk_widget_set_sensitive (compact, FALSE);
      gtk_window_set_child (window, message_page ("Open a scenario: pushlab-studio FILE.xml"));
      return window;
    }

  report = pl_scenario_run_file (options->file, NULL, &scenario, &error);
  if (report == NULL || report->verdict == PL_VERDICT_ERROR || scenario == NULL)
    {
      gtk_widget_set_sensitive (compact, FALSE);
      gtk_window_set_child (window, message_page (error ? error->message : options->file));
      return window;
    }
  gtk_window_set_title (window, pl_scenario_get_name (scenario));

  model = pl_timeline_model_new_for_sim (pl_scenario_get_sim (scenario));
  view = pl_timeline_view_new ();
  pl_timeline_view_set_model (PL_TIMELINE_VIEW (view), model);
  pl_timeline_view_set_layout (PL_TIMELINE_VIEW (view), options->layout);
  pl_timeline_view_set_zoom (PL_TIMELINE_VIEW (view), options->zoom);
  if (options->dark)
    pl_timeline_view_set_palette (PL_TIMELINE_VIEW (view), PL_TIMELINE_PALETTE_DARK);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (compact),
                                options->layout == PL_TIMELINE_LAYOUT_COMPACT);
  g_signal_connect_object (compact, "toggled", G_CALLBACK (on_compact_toggled), view, 0);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_window_set_child (window, scrolled);
  /* The window keeps the scenario (and so the trace) alive. */
  g_object_set_data_full (G_OBJECT (window), "pl-scenario", g_steal_pointer (&scenario),
                          g_object_unref);
  gtk_widget_grab_focus (view);
  return window;
}
