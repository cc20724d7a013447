/* pl-state.c: a node's state at one virtual time, as sections of rows.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-state"

#include <stdarg.h>
#include <string.h>

#include "pl-state.h"
#include "pl-trace.h"

struct _PlStateRow {
  char *key;
  char *value;
  char *detail;
  GPtrArray *children;   /* PlStateRow*, or NULL until the first */
};

struct _PlStateSection {
  char *title;
  GPtrArray *rows;       /* PlStateRow* */
};

struct _PlState {
  GPtrArray *sections;   /* PlStateSection* */
  PlStateSection *current;
  PlTime t_us;
};

static void
row_free (gpointer data)
{
  PlStateRow *row = data;

  g_free (row->key);
  g_free (row->value);
  g_free (row->detail);
  g_clear_pointer (&row->children, g_ptr_array_unref);
  g_free (row);
}

static void
section_free (gpointer data)
{
  PlStateSection *section = data;

  g_free (section->title);
  g_ptr_array_unref (section->rows);
  g_free (section);
}

PlState *
pl_state_new (void)
{
  PlState *self = g_new0 (PlState, 1);

  self->sections = g_ptr_array_new_with_free_func (section_free);
  return self;
}

void
pl_state_free (PlState *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->sections);
  g_free (self);
}

void
pl_state_set_time (PlState *self,
                   PlTime   t_us)
{
  g_return_if_fail (self != NULL);
  self->t_us = t_us;
}

PlTime
pl_state_get_time (PlState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->t_us;
}

PlStateSection *
pl_state_begin_section (PlState    *self,
                        const char *title)
{
  PlStateSection *section;

  g_return_val_if_fail (self != NULL, NULL);

  section = g_new0 (PlStateSection, 1);
  section->title = g_strdup (title ? title : "");
  section->rows = g_ptr_array_new_with_free_func (row_free);
  g_ptr_array_add (self->sections, section);
  self->current = section;
  return section;
}

PlStateRow *
pl_state_add_row (PlState    *self,
                  PlStateRow *parent,
                  const char *key,
                  const char *value)
{
  PlStateRow *row;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  row = g_new0 (PlStateRow, 1);
  row->key = g_strdup (key);
  row->value = g_strdup (value);
  if (parent)
    {
      if (parent->children == NULL)
        parent->children = g_ptr_array_new_with_free_func (row_free);
      g_ptr_array_add (parent->children, row);
    }
  else
    {
      if (self->current == NULL)
        pl_state_begin_section (self, NULL);
      g_ptr_array_add (self->current->rows, row);
    }
  return row;
}

PlStateRow *
pl_state_add_rowf (PlState    *self,
                   PlStateRow *parent,
                   const char *key,
                   const char *format,
                   ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  return pl_state_add_row (self, parent, key, value);
}

void
pl_state_row_set_detail (PlStateRow *row,
                         const char *detail)
{
  g_return_if_fail (row != NULL);
  g_free (row->detail);
  row->detail = detail && *detail ? g_strdup (detail) : NULL;
}

void
pl_state_row_set_detailf (PlStateRow *row,
                          const char *format,
                          ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  pl_state_row_set_detail (row, detail);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const PlStateRow *ra = *(PlStateRow *const *) a;
  const PlStateRow *rb = *(PlStateRow *const *) b;
  int c = strcmp (ra->key, rb->key);

  return c != 0 ? c : g_strcmp0 (ra->value, rb->value);
}

void
pl_state_sort_rows (PlState    *self,
                    PlStateRow *parent)
{
  GPtrArray *rows;

  g_return_if_fail (self != NULL);

  rows = parent ? parent->children : self->current ? self->current->rows : NULL;
  /* g_ptr_array_sort is a merge sort: stable. */
  if (rows)
    g_ptr_array_sort (rows, compare_rows);
}

static char *
format_seconds (PlTime t)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *text = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6f", (double) t / 1e6));
  char *end = text + strlen (text) - 1;

  /* "2.500000" -> "2.5", "3.000000" -> "3" */
  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  return text;
}

char *
pl_state_format_time (PlTime t)
{
  g_autofree char *text = format_seconds (t);

  return g_strdup_printf ("%ss", text);
}

char *
pl_state_format_remaining (PlTime now,
                           PlTime at)
{
  g_autofree char *left = NULL;

  if (at == G_MAXINT64)
    return g_strdup ("-");
  if (at <= now)
    return g_strdup ("expired");
  left = format_seconds (at - now);
  return g_strdup_printf ("%ss", left);
}

guint
pl_state_get_n_sections (PlState *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sections->len;
}

PlStateSection *
pl_state_get_section (PlState *self,
                      guint    index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->sections->len, NULL);
  return g_ptr_array_index (self->sections, index);
}

PlStateSection *
pl_state_find_section (PlState    *self,
                       const char *title)
{
  g_return_val_if_fail (self != NULL && title != NULL, NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      PlStateSection *section = g_ptr_array_index (self->sections, i);

      if (g_str_equal (section->title, title))
        return section;
    }
  return NULL;
}

const char *
pl_state_section_get_title (const PlStateSection *section)
{
  g_return_val_if_fail (section != NULL, NULL);
  return section->title;
}

guint
pl_state_section_get_n_rows (const PlStateSection *section)
{
  g_return_val_if_fail (section != NULL, 0);
  return section->rows->len;
}

PlStateRow *
pl_state_section_get_row (const PlStateSection *section,
                          guint                 index)
{
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (index < section->rows->len, NULL);
  return g_ptr_array_index (section->rows, index);
}

static PlStateRow *
find_row (GPtrArray  *rows,
          const char *key,
          const char *value)
{
  for (guint i = 0; rows && i < rows->len; i++)
    {
      PlStateRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->key, key) && (value == NULL || g_strcmp0 (row->value, value) == 0))
        return row;
    }
  return NULL;
}

PlStateRow *
pl_state_section_find_row (const PlStateSection *section,
                           const char           *key,
                           const char           *value)
{
  g_return_val_if_fail (section != NULL && key != NULL, NULL);
  return find_row (section->rows, key, value);
}

const char *
pl_state_row_get_key (const PlStateRow *row)
{
  g_return_val_if_fail (row != NULL, NULL);
  return row->key;
}

const char *
pl_state_row_get_value (const PlStateRow *row)
{
  g_return_val_if_fail (row != NULL, NULL);
  return row->value;
}

const char *
pl_state_row_get_detail (const PlStateRow *row)
{
  g_return_val_if_fail (row != NULL, NULL);
  return row->detail;
}

guint
pl_state_row_get_n_children (const PlStateRow *row)
{
  g_return_val_if_fail (row != NULL, 0);
  return row->children ? row->children->len : 0;
}

PlStateRow *
pl_state_row_get_child (const PlStateRow *row,
                        guint             index)
{
  g_return_val_if_fail (row != NULL, NULL);
  g_return_val_if_fail (index < pl_state_row_get_n_children (row), NULL);
  return g_ptr_array_index (row->children, index);
}

PlStateRow *
pl_state_row_find_child (const PlStateRow *row,
                         const char       *key,
                         const char       *value)
{
  g_return_val_if_fail (row != NULL && key != NULL, NULL);
  return find_row (row->children, key, value);
}

static void
append_rows (GString   *text,
             GPtrArray *rows,
             guint      depth)
{
  for (guint i = 0; rows && i < rows->len; i++)
    {
      const PlStateRow *row = g_ptr_array_index (rows, i);

      g_string_append_printf (text, "%*s%s", (int) (2 * depth), "", row->key);
      if (row->value)
        g_string_append_printf (text, ": %s", row->value);
      if (row->detail)
        g_string_append_printf (text, "  (%s)", row->detail);
      g_string_append_c (text, '\n');
      append_rows (text, row->children, depth + 1);
    }
}

char *
pl_state_to_text (PlState *self)
{
  GString *text;

  g_return_val_if_fail (self != NULL, NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->sections->len; i++)
    {
      const PlStateSection *section = g_ptr_array_index (self->sections, i);

      if (*section->title)
        g_string_append_printf (text, "== %s ==\n", section->title);
      if (section->rows->len == 0)
        g_string_append (text, "  (none)\n");
      append_rows (text, section->rows, 1);
    }
  return g_string_free (text, FALSE);
}

/* ---- trace events ---- */

static char *
field_text (const PlField *field)
{
  switch (field->type)
    {
    case PL_FIELD_STRING:
      return g_strdup (field->str ? field->str : "");
    case PL_FIELD_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, field->num);
    case PL_FIELD_BOOL:
    default:
      return g_strdup (field->num ? "yes" : "no");
    }
}

static const char *
string_field (const PlTraceEvent *event,
              const char         *key)
{
  const PlField *field = pl_trace_event_get_field (event, key);

  return field && field->type == PL_FIELD_STRING ? field->str : NULL;
}

/* The fields pl-scscf.c writes on an "ifc" event: case, priority, server,
 * matched, default-handling, detail, user, condition, and per Service
 * Point Trigger n (from 1) "spt<n>", "spt<n>-groups", "spt<n>-result". */
static void
add_ifc_event (PlState            *self,
               const PlTraceEvent *event)
{
  const PlField *priority = pl_trace_event_get_field (event, "priority");
  const PlField *matched = pl_trace_event_get_field (event, "matched");
  const char *server = string_field (event, "server");
  const char *user = string_field (event, "user");
  const char *condition = string_field (event, "condition");
  const char *detail = string_field (event, "detail");
  PlStateRow *criterion, *trigger, *row;

  criterion = pl_state_add_rowf (self, NULL, "criterion", "priority %" G_GINT64_FORMAT,
                                 priority ? priority->num : 0);
  if (user)
    pl_state_add_row (self, criterion, "user", user);
  pl_state_add_row (self, criterion, "session case", string_field (event, "case"));
  pl_state_add_row (self, criterion, "server", server && *server ? server : "(none)");
  pl_state_add_row (self, criterion, "default handling", string_field (event, "default-handling"));

  trigger = pl_state_add_row (self, criterion, "trigger point",
                              condition ? condition : "?");
  for (guint n = 1;; n++)
    {
      g_autofree char *key = g_strdup_printf ("spt%u", n);
      g_autofree char *groups_key = g_strdup_printf ("spt%u-groups", n);
      g_autofree char *result_key = g_strdup_printf ("spt%u-result", n);
      const char *spt = string_field (event, key);
      const char *groups = string_field (event, groups_key);
      const PlField *result = pl_trace_event_get_field (event, result_key);

      if (spt == NULL)
        break;
      row = pl_state_add_rowf (self, trigger, key, "%s", spt);
      pl_state_add_row (self, row, "group", groups ? groups : "");
      pl_state_add_row (self, row, "result",
                        result == NULL ? "?" : result->num ? "match" : "no match");
    }
  row = pl_state_add_row (self, criterion, "matched",
                          matched == NULL ? "?" : matched->num ? "yes" : "no");
  pl_state_row_set_detail (row, detail);
}

void
pl_state_add_trace_event (PlState            *self,
                          const PlTraceEvent *event)
{
  g_autofree char *title = NULL, *when = NULL;

  g_return_if_fail (self != NULL && event != NULL);

  when = format_seconds (event->t_us);
  title = g_strdup_printf ("%s at %ss (event %" G_GUINT64_FORMAT ")", event->name, when,
                           event->index);
  pl_state_begin_section (self, title);
  if (g_str_equal (event->name, "ifc"))
    {
      add_ifc_event (self, event);
      return;
    }
  if (event->label)
    pl_state_add_row (self, NULL, "label", event->label);
  for (guint i = 0; i < event->n_fields; i++)
    {
      g_autofree char *value = field_text (&event->fields[i]);

      pl_state_add_row (self, NULL, event->fields[i].key, value);
    }
}
