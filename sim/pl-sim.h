/* pl-sim.h: one simulated network: clock, nodes, links, rules and trace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pl-types.h"
#include "pl-scheduler.h"
#include "pl-trace.h"

G_BEGIN_DECLS

typedef struct _PlNode PlNode;

/* A link between two nodes (both directions alike). */
typedef struct {
  PlTime latency;
  PlTime jitter;       /* each packet: latency + uniform(-jitter, +jitter), at least 0 */
  double loss;         /* 0..1; on TCP a loss costs a retransmission timeout instead */
  guint64 bandwidth;   /* bits per second, 0 = unlimited */
  PlTransport transport;
} PlLinkParams;

#define PL_TYPE_SIM (pl_sim_get_type ())
G_DECLARE_FINAL_TYPE (PlSim, pl_sim, PL, SIM, GObject)

PlSim        *pl_sim_new              (guint64 seed);

guint64       pl_sim_get_seed         (PlSim *self);
PlScheduler  *pl_sim_get_scheduler    (PlSim *self);
PlTrace      *pl_sim_get_trace        (PlSim *self);
PlTime        pl_sim_now              (PlSim *self);
PlDialect     pl_sim_get_dialect      (PlSim *self);
void          pl_sim_set_dialect      (PlSim     *self,
                                       PlDialect  dialect);

/* All randomness of a run comes from here, seeded once. */
double        pl_sim_random_double    (PlSim *self);

/* Nodes: added in order, that order is their index (and their column). */
gboolean      pl_sim_add_node         (PlSim   *self,
                                       PlNode  *node,
                                       GError **error);
guint         pl_sim_get_n_nodes      (PlSim *self);
PlNode       *pl_sim_get_node         (PlSim *self,
                                       guint  index);
PlNode       *pl_sim_find_node        (PlSim      *self,
                                       const char *id);

/* Virtual DNS: a host name (or IPv6 literal) and port; port 0 matches the
 * node of that host whatever its port. */
PlNode       *pl_sim_resolve          (PlSim      *self,
                                       const char *host,
                                       guint16     port);

void          pl_sim_set_default_link (PlSim              *self,
                                       const PlLinkParams *params);
void          pl_sim_add_link         (PlSim              *self,
                                       PlNode             *a,
                                       PlNode             *b,
                                       const PlLinkParams *params);
const PlLinkParams *pl_sim_get_link   (PlSim  *self,
                                       PlNode *a,
                                       PlNode *b);

/* Alteration rules, applied in the order added. Takes ownership. */
void          pl_sim_add_rule         (PlSim  *self,
                                       PlRule *rule);
guint         pl_sim_get_n_rules      (PlSim *self);
PlRule       *pl_sim_get_rule         (PlSim *self,
                                       guint  index);
PlRule       *pl_sim_find_rule        (PlSim      *self,
                                       const char *id);
/* Removes and frees @rule (a breakpoint the studio takes away); a message
 * it holds stays held. FALSE when @rule is not one of the sim's. Not from
 * a trace observer while a message passes the rules. */
gboolean      pl_sim_remove_rule      (PlSim  *self,
                                       PlRule *rule);
/* "PREFIX-N" (prefix NULL: "alter"), used by no rule of the sim and never
 * returned before by this sim. */
char         *pl_sim_new_rule_id      (PlSim      *self,
                                       const char *prefix);

/* Sends @wire from @from to @to over their link: records the SEND (or
 * RETRANSMIT) event, runs the send-side rules, and schedules delivery.
 * Returns the hop number. */
guint64       pl_sim_transmit         (PlSim       *self,
                                       PlNode      *from,
                                       PlNode      *to,
                                       PlEventKind  kind,
                                       const char  *proto,
                                       GBytes      *wire,
                                       const char  *label);

/* Calls every node's start() at the current virtual time. */
void          pl_sim_start            (PlSim *self);

/* Number of transmissions (send + retransmit) so far. */
guint64       pl_sim_get_n_transmissions (PlSim *self);

G_END_DECLS
