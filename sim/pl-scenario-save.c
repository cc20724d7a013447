/* pl-scenario-save.c: writing alteration rules into a scenario file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scenario"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>

#include "pl-node.h"
#include "pl-scenario-save.h"
#include "pl-xml.h"

/* A duration the loader reads back exactly (pl_parse_duration). */
static char *
format_duration (PlTime us)
{
  if (us % PL_SEC (1) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", us / PL_SEC (1));
  if (us % PL_MSEC (1) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "ms", us / PL_MSEC (1));
  return g_strdup_printf ("%" G_GINT64_FORMAT "us", us);
}

/* Text an XML 1.0 attribute can hold (§2.2: no control characters but
 * tab, CR and LF, which libxml2 writes as character references). */
static gboolean
is_xml_text (const char *text,
             gsize       len)
{
  const char *end;

  if (!g_utf8_validate (text, (gssize) len, &end) || end != text + len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) text[i] < 0x20 && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
      return FALSE;
  return TRUE;
}

static void
set_prop (xmlNode    *node,
          const char *name,
          const char *value)
{
  if (value != NULL)
    xmlNewProp (node, BAD_CAST name, BAD_CAST value);
}

static gboolean
set_node_prop (xmlNode     *node,
               const char  *name,
               int          index,
               PlSim       *sim,
               PlRule      *rule,
               GError     **error)
{
  PlNode *n;

  if (index < 0)
    return TRUE;
  n = pl_sim_get_node (sim, (guint) index);
  if (n == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "rule '%s': node %d is not one of the network's", pl_rule_get_id (rule),
                   index);
      return FALSE;
    }
  set_prop (node, name, pl_node_get_id (n));
  return TRUE;
}

static gboolean
set_match_props (xmlNode  *node,
                 PlRule   *rule,
                 PlSim    *sim,
                 GError  **error)
{
  int from, to, min, max;
  GRegex *regex = NULL;
  const char *header;

  pl_rule_get_hop (rule, &from, &to);
  if (!set_node_prop (node, "from", from, sim, rule, error) ||
      !set_node_prop (node, "to", to, sim, rule, error))
    return FALSE;
  set_prop (node, "proto", pl_rule_get_proto (rule));
  set_prop (node, "request", pl_rule_get_method (rule));
  if (pl_rule_get_status (rule, &min, &max))
    {
      g_autofree char *status = NULL;

      if (min == max)
        status = g_strdup_printf ("%d", min);
      else if (min % 100 == 0 && max == min + 99)
        status = g_strdup_printf ("%dxx", min / 100);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "rule '%s': statuses %d to %d are neither one code nor a class such "
                       "as 4xx", pl_rule_get_id (rule), min, max);
          return FALSE;
        }
      set_prop (node, "response", status);
    }
  header = pl_rule_get_header (rule, &regex);
  set_prop (node, "header", header);
  if (regex)
    set_prop (node, "matches", g_regex_get_pattern (regex));
  if (pl_rule_get_nth (rule) > 0)
    {
      g_autofree char *nth = g_strdup_printf ("%u", pl_rule_get_nth (rule));

      set_prop (node, "nth", nth);
      if (pl_rule_get_nth_counts_all (rule))
        set_prop (node, "nth-counts", "all");
    }
  return TRUE;
}

static gboolean
set_action_props (xmlNode  *node,
                  PlRule   *rule,
                  GError  **error)
{
  PlRuleAction action = pl_rule_get_action (rule);
  const char *value = NULL, *content_type = NULL, *reason = NULL;
  g_autofree char *text = NULL;
  GBytes *body;
  gsize len;
  const char *data;

  set_prop (node, "action", pl_rule_action_to_string (action));
  switch (action)
    {
    case PL_RULE_DELAY:
    case PL_RULE_DUPLICATE:
      if (action == PL_RULE_DELAY || pl_rule_get_delay (rule) > 0)
        {
          text = format_duration (pl_rule_get_delay (rule));
          set_prop (node, "delay", text);
        }
      break;

    case PL_RULE_SET_HEADER:
      set_prop (node, "name", pl_rule_get_edit (rule, &value));
      set_prop (node, "value", value ? value : "");
      break;

    case PL_RULE_REMOVE_HEADER:
      set_prop (node, "name", pl_rule_get_edit (rule, NULL));
      break;

    case PL_RULE_REPLACE_BODY:
      body = pl_rule_get_body (rule, &content_type);
      data = body ? g_bytes_get_data (body, &len) : "";
      if (body == NULL)
        len = 0;
      if (!is_xml_text (data, len))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "rule '%s': the new body is not text an XML attribute can hold "
                       "(binary or not UTF-8): put it in a file and use body-file=",
                       pl_rule_get_id (rule));
          return FALSE;
        }
      text = g_strndup (data, len);
      set_prop (node, "body", text);
      set_prop (node, "content-type", content_type);
      break;

    case PL_RULE_RESPOND:
      text = g_strdup_printf ("%d", pl_rule_get_response (rule, &reason));
      set_prop (node, "status", text);
      set_prop (node, "reason", reason);
      break;

    case PL_RULE_DROP:
    case PL_RULE_HOLD:
    default:
      break;
    }
  return TRUE;
}

static xmlNode *
rule_node (xmlDoc   *doc,
           PlRule   *rule,
           PlSim    *sim,
           GError  **error)
{
  xmlNode *node = xmlNewDocNode (doc, NULL, BAD_CAST "rule", NULL);

  set_prop (node, "id", pl_rule_get_id (rule));
  set_prop (node, "on", pl_rule_get_point (rule) == PL_RULE_ON_SEND ? "send" : "deliver");
  if (!set_match_props (node, rule, sim, error) || !set_action_props (node, rule, error))
    {
      xmlFreeNode (node);
      return NULL;
    }
  return node;
}

char *
pl_rule_to_xml (PlRule   *rule,
                PlSim    *sim,
                GError  **error)
{
  xmlDoc *doc;
  xmlNode *node;
  xmlBuffer *buffer;
  char *text;

  g_return_val_if_fail (rule != NULL, NULL);
  g_return_val_if_fail (PL_IS_SIM (sim), NULL);

  doc = xmlNewDoc (BAD_CAST "1.0");
  node = rule_node (doc, rule, sim, error);
  if (node == NULL)
    {
      xmlFreeDoc (doc);
      return NULL;
    }
  xmlDocSetRootElement (doc, node);
  buffer = xmlBufferCreate ();
  xmlNodeDump (buffer, doc, node, 0, 0);
  text = g_strndup ((const char *) xmlBufferContent (buffer), (gsize) xmlBufferLength (buffer));
  xmlBufferFree (buffer);
  xmlFreeDoc (doc);
  return text;
}

/* Saving -------------------------------------------------------------- */

/* Where the new text goes, in bytes of the file as written. The tree
 * parsed by pl_xml_context_load() has no byte offsets, so a second pass
 * with the same options (no network, no entities; the first pass refused
 * any DOCTYPE) records them as the parser reaches each tag. */
typedef struct {
  const char *text;
  gsize length;
  int depth;
  gssize alter_start;     /* '<' of <alter> */
  gssize alter_end;       /* after the '>' of </alter> (or of <alter/>) */
  gssize expect_start;    /* '<' of <expect> */
  gssize root_close;      /* '<' of </scenario> */
} Offsets;

/* The '<' of the tag that ends at @consumed: '<' cannot occur in attribute
 * values, so the nearest one before is the tag's. */
static gssize
tag_start (Offsets *o,
           long     consumed)
{
  gssize at;

  if (consumed < 0)
    return -1;
  at = (gssize) MIN ((gsize) consumed, o->length);
  while (at > 0 && o->text[at] != '<')
    at--;
  return o->text[at] == '<' ? at : -1;
}

static void
on_start (void           *user_data,
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
  Offsets *o = ctxt->_private;

  xmlSAX2StartElementNs (user_data, localname, prefix, uri, n_namespaces, namespaces,
                         n_attributes, n_defaulted, attributes);
  if (++o->depth == 2)
    {
      if (xmlStrEqual (localname, BAD_CAST "alter") && o->alter_start < 0)
        o->alter_start = tag_start (o, xmlByteConsumed (ctxt));
      else if (xmlStrEqual (localname, BAD_CAST "expect") && o->expect_start < 0)
        o->expect_start = tag_start (o, xmlByteConsumed (ctxt));
    }
}

static void
on_end (void          *user_data,
        const xmlChar *localname,
        const xmlChar *prefix,
        const xmlChar *uri)
{
  xmlParserCtxt *ctxt = user_data;
  Offsets *o = ctxt->_private;
  long consumed = xmlByteConsumed (ctxt);

  xmlSAX2EndElementNs (user_data, localname, prefix, uri);
  if (o->depth == 2 && xmlStrEqual (localname, BAD_CAST "alter") && o->alter_end < 0
      && consumed > 0)
    o->alter_end = (gssize) MIN ((gsize) consumed, o->length);
  else if (o->depth == 1)
    o->root_close = tag_start (o, consumed);
  o->depth--;
}

static gboolean
find_offsets (Offsets *o)
{
  xmlParserCtxt *ctxt = xmlNewParserCtxt ();
  xmlDoc *doc;
  gboolean ok;

  o->alter_start = o->alter_end = o->expect_start = o->root_close = -1;
  if (ctxt == NULL)
    return FALSE;
  ctxt->_private = o;
  ctxt->sax->startElementNs = on_start;
  ctxt->sax->endElementNs = on_end;
  doc = xmlCtxtReadMemory (ctxt, o->text, (int) o->length, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  ok = doc != NULL && ctxt->wellFormed && o->root_close >= 0
       && (o->alter_start < 0) == (o->alter_end < 0);
  xmlFreeDoc (doc);
  xmlFreeParserCtxt (ctxt);
  return ok;
}

/* The blanks between the start of the line and @at, when only blanks
 * precede it there; @fallback otherwise. */
static char *
indent_at (Offsets    *o,
           gssize      at,
           const char *fallback)
{
  gssize line = at;

  while (line > 0 && (o->text[line - 1] == ' ' || o->text[line - 1] == '\t'))
    line--;
  if (line > 0 && o->text[line - 1] != '\n')
    return g_strdup (fallback);
  return g_strndup (o->text + line, (gsize) (at - line));
}

/* The start of the blanks (newlines too) that end just before @at. */
static gssize
blanks_before (Offsets *o,
               gssize   at)
{
  while (at > 0 && g_ascii_isspace (o->text[at - 1]))
    at--;
  return at;
}

/* The ids of the rules in <alter>, as the loader names them. */
static GHashTable *
existing_ids (xmlNode *alter)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint number = 0;

  pl_xml_foreach_element (alter, rule)
    {
      const char *id;

      if (!xmlStrEqual (rule->name, BAD_CAST "rule"))
        continue;
      number++;
      id = pl_xml_attr (rule, "id");
      g_hash_table_add (ids, id ? g_strdup (id) : g_strdup_printf ("rule-%u", number));
    }
  return ids;
}

static xmlNode *
find_child (xmlNode    *parent,
            const char *name)
{
  pl_xml_foreach_element (parent, child)
    if (xmlStrEqual (child->name, BAD_CAST name))
      return child;
  return NULL;
}

gboolean
pl_scenario_save_rules (const char  *in_path,
                        const char  *out_path,
                        PlRule     **rules,
                        guint        n_rules,
                        PlSim       *sim,
                        GError     **error)
{
  g_autoptr (PlXmlContext) ctx = NULL;
  g_autoptr (GHashTable) ids = NULL;
  g_autoptr (GString) out = NULL;
  g_autoptr (GString) added = NULL;
  g_autofree char *text = NULL;
  g_autofree char *indent = NULL;
  g_autofree char *rule_indent = NULL;
  g_autoptr (GError) local_error = NULL;
  xmlNode *root, *alter;
  Offsets o = { 0 };
  gsize length;

  g_return_val_if_fail (in_path != NULL && out_path != NULL, FALSE);
  g_return_val_if_fail (rules != NULL || n_rules == 0, FALSE);
  g_return_val_if_fail (PL_IS_SIM (sim), FALSE);

  ctx = pl_xml_context_load (in_path, error);
  if (ctx == NULL)
    return FALSE;
  root = xmlDocGetRootElement (pl_xml_context_get_doc (ctx));
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "scenario"))
    return pl_xml_error (ctx, error, root, NULL, "expected a <scenario> document");
  if (!g_file_get_contents (in_path, &text, &length, &local_error))
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE, "%s: %s", in_path,
                   local_error->message);
      return FALSE;
    }
  o.text = text;
  o.length = length;
  if (!find_offsets (&o))
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_SYNTAX,
                   "%s: changed while it was read", in_path);
      return FALSE;
    }

  alter = find_child (root, "alter");
  ids = alter ? existing_ids (alter) : g_hash_table_new_full (g_str_hash, g_str_equal,
                                                               g_free, NULL);
  indent = o.alter_start >= 0 ? indent_at (&o, o.alter_start, "  ")
           : o.expect_start >= 0 ? indent_at (&o, o.expect_start, "  ")
           : g_strdup ("  ");
  rule_indent = g_strdup_printf ("\n%s  ", indent);

  added = g_string_new (NULL);
  for (guint i = 0; i < n_rules; i++)
    {
      const char *id = pl_rule_get_id (rules[i]);
      g_autofree char *xml = NULL;

      if (!g_hash_table_add (ids, g_strdup (id)))
        {
          g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                       "%s: <alter> already has a rule with id '%s'", in_path, id);
          return FALSE;
        }
      xml = pl_rule_to_xml (rules[i], sim, error);
      if (xml == NULL)
        return FALSE;
      g_string_append (added, rule_indent);
      g_string_append (added, xml);
    }

  out = g_string_new_len (text, (gssize) length);
  if (n_rules == 0)
    ;
  else if (o.alter_start >= 0 && length >= 2 && text[o.alter_end - 2] == '/')
    {
      /* <alter/> opens up. */
      g_string_append_printf (added, "\n%s</alter>", indent);
      g_string_erase (out, o.alter_end - 2, 2);
      g_string_insert_c (out, o.alter_end - 2, '>');
      g_string_insert (out, o.alter_end - 1, added->str);
    }
  else if (o.alter_start >= 0)
    {
      /* After the last rule, before the blanks that end <alter>. */
      gssize close = tag_start (&o, (long) o.alter_end - 1);
      gssize at = blanks_before (&o, close);

      if (memchr (text + at, '\n', (gsize) (close - at)) == NULL)
        g_string_append_printf (added, "\n%s", indent);
      g_string_insert (out, at, added->str);
    }
  else if (o.expect_start >= 0)
    {
      g_autofree char *block = g_strdup_printf ("<alter>%s\n%s</alter>\n%s", added->str, indent,
                                                indent);

      g_string_insert (out, o.expect_start, block);
    }
  else
    {
      g_autofree char *block = g_strdup_printf ("\n%s<alter>%s\n%s</alter>", indent, added->str,
                                                indent);

      g_string_insert (out, blanks_before (&o, o.root_close), block);
    }

  return g_file_set_contents (out_path, out->str, (gssize) out->len, error);
}
