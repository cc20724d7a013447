/* pl-timeline-export.c: pictures of the timeline through cairo surfaces,
 * and the trace writers of sim/pl-export.h, for the studio's Export.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-timeline-export"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "pl-export.h"
#include "pl-timeline-export.h"

/* cairo's image surfaces stop at 32767 pixels a side. */
#define PNG_MAX_SIDE 32767

typedef struct {
  GOutputStream *out;
  GError *error;
} Sink;

static cairo_status_t
on_write (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  Sink *sink = closure;

  if (sink->error)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sink->out, data, length, NULL, NULL, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

PlTimelineFormat
pl_timeline_format_for_path (const char *path)
{
  static const struct {
    const char *ext;
    PlTimelineFormat format;
  } table[] = {
    { ".svg", PL_TIMELINE_FORMAT_SVG },
    { ".png", PL_TIMELINE_FORMAT_PNG },
    { ".pdf", PL_TIMELINE_FORMAT_PDF },
    { ".jsonl", PL_TIMELINE_FORMAT_JSONL },
    { ".json", PL_TIMELINE_FORMAT_JSONL },
    { ".pcapng", PL_TIMELINE_FORMAT_PCAPNG },
    { ".pcap", PL_TIMELINE_FORMAT_PCAPNG },
  };
  const char *dot = path ? strrchr (path, '.') : NULL;

  if (dot == NULL)
    return PL_TIMELINE_FORMAT_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_ascii_strcasecmp (dot, table[i].ext) == 0)
      return table[i].format;
  return PL_TIMELINE_FORMAT_UNKNOWN;
}

static GOutputStream *
open_output (const char  *path,
             GError     **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                          NULL, error));
}

static gboolean
surface_error (cairo_status_t   status,
               const char      *path,
               GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cairo: %s", path,
               cairo_status_to_string (status));
  return FALSE;
}

gboolean
pl_timeline_export_picture (PlTimelineModel          *model,
                            const PlTimelineViewport *view,
                            gboolean                  whole,
                            const char               *path,
                            GError                  **error)
{
  PlTimelineFormat format = pl_timeline_format_for_path (path);
  PlTimelineViewport frame;
  g_autoptr (GOutputStream) out = NULL;
  cairo_surface_t *surface = NULL;
  cairo_t *cr;
  cairo_status_t status;
  Sink sink = { NULL, NULL };

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format != PL_TIMELINE_FORMAT_SVG && format != PL_TIMELINE_FORMAT_PNG
      && format != PL_TIMELINE_FORMAT_PDF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: expected a picture file name ending in .svg, .png or .pdf", path);
      return FALSE;
    }

  if (view)
    frame = *view;
  else
    pl_timeline_viewport_init (&frame);
  if (whole)
    {
      frame.scroll_x = frame.scroll_y = 0;
      /* The width first: content height does not depend on it. */
      frame.width = 0;
      frame.width = (int) ceil (pl_timeline_render_content_width (model, &frame));
      frame.height = (int) ceil (pl_timeline_render_content_height (model, &frame));
    }
  if (frame.width <= 0 || frame.height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: the picture would be empty (%d x %d pixels)", path, frame.width,
                   frame.height);
      return FALSE;
    }
  if (format == PL_TIMELINE_FORMAT_PNG
      && (frame.width > PNG_MAX_SIDE || frame.height > PNG_MAX_SIDE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "%s: %d x %d pixels is too big for PNG (at most %d a side): "
                   "export SVG or PDF, use the compact layout, or zoom out",
                   path, frame.width, frame.height, PNG_MAX_SIDE);
      return FALSE;
    }

  out = open_output (path, error);
  if (out == NULL)
    return FALSE;
  sink.out = out;

  switch (format)
    {
    case PL_TIMELINE_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (on_write, &sink, frame.width, frame.height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case PL_TIMELINE_FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (on_write, &sink, frame.width, frame.height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "PushLab studio");
      break;
    case PL_TIMELINE_FORMAT_PNG:
    case PL_TIMELINE_FORMAT_UNKNOWN:
    case PL_TIMELINE_FORMAT_JSONL:
    case PL_TIMELINE_FORMAT_PCAPNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, frame.width, frame.height);
      break;
    }

  cr = cairo_create (surface);
  pl_timeline_render (model, &frame, cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == PL_TIMELINE_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, on_write, &sink);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.error)
    {
      g_propagate_prefixed_error (error, sink.error, "%s: ", path);
      return FALSE;
    }
  if (!surface_error (status, path, error))
    return FALSE;
  return g_output_stream_close (out, NULL, error);
}

gboolean
pl_timeline_export_trace (PlTrace     *trace,
                          const char  *path,
                          GError     **error)
{
  PlTimelineFormat format = pl_timeline_format_for_path (path);
  g_autoptr (GOutputStream) file = NULL;
  g_autoptr (GOutputStream) out = NULL;

  g_return_val_if_fail (PL_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format != PL_TIMELINE_FORMAT_JSONL && format != PL_TIMELINE_FORMAT_PCAPNG)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: expected a trace file name ending in .jsonl or .pcapng", path);
      return FALSE;
    }
  file = open_output (path, error);
  if (file == NULL)
    return FALSE;
  out = g_buffered_output_stream_new (file);
  if (format == PL_TIMELINE_FORMAT_JSONL ? !pl_export_jsonl (trace, out, error)
                                         : !pl_export_pcapng (trace, out, error))
    return FALSE;
  return g_output_stream_close (out, NULL, error);
}

gboolean
pl_timeline_export_file (PlTimelineModel          *model,
                         const PlTimelineViewport *view,
                         gboolean                  whole,
                         const char               *path,
                         GError                  **error)
{
  PlTimelineFormat format = pl_timeline_format_for_path (path);

  g_return_val_if_fail (PL_IS_TIMELINE_MODEL (model), FALSE);

  if (format == PL_TIMELINE_FORMAT_JSONL || format == PL_TIMELINE_FORMAT_PCAPNG)
    return pl_timeline_export_trace (pl_timeline_model_get_trace (model), path, error);
  return pl_timeline_export_picture (model, view, whole, path, error);
}
