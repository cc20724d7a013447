/* pl-sender-capabilities.c: the Push Sender agent's capability store.
 *
 * 2006 draft §8: the sender "SHOULD make the capability information
 * available to applications". The presence watch (pl-sender-presence.c)
 * hands over the <od:device-profile> URLs of a presentity's devices; each
 * is "an HTTP URL" of the device's UAProf descriptor (§8.1.3.3), fetched
 * here with an HTTP GET (pl-http.h) from the node that has the URL's host
 * (pl-uaprof-server.c). The content types a profile accepts are kept per
 * public identity, and a push of a type no device of the recipient is
 * known to accept is not attempted (requirements use case E, alternative
 * flow 2, 002_… §5.5.6).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include "pl-http.h"
#include "pl-sender-presence-private.h"
#include "pl-state-models.h"
#include "pl-uaprof.h"
#include "pl-wire.h"

/* A fetch nobody answers leaves the capability unknown after this. */
#define FETCH_TIMEOUT PL_SEC (30)
/* What a UAProf server answers: RDF/XML (RFC 3870), or plain XML as
 * deployed UAProf servers commonly label it. */
#define PROFILE_ACCEPT "application/rdf+xml, application/xml, text/xml"

typedef struct {
  char *url;
  PlUaprof *uaprof;       /* NULL: capabilities unknown */
  gboolean fetching;      /* a GET of its profile is under way */
} PlDevice;

typedef struct {
  char *public_id;        /* canonical */
  GPtrArray *devices;     /* PlDevice*, in the document's device order */
} PlPresentity;

typedef struct {
  PlSender *self;
  char *public_id;
} PlFetch;

/* ---- store ---- */

static void
device_free (gpointer data)
{
  PlDevice *d = data;

  g_free (d->url);
  g_clear_pointer (&d->uaprof, pl_uaprof_free);
  g_free (d);
}

void
_pl_sender_presentity_free (gpointer data)
{
  PlPresentity *p = data;

  g_free (p->public_id);
  g_ptr_array_unref (p->devices);
  g_free (p);
}

static void
fetch_free (gpointer data)
{
  PlFetch *f = data;

  g_free (f->public_id);
  g_free (f);
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

static void on_fetched (const char          *url,
                        const PlHttpMessage *response,
                        const char          *problem,
                        gpointer             user_data);

/* TRUE when the GET is on its way. */
static gboolean
start_fetch (PlSender   *self,
             const char *public_id,
             const char *url)
{
  PlNode *node = PL_NODE (self);
  g_autoptr (GError) error = NULL;
  PlTraceEvent *event;
  PlFetch *f;

  if (self->presence->http == NULL)
    self->presence->http = pl_http_client_new (node, FETCH_TIMEOUT);
  f = g_new0 (PlFetch, 1);
  f->self = self;
  f->public_id = g_strdup (public_id);
  if (!pl_http_client_get (self->presence->http, url, PROFILE_ACCEPT, on_fetched, f, fetch_free,
                           &error))
    {
      fetch_error (self, public_id, url, error->message);
      fetch_free (f);
      return FALSE;
    }
  event = pl_node_begin_event (node, PL_EVENT_APP, "profile-fetch");
  pl_trace_event_add_string (event, "presentity", public_id);
  pl_trace_event_add_string (event, "profile", url);
  pl_node_commit_event (node, event);
  return TRUE;
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

/* The answer to a GET of a device profile. */
static void
on_fetched (const char          *url,
            const PlHttpMessage *response,
            const char          *problem_text,
            gpointer             user_data)
{
  PlFetch *f = user_data;
  PlSender *self = f->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlUaprof) uaprof = NULL;
  g_autofree char *problem = g_strdup (problem_text);
  PlDevice *device;
  const char *type = response ? pl_http_message_get_header (response, "Content-Type") : NULL;

  if (problem)
    ;
  else if (pl_http_message_get_status (response) != 200)
    problem = g_strdup_printf ("GET answered %d %s", pl_http_message_get_status (response),
                               pl_http_message_get_reason (response));
  else if (type == NULL || !is_profile_type (type))
    problem = g_strdup_printf ("the profile came as %s; expected %s", type ? type : "(no type)",
                               PROFILE_ACCEPT);
  else
    {
      gsize len;
      const char *data = g_bytes_get_data (pl_http_message_get_body (response), &len);

      uaprof = pl_uaprof_parse (data, len, url, &error);
      if (uaprof == NULL)
        problem = g_strdup_printf ("not a UAProf profile: %s", error->message);
    }

  device = find_device (self, f->public_id, url);
  if (device)
    device->fetching = FALSE;
  if (problem)
    fetch_error (self, f->public_id, url, problem);
  else if (device == NULL)
    /* A later NOTIFY no longer lists the device. */
    pl_node_app_event (PL_NODE (self), "error", "profile %s of %s arrived for a device "
                       "presence no longer lists", url, f->public_id);
  else
    {
      record_capabilities (self, f->public_id, url, uaprof);
      g_clear_pointer (&device->uaprof, pl_uaprof_free);
      device->uaprof = g_steal_pointer (&uaprof);
    }
  fetch_free (f);
}

/* An HTTP answer from @from: the one fetch in flight to it. */
void
_pl_sender_presence_http (PlSender *self,
                          PlNode   *from,
                          GBytes   *bytes)
{
  if (self->presence->http == NULL || !pl_http_client_receive (self->presence->http, from, bytes))
    pl_node_app_event (PL_NODE (self), "error", "HTTP bytes from %s answer no fetch of ours",
                       pl_node_get_id (from));
}

void
_pl_sender_capabilities_update (PlSender   *self,
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
      if (d->uaprof == NULL && !d->fetching)
        g_ptr_array_add (to_fetch, d);
      g_ptr_array_add (devices, d);
    }
  g_ptr_array_unref (p->devices);
  p->devices = g_steal_pointer (&devices);
  for (guint i = 0; i < to_fetch->len; i++)
    {
      PlDevice *d = g_ptr_array_index (to_fetch, i);

      d->fetching = start_fetch (self, public_id, d->url);
    }
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

/* ---- public API ---- */


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

void
_pl_sender_capabilities_describe (PlSender *self,
                                  PlState  *state)
{
  PlSenderPresence *presence = self->presence;

  pl_state_begin_section (state, "capabilities");
  for (guint i = 0; presence && i < presence->presentities->len; i++)
    {
      PlPresentity *p = g_ptr_array_index (presence->presentities, i);
      PlStateRow *row = pl_state_add_rowf (state, NULL, p->public_id, "%u device%s",
                                           p->devices->len, p->devices->len == 1 ? "" : "s");

      for (guint j = 0; j < p->devices->len; j++)
        {
          PlDevice *device = g_ptr_array_index (p->devices, j);
          PlStateRow *drow = pl_state_add_row (state, row, "device profile", device->url);
          const char *const *types;

          if (device->uaprof == NULL)
            {
              pl_state_add_row (state, drow, "capabilities",
                                device->fetching ? "fetching" : "unknown");
              continue;
            }
          types = pl_uaprof_get_content_types (device->uaprof);
          for (guint k = 0; types && types[k]; k++)
            pl_state_add_row (state, drow, "accepts", types[k]);
          types = pl_uaprof_get_push_app_ids (device->uaprof);
          for (guint k = 0; types && types[k]; k++)
            pl_state_add_row (state, drow, "push app", types[k]);
        }
    }
}
