/* pl-receiver-presence.c: the Push Receiver agent as presence source
 * (2006 draft §8, §8.1.2; flow A.4 steps 5–6): after it registers, it
 * PUBLISHes (RFC 3903) a presence document (RFC 3863, RFC 4479) whose
 * device carries the UAProf URL in <od:device-profile> before its
 * <pdm:deviceID> (§8.1, §8.1.3.3), keeps the entity-tag, refreshes the
 * publication before it expires, publishes again when its document
 * changes, and removes it when it de-registers.
 *
 * Receiver attributes: device-profile="http://…" (the UAProf URL),
 * publish="true|false" (default: true when device-profile is set),
 * publish-expires="3600". Actions: <publish node [device-profile]
 * [expires]/>, <unpublish node/>.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-pidf.h"
#include "pl-receiver-private.h"
#include "pl-state-models.h"
#include "pl-wire.h"
#include "pl-xml.h"

/* RFC 3903 leaves the duration to the package; RFC 3856 §6.4 suggests
 * 3600 s for presence subscriptions, used here for publications too. */
#define DEFAULT_PUBLISH_EXPIRES 3600

typedef enum {
  OP_NONE,
  OP_INITIAL,     /* RFC 3903 §4.2: a body, no SIP-If-Match */
  OP_MODIFY,      /* §4.4: a body and SIP-If-Match */
  OP_REFRESH,     /* §4.3: SIP-If-Match, no body */
  OP_REMOVE,      /* §4.5: SIP-If-Match, Expires: 0 */
} Op;

static const char *const op_names[] = { "none", "initial", "modify", "refresh", "remove" };

struct _PlRxPresence {
  PlReceiver *self;
  char *device_profile;
  gboolean publish;          /* after each registration */
  guint32 expires;           /* asked for */
  char *etag;                /* of our publication; NULL: none */
  char *published;           /* the document the ESC holds */
  PlTimer *refresh;
  Op in_flight;              /* OP_NONE: no PUBLISH awaits its answer */
  char *sending;             /* the document of the PUBLISH in flight */
  guint32 asked;
  gboolean retried;          /* 412 or 423 answered once already */
  Op next;                   /* asked for while one was in flight */
};

void
_pl_receiver_presence_free (PlRxPresence *p)
{
  if (p == NULL)
    return;
  if (p->refresh)
    pl_node_cancel_timer (PL_NODE (p->self), &p->refresh);
  g_free (p->device_profile);
  g_free (p->etag);
  g_free (p->published);
  g_free (p->sending);
  g_free (p);
}

static PlRxPresence *
presence_of (PlReceiver *self)
{
  if (self->presence == NULL)
    {
      self->presence = g_new0 (PlRxPresence, 1);
      self->presence->self = self;
      self->presence->expires = DEFAULT_PUBLISH_EXPIRES;
    }
  return self->presence;
}

/* ---- the document (§8.1) ---- */

/* RFC 4479 §11.1.1: a device is named by a URN; a +sip.instance is one
 * (RFC 5626 §4.1), else one is derived from the node, as stable. */
static char *
device_id (PlReceiver *self)
{
  g_autofree char *instance = _pl_receiver_instance_urn (self);
  g_autoptr (GChecksum) sha1 = NULL;
  guint8 b[20];
  gsize len = sizeof b;

  if (instance)
    return g_steal_pointer (&instance);
  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, (const guchar *) "pushlab:device:", -1);
  g_checksum_update (sha1, (const guchar *) pl_node_get_id (PL_NODE (self)), -1);
  g_checksum_get_digest (sha1, b, &len);
  b[6] = (b[6] & 0x0f) | 0x50;  /* RFC 4122 §4.3: name-based, version 5 */
  b[8] = (b[8] & 0x3f) | 0x80;
  return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
                          b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* An XML name for the tuple of application @app ("push-0x05"). */
static char *
tuple_id (const char *app)
{
  GString *id = g_string_new ("push-");

  for (const char *c = app; *c; c++)
    g_string_append_c (id, g_ascii_isalnum (*c) || *c == '.' || *c == '-' ? *c : '_');
  return g_string_free (id, FALSE);
}

/* The presentity, one tuple per registered push application (its
 * service, RFC 4479 §3.2) reachable at our contact, the person, and the
 * device with its UAProf URL. */
static char *
build_document (PlRxPresence *p)
{
  PlReceiver *self = p->self;
  g_autoptr (PlPidf) doc = pl_pidf_new (self->public_id);
  g_autofree char *contact = _pl_receiver_contact_uri (self);
  g_autofree char *device = device_id (self);

  for (guint i = 0; self->registered_apps && self->registered_apps[i]; i++)
    {
      g_autofree char *id = tuple_id (self->registered_apps[i]);
      g_autofree char *note = g_strdup_printf ("push application %s", self->registered_apps[i]);
      PlPidfTuple *tuple;
      gboolean taken = FALSE;

      /* Two ids may map to one name ("a+b", "a_b"): the first keeps it. */
      for (guint t = 0; t < pl_pidf_get_n_tuples (doc) && !taken; t++)
        taken = g_str_equal (pl_pidf_tuple_get_id (pl_pidf_get_tuple (doc, t)), id);
      if (taken)
        continue;
      tuple = pl_pidf_add_tuple (doc, id, PL_PIDF_BASIC_OPEN, contact);
      pl_pidf_tuple_set_note (tuple, note);
    }
  pl_pidf_add_person (doc, "person");
  /* §8.1: <od:device-profile> before <pdm:deviceID> (pl_pidf_write). */
  pl_pidf_add_device (doc, "device", device, p->device_profile);
  return pl_pidf_write (doc, NULL);
}

/* ---- PUBLISH (RFC 3903 §4) ---- */

static void
record (PlRxPresence *p,
        const char   *name,
        Op            op,
        int           status,
        guint32       expires,
        const char   *reason)
{
  PlNode *node = PL_NODE (p->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, name);

  pl_trace_event_add_string (event, "operation", op_names[op]);
  pl_trace_event_add_int (event, "status", status);
  if (p->etag)
    pl_trace_event_add_string (event, "etag", p->etag);
  if (expires)
    pl_trace_event_add_int (event, "expires", expires);
  if (reason)
    pl_trace_event_add_string (event, "reason", reason);
  pl_node_commit_event (node, event);
}

static msg_t *
build_publish (PlRxPresence *p,
               Op            op,
               guint32       expires,
               const char   *document)
{
  PlReceiver *self = p->self;
  PlNode *node = PL_NODE (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *to = g_strdup_printf ("<%s>", self->public_id);
  g_autofree char *from = g_strdup_printf ("%s;tag=%s", to, tag);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *preferred = _pl_receiver_name_addr (self->display, self->public_id);
  g_autofree char *value = g_strdup_printf ("%u", expires);

  /* RFC 3903 §4: the Request-URI is the presentity, our public
   * identity; A.4 step 5 sends it through the core like A.3 step 1. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_publish, "PUBLISH",
                                                          URL_STRING_MAKE (self->public_id), NULL));
  if (self->outbound)
    {
      g_autofree char *route = g_strdup_printf ("<%s;lr>", self->outbound);
      msg_header_add_make (msg, NULL, sip_route_class, route);
    }
  for (guint i = 0; self->service_route && self->service_route[i]; i++)
    msg_header_add_make (msg, NULL, sip_route_class, self->service_route[i]);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, sip_method_publish, "PUBLISH"));
  pl_wire_add_header (msg, "P-Preferred-Identity", preferred);
  pl_wire_add_header (msg, "Event", "presence");
  msg_header_add_make (msg, NULL, sip_expires_class, value);
  if (op != OP_INITIAL)
    pl_wire_add_header (msg, "SIP-If-Match", p->etag);
  if (document)
    {
      msg_header_add_make (msg, NULL, sip_content_type_class, PL_PIDF_CONTENT_TYPE);
      msg_header_insert (msg, (msg_pub_t *) sip,
                         (msg_header_t *) sip_payload_create (home, document, strlen (document)));
    }
  return msg;
}

static void run_op (PlRxPresence *p,
                    Op            op);

static void
on_refresh (gpointer data)
{
  PlRxPresence *p = data;

  p->refresh = NULL;
  run_op (p, OP_REFRESH);
}

static void
published (PlRxPresence *p,
           Op            op,
           sip_t        *sip)
{
  PlNode *node = PL_NODE (p->self);
  guint32 granted = sip->sip_expires ? sip->sip_expires->ex_delta : p->asked;

  if (op == OP_REMOVE)
    {
      g_clear_pointer (&p->etag, g_free);
      g_clear_pointer (&p->published, g_free);
      record (p, "unpublished", op, sip->sip_status->st_status, 0, NULL);
      return;
    }
  /* RFC 3903 §4.1: the entity-tag of the 2xx names our state from now. */
  if (sip->sip_etag && sip->sip_etag->g_string)
    {
      g_free (p->etag);
      p->etag = g_strdup (sip->sip_etag->g_string);
    }
  if (p->sending)
    {
      g_free (p->published);
      p->published = g_steal_pointer (&p->sending);
    }
  record (p, "published", op, sip->sip_status->st_status, granted, NULL);
  if (granted > 0)
    {
      /* Refreshed ahead of expiry, as TS 24.229 5.1.1.4 times
       * registrations: 600 s before when longer than 1200 s, else at
       * half. */
      PlTime delay = granted > 1200 ? PL_SEC (granted - 600) : PL_SEC (granted) / 2;

      p->refresh = pl_node_add_background_timer (node, delay, on_refresh, p, NULL);
    }
}

static void
on_publish_response (PlClientTxn *txn,
                     msg_t       *msg,
                     sip_t       *sip,
                     gpointer     user_data)
{
  PlRxPresence *p = user_data;
  int status = sip->sip_status->st_status;
  Op op = p->in_flight;
  Op next;

  if (status < 200)
    return;
  p->in_flight = OP_NONE;
  if (status < 300)
    {
      published (p, op, sip);
      p->retried = FALSE;
    }
  else if (status == 412 && !p->retried)
    {
      /* RFC 3903 §6 step 4: the compositor holds no state under our
       * tag (it expired, or the compositor lost it): publish afresh,
       * an initial publication (§4.2); a removal has nothing left to
       * remove. */
      record (p, "publish-failed", op, status, 0, "entity-tag unknown: publishing afresh");
      g_clear_pointer (&p->etag, g_free);
      g_clear_pointer (&p->published, g_free);
      if (op != OP_REMOVE)
        {
          p->retried = TRUE;
          g_clear_pointer (&p->sending, g_free);
          run_op (p, OP_INITIAL);
          return;
        }
    }
  else if (status == 423 && sip->sip_min_expires && !p->retried)
    {
      /* RFC 3903 §4.2 (RFC 3261 §10.2.8): again with the least it takes. */
      record (p, "publish-failed", op, status, 0, "interval too brief: retrying");
      p->retried = TRUE;
      p->expires = MAX (p->expires, sip->sip_min_expires->me_delta);
      g_clear_pointer (&p->sending, g_free);
      run_op (p, op);
      return;
    }
  else
    {
      record (p, "publish-failed", op, status, 0, sip->sip_status->st_phrase);
      g_clear_pointer (&p->sending, g_free);
      p->retried = FALSE;
      /* A failed initial publication leaves nothing published; a failed
       * refresh or modification leaves the state until it expires. */
    }

  next = p->next;
  p->next = OP_NONE;
  if (next != OP_NONE)
    run_op (p, next);
}

/* RFC 3903 §4.1: one PUBLISH at a time for a resource; what is asked
 * meanwhile waits for the answer. */
static void
run_op (PlRxPresence *p,
        Op            op)
{
  PlReceiver *self = p->self;
  g_autofree char *document = NULL;
  guint32 expires = p->expires;

  if (p->in_flight != OP_NONE)
    {
      /* The last wish wins: a removal, or a publication of the current
       * document. */
      p->next = op == OP_REFRESH && p->next != OP_NONE ? p->next : op;
      return;
    }
  if (op != OP_REMOVE && op != OP_REFRESH)
    op = p->etag ? OP_MODIFY : OP_INITIAL;
  if ((op == OP_REFRESH || op == OP_REMOVE) && p->etag == NULL)
    return;  /* nothing published to refresh or remove */
  if (op == OP_REMOVE)
    expires = 0;
  if (op == OP_INITIAL || op == OP_MODIFY)
    {
      document = build_document (p);
      g_free (p->sending);
      p->sending = g_strdup (document);
    }
  if (p->refresh)
    pl_node_cancel_timer (PL_NODE (self), &p->refresh);
  p->in_flight = op;
  p->asked = expires;
  pl_client_txn_send (PL_NODE (self), build_publish (p, op, expires, document),
                      on_publish_response, p);
}

/* ---- hooks of pl-receiver.c ---- */

gboolean
_pl_receiver_presence_configure (PlReceiver    *self,
                                 PlXmlContext  *ctx,
                                 xmlNode       *element,
                                 GError       **error)
{
  const char *profile = pl_xml_attr (element, "device-profile");
  guint64 expires;
  gboolean publish;

  /* §8.1.3.3: a publicly accessible HTTP URL. */
  if (profile && !pl_pidf_is_device_profile_url (profile))
    return pl_xml_error (ctx, error, element, "device-profile",
                         "attribute 'device-profile': expected an http: or https: URL of a UAProf "
                         "document such as http://example.com/UAProf/d123r100.xml (§8.1.3.3), "
                         "got '%s'", profile);
  if (!pl_xml_attr_bool (ctx, element, "publish", profile != NULL, &publish, error)
      || !pl_xml_attr_uint (ctx, element, "publish-expires", DEFAULT_PUBLISH_EXPIRES, 1,
                            G_MAXUINT32, &expires, error))
    return FALSE;
  if (profile == NULL && !publish && pl_xml_attr (element, "publish-expires") == NULL)
    return TRUE;
  presence_of (self)->device_profile = g_strdup (profile);
  self->presence->publish = publish;
  self->presence->expires = (guint32) expires;
  return TRUE;
}

void
_pl_receiver_presence_registered (PlReceiver *self)
{
  PlRxPresence *p = self->presence;
  g_autofree char *document = NULL;
  const char *held = NULL;

  if (p == NULL || !p->publish)
    return;
  /* §8: the presence source publishes once registered (A.4 step 5), and
   * again when what it publishes changed (the registered applications). */
  document = build_document (p);
  /* What the compositor holds, or will once the PUBLISH in flight is
   * answered. */
  if (p->in_flight == OP_INITIAL || p->in_flight == OP_MODIFY)
    held = p->sending;
  else if (p->in_flight != OP_REMOVE && p->etag)
    held = p->published;
  if (p->next == OP_NONE && held && g_strcmp0 (document, held) == 0)
    return;
  run_op (p, OP_INITIAL);
}

void
_pl_receiver_presence_deregistering (PlReceiver *self)
{
  PlRxPresence *p = self->presence;

  if (p == NULL)
    return;
  /* What a de-registered device published is no longer true. */
  if (p->etag || p->in_flight != OP_NONE)
    run_op (p, OP_REMOVE);
}

typedef struct {
  char *device_profile;
  guint32 expires;
  gboolean remove;
} PlPublishSpec;

static void
publish_spec_free (gpointer data)
{
  PlPublishSpec *spec = data;

  g_free (spec->device_profile);
  g_free (spec);
}

static void
run_publish (PlNode  *node,
             gpointer data)
{
  PlPublishSpec *spec = data;
  PlRxPresence *p = presence_of (PL_RECEIVER (node));

  if (spec->remove)
    {
      if (p->etag == NULL && p->in_flight == OP_NONE)
        {
          record (p, "publish-failed", OP_REMOVE, 0, 0, "nothing published");
          return;
        }
      run_op (p, OP_REMOVE);
      return;
    }
  if (spec->device_profile)
    {
      g_free (p->device_profile);
      p->device_profile = g_strdup (spec->device_profile);
    }
  if (spec->expires)
    p->expires = spec->expires;
  run_op (p, OP_INITIAL);
}

PlAction *
_pl_receiver_parse_presence_action (PlReceiver    *self,
                                    PlXmlContext  *ctx,
                                    xmlNode       *element,
                                    GError       **error)
{
  static const char *const publish_attrs[] = { "node", "device-profile", "expires", NULL };
  static const char *const unpublish_attrs[] = { "node", NULL };
  const char *verb = (const char *) element->name;
  gboolean remove = g_str_equal (verb, "unpublish");
  const char *profile = pl_xml_attr (element, "device-profile");
  PlPublishSpec *spec;
  guint64 expires = 0;

  if (!pl_xml_check_attrs (ctx, element, remove ? unpublish_attrs : publish_attrs, error))
    return NULL;
  if (profile && !pl_pidf_is_device_profile_url (profile))
    return pl_xml_error (ctx, error, element, "device-profile",
                         "attribute 'device-profile': expected an http: or https: URL of a UAProf "
                         "document (§8.1.3.3), got '%s'", profile), NULL;
  if (!pl_xml_attr_uint (ctx, element, "expires", 0, 1, G_MAXUINT32, &expires, error))
    return NULL;
  spec = g_new0 (PlPublishSpec, 1);
  spec->device_profile = g_strdup (profile);
  spec->expires = (guint32) expires;
  spec->remove = remove;
  return pl_action_new (PL_NODE (self), verb, run_publish, spec, publish_spec_free);
}

void
_pl_receiver_presence_describe (PlReceiver *self,
                                PlState    *state)
{
  PlRxPresence *p = self->presence;
  PlStateRow *row;

  if (p == NULL)
    return;
  pl_state_begin_section (state, "presence publication");
  if (p->device_profile)
    pl_state_add_row (state, NULL, "device profile", p->device_profile);
  pl_state_add_row (state, NULL, "publish after registration", p->publish ? "yes" : "no");
  row = pl_state_add_row (state, NULL, "etag", p->etag ? p->etag : "(none)");
  if (p->published)
    pl_state_row_set_detailf (row, "the server holds a %" G_GSIZE_FORMAT "-byte document",
                              strlen (p->published));
  if (p->in_flight != OP_NONE)
    pl_state_add_row (state, NULL, "PUBLISH in flight", "yes");
}
