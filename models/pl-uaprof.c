/* pl-uaprof.c: OMA User Agent Profiles (OMA-TS-UAProf, RDF/XML after
 * W3C CC/PP): vendor, model, the content types a device accepts and the
 * push applications it runs.
 *
 * A profile is an rdf:RDF whose rdf:Description has prf:component
 * children; each component is an rdf:Description with an rdf:type (or a
 * typed node such as <prf:HardwarePlatform>) holding properties. The prf
 * namespace carries the schema's date and has changed over the years
 * (WAP Forum 20010430, OMA 20021212, …), so every namespace whose path
 * contains "UAPROF/ccppschema" is taken as UAProf. Only the properties
 * the push network needs are read, and those strictly: in the component
 * the schema puts them in, bags as rdf:Bag of rdf:li, once each.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-uaprof"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>

#include "pl-uaprof.h"
#include "pl-xml.h"

#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define UAPROF_PATH "UAPROF/ccppschema"

struct _PlUaprof {
  char *vendor;
  char *model;
  GPtrArray *content_types;  /* char *, NULL-terminated */
  GPtrArray *app_ids;        /* char *, NULL-terminated */
  guint push_msg_size;
};

/* ---- XML bodies held in memory ---- */

struct _PlXmlBody {
  const char *data;          /* borrowed */
  gsize length;
  char *origin;
  xmlDoc *doc;

  /* While parsing. */
  gboolean doctype;
  gsize doctype_offset;
  char *first_error;
  int error_line;
  int error_column;
};

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
offset_to_position (PlXmlBody *body,
                    gsize      offset,
                    int       *line,
                    int       *column)
{
  gsize line_start = 0;
  int l = 1, c = 1;

  offset = MIN (offset, body->length);
  for (gsize i = 0; i < offset; i++)
    if (body->data[i] == '\n')
      {
        l = l < G_MAXINT ? l + 1 : l;
        line_start = i + 1;
      }
  /* Columns count characters: UTF-8 continuation bytes do not advance. */
  for (gsize i = line_start; i < offset; i++)
    if (((guchar) body->data[i] & 0xC0) != 0x80 && c < G_MAXINT)
      c++;
  *line = l;
  *column = c;
}

static void
set_error_at (PlXmlBody   *body,
              GError     **error,
              int          code,
              int          line,
              int          column,
              const char  *message)
{
  if (line <= 0)
    g_set_error (error, PL_SCENARIO_ERROR, code, "%s: %s", body->origin, message);
  else if (column <= 0)
    g_set_error (error, PL_SCENARIO_ERROR, code, "%s:%d: %s", body->origin, line, message);
  else
    g_set_error (error, PL_SCENARIO_ERROR, code, "%s:%d:%d: %s", body->origin, line, column,
                 message);
}

/* Where the start tag begins, found as pl-xml.c finds it: the parser
 * stands at the end of the tag, and '<' cannot occur in an attribute
 * value. The offset + 1 is kept in _private (0: unknown). */
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
  PlXmlBody *body = ctxt->_private;
  xmlNode *node;
  long consumed;
  gsize offset;

  xmlSAX2StartElementNs (user_data, localname, prefix, uri, n_namespaces,
                         namespaces, n_attributes, n_defaulted, attributes);

  node = ctxt->node;
  consumed = xmlByteConsumed (ctxt);
  if (node == NULL || node->name != localname || consumed < 0 || body->length == 0)
    return;

  offset = MIN ((gsize) consumed, body->length - 1);
  while (offset > 0 && body->data[offset] != '<')
    offset--;
  if (body->data[offset] == '<')
    node->_private = GSIZE_TO_POINTER (offset + 1);
}

static void
on_internal_subset (void          *user_data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  xmlParserCtxt *ctxt = user_data;
  PlXmlBody *body = ctxt->_private;
  long consumed = xmlByteConsumed (ctxt);
  gsize offset = consumed > 0 ? MIN ((gsize) consumed, body->length) : 0;

  /* Stop before the internal subset is read: no entity declaration of
   * the document is ever looked at (as pl-xml.c does). */
  while (offset > 0
         && (body->length - offset < 9 || memcmp (body->data + offset, "<!DOCTYPE", 9) != 0))
    offset--;
  body->doctype = TRUE;
  body->doctype_offset = offset;
  xmlStopParser (ctxt);
}

static void
on_parse_error (void     *user_data,
                xmlError *err)
{
  xmlParserCtxt *ctxt = user_data;
  PlXmlBody *body = ctxt->_private;

  if (err == NULL || err->level < XML_ERR_ERROR || body->first_error != NULL)
    return;
  body->first_error = g_strstrip (g_strdup (err->message ? err->message : "unknown error"));
  body->error_line = err->line;
  body->error_column = err->int2;
}

/* libxml2 reports a failed encoding conversion here, outside the parser
 * context, on stderr; the parser's own error (on_parse_error) says what
 * went wrong, and a body from the network must not write to stderr. */
static void on_generic_error (void       *user_data,
                              const char *format,
                              ...) G_GNUC_PRINTF (2, 3);

static void
on_generic_error (void       *user_data,
                  const char *format,
                  ...)
{
}

PlXmlBody *
_pl_xml_body_new (const char  *data,
                  gsize        len,
                  const char  *origin,
                  const char  *root_hint,
                  GError     **error)
{
  g_autoptr (PlXmlBody) body = NULL;
  xmlParserCtxt *ctxt;
  xmlGenericErrorFunc saved_error;
  void *saved_error_data;
  gboolean blank = TRUE;
  int line, column;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (root_hint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  body = g_new0 (PlXmlBody, 1);
  body->data = data ? data : "";
  body->length = len;
  body->origin = g_strdup (origin);

  for (gsize i = 0; i < len && blank; i++)
    blank = is_xml_space (data[i]);
  if (blank)
    {
      g_autofree char *message = g_strdup_printf ("the document is empty (expected %s)",
                                                  root_hint);

      set_error_at (body, error, PL_SCENARIO_ERROR_SYNTAX, 1, 1, message);
      return NULL;
    }
  if (len > G_MAXINT)
    {
      set_error_at (body, error, PL_SCENARIO_ERROR_FILE, 0, 0, "the document is too large");
      return NULL;
    }

  xmlInitParser ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      set_error_at (body, error, PL_SCENARIO_ERROR_FILE, 0, 0, "cannot create an XML parser");
      return NULL;
    }
  ctxt->_private = body;
  ctxt->sax->startElementNs = on_start_element_ns;
  ctxt->sax->internalSubset = on_internal_subset;
  ctxt->sax->serror = on_parse_error;
  ctxt->sax->warning = NULL;
  ctxt->sax->error = NULL;
  ctxt->sax->fatalError = NULL;

  /* No NOENT, no DTDLOAD, no DTDATTR: entities stay unexpanded and
   * nothing outside the document is ever read. */
  saved_error = xmlGenericError;
  saved_error_data = xmlGenericErrorContext;
  xmlSetGenericErrorFunc (NULL, on_generic_error);
  body->doc = xmlCtxtReadMemory (ctxt, body->data, (int) len, origin, NULL, XML_PARSE_NONET);
  xmlSetGenericErrorFunc (saved_error_data, saved_error);
  xmlFreeParserCtxt (ctxt);

  if (body->doctype || (body->doc && (body->doc->intSubset || body->doc->extSubset)))
    {
      if (body->doctype)
        offset_to_position (body, body->doctype_offset, &line, &column);
      else
        line = column = 1;
      set_error_at (body, error, PL_SCENARIO_ERROR_SYNTAX, line, column,
                    "a DOCTYPE is not allowed (DTDs and external entities are off)");
      return NULL;
    }
  if (body->first_error != NULL)
    {
      set_error_at (body, error, PL_SCENARIO_ERROR_SYNTAX, body->error_line,
                    body->error_column, body->first_error);
      return NULL;
    }
  if (body->doc == NULL || xmlDocGetRootElement (body->doc) == NULL)
    {
      set_error_at (body, error, PL_SCENARIO_ERROR_SYNTAX, 1, 1,
                    "not a well-formed XML document");
      return NULL;
    }
  return g_steal_pointer (&body);
}

void
_pl_xml_body_free (PlXmlBody *body)
{
  if (body == NULL)
    return;
  g_clear_pointer (&body->doc, xmlFreeDoc);
  g_free (body->first_error);
  g_free (body->origin);
  g_free (body);
}

xmlNode *
_pl_xml_body_root (PlXmlBody *body)
{
  g_return_val_if_fail (body != NULL, NULL);
  return xmlDocGetRootElement (body->doc);
}

static void
node_position (PlXmlBody *body,
               xmlNode   *node,
               int       *line,
               int       *column)
{
  gsize stored = node && node->type == XML_ELEMENT_NODE ? GPOINTER_TO_SIZE (node->_private) : 0;

  if (stored > 0)
    {
      offset_to_position (body, stored - 1, line, column);
      return;
    }
  *line = node ? (int) CLAMP (xmlGetLineNo (node), 0, G_MAXINT) : 0;
  *column = 0;
}

int
_pl_xml_body_line (PlXmlBody *body,
                   xmlNode   *node)
{
  int line, column;

  g_return_val_if_fail (body != NULL, 0);

  node_position (body, node, &line, &column);
  return line;
}

gboolean
_pl_xml_body_error (PlXmlBody   *body,
                    GError     **error,
                    xmlNode     *node,
                    const char  *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;
  int line, column;

  g_return_val_if_fail (body != NULL, FALSE);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  node_position (body, node, &line, &column);
  set_error_at (body, error, PL_SCENARIO_ERROR_INVALID, line, column, message);
  return FALSE;
}

char *
_pl_xml_body_text (PlXmlBody   *body,
                   xmlNode     *element,
                   GError     **error)
{
  xmlNode *child;
  xmlChar *content;
  char *text;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (element != NULL, NULL);

  child = xmlFirstElementChild (element);
  if (child != NULL)
    {
      _pl_xml_body_error (body, error, child,
                          "unexpected element <%s> in <%s>, which holds text only",
                          (const char *) child->name, (const char *) element->name);
      return NULL;
    }
  content = xmlNodeGetContent (element);
  text = g_strstrip (g_strdup (content ? (const char *) content : ""));
  xmlFree (content);
  return text;
}

/* ---- names ---- */

/* The namespace's path (after "scheme://authority") names the schema. */
static gboolean
is_uaprof_namespace (const xmlChar *href)
{
  const char *path;
  const char *scheme_end;

  if (href == NULL)
    return FALSE;
  path = (const char *) href;
  scheme_end = strstr (path, "://");
  if (scheme_end != NULL)
    {
      path = strchr (scheme_end + 3, '/');
      if (path == NULL)
        return FALSE;
    }
  return strstr (path, UAPROF_PATH) != NULL;
}

static gboolean
is_rdf (xmlNode    *node,
        const char *name)
{
  return node->ns != NULL && xmlStrEqual (node->ns->href, BAD_CAST RDF_NS)
         && xmlStrEqual (node->name, BAD_CAST name);
}

static gboolean
is_uaprof (xmlNode *node)
{
  return node->ns != NULL && is_uaprof_namespace (node->ns->href);
}

/* "<prf:Vendor>", with the document's own prefix. */
static char *
tag_name (xmlNode *node)
{
  if (node->ns != NULL && node->ns->prefix != NULL)
    return g_strdup_printf ("<%s:%s>", (const char *) node->ns->prefix,
                            (const char *) node->name);
  return g_strdup_printf ("<%s>", (const char *) node->name);
}

/* ---- values ---- */

/* RFC 2045 §5.1 token. */
static gsize
token_length (const char *s)
{
  gsize n = 0;

  while (s[n] && (guchar) s[n] > 0x20 && (guchar) s[n] < 0x7F
         && !strchr ("()<>@,;:\\\"/[]?=", s[n]))
    n++;
  return n;
}

/* Splits "type/subtype; params" (RFC 2616 §14.1 media-range: a star
 * subtype, or star for both); FALSE when it is not one. */
static gboolean
split_content_type (const char  *text,
                    char       **type,
                    char       **subtype)
{
  gsize type_len, subtype_len;
  const char *sub, *rest;

  while (*text == ' ' || *text == '\t')
    text++;
  type_len = token_length (text);
  if (type_len == 0 || text[type_len] != '/')
    return FALSE;
  sub = text + type_len + 1;
  subtype_len = token_length (sub);
  if (subtype_len == 0)
    return FALSE;
  rest = sub + subtype_len;
  while (*rest == ' ' || *rest == '\t')
    rest++;
  if (*rest != '\0' && *rest != ';')
    return FALSE;
  if (type_len == 1 && text[0] == '*' && !(subtype_len == 1 && sub[0] == '*'))
    return FALSE;
  if (type)
    *type = g_strndup (text, type_len);
  if (subtype)
    *subtype = g_strndup (sub, subtype_len);
  return TRUE;
}

static gboolean
contains_ignoring_case (GPtrArray  *list,
                        const char *value)
{
  for (guint i = 0; i < list->len; i++)
    {
      const char *item = g_ptr_array_index (list, i);

      if (item != NULL && g_ascii_strcasecmp (item, value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* ---- reading a profile ---- */

typedef enum {
  COMPONENT_OTHER,
  COMPONENT_HARDWARE,
  COMPONENT_SOFTWARE,
  COMPONENT_PUSH,
} ComponentKind;

static const char *const component_names[] = {
  [COMPONENT_OTHER] = NULL,
  [COMPONENT_HARDWARE] = "HardwarePlatform",
  [COMPONENT_SOFTWARE] = "SoftwarePlatform",
  [COMPONENT_PUSH] = "PushCharacteristics",
};

typedef enum {
  VALUE_TEXT,
  VALUE_SIZE,
  VALUE_CONTENT_TYPES,
  VALUE_APP_IDS,
} ValueKind;

/* The properties read, with the component the UAProf schema defines them
 * in (OMA-TS-UAProf Appendix, ccppschema-20021212). */
static const struct {
  const char *name;
  ComponentKind component;
  ValueKind kind;
  const char *meaning;       /* completes "expected …" */
} properties[] = {
  { "Vendor", COMPONENT_HARDWARE, VALUE_TEXT, "the vendor's name" },
  { "Model", COMPONENT_HARDWARE, VALUE_TEXT, "the model's name" },
  { "CcppAccept", COMPONENT_SOFTWARE, VALUE_CONTENT_TYPES, "content types" },
  { "Push-Accept", COMPONENT_PUSH, VALUE_CONTENT_TYPES, "content types" },
  { "Push-Accept-AppID", COMPONENT_PUSH, VALUE_APP_IDS, "push application ids" },
  { "Push-MsgSize", COMPONENT_PUSH, VALUE_SIZE, "a size in bytes, from 1" },
};

typedef struct {
  PlXmlBody *body;
  PlUaprof *uaprof;
  int seen_line[G_N_ELEMENTS (properties)];  /* single values: where first given */
} Reader;

static int
find_property (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    if (g_str_equal (properties[i].name, name))
      return (int) i;
  return -1;
}

/* @name says what holds the value: "<prf:Vendor>", "attribute prf:Vendor". */
static gboolean
read_single (Reader      *r,
             xmlNode     *element,
             const char  *name,
             int          property,
             const char  *text,
             GError     **error)
{
  int line = _pl_xml_body_line (r->body, element);

  if (r->seen_line[property] > 0)
    return _pl_xml_body_error (r->body, error, element,
                               "%s is already given on line %d: expected it once",
                               name, r->seen_line[property]);
  if (*text == '\0')
    return _pl_xml_body_error (r->body, error, element, "%s is empty: expected %s",
                               name, properties[property].meaning);

  switch (properties[property].kind)
    {
    case VALUE_TEXT:
      if (g_str_equal (properties[property].name, "Vendor"))
        r->uaprof->vendor = g_strdup (text);
      else
        r->uaprof->model = g_strdup (text);
      break;
    case VALUE_SIZE:
      {
        guint64 size;

        if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &size, NULL))
          return _pl_xml_body_error (r->body, error, element, "%s: expected %s, got '%s'",
                                     name, properties[property].meaning, text);
        r->uaprof->push_msg_size = (guint) size;
      }
      break;
    case VALUE_CONTENT_TYPES:
    case VALUE_APP_IDS:
    default:
      g_assert_not_reached ();
    }
  r->seen_line[property] = MAX (line, 1);
  return TRUE;
}

static gboolean
read_bag (Reader      *r,
          xmlNode     *element,
          const char  *name,
          int          property,
          GError     **error)
{
  ValueKind kind = properties[property].kind;
  GPtrArray *list = kind == VALUE_APP_IDS ? r->uaprof->app_ids : r->uaprof->content_types;
  xmlNode *bag = xmlFirstElementChild (element);

  if (bag == NULL || !is_rdf (bag, "Bag") || xmlNextElementSibling (bag) != NULL)
    return _pl_xml_body_error (r->body, error, bag ? bag : element,
                               "%s: expected one <rdf:Bag> of <rdf:li> holding %s",
                               name, properties[property].meaning);

  pl_xml_foreach_element (bag, li)
    {
      g_autofree char *value = NULL;

      if (!is_rdf (li, "li"))
        {
          g_autofree char *li_name = tag_name (li);

          return _pl_xml_body_error (r->body, error, li,
                                     "%s in the <rdf:Bag> of %s: expected <rdf:li>",
                                     li_name, name);
        }
      value = _pl_xml_body_text (r->body, li, error);
      if (value == NULL)
        return FALSE;
      if (*value == '\0')
        return _pl_xml_body_error (r->body, error, li, "empty <rdf:li> in %s: expected %s",
                                   name, kind == VALUE_APP_IDS ? "a push application id"
                                                               : "a content type");
      if (kind == VALUE_CONTENT_TYPES && !split_content_type (value, NULL, NULL))
        return _pl_xml_body_error (r->body, error, li,
                                   "'%s' in %s is not a content type: expected type/subtype",
                                   value, name);
      if (kind == VALUE_APP_IDS && strpbrk (value, " \t\r\n") != NULL)
        return _pl_xml_body_error (r->body, error, li,
                                   "'%s' in %s: expected a push application id such as "
                                   "0x05 or x-wap-application:push.syncml", value, name);
      if (!contains_ignoring_case (list, value))
        g_ptr_array_add (list, g_steal_pointer (&value));
    }
  return TRUE;
}

static gboolean
check_component (Reader         *r,
                 xmlNode        *element,
                 const char     *name,
                 int             property,
                 ComponentKind   component,
                 const char     *component_name,
                 GError        **error)
{
  if (properties[property].component == component)
    return TRUE;
  return _pl_xml_body_error (r->body, error, element,
                             "%s is a property of the %s component: expected it there, "
                             "not in %s", name,
                             component_names[properties[property].component],
                             component_name);
}

static gboolean
read_properties (Reader         *r,
                 xmlNode        *description,
                 ComponentKind   component,
                 const char     *component_name,
                 GError        **error)
{
  /* Literal properties may be written as attributes of the description
   * (RDF/XML §2.5, property attributes). */
  for (xmlAttr *attr = description->properties; attr; attr = attr->next)
    {
      g_autofree char *text = NULL;
      g_autofree char *name = NULL;
      xmlChar *value;
      int property;

      if (attr->ns == NULL || !is_uaprof_namespace (attr->ns->href))
        continue;
      property = find_property ((const char *) attr->name);
      if (property < 0)
        continue;
      name = g_strdup_printf ("attribute %s%s%s",
                              attr->ns->prefix ? (const char *) attr->ns->prefix : "",
                              attr->ns->prefix ? ":" : "", (const char *) attr->name);
      if (properties[property].kind == VALUE_CONTENT_TYPES
          || properties[property].kind == VALUE_APP_IDS)
        return _pl_xml_body_error (r->body, error, description,
                                   "%s holds a bag: expected a %s element with an <rdf:Bag> "
                                   "of <rdf:li>", name, (const char *) attr->name);
      if (!check_component (r, description, name, property, component, component_name, error))
        return FALSE;
      value = xmlNodeGetContent ((xmlNode *) attr);
      text = g_strstrip (g_strdup (value ? (const char *) value : ""));
      xmlFree (value);
      if (!read_single (r, description, name, property, text, error))
        return FALSE;
    }

  pl_xml_foreach_element (description, child)
    {
      g_autofree char *name = NULL;
      int property;

      if (!is_uaprof (child))
        continue;
      property = find_property ((const char *) child->name);
      if (property < 0)
        continue;
      name = tag_name (child);
      if (!check_component (r, child, name, property, component, component_name, error))
        return FALSE;
      if (properties[property].kind == VALUE_CONTENT_TYPES
          || properties[property].kind == VALUE_APP_IDS)
        {
          if (!read_bag (r, child, name, property, error))
            return FALSE;
        }
      else
        {
          g_autofree char *text = _pl_xml_body_text (r->body, child, error);

          if (text == NULL || !read_single (r, child, name, property, text, error))
            return FALSE;
        }
    }
  return TRUE;
}

static ComponentKind
component_kind (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (component_names); i++)
    if (component_names[i] != NULL && g_str_equal (component_names[i], type))
      return (ComponentKind) i;
  return COMPONENT_OTHER;
}

#define TYPE_EXPECTED \
  "a UAProf component type such as …/UAPROF/ccppschema-20021212#HardwarePlatform"

/* The component type of an rdf:Description: its rdf:type, written as an
 * element or as an attribute. */
static char *
description_type (Reader   *r,
                  xmlNode  *description,
                  GError  **error)
{
  g_autofree char *resource = NULL;
  xmlNode *seen = NULL;
  const char *hash;
  xmlChar *attr;

  attr = xmlGetNsProp (description, BAD_CAST "type", BAD_CAST RDF_NS);
  if (attr != NULL)
    {
      resource = g_strdup ((const char *) attr);
      xmlFree (attr);
      seen = description;
    }
  pl_xml_foreach_element (description, child)
    {
      if (!is_rdf (child, "type"))
        continue;
      if (seen != NULL)
        return _pl_xml_body_error (r->body, error, child,
                                   "the component already has an rdf:type on line %d: "
                                   "expected one", _pl_xml_body_line (r->body, seen)), NULL;
      attr = xmlGetNsProp (child, BAD_CAST "resource", BAD_CAST RDF_NS);
      if (attr == NULL)
        return _pl_xml_body_error (r->body, error, child,
                                   "<rdf:type> has no rdf:resource: expected " TYPE_EXPECTED),
               NULL;
      resource = g_strdup ((const char *) attr);
      xmlFree (attr);
      seen = child;
    }
  if (seen == NULL)
    return _pl_xml_body_error (r->body, error, description,
                               "the component has no rdf:type: expected " TYPE_EXPECTED),
           NULL;

  hash = strrchr (resource, '#');
  if (hash == NULL || hash[1] == '\0')
    return _pl_xml_body_error (r->body, error, seen,
                               "rdf:type '%s' names no type after '#': expected "
                               TYPE_EXPECTED, resource), NULL;
  {
    g_autofree char *ns = g_strndup (resource, hash - resource + 1);

    if (!is_uaprof_namespace (BAD_CAST ns))
      return _pl_xml_body_error (r->body, error, seen,
                                 "rdf:type '%s' is not in a UAProf namespace: expected a "
                                 "namespace whose path contains '" UAPROF_PATH "'",
                                 resource), NULL;
  }
  return g_strdup (hash + 1);
}

static gboolean
read_component (Reader   *r,
                xmlNode  *component,
                GError  **error)
{
  g_autofree char *component_qname = tag_name (component);
  g_autofree char *type = NULL;
  xmlNode *description = xmlFirstElementChild (component);
  xmlNode *second;

  if (description == NULL)
    return _pl_xml_body_error (r->body, error, component,
                               "%s holds no component: expected an <rdf:Description> "
                               "inside (references are not followed)", component_qname);
  second = xmlNextElementSibling (description);
  if (second != NULL)
    return _pl_xml_body_error (r->body, error, second,
                               "%s already holds a component on line %d: expected one",
                               component_qname, _pl_xml_body_line (r->body, description));

  if (is_rdf (description, "Description"))
    {
      type = description_type (r, description, error);
      if (type == NULL)
        return FALSE;
    }
  else if (is_uaprof (description))
    type = g_strdup ((const char *) description->name);  /* a typed node */
  else
    {
      g_autofree char *name = tag_name (description);

      return _pl_xml_body_error (r->body, error, description,
                                 "%s in %s: expected an <rdf:Description> or a typed "
                                 "UAProf component", name, component_qname);
    }

  return read_properties (r, description, component_kind (type), type, error);
}

static gboolean
read_profile (Reader   *r,
              GError  **error)
{
  xmlNode *root = _pl_xml_body_root (r->body);
  gboolean found = FALSE;

  if (!is_rdf (root, "RDF"))
    {
      g_autofree char *name = tag_name (root);

      return _pl_xml_body_error (r->body, error, root,
                                 "the root element is %s: expected <rdf:RDF> in the "
                                 "namespace " RDF_NS, name);
    }

  pl_xml_foreach_element (root, description)
    {
      if (!is_rdf (description, "Description"))
        continue;
      pl_xml_foreach_element (description, child)
        {
          if (!xmlStrEqual (child->name, BAD_CAST "component"))
            continue;
          if (!is_uaprof (child))
            {
              g_autofree char *name = tag_name (child);

              return _pl_xml_body_error (r->body, error, child,
                                         "%s is in the namespace '%s': expected a UAProf "
                                         "namespace, whose path contains '" UAPROF_PATH "'",
                                         name, child->ns ? (const char *) child->ns->href
                                                         : "(none)");
            }
          found = TRUE;
          if (!read_component (r, child, error))
            return FALSE;
        }
    }

  if (!found)
    return _pl_xml_body_error (r->body, error, root,
                               "<rdf:RDF> holds no <rdf:Description> with <prf:component> "
                               "children: expected a UAProf profile");
  return TRUE;
}

static PlUaprof *
uaprof_new (void)
{
  PlUaprof *uaprof = g_new0 (PlUaprof, 1);

  uaprof->content_types = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  uaprof->app_ids = g_ptr_array_new_null_terminated (2, g_free, TRUE);
  return uaprof;
}

PlUaprof *
pl_uaprof_parse (const char  *data,
                 gsize        len,
                 const char  *origin,
                 GError     **error)
{
  g_autoptr (PlXmlBody) body = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  Reader reader = { 0 };

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  body = _pl_xml_body_new (data, len, origin, "an <rdf:RDF> element", error);
  if (body == NULL)
    return NULL;

  uaprof = uaprof_new ();
  reader.body = body;
  reader.uaprof = uaprof;
  if (!read_profile (&reader, error))
    return NULL;
  return g_steal_pointer (&uaprof);
}

PlUaprof *
pl_uaprof_load (const char  *path,
                GError     **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE,
                   "%s: cannot read the file: %s", path, local->message);
      return NULL;
    }
  return pl_uaprof_parse (data, len, path, error);
}

void
pl_uaprof_free (PlUaprof *uaprof)
{
  if (uaprof == NULL)
    return;
  g_clear_pointer (&uaprof->content_types, g_ptr_array_unref);
  g_clear_pointer (&uaprof->app_ids, g_ptr_array_unref);
  g_free (uaprof->vendor);
  g_free (uaprof->model);
  g_free (uaprof);
}

const char *
pl_uaprof_get_vendor (const PlUaprof *uaprof)
{
  g_return_val_if_fail (uaprof != NULL, NULL);
  return uaprof->vendor;
}

const char *
pl_uaprof_get_model (const PlUaprof *uaprof)
{
  g_return_val_if_fail (uaprof != NULL, NULL);
  return uaprof->model;
}

const char * const *
pl_uaprof_get_content_types (const PlUaprof *uaprof)
{
  g_return_val_if_fail (uaprof != NULL, NULL);
  return (const char * const *) uaprof->content_types->pdata;
}

const char * const *
pl_uaprof_get_push_app_ids (const PlUaprof *uaprof)
{
  g_return_val_if_fail (uaprof != NULL, NULL);
  return (const char * const *) uaprof->app_ids->pdata;
}

guint
pl_uaprof_get_push_msg_size (const PlUaprof *uaprof)
{
  g_return_val_if_fail (uaprof != NULL, 0);
  return uaprof->push_msg_size;
}

gboolean
pl_uaprof_accepts (const PlUaprof *uaprof,
                   const char     *content_type)
{
  g_autofree char *type = NULL;
  g_autofree char *subtype = NULL;

  g_return_val_if_fail (uaprof != NULL, FALSE);
  g_return_val_if_fail (content_type != NULL, FALSE);

  if (!split_content_type (content_type, &type, &subtype))
    return FALSE;

  for (guint i = 0; i < uaprof->content_types->len; i++)
    {
      g_autofree char *accepted_type = NULL;
      g_autofree char *accepted_subtype = NULL;

      /* Checked when read: every entry splits. */
      if (!split_content_type (g_ptr_array_index (uaprof->content_types, i),
                               &accepted_type, &accepted_subtype))
        continue;
      /* RFC 2616 §14.1: a star type goes with a star subtype only. */
      if (g_str_equal (accepted_type, "*"))
        return TRUE;
      if (g_ascii_strcasecmp (accepted_type, type) != 0)
        continue;
      if (g_str_equal (accepted_subtype, "*")
          || g_ascii_strcasecmp (accepted_subtype, subtype) == 0)
        return TRUE;
    }
  return FALSE;
}
