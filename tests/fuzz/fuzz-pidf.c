/* fuzz-pidf.c: fuzz target of the PIDF parser (models/pl-pidf.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any input either fails with an error that names its origin, or parses;
 * a parsed document is written, and what is written must parse again to
 * the same device-profile URLs, tuples, persons and devices, and write the
 * same bytes; composing it with itself must change nothing. Anything else
 * aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-pidf.h"
#include "pl-xml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "fuzz-pidf: %s\n%s\n", what, detail ? detail : "");
  abort ();
}

static gboolean
same_components (const PlPidf *a,
                 const PlPidf *b)
{
  if (g_strcmp0 (pl_pidf_get_entity (a), pl_pidf_get_entity (b)) != 0 ||
      pl_pidf_get_n_tuples (a) != pl_pidf_get_n_tuples (b) ||
      pl_pidf_get_n_persons (a) != pl_pidf_get_n_persons (b) ||
      pl_pidf_get_n_devices (a) != pl_pidf_get_n_devices (b))
    return FALSE;
  for (guint i = 0; i < pl_pidf_get_n_tuples (a); i++)
    {
      const PlPidfTuple *x = pl_pidf_get_tuple (a, i), *y = pl_pidf_get_tuple (b, i);

      if (g_strcmp0 (pl_pidf_tuple_get_id (x), pl_pidf_tuple_get_id (y)) != 0 ||
          pl_pidf_tuple_get_basic (x) != pl_pidf_tuple_get_basic (y) ||
          g_strcmp0 (pl_pidf_tuple_get_contact (x), pl_pidf_tuple_get_contact (y)) != 0 ||
          g_strcmp0 (pl_pidf_tuple_get_note (x), pl_pidf_tuple_get_note (y)) != 0 ||
          g_strcmp0 (pl_pidf_tuple_get_timestamp (x), pl_pidf_tuple_get_timestamp (y)) != 0)
        return FALSE;
    }
  for (guint i = 0; i < pl_pidf_get_n_persons (a); i++)
    if (g_strcmp0 (pl_pidf_person_get_id (pl_pidf_get_person (a, i)),
                   pl_pidf_person_get_id (pl_pidf_get_person (b, i))) != 0)
      return FALSE;
  for (guint i = 0; i < pl_pidf_get_n_devices (a); i++)
    {
      const PlPidfDevice *x = pl_pidf_get_device (a, i), *y = pl_pidf_get_device (b, i);

      if (g_strcmp0 (pl_pidf_device_get_id (x), pl_pidf_device_get_id (y)) != 0 ||
          g_strcmp0 (pl_pidf_device_get_device_id (x), pl_pidf_device_get_device_id (y)) != 0 ||
          g_strcmp0 (pl_pidf_device_get_timestamp (x), pl_pidf_device_get_timestamp (y)) != 0)
        return FALSE;
    }
  return TRUE;
}

/* A later publication with the same devices under new ids and without
 * device-profiles: composed, each device is merged into the earlier one
 * (OMA rule, SIP Push §8.1.3.4) and keeps its place and device-profile. */
static void
check_device_merge (const PlPidf       *pidf,
                    const char * const *profiles,
                    const char         *text)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (PlPidf) later = pl_pidf_new (pl_pidf_get_entity (pidf));
  g_autoptr (PlPidf) composed = NULL;
  g_auto (GStrv) merged = NULL;
  g_autoptr (GString) prefix = g_string_new ("_later");
  guint n = pl_pidf_get_n_devices (pidf);

  for (guint i = 0; i < pl_pidf_get_n_tuples (pidf); i++)
    g_ptr_array_add (ids, (gpointer) pl_pidf_tuple_get_id (pl_pidf_get_tuple (pidf, i)));
  for (guint i = 0; i < pl_pidf_get_n_persons (pidf); i++)
    g_ptr_array_add (ids, (gpointer) pl_pidf_person_get_id (pl_pidf_get_person (pidf, i)));
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ids, (gpointer) pl_pidf_device_get_id (pl_pidf_get_device (pidf, i)));
  /* New ids start with a prefix that no id of @pidf starts with. */
  for (gboolean clash = TRUE; clash;)
    {
      clash = FALSE;
      for (guint i = 0; i < ids->len && !clash; i++)
        clash = g_str_has_prefix (ids->pdata[i], prefix->str);
      if (clash)
        g_string_append_c (prefix, '_');
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s%u", prefix->str, i);
      const char *device_id = pl_pidf_device_get_device_id (pl_pidf_get_device (pidf, i));

      if (pl_pidf_add_device (later, id, device_id, NULL) == NULL)
        fail ("a device could not be built", id);
    }

  composed = pl_pidf_compose ((PlPidf *[]) { (PlPidf *) pidf, later }, 2);
  merged = pl_pidf_dup_device_profiles (composed);
  if (pl_pidf_get_n_devices (composed) != n ||
      !g_strv_equal ((const char * const *) merged, profiles))
    fail ("merging devices by deviceID lost or moved a device-profile", text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = NULL;
  g_autoptr (PlPidf) again = NULL;
  g_autoptr (PlPidf) composed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  g_autofree char *text_composed = NULL;
  g_auto (GStrv) profiles = NULL;
  g_auto (GStrv) profiles_again = NULL;
  gsize len;

  pidf = pl_pidf_parse ((const char *) data, size, "fuzz", &error);
  if (pidf == NULL)
    {
      if (error == NULL || error->domain != PL_SCENARIO_ERROR ||
          !g_str_has_prefix (error->message, "fuzz"))
        fail ("a failure without an error that names the origin",
              error ? error->message : NULL);
      return 0;
    }
  if (error != NULL)
    fail ("an error set on success", error->message);

  text = pl_pidf_write (pidf, &len);
  if (text == NULL || strlen (text) != len)
    fail ("the written length is wrong", text);
  again = pl_pidf_parse (text, len, "written", &error);
  if (again == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("%s\n%s", error->message, text);

      fail ("the written document does not parse", detail);
    }

  profiles = pl_pidf_dup_device_profiles (pidf);
  profiles_again = pl_pidf_dup_device_profiles (again);
  if (!g_strv_equal ((const char * const *) profiles, (const char * const *) profiles_again))
    fail ("the device-profile URLs changed when written and parsed again", text);
  if (!same_components (pidf, again))
    fail ("tuples, persons or devices changed when written and parsed again", text);

  text_again = pl_pidf_write (again, NULL);
  if (strcmp (text, text_again) != 0)
    {
      g_autofree char *detail = g_strdup_printf ("%s\n----\n%s", text, text_again);

      fail ("writing a written document again gives other bytes", detail);
    }

  composed = pl_pidf_compose ((PlPidf *[]) { again, again }, 2);
  text_composed = pl_pidf_write (composed, NULL);
  if (strcmp (text, text_composed) != 0)
    {
      g_autofree char *detail = g_strdup_printf ("%s\n----\n%s", text, text_composed);

      fail ("a document composed with itself changed", detail);
    }

  check_device_merge (again, (const char * const *) profiles, text);
  return 0;
}
