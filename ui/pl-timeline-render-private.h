/* pl-timeline-render-private.h: the drawing's measures, shared by
 * pl-timeline-render.c (drawing) and pl-timeline-geometry.c (sizes,
 * geometry, hit testing).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-timeline-render.h"

G_BEGIN_DECLS

#define HEADER_H 46.0
#define RULER_W 96.0
#define MIN_LANE_W 150.0
#define RIGHT_PAD 40.0
#define TOP_PAD 24.0
#define BOTTOM_PAD 40.0
#define SCALE_PX_PER_US 0.002   /* zoom 1: 2 px per ms */
#define COMPACT_ROW_PX 30.0
#define LOOP_W 36.0
#define LOOP_H 14.0
#define HEAD_LEN 9.0
#define HEAD_HALF 4.0
#define LABEL_H 15.0
#define MARK_LABEL_H 11.0
#define HIT_TOLERANCE 5.0
#define MARK_R 4.0
#define DROP_AT 0.6
#define DENSE_PX 3              /* fewer pixel rows per arrow than this: a dense frame */             /* a drop's cross sits this far toward the target */

G_END_DECLS
