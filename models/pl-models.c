/* pl-models.c: node kind registration.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-models"

#include "pl-cscf.h"
#include "pl-hss.h"
#include "pl-models.h"
#include "pl-node.h"
#include "pl-presence.h"
#include "pl-proxy.h"
#include "pl-push-msrp.h"
#include "pl-receiver.h"
#include "pl-sender.h"
#include "pl-uaprof-server.h"
#include "pl-user-agent.h"

void
pl_models_register (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      pl_node_kind_register ("ua", PL_TYPE_USER_AGENT,
                             "generic SIP user agent: sends requests, answers with a configured status");
      pl_node_kind_register ("proxy", PL_TYPE_PROXY,
                             "stateful forwarding proxy (RFC 3261 §16)");
      pl_node_kind_register ("p-cscf", PL_TYPE_PCSCF,
                             "P-CSCF: first hop of a UE, asserts its identity, adds Path (TS 24.229 §5.2)");
      pl_node_kind_register ("s-cscf", PL_TYPE_SCSCF,
                             "S-CSCF: registrar, iFC, third-party REGISTER, caller-preference routing (TS 24.229 §5.4)");
      pl_node_kind_register ("hss", PL_TYPE_HSS, "Home Subscriber Server: IMS subscriptions with TS 29.228 iFC");
      pl_node_kind_register ("sender", PL_TYPE_SENDER, "Push Sender agent: third-party REGISTER, MESSAGE push, Appendix C delivery status");
      pl_node_kind_register ("receiver", PL_TYPE_RECEIVER, "Push Receiver agent: registers push applications, checks and takes pushes (§6.3.1, §7.2)");
      pl_node_kind_register ("uaprof-server", PL_TYPE_UAPROF_SERVER,
                             "UAProf server: answers HTTP GETs of device-profile URLs (§8.1.3.3)");
      pl_node_kind_register ("content-server", PL_TYPE_UAPROF_SERVER,
                             "content server: answers HTTP GETs of push content a MESSAGE names by reference (RFC 4483)");
      pl_node_kind_register ("presence", PL_TYPE_PRESENCE, "presence server: PUBLISH (RFC 3903), SUBSCRIBE/NOTIFY presence (RFC 3856) with PIDF and the OMA device-profile (§8)");
      pl_push_msrp_install ();
      g_once_init_leave (&done, 1);
    }
}
