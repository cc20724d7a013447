/* pl-sdp-check.h: what SDP text must look like before sofia-sip's
 * sdp_parse reads it (RFC 4566 §5): shared by the MSRP session model and
 * the inspector's pretty printer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Is every line of @len bytes of @text "<type>=<value>", and every m=
 * line m=<media> <port>[/<number>] <proto> <fmt> … with sofia-sip tokens?
 * sofia-sip skips the former silently and, in Debian's 1.12.11, loops
 * without end on a format that is not a token. On FALSE, *problem (may
 * be NULL) names the line and what was expected. */
gboolean pl_sdp_check_lines (const char  *text,
                             gsize        len,
                             char       **problem);

G_END_DECLS
