/* pl-compare.h: two runs side by side (two traces, or a trace and a
 * golden JSON Lines file): the first divergence and an alignment of the
 * message events for the studio's compare view and `pushlab compare`.
 *
 * Both sides are compared as the JSON Lines export writes them
 * (pl_export_jsonl_line(), one line per event): a golden file is compared
 * line by line with no JSON parser, only a scanner that cuts a line of
 * that flat format into its "key":value members.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pl-inspect.h"
#include "pl-trace.h"

G_BEGIN_DECLS

#define PL_COMPARE_ERROR (pl_compare_error_quark ())
GQuark pl_compare_error_quark (void);

typedef enum {
  PL_COMPARE_ERROR_GOLDEN,  /* a golden line is not an object of the export */
} PlCompareError;

/* What differs at the first divergence. */
typedef enum {
  PL_COMPARE_MISSING   = 1 << 0, /* one side has no event there (it ended) */
  PL_COMPARE_KIND      = 1 << 1, /* "event": send, deliver, rule, ... */
  PL_COMPARE_ENDPOINTS = 1 << 2, /* "from", "to" or "node" */
  PL_COMPARE_LABEL     = 1 << 3,
  PL_COMPARE_PROTO     = 1 << 4, /* "proto" or "transport" */
  PL_COMPARE_WIRE      = 1 << 5, /* the bytes */
  PL_COMPARE_FIELDS    = 1 << 6, /* "hop" or a node event's own fields */
} PlCompareWhat;

/* One row of the side-by-side view: a message event of each side, or a
 * gap (PL_INSPECT_NONE) where one run has a message the other lacks.
 * Rows pair events with the same kind, from, to, label and proto;
 * @differs when their bytes or fields still differ. */
typedef struct {
  guint a;
  guint b;
  gboolean differs;
} PlAlignedPair;

typedef struct _PlCompareSide PlCompareSide;

typedef struct {
  gboolean identical;    /* every event the same (times may differ) */
  guint n_a, n_b;        /* events on each side */

  /* The first divergence, when not identical: event indices (the line
   * number minus one in a golden file), PL_INSPECT_NONE on the side that
   * ended. */
  guint index_a, index_b;
  PlCompareWhat what;
  char *description;     /* one line per differing member:
                          * "label: \"MESSAGE\" vs \"415 Unsupported...\"" */
  guint wire_line;       /* first differing line of the bytes (from 1), 0 */
  char *wire_line_a;     /* that line on each side (NULL past the end) */
  char *wire_line_b;

  /* The first event, before the divergence, that differs only in time. */
  gboolean timing_differs;
  guint timing_index;
  char *timing_note;     /* "event #12 at 0.050000s vs 0.060000s" */

  GArray *alignment;     /* PlAlignedPair, message events in order */
  gboolean alignment_approximate; /* too long to search: the differing
                                   * middle is paired by position */

  /* private */
  PlCompareSide *side_a, *side_b;
} PlComparison;

/* Compares two traces event by event. */
PlComparison *pl_compare_traces     (PlTrace      *a,
                                     PlTrace      *b);
/* Compares a golden JSON Lines file (side a) with trace @run (side b).
 * NULL with @error when a line of @golden is not an object of the
 * export's format. */
PlComparison *pl_compare_golden     (GBytes       *golden,
                                     PlTrace      *run,
                                     GError      **error);
void          pl_comparison_free    (PlComparison *comparison);

/* "#36 psa -> scscf MESSAGE (deliver)" for event @index of side a
 * (@side_b FALSE) or b, or NULL when there is no such event. */
char         *pl_comparison_describe_event (PlComparison *comparison,
                                            gboolean      side_b,
                                            guint         index);
/* "kind, label" ... for @what. */
char         *pl_compare_what_to_string (PlCompareWhat what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlComparison, pl_comparison_free)

G_END_DECLS
