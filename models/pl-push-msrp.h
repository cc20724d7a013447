/* pl-push-msrp.h: MSRP sessions (pl-msrp-session) for pushes by INVITE.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes pushes by INVITE carry their content over MSRP (B.3 steps
 * 7–11); pl_models_register() calls it. */
void pl_push_msrp_install (void);

G_END_DECLS
