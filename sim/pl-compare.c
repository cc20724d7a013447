/* pl-compare.c: two runs side by side.
 *
 * Each side is a sequence of JSON Lines (a trace through
 * pl_export_jsonl_line(), or a golden file as it is), so that a run and
 * a golden file compare the same way two runs do. Equal lines are equal
 * events; a line that differs is cut into its "key":value members by
 * split_members(), a scanner of the export's flat objects (string,
 * number, true, false and null values; no nesting), which is all the
 * JSON this needs: values are compared as text, never decoded.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-compare"

#include <string.h>

#include "pl-compare.h"
#include "pl-export.h"

G_DEFINE_QUARK (pl-compare-error-quark, pl_compare_error)

/* Alignments whose differing middle has more cells than this are paired
 * by position there (see alignment_approximate). */
#define ALIGN_MAX_CELLS (1u << 22)

/* Longest member value shown in a description. */
#define SHOWN_VALUE 120

struct _PlCompareSide {
  PlTrace *trace;       /* a run, or */
  GBytes *golden;       /* a golden file, */
  GArray *starts;       /* gsize: where each of its lines starts */
  guint n;              /* events (lines) */
};

typedef struct {
  const char *key;
  gsize key_len;
  const char *value;    /* as written: a string keeps its quotes */
  gsize value_len;
} Member;

/* Sides -------------------------------------------------------------- */

static PlCompareSide *
side_new_trace (PlTrace *trace)
{
  PlCompareSide *s = g_new0 (PlCompareSide, 1);

  s->trace = g_object_ref (trace);
  s->n = pl_trace_get_n_events (trace);
  return s;
}

static PlCompareSide *
side_new_golden (GBytes *golden)
{
  PlCompareSide *s = g_new0 (PlCompareSide, 1);
  gsize len, start = 0;
  const char *data = g_bytes_get_data (golden, &len);

  s->golden = g_bytes_ref (golden);
  s->starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  while (start < len)
    {
      const char *nl = memchr (data + start, '\n', len - start);

      g_array_append_val (s->starts, start);
      start = nl ? (gsize) (nl - data) + 1 : len;
    }
  s->n = s->starts->len;
  return s;
}

static void
side_free (PlCompareSide *s)
{
  if (s == NULL)
    return;
  g_clear_object (&s->trace);
  g_clear_pointer (&s->golden, g_bytes_unref);
  g_clear_pointer (&s->starts, g_array_unref);
  g_free (s);
}

/* Line @i of @s, without its newline. */
static char *
side_line (PlCompareSide *s,
           guint          i)
{
  gsize len, start, end;
  const char *data;

  if (s->trace)
    return pl_export_jsonl_line (s->trace, pl_trace_get_event (s->trace, i));
  data = g_bytes_get_data (s->golden, &len);
  start = g_array_index (s->starts, gsize, i);
  end = i + 1 < s->n ? g_array_index (s->starts, gsize, i + 1) - 1 : len;
  if (end > start && data[end - 1] == '\n')
    end--;
  if (end > start && data[end - 1] == '\r')
    end--;
  return g_strndup (data + start, end - start);
}

/* Members ------------------------------------------------------------ */

/* The end of the JSON string starting at the quote @p, after its
 * closing quote; NULL when it does not end. */
static const char *
skip_string (const char *p)
{
  for (p++; *p; p++)
    {
      if (*p == '\\')
        {
          if (p[1] == '\0')
            return NULL;
          p++;
        }
      else if (*p == '"')
        return p + 1;
    }
  return NULL;
}

static gboolean
split_members (const char *line,
               GArray     *out)
{
  const char *p = line;

  g_array_set_size (out, 0);
  while (g_ascii_isspace (*p))
    p++;
  if (*p++ != '{')
    return FALSE;
  if (*p == '}')
    return p[1] == '\0';
  for (;;)
    {
      Member m;
      const char *end;

      if (*p != '"' || (end = skip_string (p)) == NULL)
        return FALSE;
      m.key = p + 1;
      m.key_len = end - p - 2;
      p = end;
      if (*p++ != ':')
        return FALSE;
      m.value = p;
      if (*p == '"')
        {
          if ((p = skip_string (p)) == NULL)
            return FALSE;
        }
      else
        {
          while (*p && *p != ',' && *p != '}')
            {
              if (*p == '{' || *p == '[' || *p == '"')
                return FALSE;
              p++;
            }
          if (p == m.value)
            return FALSE;
        }
      m.value_len = p - m.value;
      g_array_append_val (out, m);
      if (*p == '}')
        return p[1] == '\0';
      if (*p++ != ',')
        return FALSE;
    }
}

static const Member *
find_member (GArray     *members,
             const char *key)
{
  gsize len = strlen (key);

  for (guint i = 0; i < members->len; i++)
    {
      const Member *m = &g_array_index (members, Member, i);

      if (m->key_len == len && memcmp (m->key, key, len) == 0)
        return m;
    }
  return NULL;
}

static gboolean
member_equal (const Member *x,
              const Member *y)
{
  if (x == NULL || y == NULL)
    return x == y;
  return x->value_len == y->value_len && memcmp (x->value, y->value, x->value_len) == 0;
}

/* A string member's text between its quotes (escapes kept), or the
 * value as written. */
static char *
member_text (const Member *m)
{
  if (m == NULL)
    return g_strdup ("(none)");
  if (m->value_len >= 2 && m->value[0] == '"')
    return g_strndup (m->value + 1, m->value_len - 2);
  return g_strndup (m->value, m->value_len);
}

static PlCompareWhat
member_category (const char *key,
                 gsize       len)
{
  static const struct {
    const char *key;
    PlCompareWhat what;
  } known[] = {
    { "event", PL_COMPARE_KIND }, { "from", PL_COMPARE_ENDPOINTS },
    { "to", PL_COMPARE_ENDPOINTS }, { "node", PL_COMPARE_ENDPOINTS },
    { "label", PL_COMPARE_LABEL }, { "proto", PL_COMPARE_PROTO },
    { "transport", PL_COMPARE_PROTO }, { "wire", PL_COMPARE_WIRE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strlen (known[i].key) == len && memcmp (known[i].key, key, len) == 0)
      return known[i].what;
  return PL_COMPARE_FIELDS;
}

static gboolean
key_is (const Member *m,
        const char   *key)
{
  return m->key_len == strlen (key) && memcmp (m->key, key, m->key_len) == 0;
}

/* What differs between two events, ignoring the members in @ignore
 * (NULL-terminated); appends "key: A vs B" lines to @desc when given. */
static PlCompareWhat
diff_members (GArray             *a,
              GArray             *b,
              const char * const *ignore,
              GString            *desc)
{
  PlCompareWhat what = 0;

  for (guint side = 0; side < 2; side++)
    {
      GArray *self = side == 0 ? a : b, *other = side == 0 ? b : a;

      for (guint i = 0; i < self->len; i++)
        {
          const Member *m = &g_array_index (self, Member, i);
          g_autofree char *key = g_strndup (m->key, m->key_len);
          const Member *o = find_member (other, key);
          gboolean skip = FALSE;

          for (guint k = 0; ignore && ignore[k]; k++)
            skip |= key_is (m, ignore[k]);
          /* Each differing key once: from side a, or only in b. */
          if (skip || (side == 1 && o != NULL) || member_equal (m, o))
            continue;
          what |= member_category (m->key, m->key_len);
          if (desc && member_category (m->key, m->key_len) != PL_COMPARE_WIRE)
            {
              g_autofree char *x = member_text (side == 0 ? m : o);
              g_autofree char *y = member_text (side == 0 ? o : m);

              if (strlen (x) > SHOWN_VALUE)
                strcpy (x + SHOWN_VALUE - 3, "...");
              if (strlen (y) > SHOWN_VALUE)
                strcpy (y + SHOWN_VALUE - 3, "...");
              g_string_append_printf (desc, "%s%s: %s vs %s", desc->len ? "\n" : "", key, x, y);
            }
        }
    }
  return what;
}

/* Lines of a JSON string's text (escapes kept): they end at "\n". */
static GPtrArray *
escaped_lines (const Member *m)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = member_text (m);
  const char *p = text, *nl;

  if (m == NULL)
    return lines;
  while (*p)
    {
      gsize len;

      nl = strstr (p, "\\n");
      len = nl ? (gsize) (nl - p) : strlen (p);
      if (len >= 2 && p[len - 2] == '\\' && p[len - 1] == 'r')
        len -= 2;
      g_ptr_array_add (lines, g_strndup (p, len));
      if (nl == NULL)
        break;
      p = nl + 2;
    }
  return lines;
}

/* Lines of the bytes of an event of a trace. */
static GPtrArray *
wire_lines (PlTrace *trace,
            guint    index)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const PlTraceEvent *ev = pl_trace_get_event (trace, index);
  gsize len = 0;
  const char *data = ev->wire ? g_bytes_get_data (ev->wire, &len) : NULL;
  const char *end = data + len, *p = data;

  while (p && p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl ? nl : end;

      if (stop > p && stop[-1] == '\r')
        stop--;
      g_ptr_array_add (lines, g_utf8_make_valid (p, stop - p));
      p = nl ? nl + 1 : end;
    }
  return lines;
}

static void
find_wire_line (PlComparison *c,
                GArray       *ma,
                GArray       *mb)
{
  g_autoptr(GPtrArray) a = NULL, b = NULL;

  /* Two runs: the bytes themselves; a golden file: its escaped text, and
   * the run's the same way. */
  if (c->side_a->trace && c->side_b->trace)
    {
      a = wire_lines (c->side_a->trace, c->index_a);
      b = wire_lines (c->side_b->trace, c->index_b);
    }
  else
    {
      a = escaped_lines (find_member (ma, "wire"));
      b = escaped_lines (find_member (mb, "wire"));
    }
  for (guint i = 0; i < MAX (a->len, b->len); i++)
    {
      const char *x = i < a->len ? a->pdata[i] : NULL;
      const char *y = i < b->len ? b->pdata[i] : NULL;

      if (g_strcmp0 (x, y) == 0)
        continue;
      c->wire_line = i + 1;
      c->wire_line_a = g_strdup (x);
      c->wire_line_b = g_strdup (y);
      return;
    }
}

/* The walk ----------------------------------------------------------- */

static gboolean
walk (PlComparison  *c,
      GError       **error)
{
  static const char *const ignore_time[] = { "t_us", NULL };
  g_autoptr(GArray) ma = g_array_new (FALSE, FALSE, sizeof (Member));
  g_autoptr(GArray) mb = g_array_new (FALSE, FALSE, sizeof (Member));
  guint n = MAX (c->n_a, c->n_b);

  c->identical = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *la = NULL, *lb = NULL;
      g_autoptr(GString) desc = NULL;
      PlCompareWhat what;

      if (i >= c->n_a || i >= c->n_b)
        {
          g_autofree char *present = pl_comparison_describe_event (c, i >= c->n_a, i);

          c->identical = FALSE;
          c->what = PL_COMPARE_MISSING;
          c->index_a = i < c->n_a ? i : PL_INSPECT_NONE;
          c->index_b = i < c->n_b ? i : PL_INSPECT_NONE;
          c->description = g_strdup_printf ("%s ends after %u events; %s has %s",
                                            i >= c->n_a ? "A" : "B", i, i >= c->n_a ? "B" : "A",
                                            present ? present : "more");
          return TRUE;
        }
      la = side_line (c->side_a, i);
      lb = side_line (c->side_b, i);
      if (g_str_equal (la, lb))
        continue;
      if (!split_members (la, ma) || !split_members (lb, mb))
        {
          g_set_error (error, PL_COMPARE_ERROR, PL_COMPARE_ERROR_GOLDEN,
                       "golden line %u: not a JSON object of the trace export "
                       "(\"key\":value members, no nesting)", i + 1);
          return FALSE;
        }
      desc = g_string_new (NULL);
      what = diff_members (ma, mb, ignore_time, desc);
      if (what == 0)
        {
          /* Only the time differs. */
          if (!c->timing_differs)
            {
              g_autofree char *x = member_text (find_member (ma, "t_us"));
              g_autofree char *y = member_text (find_member (mb, "t_us"));

              c->timing_differs = TRUE;
              c->timing_index = i;
              c->timing_note = g_strdup_printf ("timing differs from event #%u: t_us %s vs %s",
                                                i, x, y);
            }
          continue;
        }
      c->identical = FALSE;
      c->index_a = c->index_b = i;
      c->what = what;
      {
        g_autofree char *ea = pl_comparison_describe_event (c, FALSE, i);
        g_autofree char *eb = pl_comparison_describe_event (c, TRUE, i);
        gboolean same_sort = (find_member (ma, "node") != NULL) == (find_member (mb, "node") != NULL);

        /* A message against a node event: their members are not worth
         * listing one by one. */
        g_string_prepend (desc, same_sort && desc->len ? "\n" : "");
        if (!same_sort)
          g_string_truncate (desc, 0);
        g_string_prepend (desc, eb);
        g_string_prepend (desc, "\nB: ");
        g_string_prepend (desc, ea);
        g_string_prepend (desc, "A: ");
      }
      c->description = g_string_free (g_steal_pointer (&desc), FALSE);
      if ((what & PL_COMPARE_WIRE) && find_member (ma, "wire") && find_member (mb, "wire"))
        {
          find_wire_line (c, ma, mb);
          g_autofree char *old = c->description;
          c->description = g_strdup_printf ("%s%swire line %u: %s vs %s", old, *old ? "\n" : "",
                                            c->wire_line,
                                            c->wire_line_a ? c->wire_line_a : "(none)",
                                            c->wire_line_b ? c->wire_line_b : "(none)");
        }
      return TRUE;
    }
  return TRUE;
}

/* Alignment ---------------------------------------------------------- */

/* The message events of @s with an id per key (event, from, to, label,
 * proto as written); ids are shared through @ids by both sides. */
static gboolean
collect_messages (PlCompareSide  *s,
                  GHashTable     *ids,
                  GArray         *events,
                  GArray         *keys,
                  GError        **error)
{
  static const char *const parts[] = { "event", "from", "to", "label", "proto" };
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (Member));

  for (guint i = 0; i < s->n; i++)
    {
      g_autofree char *line = NULL;
      GString *key;
      gpointer id;

      if (s->trace)
        {
          /* Node events are skipped without exporting them. */
          const PlTraceEvent *ev = pl_trace_get_event (s->trace, i);

          if (!pl_trace_event_is_message (ev))
            continue;
          line = pl_export_jsonl_line (s->trace, ev);
        }
      else
        line = side_line (s, i);
      if (!split_members (line, members))
        {
          g_set_error (error, PL_COMPARE_ERROR, PL_COMPARE_ERROR_GOLDEN,
                       "golden line %u: not a JSON object of the trace export "
                       "(\"key\":value members, no nesting)", i + 1);
          return FALSE;
        }
      /* The export writes "node" for node events only. */
      if (find_member (members, "node") != NULL)
        continue;
      key = g_string_new (NULL);
      for (guint k = 0; k < G_N_ELEMENTS (parts); k++)
        {
          g_autofree char *text = member_text (find_member (members, parts[k]));

          g_string_append (key, text);
          g_string_append_c (key, '\x1f');
        }
      if (!g_hash_table_lookup_extended (ids, key->str, NULL, &id))
        {
          id = GUINT_TO_POINTER (g_hash_table_size (ids) + 1);
          g_hash_table_insert (ids, g_strdup (key->str), id);
        }
      g_string_free (key, TRUE);
      g_array_append_val (events, i);
      {
        guint v = GPOINTER_TO_UINT (id);
        g_array_append_val (keys, v);
      }
    }
  return TRUE;
}

static void
add_pair (GArray *out,
          guint   a,
          guint   b)
{
  PlAlignedPair p = { a, b, FALSE };

  g_array_append_val (out, p);
}

/* Same key: do the bytes and fields differ too (times and hop numbers
 * aside: a shifted run numbers its hops differently)? */
static gboolean
pair_differs (PlComparison *c,
              guint         a,
              guint         b,
              GArray       *ma,
              GArray       *mb)
{
  static const char *const ignore[] = { "t_us", "hop", NULL };
  g_autofree char *la = side_line (c->side_a, a);
  g_autofree char *lb = side_line (c->side_b, b);

  if (g_str_equal (la, lb))
    return FALSE;
  if (!split_members (la, ma) || !split_members (lb, mb))
    return TRUE;
  return diff_members (ma, mb, ignore, NULL) != 0;
}

static gboolean
align (PlComparison  *c,
       GError       **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) ea = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) eb = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) ka = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) kb = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) ma = g_array_new (FALSE, FALSE, sizeof (Member));
  g_autoptr(GArray) mb = g_array_new (FALSE, FALSE, sizeof (Member));
  guint n, m, pre = 0, suf = 0, i, j;
  const guint *x, *y;

  c->alignment = g_array_new (FALSE, FALSE, sizeof (PlAlignedPair));
  if (!collect_messages (c->side_a, ids, ea, ka, error) ||
      !collect_messages (c->side_b, ids, eb, kb, error))
    return FALSE;
  n = ka->len;
  m = kb->len;
  x = (const guint *) ka->data;
  y = (const guint *) kb->data;

#define EA(k) g_array_index (ea, guint, (k))
#define EB(k) g_array_index (eb, guint, (k))

  while (pre < n && pre < m && x[pre] == y[pre])
    pre++;
  while (suf < n - pre && suf < m - pre && x[n - 1 - suf] == y[m - 1 - suf])
    suf++;
  for (i = 0; i < pre; i++)
    add_pair (c->alignment, EA (i), EB (i));

  {
    guint rn = n - pre - suf, rm = m - pre - suf;

    if ((guint64) (rn + 1) * (rm + 1) <= ALIGN_MAX_CELLS)
      {
        /* Longest common subsequence of the keys; at most 2048 events a
         * side fit, so 16 bits do. */
        guint w = rm + 1;
        guint16 *lcs = g_new0 (guint16, (gsize) (rn + 1) * w);

        for (i = rn; i-- > 0;)
          for (j = rm; j-- > 0;)
            lcs[i * w + j] = x[pre + i] == y[pre + j]
                               ? lcs[(i + 1) * w + j + 1] + 1
                               : MAX (lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
        i = j = 0;
        while (i < rn || j < rm)
          {
            if (i < rn && j < rm && x[pre + i] == y[pre + j])
              {
                add_pair (c->alignment, EA (pre + i), EB (pre + j));
                i++;
                j++;
              }
            else if (i < rn && (j == rm || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]))
              add_pair (c->alignment, EA (pre + i++), PL_INSPECT_NONE);
            else
              add_pair (c->alignment, PL_INSPECT_NONE, EB (pre + j++));
          }
        g_free (lcs);
      }
    else
      {
        c->alignment_approximate = TRUE;
        for (i = 0; i < MAX (rn, rm); i++)
          {
            guint a = i < rn ? EA (pre + i) : PL_INSPECT_NONE;
            guint b = i < rm ? EB (pre + i) : PL_INSPECT_NONE;

            if (a != PL_INSPECT_NONE && b != PL_INSPECT_NONE && x[pre + i] != y[pre + i])
              {
                add_pair (c->alignment, a, PL_INSPECT_NONE);
                add_pair (c->alignment, PL_INSPECT_NONE, b);
              }
            else
              add_pair (c->alignment, a, b);
          }
      }
  }
  for (i = 0; i < suf; i++)
    add_pair (c->alignment, EA (n - suf + i), EB (m - suf + i));

#undef EA
#undef EB

  for (i = 0; i < c->alignment->len; i++)
    {
      PlAlignedPair *p = &g_array_index (c->alignment, PlAlignedPair, i);

      if (p->a != PL_INSPECT_NONE && p->b != PL_INSPECT_NONE)
        p->differs = pair_differs (c, p->a, p->b, ma, mb);
    }
  return TRUE;
}

/* Public API --------------------------------------------------------- */

static PlComparison *
compare (PlCompareSide  *a,
         PlCompareSide  *b,
         GError        **error)
{
  PlComparison *c = g_new0 (PlComparison, 1);

  c->side_a = a;
  c->side_b = b;
  c->n_a = a->n;
  c->n_b = b->n;
  c->index_a = c->index_b = PL_INSPECT_NONE;
  if (!walk (c, error) || !align (c, error))
    {
      pl_comparison_free (c);
      return NULL;
    }
  return c;
}

PlComparison *
pl_compare_traces (PlTrace *a,
                   PlTrace *b)
{
  g_return_val_if_fail (PL_IS_TRACE (a) && PL_IS_TRACE (b), NULL);
  /* Both sides are exported by the same code: no error is possible. */
  return compare (side_new_trace (a), side_new_trace (b), NULL);
}

PlComparison *
pl_compare_golden (GBytes   *golden,
                   PlTrace  *run,
                   GError  **error)
{
  g_return_val_if_fail (golden != NULL, NULL);
  g_return_val_if_fail (PL_IS_TRACE (run), NULL);
  return compare (side_new_golden (golden), side_new_trace (run), error);
}

void
pl_comparison_free (PlComparison *c)
{
  if (c == NULL)
    return;
  g_free (c->description);
  g_free (c->wire_line_a);
  g_free (c->wire_line_b);
  g_free (c->timing_note);
  g_clear_pointer (&c->alignment, g_array_unref);
  side_free (c->side_a);
  side_free (c->side_b);
  g_free (c);
}

char *
pl_comparison_describe_event (PlComparison *c,
                              gboolean      side_b,
                              guint         index)
{
  PlCompareSide *s;
  g_autofree char *line = NULL;
  g_autoptr(GArray) members = NULL;
  g_autofree char *event = NULL;

  g_return_val_if_fail (c != NULL, NULL);
  s = side_b ? c->side_b : c->side_a;
  if (index >= s->n)
    return NULL;
  line = side_line (s, index);
  members = g_array_new (FALSE, FALSE, sizeof (Member));
  if (!split_members (line, members))
    return g_strdup_printf ("#%u (not an event of the export)", index);
  event = member_text (find_member (members, "event"));
  if (find_member (members, "node") == NULL)
    {
      g_autofree char *from = member_text (find_member (members, "from"));
      g_autofree char *to = member_text (find_member (members, "to"));
      g_autofree char *label = member_text (find_member (members, "label"));

      return g_strdup_printf ("#%u %s -> %s %s (%s)", index, from, to, label, event);
    }
  {
    g_autofree char *node = member_text (find_member (members, "node"));

    return g_strdup_printf ("#%u %s on %s", index, event, node);
  }
}

char *
pl_compare_what_to_string (PlCompareWhat what)
{
  static const char *const names[] = {
    "missing event", "kind", "from/to", "label", "proto", "bytes", "fields",
  };
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (what & (1u << i))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i]);
  return g_string_free (s, FALSE);
}
