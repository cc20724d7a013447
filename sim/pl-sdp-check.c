/* pl-sdp-check.c: SDP lines checked before sofia-sip's sdp_parse reads
 * them. Moved from models/pl-msrp-sdp-text.c so that the inspector's SDP
 * pretty printer (sim/pl-inspect-body.c) has the same guard.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "pl-sdp-check.h"

/* sofia-sip's token characters. */
#define SOFIA_TOKEN_CHARS "-!#$%&'*+.^_`{|}~"

static gboolean
is_sofia_token (const char *s,
                const char *extra)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && strchr (SOFIA_TOKEN_CHARS, *s) == NULL
        && (extra == NULL || strchr (extra, *s) == NULL))
      return FALSE;
  return TRUE;
}

/* RFC 4566 §5.14: m=<media> <port>[/<number>] <proto> <fmt> …, single
 * spaces. Checked before sdp_parse: the sofia-sip 1.12.11 of Debian
 * loops without end on a format that is not a token ("m=message 1
 * TCP/MSRP a/b"), found by tests/fuzz/fuzz-sdp.c. */
static gboolean
is_media_line (const char *line)
{
  g_auto (GStrv) fields = g_strsplit (line + 2, " ", -1);
  guint n = g_strv_length (fields);
  const char *port;

  if (n < 4 || !is_sofia_token (fields[0], NULL) || !is_sofia_token (fields[2], "/")
      || fields[1][0] == '\0')
    return FALSE;
  for (port = fields[1]; g_ascii_isdigit (*port) || (*port == '/' && port != fields[1]); port++)
    ;
  if (*port != '\0' || fields[1][strlen (fields[1]) - 1] == '/')
    return FALSE;
  for (guint i = 3; i < n; i++)
    if (!is_sofia_token (fields[i], NULL))
      return FALSE;
  return TRUE;
}

/* sofia-sip skips a line in a media section that is not "<type>=…" (and
 * stops at a one-byte line) without a word; RFC 4566 §5 allows neither. */
gboolean
pl_sdp_check_lines (const char  *text,
                    gsize        len,
                    char       **problem)
{
  g_autofree char *copy = g_strndup (text, len);
  /* Lines end at CR or LF, as sofia-sip splits them; empty ones are
   * skipped, and not counted. */
  g_auto (GStrv) lines = g_strsplit_set (copy, "\r\n", -1);
  guint number = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line == '\0')
        continue;
      number++;
      if (strlen (line) < 2 || !g_ascii_islower (line[0]) || line[1] != '=')
        {
          if (problem)
            *problem = g_strdup_printf ("SDP line %u \"%s\" is not <type>=<value> (RFC 4566 §5); "
                                        "an attribute cannot go on over a second line",
                                        number, line);
          return FALSE;
        }
      if (line[0] == 'm' && !is_media_line (line))
        {
          if (problem)
            *problem = g_strdup_printf ("SDP line %u \"%s\" is not m=<media> <port> <proto> <fmt> … "
                                        "(RFC 4566 §5.14)",
                                        number, line);
          return FALSE;
        }
    }
  return TRUE;
}
