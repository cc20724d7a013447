/* pl-scenario.c: scenario files: load, run, check.
 *
 * The loader turns a validated document into a PlSim: nodes (created by
 * kind and configured by it), links, timeline actions (parsed by the
 * acting node's kind), alteration rules and expectations. Every error
 * names file:line:column. The expectations live in pl-scenario-expect.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scenario"

#include <string.h>

#include "pl-action.h"
#include "pl-node.h"
#include "pl-scenario.h"
#include "pl-scenario-private.h"

/* Without an end attribute a run goes on until nothing is left to do, but
 * never past an hour of virtual time (a re-registering UA never stops). */
#define DEFAULT_END PL_SEC (3600)

typedef struct {
  PlTime t;
  PlAction *action;
} TimelineEntry;

struct _PlScenario {
  GObject parent_instance;

  PlXmlContext *ctx;
  char *file;
  char *name;
  char *description;
  char *dialect;
  guint64 seed;
  PlTime end;           /* -1: none given */

  PlSim *sim;
  GArray *timeline;     /* TimelineEntry, document order */
  GPtrArray *expects;   /* PlExpect* */
  gboolean started;

  /* Flow steps matched so far, for pl_scenario_get_step_for_event(). */
  GHashTable *step_by_event; /* event index + 1 -> StepRef* */
  GHashTable *step_by_hop;   /* hop -> StepRef* (the first step of a hop) */
};

typedef struct {
  const char *label;    /* owned by the expectation */
  const char *note;
} StepRef;

G_DEFINE_FINAL_TYPE (PlScenario, pl_scenario, G_TYPE_OBJECT)

static const char *const dialects[] = { "plain", "oma-2006", "oma-1.0", NULL };
static const char *const transports[] = { "udp", "tcp", NULL };

static void
on_run_action (gpointer data)
{
  pl_action_run (data);
}

static void
timeline_entry_clear (gpointer data)
{
  TimelineEntry *entry = data;

  g_clear_pointer (&entry->action, pl_action_free);
}

static void
pl_scenario_dispose (GObject *object)
{
  PlScenario *self = PL_SCENARIO (object);

  /* Actions point at nodes of the sim: free them first. */
  g_clear_pointer (&self->timeline, g_array_unref);
  g_clear_pointer (&self->step_by_event, g_hash_table_unref);
  g_clear_pointer (&self->step_by_hop, g_hash_table_unref);
  g_clear_pointer (&self->expects, g_ptr_array_unref);
  g_clear_object (&self->sim);

  G_OBJECT_CLASS (pl_scenario_parent_class)->dispose (object);
}

static void
pl_scenario_finalize (GObject *object)
{
  PlScenario *self = PL_SCENARIO (object);

  g_clear_pointer (&self->ctx, pl_xml_context_free);
  g_free (self->file);
  g_free (self->name);
  g_free (self->description);
  g_free (self->dialect);

  G_OBJECT_CLASS (pl_scenario_parent_class)->finalize (object);
}

static void
pl_scenario_class_init (PlScenarioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_scenario_dispose;
  object_class->finalize = pl_scenario_finalize;
}

static void
pl_scenario_init (PlScenario *self)
{
  self->end = -1;
  self->seed = 1;
  self->timeline = g_array_new (FALSE, FALSE, sizeof (TimelineEntry));
  g_array_set_clear_func (self->timeline, timeline_entry_clear);
  self->expects = g_ptr_array_new_with_free_func ((GDestroyNotify) _pl_expect_free);
  self->step_by_event = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->step_by_hop = g_hash_table_new (NULL, NULL);
}

/* Helpers shared with the expectations ------------------------------- */

gboolean
_pl_scenario_parse_status (const char *text,
                           int        *min,
                           int        *max)
{
  if (text == NULL || strlen (text) != 3 || text[0] < '1' || text[0] > '6')
    return FALSE;
  if ((text[1] == 'x' || text[1] == 'X') && (text[2] == 'x' || text[2] == 'X'))
    {
      *min = (text[0] - '0') * 100;
      *max = *min + 99;
      return TRUE;
    }
  if (!g_ascii_isdigit (text[1]) || !g_ascii_isdigit (text[2]))
    return FALSE;
  *min = *max = (int) g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

static char *
list_node_ids (PlSim *sim)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < pl_sim_get_n_nodes (sim); i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, pl_node_get_id (pl_sim_get_node (sim, i)));
    }
  return g_string_free (s, FALSE);
}

gboolean
_pl_scenario_lookup_node (PlXmlContext  *ctx,
                          PlSim         *sim,
                          xmlNode       *element,
                          const char    *attr,
                          PlNode       **out,
                          GError       **error)
{
  const char *id = pl_xml_attr (element, attr);
  PlNode *node;
  g_autofree char *known = NULL;

  *out = NULL;
  if (id == NULL)
    return TRUE;
  node = pl_sim_find_node (sim, id);
  if (node != NULL)
    {
      *out = node;
      return TRUE;
    }
  known = list_node_ids (sim);
  return pl_xml_error (ctx, error, element, attr,
                       "attribute '%s' of <%s>: there is no node '%s' (nodes: %s)",
                       attr, (const char *) element->name, id,
                       *known ? known : "none");
}

gboolean
_pl_scenario_attr_regex (PlXmlContext  *ctx,
                         xmlNode       *element,
                         const char    *attr,
                         GRegex       **out,
                         GError       **error)
{
  const char *pattern = pl_xml_attr (element, attr);
  g_autoptr(GError) local_error = NULL;

  *out = NULL;
  if (pattern == NULL)
    return TRUE;
  *out = g_regex_new (pattern, 0, 0, &local_error);
  if (*out == NULL)
    return pl_xml_error (ctx, error, element, attr,
                         "attribute '%s' of <%s>: bad regular expression '%s': %s",
                         attr, (const char *) element->name, pattern,
                         local_error->message);
  return TRUE;
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

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return xmlStrEqual (node->name, BAD_CAST name);
}

/* The scenario element ----------------------------------------------- */

static gboolean
load_header (PlScenario               *self,
             xmlNode                  *root,
             const PlScenarioOptions  *options,
             GError                  **error)
{
  const char *name;
  xmlNode *description;
  int dialect;

  if (!pl_xml_require_attr (self->ctx, root, "name", &name, error) ||
      !pl_xml_attr_enum (self->ctx, root, "dialect", dialects, 0, &dialect, error) ||
      !pl_xml_attr_uint (self->ctx, root, "seed", 1, 0, G_MAXUINT64, &self->seed, error) ||
      !pl_xml_attr_duration (self->ctx, root, "end", -1, &self->end, error))
    return FALSE;

  self->name = g_strdup (name);
  self->dialect = g_strdup (dialects[dialect]);
  if (options != NULL && options->has_seed)
    self->seed = options->seed;

  description = find_child (root, "description");
  if (description != NULL)
    self->description = pl_xml_text (description);
  return TRUE;
}

/* The network -------------------------------------------------------- */

static gboolean
load_link_params (PlXmlContext        *ctx,
                  xmlNode             *element,
                  const PlLinkParams  *base,
                  PlLinkParams        *out,
                  GError             **error)
{
  int transport;

  *out = *base;
  if (!pl_xml_attr_duration (ctx, element, "latency", base->latency, &out->latency, error) ||
      !pl_xml_attr_duration (ctx, element, "jitter", base->jitter, &out->jitter, error) ||
      !pl_xml_attr_double (ctx, element, "loss", base->loss, 0.0, 1.0, &out->loss, error) ||
      !pl_xml_attr_bandwidth (ctx, element, "bandwidth", base->bandwidth, &out->bandwidth, error) ||
      !pl_xml_attr_enum (ctx, element, "transport", transports, base->transport, &transport, error))
    return FALSE;
  out->transport = transport;
  return TRUE;
}

static gboolean
is_valid_id (const char *id)
{
  if (!g_ascii_isalpha (*id) && *id != '_')
    return FALSE;
  for (const char *p = id + 1; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* "name", "name:port", "[v6]", "[v6]:port", as the spec's flows write
 * them. */
static gboolean
is_valid_host (const char *host)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *port = NULL;
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex,
                       g_regex_new ("^(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_]"
                                    "(?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)"
                                    "(?::([0-9]{1,5}))?$",
                                    G_REGEX_OPTIMIZE, 0, NULL));
  if (!g_regex_match (regex, host, 0, &match))
    return FALSE;
  port = g_match_info_fetch (match, 1);
  return port == NULL || *port == '\0' ||
         (g_ascii_strtoull (port, NULL, 10) >= 1 && g_ascii_strtoull (port, NULL, 10) <= 65535);
}

static gboolean
load_node (PlScenario  *self,
           xmlNode     *element,
           GHashTable  *lines,
           GError     **error)
{
  PlXmlContext *ctx = self->ctx;
  const char *id, *kind, *host;
  g_autoptr(PlNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  PlNodeClass *klass;
  GType type;
  gpointer first;

  if (!pl_xml_require_attr (ctx, element, "id", &id, error) ||
      !pl_xml_require_attr (ctx, element, "kind", &kind, error) ||
      !pl_xml_require_attr (ctx, element, "host", &host, error))
    return FALSE;

  if (!is_valid_id (id))
    return pl_xml_error (ctx, error, element, "id",
                         "attribute 'id' of <node>: '%s' is not a valid id "
                         "(letters, digits, '_', '-' and '.', starting with a letter or '_')",
                         id);
  if (g_hash_table_lookup_extended (lines, id, NULL, &first))
    return pl_xml_error (ctx, error, element, "id",
                         "duplicate node id '%s' (first defined on line %d)",
                         id, GPOINTER_TO_INT (first));

  type = pl_node_kind_lookup (kind);
  if (type == G_TYPE_INVALID)
    {
      g_auto(GStrv) kinds = pl_node_kind_list ();
      g_autofree char *known = g_strjoinv (", ", kinds);

      return pl_xml_error (ctx, error, element, "kind",
                           "unknown node kind '%s' (known kinds: %s)",
                           kind, *known ? known : "none registered");
    }

  if (!is_valid_host (host))
    return pl_xml_error (ctx, error, element, "host",
                         "attribute 'host' of <node>: expected a host name or [IPv6] "
                         "literal with an optional port, such as proxy.example.net:5060, "
                         "got '%s'", host);

  node = g_object_new (type, "id", id, "host", host, "kind", kind, NULL);
  if (!pl_sim_add_node (self->sim, node, &local_error))
    return pl_xml_error (ctx, error, element, "host", "%s", local_error->message);
  g_hash_table_insert (lines, (gpointer) id, GINT_TO_POINTER (pl_xml_get_line (element)));

  klass = PL_NODE_GET_CLASS (node);
  if (klass->configure != NULL && !klass->configure (node, ctx, element, &local_error))
    {
      if (local_error == NULL)
        return pl_xml_error (ctx, error, element, NULL,
                             "node '%s' of kind '%s' could not be configured", id, kind);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
resolve_node (PlScenario  *self,
              xmlNode     *element,
              GError     **error)
{
  PlNode *node = pl_sim_find_node (self->sim, pl_xml_attr (element, "id"));
  PlNodeClass *klass = PL_NODE_GET_CLASS (node);

  if (klass->resolve == NULL || klass->resolve (node, self->ctx, element, error))
    return TRUE;
  if (error != NULL && *error == NULL)
    return pl_xml_error (self->ctx, error, element, NULL,
                         "node '%s' could not resolve its references", pl_node_get_id (node));
  return FALSE;
}

static gboolean
load_link (PlScenario          *self,
           xmlNode             *element,
           const PlLinkParams  *defaults,
           GHashTable          *pairs,
           GError             **error)
{
  PlXmlContext *ctx = self->ctx;
  PlNode *a, *b;
  PlLinkParams params;
  g_autofree char *key = NULL;
  gpointer first;

  if (!pl_xml_require_attr (ctx, element, "a", NULL, error) ||
      !pl_xml_require_attr (ctx, element, "b", NULL, error) ||
      !_pl_scenario_lookup_node (ctx, self->sim, element, "a", &a, error) ||
      !_pl_scenario_lookup_node (ctx, self->sim, element, "b", &b, error))
    return FALSE;
  if (a == b)
    return pl_xml_error (ctx, error, element, "b",
                         "a link joins two different nodes; both ends are '%s'",
                         pl_node_get_id (a));

  key = pl_node_get_index (a) < pl_node_get_index (b)
          ? g_strdup_printf ("%d %d", pl_node_get_index (a), pl_node_get_index (b))
          : g_strdup_printf ("%d %d", pl_node_get_index (b), pl_node_get_index (a));
  if (g_hash_table_lookup_extended (pairs, key, NULL, &first))
    return pl_xml_error (ctx, error, element, NULL,
                         "the link between '%s' and '%s' is already defined on line %d",
                         pl_node_get_id (a), pl_node_get_id (b), GPOINTER_TO_INT (first));

  if (!load_link_params (ctx, element, defaults, &params, error))
    return FALSE;
  pl_sim_add_link (self->sim, a, b, &params);
  g_hash_table_insert (pairs, g_steal_pointer (&key),
                       GINT_TO_POINTER (pl_xml_get_line (element)));
  return TRUE;
}

static gboolean
load_network (PlScenario  *self,
              xmlNode     *network,
              GError     **error)
{
  static const PlLinkParams builtin = {
    .latency = PL_MSEC (10),
    .jitter = 0,
    .loss = 0.0,
    .bandwidth = 0,
    .transport = PL_TRANSPORT_UDP,
  };
  g_autoptr(GHashTable) lines = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  PlLinkParams defaults;

  if (!load_link_params (self->ctx, network, &builtin, &defaults, error))
    return FALSE;
  pl_sim_set_default_link (self->sim, &defaults);

  /* Nodes first, so that a link may come before the nodes it joins. */
  pl_xml_foreach_element (network, child)
    if (is_element (child, "node") && !load_node (self, child, lines, error))
      return FALSE;
  pl_xml_foreach_element (network, child)
    if (is_element (child, "link") && !load_link (self, child, &defaults, pairs, error))
      return FALSE;
  /* Then references between nodes, now that every node exists. */
  pl_xml_foreach_element (network, child)
    if (is_element (child, "node") && !resolve_node (self, child, error))
      return FALSE;
  return TRUE;
}

/* The timeline ------------------------------------------------------- */

static gboolean
load_action (PlScenario  *self,
             xmlNode     *element,
             PlTime       t,
             GError     **error)
{
  PlXmlContext *ctx = self->ctx;
  g_autoptr(GError) local_error = NULL;
  PlNodeClass *klass;
  PlAction *action = NULL;
  PlNode *node;
  TimelineEntry entry;

  if (!pl_xml_require_attr (ctx, element, "node", NULL, error) ||
      !_pl_scenario_lookup_node (ctx, self->sim, element, "node", &node, error))
    return FALSE;

  klass = PL_NODE_GET_CLASS (node);
  if (klass->parse_action != NULL)
    action = klass->parse_action (node, ctx, element, &local_error);
  if (action == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return pl_xml_error (ctx, error, element, NULL,
                           "node kind '%s' has no action <%s> (node '%s')",
                           pl_node_get_kind (node), (const char *) element->name,
                           pl_node_get_id (node));
    }

  entry.t = t;
  entry.action = action;
  g_array_append_val (self->timeline, entry);
  return TRUE;
}

static gboolean
load_timeline (PlScenario  *self,
               xmlNode     *timeline,
               GError     **error)
{
  pl_xml_foreach_element (timeline, at)
    {
      PlTime t;

      if (!is_element (at, "at"))
        continue;
      if (!pl_xml_require_attr (self->ctx, at, "t", NULL, error) ||
          !pl_xml_attr_duration (self->ctx, at, "t", 0, &t, error))
        return FALSE;
      pl_xml_foreach_element (at, action)
        if (!load_action (self, action, t, error))
          return FALSE;
    }
  return TRUE;
}

/* Expectations ------------------------------------------------------- */

static gboolean
load_expect (PlScenario  *self,
             xmlNode     *expect,
             GError     **error)
{
  guint flows = 0;

  pl_xml_foreach_element (expect, child)
    {
      PlExpect *e;

      if (is_element (child, "flow"))
        flows++;
      e = _pl_expect_parse (self->ctx, self->sim, child, flows, error);
      if (e == NULL)
        return FALSE;
      g_ptr_array_add (self->expects, e);
    }
  return TRUE;
}

/* Public API --------------------------------------------------------- */

PlScenario *
pl_scenario_load (const char               *path,
                  const PlScenarioOptions  *options,
                  GError                  **error)
{
  g_autoptr(PlScenario) self = NULL;
  xmlNode *root, *child;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (PL_TYPE_SCENARIO, NULL);
  self->file = g_strdup (path);

  self->ctx = pl_xml_context_load (path, error);
  if (self->ctx == NULL || !pl_xml_context_validate (self->ctx, error))
    return NULL;

  root = xmlDocGetRootElement (pl_xml_context_get_doc (self->ctx));
  if (!load_header (self, root, options, error))
    return NULL;

  self->sim = pl_sim_new (self->seed);
  /* dialects[] is in PlDialect order. */
  for (int i = 0; dialects[i] != NULL; i++)
    if (g_str_equal (dialects[i], self->dialect))
      pl_sim_set_dialect (self->sim, (PlDialect) i);

  child = find_child (root, "network");
  if (child == NULL)
    {
      pl_xml_error (self->ctx, error, root, NULL, "<scenario> needs a <network>");
      return NULL;
    }
  if (!load_network (self, child, error))
    return NULL;
  if ((child = find_child (root, "timeline")) != NULL && !load_timeline (self, child, error))
    return NULL;
  if ((child = find_child (root, "alter")) != NULL &&
      !_pl_scenario_load_alter (self->ctx, self->sim, child, error))
    return NULL;
  if ((child = find_child (root, "expect")) != NULL && !load_expect (self, child, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
pl_scenario_get_file (PlScenario *self)
{
  g_return_val_if_fail (PL_IS_SCENARIO (self), NULL);
  return self->file;
}

const char *
pl_scenario_get_name (PlScenario *self)
{
  g_return_val_if_fail (PL_IS_SCENARIO (self), NULL);
  return self->name;
}

const char *
pl_scenario_get_description (PlScenario *self)
{
  g_return_val_if_fail (PL_IS_SCENARIO (self), NULL);
  return self->description;
}

const char *
pl_scenario_get_dialect (PlScenario *self)
{
  g_return_val_if_fail (PL_IS_SCENARIO (self), NULL);
  return self->dialect;
}

guint64
pl_scenario_get_seed (PlScenario *self)
{
  g_return_val_if_fail (PL_IS_SCENARIO (self), 0);
  return self->seed;
}

PlSim *
pl_scenario_get_sim (PlScenario *self)
{
  g_return_val_if_fail (PL_IS_SCENARIO (self), NULL);
  return self->sim;
}

void
pl_scenario_start (PlScenario *self)
{
  PlScheduler *scheduler;
  PlTime now;

  g_return_if_fail (PL_IS_SCENARIO (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  scheduler = pl_sim_get_scheduler (self->sim);
  now = pl_sim_now (self->sim);

  pl_sim_start (self->sim);

  /* Same time, same order as the document: the scheduler keeps the order
   * of pl_scheduler_add() calls among events of one time. */
  for (guint i = 0; i < self->timeline->len; i++)
    {
      TimelineEntry *entry = &g_array_index (self->timeline, TimelineEntry, i);

      pl_scheduler_add (scheduler, now + entry->t, on_run_action,
                        g_steal_pointer (&entry->action), (GDestroyNotify) pl_action_free);
    }
  g_array_set_size (self->timeline, 0);

  /* A chosen end runs everything up to it; without one, the run stops
   * when nothing but background timers is left, and never goes past an
   * hour. */
  if (self->end >= 0)
    pl_scheduler_set_end (scheduler, now + self->end);
  else
    pl_scheduler_set_limit (scheduler, now + DEFAULT_END);
}

PlReport *
pl_scenario_check (PlScenario *self)
{
  PlReport *report;

  g_return_val_if_fail (PL_IS_SCENARIO (self), NULL);

  report = pl_report_new (self->name, self->file);
  for (guint i = 0; i < self->expects->len; i++)
    _pl_expect_check (g_ptr_array_index (self->expects, i), self->sim, report);
  report->n_messages = (guint) pl_sim_get_n_transmissions (self->sim);
  report->duration = pl_sim_now (self->sim);
  return report;
}

static void
on_step_matched (const PlTraceEvent *event,
                 const char         *label,
                 const char         *note,
                 gpointer            user_data)
{
  PlScenario *self = user_data;
  StepRef *ref = g_new (StepRef, 1);
  gpointer hop = GUINT_TO_POINTER ((guint) event->hop);

  ref->label = label;
  ref->note = note;
  g_hash_table_replace (self->step_by_event, GUINT_TO_POINTER ((guint) event->index + 1), ref);
  if (event->hop != 0 && !g_hash_table_contains (self->step_by_hop, hop))
    g_hash_table_insert (self->step_by_hop, hop, ref);
}

gboolean
pl_scenario_get_step_for_event (PlScenario  *self,
                                guint        event_index,
                                const char **label,
                                const char **note)
{
  PlTrace *trace;
  const StepRef *ref;

  g_return_val_if_fail (PL_IS_SCENARIO (self), FALSE);

  if (label)
    *label = NULL;
  if (note)
    *note = NULL;
  trace = pl_sim_get_trace (self->sim);
  if (event_index >= pl_trace_get_n_events (trace))
    return FALSE;
  for (guint i = 0; i < self->expects->len; i++)
    _pl_expect_match_steps (g_ptr_array_index (self->expects, i), self->sim, on_step_matched, self);

  ref = g_hash_table_lookup (self->step_by_event, GUINT_TO_POINTER (event_index + 1));
  if (ref == NULL)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, event_index);

      /* The send of a transmission whose delivery is the step. */
      if (pl_trace_event_is_message (ev) && ev->hop != 0)
        ref = g_hash_table_lookup (self->step_by_hop, GUINT_TO_POINTER ((guint) ev->hop));
    }
  if (ref == NULL)
    return FALSE;
  if (label)
    *label = ref->label;
  if (note)
    *note = ref->note;
  return TRUE;
}

PlReport *
pl_scenario_run_file (const char               *path,
                      const PlScenarioOptions  *options,
                      PlScenario              **out_scenario,
                      GError                  **error)
{
  g_autoptr(PlScenario) self = NULL;
  g_autoptr(GError) local_error = NULL;
  PlReport *report;
  gint64 started;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_scenario)
    *out_scenario = NULL;

  started = g_get_monotonic_time ();
  self = pl_scenario_load (path, options, &local_error);
  if (self == NULL)
    {
      g_autofree char *name = NULL;

      /* Name the report after the scenario when its header is readable. */
      if (!pl_scenario_peek (path, &name, NULL, NULL))
        name = g_path_get_basename (path);
      report = pl_report_new (name, path);
      report->verdict = PL_VERDICT_ERROR;
      report->error = g_strdup (local_error->message);
      report->wall_seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return report;
    }

  pl_scenario_start (self);
  pl_scheduler_run (pl_sim_get_scheduler (self->sim));
  report = pl_scenario_check (self);
  report->wall_seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  if (out_scenario)
    *out_scenario = g_steal_pointer (&self);
  return report;
}

gboolean
pl_scenario_peek (const char  *path,
                  char       **name,
                  char       **description,
                  GError     **error)
{
  PlXmlContext *ctx;
  xmlNode *root, *child;
  const char *value;

  g_return_val_if_fail (path != NULL, FALSE);

  if (name)
    *name = NULL;
  if (description)
    *description = NULL;

  ctx = pl_xml_context_load (path, error);
  if (ctx == NULL)
    return FALSE;

  root = xmlDocGetRootElement (pl_xml_context_get_doc (ctx));
  if (!xmlStrEqual (root->name, BAD_CAST "scenario"))
    {
      pl_xml_error (ctx, error, root, NULL,
                    "the root element must be <scenario>, not <%s>", (const char *) root->name);
      pl_xml_context_free (ctx);
      return FALSE;
    }
  if (!pl_xml_require_attr (ctx, root, "name", &value, error))
    {
      pl_xml_context_free (ctx);
      return FALSE;
    }

  if (name)
    *name = g_strdup (value);
  if (description && (child = find_child (root, "description")) != NULL)
    *description = pl_xml_text (child);
  pl_xml_context_free (ctx);
  return TRUE;
}
