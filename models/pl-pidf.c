/* pl-pidf.c: presence documents (PIDF, RFC 3863) in the presence data
 * model (RFC 4479) with the OMA device-profile extension (SIP Push §8.1).
 *
 * What is read:
 *   <presence entity>: <tuple>s, <note>s, <pdm:person>s, <pdm:device>s and
 *     extension elements, in any order (written back in the RFC 3863
 *     schema's order: tuples, notes, then the others).
 *   <tuple id>: exactly one <status> (with at most one <basic>, "open" or
 *     "closed", and extensions), at most one <contact> and <timestamp>,
 *     <note>s, extensions.
 *   <pdm:person id>: extensions, <pdm:note>s, at most one <pdm:timestamp>.
 *   <pdm:device id>: extensions and at most one <od:device-profile>, then
 *     exactly one <pdm:deviceID>, then <pdm:note>s and <pdm:timestamp>:
 *     this order is checked because §8.1 insists on it.
 * Extensions are elements of any other namespace; they are kept as
 * copies of their XML and written back in the same element, in their
 * order (a device's before its device-profile). Refused: unknown
 * elements of the PIDF, data-model and oma-device namespaces, elements in
 * no namespace, text where only elements belong, ids that are not XML
 * names or not unique (xs:ID), namespace names that are not URIs or that
 * miss a known namespace by spaces, letter case or a character or two
 * (the spec's own example writes xmlns:pdm=" urn:ietf:params:xml:ns:
 * pidf:data-model"; let through, its person and device would silently
 * become unknown extensions). Other attributes of <tuple>, <person> and
 * <device> are not kept.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-pidf"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/uri.h>

#include "pl-pidf.h"
#include "pl-xml.h"

typedef struct {
  char *text;
  char *lang;                /* xml:lang, or NULL */
} Note;

typedef enum {
  KIND_TUPLE,
  KIND_PERSON,
  KIND_DEVICE,
} Kind;

/* A tuple, a person or a device. */
typedef struct {
  Kind kind;
  char *id;
  GPtrArray *extensions;     /* xmlNode* of the owner's store, in order */
  GPtrArray *notes;          /* Note* */
  char *timestamp;
  guint publication;         /* pl_pidf_compose: which one it came from */

  PlPidfBasic basic;         /* tuple */
  GPtrArray *status_extensions;
  char *contact;
  char *contact_priority;

  char *device_id;           /* device */
  char *device_profile;
} Component;

/* The public types are views of a Component, its only member. */
struct _PlPidfTuple {
  Component c;
};

struct _PlPidfPerson {
  Component c;
};

struct _PlPidfDevice {
  Component c;
};

struct _PlPidf {
  char *entity;
  GPtrArray *tuples;         /* Component* */
  GPtrArray *persons;
  GPtrArray *devices;
  GPtrArray *notes;          /* Note*: <note>s of <presence> */
  GPtrArray *extensions;     /* xmlNode*: extension children of <presence> */
  xmlDoc *store;             /* the kept nodes belong to it */
};

/* ---- components ---- */

static void
note_free (Note *note)
{
  g_free (note->text);
  g_free (note->lang);
  g_free (note);
}

static Note *
note_new (const char *text,
          const char *lang)
{
  Note *note = g_new0 (Note, 1);

  note->text = g_strdup (text);
  note->lang = g_strdup (lang);
  return note;
}

static GPtrArray *
node_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) xmlFreeNode);
}

static Component *
component_new (Kind        kind,
               const char *id)
{
  Component *c;

  /* Allocated as the public type, so that either pointer is valid. */
  switch (kind)
    {
    case KIND_TUPLE:
      c = &((PlPidfTuple *) g_new0 (PlPidfTuple, 1))->c;
      break;
    case KIND_PERSON:
      c = &((PlPidfPerson *) g_new0 (PlPidfPerson, 1))->c;
      break;
    case KIND_DEVICE:
    default:
      c = &((PlPidfDevice *) g_new0 (PlPidfDevice, 1))->c;
      break;
    }
  c->kind = kind;
  c->id = g_strdup (id);
  c->extensions = node_array_new ();
  c->status_extensions = node_array_new ();
  c->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  return c;
}

static void
component_free (Component *c)
{
  g_ptr_array_unref (c->extensions);
  g_ptr_array_unref (c->status_extensions);
  g_ptr_array_unref (c->notes);
  g_free (c->id);
  g_free (c->timestamp);
  g_free (c->contact);
  g_free (c->contact_priority);
  g_free (c->device_id);
  g_free (c->device_profile);
  g_free (c);
}

static PlPidf *
pidf_alloc (const char *entity)
{
  PlPidf *pidf = g_new0 (PlPidf, 1);

  pidf->entity = g_strdup (entity);
  pidf->tuples = g_ptr_array_new_with_free_func ((GDestroyNotify) component_free);
  pidf->persons = g_ptr_array_new_with_free_func ((GDestroyNotify) component_free);
  pidf->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) component_free);
  pidf->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) note_free);
  pidf->extensions = node_array_new ();
  pidf->store = xmlNewDoc (BAD_CAST "1.0");
  return pidf;
}

static GPtrArray *
list_of (const PlPidf *pidf,
         Kind          kind)
{
  switch (kind)
    {
    case KIND_TUPLE:
      return pidf->tuples;
    case KIND_PERSON:
      return pidf->persons;
    case KIND_DEVICE:
    default:
      return pidf->devices;
    }
}

/* A self-contained copy: the namespaces it uses are declared on it. */
static xmlNode *
copy_node (xmlNode *node,
           xmlDoc  *doc)
{
  xmlNode *copy = xmlDocCopyNode (node, doc, 1);

  if (copy == NULL)
    g_error ("%s: out of memory", G_STRLOC);
  return copy;
}

static void
copy_nodes (GPtrArray *to,
            GPtrArray *from,
            xmlDoc    *doc)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (to, copy_node (from->pdata[i], doc));
}

static void
copy_notes (GPtrArray *to,
            GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    {
      Note *note = from->pdata[i];

      g_ptr_array_add (to, note_new (note->text, note->lang));
    }
}

static Component *
component_copy (const Component *c,
                xmlDoc          *doc)
{
  Component *copy = component_new (c->kind, c->id);

  copy_nodes (copy->extensions, c->extensions, doc);
  copy_nodes (copy->status_extensions, c->status_extensions, doc);
  copy_notes (copy->notes, c->notes);
  copy->timestamp = g_strdup (c->timestamp);
  copy->basic = c->basic;
  copy->contact = g_strdup (c->contact);
  copy->contact_priority = g_strdup (c->contact_priority);
  copy->device_id = g_strdup (c->device_id);
  copy->device_profile = g_strdup (c->device_profile);
  return copy;
}

static Component *
find_component (const PlPidf *pidf,
                const char   *id)
{
  const Kind kinds[] = { KIND_TUPLE, KIND_PERSON, KIND_DEVICE };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      GPtrArray *list = list_of (pidf, kinds[k]);

      for (guint i = 0; i < list->len; i++)
        if (strcmp (((Component *) list->pdata[i])->id, id) == 0)
          return list->pdata[i];
    }
  return NULL;
}

/* ---- values ---- */

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
has_space (const char *text)
{
  for (const char *p = text; *p; p++)
    if (g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

/* A URI reference with a scheme (xs:anyURI as RFC 3863 uses it). */
static gboolean
is_absolute_uri (const char *text)
{
  xmlURI *uri;
  gboolean ok;

  if (text == NULL || *text == '\0' || has_space (text))
    return FALSE;
  uri = xmlParseURI (text);
  ok = uri != NULL && uri->scheme != NULL;
  xmlFreeURI (uri);
  return ok;
}

gboolean
pl_pidf_is_device_profile_url (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || has_space (url))
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static gboolean
is_xml_name (const char *id)
{
  return id != NULL && *id != '\0' && xmlValidateNCName (BAD_CAST id, 0) == 0;
}

static gboolean
is_timestamp (const char *text)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) time = NULL;

  if (text == NULL || strchr (text, 'T') == NULL)
    return FALSE;
  time = g_date_time_new_from_iso8601 (text, utc);
  return time != NULL;
}

/* RFC 3863 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]. */
static gboolean
is_qvalue (const char *text)
{
  const char *p = text + 1;
  int digits = 0;

  if (text[0] != '0' && text[0] != '1')
    return FALSE;
  if (*p == '\0')
    return TRUE;
  if (*p++ != '.')
    return FALSE;
  for (; *p; p++, digits++)
    if (digits == 3 || !g_ascii_isdigit (*p) || (text[0] == '1' && *p != '0'))
      return FALSE;
  return TRUE;
}

/* ---- reading ---- */

typedef struct {
  PlXmlContext *ctx;
  GHashTable *ids;           /* id -> xmlNode* of its element */
} Reader;

/* ---- reading: namespaces ---- */

static const struct {
  const char *uri;
  const char *what;
} known_namespaces[] = {
  { PL_PIDF_NS, "PIDF" },
  { PL_PIDF_DATA_MODEL_NS, "data-model" },
  { PL_PIDF_OMA_DEVICE_NS, "oma-device" },
};

/* @uri without its whitespace and in lower case. */
static char *
fold_uri (const char *uri)
{
  GString *out = g_string_new (NULL);

  for (const char *p = uri; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

/* Levenshtein distance of @a and @b is at most 2. */
static gboolean
is_near (const char *a,
         const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = NULL;

  if ((la > lb ? la - lb : lb - la) > 2 || la > 256 || lb > 256)
    return FALSE;
  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] != b[j - 1]));
          diagonal = above;
        }
    }
  return row[lb] <= 2;
}

static gboolean
check_namespace_name (Reader   *r,
                      xmlNode  *node,
                      xmlNs    *ns,
                      GError  **error)
{
  const char *href = (const char *) ns->href;
  g_autofree char *folded = NULL;
  g_autofree char *attr = NULL;
  g_autofree char *owner = NULL;
  xmlURI *uri;

  if (href == NULL || *href == '\0')
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (known_namespaces); i++)
    if (strcmp (href, known_namespaces[i].uri) == 0)
      return TRUE;

  attr = ns->prefix ? g_strdup_printf ("xmlns:%s", ns->prefix) : g_strdup ("xmlns");
  owner = ns->prefix ? g_strdup_printf ("prefix '%s'", ns->prefix)
                     : g_strdup ("the default namespace");
  folded = fold_uri (href);
  for (guint i = 0; i < G_N_ELEMENTS (known_namespaces); i++)
    if (strcmp (folded, known_namespaces[i].uri) == 0)
      {
        gsize n = strlen (href);
        const char *how = g_ascii_isspace (href[0]) ? "starts with a space"
                          : g_ascii_isspace (href[n - 1]) ? "ends with a space"
                          : has_space (href) ? "contains a space"
                          : "differs in letter case";

        return pl_xml_error (r->ctx, error, node, attr,
                             "the namespace name '%s' of %s %s: expected '%s' (namespace "
                             "names are compared character by character, so its elements "
                             "would not be %s elements)",
                             href, owner, how, known_namespaces[i].uri,
                             known_namespaces[i].what);
      }

  for (guint i = 0; i < G_N_ELEMENTS (known_namespaces); i++)
    if (is_near (folded, known_namespaces[i].uri))
      return pl_xml_error (r->ctx, error, node, attr,
                           "the namespace name '%s' of %s is one or two characters away from "
                           "'%s': expected that name (misspelt, its elements would be unknown "
                           "extensions instead of %s elements)",
                           href, owner, known_namespaces[i].uri, known_namespaces[i].what);

  uri = has_space (href) ? NULL : xmlParseURI (href);
  xmlFreeURI (uri);
  if (uri == NULL)
    return pl_xml_error (r->ctx, error, node, attr,
                         "the namespace name '%s' of %s is not a URI: expected an absolute "
                         "URI without spaces, such as urn:ietf:params:xml:ns:pidf:rpid",
                         href, owner);
  return TRUE;
}

/* Every namespace declaration of the document, extensions included. */
static gboolean
check_namespaces (Reader   *r,
                  xmlNode  *root,
                  GError  **error)
{
  xmlNode *node = root;

  while (node != NULL)
    {
      if (node->type == XML_ELEMENT_NODE)
        {
          for (xmlNs *ns = node->nsDef; ns; ns = ns->next)
            if (!check_namespace_name (r, node, ns, error))
              return FALSE;
          if (node->children != NULL)
            {
              node = node->children;
              continue;
            }
        }
      while (node != root && node->next == NULL)
        node = node->parent;
      node = node == root ? NULL : node->next;
    }
  /* libxml2's own complaint, should the check above miss a name. */
  return pl_xml_context_check_ns_uri (r->ctx, error);
}

/* ---- reading: elements ---- */

static gboolean
in_ns (xmlNode    *node,
       const char *ns)
{
  return node->ns != NULL && node->ns->href != NULL && strcmp ((const char *) node->ns->href, ns) == 0;
}

static gboolean
is_element (xmlNode    *node,
            const char *ns,
            const char *name)
{
  return in_ns (node, ns) && strcmp ((const char *) node->name, name) == 0;
}

static gboolean
has_ns (xmlNode *node)
{
  return node->ns != NULL && node->ns->href != NULL && *node->ns->href != '\0';
}

/* The name as written, with its prefix. */
static char *
written_name (xmlNode *node)
{
  if (node->ns != NULL && node->ns->prefix != NULL)
    return g_strdup_printf ("%s:%s", node->ns->prefix, node->name);
  return g_strdup ((const char *) node->name);
}

static gboolean
check_no_text (Reader     *r,
               xmlNode    *parent,
               const char *name,
               GError    **error)
{
  for (xmlNode *n = parent->children; n; n = n->next)
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content != NULL &&
        !is_blank ((const char *) n->content, strlen ((const char *) n->content)))
      {
        g_autofree char *text = g_strstrip (g_strdup ((const char *) n->content));

        if (g_utf8_strlen (text, -1) > 40)
          *g_utf8_offset_to_pointer (text, 40) = '\0';
        return pl_xml_error (r->ctx, error, parent, NULL,
                             "%s contains the text '%s': expected only elements", name, text);
      }
  return TRUE;
}

/* The trimmed text of an element that has no child elements. */
static gboolean
read_text (Reader     *r,
           xmlNode    *node,
           const char *name,
           char      **out,
           GError    **error)
{
  xmlNode *child = xmlFirstElementChild (node);
  xmlChar *content;

  if (child != NULL)
    {
      g_autofree char *child_name = written_name (child);

      return pl_xml_error (r->ctx, error, child, NULL, "%s has a child element <%s>: expected text only",
                           name, child_name);
    }
  content = xmlNodeGetContent (node);
  *out = g_strstrip (g_strdup (content ? (const char *) content : ""));
  xmlFree (content);
  return TRUE;
}

static gboolean
read_timestamp (Reader     *r,
                xmlNode    *node,
                const char *name,
                char      **out,
                GError    **error)
{
  g_autofree char *text = NULL;

  if (*out != NULL)
    return pl_xml_error (r->ctx, error, node, NULL, "a second %s: expected at most one", name);
  if (!read_text (r, node, name, &text, error))
    return FALSE;
  if (!is_timestamp (text))
    return pl_xml_error (r->ctx, error, node, NULL,
                         "%s '%s' is not a date and time: expected an xs:dateTime such as "
                         "2005-02-22T20:07:07Z", name, text);
  *out = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
read_note (Reader     *r,
           xmlNode    *node,
           const char *name,
           GPtrArray  *notes,
           GError    **error)
{
  g_autofree char *text = NULL;
  xmlChar *lang;

  if (!read_text (r, node, name, &text, error))
    return FALSE;
  lang = xmlGetNsProp (node, BAD_CAST "lang", XML_XML_NAMESPACE);
  g_ptr_array_add (notes, note_new (text, (const char *) lang));
  xmlFree (lang);
  return TRUE;
}

static gboolean
read_id (Reader     *r,
         xmlNode    *node,
         const char *name,
         char      **out,
         GError    **error)
{
  xmlChar *value = xmlGetNoNsProp (node, BAD_CAST "id");
  g_autofree char *id = g_strstrip (g_strdup (value ? (const char *) value : ""));
  xmlNode *first;

  xmlFree (value);
  if (*id == '\0')
    return pl_xml_error (r->ctx, error, node, NULL,
                         "%s has no id: expected id=\"...\", an XML name unique in the document",
                         name);
  if (!is_xml_name (id))
    return pl_xml_error (r->ctx, error, node, "id",
                         "id '%s' of %s is not an XML name: expected a letter or '_' first and "
                         "no spaces or colons (xs:ID)", id, name);
  first = g_hash_table_lookup (r->ids, id);
  if (first != NULL)
    {
      g_autofree char *first_name = written_name (first);

      return pl_xml_error (r->ctx, error, node, "id",
                           "id '%s' is already the id of the <%s> on line %ld: expected each "
                           "id once in a document (xs:ID)", id, first_name, xmlGetLineNo (first));
    }
  g_hash_table_insert (r->ids, g_strdup (id), node);
  *out = g_steal_pointer (&id);
  return TRUE;
}

/* An element of another namespace, kept as it is in @into. */
static gboolean
keep_extension (Reader     *r,
                PlPidf     *pidf,
                xmlNode    *node,
                const char *parent,
                GPtrArray  *into,
                GError    **error)
{
  g_autofree char *name = written_name (node);

  if (!has_ns (node))
    return pl_xml_error (r->ctx, error, node, NULL,
                         "<%s> in %s is in no namespace: expected a PIDF, data-model or "
                         "extension element (is an xmlns declaration missing?)", name, parent);
  if (is_element (node, PL_PIDF_OMA_DEVICE_NS, "device-profile"))
    return pl_xml_error (r->ctx, error, node, NULL,
                         "<%s> in %s: expected it in a <pdm:device>, before its <pdm:deviceID> "
                         "(SIP Push §8.1.3.3)", name, parent);
  if (in_ns (node, PL_PIDF_OMA_DEVICE_NS))
    return pl_xml_error (r->ctx, error, node, NULL,
                         "unknown element <%s>: the oma-device namespace has only "
                         "<device-profile> (SIP Push §8.1.4)", name);
  g_ptr_array_add (into, copy_node (node, pidf->store));
  return TRUE;
}

static gboolean
unknown_element (Reader     *r,
                 xmlNode    *node,
                 const char *parent,
                 const char *expected,
                 GError    **error)
{
  g_autofree char *name = written_name (node);

  return pl_xml_error (r->ctx, error, node, NULL, "unknown element <%s> in %s: expected %s", name,
                       parent, expected);
}

static gboolean
read_status (Reader     *r,
             PlPidf     *pidf,
             Component  *tuple,
             xmlNode    *status,
             GError    **error)
{
  xmlNode *basic = NULL;

  if (!check_no_text (r, status, "<status>", error))
    return FALSE;
  pl_xml_foreach_element (status, child)
    {
      if (is_element (child, PL_PIDF_NS, "basic"))
        {
          g_autofree char *text = NULL;

          if (basic != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "a second <basic> in <status> (the first is on line %ld): "
                                 "expected at most one", xmlGetLineNo (basic));
          basic = child;
          if (!read_text (r, child, "<basic>", &text, error))
            return FALSE;
          if (strcmp (text, "open") == 0)
            tuple->basic = PL_PIDF_BASIC_OPEN;
          else if (strcmp (text, "closed") == 0)
            tuple->basic = PL_PIDF_BASIC_CLOSED;
          else
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "<basic> is '%s': expected open or closed", text);
        }
      else if (in_ns (child, PL_PIDF_NS))
        return unknown_element (r, child, "<status>",
                                "<basic> or an element of another namespace", error);
      else if (!keep_extension (r, pidf, child, "<status>", tuple->status_extensions, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_tuple (Reader   *r,
            PlPidf   *pidf,
            xmlNode  *node,
            GError  **error)
{
  Component *tuple = component_new (KIND_TUPLE, NULL);
  xmlNode *status = NULL, *contact = NULL;

  g_ptr_array_add (pidf->tuples, tuple);
  if (!read_id (r, node, "<tuple>", &tuple->id, error) ||
      !check_no_text (r, node, "<tuple>", error))
    return FALSE;

  pl_xml_foreach_element (node, child)
    {
      if (is_element (child, PL_PIDF_NS, "status"))
        {
          if (status != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "a second <status> in <tuple id=\"%s\"> (the first is on line "
                                 "%ld): expected exactly one", tuple->id, xmlGetLineNo (status));
          status = child;
          if (!read_status (r, pidf, tuple, child, error))
            return FALSE;
        }
      else if (is_element (child, PL_PIDF_NS, "contact"))
        {
          xmlChar *priority;

          if (contact != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "a second <contact> in <tuple id=\"%s\">: expected at most one",
                                 tuple->id);
          contact = child;
          if (!read_text (r, child, "<contact>", &tuple->contact, error))
            return FALSE;
          if (*tuple->contact == '\0')
            return pl_xml_error (r->ctx, error, child, NULL, "<contact> is empty: expected a URI");
          priority = xmlGetNoNsProp (child, BAD_CAST "priority");
          tuple->contact_priority = g_strdup ((const char *) priority);
          xmlFree (priority);
          if (tuple->contact_priority && !is_qvalue (tuple->contact_priority))
            return pl_xml_error (r->ctx, error, child, "priority",
                                 "priority '%s' of <contact>: expected a number from 0 to 1 "
                                 "with at most three decimals", tuple->contact_priority);
        }
      else if (is_element (child, PL_PIDF_NS, "note"))
        {
          if (!read_note (r, child, "<note>", tuple->notes, error))
            return FALSE;
        }
      else if (is_element (child, PL_PIDF_NS, "timestamp"))
        {
          if (!read_timestamp (r, child, "<timestamp>", &tuple->timestamp, error))
            return FALSE;
        }
      else if (in_ns (child, PL_PIDF_NS))
        return unknown_element (r, child, "<tuple>",
                                "<status>, <contact>, <note>, <timestamp> or an element of "
                                "another namespace", error);
      else if (!keep_extension (r, pidf, child, "<tuple>", tuple->extensions, error))
        return FALSE;
    }

  if (status == NULL)
    return pl_xml_error (r->ctx, error, node, NULL,
                         "<tuple id=\"%s\"> has no <status>: expected one (RFC 3863)", tuple->id);
  return TRUE;
}

static gboolean
read_person (Reader   *r,
             PlPidf   *pidf,
             xmlNode  *node,
             GError  **error)
{
  Component *person = component_new (KIND_PERSON, NULL);

  g_ptr_array_add (pidf->persons, person);
  if (!read_id (r, node, "<pdm:person>", &person->id, error) ||
      !check_no_text (r, node, "<pdm:person>", error))
    return FALSE;

  pl_xml_foreach_element (node, child)
    {
      if (is_element (child, PL_PIDF_DATA_MODEL_NS, "note"))
        {
          if (!read_note (r, child, "<pdm:note>", person->notes, error))
            return FALSE;
        }
      else if (is_element (child, PL_PIDF_DATA_MODEL_NS, "timestamp"))
        {
          if (!read_timestamp (r, child, "<pdm:timestamp>", &person->timestamp, error))
            return FALSE;
        }
      else if (in_ns (child, PL_PIDF_DATA_MODEL_NS))
        return unknown_element (r, child, "<pdm:person>",
                                "<pdm:note>, <pdm:timestamp> or an element of another namespace",
                                error);
      else if (!keep_extension (r, pidf, child, "<pdm:person>", person->extensions, error))
        return FALSE;
    }
  return TRUE;
}

/* RFC 4479 deviceType: (##other)*, deviceID, note*, timestamp?; SIP Push
 * §8.1 repeats it for <od:device-profile>, and its schema (§8.1.4) allows
 * one per device. */
static gboolean
read_device (Reader   *r,
             PlPidf   *pidf,
             xmlNode  *node,
             GError  **error)
{
  Component *device = component_new (KIND_DEVICE, NULL);
  xmlNode *device_id = NULL, *profile = NULL, *timestamp = NULL;

  g_ptr_array_add (pidf->devices, device);
  if (!read_id (r, node, "<pdm:device>", &device->id, error) ||
      !check_no_text (r, node, "<pdm:device>", error))
    return FALSE;

  pl_xml_foreach_element (node, child)
    {
      g_autofree char *name = written_name (child);

      if (is_element (child, PL_PIDF_OMA_DEVICE_NS, "device-profile"))
        {
          if (profile != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "a second <%s> in <pdm:device id=\"%s\"> (the first is on line "
                                 "%ld): expected at most one (maxOccurs=\"1\", SIP Push §8.1.4)",
                                 name, device->id, xmlGetLineNo (profile));
          if (device_id != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "<%s> comes after <pdm:deviceID> (line %ld): expected it before "
                                 "<pdm:deviceID> (SIP Push §8.1: elements outside the data-model "
                                 "namespace precede <deviceID>)", name, xmlGetLineNo (device_id));
          profile = child;
          if (!read_text (r, child, "<od:device-profile>", &device->device_profile, error))
            return FALSE;
          if (!pl_pidf_is_device_profile_url (device->device_profile))
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "<%s> '%s' is not an http: or https: URL: expected the publicly "
                                 "accessible HTTP URL of the device's UAProf (SIP Push §8.1.3.3)",
                                 name, device->device_profile);
        }
      else if (is_element (child, PL_PIDF_DATA_MODEL_NS, "deviceID"))
        {
          if (device_id != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "a second <pdm:deviceID> in <pdm:device id=\"%s\">: expected "
                                 "exactly one", device->id);
          device_id = child;
          if (!read_text (r, child, "<pdm:deviceID>", &device->device_id, error))
            return FALSE;
          if (!is_absolute_uri (device->device_id))
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "<pdm:deviceID> '%s' is not a URI: expected one such as "
                                 "urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a",
                                 device->device_id);
        }
      else if (is_element (child, PL_PIDF_DATA_MODEL_NS, "note") ||
               is_element (child, PL_PIDF_DATA_MODEL_NS, "timestamp"))
        {
          gboolean is_note = strcmp ((const char *) child->name, "note") == 0;

          if (device_id == NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "<%s> comes before <pdm:deviceID>: expected it after (RFC 4479)",
                                 name);
          if (is_note && timestamp != NULL)
            return pl_xml_error (r->ctx, error, child, NULL,
                                 "<%s> comes after <pdm:timestamp>: expected notes before the "
                                 "timestamp (RFC 4479)", name);
          if (is_note && !read_note (r, child, "<pdm:note>", device->notes, error))
            return FALSE;
          if (!is_note)
            {
              timestamp = child;
              if (!read_timestamp (r, child, "<pdm:timestamp>", &device->timestamp, error))
                return FALSE;
            }
        }
      else if (in_ns (child, PL_PIDF_DATA_MODEL_NS))
        return unknown_element (r, child, "<pdm:device>",
                                "<pdm:deviceID>, <pdm:note>, <pdm:timestamp> or an element of "
                                "another namespace", error);
      else if (device_id != NULL && has_ns (child) && !in_ns (child, PL_PIDF_OMA_DEVICE_NS))
        return pl_xml_error (r->ctx, error, child, NULL,
                             "<%s> comes after <pdm:deviceID> (line %ld): expected every element "
                             "outside the data-model namespace before <pdm:deviceID> (RFC 4479, "
                             "SIP Push §8.1)", name, xmlGetLineNo (device_id));
      else if (!keep_extension (r, pidf, child, "<pdm:device>", device->extensions, error))
        return FALSE;
    }

  if (device_id == NULL)
    return pl_xml_error (r->ctx, error, node, NULL,
                         "<pdm:device id=\"%s\"> has no <pdm:deviceID>: expected one (RFC 4479)",
                         device->id);
  return TRUE;
}

static PlPidf *
read_presence (Reader   *r,
               xmlNode  *root,
               GError  **error)
{
  g_autoptr (PlPidf) pidf = NULL;
  g_autofree char *root_name = written_name (root);
  xmlChar *value;
  g_autofree char *entity = NULL;

  if (!is_element (root, PL_PIDF_NS, "presence"))
    {
      if (strcmp ((const char *) root->name, "presence") != 0)
        pl_xml_error (r->ctx, error, root, NULL,
                      "the root element is <%s>: expected <presence> of namespace %s",
                      root_name, PL_PIDF_NS);
      else
        pl_xml_error (r->ctx, error, root, NULL,
                      "<%s> is in %s%s%s: expected namespace %s (RFC 3863)", root_name,
                      root->ns ? "namespace '" : "no namespace",
                      root->ns ? (const char *) root->ns->href : "", root->ns ? "'" : "",
                      PL_PIDF_NS);
      return NULL;
    }

  value = xmlGetNoNsProp (root, BAD_CAST "entity");
  entity = g_strstrip (g_strdup (value ? (const char *) value : ""));
  xmlFree (value);
  if (*entity == '\0')
    {
      pl_xml_error (r->ctx, error, root, NULL,
                    "<presence> has no entity: expected entity=\"...\", the presentity's URI "
                    "such as pres:someone@example.com");
      return NULL;
    }
  if (!is_absolute_uri (entity))
    {
      pl_xml_error (r->ctx, error, root, "entity",
                    "entity '%s' is not a URI: expected the presentity's URI such as "
                    "pres:someone@example.com", entity);
      return NULL;
    }

  pidf = pidf_alloc (entity);
  if (!check_no_text (r, root, "<presence>", error))
    return NULL;
  pl_xml_foreach_element (root, child)
    {
      gboolean ok;

      if (is_element (child, PL_PIDF_NS, "tuple"))
        ok = read_tuple (r, pidf, child, error);
      else if (is_element (child, PL_PIDF_NS, "note"))
        ok = read_note (r, child, "<note>", pidf->notes, error);
      else if (in_ns (child, PL_PIDF_NS))
        ok = unknown_element (r, child, "<presence>",
                              "<tuple>, <note>, <pdm:person>, <pdm:device> or an element of "
                              "another namespace", error);
      else if (is_element (child, PL_PIDF_DATA_MODEL_NS, "person"))
        ok = read_person (r, pidf, child, error);
      else if (is_element (child, PL_PIDF_DATA_MODEL_NS, "device"))
        ok = read_device (r, pidf, child, error);
      else if (in_ns (child, PL_PIDF_DATA_MODEL_NS))
        ok = unknown_element (r, child, "<presence>",
                              "<pdm:person>, <pdm:device>, a PIDF element or an element of "
                              "another namespace", error);
      else
        ok = keep_extension (r, pidf, child, "<presence>", pidf->extensions, error);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&pidf);
}

PlPidf *
pl_pidf_parse (const char  *data,
               gsize        len,
               const char  *origin,
               GError     **error)
{
  Reader r = { 0 };
  PlPidf *pidf = NULL;
  xmlNode *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  r.ctx = pl_xml_context_load_memory_full (data ? data : "", len,
                                           origin ? origin : "PIDF document",
                                           PL_XML_LOAD_NO_BLANKS | PL_XML_LOAD_DEFER_NS_URI,
                                           "the document is empty: expected a <presence> element",
                                           error);
  if (r.ctx == NULL)
    return NULL;
  r.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  root = xmlDocGetRootElement (pl_xml_context_get_doc (r.ctx));
  if (check_namespaces (&r, root, error))
    pidf = read_presence (&r, root, error);

  g_hash_table_unref (r.ids);
  pl_xml_context_free (r.ctx);
  return pidf;
}

/* ---- writing ---- */

static xmlNode *
add_text (xmlNode    *parent,
          xmlNs      *ns,
          const char *name,
          const char *text)
{
  return xmlNewTextChild (parent, ns, BAD_CAST name, BAD_CAST text);
}

static void
add_notes (xmlNode   *parent,
           xmlNs     *ns,
           GPtrArray *notes)
{
  for (guint i = 0; i < notes->len; i++)
    {
      Note *note = notes->pdata[i];
      xmlNode *node = add_text (parent, ns, "note", note->text);

      if (note->lang != NULL)
        xmlNodeSetLang (node, BAD_CAST note->lang);
    }
}

static void
add_copies (xmlNode   *parent,
            GPtrArray *nodes)
{
  for (guint i = 0; i < nodes->len; i++)
    xmlAddChild (parent, copy_node (nodes->pdata[i], parent->doc));
}

/* Pre-order walk of the elements under @top. */
static xmlNode *
next_element (xmlNode *node,
              xmlNode *top)
{
  xmlNode *first = xmlFirstElementChild (node);

  if (first != NULL)
    return first;
  while (node != top)
    {
      xmlNode *next = xmlNextElementSibling (node);

      if (next != NULL)
        return next;
      node = node->parent;
    }
  return NULL;
}

/* Makes @ns's references in the subtree of @top point to @to instead. */
static void
remap_ns (xmlNode *top,
          xmlNs   *ns,
          xmlNs   *to)
{
  for (xmlNode *node = top; node; node = next_element (node, top))
    {
      if (node->ns == ns)
        node->ns = to;
      for (xmlAttr *attr = node->properties; attr; attr = attr->next)
        if (attr->ns == ns)
          attr->ns = to;
    }
}

/* Declares @ns on <presence> when its prefix and its URI are free there. */
static void
hoist_ns (xmlNode *root,
          xmlNs   *ns)
{
  if (ns == NULL || ns->prefix == NULL || xmlStrEqual (ns->prefix, BAD_CAST "xml"))
    return;
  for (xmlNs *have = root->nsDef; have; have = have->next)
    if ((have->prefix && xmlStrEqual (have->prefix, ns->prefix)) ||
        xmlStrEqual (have->href, ns->href))
      return;
  xmlNewNs (root, ns->href, ns->prefix);
}

/* The kept copies declare every namespace they use. Declare the prefixed
 * ones on <presence> instead, in the order of their first use (so that
 * writing is stable); drop declarations that repeat what is in scope
 * (unused ones stay where they are: they may serve QNames in content);
 * undeclare the default namespace on elements that have none (else they
 * would fall into the PIDF namespace). */
static void
tidy_namespaces (xmlNode *root)
{
  for (xmlNode *node = next_element (root, root); node; node = next_element (node, root))
    {
      hoist_ns (root, node->ns);
      for (xmlAttr *attr = node->properties; attr; attr = attr->next)
        hoist_ns (root, attr->ns);
    }

  for (xmlNode *node = next_element (root, root); node; node = next_element (node, root))
    {
      xmlNs **link = &node->nsDef;
      xmlNs *in_scope;

      while (*link != NULL)
        {
          xmlNs *ns = *link;
          xmlNs *outer = xmlSearchNs (root->doc, node->parent, ns->prefix);

          if (outer != NULL && xmlStrEqual (outer->href, ns->href))
            {
              remap_ns (node, ns, outer);
              *link = ns->next;
              ns->next = NULL;
              xmlFreeNs (ns);
            }
          else
            link = &ns->next;
        }
      in_scope = xmlSearchNs (root->doc, node, NULL);
      if (node->ns == NULL && in_scope != NULL && in_scope->href && *in_scope->href)
        xmlNewNs (node, BAD_CAST "", NULL);
    }
}

static void
write_component (xmlNode         *root,
                 const Component *c)
{
  xmlNs *pidf_ns = xmlSearchNsByHref (root->doc, root, BAD_CAST PL_PIDF_NS);
  xmlNs *pdm = xmlSearchNsByHref (root->doc, root, BAD_CAST PL_PIDF_DATA_MODEL_NS);
  xmlNs *od = xmlSearchNsByHref (root->doc, root, BAD_CAST PL_PIDF_OMA_DEVICE_NS);
  static const char *names[] = { "tuple", "person", "device" };
  xmlNode *node = xmlNewChild (root, c->kind == KIND_TUPLE ? pidf_ns : pdm,
                               BAD_CAST names[c->kind], NULL);

  xmlNewProp (node, BAD_CAST "id", BAD_CAST c->id);
  if (c->kind == KIND_TUPLE)
    {
      xmlNode *status = xmlNewChild (node, pidf_ns, BAD_CAST "status", NULL);

      if (c->basic != PL_PIDF_BASIC_NONE)
        add_text (status, pidf_ns, "basic", c->basic == PL_PIDF_BASIC_OPEN ? "open" : "closed");
      add_copies (status, c->status_extensions);
      add_copies (node, c->extensions);
      if (c->contact != NULL)
        {
          xmlNode *contact = add_text (node, pidf_ns, "contact", c->contact);

          if (c->contact_priority != NULL)
            xmlNewProp (contact, BAD_CAST "priority", BAD_CAST c->contact_priority);
        }
      add_notes (node, pidf_ns, c->notes);
      if (c->timestamp != NULL)
        add_text (node, pidf_ns, "timestamp", c->timestamp);
      return;
    }

  add_copies (node, c->extensions);
  if (c->kind == KIND_DEVICE)
    {
      /* SIP Push §8.1: before <deviceID>. */
      if (c->device_profile != NULL)
        add_text (node, od, "device-profile", c->device_profile);
      add_text (node, pdm, "deviceID", c->device_id);
    }
  add_notes (node, pdm, c->notes);
  if (c->timestamp != NULL)
    add_text (node, pdm, "timestamp", c->timestamp);
}

char *
pl_pidf_write (const PlPidf *pidf,
               gsize        *len)
{
  xmlDoc *doc;
  xmlNode *root;
  xmlChar *buffer = NULL;
  int size = 0;
  char *out;

  g_return_val_if_fail (pidf != NULL, NULL);

  doc = xmlNewDoc (BAD_CAST "1.0");
  root = xmlNewDocNode (doc, NULL, BAD_CAST "presence", NULL);
  xmlDocSetRootElement (doc, root);
  xmlSetNs (root, xmlNewNs (root, BAD_CAST PL_PIDF_NS, NULL));
  xmlNewNs (root, BAD_CAST PL_PIDF_DATA_MODEL_NS, BAD_CAST "pdm");
  xmlNewNs (root, BAD_CAST PL_PIDF_OMA_DEVICE_NS, BAD_CAST "od");
  xmlNewProp (root, BAD_CAST "entity", BAD_CAST pidf->entity);

  for (guint i = 0; i < pidf->tuples->len; i++)
    write_component (root, pidf->tuples->pdata[i]);
  add_notes (root, root->ns, pidf->notes);
  for (guint i = 0; i < pidf->persons->len; i++)
    write_component (root, pidf->persons->pdata[i]);
  for (guint i = 0; i < pidf->devices->len; i++)
    write_component (root, pidf->devices->pdata[i]);
  add_copies (root, pidf->extensions);
  tidy_namespaces (root);

  xmlDocDumpFormatMemoryEnc (doc, &buffer, &size, "UTF-8", 1);
  xmlFreeDoc (doc);
  if (buffer == NULL)
    g_error ("%s: out of memory", G_STRLOC);
  out = g_strndup ((const char *) buffer, size);
  xmlFree (buffer);
  if (len != NULL)
    *len = size;
  return out;
}

/* ---- composition ---- */

static gboolean
same_note (const Note *a,
           const Note *b)
{
  return g_strcmp0 (a->text, b->text) == 0 && g_strcmp0 (a->lang, b->lang) == 0;
}

static char *
node_to_string (xmlNode *node)
{
  xmlBuffer *buffer = xmlBufferCreate ();
  char *out;

  xmlNodeDump (buffer, node->doc, node, 0, 0);
  out = g_strdup ((const char *) xmlBufferContent (buffer));
  xmlBufferFree (buffer);
  return out;
}

static gboolean
same_name (xmlNode *a,
           xmlNode *b)
{
  return xmlStrEqual (a->name, b->name) &&
         xmlStrEqual (a->ns ? a->ns->href : NULL, b->ns ? b->ns->href : NULL);
}

/* OMA Presence groups devices by <deviceID> and takes each conflicting
 * element from the most recent publication: @later keeps all it has and
 * gets from @earlier what it lacks. */
static void
merge_device (Component       *later,
              const Component *earlier,
              xmlDoc          *doc)
{
  if (later->device_profile == NULL)
    later->device_profile = g_strdup (earlier->device_profile);
  if (later->timestamp == NULL)
    later->timestamp = g_strdup (earlier->timestamp);
  if (later->notes->len == 0)
    copy_notes (later->notes, earlier->notes);
  for (guint i = 0; i < earlier->extensions->len; i++)
    {
      xmlNode *old = earlier->extensions->pdata[i];
      gboolean conflict = FALSE;

      for (guint j = 0; j < later->extensions->len && !conflict; j++)
        conflict = same_name (old, later->extensions->pdata[j]);
      if (!conflict)
        g_ptr_array_add (later->extensions, copy_node (old, doc));
    }
}

static void
place (PlPidf    *result,
       Component *c)
{
  GPtrArray *list = list_of (result, c->kind);
  Component *old = find_component (result, c->id);
  guint index;

  if (old == NULL && c->kind == KIND_DEVICE)
    for (guint i = 0; i < list->len && old == NULL; i++)
      {
        Component *d = list->pdata[i];

        if (d->publication < c->publication && strcmp (d->device_id, c->device_id) == 0)
          {
            merge_device (c, d, result->store);
            old = d;
          }
      }

  if (old == NULL)
    {
      g_ptr_array_add (list, c);
      return;
    }
  if (old->kind == c->kind && g_ptr_array_find (list, old, &index))
    {
      list->pdata[index] = c;
      component_free (old);
    }
  else
    {
      g_ptr_array_remove (list_of (result, old->kind), old);
      g_ptr_array_add (list, c);
    }
}

/* The watcher's document (RFC 4479 §3, RFC 3863): the union of the tuples,
 * persons and devices of every publication. An element whose id appears
 * again in a later publication is replaced by the later one (the later
 * publication wins) where the earlier one stood; new ones are appended in
 * publication order. SIP Push §8.1.3.4 hands device composition, the
 * <od:device-profile> included, to the OMA Presence rules (§5.4.3.1 of
 * [PRESENCE]), which group devices by <pdm:deviceID> and take conflicting
 * elements from the most recent publication: a device of a later
 * publication with the deviceID of an earlier device under another id
 * replaces it too, keeping what only the earlier one had (its
 * device-profile among them). The entity is the first publication's;
 * <note>s and extension elements of <presence> are those of every
 * publication, each once. */
PlPidf *
pl_pidf_compose (PlPidf * const *publications,
                 guint           n)
{
  PlPidf *result;

  g_return_val_if_fail (publications != NULL, NULL);
  g_return_val_if_fail (n > 0, NULL);
  for (guint i = 0; i < n; i++)
    g_return_val_if_fail (publications[i] != NULL, NULL);

  result = pidf_alloc (publications[0]->entity);
  for (guint p = 0; p < n; p++)
    {
      const PlPidf *pub = publications[p];
      const Kind kinds[] = { KIND_TUPLE, KIND_PERSON, KIND_DEVICE };
      guint n_notes = result->notes->len;
      guint n_extensions = result->extensions->len;

      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          GPtrArray *list = list_of (pub, kinds[k]);

          for (guint i = 0; i < list->len; i++)
            {
              Component *c = component_copy (list->pdata[i], result->store);

              c->publication = p;
              place (result, c);
            }
        }

      /* Duplicates only across publications: one's own are kept. */
      for (guint i = 0; i < pub->notes->len; i++)
        {
          Note *note = pub->notes->pdata[i];
          gboolean seen = FALSE;

          for (guint j = 0; j < n_notes && !seen; j++)
            seen = same_note (note, result->notes->pdata[j]);
          if (!seen)
            g_ptr_array_add (result->notes, note_new (note->text, note->lang));
        }
      if (pub->extensions->len > 0)
        {
          g_autoptr (GHashTable) before = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                 g_free, NULL);

          for (guint j = 0; j < n_extensions; j++)
            g_hash_table_add (before, node_to_string (result->extensions->pdata[j]));
          for (guint i = 0; i < pub->extensions->len; i++)
            {
              g_autofree char *text = node_to_string (pub->extensions->pdata[i]);

              if (!g_hash_table_contains (before, text))
                g_ptr_array_add (result->extensions,
                                 copy_node (pub->extensions->pdata[i], result->store));
            }
        }
    }
  return result;
}

/* ---- building ---- */

PlPidf *
pl_pidf_new (const char *entity)
{
  g_return_val_if_fail (is_absolute_uri (entity), NULL);

  return pidf_alloc (entity);
}

void
pl_pidf_free (PlPidf *pidf)
{
  if (pidf == NULL)
    return;
  /* The kept nodes before the document they belong to. */
  g_ptr_array_unref (pidf->tuples);
  g_ptr_array_unref (pidf->persons);
  g_ptr_array_unref (pidf->devices);
  g_ptr_array_unref (pidf->extensions);
  g_ptr_array_unref (pidf->notes);
  xmlFreeDoc (pidf->store);
  g_free (pidf->entity);
  g_free (pidf);
}

PlPidfTuple *
pl_pidf_add_tuple (PlPidf      *pidf,
                   const char  *id,
                   PlPidfBasic  basic,
                   const char  *contact)
{
  Component *tuple;

  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (is_xml_name (id), NULL);
  g_return_val_if_fail (find_component (pidf, id) == NULL, NULL);
  g_return_val_if_fail (basic <= PL_PIDF_BASIC_CLOSED, NULL);
  g_return_val_if_fail (contact == NULL || *contact != '\0', NULL);

  tuple = component_new (KIND_TUPLE, id);
  tuple->basic = basic;
  tuple->contact = g_strdup (contact);
  g_ptr_array_add (pidf->tuples, tuple);
  return (PlPidfTuple *) tuple;
}

void
pl_pidf_tuple_set_note (PlPidfTuple *tuple,
                        const char  *note)
{
  g_return_if_fail (tuple != NULL);

  g_ptr_array_set_size (tuple->c.notes, 0);
  if (note != NULL)
    g_ptr_array_add (tuple->c.notes, note_new (note, NULL));
}

void
pl_pidf_tuple_set_timestamp (PlPidfTuple *tuple,
                             const char  *timestamp)
{
  g_return_if_fail (tuple != NULL);
  g_return_if_fail (timestamp == NULL || is_timestamp (timestamp));

  g_free (tuple->c.timestamp);
  tuple->c.timestamp = g_strdup (timestamp);
}

PlPidfPerson *
pl_pidf_add_person (PlPidf     *pidf,
                    const char *id)
{
  Component *person;

  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (is_xml_name (id), NULL);
  g_return_val_if_fail (find_component (pidf, id) == NULL, NULL);

  person = component_new (KIND_PERSON, id);
  g_ptr_array_add (pidf->persons, person);
  return (PlPidfPerson *) person;
}

PlPidfDevice *
pl_pidf_add_device (PlPidf     *pidf,
                    const char *id,
                    const char *device_id,
                    const char *device_profile)
{
  Component *device;

  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (is_xml_name (id), NULL);
  g_return_val_if_fail (find_component (pidf, id) == NULL, NULL);
  g_return_val_if_fail (is_absolute_uri (device_id), NULL);
  g_return_val_if_fail (device_profile == NULL || pl_pidf_is_device_profile_url (device_profile),
                        NULL);

  device = component_new (KIND_DEVICE, id);
  device->device_id = g_strdup (device_id);
  device->device_profile = g_strdup (device_profile);
  g_ptr_array_add (pidf->devices, device);
  return (PlPidfDevice *) device;
}

void
pl_pidf_device_set_timestamp (PlPidfDevice *device,
                              const char   *timestamp)
{
  g_return_if_fail (device != NULL);
  g_return_if_fail (timestamp == NULL || is_timestamp (timestamp));

  g_free (device->c.timestamp);
  device->c.timestamp = g_strdup (timestamp);
}

/* ---- getters ---- */

const char *
pl_pidf_get_entity (const PlPidf *pidf)
{
  g_return_val_if_fail (pidf != NULL, NULL);
  return pidf->entity;
}

guint
pl_pidf_get_n_tuples (const PlPidf *pidf)
{
  g_return_val_if_fail (pidf != NULL, 0);
  return pidf->tuples->len;
}

const PlPidfTuple *
pl_pidf_get_tuple (const PlPidf *pidf,
                   guint         i)
{
  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (i < pidf->tuples->len, NULL);
  return pidf->tuples->pdata[i];
}

guint
pl_pidf_get_n_persons (const PlPidf *pidf)
{
  g_return_val_if_fail (pidf != NULL, 0);
  return pidf->persons->len;
}

const PlPidfPerson *
pl_pidf_get_person (const PlPidf *pidf,
                    guint         i)
{
  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (i < pidf->persons->len, NULL);
  return pidf->persons->pdata[i];
}

guint
pl_pidf_get_n_devices (const PlPidf *pidf)
{
  g_return_val_if_fail (pidf != NULL, 0);
  return pidf->devices->len;
}

const PlPidfDevice *
pl_pidf_get_device (const PlPidf *pidf,
                    guint         i)
{
  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (i < pidf->devices->len, NULL);
  return pidf->devices->pdata[i];
}

const char *
pl_pidf_get_device_profile (const PlPidf *pidf,
                            guint         i)
{
  g_return_val_if_fail (pidf != NULL, NULL);
  g_return_val_if_fail (i < pidf->devices->len, NULL);
  return ((Component *) pidf->devices->pdata[i])->device_profile;
}

char **
pl_pidf_dup_device_profiles (const PlPidf *pidf)
{
  GStrvBuilder *builder;
  char **out;

  g_return_val_if_fail (pidf != NULL, NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < pidf->devices->len; i++)
    {
      Component *device = pidf->devices->pdata[i];

      if (device->device_profile != NULL)
        g_strv_builder_add (builder, device->device_profile);
    }
  out = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return out;
}

const char *
pl_pidf_tuple_get_id (const PlPidfTuple *tuple)
{
  g_return_val_if_fail (tuple != NULL, NULL);
  return tuple->c.id;
}

PlPidfBasic
pl_pidf_tuple_get_basic (const PlPidfTuple *tuple)
{
  g_return_val_if_fail (tuple != NULL, PL_PIDF_BASIC_NONE);
  return tuple->c.basic;
}

const char *
pl_pidf_tuple_get_contact (const PlPidfTuple *tuple)
{
  g_return_val_if_fail (tuple != NULL, NULL);
  return tuple->c.contact;
}

const char *
pl_pidf_tuple_get_timestamp (const PlPidfTuple *tuple)
{
  g_return_val_if_fail (tuple != NULL, NULL);
  return tuple->c.timestamp;
}

const char *
pl_pidf_tuple_get_note (const PlPidfTuple *tuple)
{
  g_return_val_if_fail (tuple != NULL, NULL);
  return tuple->c.notes->len > 0 ? ((Note *) tuple->c.notes->pdata[0])->text : NULL;
}

const char *
pl_pidf_person_get_id (const PlPidfPerson *person)
{
  g_return_val_if_fail (person != NULL, NULL);
  return person->c.id;
}

const char *
pl_pidf_person_get_timestamp (const PlPidfPerson *person)
{
  g_return_val_if_fail (person != NULL, NULL);
  return person->c.timestamp;
}

const char *
pl_pidf_device_get_id (const PlPidfDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);
  return device->c.id;
}

const char *
pl_pidf_device_get_device_id (const PlPidfDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);
  return device->c.device_id;
}

const char *
pl_pidf_device_get_device_profile (const PlPidfDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);
  return device->c.device_profile;
}

const char *
pl_pidf_device_get_timestamp (const PlPidfDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);
  return device->c.timestamp;
}
