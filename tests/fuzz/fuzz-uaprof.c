/* fuzz-uaprof.c: fuzz target of the UAProf parser (models/pl-uaprof.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any input either fails with an error that names its origin, or parses
 * to a profile whose accepted content types are each accepted by
 * pl_uaprof_accepts(), listed once (without regard to case), as are the
 * push application ids; parsing the same bytes again gives the same
 * profile. Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-uaprof.h"
#include "pl-xml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "fuzz-uaprof: %s\n%s\n", what, detail ? detail : "");
  abort ();
}

static void
check_unique (const char * const *list,
              const char         *what)
{
  for (guint i = 0; list[i]; i++)
    {
      if (*list[i] == '\0')
        fail ("an empty entry", what);
      for (guint j = 0; j < i; j++)
        if (g_ascii_strcasecmp (list[i], list[j]) == 0)
          fail ("an entry listed twice", list[i]);
    }
}

static gboolean
same_list (const char * const *a,
           const char * const *b)
{
  return g_strv_equal (a, b);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  g_autoptr (PlUaprof) again = NULL;
  const char * const *types;

  uaprof = pl_uaprof_parse ((const char *) data, size, "fuzz", &error);
  if (uaprof == NULL)
    {
      if (error == NULL || error->domain != PL_SCENARIO_ERROR ||
          !g_str_has_prefix (error->message, "fuzz"))
        fail ("a failure without an error that names the origin",
              error ? error->message : NULL);
      return 0;
    }
  if (error != NULL)
    fail ("an error set on success", error->message);

  types = pl_uaprof_get_content_types (uaprof);
  check_unique (types, "content types");
  check_unique (pl_uaprof_get_push_app_ids (uaprof), "push application ids");
  for (guint i = 0; types[i]; i++)
    if (!pl_uaprof_accepts (uaprof, types[i]))
      fail ("a listed content type is not accepted", types[i]);

  again = pl_uaprof_parse ((const char *) data, size, "again", &error);
  if (again == NULL)
    fail ("the same bytes do not parse twice", error ? error->message : NULL);
  if (g_strcmp0 (pl_uaprof_get_vendor (uaprof), pl_uaprof_get_vendor (again)) != 0 ||
      g_strcmp0 (pl_uaprof_get_model (uaprof), pl_uaprof_get_model (again)) != 0 ||
      pl_uaprof_get_push_msg_size (uaprof) != pl_uaprof_get_push_msg_size (again) ||
      !same_list (types, pl_uaprof_get_content_types (again)) ||
      !same_list (pl_uaprof_get_push_app_ids (uaprof), pl_uaprof_get_push_app_ids (again)))
    fail ("the same bytes parse to another profile", NULL);
  return 0;
}
