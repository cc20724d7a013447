/* pl-xml.c: reading scenario XML with errors that name file:line:column.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-xml"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlschemas.h>

#include "pl-sim-resources.h"
#include "pl-xml.h"

#define SCHEMA_RESOURCE "/org/pushlab/schema/scenario.xsd"

struct _PlXmlContext {
  char *file;        /* as given */
  char *folder;      /* for relative hrefs */
  char *text;        /* the file's bytes, NUL-terminated */
  gsize length;
  GArray *lines;     /* gsize: offset of the first byte of each line */
  xmlDoc *doc;

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

static void
set_error_at (PlXmlContext *ctx,
              GError      **error,
              int           code,
              int           line,
              int           column,
              const char   *message)
{
  g_autofree char *where = format_location (ctx, line, column);

  g_set_error (error, PL_SCENARIO_ERROR, code, "%s: %s", where, message);
}

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
  set_error_at (ctx, error, code, line, column, message);
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

static char *
trim_message (const char *message)
{
  return g_strstrip (g_strdup (message ? message : "unknown error"));
}

static void
on_parse_error (void     *user_data,
                xmlError *err)
{
  xmlParserCtxt *ctxt = user_data;
  PlXmlContext *ctx = ctxt->_private;

  if (err == NULL || err->level < XML_ERR_ERROR || ctx->first_error != NULL)
    return;
  ctx->first_error = trim_message (err->message);
  ctx->error_line = err->line;
  ctx->error_column = err->int2;
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

PlXmlContext *
pl_xml_context_load (const char  *path,
                     GError     **error)
{
  PlXmlContext *ctx;
  xmlParserCtxt *ctxt;
  int line, column;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx = g_new0 (PlXmlContext, 1);
  ctx->file = g_strdup (path);
  ctx->folder = g_path_get_dirname (path);

  if (!read_file (ctx, error))
    goto fail;
  index_lines (ctx);

  if (is_blank (ctx->text, ctx->length))
    {
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX, 1, 1,
                    "the file is empty (expected a <scenario> element)");
      goto fail;
    }
  if (ctx->length > G_MAXINT)
    {
      set_error_at (ctx, error, PL_SCENARIO_ERROR_FILE, 0, 0,
                    "the file is too large");
      goto fail;
    }

  xmlInitParser ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      set_error_at (ctx, error, PL_SCENARIO_ERROR_FILE, 0, 0,
                    "cannot create an XML parser");
      goto fail;
    }
  ctxt->_private = ctx;
  ctxt->sax->startElementNs = on_start_element_ns;
  ctxt->sax->internalSubset = on_internal_subset;
  ctxt->sax->serror = on_parse_error;
  ctxt->sax->warning = NULL;
  ctxt->sax->error = NULL;
  ctxt->sax->fatalError = NULL;

  /* No NOENT, no DTDLOAD, no DTDATTR: entities stay unexpanded and
   * nothing outside the file is ever read. */
  ctx->doc = xmlCtxtReadMemory (ctxt, ctx->text, (int) ctx->length, path, NULL,
                                XML_PARSE_NONET);
  xmlFreeParserCtxt (ctxt);

  if (ctx->doctype || (ctx->doc && (ctx->doc->intSubset || ctx->doc->extSubset)))
    {
      if (ctx->doctype)
        offset_to_position (ctx, ctx->doctype_offset, &line, &column);
      else
        line = column = 1;
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX, line, column,
                    "a DOCTYPE is not allowed (DTDs and external entities are off)");
      goto fail;
    }
  if (ctx->first_error != NULL)
    {
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX,
                    ctx->error_line, ctx->error_column, ctx->first_error);
      goto fail;
    }
  if (ctx->doc == NULL || xmlDocGetRootElement (ctx->doc) == NULL)
    {
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SYNTAX, 1, 1,
                    "not a well-formed XML document");
      goto fail;
    }

  g_clear_pointer (&ctx->first_error, g_free);
  return ctx;

fail:
  pl_xml_context_free (ctx);
  return NULL;
}

void
pl_xml_context_free (PlXmlContext *ctx)
{
  if (ctx == NULL)
    return;
  g_clear_pointer (&ctx->doc, xmlFreeDoc);
  g_clear_pointer (&ctx->lines, g_array_unref);
  g_free (ctx->first_error);
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

  if (g_path_is_absolute (href))
    return g_strdup (href);
  return g_build_filename (ctx->folder, href, NULL);
}

/* Schema ------------------------------------------------------------- */

static void
on_schema_parse_error (void     *user_data,
                       xmlError *err)
{
  char **message = user_data;

  if (*message == NULL && err != NULL && err->level >= XML_ERR_ERROR)
    *message = trim_message (err->message);
}

G_LOCK_DEFINE_STATIC (schema);

static xmlSchema *
get_schema (GError **error)
{
  static xmlSchema *schema;
  xmlSchema *result;

  G_LOCK (schema);
  if (schema == NULL)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *message = NULL;
      xmlSchemaParserCtxt *pctxt;
      gsize size;
      const char *data;

      bytes = g_resource_lookup_data (pl_sim_get_resource (), SCHEMA_RESOURCE,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (bytes == NULL)
        {
          G_UNLOCK (schema);
          g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SCHEMA,
                       "the scenario schema is missing: %s", local_error->message);
          return NULL;
        }

      data = g_bytes_get_data (bytes, &size);
      xmlInitParser ();
      pctxt = xmlSchemaNewMemParserCtxt (data, (int) size);
      xmlSchemaSetParserStructuredErrors (pctxt, on_schema_parse_error, &message);
      schema = xmlSchemaParse (pctxt);
      xmlSchemaFreeParserCtxt (pctxt);
      if (schema == NULL)
        {
          G_UNLOCK (schema);
          g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SCHEMA,
                       "the scenario schema does not compile: %s",
                       message ? message : "unknown error");
          return NULL;
        }
    }
  result = schema;
  G_UNLOCK (schema);
  return result;
}

typedef struct {
  char *message;
  xmlNode *node;
  int line;
} SchemaError;

static void
on_schema_valid_error (void     *user_data,
                       xmlError *err)
{
  SchemaError *first = user_data;

  if (first->message != NULL || err == NULL || err->level < XML_ERR_ERROR)
    return;
  first->message = trim_message (err->message);
  first->node = err->node;
  first->line = err->line;
}

/* "Element 'link', attribute 'foo': The attribute 'foo' is not allowed."
 * becomes "attribute 'foo' is not allowed on <link>", with the position of
 * the attribute; "Element 'x': This element is not expected. ..." becomes
 * "<x>: this element is not expected. ...". */
static char *
rewrite_schema_message (const char  *message,
                        char       **attr_out)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *element = NULL;
  g_autofree char *attr = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *not_allowed = NULL;
  GString *out;

  *attr_out = NULL;
  regex = g_regex_new ("^Element '([^']*)'(?:, attribute '([^']*)')?: (.*)$",
                       G_REGEX_DOTALL, 0, NULL);
  if (!g_regex_match (regex, message, 0, &match))
    return g_strdup (message);

  element = g_match_info_fetch (match, 1);
  attr = g_match_info_fetch (match, 2);
  rest = g_match_info_fetch (match, 3);

  out = g_string_new (NULL);
  if (attr != NULL && *attr != '\0')
    {
      not_allowed = g_strdup_printf ("The attribute '%s' is not allowed.", attr);
      if (g_str_equal (rest, not_allowed))
        g_string_append_printf (out, "attribute '%s' is not allowed on <%s>", attr, element);
      else
        g_string_append_printf (out, "attribute '%s' of <%s>: %s", attr, element, rest);
      *attr_out = g_steal_pointer (&attr);
    }
  else
    g_string_append_printf (out, "<%s>: %s", element, rest);

  /* Drop libxml2's jargon, keep its sentence. */
  {
    char *facet = strstr (out->str, "[facet '");

    if (facet != NULL)
      {
        char *close = strstr (facet, "] ");

        if (close != NULL)
          g_string_erase (out, facet - out->str, close + 2 - facet);
      }
  }
  {
    char *colon = strstr (out->str, ": ");

    if (colon != NULL && g_ascii_isupper (colon[2]) && g_ascii_islower (colon[3]))
      colon[2] = g_ascii_tolower (colon[2]);
  }
  return g_string_free (out, FALSE);
}

gboolean
pl_xml_context_validate (PlXmlContext  *ctx,
                         GError       **error)
{
  xmlSchema *schema;
  xmlSchemaValidCtxt *vctxt;
  xmlNode *root;
  SchemaError first = { NULL, NULL, 0 };
  int result;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  root = xmlDocGetRootElement (ctx->doc);
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "scenario") || root->ns != NULL)
    {
      int line = 1, column = 1;

      if (root != NULL)
        pl_xml_get_position (ctx, root, NULL, &line, &column);
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SCHEMA, line, column,
                    "the root element must be <scenario> (without a namespace)");
      return FALSE;
    }

  schema = get_schema (error);
  if (schema == NULL)
    return FALSE;

  vctxt = xmlSchemaNewValidCtxt (schema);
  xmlSchemaSetValidStructuredErrors (vctxt, on_schema_valid_error, &first);
  result = xmlSchemaValidateDoc (vctxt, ctx->doc);
  xmlSchemaFreeValidCtxt (vctxt);

  if (result == 0)
    return TRUE;

  if (first.message == NULL)
    {
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SCHEMA, 0, 0,
                    "does not validate against the scenario schema");
    }
  else
    {
      g_autofree char *attr = NULL;
      g_autofree char *message = rewrite_schema_message (first.message, &attr);
      int line = first.line, column = 0;

      if (first.node != NULL && first.node->type == XML_ELEMENT_NODE)
        pl_xml_get_position (ctx, first.node, attr, &line, &column);
      set_error_at (ctx, error, PL_SCENARIO_ERROR_SCHEMA, line, column, message);
    }
  g_free (first.message);
  return FALSE;
}

/* Attributes --------------------------------------------------------- */

const char *
pl_xml_attr (xmlNode    *node,
             const char *name)
{
  xmlAttr *attr;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (attr = node->properties; attr != NULL; attr = attr->next)
    {
      if (attr->ns != NULL || !xmlStrEqual (attr->name, BAD_CAST name))
        continue;
      if (attr->children == NULL)
        return "";
      /* Without a DTD there are no entity references: one text child. */
      if (attr->children->type == XML_TEXT_NODE && attr->children->content != NULL)
        return (const char *) attr->children->content;
      return "";
    }
  return NULL;
}

gboolean
pl_xml_check_attrs (PlXmlContext        *ctx,
                    xmlNode             *node,
                    const char * const  *allowed,
                    GError             **error)
{
  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      const char *name = (const char *) attr->name;
      g_autofree char *list = NULL;

      if (attr->ns == NULL && allowed != NULL && g_strv_contains (allowed, name))
        continue;
      list = allowed ? g_strjoinv (", ", (char **) allowed) : g_strdup ("none");
      return pl_xml_error (ctx, error, node, name,
                           "attribute '%s' is not allowed on <%s> (allowed: %s)",
                           name, (const char *) node->name, list);
    }
  return TRUE;
}

gboolean
pl_xml_require_attr (PlXmlContext  *ctx,
                     xmlNode       *node,
                     const char    *name,
                     const char   **out,
                     GError       **error)
{
  const char *value;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    return pl_xml_error (ctx, error, node, NULL,
                         "<%s> needs the attribute '%s'",
                         (const char *) node->name, name);
  if (*value == '\0')
    return pl_xml_error (ctx, error, node, name,
                         "attribute '%s' of <%s> must not be empty",
                         name, (const char *) node->name);
  if (out)
    *out = value;
  return TRUE;
}

static gboolean
bad_value (PlXmlContext  *ctx,
           GError       **error,
           xmlNode       *node,
           const char    *name,
           const char    *expected,
           const char    *value)
{
  return pl_xml_error (ctx, error, node, name,
                       "attribute '%s' of <%s>: expected %s, got '%s'",
                       name, (const char *) node->name, expected, value);
}

gboolean
pl_xml_attr_duration (PlXmlContext  *ctx,
                      xmlNode       *node,
                      const char    *name,
                      PlTime         def,
                      PlTime        *out,
                      GError       **error)
{
  const char *value;
  PlTime t;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!pl_parse_duration (value, &t))
    return bad_value (ctx, error, node, name,
                      "a duration such as 40ms or 1.5s", value);
  *out = t;
  return TRUE;
}

gboolean
pl_xml_attr_bandwidth (PlXmlContext  *ctx,
                       xmlNode       *node,
                       const char    *name,
                       guint64        def,
                       guint64       *out,
                       GError       **error)
{
  const char *value;
  guint64 v;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!pl_parse_bandwidth (value, &v))
    return bad_value (ctx, error, node, name,
                      "a bandwidth such as 64kbps, 1.5Mbps or 9600 (bits per second)", value);
  *out = v;
  return TRUE;
}

gboolean
pl_xml_attr_uint (PlXmlContext  *ctx,
                  xmlNode       *node,
                  const char    *name,
                  guint64        def,
                  guint64        min,
                  guint64        max,
                  guint64       *out,
                  GError       **error)
{
  const char *value;
  guint64 v;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (value, 10, min, max, &v, NULL))
    {
      g_autofree char *expected = NULL;

      if (max == G_MAXUINT64 && min == 0)
        expected = g_strdup ("a whole number");
      else if (max == G_MAXUINT64)
        expected = g_strdup_printf ("a whole number of at least %" G_GUINT64_FORMAT, min);
      else
        expected = g_strdup_printf ("a whole number from %" G_GUINT64_FORMAT
                                    " to %" G_GUINT64_FORMAT, min, max);
      return bad_value (ctx, error, node, name, expected, value);
    }
  *out = v;
  return TRUE;
}

gboolean
pl_xml_attr_double (PlXmlContext  *ctx,
                    xmlNode       *node,
                    const char    *name,
                    double         def,
                    double         min,
                    double         max,
                    double        *out,
                    GError       **error)
{
  const char *value;
  char *end = NULL;
  double v;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  errno = 0;
  v = g_ascii_strtod (value, &end);
  if (*value == '\0' || g_ascii_isspace (*value) || end == NULL || *end != '\0' ||
      errno != 0 || !isfinite (v) || v < min || v > max)
    {
      g_autofree char *expected = g_strdup_printf ("a number from %g to %g", min, max);
      return bad_value (ctx, error, node, name, expected, value);
    }
  *out = v;
  return TRUE;
}

gboolean
pl_xml_attr_bool (PlXmlContext  *ctx,
                  xmlNode       *node,
                  const char    *name,
                  gboolean       def,
                  gboolean      *out,
                  GError       **error)
{
  const char *value;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    *out = def;
  else if (g_str_equal (value, "true") || g_str_equal (value, "yes") || g_str_equal (value, "1"))
    *out = TRUE;
  else if (g_str_equal (value, "false") || g_str_equal (value, "no") || g_str_equal (value, "0"))
    *out = FALSE;
  else
    return bad_value (ctx, error, node, name, "true or false", value);
  return TRUE;
}

gboolean
pl_xml_attr_enum (PlXmlContext        *ctx,
                  xmlNode             *node,
                  const char          *name,
                  const char * const  *values,
                  int                  def,
                  int                 *out,
                  GError             **error)
{
  const char *value;
  g_autofree char *list = NULL;
  g_autofree char *expected = NULL;

  g_return_val_if_fail (ctx != NULL && node != NULL && name != NULL, FALSE);
  g_return_val_if_fail (values != NULL && out != NULL, FALSE);

  value = pl_xml_attr (node, name);
  if (value == NULL)
    {
      *out = def;
      return TRUE;
    }
  for (int i = 0; values[i] != NULL; i++)
    {
      if (g_str_equal (values[i], value))
        {
          *out = i;
          return TRUE;
        }
    }
  list = g_strjoinv (", ", (char **) values);
  expected = g_strdup_printf ("one of %s", list);
  return bad_value (ctx, error, node, name, expected, value);
}

char *
pl_xml_text (xmlNode *node)
{
  xmlChar *content;
  char *text;

  g_return_val_if_fail (node != NULL, NULL);

  content = xmlNodeGetContent (node);
  text = g_strstrip (g_strdup (content ? (const char *) content : ""));
  xmlFree (content);
  return text;
}

/* Numbers with units -------------------------------------------------- */

#define MAX_FRACTION_DIGITS 9

/* Reads "digits[.digits]" at *p; the fraction keeps at most 9 digits. */
static gboolean
parse_decimal (const char **p,
               guint64     *integer,
               guint64     *fraction,
               guint64     *scale)
{
  const char *s = *p;
  guint64 i = 0, f = 0, sc = 1;

  if (!g_ascii_isdigit (*s))
    return FALSE;
  for (; g_ascii_isdigit (*s); s++)
    {
      guint d = *s - '0';

      if (i > (G_MAXUINT64 - d) / 10)
        return FALSE;
      i = i * 10 + d;
    }
  if (*s == '.')
    {
      s++;
      if (!g_ascii_isdigit (*s))
        return FALSE;
      for (int n = 0; g_ascii_isdigit (*s); s++, n++)
        {
          if (n < MAX_FRACTION_DIGITS)
            {
              f = f * 10 + (guint64) (*s - '0');
              sc *= 10;
            }
        }
    }
  *p = s;
  *integer = i;
  *fraction = f;
  *scale = sc;
  return TRUE;
}

/* integer.fraction * unit, rounded to the nearest whole number. */
static gboolean
scale_decimal (guint64  integer,
               guint64  fraction,
               guint64  scale,
               guint64  unit,
               guint64  max,
               guint64 *out)
{
  guint64 whole, part;

  if (unit != 0 && integer > max / unit)
    return FALSE;
  whole = integer * unit;
  /* fraction < 10^9 and unit <= 3.6e9 (an hour in us): no overflow. */
  part = (fraction * unit + scale / 2) / scale;
  if (whole > max - part)
    return FALSE;
  *out = whole + part;
  return TRUE;
}

gboolean
pl_parse_duration (const char *text,
                   PlTime     *out)
{
  static const struct {
    const char *suffix;
    guint64 unit;
  } units[] = {
    { "us", 1 },
    { "ms", 1000 },
    { "s", G_USEC_PER_SEC },
    { "min", 60 * (guint64) G_USEC_PER_SEC },
    { "h", 3600 * (guint64) G_USEC_PER_SEC },
  };
  const char *p;
  guint64 integer, fraction, scale, value;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  p = text;
  while (g_ascii_isspace (*p))
    p++;
  if (!parse_decimal (&p, &integer, &fraction, &scale))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize len = strlen (units[i].suffix);
      const char *q = p + len;

      if (strncmp (p, units[i].suffix, len) != 0)
        continue;
      while (g_ascii_isspace (*q))
        q++;
      if (*q != '\0')
        return FALSE;
      if (!scale_decimal (integer, fraction, scale, units[i].unit, G_MAXINT64, &value))
        return FALSE;
      *out = (PlTime) value;
      return TRUE;
    }

  /* A bare number is ambiguous (seconds? milliseconds?), except zero. */
  while (g_ascii_isspace (*p))
    p++;
  if (*p == '\0' && integer == 0 && fraction == 0)
    {
      *out = 0;
      return TRUE;
    }
  return FALSE;
}

gboolean
pl_parse_bandwidth (const char *text,
                    guint64    *out)
{
  static const struct {
    const char *suffix;
    guint64 unit;
  } units[] = {
    { "bps", 1 },
    { "kbps", 1000 },
    { "Kbps", 1000 },
    { "Mbps", 1000 * 1000 },
    { "Gbps", 1000 * 1000 * 1000 },
  };
  const char *p;
  guint64 integer, fraction, scale;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  p = text;
  while (g_ascii_isspace (*p))
    p++;
  if (!parse_decimal (&p, &integer, &fraction, &scale))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize len = strlen (units[i].suffix);
      const char *q = p + len;

      if (strncmp (p, units[i].suffix, len) != 0)
        continue;
      while (g_ascii_isspace (*q))
        q++;
      if (*q != '\0')
        return FALSE;
      return scale_decimal (integer, fraction, scale, units[i].unit, G_MAXUINT64, out);
    }

  /* Bare bits per second: whole numbers only. */
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || scale != 1)
    return FALSE;
  *out = integer;
  return TRUE;
}
