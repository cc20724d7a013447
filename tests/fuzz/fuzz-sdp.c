/* fuzz-sdp.c: fuzz target of the MSRP SDP reader and printer
 * (models/pl-msrp-sdp*.c, pl-msrp-file-selector.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any input either reads as an MSRP description or fails with a
 * PL_MSRP_SDP_ERROR, as SDP and as a file-selector value alike. A
 * description read that prints reads back, and prints the same bytes; a
 * file selector read prints, reads back and prints the same. Anything
 * else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-msrp-sdp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "fuzz-sdp: %s\n%s\n", what, detail ? detail : "");
  abort ();
}

static void
check_error (const GError *error)
{
  if (error == NULL || error->domain != PL_MSRP_SDP_ERROR)
    fail ("a failure without a PL_MSRP_SDP_ERROR", error ? error->message : NULL);
  if (pl_msrp_sdp_error_status (error) != 400 && pl_msrp_sdp_error_status (error) != 488)
    fail ("an error with no SIP status", error->message);
}

static void
check_sdp (const char *text,
           gsize       len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpSdp) sdp = pl_msrp_sdp_parse (text, len, &error);
  g_autoptr (PlMsrpSdp) again = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *reprinted = NULL;

  if (sdp == NULL)
    {
      check_error (error);
      return;
    }
  /* A refused stream may lack what printing needs (c=, a=path). */
  printed = pl_msrp_sdp_to_string (sdp, &error);
  if (printed == NULL)
    {
      check_error (error);
      return;
    }
  again = pl_msrp_sdp_parse (printed, strlen (printed), &error);
  if (again == NULL)
    fail ("a printed description does not read back", error->message);
  reprinted = pl_msrp_sdp_to_string (again, &error);
  if (reprinted == NULL || strcmp (printed, reprinted) != 0)
    fail ("a description read back prints differently", printed);
}

static void
check_selector (const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlMsrpFileSelector) fs = pl_msrp_file_selector_parse (value, &error);
  g_autoptr (PlMsrpFileSelector) again = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *reprinted = NULL;

  if (fs == NULL)
    {
      check_error (error);
      return;
    }
  printed = pl_msrp_file_selector_to_string (fs);
  again = pl_msrp_file_selector_parse (printed, &error);
  if (again == NULL)
    fail ("a printed file selector does not read back", error->message);
  reprinted = pl_msrp_file_selector_to_string (again);
  if (strcmp (printed, reprinted) != 0)
    fail ("a file selector read back prints differently", printed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  check_sdp ((const char *) data, size);
  check_selector (text);
  return 0;
}
