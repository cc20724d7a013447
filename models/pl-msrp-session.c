/* pl-msrp-session.c: MSRP sessions (RFC 4975): their lifecycle, the
 * virtual TCP connection, and the dispatch of a node's MSRP bytes.
 *
 * A node's sessions hang off an endpoint kept on the node (object
 * data), so any node kind can own sessions without a field of its own.
 * The endpoint keeps one framer per peer node: the frames of a TCP byte
 * stream are cut out in order, then handed to the session their To-Path
 * names (RFC 4975 §6.1 URI comparison).
 *
 * The connection is modelled, not simulated segment by segment: the
 * active side's first SEND opens it (RFC 4975 §5.4), and the passive
 * side binds it to its session when that first frame arrives. (The
 * pcapng exporter draws the TCP handshake before that first frame.)
 * A close reaches the peer one link latency later, as a FIN would; a
 * break is seen at both ends at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp-session"

#include <string.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-msrp-session-private.h"

struct _PlMsrpEndpoint {
  PlNode *node;
  GPtrArray *sessions;   /* PlMsrpSession*, not owned, in creation order */
  GHashTable *framers;   /* peer node index -> PlMsrpFramer* */
  guint n_sessions;      /* sessions ever made here */
  guint n_paths;         /* paths ever made here */
};

static GQuark
endpoint_quark (void)
{
  return g_quark_from_static_string ("pl-msrp-endpoint");
}

/* ---- identifiers ---- */

/* SplitMix64: identifiers that look random in a ladder but are the same
 * in every run. */
static guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

static char *
base36 (guint64 value,
        guint   len)
{
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  char *text = g_malloc (len + 1);

  for (guint i = 0; i < len; i++)
    {
      /* Mix again when the bits run out (12 digits take 62 bits). */
      if (i > 0 && i % 12 == 0)
        value = mix (value);
      text[i] = digits[value % 36];
      value /= 36;
    }
  text[len] = '\0';
  return text;
}

char *
_pl_msrp_session_new_id (PlMsrpSession *self,
                         guint          len)
{
  guint64 seed = ((guint64) (pl_node_get_index (self->node) + 1) << 48)
                 ^ ((guint64) self->serial << 32) ^ ++self->counter;

  return base36 (mix (seed), len);
}

char *
_pl_msrp_session_new_message_id (PlMsrpSession *self)
{
  guint64 seed = ((guint64) (pl_node_get_index (self->node) + 1) << 48)
                 ^ ((guint64) self->serial << 32) ^ (G_GUINT64_CONSTANT (1) << 31)
                 ^ ++self->n_messages;

  return base36 (mix (seed), 11);
}

char *
_pl_msrp_session_peek_id (PlMsrpSession *self)
{
  char *id = _pl_msrp_session_new_id (self, 8);

  self->counter--;
  return id;
}

/* ---- URIs ---- */

gboolean
_pl_msrp_uri_parse (const char *text,
                    PlMsrpUri  *uri)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url;
  const char *semi;
  gboolean ok = FALSE;
  guint64 port = PL_MSRP_DEFAULT_PORT;

  memset (uri, 0, sizeof *uri);
  url = text ? url_make (home, text) : NULL;
  /* RFC 4975 §6: "msrp://" authority "/" session-id ";" transport. */
  if (url != NULL && (url->url_type == url_msrp || url->url_type == url_msrps) && url->url_root
      && url->url_host && *url->url_host && url->url_path
      && (semi = strchr (url->url_path, ';')) != NULL && semi > url->url_path && semi[1] != '\0'
      && (url->url_port == NULL
          || g_ascii_string_to_unsigned (url->url_port, 10, 1, 65535, &port, NULL)))
    {
      const char *end = strchr (semi + 1, ';');

      uri->scheme = g_ascii_strdown (url->url_scheme, -1);
      uri->host = g_ascii_strdown (url->url_host, -1);
      uri->port = (guint) port;
      uri->session_id = g_strndup (url->url_path, (gsize) (semi - url->url_path));
      uri->transport = g_ascii_strdown (semi + 1, end ? end - semi - 1 : -1);
      ok = TRUE;
    }
  su_home_deinit (home);
  return ok;
}

void
_pl_msrp_uri_clear (PlMsrpUri *uri)
{
  g_clear_pointer (&uri->scheme, g_free);
  g_clear_pointer (&uri->host, g_free);
  g_clear_pointer (&uri->session_id, g_free);
  g_clear_pointer (&uri->transport, g_free);
}

/* RFC 4975 §6.1: scheme, host and transport without regard to case,
 * the port as a number, the session-id exactly. */
gboolean
_pl_msrp_uri_equal (const PlMsrpUri *a,
                    const PlMsrpUri *b)
{
  return g_str_equal (a->scheme, b->scheme) && g_str_equal (a->host, b->host)
         && a->port == b->port && g_str_equal (a->session_id, b->session_id)
         && g_str_equal (a->transport, b->transport);
}

char *
_pl_msrp_first_uri (const char *path)
{
  if (path == NULL)
    return NULL;
  path += strspn (path, " ");
  return g_strndup (path, strcspn (path, " "));
}

/* ---- the endpoint ---- */

static void
endpoint_free (gpointer data)
{
  PlMsrpEndpoint *ep = data;

  /* Sessions the owner did not free forget the endpoint. */
  for (guint i = 0; i < ep->sessions->len; i++)
    ((PlMsrpSession *) g_ptr_array_index (ep->sessions, i))->endpoint = NULL;
  g_ptr_array_unref (ep->sessions);
  g_hash_table_unref (ep->framers);
  g_free (ep);
}

static PlMsrpEndpoint *
endpoint_get (PlNode *node)
{
  PlMsrpEndpoint *ep = g_object_get_qdata (G_OBJECT (node), endpoint_quark ());

  if (ep == NULL)
    {
      ep = g_new0 (PlMsrpEndpoint, 1);
      ep->node = node;
      ep->sessions = g_ptr_array_new ();
      ep->framers = g_hash_table_new_full (NULL, NULL, NULL,
                                           (GDestroyNotify) pl_msrp_framer_free);
      g_object_set_qdata_full (G_OBJECT (node), endpoint_quark (), ep, endpoint_free);
    }
  return ep;
}

static PlMsrpSession *
endpoint_find (PlMsrpEndpoint  *ep,
               const char      *path,
               const PlMsrpUri *uri)
{
  for (guint i = 0; i < ep->sessions->len; i++)
    {
      PlMsrpSession *s = g_ptr_array_index (ep->sessions, i);

      if (g_str_equal (s->local_path, path) || (uri && _pl_msrp_uri_equal (&s->local, uri)))
        return s;
    }
  return NULL;
}

static void
endpoint_reset (PlMsrpEndpoint *ep,
                PlNode         *peer)
{
  g_hash_table_remove (ep->framers, GINT_TO_POINTER (pl_node_get_index (peer)));
}

/* ---- trace and callbacks ---- */

PlTraceEvent *
_pl_msrp_session_begin_event (PlMsrpSession *self,
                              const char    *action)
{
  PlTraceEvent *event = pl_node_begin_event (self->node, PL_EVENT_APP, "msrp-session");

  pl_trace_event_add_string (event, "action", action);
  pl_trace_event_add_string (event, "session", self->local.session_id);
  return event;
}

void
_pl_msrp_session_commit_event (PlMsrpSession *self,
                               PlTraceEvent  *event)
{
  pl_node_commit_event (self->node, event);
}

void
_pl_msrp_session_emit_outcome (PlMsrpSession       *self,
                               const PlMsrpOutcome *outcome)
{
  if (!self->freed && self->callbacks.outcome)
    self->callbacks.outcome (self, outcome, self->user_data);
}

const char *
pl_msrp_outcome_kind_to_string (PlMsrpOutcomeKind kind)
{
  switch (kind)
    {
    case PL_MSRP_OUTCOME_DELIVERED:
      return "delivered";
    case PL_MSRP_OUTCOME_FAILED:
      return "failed";
    case PL_MSRP_OUTCOME_HASH_MISMATCH:
      return "hash-mismatch";
    case PL_MSRP_OUTCOME_TIMEOUT:
      return "timeout";
    case PL_MSRP_OUTCOME_ABORTED:
      return "aborted";
    case PL_MSRP_OUTCOME_BROKEN:
      return "broken";
    case PL_MSRP_OUTCOME_CLOSED:
      return "closed";
    default:
      g_return_val_if_reached ("?");
    }
}

/* ---- sending frames ---- */

gboolean
_pl_msrp_session_transmit (PlMsrpSession  *self,
                           PlMsrpFrame    *frame,
                           const char     *label,
                           GError        **error)
{
  g_autoptr (GBytes) wire = pl_msrp_frame_to_bytes (frame, error);

  if (wire == NULL)
    return FALSE;
  pl_sim_transmit (pl_node_get_sim (self->node), self->node, self->peer, PL_EVENT_SEND, "msrp",
                   wire, label);
  return TRUE;
}

/* RFC 4975 §7.2: a response goes back to the previous hop (the first
 * From-Path URI) from this end. */
static void
respond (PlNode            *node,
         PlNode            *to,
         const char        *from_path,
         const PlMsrpFrame *request,
         guint              status,
         const char        *phrase)
{
  g_autoptr (PlMsrpFrame) response = pl_msrp_response_new (
    pl_msrp_frame_get_transaction_id (request), status, phrase);
  g_autofree char *back = _pl_msrp_first_uri (pl_msrp_frame_get_header (request, "From-Path"));
  g_autoptr (GBytes) wire = NULL;
  g_autofree char *label = g_strdup_printf ("%03u %s", status, phrase);

  pl_msrp_frame_add_header (response, "To-Path", back);
  pl_msrp_frame_add_header (response, "From-Path", from_path);
  /* A response has no body: it always prints. */
  wire = pl_msrp_frame_to_bytes (response, NULL);
  pl_sim_transmit (pl_node_get_sim (node), node, to, PL_EVENT_SEND, "msrp", wire, label);
}

void
_pl_msrp_session_respond (PlMsrpSession     *self,
                          const PlMsrpFrame *request,
                          guint              status,
                          const char        *phrase)
{
  respond (self->node, self->peer, self->local_path, request, status, phrase);
}

/* ---- the connection ---- */

static void
open_connection (PlMsrpSession *self,
                 const char    *how)
{
  PlTraceEvent *event = _pl_msrp_session_begin_event (self, "opened");

  self->state = PL_MSRP_SESSION_OPEN;
  pl_trace_event_add_string (event, "setup",
                             self->setup == PL_MSRP_ROLE_ACTIVE ? "active" : "passive");
  pl_trace_event_add_string (event, "local", self->local_path);
  pl_trace_event_add_string (event, "remote", self->remote_path);
  pl_trace_event_add_string (event, "detail", how);
  _pl_msrp_session_commit_event (self, event);
}

void
_pl_msrp_session_shut (PlMsrpSession     *self,
                       PlMsrpOutcomeKind  kind,
                       const char        *reason)
{
  PlTraceEvent *event;

  if (self->state == PL_MSRP_SESSION_CLOSED)
    return;
  self->state = PL_MSRP_SESSION_CLOSED;
  /* A node that left its sim (the sim disposed mid-run) records and
   * tells nothing more, and leaves its peer alone: the peer may be
   * finalized already (the endpoint's framers go with the node). */
  if (pl_node_get_sim (self->node) == NULL)
    return;
  if (self->endpoint)
    endpoint_reset (self->endpoint, self->peer);
  if (self->freed)
    return;

  event = _pl_msrp_session_begin_event (self, "closed");
  pl_trace_event_add_string (event, "reason", reason);
  _pl_msrp_session_commit_event (self, event);

  _pl_msrp_session_ref (self);
  _pl_msrp_session_fail_outgoing (self, kind, reason);
  /* No response can come any more: no transaction timer may keep the
   * run going. */
  g_hash_table_remove_all (self->txns);
  _pl_msrp_session_fail_incoming (self, kind, reason);
  if (!self->freed && self->callbacks.closed)
    self->callbacks.closed (self, reason, self->user_data);
  _pl_msrp_session_unref (self);
}

typedef struct {
  PlNode *node;          /* the peer, which owns the timer */
  char *local_path;      /* the peer's path */
  char *remote_path;     /* the closer's path */
} Fin;

static void
fin_free (gpointer data)
{
  Fin *fin = data;

  g_free (fin->local_path);
  g_free (fin->remote_path);
  g_free (fin);
}

static void
on_fin (gpointer data)
{
  Fin *fin = data;
  PlMsrpEndpoint *ep = g_object_get_qdata (G_OBJECT (fin->node), endpoint_quark ());
  PlMsrpSession *peer = ep ? endpoint_find (ep, fin->local_path, NULL) : NULL;

  if (peer && g_str_equal (peer->remote_path, fin->remote_path))
    _pl_msrp_session_shut (peer, PL_MSRP_OUTCOME_CLOSED, "the peer closed the connection");
}

/* The peer's session at the other end of this one's connection. */
static PlMsrpSession *
find_peer_session (PlMsrpSession *self)
{
  PlMsrpEndpoint *ep = g_object_get_qdata (G_OBJECT (self->peer), endpoint_quark ());
  PlMsrpSession *peer = ep ? endpoint_find (ep, self->remote_path, NULL) : NULL;

  return peer && g_str_equal (peer->remote_path, self->local_path) ? peer : NULL;
}

/* ---- public API ---- */

PlMsrpSession *
pl_msrp_session_new (PlNode                       *node,
                     const char                   *local_path,
                     const char                   *remote_path,
                     PlMsrpRole                   setup,
                     const PlMsrpSessionCallbacks *callbacks,
                     gpointer                      user_data,
                     GError                      **error)
{
  PlMsrpSession *self;
  PlMsrpEndpoint *ep;
  PlMsrpUri remote;
  PlNode *peer;

  g_return_val_if_fail (PL_IS_NODE (node), NULL);
  g_return_val_if_fail (local_path != NULL && remote_path != NULL, NULL);

  if (!_pl_msrp_uri_parse (remote_path, &remote))
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX,
                   "remote path '%s': expected an MSRP URI such as "
                   "msrp://host:2855/session-id;tcp (RFC 4975 §6)", remote_path);
      return NULL;
    }
  peer = pl_sim_resolve (pl_node_get_sim (node), remote.host, 0);
  _pl_msrp_uri_clear (&remote);
  if (peer == NULL)
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX,
                   "remote path '%s': no node has that host", remote_path);
      return NULL;
    }

  self = g_new0 (PlMsrpSession, 1);
  if (!_pl_msrp_uri_parse (local_path, &self->local))
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX,
                   "local path '%s': expected an MSRP URI such as "
                   "msrp://host:2855/session-id;tcp (RFC 4975 §6)", local_path);
      g_free (self);
      return NULL;
    }
  ep = endpoint_get (node);
  if (endpoint_find (ep, local_path, &self->local))
    {
      g_set_error (error, PL_MSRP_ERROR, PL_MSRP_ERROR_SYNTAX,
                   "local path '%s': node %s has a session there already", local_path,
                   pl_node_get_id (node));
      _pl_msrp_uri_clear (&self->local);
      g_free (self);
      return NULL;
    }

  self->ref_count = 1;
  self->endpoint = ep;
  self->node = node;
  self->peer = peer;
  self->local_path = g_strdup (local_path);
  self->remote_path = g_strdup (remote_path);
  self->setup = setup;
  self->state = PL_MSRP_SESSION_IDLE;
  if (callbacks)
    self->callbacks = *callbacks;
  self->user_data = user_data;
  self->serial = ++ep->n_sessions;
  self->expected = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->outgoing);
  self->txns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, _pl_msrp_txn_free);
  self->incoming = g_ptr_array_new_with_free_func (_pl_msrp_in_free);
  g_ptr_array_add (ep->sessions, self);
  return self;
}

PlMsrpSession *
_pl_msrp_session_ref (PlMsrpSession *self)
{
  self->ref_count++;
  return self;
}

void
_pl_msrp_session_unref (PlMsrpSession *self)
{
  if (--self->ref_count > 0)
    return;
  g_hash_table_unref (self->txns);
  g_queue_clear_full (&self->outgoing, (GDestroyNotify) _pl_msrp_out_free);
  g_ptr_array_unref (self->incoming);
  g_ptr_array_unref (self->expected);
  _pl_msrp_uri_clear (&self->local);
  g_free (self->local_path);
  g_free (self->remote_path);
  g_free (self);
}

void
pl_msrp_session_free (PlMsrpSession *self)
{
  if (self == NULL)
    return;
  g_return_if_fail (!self->freed);

  self->freed = TRUE;
  _pl_msrp_session_shut (self, PL_MSRP_OUTCOME_CLOSED, "freed");
  if (self->endpoint)
    g_ptr_array_remove (self->endpoint->sessions, self);
  self->endpoint = NULL;
  /* Timers hold pointers into the session: none may fire now. */
  g_hash_table_remove_all (self->txns);
  g_queue_clear_full (&self->outgoing, (GDestroyNotify) _pl_msrp_out_free);
  g_ptr_array_set_size (self->incoming, 0);
  _pl_msrp_session_unref (self);
}

gboolean
pl_msrp_session_expect_hash (PlMsrpSession *self,
                             const char    *hash)
{
  gsize len;

  g_return_val_if_fail (self != NULL && hash != NULL, FALSE);

  /* RFC 5547 §5: hash-attr = "hash:" hash-algorithm ":" hash-value,
   * hash-value = 2UHEX *(":" 2UHEX); a SHA-1 has 20 pairs. */
  if (g_ascii_strncasecmp (hash, "sha-1:", 6) != 0)
    return FALSE;
  hash += 6;
  len = strlen (hash);
  if (len != 20 * 3 - 1)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (i % 3 == 2 ? hash[i] != ':' : !g_ascii_isxdigit (hash[i]))
      return FALSE;
  g_ptr_array_add (self->expected, g_ascii_strup (hash, -1));
  return TRUE;
}

void
pl_msrp_session_start (PlMsrpSession *self)
{
  g_return_if_fail (self != NULL && !self->freed);

  if (self->state != PL_MSRP_SESSION_IDLE)
    return;
  if (self->setup == PL_MSRP_ROLE_PASSIVE)
    {
      PlTraceEvent *event = _pl_msrp_session_begin_event (self, "listening");

      self->state = PL_MSRP_SESSION_CONNECTING;
      pl_trace_event_add_string (event, "local", self->local_path);
      _pl_msrp_session_commit_event (self, event);
      return;
    }
  {
    g_autofree char *how = g_strdup_printf ("connects to %s", pl_node_get_id (self->peer));

    open_connection (self, how);
  }
  /* RFC 4975 §5.4: the active side sends a SEND at once, so that the
   * passive side can bind the connection to the session; without
   * content to send, an empty one. */
  _pl_msrp_session_ref (self);
  if (g_queue_is_empty (&self->outgoing))
    _pl_msrp_session_send_binding (self);
  else
    _pl_msrp_session_pump (self);
  _pl_msrp_session_unref (self);
}

void
pl_msrp_session_close (PlMsrpSession *self)
{
  PlMsrpSession *peer;
  Fin *fin;

  g_return_if_fail (self != NULL && !self->freed);

  if (self->state == PL_MSRP_SESSION_CLOSED)
    return;
  /* No FIN from a node that left its sim: its peer is leaving too. */
  peer = self->state == PL_MSRP_SESSION_OPEN && pl_node_get_sim (self->node)
         ? find_peer_session (self) : NULL;
  if (peer)
    {
      fin = g_new0 (Fin, 1);
      fin->node = self->peer;
      fin->local_path = g_strdup (self->remote_path);
      fin->remote_path = g_strdup (self->local_path);
      pl_node_add_timer (self->peer, pl_sim_get_link (pl_node_get_sim (self->node), self->node,
                                                      self->peer)->latency,
                         on_fin, fin, fin_free);
    }
  _pl_msrp_session_shut (self, PL_MSRP_OUTCOME_CLOSED, "closed");
}

void
pl_msrp_session_break (PlMsrpSession *self,
                       const char    *reason)
{
  PlMsrpSession *peer;
  g_autofree char *why = g_strdup_printf ("connection broken: %s", reason ? reason : "fault");

  g_return_if_fail (self != NULL && !self->freed);

  if (self->state == PL_MSRP_SESSION_CLOSED)
    return;
  peer = find_peer_session (self);
  if (peer)
    _pl_msrp_session_ref (peer);
  _pl_msrp_session_shut (self, PL_MSRP_OUTCOME_BROKEN, why);
  if (peer)
    {
      _pl_msrp_session_shut (peer, PL_MSRP_OUTCOME_BROKEN, why);
      _pl_msrp_session_unref (peer);
    }
}

PlMsrpSessionState
pl_msrp_session_get_state (PlMsrpSession *self)
{
  return self->state;
}

const char *
pl_msrp_session_get_local_path (PlMsrpSession *self)
{
  return self->local_path;
}

const char *
pl_msrp_session_get_remote_path (PlMsrpSession *self)
{
  return self->remote_path;
}

PlNode *
pl_msrp_session_get_node (PlMsrpSession *self)
{
  return self->node;
}

PlNode *
pl_msrp_session_get_peer (PlMsrpSession *self)
{
  return self->peer;
}

guint64
pl_msrp_session_get_n_chunks_sent (PlMsrpSession *self)
{
  return self->n_chunks_sent;
}

guint64
pl_msrp_session_get_bytes_sent (PlMsrpSession *self)
{
  return self->bytes_sent;
}

void
_pl_msrp_session_set_chunk_hook (PlMsrpSession   *self,
                                 PlMsrpChunkHook  hook,
                                 gpointer         user_data)
{
  self->chunk_hook = hook;
  self->chunk_hook_data = user_data;
}

char *
pl_msrp_session_new_path (PlNode  *node,
                          guint16  port)
{
  PlMsrpEndpoint *ep = endpoint_get (node);
  guint64 seed = ((guint64) (pl_node_get_index (node) + 1) << 40) ^ ++ep->n_paths
                 ^ G_GUINT64_CONSTANT (0x5e5510);
  g_autofree char *id = base36 (mix (seed), 12);

  return g_strdup_printf ("msrp://%s:%u/%s;tcp", pl_node_get_hostname (node),
                          port ? port : PL_MSRP_DEFAULT_PORT, id);
}

char *
pl_msrp_sha1_hash (GBytes *body)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize len = sizeof digest;
  GString *out = g_string_new ("sha-1:");
  gsize size;
  const guint8 *data = g_bytes_get_data (body, &size);

  g_checksum_update (sum, data, (gssize) size);
  g_checksum_get_digest (sum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (out, FALSE);
}

/* ---- dispatch ---- */

static void
handle_frame (PlMsrpEndpoint *ep,
              PlNode         *from,
              PlMsrpFrame    *frame)
{
  g_autofree char *to = _pl_msrp_first_uri (pl_msrp_frame_get_header (frame, "To-Path"));
  PlMsrpSession *session = endpoint_find (ep, to, NULL);
  gboolean request = pl_msrp_frame_get_kind (frame) == PL_MSRP_REQUEST;
  const char *method = pl_msrp_frame_get_method (frame);

  if (session == NULL)
    {
      PlMsrpUri uri;

      if (_pl_msrp_uri_parse (to, &uri))
        {
          session = endpoint_find (ep, to, &uri);
          _pl_msrp_uri_clear (&uri);
        }
    }
  if (session == NULL || session->peer != from || session->state == PL_MSRP_SESSION_CLOSED)
    {
      PlTraceEvent *event = pl_node_begin_event (ep->node, PL_EVENT_APP, "msrp-session");

      pl_trace_event_add_string (event, "action", "no-session");
      pl_trace_event_add_string (event, "to-path", to ? to : "");
      pl_trace_event_add_string (event, "detail",
                                 session ? "the session is closed" : "no session has this To-Path");
      pl_node_commit_event (ep->node, event);
      /* RFC 4975 §10: 481, the session does not exist; REPORTs are
       * never answered (§7.1.2). */
      if (request && g_strcmp0 (method, "REPORT") != 0)
        respond (ep->node, from, to, frame, 481, "Session does not exist");
      return;
    }

  _pl_msrp_session_ref (session);
  if (session->state != PL_MSRP_SESSION_OPEN)
    {
      g_autofree char *how = g_strdup_printf ("connection from %s", pl_node_get_id (from));

      /* The frame binds the connection (RFC 4975 §5.4); what is queued
       * goes once it is answered. */
      open_connection (session, how);
    }
  if (!session->freed && session->state == PL_MSRP_SESSION_OPEN)
    {
      if (!request)
        _pl_msrp_session_on_response (session, frame);
      else if (g_str_equal (method, "SEND"))
        _pl_msrp_session_on_send (session, frame);
      else if (g_str_equal (method, "REPORT"))
        _pl_msrp_session_on_report (session, frame);
      else
        /* RFC 4975 §10: 501, a method this end does not understand. */
        _pl_msrp_session_respond (session, frame, 501, "Unknown method");
    }
  _pl_msrp_session_pump (session);
  _pl_msrp_session_unref (session);
}

gboolean
pl_msrp_session_dispatch (PlNode     *node,
                          PlNode     *from,
                          const char *proto,
                          GBytes     *bytes)
{
  PlMsrpEndpoint *ep;
  gpointer key;
  PlMsrpFramer *framer;

  g_return_val_if_fail (PL_IS_NODE (node) && PL_IS_NODE (from), FALSE);

  if (g_strcmp0 (proto, "msrp") != 0)
    return FALSE;
  ep = endpoint_get (node);
  key = GINT_TO_POINTER (pl_node_get_index (from));
  framer = g_hash_table_lookup (ep->framers, key);
  if (framer == NULL)
    {
      framer = pl_msrp_framer_new ();
      g_hash_table_insert (ep->framers, key, framer);
    }
  pl_msrp_framer_push (framer, bytes);

  /* Looked up again each time: a frame can end the connection. */
  while ((framer = g_hash_table_lookup (ep->framers, key)) != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PlMsrpFrame) frame = pl_msrp_framer_next (framer, &error);

      if (frame)
        {
          handle_frame (ep, from, frame);
          continue;
        }
      if (error)
        {
          g_autofree char *why = g_strdup_printf ("unreadable MSRP from %s: %s",
                                                  pl_node_get_id (from), error->message);
          g_autoptr (GPtrArray) hit = g_ptr_array_new ();
          PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "msrp-session");

          pl_trace_event_add_string (event, "action", "malformed");
          pl_trace_event_add_string (event, "reason", why);
          pl_node_commit_event (node, event);
          /* A byte stream that cannot be framed cannot be
           * resynchronised: the connection goes, with every session
           * on it. */
          g_hash_table_remove (ep->framers, key);
          for (guint i = 0; i < ep->sessions->len; i++)
            {
              PlMsrpSession *s = g_ptr_array_index (ep->sessions, i);

              if (s->peer == from && s->state != PL_MSRP_SESSION_CLOSED)
                g_ptr_array_add (hit, _pl_msrp_session_ref (s));
            }
          for (guint i = 0; i < hit->len; i++)
            {
              PlMsrpSession *s = g_ptr_array_index (hit, i);

              if (!s->freed)
                pl_msrp_session_break (s, why);
              _pl_msrp_session_unref (s);
            }
        }
      break;
    }
  return TRUE;
}
