/* pl-timeline-export.h: the timeline as SVG, PNG or PDF; the trace as
 * JSON Lines or pcapng (issue 6, item 7).
 *
 * The pictures are drawn by pl_timeline_render(), the code that paints
 * the screen. The trace formats are sim/pl-export.h's writers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-timeline-render.h"

G_BEGIN_DECLS

typedef enum {
  PL_TIMELINE_FORMAT_UNKNOWN,
  PL_TIMELINE_FORMAT_SVG,
  PL_TIMELINE_FORMAT_PNG,
  PL_TIMELINE_FORMAT_PDF,
  PL_TIMELINE_FORMAT_JSONL,
  PL_TIMELINE_FORMAT_PCAPNG,
} PlTimelineFormat;

/* The format a file name's extension asks for (case does not matter):
 * .svg .png .pdf .jsonl (or .json) .pcapng (or .pcap). */
PlTimelineFormat pl_timeline_format_for_path (const char *path);

/* Writes a picture of @model to @path, in the format of its extension
 * (SVG, PNG or PDF). With @whole, the whole run at @view's zoom, layout,
 * palette, selection and lane order (scroll and size ignored; @view NULL
 * means the defaults); otherwise exactly @view. Errors are G_IO_ERROR
 * (an unknown extension: G_IO_ERROR_INVALID_ARGUMENT; a picture too big
 * for PNG: G_IO_ERROR_NO_SPACE) or cairo's status as G_IO_ERROR_FAILED. */
gboolean pl_timeline_export_picture (PlTimelineModel          *model,
                                     const PlTimelineViewport *view,
                                     gboolean                  whole,
                                     const char               *path,
                                     GError                  **error);

/* The whole trace of @model's run as JSON Lines or pcapng (by @path's
 * extension), through pl_export_jsonl() and pl_export_pcapng(). */
gboolean pl_timeline_export_trace   (PlTrace     *trace,
                                     const char  *path,
                                     GError     **error);

/* Either of the above by @path's extension (the studio's Export). */
gboolean pl_timeline_export_file    (PlTimelineModel          *model,
                                     const PlTimelineViewport *view,
                                     gboolean                  whole,
                                     const char               *path,
                                     GError                  **error);

G_END_DECLS
