/* pl-cli.h: the headless command line (pushlab).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit status: 0 every expectation held, 1 one failed, 2 bad input. */
int pl_cli_main (int    argc,
                 char **argv);

/* Folder of the bundled scenarios: $PUSHLAB_SCENARIODIR, the source tree,
 * or the installed data folder. */
char *pl_cli_scenario_dir (void);

/* Sorted *.xml paths of @dir. */
GPtrArray *pl_cli_list_dir (const char  *dir,
                            GError     **error);

/* pl-cli-compare.c: `pushlab compare`; 0 identical, 1 differ, 2 bad input. */
int _pl_cli_compare (int    argc,
                     char **argv);

G_END_DECLS
