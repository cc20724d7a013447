/* pushlab.c: the headless command line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pushlab"

#include <locale.h>

#include "pl-cli.h"
#include "pl-models.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  pl_models_register ();
  return pl_cli_main (argc, argv);
}
