/* pl-xml.h: reading scenario XML with errors that name file:line:column.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "pl-types.h"

G_BEGIN_DECLS

#define PL_SCENARIO_ERROR (pl_scenario_error_quark ())
GQuark pl_scenario_error_quark (void);

typedef enum {
  PL_SCENARIO_ERROR_FILE,    /* cannot read the file */
  PL_SCENARIO_ERROR_SYNTAX,  /* not well-formed XML, or a DOCTYPE */
  PL_SCENARIO_ERROR_SCHEMA,  /* does not validate against scenario.xsd */
  PL_SCENARIO_ERROR_INVALID, /* valid XML, but wrong meaning */
} PlScenarioError;

/* Parses @path with network access, DTD loading and entity substitution
 * off; a document with a DOCTYPE is refused. Elements remember their
 * column (libxml2 keeps only lines). */
PlXmlContext *pl_xml_context_load      (const char  *path,
                                        GError     **error);

typedef enum {
  PL_XML_LOAD_DEFAULT      = 0,
  PL_XML_LOAD_NO_BLANKS    = 1 << 0, /* drop whitespace-only text nodes */
  /* A namespace name that is not a URI does not fail the parse; the
   * caller checks names itself, then pl_xml_context_check_ns_uri(). */
  PL_XML_LOAD_DEFER_NS_URI = 1 << 1,
} PlXmlLoadFlags;

/* Parses @len bytes of @data (copied) as pl_xml_context_load() parses a
 * file; errors say "ORIGIN:LINE:COL: …". pl_xml_context_get_file()
 * returns @origin, and pl_xml_context_resolve() resolves relative to the
 * current directory. */
PlXmlContext *pl_xml_context_load_memory (const char  *data,
                                          gsize        len,
                                          const char  *origin,
                                          GError     **error);
/* @empty_message replaces "the document is empty" when not NULL. */
PlXmlContext *pl_xml_context_load_memory_full (const char      *data,
                                               gsize            len,
                                               const char      *origin,
                                               PlXmlLoadFlags   flags,
                                               const char      *empty_message,
                                               GError         **error);
/* Sets @error (PL_SCENARIO_ERROR_INVALID) to libxml2's first deferred
 * namespace-name error, if any. */
gboolean      pl_xml_context_check_ns_uri (PlXmlContext  *ctx,
                                           GError       **error);
void          pl_xml_context_free      (PlXmlContext *ctx);
xmlDoc       *pl_xml_context_get_doc   (PlXmlContext *ctx);
const char   *pl_xml_context_get_file  (PlXmlContext *ctx);
/* @href relative to the scenario's folder (absolute stays); for a
 * context loaded from memory, relative to the current directory. */
char         *pl_xml_context_resolve   (PlXmlContext *ctx,
                                        const char   *href);

/* Validates against the scenario schema compiled into the library. */
gboolean      pl_xml_context_validate  (PlXmlContext  *ctx,
                                        GError       **error);

/* Sets @error to "FILE:LINE:COL: MESSAGE" for @node (and @attr, whose own
 * column is used when given). Always returns FALSE. */
gboolean      pl_xml_error             (PlXmlContext  *ctx,
                                        GError       **error,
                                        xmlNode       *node,
                                        const char    *attr,
                                        const char    *format,
                                        ...) G_GNUC_PRINTF (5, 6);

int           pl_xml_get_line          (xmlNode *node);
/* Line and column of @node's start tag, or of its attribute @attr when
 * given and present (a long start tag may span several lines). */
void          pl_xml_get_position      (PlXmlContext *ctx,
                                        xmlNode      *node,
                                        const char   *attr,
                                        int          *line,
                                        int          *column);
int           pl_xml_get_column        (PlXmlContext *ctx,
                                        xmlNode      *node,
                                        const char   *attr);

/* Attribute value owned by the document, or NULL. */
const char   *pl_xml_attr              (xmlNode    *node,
                                        const char *name);
/* Fails on any attribute not in the NULL-terminated @allowed list. */
gboolean      pl_xml_check_attrs       (PlXmlContext        *ctx,
                                        xmlNode             *node,
                                        const char * const  *allowed,
                                        GError             **error);
gboolean      pl_xml_require_attr      (PlXmlContext  *ctx,
                                        xmlNode       *node,
                                        const char    *name,
                                        const char   **out,
                                        GError       **error);
/* The typed getters leave *out at @def when the attribute is absent. */
gboolean      pl_xml_attr_duration     (PlXmlContext  *ctx,
                                        xmlNode       *node,
                                        const char    *name,
                                        PlTime         def,
                                        PlTime        *out,
                                        GError       **error);
gboolean      pl_xml_attr_bandwidth    (PlXmlContext  *ctx,
                                        xmlNode       *node,
                                        const char    *name,
                                        guint64        def,
                                        guint64       *out,
                                        GError       **error);
gboolean      pl_xml_attr_uint         (PlXmlContext  *ctx,
                                        xmlNode       *node,
                                        const char    *name,
                                        guint64        def,
                                        guint64        min,
                                        guint64        max,
                                        guint64       *out,
                                        GError       **error);
gboolean      pl_xml_attr_double       (PlXmlContext  *ctx,
                                        xmlNode       *node,
                                        const char    *name,
                                        double         def,
                                        double         min,
                                        double         max,
                                        double        *out,
                                        GError       **error);
gboolean      pl_xml_attr_bool         (PlXmlContext  *ctx,
                                        xmlNode       *node,
                                        const char    *name,
                                        gboolean       def,
                                        gboolean      *out,
                                        GError       **error);
/* *out is the index of the value in NULL-terminated @values. */
gboolean      pl_xml_attr_enum         (PlXmlContext        *ctx,
                                        xmlNode             *node,
                                        const char          *name,
                                        const char * const  *values,
                                        int                  def,
                                        int                 *out,
                                        GError             **error);
/* Text content of an element, trimmed; free with g_free. */
char         *pl_xml_text              (xmlNode *node);
/* pl_xml_text() of an element that must hold text only: NULL with
 * @error set when it has a child element. */
char         *pl_xml_text_only         (PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        GError       **error);

/* "0", "500us", "40ms", "2s", "1.5s", "2min", "1h" -> microseconds. */
gboolean      pl_parse_duration        (const char *text,
                                        PlTime     *out);
/* "64kbps", "1Mbps", "10Gbps", "9600" (bits per second). */
gboolean      pl_parse_bandwidth       (const char *text,
                                        guint64    *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlXmlContext, pl_xml_context_free)

/* Element iteration. */
#define pl_xml_foreach_element(parent, child) \
  for (xmlNode *child = xmlFirstElementChild (parent); child; child = xmlNextElementSibling (child))

G_END_DECLS
