/* pl-studio-nodes.c: the node panel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-studio"

#include "pl-studio-nodes.h"

#include "pl-node.h"
#include "pl-studio-text.h"

struct _PlStudioNodes {
  GtkBox parent_instance;

  GtkDropDown *dropdown;
  GtkStringList *ids;
  GtkWidget *text;

  PlPlayer *player;        /* not owned: the window's */
  guint64 hop;             /* the selected arrow's, for its iFC; 0: none */
  gboolean filling;
};

G_DEFINE_FINAL_TYPE (PlStudioNodes, pl_studio_nodes, GTK_TYPE_BOX)

static void
append_row (GtkTextBuffer    *buffer,
            const PlStateRow *row,
            guint             depth)
{
  g_autofree char *indent = g_strnfill (depth * 4, ' ');
  const char *value = pl_state_row_get_value (row);
  const char *detail = pl_state_row_get_detail (row);

  pl_studio_text_append (buffer, indent, -1, NULL, NULL);
  pl_studio_text_append (buffer, pl_state_row_get_key (row), -1, "key", NULL);
  if (value)
    {
      pl_studio_text_append (buffer, ": ", -1, NULL, NULL);
      pl_studio_text_append (buffer, value, -1, NULL, NULL);
    }
  if (detail)
    {
      pl_studio_text_append (buffer, "  ", -1, NULL, NULL);
      pl_studio_text_append (buffer, detail, -1, "dim", NULL);
    }
  pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
  for (guint i = 0; i < pl_state_row_get_n_children (row); i++)
    append_row (buffer, pl_state_row_get_child (row, i), depth + 1);
}

static void
show_state (PlStudioNodes *self,
            PlState       *state)
{
  GtkTextBuffer *buffer = pl_studio_text_view_clear (self->text);

  for (guint s = 0; s < pl_state_get_n_sections (state); s++)
    {
      PlStateSection *section = pl_state_get_section (state, s);

      pl_studio_text_append (buffer, pl_state_section_get_title (section), -1, "heading", NULL);
      pl_studio_text_append (buffer, "\n", -1, NULL, NULL);
      if (pl_state_section_get_n_rows (section) == 0)
        pl_studio_text_append (buffer, "(none)\n", -1, "dim", NULL);
      for (guint r = 0; r < pl_state_section_get_n_rows (section); r++)
        append_row (buffer, pl_state_section_get_row (section, r), 0);
    }
}

void
pl_studio_nodes_refresh (PlStudioNodes *self)
{
  g_autoptr (PlState) state = NULL;
  PlSim *sim;
  PlNode *node;
  guint selected;

  g_return_if_fail (PL_IS_STUDIO_NODES (self));

  sim = self->player ? pl_player_get_sim (self->player) : NULL;
  selected = gtk_drop_down_get_selected (self->dropdown);
  if (sim == NULL || selected == GTK_INVALID_LIST_POSITION
      || (node = pl_sim_get_node (sim, selected)) == NULL)
    {
      GtkTextBuffer *buffer = pl_studio_text_view_clear (self->text);

      pl_studio_text_append (buffer, "Select a node, or a message to see the node that "
                             "received it.", -1, "dim", NULL);
      return;
    }

  state = pl_state_new ();
  pl_node_describe (node, state);

  /* The iFC evaluations the selected request caused at this node. */
  if (self->hop)
    {
      PlTrace *trace = pl_sim_get_trace (sim);

      for (guint i = 0; i < pl_trace_get_n_events (trace); i++)
        {
          const PlTraceEvent *event = pl_trace_get_event (trace, i);

          if (event->cause == self->hop && event->node == (int) selected
              && g_strcmp0 (event->name, "ifc") == 0)
            pl_state_add_trace_event (state, event);
        }
    }
  show_state (self, state);
}

static void
on_selected (PlStudioNodes *self)
{
  if (!self->filling)
    pl_studio_nodes_refresh (self);
}

static void
pl_studio_nodes_class_init (PlStudioNodesClass *klass)
{
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pl_studio_nodes_init (PlStudioNodes *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);

  self->ids = gtk_string_list_new (NULL);
  self->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->ids), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dropdown), "The node whose state is shown");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Node", -1);
  gtk_widget_set_margin_start (GTK_WIDGET (self->dropdown), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self->dropdown), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (self->dropdown), 6);
  g_signal_connect_object (self->dropdown, "notify::selected", G_CALLBACK (on_selected), self,
                           G_CONNECT_SWAPPED);
  self->text = pl_studio_text_view_new ("Node state");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->dropdown));
  gtk_box_append (GTK_BOX (self), self->text);
}

PlStudioNodes *
pl_studio_nodes_new (void)
{
  return g_object_new (PL_TYPE_STUDIO_NODES, NULL);
}

void
pl_studio_nodes_set_player (PlStudioNodes *self,
                            PlPlayer      *player)
{
  PlSim *sim;
  guint n;
  g_autofree char *previous = NULL;
  guint keep = 0;

  g_return_if_fail (PL_IS_STUDIO_NODES (self));

  /* A re-run of the same scenario keeps the node shown. */
  if (gtk_drop_down_get_selected (self->dropdown) != GTK_INVALID_LIST_POSITION)
    previous = g_strdup (gtk_string_list_get_string (self->ids,
                                                     gtk_drop_down_get_selected (self->dropdown)));
  self->player = player;
  self->hop = 0;
  sim = pl_player_get_sim (player);
  n = sim ? pl_sim_get_n_nodes (sim) : 0;

  self->filling = TRUE;
  gtk_string_list_splice (self->ids, 0, g_list_model_get_n_items (G_LIST_MODEL (self->ids)), NULL);
  for (guint i = 0; i < n; i++)
    {
      const char *id = pl_node_get_id (pl_sim_get_node (sim, i));

      gtk_string_list_append (self->ids, id);
      if (g_strcmp0 (id, previous) == 0)
        keep = i;
    }
  gtk_drop_down_set_selected (self->dropdown, n ? keep : GTK_INVALID_LIST_POSITION);
  self->filling = FALSE;
  pl_studio_nodes_refresh (self);
}

void
pl_studio_nodes_show_arrow (PlStudioNodes         *self,
                            const PlTimelineArrow *arrow)
{
  g_return_if_fail (PL_IS_STUDIO_NODES (self));

  self->hop = arrow ? arrow->hop : 0;
  self->filling = TRUE;
  if (arrow)
    gtk_drop_down_set_selected (self->dropdown, arrow->to);
  self->filling = FALSE;
  pl_studio_nodes_refresh (self);
}

char *
pl_studio_nodes_get_text (PlStudioNodes *self)
{
  return pl_studio_text_view_get_text (self->text);
}
