/* pushlab-studio.c: the studio's entry point.
 *
 *   pushlab-studio [SCENARIO]                 a window with the run's timeline
 *   pushlab-studio --export OUT SCENARIO      headless: run, write the picture
 *
 * The export path never touches GTK, so it runs in CI without a display
 * (issue 6, item 7). Exit status as the CLI's (DESIGN.md, "The CLI"): 0
 * done, 2 bad input with a message naming file:line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pushlab-studio"

#include <locale.h>
#include <stdio.h>

#include "pl-config.h"
#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-studio-window.h"
#include "pl-timeline-export.h"

#define EXIT_BAD_INPUT 2

typedef struct {
  char *export_path;
  char *layout;
  double zoom;
  gboolean dark;
  gboolean version;
  char *screenshot;
  gint64 select;
  char **files;
} Args;

static void
args_clear (Args *args)
{
  g_clear_pointer (&args->export_path, g_free);
  g_clear_pointer (&args->layout, g_free);
  g_clear_pointer (&args->screenshot, g_free);
  g_clear_pointer (&args->files, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Args, args_clear)

static gboolean
parse_layout (const char        *text,
              PlTimelineLayout  *layout,
              GError           **error)
{
  if (text == NULL || g_str_equal (text, "compact"))
    *layout = PL_TIMELINE_LAYOUT_COMPACT;
  else if (g_str_equal (text, "scale"))
    *layout = PL_TIMELINE_LAYOUT_SCALE;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--layout: expected \"scale\" or \"compact\", got \"%s\"", text);
      return FALSE;
    }
  return TRUE;
}

/* Runs @file to its end and writes its whole timeline to @out. */
static int
export_headless (const char       *file,
                 const char       *out,
                 PlTimelineLayout  layout,
                 double            zoom,
                 gboolean          dark)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlScenario) scenario = NULL;
  g_autoptr (PlReport) report = NULL;
  g_autoptr (PlTimelineModel) model = NULL;
  PlTimelineViewport view;
  PlTimelineFormat format = pl_timeline_format_for_path (out);

  if (format != PL_TIMELINE_FORMAT_SVG && format != PL_TIMELINE_FORMAT_PNG
      && format != PL_TIMELINE_FORMAT_PDF && format != PL_TIMELINE_FORMAT_JSONL
      && format != PL_TIMELINE_FORMAT_PCAPNG)
    {
      g_printerr ("pushlab-studio: %s: expected a file name ending in .svg, .png or .pdf "
                  "(or .jsonl, .pcapng for the trace)\n", out);
      return EXIT_BAD_INPUT;
    }

  report = pl_scenario_run_file (file, NULL, &scenario, &error);
  if (report == NULL || report->verdict == PL_VERDICT_ERROR || scenario == NULL)
    {
      g_printerr ("pushlab-studio: %s\n",
                  error ? error->message : report && report->error ? report->error : file);
      return EXIT_BAD_INPUT;
    }
  if (report->verdict == PL_VERDICT_FAIL)
    g_printerr ("pushlab-studio: %s: %u expectation(s) did not hold; the picture shows the run\n",
                file, pl_report_n_failed (report));

  model = pl_timeline_model_new_for_sim (pl_scenario_get_sim (scenario));
  pl_timeline_viewport_init (&view);
  view.layout = layout;
  view.zoom = zoom;
  view.palette = dark ? PL_TIMELINE_PALETTE_DARK : PL_TIMELINE_PALETTE_LIGHT;
  if (!pl_timeline_export_file (model, &view, TRUE, out, &error))
    {
      g_printerr ("pushlab-studio: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  return 0;
}

/* How pushlab-studio was asked to start the window. */
typedef struct {
  const char *file;          /* scenario to open, or NULL */
  gboolean has_layout;
  PlTimelineLayout layout;
  double zoom;
  gboolean dark;
  const char *screenshot;    /* run to the end, save the window as PNG, quit */
  guint64 select;            /* hop to select first, 0: none */
  int status;                /* exit status of a screenshot */
} PlStudioOptions;

/* A picture of the whole window, drawn by its own renderer. */
static gboolean
save_window (GtkWidget   *window,
             const char  *path,
             GError     **error)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window drew nothing");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot write the PNG", path);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  PlStudioWindow *window;
  PlStudioOptions *options;
  GApplication *app;
} Screenshot;

static gboolean
on_screenshot_due (gpointer user_data)
{
  Screenshot *shot = user_data;
  g_autoptr (GError) error = NULL;

  if (!save_window (GTK_WIDGET (shot->window), shot->options->screenshot, &error))
    {
      g_printerr ("pushlab-studio: %s\n", error->message);
      shot->options->status = EXIT_BAD_INPUT;
    }
  g_application_quit (shot->app);
  g_free (shot);
  return G_SOURCE_REMOVE;
}

static void
on_screenshot_state (PlPlayer   *player,
                     Screenshot *shot)
{
  if (pl_player_get_state (player) != PL_PLAYER_FINISHED)
    return;
  g_signal_handlers_disconnect_by_func (player, on_screenshot_state, shot);
  if (shot->options->select)
    pl_studio_window_select_hop (shot->window, shot->options->select);
  /* Let the window lay out and draw the finished run first. */
  g_timeout_add (800, on_screenshot_due, shot);
}

static void
on_activate (GApplication *app,
             gpointer      user_data)
{
  const PlStudioOptions *options = user_data;
  PlStudioWindow *window = pl_studio_window_new (GTK_APPLICATION (app));

  if (options->has_layout)
    pl_studio_window_set_layout (window, options->layout);
  pl_studio_window_set_zoom (window, options->zoom);
  if (options->dark)
    pl_studio_window_set_dark (window, TRUE);
  gtk_window_present (GTK_WINDOW (window));
  pl_studio_window_start (window, options->file);

  if (options->screenshot)
    {
      Screenshot *shot = g_new0 (Screenshot, 1);
      PlPlayer *player = pl_studio_window_get_player (window);

      shot->window = window;
      shot->options = (PlStudioOptions *) options;
      shot->app = app;
      if (pl_player_get_scenario (player) == NULL)
        {
          g_printerr ("pushlab-studio: %s\n", pl_studio_window_get_status (window));
          shot->options->status = EXIT_BAD_INPUT;
          g_application_quit (app);
          g_free (shot);
          return;
        }
      g_signal_connect (player, "state-changed", G_CALLBACK (on_screenshot_state), shot);
      pl_player_run_to_end (player);
    }
}

int
main (int    argc,
      char **argv)
{
  g_auto (Args) args = { NULL, NULL, 1.0, FALSE, FALSE, NULL };
  const GOptionEntry entries[] = {
    { "export", 'e', 0, G_OPTION_ARG_FILENAME, &args.export_path,
      "Run SCENARIO headless and write its whole timeline to OUT (.svg, .png, .pdf; .jsonl, .pcapng: the trace)", "OUT" },
    { "layout", 'l', 0, G_OPTION_ARG_STRING, &args.layout,
      "Time mode: compact (one row per message, default) or scale (arrows slant with latency)", "MODE" },
    { "zoom", 'z', 0, G_OPTION_ARG_DOUBLE, &args.zoom, "Zoom factor (default 1)", "Z" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &args.dark, "Dark colours", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &args.screenshot,
      "Open the window on SCENARIO, run it to its end, save the window as a PNG and quit", "OUT.png" },
    { "select", 0, 0, G_OPTION_ARG_INT64, &args.select,
      "With --screenshot: the message (its number on the timeline) to select first", "N" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &args.version, "Print the version", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args.files, NULL, "[SCENARIO]" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- the PushLab studio");
  g_autoptr (GError) error = NULL;
  PlStudioOptions options = { NULL, FALSE, PL_TIMELINE_LAYOUT_COMPACT, 1.0, FALSE, NULL, 0, 0 };
  int status;
  g_autoptr (GtkApplication) app = NULL;
  guint n_files;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Without --export, opens the studio on SCENARIO (or the last one, or the\n"
    "scenario picker): play, step, inspect, alter and compare its run.\n"
    "Exit status: 0 done, 2 bad input (the message names file:line).");
  if (!g_option_context_parse (context, &argc, &argv, &error)
      || !parse_layout (args.layout, &options.layout, &error))
    {
      g_printerr ("pushlab-studio: %s\n", error->message);
      return EXIT_BAD_INPUT;
    }
  if (args.version)
    {
      printf ("pushlab-studio %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (!(args.zoom > 0 && args.zoom <= 1000))
    {
      g_printerr ("pushlab-studio: --zoom: expected a number above 0, at most 1000\n");
      return EXIT_BAD_INPUT;
    }
  n_files = args.files ? g_strv_length (args.files) : 0;
  if (n_files > 1 || (args.export_path && n_files != 1))
    {
      g_printerr ("pushlab-studio: expected %s scenario file\n",
                  args.export_path ? "one" : "at most one");
      return EXIT_BAD_INPUT;
    }

  pl_models_register ();
  if (args.export_path)
    return export_headless (args.files[0], args.export_path, options.layout, args.zoom, args.dark);

  options.file = n_files ? args.files[0] : NULL;
  options.has_layout = args.layout != NULL;
  options.screenshot = args.screenshot;
  options.select = args.select > 0 ? (guint64) args.select : 0;
  if (args.screenshot && n_files != 1)
    {
      g_printerr ("pushlab-studio: --screenshot: expected one scenario file\n");
      return EXIT_BAD_INPUT;
    }
  options.zoom = args.zoom;
  options.dark = args.dark;
  app = gtk_application_new ("net.pushlab.Studio", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &options);
  status = g_application_run (G_APPLICATION (app), 1, argv);
  return status ? status : options.status;
}
