/* fuzz-reginfo.c: fuzz target of the reginfo parser and writer
 * (models/pl-reginfo.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any input either fails with an error that names its origin, or parses;
 * a parsed document is written, and what is written must parse again
 * and write the same bytes. A full document must start a watcher's view
 * (RFC 3680 §5.2) that holds no terminated entry, and the same document
 * applied twice must be stale. Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-reginfo.h"
#include "pl-xml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "fuzz-reginfo: %s\n%s\n", what, detail ? detail : "");
  abort ();
}

static void
check_view (const PlReginfo *view)
{
  for (guint i = 0; i < pl_reginfo_get_n_registrations (view); i++)
    {
      const PlReginfoRegistration *reg = pl_reginfo_get_registration (view, i);

      if (pl_reginfo_registration_get_state (reg) == PL_REGINFO_REGISTRATION_TERMINATED)
        fail ("a terminated registration stayed in the view",
              pl_reginfo_registration_get_id (reg));
      for (guint j = 0; j < pl_reginfo_registration_get_n_contacts (reg); j++)
        {
          const PlReginfoContact *contact = pl_reginfo_registration_get_contact (reg, j);
          g_auto (GStrv) apps_2006 = pl_reginfo_contact_dup_push_apps (contact,
                                                                      PL_DIALECT_OMA_2006);
          g_auto (GStrv) apps_1_0 = pl_reginfo_contact_dup_push_apps (contact,
                                                                     PL_DIALECT_OMA_1_0);

          if (pl_reginfo_contact_get_state (contact) == PL_REGINFO_CONTACT_TERMINATED)
            fail ("a terminated contact stayed in the view", pl_reginfo_contact_get_id (contact));
          if (apps_2006 == NULL || apps_1_0 == NULL)
            fail ("no push application list", NULL);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlReginfo) reginfo = NULL;
  g_autoptr (PlReginfo) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  gsize len;

  reginfo = pl_reginfo_parse ((const char *) data, size, "fuzz", &error);
  if (reginfo == NULL)
    {
      if (error == NULL || error->domain != PL_SCENARIO_ERROR ||
          !g_str_has_prefix (error->message, "fuzz"))
        fail ("a failure without an error that names the origin",
              error ? error->message : NULL);
      return 0;
    }
  if (error != NULL)
    fail ("an error set on success", error->message);

  text = pl_reginfo_write (reginfo, &len);
  if (text == NULL || strlen (text) != len)
    fail ("the written length is wrong", text);
  again = pl_reginfo_parse (text, len, "written", &error);
  if (again == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("%s\n%s", error->message, text);

      fail ("the written document does not parse", detail);
    }
  text_again = pl_reginfo_write (again, NULL);
  if (strcmp (text, text_again) != 0)
    {
      g_autofree char *detail = g_strdup_printf ("%s\n----\n%s", text, text_again);

      fail ("writing a written document again gives other bytes", detail);
    }

  if (pl_reginfo_is_full (reginfo))
    {
      g_autoptr (PlReginfo) view = pl_reginfo_new_watch ();

      if (!pl_reginfo_apply (view, reginfo, &error))
        fail ("a full document does not start a view", error->message);
      if (pl_reginfo_get_version (view) != pl_reginfo_get_version (reginfo) ||
          pl_reginfo_get_n_registrations (view) > pl_reginfo_get_n_registrations (reginfo))
        fail ("the view is not the document's", text);
      check_view (view);
      if (pl_reginfo_apply (view, again, &error) ||
          !g_error_matches (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_STALE))
        fail ("the same version applied twice is not stale", text);
      g_clear_error (&error);
    }
  return 0;
}
