/* pl-presence.c: the presence server (node kind "presence").
 *
 * It is the presence agent of RFC 3856 for every presentity: watchers
 * SUBSCRIBE with Event: presence and get the presentity's document in
 * NOTIFYs, as the presentity's authorization policy allows (pending,
 * allowed or blocked, RFC 5025 §3.2.1); and the event state compositor
 * of RFC 3903 for the presence sources' PUBLISH (pl-presence-publish.c),
 * composing every live publication of a presentity into one document
 * (RFC 4479, SIP Push §8.1.3.4). The SIP Push spec (A.4, §8) uses it to
 * carry a Push Receiver agent's device-profile to a Push Sender agent.
 * This file: configuration, policy, identities, dispatch; SUBSCRIBE and
 * NOTIFY are in pl-presence-watch.c.
 *
 * Scenario form:
 *
 *   <node id="ps" kind="presence" host="ps.home1.net"
 *         min-expires="60" max-expires="600000" default-expires="3600"
 *         policy="allow">
 *     <policy presentity="sip:john.doe@home1.net" watcher="sip:psadm1@home1.net"
 *             action="pending"/>
 *   </node>
 *
 * Action: <authorize node="ps" [presentity] [watcher] action="allow|block|pending"/>.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-presence"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-presence-private.h"
#include "pl-registrar.h"
#include "pl-wire.h"
#include "pl-xml.h"

typedef struct {
  char *presentity;          /* NULL: any */
  char *watcher;             /* NULL: any */
  PlPresenceAction action;
} PlPsPolicy;

G_DEFINE_FINAL_TYPE (PlPresence, pl_presence, PL_TYPE_NODE)

static const char *const action_names[] = { "allow", "block", "pending", NULL };

static void
policy_free (gpointer data)
{
  PlPsPolicy *policy = data;

  g_free (policy->presentity);
  g_free (policy->watcher);
  g_free (policy);
}

/* ---- identities ---- */

char *
_pl_presence_aor (const url_t *url)
{
  return url ? pl_registrar_aor (url) : NULL;
}

/* An address of record from text (a URI or a name-addr), NULL if none. */
char *
_pl_presence_aor_of_text (const char *text)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sip_from_t *from = text ? sip_from_make (home, text) : NULL;
  char *aor = from && from->a_url->url_type != url_invalid ? pl_registrar_aor (from->a_url) : NULL;

  su_home_deinit (home);
  return aor;
}

char *
_pl_presence_sender (msg_t *msg)
{
  sip_t *sip = sip_object (msg);
  g_autofree char *pai = pl_wire_header_value (msg, "P-Asserted-Identity");

  if (pai)
    {
      su_home_t home[1] = { SU_HOME_INIT (home) };
      sip_p_asserted_identity_t *ids = sip_p_asserted_identity_make (home, pai);
      char *aor = NULL;

      /* RFC 3325 §9.1: the SIP identity among those asserted. */
      for (sip_p_asserted_identity_t *id = ids; id && aor == NULL; id = id->paid_next)
        if (id->paid_url->url_type == url_sip || id->paid_url->url_type == url_sips)
          aor = pl_registrar_aor (id->paid_url);
      su_home_deinit (home);
      if (aor)
        return aor;
    }
  return sip->sip_from ? pl_registrar_aor (sip->sip_from->a_url) : NULL;
}

/* ---- trace ---- */

void
_pl_presence_reject (PlPresence  *self,
                     PlServerTxn *txn,
                     msg_t       *response,
                     const char  *name,
                     const char  *reason)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, name);

  pl_trace_event_add_int (event, "status", sip_object (response)->sip_status->st_status);
  pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (PL_NODE (self), event);
  pl_server_txn_respond (txn, response);
}

void
_pl_presence_reply_bad_event (PlPresence  *self,
                              PlServerTxn *txn,
                              const char  *method,
                              sip_t       *sip)
{
  msg_t *response = pl_server_txn_make_response (txn, 489, NULL);
  g_autofree char *reason = g_strdup_printf ("event package %s is not served here (%s)",
                                             sip->sip_event ? sip->sip_event->o_type : "(none)",
                                             method);

  /* RFC 3265 §7.2.2, RFC 3903 §6 step 2: 489 lists what we serve. */
  pl_wire_add_header (response, "Allow-Events", PL_PRESENCE_EVENT);
  _pl_presence_reject (self, txn, response,
                       g_str_equal (method, "PUBLISH") ? "publish-rejected" : "subscribe-rejected",
                       reason);
}

/* ---- policy ---- */

PlPresenceAction
_pl_presence_lookup_policy (PlPresence *self,
                            const char *presentity,
                            const char *watcher)
{
  int best = -1;
  PlPresenceAction action = self->default_action;

  for (guint i = 0; i < self->policies->len; i++)
    {
      PlPsPolicy *p = g_ptr_array_index (self->policies, i);
      int rank;

      if ((p->presentity && g_strcmp0 (p->presentity, presentity) != 0)
          || (p->watcher && g_strcmp0 (p->watcher, watcher) != 0))
        continue;
      /* The more specific rule wins: the presentity's own before a
       * watcher's everywhere. */
      rank = (p->presentity ? 2 : 0) + (p->watcher ? 1 : 0);
      if (rank > best)
        {
          best = rank;
          action = p->action;
        }
    }
  return action;
}

static void
store_policy (PlPresence       *self,
              const char       *presentity,
              const char       *watcher,
              PlPresenceAction  action)
{
  PlPsPolicy *p;

  if (presentity == NULL && watcher == NULL)
    {
      self->default_action = action;
      return;
    }
  for (guint i = 0; i < self->policies->len; i++)
    {
      p = g_ptr_array_index (self->policies, i);
      if (g_strcmp0 (p->presentity, presentity) == 0 && g_strcmp0 (p->watcher, watcher) == 0)
        {
          p->action = action;
          return;
        }
    }
  p = g_new0 (PlPsPolicy, 1);
  p->presentity = g_strdup (presentity);
  p->watcher = g_strdup (watcher);
  p->action = action;
  g_ptr_array_add (self->policies, p);
}

static void
pl_presence_request (PlNode      *node,
                     PlServerTxn *txn,
                     msg_t       *msg,
                     sip_t       *sip)
{
  PlPresence *self = PL_PRESENCE (node);
  msg_t *response;

  if (txn == NULL)
    return;  /* an ACK: we have no INVITE dialogs */
  switch (sip->sip_request->rq_method)
    {
    case sip_method_publish:
      _pl_presence_publish (self, txn, msg, sip);
      return;
    case sip_method_subscribe:
      if (sip->sip_event == NULL
          || g_ascii_strcasecmp (sip->sip_event->o_type, PL_PRESENCE_EVENT) != 0)
        {
          /* RFC 3265 §3.1.6.1: a package we do not serve. */
          _pl_presence_reply_bad_event (self, txn, "SUBSCRIBE", sip);
          return;
        }
      _pl_presence_subscribe (self, txn, msg, sip);
      return;
    case sip_method_options:
      response = pl_server_txn_make_response (txn, 200, NULL);
      break;
    case sip_method_cancel:
      pl_server_txn_reply (txn, 481, NULL);
      return;
    default:
      response = pl_server_txn_make_response (txn, 405, NULL);  /* RFC 3261 §8.2.1 */
      break;
    }
  msg_header_add_make (response, NULL, sip_allow_class, "PUBLISH, SUBSCRIBE, OPTIONS");
  pl_wire_add_header (response, "Allow-Events", PL_PRESENCE_EVENT);
  pl_server_txn_respond (txn, response);
}

/* ---- configuration and actions ---- */

/* A presentity or watcher attribute: an address of record. */
static gboolean
read_identity (PlXmlContext  *ctx,
               xmlNode       *element,
               const char    *attr,
               char         **out,
               GError       **error)
{
  const char *value = pl_xml_attr (element, attr);

  *out = NULL;
  if (value == NULL || g_str_equal (value, "*"))
    return TRUE;
  *out = _pl_presence_aor_of_text (value);
  if (*out == NULL || !g_str_has_prefix (*out, "sip"))
    {
      g_clear_pointer (out, g_free);
      return pl_xml_error (ctx, error, element, attr,
                           "attribute '%s' of <%s>: expected a SIP URI such as "
                           "sip:john.doe@home1.net (or * for any), got '%s'", attr,
                           (const char *) element->name, value);
    }
  return TRUE;
}

static gboolean
read_rule (PlXmlContext      *ctx,
           xmlNode           *element,
           char             **presentity,
           char             **watcher,
           PlPresenceAction  *action,
           GError           **error)
{
  int index;

  *presentity = *watcher = NULL;
  if (pl_xml_attr (element, "action") == NULL)
    {
      const char *unused;

      return pl_xml_require_attr (ctx, element, "action", &unused, error);
    }
  if (!pl_xml_attr_enum (ctx, element, "action", action_names, 0, &index, error)
      || !read_identity (ctx, element, "presentity", presentity, error))
    return FALSE;
  if (!read_identity (ctx, element, "watcher", watcher, error))
    {
      g_clear_pointer (presentity, g_free);
      return FALSE;
    }
  *action = (PlPresenceAction) index;
  return TRUE;
}

static gboolean
pl_presence_configure (PlNode        *node,
                       PlXmlContext  *ctx,
                       xmlNode       *element,
                       GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", "min-expires", "max-expires",
                                       "default-expires", "policy", NULL };
  static const char *const policy_attrs[] = { "presentity", "watcher", "action", NULL };
  PlPresence *self = PL_PRESENCE (node);
  guint64 min, max, def;
  int action;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_attr_uint (ctx, element, "min-expires", 60, 0, G_MAXUINT32, &min, error)
      || !pl_xml_attr_uint (ctx, element, "max-expires", 600000, 1, G_MAXUINT32, &max, error)
      || !pl_xml_attr_uint (ctx, element, "default-expires", 3600, 1, G_MAXUINT32, &def, error)
      || !pl_xml_attr_enum (ctx, element, "policy", action_names, 0, &action, error))
    return FALSE;
  if (min > max)
    return pl_xml_error (ctx, error, element, "min-expires",
                         "attribute 'min-expires' (%" G_GUINT64_FORMAT ") is above 'max-expires' (%"
                         G_GUINT64_FORMAT ")", min, max);
  self->min_expires = (guint32) min;
  self->max_expires = (guint32) max;
  self->default_expires = (guint32) def;
  self->default_action = (PlPresenceAction) action;

  pl_xml_foreach_element (element, child)
    {
      g_autofree char *presentity = NULL;
      g_autofree char *watcher = NULL;
      PlPresenceAction rule;

      if (!xmlStrEqual (child->name, (const xmlChar *) "policy"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of a 'presence' node: expected "
                             "<policy presentity=... watcher=... action=\"allow|block|pending\"/>",
                             (const char *) child->name);
      if (!pl_xml_check_attrs (ctx, child, policy_attrs, error)
          || !read_rule (ctx, child, &presentity, &watcher, &rule, error))
        return FALSE;
      store_policy (self, presentity, watcher, rule);
    }
  return TRUE;
}

typedef struct {
  char *presentity;
  char *watcher;
  PlPresenceAction action;
} PlAuthorizeSpec;

static void
authorize_spec_free (gpointer data)
{
  PlAuthorizeSpec *spec = data;

  g_free (spec->presentity);
  g_free (spec->watcher);
  g_free (spec);
}

static void
run_authorize (PlNode  *node,
               gpointer data)
{
  PlAuthorizeSpec *spec = data;

  pl_presence_set_policy (PL_PRESENCE (node), spec->presentity, spec->watcher, spec->action);
}

static PlAction *
pl_presence_parse_action (PlNode        *node,
                          PlXmlContext  *ctx,
                          xmlNode       *element,
                          GError       **error)
{
  static const char *const attrs[] = { "node", "presentity", "watcher", "action", NULL };
  const char *verb = (const char *) element->name;
  PlAuthorizeSpec *spec;

  if (!g_str_equal (verb, "authorize"))
    return pl_xml_error (ctx, error, element, NULL,
                         "a 'presence' node has no action <%s>: expected <authorize>", verb),
           NULL;
  spec = g_new0 (PlAuthorizeSpec, 1);
  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !read_rule (ctx, element, &spec->presentity, &spec->watcher, &spec->action, error))
    {
      authorize_spec_free (spec);
      return NULL;
    }
  return pl_action_new (node, verb, run_authorize, spec, authorize_spec_free);
}

static void
pl_presence_dispose (GObject *object)
{
  PlPresence *self = PL_PRESENCE (object);

  /* Timers and transactions first, while the node can still cancel
   * them. */
  if (self->watchers)
    g_ptr_array_set_size (self->watchers, 0);
  if (self->publications)
    g_ptr_array_set_size (self->publications, 0);
  G_OBJECT_CLASS (pl_presence_parent_class)->dispose (object);
}

static void
pl_presence_finalize (GObject *object)
{
  PlPresence *self = PL_PRESENCE (object);

  g_clear_pointer (&self->watchers, g_ptr_array_unref);
  g_clear_pointer (&self->publications, g_ptr_array_unref);
  g_clear_pointer (&self->policies, g_ptr_array_unref);
  G_OBJECT_CLASS (pl_presence_parent_class)->finalize (object);
}

static void
pl_presence_class_init (PlPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->dispose = pl_presence_dispose;
  object_class->finalize = pl_presence_finalize;
  node_class->configure = pl_presence_configure;
  node_class->parse_action = pl_presence_parse_action;
  node_class->request = pl_presence_request;
  node_class->describe = _pl_presence_describe;
}

static void
pl_presence_init (PlPresence *self)
{
  self->min_expires = 60;
  self->max_expires = 600000;
  self->default_expires = 3600;
  self->default_action = PL_PRESENCE_ALLOW;
  self->policies = g_ptr_array_new_with_free_func (policy_free);
  self->publications = g_ptr_array_new_with_free_func (_pl_presence_publication_free);
  self->watchers = g_ptr_array_new_with_free_func (_pl_presence_watcher_free);
}

/* ---- public API ---- */

void
pl_presence_set_policy (PlPresence       *self,
                        const char       *presentity,
                        const char       *watcher,
                        PlPresenceAction  action)
{
  g_autofree char *p = NULL;
  g_autofree char *w = NULL;
  PlTraceEvent *event;

  g_return_if_fail (PL_IS_PRESENCE (self));
  g_return_if_fail (action <= PL_PRESENCE_PENDING);

  p = presentity ? _pl_presence_aor_of_text (presentity) : NULL;
  w = watcher ? _pl_presence_aor_of_text (watcher) : NULL;
  store_policy (self, p, w, action);
  event = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "policy");
  pl_trace_event_add_string (event, "presentity", p ? p : "*");
  pl_trace_event_add_string (event, "watcher", w ? w : "*");
  pl_trace_event_add_string (event, "action", action_names[action]);
  pl_node_commit_event (PL_NODE (self), event);
  if (pl_node_get_sim (PL_NODE (self)))
    _pl_presence_reevaluate (self);
}

void
pl_presence_set_expires (PlPresence *self,
                         guint32     min_expires,
                         guint32     max_expires)
{
  g_return_if_fail (PL_IS_PRESENCE (self));
  g_return_if_fail (min_expires <= max_expires && max_expires > 0);

  self->min_expires = min_expires;
  self->max_expires = max_expires;
}

guint
pl_presence_get_n_publications (PlPresence *self,
                                const char *presentity)
{
  g_autofree char *aor = NULL;
  guint n = 0;

  g_return_val_if_fail (PL_IS_PRESENCE (self), 0);
  aor = _pl_presence_aor_of_text (presentity);
  for (guint i = 0; aor && i < self->publications->len; i++)
    n += g_str_equal (((PlPsPublication *) g_ptr_array_index (self->publications, i))->presentity,
                      aor);
  return n;
}

char *
pl_presence_dup_document (PlPresence *self,
                          const char *presentity)
{
  g_autofree char *aor = NULL;

  g_return_val_if_fail (PL_IS_PRESENCE (self), NULL);
  aor = _pl_presence_aor_of_text (presentity);
  g_return_val_if_fail (aor != NULL, NULL);
  return _pl_presence_compose (self, aor, NULL, NULL, NULL);
}
