/* pl-pcscf.c: the P-CSCF, first hop of a Push Receiver agent on a UE
 * (3GPP TS 24.229 §5.2; 000_… §9.2 trust model).
 *
 * Requests from the UE side are "originating": a P-Asserted-Identity the
 * UE wrote is removed (the UE is outside the trust domain, RFC 3325 §5),
 * its P-Preferred-Identity becomes a P-Asserted-Identity when it names an
 * identity the UE registered through us (TS 24.229 §5.2.6.3.1), and a
 * REGISTER gets our Path (RFC 3327) so that the S-CSCF reaches the UE
 * through us. Requests coming back through that Path URI (user part
 * "term") are "terminating" and go to the UE's contact.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scenario form:
 *   <node id="pcscf" kind="p-cscf" host="pcscf1.visited1.net:7531"
 *         core="sip:scscf1.home1.net" record-route="true"/>
 */
#define G_LOG_DOMAIN "pl-pcscf"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>

#include "pl-cscf.h"
#include "pl-fork.h"
#include "pl-registrar.h"
#include "pl-wire.h"
#include "pl-xml.h"

typedef struct {
  char *aor;                 /* canonical */
  char *display;             /* the From display name of the REGISTER, or NULL */
  PlTime expires_at;
} Identity;

struct _PlPcscf {
  PlNode parent_instance;

  char *core;                /* where originating requests go, a URI */
  gboolean record_route;
  GHashTable *identities;    /* UE node id -> GPtrArray of Identity* */
};

G_DEFINE_FINAL_TYPE (PlPcscf, pl_pcscf, PL_TYPE_NODE)

typedef struct {
  PlPcscf *self;
  char *peer;                /* node id of the UE, for REGISTER */
  char *aor;
  char *display;
} Pending;

static void
identity_free (gpointer data)
{
  Identity *identity = data;

  g_free (identity->aor);
  g_free (identity->display);
  g_free (identity);
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  if (pending == NULL)
    return;
  g_free (pending->peer);
  g_free (pending->aor);
  g_free (pending->display);
  g_free (pending);
}

static GPtrArray *
identities_of (PlPcscf    *self,
               const char *peer,
               gboolean    create)
{
  GPtrArray *list = g_hash_table_lookup (self->identities, peer);

  if (list == NULL && create)
    {
      list = g_ptr_array_new_with_free_func (identity_free);
      g_hash_table_insert (self->identities, g_strdup (peer), list);
    }
  return list;
}

/* The identity @peer registered that matches @aor (or its first, the
 * default public identity, when @aor is NULL), still valid now. */
static Identity *
find_identity (PlPcscf    *self,
               const char *peer,
               const char *aor)
{
  GPtrArray *list = identities_of (self, peer, FALSE);
  PlTime now = pl_node_now (PL_NODE (self));

  for (guint i = 0; list && i < list->len; i++)
    {
      Identity *identity = g_ptr_array_index (list, i);

      if (identity->expires_at <= now)
        continue;
      if (aor == NULL || g_str_equal (identity->aor, aor))
        return identity;
    }
  return NULL;
}

/* What the 200 to a REGISTER says (TS 24.229 §5.2.2.1: the P-CSCF
 * keeps the registered identities of each UE). */
static void
on_register_response (PlFork *fork,
                      msg_t  *response,
                      sip_t  *sip,
                      gpointer user_data)
{
  Pending *pending = user_data;
  PlPcscf *self = pending->self;
  GPtrArray *list;
  PlTime expires = 0;
  Identity *identity;
  PlTraceEvent *ev;

  if (sip->sip_status->st_status >= 300 || pending->aor == NULL)
    return;

  for (sip_contact_t *m = sip->sip_contact; m; m = m->m_next)
    {
      const char *e = m->m_expires;

      if (e == NULL && sip->sip_expires)
        expires = MAX (expires, (PlTime) sip->sip_expires->ex_delta);
      else if (e)
        expires = MAX (expires, (PlTime) g_ascii_strtoll (e, NULL, 10));
    }

  list = identities_of (self, pending->peer, TRUE);
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((Identity *) g_ptr_array_index (list, i))->aor, pending->aor))
      g_ptr_array_remove_index (list, i--);

  ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "identity");
  pl_trace_event_add_string (ev, "ue", pending->peer);
  pl_trace_event_add_string (ev, "aor", pending->aor);
  pl_trace_event_add_string (ev, "state", expires > 0 ? "registered" : "deregistered");
  pl_node_commit_event (PL_NODE (self), ev);

  if (expires == 0)
    return;
  identity = g_new0 (Identity, 1);
  identity->aor = g_strdup (pending->aor);
  identity->display = g_strdup (pending->display);
  identity->expires_at = pl_node_now (PL_NODE (self)) + PL_SEC (expires);
  g_ptr_array_add (list, identity);
}

static void
record_trust (PlPcscf    *self,
              const char *what,
              const char *value)
{
  PlTraceEvent *ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "trust");

  pl_trace_event_add_string (ev, "action", what);
  pl_trace_event_add_string (ev, "identity", value ? value : "");
  pl_node_commit_event (PL_NODE (self), ev);
}

static gboolean
is_dialog_creating (sip_t *sip)
{
  sip_method_t m = sip->sip_request->rq_method;

  return m == sip_method_invite || m == sip_method_subscribe || m == sip_method_refer;
}

static void
add_record_route (PlPcscf *self,
                  msg_t   *msg)
{
  g_autofree char *rr = g_strdup_printf ("<sip:%s;lr>", pl_node_get_host (PL_NODE (self)));

  pl_proxy_record_route (msg, rr);
}

/* TS 24.229 §5.2.6.3.1, RFC 3325 §5: the asserted identity of a request
 * from the UE. FALSE when the UE has none (it is not registered). */
static gboolean
assert_identity (PlPcscf    *self,
                 const char *peer,
                 msg_t      *copy)
{
  g_autofree char *preferred = pl_wire_header_value (copy, "P-Preferred-Identity");
  g_autofree char *claimed = pl_wire_header_value (copy, "P-Asserted-Identity");
  Identity *identity = NULL;
  g_autofree char *value = NULL;

  if (claimed)
    {
      /* The UE is outside the trust domain: what it asserts is not
       * passed on (§9.2 of the 2006 draft, RFC 3325 §5). */
      pl_wire_remove_header (copy, "P-Asserted-Identity");
      record_trust (self, "removed-untrusted-pai", claimed);
    }

  if (preferred)
    {
      sip_from_t *parsed = sip_from_make (msg_home (copy), preferred);

      if (parsed)
        {
          g_autofree char *aor = pl_registrar_aor (parsed->a_url);

          identity = find_identity (self, peer, aor);
        }
      pl_wire_remove_header (copy, "P-Preferred-Identity");
    }
  /* No (valid) preference: the default public identity. */
  if (identity == NULL)
    identity = find_identity (self, peer, NULL);
  if (identity == NULL)
    return FALSE;

  value = identity->display
            ? g_strdup_printf ("%s <%s>", identity->display, identity->aor)
            : g_strdup_printf ("<%s>", identity->aor);
  pl_wire_add_header (copy, "P-Asserted-Identity", value);
  record_trust (self, preferred ? "asserted-preferred" : "asserted-default", identity->aor);
  return TRUE;
}

static void
pl_pcscf_request (PlNode      *node,
                  PlServerTxn *txn,
                  msg_t       *msg,
                  sip_t       *sip)
{
  PlPcscf *self = PL_PCSCF (node);
  gboolean terminating;
  g_autoptr (msg_t) copy = NULL;
  sip_t *csip;
  PlFork *fork;
  Pending *pending = NULL;
  PlNode *peer = txn ? pl_server_txn_get_peer (txn) : NULL;

  if (pl_proxy_screen_request (node, txn, sip))
    return;

  /* Towards the UE: through the Path we gave the S-CSCF ("term"), or
   * from the core along a dialog's route set (a NOTIFY of the UE's
   * subscription, A.3 step 6). */
  terminating = (sip->sip_route && pl_node_owns_url (node, sip->sip_route->r_url)
                 && g_strcmp0 (sip->sip_route->r_url->url_user, "term") == 0)
                || (peer && g_str_equal (pl_node_get_kind (peer), "s-cscf"));

  copy = pl_fork_prepare (node, msg);
  csip = sip_object (copy);

  if (txn == NULL)
    {
      /* An ACK for a 2xx follows its Route (§16.11). */
      pl_node_send_stateless (node, copy, TRUE);
      return;
    }

  if (!terminating)
    {
      if (csip->sip_request->rq_method == sip_method_register)
        {
          g_autofree char *path = g_strdup_printf ("<sip:term@%s;lr>", pl_node_get_host (node));

          /* RFC 3327 §5.1 */
          pl_wire_add_header (copy, "Path", path);
          pl_wire_remove_header (copy, "P-Asserted-Identity");
          pending = g_new0 (Pending, 1);
          pending->self = self;
          pending->peer = g_strdup (peer ? pl_node_get_id (peer) : "");
          if (csip->sip_to)
            {
              pending->aor = pl_registrar_aor (csip->sip_to->a_url);
              pending->display = g_strdup (csip->sip_to->a_display);
            }
        }
      else if (!assert_identity (self, peer ? pl_node_get_id (peer) : "", copy))
        {
          /* TS 24.229 §5.2.6.3.1: requests of an unregistered UE are
           * not served. */
          pl_server_txn_reply (txn, 403, "Forbidden (not registered)");
          return;
        }

      /* First hop into the core, unless the UE preloaded more of the
       * route (a Service-Route). */
      if (csip->sip_route == NULL && self->core)
        {
          g_autofree char *route = g_strdup_printf ("<%s;lr>", self->core);

          msg_header_insert (copy, (msg_pub_t *) csip,
                             (msg_header_t *) sip_route_make (msg_home (copy), route));
        }
    }

  if (self->record_route && is_dialog_creating (csip))
    add_record_route (self, copy);

  fork = pl_fork_new (node, txn, NULL, pending ? on_register_response : NULL,
                      pending, pending_free);
  /* A 503 of the core is passed on to the UE as is: it is the core's,
   * and the UE may retry elsewhere (TS 24.229 §5.2). */
  pl_fork_set_convert_503 (fork, FALSE);
  pl_fork_branch (fork, g_steal_pointer (&copy));
  pl_fork_unref (fork);
}

static gboolean
pl_pcscf_configure (PlNode        *node,
                    PlXmlContext  *ctx,
                    xmlNode       *element,
                    GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "core", "record-route", NULL };
  PlPcscf *self = PL_PCSCF (node);
  const char *core = pl_xml_attr (element, "core");

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_attr_bool (ctx, element, "record-route", TRUE, &self->record_route, error))
    return FALSE;
  if (core)
    {
      g_autofree char *copy = g_strdup (core);
      url_t url[1];

      if (url_d (url, copy) < 0 || url->url_host == NULL
          || (url->url_type != url_sip && url->url_type != url_sips))
        return pl_xml_error (ctx, error, element, "core",
                             "attribute 'core' of a p-cscf: expected a SIP URI of the "
                             "S-CSCF (or I-CSCF), such as sip:scscf1.home1.net, got '%s'", core);
      self->core = g_strdup (core);
    }
  pl_xml_foreach_element (element, child)
    return pl_xml_error (ctx, error, child, NULL,
                         "<%s> is not part of a 'p-cscf' node: it takes attributes only",
                         (const char *) child->name);
  return TRUE;
}

void
pl_pcscf_set_core (PlPcscf    *self,
                   const char *core)
{
  g_return_if_fail (PL_IS_PCSCF (self));
  g_free (self->core);
  self->core = g_strdup (core);
}

static void
pl_pcscf_finalize (GObject *object)
{
  PlPcscf *self = PL_PCSCF (object);

  g_free (self->core);
  g_clear_pointer (&self->identities, g_hash_table_unref);

  G_OBJECT_CLASS (pl_pcscf_parent_class)->finalize (object);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The identities it asserts for each UE (TS 24.229 §5.2.2: from the
 * registration it saw pass), UEs sorted by node id. */
static void
pl_pcscf_describe (PlNode  *node,
                   PlState *state)
{
  PlPcscf *self = PL_PCSCF (node);
  g_autoptr (GPtrArray) peers = g_ptr_array_new ();
  PlTime now = pl_node_now (node);
  GHashTableIter iter;
  gpointer key;

  pl_state_add_row (state, NULL, "core", self->core ? self->core : "(none)");
  pl_state_begin_section (state, "registered UEs");
  g_hash_table_iter_init (&iter, self->identities);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (peers, key);
  g_ptr_array_sort (peers, compare_ids);
  for (guint i = 0; i < peers->len; i++)
    {
      GPtrArray *ids = g_hash_table_lookup (self->identities, g_ptr_array_index (peers, i));

      for (guint j = 0; j < ids->len; j++)
        {
          Identity *identity = g_ptr_array_index (ids, j);
          g_autofree char *left = pl_state_format_remaining (now, identity->expires_at);
          PlStateRow *row = pl_state_add_row (state, NULL, g_ptr_array_index (peers, i),
                                              identity->aor);

          if (identity->display)
            pl_state_add_row (state, row, "display name", identity->display);
          pl_state_add_row (state, row, "expires in", left);
        }
    }
}

static void
pl_pcscf_class_init (PlPcscfClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_pcscf_finalize;
  node_class->configure = pl_pcscf_configure;
  node_class->request = pl_pcscf_request;
  node_class->stray_response = pl_proxy_forward_stray;
  node_class->describe = pl_pcscf_describe;
}

static void
pl_pcscf_init (PlPcscf *self)
{
  self->record_route = TRUE;
  self->identities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
}
