/* pl-rule.c: alteration rules.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-rule"

#include <string.h>

#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_header.h>

#include "pl-rule-private.h"
#include "pl-wire.h"

struct _PlRule {
  char *id;
  PlRulePoint point;
  PlRuleAction action;

  int from;
  int to;
  char *proto;
  char *method;
  int status_min;
  int status_max;
  char *header;
  GRegex *regex;
  guint nth;
  gboolean nth_counts_all;
  guint matches;

  PlTime delay;
  char *edit_name;
  char *edit_value;
  GBytes *body;
  char *content_type;
  int status;
  char *reason;
};

static const char *const action_names[] = {
  [PL_RULE_DROP] = "drop",
  [PL_RULE_DELAY] = "delay",
  [PL_RULE_DUPLICATE] = "duplicate",
  [PL_RULE_SET_HEADER] = "set-header",
  [PL_RULE_REMOVE_HEADER] = "remove-header",
  [PL_RULE_REPLACE_BODY] = "replace-body",
  [PL_RULE_RESPOND] = "respond",
  [PL_RULE_HOLD] = "hold",
  NULL
};

PlRule *
pl_rule_new (PlRulePoint  point,
             PlRuleAction action)
{
  PlRule *rule = g_new0 (PlRule, 1);

  rule->point = point;
  rule->action = action;
  rule->from = -1;
  rule->to = -1;
  return rule;
}

void
pl_rule_free (PlRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->id);
  g_free (rule->proto);
  g_free (rule->method);
  g_free (rule->header);
  g_clear_pointer (&rule->regex, g_regex_unref);
  g_free (rule->edit_name);
  g_free (rule->edit_value);
  g_clear_pointer (&rule->body, g_bytes_unref);
  g_free (rule->content_type);
  g_free (rule->reason);
  g_free (rule);
}

void
pl_rule_set_id (PlRule     *rule,
                const char *id)
{
  g_free (rule->id);
  rule->id = g_strdup (id);
}

const char *
pl_rule_get_id (PlRule *rule)
{
  return rule->id ? rule->id : "rule";
}

void
pl_rule_set_hop (PlRule *rule,
                 int     from,
                 int     to)
{
  rule->from = from;
  rule->to = to;
}

void
pl_rule_set_proto (PlRule     *rule,
                   const char *proto)
{
  g_free (rule->proto);
  rule->proto = g_strdup (proto);
}

void
pl_rule_set_method (PlRule     *rule,
                    const char *method)
{
  g_free (rule->method);
  rule->method = g_strdup (method);
}

void
pl_rule_set_status (PlRule *rule,
                    int     min,
                    int     max)
{
  rule->status_min = min;
  rule->status_max = max;
}

void
pl_rule_set_header (PlRule     *rule,
                    const char *header,
                    GRegex     *regex)
{
  g_free (rule->header);
  rule->header = g_strdup (header);
  g_clear_pointer (&rule->regex, g_regex_unref);
  rule->regex = regex ? g_regex_ref (regex) : NULL;
}

void
pl_rule_set_nth (PlRule *rule,
                 guint   nth)
{
  rule->nth = nth;
}

void
pl_rule_set_nth_counts_all (PlRule   *rule,
                            gboolean  all)
{
  rule->nth_counts_all = all;
}

void
pl_rule_set_delay (PlRule *rule,
                   PlTime  delay)
{
  rule->delay = delay;
}

void
pl_rule_set_edit (PlRule     *rule,
                  const char *name,
                  const char *value)
{
  g_free (rule->edit_name);
  g_free (rule->edit_value);
  rule->edit_name = g_strdup (name);
  rule->edit_value = g_strdup (value);
}

void
pl_rule_set_body (PlRule     *rule,
                  GBytes     *body,
                  const char *content_type)
{
  g_clear_pointer (&rule->body, g_bytes_unref);
  rule->body = body ? g_bytes_ref (body) : g_bytes_new_static ("", 0);
  g_free (rule->content_type);
  rule->content_type = g_strdup (content_type);
}

void
pl_rule_set_response (PlRule     *rule,
                      int         status,
                      const char *reason)
{
  rule->status = status;
  g_free (rule->reason);
  rule->reason = g_strdup (reason);
}

PlRulePoint
pl_rule_get_point (PlRule *rule)
{
  return rule->point;
}

PlRuleAction
pl_rule_get_action (PlRule *rule)
{
  return rule->action;
}

void
pl_rule_get_hop (PlRule *rule,
                 int    *from,
                 int    *to)
{
  *from = rule->from;
  *to = rule->to;
}

const char *
pl_rule_get_proto (PlRule *rule)
{
  return rule->proto;
}

const char *
pl_rule_get_method (PlRule *rule)
{
  return rule->method;
}

gboolean
pl_rule_get_status (PlRule *rule,
                    int    *min,
                    int    *max)
{
  *min = rule->status_min;
  *max = rule->status_max;
  return rule->status_min != 0;
}

const char *
pl_rule_get_header (PlRule  *rule,
                    GRegex **regex)
{
  if (regex)
    *regex = rule->regex;
  return rule->header;
}

guint
pl_rule_get_nth (PlRule *rule)
{
  return rule->nth;
}

gboolean
pl_rule_get_nth_counts_all (PlRule *rule)
{
  return rule->nth_counts_all;
}

PlTime
pl_rule_get_delay (PlRule *rule)
{
  return rule->delay;
}

const char *
pl_rule_get_edit (PlRule      *rule,
                  const char **value)
{
  if (value)
    *value = rule->edit_value;
  return rule->edit_name;
}

GBytes *
pl_rule_get_body (PlRule      *rule,
                  const char **content_type)
{
  if (content_type)
    *content_type = rule->content_type;
  return rule->body;
}

int
pl_rule_get_response (PlRule      *rule,
                      const char **reason)
{
  if (reason)
    *reason = rule->reason;
  return rule->status;
}

const char *
pl_rule_action_to_string (PlRuleAction action)
{
  g_return_val_if_fail (action < G_N_ELEMENTS (action_names) - 1, "unknown");
  return action_names[action];
}

gboolean
pl_rule_action_from_string (const char   *text,
                            PlRuleAction *out)
{
  for (guint i = 0; action_names[i]; i++)
    {
      if (g_strcmp0 (text, action_names[i]) == 0)
        {
          *out = (PlRuleAction) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char * const *
pl_rule_action_names (void)
{
  return action_names;
}

PlTime
_pl_rule_get_delay (PlRule *rule)
{
  return rule->delay;
}

int
_pl_rule_get_status (PlRule *rule)
{
  return rule->status;
}

const char *
_pl_rule_get_reason (PlRule *rule)
{
  return rule->reason;
}

char *
pl_rule_describe (PlRule     *rule,
                  const char *(*node_name) (int index, gpointer data),
                  gpointer    data)
{
  GString *s = g_string_new (rule->point == PL_RULE_ON_SEND ? "on send" : "on deliver");

  if (rule->from >= 0)
    g_string_append_printf (s, " from %s", node_name (rule->from, data));
  if (rule->to >= 0)
    g_string_append_printf (s, " to %s", node_name (rule->to, data));
  if (rule->method)
    g_string_append_printf (s, ": %s", rule->method);
  else if (rule->status_min)
    g_string_append_printf (s, ": %d-%d", rule->status_min, rule->status_max);
  if (rule->header)
    g_string_append_printf (s, " with %s%s%s", rule->header, rule->regex ? " ~ " : "",
                            rule->regex ? g_regex_get_pattern (rule->regex) : "");
  if (rule->nth)
    g_string_append_printf (s, " #%u", rule->nth);
  g_string_append_printf (s, " -> %s", action_names[rule->action]);
  switch (rule->action)
    {
    case PL_RULE_DELAY:
    case PL_RULE_DUPLICATE:
      g_string_append_printf (s, " %" G_GINT64_FORMAT "us", rule->delay);
      break;
    case PL_RULE_SET_HEADER:
      g_string_append_printf (s, " %s: %s", rule->edit_name, rule->edit_value);
      break;
    case PL_RULE_REMOVE_HEADER:
      g_string_append_printf (s, " %s", rule->edit_name);
      break;
    case PL_RULE_RESPOND:
      g_string_append_printf (s, " %d", rule->status);
      break;
    case PL_RULE_DROP:
    case PL_RULE_REPLACE_BODY:
    case PL_RULE_HOLD:
    default:
      break;
    }
  return g_string_free (s, FALSE);
}

gboolean
_pl_rule_applies (PlRule      *rule,
                  PlRulePoint  point,
                  int          from,
                  int          to,
                  const char  *proto,
                  GBytes      *wire)
{
  g_autoptr (msg_t) msg = NULL;
  sip_t *sip = NULL;

  if (rule->point != point)
    return FALSE;
  if ((rule->from >= 0 && rule->from != from) || (rule->to >= 0 && rule->to != to))
    return FALSE;
  if (g_strcmp0 (rule->proto ? rule->proto : "sip", proto) != 0)
    return FALSE;

  if (rule->method || rule->status_min || rule->header)
    {
      if (g_strcmp0 (proto, "sip") != 0)
        return FALSE;
      msg = pl_wire_parse (wire, NULL);
      sip = msg ? sip_object (msg) : NULL;
      if (sip == NULL)
        return FALSE;
    }

  if (rule->method
      && (sip->sip_request == NULL
          || g_ascii_strcasecmp (sip->sip_request->rq_method_name, rule->method) != 0))
    return FALSE;
  if (rule->status_min
      && (sip->sip_status == NULL || sip->sip_status->st_status < rule->status_min
          || sip->sip_status->st_status > rule->status_max))
    return FALSE;
  if (rule->header)
    {
      g_autofree char *value = pl_wire_header_value (msg, rule->header);

      if (value == NULL)
        return FALSE;
      if (rule->regex && !g_regex_match (rule->regex, value, 0, NULL))
        return FALSE;
    }

  rule->matches++;
  return rule->nth == 0 || rule->matches == rule->nth;
}

/* Compares header names the way SIP does: case-insensitive, with the
 * compact forms (RFC 3261 §7.3.3) resolved through sofia-sip's table. */
static gboolean
same_header (const char *a,
             gsize       a_len,
             const char *b)
{
  g_autofree char *name = g_strndup (a, a_len);
  msg_href_t const *ha, *hb;

  if (g_ascii_strcasecmp (name, b) == 0)
    return TRUE;
  ha = msg_find_hclass (sip_default_mclass (), name, NULL);
  hb = msg_find_hclass (sip_default_mclass (), b, NULL);
  /* Every extension name maps to sofia-sip's catch-all class: two of them
   * are the same header only when their names are, compared above. */
  return ha && hb && ha->hr_class == hb->hr_class && ha->hr_class->hc_hash != msg_unknown_hash;
}

/* Splits @wire into start line, header groups (a header with its folded
 * continuation lines) and body. */
typedef struct {
  GPtrArray *lines;   /* char*, first is the start line */
  GBytes *body;
  gboolean has_separator;
} PlWireParts;

static void
wire_parts_split (GBytes      *wire,
                  PlWireParts *parts)
{
  gsize len;
  const char *data = g_bytes_get_data (wire, &len);
  const char *sep = g_strstr_len (data, len, "\r\n\r\n");
  gsize head_len = sep ? (gsize) (sep - data) : len;
  const char *p = data, *end = data + head_len;

  parts->lines = g_ptr_array_new_with_free_func (g_free);
  while (p < end)
    {
      const char *eol = g_strstr_len (p, end - p, "\r\n");
      gsize n = eol ? (gsize) (eol - p) : (gsize) (end - p);

      if (parts->lines->len > 1 && (*p == ' ' || *p == '\t'))
        {
          /* folded: belongs to the previous header */
          char **last = (char **) &parts->lines->pdata[parts->lines->len - 1];
          char *joined = g_strdup_printf ("%s\r\n%.*s", *last, (int) n, p);
          g_free (*last);
          *last = joined;
        }
      else
        g_ptr_array_add (parts->lines, g_strndup (p, n));
      p += n + (eol ? 2 : 0);
    }
  parts->has_separator = sep != NULL;
  parts->body = sep ? g_bytes_new_from_bytes (wire, head_len + 4, len - head_len - 4)
                    : g_bytes_new_static ("", 0);
}

static GBytes *
wire_parts_join (PlWireParts *parts)
{
  GString *out = g_string_new (NULL);
  gsize body_len;
  const char *body = g_bytes_get_data (parts->body, &body_len);

  for (guint i = 0; i < parts->lines->len; i++)
    {
      g_string_append (out, g_ptr_array_index (parts->lines, i));
      g_string_append (out, "\r\n");
    }
  g_string_append (out, "\r\n");
  g_string_append_len (out, body, body_len);

  g_ptr_array_unref (parts->lines);
  g_bytes_unref (parts->body);
  return g_string_free_to_bytes (out);
}

static gboolean
line_is_header (const char *line,
                const char *name)
{
  const char *colon = strchr (line, ':');
  gsize n;

  if (colon == NULL)
    return FALSE;
  n = colon - line;
  while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
    n--;
  return same_header (line, n, name);
}

/* value NULL removes every @name header; otherwise the first becomes
 * "name: value" and the others go. */
static void
parts_set_header (PlWireParts *parts,
                  const char  *name,
                  const char  *value)
{
  gboolean done = value == NULL;

  for (guint i = 1; i < parts->lines->len;)
    {
      char **line = (char **) &parts->lines->pdata[i];

      if (!line_is_header (*line, name))
        {
          i++;
          continue;
        }
      if (!done)
        {
          g_free (*line);
          *line = g_strdup_printf ("%s: %s", name, value);
          done = TRUE;
          i++;
        }
      else
        g_ptr_array_remove_index (parts->lines, i);
    }
  if (!done)
    g_ptr_array_add (parts->lines, g_strdup_printf ("%s: %s", name, value));
}

GBytes *
_pl_wire_edit_header (GBytes     *wire,
                      const char *name,
                      const char *value)
{
  PlWireParts parts;

  wire_parts_split (wire, &parts);
  parts_set_header (&parts, name, value);
  return wire_parts_join (&parts);
}

GBytes *
_pl_wire_replace_body (GBytes     *wire,
                       GBytes     *body,
                       const char *content_type)
{
  PlWireParts parts;
  g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (body));

  wire_parts_split (wire, &parts);
  g_bytes_unref (parts.body);
  parts.body = g_bytes_ref (body);
  if (content_type)
    parts_set_header (&parts, "Content-Type", content_type);
  parts_set_header (&parts, "Content-Length", length);
  return wire_parts_join (&parts);
}

GBytes *
_pl_rule_edit (PlRule *rule,
               GBytes *wire)
{
  switch (rule->action)
    {
    case PL_RULE_SET_HEADER:
      return _pl_wire_edit_header (wire, rule->edit_name, rule->edit_value ? rule->edit_value : "");
    case PL_RULE_REMOVE_HEADER:
      return _pl_wire_edit_header (wire, rule->edit_name, NULL);
    case PL_RULE_REPLACE_BODY:
      return _pl_wire_replace_body (wire, rule->body, rule->content_type);
    case PL_RULE_DROP:
    case PL_RULE_DELAY:
    case PL_RULE_DUPLICATE:
    case PL_RULE_RESPOND:
    case PL_RULE_HOLD:
    default:
      return g_bytes_ref (wire);
    }
}
