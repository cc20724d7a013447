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
  char **files;
} Args;

static void
args_clear (Args *args)
{
  g_clear_pointer (&args->export_path, g_free);
  g_clear_pointer (&args->layout, g_free);
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
} PlStudioOptions;

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
    { "version", 0, 0, G_OPTION_ARG_NONE, &args.version, "Print the version", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args.files, NULL, "[SCENARIO]" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- the PushLab studio");
  g_autoptr (GError) error = NULL;
  PlStudioOptions options = { NULL, FALSE, PL_TIMELINE_LAYOUT_COMPACT, 1.0, FALSE };
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
  options.zoom = args.zoom;
  options.dark = args.dark;
  app = gtk_application_new ("net.pushlab.Studio", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &options);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
