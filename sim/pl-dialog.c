/* pl-dialog.c: RFC 3261 §12 dialogs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-dialog"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>

#include "pl-dialog.h"
#include "pl-wire.h"

struct _PlDialog {
  su_home_t home[1];
  PlNode *node;
  char *call_id;
  char *local_tag;
  char *remote_tag;
  sip_from_t *local_uri;    /* without tag */
  sip_to_t *remote_uri;     /* without tag */
  sip_route_t *route_set;
  url_t *remote_target;
  guint32 local_cseq;
  guint32 remote_cseq;
  gboolean has_remote_cseq;
};

static PlDialog *
dialog_alloc (PlNode *node)
{
  PlDialog *dialog = g_new0 (PlDialog, 1);

  su_home_init (dialog->home);
  dialog->node = node;
  return dialog;
}

static void
set_uris (PlDialog         *dialog,
          const sip_addr_t *local,
          const sip_addr_t *remote)
{
  dialog->local_uri = sip_from_dup (dialog->home, local);
  dialog->remote_uri = sip_to_dup (dialog->home, remote);
  msg_header_remove_param (dialog->local_uri->a_common, "tag");
  msg_header_remove_param (dialog->remote_uri->a_common, "tag");
}

PlDialog *
pl_dialog_new_uac (PlNode *node,
                   sip_t  *request,
                   sip_t  *response)
{
  PlDialog *dialog = dialog_alloc (node);

  dialog->call_id = g_strdup (request->sip_call_id->i_id);
  dialog->local_tag = g_strdup (request->sip_from->a_tag);
  dialog->remote_tag = g_strdup (response->sip_to->a_tag);
  set_uris (dialog, request->sip_from, response->sip_to);
  dialog->local_cseq = request->sip_cseq->cs_seq;
  if (response->sip_record_route)
    dialog->route_set = sip_route_reverse (dialog->home, response->sip_record_route);
  dialog->remote_target = url_hdup (dialog->home,
                                    response->sip_contact ? response->sip_contact->m_url
                                                          : request->sip_request->rq_url);
  return dialog;
}

PlDialog *
pl_dialog_new_uas (PlNode     *node,
                   sip_t      *request,
                   const char *local_tag,
                   guint32     first_cseq)
{
  PlDialog *dialog = dialog_alloc (node);

  dialog->call_id = g_strdup (request->sip_call_id->i_id);
  dialog->local_tag = g_strdup (local_tag);
  dialog->remote_tag = g_strdup (request->sip_from->a_tag);
  set_uris (dialog, request->sip_to, request->sip_from);
  dialog->remote_cseq = request->sip_cseq->cs_seq;
  dialog->has_remote_cseq = TRUE;
  dialog->local_cseq = first_cseq > 0 ? first_cseq - 1 : 0;
  if (request->sip_record_route)
    dialog->route_set = sip_route_dup (dialog->home, request->sip_record_route);
  dialog->remote_target = url_hdup (dialog->home,
                                    request->sip_contact ? request->sip_contact->m_url
                                                         : request->sip_from->a_url);
  return dialog;
}

void
pl_dialog_free (PlDialog *dialog)
{
  if (dialog == NULL)
    return;
  g_free (dialog->call_id);
  g_free (dialog->local_tag);
  g_free (dialog->remote_tag);
  su_home_deinit (dialog->home);
  g_free (dialog);
}

gboolean
pl_dialog_matches (PlDialog *dialog,
                   sip_t    *sip)
{
  const char *local, *remote;

  if (sip->sip_call_id == NULL || g_strcmp0 (sip->sip_call_id->i_id, dialog->call_id) != 0)
    return FALSE;
  /* A request from the peer carries our tag in To; a response to our
   * request carries it in From. */
  if (sip->sip_request)
    {
      local = sip->sip_to ? sip->sip_to->a_tag : NULL;
      remote = sip->sip_from ? sip->sip_from->a_tag : NULL;
    }
  else
    {
      local = sip->sip_from ? sip->sip_from->a_tag : NULL;
      remote = sip->sip_to ? sip->sip_to->a_tag : NULL;
    }
  return g_strcmp0 (local, dialog->local_tag) == 0 && g_strcmp0 (remote, dialog->remote_tag) == 0;
}

gboolean
pl_dialog_accept_cseq (PlDialog *dialog,
                       sip_t    *request)
{
  guint32 cseq = request->sip_cseq->cs_seq;

  if (dialog->has_remote_cseq && cseq < dialog->remote_cseq)
    return FALSE;
  /* An ACK or CANCEL repeats the number of what it belongs to. */
  if (dialog->has_remote_cseq && cseq == dialog->remote_cseq
      && request->sip_request->rq_method != sip_method_ack
      && request->sip_request->rq_method != sip_method_cancel)
    return FALSE;
  dialog->remote_cseq = cseq;
  dialog->has_remote_cseq = TRUE;
  return TRUE;
}

msg_t *
pl_dialog_new_request (PlDialog    *dialog,
                       sip_method_t method,
                       const char  *method_name)
{
  msg_t *msg = pl_wire_new_msg ();
  sip_t *sip = sip_object (msg);
  su_home_t *home = msg_home (msg);
  sip_from_t *from;
  sip_to_t *to;

  /* §12.2.1.1, loose routing: Request-URI is the remote target, Route
   * the route set. */
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_request_create (home, method, method_name,
                                                          (url_string_t *) dialog->remote_target,
                                                          NULL));
  if (dialog->route_set)
    sip_add_dup (msg, sip, (sip_header_t *) dialog->route_set);
  from = sip_from_dup (home, dialog->local_uri);
  sip_from_tag (home, from, dialog->local_tag);
  msg_header_insert (msg, (msg_pub_t *) sip, (msg_header_t *) from);
  to = sip_to_dup (home, dialog->remote_uri);
  if (dialog->remote_tag)
    sip_to_tag (home, to, dialog->remote_tag);
  msg_header_insert (msg, (msg_pub_t *) sip, (msg_header_t *) to);
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_call_id_make (home, dialog->call_id));
  if (method != sip_method_ack && method != sip_method_cancel)
    dialog->local_cseq++;
  msg_header_insert (msg, (msg_pub_t *) sip,
                     (msg_header_t *) sip_cseq_create (home, dialog->local_cseq, method,
                                                       method_name));
  return msg;
}

void
pl_dialog_set_remote_target (PlDialog            *dialog,
                             const sip_contact_t *contact)
{
  if (contact)
    dialog->remote_target = url_hdup (dialog->home, contact->m_url);
}

const char *
pl_dialog_get_call_id (PlDialog *dialog)
{
  return dialog->call_id;
}

const char *
pl_dialog_get_local_tag (PlDialog *dialog)
{
  return dialog->local_tag;
}

const char *
pl_dialog_get_remote_tag (PlDialog *dialog)
{
  return dialog->remote_tag;
}

guint32
pl_dialog_get_local_cseq (PlDialog *dialog)
{
  return dialog->local_cseq;
}

guint32
pl_dialog_get_remote_cseq (PlDialog *dialog)
{
  return dialog->remote_cseq;
}

char *
pl_dialog_describe_route (PlDialog *dialog)
{
  GString *s = g_string_new (NULL);

  for (sip_route_t *r = dialog->route_set; r; r = r->r_next)
    {
      g_autofree char *text = pl_wire_header_text ((msg_header_t *) r);

      g_string_append_printf (s, "%s%s", s->len ? ", " : "", text ? text : "");
    }
  return g_string_free (s, FALSE);
}

char *
pl_dialog_get_remote_target (PlDialog *dialog)
{
  char *text = url_as_string (dialog->home, dialog->remote_target);
  char *copy = g_strdup (text);

  su_free (dialog->home, text);
  return copy;
}

PlNode *
pl_dialog_get_next_hop (PlDialog *dialog)
{
  const url_t *target = dialog->route_set ? dialog->route_set->r_url : dialog->remote_target;

  if (target == NULL || target->url_host == NULL)
    return NULL;
  return pl_sim_resolve (pl_node_get_sim (dialog->node), target->url_host,
                         target->url_port ? (guint16) g_ascii_strtoull (target->url_port, NULL, 10)
                                          : 0);
}
