/* fuzz-msrp.c: fuzz target of the MSRP parser, printer and framer
 * (sim/pl-msrp.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any input either yields frames, asks for more bytes, or fails with a
 * PL_MSRP_ERROR. Every frame parsed prints, and what it prints parses
 * back into a frame that prints the same bytes. The framer fed the input
 * in two segments (split at every 7th of it) yields the same frames as
 * the input parsed whole. Byte-Range and Status values that parse are
 * consistent. Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-msrp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "fuzz-msrp: %s\n%s\n", what, detail ? detail : "");
  abort ();
}

static GBytes *
print (const PlMsrpFrame *frame)
{
  g_autoptr (GError) error = NULL;
  GBytes *wire = pl_msrp_frame_to_bytes (frame, &error);

  if (wire == NULL)
    fail ("a parsed frame does not print", error ? error->message : NULL);
  return wire;
}

static void
check_headers (const PlMsrpFrame *frame)
{
  const char *range = pl_msrp_frame_get_header (frame, "Byte-Range");
  const char *status = pl_msrp_frame_get_header (frame, "Status");
  guint64 start;
  gint64 end, total;
  guint ns, code;
  const char *comment;

  if (range && pl_msrp_parse_byte_range (range, &start, &end, &total))
    {
      if (start == 0 || (end >= 0 && (guint64) end + 1 < start)
          || (end >= 0 && total >= 0 && end > total))
        fail ("an inconsistent Byte-Range was accepted", range);
    }
  if (status && pl_msrp_parse_status (status, &ns, &code, &comment))
    {
      if (ns > 999 || code > 999)
        fail ("a Status with more than three digits was accepted", status);
    }
}

/* Parses every frame of @bytes whole; returns them printed, in order. */
static GPtrArray *
frames_whole (GBytes *bytes)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize offset = 0, size = g_bytes_get_size (bytes);

  while (offset < size)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpFrame) frame = NULL;
      g_autoptr (PlMsrpFrame) again = NULL;
      g_autoptr (GBytes) wire = NULL;
      g_autoptr (GBytes) wire2 = NULL;
      gsize consumed = 0, consumed2 = 0;

      frame = pl_msrp_frame_parse (bytes, offset, &consumed, &error);
      if (frame == NULL)
        {
          if (error && error->domain != PL_MSRP_ERROR)
            fail ("an error outside PL_MSRP_ERROR", error->message);
          if (consumed != 0)
            fail ("bytes consumed without a frame", NULL);
          break;
        }
      if (consumed == 0 || consumed > size - offset)
        fail ("a frame of impossible length", NULL);
      check_headers (frame);
      wire = print (frame);
      again = pl_msrp_frame_parse (wire, 0, &consumed2, &error);
      if (again == NULL)
        fail ("a printed frame does not parse", error ? error->message : "(incomplete)");
      if (consumed2 != g_bytes_get_size (wire))
        fail ("a printed frame parses to a different length", NULL);
      wire2 = print (again);
      if (!g_bytes_equal (wire, wire2))
        fail ("printing is not stable", NULL);
      g_ptr_array_add (out, g_steal_pointer (&wire));
      offset += consumed;
    }
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GPtrArray) whole = frames_whole (bytes);
  g_autoptr (PlMsrpFramer) framer = pl_msrp_framer_new ();
  g_autoptr (GBytes) first = g_bytes_new (data, size / 7);
  g_autoptr (GBytes) rest = g_bytes_new (data + size / 7, size - size / 7);
  g_autoptr (GError) error = NULL;
  GBytes *segments[2] = { first, rest };
  guint n = 0;

  for (guint s = 0; s < 2 && error == NULL; s++)
    {
      PlMsrpFrame *frame;

      pl_msrp_framer_push (framer, segments[s]);
      while ((frame = pl_msrp_framer_next (framer, &error)))
        {
          g_autoptr (GBytes) wire = print (frame);

          pl_msrp_frame_free (frame);
          if (n >= whole->len)
            fail ("the framer finds more frames than the parser", NULL);
          if (!g_bytes_equal (wire, whole->pdata[n]))
            fail ("the framer and the parser disagree on a frame", NULL);
          n++;
        }
    }
  if (error == NULL && n != whole->len)
    fail ("the framer finds fewer frames than the parser", NULL);
  return 0;
}
