/* pl-proxy.c: a stateful forwarding proxy, RFC 3261 §16.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-proxy"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>

#include "pl-fork.h"
#include "pl-proxy.h"
#include "pl-transaction.h"
#include "pl-wire.h"
#include "pl-xml.h"

struct _PlProxy {
  PlNode parent_instance;

  gboolean record_route;
  char *domain;
  GHashTable *contacts;   /* "user@host" -> contact URI */
};

G_DEFINE_FINAL_TYPE (PlProxy, pl_proxy, PL_TYPE_NODE)

static char *
aor_key (const url_t *url)
{
  return g_strdup_printf ("%s@%s", url->url_user ? url->url_user : "",
                          url->url_host ? url->url_host : "");
}

void
pl_proxy_set_record_route (PlProxy  *self,
                           gboolean  record_route)
{
  self->record_route = record_route;
}

void
pl_proxy_add_contact (PlProxy    *self,
                      const char *aor,
                      const char *contact)
{
  g_autofree char *copy = g_strdup (aor);
  url_t url[1];

  if (url_d (url, copy) < 0)
    return;
  g_hash_table_replace (self->contacts, aor_key (url), g_strdup (contact));
}

/* Removes the top Via of a response: ours (§16.7 step 3). */
static void
pop_via (msg_t *msg)
{
  sip_t *sip = sip_object (msg);

  if (sip->sip_via)
    msg_header_remove (msg, (msg_pub_t *) sip, (msg_header_t *) sip->sip_via);
}

static void
on_response (PlClientTxn *client,
             msg_t       *msg,
             sip_t       *sip,
             gpointer     user_data)
{
  PlServerTxn *server = user_data;
  msg_t *copy;

  /* §16.7 step 5: a 100 is not forwarded. */
  if (sip->sip_status->st_status == 100 || server == NULL)
    return;
  if (pl_server_txn_get_status (server) >= 200)
    return;
  copy = msg_dup (msg);
  pop_via (copy);
  pl_server_txn_respond (server, copy);
  if (sip->sip_status->st_status >= 200)
    pl_server_txn_set_data (server, NULL, NULL);
}

static gboolean
is_local_domain (PlProxy     *self,
                 const url_t *url)
{
  return url->url_host
         && ((self->domain && g_ascii_strcasecmp (url->url_host, self->domain) == 0)
             || pl_node_owns_url (PL_NODE (self), url));
}

static void
forward (PlProxy     *self,
         PlServerTxn *txn,
         msg_t       *msg,
         sip_t       *sip)
{
  PlNode *node = PL_NODE (self);
  msg_t *copy = msg_dup (msg);
  sip_t *csip = sip_object (copy);
  PlClientTxn *client;

  /* §16.4: our own Route entry goes. */
  if (csip->sip_route && pl_node_owns_url (node, csip->sip_route->r_url))
    sip_route_remove (copy, csip);

  /* §16.5: a request for our domain is retargeted to the contact. */
  if (csip->sip_route == NULL && is_local_domain (self, csip->sip_request->rq_url))
    {
      g_autofree char *key = aor_key (csip->sip_request->rq_url);
      const char *contact = g_hash_table_lookup (self->contacts, key);

      if (contact == NULL)
        {
          msg_destroy (copy);
          if (txn)
            pl_server_txn_reply (txn, 404, NULL);
          return;
        }
      csip->sip_request->rq_url[0] = *url_hdup (msg_home (copy), URL_STRING_MAKE (contact)->us_url);
      pl_sip_header_changed (csip->sip_request);
    }

  /* §16.6 step 3 */
  if (csip->sip_max_forwards)
    {
      csip->sip_max_forwards->mf_count--;
      pl_sip_header_changed (csip->sip_max_forwards);
    }

  /* §16.6 step 4 */
  if (self->record_route && csip->sip_request->rq_method != sip_method_ack)
    {
      g_autofree char *rr = g_strdup_printf ("<sip:%s;lr>", pl_node_get_host (node));
      pl_proxy_record_route (copy, rr);
    }

  if (txn == NULL)
    {
      /* An ACK for a 2xx: forwarded on its own (§16.11). */
      pl_node_send_stateless (node, copy, TRUE);
      msg_destroy (copy);
      return;
    }

  client = pl_client_txn_send (node, copy, on_response, txn);
  pl_server_txn_set_data (txn, client, NULL);
}

static void
pl_proxy_request (PlNode      *node,
                  PlServerTxn *txn,
                  msg_t       *msg,
                  sip_t       *sip)
{
  PlProxy *self = PL_PROXY (node);

  /* §16.3 step 3 */
  if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0)
    {
      if (txn)
        pl_server_txn_reply (txn, 483, NULL);
      return;
    }

  if (txn && sip->sip_request->rq_method == sip_method_cancel)
    {
      PlServerTxn *invite = pl_server_txn_find_invite (txn);
      PlClientTxn *client = invite ? pl_server_txn_get_data (invite) : NULL;

      /* §16.10: answer the CANCEL, cancel the branch. */
      pl_server_txn_reply (txn, invite ? 200 : 481, NULL);
      if (client)
        pl_client_txn_cancel (client);
      return;
    }

  forward (self, txn, msg, sip);
}

static gboolean
pl_proxy_configure (PlNode        *node,
                    PlXmlContext  *ctx,
                    xmlNode       *element,
                    GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "record-route", "domain", NULL };
  static const char *const contact_attrs[] = { "aor", "uri", NULL };
  PlProxy *self = PL_PROXY (node);

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_attr_bool (ctx, element, "record-route", FALSE, &self->record_route, error))
    return FALSE;
  self->domain = g_strdup (pl_xml_attr (element, "domain"));

  pl_xml_foreach_element (element, child)
    {
      const char *aor, *uri;

      if (!xmlStrEqual (child->name, (const xmlChar *) "contact"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of a 'proxy' node: expected <contact aor=... uri=...>",
                             (const char *) child->name);
      if (!pl_xml_check_attrs (ctx, child, contact_attrs, error)
          || !pl_xml_require_attr (ctx, child, "aor", &aor, error)
          || !pl_xml_require_attr (ctx, child, "uri", &uri, error))
        return FALSE;
      pl_proxy_add_contact (self, aor, uri);
    }
  return TRUE;
}

static void
pl_proxy_finalize (GObject *object)
{
  PlProxy *self = PL_PROXY (object);

  g_free (self->domain);
  g_clear_pointer (&self->contacts, g_hash_table_unref);

  G_OBJECT_CLASS (pl_proxy_parent_class)->finalize (object);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Its location table (RFC 3261 §16.5), users sorted. */
static void
pl_proxy_describe (PlNode  *node,
                   PlState *state)
{
  PlProxy *self = PL_PROXY (node);
  g_autoptr (GPtrArray) users = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  pl_state_add_row (state, NULL, "domain", self->domain ? self->domain : "(any)");
  pl_state_add_row (state, NULL, "record-route", self->record_route ? "yes" : "no");
  pl_state_begin_section (state, "locations");
  g_hash_table_iter_init (&iter, self->contacts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (users, key);
  g_ptr_array_sort (users, compare_keys);
  for (guint i = 0; i < users->len; i++)
    pl_state_add_row (state, NULL, g_ptr_array_index (users, i),
                      g_hash_table_lookup (self->contacts, g_ptr_array_index (users, i)));
}

static void
pl_proxy_class_init (PlProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_proxy_finalize;
  node_class->configure = pl_proxy_configure;
  node_class->request = pl_proxy_request;
  node_class->stray_response = pl_proxy_forward_stray;
  node_class->describe = pl_proxy_describe;
}

static void
pl_proxy_init (PlProxy *self)
{
  self->contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
