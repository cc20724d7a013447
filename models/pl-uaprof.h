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

G_END_DECLS
