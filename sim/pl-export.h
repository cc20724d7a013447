/* pl-export.h: writers of traces and reports for other tools.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pl-report.h"
#include "pl-trace.h"

G_BEGIN_DECLS

#define PL_EXPORT_ERROR (pl_export_error_quark ())

typedef enum {
  PL_EXPORT_ERROR_FAILED,  /* the writer itself failed (e.g. libxml2) */
} PlExportError;

GQuark    pl_export_error_quark (void);

/* JSON Lines, one object per event in trace order. The format is a
 * contract other tools read (an event with a node index is a node event):
 *   message events:
 *     {"t_us":N,"event":"send","from":"<id>","to":"<id>","transport":"udp",
 *      "proto":"sip","hop":N,"label":"MESSAGE","wire":"<exact text>",...}
 *   node events:
 *     {"t_us":N,"event":"<name>","node":"<id>",...}
 * followed by the event's extra fields in insertion order. A missing node,
 * label or wire is null. Invalid UTF-8 in the wire becomes U+FFFD. */
gboolean  pl_export_jsonl       (PlTrace             *trace,
                                 GOutputStream       *out,
                                 GError             **error);
char     *pl_export_jsonl_line  (PlTrace             *trace,
                                 const PlTraceEvent  *event);

/* A text sequence diagram (ASCII), one column per node. Node events of
 * kind TIMEOUT, RULE and APP are shown as notes: a string field "note"
 * gives the text; otherwise the event name followed by the values of its
 * "action", "method", "status", "reason" and "detail" fields in insertion
 * order, then "(timer X)" for a "timer" field. A DROP's string field
 * "reason" is shown beside the arrow. */
gboolean  pl_export_ladder      (PlTrace             *trace,
                                 GOutputStream       *out,
                                 GError             **error);

/* pcapng (LINKTYPE_RAW): one packet per transmission as it was sent, plus
 * the delivered bytes when a rule altered them in flight; TCP connections
 * with handshake and acknowledgements; a name resolution block mapping the
 * nodes' documentation addresses (see pl-address.h) to their host names. */
gboolean  pl_export_pcapng      (PlTrace             *trace,
                                 GOutputStream       *out,
                                 GError             **error);

/* JUnit XML, one <testsuite> per report (PlReport*). */
gboolean  pl_export_junit       (GPtrArray           *reports,
                                 GOutputStream       *out,
                                 GError             **error);

G_END_DECLS
