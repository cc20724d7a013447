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


#include "pl-uaprof.h"
#include "pl-wire.h"
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
  PlXmlContext *ctx;
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
  int line = pl_xml_get_line (element);

  if (r->seen_line[property] > 0)
    return pl_xml_error (r->ctx, error, element, NULL,
                         "%s is already given on line %d: expected it once",
                         name, r->seen_line[property]);
  if (*text == '\0')
    return pl_xml_error (r->ctx, error, element, NULL, "%s is empty: expected %s",
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
          return pl_xml_error (r->ctx, error, element, NULL, "%s: expected %s, got '%s'",
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
    return pl_xml_error (r->ctx, error, bag ? bag : element, NULL,
                         "%s: expected one <rdf:Bag> of <rdf:li> holding %s",
                         name, properties[property].meaning);

  pl_xml_foreach_element (bag, li)
    {
      g_autofree char *value = NULL;

      if (!is_rdf (li, "li"))
        {
          g_autofree char *li_name = tag_name (li);

          return pl_xml_error (r->ctx, error, li, NULL,
                               "%s in the <rdf:Bag> of %s: expected <rdf:li>",
                               li_name, name);
        }
      value = pl_xml_text_only (r->ctx, li, error);
      if (value == NULL)
        return FALSE;
      if (*value == '\0')
        return pl_xml_error (r->ctx, error, li, NULL, "empty <rdf:li> in %s: expected %s",
                             name, kind == VALUE_APP_IDS ? "a push application id"
                                                         : "a content type");
      if (kind == VALUE_CONTENT_TYPES && !split_content_type (value, NULL, NULL))
        return pl_xml_error (r->ctx, error, li, NULL,
                             "'%s' in %s is not a content type: expected type/subtype",
                             value, name);
      if (kind == VALUE_APP_IDS && strpbrk (value, " \t\r\n") != NULL)
        return pl_xml_error (r->ctx, error, li, NULL,
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
  return pl_xml_error (r->ctx, error, element, NULL,
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
        return pl_xml_error (r->ctx, error, description, NULL,
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
          g_autofree char *text = pl_xml_text_only (r->ctx, child, error);

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
        return pl_xml_error (r->ctx, error, child, NULL,
                             "the component already has an rdf:type on line %d: "
                             "expected one", pl_xml_get_line (seen)), NULL;
      attr = xmlGetNsProp (child, BAD_CAST "resource", BAD_CAST RDF_NS);
      if (attr == NULL)
        return pl_xml_error (r->ctx, error, child, NULL,
                             "<rdf:type> has no rdf:resource: expected " TYPE_EXPECTED),
               NULL;
      resource = g_strdup ((const char *) attr);
      xmlFree (attr);
      seen = child;
    }
  if (seen == NULL)
    return pl_xml_error (r->ctx, error, description, NULL,
                         "the component has no rdf:type: expected " TYPE_EXPECTED),
           NULL;

  hash = strrchr (resource, '#');
  if (hash == NULL || hash[1] == '\0')
    return pl_xml_error (r->ctx, error, seen, NULL,
                         "rdf:type '%s' names no type after '#': expected "
                         TYPE_EXPECTED, resource), NULL;
  {
    g_autofree char *ns = g_strndup (resource, hash - resource + 1);

    if (!is_uaprof_namespace (BAD_CAST ns))
      return pl_xml_error (r->ctx, error, seen, NULL,
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
    return pl_xml_error (r->ctx, error, component, NULL,
                         "%s holds no component: expected an <rdf:Description> "
                         "inside (references are not followed)", component_qname);
  second = xmlNextElementSibling (description);
  if (second != NULL)
    return pl_xml_error (r->ctx, error, second, NULL,
                         "%s already holds a component on line %d: expected one",
                         component_qname, pl_xml_get_line (description));

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

      return pl_xml_error (r->ctx, error, description, NULL,
                           "%s in %s: expected an <rdf:Description> or a typed "
                           "UAProf component", name, component_qname);
    }

  return read_properties (r, description, component_kind (type), type, error);
}

static gboolean
read_profile (Reader   *r,
              GError  **error)
{
  xmlNode *root = xmlDocGetRootElement (pl_xml_context_get_doc (r->ctx));
  gboolean found = FALSE;

  if (!is_rdf (root, "RDF"))
    {
      g_autofree char *name = tag_name (root);

      return pl_xml_error (r->ctx, error, root, NULL,
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

              return pl_xml_error (r->ctx, error, child, NULL,
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
    return pl_xml_error (r->ctx, error, root, NULL,
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
  g_autoptr (PlXmlContext) ctx = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  Reader reader = { 0 };

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx = pl_xml_context_load_memory_full (data, len, origin, PL_XML_LOAD_DEFAULT,
                                          "the document is empty (expected an <rdf:RDF> element)",
                                          error);
  if (ctx == NULL)
    return NULL;

  uaprof = uaprof_new ();
  reader.ctx = ctx;
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
  g_return_val_if_fail (uaprof != NULL, FALSE);
  g_return_val_if_fail (content_type != NULL, FALSE);

  for (guint i = 0; i < uaprof->content_types->len; i++)
    if (pl_wire_media_range_matches (g_ptr_array_index (uaprof->content_types, i), content_type))
      return TRUE;
  return FALSE;
}
