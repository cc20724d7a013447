/* pl-xml.c: reading scenario XML with errors that name file:line:column.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-xml"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "pl-xml-private.h"

struct _PlXmlContext {
  char *file;        /* the path or the origin, as given */
  char *folder;      /* for relative hrefs; NULL: the current directory */
  char *text;        /* a copy of the bytes, NUL-terminated */
  gsize length;
  GArray *lines;     /* gsize: offset of the first byte of each line */
  xmlDoc *doc;
  PlXmlLoadFlags flags;
  char *ns_error;    /* PL_XML_LOAD_DEFER_NS_URI: libxml2's first one */
  int ns_error_line;
  int ns_error_column;

  /* While parsing. */
  gboolean doctype;
  gsize doctype_offset;
  char *first_error;
  int error_line;
  int error_column;
};

G_DEFINE_QUARK (pl-scenario-error-quark, pl_scenario_error)

/* Positions ---------------------------------------------------------- */

static void
index_lines (PlXmlContext *ctx)
{
  gsize zero = 0;

  ctx->lines = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_array_append_val (ctx->lines, zero);
  for (gsize i = 0; i < ctx->length; i++)
    {
      if (ctx->text[i] == '\n')
        {
          gsize next = i + 1;
          g_array_append_val (ctx->lines, next);
        }
    }
}

/* Columns count characters: UTF-8 continuation bytes do not advance. */
static int
count_chars (const char *start,
             const char *end)
{
  int n = 0;

  for (const char *p = start; p < end; p++)
    if (((guchar) *p & 0xC0) != 0x80)
      n++;
  return n;
}

static void
offset_to_position (PlXmlContext *ctx,
                    gsize         offset,
                    int          *line,
                    int          *column)
{
  guint lo = 0, hi = ctx->lines->len;

  offset = MIN (offset, ctx->length);
  /* The last line starting at or before @offset. */
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (ctx->lines, gsize, mid) <= offset)
        lo = mid;
      else
        hi = mid;
    }
  *line = (int) lo + 1;
  *column = count_chars (ctx->text + g_array_index (ctx->lines, gsize, lo),
                         ctx->text + offset) + 1;
}

/* Returns FALSE when the position is not in the file. */
static gboolean
position_to_offset (PlXmlContext *ctx,
                    int           line,
                    int           column,
                    gsize        *offset)
{
  gsize o;

  if (line < 1 || (guint) line > ctx->lines->len || column < 1)
    return FALSE;
  o = g_array_index (ctx->lines, gsize, line - 1);
  for (int c = 1; c < column; c++)
    {
      if (o >= ctx->length || ctx->text[o] == '\n')
        return FALSE;
      o++;
      while (o < ctx->length && ((guchar) ctx->text[o] & 0xC0) == 0x80)
        o++;
    }
  *offset = o;
  return TRUE;
}

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Finds attribute @attr in the start tag that begins at @tag (the '<'). */
static gboolean
find_attr_offset (PlXmlContext *ctx,
                  gsize         tag,
                  const char   *attr,
                  gsize        *out)
{
  const char *p = ctx->text + tag;
  const char *end = ctx->text + ctx->length;
  gsize attr_len = strlen (attr);

  if (p >= end || *p != '<')
    return FALSE;
  p++;
  while (p < end && !is_xml_space (*p) && *p != '>' && *p != '/')
    p++;

  while (p < end)
    {
      const char *name;
      gsize name_len;
      char quote;

      while (p < end && is_xml_space (*p))
        p++;
      if (p >= end || *p == '>' || *p == '/')
        return FALSE;

      name = p;
      while (p < end && !is_xml_space (*p) && *p != '=' && *p != '>')
        p++;
      name_len = p - name;
      while (p < end && is_xml_space (*p))
        p++;
      if (p >= end || *p != '=')
        return FALSE;
      p++;
      while (p < end && is_xml_space (*p))
        p++;
      if (p >= end || (*p != '"' && *p != '\''))
        return FALSE;
      quote = *p++;
      while (p < end && *p != quote)
        p++;
      if (p >= end)
        return FALSE;
      p++;

      if (name_len == attr_len && memcmp (name, attr, attr_len) == 0)
        {
          *out = name - ctx->text;
          return TRUE;
        }
    }
  return FALSE;
}

int
pl_xml_get_line (xmlNode *node)
{
  long line;

  g_return_val_if_fail (node != NULL, 0);

  line = xmlGetLineNo (node);
  return line > 0 && line <= G_MAXINT ? (int) line : 0;
}

void
pl_xml_get_position (PlXmlContext *ctx,
                     xmlNode      *node,
                     const char   *attr,
                     int          *line,
                     int          *column)
{
  int l, c;
  gsize tag, at;

  g_return_if_fail (ctx != NULL);
  g_return_if_fail (node != NULL);

  l = pl_xml_get_line (node);
  c = node->type == XML_ELEMENT_NODE ? GPOINTER_TO_INT (node->_private) : 0;

  if (attr != NULL && c > 0 &&
      position_to_offset (ctx, l, c, &tag) &&
      find_attr_offset (ctx, tag, attr, &at))
    offset_to_position (ctx, at, &l, &c);

  if (line)
    *line = l;
  if (column)
    *column = c;
}

int
pl_xml_get_column (PlXmlContext *ctx,
                   xmlNode      *node,
                   const char   *attr)
{
  int column;

  g_return_val_if_fail (ctx != NULL, 0);
  g_return_val_if_fail (node != NULL, 0);

  pl_xml_get_position (ctx, node, attr, NULL, &column);
  return column;
}

/* Errors ------------------------------------------------------------- */

static char *
format_location (PlXmlContext *ctx,
                 int           line,
                 int           column)
{
  if (line <= 0)
    return g_strdup (ctx->file);
  if (column <= 0)
    return g_strdup_printf ("%s:%d", ctx->file, line);
  return g_strdup_printf ("%s:%d:%d", ctx->file, line, column);
}

void
_pl_xml_set_error_at (PlXmlContext *ctx,
                      GError      **error,
                      int           code,
                      int           line,
                      int           column,
                      const char   *message)
{
  g_autofree char *where = format_location (ctx, line, column);

  g_set_error (error, PL_SCENARIO_ERROR, code, "%s: %s", where, message);
}

static gboolean xml_error_valist (PlXmlContext *ctx,
                                  GError      **error,
                                  int           code,
                                  xmlNode      *node,
                                  const char   *attr,
                                  const char   *format,
                                  va_list       args) G_GNUC_PRINTF (6, 0);

static gboolean
xml_error_valist (PlXmlContext *ctx,
                  GError      **error,
                  int           code,
                  xmlNode      *node,
                  const char   *attr,
                  const char   *format,
                  va_list       args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);
  int line = 0, column = 0;

  if (node != NULL)
    pl_xml_get_position (ctx, node, attr, &line, &column);
  _pl_xml_set_error_at (ctx, error, code, line, column, message);
  return FALSE;
}

gboolean
pl_xml_error (PlXmlContext  *ctx,
              GError       **error,
              xmlNode       *node,
              const char    *attr,
              const char    *format,
              ...)
{
  va_list args;

  g_return_val_if_fail (ctx != NULL, FALSE);

  va_start (args, format);
  xml_error_valist (ctx, error, PL_SCENARIO_ERROR_INVALID, node, attr, format, args);
  va_end (args);
  return FALSE;
}

/* Parsing ------------------------------------------------------------ */

/* libxml2 2.9 records on a node the line where its start tag ends and no
 * column; this records where the tag begins. */
static void
on_start_element_ns (void           *user_data,
                     const xmlChar  *localname,
                     const xmlChar  *prefix,
                     const xmlChar  *uri,
                     int             n_namespaces,
                     const xmlChar **namespaces,
                     int             n_attributes,
                     int             n_defaulted,
                     const xmlChar **attributes)
{
  xmlParserCtxt *ctxt = user_data;
  PlXmlContext *ctx = ctxt->_private;
  xmlNode *node;
  long consumed;
  gsize offset;
  int line, column;

  xmlSAX2StartElementNs (user_data, localname, prefix, uri, n_namespaces,
                         namespaces, n_attributes, n_defaulted, attributes);

  node = ctxt->node;
  consumed = xmlByteConsumed (ctxt);
  if (node == NULL || node->name != localname || consumed < 0)
    return;

  /* The parser stands at the end of the start tag; '<' cannot occur in
   * attribute values, so the nearest one before is the tag's. */
  offset = MIN ((gsize) consumed, ctx->length);
  while (offset > 0 && ctx->text[offset] != '<')
    offset--;
  if (ctx->text[offset] != '<')
    return;

  offset_to_position (ctx, offset, &line, &column);
  node->line = (unsigned short) MIN (line, G_MAXUSHORT);
  node->_private = GINT_TO_POINTER (column);
}

static void
on_internal_subset (void          *user_data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  xmlParserCtxt *ctxt = user_data;
  PlXmlContext *ctx = ctxt->_private;
  long consumed = xmlByteConsumed (ctxt);
  gsize offset = consumed > 0 ? MIN ((gsize) consumed, ctx->length) : 0;

  /* Stop before the internal subset is even read: no entity declaration
   * of the document is ever looked at. */
  while (offset > 0 && strncmp (ctx->text + offset, "<!DOCTYPE", 9) != 0)
    offset--;
  ctx->doctype = TRUE;
  ctx->doctype_offset = offset;
  xmlStopParser (ctxt);
}

char *
_pl_xml_trim_message (const char *message)
{
  return g_strstrip (g_strdup (message ? message : "unknown error"));
}

/* Some of libxml2's messages speak of its own functions; say what the
 * author should fix instead. */
static char *
rewrite_parse_message (const char *message)
{
  static const struct {
    const char *prefix;
    const char *text;
  } clearer[] = {
    { "attributes construct error",
      "malformed start tag: expected a space and another attribute, '>' or '/>' "
      "after an attribute value" },
    { "AttValue: \" or ' expected",
      "expected an attribute value in quotes (\" or ')" },
    { "xmlParseEntityRef: no name",
      "'&' must start an entity reference such as &amp; or &lt;" },
  };
  g_autofree char *trimmed = _pl_xml_trim_message (message);
  const char *mandates = "Specification mandates value for attribute ";

  for (guint i = 0; i < G_N_ELEMENTS (clearer); i++)
    if (g_str_has_prefix (trimmed, clearer[i].prefix))
      return g_strdup (clearer[i].text);
  if (g_str_has_prefix (trimmed, mandates))
    return g_strdup_printf ("attribute '%s' has no value (expected %s=\"...\")",
                            trimmed + strlen (mandates), trimmed + strlen (mandates));
  if (g_str_has_prefix (trimmed, "Entity '") && g_str_has_suffix (trimmed, "' not defined"))
    return g_strdup_printf ("%s (without a DOCTYPE only &lt; &gt; &amp; &quot; &apos; and "
                            "character references such as &#10; exist)", trimmed);
  return g_steal_pointer (&trimmed);
}

static void
on_parse_error (void     *user_data,
                xmlError *err)
{
  xmlParserCtxt *ctxt = user_data;
  PlXmlContext *ctx = ctxt->_private;

  if (err == NULL || err->level < XML_ERR_ERROR)
    return;
  if ((ctx->flags & PL_XML_LOAD_DEFER_NS_URI) &&
      err->domain == XML_FROM_NAMESPACE && err->code == XML_WAR_NS_URI)
    {
      if (ctx->ns_error == NULL)
        {
          ctx->ns_error = _pl_xml_trim_message (err->message);
          ctx->ns_error_line = err->line;
          ctx->ns_error_column = err->int2;
        }
      return;
    }
  if (ctx->first_error != NULL)
    return;
  ctx->first_error = rewrite_parse_message (err->message);
  ctx->error_line = err->line;
  ctx->error_column = err->int2;
}

/* libxml2 reports some errors (a failed encoding conversion) through its
 * global generic handler, which prints to stderr; the structured error
 * above says the same, and a body from the network must not reach
 * stderr. */
static void on_generic_error (void       *user_data,
                              const char *format,
                              ...) G_GNUC_PRINTF (2, 3);

static void
on_generic_error (void       *user_data,
                  const char *format,
                  ...)
{
}

static gboolean
read_file (PlXmlContext  *ctx,
           GError       **error)
{
  FILE *f;
  GString *buffer;
  char chunk[8192];
  size_t n;
  int saved;

  f = g_fopen (ctx->file, "rb");
  if (f == NULL)
    {
      saved = errno;
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE,
                   "%s: cannot open the file: %s", ctx->file, g_strerror (saved));
      return FALSE;
    }

  buffer = g_string_new (NULL);
  while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
    g_string_append_len (buffer, chunk, n);
  saved = errno;
  if (ferror (f))
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE,
                   "%s: cannot read the file: %s", ctx->file, g_strerror (saved));
      fclose (f);
      g_string_free (buffer, TRUE);
      return FALSE;
    }
  fclose (f);

  ctx->length = buffer->len;
  ctx->text = g_string_free (buffer, FALSE);
  return TRUE;
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!is_xml_space (text[i]))
      return FALSE;
  return TRUE;
}

/* What the file and the memory loaders share: parses ctx->text, sets
 * ctx->doc. @noun is "file" or "document" for the messages. */
static gboolean
parse_text (PlXmlContext  *ctx,
            const char    *noun,
            const char    *empty_message,
            GError       **error)
{
  xmlParserCtxt *ctxt;
  xmlGenericErrorFunc saved_handler;
  void *saved_context;
  int options = XML_PARSE_NONET;
  int line, column;

  index_lines (ctx);

  if (is_blank (ctx->text, ctx->length))
    {
      g_autofree char *message = empty_message ? g_strdup (empty_message)
                                               : g_strdup_printf ("the %s is empty", noun);

      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX, 1, 1, message);
      return FALSE;
    }
  if (ctx->length > G_MAXINT)
    {
      g_autofree char *message = g_strdup_printf ("the %s is too large", noun);

      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_FILE, 0, 0, message);
      return FALSE;
    }

  xmlInitParser ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_FILE, 0, 0,
                            "cannot create an XML parser");
      return FALSE;
    }
  ctxt->_private = ctx;
  ctxt->sax->startElementNs = on_start_element_ns;
  ctxt->sax->internalSubset = on_internal_subset;
  ctxt->sax->serror = on_parse_error;
  ctxt->sax->warning = NULL;
  ctxt->sax->error = NULL;
  ctxt->sax->fatalError = NULL;

  /* No NOENT, no DTDLOAD, no DTDATTR: entities stay unexpanded and
   * nothing outside the bytes is ever read. */
  if (ctx->flags & PL_XML_LOAD_NO_BLANKS)
    options |= XML_PARSE_NOBLANKS;
  saved_handler = xmlGenericError;
  saved_context = xmlGenericErrorContext;
  xmlSetGenericErrorFunc (NULL, on_generic_error);
  ctx->doc = xmlCtxtReadMemory (ctxt, ctx->text, (int) ctx->length, ctx->file, NULL, options);
  xmlFreeParserCtxt (ctxt);
  xmlSetGenericErrorFunc (saved_context, saved_handler);

  if (ctx->doctype || (ctx->doc && (ctx->doc->intSubset || ctx->doc->extSubset)))
    {
      if (ctx->doctype)
        offset_to_position (ctx, ctx->doctype_offset, &line, &column);
      else
        line = column = 1;
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX, line, column,
                            "a DOCTYPE is not allowed (DTDs and external entities are off)");
      return FALSE;
    }
  if (ctx->first_error != NULL)
    {
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX,
                            ctx->error_line, ctx->error_column, ctx->first_error);
      return FALSE;
    }
  if (ctx->doc == NULL || xmlDocGetRootElement (ctx->doc) == NULL)
    {
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX, 1, 1,
                            "not a well-formed XML document");
      return FALSE;
    }

  g_clear_pointer (&ctx->first_error, g_free);
  return TRUE;
}

PlXmlContext *
pl_xml_context_load (const char  *path,
                     GError     **error)
{
  PlXmlContext *ctx;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx = g_new0 (PlXmlContext, 1);
  ctx->file = g_strdup (path);
  ctx->folder = g_path_get_dirname (path);

  if (!read_file (ctx, error) ||
      !parse_text (ctx, "file", "the file is empty (expected a <scenario> element)", error))
    {
      pl_xml_context_free (ctx);
      return NULL;
    }
  return ctx;
}

PlXmlContext *
pl_xml_context_load_memory_full (const char      *data,
                                 gsize            len,
                                 const char      *origin,
                                 PlXmlLoadFlags   flags,
                                 const char      *empty_message,
                                 GError         **error)
{
  PlXmlContext *ctx;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx = g_new0 (PlXmlContext, 1);
  ctx->file = g_strdup (origin);
  ctx->flags = flags;
  ctx->length = len;
  ctx->text = g_malloc (len + 1);
  if (len > 0)
    memcpy (ctx->text, data, len);
  ctx->text[len] = '\0';

  if (!parse_text (ctx, "document", empty_message, error))
    {
      pl_xml_context_free (ctx);
      return NULL;
    }
  return ctx;
}

PlXmlContext *
pl_xml_context_load_memory (const char  *data,
                            gsize        len,
                            const char  *origin,
                            GError     **error)
{
  return pl_xml_context_load_memory_full (data, len, origin, PL_XML_LOAD_DEFAULT, NULL, error);
}

gboolean
pl_xml_context_check_ns_uri (PlXmlContext  *ctx,
                             GError       **error)
{
  g_return_val_if_fail (ctx != NULL, FALSE);

  if (ctx->ns_error == NULL)
    return TRUE;
  _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_INVALID,
                        ctx->ns_error_line, ctx->ns_error_column, ctx->ns_error);
  return FALSE;
}

void
pl_xml_context_free (PlXmlContext *ctx)
{
  if (ctx == NULL)
    return;
  g_clear_pointer (&ctx->doc, xmlFreeDoc);
  g_clear_pointer (&ctx->lines, g_array_unref);
  g_free (ctx->first_error);
  g_free (ctx->ns_error);
  g_free (ctx->text);
  g_free (ctx->folder);
  g_free (ctx->file);
  g_free (ctx);
}

xmlDoc *
pl_xml_context_get_doc (PlXmlContext *ctx)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  return ctx->doc;
}

const char *
pl_xml_context_get_file (PlXmlContext *ctx)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  return ctx->file;
}

char *
pl_xml_context_resolve (PlXmlContext *ctx,
                        const char   *href)
{
  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (href != NULL, NULL);

  if (g_path_is_absolute (href) || ctx->folder == NULL)
    return g_strdup (href);
  return g_build_filename (ctx->folder, href, NULL);
}
