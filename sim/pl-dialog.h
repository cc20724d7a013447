/* pl-dialog.h: RFC 3261 §12 dialog state.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

/* UAC side, from the request and the response that created the dialog
 * (§12.1.2): the route set is the response's Record-Route reversed. */
PlDialog    *pl_dialog_new_uac         (PlNode *node,
                                        sip_t  *request,
                                        sip_t  *response);
/* UAS side (§12.1.1): the route set is the request's Record-Route. */
PlDialog    *pl_dialog_new_uas         (PlNode     *node,
                                        sip_t      *request,
                                        const char *local_tag,
                                        guint32     first_cseq);
void         pl_dialog_free            (PlDialog *dialog);

/* Does an incoming request or response belong to this dialog? */
gboolean     pl_dialog_matches         (PlDialog *dialog,
                                        sip_t    *sip);
/* §12.2.2: checks and records the remote CSeq of a request. FALSE when
 * it is lower than the last one (the UAS answers 500). */
gboolean     pl_dialog_accept_cseq     (PlDialog *dialog,
                                        sip_t    *request);
/* §12.2.1.1: a request in the dialog, with the next local CSeq. */
msg_t       *pl_dialog_new_request     (PlDialog   *dialog,
                                        sip_method_t method,
                                        const char *method_name);
/* Refreshes the remote target from a Contact (target refresh). */
void         pl_dialog_set_remote_target (PlDialog          *dialog,
                                          const sip_contact_t *contact);

const char  *pl_dialog_get_call_id     (PlDialog *dialog);
const char  *pl_dialog_get_local_tag   (PlDialog *dialog);
const char  *pl_dialog_get_remote_tag  (PlDialog *dialog);
guint32      pl_dialog_get_local_cseq  (PlDialog *dialog);
guint32      pl_dialog_get_remote_cseq (PlDialog *dialog);
/* "<sip:a;lr>, <sip:b;lr>" or "" */
char        *pl_dialog_describe_route  (PlDialog *dialog);
char        *pl_dialog_get_remote_target (PlDialog *dialog);
/* The node the dialog's next request goes to (§12.2.1.1 with §8.1.2:
 * the route set's first entry, else the remote target), as
 * pl_client_txn_send() would pick it; NULL when no node answers. */
PlNode      *pl_dialog_get_next_hop    (PlDialog *dialog);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlDialog, pl_dialog_free)

G_END_DECLS
