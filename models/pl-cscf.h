/* pl-cscf.h: the SIP/IP core's proxies: P-CSCF (node kind "p-cscf") and
 * S-CSCF with registrar and iFC (node kind "s-cscf"), 3GPP TS 24.229.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"
#include "pl-registrar.h"

G_BEGIN_DECLS

#define PL_TYPE_PCSCF (pl_pcscf_get_type ())
G_DECLARE_FINAL_TYPE (PlPcscf, pl_pcscf, PL, PCSCF, PlNode)

#define PL_TYPE_SCSCF (pl_scscf_get_type ())
G_DECLARE_FINAL_TYPE (PlScscf, pl_scscf, PL, SCSCF, PlNode)

/* Programmatic configuration (tests, the benchmark); a scenario's
 * <node> attributes do the same. */
void         pl_pcscf_set_core      (PlPcscf    *self,
                                     const char *core);
void         pl_scscf_set_hss       (PlScscf *self,
                                     PlNode  *hss);

PlRegistrar *pl_scscf_get_registrar (PlScscf *self);

G_END_DECLS
