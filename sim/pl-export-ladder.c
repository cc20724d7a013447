/* pl-export-ladder.c: the trace as a text sequence diagram.
 *
 * Drawn like sngrep and SIPp draw calls: one column per node in node index
 * order, virtual time down the left margin, one arrow per transmission with
 * its label on it. The arrow is drawn at the send (or retransmit); its head
 * tells what became of it, found through the hop number shared by the send
 * and its deliver, drop or malformed event:
 *
 *   |---- MESSAGE ---->|   delivered
 *   |---- MESSAGE ---X |   dropped (note "dropped" at the end of the row)
 *   |---- MESSAGE ----!|   delivered but did not parse ("malformed")
 *
 * ASCII only, so it survives any terminal and any CI log.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-export"

#include <string.h>

#include "pl-export.h"

#define FLUSH_SIZE (64 * 1024)
#define MIN_COL 16
/* Wider columns would not fit six nodes on a terminal: longer labels are
 * shortened instead. */
#define MAX_COL 26
#define MAX_NOTE 48
#define RTX_MARK " (rtx)"

enum {
  OUTCOME_DELIVERED = 1 << 0,
  OUTCOME_DROPPED = 1 << 1,
  OUTCOME_MALFORMED = 1 << 2,
};

typedef struct {
  PlTrace *trace;
  int n_nodes;
  int margin;             /* time column, gap included */
  int col;                /* column width */
  GHashTable *outcomes;   /* guint64 *hop -> OUTCOME_* flags */
  GHashTable *drops;      /* guint64 *hop -> const PlTraceEvent *drop */
  GString *out;
} Ladder;

static void
ladder_clear (Ladder *self)
{
  g_clear_pointer (&self->outcomes, g_hash_table_unref);
  g_clear_pointer (&self->drops, g_hash_table_unref);
  if (self->out != NULL)
    g_string_free (g_steal_pointer (&self->out), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ladder, ladder_clear)

/* ASCII copy of @text, at most @max columns ("..." marks a cut). */
static char *
ascii_text (const char *text,
            int         max)
{
  GString *str = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p; p++)
    g_string_append_c (str, (*p >= 0x20 && *p < 0x7f) ? *p : '?');
  if (max >= 0 && str->len > (gsize) max)
    {
      g_string_truncate (str, max > 3 ? max - 3 : 0);
      g_string_append_len (str, "...", MIN (max, 3));
    }
  return g_string_free (str, FALSE);
}

static gboolean
is_transmission (const PlTraceEvent *ev)
{
  return ev->kind == PL_EVENT_SEND || ev->kind == PL_EVENT_RETRANSMIT;
}

static gboolean
valid_node (Ladder *self,
            int     index)
{
  return index >= 0 && index < self->n_nodes;
}

static int
lifeline (Ladder *self,
          int     index)
{
  return self->margin + index * self->col + self->col / 2;
}

static char *
node_name (Ladder *self,
           int     index)
{
  const char *id = pl_trace_get_node_id (self->trace, index);

  if (id == NULL)
    return g_strdup_printf ("node%d", index);
  return ascii_text (id, MAX_COL - 2);
}

static char *
format_time (PlTime t_us)
{
  guint64 a = t_us < 0 ? -(guint64) t_us : (guint64) t_us;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%06us", t_us < 0 ? "-" : "",
                          a / 1000000, (guint) (a % 1000000));
}

static char *
arrow_text (const PlTraceEvent *ev)
{
  g_autofree char *label = ascii_text (ev->label ? ev->label : ev->proto, -1);

  if (ev->kind == PL_EVENT_RETRANSMIT)
    return g_strconcat (label, RTX_MARK, NULL);
  return g_steal_pointer (&label);
}

/* Sizes the columns to the labels, and records each hop's outcome. */
static void
ladder_measure (Ladder *self)
{
  guint n = pl_trace_get_n_events (self->trace);
  guint64 widest = 0;
  gboolean negative = FALSE;
  g_autofree char *time = NULL;

  self->col = MIN_COL;
  for (int i = 0; i < self->n_nodes; i++)
    {
      g_autofree char *name = node_name (self, i);
      self->col = MAX (self->col, (int) strlen (name) + 2);
    }

  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (self->trace, i);
      guint flag = 0;

      widest = MAX (widest, ev->t_us < 0 ? -(guint64) ev->t_us : (guint64) ev->t_us);
      negative |= ev->t_us < 0;
      switch (ev->kind)
        {
        case PL_EVENT_SEND:
        case PL_EVENT_RETRANSMIT:
          if (valid_node (self, ev->from) && valid_node (self, ev->to))
            {
              g_autofree char *text = arrow_text (ev);
              int span = MAX (ABS (ev->to - ev->from), 1);
              int need = ((int) strlen (text) + 7 + span - 1) / span;

              self->col = MAX (self->col, MIN (need, MAX_COL));
            }
          break;
        case PL_EVENT_DELIVER:
          flag = OUTCOME_DELIVERED;
          break;
        case PL_EVENT_DROP:
          flag = OUTCOME_DROPPED;
          g_hash_table_insert (self->drops, (gpointer) &ev->hop, (gpointer) ev);
          break;
        case PL_EVENT_MALFORMED:
          flag = OUTCOME_MALFORMED;
          break;
        case PL_EVENT_ABSORBED:
        case PL_EVENT_TIMEOUT:
        case PL_EVENT_RULE:
        case PL_EVENT_TIMER:
        case PL_EVENT_STATE:
        case PL_EVENT_APP:
        default:
          break;
        }
      if (flag != 0)
        {
          gpointer key = NULL;
          gpointer value = NULL;

          if (g_hash_table_lookup_extended (self->outcomes, &ev->hop, &key, &value))
            flag |= GPOINTER_TO_UINT (value);
          else
            key = (gpointer) &ev->hop;
          g_hash_table_insert (self->outcomes, key, GUINT_TO_POINTER (flag));
        }
    }
  time = format_time ((PlTime) MIN (widest, (guint64) G_MAXINT64));
  self->margin = (int) strlen (time) + (negative ? 1 : 0) + 3;
}

/* A row: the time (or blanks) and every lifeline. */
static GString *
row_new (Ladder     *self,
         const char *time,
         gboolean    lifelines)
{
  GString *row = g_string_new (NULL);
  int width = self->margin + self->n_nodes * self->col;

  if (time != NULL)
    g_string_append_printf (row, "%*s", self->margin - 2, time);
  while ((int) row->len < width)
    g_string_append_c (row, ' ');
  for (int i = 0; lifelines && i < self->n_nodes; i++)
    row->str[lifeline (self, i)] = '|';
  return row;
}

static void
row_put (GString    *row,
         int         x,
         const char *text)
{
  gsize len = strlen (text);

  while (row->len < x + len)
    g_string_append_c (row, ' ');
  memcpy (row->str + x, text, len);
}

static void
row_finish (Ladder     *self,
            GString    *row,
            const char *note)
{
  if (note != NULL && *note)
    {
      int x = MAX ((int) row->len + 3, lifeline (self, self->n_nodes - 1) + 3);
      row_put (row, x, note);
    }
  while (row->len > 0 && row->str[row->len - 1] == ' ')
    g_string_truncate (row, row->len - 1);
  g_string_append_len (self->out, row->str, row->len);
  g_string_append_c (self->out, '\n');
  g_string_free (row, TRUE);
}

static void
ladder_header (Ladder *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GArray) ends = g_array_new (FALSE, TRUE, sizeof (int));
  GString *ids = row_new (self, NULL, FALSE);

  /* Node ids centred over their lifelines. */
  for (int i = 0; i < self->n_nodes; i++)
    {
      g_autofree char *name = node_name (self, i);
      int x = lifeline (self, i) - (int) strlen (name) / 2;

      row_put (ids, x, name);
    }
  row_finish (self, ids, NULL);

  /* Hosts beneath, on as many rows as it takes for long ones not to
   * collide. */
  for (int i = 0; i < self->n_nodes; i++)
    {
      const char *host = pl_trace_get_node_host (self->trace, i);
      g_autofree char *text = ascii_text (host, 64);
      int x = MAX (0, lifeline (self, i) - (int) strlen (text) / 2);
      guint r;

      if (*text == '\0')
        continue;
      for (r = 0; r < rows->len; r++)
        if (x >= g_array_index (ends, int, r) + 2)
          break;
      if (r == rows->len)
        {
          GString *row = g_string_new (NULL);
          int none = -2;

          g_ptr_array_add (rows, row);
          g_array_append_val (ends, none);
        }
      row_put (g_ptr_array_index (rows, r), x, text);
      g_array_index (ends, int, r) = x + (int) strlen (text);
    }
  for (guint r = 0; r < rows->len; r++)
    row_finish (self, g_ptr_array_index (rows, r), NULL);

  row_finish (self, row_new (self, NULL, TRUE), NULL);
}

/* A message from a node to itself:
 *   |--. LABEL
 *   |<-'
 */
static GString *
draw_loop (Ladder     *self,
           GString    *row,
           int         x,
           const char *text,
           char        head)
{
  g_autofree char *shown = ascii_text (text, MAX (self->col - 6, 4));
  GString *back = row_new (self, NULL, TRUE);
  char tail[] = { head == '>' ? '<' : head, '-', '\'', '\0' };

  row_put (row, x + 1, "--.");
  row_put (row, x + 5, shown);
  row_put (back, x + 1, tail);
  return back;
}

/* An arrow from lifeline @a to lifeline @b, the label centred on it. The
 * measure pass made the span at least the label plus 7 (or shortened the
 * label), so two dashes are left at each end for the head. */
static void
draw_line (GString    *row,
           int         a,
           int         b,
           const char *text,
           char        head)
{
  int lo = MIN (a, b);
  int hi = MAX (a, b);
  g_autofree char *shown = ascii_text (text, hi - lo - 7);
  g_autofree char *padded = g_strdup_printf (" %s ", shown);
  int len = (int) strlen (padded);
  int step = a < b ? -1 : 1;   /* from @b's lifeline back into the arrow */

  memset (row->str + lo + 1, '-', hi - lo - 1);
  memcpy (row->str + lo + (hi - lo - len) / 2 + 1, padded, len);
  if (head == 'X')
    {
      /* A drop stops short of the lifeline: "--X |". */
      row->str[b + step] = ' ';
      row->str[b + 2 * step] = 'X';
    }
  else if (head == '>' && a > b)
    row->str[b + step] = '<';
  else
    row->str[b + step] = head;
}

static void
ladder_arrow (Ladder             *self,
              const PlTraceEvent *ev)
{
  g_autofree char *time = format_time (ev->t_us);
  g_autofree char *text = arrow_text (ev);
  g_autofree char *note = NULL;
  guint flags = 0;
  char head = '>';
  gpointer value = NULL;
  GString *row;

  if (g_hash_table_lookup_extended (self->outcomes, &ev->hop, NULL, &value))
    flags = GPOINTER_TO_UINT (value);

  if (flags & OUTCOME_MALFORMED)
    {
      head = '!';
      note = g_strdup ("malformed");
    }
  else if (flags & OUTCOME_DROPPED)
    {
      const PlTraceEvent *drop = g_hash_table_lookup (self->drops, &ev->hop);
      const PlField *reason = drop ? pl_trace_event_get_field (drop, "reason") : NULL;

      head = 'X';
      if (reason != NULL && reason->type == PL_FIELD_STRING)
        {
          g_autofree char *why = ascii_text (reason->str, MAX_NOTE);
          note = g_strdup_printf ("dropped (%s)", why);
        }
      else
        {
          note = g_strdup ("dropped");
        }
    }
  else if (!(flags & OUTCOME_DELIVERED))
    note = g_strdup ("not delivered");

  row = row_new (self, time, TRUE);
  if (ev->from == ev->to)
    {
      GString *back = draw_loop (self, row, lifeline (self, ev->from), text, head);

      row_finish (self, row, note);
      row_finish (self, back, NULL);
    }
  else
    {
      draw_line (row, lifeline (self, ev->from), lifeline (self, ev->to), text, head);
      row_finish (self, row, note);
    }
}

/* "* rule drop", "* timeout INVITE (timer B)", "* push-delivered". */
static void
ladder_note (Ladder             *self,
             const PlTraceEvent *ev)
{
  static const char *const keys[] = {
    "action", "method", "status", "reason", "detail", NULL
  };
  g_autofree char *time = format_time (ev->t_us);
  const PlField *note = pl_trace_event_get_field (ev, "note");
  const PlField *timer = pl_trace_event_get_field (ev, "timer");
  g_autoptr(GString) text = g_string_new ("* ");
  g_autofree char *shown = NULL;
  GString *row;

  if (note != NULL && note->type == PL_FIELD_STRING)
    {
      g_string_append (text, note->str);
    }
  else
    {
      g_string_append (text, ev->name);
      for (guint i = 0; i < ev->n_fields; i++)
        {
          const PlField *f = &ev->fields[i];

          if (!g_strv_contains (keys, f->key))
            continue;
          if (f->type == PL_FIELD_STRING)
            g_string_append_printf (text, " %s", f->str);
          else if (f->type == PL_FIELD_INT)
            g_string_append_printf (text, " %" G_GINT64_FORMAT, f->num);
        }
      if (timer != NULL && timer->type == PL_FIELD_STRING)
        g_string_append_printf (text, " (timer %s)", timer->str);
    }

  shown = ascii_text (text->str, MAX_NOTE);
  row = row_new (self, time, TRUE);
  row_put (row, lifeline (self, ev->node), shown);
  row_finish (self, row, NULL);
}

static gboolean
ladder_flush (Ladder         *self,
              GOutputStream  *out,
              gboolean        force,
              GError        **error)
{
  if (self->out->len == 0 || (!force && self->out->len < FLUSH_SIZE))
    return TRUE;
  if (!g_output_stream_write_all (out, self->out->str, self->out->len,
                                  NULL, NULL, error))
    return FALSE;
  g_string_truncate (self->out, 0);
  return TRUE;
}

/**
 * pl_export_ladder:
 * @trace: a trace
 * @out: where to write; not closed
 * @error: return location for a #GError
 *
 * Writes @trace as an ASCII sequence diagram. Events naming nodes the
 * trace does not know are left out.
 *
 * Returns: %TRUE on success
 */
gboolean
pl_export_ladder (PlTrace        *trace,
                  GOutputStream  *out,
                  GError        **error)
{
  g_auto(Ladder) self = { 0, };
  guint n;

  g_return_val_if_fail (PL_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self.trace = trace;
  self.n_nodes = (int) pl_trace_get_n_nodes (trace);
  self.outcomes = g_hash_table_new (g_int64_hash, g_int64_equal);
  self.drops = g_hash_table_new (g_int64_hash, g_int64_equal);
  self.out = g_string_sized_new (FLUSH_SIZE * 2);

  if (self.n_nodes == 0)
    return g_output_stream_write_all (out, "(no nodes)\n", 11, NULL, NULL, error);

  ladder_measure (&self);
  ladder_header (&self);

  n = pl_trace_get_n_events (trace);
  for (guint i = 0; i < n; i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (trace, i);

      if (is_transmission (ev))
        {
          if (valid_node (&self, ev->from) && valid_node (&self, ev->to))
            ladder_arrow (&self, ev);
        }
      else if (ev->kind == PL_EVENT_TIMEOUT || ev->kind == PL_EVENT_RULE ||
               ev->kind == PL_EVENT_APP)
        {
          if (valid_node (&self, ev->node))
            ladder_note (&self, ev);
        }
      if (!ladder_flush (&self, out, FALSE, error))
        return FALSE;
    }
  return ladder_flush (&self, out, TRUE, error);
}
