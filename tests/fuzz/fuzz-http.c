/* fuzz-http.c: fuzz target of the HTTP/1.1 framer (sim/pl-http.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Any input either fails with a PL_HTTP_ERROR that says at which byte,
 * or parses to one message: a request (method and target) or a response
 * (status 100..999), whose body is within the input and as long as its
 * Content-Length says, and which parses the same way twice. Anything
 * else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-http.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "fuzz-http: %s\n%s\n", what, detail ? detail : "");
  abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHttpMessage) msg = NULL;
  g_autoptr (PlHttpMessage) again = NULL;
  g_autofree char *label = NULL;
  g_autofree char *label2 = NULL;
  const char *length;
  gsize body_len;

  msg = pl_http_parse_data ((const char *) data, size, &error);
  if (msg == NULL)
    {
      if (error == NULL || error->domain != PL_HTTP_ERROR ||
          !g_str_has_prefix (error->message, "byte "))
        fail ("a failure without an error that names the byte", error ? error->message : NULL);
      return 0;
    }
  if (error != NULL)
    fail ("an error set on success", error->message);

  if (pl_http_message_is_request (msg))
    {
      if (pl_http_message_get_method (msg) == NULL || *pl_http_message_get_method (msg) == '\0'
          || pl_http_message_get_target (msg) == NULL || pl_http_message_get_status (msg) != 0)
        fail ("a request without method and target", NULL);
    }
  else if (pl_http_message_get_status (msg) < 100 || pl_http_message_get_status (msg) > 999
           || pl_http_message_get_reason (msg) == NULL)
    fail ("a response without a status", NULL);
  if (pl_http_message_get_version (msg) == NULL
      || strlen (pl_http_message_get_version (msg)) != 8)
    fail ("no HTTP version", NULL);

  body_len = g_bytes_get_size (pl_http_message_get_body (msg));
  if (body_len > size)
    fail ("a body longer than the input", NULL);
  length = pl_http_message_get_header (msg, "Content-Length");
  if (length && body_len != 0 && g_ascii_strtoull (length, NULL, 10) != body_len)
    fail ("a body that is not its Content-Length", length);
  for (guint i = 0; i < pl_http_message_get_n_headers (msg); i++)
    if (pl_http_message_get_header_name (msg, i) == NULL
        || pl_http_message_get_header_value (msg, i) == NULL)
      fail ("a header without name or value", NULL);

  label = pl_http_message_label (msg);
  again = pl_http_parse_data ((const char *) data, size, NULL);
  if (again == NULL)
    fail ("the same bytes do not parse twice", label);
  label2 = pl_http_message_label (again);
  if (g_strcmp0 (label, label2) != 0
      || pl_http_message_get_n_headers (msg) != pl_http_message_get_n_headers (again)
      || !g_bytes_equal (pl_http_message_get_body (msg), pl_http_message_get_body (again)))
    fail ("the same bytes parse to another message", label);
  return 0;
}
