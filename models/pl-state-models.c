/* pl-state-models.c: rows the node kinds' describe() share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-state"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

#include "pl-dialog.h"
#include "pl-push.h"
#include "pl-state-models.h"

PlStateRow *
_pl_state_add_dialog (PlState    *state,
                      PlStateRow *parent,
                      PlDialog   *dialog)
{
  g_autofree char *route = NULL, *target = NULL;
  PlStateRow *row;

  if (dialog == NULL)
    return pl_state_add_row (state, parent, "dialog", "(none yet)");
  row = pl_state_add_row (state, parent, "dialog", pl_dialog_get_call_id (dialog));
  pl_state_add_row (state, row, "local tag", pl_dialog_get_local_tag (dialog));
  pl_state_add_row (state, row, "remote tag", pl_dialog_get_remote_tag (dialog));
  pl_state_add_rowf (state, row, "local cseq", "%u", pl_dialog_get_local_cseq (dialog));
  pl_state_add_rowf (state, row, "remote cseq", "%u", pl_dialog_get_remote_cseq (dialog));
  target = pl_dialog_get_remote_target (dialog);
  pl_state_add_row (state, row, "remote target", target);
  route = pl_dialog_describe_route (dialog);
  pl_state_add_row (state, row, "route set", *route ? route : "(empty)");
  return row;
}

void
_pl_state_add_subscriber (PlState      *state,
                          PlStateRow   *row,
                          PlSubscriber *sub,
                          PlTime        now)
{
  g_autofree char *left = NULL;

  pl_state_add_row (state, row, "state", pl_subscriber_get_state (sub));
  if (!pl_subscriber_is_terminated (sub) && pl_subscriber_get_expires_at (sub) > 0)
    {
      left = pl_state_format_remaining (now, pl_subscriber_get_expires_at (sub));
      pl_state_add_row (state, row, "expires in", left);
    }
  _pl_state_add_dialog (state, row, pl_subscriber_get_dialog (sub));
}

void
_pl_state_add_notifier (PlState    *state,
                        PlStateRow *row,
                        PlNotifier *notifier,
                        PlTime      now)
{
  sip_t *sip = pl_notifier_get_subscribe (notifier);
  const char *what = !pl_notifier_is_active (notifier) ? "terminated"
                     : pl_notifier_is_pending (notifier) ? "pending" : "active";

  if (sip && sip->sip_event)
    {
      g_autofree char *event = NULL;
      char *printed = sip_header_as_string (NULL, (sip_header_t *) sip->sip_event);

      event = g_strdup (printed);
      su_free (NULL, printed);
      pl_state_add_row (state, row, "event", event);
    }
  pl_state_add_row (state, row, "state", what);
  if (pl_notifier_is_active (notifier))
    {
      g_autofree char *left = pl_state_format_remaining (now, pl_notifier_get_expires_at (notifier));

      pl_state_add_row (state, row, "expires in", left);
    }
  _pl_state_add_dialog (state, row, pl_notifier_get_dialog (notifier));
}

PlStateRow *
_pl_state_add_binding (PlState         *state,
                       PlStateRow      *parent,
                       const PlBinding *binding,
                       PlDialect        dialect,
                       PlTime           now)
{
  g_autofree char *left = pl_state_format_remaining (now, binding->expires_at);
  g_auto (GStrv) apps = NULL;
  PlStateRow *row, *expires;

  row = pl_state_add_row (state, parent, binding->aor, binding->uri);
  pl_state_add_row (state, row, "contact", binding->contact);
  for (const msg_param_t *p = binding->header ? binding->header->m_params : NULL; p && *p; p++)
    {
      /* RFC 3840 §9: feature tags are the "+" parameters; the instance
       * has its own row. */
      if ((*p)[0] != '+' || g_ascii_strncasecmp (*p, "+sip.instance", 13) == 0)
        continue;
      pl_state_add_row (state, row, "feature tag", *p);
    }
  if (binding->header)
    {
      apps = pl_push_contact_apps (dialect, binding->header);
      for (guint i = 0; apps[i]; i++)
        pl_state_add_row (state, row, "push app", apps[i]);
    }
  pl_state_add_rowf (state, row, "q", "%.3g", binding->q);
  expires = pl_state_add_row (state, row, "expires in", left);
  if (binding->expires_at != G_MAXINT64)
    {
      g_autofree char *at = pl_state_format_time (binding->expires_at);

      pl_state_row_set_detailf (expires, "at %s", at);
    }
  if (binding->instance)
    pl_state_add_row (state, row, "instance", binding->instance);
  if (binding->pub_gruu)
    pl_state_add_row (state, row, "pub-gruu", binding->pub_gruu);
  if (binding->temp_gruu)
    pl_state_add_row (state, row, "temp-gruu", binding->temp_gruu);
  if (binding->path)
    pl_state_add_row (state, row, "path", binding->path);
  pl_state_add_rowf (state, row, "call-id", "%s (cseq %u)", binding->call_id, binding->cseq);
  return row;
}

void
_pl_state_add_pidf (PlState      *state,
                    PlStateRow   *row,
                    const PlPidf *pidf)
{
  static const char *const basics[] = { "(no basic)", "open", "closed" };

  pl_state_add_row (state, row, "entity", pl_pidf_get_entity (pidf));
  for (guint i = 0; i < pl_pidf_get_n_tuples (pidf); i++)
    {
      const PlPidfTuple *tuple = pl_pidf_get_tuple (pidf, i);
      PlStateRow *trow = pl_state_add_row (state, row, "tuple", pl_pidf_tuple_get_id (tuple));
      PlPidfBasic basic = pl_pidf_tuple_get_basic (tuple);

      pl_state_add_row (state, trow, "status", basic < G_N_ELEMENTS (basics) ? basics[basic] : "?");
      if (pl_pidf_tuple_get_contact (tuple))
        pl_state_add_row (state, trow, "contact", pl_pidf_tuple_get_contact (tuple));
      if (pl_pidf_tuple_get_note (tuple))
        pl_state_add_row (state, trow, "note", pl_pidf_tuple_get_note (tuple));
      if (pl_pidf_tuple_get_timestamp (tuple))
        pl_state_add_row (state, trow, "timestamp", pl_pidf_tuple_get_timestamp (tuple));
    }
  for (guint i = 0; i < pl_pidf_get_n_devices (pidf); i++)
    {
      const PlPidfDevice *device = pl_pidf_get_device (pidf, i);
      PlStateRow *drow = pl_state_add_row (state, row, "device", pl_pidf_device_get_id (device));

      if (pl_pidf_device_get_device_id (device))
        pl_state_add_row (state, drow, "device-id", pl_pidf_device_get_device_id (device));
      if (pl_pidf_device_get_device_profile (device))
        pl_state_add_row (state, drow, "device profile",
                          pl_pidf_device_get_device_profile (device));
    }
  for (guint i = 0; i < pl_pidf_get_n_persons (pidf); i++)
    pl_state_add_row (state, row, "person",
                      pl_pidf_person_get_id (pl_pidf_get_person (pidf, i)));
}

char *
_pl_state_preview (GBytes *bytes,
                   guint   max)
{
  gsize size = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  g_autofree char *line = NULL;
  gsize end;

  if (data == NULL || size == 0)
    return g_strdup ("");
  if (memchr (data, '\0', size) || !g_utf8_validate (data, size, NULL))
    return NULL;
  /* The content is not NUL-terminated. */
  for (end = 0; end < size && data[end] != '\r' && data[end] != '\n'; end++)
    ;
  line = g_strndup (data, end);
  if (g_utf8_strlen (line, -1) > (glong) max)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, max);

      return g_strconcat (cut, "…", NULL);
    }
  if (end < size)
    return g_strconcat (line, "…", NULL);
  return g_steal_pointer (&line);
}
