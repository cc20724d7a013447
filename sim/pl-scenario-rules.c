/* pl-scenario-rules.c: the <alter> part of a scenario: alteration rules.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scenario"

#include <string.h>

#include "pl-node.h"
#include "pl-rule.h"
#include "pl-scenario-private.h"

static const char *const rule_points[] = { "send", "deliver", NULL };
/* What nth= counts: the messages that reach the rule, or all of them. */
static const char *const nth_counts[] = { "reaching", "all", NULL };

/* Which attributes go with which action. */
static const struct {
  const char *attr;
  guint actions; /* bit mask of PlRuleAction */
} rule_params[] = {
  { "delay", 1 << PL_RULE_DELAY | 1 << PL_RULE_DUPLICATE },
  { "name", 1 << PL_RULE_SET_HEADER | 1 << PL_RULE_REMOVE_HEADER },
  { "value", 1 << PL_RULE_SET_HEADER },
  { "body", 1 << PL_RULE_REPLACE_BODY },
  { "body-file", 1 << PL_RULE_REPLACE_BODY },
  { "content-type", 1 << PL_RULE_REPLACE_BODY },
  { "status", 1 << PL_RULE_RESPOND },
  { "reason", 1 << PL_RULE_RESPOND },
};

static gboolean
check_rule_params (PlXmlContext  *ctx,
                   xmlNode       *element,
                   PlRuleAction   action,
                   GError       **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_params); i++)
    {
      GString *which;
      g_autofree char *list = NULL;

      if (pl_xml_attr (element, rule_params[i].attr) == NULL ||
          (rule_params[i].actions & (1u << action)) != 0)
        continue;

      which = g_string_new (NULL);
      for (guint a = 0; pl_rule_action_names ()[a] != NULL; a++)
        if (rule_params[i].actions & (1u << a))
          g_string_append_printf (which, "%saction=\"%s\"", which->len ? " or " : "",
                                  pl_rule_action_to_string (a));
      list = g_string_free (which, FALSE);
      return pl_xml_error (ctx, error, element, rule_params[i].attr,
                           "attribute '%s' of <rule> only goes with %s, not action=\"%s\"",
                           rule_params[i].attr, list, pl_rule_action_to_string (action));
    }
  return TRUE;
}

/* The hop: @at is the sender of a send rule, the receiver of a delivery
 * rule; from= and to= narrow it further. */
static gboolean
load_rule_hop (PlXmlContext  *ctx,
               PlSim         *sim,
               xmlNode       *element,
               PlRulePoint    point,
               PlRule        *rule,
               GError       **error)
{
  PlNode *at, *from, *to;
  const char *side = point == PL_RULE_ON_SEND ? "from" : "to";
  PlNode **same;

  if (!_pl_scenario_lookup_node (ctx, sim, element, "at", &at, error) ||
      !_pl_scenario_lookup_node (ctx, sim, element, "from", &from, error) ||
      !_pl_scenario_lookup_node (ctx, sim, element, "to", &to, error))
    return FALSE;

  same = point == PL_RULE_ON_SEND ? &from : &to;
  if (at != NULL)
    {
      if (*same != NULL && *same != at)
        return pl_xml_error (ctx, error, element, side,
                             "on=\"%s\" makes at=\"%s\" the %s node, but %s=\"%s\" names another",
                             rule_points[point], pl_node_get_id (at),
                             point == PL_RULE_ON_SEND ? "sending" : "receiving",
                             side, pl_node_get_id (*same));
      *same = at;
    }
  pl_rule_set_hop (rule,
                   from ? pl_node_get_index (from) : -1,
                   to ? pl_node_get_index (to) : -1);
  return TRUE;
}

static gboolean
load_rule_match (PlXmlContext  *ctx,
                 xmlNode       *element,
                 PlRule        *rule,
                 GError       **error)
{
  const char *request = pl_xml_attr (element, "request");
  const char *response = pl_xml_attr (element, "response");
  const char *header = pl_xml_attr (element, "header");
  const char *proto = pl_xml_attr (element, "proto");
  g_autoptr(GRegex) regex = NULL;
  guint64 nth;
  int counts;

  if (request != NULL && response != NULL)
    return pl_xml_error (ctx, error, element, "response",
                         "a <rule> matches a request or a response, not both");
  if (request != NULL)
    {
      if (*request == '\0' || strpbrk (request, " \t\r\n") != NULL)
        return pl_xml_error (ctx, error, element, "request",
                             "attribute 'request' of <rule>: expected a method such as "
                             "MESSAGE, got '%s'", request);
      pl_rule_set_method (rule, request);
    }
  if (response != NULL)
    {
      int min, max;

      if (!_pl_scenario_parse_status (response, &min, &max))
        return pl_xml_error (ctx, error, element, "response",
                             "attribute 'response' of <rule>: expected a status code "
                             "such as 415 or a class such as 4xx, got '%s'", response);
      pl_rule_set_status (rule, min, max);
    }
  if (proto != NULL)
    pl_rule_set_proto (rule, proto);

  if (!_pl_scenario_attr_regex (ctx, element, "matches", &regex, error))
    return FALSE;
  if (regex != NULL && header == NULL)
    return pl_xml_error (ctx, error, element, "matches",
                         "matches= needs header= (the header whose value it matches)");
  if (header != NULL)
    {
      if (*header == '\0' || strpbrk (header, " \t\r\n:") != NULL)
        return pl_xml_error (ctx, error, element, "header",
                             "attribute 'header' of <rule>: expected a header name such "
                             "as Max-Forwards, got '%s'", header);
      pl_rule_set_header (rule, header, regex);
    }

  if (!pl_xml_attr_uint (ctx, element, "nth", 0, 1, G_MAXUINT, &nth, error))
    return FALSE;
  pl_rule_set_nth (rule, (guint) nth);
  if (!pl_xml_attr_enum (ctx, element, "nth-counts", nth_counts, 0, &counts, error))
    return FALSE;
  if (counts != 0 && nth == 0)
    return pl_xml_error (ctx, error, element, "nth-counts",
                         "nth-counts= needs nth= (which matching message the rule takes)");
  pl_rule_set_nth_counts_all (rule, counts != 0);
  return TRUE;
}

static gboolean
load_rule_action (PlXmlContext  *ctx,
                  xmlNode       *element,
                  PlRuleAction   action,
                  PlRule        *rule,
                  GError       **error)
{
  const char *name = NULL, *value = NULL;
  PlTime delay;
  guint64 status;

  switch (action)
    {
    case PL_RULE_DROP:
      break;

    case PL_RULE_DELAY:
      if (!pl_xml_require_attr (ctx, element, "delay", NULL, error))
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case PL_RULE_DUPLICATE:
      if (!pl_xml_attr_duration (ctx, element, "delay", 0, &delay, error))
        return FALSE;
      pl_rule_set_delay (rule, delay);
      break;

    case PL_RULE_SET_HEADER:
      if (!pl_xml_require_attr (ctx, element, "name", &name, error))
        return FALSE;
      value = pl_xml_attr (element, "value");
      if (value == NULL)
        return pl_xml_error (ctx, error, element, NULL,
                             "<rule> with action=\"set-header\" needs the attribute 'value'");
      pl_rule_set_edit (rule, name, value);
      break;

    case PL_RULE_REMOVE_HEADER:
      if (!pl_xml_require_attr (ctx, element, "name", &name, error))
        return FALSE;
      pl_rule_set_edit (rule, name, NULL);
      break;

    case PL_RULE_REPLACE_BODY:
      {
        const char *body = pl_xml_attr (element, "body");
        const char *body_file = pl_xml_attr (element, "body-file");
        g_autoptr(GBytes) bytes = NULL;

        if ((body == NULL) == (body_file == NULL))
          return pl_xml_error (ctx, error, element, body ? "body-file" : NULL,
                               "<rule> with action=\"replace-body\" needs either body= "
                               "or body-file=");
        if (body != NULL)
          bytes = g_bytes_new (body, strlen (body));
        else
          {
            g_autofree char *path = pl_xml_context_resolve (ctx, body_file);
            g_autoptr(GError) local_error = NULL;
            char *contents;
            gsize length;

            if (!g_file_get_contents (path, &contents, &length, &local_error))
              return pl_xml_error (ctx, error, element, "body-file",
                                   "attribute 'body-file' of <rule>: %s",
                                   local_error->message);
            bytes = g_bytes_new_take (contents, length);
          }
        pl_rule_set_body (rule, bytes, pl_xml_attr (element, "content-type"));
      }
      break;

    case PL_RULE_RESPOND:
      if (pl_xml_attr (element, "response") != NULL)
        return pl_xml_error (ctx, error, element, "response",
                             "action=\"respond\" answers a request; it cannot match "
                             "a response");
      if (!pl_xml_require_attr (ctx, element, "status", NULL, error) ||
          !pl_xml_attr_uint (ctx, element, "status", 0, 100, 699, &status, error))
        return FALSE;
      pl_rule_set_response (rule, (int) status, pl_xml_attr (element, "reason"));
      break;

    case PL_RULE_HOLD:
      break;

    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static gboolean
load_rule (PlXmlContext  *ctx,
           PlSim         *sim,
           xmlNode       *element,
           guint          number,
           GHashTable    *ids,
           GError       **error)
{
  g_autoptr(PlRule) rule = NULL;
  g_autofree char *id = NULL;
  gpointer first;
  int point, action;

  if (!pl_xml_require_attr (ctx, element, "action", NULL, error) ||
      !pl_xml_attr_enum (ctx, element, "action", pl_rule_action_names (), 0, &action, error) ||
      !pl_xml_attr_enum (ctx, element, "on", rule_points, PL_RULE_ON_DELIVER, &point, error) ||
      !check_rule_params (ctx, element, action, error))
    return FALSE;

  id = pl_xml_attr (element, "id")
         ? g_strdup (pl_xml_attr (element, "id"))
         : g_strdup_printf ("rule-%u", number);
  if (g_hash_table_lookup_extended (ids, id, NULL, &first))
    return pl_xml_error (ctx, error, element, pl_xml_attr (element, "id") ? "id" : NULL,
                         "duplicate rule id '%s' (first used on line %d)",
                         id, GPOINTER_TO_INT (first));

  rule = pl_rule_new (point, action);
  pl_rule_set_id (rule, id);
  if (!load_rule_hop (ctx, sim, element, point, rule, error) ||
      !load_rule_match (ctx, element, rule, error) ||
      !load_rule_action (ctx, element, action, rule, error))
    return FALSE;

  g_hash_table_insert (ids, g_steal_pointer (&id), GINT_TO_POINTER (pl_xml_get_line (element)));
  pl_sim_add_rule (sim, g_steal_pointer (&rule));
  return TRUE;
}

gboolean
_pl_scenario_load_alter (PlXmlContext  *ctx,
                         PlSim         *sim,
                         xmlNode       *alter,
                         GError       **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint number = 0;

  pl_xml_foreach_element (alter, rule)
    if (xmlStrEqual (rule->name, BAD_CAST "rule") &&
        !load_rule (ctx, sim, rule, ++number, ids, error))
      return FALSE;
  return TRUE;
}
