/* pl-sender-refer.c: the Push Sender agent triggers a ua-profile
 * subscription with REFER (2006 draft, "Use of the REFER Method",
 * procedures at the Push Sender agent; REFER sample flow steps 1, 4, 6–7
 * and 11–12; RFC 3515).
 *
 * The REFER creates an implicit subscription to the "refer" event (RFC
 * 3515 §2.4.4), kept by a PlSubscriber: the 202 makes its dialog, its
 * NOTIFYs carry message/sipfrag status lines of the referred SUBSCRIBE,
 * the last one "terminated;reason=noresource" (sample flow step 10).
 *
 *   <refer node="psa" to="sip:john.doe@home1.net" app="0x05"
 *          [target="sip:…"] [expires="600"]/>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-action.h"
#include "pl-refer.h"
#include "pl-sender-private.h"
#include "pl-state-models.h"
#include "pl-wire.h"

/* The sample flow's step 1 asks for 600 s. */
#define DEFAULT_EXPIRES 600

struct _PlSenderRefer {
  PlSender *self;
  guint number;             /* 1, 2, … per sender */
  char *to;
  char *app;
  char *target;             /* the referred URI */
  PlSubscriber *sub;        /* the implicit "refer" subscription */
  gboolean ended;           /* its terminating NOTIFY arrived, or the REFER failed */
};

typedef struct {
  char *to;
  char *app;
  char *target;
  guint32 expires;
} PlReferSpec;

void
_pl_sender_refer_free (gpointer data)
{
  PlSenderRefer *r = data;

  pl_subscriber_free (r->sub);
  g_free (r->to);
  g_free (r->app);
  g_free (r->target);
  g_free (r);
}

static void
refer_spec_free (gpointer data)
{
  PlReferSpec *spec = data;

  g_free (spec->to);
  g_free (spec->app);
  g_free (spec->target);
  g_free (spec);
}

static PlTraceEvent *
begin_event (PlSenderRefer *r,
             const char    *name)
{
  PlTraceEvent *event = pl_node_begin_event (PL_NODE (r->self), PL_EVENT_APP, name);

  pl_trace_event_add_int (event, "refer", r->number);
  pl_trace_event_add_string (event, "to", r->to);
  pl_trace_event_add_string (event, "app", r->app);
  return event;
}

/* ---- answers and NOTIFYs of the refer subscription ---- */

static void
on_refer_answered (PlSubscriber *sub,
                   int           status,
                   sip_t        *response,
                   gpointer      user_data)
{
  PlSenderRefer *r = user_data;
  PlTraceEvent *event = begin_event (r, "refer");
  const char *result;

  /* Sample flow step 3: the user's approval gives 202; RFC 3515 §2.4.2
   * and Appendix C row 2: a 603 is the user's refusal (403 a policy's). */
  if (status >= 200 && status < 300)
    result = "accepted";
  else if (status == 603 || status == 403)
    result = "declined";
  else
    result = "failed";
  if (status >= 300)
    r->ended = TRUE;
  pl_trace_event_add_int (event, "status", status);
  pl_trace_event_add_string (event, "result", result);
  pl_trace_event_add_string (event, "reason",
                             response && response->sip_status ? response->sip_status->st_phrase
                                                              : "");
  pl_node_commit_event (PL_NODE (r->self), event);
}

static void
on_refer_notify (PlSubscriber *sub,
                 PlServerTxn  *txn,
                 msg_t        *msg,
                 sip_t        *sip,
                 gpointer      user_data)
{
  PlSenderRefer *r = user_data;
  PlNode *node = PL_NODE (r->self);
  sip_subscription_state_t *ss = sip->sip_subscription_state;
  const char *type = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;
  g_autofree char *line = NULL;
  int status = 0;
  PlTraceEvent *event;

  /* RFC 3515 §2.4.4: the implicit subscription's package is "refer". */
  if (sip->sip_event == NULL || g_ascii_strcasecmp (sip->sip_event->o_type, "refer") != 0)
    {
      msg_t *response = pl_server_txn_make_response (txn, 489, NULL);

      pl_wire_add_header (response, "Allow-Events", "refer");
      pl_server_txn_respond (txn, response);
      pl_node_app_event (node, "refer-notify-rejected",
                         "refer %u: a NOTIFY in the refer dialog names another event", r->number);
      return;
    }
  /* RFC 3515 §2.4.5: each NOTIFY carries a message/sipfrag whose first
   * line is a status line. */
  if (type == NULL || g_ascii_strcasecmp (type, "message/sipfrag") != 0
      || sip->sip_payload == NULL
      || !pl_refer_parse_sipfrag (sip->sip_payload->pl_data, sip->sip_payload->pl_len, &status,
                                  &line))
    {
      pl_server_txn_reply (txn, 400, "Bad Request (no message/sipfrag status line)");
      pl_node_app_event (node, "refer-notify-rejected",
                         "refer %u: the NOTIFY carries no message/sipfrag status line",
                         r->number);
      return;
    }
  pl_server_txn_reply (txn, 200, NULL);  /* sample flow steps 7 and 12 */

  event = begin_event (r, "refer-notify");
  pl_trace_event_add_string (event, "state", ss->ss_substate);
  pl_trace_event_add_int (event, "status", status);
  pl_trace_event_add_string (event, "sipfrag", line);
  pl_node_commit_event (node, event);

  if (pl_subscriber_is_terminated (sub))
    {
      /* Sample flow step 10: the final NOTIFY tells how the referred
       * SUBSCRIBE ended; "noresource": the refer subscription is done. */
      r->ended = TRUE;
      event = begin_event (r, "refer-result");
      pl_trace_event_add_int (event, "status", status);
      pl_trace_event_add_string (event, "result",
                                 status >= 200 && status < 300 ? "subscribed" : "failed");
      pl_trace_event_add_string (event, "sipfrag", line);
      pl_trace_event_add_string (event, "reason", ss->ss_reason ? ss->ss_reason : "");
      pl_node_commit_event (node, event);
    }
}

gboolean
_pl_sender_refer_notify (PlSender    *self,
                         PlServerTxn *txn,
                         msg_t       *msg,
                         sip_t       *sip)
{
  for (guint i = 0; i < self->refers->len; i++)
    {
      PlSenderRefer *r = g_ptr_array_index (self->refers, i);

      /* An ended subscription takes no more NOTIFYs: 481 by the caller
       * (RFC 3265 §3.2.4). */
      if (!r->ended && pl_subscriber_matches (r->sub, sip))
        {
          pl_subscriber_receive (r->sub, txn, msg, sip);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- the REFER (sample flow step 1) ---- */

static msg_t *
build_refer (PlSender   *self,
             const char *to,
             const char *app,
             const char *target,
             guint32     expires)
{
  PlNode *node = PL_NODE (self);
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  g_autofree char *tag = pl_node_new_tag (node);
  g_autofree char *call_id = pl_node_new_call_id (node);
  g_autofree char *from = g_strdup_printf ("<sip:%s>;tag=%s", pl_node_get_hostname (node), tag);
  g_autofree char *to_value = g_strdup_printf ("<%s>", to);
  g_autofree char *contact = g_strdup_printf ("<sip:%s>", pl_node_get_host (node));
  g_autofree char *refer_to = pl_refer_build_refer_to (pl_node_get_dialect (node), target, app);
  g_autofree char *expires_text = g_strdup_printf ("%u", expires);

  /* Sender step 1: the destination user's public SIP URI. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, sip_method_refer, "REFER",
                                                          URL_STRING_MAKE (to), NULL));
  /* Sender step 3: towards the SIP/IP core. */
  _pl_sender_add_route (self, msg);
  /* As §6.3.2 step 4 for MESSAGE (RFC 3325): asserted only when trusted. */
  _pl_sender_add_asserted_identity (self, msg);
  msg_header_add_make (msg, NULL, sip_from_class, from);
  msg_header_add_make (msg, NULL, sip_to_class, to_value);
  msg_header_add_make (msg, NULL, sip_call_id_class, call_id);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, 1, sip_method_refer, "REFER"));
  msg_header_add_make (msg, NULL, sip_expires_class, expires_text);
  /* Sender step 2. sofia-sip prints the escapes it read in upper case
   * ("%3B" for the sample's "%3b"), the same URI by RFC 3261 §19.1.4. */
  msg_header_add_make (msg, NULL, sip_refer_to_class, refer_to);
  msg_header_add_make (msg, NULL, sip_contact_class, contact);
  return msg;
}

static void
run_refer (PlNode  *node,
           gpointer data)
{
  PlReferSpec *spec = data;
  PlSender *self = PL_SENDER (node);
  PlSenderRefer *r = g_new0 (PlSenderRefer, 1);
  PlTraceEvent *event;

  r->self = self;
  r->number = self->refers->len + 1;
  r->to = g_strdup (spec->to);
  r->app = g_strdup (spec->app);
  r->target = g_strdup (spec->target ? spec->target : spec->to);
  g_ptr_array_add (self->refers, r);

  event = begin_event (r, "refer-sent");
  pl_trace_event_add_string (event, "target", r->target);
  pl_node_commit_event (node, event);
  r->sub = pl_subscriber_new (node, build_refer (self, r->to, r->app, r->target, spec->expires),
                              on_refer_answered, on_refer_notify, r);
}

static gboolean
is_plain_sip_uri (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  url_t url[1];

  return url_d (url, copy) >= 0 && (url->url_type == url_sip || url->url_type == url_sips)
         && url->url_host != NULL && url->url_headers == NULL;
}

PlAction *
_pl_sender_parse_refer (PlSender      *self,
                        PlXmlContext  *ctx,
                        xmlNode       *element,
                        GError       **error)
{
  static const char *const attrs[] = { "node", "to", "app", "target", "expires", NULL };
  const char *to, *app, *target;
  guint64 expires;
  PlReferSpec *spec;

  if (!pl_xml_check_attrs (ctx, element, attrs, error)
      || !pl_xml_require_attr (ctx, element, "to", &to, error)
      || !pl_xml_require_attr (ctx, element, "app", &app, error)
      || !pl_xml_attr_uint (ctx, element, "expires", DEFAULT_EXPIRES, 1, G_MAXUINT32, &expires,
                            error))
    return NULL;
  if (!is_plain_sip_uri (to))
    return pl_xml_error (ctx, error, element, "to",
                         "attribute 'to' of <refer>: expected the user's public identity, a SIP "
                         "URI such as sip:john.doe@home1.net, got '%s'", to), NULL;
  /* The id goes into a feature tag (§1.1), escaped into Refer-To. */
  if (*app == '\0' || strpbrk (app, " \t\"<>;,=&?%") != NULL)
    return pl_xml_error (ctx, error, element, "app",
                         "attribute 'app' of <refer>: expected a push application id such as "
                         "0x05 or mms.ua, got '%s'", app), NULL;
  /* Sender step 2a: the user's URI or the Push Sender's own. */
  target = pl_xml_attr (element, "target");
  if (target && !is_plain_sip_uri (target))
    return pl_xml_error (ctx, error, element, "target",
                         "attribute 'target' of <refer>: expected a SIP URI without headers "
                         "such as sip:john.doe@home1.net or sip:psadm1.home1.net, got '%s'",
                         target), NULL;

  spec = g_new0 (PlReferSpec, 1);
  spec->to = g_strdup (to);
  spec->app = g_strdup (app);
  spec->target = g_strdup (target);
  spec->expires = (guint32) expires;
  return pl_action_new (PL_NODE (self), "refer", run_refer, spec, refer_spec_free);
}

void
_pl_sender_refer_describe (PlSender *self,
                           PlState  *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  if (self->refers == NULL || self->refers->len == 0)
    return;
  pl_state_begin_section (state, "refers");
  for (guint i = 0; i < self->refers->len; i++)
    {
      PlSenderRefer *r = g_ptr_array_index (self->refers, i);
      PlStateRow *row = pl_state_add_rowf (state, NULL, "refer", "%u", r->number);

      pl_state_add_row (state, row, "to", r->to);
      pl_state_add_row (state, row, "app", r->app);
      pl_state_add_row (state, row, "target", r->target);
      if (r->sub)
        _pl_state_add_subscriber (state, row, r->sub, now);
      if (r->ended)
        pl_state_add_row (state, row, "ended", "yes");
    }
}
