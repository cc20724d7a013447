/* pl-receiver-indirect.c: push content by reference (004_… §7.1.1 step
 * 4, RFC 4483): a MESSAGE whose body is a message/external-body naming
 * an http: URL. The receiver checks the reference, fetches the content
 * from the node the URL names (an HTTP GET on the timeline), and hands
 * it to the application, whose answer then goes back (step 5). A fetch
 * that fails is answered 500 (RFC 3261 §21.5.1: a condition that
 * prevented the request from being fulfilled), which the Push Sender
 * agent reads through Appendix C like any other answer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-http-client.h"
#include "pl-receiver-private.h"

/* Well inside timer F (64*T1 = 32 s) of the MESSAGE waiting for us. */
#define FETCH_TIMEOUT PL_SEC (10)

struct _PlRxReference {
  char *url;
  char *type;             /* the referenced content's Content-Type */
  char *content_id;
  gint64 size;            /* -1: not said */
};

typedef struct {
  PlReceiver *self;
  PlRxReference *ref;
  PlServerTxn *txn;
  msg_t *msg;             /* the MESSAGE, referenced */
  PlRxApp *app;
  char *from;
} PlRxFetch;

void
_pl_receiver_reference_free (PlRxReference *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->url);
  g_free (ref->type);
  g_free (ref->content_id);
  g_free (ref);
}

const char *
_pl_receiver_reference_get_type (const PlRxReference *ref)
{
  return ref->type;
}

static char *
param_value (msg_param_t const *params,
             const char        *name)
{
  const char *value = msg_params_find (params, name);
  su_home_t home[1] = { SU_HOME_INIT (home) };
  char *out;

  if (value == NULL)
    return NULL;
  out = g_strdup (*value == '"' ? msg_unquote_dup (home, value) : value);
  su_home_deinit (home);
  return out;
}

gboolean
_pl_receiver_is_reference (sip_t *sip)
{
  return sip->sip_content_type && sip->sip_content_type->c_type
         && g_ascii_strcasecmp (sip->sip_content_type->c_type, "message/external-body") == 0;
}

PlRxReference *
_pl_receiver_parse_reference (sip_t  *sip,
                              int    *status,
                              char  **reason)
{
  msg_param_t const *params = sip->sip_content_type->c_params;
  g_autofree char *access = param_value (params, "access-type");
  g_autofree char *url = param_value (params, "URL");
  g_autofree char *size = param_value (params, "size");
  g_autofree char *phantom = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GUri) uri = NULL;
  PlRxReference *ref;
  guint64 n = 0;

  *status = 400;
  /* RFC 4483 §4 (with RFC 2017): access-type URL; http: must be
   * supported, and is all this network serves. */
  if (access == NULL || g_ascii_strcasecmp (access, "URL") != 0)
    {
      *status = 415;
      *reason = g_strdup_printf ("message/external-body with access-type %s; expected URL "
                                 "(RFC 4483)", access ? access : "(none)");
      return NULL;
    }
  if (url == NULL)
    {
      *reason = g_strdup ("message/external-body without a URL parameter (RFC 4483)");
      return NULL;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    {
      *status = 415;
      *reason = g_strdup_printf ("the referenced content at '%s' is not an http: URL", url);
      return NULL;
    }
  if (size && !g_ascii_string_to_unsigned (size, 10, 0, G_MAXINT64, &n, NULL))
    {
      *reason = g_strdup_printf ("size parameter '%s' is not a number of bytes", size);
      return NULL;
    }

  ref = g_new0 (PlRxReference, 1);
  ref->url = g_steal_pointer (&url);
  ref->size = size ? (gint64) n : -1;
  /* RFC 2046 §5.2.3: the body holds the headers of the referenced
   * content (the "phantom body" after them is ignored). */
  phantom = sip->sip_payload ? g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len)
                             : g_strdup ("");
  lines = g_strsplit (phantom, "\r\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      const char *colon = strchr (lines[i], ':');
      g_autofree char *name = colon ? g_strstrip (g_strndup (lines[i], colon - lines[i])) : NULL;
      g_autofree char *value = colon ? g_strstrip (g_strdup (colon + 1)) : NULL;

      if (name == NULL)
        continue;
      if (g_ascii_strcasecmp (name, "Content-Type") == 0)
        {
          su_home_t home[1] = { SU_HOME_INIT (home) };
          sip_content_type_t *c = sip_content_type_make (home, value);

          g_free (ref->type);
          ref->type = c && c->c_type ? g_strdup (c->c_type) : NULL;
          su_home_deinit (home);
        }
      else if (g_ascii_strcasecmp (name, "Content-ID") == 0)
        {
          g_free (ref->content_id);
          ref->content_id = g_strdup (value);
        }
    }
  if (ref->type == NULL)
    *reason = g_strdup ("message/external-body whose body names no Content-Type of the "
                        "referenced content (RFC 2046 §5.2.3)");
  else if (ref->content_id == NULL || *ref->content_id == '\0')
    *reason = g_strdup ("message/external-body whose body has no Content-ID (RFC 2046 "
                        "§5.2.3: it MUST)");
  if (*reason)
    {
      _pl_receiver_reference_free (ref);
      return NULL;
    }
  *status = 0;
  return ref;
}

static void
fetch_free (gpointer data)
{
  PlRxFetch *f = data;

  _pl_receiver_reference_free (f->ref);
  msg_destroy (f->msg);
  g_free (f->from);
  g_free (f);
}

static void
record_fetch (PlRxFetch  *f,
              int         http_status,
              gsize       bytes,
              const char *problem)
{
  PlNode *node = PL_NODE (f->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "indirect-fetch");

  pl_trace_event_add_string (event, "app", f->app->id);
  pl_trace_event_add_string (event, "url", f->ref->url);
  pl_trace_event_add_int (event, "status", http_status);
  pl_trace_event_add_int (event, "bytes", (gint64) bytes);
  if (problem)
    pl_trace_event_add_string (event, "reason", problem);
  pl_node_commit_event (node, event);
}

/* The content could not be had: 500, with the cause in the phrase. */
static void
fail (PlRxFetch  *f,
      int         http_status,
      const char *problem)
{
  g_autofree char *reason = g_strdup_printf ("indirect content at %s not retrieved: %s",
                                             f->ref->url, problem);

  record_fetch (f, http_status, 0, problem);
  _pl_receiver_reject (f->self, f->txn,
                       pl_server_txn_make_response (f->txn, 500, "Content Not Retrieved"),
                       f->app->id, NULL, reason);
}

static void
on_fetched (const char          *url,
            const PlHttpMessage *response,
            const char          *problem,
            gpointer             user_data)
{
  PlRxFetch *f = user_data;
  GBytes *body;
  const char *type;
  g_autofree char *why = NULL;
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sip_content_type_t *c = NULL;

  if (response == NULL)
    {
      fail (f, 0, problem);
      goto out;
    }
  if (pl_http_message_get_status (response) != 200)
    {
      why = g_strdup_printf ("GET answered %d %s", pl_http_message_get_status (response),
                             pl_http_message_get_reason (response));
      fail (f, pl_http_message_get_status (response), why);
      goto out;
    }
  body = pl_http_message_get_body (response);
  type = pl_http_message_get_header (response, "Content-Type");
  c = type ? sip_content_type_make (home, type) : NULL;
  /* The size the reference announced (RFC 4483's size parameter) must
   * be what came. */
  if (f->ref->size >= 0 && (gsize) f->ref->size != g_bytes_get_size (body))
    {
      why = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes came, the reference announced %"
                             G_GINT64_FORMAT, g_bytes_get_size (body), f->ref->size);
      fail (f, 200, why);
      goto out;
    }
  /* What came is what the application gets: its type must suit it too
   * (RFC 3261 §21.4.13). */
  if (c == NULL || c->c_type == NULL || !_pl_receiver_accepts_type (f->app, c->c_type))
    {
      why = g_strdup_printf ("the content came as %s, which %s does not accept",
                             c && c->c_type ? c->c_type : "(no type)", f->app->id);
      record_fetch (f, 200, g_bytes_get_size (body), why);
      _pl_receiver_reject (f->self, f->txn, _pl_receiver_unsupported_type (f->txn, f->app),
                           f->app->id, NULL, why);
      goto out;
    }
  record_fetch (f, 200, g_bytes_get_size (body), NULL);
  _pl_receiver_deliver_content (f->self, f->txn, f->msg, sip_object (f->msg), f->app, f->from,
                                c->c_type, body, f->ref->url);
out:
  su_home_deinit (home);
  fetch_free (f);
}

void
_pl_receiver_fetch_reference (PlReceiver    *self,
                              PlServerTxn   *txn,
                              msg_t         *msg,
                              PlRxApp       *app,
                              const char    *from,
                              PlRxReference *ref)
{
  g_autoptr (GError) error = NULL;
  PlRxFetch *f = g_new0 (PlRxFetch, 1);

  f->self = self;
  f->ref = ref;
  f->txn = txn;
  f->msg = msg_ref_create (msg);
  f->app = app;
  f->from = g_strdup (from);
  if (self->http == NULL)
    self->http = pl_http_client_new (PL_NODE (self), FETCH_TIMEOUT);
  if (!pl_http_client_get (self->http, ref->url, ref->type, on_fetched, f, fetch_free, &error))
    {
      fail (f, 0, error->message);
      fetch_free (f);
    }
}
