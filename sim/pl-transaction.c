/* pl-transaction.c: RFC 3261 §17 client and server transactions.
 *
 * Timers run on virtual time: a lost UDP request is retransmitted at T1,
 * 2*T1, ... and a dead peer gives 408 after 64*T1, in microseconds of
 * real time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-transaction"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>

#include "pl-node-private.h"
#include "pl-transaction.h"
#include "pl-wire.h"

typedef enum {
  TXN_CALLING,
  TXN_TRYING,
  TXN_PROCEEDING,
  TXN_COMPLETED,
  TXN_CONFIRMED,
  TXN_ACCEPTED,
  TXN_TERMINATED,
} TxnState;

static const char *const state_names[] = {
  "calling", "trying", "proceeding", "completed", "confirmed", "accepted", "terminated",
};

struct _PlStack {
  PlNode *node;
  GHashTable *clients;  /* "branch\nMETHOD" -> PlClientTxn* */
  GHashTable *servers;  /* "branch\nsent-by\nMETHOD" -> PlServerTxn* */
};

struct _PlClientTxn {
  PlStack *stack;
  char *key;
  gboolean invite;
  TxnState state;
  PlNode *next_hop;
  PlTransport transport;
  msg_t *request;
  GBytes *wire;
  GBytes *ack_wire;       /* INVITE, non-2xx final: the ACK, resent on retransmissions */
  PlTime interval;        /* timer A / E */
  PlTimer *retransmit;    /* A or E */
  PlTimer *timeout;       /* B or F */
  PlTimer *linger;        /* D or K */
  PlResponseFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
  gboolean local_response;
  gboolean cancel_pending;
  gboolean cancel_sent;
};

struct _PlServerTxn {
  PlStack *stack;
  char *key;
  char *branch;
  char *sent_by;
  gboolean invite;
  TxnState state;
  PlNode *peer;
  msg_t *request;
  GBytes *last_response;
  int status;
  char *to_tag;
  PlTime interval;        /* timer G */
  PlTimer *retransmit;    /* G */
  PlTimer *timeout;       /* H, or J / I as the linger */
  gpointer data;
  GDestroyNotify data_destroy;
};

static PlSim *
stack_sim (PlStack *stack)
{
  return pl_node_get_sim (stack->node);
}

static PlTransport
transport_to (PlNode *from,
              PlNode *to)
{
  return pl_sim_get_link (pl_node_get_sim (from), from, to)->transport;
}

static void
cancel_timer (PlStack  *stack,
              PlTimer **timer)
{
  pl_node_cancel_timer (stack->node, timer);
}

static void
record_state (PlStack    *stack,
              const char *side,
              const char *key,
              TxnState    state)
{
  /* State changes are cheap to record and make the studio's transaction
   * view possible; they are not exported to ladders. */
  PlTraceEvent *event = pl_node_begin_event (stack->node, PL_EVENT_STATE, "transaction");
  const char *nl = strchr (key, '\n');
  g_autofree char *branch = nl ? g_strndup (key, nl - key) : g_strdup (key);

  pl_trace_event_add_string (event, "side", side);
  pl_trace_event_add_string (event, "branch", branch);
  pl_trace_event_add_string (event, "state", state_names[state]);
  pl_node_commit_event (stack->node, event);
}

static void
record_timeout (PlStack    *stack,
                const char *timer,
                msg_t      *request)
{
  sip_t *sip = sip_object (request);
  PlTraceEvent *event = pl_node_begin_event (stack->node, PL_EVENT_TIMEOUT, NULL);

  pl_trace_event_add_string (event, "timer", timer);
  pl_trace_event_add_string (event, "method", sip->sip_cseq ? sip->sip_cseq->cs_method_name : "");
  pl_trace_event_add_string (event, "branch", sip->sip_via ? sip->sip_via->v_branch : "");
  pl_node_commit_event (stack->node, event);
}

static void
record_absorbed (PlStack    *stack,
                 sip_t      *sip,
                 const char *what)
{
  g_autofree char *label = pl_wire_label (sip);
  PlTraceEvent *event = pl_node_begin_event (stack->node, PL_EVENT_ABSORBED, NULL);

  pl_trace_event_add_string (event, "label", label);
  pl_trace_event_add_string (event, "branch", sip->sip_via ? sip->sip_via->v_branch : "");
  pl_trace_event_add_string (event, "by", what);
  pl_node_commit_event (stack->node, event);
}

void
pl_node_record_absorbed (PlNode     *node,
                         sip_t      *sip,
                         const char *by)
{
  record_absorbed (_pl_node_get_stack (node), sip, by);
}

/* ---- SIP helpers ---- */

void
pl_sip_header_changed (void *header)
{
  msg_fragment_clear (((msg_header_t *) header)->sh_common);
}

msg_t *
pl_sip_make_response (const sip_t *request,
                      int          status,
                      const char  *phrase)
{
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);

  if (phrase == NULL)
    phrase = sip_status_phrase (status);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_status_create (home, status, phrase ? phrase : "Unknown",
                                                         NULL));
  /* RFC 3261 §8.2.6.2 */
  sip_add_dup (msg, sip, (sip_header_t *) request->sip_via);
  sip_add_dup (msg, sip, (sip_header_t *) request->sip_from);
  sip_add_dup (msg, sip, (sip_header_t *) request->sip_to);
  sip_add_dup (msg, sip, (sip_header_t *) request->sip_call_id);
  sip_add_dup (msg, sip, (sip_header_t *) request->sip_cseq);
  return msg;
}

static char *
sent_by_of (PlNode *node)
{
  if (pl_node_has_port (node))
    return g_strdup_printf ("%s:%u", pl_node_get_hostname (node), pl_node_get_port (node));
  return g_strdup (pl_node_get_hostname (node));
}

static char *
via_sent_by (const sip_via_t *via)
{
  if (via->v_port)
    return g_strdup_printf ("%s:%s", via->v_host, via->v_port);
  return g_strdup (via->v_host);
}

static char *
add_via (PlNode      *node,
         msg_t       *msg,
         PlTransport  transport)
{
  sip_t *sip = sip_object (msg);
  g_autofree char *sent_by = sent_by_of (node);
  char *branch = pl_node_new_branch (node);
  sip_via_t *via = sip_via_format (msg_home (msg), "SIP/2.0/%s %s;branch=%s",
                                   transport == PL_TRANSPORT_TCP ? "TCP" : "UDP", sent_by, branch);

  msg_header_insert (msg, (msg_pub_t *) sip, (msg_header_t *) via);
  return branch;
}

PlNode *
pl_node_next_hop (PlNode *node,
                  sip_t  *sip)
{
  const url_t *target;

  g_return_val_if_fail (sip && sip->sip_request, NULL);

  /* RFC 3261 §8.1.2: the first Route, else the Request-URI. */
  target = sip->sip_route ? sip->sip_route->r_url : sip->sip_request->rq_url;
  if (target == NULL || target->url_host == NULL)
    return NULL;
  return pl_sim_resolve (pl_node_get_sim (node), target->url_host,
                         target->url_port ? (guint16) g_ascii_strtoull (target->url_port, NULL, 10) : 0);
}

/* ---- stack ---- */

static void client_txn_free (gpointer data);
static void server_txn_free (gpointer data);

PlStack *
_pl_stack_new (PlNode *node)
{
  PlStack *stack = g_new0 (PlStack, 1);

  stack->node = node;
  stack->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, client_txn_free);
  stack->servers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, server_txn_free);
  return stack;
}

void
_pl_stack_free (PlStack *stack)
{
  g_hash_table_unref (stack->clients);
  g_hash_table_unref (stack->servers);
  g_free (stack);
}

guint
pl_node_get_n_transactions (PlNode *node)
{
  PlStack *stack = _pl_node_get_stack (node);

  return stack ? g_hash_table_size (stack->clients) + g_hash_table_size (stack->servers) : 0;
}

/* ---- client transactions ---- */

static void
client_txn_free (gpointer data)
{
  PlClientTxn *txn = data;
  PlScheduler *scheduler = pl_sim_get_scheduler (stack_sim (txn->stack));

  /* The scheduler is gone when the whole sim is being disposed. */
  if (scheduler)
    {
      cancel_timer (txn->stack, &txn->retransmit);
      cancel_timer (txn->stack, &txn->timeout);
      cancel_timer (txn->stack, &txn->linger);
    }
  if (txn->destroy)
    txn->destroy (txn->user_data);
  g_free (txn->key);
  g_clear_pointer (&txn->request, msg_destroy);
  g_clear_pointer (&txn->wire, g_bytes_unref);
  g_clear_pointer (&txn->ack_wire, g_bytes_unref);
  g_free (txn);
}

static void
client_set_state (PlClientTxn *txn,
                  TxnState     state)
{
  txn->state = state;
  record_state (txn->stack, "client", txn->key, state);
}

static void
client_terminate (PlClientTxn *txn)
{
  client_set_state (txn, TXN_TERMINATED);
  g_hash_table_remove (txn->stack->clients, txn->key);
}

static void
client_pass_up (PlClientTxn *txn,
                msg_t       *msg)
{
  if (txn->func)
    txn->func (txn, msg, sip_object (msg), txn->user_data);
}

static void
on_client_linger (gpointer data)
{
  PlClientTxn *txn = data;

  txn->linger = NULL;
  client_terminate (txn);
}

static void
on_client_retransmit (gpointer data)
{
  PlClientTxn *txn = data;

  txn->retransmit = NULL;
  pl_sim_transmit (stack_sim (txn->stack), txn->stack->node, txn->next_hop, PL_EVENT_RETRANSMIT,
                   "sip", txn->wire, sip_object (txn->request)->sip_request->rq_method_name);

  /* Timer A doubles without bound; timer E doubles up to T2, and stays
   * at T2 once a provisional response came (RFC 3261 §17.1.1.2, §17.1.2.2). */
  if (txn->invite)
    txn->interval *= 2;
  else if (txn->state == TXN_PROCEEDING)
    txn->interval = PL_T2;
  else
    txn->interval = MIN (txn->interval * 2, PL_T2);
  txn->retransmit = pl_node_add_timer (txn->stack->node, txn->interval, on_client_retransmit,
                                       txn, NULL);
}

static void
on_client_timeout (gpointer data)
{
  PlClientTxn *txn = data;
  g_autoptr (msg_t) response = NULL;

  txn->timeout = NULL;
  cancel_timer (txn->stack, &txn->retransmit);
  record_timeout (txn->stack, txn->invite ? "B" : "F", txn->request);

  /* RFC 3261 §8.1.3.1: a transaction timeout is a 408 to the TU. */
  response = pl_sip_make_response (sip_object (txn->request), 408, NULL);
  txn->local_response = TRUE;
  txn->state = TXN_TERMINATED;
  client_pass_up (txn, response);
  client_terminate (txn);
}

static void
on_unresolved (gpointer data)
{
  PlClientTxn *txn = data;
  g_autoptr (msg_t) response = NULL;
  sip_t *sip = sip_object (txn->request);
  const url_t *target = sip->sip_route ? sip->sip_route->r_url : sip->sip_request->rq_url;

  txn->timeout = NULL;
  pl_node_app_event (txn->stack->node, "transport-error", "no node answers to %s",
                     target && target->url_host ? target->url_host : "(no host)");
  /* RFC 3261 §8.1.3.1: a transport failure is treated as a 503. */
  response = pl_sip_make_response (sip, 503, NULL);
  txn->local_response = TRUE;
  client_pass_up (txn, response);
  client_terminate (txn);
}

static PlClientTxn *
client_start (PlNode         *node,
              PlNode         *next_hop,
              msg_t          *request,
              gboolean        new_via,
              PlResponseFunc  func,
              gpointer        user_data)
{
  PlStack *stack = _pl_node_get_stack (node);
  sip_t *sip = sip_object (request);
  PlClientTxn *txn = g_new0 (PlClientTxn, 1);
  g_autofree char *branch = NULL;

  txn->stack = stack;
  txn->request = request;
  txn->func = func;
  txn->user_data = user_data;
  txn->invite = sip->sip_request->rq_method == sip_method_invite;
  txn->next_hop = next_hop;
  txn->transport = next_hop ? transport_to (node, next_hop) : PL_TRANSPORT_UDP;

  if (new_via)
    branch = add_via (node, request, txn->transport);
  else
    branch = g_strdup (sip->sip_via->v_branch);

  if (sip->sip_max_forwards == NULL)
    msg_header_insert (request, (msg_pub_t *) sip,
                       (msg_header_t *) sip_max_forwards_make (msg_home (request), "70"));

  txn->key = g_strdup_printf ("%s\n%s", branch, sip->sip_request->rq_method_name);
  txn->wire = pl_wire_serialize (request);
  g_hash_table_replace (stack->clients, txn->key, txn);
  client_set_state (txn, txn->invite ? TXN_CALLING : TXN_TRYING);

  if (next_hop == NULL)
    {
      txn->timeout = pl_node_add_timer (node, 0, on_unresolved, txn, NULL);
      return txn;
    }

  pl_sim_transmit (pl_node_get_sim (node), node, next_hop, PL_EVENT_SEND, "sip", txn->wire,
                   sip->sip_request->rq_method_name);

  /* RFC 3261 §17.1.1.2 and §17.1.2.2: retransmit only over UDP. */
  if (txn->transport == PL_TRANSPORT_UDP)
    {
      txn->interval = PL_T1;
      txn->retransmit = pl_node_add_timer (node, txn->interval, on_client_retransmit, txn, NULL);
    }
  txn->timeout = pl_node_add_timer (node, 64 * PL_T1, on_client_timeout, txn, NULL);
  return txn;
}

PlClientTxn *
pl_client_txn_send_to (PlNode         *node,
                       PlNode         *next_hop,
                       msg_t          *request,
                       PlResponseFunc  func,
                       gpointer        user_data)
{
  g_return_val_if_fail (PL_IS_NODE (node), NULL);
  g_return_val_if_fail (request && sip_object (request)->sip_request, NULL);

  return client_start (node, next_hop, request, TRUE, func, user_data);
}

PlClientTxn *
pl_client_txn_send (PlNode         *node,
                    msg_t          *request,
                    PlResponseFunc  func,
                    gpointer        user_data)
{
  g_return_val_if_fail (PL_IS_NODE (node), NULL);
  g_return_val_if_fail (request && sip_object (request)->sip_request, NULL);

  return client_start (node, pl_node_next_hop (node, sip_object (request)), request, TRUE, func,
                       user_data);
}

/* RFC 3261 §17.1.1.3: the ACK of a non-2xx final response. */
static msg_t *
make_ack (msg_t *request,
          sip_t *response)
{
  sip_t *rq = sip_object (request);
  msg_t *ack = pl_wire_new_msg ();
  sip_t *sip = sip_object (ack);
  su_home_t *home = msg_home (ack);

  msg_header_insert (ack, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, SIP_METHOD_ACK,
                                                          (url_string_t *) rq->sip_request->rq_url,
                                                          NULL));
  msg_header_insert (ack, (msg_pub_t *) sip, msg_header_dup_one (home, (msg_header_t *) rq->sip_via));
  sip_add_dup (ack, sip, (sip_header_t *) rq->sip_max_forwards);
  sip_add_dup (ack, sip, (sip_header_t *) rq->sip_route);
  sip_add_dup (ack, sip, (sip_header_t *) rq->sip_from);
  sip_add_dup (ack, sip, (sip_header_t *) response->sip_to);
  sip_add_dup (ack, sip, (sip_header_t *) rq->sip_call_id);
  msg_header_insert (ack, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, rq->sip_cseq->cs_seq, SIP_METHOD_ACK));
  return ack;
}

static void
send_cancel (PlClientTxn *txn)
{
  sip_t *rq = sip_object (txn->request);
  msg_t *cancel = pl_wire_new_msg ();
  sip_t *sip = sip_object (cancel);
  su_home_t *home = msg_home (cancel);

  /* RFC 3261 §9.1: same Request-URI, Call-ID, To, From, CSeq number,
   * Route and top Via as the INVITE. */
  txn->cancel_sent = TRUE;
  msg_header_insert (cancel, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, SIP_METHOD_CANCEL,
                                                          (url_string_t *) rq->sip_request->rq_url,
                                                          NULL));
  msg_header_insert (cancel, (msg_pub_t *) sip,
                     msg_header_dup_one (home, (msg_header_t *) rq->sip_via));
  sip_add_dup (cancel, sip, (sip_header_t *) rq->sip_max_forwards);
  sip_add_dup (cancel, sip, (sip_header_t *) rq->sip_route);
  sip_add_dup (cancel, sip, (sip_header_t *) rq->sip_from);
  sip_add_dup (cancel, sip, (sip_header_t *) rq->sip_to);
  sip_add_dup (cancel, sip, (sip_header_t *) rq->sip_call_id);
  msg_header_insert (cancel, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, rq->sip_cseq->cs_seq,
                                                       SIP_METHOD_CANCEL));
  client_start (txn->stack->node, txn->next_hop, cancel, FALSE, NULL, NULL);
}

void
pl_client_txn_cancel (PlClientTxn *txn)
{
  g_return_if_fail (txn != NULL);
  g_return_if_fail (txn->invite);

  if (txn->cancel_sent || txn->state >= TXN_COMPLETED)
    return;
  if (txn->state == TXN_PROCEEDING)
    send_cancel (txn);
  else
    txn->cancel_pending = TRUE;
}

void
pl_client_txn_detach (PlClientTxn *txn)
{
  g_return_if_fail (txn != NULL);
  txn->func = NULL;
  txn->user_data = NULL;
  txn->destroy = NULL;
}

void
pl_client_txn_set_destroy_notify (PlClientTxn    *txn,
                                  GDestroyNotify  destroy)
{
  g_return_if_fail (txn != NULL);
  txn->destroy = destroy;
}

msg_t *
pl_client_txn_get_request (PlClientTxn *txn)
{
  return txn->request;
}

PlNode *
pl_client_txn_get_next_hop (PlClientTxn *txn)
{
  return txn->next_hop;
}

gboolean
pl_client_txn_is_local_response (PlClientTxn *txn)
{
  return txn->local_response;
}

static void
client_receive (PlClientTxn *txn,
                msg_t       *msg,
                sip_t       *sip)
{
  int status = sip->sip_status->st_status;
  PlNode *node = txn->stack->node;

  if (txn->state == TXN_COMPLETED || txn->state == TXN_TERMINATED)
    {
      /* A retransmitted final response: §17.1.1.2 resends the ACK. */
      record_absorbed (txn->stack, sip, "client transaction");
      if (txn->invite && txn->ack_wire && status >= 300)
        pl_sim_transmit (pl_node_get_sim (node), node, txn->next_hop, PL_EVENT_RETRANSMIT, "sip",
                         txn->ack_wire, "ACK");
      return;
    }

  if (status < 200)
    {
      if (txn->state != TXN_PROCEEDING)
        client_set_state (txn, TXN_PROCEEDING);
      /* §17.1.1.2: in Proceeding an INVITE is neither retransmitted nor
       * timed out by timer B; it rings until a final response or CANCEL. */
      if (txn->invite)
        {
          cancel_timer (txn->stack, &txn->retransmit);
          cancel_timer (txn->stack, &txn->timeout);
        }
      client_pass_up (txn, msg);
      if (txn->cancel_pending && !txn->cancel_sent && txn->state == TXN_PROCEEDING)
        send_cancel (txn);
      return;
    }

  cancel_timer (txn->stack, &txn->retransmit);
  cancel_timer (txn->stack, &txn->timeout);

  if (txn->invite && status < 300)
    {
      /* 2xx: the TU acknowledges it (§17.1.1.2); the transaction ends. */
      txn->state = TXN_TERMINATED;
      client_pass_up (txn, msg);
      client_terminate (txn);
      return;
    }

  client_set_state (txn, TXN_COMPLETED);
  if (txn->invite)
    {
      g_autoptr (msg_t) ack = make_ack (txn->request, sip);

      txn->ack_wire = pl_wire_serialize (ack);
      pl_sim_transmit (pl_node_get_sim (node), node, txn->next_hop, PL_EVENT_SEND, "sip",
                       txn->ack_wire, "ACK");
    }
  /* Timer D (32 s, §17.1.1.2) or K (T4, §17.1.2.2); zero over TCP. */
  txn->linger = pl_node_add_timer (node,
                                   txn->transport == PL_TRANSPORT_TCP ? 0
                                   : txn->invite ? PL_SEC (32) : PL_T4,
                                   on_client_linger, txn, NULL);
  client_pass_up (txn, msg);
}

/* ---- server transactions ---- */

static void
server_txn_free (gpointer data)
{
  PlServerTxn *txn = data;
  PlScheduler *scheduler = pl_sim_get_scheduler (stack_sim (txn->stack));

  if (scheduler)
    {
      cancel_timer (txn->stack, &txn->retransmit);
      cancel_timer (txn->stack, &txn->timeout);
    }
  if (txn->data_destroy)
    txn->data_destroy (txn->data);
  g_free (txn->key);
  g_free (txn->branch);
  g_free (txn->sent_by);
  g_free (txn->to_tag);
  g_clear_pointer (&txn->request, msg_destroy);
  g_clear_pointer (&txn->last_response, g_bytes_unref);
  g_free (txn);
}

static void
server_set_state (PlServerTxn *txn,
                  TxnState     state)
{
  txn->state = state;
  record_state (txn->stack, "server", txn->key, state);
}

static void
on_server_terminate (gpointer data)
{
  PlServerTxn *txn = data;

  txn->timeout = NULL;
  server_set_state (txn, TXN_TERMINATED);
  g_hash_table_remove (txn->stack->servers, txn->key);
}

static void
on_server_timer_h (gpointer data)
{
  PlServerTxn *txn = data;

  txn->timeout = NULL;
  cancel_timer (txn->stack, &txn->retransmit);
  /* §17.2.1: no ACK ever came. */
  record_timeout (txn->stack, "H", txn->request);
  server_set_state (txn, TXN_TERMINATED);
  g_hash_table_remove (txn->stack->servers, txn->key);
}

static void
on_server_retransmit (gpointer data)
{
  PlServerTxn *txn = data;
  g_autofree char *label = NULL;
  g_autoptr (msg_t) msg = pl_wire_parse (txn->last_response, NULL);

  txn->retransmit = NULL;
  label = pl_wire_label (msg ? sip_object (msg) : NULL);
  pl_sim_transmit (stack_sim (txn->stack), txn->stack->node, txn->peer, PL_EVENT_RETRANSMIT,
                   "sip", txn->last_response, label);
  /* Timer G doubles up to T2 (§17.2.1). */
  txn->interval = MIN (txn->interval * 2, PL_T2);
  txn->retransmit = pl_node_add_timer (txn->stack->node, txn->interval, on_server_retransmit,
                                       txn, NULL);
}

msg_t *
pl_server_txn_make_response (PlServerTxn *txn,
                             int          status,
                             const char  *phrase)
{
  sip_t *rq;
  msg_t *response;
  sip_t *sip;

  g_return_val_if_fail (txn != NULL, NULL);

  rq = sip_object (txn->request);
  response = pl_sip_make_response (rq, status, phrase);
  sip = sip_object (response);
  if (status > 100 && sip->sip_to && sip->sip_to->a_tag == NULL)
    {
      if (txn->to_tag == NULL)
        txn->to_tag = pl_node_new_tag (txn->stack->node);
      sip_to_tag (msg_home (response), sip->sip_to, txn->to_tag);
    }
  return response;
}

void
pl_server_txn_respond (PlServerTxn *txn,
                       msg_t       *response)
{
  sip_t *sip;
  int status;
  PlNode *node;
  PlTransport transport;
  g_autofree char *label = NULL;

  g_return_if_fail (txn != NULL);
  g_return_if_fail (response && sip_object (response)->sip_status);

  sip = sip_object (response);
  status = sip->sip_status->st_status;
  node = txn->stack->node;

  if (txn->state >= TXN_COMPLETED || (txn->status >= 200))
    {
      g_warning ("%s: response %d to a transaction already answered %d", pl_node_get_id (node),
                 status, txn->status);
      msg_destroy (response);
      return;
    }

  label = pl_wire_label (sip);
  g_clear_pointer (&txn->last_response, g_bytes_unref);
  txn->last_response = pl_wire_serialize (response);
  txn->status = status;
  msg_destroy (response);

  pl_sim_transmit (pl_node_get_sim (node), node, txn->peer, PL_EVENT_SEND, "sip",
                   txn->last_response, label);

  transport = transport_to (node, txn->peer);
  if (status < 200)
    {
      if (txn->state != TXN_PROCEEDING)
        server_set_state (txn, TXN_PROCEEDING);
      return;
    }

  if (txn->invite && status < 300)
    {
      /* RFC 6026 §7.1 (updating §17.2.1): after a 2xx the transaction
       * waits in Accepted for timer L = 64*T1, absorbing retransmitted
       * INVITEs so they never reach the TU as a new call; the TU itself
       * retransmits the 2xx until the ACK. */
      server_set_state (txn, TXN_ACCEPTED);
      txn->timeout = pl_node_add_timer (node, 64 * PL_T1, on_server_terminate, txn, NULL);
      return;
    }

  server_set_state (txn, TXN_COMPLETED);
  if (txn->invite)
    {
      if (transport == PL_TRANSPORT_UDP)
        {
          txn->interval = PL_T1;
          txn->retransmit = pl_node_add_timer (node, txn->interval, on_server_retransmit, txn,
                                               NULL);
        }
      txn->timeout = pl_node_add_timer (node, 64 * PL_T1, on_server_timer_h, txn, NULL);
    }
  else
    {
      /* Timer J: 64*T1 over UDP, zero over TCP (§17.2.2). */
      txn->timeout = pl_node_add_timer (node, transport == PL_TRANSPORT_UDP ? 64 * PL_T1 : 0,
                                        on_server_terminate, txn, NULL);
    }
}

void
pl_server_txn_reply (PlServerTxn *txn,
                     int          status,
                     const char  *phrase)
{
  pl_server_txn_respond (txn, pl_server_txn_make_response (txn, status, phrase));
}

msg_t *
pl_server_txn_get_request (PlServerTxn *txn)
{
  return txn->request;
}

PlNode *
pl_server_txn_get_peer (PlServerTxn *txn)
{
  return txn->peer;
}

int
pl_server_txn_get_status (PlServerTxn *txn)
{
  return txn->status;
}

const char *
pl_server_txn_get_to_tag (PlServerTxn *txn)
{
  return txn->to_tag;
}

void
pl_server_txn_set_to_tag (PlServerTxn *txn,
                          const char  *tag)
{
  g_free (txn->to_tag);
  txn->to_tag = g_strdup (tag);
}

void
pl_server_txn_set_data (PlServerTxn    *txn,
                        gpointer        data,
                        GDestroyNotify  destroy)
{
  if (txn->data_destroy)
    txn->data_destroy (txn->data);
  txn->data = data;
  txn->data_destroy = destroy;
}

gpointer
pl_server_txn_get_data (PlServerTxn *txn)
{
  return txn->data;
}

static char *
server_key (const char *branch,
            const char *sent_by,
            const char *method)
{
  return g_strdup_printf ("%s\n%s\n%s", branch, sent_by, method);
}

PlServerTxn *
pl_server_txn_find_invite (PlServerTxn *cancel)
{
  g_autofree char *key = server_key (cancel->branch, cancel->sent_by, "INVITE");

  return g_hash_table_lookup (cancel->stack->servers, key);
}

static void
server_receive (PlStack *stack,
                PlNode  *from,
                msg_t   *msg,
                sip_t   *sip)
{
  PlNodeClass *klass = PL_NODE_GET_CLASS (stack->node);
  const char *method = sip->sip_request->rq_method_name;
  gboolean ack = sip->sip_request->rq_method == sip_method_ack;
  g_autofree char *sent_by = via_sent_by (sip->sip_via);
  const char *branch = sip->sip_via->v_branch ? sip->sip_via->v_branch : "";
  g_autofree char *key = server_key (branch, sent_by, ack ? "INVITE" : method);
  PlServerTxn *txn = g_hash_table_lookup (stack->servers, key);

  if (txn)
    {
      if (ack)
        {
          /* §17.2.1: the ACK of a non-2xx final response. */
          record_absorbed (stack, sip, "server transaction");
          if (txn->state == TXN_COMPLETED)
            {
              PlTransport transport = transport_to (stack->node, txn->peer);

              cancel_timer (stack, &txn->retransmit);
              cancel_timer (stack, &txn->timeout);
              server_set_state (txn, TXN_CONFIRMED);
              txn->timeout = pl_node_add_timer (stack->node,
                                                transport == PL_TRANSPORT_UDP ? PL_T4 : 0,
                                                on_server_terminate, txn, NULL);
            }
          return;
        }

      /* A retransmitted request: resend the last response, if any
       * (§17.2.1, §17.2.2); in Accepted only absorb it (RFC 6026 §8.7). */
      record_absorbed (stack, sip, "server transaction");
      if (txn->last_response && txn->state != TXN_ACCEPTED)
        {
          g_autoptr (msg_t) last = pl_wire_parse (txn->last_response, NULL);
          g_autofree char *label = pl_wire_label (last ? sip_object (last) : NULL);

          pl_sim_transmit (pl_node_get_sim (stack->node), stack->node, txn->peer,
                           PL_EVENT_RETRANSMIT, "sip", txn->last_response, label);
        }
      return;
    }

  if (ack)
    {
      /* The ACK of a 2xx is a transaction of its own (§17.1.1.3). */
      if (klass->request)
        klass->request (stack->node, NULL, msg, sip);
      return;
    }

  txn = g_new0 (PlServerTxn, 1);
  txn->stack = stack;
  txn->key = g_steal_pointer (&key);
  txn->branch = g_strdup (branch);
  txn->sent_by = g_steal_pointer (&sent_by);
  txn->invite = sip->sip_request->rq_method == sip_method_invite;
  txn->peer = from;
  txn->request = msg_ref (msg);
  g_hash_table_replace (stack->servers, txn->key, txn);
  server_set_state (txn, txn->invite ? TXN_PROCEEDING : TXN_TRYING);

  if (klass->request)
    klass->request (stack->node, txn, msg, sip);

  /* §17.2.1: a 100 Trying unless the TU already answered. */
  if (txn->invite && txn->status == 0)
    pl_server_txn_reply (txn, 100, NULL);
}

void
_pl_stack_receive (PlNode *node,
                   PlNode *from,
                   msg_t  *msg)
{
  PlStack *stack = _pl_node_get_stack (node);
  sip_t *sip = sip_object (msg);

  if (sip->sip_request)
    {
      server_receive (stack, from, msg, sip);
      return;
    }

  {
    g_autofree char *key = g_strdup_printf ("%s\n%s",
                                            sip->sip_via->v_branch ? sip->sip_via->v_branch : "",
                                            sip->sip_cseq->cs_method_name);
    PlClientTxn *txn = g_hash_table_lookup (stack->clients, key);
    PlNodeClass *klass;

    if (txn)
      {
        client_receive (txn, msg, sip);
        return;
      }

    klass = PL_NODE_GET_CLASS (node);
    if (klass->stray_response)
      klass->stray_response (node, msg, sip);
    else
      record_absorbed (stack, sip, "no transaction");
  }
}

gboolean
pl_node_send_stateless (PlNode  *node,
                        msg_t   *msg,
                        gboolean new_via)
{
  sip_t *sip = sip_object (msg);
  PlNode *next_hop;

  g_return_val_if_fail (PL_IS_NODE (node), FALSE);

  if (sip->sip_request)
    {
      next_hop = pl_node_next_hop (node, sip);
      if (next_hop == NULL)
        {
          pl_node_app_event (node, "transport-error", "no node answers to the %s's next hop",
                             sip->sip_request->rq_method_name);
          return FALSE;
        }
      if (new_via)
        g_free (add_via (node, msg, transport_to (node, next_hop)));
      if (sip->sip_max_forwards == NULL)
        msg_header_insert (msg, (msg_pub_t *) sip,
                           (msg_header_t *) sip_max_forwards_make (msg_home (msg), "70"));
    }
  else
    {
      /* §18.2.2: to the sent-by of the top Via. */
      if (sip->sip_via == NULL)
        return FALSE;
      next_hop = pl_sim_resolve (pl_node_get_sim (node), sip->sip_via->v_host,
                                 sip->sip_via->v_port
                                 ? (guint16) g_ascii_strtoull (sip->sip_via->v_port, NULL, 10)
                                 : 5060);
      if (next_hop == NULL)
        {
          pl_node_app_event (node, "transport-error", "no node answers to Via %s",
                             sip->sip_via->v_host);
          return FALSE;
        }
    }
  pl_node_transmit_msg (node, next_hop, PL_EVENT_SEND, msg);
  return TRUE;
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The keys of @table, sorted: hash order must not reach the panel. */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

static PlStateRow *
add_txn_row (PlState    *state,
             const char *side,
             msg_t      *request,
             const char *branch,
             TxnState    txn_state)
{
  sip_t *sip = request ? sip_object (request) : NULL;
  const char *method = sip && sip->sip_request ? sip->sip_request->rq_method_name : "?";
  PlStateRow *row = pl_state_add_rowf (state, NULL, side, "%s %s", method, branch);

  pl_state_add_row (state, row, "state", state_names[txn_state]);
  return row;
}

void
_pl_stack_describe (PlStack *stack,
                    PlState *state)
{
  g_autoptr (GPtrArray) clients = sorted_keys (stack->clients);
  g_autoptr (GPtrArray) servers = sorted_keys (stack->servers);

  pl_state_begin_section (state, "transactions");
  for (guint i = 0; i < clients->len; i++)
    {
      PlClientTxn *txn = g_hash_table_lookup (stack->clients, g_ptr_array_index (clients, i));
      g_autofree char *branch = g_strndup (txn->key, strcspn (txn->key, "\n"));
      PlStateRow *row = add_txn_row (state, "client", txn->request, branch, txn->state);

      if (txn->next_hop)
        pl_state_add_row (state, row, "next hop", pl_node_get_id (txn->next_hop));
    }
  for (guint i = 0; i < servers->len; i++)
    {
      PlServerTxn *txn = g_hash_table_lookup (stack->servers, g_ptr_array_index (servers, i));
      PlStateRow *row = add_txn_row (state, "server", txn->request, txn->branch, txn->state);

      if (txn->peer)
        pl_state_add_row (state, row, "from", pl_node_get_id (txn->peer));
      if (txn->status)
        pl_state_add_rowf (state, row, "answered", "%d", txn->status);
    }
}
