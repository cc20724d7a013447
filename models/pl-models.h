/* pl-models.h: the node kinds of PushLab's models.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers every node kind with the engine; call once before loading. */
void pl_models_register (void);

G_END_DECLS
