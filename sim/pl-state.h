/* pl-state.h: a node's state at one virtual time, as sections of rows
 * for the studio's node panel, `pushlab state` and the tests.
 *
 * A state is a list of sections (a title each); a section holds rows; a
 * row has a key, a value, an optional detail (a longer explanation) and
 * child rows (a binding's feature tags, a subscription's dialog). The
 * order is the order rows were added: a node adding rows from a hash
 * table sorts them (pl_state_sort_rows) so output never depends on hash
 * order.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pl-types.h"

G_BEGIN_DECLS

typedef struct _PlState        PlState;
typedef struct _PlStateSection PlStateSection;
typedef struct _PlStateRow     PlStateRow;

PlState        *pl_state_new             (void);
void            pl_state_free            (PlState *self);

/* The virtual time the state describes (set by whoever fills it, e.g.
 * pl_node_describe; 0 until set). */
void            pl_state_set_time        (PlState *self,
                                          PlTime   t_us);
PlTime          pl_state_get_time        (PlState *self);

/* Starts a section: rows added with a NULL parent go into it until the
 * next one. Rows added before any section go into an untitled one. */
PlStateSection *pl_state_begin_section   (PlState    *self,
                                          const char *title);

/* Adds a row to @parent's children, or (NULL) to the current section.
 * @value may be NULL (a heading row whose children say the rest). The
 * row stays owned by the state. */
PlStateRow     *pl_state_add_row         (PlState    *self,
                                          PlStateRow *parent,
                                          const char *key,
                                          const char *value);
PlStateRow     *pl_state_add_rowf        (PlState    *self,
                                          PlStateRow *parent,
                                          const char *key,
                                          const char *format,
                                          ...) G_GNUC_PRINTF (4, 5);
void            pl_state_row_set_detail  (PlStateRow *row,
                                          const char *detail);
void            pl_state_row_set_detailf (PlStateRow *row,
                                          const char *format,
                                          ...) G_GNUC_PRINTF (2, 3);

/* Sorts @parent's children (NULL: the current section's rows) by key,
 * then value; stable, so equal rows keep their order. */
void            pl_state_sort_rows       (PlState    *self,
                                          PlStateRow *parent);

/* "2.500s", "-" for G_MAXINT64 (never), "expired" when @at <= @now:
 * the time left until @at, for expiry rows. */
char           *pl_state_format_remaining (PlTime now,
                                           PlTime at);

/* A virtual time as "600000.05s" (trailing zeros dropped). */
char           *pl_state_format_time      (PlTime t);

/* Iteration, for the UI. Indexes are in insertion order. */
guint           pl_state_get_n_sections  (PlState *self);
PlStateSection *pl_state_get_section     (PlState *self,
                                          guint    index);
/* The first section titled @title, or NULL. */
PlStateSection *pl_state_find_section    (PlState    *self,
                                          const char *title);
const char     *pl_state_section_get_title  (const PlStateSection *section);
guint           pl_state_section_get_n_rows (const PlStateSection *section);
PlStateRow     *pl_state_section_get_row    (const PlStateSection *section,
                                             guint                 index);
/* The first row of @section with @key (and @value unless NULL). */
PlStateRow     *pl_state_section_find_row   (const PlStateSection *section,
                                             const char           *key,
                                             const char           *value);

const char     *pl_state_row_get_key        (const PlStateRow *row);
const char     *pl_state_row_get_value      (const PlStateRow *row);
const char     *pl_state_row_get_detail     (const PlStateRow *row);
guint           pl_state_row_get_n_children (const PlStateRow *row);
PlStateRow     *pl_state_row_get_child      (const PlStateRow *row,
                                             guint             index);
/* The first child with @key (and @value unless NULL), or NULL. */
PlStateRow     *pl_state_row_find_child     (const PlStateRow *row,
                                             const char       *key,
                                             const char       *value);

/* The whole state as indented text:
 *   == Bindings ==
 *   sip:user@home1.net: <sip:user@[5555::1]:1357>  (why)
 *     +g.oma.sip-push.0x05: present
 * A section without rows shows "(none)". */
char           *pl_state_to_text         (PlState *self);

/* Rows describing one trace event (its name, time and fields) in a new
 * section. An S-CSCF "ifc" event becomes the criterion (priority,
 * server, session case, default handling), one row per Service Point
 * Trigger with its group and result, and whether it matched. */
void            pl_state_add_trace_event (PlState            *self,
                                          const PlTraceEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlState, pl_state_free)

G_END_DECLS
