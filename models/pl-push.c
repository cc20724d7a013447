/* pl-push.c: the SIP Push vocabulary — feature tags of both dialects and
 * the Appendix C reading of response codes.
 *
 * Feature tags are read from sofia-sip's parsed parameter lists
 * (m_params of a Contact, cp_params of an Accept-Contact), never from the
 * raw header text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-push"

#include <string.h>

#include <sofia-sip/msg_header.h>

#include "pl-push.h"

/* ---- feature tags ---- */

/* "\"mms.ua\"" -> "mms.ua"; RFC 3840 string values "\"<x>\"" -> "x".
 * A value without quotes is returned as it is. */
static char *
unquote_value (const char *value)
{
  gsize len = strlen (value);
  GString *out;

  if (len < 2 || value[0] != '"' || value[len - 1] != '"')
    return g_strdup (value);

  out = g_string_sized_new (len);
  for (gsize i = 1; i < len - 1; i++)
    {
      /* RFC 3261 §25.1 quoted-pair */
      if (value[i] == '\\' && i + 1 < len - 1)
        i++;
      g_string_append_c (out, value[i]);
    }
  if (out->len >= 2 && out->str[0] == '<' && out->str[out->len - 1] == '>')
    {
      g_string_truncate (out, out->len - 1);
      g_string_erase (out, 0, 1);
    }
  return g_string_free (out, FALSE);
}

/* The application named by one parameter ("+g.oma.sip-push.0x05" or
 * "+g.oma.pusheventapp=\"mms.ua\""), as a list because an RFC 3840 token
 * list ("a,b") names several; NULL when @param is no push tag. */
static char **
apps_of_param (PlDialect   dialect,
               const char *param)
{
  gsize name_len = strcspn (param, "=");

  switch (dialect)
    {
    case PL_DIALECT_OMA_2006:
      {
        gsize prefix_len = strlen (PL_PUSH_TAG_2006_PREFIX);
        char **apps;

        /* §1.1: the tag is the prefix followed by the application id;
         * feature tag names compare case-insensitively (RFC 3840 §9). */
        if (name_len <= prefix_len
            || g_ascii_strncasecmp (param, PL_PUSH_TAG_2006_PREFIX, prefix_len) != 0)
          return NULL;
        apps = g_new0 (char *, 2);
        apps[0] = g_strndup (param + prefix_len, name_len - prefix_len);
        return apps;
      }

    case PL_DIALECT_OMA_1_0:
      {
        g_autofree char *value = NULL;
        g_autoptr (GPtrArray) apps = NULL;
        g_auto (GStrv) parts = NULL;

        if (name_len != strlen (PL_PUSH_TAG_EVENTAPP)
            || g_ascii_strncasecmp (param, PL_PUSH_TAG_EVENTAPP, name_len) != 0
            || param[name_len] != '=')
          return NULL;
        value = unquote_value (param + name_len + 1);
        parts = g_strsplit (value, ",", -1);
        apps = g_ptr_array_new ();
        for (guint i = 0; parts[i]; i++)
          {
            char *app = g_strstrip (parts[i]);
            if (*app)
              g_ptr_array_add (apps, g_strdup (app));
          }
        if (apps->len == 0)
          return NULL;
        g_ptr_array_add (apps, NULL);
        return (char **) g_ptr_array_free (g_steal_pointer (&apps), FALSE);
      }

    case PL_DIALECT_PLAIN:
    default:
      return NULL;
    }
}

gboolean
pl_push_is_push_param (PlDialect   dialect,
                       const char *param)
{
  g_auto (GStrv) apps = NULL;

  g_return_val_if_fail (param != NULL, FALSE);

  apps = apps_of_param (dialect, param);
  return apps != NULL;
}

char *
pl_push_contact_param (PlDialect   dialect,
                       const char *app)
{
  g_return_val_if_fail (app != NULL && *app, NULL);

  switch (dialect)
    {
    case PL_DIALECT_OMA_2006:
      /* §1.1: a parameter without value, "+g.oma.sip-push.<app-id>". */
      return g_strconcat (PL_PUSH_TAG_2006_PREFIX, app, NULL);
    case PL_DIALECT_OMA_1_0:
      /* 003_… B.1 step 1: +g.oma.pusheventapp="mms.ua". */
      return g_strdup_printf (PL_PUSH_TAG_EVENTAPP "=\"%s\"", app);
    case PL_DIALECT_PLAIN:
    default:
      return NULL;
    }
}

char *
pl_push_contact_params (PlDialect           dialect,
                        const char * const *apps)
{
  GString *out;

  if (apps == NULL || apps[0] == NULL || dialect == PL_DIALECT_PLAIN)
    return NULL;

  out = g_string_new (NULL);
  if (dialect == PL_DIALECT_OMA_1_0)
    {
      /* One parameter whose value lists every application (RFC 3840 §9
       * tag-value-list): a name repeated in one Contact is ambiguous. */
      g_autofree char *list = g_strjoinv (",", (char **) apps);

      g_string_append_printf (out, PL_PUSH_TAG_EVENTAPP "=\"%s\"", list);
      return g_string_free (out, FALSE);
    }
  for (guint i = 0; apps[i]; i++)
    {
      g_autofree char *param = pl_push_contact_param (dialect, apps[i]);

      g_string_append_printf (out, "%s%s", i ? ";" : "", param);
    }
  return g_string_free (out, FALSE);
}

/* Feature tag values are carried as quoted strings, where ':' may not
 * appear unescaped (B.2 step 1 writes "urn%3Aurn-xxx%3A…"). */
static char *
escape_icsi (const char *icsi)
{
  GString *out = g_string_sized_new (strlen (icsi) + 8);

  for (const char *p = icsi; *p; p++)
    {
      if (*p == ':')
        g_string_append (out, "%3A");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
pl_push_accept_contact (PlDialect   dialect,
                        const char *app,
                        const char *icsi)
{
  g_return_val_if_fail (app != NULL && *app, NULL);

  switch (dialect)
    {
    case PL_DIALECT_OMA_2006:
      /* §6.3.2 step 1: only registered receivers of the application. */
      return g_strconcat ("*;" PL_PUSH_TAG_2006_PREFIX, app, ";require;explicit", NULL);
    case PL_DIALECT_OMA_1_0:
      {
        /* 003_… B.2 step 1 carries neither require nor explicit. */
        g_autofree char *escaped = escape_icsi (icsi ? icsi : PL_PUSH_DEFAULT_ICSI);

        return g_strdup_printf ("*;" PL_PUSH_TAG_ICSI "=\"%s\";" PL_PUSH_TAG_EVENTAPP "=\"%s\"",
                                escaped, app);
      }
    case PL_DIALECT_PLAIN:
    default:
      return NULL;
    }
}

char **
pl_push_contact_apps (PlDialect            dialect,
                      const sip_contact_t *contact)
{
  g_autoptr (GPtrArray) apps = g_ptr_array_new ();

  for (guint i = 0; contact && contact->m_params && contact->m_params[i]; i++)
    {
      g_auto (GStrv) found = apps_of_param (dialect, contact->m_params[i]);

      for (guint j = 0; found && found[j]; j++)
        if (!g_ptr_array_find_with_equal_func (apps, found[j], g_str_equal, NULL))
          g_ptr_array_add (apps, g_strdup (found[j]));
    }
  g_ptr_array_add (apps, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&apps), FALSE);
}

char *
pl_push_targeted_app (PlDialect                   dialect,
                      const sip_accept_contact_t *accept)
{
  for (const sip_accept_contact_t *cp = accept; cp; cp = cp->cp_next)
    for (guint i = 0; cp->cp_params && cp->cp_params[i]; i++)
      {
        g_auto (GStrv) found = apps_of_param (dialect, cp->cp_params[i]);

        if (found)
          return g_strdup (found[0]);
      }
  return NULL;
}

/* ---- Appendix C ---- */

PlDeliveryStatus
pl_push_status_for_response (const char *method,
                             int         status)
{
  gboolean subscription_method = method != NULL
                                 && (g_str_equal (method, "NOTIFY") || g_str_equal (method, "REFER"));

  if (status < 200)
    return PL_DELIVERY_PENDING;
  if (status < 300)
    return PL_DELIVERY_ACCEPTED;

  switch (status)
    {
    case 400:
    case 503:
    case 603:
      return PL_DELIVERY_REJECTED_RETRY;
    case 500:
      /* Table 1 lists 500 in row 2 and in row 5; the specific row 5
       * (resource shortage) wins. Both rows allow retries, so a sender
       * behaves the same either way. */
      return PL_DELIVERY_RESOURCE_SHORTAGE;
    case 403:
    case 604:
      return PL_DELIVERY_REJECTED;
    case 408:
      return PL_DELIVERY_UNDELIVERABLE;
    case 415:
      return PL_DELIVERY_UNSUPPORTED_CONTENT;
    case 481:
      /* Row 7 names NOTIFY and REFER only; a MESSAGE has no subscription
       * to miss, so its 481 is an unspecific final rejection. */
      return subscription_method ? PL_DELIVERY_NO_SUBSCRIPTION : PL_DELIVERY_REJECTED;

    /* Not in Table 1 (decided here, per RFC 3261 §21): no reachable
     * destination for the push is row 4's "cannot be delivered". */
    case 404: /* Not Found */
    case 410: /* Gone */
    case 480: /* Temporarily Unavailable */
    case 484: /* Address Incomplete */
      return PL_DELIVERY_UNDELIVERABLE;
    default:
      break;
    }

  /* Other codes by class: a server failure (5xx) may pass, so retries are
   * allowed as in row 2; redirections (the sender follows none), client
   * errors and global failures are final as in row 3. */
  if (status >= 500 && status < 600)
    return PL_DELIVERY_REJECTED_RETRY;
  return PL_DELIVERY_REJECTED;
}

static const char *const status_names[] = {
  [PL_DELIVERY_PENDING] = "pending",
  [PL_DELIVERY_ACCEPTED] = "accepted",
  [PL_DELIVERY_REJECTED_RETRY] = "rejected-retry",
  [PL_DELIVERY_REJECTED] = "rejected",
  [PL_DELIVERY_UNDELIVERABLE] = "undeliverable",
  [PL_DELIVERY_RESOURCE_SHORTAGE] = "resource-shortage",
  [PL_DELIVERY_UNSUPPORTED_CONTENT] = "rejected-content-type",
  [PL_DELIVERY_NO_SUBSCRIPTION] = "no-subscription",
  [PL_DELIVERY_REFUSED] = "refused",
};

const char *
pl_delivery_status_to_string (PlDeliveryStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (status_names))
    return "unknown";
  return status_names[status];
}

gboolean
pl_delivery_status_from_string (const char       *name,
                                PlDeliveryStatus *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; name && i < G_N_ELEMENTS (status_names); i++)
    if (g_str_equal (name, status_names[i]))
      {
        *out = (PlDeliveryStatus) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
pl_delivery_status_is_retryable (PlDeliveryStatus status)
{
  /* Appendix C: rows 2 ("retries allowed"), 4 (not delivered this time)
   * and 5 (resource shortage, a passing condition). */
  return status == PL_DELIVERY_REJECTED_RETRY
         || status == PL_DELIVERY_UNDELIVERABLE
         || status == PL_DELIVERY_RESOURCE_SHORTAGE;
}
