/* pl-uaprof.h: OMA User Agent Profiles (UAProf, RDF/XML after W3C CC/PP):
 * what a device says it accepts, and which push applications it runs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

typedef struct _PlUaprof PlUaprof;

/* Reads the UAProf document in @data (@len bytes) as pl-xml.h reads
 * scenarios: no network, no DTD, no entity substitution, a DOCTYPE
 * refused. Errors are PL_SCENARIO_ERROR, "ORIGIN:LINE:COL: message"
 * saying what was expected; @origin names the document (a file, a URL,
 * "NOTIFY from …"). Components of an unknown type and properties this
 * module does not use are skipped. */
PlUaprof           *pl_uaprof_parse              (const char  *data,
                                                  gsize        len,
                                                  const char  *origin,
                                                  GError     **error);
/* pl_uaprof_parse() of a file, with @path as origin. */
PlUaprof           *pl_uaprof_load               (const char  *path,
                                                  GError     **error);
void                pl_uaprof_free               (PlUaprof *uaprof);

/* HardwarePlatform's Vendor and Model; NULL when the profile has none. */
const char         *pl_uaprof_get_vendor         (const PlUaprof *uaprof);
const char         *pl_uaprof_get_model          (const PlUaprof *uaprof);
/* SoftwarePlatform's CcppAccept and PushCharacteristics' Push-Accept,
 * in document order, each once (compared without regard to case), as
 * written; NULL-terminated, never NULL. */
const char * const *pl_uaprof_get_content_types  (const PlUaprof *uaprof);
/* PushCharacteristics' Push-Accept-AppID as written ("0x05",
 * "x-wap-application:push.syncml"), each once; NULL-terminated. */
const char * const *pl_uaprof_get_push_app_ids   (const PlUaprof *uaprof);
/* PushCharacteristics' Push-MsgSize in bytes; 0 when unknown. */
guint               pl_uaprof_get_push_msg_size  (const PlUaprof *uaprof);

/* Does one of the accepted content types cover @content_type? Type and
 * subtype compare without regard to case, parameters are ignored, and
 * the profile's media ranges (RFC 2616 §14.1: every subtype of a type,
 * or every type) cover what they name. FALSE for a @content_type that
 * is not "type/subtype". */
gboolean            pl_uaprof_accepts            (const PlUaprof *uaprof,
                                                  const char     *content_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlUaprof, pl_uaprof_free)

/* Private to the models (pl-reginfo.c reads its bodies with it too):
 * an XML document held in memory, read the way pl_xml_context_load()
 * reads a file. It belongs next to that function in sim/pl-xml.c, whose
 * contexts can only be loaded from a path. */
typedef struct _PlXmlBody PlXmlBody;

/* Parses @data, which must outlive the body. @root_hint completes "the
 * document is empty (expected …)". */
PlXmlBody *_pl_xml_body_new    (const char  *data,
                                gsize        len,
                                const char  *origin,
                                const char  *root_hint,
                                GError     **error);
void       _pl_xml_body_free   (PlXmlBody *body);
xmlNode   *_pl_xml_body_root   (PlXmlBody *body);
/* Sets @error (PL_SCENARIO_ERROR_INVALID) to "ORIGIN:LINE:COL: MESSAGE"
 * where @node's start tag begins; always returns FALSE. */
gboolean   _pl_xml_body_error  (PlXmlBody   *body,
                                GError     **error,
                                xmlNode     *node,
                                const char  *format,
                                ...) G_GNUC_PRINTF (4, 5);
/* The line where @node's start tag begins (1-based), 0 if unknown. */
int        _pl_xml_body_line   (PlXmlBody   *body,
                                xmlNode     *node);
/* Text of an element that holds text only, trimmed; NULL with @error
 * set when it has a child element. */
char      *_pl_xml_body_text   (PlXmlBody   *body,
                                xmlNode     *element,
                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlXmlBody, _pl_xml_body_free)

G_END_DECLS
