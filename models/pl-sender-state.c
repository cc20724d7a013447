/* pl-sender-state.c: what the Push Sender shows of itself (pl-state.h):
 * each push with its delivery status and Appendix C row, what it knows
 * of the receivers' registrations, the ua-profile subscriptions it
 * serves, and (from their own files) its watches, capability store and
 * REFERs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-sender"

#include <string.h>

#include "pl-push.h"
#include "pl-sender-private.h"
#include "pl-state-models.h"

static const char *
method_name (PlSenderMethod method)
{
  switch (method)
    {
    case PL_SENDER_BY_MESSAGE:
      return "MESSAGE";
    case PL_SENDER_BY_NOTIFY:
      return "NOTIFY";
    case PL_SENDER_BY_INVITE:
      return "INVITE";
    default:
      return "?";
    }
}

static void
describe_pushes (PlSender *self,
                 PlState  *state)
{
  pl_state_begin_section (state, "pushes");
  for (guint i = 0; i < self->pushes->len; i++)
    {
      PlSenderPush *p = g_ptr_array_index (self->pushes, i);
      PlStateRow *row = pl_state_add_rowf (state, NULL, "push", "%u", p->number);
      PlStateRow *status;

      status = pl_state_add_row (state, row, "status", pl_delivery_status_to_string (p->status));
      /* Appendix C, Table 1: the row is the status's scenario number
       * (PL_DELIVERY_PENDING and REFUSED are PushLab's own). */
      if (p->status != PL_DELIVERY_PENDING && p->status != PL_DELIVERY_REFUSED)
        pl_state_row_set_detailf (status, "Appendix C row %d%s", (int) p->status,
                                  pl_delivery_status_is_retryable (p->status)
                                    ? ", retries allowed" : "");
      pl_state_add_row (state, row, "to", p->to);
      pl_state_add_row (state, row, "app", p->app);
      pl_state_add_row (state, row, "method", method_name (p->method));
      pl_state_add_rowf (state, row, "content", "%s, %" G_GSIZE_FORMAT " bytes", p->content_type,
                         p->body ? g_bytes_get_size (p->body) : 0);
      pl_state_add_rowf (state, row, "attempts", "%u", p->attempts);
      pl_state_add_row (state, row, "confirmed", p->confirm ? "yes (use case E)" : "no (use case D)");
      if (p->retry_timer)
        {
          g_autofree char *left = pl_state_format_remaining (pl_node_now (PL_NODE (self)),
                                                             pl_timer_get_time (p->retry_timer));

          pl_state_add_row (state, row, "retry in", left);
        }
    }
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
describe_registrations (PlSender *self,
                        PlState  *state)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  pl_state_begin_section (state, "registrations");
  g_hash_table_iter_init (&iter, self->registrations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_ids);
  for (guint i = 0; i < ids->len; i++)
    {
      PlSenderRegistration *r = g_hash_table_lookup (self->registrations,
                                                     g_ptr_array_index (ids, i));
      PlStateRow *row = pl_state_add_row (state, NULL, r->public_id,
                                          r->registered ? "registered" : "not registered");
      g_autofree char *apps = r->apps ? g_strjoinv (" ", r->apps) : NULL;

      pl_state_add_row (state, row, "push apps", apps ? (*apps ? apps : "(none)") : "unknown");
      if (r->expiry)
        {
          g_autofree char *left = pl_state_format_remaining (pl_node_now (PL_NODE (self)),
                                                             pl_timer_get_time (r->expiry));

          pl_state_add_row (state, row, "expires in", left);
        }
    }
}

static void
describe_subscriptions (PlSender *self,
                        PlState  *state)
{
  PlTime now = pl_node_now (PL_NODE (self));

  pl_state_begin_section (state, "subscriptions served");
  for (guint i = 0; i < self->subscriptions->len; i++)
    {
      PlSenderSubscription *s = g_ptr_array_index (self->subscriptions, i);
      PlStateRow *row = pl_state_add_row (state, NULL, s->subscriber, s->auid);

      if (s->accept)
        pl_state_add_row (state, row, "accept", s->accept);
      if (s->notifier)
        _pl_state_add_notifier (state, row, s->notifier, now);
      if (s->ended)
        pl_state_add_row (state, row, "ended", "yes");
    }
}

void
_pl_sender_describe (PlNode  *node,
                     PlState *state)
{
  PlSender *self = PL_SENDER (node);
  g_autofree char *identity = self->identity ? NULL
                              : g_strdup_printf ("sip:%s", pl_node_get_hostname (node));

  pl_state_add_row (state, NULL, "identity", self->identity ? self->identity : identity);
  pl_state_add_row (state, NULL, "trusted", self->trusted ? "yes" : "no");
  describe_pushes (self, state);
  describe_registrations (self, state);
  describe_subscriptions (self, state);
  _pl_sender_reg_describe (self, state);
  _pl_sender_presence_describe (self, state);
  _pl_sender_capabilities_describe (self, state);
  _pl_sender_refer_describe (self, state);
}
