/* pl-http-client.h: a node fetching http: URLs from other nodes over the
 * virtual network (proto "http"): the URL's host names the node (the
 * virtual DNS), answers come in order, one request in flight per server
 * (RFC 7230 §6.3.2), and a silent server times out on virtual time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-http.h"
#include "pl-node.h"

G_BEGIN_DECLS

typedef struct _PlHttpClient PlHttpClient;

/* The outcome of one GET: @response is the parsed answer (any status),
 * or NULL with @problem saying why there is none (no answer in time, an
 * answer that does not parse). */
typedef void (*PlHttpFetchFunc) (const char          *url,
                                 const PlHttpMessage *response,
                                 const char          *problem,
                                 gpointer             user_data);

PlHttpClient *pl_http_client_new     (PlNode *node,
                                      PlTime  timeout);
void          pl_http_client_free    (PlHttpClient *client);
/* Queues a GET of @url with @accept (may be NULL). FALSE, with @error,
 * when @url is not an http: URL with a host, or no node has that host;
 * @func is then never called. @destroy (may be NULL) frees @user_data
 * when the client goes before @func was called. */
gboolean      pl_http_client_get     (PlHttpClient     *client,
                                      const char       *url,
                                      const char       *accept,
                                      PlHttpFetchFunc   func,
                                      gpointer          user_data,
                                      GDestroyNotify    destroy,
                                      GError          **error);
/* Bytes of proto "http" from @from: TRUE when they answered a GET of
 * this client (its function has been called). */
gboolean      pl_http_client_receive (PlHttpClient *client,
                                      PlNode       *from,
                                      GBytes       *bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlHttpClient, pl_http_client_free)

G_END_DECLS
