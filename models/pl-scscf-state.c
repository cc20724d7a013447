/* pl-scscf-state.c: what the S-CSCF shows of itself (pl-state.h): its
 * registrar's bindings, the reg event subscriptions it serves and the
 * third-party registrations it made.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-scscf"

#include "pl-scscf-private.h"
#include "pl-state-models.h"

void
_pl_scscf_describe (PlNode  *node,
                    PlState *state)
{
  PlScscf *self = PL_SCSCF (node);
  PlTime now = pl_node_now (node);
  g_autoptr (GPtrArray) bindings = NULL;

  pl_state_add_row (state, NULL, "domain", self->domain);
  pl_state_add_row (state, NULL, "hss", self->hss_id ? self->hss_id : "(none)");

  pl_state_begin_section (state, "bindings");
  if (self->registrar)
    {
      bindings = pl_registrar_list_bindings (self->registrar);
      for (guint i = 0; i < bindings->len; i++)
        _pl_state_add_binding (state, NULL, g_ptr_array_index (bindings, i),
                               pl_node_get_dialect (node), now);
    }
  _pl_scscf_reg_describe (self, state);
  _pl_scscf_third_party_describe (self, state);
}
