/* test-timeline-export.c: `pushlab-studio --export` headless (no display):
 * the A.3 timeline as PNG, SVG and PDF, and bad input.
 *
 * Counting arrows in an SVG: cairo writes each fill as one <path> whose
 * style names its colour ("fill:rgb(10.196078%,37.254902%,78.431373%)").
 * The renderer ends every arrow in exactly one closed filled path (head or
 * drop cross) in its class colour, and fills nothing else in those
 * colours (pl-timeline-render.c); lines are strokes. So the arrows are the
 * <path> elements filled with a class colour.
 *
 * The path of pushlab-studio is the first argument.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "pl-models.h"
#include "pl-scenario.h"
#include "pl-timeline-export.h"

static const char *studio;

typedef struct {
  char *dir;
  char *scenario;
  guint n_transmissions;
  PlScenario *run;
  PlTimelineModel *model;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlReport) report = NULL;
  PlTrace *trace;

  f->dir = g_dir_make_tmp ("pl-studio-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->scenario = g_build_filename (g_getenv ("PUSHLAB_SCENARIODIR"), "a3-subscribe-notify.xml", NULL);
  report = pl_scenario_run_file (f->scenario, NULL, &f->run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, PL_VERDICT_PASS);
  trace = pl_sim_get_trace (pl_scenario_get_sim (f->run));
  for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      f->n_transmissions += ev->kind == PL_EVENT_SEND || ev->kind == PL_EVENT_RETRANSMIT;
    }
  g_assert_cmpuint (f->n_transmissions, ==, pl_sim_get_n_transmissions (pl_scenario_get_sim (f->run)));
  f->model = pl_timeline_model_new (trace);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->scenario);
  g_clear_object (&f->model);
  g_clear_object (&f->run);
}

/* Runs pushlab-studio with @args; its exit status, stderr in *err. */
static int
run_studio (const char * const *args,
            char              **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (char *) studio);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, err,
                &status, &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (status, &error))
    return 0;
  if (g_error_matches (error, G_SPAWN_EXIT_ERROR, error->code))
    return error->code;
  return -1;
}

static char *
export (Fixture    *f,
        const char *name,
        const char *extra)
{
  char *out = g_build_filename (f->dir, name, NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--export", out, f->scenario, extra, NULL };

  g_assert_cmpint (run_studio (args, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  return out;
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gsize) st.st_size;
}

static void
test_png (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *png = export (f, "a3.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
  PlTimelineViewport view;
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  int w, h, stride;
  const guchar *pixels;
  double r, g, b;
  guint32 request;

  g_test_summary ("The A.3 timeline as PNG: the whole run's size, and not blank: "
                  "many colours, the request colour among them");

  g_assert_cmpuint (file_size (png), >, 10000);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  /* The size of everything: the compact layout of 24 rows, five lanes. */
  pl_timeline_viewport_init (&view);
  view.width = 0;
  g_assert_cmpint (w, ==, (int) ceil (pl_timeline_render_content_width (f->model, &view)));
  g_assert_cmpint (h, ==, (int) ceil (pl_timeline_render_content_height (f->model, &view)));
  g_assert_cmpint (h, >, 24 * 25);

  pl_timeline_render_class_color (PL_TIMELINE_PALETTE_LIGHT, PL_TIMELINE_CLASS_REQUEST, &r, &g, &b);
  request = ((guint32) lround (r * 255) << 16) | ((guint32) lround (g * 255) << 8) | (guint32) lround (b * 255);
  stride = cairo_image_surface_get_stride (surface);
  pixels = cairo_image_surface_get_data (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (pixels + y * stride + x * 4) & 0xffffff;
        g_hash_table_add (colours, GUINT_TO_POINTER (px + 1));
      }
  g_assert_cmpuint (g_hash_table_size (colours), >, 10);
  g_assert_true (g_hash_table_contains (colours, GUINT_TO_POINTER (request + 1)));
  cairo_surface_destroy (surface);
}

/* "rgb(10.196078%,37.254902%,78.431373%)" (cairo 1.16) or "rgb(26,95,200)". */
static gboolean
parse_fill (const char *style,
            double      rgb[3])
{
  const char *p = style ? strstr (style, "fill:rgb(") : NULL;

  if (p == NULL)
    return FALSE;
  p += strlen ("fill:rgb(");
  for (int i = 0; i < 3; i++)
    {
      char *end;
      double v = g_ascii_strtod (p, &end);

      if (end == p)
        return FALSE;
      if (*end == '%')
        {
          v = v / 100.0;
          end++;
        }
      else
        v = v / 255.0;
      rgb[i] = v;
      p = end;
      if (*p == ',')
        p++;
    }
  return TRUE;
}

static void
count_arrows (xmlNode           *node,
              PlTimelinePalette  palette,
              guint             *n)
{
  for (; node; node = node->next)
    {
      if (node->type == XML_ELEMENT_NODE && xmlStrcmp (node->name, BAD_CAST "path") == 0)
        {
          xmlChar *style = xmlGetProp (node, BAD_CAST "style");
          double rgb[3];

          if (parse_fill ((const char *) style, rgb))
            for (int k = 0; k < PL_TIMELINE_N_CLASSES; k++)
              {
                double r, g, b;

                pl_timeline_render_class_color (palette, k, &r, &g, &b);
                if (fabs (r - rgb[0]) < 0.5 / 255 && fabs (g - rgb[1]) < 0.5 / 255
                    && fabs (b - rgb[2]) < 0.5 / 255)
                  {
                    (*n)++;
                    break;
                  }
              }
          xmlFree (style);
        }
      count_arrows (node->children, palette, n);
    }
}

static guint
svg_arrows (const char        *path,
            PlTimelinePalette  palette)
{
  xmlDoc *doc = xmlReadFile (path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  guint n = 0;

  g_assert_nonnull (doc);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "svg");
  count_arrows (xmlDocGetRootElement (doc), palette, &n);
  xmlFreeDoc (doc);
  return n;
}

static void
test_svg (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *svg = export (f, "a3.svg", NULL);
  g_autofree char *dark = export (f, "a3-dark.svg", "--dark");
  g_autofree char *scale = g_build_filename (f->dir, "a3-scale.svg", NULL);
  g_autofree char *err = NULL;
  const char *args[] = { "--layout", "scale", "--zoom", "0.05", "--export", scale, f->scenario, NULL };

  g_test_summary ("The A.3 timeline as SVG holds one arrow per transmission of the trace, "
                  "in both palettes and both layouts");

  g_assert_cmpuint (f->n_transmissions, ==, 24);
  g_assert_cmpuint (file_size (svg), >, 10000);
  g_assert_cmpuint (svg_arrows (svg, PL_TIMELINE_PALETTE_LIGHT), ==, f->n_transmissions);
  g_assert_cmpuint (svg_arrows (dark, PL_TIMELINE_PALETTE_DARK), ==, f->n_transmissions);
  /* The light colours are not in the dark picture. */
  g_assert_cmpuint (svg_arrows (dark, PL_TIMELINE_PALETTE_LIGHT), ==, 0);

  g_assert_cmpint (run_studio (args, &err), ==, 0);
  g_assert_cmpuint (svg_arrows (scale, PL_TIMELINE_PALETTE_LIGHT), ==, f->n_transmissions);
}

static void
test_pdf (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *pdf = export (f, "a3.pdf", NULL);
  g_autofree char *text = NULL;
  gsize len;

  g_test_summary ("The A.3 timeline as PDF");
  g_assert_true (g_file_get_contents (pdf, &text, &len, NULL));
  g_assert_cmpuint (len, >, 5000);
  g_assert_true (g_str_has_prefix (text, "%PDF-"));
  /* The trailer ends the file (binary streams before it may hold NULs). */
  g_assert_nonnull (g_strstr_len (text + len - 8, 8, "%%EOF"));
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *bad = g_test_build_filename (G_TEST_DIST, "bad", "bad-host.xml", NULL);
  g_autofree char *out = g_build_filename (f->dir, "bad.svg", NULL);
  g_autofree char *gif = g_build_filename (f->dir, "a3.gif", NULL);
  g_autofree char *err = NULL;
  g_autofree char *where = NULL;
  const char *args[] = { "--export", out, bad, NULL };
  const char *args_gif[] = { "--export", gif, f->scenario, NULL };
  const char *args_none[] = { "--export", out, NULL };
  const char *args_layout[] = { "--layout", "diagonal", "--export", out, f->scenario, NULL };

  g_test_summary ("Bad input: exit 2 with one message naming file:line; nothing written");

  g_assert_cmpint (run_studio (args, &err), ==, 2);
  where = g_strconcat (bad, ":4:", NULL);
  g_assert_nonnull (strstr (err, where));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  /* One message, one line. */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_studio (args_gif, &err), ==, 2);
  g_assert_nonnull (strstr (err, ".svg, .png or .pdf"));
  g_assert_false (g_file_test (gif, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_studio (args_none, &err), ==, 2);
  g_assert_nonnull (strstr (err, "scenario"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_studio (args_layout, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--layout"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pl_models_register ();

  studio = argc > 1 ? argv[1] : g_getenv ("PUSHLAB_STUDIO");
  if (studio == NULL)
    {
      g_printerr ("usage: %s PUSHLAB-STUDIO\n", argv[0]);
      return 1;
    }

  g_test_add ("/pl/studio-export/png", Fixture, NULL, fixture_setup, test_png, fixture_teardown);
  g_test_add ("/pl/studio-export/svg", Fixture, NULL, fixture_setup, test_svg, fixture_teardown);
  g_test_add ("/pl/studio-export/pdf", Fixture, NULL, fixture_setup, test_pdf, fixture_teardown);
  g_test_add ("/pl/studio-export/bad-input", Fixture, NULL, fixture_setup, test_bad_input,
              fixture_teardown);
  return g_test_run ();
}
