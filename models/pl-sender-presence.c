/* pl-sender-presence.c: the Push Sender agent as presence watcher and
 * capability store.
 *
 * 2006 draft §8: "Push Sender agent SHOULD use a presence watcher to
 * subscribe to a presentity's presence information" and "SHOULD make the
 * capability information available to applications". A.4 step 1 is the
 * SUBSCRIBE (Event: presence, RFC 3856), steps 4 and 8 the 200 to each
 * NOTIFY. A device's <od:device-profile> is "an HTTP URL" of its UAProf
 * descriptor (§8.1.3.3): the sender fetches it with an HTTP GET from the
 * node that has the URL's host (pl-uaprof-server.c) and keeps the
 * content types the profile accepts, per public identity. A push of a
 * type no known device accepts is not attempted (requirements use case
 * E, alternative flow 2, 002_… §5.5.6).
 *
 * Scenario form:
 *
 *   <watch node="psa" event="presence" user="sip:john.doe@home1.net" expires="3600"/>
 *   <unwatch node="psa" event="presence" user="sip:john.doe@home1.net"/>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-http.h"
#include "pl-pidf.h"
#include "pl-sender-presence.h"
#include "pl-sender-private.h"
#include "pl-uaprof.h"
#include "pl-wire.h"

/* RFC 3856 §6.4: "the default expiration time ... is 3600 seconds". */
#define DEFAULT_EXPIRES 3600
/* A fetch nobody answers leaves the capability unknown after this. */
#define FETCH_TIMEOUT PL_SEC (30)
/* RFC 3856 §6.7: PIDF is the format every watcher MUST support. What a
 * UAProf server answers: RDF/XML (RFC 3870), or plain XML as deployed
 * UAProf servers commonly label it. */
#define PROFILE_ACCEPT "application/rdf+xml, application/xml, text/xml"

typedef struct {
  PlSender *self;
  char *presentity;       /* canonical "sip:user@host" */
  char *uri;              /* the Request-URI, as given */
  PlSubscriber *sub;
  PlTimer *refresh;
  guint32 asked;          /* Expires of the SUBSCRIBE in flight */
  gboolean in_flight;
  gboolean ended;
  gboolean delivered;     /* the NOTIFY being read reached on_notify */
} PlWatch;

typedef struct {
  char *url;
  PlUaprof *uaprof;       /* NULL: capabilities unknown */
} PlDevice;

typedef struct {
  char *public_id;        /* canonical */
  GPtrArray *devices;     /* PlDevice*, in the document's device order */
} PlPresentity;

typedef struct {
  PlSender *self;
  char *public_id;
  char *url;
  PlNode *server;
  GBytes *request;
  PlTimer *timeout;
  gboolean sent;
} PlFetch;

struct _PlSenderPresence {
  GPtrArray *watches;     /* PlWatch*, oldest first */
  GPtrArray *presentities;/* PlPresentity*, first seen first */
  GPtrArray *fetches;     /* PlFetch*, one sent per server at a time, in order */
};

typedef struct {
  char *uri;
  guint32 expires;
  gboolean unwatch;
} PlWatchSpec;

static void send_next_fetch (PlSender *self,
                             PlNode   *server);
static void on_subscriber_notify (PlSubscriber *sub,
                                  PlServerTxn  *txn,
                                  msg_t        *msg,
                                  sip_t        *sip,
                                  gpointer      user_data);

/* ---- store ---- */

static void
device_free (gpointer data)
{
  PlDevice *d = data;

  g_free (d->url);
  g_clear_pointer (&d->uaprof, pl_uaprof_free);
  g_free (d);
}

static void
presentity_free (gpointer data)
{
  PlPresentity *p = data;

  g_free (p->public_id);
  g_ptr_array_unref (p->devices);
  g_free (p);
}

static void
watch_free (gpointer data)
{
  PlWatch *w = data;

  pl_node_cancel_timer (PL_NODE (w->self), &w->refresh);
  pl_subscriber_free (w->sub);
  g_free (w->presentity);
  g_free (w->uri);
  g_free (w);
}

static void
fetch_free (gpointer data)
{
  PlFetch *f = data;

  pl_node_cancel_timer (PL_NODE (f->self), &f->timeout);
  g_free (f->public_id);
  g_free (f->url);
  g_clear_pointer (&f->request, g_bytes_unref);
  g_free (f);
}

PlSenderPresence *
_pl_sender_presence_new (void)
{
  PlSenderPresence *presence = g_new0 (PlSenderPresence, 1);

  presence->watches = g_ptr_array_new_with_free_func (watch_free);
  presence->presentities = g_ptr_array_new_with_free_func (presentity_free);
  presence->fetches = g_ptr_array_new_with_free_func (fetch_free);
  return presence;
}

void
_pl_sender_presence_free (PlSenderPresence *presence)
{
  /* Fetches and watches hold timers of the node: they go first. */
  g_ptr_array_unref (presence->fetches);
  g_ptr_array_unref (presence->watches);
  g_ptr_array_unref (presence->presentities);
  g_free (presence);
}

static PlPresentity *
find_presentity (PlSender   *self,
                 const char *public_id,
                 gboolean    create)
{
  GPtrArray *all = self->presence->presentities;
  PlPresentity *p;

  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (((PlPresentity *) g_ptr_array_index (all, i))->public_id, public_id))
      return g_ptr_array_index (all, i);
  if (!create)
    return NULL;
  p = g_new0 (PlPresentity, 1);
  p->public_id = g_strdup (public_id);
  p->devices = g_ptr_array_new_with_free_func (device_free);
  g_ptr_array_add (all, p);
  return p;
}

static PlWatch *
find_watch (PlSender   *self,
            const char *presentity)
{
  GPtrArray *all = self->presence->watches;

  for (guint i = 0; i < all->len; i++)
    {
      PlWatch *w = g_ptr_array_index (all, i);

      if (!w->ended && g_str_equal (w->presentity, presentity))
        return w;
    }
  return NULL;
}

/* ---- fetching device profiles (§8.1.3.3) ---- */

static void
fetch_error (PlSender   *self,
             const char *public_id,
             const char *url,
             const char *problem)
{
  PlNode *node = PL_NODE (self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "error");

  pl_trace_event_add_string (event, "presentity", public_id);
  pl_trace_event_add_string (event, "profile", url);
  pl_trace_event_add_string (event, "detail", problem);
  pl_trace_event_add_string (event, "capabilities", "unknown");
  pl_node_commit_event (node, event);
}

static PlDevice *
find_device (PlSender   *self,
             const char *public_id,
             const char *url)
{
  PlPresentity *p = find_presentity (self, public_id, FALSE);

  for (guint i = 0; p && i < p->devices->len; i++)
    if (g_str_equal (((PlDevice *) g_ptr_array_index (p->devices, i))->url, url))
      return g_ptr_array_index (p->devices, i);
  return NULL;
}

static void
record_capabilities (PlSender   *self,
                     const char *public_id,
                     const char *url,
                     PlUaprof   *uaprof)
{
  PlNode *node = PL_NODE (self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "capabilities");
  g_autofree char *types = g_strjoinv (" ", (char **) pl_uaprof_get_content_types (uaprof));
  g_autofree char *apps = g_strjoinv (" ", (char **) pl_uaprof_get_push_app_ids (uaprof));

  pl_trace_event_add_string (event, "presentity", public_id);
  pl_trace_event_add_string (event, "profile", url);
  pl_trace_event_add_string (event, "accept", types);
  pl_trace_event_add_string (event, "push-apps", apps);
  pl_node_commit_event (node, event);
}

static void
fetch_done (PlFetch *f)
{
  PlSender *self = f->self;
  PlNode *server = f->server;

  g_ptr_array_remove (self->presence->fetches, f);
  send_next_fetch (self, server);
}

static void
on_fetch_timeout (gpointer data)
{
  PlFetch *f = data;

  f->timeout = NULL;
  fetch_error (f->self, f->public_id, f->url, "no HTTP answer to the GET");
  fetch_done (f);
}

static void
send_next_fetch (PlSender *self,
                 PlNode   *server)
{
  GPtrArray *all = self->presence->fetches;
  PlFetch *next = NULL;
  PlNode *node = PL_NODE (self);
  g_autofree char *label = NULL;
  g_autoptr (PlHttpMessage) parsed = NULL;
  PlTraceEvent *event;

  /* RFC 7230 §6.3.2: answers come in the order of the requests; one at
   * a time per server keeps each answer with its URL. */
  for (guint i = 0; i < all->len; i++)
    {
      PlFetch *f = g_ptr_array_index (all, i);

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
  event = pl_node_begin_event (node, PL_EVENT_APP, "profile-fetch");
  pl_trace_event_add_string (event, "presentity", next->public_id);
  pl_trace_event_add_string (event, "profile", next->url);
  pl_trace_event_add_string (event, "server", pl_node_get_id (server));
  pl_node_commit_event (node, event);
  next->timeout = pl_node_add_timer (node, FETCH_TIMEOUT, on_fetch_timeout, next, NULL);
  pl_sim_transmit (pl_node_get_sim (node), node, server, PL_EVENT_SEND, "http", next->request,
                   label);
}

static void
start_fetch (PlSender   *self,
             const char *public_id,
             const char *url)
{
  PlNode *node = PL_NODE (self);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *target = NULL;
  g_autofree char *host = NULL;
  g_autofree char *name = NULL;
  const char *path;
  PlNode *server;
  PlFetch *f;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      fetch_error (self, public_id, url, "the device-profile is not an HTTP URL with a host");
      return;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    {
      fetch_error (self, public_id, url, "only http: device profiles are fetched (no TLS here)");
      return;
    }
  /* The virtual DNS: the node whose host is the URL's (any SIP port);
   * an IPv6 literal is named with its brackets there and in Host. */
  name = strchr (g_uri_get_host (uri), ':') ? g_strdup_printf ("[%s]", g_uri_get_host (uri))
                                            : g_strdup (g_uri_get_host (uri));
  server = pl_sim_resolve (pl_node_get_sim (node), name, 0);
  if (server == NULL)
    {
      g_autofree char *problem = g_strdup_printf ("no node has the host %s",
                                                  name);

      fetch_error (self, public_id, url, problem);
      return;
    }
  path = *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/";
  target = g_uri_get_query (uri) ? g_strdup_printf ("%s?%s", path, g_uri_get_query (uri))
                                 : g_strdup (path);
  f = g_new0 (PlFetch, 1);
  f->self = self;
  f->public_id = g_strdup (public_id);
  f->url = g_strdup (url);
  f->server = server;
  /* RFC 7230 §5.4: Host is the URL's authority, its port included. */
  host = g_uri_get_port (uri) > 0 ? g_strdup_printf ("%s:%d", name, g_uri_get_port (uri))
                                  : g_strdup (name);
  f->request = pl_http_build_request ("GET", host, target, PROFILE_ACCEPT);
  g_ptr_array_add (self->presence->fetches, f);
  send_next_fetch (self, server);
}

static gboolean
is_profile_type (const char *type)
{
  g_auto (GStrv) ranges = g_strsplit (PROFILE_ACCEPT, ", ", -1);

  for (guint i = 0; ranges[i]; i++)
    if (pl_wire_media_range_matches (ranges[i], type))
      return TRUE;
  return FALSE;
}

/* An HTTP answer from @from: the one fetch in flight to it. */
void
_pl_sender_presence_http (PlSender *self,
                          PlNode   *from,
                          GBytes   *bytes)
{
  GPtrArray *all = self->presence->fetches;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHttpMessage) response = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  g_autofree char *problem = NULL;
  PlFetch *f = NULL;
  PlDevice *device;
  const char *type;
  GBytes *body;

  for (guint i = 0; i < all->len && f == NULL; i++)
    {
      PlFetch *candidate = g_ptr_array_index (all, i);

      if (candidate->server == from && candidate->sent)
        f = candidate;
    }
  if (f == NULL)
    {
      pl_node_app_event (PL_NODE (self), "error", "HTTP bytes from %s answer no fetch of ours",
                         pl_node_get_id (from));
      return;
    }
  pl_node_cancel_timer (PL_NODE (self), &f->timeout);

  response = pl_http_parse (bytes, &error);
  type = response ? pl_http_message_get_header (response, "Content-Type") : NULL;
  if (response == NULL)
    problem = g_strdup_printf ("malformed HTTP answer: %s", error->message);
  else if (pl_http_message_is_request (response))
    problem = g_strdup ("an HTTP request where its answer was expected");
  else if (pl_http_message_get_status (response) != 200)
    problem = g_strdup_printf ("GET answered %d %s", pl_http_message_get_status (response),
                               pl_http_message_get_reason (response));
  else if (type == NULL || !is_profile_type (type))
    problem = g_strdup_printf ("the profile came as %s; expected %s", type ? type : "(no type)",
                               PROFILE_ACCEPT);
  else
    {
      gsize len;
      const char *data;

      body = pl_http_message_get_body (response);
      data = g_bytes_get_data (body, &len);
      uaprof = pl_uaprof_parse (data, len, f->url, &error);
      if (uaprof == NULL)
        problem = g_strdup_printf ("not a UAProf profile: %s", error->message);
    }

  device = find_device (self, f->public_id, f->url);
  if (problem)
    fetch_error (self, f->public_id, f->url, problem);
  else if (device == NULL)
    /* A later NOTIFY no longer lists the device. */
    pl_node_app_event (PL_NODE (self), "error", "profile %s of %s arrived for a device "
                       "presence no longer lists", f->url, f->public_id);
  else
    {
      record_capabilities (self, f->public_id, f->url, uaprof);
      g_clear_pointer (&device->uaprof, pl_uaprof_free);
      device->uaprof = g_steal_pointer (&uaprof);
    }
  fetch_done (f);
}

/* The device profiles a NOTIFY lists become the presentity's devices; a
 * URL already known keeps its profile, a new one is fetched. */
static void
update_devices (PlSender   *self,
                const char *public_id,
                char      **urls)
{
  PlPresentity *p = find_presentity (self, public_id, TRUE);
  g_autoptr (GPtrArray) devices = g_ptr_array_new_with_free_func (device_free);
  g_autoptr (GPtrArray) to_fetch = g_ptr_array_new ();

  for (guint i = 0; urls[i]; i++)
    {
      PlDevice *d = NULL;

      for (guint j = 0; j < devices->len; j++)
        if (g_str_equal (((PlDevice *) g_ptr_array_index (devices, j))->url, urls[i]))
          d = g_ptr_array_index (devices, j);
      if (d)
        continue;
      for (guint j = 0; j < p->devices->len && d == NULL; j++)
        {
          PlDevice *old = g_ptr_array_index (p->devices, j);

          if (g_str_equal (old->url, urls[i]))
            d = g_ptr_array_steal_index (p->devices, j);
        }
      if (d == NULL)
        {
          d = g_new0 (PlDevice, 1);
          d->url = g_strdup (urls[i]);
        }
      if (d->uaprof == NULL)
        g_ptr_array_add (to_fetch, d->url);
      g_ptr_array_add (devices, d);
    }
  g_ptr_array_unref (p->devices);
  p->devices = g_steal_pointer (&devices);
  for (guint i = 0; i < to_fetch->len; i++)
    {
      gboolean pending = FALSE;

      for (guint j = 0; j < self->presence->fetches->len; j++)
        {
          PlFetch *f = g_ptr_array_index (self->presence->fetches, j);

          pending |= g_str_equal (f->public_id, public_id)
                     && g_str_equal (f->url, g_ptr_array_index (to_fetch, i));
        }
      if (!pending)
        start_fetch (self, public_id, g_ptr_array_index (to_fetch, i));
    }
}

/* ---- the watch: SUBSCRIBE (A.4 step 1) ---- */

static void
record_watch (PlWatch    *w,
              const char *name,
              int         status,
              const char *reason)
{
  PlNode *node = PL_NODE (w->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, name);

  pl_trace_event_add_string (event, "presentity", w->presentity);
  pl_trace_event_add_int (event, "status", status);
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

static char *
route_value (const char *outbound)
{
  g_autofree char *copy = g_strdup (outbound);
  url_t url[1];

  /* RFC 3261 §16.12.1.1: a loose router is named with ;lr. */
  if (url_d (url, copy) >= 0 && url_has_param (url, "lr"))
    return g_strdup_printf ("<%s>", outbound);
  return g_strdup_printf ("<%s;lr>", outbound);
}

static msg_t *
build_subscribe (PlSender   *self,
                 const char *uri,
                 guint32     expires)
{
  PlNode *node = PL_NODE (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *identity = self->identity ? g_strdup (self->identity)
                                             : g_strdup_printf ("sip:%s", pl_node_get_hostname (node));
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *from = g_strdup_printf ("<%s>;tag=%s", identity, tag);
  g_autofree char *to = g_strdup_printf ("<%s>", uri);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
  g_autofree char *value = g_strdup_printf ("%u", expires);

  /* RFC 3856 §6.1: the Request-URI is the presentity. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_subscribe, "SUBSCRIBE",
                                                          URL_STRING_MAKE (uri), NULL));
  /* A.4 step 1 goes "to the Presence Server" through the SIP/IP core. */
  if (self->outbound)
    {
      g_autofree char *route = route_value (self->outbound);

      msg_header_add_make (msg, NULL, sip_route_class, route);
    }
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, sip_method_subscribe, "SUBSCRIBE"));
  /* RFC 3325: an asserted identity only from a trusted sender (§9). */
  if (self->trusted)
    {
      g_autofree char *pai = g_strdup_printf ("<%s>", identity);

      pl_wire_add_header (msg, "P-Asserted-Identity", pai);
    }
  /* RFC 3856 §4, §6.7: the presence package, in PIDF. */
  pl_wire_add_header (msg, "Event", "presence");
  msg_header_add_make (msg, NULL, sip_accept_class, PL_PIDF_CONTENT_TYPE);
  /* A.4 step 1: "the length of time this periodic subscription should
   * last". */
  msg_header_add_make (msg, NULL, sip_expires_class, value);
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  return msg;
}

static void
on_refresh_due (gpointer data)
{
  PlWatch *w = data;

  w->refresh = NULL;
  if (w->ended || w->in_flight || pl_subscriber_is_terminated (w->sub))
    return;
  w->in_flight = TRUE;
  pl_subscriber_refresh (w->sub, w->asked);
}

/* RFC 3265 §3.1.4.2: refreshed before it expires; a margin like the
 * registrar's (RFC 3261 §10.2.4 practice): half of a short grant. */
static void
schedule_refresh (PlWatch *w)
{
  PlNode *node = PL_NODE (w->self);
  PlTime left = pl_subscriber_get_expires_at (w->sub) - pl_node_now (node);
  PlTime margin = MIN (PL_SEC (600), left / 2);

  pl_node_cancel_timer (node, &w->refresh);
  if (left > 0)
    w->refresh = pl_node_add_background_timer (node, left - margin, on_refresh_due, w, NULL);
}

static void
on_subscribed (PlSubscriber *sub,
               int           status,
               sip_t        *response,
               gpointer      user_data)
{
  PlWatch *w = user_data;
  PlNode *node = PL_NODE (w->self);

  w->in_flight = FALSE;
  if (status >= 200 && status < 300 && w->asked == 0)
    record_watch (w, "presence-unsubscribed", status, NULL);
  else if (status >= 200 && status < 300)
    {
      PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "presence-subscribed");
      PlTime left = pl_subscriber_get_expires_at (sub) - pl_node_now (node);

      pl_trace_event_add_string (event, "presentity", w->presentity);
      pl_trace_event_add_int (event, "status", status);
      /* RFC 3265 §3.1.1: the notifier may shorten what was asked. */
      pl_trace_event_add_int (event, "expires", MAX (left, 0) / G_USEC_PER_SEC);
      pl_node_commit_event (node, event);
      schedule_refresh (w);
    }
  else
    record_watch (w, "presence-subscribe-failed", status, response->sip_status->st_phrase);
  /* RFC 3265 §3.1.4.2: refused (or a refresh answered 481) ends it; an
   * accepted unsubscribe waits for the notifier's last NOTIFY. */
  if (status >= 300 && pl_subscriber_is_terminated (sub))
    {
      w->ended = TRUE;
      pl_node_cancel_timer (node, &w->refresh);
    }
}

static void
watch (PlSender   *self,
       const char *uri,
       guint32     expires)
{
  g_autofree char *presentity = _pl_sender_canonical_id_text (uri);
  PlWatch *w = find_watch (self, presentity);

  if (w && !pl_subscriber_is_terminated (w->sub))
    {
      /* One watch per presentity: a new <watch> refreshes it. */
      w->asked = expires;
      if (!w->in_flight)
        {
          w->in_flight = TRUE;
          pl_subscriber_refresh (w->sub, expires);
        }
      return;
    }
  w = g_new0 (PlWatch, 1);
  w->self = self;
  w->presentity = g_steal_pointer (&presentity);
  w->uri = g_strdup (uri);
  w->asked = expires;
  w->in_flight = TRUE;
  g_ptr_array_add (self->presence->watches, w);
  w->sub = pl_subscriber_new (PL_NODE (self), build_subscribe (self, uri, expires), on_subscribed,
                              on_subscriber_notify, w);
}

static void
unwatch (PlSender   *self,
         const char *uri)
{
  g_autofree char *presentity = _pl_sender_canonical_id_text (uri);
  PlWatch *w = find_watch (self, presentity);

  if (w == NULL || w->in_flight || pl_subscriber_is_terminated (w->sub))
    {
      pl_node_app_event (PL_NODE (self), "error", "unwatch %s: no presence watch to end%s",
                         presentity, w && w->in_flight ? " (a SUBSCRIBE is in flight)" : "");
      return;
    }
  /* RFC 3265 §3.3.4: Expires: 0; the notifier's last NOTIFY ends it. */
  pl_node_cancel_timer (PL_NODE (self), &w->refresh);
  w->asked = 0;
  w->in_flight = TRUE;
  pl_subscriber_refresh (w->sub, 0);
}

/* ---- NOTIFY (A.4 steps 3–4 and 7–8) ---- */

static void
on_notify (PlWatch     *w,
           PlServerTxn *txn,
           msg_t       *msg,
           sip_t       *sip)
{
  PlSender *self = w->self;
  PlNode *node = PL_NODE (self);
  sip_subscription_state_t *ss = sip->sip_subscription_state;
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  gsize len = sip->sip_payload ? sip->sip_payload->pl_len : 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlPidf) pidf = NULL;
  g_auto (GStrv) urls = NULL;
  g_autofree char *joined = NULL;
  PlTraceEvent *event;

  w->delivered = TRUE;
  if (len > 0 && (type == NULL || g_ascii_strcasecmp (type, PL_PIDF_CONTENT_TYPE) != 0))
    {
      /* RFC 3261 §21.4.13: a body we did not Accept. */
      g_autoptr (msg_t) response = pl_server_txn_make_response (txn, 415, NULL);

      msg_header_add_make (response, NULL, sip_accept_class, PL_PIDF_CONTENT_TYPE);
      pl_server_txn_respond (txn, g_steal_pointer (&response));
      record_watch (w, "notify-rejected", 415, type ? type : "(no Content-Type)");
      return;
    }
  /* Steps 4 and 8: the watcher answers 200. */
  pl_server_txn_reply (txn, 200, NULL);

  if (len > 0)
    {
      g_autofree char *origin = g_strdup_printf ("NOTIFY for %s", w->presentity);

      pidf = pl_pidf_parse (sip->sip_payload->pl_data, len, origin, &error);
      if (pidf)
        urls = pl_pidf_dup_device_profiles (pidf);
    }
  joined = urls ? g_strjoinv (" ", urls) : NULL;
  event = pl_node_begin_event (node, PL_EVENT_APP, "presence-notify");
  pl_trace_event_add_string (event, "presentity", w->presentity);
  pl_trace_event_add_string (event, "state", ss->ss_substate);
  if (ss->ss_reason)
    pl_trace_event_add_string (event, "reason", ss->ss_reason);
  pl_trace_event_add_int (event, "bytes", len);
  if (joined)
    pl_trace_event_add_string (event, "profiles", joined);
  pl_node_commit_event (node, event);

  if (error)
    pl_node_app_event (node, "error", "presence of %s unread: %s", w->presentity, error->message);
  else if (pidf)
    update_devices (self, w->presentity, urls);
}

gboolean
_pl_sender_presence_notify (PlSender    *self,
                            PlServerTxn *txn,
                            msg_t       *msg,
                            sip_t       *sip)
{
  GPtrArray *all = self->presence->watches;
  PlWatch *w = NULL;

  if (sip->sip_event == NULL || g_ascii_strcasecmp (sip->sip_event->o_type, "presence") != 0)
    return FALSE;
  for (guint i = 0; i < all->len && w == NULL; i++)
    {
      PlWatch *candidate = g_ptr_array_index (all, i);

      if (!candidate->ended && pl_subscriber_matches (candidate->sub, sip))
        w = candidate;
    }
  if (w == NULL)
    return FALSE;

  w->delivered = FALSE;
  pl_subscriber_receive (w->sub, txn, msg, sip);
  if (!w->delivered)
    {
      /* Answered inside pl_subscriber_receive (RFC 3265 §7.2). */
      int status = pl_server_txn_get_status (txn);

      record_watch (w, "notify-rejected", status,
                    status == 400 ? "no Subscription-State" : "CSeq out of order");
      return TRUE;
    }
  if (pl_subscriber_is_terminated (w->sub))
    {
      /* RFC 3265 §3.2.4: over; what it told of capabilities stays. */
      w->ended = TRUE;
      pl_node_cancel_timer (PL_NODE (self), &w->refresh);
    }
  return TRUE;
}

static void
on_subscriber_notify (PlSubscriber *sub,
                      PlServerTxn  *txn,
                      msg_t        *msg,
                      sip_t        *sip,
                      gpointer      user_data)
{
  on_notify (user_data, txn, msg, sip);
}

/* ---- the capability check (use case E, alternative flow 2) ---- */

gboolean
_pl_sender_capability_allows (PlSender    *self,
                              const char  *to,
                              const char  *content_type,
                              char       **reason)
{
  g_autofree char *public_id = _pl_sender_canonical_id_text (to);
  PlPresentity *p = public_id ? find_presentity (self, public_id, FALSE) : NULL;
  g_autoptr (GString) urls = NULL;

  /* Unknown capabilities do not block a push: nothing says the device
   * cannot take it. With several devices, one that takes it (or one
   * still unknown) is enough: the core may route the push there. */
  if (p == NULL || p->devices->len == 0)
    return TRUE;
  urls = g_string_new (NULL);
  for (guint i = 0; i < p->devices->len; i++)
    {
      PlDevice *d = g_ptr_array_index (p->devices, i);

      if (d->uaprof == NULL || pl_uaprof_accepts (d->uaprof, content_type))
        return TRUE;
      g_string_append_printf (urls, "%s%s", urls->len ? ", " : "", d->url);
    }
  /* 002_… §5.5.6 alternative flow 2a: "the delivery of the push message
   * not being attempted ... if the user-agent is considered not
   * compatible with the content". */
  *reason = g_strdup_printf ("content type %s is not accepted by the device profile of %s (%s); "
                             "delivery not attempted (use case E, alternative flow 2)",
                             content_type, public_id, urls->str);
  return FALSE;
}

/* ---- timeline actions ---- */

static void
watch_spec_free (gpointer data)
{
  PlWatchSpec *spec = data;

  g_free (spec->uri);
  g_free (spec);
}

static void
run_watch (PlNode  *node,
           gpointer data)
{
  PlWatchSpec *spec = data;

  if (spec->unwatch)
    unwatch (PL_SENDER (node), spec->uri);
  else
    watch (PL_SENDER (node), spec->uri, spec->expires);
}

PlAction *
_pl_sender_parse_presence_watch (PlSender      *self,
                                 PlXmlContext  *ctx,
                                 xmlNode       *element,
                                 GError       **error)
{
  static const char *const watch_attrs[] = { "node", "event", "user", "expires", NULL };
  static const char *const unwatch_attrs[] = { "node", "event", "user", NULL };
  const char *verb = (const char *) element->name;
  gboolean unwatching = g_str_equal (verb, "unwatch");
  const char *user;
  guint64 expires = 0;
  PlWatchSpec *spec;

  if (!pl_xml_check_attrs (ctx, element, unwatching ? unwatch_attrs : watch_attrs, error)
      || !pl_xml_require_attr (ctx, element, "user", &user, error))
    return NULL;
  if (!_pl_sender_is_sip_uri (user) || strchr (user, '@') == NULL)
    return pl_xml_error (ctx, error, element, "user",
                         "attribute 'user' of <%s>: expected the presentity, a SIP URI such as "
                         "sip:john.doe@home1.net, got '%s'", verb, user), NULL;
  /* Expires: 0 would be a fetch (RFC 3265 §3.3.6); <unwatch> ends. */
  if (!unwatching
      && !pl_xml_attr_uint (ctx, element, "expires", DEFAULT_EXPIRES, 1, G_MAXUINT32, &expires,
                            error))
    return NULL;
  spec = g_new0 (PlWatchSpec, 1);
  spec->uri = g_strdup (user);
  spec->expires = (guint32) expires;
  spec->unwatch = unwatching;
  return pl_action_new (PL_NODE (self), verb, run_watch, spec, watch_spec_free);
}

/* ---- public API ---- */

void
pl_sender_watch_presence (PlSender   *self,
                          const char *presentity,
                          guint32     expires)
{
  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (presentity != NULL && _pl_sender_is_sip_uri (presentity));
  g_return_if_fail (expires > 0);

  watch (self, presentity, expires);
}

void
pl_sender_unwatch_presence (PlSender   *self,
                            const char *presentity)
{
  g_return_if_fail (PL_IS_SENDER (self));
  g_return_if_fail (presentity != NULL && _pl_sender_is_sip_uri (presentity));

  unwatch (self, presentity);
}

const char *
pl_sender_get_presence_state (PlSender   *self,
                              const char *presentity)
{
  g_autofree char *key = NULL;
  GPtrArray *all;

  g_return_val_if_fail (PL_IS_SENDER (self), NULL);
  g_return_val_if_fail (presentity != NULL, NULL);

  key = _pl_sender_canonical_id_text (presentity);
  all = self->presence->watches;
  /* The newest watch of the presentity, ended or not. */
  for (guint i = all->len; key && i-- > 0;)
    {
      PlWatch *w = g_ptr_array_index (all, i);

      if (g_str_equal (w->presentity, key))
        return pl_subscriber_get_state (w->sub);
    }
  return NULL;
}

char **
pl_sender_dup_accepted_types (PlSender   *self,
                              const char *public_id)
{
  g_autofree char *key = NULL;
  g_autoptr (GPtrArray) types = NULL;
  PlPresentity *p;

  g_return_val_if_fail (PL_IS_SENDER (self), NULL);
  g_return_val_if_fail (public_id != NULL, NULL);

  key = _pl_sender_canonical_id_text (public_id);
  p = key ? find_presentity (self, key, FALSE) : NULL;
  if (p == NULL || p->devices->len == 0)
    return NULL;
  types = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < p->devices->len; i++)
    {
      PlDevice *d = g_ptr_array_index (p->devices, i);
      const char * const *accepted;

      if (d->uaprof == NULL)
        return NULL;
      accepted = pl_uaprof_get_content_types (d->uaprof);
      for (guint j = 0; accepted[j]; j++)
        {
          gboolean seen = FALSE;

          for (guint k = 0; k < types->len && !seen; k++)
            seen = g_ascii_strcasecmp (g_ptr_array_index (types, k), accepted[j]) == 0;
          if (!seen)
            g_ptr_array_add (types, g_strdup (accepted[j]));
        }
    }
  g_ptr_array_add (types, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&types), FALSE);
}
