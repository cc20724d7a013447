/* pl-hss.c: the Home Subscriber Server (node kind "hss").
 *
 * It holds IMS subscriptions read from 3GPP TS 29.228 user profile XML
 * (IMSSubscription, §6.6 and Annex E) and answers the S-CSCF's Cx
 * questions, which PushLab makes function calls instead of Diameter
 * (TS 29.229): Server-Assignment (SAR) and Location-Info (LIR) find the
 * service profile of a public identity, Multimedia-Auth (MAR) its digest
 * password. Each answer is recorded as a "cx" event of the trace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-hss"

#include <string.h>

#include <sofia-sip/url.h>

#include "pl-hss.h"
#include "pl-transaction.h"
#include "pl-xml.h"

#define XSI_NAMESPACE "http://www.w3.org/2001/XMLSchema-instance"

struct _PlHss {
  PlNode parent_instance;

  GPtrArray *subscriptions;  /* PlSubscription* */
  GHashTable *index;         /* uri_key () -> Found*, every public identity */
};

G_DEFINE_FINAL_TYPE (PlHss, pl_hss, PL_TYPE_NODE)

/* ---- public identities ---- */

/* The URI of "Name <uri;params>", "<uri>" or "uri", copied. */
static char *
strip_name_addr (const char *text)
{
  const char *lt = strchr (text, '<');
  const char *gt = lt ? strchr (lt + 1, '>') : NULL;

  if (gt != NULL)
    return g_strndup (lt + 1, gt - lt - 1);
  return g_strstrip (g_strdup (text));
}

/* RFC 3966 §5.1.1: visual separators do not count. */
static char *
tel_digits (const char *number)
{
  GString *out = g_string_new (NULL);

  for (const char *p = number ? number : ""; *p; p++)
    if (strchr ("-.()", *p) == NULL)
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

/* RFC 3261 §19.1.4 minus parameters: same scheme, same user and password
 * (case-sensitive, escapes decoded), same host (any case), same port (an
 * absent port differs from an explicit 5060). URI parameters, headers and
 * display names are ignored: a public identity is the user@host. */
/* A key two URIs share exactly when RFC 3261 §19.1.4 calls them equal
 * without parameters: scheme, user, password, port compared as they are,
 * the host in any case; tel URIs by their digits. NULL for a URI that no
 * public identity can be. */
static char *
uri_key (const char *text)
{
  g_autofree char *copy = strip_name_addr (text);
  g_autofree char *host = NULL;
  url_t url[1];

  if (url_d (url, copy) < 0)
    return NULL;
  if (url->url_type == url_tel)
    {
      g_autofree char *digits = tel_digits (url->url_user);

      return g_strconcat ("tel:", digits, NULL);
    }
  if ((url->url_type != url_sip && url->url_type != url_sips) || url->url_host == NULL)
    return NULL;
  host = g_ascii_strdown (url->url_host, -1);
  /* \x01 separates the parts, \x02 marks an absent one. */
  return g_strdup_printf ("%s:%s\x01%s\x01%s\x01%s", url->url_type == url_sips ? "sips" : "sip",
                          url->url_user ? url->url_user : "\x02",
                          url->url_password ? url->url_password : "\x02", host,
                          url->url_port ? url->url_port : "\x02");
}

static gboolean
uri_equal (const char *a,
           const char *b)
{
  g_autofree char *ka = uri_key (a);
  g_autofree char *kb = uri_key (b);

  return ka && kb && g_str_equal (ka, kb);
}

static gboolean
is_public_identity (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  url_t url[1];

  if (url_d (url, copy) < 0)
    return FALSE;
  if (url->url_type == url_tel)
    return url->url_user != NULL && *url->url_user != '\0';
  return (url->url_type == url_sip || url->url_type == url_sips) && url->url_host != NULL
         && *url->url_host != '\0';
}

/* ---- IMSSubscription documents ---- */

static void
service_profile_free (gpointer data)
{
  PlServiceProfile *profile = data;

  g_clear_pointer (&profile->public_ids, g_ptr_array_unref);
  g_clear_pointer (&profile->barred, g_ptr_array_unref);
  g_clear_pointer (&profile->ifcs, g_ptr_array_unref);
  g_free (profile);
}

void
pl_subscription_free (PlSubscription *subscription)
{
  if (subscription == NULL)
    return;
  g_clear_pointer (&subscription->profiles, g_ptr_array_unref);
  g_free (subscription->private_id);
  g_free (subscription->password);
  g_free (subscription->file);
  g_free (subscription);
}

static gboolean
is_named (xmlNode    *node,
          const char *name)
{
  return xmlStrEqual (node->name, (const xmlChar *) name);
}

static gboolean
unknown_element (PlXmlContext  *ctx,
                 xmlNode       *element,
                 const char    *expected,
                 GError       **error)
{
  return pl_xml_error (ctx, error, element, NULL, "unknown element <%s> in <%s>: expected %s",
                       (const char *) element->name, (const char *) element->parent->name,
                       expected);
}

typedef struct {
  PlXmlContext *ctx;
  PlSubscription *subscription;
  GPtrArray *identity_nodes;  /* xmlNode* of every <Identity> read so far */
} Loader;

static gboolean
parse_public_identity (Loader            *loader,
                       xmlNode           *element,
                       PlServiceProfile  *profile,
                       GError           **error)
{
  PlXmlContext *ctx = loader->ctx;
  xmlNode *identity = NULL, *barring = NULL;
  g_autofree char *uri = NULL;
  gboolean barred = FALSE;

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "Identity"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &identity, error))
            return FALSE;
          uri = _pl_ifc_xml_leaf (ctx, child, error);
          if (uri == NULL)
            return FALSE;
          if (!is_public_identity (uri))
            return pl_xml_error (ctx, error, child, NULL,
                                 "<Identity>: expected a SIP or tel URI such as "
                                 "sip:john.doe@home1.net, got '%s'", uri);
        }
      else if (is_named (child, "BarringIndication"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &barring, error)
              || !_pl_ifc_xml_bool (ctx, child, "1: the identity is barred", &barred, error))
            return FALSE;
        }
      else if (is_named (child, "Extension"))
        /* IdentityType, wildcarded PSIs, DisplayName: PushLab's lookup
         * knows plain identities only, so it says so rather than ignore
         * what would change who matches. */
        return pl_xml_error (ctx, error, child, NULL,
                             "<Extension> of <PublicIdentity> (IdentityType, WildcardedPSI, "
                             "DisplayName) is not supported: expected <Identity> and "
                             "optionally <BarringIndication>");
      else
        return unknown_element (ctx, child, "<Identity> and optionally <BarringIndication>",
                                error);
    }
  if (identity == NULL)
    return _pl_ifc_xml_missing (ctx, element, "Identity",
                                "<Identity>sip:user@domain</Identity>", error);

  /* TS 29.228 §6.6: a public identity belongs to one service profile. */
  for (guint i = 0; i < loader->identity_nodes->len; i++)
    {
      xmlNode *other = g_ptr_array_index (loader->identity_nodes, i);
      g_autofree char *text = pl_xml_text (other);

      if (uri_equal (text, uri))
        return pl_xml_error (ctx, error, identity, NULL,
                             "public identity '%s' is already listed on line %d: expected "
                             "each identity once in a subscription",
                             uri, pl_xml_get_line (other));
    }
  g_ptr_array_add (loader->identity_nodes, identity);
  g_ptr_array_add (profile->public_ids, g_steal_pointer (&uri));
  g_ptr_array_add (profile->barred, GINT_TO_POINTER (barred));
  return TRUE;
}

static int
compare_priority (gconstpointer a,
                  gconstpointer b)
{
  const PlIfc *x = *(PlIfc * const *) a;
  const PlIfc *y = *(PlIfc * const *) b;

  return (x->priority > y->priority) - (x->priority < y->priority);
}

static gboolean
parse_service_profile (Loader   *loader,
                       xmlNode  *element,
                       GError  **error)
{
  PlXmlContext *ctx = loader->ctx;
  PlServiceProfile *profile = g_new0 (PlServiceProfile, 1);
  g_autoptr (GHashTable) priorities = g_hash_table_new (NULL, NULL);

  profile->subscription = loader->subscription;
  profile->public_ids = g_ptr_array_new_with_free_func (g_free);
  profile->barred = g_ptr_array_new ();
  profile->ifcs = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_ifc_free);
  g_ptr_array_add (loader->subscription->profiles, profile);

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "PublicIdentity"))
        {
          if (!parse_public_identity (loader, child, profile, error))
            return FALSE;
        }
      else if (is_named (child, "InitialFilterCriteria"))
        {
          PlIfc *ifc = pl_ifc_parse (ctx, child, error);
          gpointer first;

          if (ifc == NULL)
            return FALSE;
          g_ptr_array_add (profile->ifcs, ifc);
          /* TS 29.228 Annex B: the S-CSCF tries criteria in Priority order,
           * which two equal priorities would leave undecided. */
          if (g_hash_table_lookup_extended (priorities, GINT_TO_POINTER (ifc->priority), NULL,
                                            &first))
            return pl_xml_error (ctx, error, child, NULL,
                                 "<Priority>%d</Priority> is already the priority of the "
                                 "InitialFilterCriteria on line %d: expected a different "
                                 "priority for each criterion of a ServiceProfile",
                                 ifc->priority, GPOINTER_TO_INT (first));
          g_hash_table_insert (priorities, GINT_TO_POINTER (ifc->priority),
                               GINT_TO_POINTER (ifc->line));
        }
      else
        return unknown_element (ctx, child,
                                "<PublicIdentity> or <InitialFilterCriteria> (PushLab does not "
                                "model CoreNetworkServicesAuthorization or shared iFC sets)",
                                error);
    }
  if (profile->public_ids->len == 0)
    return _pl_ifc_xml_missing (ctx, element, "PublicIdentity",
                                "one or more <PublicIdentity>", error);
  g_ptr_array_sort (profile->ifcs, compare_priority);
  return TRUE;
}

/* Schema hints such as xsi:noNamespaceSchemaLocation are what real
 * TS 29.228 documents carry on their root; nothing else is. */
static gboolean
check_root_attrs (PlXmlContext  *ctx,
                  xmlNode       *root,
                  GError       **error)
{
  for (xmlAttr *attr = root->properties; attr; attr = attr->next)
    if (attr->ns == NULL || !xmlStrEqual (attr->ns->href, (const xmlChar *) XSI_NAMESPACE))
      return pl_xml_error (ctx, error, root, (const char *) attr->name,
                           "attribute '%s' is not allowed on <IMSSubscription> (allowed: "
                           "xsi:noNamespaceSchemaLocation and other xsi: attributes)",
                           (const char *) attr->name);
  return TRUE;
}

static gboolean
parse_subscription (Loader   *loader,
                    xmlNode  *root,
                    GError  **error)
{
  PlXmlContext *ctx = loader->ctx;
  xmlNode *private_id = NULL;

  if (!is_named (root, "IMSSubscription"))
    return pl_xml_error (ctx, error, root, NULL,
                         "the root element is <%s>: expected <IMSSubscription> (3GPP TS "
                         "29.228 user profile)", (const char *) root->name);
  if (!check_root_attrs (ctx, root, error))
    return FALSE;
  for (xmlNode *n = root->children; n; n = n->next)
    if (n->type == XML_TEXT_NODE && xmlIsBlankNode (n) == 0)
      return pl_xml_error (ctx, error, root, NULL,
                           "unexpected text in <IMSSubscription>, which holds elements only");

  pl_xml_foreach_element (root, child)
    {
      if (is_named (child, "PrivateID"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &private_id, error))
            return FALSE;
          loader->subscription->private_id = _pl_ifc_xml_leaf (ctx, child, error);
          if (loader->subscription->private_id == NULL)
            return FALSE;
          if (*loader->subscription->private_id == '\0')
            return pl_xml_error (ctx, error, child, NULL,
                                 "<PrivateID> is empty: expected a NAI such as "
                                 "john.doe@home1.net");
        }
      else if (is_named (child, "ServiceProfile"))
        {
          if (!parse_service_profile (loader, child, error))
            return FALSE;
        }
      else
        return unknown_element (ctx, child, "<PrivateID> and one or more <ServiceProfile>",
                                error);
    }
  if (private_id == NULL)
    return _pl_ifc_xml_missing (ctx, root, "PrivateID",
                                "<PrivateID>user@domain</PrivateID>", error);
  if (loader->subscription->profiles->len == 0)
    return _pl_ifc_xml_missing (ctx, root, "ServiceProfile", "one or more <ServiceProfile>",
                                error);
  return TRUE;
}

PlSubscription *
pl_subscription_load (const char  *path,
                      GError     **error)
{
  g_autoptr (PlSubscription) subscription = NULL;
  g_autoptr (GPtrArray) identity_nodes = NULL;
  PlXmlContext *ctx;
  Loader loader;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx = pl_xml_context_load (path, error);
  if (ctx == NULL)
    return NULL;

  subscription = g_new0 (PlSubscription, 1);
  subscription->profiles = g_ptr_array_new_with_free_func (service_profile_free);
  subscription->file = g_strdup (path);
  identity_nodes = g_ptr_array_new ();
  loader = (Loader) { ctx, subscription, identity_nodes };
  ok = parse_subscription (&loader, xmlDocGetRootElement (pl_xml_context_get_doc (ctx)), error);
  pl_xml_context_free (ctx);
  return ok ? g_steal_pointer (&subscription) : NULL;
}

/* ---- the node ---- */

typedef struct {
  PlSubscription *subscription;
  PlServiceProfile *profile;
} Found;

static Found
find_identity (PlHss      *self,
               const char *public_id)
{
  g_autofree char *key = uri_key (public_id);
  Found *found = key ? g_hash_table_lookup (self->index, key) : NULL;

  return found ? *found : (Found) { NULL, NULL };
}

/* A "cx" event: command, public-id, result, private-id (when found) and
 * a ladder note. */
static PlTraceEvent *
begin_cx_event (PlHss       *self,
                const char  *command,
                const char  *public_id,
                const Found *found)
{
  PlNode *node = PL_NODE (self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "cx");
  const char *result = found->profile ? "found" : "unknown";
  g_autofree char *note = g_strdup_printf ("Cx %s %s: %s", command, public_id, result);

  pl_trace_event_add_string (event, "command", command);
  pl_trace_event_add_string (event, "public-id", public_id);
  pl_trace_event_add_string (event, "result", result);
  if (found->subscription)
    pl_trace_event_add_string (event, "private-id", found->subscription->private_id);
  pl_trace_event_add_string (event, "note", note);
  return event;
}

gboolean
pl_hss_add_subscription (PlHss           *self,
                         PlSubscription  *subscription,
                         GError         **error)
{
  g_autoptr (PlSubscription) owned = subscription;

  g_return_val_if_fail (PL_IS_HSS (self), FALSE);
  g_return_val_if_fail (subscription != NULL, FALSE);

  for (guint p = 0; p < subscription->profiles->len; p++)
    {
      PlServiceProfile *profile = g_ptr_array_index (subscription->profiles, p);

      for (guint i = 0; i < profile->public_ids->len; i++)
        {
          const char *id = g_ptr_array_index (profile->public_ids, i);
          Found other = find_identity (self, id);

          if (other.subscription)
            {
              g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                           "public identity '%s' of %s already belongs to the subscription "
                           "of %s (%s): expected each public identity in one subscription",
                           id, subscription->file ? subscription->file : "the subscription",
                           other.subscription->private_id,
                           other.subscription->file ? other.subscription->file : "added");
              return FALSE;
            }
        }
    }
  for (guint p = 0; p < subscription->profiles->len; p++)
    {
      PlServiceProfile *profile = g_ptr_array_index (subscription->profiles, p);

      for (guint i = 0; i < profile->public_ids->len; i++)
        {
          char *key = uri_key (g_ptr_array_index (profile->public_ids, i));
          Found *found = g_new (Found, 1);

          *found = (Found) { subscription, profile };
          if (key)
            g_hash_table_replace (self->index, key, found);
          else
            g_free (found);
        }
    }
  g_ptr_array_add (self->subscriptions, g_steal_pointer (&owned));
  return TRUE;
}

PlServiceProfile *
pl_hss_lookup (PlHss      *self,
               const char *public_id,
               const char *command)
{
  Found found;

  g_return_val_if_fail (PL_IS_HSS (self), NULL);
  g_return_val_if_fail (public_id != NULL, NULL);

  found = find_identity (self, public_id);
  if (command != NULL && pl_node_get_sim (PL_NODE (self)) != NULL)
    pl_node_commit_event (PL_NODE (self), begin_cx_event (self, command, public_id, &found));
  return found.profile;
}

const char *
pl_hss_get_password (PlHss       *self,
                     const char  *public_id,
                     const char **private_id)
{
  Found found;

  g_return_val_if_fail (PL_IS_HSS (self), NULL);
  g_return_val_if_fail (public_id != NULL, NULL);

  found = find_identity (self, public_id);
  if (pl_node_get_sim (PL_NODE (self)) != NULL)
    {
      PlTraceEvent *event = begin_cx_event (self, "MAR", public_id, &found);

      /* TS 29.229 SIP-Authentication-Scheme of the answer. */
      if (found.subscription)
        pl_trace_event_add_string (event, "auth-scheme",
                                   found.subscription->password ? "SIP Digest" : "none");
      pl_node_commit_event (PL_NODE (self), event);
    }
  if (private_id)
    *private_id = found.subscription ? found.subscription->private_id : NULL;
  return found.subscription ? found.subscription->password : NULL;
}

guint
pl_hss_get_n_subscriptions (PlHss *self)
{
  g_return_val_if_fail (PL_IS_HSS (self), 0);
  return self->subscriptions->len;
}

/* Cx is not SIP: a request that reaches the HSS was routed wrongly. */
static void
pl_hss_request (PlNode      *node,
                PlServerTxn *txn,
                msg_t       *msg,
                sip_t       *sip)
{
  if (txn != NULL)
    pl_server_txn_reply (txn, 501, NULL);
}

static gboolean
pl_hss_configure (PlNode        *node,
                  PlXmlContext  *ctx,
                  xmlNode       *element,
                  GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", NULL };
  static const char *const subscription_attrs[] = { "href", "password", NULL };
  PlHss *self = PL_HSS (node);

  if (!pl_xml_check_attrs (ctx, element, attrs, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      g_autoptr (GError) local = NULL;
      g_autofree char *path = NULL;
      PlSubscription *subscription;
      const char *href;
      xmlNode *extra;

      if (!is_named (child, "subscription"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of an 'hss' node: expected <subscription "
                             "href=\"profile.xml\" password=\"...\"/>",
                             (const char *) child->name);
      if (!pl_xml_check_attrs (ctx, child, subscription_attrs, error)
          || !pl_xml_require_attr (ctx, child, "href", &href, error))
        return FALSE;
      extra = xmlFirstElementChild (child);
      if (extra != NULL)
        return pl_xml_error (ctx, error, extra, NULL,
                             "<%s> is not part of <subscription>, which is empty: the "
                             "profile is the file of its href", (const char *) extra->name);

      path = pl_xml_context_resolve (ctx, href);
      subscription = pl_subscription_load (path, &local);
      if (subscription == NULL)
        {
          /* A file that cannot be read is the scenario's mistake; an error
           * inside the profile is the profile's, at its own file:line. */
          if (g_error_matches (local, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_FILE))
            return pl_xml_error (ctx, error, child, "href",
                                 "attribute 'href': cannot load the subscription: %s",
                                 local->message);
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      subscription->password = g_strdup (pl_xml_attr (child, "password"));
      if (!pl_hss_add_subscription (self, subscription, &local))
        return pl_xml_error (ctx, error, child, "href", "%s", local->message);
    }
  return TRUE;
}

static void
pl_hss_finalize (GObject *object)
{
  PlHss *self = PL_HSS (object);

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->subscriptions, g_ptr_array_unref);

  G_OBJECT_CLASS (pl_hss_parent_class)->finalize (object);
}

/* Each subscription, its service profiles with their public identities
 * and iFCs in priority order (TS 29.228 Annex B). */
static void
pl_hss_describe (PlNode  *node,
                 PlState *state)
{
  PlHss *self = PL_HSS (node);

  pl_state_begin_section (state, "subscriptions");
  for (guint i = 0; i < self->subscriptions->len; i++)
    {
      PlSubscription *sub = g_ptr_array_index (self->subscriptions, i);
      PlStateRow *row = pl_state_add_row (state, NULL, "private id", sub->private_id);

      pl_state_add_row (state, row, "authentication", sub->password ? "digest" : "none");
      for (guint j = 0; j < sub->profiles->len; j++)
        {
          PlServiceProfile *profile = g_ptr_array_index (sub->profiles, j);
          PlStateRow *prow = pl_state_add_rowf (state, row, "service profile", "%u", j + 1);

          for (guint k = 0; k < profile->public_ids->len; k++)
            pl_state_add_row (state, prow, "public id", g_ptr_array_index (profile->public_ids, k))
              ;
          for (guint k = 0; k < profile->barred->len; k++)
            if (GPOINTER_TO_INT (g_ptr_array_index (profile->barred, k)))
              pl_state_add_row (state, prow, "barred", g_ptr_array_index (profile->public_ids, k));
          for (guint k = 0; k < profile->ifcs->len; k++)
            _pl_ifc_describe (g_ptr_array_index (profile->ifcs, k), state, prow);
        }
    }
}

static void
pl_hss_class_init (PlHssClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_hss_finalize;
  node_class->configure = pl_hss_configure;
  node_class->request = pl_hss_request;
  node_class->describe = pl_hss_describe;
}

static void
pl_hss_init (PlHss *self)
{
  self->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_subscription_free);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
