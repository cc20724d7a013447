/* pl-node.c: base class of every simulated network element.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-node"

#include <sofia-sip/url.h>

#include "pl-address.h"
#include "pl-node-private.h"
#include "pl-transaction.h"
#include "pl-wire.h"

typedef struct {
  char *id;
  char *kind;
  char *host;
  char *hostname;
  guint16 port;
  gboolean has_port;

  PlSim *sim;      /* the sim owns its nodes */
  int index;
  PlStack *stack;

  guint64 n_branches;
  guint64 n_tags;
  guint64 n_call_ids;
} PlNodePrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_HOST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (PlNode, pl_node, G_TYPE_OBJECT)

typedef struct {
  GType type;
  char *description;
} PlKind;

static GHashTable *kinds; /* name -> PlKind */

static void
parse_host (PlNodePrivate *priv)
{
  g_autofree char *text = g_strconcat ("sip:", priv->host, NULL);
  url_t url[1];

  if (url_d (url, text) < 0 || url->url_host == NULL)
    {
      priv->hostname = g_strdup (priv->host);
      priv->port = 5060;
      return;
    }
  priv->hostname = g_ascii_strdown (url->url_host, -1);
  priv->has_port = url->url_port != NULL;
  priv->port = url->url_port ? (guint16) g_ascii_strtoull (url->url_port, NULL, 10) : 5060;
}

static void
pl_node_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PlNodePrivate *priv = pl_node_get_instance_private (PL_NODE (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_KIND:
      g_value_set_string (value, priv->kind);
      break;
    case PROP_HOST:
      g_value_set_string (value, priv->host);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_node_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  PlNodePrivate *priv = pl_node_get_instance_private (PL_NODE (object));

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_dup_string (value);
      break;
    case PROP_KIND:
      priv->kind = g_value_dup_string (value);
      break;
    case PROP_HOST:
      priv->host = g_value_dup_string (value);
      if (priv->host)
        parse_host (priv);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_node_finalize (GObject *object)
{
  PlNodePrivate *priv = pl_node_get_instance_private (PL_NODE (object));

  g_clear_pointer (&priv->stack, _pl_stack_free);
  g_free (priv->id);
  g_free (priv->kind);
  g_free (priv->host);
  g_free (priv->hostname);

  G_OBJECT_CLASS (pl_node_parent_class)->finalize (object);
}

static void
pl_node_real_request (PlNode      *self,
                      PlServerTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip);

static void
pl_node_class_init (PlNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pl_node_get_property;
  object_class->set_property = pl_node_set_property;
  object_class->finalize = pl_node_finalize;

  klass->request = pl_node_real_request;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_node_init (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  priv->index = -1;
  priv->port = 5060;
}

void
_pl_node_attach (PlNode *self,
                 PlSim  *sim,
                 int     index)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_if_fail (priv->sim == NULL);
  priv->sim = sim;
  priv->index = index;
  priv->stack = _pl_stack_new (self);
}

void
_pl_node_detach (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  /* The stack still looks the sim up while it frees its transactions. */
  g_clear_pointer (&priv->stack, _pl_stack_free);
  priv->sim = NULL;
}

PlStack *
_pl_node_get_stack (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  return priv->stack;
}

const char *
pl_node_get_id (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), NULL);
  return priv->id;
}

const char *
pl_node_get_kind (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), NULL);
  return priv->kind;
}

const char *
pl_node_get_host (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), NULL);
  return priv->host;
}

const char *
pl_node_get_hostname (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), NULL);
  return priv->hostname;
}

guint16
pl_node_get_port (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), 0);
  return priv->port;
}

gboolean
pl_node_has_port (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), FALSE);
  return priv->has_port;
}

int
pl_node_get_index (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), -1);
  return priv->index;
}

PlSim *
pl_node_get_sim (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  g_return_val_if_fail (PL_IS_NODE (self), NULL);
  return priv->sim;
}

PlDialect
pl_node_get_dialect (PlNode *self)
{
  PlSim *sim = pl_node_get_sim (self);

  return sim ? pl_sim_get_dialect (sim) : PL_DIALECT_PLAIN;
}

PlTime
pl_node_now (PlNode *self)
{
  return pl_sim_now (pl_node_get_sim (self));
}

void
pl_node_describe (PlNode  *self,
                  PlState *state)
{
  PlNodePrivate *priv;
  PlAddress address;
  g_autofree char *text = NULL;

  g_return_if_fail (PL_IS_NODE (self));
  g_return_if_fail (state != NULL);

  priv = pl_node_get_instance_private (self);
  pl_state_set_time (state, priv->sim ? pl_sim_now (priv->sim) : 0);
  pl_state_begin_section (state, "node");
  pl_state_add_row (state, NULL, "id", priv->id);
  pl_state_add_row (state, NULL, "kind", priv->kind);
  pl_state_add_row (state, NULL, "host", priv->host);
  /* The address its packets carry in captures (pl-export-pcapng.c). */
  if (priv->index >= 0)
    {
      pl_address_for_node (priv->index, priv->host, &address);
      text = pl_address_to_string (&address, TRUE);
      pl_state_add_row (state, NULL, "address", text);
    }
  if (PL_NODE_GET_CLASS (self)->describe)
    PL_NODE_GET_CLASS (self)->describe (self, state);
  if (priv->stack)
    _pl_stack_describe (priv->stack, state);
}

gboolean
pl_node_owns_url (PlNode      *self,
                  const url_t *url)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);
  guint16 port;

  if (url == NULL || url->url_host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (url->url_host, priv->hostname) != 0)
    return FALSE;
  port = url->url_port ? (guint16) g_ascii_strtoull (url->url_port, NULL, 10) : 5060;
  return port == priv->port;
}

char *
pl_node_new_branch (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  /* RFC 3261 §8.1.1.7: the magic cookie, then unique per node. */
  return g_strdup_printf ("z9hG4bK%s.%" G_GUINT64_FORMAT, priv->id, ++priv->n_branches);
}

char *
pl_node_new_tag (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  return g_strdup_printf ("%s-%" G_GUINT64_FORMAT, priv->id, ++priv->n_tags);
}

char *
pl_node_new_call_id (PlNode *self)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  return g_strdup_printf ("%s-%" G_GUINT64_FORMAT "@%s", priv->id, ++priv->n_call_ids,
                          priv->hostname);
}

guint64
pl_node_transmit_msg (PlNode      *self,
                      PlNode      *to,
                      PlEventKind  kind,
                      msg_t       *msg)
{
  g_autoptr (GBytes) wire = pl_wire_serialize (msg);
  g_autofree char *label = pl_wire_label (sip_object (msg));

  return pl_sim_transmit (pl_node_get_sim (self), self, to, kind, "sip", wire, label);
}

PlTraceEvent *
pl_node_begin_event (PlNode      *self,
                     PlEventKind  kind,
                     const char  *name)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  return pl_trace_begin_node (pl_sim_get_trace (priv->sim), pl_sim_now (priv->sim),
                              kind, name, priv->index);
}

void
pl_node_commit_event (PlNode       *self,
                      PlTraceEvent *event)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  pl_trace_commit (pl_sim_get_trace (priv->sim), event);
}

void
pl_node_app_event (PlNode     *self,
                   const char *name,
                   const char *format,
                   ...)
{
  PlTraceEvent *event = pl_node_begin_event (self, PL_EVENT_APP, name);

  if (format)
    {
      g_autofree char *detail = NULL;
      va_list args;

      va_start (args, format);
      detail = g_strdup_vprintf (format, args);
      va_end (args);
      pl_trace_event_add_string (event, "detail", detail);
    }
  pl_node_commit_event (self, event);
}

PlTimer *
pl_node_add_timer (PlNode         *self,
                   PlTime          delay,
                   PlTimerFunc     func,
                   gpointer        user_data,
                   GDestroyNotify  destroy)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  return pl_scheduler_add_after (pl_sim_get_scheduler (priv->sim), delay, func, user_data,
                                 destroy);
}

PlTimer *
pl_node_add_background_timer (PlNode         *self,
                              PlTime          delay,
                              PlTimerFunc     func,
                              gpointer        user_data,
                              GDestroyNotify  destroy)
{
  PlTimer *timer = pl_node_add_timer (self, delay, func, user_data, destroy);

  pl_scheduler_set_background (pl_sim_get_scheduler (pl_node_get_sim (self)), timer);
  return timer;
}

void
pl_node_cancel_timer (PlNode   *self,
                      PlTimer **timer)
{
  PlNodePrivate *priv = pl_node_get_instance_private (self);

  PlScheduler *scheduler;

  if (*timer == NULL)
    return;
  /* While the sim is disposed its scheduler has already freed every timer. */
  scheduler = priv->sim ? pl_sim_get_scheduler (priv->sim) : NULL;
  if (scheduler)
    pl_scheduler_cancel (scheduler, *timer);
  *timer = NULL;
}

/* The default for a node kind that does not handle requests: RFC 3261
 * §8.2.1, 405 with an empty Allow. */
static void
pl_node_real_request (PlNode      *self,
                      PlServerTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip)
{
  if (txn)
    pl_server_txn_reply (txn, 405, NULL);
}

static void
kind_free (gpointer data)
{
  PlKind *kind = data;

  g_free (kind->description);
  g_free (kind);
}

void
pl_node_kind_register (const char *kind,
                       GType       type,
                       const char *description)
{
  PlKind *k;

  g_return_if_fail (kind != NULL);
  g_return_if_fail (g_type_is_a (type, PL_TYPE_NODE));

  if (kinds == NULL)
    kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, kind_free);
  k = g_new0 (PlKind, 1);
  k->type = type;
  k->description = g_strdup (description);
  g_hash_table_replace (kinds, g_strdup (kind), k);
}

GType
pl_node_kind_lookup (const char *kind)
{
  PlKind *k = kinds && kind ? g_hash_table_lookup (kinds, kind) : NULL;

  return k ? k->type : G_TYPE_INVALID;
}

const char *
pl_node_kind_describe (const char *kind)
{
  PlKind *k = kinds && kind ? g_hash_table_lookup (kinds, kind) : NULL;

  return k ? k->description : NULL;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

char **
pl_node_kind_list (void)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  if (kinds)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, kinds);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, g_strdup (key));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_steal (names, NULL);
}
