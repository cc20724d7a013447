/* pl-trace.h: the append-only store of everything that happened in a run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pl-types.h"

G_BEGIN_DECLS

typedef enum {
  PL_FIELD_STRING,
  PL_FIELD_INT,
  PL_FIELD_BOOL,
} PlFieldType;

/* An extra field of an event, written to JSON Lines in insertion order. */
typedef struct {
  const char *key;   /* interned */
  PlFieldType type;
  char *str;         /* PL_FIELD_STRING */
  gint64 num;        /* PL_FIELD_INT and PL_FIELD_BOOL */
} PlField;

/* One trace event. A plain, read-only record owned by the trace: the
 * fields are filled once when the event is added and never change. */
struct _PlTraceEvent {
  guint64 index;       /* position in the trace */
  PlTime t_us;
  PlEventKind kind;
  const char *name;    /* "send", "deliver", ... or the model's own (interned) */

  /* Message events (send, deliver, malformed, drop, retransmit, absorbed). */
  int from;            /* node index, or -1 */
  int to;              /* node index, or -1 */
  PlTransport transport;
  const char *proto;   /* "sip", "msrp", ... (interned) */
  GBytes *wire;        /* the exact bytes, or NULL */
  guint64 hop;         /* one number per transmission, shared by its send and deliver */
  char *label;         /* "MESSAGE", "200 OK", ... for ladders */

  /* Node-level events (timer, timeout, rule, state, app). */
  int node;            /* node index, or -1 */

  /* The hop whose delivery was being handled when this event happened
   * (a response to a request, a third-party REGISTER after a REGISTER,
   * an iFC evaluation); 0 when a timer or the timeline caused it. Not
   * exported: the studio draws causality from it. */
  guint64 cause;

  PlField *fields;
  guint n_fields;
};

#define PL_TYPE_TRACE (pl_trace_get_type ())
G_DECLARE_FINAL_TYPE (PlTrace, pl_trace, PL, TRACE, GObject)

typedef void (*PlTraceObserver) (PlTrace            *trace,
                                 const PlTraceEvent *event,
                                 gpointer            user_data);

PlTrace            *pl_trace_new            (void);
guint               pl_trace_get_n_events   (PlTrace *self);
const PlTraceEvent *pl_trace_get_event      (PlTrace *self,
                                             guint    index);

/* Node names, so exporters can label columns: index -> id and host. */
void                pl_trace_set_node       (PlTrace    *self,
                                             int         index,
                                             const char *id,
                                             const char *host);
guint               pl_trace_get_n_nodes    (PlTrace *self);
const char         *pl_trace_get_node_id    (PlTrace *self,
                                             int      index);
const char         *pl_trace_get_node_host  (PlTrace *self,
                                             int      index);

/* The hop being handled from now on (0: none); every event begun until
 * the next call records it as its cause. Returns the previous one. */
guint64             pl_trace_set_cause      (PlTrace *self,
                                             guint64  hop);

guint               pl_trace_add_observer   (PlTrace         *self,
                                             PlTraceObserver  observer,
                                             gpointer         user_data);
void                pl_trace_remove_observer (PlTrace *self,
                                              guint    id);

/* Message event. Takes a reference on @wire. Like every event it is
 * announced to observers by pl_trace_commit(), after its fields are added. */
PlTraceEvent       *pl_trace_begin_message  (PlTrace     *self,
                                             PlTime       t_us,
                                             PlEventKind  kind,
                                             int          from,
                                             int          to,
                                             PlTransport  transport,
                                             const char  *proto,
                                             guint64      hop,
                                             GBytes      *wire,
                                             const char  *label);

/* Node event; @name NULL uses the kind's name. Fields are added with
 * pl_trace_event_add_*() before pl_trace_commit() announces the event. */
PlTraceEvent       *pl_trace_begin_node     (PlTrace     *self,
                                             PlTime       t_us,
                                             PlEventKind  kind,
                                             const char  *name,
                                             int          node);
void                pl_trace_event_add_string (PlTraceEvent *event,
                                               const char   *key,
                                               const char   *value);
void                pl_trace_event_add_int  (PlTraceEvent *event,
                                             const char   *key,
                                             gint64        value);
void                pl_trace_event_add_bool (PlTraceEvent *event,
                                             const char   *key,
                                             gboolean      value);
void                pl_trace_commit         (PlTrace      *self,
                                             PlTraceEvent *event);

/* Send, retransmit, deliver, malformed and drop events carry a message
 * (from, to, hop, wire); every other kind is a node event. */
gboolean            pl_trace_event_is_message (const PlTraceEvent *event);

const PlField      *pl_trace_event_get_field (const PlTraceEvent *event,
                                              const char         *key);

G_END_DECLS
