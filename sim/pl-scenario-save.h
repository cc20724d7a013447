/* pl-scenario-save.h: writing alteration rules into a scenario file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pl-rule.h"
#include "pl-sim.h"

G_BEGIN_DECLS

/* The <rule .../> element that the scenario loader reads back as @rule:
 * the same attributes (nodes by id, durations such as "40ms", statuses
 * such as "415" or "4xx", text escaped for XML). NULL with @error when
 * the rule cannot be written (a body that is not text, a node index the
 * sim does not have, a status range that is neither one code nor a
 * class). */
char     *pl_rule_to_xml          (PlRule   *rule,
                                   PlSim    *sim,
                                   GError  **error);

/* Reads @in_path, appends @rules (in that order, after the rules it has)
 * to its <alter> (created before <expect>, or last, when missing) and
 * writes the result to @out_path (may be @in_path). Everything else stays
 * byte for byte as written: the file is read through pl-xml's safe loading
 * (no network, no entities, no DOCTYPE), and the new elements are spliced
 * into its text, indented like their neighbours. Relative paths in the file
 * (body-file, href, ...) are left as they are: keep @out_path in the same
 * folder as @in_path for them to resolve. Fails (nothing written) when a
 * rule's id is already used in the file, explicitly or as the rule-N a
 * rule without id gets. */
gboolean  pl_scenario_save_rules  (const char  *in_path,
                                   const char  *out_path,
                                   PlRule     **rules,
                                   guint        n_rules,
                                   PlSim       *sim,
                                   GError     **error);

G_END_DECLS
