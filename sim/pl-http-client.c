/* pl-http-client.c: GETs of http: URLs between nodes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-http"

#include <string.h>

#include "pl-http-client.h"
#include "pl-scenario.h"

typedef struct {
  PlHttpClient *client;
  char *url;
  PlNode *server;
  GBytes *request;
  gboolean sent;
  PlTimer *timeout;
  PlHttpFetchFunc func;
  gpointer user_data;
  GDestroyNotify destroy;   /* of user_data, if func was never called */
} Fetch;

struct _PlHttpClient {
  PlNode *node;           /* owns the client */
  PlTime timeout;
  GPtrArray *fetches;     /* Fetch*, in the order asked */
};

static void
fetch_free (gpointer data)
{
  Fetch *f = data;

  pl_node_cancel_timer (f->client->node, &f->timeout);
  if (f->destroy)
    f->destroy (f->user_data);
  g_free (f->url);
  g_bytes_unref (f->request);
  g_free (f);
}

PlHttpClient *
pl_http_client_new (PlNode *node,
                    PlTime  timeout)
{
  PlHttpClient *client = g_new0 (PlHttpClient, 1);

  g_return_val_if_fail (PL_IS_NODE (node), NULL);
  g_return_val_if_fail (timeout > 0, NULL);

  client->node = node;
  client->timeout = timeout;
  client->fetches = g_ptr_array_new_with_free_func (fetch_free);
  return client;
}

void
pl_http_client_free (PlHttpClient *client)
{
  if (client == NULL)
    return;
  g_ptr_array_unref (client->fetches);
  g_free (client);
}

static void send_next (PlHttpClient *client,
                       PlNode       *server);

/* @f is done: out of the queue, then the next one to its server. */
static void
finish (Fetch               *f,
        const PlHttpMessage *response,
        const char          *problem)
{
  PlHttpClient *client = f->client;
  PlNode *server = f->server;
  PlHttpFetchFunc func = f->func;
  gpointer user_data = f->user_data;
  g_autofree char *url = g_strdup (f->url);

  f->destroy = NULL;  /* func takes user_data over */
  g_ptr_array_remove (client->fetches, f);
  func (url, response, problem, user_data);
  send_next (client, server);
}

static void
on_timeout (gpointer data)
{
  Fetch *f = data;

  f->timeout = NULL;
  finish (f, NULL, "no HTTP answer to the GET in time");
}

static void
send_next (PlHttpClient *client,
           PlNode       *server)
{
  PlNode *node = client->node;
  Fetch *next = NULL;
  g_autoptr (PlHttpMessage) parsed = NULL;
  g_autofree char *label = NULL;

  /* RFC 7230 §6.3.2: answers come in the order of the requests; one at
   * a time per server keeps each answer with its URL. */
  for (guint i = 0; i < client->fetches->len; i++)
    {
      Fetch *f = g_ptr_array_index (client->fetches, i);

      if (f->server != server)
        continue;
      if (f->sent)
        return;
      if (next == NULL)
        next = f;
    }
  if (next == NULL)
    return;
  next->sent = TRUE;
  parsed = pl_http_parse (next->request, NULL);
  g_assert (parsed != NULL);
  label = pl_http_message_label (parsed);
  next->timeout = pl_node_add_timer (node, client->timeout, on_timeout, next, NULL);
  pl_sim_transmit (pl_node_get_sim (node), node, server, PL_EVENT_SEND, "http", next->request,
                   label);
}

gboolean
pl_http_client_get (PlHttpClient     *client,
                    const char       *url,
                    const char       *accept,
                    PlHttpFetchFunc   func,
                    gpointer          user_data,
                    GDestroyNotify    destroy,
                    GError          **error)
{
  PlNode *node;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *target = NULL;
  g_autofree char *host = NULL;
  g_autofree char *name = NULL;
  const char *path;
  PlNode *server;
  Fetch *f;

  g_return_val_if_fail (client != NULL && url != NULL && func != NULL, FALSE);

  node = client->node;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                   "'%s' is not an http: URL with a host", url);
      return FALSE;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                   "'%s': only http: URLs are fetched (there is no TLS here)", url);
      return FALSE;
    }
  /* The virtual DNS: the node whose host is the URL's (any SIP port);
   * an IPv6 literal is named with its brackets there and in Host. */
  name = strchr (g_uri_get_host (uri), ':') ? g_strdup_printf ("[%s]", g_uri_get_host (uri))
                                            : g_strdup (g_uri_get_host (uri));
  server = pl_sim_resolve (pl_node_get_sim (node), name, 0);
  if (server == NULL)
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                   "no node has the host %s of '%s'", name, url);
      return FALSE;
    }
  path = *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/";
  target = g_uri_get_query (uri) ? g_strdup_printf ("%s?%s", path, g_uri_get_query (uri))
                                 : g_strdup (path);
  /* RFC 7230 §5.4: Host is the URL's authority, its port included. */
  host = g_uri_get_port (uri) > 0 ? g_strdup_printf ("%s:%d", name, g_uri_get_port (uri))
                                  : g_strdup (name);

  f = g_new0 (Fetch, 1);
  f->client = client;
  f->url = g_strdup (url);
  f->server = server;
  f->request = pl_http_build_request ("GET", host, target, accept);
  f->func = func;
  f->user_data = user_data;
  f->destroy = destroy;
  g_ptr_array_add (client->fetches, f);
  send_next (client, server);
  return TRUE;
}

gboolean
pl_http_client_receive (PlHttpClient *client,
                        PlNode       *from,
                        GBytes       *bytes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHttpMessage) response = NULL;
  g_autofree char *problem = NULL;
  Fetch *f = NULL;

  g_return_val_if_fail (client != NULL, FALSE);

  for (guint i = 0; i < client->fetches->len && f == NULL; i++)
    {
      Fetch *candidate = g_ptr_array_index (client->fetches, i);

      if (candidate->server == from && candidate->sent)
        f = candidate;
    }
  if (f == NULL)
    return FALSE;
  pl_node_cancel_timer (client->node, &f->timeout);
  response = pl_http_parse (bytes, &error);
  if (response == NULL)
    problem = g_strdup_printf ("malformed HTTP answer: %s", error->message);
  else if (pl_http_message_is_request (response))
    {
      problem = g_strdup ("an HTTP request where its answer was expected");
      g_clear_pointer (&response, pl_http_message_free);
    }
  finish (f, response, problem);
  return TRUE;
}
