/* pl-xml-schema.c: validation against the scenario schema, with errors
 * that name file:line:column in the author's terms.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-xml"

#include <string.h>

#include <libxml/xmlschemas.h>

#include "pl-sim-resources.h"
#include "pl-xml-private.h"

#define SCHEMA_RESOURCE "/org/pushlab/schema/scenario.xsd"

static void
on_schema_parse_error (void     *user_data,
                       xmlError *err)
{
  char **message = user_data;

  if (*message == NULL && err != NULL && err->level >= XML_ERR_ERROR)
    *message = _pl_xml_trim_message (err->message);
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
  first->message = _pl_xml_trim_message (err->message);
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

  root = xmlDocGetRootElement (pl_xml_context_get_doc (ctx));
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "scenario") || root->ns != NULL)
    {
      int line = 1, column = 1;

      if (root != NULL)
        pl_xml_get_position (ctx, root, NULL, &line, &column);
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SCHEMA, line, column,
                    "the root element must be <scenario> (without a namespace)");
      return FALSE;
    }

  schema = get_schema (error);
  if (schema == NULL)
    return FALSE;

  vctxt = xmlSchemaNewValidCtxt (schema);
  xmlSchemaSetValidStructuredErrors (vctxt, on_schema_valid_error, &first);
  result = xmlSchemaValidateDoc (vctxt, pl_xml_context_get_doc (ctx));
  xmlSchemaFreeValidCtxt (vctxt);

  if (result == 0)
    return TRUE;

  if (first.message == NULL)
    {
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SCHEMA, 0, 0,
                    "does not validate against the scenario schema");
    }
  else
    {
      g_autofree char *attr = NULL;
      g_autofree char *message = rewrite_schema_message (first.message, &attr);
      int line = first.line, column = 0;

      if (first.node != NULL && first.node->type == XML_ELEMENT_NODE)
        pl_xml_get_position (ctx, first.node, attr, &line, &column);
      _pl_xml_set_error_at (ctx, error, PL_SCENARIO_ERROR_SCHEMA, line, column, message);
    }
  g_free (first.message);
  return FALSE;
}
