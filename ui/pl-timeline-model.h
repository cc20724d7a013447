/* pl-timeline-model.h: what the studio's timeline shows, built from a trace.
 *
 * The model is the ladder's captured data kept apart from its drawing
 * (STYLE.md, "UI"): one lane per node in the scenario's node order (the
 * order of the spec's figures), one arrow per transmission (hop), and the
 * node events as marks on their lane. It observes its PlTrace, so a live
 * run grows it event by event; a finished trace is read at once.
 *
 * Vertical positions are in "units" of a layout: microseconds of virtual
 * time for PL_TIMELINE_LAYOUT_SCALE, rows for PL_TIMELINE_LAYOUT_COMPACT.
 * A drawing turns units into pixels with a PlTimelineGeometry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "pl-sim.h"
#include "pl-trace.h"

G_BEGIN_DECLS

typedef enum {
  PL_TIMELINE_LAYOUT_SCALE,   /* y from virtual time: arrows slant with latency */
  PL_TIMELINE_LAYOUT_COMPACT, /* one row per transmission in order of send (sngrep) */
} PlTimelineLayout;

/* The colour class of an arrow (issue 6, item 2). */
typedef enum {
  PL_TIMELINE_CLASS_REQUEST,
  PL_TIMELINE_CLASS_PROVISIONAL, /* 1xx */
  PL_TIMELINE_CLASS_SUCCESS,     /* 2xx */
  PL_TIMELINE_CLASS_FAILURE,     /* 3xx to 6xx */
  PL_TIMELINE_CLASS_MSRP,
  PL_TIMELINE_CLASS_OTHER,       /* HTTP and anything else */
  PL_TIMELINE_N_CLASSES
} PlTimelineClass;

typedef enum {
  PL_TIMELINE_ARROW_DROPPED = 1 << 0,        /* lost or dropped by a rule: dashed, ends in a cross */
  PL_TIMELINE_ARROW_RETRANSMISSION = 1 << 1, /* a RETRANSMIT event */
  PL_TIMELINE_ARROW_MALFORMED = 1 << 2,      /* arrived but did not parse */
  PL_TIMELINE_ARROW_SELF = 1 << 3,           /* from == to: drawn as a loop */
  PL_TIMELINE_ARROW_PENDING = 1 << 4,        /* in flight: no outcome yet */
  PL_TIMELINE_ARROW_DUPLICATE = 1 << 5,      /* a copy made by a duplicate rule */
} PlTimelineArrowFlags;

#define PL_TIMELINE_NO_EVENT G_MAXUINT32

/* One transmission. A plain read-only record owned by the model (like
 * PlTraceEvent); strings belong to the trace or are interned. */
typedef struct {
  guint64 hop;          /* the trace's hop: also the arrow's ordinal number */
  PlTime t_send;
  PlTime t_end;         /* arrival or drop; while pending, the latest time seen */
  const char *label;    /* "MESSAGE", "200 OK", ... never NULL */
  const char *proto;    /* "sip", "msrp", "http" (interned) */
  const char *step;     /* scenario step label set by the app, or NULL (interned) */
  guint32 send_event;   /* trace index of the SEND or RETRANSMIT */
  guint32 end_event;    /* trace index of the DELIVER, MALFORMED or DROP, or PL_TIMELINE_NO_EVENT */
  guint16 from;         /* lane */
  guint16 to;           /* lane */
  guint8 klass;         /* PlTimelineClass */
  guint8 flags;         /* PlTimelineArrowFlags */
} PlTimelineArrow;

/* A node event on its lane. */
typedef struct {
  PlTime t;
  const char *name;     /* the trace event's name */
  guint32 event;        /* trace index */
  guint32 row;          /* transmissions sent before it (compact position: row - 0.75) */
  guint16 lane;
  guint8 kind;          /* PlEventKind */
} PlTimelineMark;

typedef struct {
  const char *id;
  const char *host;
  const char *kind;     /* node kind ("receiver", "p-cscf", ...), or NULL when unknown */
} PlTimelineLane;

/* Pixel geometry of a drawing, shared by the renderer and hit testing:
 * pixel y = origin_y + units * unit_px; lane centre x = origin_x +
 * position * lane_px, where a lane's position comes from the model's
 * lane order (or @lane_order when set). */
typedef struct {
  PlTimelineLayout layout;
  double unit_px;
  double origin_y;
  double origin_x;
  double lane_px;
  double loop_w;        /* width and height of a self loop, pixels */
  double loop_h;
  const guint *lane_order; /* position -> lane, n_lanes entries, or NULL */
} PlTimelineGeometry;

#define PL_TYPE_TIMELINE_MODEL (pl_timeline_model_get_type ())
G_DECLARE_FINAL_TYPE (PlTimelineModel, pl_timeline_model, PL, TIMELINE_MODEL, GObject)

/* Reads every event of @trace so far, then follows it. */
PlTimelineModel       *pl_timeline_model_new             (PlTrace *trace);
/* Same, and names each lane's node kind from @sim. */
PlTimelineModel       *pl_timeline_model_new_for_sim     (PlSim *sim);
PlTrace               *pl_timeline_model_get_trace       (PlTimelineModel *self);

/* Lanes: index = node index. */
guint                  pl_timeline_model_get_n_lanes     (PlTimelineModel *self);
const PlTimelineLane  *pl_timeline_model_get_lane        (PlTimelineModel *self,
                                                          guint            lane);
/* The lane order: position -> lane (identity at first). Emits "lanes-changed". */
const guint           *pl_timeline_model_get_lane_order  (PlTimelineModel *self);
gboolean               pl_timeline_model_set_lane_order  (PlTimelineModel *self,
                                                          const guint     *order,
                                                          guint            n);
void                   pl_timeline_model_move_lane       (PlTimelineModel *self,
                                                          guint            from_position,
                                                          guint            to_position);
guint                  pl_timeline_model_get_lane_position (PlTimelineModel *self,
                                                            guint            lane);

/* Arrows: index = hop - 1 for a trace of the engine. */
guint                  pl_timeline_model_get_n_arrows    (PlTimelineModel *self);
const PlTimelineArrow *pl_timeline_model_get_arrow       (PlTimelineModel *self,
                                                          guint            index);
/* The arrow of @hop, its index in *index when not NULL; NULL if none. */
const PlTimelineArrow *pl_timeline_model_lookup_hop      (PlTimelineModel *self,
                                                          guint64          hop,
                                                          guint           *index);
/* The scenario step an arrow illustrates ("3"), NULL to clear. Emits "changed". */
void                   pl_timeline_model_set_step        (PlTimelineModel *self,
                                                          guint64          hop,
                                                          const char      *step);

guint                  pl_timeline_model_get_n_marks     (PlTimelineModel *self);
const PlTimelineMark  *pl_timeline_model_get_mark        (PlTimelineModel *self,
                                                          guint            index);

/* Time of the first and latest events seen. */
PlTime                 pl_timeline_model_get_start_time  (PlTimelineModel *self);
PlTime                 pl_timeline_model_get_end_time    (PlTimelineModel *self);

/* Vertical extent of an arrow or a mark, in units of @layout. */
void                   pl_timeline_model_arrow_extent    (PlTimelineModel  *self,
                                                          PlTimelineLayout  layout,
                                                          guint             index,
                                                          double           *top,
                                                          double           *bottom);
double                 pl_timeline_model_mark_position   (PlTimelineModel  *self,
                                                          PlTimelineLayout  layout,
                                                          guint             index);
/* The units everything lies in: [*first, *last]. */
void                   pl_timeline_model_get_range       (PlTimelineModel  *self,
                                                          PlTimelineLayout  layout,
                                                          double           *first,
                                                          double           *last);

/* Indices of the arrows (marks) whose extent meets [top, bottom], appended
 * to @out (a GArray of guint), each once, in increasing order. Binary
 * searches: O(log n + k) for arrows of similar span. Returns how many. */
guint                  pl_timeline_model_query_arrows    (PlTimelineModel  *self,
                                                          PlTimelineLayout  layout,
                                                          double            top,
                                                          double            bottom,
                                                          GArray           *out);
guint                  pl_timeline_model_query_marks     (PlTimelineModel  *self,
                                                          PlTimelineLayout  layout,
                                                          double            top,
                                                          double            bottom,
                                                          GArray           *out);

/* The arrow nearest (x, y) in the pixels of @geometry, within @tolerance
 * pixels; its index, or -1. */
int                    pl_timeline_model_hit_test        (PlTimelineModel          *self,
                                                          const PlTimelineGeometry *geometry,
                                                          double                    x,
                                                          double                    y,
                                                          double                    tolerance);
/* Pixel end points of an arrow in @geometry (a loop's are its start and end). */
void                   pl_timeline_geometry_arrow_points (const PlTimelineGeometry *geometry,
                                                          PlTimelineModel          *self,
                                                          guint                     index,
                                                          double                   *x0,
                                                          double                   *y0,
                                                          double                   *x1,
                                                          double                   *y1);
double                 pl_timeline_geometry_lane_x       (const PlTimelineGeometry *geometry,
                                                          PlTimelineModel          *self,
                                                          guint                     lane);

/* The colour class of a transmission with this protocol and label. */
PlTimelineClass        pl_timeline_classify              (const char *proto,
                                                          const char *label);

G_END_DECLS
