/* pl-xml-private.h: what the parts of pl-xml share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-xml.h"

G_BEGIN_DECLS

/* Sets @error to "FILE:LINE:COL: MESSAGE"; LINE and COL are left out
 * when 0. */
void  _pl_xml_set_error_at  (PlXmlContext  *ctx,
                             GError       **error,
                             int            code,
                             int            line,
                             int            column,
                             const char    *message);
/* A libxml2 message without its trailing newline; free with g_free. */
char *_pl_xml_trim_message  (const char *message);

G_END_DECLS
