/* pl-presence-state.c: what the presence server shows of itself
 * (pl-state.h): each presentity's composed document (RFC 3903 §4.4: the
 * publications together), the publications with their entity-tags and
 * expiry, and the watchers (pl-presence-watch.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-presence"

#include <string.h>

#include "pl-presence-private.h"
#include "pl-state-models.h"

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
_pl_presence_describe (PlNode  *node,
                       PlState *state)
{
  PlPresence *self = PL_PRESENCE (node);
  g_autoptr (GPtrArray) presentities = g_ptr_array_new ();
  PlTime now = pl_node_now (node);

  /* Publications are kept least recently changed first; the presentities
   * are listed sorted. */
  for (guint i = 0; i < self->publications->len; i++)
    {
      PlPsPublication *pub = g_ptr_array_index (self->publications, i);

      if (!g_ptr_array_find_with_equal_func (presentities, pub->presentity, g_str_equal, NULL))
        g_ptr_array_add (presentities, pub->presentity);
    }
  g_ptr_array_sort (presentities, compare_strings);

  pl_state_begin_section (state, "presentities");
  for (guint i = 0; i < presentities->len; i++)
    {
      const char *presentity = g_ptr_array_index (presentities, i);
      g_autoptr (PlPidf) composed = NULL;
      g_autofree char *text = NULL;
      guint n_pubs = 0;
      gsize len = 0;
      PlStateRow *row;

      text = _pl_presence_compose (self, presentity, &len, &n_pubs, &composed);
      row = pl_state_add_row (state, NULL, presentity, NULL);
      pl_state_row_set_detailf (row, "composed from %u publication%s, %" G_GSIZE_FORMAT " bytes",
                                n_pubs, n_pubs == 1 ? "" : "s", len);
      _pl_state_add_pidf (state, row, composed);
    }

  pl_state_begin_section (state, "publications");
  for (guint i = 0; i < self->publications->len; i++)
    {
      PlPsPublication *pub = g_ptr_array_index (self->publications, i);
      g_autofree char *left = pl_state_format_remaining (now, pub->expires_at);
      PlStateRow *row = pl_state_add_row (state, NULL, pub->presentity, pub->etag);

      pl_state_add_row (state, row, "etag", pub->etag);
      pl_state_add_row (state, row, "expires in", left);
      pl_state_add_rowf (state, row, "tuples", "%u", pl_pidf_get_n_tuples (pub->document));
      pl_state_add_rowf (state, row, "devices", "%u", pl_pidf_get_n_devices (pub->document));
    }
  _pl_presence_watch_describe (self, state);
}
