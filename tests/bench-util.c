/* bench-util.c: what the benchmark programs share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bench-util.h"

gint64
bench_proc_status_kib (const char *field)
{
  g_autofree char *text = NULL;
  gsize len = strlen (field);

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  for (const char *line = text; line && *line; line = strchr (line, '\n'))
    {
      if (*line == '\n')
        line++;
      if (strncmp (line, field, len) == 0 && line[len] == ':')
        return g_ascii_strtoll (line + len + 1, NULL, 10);
    }
  return -1;
}

double
bench_seconds_since (gint64 start_us)
{
  return (double) (g_get_monotonic_time () - start_us) / G_USEC_PER_SEC;
}
