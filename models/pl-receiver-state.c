/* pl-receiver-state.c: what the Push Receiver agent shows of itself
 * (pl-state.h): its registration, its push applications with the
 * content that reached each, subscriptions, publication, REFERs and
 * push sessions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-receiver"

#include "pl-receiver-private.h"
#include "pl-state-models.h"

/* Pushes kept per application: enough to see the last few, bounded so
 * a long run does not grow (the trace has every one). */
#define INBOX_KEEP 8
#define PREVIEW_CHARS 60

typedef struct {
  PlTime at;
  char *method;
  char *from;
  char *content_type;
  gsize size;
  char *preview;          /* NULL: not text */
} Received;

struct _PlRxInbox {
  guint n_received;
  GQueue last;            /* Received*, oldest first, at most INBOX_KEEP */
};

static void
received_free (gpointer data)
{
  Received *r = data;

  g_free (r->method);
  g_free (r->from);
  g_free (r->content_type);
  g_free (r->preview);
  g_free (r);
}

void
_pl_receiver_inbox_free (struct _PlRxInbox *inbox)
{
  if (inbox == NULL)
    return;
  g_queue_clear_full (&inbox->last, received_free);
  g_free (inbox);
}

void
_pl_receiver_inbox_add (PlReceiver *self,
                        PlRxApp    *app,
                        sip_t      *sip,
                        const char *from,
                        const char *method,
                        const char *content_type,
                        GBytes     *content)
{
  g_autoptr (GBytes) body = NULL;
  Received *r;

  if (app->inbox == NULL)
    app->inbox = g_new0 (struct _PlRxInbox, 1);
  /* Content by reference: what was fetched, not the reference. */
  if (content)
    body = g_bytes_ref (content);
  else if (sip->sip_payload)
    body = g_bytes_new (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  else
    body = g_bytes_new (NULL, 0);

  r = g_new0 (Received, 1);
  r->at = pl_node_now (PL_NODE (self));
  r->method = g_strdup (method ? method : sip->sip_request->rq_method_name);
  r->from = g_strdup (from);
  r->content_type = g_strdup (content_type ? content_type
                              : sip->sip_content_type ? sip->sip_content_type->c_type : "");
  r->size = g_bytes_get_size (body);
  r->preview = _pl_state_preview (body, PREVIEW_CHARS);
  app->inbox->n_received++;
  g_queue_push_tail (&app->inbox->last, r);
  if (app->inbox->last.length > INBOX_KEEP)
    received_free (g_queue_pop_head (&app->inbox->last));
}

static void
add_received (PlState        *state,
              PlStateRow     *parent,
              const char     *key,
              const Received *r)
{
  g_autofree char *at = pl_state_format_time (r->at);
  PlStateRow *row = pl_state_add_rowf (state, parent, key, "%s, %" G_GSIZE_FORMAT " bytes",
                                       r->content_type, r->size);

  pl_state_row_set_detailf (row, "%s at %s", r->method, at);
  if (r->from)
    pl_state_add_row (state, row, "from", r->from);
  pl_state_add_row (state, row, "preview", r->preview ? r->preview : "(binary)");
}

static void
describe_apps (PlReceiver *self,
               PlState    *state)
{
  pl_state_begin_section (state, "push applications");
  for (guint i = 0; i < self->apps->len; i++)
    {
      PlRxApp *app = g_ptr_array_index (self->apps, i);
      struct _PlRxInbox *inbox = app->inbox;
      g_autofree char *accept = g_strjoinv (", ", app->accept);
      PlStateRow *row = pl_state_add_row (state, NULL, app->id, app->auid);

      pl_state_add_row (state, row, "accepts", *accept ? accept : "(any)");
      if (app->answer)
        pl_state_add_rowf (state, row, "answers", "%d", app->answer);
      else
        pl_state_add_row (state, row, "answers", "never");
      pl_state_add_rowf (state, row, "received", "%u", inbox ? inbox->n_received : 0);
      if (inbox == NULL || inbox->last.length == 0)
        continue;
      add_received (state, row, "last", g_queue_peek_tail (&inbox->last));
      if (inbox->last.length > 1)
        {
          PlStateRow *recent = pl_state_add_rowf (state, row, "recent", "%u of %u",
                                                  inbox->last.length, inbox->n_received);
          guint n = inbox->n_received - inbox->last.length;

          for (GList *l = inbox->last.head; l; l = l->next)
            {
              g_autofree char *key = g_strdup_printf ("#%u", ++n);

              add_received (state, recent, key, l->data);
            }
        }
    }
}

void
_pl_receiver_describe (PlNode  *node,
                       PlState *state)
{
  PlReceiver *self = PL_RECEIVER (node);
  PlTime now = pl_node_now (node);
  PlStateRow *row;

  pl_state_add_row (state, NULL, "public id", self->public_id);
  pl_state_begin_section (state, "registration");
  pl_state_add_row (state, NULL, "registered", self->registered ? "yes" : "no");
  if (self->registered)
    {
      g_autofree char *left = pl_state_format_remaining (now, self->registered_until);
      g_autofree char *apps = self->registered_apps ? g_strjoinv (" ", self->registered_apps)
                                                    : NULL;
      g_autofree char *at = pl_state_format_time (self->registered_until);

      row = pl_state_add_row (state, NULL, "expires in", left);
      pl_state_row_set_detailf (row, "at %s", at);
      pl_state_add_row (state, NULL, "push apps", apps && *apps ? apps : "(none)");
      for (guint i = 0; self->service_route && self->service_route[i]; i++)
        pl_state_add_row (state, NULL, "service route", self->service_route[i]);
    }
  if (self->call_id)
    pl_state_add_rowf (state, NULL, "call-id", "%s (cseq %u)", self->call_id, self->cseq);
  pl_state_add_row (state, NULL, "REGISTER in flight", self->current ? "yes" : "no");

  describe_apps (self, state);
  _pl_receiver_subscription_describe (self, state);
  _pl_receiver_presence_describe (self, state);
  _pl_receiver_refer_describe (self, state);
  _pl_receiver_invite_describe (self, state);
}
