/* pl-hss.h: the Home Subscriber Server (node kind "hss"): IMS
 * subscriptions loaded from 3GPP TS 29.228 XML (IMSSubscription), asked by
 * the S-CSCF over a Cx that is a function call, recorded as "cx" events.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scenario form:
 *   <node id="hss" kind="hss" host="hss.home1.net">
 *     <subscription href="../data/hss/home1.xml" password="secret"/>
 *   </node>
 * @password, when present, is the digest password of the subscription's
 * PrivateID: the S-CSCF then challenges its REGISTER (RFC 3261 §22).
 */
#pragma once

#include "pl-ifc.h"
#include "pl-node.h"

G_BEGIN_DECLS

typedef struct {
  char *private_id;          /* PrivateID */
  char *password;            /* NULL: no authentication */
  GPtrArray *profiles;       /* PlServiceProfile* */
  char *file;
} PlSubscription;

typedef struct {
  PlSubscription *subscription;  /* back pointer, not owned */
  GPtrArray *public_ids;     /* char*: PublicIdentity/Identity, as written */
  GPtrArray *barred;         /* gboolean per public id (BarringIndication), as GINT_TO_POINTER */
  GPtrArray *ifcs;           /* PlIfc*, sorted by Priority (lowest value first) */
} PlServiceProfile;

/* Parses a TS 29.228 IMSSubscription document (a file loaded with
 * pl_xml_context_load: no network, no DTD, no entities). Every error
 * names file:line:column and what was expected. */
PlSubscription   *pl_subscription_load (const char  *path,
                                        GError     **error);
void              pl_subscription_free (PlSubscription *subscription);

#define PL_TYPE_HSS (pl_hss_get_type ())
G_DECLARE_FINAL_TYPE (PlHss, pl_hss, PL, HSS, PlNode)

/* Takes ownership, also when it fails. FALSE (and @error) when one of
 * its public identities already belongs to another subscription. */
gboolean          pl_hss_add_subscription (PlHss           *self,
                                           PlSubscription  *subscription,
                                           GError         **error);

/* The service profile of a public identity: its URI compared the way
 * RFC 3261 §19.1.4 compares (scheme, user, host, port), parameters and
 * display names ignored. NULL when unknown. Records a "cx" event
 * (command "SAR" or "LIR", public-id, result) when @command is not NULL. */
PlServiceProfile *pl_hss_lookup        (PlHss       *self,
                                        const char  *public_id,
                                        const char  *command);

/* Digest password of the subscription owning @public_id (the S-CSCF's
 * Multimedia-Auth-Request, recorded as a "cx" event "MAR"), NULL when the
 * subscription has none; *private_id gets the PrivateID. */
const char       *pl_hss_get_password  (PlHss       *self,
                                        const char  *public_id,
                                        const char **private_id);

guint             pl_hss_get_n_subscriptions (PlHss *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlSubscription, pl_subscription_free)

G_END_DECLS
