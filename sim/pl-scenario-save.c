/* pl-scenario-save.c: writing alteration rules into a scenario file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scenario"

#include <string.h>

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

static xmlNode *
find_child (xmlNode    *parent,
            const char *name)
{
  pl_xml_foreach_element (parent, child)
    if (xmlStrEqual (child->name, BAD_CAST name))
      return child;
  return NULL;
}

static gboolean
is_blank_text (xmlNode *node)
{
  return node != NULL && node->type == XML_TEXT_NODE && xmlIsBlankNode (node);
}

/* The indentation of @element: the blanks after the last newline before
 * it; @fallback when it has none. */
static char *
indent_of (xmlNode    *element,
           const char *fallback)
{
  const char *text, *nl;

  if (!is_blank_text (element->prev))
    return g_strdup (fallback);
  text = (const char *) element->prev->content;
  nl = strrchr (text, '\n');
  return g_strdup (nl ? nl + 1 : fallback);
}

static xmlNode *
new_text (xmlDoc     *doc,
          const char *text)
{
  return xmlNewDocText (doc, BAD_CAST text);
}

/* A new <alter> before <expect>, or last in <scenario>. */
static xmlNode *
add_alter (xmlDoc  *doc,
           xmlNode *root)
{
  xmlNode *expect = find_child (root, "expect");
  xmlNode *first = xmlFirstElementChild (root);
  g_autofree char *indent = first ? indent_of (first, "  ") : g_strdup ("  ");
  g_autofree char *nl_indent = g_strconcat ("\n", indent, NULL);
  xmlNode *alter = xmlNewDocNode (doc, NULL, BAD_CAST "alter", NULL);

  if (expect != NULL)
    {
      xmlAddPrevSibling (expect, alter);
      xmlAddPrevSibling (expect, new_text (doc, nl_indent));
    }
  else if (is_blank_text (root->last))
    {
      xmlAddPrevSibling (root->last, alter);
      xmlAddPrevSibling (alter, new_text (doc, nl_indent));
    }
  else
    {
      xmlAddChild (root, new_text (doc, nl_indent));
      xmlAddChild (root, alter);
      xmlAddChild (root, new_text (doc, "\n"));
    }
  return alter;
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
  g_autofree char *alter_indent = NULL;
  g_autofree char *rule_indent = NULL;
  xmlDoc *doc;
  xmlNode *root, *alter, *closing;
  xmlChar *mem = NULL;
  int len = 0;
  gboolean ok;

  g_return_val_if_fail (in_path != NULL && out_path != NULL, FALSE);
  g_return_val_if_fail (rules != NULL || n_rules == 0, FALSE);
  g_return_val_if_fail (PL_IS_SIM (sim), FALSE);

  /* Blanks are kept: the file is written back as it was. */
  ctx = pl_xml_context_load (in_path, error);
  if (ctx == NULL)
    return FALSE;
  doc = pl_xml_context_get_doc (ctx);
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "scenario"))
    return pl_xml_error (ctx, error, root, NULL, "expected a <scenario> document");

  alter = find_child (root, "alter");
  if (alter == NULL && n_rules > 0)
    alter = add_alter (doc, root);
  if (alter == NULL)
    goto write;

  ids = existing_ids (alter);
  alter_indent = indent_of (alter, "  ");
  rule_indent = g_strdup_printf ("\n%s  ", alter_indent);
  /* New rules go after the last one, before the blanks that end <alter>. */
  closing = is_blank_text (alter->last) ? alter->last : NULL;
  if (closing == NULL && n_rules > 0)
    {
      g_autofree char *end = g_strconcat ("\n", alter_indent, NULL);

      closing = xmlAddChild (alter, new_text (doc, end));
    }

  for (guint i = 0; i < n_rules; i++)
    {
      const char *id = pl_rule_get_id (rules[i]);
      xmlNode *node;

      if (!g_hash_table_add (ids, g_strdup (id)))
        {
          g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                       "%s: <alter> already has a rule with id '%s'", in_path, id);
          return FALSE;
        }
      node = rule_node (doc, rules[i], sim, error);
      if (node == NULL)
        return FALSE;
      /* Element first: libxml2 merges a text node added next to text. */
      xmlAddPrevSibling (closing, node);
      xmlAddPrevSibling (node, new_text (doc, rule_indent));
    }

write:
  xmlDocDumpFormatMemoryEnc (doc, &mem, &len, "UTF-8", 0);
  if (mem == NULL)
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE,
                   "%s: could not print the scenario", out_path);
      return FALSE;
    }
  ok = g_file_set_contents (out_path, (const char *) mem, len, error);
  xmlFree (mem);
  return ok;
}
