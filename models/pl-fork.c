/* pl-fork.c: response context of a stateful proxy, RFC 3261 §16.7.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-fork"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>

#include "pl-fork.h"
#include "pl-wire.h"

typedef struct {
  PlFork *fork;
  PlClientTxn *client;
  gboolean invite;
  gboolean final;
} Branch;

struct _PlFork {
  gatomicrefcount ref;
  PlNode *node;
  PlServerTxn *server;
  PlForkExhaustedFunc exhausted;
  PlForkResponseFunc response;
  gpointer user_data;
  GDestroyNotify destroy;

  GPtrArray *branches;       /* Branch*, owned */
  guint pending;
  gboolean done;
  gboolean answered_2xx;
  gboolean convert_503;

  msg_t *best;               /* best final non-2xx so far */
  int best_status;
  gboolean best_local;
};

PlFork *
pl_fork_ref (PlFork *fork)
{
  g_atomic_ref_count_inc (&fork->ref);
  return fork;
}

void
pl_fork_unref (PlFork *fork)
{
  if (fork == NULL || !g_atomic_ref_count_dec (&fork->ref))
    return;
  if (fork->destroy)
    fork->destroy (fork->user_data);
  g_clear_pointer (&fork->best, msg_destroy);
  g_ptr_array_unref (fork->branches);
  g_free (fork);
}

static void
on_server_gone (gpointer data)
{
  PlFork *fork = data;

  fork->server = NULL;
  pl_fork_unref (fork);
}

PlFork *
pl_fork_new (PlNode              *node,
             PlServerTxn         *server,
             PlForkExhaustedFunc  exhausted,
             PlForkResponseFunc   response,
             gpointer             user_data,
             GDestroyNotify       destroy)
{
  PlFork *fork = g_new0 (PlFork, 1);

  g_atomic_ref_count_init (&fork->ref);
  fork->node = node;
  fork->server = server;
  fork->exhausted = exhausted;
  fork->response = response;
  fork->user_data = user_data;
  fork->destroy = destroy;
  fork->branches = g_ptr_array_new_with_free_func (g_free);
  fork->convert_503 = TRUE;
  if (server)
    pl_server_txn_set_data (server, pl_fork_ref (fork), on_server_gone);
  return fork;
}

void
pl_fork_set_convert_503 (PlFork   *fork,
                         gboolean  convert)
{
  fork->convert_503 = convert;
}

gboolean
pl_fork_is_done (PlFork *fork)
{
  return fork->done;
}

/* Our Via goes before the response travels on (§16.7 step 3). */
static void
send_upstream (PlFork *fork,
               msg_t  *msg)
{
  msg_t *copy;
  sip_t *sip;

  if (fork->server == NULL)
    return;
  copy = msg_dup (msg);
  sip = sip_object (copy);
  if (sip->sip_via)
    msg_header_remove (copy, (msg_pub_t *) sip, (msg_header_t *) sip->sip_via);
  pl_server_txn_respond (fork->server, copy);
}

void
pl_fork_cancel (PlFork *fork)
{
  for (guint i = 0; i < fork->branches->len; i++)
    {
      Branch *branch = g_ptr_array_index (fork->branches, i);

      if (!branch->final && branch->invite)
        pl_client_txn_cancel (branch->client);
    }
}

void
pl_fork_reply (PlFork     *fork,
               int         status,
               const char *phrase)
{
  if (fork->done)
    return;
  fork->done = TRUE;
  if (fork->server && pl_server_txn_get_status (fork->server) < 200)
    pl_server_txn_reply (fork->server, status, phrase);
}

/* §16.7 step 6: a 6xx wins; otherwise the lowest class; a response the
 * transaction layer made up (timeout, unreachable) only when nothing
 * real came. */
static gboolean
is_better (int      status,
           gboolean local,
           PlFork  *fork)
{
  if (fork->best == NULL)
    return TRUE;
  if (fork->best_status >= 600)
    return FALSE;
  if (status >= 600)
    return TRUE;
  if (fork->best_local != local)
    return !local;
  return status / 100 < fork->best_status / 100;
}

static void
finish_with_best (PlFork *fork)
{
  int status = fork->best_status;

  fork->done = TRUE;
  if (fork->server == NULL || pl_server_txn_get_status (fork->server) >= 200)
    return;

  if (status == 503 && fork->convert_503)
    {
      /* §16.7 step 6: "the proxy SHOULD NOT forward a 503 upstream"; it
       * is turned into a 500, which says the next hop, not this proxy,
       * is unavailable. */
      pl_server_txn_reply (fork->server, 500, "Server Internal Error (503 from next hop)");
      return;
    }
  if (fork->best_local || fork->best == NULL)
    pl_server_txn_reply (fork->server, status ? status : 408, NULL);
  else
    send_upstream (fork, fork->best);
}

/* Every branch ended without a 2xx: more branches, or the best answer. */
static void
all_failed (PlFork *fork)
{
  gboolean more = fork->exhausted
                  && fork->exhausted (fork, fork->best_status, fork->best_local,
                                      fork->user_data);

  if (!fork->done && (!more || fork->pending == 0))
    finish_with_best (fork);
}

static void
on_branch_response (PlClientTxn *client,
                    msg_t       *msg,
                    sip_t       *sip,
                    gpointer     user_data)
{
  Branch *branch = user_data;
  PlFork *fork = branch->fork;
  int status = sip->sip_status->st_status;
  gboolean local = pl_client_txn_is_local_response (client);

  if (status < 200)
    {
      /* §16.7 step 5: a 100 stays here, other provisionals go on. */
      if (status > 100 && !fork->done)
        send_upstream (fork, msg);
      return;
    }

  pl_fork_ref (fork);
  branch->final = TRUE;
  fork->pending--;

  if (fork->response)
    fork->response (fork, msg, sip, fork->user_data);

  if (status < 300)
    {
      /* The first 2xx goes up at once; for INVITE every later 2xx too
       * (§16.7 step 5), the UAC acknowledges each. */
      if (!fork->done || (branch->invite && fork->answered_2xx))
        send_upstream (fork, msg);
      fork->done = TRUE;
      fork->answered_2xx = TRUE;
      pl_fork_cancel (fork);
    }
  else if (!fork->done)
    {
      if (is_better (status, local, fork))
        {
          g_clear_pointer (&fork->best, msg_destroy);
          fork->best = msg_dup (msg);
          fork->best_status = status;
          fork->best_local = local;
        }
      if (status >= 600)
        {
          /* §16.7 step 5: a 6xx ends the search. */
          pl_fork_cancel (fork);
          finish_with_best (fork);
        }
      else if (fork->pending == 0)
        all_failed (fork);
    }

  pl_fork_unref (fork);
  /* The branch's own reference. */
  pl_fork_unref (fork);
}

void
pl_fork_give_up (PlFork *fork)
{
  guint abandoned = 0;

  if (fork->done || fork->pending == 0)
    return;
  pl_fork_ref (fork);
  for (guint i = 0; i < fork->branches->len; i++)
    {
      Branch *branch = g_ptr_array_index (fork->branches, i);

      if (branch->final)
        continue;
      /* A non-INVITE cannot be cancelled: its transaction runs out on
       * its own, unheard. */
      if (branch->invite)
        pl_client_txn_cancel (branch->client);
      pl_client_txn_detach (branch->client);
      branch->client = NULL;
      branch->final = TRUE;
      fork->pending--;
      abandoned++;
      pl_fork_unref (fork);
    }
  if (abandoned && fork->best == NULL)
    {
      fork->best_status = 408;
      fork->best_local = TRUE;
    }
  if (fork->pending == 0)
    all_failed (fork);
  pl_fork_unref (fork);
}

/* The branch's transaction is freed: after its final response (the
 * branch's reference is gone already), or without one when the node
 * leaves its sim mid-run; then the branch's reference goes here, or the
 * fork would outlive the sim. */
static void
on_branch_gone (gpointer data)
{
  Branch *branch = data;
  PlFork *fork = branch->fork;

  branch->client = NULL;
  if (branch->final)
    return;
  branch->final = TRUE;
  fork->pending--;
  pl_fork_unref (fork);
}

void
pl_fork_branch (PlFork *fork,
                msg_t  *request)
{
  Branch *branch = g_new0 (Branch, 1);

  g_return_if_fail (!fork->done);

  branch->fork = pl_fork_ref (fork);
  branch->invite = sip_object (request)->sip_request->rq_method == sip_method_invite;
  g_ptr_array_add (fork->branches, branch);
  fork->pending++;
  branch->client = pl_client_txn_send (fork->node, request, on_branch_response, branch);
  pl_client_txn_set_destroy_notify (branch->client, on_branch_gone);
}

msg_t *
pl_fork_prepare (PlNode *node,
                 msg_t  *msg)
{
  msg_t *copy = msg_dup (msg);
  sip_t *sip = sip_object (copy);

  /* §16.4: our own Route entry goes. */
  if (sip->sip_route && pl_node_owns_url (node, sip->sip_route->r_url))
    sip_route_remove (copy, sip);
  /* §16.6 step 3 */
  if (sip->sip_max_forwards)
    {
      sip->sip_max_forwards->mf_count--;
      pl_sip_header_changed (sip->sip_max_forwards);
    }
  return copy;
}

gboolean
pl_proxy_screen_request (PlNode      *node,
                         PlServerTxn *txn,
                         sip_t       *sip)
{
  if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0)
    {
      if (txn)
        pl_server_txn_reply (txn, 483, NULL);
      return TRUE;
    }
  if (txn && sip->sip_request->rq_method == sip_method_cancel)
    {
      PlServerTxn *invite = pl_server_txn_find_invite (txn);
      PlFork *pending = invite ? pl_server_txn_get_data (invite) : NULL;

      pl_server_txn_reply (txn, invite ? 200 : 481, NULL);
      if (pending)
        pl_fork_cancel (pending);
      return TRUE;
    }
  return FALSE;
}

void
pl_proxy_forward_stray (PlNode *node,
                        msg_t  *msg,
                        sip_t  *sip)
{
  g_autoptr (msg_t) copy = NULL;
  sip_t *csip;

  if (sip->sip_via == NULL || sip->sip_via->v_next == NULL)
    return;
  copy = msg_dup (msg);
  csip = sip_object (copy);
  msg_header_remove (copy, (msg_pub_t *) csip, (msg_header_t *) csip->sip_via);
  pl_node_send_stateless (node, copy, FALSE);
}

void
pl_proxy_record_route (msg_t      *msg,
                       const char *value)
{
  sip_t *sip = sip_object (msg);

  msg_header_prepend (msg, (msg_pub_t *) sip, (msg_header_t **) &sip->sip_record_route,
                      (msg_header_t *) sip_record_route_make (msg_home (msg), value));
}
