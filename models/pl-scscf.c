/* pl-scscf.c: the S-CSCF (3GPP TS 24.229 §5.4): the registrar's home,
 * the evaluation of initial Filter Criteria towards application servers,
 * and terminating routing to a user's contacts by RFC 3841 caller
 * preferences. REGISTER is in pl-scscf-register.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scenario form:
 *   <node id="scscf" kind="s-cscf" host="scscf1.home1.net" hss="hss"
 *         domain="home1.net" realm="home1.net" pref="true" gruu="auto"
 *         convert-503="true" trusted="pcscf psa"
 *         min-expires="60" max-expires="600000" reg-max-expires="600000"/>
 */
#define G_LOG_DOMAIN "pl-scscf"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>

#include "pl-fork.h"
#include "pl-scscf-private.h"
#include "pl-wire.h"
#include "pl-xml.h"

G_DEFINE_FINAL_TYPE (PlScscf, pl_scscf, PL_TYPE_NODE)

/* A contact to try, copied out of the registrar: a refresh or expiry
 * while an earlier group is being tried must not pull it away. */
typedef struct {
  char *uri;
  char *path;
} Target;

typedef enum {
  PHASE_SERVERS,             /* at an application server */
  PHASE_CONTACTS,            /* at the user's contacts */
} Phase;

/* One request being served: the fork's user data. */
typedef struct {
  PlScscf *self;
  msg_t *request;            /* as prepared for the next hop */
  ChainPoint point;
  char *odi;                 /* token of ours while at a server */
  Phase phase;
  PlFork *fork;              /* the fork this is the data of (not a reference) */
  PlTimer *server_timer;     /* the server's time to answer */
  GPtrArray *groups;         /* GPtrArray of Target*, in RFC 3841 order */
  guint next_group;
} Served;

static void deliver_terminating (Served *served,
                                 PlFork *fork);
static void run_chain           (Served *served,
                                 PlFork *fork);

static void
target_free (gpointer data)
{
  Target *target = data;

  g_free (target->uri);
  g_free (target->path);
  g_free (target);
}

static void
served_free (gpointer data)
{
  Served *served = data;

  if (served->server_timer)
    pl_node_cancel_timer (PL_NODE (served->self), &served->server_timer);
  if (served->odi)
    g_hash_table_remove (served->self->chains, served->odi);
  g_free (served->odi);
  g_clear_pointer (&served->request, msg_destroy);
  g_clear_pointer (&served->groups, g_ptr_array_unref);
  g_free (served);
}

/* scscf1.home1.net serves home1.net unless told otherwise. */
static const char *
default_domain (const char *hostname)
{
  const char *dot = strchr (hostname, '.');

  return dot && strchr (dot + 1, '.') ? dot + 1 : hostname;
}

gboolean
_pl_scscf_is_local (PlScscf     *self,
                    const url_t *url)
{
  if (self->domain == NULL)
    self->domain = g_strdup (default_domain (pl_node_get_hostname (PL_NODE (self))));
  return url && url->url_host
         && ((self->domain && g_ascii_strcasecmp (url->url_host, self->domain) == 0)
             || pl_node_owns_url (PL_NODE (self), url));
}

void
_pl_scscf_record_ifc (PlScscf           *self,
                      const PlIfc       *ifc,
                      PlSessionCase      session_case,
                      const PlIfcResult *result,
                      const char        *user)
{
  PlTraceEvent *ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "ifc");

  pl_trace_event_add_string (ev, "case", pl_session_case_to_string (session_case));
  pl_trace_event_add_int (ev, "priority", ifc->priority);
  pl_trace_event_add_string (ev, "server", ifc->server_name ? ifc->server_name : "");
  pl_trace_event_add_bool (ev, "matched", result->matched);
  pl_trace_event_add_string (ev, "default-handling",
                             pl_default_handling_to_string (ifc->default_handling));
  pl_trace_event_add_string (ev, "detail", result->explanation ? result->explanation : "");
  /* One entry per Service Point Trigger, so a reader (the studio's node
   * panel, pl_state_add_trace_event) sees which SPTs matched. */
  if (user)
    pl_trace_event_add_string (ev, "user", user);
  pl_trace_event_add_string (ev, "condition", !ifc->has_trigger ? "none" : ifc->cnf ? "CNF" : "DNF");
  for (guint i = 0; ifc->has_trigger && result->spt_results && i < ifc->spts->len; i++)
    {
      const PlSpt *spt = g_ptr_array_index (ifc->spts, i);
      g_autofree char *describe = pl_spt_describe (spt);
      g_autofree char *key = g_strdup_printf ("spt%u", i + 1);
      g_autofree char *groups_key = g_strdup_printf ("spt%u-groups", i + 1);
      g_autofree char *result_key = g_strdup_printf ("spt%u-result", i + 1);
      g_autoptr (GString) groups = g_string_new (NULL);

      for (guint g = 0; g < spt->groups->len; g++)
        g_string_append_printf (groups, "%s%d", g ? "," : "", g_array_index (spt->groups, int, g));
      pl_trace_event_add_string (ev, key, describe);
      pl_trace_event_add_string (ev, groups_key, groups->str);
      pl_trace_event_add_bool (ev, result_key, g_array_index (result->spt_results, gboolean, i));
    }
  pl_node_commit_event (PL_NODE (self), ev);
}

static void
record_route_event (PlScscf    *self,
                    const char *aor,
                    guint       n_contacts,
                    guint       n_targets,
                    const char *why)
{
  PlTraceEvent *ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "route");

  pl_trace_event_add_string (ev, "aor", aor);
  pl_trace_event_add_int (ev, "contacts", n_contacts);
  pl_trace_event_add_int (ev, "targets", n_targets);
  pl_trace_event_add_string (ev, "detail", why);
  pl_node_commit_event (PL_NODE (self), ev);
}

/* RFC 3325 §5 and the 2006 draft's §9.2: an identity asserted by a node
 * outside the trust domain is not passed on. */
gboolean
_pl_scscf_is_trusted (PlScscf *self,
                      PlNode  *peer)
{
  const char *kind;

  if (peer == NULL)
    return FALSE;
  if (self->trusted)
    return g_strv_contains ((const char *const *) self->trusted, pl_node_get_id (peer));
  kind = pl_node_get_kind (peer);
  return g_str_equal (kind, "p-cscf") || g_str_equal (kind, "s-cscf")
         || g_str_equal (kind, "sender") || g_str_equal (kind, "hss");
}

static gboolean
is_dialog_creating (sip_t *sip)
{
  sip_method_t m = sip->sip_request->rq_method;

  return m == sip_method_invite || m == sip_method_subscribe || m == sip_method_refer;
}

/* Puts @value (one or more entries) before the Route the request has:
 * msg_header_insert() would add it at the end. */
static void
insert_route (msg_t      *msg,
              const char *value)
{
  sip_t *sip = sip_object (msg);

  msg_header_prepend (msg, (msg_pub_t *) sip, (msg_header_t **) &sip->sip_route,
                      (msg_header_t *) sip_route_make (msg_home (msg), value));
}

/* The identity of the served user of an originating request: the
 * asserted one (TS 24.229 §5.4.3.2), else From. */
static char *
served_identity (msg_t *msg)
{
  sip_t *sip = sip_object (msg);
  g_autofree char *pai = pl_wire_header_value (msg, "P-Asserted-Identity");

  if (pai)
    {
      sip_from_t *parsed = sip_from_make (msg_home (msg), pai);

      if (parsed)
        return pl_registrar_aor (parsed->a_url);
    }
  return sip->sip_from ? pl_registrar_aor (sip->sip_from->a_url) : NULL;
}

/* TS 24.229 §5.4.3.2 step 4: a server that gives no answer in time is
 * treated as failed, and its criterion's DefaultHandling applies; the
 * sender's own timer F would otherwise end the request first. */
static void
on_server_silent (gpointer data)
{
  Served *served = data;
  PlTraceEvent *ev;

  served->server_timer = NULL;
  if (served->phase != PHASE_SERVERS || pl_fork_is_done (served->fork))
    return;
  ev = pl_node_begin_event (PL_NODE (served->self), PL_EVENT_APP, "server-timeout");
  pl_trace_event_add_string (ev, "server", served->point.ifc ? served->point.ifc->server_name : "");
  pl_node_commit_event (PL_NODE (served->self), ev);
  pl_fork_give_up (served->fork);
}

/* Sends the request to the application server of @ifc, with our own
 * Route behind it carrying the chain's token (TS 24.229 §5.4.3.2 step
 * 4, §5.4.3.3 step 4). */
static void
send_to_server (Served *served,
                PlFork *fork,
                PlIfc  *ifc)
{
  PlScscf *self = served->self;
  msg_t *copy = msg_dup (served->request);
  g_autofree char *back = NULL;
  g_autofree char *there = g_strdup_printf ("<%s;lr>", ifc->server_name);
  ChainPoint *point = g_new0 (ChainPoint, 1);

  if (served->odi == NULL)
    served->odi = g_strdup_printf ("%s%u", pl_node_get_id (PL_NODE (self)), ++self->n_chains);
  served->point.ifc = ifc;
  *point = served->point;
  g_hash_table_replace (self->chains, g_strdup (served->odi), point);

  back = g_strdup_printf ("<sip:%s;lr;odi=%s>", pl_node_get_host (PL_NODE (self)), served->odi);
  insert_route (copy, back);
  insert_route (copy, there);
  served->phase = PHASE_SERVERS;
  point->owner = served;
  pl_fork_branch (fork, copy);
  if (served->server_timer)
    pl_node_cancel_timer (PL_NODE (self), &served->server_timer);
  served->server_timer = pl_node_add_timer (PL_NODE (self), self->as_timeout,
                                            on_server_silent, served, NULL);
}

/* Starts the originating or terminating half for the served user @user
 * (TS 24.229 §5.4.3.2, §5.4.3.3): its session case follows whether it is
 * registered, and a dialog-creating request records our route. */
static void
start_half (Served           *served,
            PlFork           *fork,
            PlServiceProfile *profile,
            const url_t      *user,
            gboolean          originating,
            gboolean          record_route)
{
  PlScscf *self = served->self;
  PlNode *node = PL_NODE (self);
  sip_t *sip = sip_object (served->request);
  GPtrArray *bindings = user ? pl_registrar_lookup (_pl_scscf_registrar (self), user,
                                                    pl_node_now (node))
                             : NULL;
  gboolean registered = bindings && bindings->len > 0;

  served->point.profile = profile;
  served->point.registered = registered;
  served->point.next = 0;
  if (originating)
    served->point.session_case = registered ? PL_SESSION_CASE_ORIGINATING
                                            : PL_SESSION_CASE_ORIGINATING_UNREGISTERED;
  else
    served->point.session_case = registered ? PL_SESSION_CASE_TERMINATING_REGISTERED
                                            : PL_SESSION_CASE_TERMINATING_UNREGISTERED;
  if (record_route && is_dialog_creating (sip))
    {
      /* A.3 of the 2006 draft: the originating S-CSCF records "orig". */
      g_autofree char *rr = g_strdup_printf ("<sip:%s%s;lr>", originating ? "orig@" : "",
                                             pl_node_get_host (node));

      pl_proxy_record_route (served->request, rr);
    }
  run_chain (served, fork);
}

/* What to do after the chain: an originating request goes on towards
 * its target, a terminating one to the user's contacts. */
static void
after_chain (Served *served,
             PlFork *fork)
{
  PlScscf *self = served->self;
  sip_t *sip = sip_object (served->request);

  if (served->point.session_case == PL_SESSION_CASE_TERMINATING_REGISTERED
      || served->point.session_case == PL_SESSION_CASE_TERMINATING_UNREGISTERED)
    {
      deliver_terminating (served, fork);
      return;
    }

  if (sip->sip_route == NULL && _pl_scscf_is_local (self, sip->sip_request->rq_url))
    {
      /* Both ends are ours: the terminating half starts (TS 24.229
       * §5.4.3.3). */
      g_autofree char *aor = pl_registrar_aor (sip->sip_request->rq_url);
      PlServiceProfile *profile = pl_hss_lookup (self->hss, aor, "LIR");

      if (profile == NULL)
        {
          pl_fork_reply (fork, 404, NULL);
          return;
        }
      start_half (served, fork, profile, sip->sip_request->rq_url, FALSE, FALSE);
      return;
    }

  pl_fork_branch (fork, msg_dup (served->request));
}

/* Evaluates the criteria from where the chain stands, in priority order
 * (TS 29.228 B.2.2: a lower Priority value is evaluated first). */
static void
run_chain (Served *served,
           PlFork *fork)
{
  PlScscf *self = served->self;
  GPtrArray *ifcs = served->point.profile ? served->point.profile->ifcs : NULL;
  sip_t *sip = sip_object (served->request);

  while (ifcs && served->point.next < ifcs->len)
    {
      PlIfc *ifc = g_ptr_array_index (ifcs, served->point.next++);
      PlIfcResult result = { 0 };
      gboolean matched;

      matched = pl_ifc_evaluate (ifc, sip, served->point.session_case, PL_REGISTRATION_NONE,
                                 served->point.registered, &result);
      _pl_scscf_record_ifc (self, ifc, served->point.session_case, &result,
                            served->point.profile->public_ids->len
                              ? g_ptr_array_index (served->point.profile->public_ids, 0) : NULL);
      pl_ifc_result_clear (&result);
      if (matched && ifc->server_name)
        {
          send_to_server (served, fork, ifc);
          return;
        }
    }
  after_chain (served, fork);
}

static void
record_default_handling (PlScscf    *self,
                         const PlIfc *ifc,
                         int          status,
                         const char  *outcome)
{
  PlTraceEvent *ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "default-handling");

  pl_trace_event_add_string (ev, "server", ifc->server_name);
  pl_trace_event_add_int (ev, "status", status);
  pl_trace_event_add_string (ev, "handling", pl_default_handling_to_string (ifc->default_handling));
  pl_trace_event_add_string (ev, "outcome", outcome);
  pl_node_commit_event (PL_NODE (self), ev);
}

static void
send_group (Served *served,
            PlFork *fork)
{
  GPtrArray *group = g_ptr_array_index (served->groups, served->next_group++);
  sip_t *sip = sip_object (served->request);
  g_autofree char *called = url_as_string (NULL, sip->sip_request->rq_url);

  served->phase = PHASE_CONTACTS;
  for (guint i = 0; i < group->len; i++)
    {
      Target *binding = g_ptr_array_index (group, i);
      msg_t *copy = msg_dup (served->request);
      sip_t *csip = sip_object (copy);
      g_autofree char *pcpi = g_strdup_printf ("<%s>", called);

      /* RFC 3261 §16.5: the Request-URI becomes the contact. */
      csip->sip_request->rq_url[0] = *url_hdup (msg_home (copy),
                                                URL_STRING_MAKE (binding->uri)->us_url);
      pl_sip_header_changed (csip->sip_request);
      /* RFC 3327 §5.3: the registered Path becomes the route. */
      if (binding->path)
        {
          g_auto (GStrv) hops = g_strsplit (binding->path, ",", -1);

          for (int h = g_strv_length (hops) - 1; h >= 0; h--)
            {
              g_strstrip (hops[h]);
              if (*hops[h])
                insert_route (copy, hops[h]);
            }
        }
      /* TS 24.229 §5.4.3.3 step 10: what the caller dialled goes in
       * P-Called-Party-ID (B.2 step 2). */
      pl_wire_remove_header (copy, "P-Called-Party-ID");
      pl_wire_add_header (copy, "P-Called-Party-ID", pcpi);
      pl_fork_branch (fork, copy);
    }
}

/* RFC 3841 §7.2 over the user's bindings; 480 when none is left (TS
 * 24.229 §5.4.3.3: no contact for the served user). */
static void
deliver_terminating (Served *served,
                     PlFork *fork)
{
  PlScscf *self = served->self;
  sip_t *sip = sip_object (served->request);
  g_autofree char *aor = pl_registrar_aor (sip->sip_request->rq_url);
  GPtrArray *bindings = pl_registrar_lookup (_pl_scscf_registrar (self), sip->sip_request->rq_url,
                                             pl_node_now (PL_NODE (self)));
  g_autoptr (GString) why = g_string_new (NULL);
  g_autoptr (GPtrArray) selected = NULL;
  guint n_targets = 0;

  if (bindings == NULL || bindings->len == 0)
    {
      record_route_event (self, aor, 0, 0, "not registered");
      pl_fork_reply (fork, 480, "Temporarily Unavailable (not registered)");
      return;
    }

  selected = pl_callerpref_select (bindings, sip, why);
  served->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < selected->len; i++)
    {
      GPtrArray *group = g_ptr_array_index (selected, i);
      GPtrArray *copy = g_ptr_array_new_with_free_func (target_free);

      for (guint j = 0; j < group->len; j++)
        {
          PlBinding *binding = g_ptr_array_index (group, j);
          Target *target = g_new0 (Target, 1);

          target->uri = g_strdup (binding->uri);
          target->path = g_strdup (binding->path);
          g_ptr_array_add (copy, target);
        }
      n_targets += group->len;
      g_ptr_array_add (served->groups, copy);
    }
  record_route_event (self, aor, bindings->len, n_targets, why->str);
  if (n_targets == 0)
    {
      pl_fork_reply (fork, 480, "Temporarily Unavailable (no contact matches the caller preferences)");
      return;
    }
  served->next_group = 0;
  send_group (served, fork);
}

/* Every branch failed. At a server, DefaultHandling decides (TS 24.229
 * §5.4.3.2 step 4 note, TS 23.218 §6.4.4); at the contacts, the next
 * group of RFC 3841 §7.2.4 is tried. */
static gboolean
on_exhausted (PlFork  *fork,
              int      best,
              gboolean local,
              gpointer user_data)
{
  Served *served = user_data;
  PlIfc *ifc;

  if (served->server_timer)
    pl_node_cancel_timer (PL_NODE (served->self), &served->server_timer);
  if (served->phase == PHASE_CONTACTS)
    {
      if (served->next_group < served->groups->len)
        {
          send_group (served, fork);
          return TRUE;
        }
      return FALSE;
    }

  ifc = served->point.ifc;
  if (ifc == NULL || !(local || best == 408 || best >= 500))
    return FALSE;
  if (ifc->default_handling == PL_DEFAULT_HANDLING_SESSION_TERMINATED)
    {
      record_default_handling (served->self, ifc, best, "request ended");
      return FALSE;
    }
  record_default_handling (served->self, ifc, best, "next criterion");
  served->point.ifc = NULL;
  run_chain (served, fork);
  return !pl_fork_is_done (fork);
}

static void
strip_untrusted_identity (PlScscf *self,
                          PlNode  *peer,
                          msg_t   *copy)
{
  g_autofree char *pai = NULL;
  PlTraceEvent *ev;

  if (_pl_scscf_is_trusted (self, peer))
    return;
  pai = pl_wire_header_value (copy, "P-Asserted-Identity");
  if (pai == NULL)
    return;
  pl_wire_remove_header (copy, "P-Asserted-Identity");
  ev = pl_node_begin_event (PL_NODE (self), PL_EVENT_APP, "trust");
  pl_trace_event_add_string (ev, "action", "removed-untrusted-pai");
  pl_trace_event_add_string (ev, "identity", pai);
  pl_trace_event_add_string (ev, "from", peer ? pl_node_get_id (peer) : "");
  pl_node_commit_event (PL_NODE (self), ev);
}

static void
pl_scscf_request (PlNode      *node,
                  PlServerTxn *txn,
                  msg_t       *msg,
                  sip_t       *sip)
{
  PlScscf *self = PL_SCSCF (node);
  PlNode *peer = txn ? pl_server_txn_get_peer (txn) : NULL;
  const url_t *own = NULL;
  char odi[64] = "";
  gboolean orig = FALSE;
  Served *served;
  PlFork *fork;
  sip_t *csip;

  if (pl_proxy_screen_request (node, txn, sip))
    return;

  if (sip->sip_route && pl_node_owns_url (node, sip->sip_route->r_url))
    {
      own = sip->sip_route->r_url;
      if (url_param (own->url_params, "odi", odi, sizeof odi) == 0)
        odi[0] = '\0';
      orig = g_strcmp0 (own->url_user, "orig") == 0;
    }

  if (txn == NULL)
    {
      g_autoptr (msg_t) copy = pl_fork_prepare (node, msg);

      pl_node_send_stateless (node, copy, TRUE);
      return;
    }

  /* RFC 3261 §10.3: a REGISTER for our domain with no route beyond us
   * is ours to serve. */
  if (sip->sip_request->rq_method == sip_method_register
      && (own ? sip->sip_route->r_next == NULL : sip->sip_route == NULL)
      && _pl_scscf_is_local (self, sip->sip_request->rq_url))
    {
      _pl_scscf_register (self, txn, msg, sip);
      return;
    }
  /* RFC 3680, TS 24.229 §5.4.2.1: SUBSCRIBE to the reg event package is
   * served here, before the terminating criteria. */
  if (odi[0] == '\0'
      && _pl_scscf_reg_request (self, txn, msg, sip, peer,
                                own ? sip->sip_route->r_next == NULL : sip->sip_route == NULL))
    return;

  served = g_new0 (Served, 1);
  served->self = self;
  served->request = pl_fork_prepare (node, msg);
  csip = sip_object (served->request);
  /* A request that comes back with our token comes from an application
   * server of the user's own profile, inside the trust domain. */
  if (!(odi[0] && g_hash_table_contains (self->chains, odi)))
    strip_untrusted_identity (self, peer, served->request);

  fork = pl_fork_new (node, txn, on_exhausted, NULL, served, served_free);
  served->fork = fork;
  pl_fork_set_convert_503 (fork, self->convert_503);

  if (odi[0])
    {
      ChainPoint *point = g_hash_table_lookup (self->chains, odi);

      /* Back from an application server: the chain goes on where it
       * stopped (TS 24.229 §5.4.3.2 step 4). */
      if (point == NULL)
        {
          pl_fork_reply (fork, 400, "Bad Request (unknown original dialog identifier)");
          pl_fork_unref (fork);
          return;
        }
      /* It came back, so the server answered in its way. */
      if (point->owner)
        {
          Served *owner = point->owner;

          if (owner->server_timer)
            pl_node_cancel_timer (node, &owner->server_timer);
        }
      served->point = *point;
      served->point.ifc = NULL;
      served->point.owner = NULL;
      run_chain (served, fork);
    }
  else if (csip->sip_to && csip->sip_to->a_tag)
    {
      /* Within a dialog (RFC 3261 §12.2): no filter criteria, only the
       * route set (TS 24.229 §5.4.3.2: iFC apply to initial requests). */
      pl_fork_branch (fork, msg_dup (served->request));
    }
  else if (orig || (peer && g_str_equal (pl_node_get_kind (peer), "p-cscf")))
    {
      /* From the UE side: originating, whether the UE used the
       * Service-Route ("orig") or the P-CSCF only knew us. */
      g_autofree char *user = served_identity (served->request);
      PlServiceProfile *profile = user ? pl_hss_lookup (self->hss, user, "SAR") : NULL;

      /* Originating (TS 24.229 §5.4.3.2): the served user must be ours. */
      if (profile == NULL)
        {
          pl_fork_reply (fork, 403, "Forbidden (not a served user)");
          pl_fork_unref (fork);
          return;
        }
      start_half (served, fork, profile, csip->sip_from ? csip->sip_from->a_url : NULL, TRUE, TRUE);
    }
  else if (csip->sip_route)
    {
      /* Loose routing on (RFC 3261 §16.12): a request within a dialog. */
      pl_fork_branch (fork, msg_dup (served->request));
    }
  else if (_pl_scscf_is_local (self, csip->sip_request->rq_url))
    {
      g_autofree char *aor = pl_registrar_aor (csip->sip_request->rq_url);
      PlServiceProfile *profile = pl_hss_lookup (self->hss, aor, "LIR");

      /* Terminating (TS 24.229 §5.4.3.3). An unknown user: 404. */
      if (profile == NULL)
        {
          record_route_event (self, aor, 0, 0, "unknown user");
          pl_fork_reply (fork, 404, NULL);
          pl_fork_unref (fork);
          return;
        }
      start_half (served, fork, profile, csip->sip_request->rq_url, FALSE, TRUE);
    }
  else
    {
      /* Another domain's user: on to its Request-URI. */
      pl_fork_branch (fork, msg_dup (served->request));
    }
  pl_fork_unref (fork);
}

static gboolean
pl_scscf_configure (PlNode        *node,
                    PlXmlContext  *ctx,
                    xmlNode       *element,
                    GError       **error)
{
  static const char *const attrs[] = {
    "id", "kind", "host", "hss", "domain", "realm", "pref", "gruu", "convert-503",
    "trusted", "min-expires", "max-expires", "server-timeout", "reg-max-expires", NULL
  };
  static const char *const gruu_values[] = { "auto", "true", "false", NULL };
  PlScscf *self = PL_SCSCF (node);
  const char *hostname = pl_node_get_hostname (node);
  const char *trusted = pl_xml_attr (element, "trusted");
  guint64 min_expires, max_expires, reg_max_expires;
  int gruu;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_require_attr (ctx, element, "hss", NULL, error)
      || !pl_xml_attr_bool (ctx, element, "pref", TRUE, &self->pref, error)
      || !pl_xml_attr_bool (ctx, element, "convert-503", TRUE, &self->convert_503, error)
      || !pl_xml_attr_enum (ctx, element, "gruu", gruu_values, 0, &gruu, error)
      || !pl_xml_attr_duration (ctx, element, "server-timeout", PL_SEC (4), &self->as_timeout, error)
      || !pl_xml_attr_uint (ctx, element, "min-expires", 60, 1, G_MAXUINT32, &min_expires, error)
      || !pl_xml_attr_uint (ctx, element, "max-expires", 600000, 1, G_MAXUINT32, &max_expires, error)
      || !pl_xml_attr_uint (ctx, element, "reg-max-expires", 600000, 1, G_MAXUINT32,
                            &reg_max_expires, error))
    return FALSE;
  if (min_expires > max_expires)
    return pl_xml_error (ctx, error, element, "min-expires",
                         "min-expires (%" G_GUINT64_FORMAT ") is above max-expires (%"
                         G_GUINT64_FORMAT ")", min_expires, max_expires);

  self->hss_id = g_strdup (pl_xml_attr (element, "hss"));
  self->domain = g_strdup (pl_xml_attr (element, "domain")
                             ? pl_xml_attr (element, "domain")
                             : default_domain (hostname));
  if (pl_xml_attr (element, "realm"))
    self->realm = g_strdup (pl_xml_attr (element, "realm"));
  self->gruu_mode = gruu;
  self->min_expires = (guint32) min_expires;
  self->max_expires = (guint32) max_expires;
  self->reg_max_expires = (guint32) reg_max_expires;
  if (trusted)
    self->trusted = g_strsplit_set (trusted, " \t\n", -1);

  pl_xml_foreach_element (element, child)
    return pl_xml_error (ctx, error, child, NULL,
                         "<%s> is not part of an 's-cscf' node: it takes attributes only",
                         (const char *) child->name);
  return TRUE;
}

static gboolean
pl_scscf_resolve (PlNode        *node,
                  PlXmlContext  *ctx,
                  xmlNode       *element,
                  GError       **error)
{
  PlScscf *self = PL_SCSCF (node);
  PlNode *hss = pl_sim_find_node (pl_node_get_sim (node), self->hss_id);

  if (hss == NULL || !PL_IS_HSS (hss))
    return pl_xml_error (ctx, error, element, "hss",
                         "attribute 'hss' of an s-cscf: expected the id of a node of kind "
                         "'hss', got '%s'%s", self->hss_id,
                         hss ? " (a node of another kind)" : " (no such node)");
  self->hss = PL_HSS (hss);

  for (guint i = 0; self->trusted && self->trusted[i]; i++)
    if (*self->trusted[i] && pl_sim_find_node (pl_node_get_sim (node), self->trusted[i]) == NULL)
      return pl_xml_error (ctx, error, element, "trusted",
                           "attribute 'trusted' of an s-cscf: '%s' is not a node id",
                           self->trusted[i]);
  return TRUE;
}

/* Made on first use, once the dialect is known. */
PlRegistrar *
_pl_scscf_registrar (PlScscf *self)
{
  if (self->registrar == NULL)
    {
      PlDialect dialect = pl_node_get_dialect (PL_NODE (self));

      self->gruu = self->gruu_mode == 1 || (self->gruu_mode == 0 && dialect == PL_DIALECT_OMA_1_0);
      self->registrar = pl_registrar_new (dialect);
      pl_registrar_set_gruu (self->registrar, self->gruu);
      pl_registrar_set_expires_range (self->registrar, self->min_expires, self->max_expires);
    }
  return self->registrar;
}

PlRegistrar *
pl_scscf_get_registrar (PlScscf *self)
{
  g_return_val_if_fail (PL_IS_SCSCF (self), NULL);
  return _pl_scscf_registrar (self);
}

void
pl_scscf_set_hss (PlScscf *self,
                  PlNode  *hss)
{
  g_return_if_fail (PL_IS_SCSCF (self));
  g_return_if_fail (PL_IS_HSS (hss));
  self->hss = PL_HSS (hss);
}

static void
pl_scscf_finalize (GObject *object)
{
  PlScscf *self = PL_SCSCF (object);

  g_free (self->hss_id);
  g_free (self->domain);
  g_free (self->realm);
  g_strfreev (self->trusted);
  g_clear_pointer (&self->registrar, pl_registrar_free);
  g_clear_pointer (&self->nonces, g_hash_table_unref);
  g_clear_pointer (&self->third_party, g_hash_table_unref);
  g_clear_pointer (&self->chains, g_hash_table_unref);
  g_clear_pointer (&self->reg_aors, g_ptr_array_unref);

  G_OBJECT_CLASS (pl_scscf_parent_class)->finalize (object);
}

static void
pl_scscf_class_init (PlScscfClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_scscf_finalize;
  node_class->configure = pl_scscf_configure;
  node_class->resolve = pl_scscf_resolve;
  node_class->describe = _pl_scscf_describe;
  node_class->request = pl_scscf_request;
  node_class->stray_response = pl_proxy_forward_stray;
}

static void
pl_scscf_init (PlScscf *self)
{
  self->pref = TRUE;
  self->convert_503 = TRUE;
  self->min_expires = 60;
  self->max_expires = 600000;
  self->as_timeout = PL_SEC (4);
  self->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->third_party = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             _pl_scscf_third_party_free);
  self->chains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->reg_max_expires = 600000;
  self->reg_aors = g_ptr_array_new_with_free_func (_pl_scscf_reg_free);
}
