/* pl-msrp-file-selector.c: the value of RFC 5547's a=file-selector.
 *
 * Hand-written: sofia-sip's SDP parser hands attribute values over as
 * text, and nothing else reads this grammar (RFC 5547 §10):
 *
 *   file-selector-attr = "file-selector" [":" selector *(SP selector)]
 *   selector          = filename-selector / filesize-selector /
 *                       filetype-selector / hash-selector
 *   filename-selector = "name:" DQUOTE filename-string DQUOTE
 *   filename-string   = 1*(filename-char / percent-encoded)
 *   filename-char     = any byte but NUL, CR, LF, DQUOTE and "%"
 *   filesize-selector = "size:" filesize-value        ; 1*DIGIT
 *   filetype-selector = "type:" type "/" subtype *(";" ft-parameter)
 *   ft-parameter      = attribute "=" DQUOTE value-string DQUOTE
 *   hash-selector     = "hash:" hash-algorithm ":" hash-value
 *   hash-value        = 2HEXDIG *(":" 2HEXDIG)
 *
 * The %-decoding and encoding of names is GLib's (g_uri_unescape_string,
 * g_uri_escape_string).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp-sdp"

#include <string.h>

#include "pl-msrp-sdp.h"

/* RFC 3261 §25.1 token, which RFC 5547 uses for hash-algorithm. */
#define TOKEN_CHARS "-.!%*_+`'~"

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr (TOKEN_CHARS, c) != NULL);
}

void
pl_msrp_file_selector_free (PlMsrpFileSelector *selector)
{
  if (selector == NULL)
    return;
  g_free (selector->name);
  g_free (selector->type);
  g_free (selector);
}

static gboolean
selector_error (GError    **error,
                const char *value,
                const char *at,
                const char *what)
{
  g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
               "a=file-selector: %s at byte %u of \"%s\" (RFC 5547 §10)", what,
               (guint) (at - value) + 1, value);
  return FALSE;
}

/* name:"…" — @p is just past "name:". */
static gboolean
parse_name (const char         *value,
            const char        **p,
            PlMsrpFileSelector *fs,
            GError            **error)
{
  const char *start, *end;
  g_autofree char *raw = NULL;

  if (**p != '"')
    return selector_error (error, value, *p, "expected a quoted file name after \"name:\"");
  start = *p + 1;
  end = strpbrk (start, "\"\r\n");
  if (end == NULL || *end != '"')
    return selector_error (error, value, start, "the file name's closing quote is missing");
  if (end == start)
    return selector_error (error, value, start, "the file name is empty");
  raw = g_strndup (start, end - start);
  /* '%' introduces an escape; an escaped NUL is refused by GLib. */
  fs->name = g_uri_unescape_string (raw, NULL);
  if (fs->name == NULL)
    return selector_error (error, value, start, "the file name holds a bad %-escape");
  *p = end + 1;
  return TRUE;
}

/* type:type/subtype;attr="value" — parameter values may hold spaces. */
static gboolean
parse_type (const char         *value,
            const char        **p,
            PlMsrpFileSelector *fs,
            GError            **error)
{
  const char *start = *p, *q = *p, *slash = NULL;
  gboolean quoted = FALSE;

  while (*q != '\0' && (quoted || *q != ' '))
    {
      if (*q == '"')
        quoted = !quoted;
      q++;
    }
  if (quoted)
    return selector_error (error, value, start, "a type parameter's closing quote is missing");
  for (const char *c = start; c < q && *c != ';'; c++)
    {
      if (*c == '/' && slash == NULL)
        slash = c;
      else if (!is_token_char (*c))
        return selector_error (error, value, c, "expected a media type \"type/subtype\"");
    }
  if (slash == NULL || slash == start || slash[1] == '\0' || slash[1] == ';' || slash[1] == ' ')
    return selector_error (error, value, start, "expected a media type \"type/subtype\"");
  fs->type = g_strndup (start, q - start);
  *p = q;
  return TRUE;
}

static gboolean
parse_size (const char         *value,
            const char        **p,
            PlMsrpFileSelector *fs,
            GError            **error)
{
  const char *start = *p;
  g_autofree char *digits = NULL;
  guint64 size;

  while (g_ascii_isdigit (**p))
    (*p)++;
  digits = g_strndup (start, *p - start);
  if (*digits == '\0' || !g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT64, &size, NULL))
    return selector_error (error, value, start, "expected the file size in bytes after \"size:\"");
  fs->size = (gint64) size;
  return TRUE;
}

static gboolean
parse_hash (const char         *value,
            const char        **p,
            PlMsrpFileSelector *fs,
            GError            **error)
{
  const char *alg = *p, *q = *p;
  guint8 bytes[64];
  guint n = 0;
  gboolean sha1;

  while (is_token_char (*q))
    q++;
  if (q == alg || *q != ':')
    return selector_error (error, value, alg,
                           "expected \"hash:<algorithm>:<hex bytes>\" such as \"hash:sha-1:72:24:…\"");
  sha1 = (q - alg == 5 && g_ascii_strncasecmp (alg, "sha-1", 5) == 0);
  q++;
  for (;;)
    {
      if (!g_ascii_isxdigit (q[0]) || !g_ascii_isxdigit (q[1]))
        return selector_error (error, value, q, "expected two hex digits in the hash");
      if (n == G_N_ELEMENTS (bytes))
        return selector_error (error, value, q, "the hash is longer than 64 bytes");
      bytes[n++] = (guint8) (g_ascii_xdigit_value (q[0]) << 4 | g_ascii_xdigit_value (q[1]));
      q += 2;
      if (*q != ':')
        break;
      q++;
    }
  if (*q != '\0' && *q != ' ')
    return selector_error (error, value, q, "expected \":\" between two hex digits of the hash");
  if (sha1)
    {
      if (fs->has_sha1)
        return selector_error (error, value, alg, "the sha-1 hash is given twice");
      if (n != PL_MSRP_SHA1_LEN)
        return selector_error (error, value, alg, "a sha-1 hash has 20 bytes");
      memcpy (fs->sha1, bytes, PL_MSRP_SHA1_LEN);
      fs->has_sha1 = TRUE;
    }
  /* Hashes by other algorithms (RFC 5547 allows several) are read for
   * their syntax only: the MSRP session checks SHA-1. */
  *p = q;
  return TRUE;
}

PlMsrpFileSelector *
pl_msrp_file_selector_parse (const char *value,
                             GError    **error)
{
  g_autoptr (PlMsrpFileSelector) fs = g_new0 (PlMsrpFileSelector, 1);
  const char *p = value ? value : "";

  fs->size = -1;
  /* "a=file-selector" alone is allowed: a selector of any file. */
  while (*p != '\0')
    {
      const char *at = p;
      gboolean ok;

      if (g_str_has_prefix (p, "name:"))
        {
          if (fs->name != NULL)
            return selector_error (error, value, at, "\"name:\" is given twice"), NULL;
          p += 5;
          ok = parse_name (value, &p, fs, error);
        }
      else if (g_str_has_prefix (p, "type:"))
        {
          if (fs->type != NULL)
            return selector_error (error, value, at, "\"type:\" is given twice"), NULL;
          p += 5;
          ok = parse_type (value, &p, fs, error);
        }
      else if (g_str_has_prefix (p, "size:"))
        {
          if (fs->size >= 0)
            return selector_error (error, value, at, "\"size:\" is given twice"), NULL;
          p += 5;
          ok = parse_size (value, &p, fs, error);
        }
      else if (g_str_has_prefix (p, "hash:"))
        {
          p += 5;
          ok = parse_hash (value, &p, fs, error);
        }
      else
        {
          selector_error (error, value, at,
                          "expected a selector \"name:\", \"type:\", \"size:\" or \"hash:\"");
          return NULL;
        }
      if (!ok)
        return NULL;
      /* Selectors are separated by exactly one space. */
      if (*p == ' ' && p[1] != '\0' && p[1] != ' ')
        p++;
      else if (*p != '\0')
        {
          selector_error (error, value, p, "expected one space, then the next selector");
          return NULL;
        }
    }
  return g_steal_pointer (&fs);
}

char *
pl_msrp_file_selector_to_string (const PlMsrpFileSelector *fs)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (fs != NULL, NULL);

  /* B.3's order: name, type, size, hash. */
  if (fs->name != NULL)
    {
      /* Only '%', '"', CR, LF and NUL are not filename-chars; spaces and
       * UTF-8 stay as they are. */
      g_autofree char *escaped =
        g_uri_escape_string (fs->name, " !#$&'()*+,-./:;<=>?@[\\]^_`{|}~", TRUE);

      g_string_append_printf (out, "name:\"%s\"", escaped);
    }
  if (fs->type != NULL)
    g_string_append_printf (out, "%stype:%s", out->len ? " " : "", fs->type);
  if (fs->size >= 0)
    g_string_append_printf (out, "%ssize:%" G_GINT64_FORMAT, out->len ? " " : "", fs->size);
  if (fs->has_sha1)
    {
      /* RFC 5547 §10: each byte in upper-case hex, separated by colons. */
      g_string_append_printf (out, "%shash:sha-1", out->len ? " " : "");
      for (guint i = 0; i < PL_MSRP_SHA1_LEN; i++)
        g_string_append_printf (out, ":%02X", fs->sha1[i]);
    }
  return g_string_free (out, FALSE);
}
