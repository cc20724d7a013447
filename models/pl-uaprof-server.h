/* pl-uaprof-server.h: the UAProf server (node kind "uaprof-server"):
 * answers HTTP GETs of device-profile URLs (SIP Push §8.1.3.3) with the
 * UAProf documents it holds.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

#define PL_TYPE_UAPROF_SERVER (pl_uaprof_server_get_type ())
G_DECLARE_FINAL_TYPE (PlUaprofServer, pl_uaprof_server, PL, UAPROF_SERVER, PlNode)

/* The content type of every profile served: RDF/XML (RFC 3870). */
#define PL_UAPROF_CONTENT_TYPE "application/rdf+xml"

/* Serves @document (a UAProf RDF document, checked with pl_uaprof_parse)
 * at @path ("/syncml-phone.rdf"); FALSE with an error when it does not
 * parse, the path is not an absolute path, or it is taken already. */
gboolean pl_uaprof_server_add_profile (PlUaprofServer  *self,
                                       const char      *path,
                                       GBytes          *document,
                                       const char      *origin,
                                       GError         **error);
/* Serves @document at @path as @content_type (a push content that a
 * MESSAGE names by reference, RFC 4483). */
gboolean pl_uaprof_server_add_content (PlUaprofServer  *self,
                                       const char      *path,
                                       const char      *content_type,
                                       GBytes          *document,
                                       GError         **error);
guint    pl_uaprof_server_get_n_fetches (PlUaprofServer *self);

G_END_DECLS
