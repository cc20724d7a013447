/* test-net.c: see test-net.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <sofia-sip/sip.h>

#include "pl-models.h"
#include "pl-node.h"
#include "pl-wire.h"
#include "test-net.h"

void
net_free (Net *net)
{
  g_clear_object (&net->scenario);
  if (net->dir)
    {
      g_autofree char *path = g_build_filename (net->dir, "scenario.xml", NULL);

      g_unlink (path);
      g_rmdir (net->dir);
      g_free (net->dir);
    }
  g_free (net);
}

PlScenario *
net_load (Net        *net,
          const char *xml,
          GError    **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) local = NULL;

  pl_models_register ();
  net->dir = g_dir_make_tmp ("pushlab-test-XXXXXX", &local);
  g_assert_no_error (local);
  path = g_build_filename (net->dir, "scenario.xml", NULL);
  g_assert_true (g_file_set_contents (path, xml, -1, &local));
  g_assert_no_error (local);
  return pl_scenario_load (path, NULL, error);
}

/* Loads and runs @xml to its end. */
Net *
net_run (const char *xml)
{
  Net *net = g_new0 (Net, 1);
  g_autoptr (GError) error = NULL;
  PlScheduler *scheduler;

  net->scenario = net_load (net, xml, &error);
  g_assert_no_error (error);
  net->sim = pl_scenario_get_sim (net->scenario);
  net->trace = pl_sim_get_trace (net->sim);
  pl_scenario_start (net->scenario);
  scheduler = pl_sim_get_scheduler (net->sim);
  pl_scheduler_set_end (scheduler, -1);
  while (pl_scheduler_step (scheduler))
    ;
  g_assert_true (pl_scheduler_is_finished (scheduler));
  return net;
}

GPtrArray *
node_events (Net        *net,
             const char *node,
             const char *name)
{
  GPtrArray *out = g_ptr_array_new ();
  int who = pl_node_get_index (pl_sim_find_node (net->sim, node));

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (!pl_trace_event_is_message (ev) && ev->node == who && g_str_equal (ev->name, name))
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

/* Messages delivered to @to whose label starts with @label. */
GPtrArray *
delivered (Net        *net,
           const char *to,
           const char *label)
{
  GPtrArray *out = g_ptr_array_new ();
  int who = pl_node_get_index (pl_sim_find_node (net->sim, to));

  for (guint i = 0; i < pl_trace_get_n_events (net->trace); i++)
    {
      const PlTraceEvent *ev = pl_trace_get_event (net->trace, i);

      if (ev->kind == PL_EVENT_DELIVER && ev->to == who && ev->label
          && g_str_has_prefix (ev->label, label))
        g_ptr_array_add (out, (gpointer) ev);
    }
  return out;
}

const PlField *
field (const PlTraceEvent *ev,
       const char         *key)
{
  const PlField *f = pl_trace_event_get_field (ev, key);

  if (f == NULL)
    g_error ("event '%s' has no field '%s'", ev->name, key);
  return f;
}

char *
body_of (const PlTraceEvent *ev)
{
  g_autofree char *problem = NULL;
  g_autoptr (msg_t) msg = pl_wire_parse (ev->wire, &problem);
  sip_t *sip = sip_object (msg);

  g_assert_null (problem);
  return sip->sip_payload ? g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len)
                          : g_strdup ("");
}
