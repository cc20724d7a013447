/* pl-inspect.c: the trace by hop, and one message of it taken apart with
 * the messages and node events related to it.
 *
 * The index reads the trace once, incrementally: for each hop its send
 * and its end (deliver, malformed, absorbed or drop), chains of the rule
 * events of each hop and of the events each delivery caused. Transaction
 * and dialog keys cost a sofia-sip parse per transmission, so they are
 * computed only when related messages are first asked for, and then
 * kept up to date the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-inspect"

#include <string.h>

#include "pl-inspect.h"
#include "pl-msrp.h"
#include "pl-wire.h"

/* Hops above this are not indexed (a trace from elsewhere with absurd
 * hop numbers must not make the index allocate them all). */
#define MAX_HOP G_GUINT64_CONSTANT (0xffffffff)

typedef struct {
  guint send;
  guint end;
  guint first_rule, last_rule;     /* chain through next_rule */
  guint first_caused, last_caused; /* chain through next_caused */
} HopEntry;

/* The keys of one transmission, from its bytes as sent. */
typedef struct {
  const char *txn;      /* key of by_txn, or NULL */
  const char *call_id;  /* key of by_call, or NULL when not in a dialog */
  char *tag_a;          /* the dialog's tags, sorted; either may be NULL */
  char *tag_b;
} HopKeys;

struct _PlTraceIndex {
  PlTrace *trace;
  guint n_seen;
  GArray *hops;         /* HopEntry, by hop (0 unused) */
  GArray *next_rule;    /* guint per event */
  GArray *next_caused;  /* guint per event */

  guint64 n_keyed;      /* hops 1..n_keyed have keys */
  GArray *keys;         /* HopKeys, by hop (0 unused) */
  GHashTable *by_txn;   /* key -> GArray of guint64 hops, ascending */
  GHashTable *by_call;  /* Call-ID -> GArray of guint64 hops, ascending */
  GHashTable *txn_in_dialog; /* request transaction key -> itself, when the
                              * request is in or creates a dialog */
};

static const HopEntry empty_hop = {
  PL_INSPECT_NONE, PL_INSPECT_NONE, PL_INSPECT_NONE, PL_INSPECT_NONE,
  PL_INSPECT_NONE, PL_INSPECT_NONE,
};

static void
hop_keys_clear (gpointer data)
{
  HopKeys *k = data;

  g_free (k->tag_a);
  g_free (k->tag_b);
}

PlTraceIndex *
pl_trace_index_new (PlTrace *trace)
{
  PlTraceIndex *index;

  g_return_val_if_fail (PL_IS_TRACE (trace), NULL);

  index = g_new0 (PlTraceIndex, 1);
  index->trace = g_object_ref (trace);
  index->hops = g_array_new (FALSE, FALSE, sizeof (HopEntry));
  g_array_append_val (index->hops, empty_hop);
  index->next_rule = g_array_new (FALSE, FALSE, sizeof (guint));
  index->next_caused = g_array_new (FALSE, FALSE, sizeof (guint));
  index->keys = g_array_new (FALSE, TRUE, sizeof (HopKeys));
  g_array_set_clear_func (index->keys, hop_keys_clear);
  g_array_set_size (index->keys, 1);
  index->by_txn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_array_unref);
  index->by_call = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  index->txn_in_dialog = g_hash_table_new (g_str_hash, g_str_equal);
  pl_trace_index_update (index);
  return index;
}

void
pl_trace_index_free (PlTraceIndex *index)
{
  if (index == NULL)
    return;
  g_object_unref (index->trace);
  g_array_unref (index->hops);
  g_array_unref (index->next_rule);
  g_array_unref (index->next_caused);
  g_array_unref (index->keys);
  g_hash_table_unref (index->txn_in_dialog);
  g_hash_table_unref (index->by_txn);
  g_hash_table_unref (index->by_call);
  g_free (index);
}

PlTrace *
pl_trace_index_get_trace (PlTraceIndex *index)
{
  g_return_val_if_fail (index != NULL, NULL);
  return index->trace;
}

static HopEntry *
hop_entry (PlTraceIndex *index,
           guint64       hop,
           gboolean      grow)
{
  if (hop == 0 || hop > MAX_HOP)
    return NULL;
  if (hop >= index->hops->len)
    {
      if (!grow)
        return NULL;
      while (index->hops->len <= hop)
        g_array_append_val (index->hops, empty_hop);
    }
  return &g_array_index (index->hops, HopEntry, hop);
}

/* Appends event @i to a chain kept as first/last plus a next array. */
static void
chain_append (GArray *next,
              guint  *first,
              guint  *last,
              guint   i)
{
  if (*first == PL_INSPECT_NONE)
    *first = i;
  else
    g_array_index (next, guint, *last) = i;
  *last = i;
}

void
pl_trace_index_update (PlTraceIndex *index)
{
  guint n, none = PL_INSPECT_NONE;

  g_return_if_fail (index != NULL);

  n = pl_trace_get_n_events (index->trace);
  for (guint i = index->n_seen; i < n; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (index->trace, i);
      HopEntry *entry;

      g_array_append_val (index->next_rule, none);
      g_array_append_val (index->next_caused, none);

      if (pl_trace_event_is_message (ev) && (entry = hop_entry (index, ev->hop, TRUE)) != NULL)
        {
          if (ev->kind == PL_EVENT_SEND || ev->kind == PL_EVENT_RETRANSMIT)
            {
              if (entry->send == PL_INSPECT_NONE)
                entry->send = i;
            }
          else if (entry->end == PL_INSPECT_NONE)
            entry->end = i;
        }
      else if (ev->kind == PL_EVENT_RULE)
        {
          const PlField *f = pl_trace_event_get_field (ev, "hop");

          if (f && f->type == PL_FIELD_INT && f->num > 0
              && (entry = hop_entry (index, (guint64) f->num, TRUE)) != NULL)
            chain_append (index->next_rule, &entry->first_rule, &entry->last_rule, i);
        }

      /* What happened while a delivery was handled: the sends it caused
       * (not their deliveries, which happen later) and node events. */
      if (ev->cause != 0 && (!pl_trace_event_is_message (ev) || ev->kind == PL_EVENT_SEND ||
                             ev->kind == PL_EVENT_RETRANSMIT))
        {
          entry = hop_entry (index, ev->cause, TRUE);
          if (entry != NULL)
            chain_append (index->next_caused, &entry->first_caused, &entry->last_caused, i);
        }
    }
  index->n_seen = n;
}

guint64
pl_trace_index_get_n_hops (PlTraceIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);
  pl_trace_index_update (index);
  return index->hops->len - 1;
}

guint
pl_trace_index_get_send (PlTraceIndex *index,
                         guint64       hop)
{
  HopEntry *entry;

  g_return_val_if_fail (index != NULL, PL_INSPECT_NONE);
  pl_trace_index_update (index);
  entry = hop_entry (index, hop, FALSE);
  return entry ? entry->send : PL_INSPECT_NONE;
}

guint
pl_trace_index_get_end (PlTraceIndex *index,
                        guint64       hop)
{
  HopEntry *entry;

  g_return_val_if_fail (index != NULL, PL_INSPECT_NONE);
  pl_trace_index_update (index);
  entry = hop_entry (index, hop, FALSE);
  return entry ? entry->end : PL_INSPECT_NONE;
}

/* Transaction and dialog keys ---------------------------------------- */

/* Requests that create a dialog (RFC 3261 §12, RFC 6665 §4.4.1 for
 * SUBSCRIBE and its NOTIFY, RFC 3515 §2.4.4 for REFER). */
static gboolean
creates_dialog (const char *method)
{
  static const char *const methods[] = { "INVITE", "SUBSCRIBE", "NOTIFY", "REFER", NULL };

  return method != NULL && g_strv_contains (methods, method);
}

static void
add_to_table (GHashTable  *table,
              const char  *key,
              guint64      hop,
              const char **interned)
{
  char *stored;
  GArray *hops;

  if (!g_hash_table_lookup_extended (table, key, (gpointer *) &stored, (gpointer *) &hops))
    {
      stored = g_strdup (key);
      hops = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_hash_table_insert (table, stored, hops);
    }
  g_array_append_val (hops, hop);
  *interned = stored;
}

/* RFC 3261 §17.2.3: the top Via branch and the CSeq method (an ACK
 * belongs to its INVITE's transaction). */
static char *
sip_transaction_key (const sip_t *sip)
{
  const char *method;

  if (sip->sip_via == NULL || sip->sip_via->v_branch == NULL || sip->sip_cseq == NULL)
    return NULL;
  method = sip->sip_cseq->cs_method_name;
  if (sip->sip_cseq->cs_method == sip_method_ack)
    method = "INVITE";
  return g_strdup_printf ("%s %s", sip->sip_via->v_branch, method);
}

static void
key_hop (PlTraceIndex *index,
         guint64       hop,
         HopKeys      *keys)
{
  HopEntry *entry = hop_entry (index, hop, FALSE);
  const PlTraceEvent *ev;
  g_autoptr(msg_t) msg = NULL;
  g_autofree char *txn = NULL;
  const sip_t *sip;
  gboolean in_dialog;

  if (entry == NULL || entry->send == PL_INSPECT_NONE)
    return;
  ev = pl_trace_get_event (index->trace, entry->send);
  if (ev->wire == NULL)
    return;

  if (ev->proto == g_intern_static_string ("msrp"))
    {
      /* RFC 4975 §7.1: a request and its response share the
       * transaction id. */
      gsize consumed;
      g_autoptr(PlMsrpFrame) frame = pl_msrp_frame_parse (ev->wire, 0, &consumed, NULL);

      if (frame != NULL)
        {
          txn = g_strdup_printf ("MSRP %s", pl_msrp_frame_get_transaction_id (frame));
          add_to_table (index->by_txn, txn, hop, &keys->txn);
        }
      return;
    }
  if (ev->proto != g_intern_static_string ("sip"))
    return;
  msg = pl_wire_parse (ev->wire, NULL);
  sip = msg ? sip_object (msg) : NULL;
  if (sip == NULL || (sip->sip_request == NULL && sip->sip_status == NULL))
    return;

  txn = sip_transaction_key (sip);
  if (txn != NULL)
    add_to_table (index->by_txn, txn, hop, &keys->txn);

  /* In a dialog: a request with a To tag, a request that creates one,
   * and the responses to either. */
  if (sip->sip_request)
    {
      in_dialog = (sip->sip_to && sip->sip_to->a_tag) ||
                  creates_dialog (sip->sip_request->rq_method_name);
      if (in_dialog && keys->txn)
        g_hash_table_add (index->txn_in_dialog, (gpointer) keys->txn);
    }
  else
    in_dialog = keys->txn ? g_hash_table_contains (index->txn_in_dialog, keys->txn)
                          : sip->sip_cseq && creates_dialog (sip->sip_cseq->cs_method_name);

  if (in_dialog && sip->sip_call_id && sip->sip_call_id->i_id)
    {
      const char *a = sip->sip_from ? sip->sip_from->a_tag : NULL;
      const char *b = sip->sip_to ? sip->sip_to->a_tag : NULL;

      if (a == NULL || (b != NULL && strcmp (a, b) > 0))
        {
          const char *t = a;
          a = b;
          b = t;
        }
      keys->tag_a = g_strdup (a);
      keys->tag_b = g_strdup (b);
      add_to_table (index->by_call, sip->sip_call_id->i_id, hop, &keys->call_id);
    }
}

static void
ensure_keys (PlTraceIndex *index)
{
  guint64 n;

  pl_trace_index_update (index);
  n = index->hops->len - 1;
  if (index->keys->len <= n)
    g_array_set_size (index->keys, n + 1);
  /* Hops in order, so that a request is keyed before its responses;
   * stop at a hop whose send is not known yet. */
  while (index->n_keyed < n)
    {
      guint64 hop = index->n_keyed + 1;

      if (g_array_index (index->hops, HopEntry, hop).send == PL_INSPECT_NONE)
        break;
      key_hop (index, hop, &g_array_index (index->keys, HopKeys, hop));
      index->n_keyed = hop;
    }
}

static const HopKeys *
get_keys (PlTraceIndex *index,
          guint64       hop)
{
  if (hop == 0 || hop > index->n_keyed)
    return NULL;
  return &g_array_index (index->keys, HopKeys, hop);
}

static gboolean
tag_in (const char     *tag,
        const HopKeys  *k)
{
  return tag != NULL && (g_strcmp0 (tag, k->tag_a) == 0 || g_strcmp0 (tag, k->tag_b) == 0);
}

/* Same Call-ID (checked by the caller) and the same tags, or, when one
 * side has only one (a request before the dialog's other tag exists),
 * that tag among the other's. */
static gboolean
same_dialog (const HopKeys *x,
             const HopKeys *y)
{
  guint nx = (x->tag_a != NULL) + (x->tag_b != NULL);
  guint ny = (y->tag_a != NULL) + (y->tag_b != NULL);

  if (nx == 2 && ny == 2)
    return g_strcmp0 (x->tag_a, y->tag_a) == 0 && g_strcmp0 (x->tag_b, y->tag_b) == 0;
  if (nx == 0 || ny == 0)
    return FALSE;
  if (nx <= ny)
    return tag_in (x->tag_a ? x->tag_a : x->tag_b, y);
  return tag_in (y->tag_a ? y->tag_a : y->tag_b, x);
}

static char *
dialog_key_string (const HopKeys *k)
{
  GString *s;

  if (k == NULL || k->call_id == NULL)
    return NULL;
  s = g_string_new (k->call_id);
  if (k->tag_a)
    g_string_append_printf (s, ";%s", k->tag_a);
  if (k->tag_b)
    g_string_append_printf (s, ";%s", k->tag_b);
  return g_string_free (s, FALSE);
}

/* Inspection --------------------------------------------------------- */

static void
relate (GHashTable     *found,
        guint64         hop,
        PlRelatedFlags  why)
{
  gpointer key = g_memdup2 (&hop, sizeof hop);
  PlRelatedFlags old = GPOINTER_TO_UINT (g_hash_table_lookup (found, key));

  g_hash_table_replace (found, key, GUINT_TO_POINTER (old | why));
}

static int
compare_related (gconstpointer a,
                 gconstpointer b)
{
  const PlRelated *x = a, *y = b;

  return x->hop < y->hop ? -1 : x->hop > y->hop;
}

static void
find_related (PlTraceIndex *index,
              PlInspection *in)
{
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  const HopEntry *entry = hop_entry (index, in->hop, FALSE);
  const HopKeys *keys;
  GHashTableIter iter;
  gpointer key, value;

  in->related = g_array_new (FALSE, FALSE, sizeof (PlRelated));
  in->node_events = g_array_new (FALSE, FALSE, sizeof (guint));
  if (entry == NULL)
    return;

  for (guint i = entry->first_caused; i != PL_INSPECT_NONE;
       i = g_array_index (index->next_caused, guint, i))
    {
      const PlTraceEvent *ev = pl_trace_get_event (index->trace, i);

      if (pl_trace_event_is_message (ev))
        {
          if (ev->hop != in->hop)
            relate (found, ev->hop, PL_RELATED_CAUSED_BY);
        }
      else
        g_array_append_val (in->node_events, i);
    }
  if (entry->send != PL_INSPECT_NONE)
    {
      const PlTraceEvent *send = pl_trace_get_event (index->trace, entry->send);

      if (send->cause != 0 && send->cause != in->hop)
        relate (found, send->cause, PL_RELATED_CAUSE);
    }

  ensure_keys (index);
  keys = get_keys (index, in->hop);
  if (keys != NULL && keys->txn != NULL)
    {
      GArray *hops = g_hash_table_lookup (index->by_txn, keys->txn);

      in->transaction_key = g_strdup (keys->txn);
      for (guint i = 0; hops && i < hops->len; i++)
        if (g_array_index (hops, guint64, i) != in->hop)
          relate (found, g_array_index (hops, guint64, i), PL_RELATED_TRANSACTION);
    }
  if (keys != NULL && keys->call_id != NULL)
    {
      GArray *hops = g_hash_table_lookup (index->by_call, keys->call_id);

      in->dialog_key = dialog_key_string (keys);
      for (guint i = 0; hops && i < hops->len; i++)
        {
          guint64 other = g_array_index (hops, guint64, i);
          const HopKeys *k = get_keys (index, other);

          if (other != in->hop && k != NULL && same_dialog (keys, k))
            relate (found, other, PL_RELATED_DIALOG);
        }
    }

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      PlRelated r;
      const HopEntry *other = hop_entry (index, *(guint64 *) key, FALSE);

      r.hop = *(guint64 *) key;
      r.why = GPOINTER_TO_UINT (value);
      r.send_index = other ? other->send : PL_INSPECT_NONE;
      r.end_index = other ? other->end : PL_INSPECT_NONE;
      g_array_append_val (in->related, r);
    }
  g_array_sort (in->related, compare_related);
}

/* Marks the header lines of @view that the diff says a rule touched;
 * @sent_side: @view holds the sent bytes. */
static void
mark_changed_headers (PlMessageView *view,
                      GArray        *diff,
                      gboolean       sent_side)
{
  g_autoptr(GHashTable) changed = g_hash_table_new (NULL, NULL);
  guint line = 1;
  gsize pos = 0;

  for (guint i = 0; i < diff->len; i++)
    {
      const PlDiffLine *d = &g_array_index (diff, PlDiffLine, i);
      guint number = sent_side ? d->sent_line : d->delivered_line;

      if (d->op != PL_DIFF_SAME && number != 0)
        g_hash_table_add (changed, GUINT_TO_POINTER (number));
    }
  for (guint h = 0; h < view->headers->len; h++)
    {
      PlHeaderSpan *span = &g_array_index (view->headers, PlHeaderSpan, h);

      for (; pos < span->line_start; pos++)
        if (view->text[pos] == '\n')
          line++;
      /* A folded header spans several lines. */
      for (guint l = line; ; l++)
        {
          const char *nl;

          if (g_hash_table_contains (changed, GUINT_TO_POINTER (l)))
            span->changed = TRUE;
          nl = memchr (view->text + pos, '\n', span->line_end - pos);
          if (nl == NULL || (gsize) (nl - view->text) >= span->line_end)
            break;
          pos = nl - view->text + 1;
          line++;
        }
    }
}

static PlInspection *
inspect (PlTraceIndex *index,
         guint         event_index)
{
  const PlTraceEvent *ev, *send = NULL, *end = NULL;
  const HopEntry *entry;
  PlInspection *in;

  pl_trace_index_update (index);
  if (event_index >= pl_trace_get_n_events (index->trace))
    return NULL;
  ev = pl_trace_get_event (index->trace, event_index);
  if (!pl_trace_event_is_message (ev))
    return NULL;

  in = g_new0 (PlInspection, 1);
  in->event_index = event_index;
  in->hop = ev->hop;
  in->proto = ev->proto;
  in->label = g_strdup (ev->label);
  in->from = ev->from;
  in->to = ev->to;
  in->send_index = in->end_index = PL_INSPECT_NONE;
  in->rule_events = g_array_new (FALSE, FALSE, sizeof (guint));

  entry = hop_entry (index, ev->hop, FALSE);
  if (entry != NULL)
    {
      in->send_index = entry->send;
      in->end_index = entry->end;
      for (guint i = entry->first_rule; i != PL_INSPECT_NONE;
           i = g_array_index (index->next_rule, guint, i))
        g_array_append_val (in->rule_events, i);
    }
  else if (ev->kind == PL_EVENT_SEND || ev->kind == PL_EVENT_RETRANSMIT)
    in->send_index = event_index;
  else
    in->end_index = event_index;

  if (in->send_index != PL_INSPECT_NONE)
    send = pl_trace_get_event (index->trace, in->send_index);
  if (in->end_index != PL_INSPECT_NONE)
    {
      end = pl_trace_get_event (index->trace, in->end_index);
      in->end_kind = end->kind;
    }
  in->sent = send ? pl_message_view_new (send) : NULL;
  in->delivered = end ? pl_message_view_new (end) : NULL;

  if (in->sent && in->delivered && !g_bytes_equal (in->sent->wire, in->delivered->wire))
    {
      gsize a_len, b_len;
      const char *a = g_bytes_get_data (in->sent->wire, &a_len);
      const char *b = g_bytes_get_data (in->delivered->wire, &b_len);

      in->altered = TRUE;
      in->diff = pl_diff_lines (a, a_len, b, b_len);
      mark_changed_headers (in->sent, in->diff, TRUE);
      mark_changed_headers (in->delivered, in->diff, FALSE);
    }

  find_related (index, in);
  return in;
}

PlInspection *
pl_trace_index_inspect (PlTraceIndex *index,
                        guint         event_index)
{
  g_return_val_if_fail (index != NULL, NULL);
  return inspect (index, event_index);
}

PlInspection *
pl_inspect_message (PlTrace *trace,
                    guint    event_index)
{
  g_autoptr(PlTraceIndex) index = NULL;

  g_return_val_if_fail (PL_IS_TRACE (trace), NULL);
  index = pl_trace_index_new (trace);
  return inspect (index, event_index);
}

void
pl_inspection_free (PlInspection *in)
{
  if (in == NULL)
    return;
  g_free (in->label);
  g_clear_pointer (&in->sent, pl_message_view_free);
  g_clear_pointer (&in->delivered, pl_message_view_free);
  g_clear_pointer (&in->rule_events, g_array_unref);
  g_clear_pointer (&in->diff, g_array_unref);
  g_free (in->transaction_key);
  g_free (in->dialog_key);
  g_clear_pointer (&in->related, g_array_unref);
  g_clear_pointer (&in->node_events, g_array_unref);
  g_free (in);
}

char *
pl_related_flags_to_string (PlRelatedFlags why)
{
  static const struct {
    PlRelatedFlags flag;
    const char *name;
  } names[] = {
    { PL_RELATED_TRANSACTION, "transaction" },
    { PL_RELATED_DIALOG, "dialog" },
    { PL_RELATED_CAUSED_BY, "caused-by" },
    { PL_RELATED_CAUSE, "cause" },
  };
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (why & names[i].flag)
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i].name);
  return g_string_free (s, FALSE);
}
