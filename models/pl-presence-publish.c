/* pl-presence-publish.c: the presence server as event state compositor
 * (RFC 3903 §6): PUBLISH of presence documents, entity-tags, refresh,
 * modification, removal and expiry of publications on virtual time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-presence"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-presence-private.h"
#include "pl-wire.h"
#include "pl-xml.h"

void
_pl_presence_publication_free (gpointer data)
{
  PlPsPublication *pub = data;

  if (pub->timer)
    pl_node_cancel_timer (PL_NODE (pub->self), &pub->timer);
  g_clear_pointer (&pub->document, pl_pidf_free);
  g_free (pub->presentity);
  g_free (pub->etag);
  g_free (pub);
}

static PlPsPublication *
find_publication (PlPresence *self,
                  const char *presentity,
                  const char *etag)
{
  for (guint i = 0; i < self->publications->len; i++)
    {
      PlPsPublication *pub = g_ptr_array_index (self->publications, i);

      /* RFC 3903 §6 step 4: the tag names event state of this resource
       * only. Entity-tags are opaque and compared exactly. */
      if (g_str_equal (pub->etag, etag) && g_str_equal (pub->presentity, presentity))
        return pub;
    }
  return NULL;
}

static gboolean
etag_in_use (PlPresence *self,
             const char *etag)
{
  for (guint i = 0; i < self->publications->len; i++)
    if (g_str_equal (((PlPsPublication *) g_ptr_array_index (self->publications, i))->etag, etag))
      return TRUE;
  return FALSE;
}

/* RFC 3903 §6 step 7: a new entity-tag for every successful PUBLISH,
 * unique among the live ones. Derived from the node, the run's seed and
 * a counter, so that the same run gives the same tags. */
static char *
new_etag (PlPresence *self)
{
  PlNode *node = PL_NODE (self);
  char *etag = NULL;

  do
    {
      g_autofree char *seed = g_strdup_printf ("%s:%" G_GUINT64_FORMAT ":%u", pl_node_get_id (node),
                                               pl_sim_get_seed (pl_node_get_sim (node)),
                                               ++self->n_etags);
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, seed, -1);

      g_free (etag);
      etag = g_strndup (sum, 10);
    }
  while (etag_in_use (self, etag));
  return etag;
}

static void
record_publication (PlPsPublication *pub,
                    const char      *state,
                    const char      *previous,
                    guint32          expires)
{
  PlNode *node = PL_NODE (pub->self);
  PlTraceEvent *event = pl_node_begin_event (node, PL_EVENT_APP, "publication");

  pl_trace_event_add_string (event, "presentity", pub->presentity);
  pl_trace_event_add_string (event, "etag", pub->etag);
  pl_trace_event_add_string (event, "state", state);
  if (previous)
    pl_trace_event_add_string (event, "previous-etag", previous);
  pl_trace_event_add_int (event, "expires", expires);
  pl_node_commit_event (node, event);
}

static void
on_publication_expired (gpointer data)
{
  PlPsPublication *pub = data;
  PlPresence *self = pub->self;
  g_autofree char *presentity = g_strdup (pub->presentity);

  pub->timer = NULL;
  /* RFC 3903 §6 step 5: the lifetime granted is over; state not
   * refreshed in time is gone. */
  record_publication (pub, "expired", NULL, 0);
  g_ptr_array_remove (self->publications, pub);
  _pl_presence_state_changed (self, presentity, "expired");
}

static void
arm_expiry (PlPsPublication *pub,
            guint32          expires)
{
  PlNode *node = PL_NODE (pub->self);

  if (pub->timer)
    pl_node_cancel_timer (node, &pub->timer);
  pub->expires_at = pl_node_now (node) + PL_SEC (expires);
  pub->timer = pl_node_add_background_timer (node, PL_SEC (expires), on_publication_expired, pub,
                                             NULL);
}

/* The 2xx of step 7: the entity-tag and the granted Expires. */
static void
respond_ok (PlServerTxn *txn,
            const char  *etag,
            guint32      expires)
{
  msg_t *response = pl_server_txn_make_response (txn, 200, NULL);
  g_autofree char *value = g_strdup_printf ("%u", expires);

  if (etag)
    pl_wire_add_header (response, "SIP-ETag", etag);
  pl_wire_add_header (response, "Expires", value);
  pl_server_txn_respond (txn, response);
}

/* A reason phrase is one line of text (RFC 3261 §25.1 Reason-Phrase). */
static char *
one_line (const char *text)
{
  char *out = g_strdup (text);

  for (char *p = out; *p; p++)
    if (*p == '\r' || *p == '\n' || *p == '\t')
      *p = ' ';
  return out;
}

/* Step 6: the body is a presence document we can read. NULL with the
 * request answered when it is not. */
static PlPidf *
read_body (PlPresence  *self,
           PlServerTxn *txn,
           sip_t       *sip)
{
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  g_autoptr (GError) error = NULL;
  PlPidf *pidf;

  if (type == NULL || g_ascii_strcasecmp (type, PL_PIDF_CONTENT_TYPE) != 0)
    {
      /* RFC 3903 §6 step 6 (RFC 3261 §21.4.13): the presence package's
       * format is PIDF (RFC 3856 §6.5). */
      msg_t *response = pl_server_txn_make_response (txn, 415, NULL);
      g_autofree char *reason = g_strdup_printf ("content type %s is not %s",
                                                 type ? type : "(none)", PL_PIDF_CONTENT_TYPE);

      msg_header_add_make (response, NULL, sip_accept_class, PL_PIDF_CONTENT_TYPE);
      _pl_presence_reject (self, txn, response, "publish-rejected", reason);
      return NULL;
    }
  pidf = pl_pidf_parse (sip->sip_payload->pl_data, sip->sip_payload->pl_len, "PUBLISH body", &error);
  if (pidf == NULL)
    {
      g_autofree char *line = one_line (error->message);
      g_autofree char *phrase = g_strdup_printf ("Bad Request (%s)", line);

      _pl_presence_reject (self, txn, pl_server_txn_make_response (txn, 400, phrase),
                           "publish-rejected", line);
      return NULL;
    }
  return pidf;
}

static void
remove_publication (PlPresence      *self,
                    PlServerTxn     *txn,
                    PlPsPublication *pub)
{
  g_autofree char *presentity = g_strdup (pub->presentity);

  /* RFC 3903 §6 step 5: Expires: 0 removes the state at once. */
  record_publication (pub, "removed", NULL, 0);
  g_ptr_array_remove (self->publications, pub);
  respond_ok (txn, NULL, 0);
  _pl_presence_state_changed (self, presentity, "removed");
}

void
_pl_presence_publish (PlPresence  *self,
                      PlServerTxn *txn,
                      msg_t       *msg,
                      sip_t       *sip)
{
  g_autofree char *presentity = _pl_presence_aor (sip->sip_request->rq_url);
  g_autofree char *publisher = _pl_presence_sender (msg);
  g_autofree char *if_match = pl_wire_header_value (msg, "SIP-If-Match");
  gboolean has_body = sip->sip_payload && sip->sip_payload->pl_len > 0;
  PlPsPublication *pub = NULL;
  g_autoptr (PlPidf) document = NULL;
  g_autofree char *previous = NULL;
  guint32 expires;
  const char *state;

  /* Step 2: the package. */
  if (sip->sip_event == NULL || g_ascii_strcasecmp (sip->sip_event->o_type, PL_PRESENCE_EVENT) != 0)
    {
      _pl_presence_reply_bad_event (self, txn, "PUBLISH", sip);
      return;
    }
  /* Step 3: the publisher must be authorized for the resource; here
   * only the presentity itself (its asserted identity, RFC 3325) may
   * publish its presence. */
  if (publisher && g_strcmp0 (publisher, presentity) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("%s may not publish the presence of %s", publisher,
                                                 presentity);
      g_autofree char *phrase = g_strdup_printf ("Forbidden (%s)", reason);

      _pl_presence_reject (self, txn, pl_server_txn_make_response (txn, 403, phrase),
                           "publish-rejected", reason);
      return;
    }
  /* Step 4: SIP-If-Match names state we hold, else 412; without it the
   * request is an initial publication and must carry state. */
  if (if_match)
    {
      g_strstrip (if_match);
      pub = find_publication (self, presentity, if_match);
      if (pub == NULL)
        {
          g_autofree char *reason = g_strdup_printf ("no publication of %s has entity-tag %s",
                                                     presentity, if_match);

          _pl_presence_reject (self, txn, pl_server_txn_make_response (txn, 412, NULL),
                               "publish-rejected", reason);
          return;
        }
    }
  else if (!has_body)
    {
      _pl_presence_reject (self, txn,
                           pl_server_txn_make_response (txn, 400,
                                                        "Bad Request (initial PUBLISH without a body)"),
                           "publish-rejected", "an initial PUBLISH must carry a presence document");
      return;
    }

  /* Step 5: the duration. RFC 3856 defines no default of its own for
   * PUBLISH; the default-expires attribute (3600 s, like a SUBSCRIBE of
   * RFC 3856 §6.4) applies. */
  expires = sip->sip_expires ? sip->sip_expires->ex_delta : self->default_expires;
  if (expires == 0)
    {
      if (pub == NULL)
        {
          _pl_presence_reject (self, txn,
                               pl_server_txn_make_response (txn, 400,
                                                            "Bad Request (Expires: 0 without SIP-If-Match)"),
                               "publish-rejected", "Expires: 0 removes a publication named by SIP-If-Match");
          return;
        }
      remove_publication (self, txn, pub);
      return;
    }
  if (expires < self->min_expires)
    {
      msg_t *response = pl_server_txn_make_response (txn, 423, NULL);
      g_autofree char *value = g_strdup_printf ("%u", self->min_expires);
      g_autofree char *reason = g_strdup_printf ("Expires %u is below %u", expires,
                                                 self->min_expires);

      pl_wire_add_header (response, "Min-Expires", value);
      _pl_presence_reject (self, txn, response, "publish-rejected", reason);
      return;
    }
  expires = MIN (expires, self->max_expires);

  /* Step 6: the state itself. */
  if (has_body && (document = read_body (self, txn, sip)) == NULL)
    return;

  /* Step 7: stored under a new entity-tag. */
  if (pub == NULL)
    {
      pub = g_new0 (PlPsPublication, 1);
      pub->self = self;
      pub->presentity = g_strdup (presentity);
      pub->etag = new_etag (self);
      state = "created";
    }
  else
    {
      char *etag = new_etag (self);  /* before the old one goes: unique */

      previous = g_steal_pointer (&pub->etag);
      pub->etag = etag;
      state = document ? "modified" : "refreshed";
    }
  if (document)
    {
      guint index;

      g_clear_pointer (&pub->document, pl_pidf_free);
      pub->document = g_steal_pointer (&document);
      /* Composition takes the most recently changed publication last
       * (pl_pidf_compose: a later one wins). */
      if (g_ptr_array_find (self->publications, pub, &index))
        g_ptr_array_steal_index (self->publications, index);
      g_ptr_array_add (self->publications, pub);
    }
  arm_expiry (pub, expires);
  respond_ok (txn, pub->etag, expires);
  record_publication (pub, state, previous, expires);
  if (!g_str_equal (state, "refreshed"))
    _pl_presence_state_changed (self, presentity, state);
}
