/* pl-reginfo.c: registration information of the reg event package
 * (RFC 3680 §5): the document model, its writer and parser, and the
 * watcher's merge of full and partial documents (§5.2).
 *
 * Contact feature parameters travel as <unknown-param> (§5.1): a watcher
 * of a push receiver's registration learns the push applications it
 * registered ("+g.oma.sip-push.0x05", "+g.oma.pusheventapp") from them.
 * Their values are written without the quotes of the Contact header, as
 * deployed notifiers do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-reginfo"

#include <string.h>

#include <libxml/tree.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-push.h"
#include "pl-reginfo.h"
#include "pl-xml.h"

typedef enum {
  HAS_EXPIRES = 1 << 0,
  HAS_DURATION = 1 << 1,
  HAS_RETRY_AFTER = 1 << 2,
  HAS_CSEQ = 1 << 3,
} Present;

typedef struct {
  char *name;
  char *value;               /* NULL: a parameter without value */
} Param;

struct _PlReginfoContact {
  char *id;
  char *uri;
  PlReginfoContactState state;
  PlReginfoEvent event;
  char *display_name;
  char *display_lang;
  char *q;
  char *callid;
  guint64 expires;
  guint64 duration_registered;
  guint64 retry_after;
  guint64 cseq;
  Present present;
  GArray *params;            /* Param */
  int line;                  /* where it was parsed, for duplicate ids */
};

struct _PlReginfoRegistration {
  char *aor;
  char *id;
  PlReginfoRegistrationState state;
  GPtrArray *contacts;       /* PlReginfoContact * */
  int line;
};

struct _PlReginfo {
  guint version;
  gboolean has_version;
  gboolean full;
  GPtrArray *registrations;  /* PlReginfoRegistration * */
};

G_DEFINE_QUARK (pl-reginfo-error-quark, pl_reginfo_error)

/* §5.4 enumerations, indexed by the enums of pl-reginfo.h. */
static const char *const registration_states[] = { "init", "active", "terminated", NULL };
static const char *const contact_states[] = { "active", "terminated", NULL };
static const char *const events[] = {
  "registered", "created", "refreshed", "shortened", "expired",
  "deactivated", "probation", "unregistered", "rejected", NULL,
};

/* ---- the model ---- */

static void
param_clear (gpointer data)
{
  Param *param = data;

  g_free (param->name);
  g_free (param->value);
}

static PlReginfoContact *
contact_new (const char            *id,
             const char            *uri,
             PlReginfoContactState  state,
             PlReginfoEvent         event)
{
  PlReginfoContact *contact = g_new0 (PlReginfoContact, 1);

  contact->id = g_strdup (id);
  contact->uri = g_strdup (uri);
  contact->state = state;
  contact->event = event;
  contact->params = g_array_new (FALSE, TRUE, sizeof (Param));
  g_array_set_clear_func (contact->params, param_clear);
  return contact;
}

static void
contact_free (gpointer data)
{
  PlReginfoContact *contact = data;

  if (contact == NULL)
    return;
  g_free (contact->id);
  g_free (contact->uri);
  g_free (contact->display_name);
  g_free (contact->display_lang);
  g_free (contact->q);
  g_free (contact->callid);
  g_clear_pointer (&contact->params, g_array_unref);
  g_free (contact);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlReginfoContact, contact_free)

static void
contact_add_param (PlReginfoContact *contact,
                   const char       *name,
                   const char       *value)
{
  Param param = {
    .name = g_strdup (name),
    .value = value && *value ? g_strdup (value) : NULL,
  };

  g_array_append_val (contact->params, param);
}

static PlReginfoContact *
contact_copy (const PlReginfoContact *contact)
{
  PlReginfoContact *copy = contact_new (contact->id, contact->uri, contact->state,
                                        contact->event);

  copy->display_name = g_strdup (contact->display_name);
  copy->display_lang = g_strdup (contact->display_lang);
  copy->q = g_strdup (contact->q);
  copy->callid = g_strdup (contact->callid);
  copy->expires = contact->expires;
  copy->duration_registered = contact->duration_registered;
  copy->retry_after = contact->retry_after;
  copy->cseq = contact->cseq;
  copy->present = contact->present;
  for (guint i = 0; i < contact->params->len; i++)
    {
      const Param *param = &g_array_index (contact->params, Param, i);

      contact_add_param (copy, param->name, param->value);
    }
  copy->line = contact->line;
  return copy;
}

static PlReginfoRegistration *
registration_new (const char                 *aor,
                  const char                 *id,
                  PlReginfoRegistrationState  state)
{
  PlReginfoRegistration *reg = g_new0 (PlReginfoRegistration, 1);

  reg->aor = g_strdup (aor);
  reg->id = g_strdup (id);
  reg->state = state;
  reg->contacts = g_ptr_array_new_with_free_func (contact_free);
  return reg;
}

static void
registration_free (gpointer data)
{
  PlReginfoRegistration *reg = data;

  if (reg == NULL)
    return;
  g_free (reg->aor);
  g_free (reg->id);
  g_clear_pointer (&reg->contacts, g_ptr_array_unref);
  g_free (reg);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlReginfoRegistration, registration_free)

static PlReginfoRegistration *
registration_copy (const PlReginfoRegistration *reg)
{
  PlReginfoRegistration *copy = registration_new (reg->aor, reg->id, reg->state);

  for (guint i = 0; i < reg->contacts->len; i++)
    g_ptr_array_add (copy->contacts, contact_copy (g_ptr_array_index (reg->contacts, i)));
  copy->line = reg->line;
  return copy;
}

static int
find_registration_index (const PlReginfo *reginfo,
                         const char      *id)
{
  for (guint i = 0; i < reginfo->registrations->len; i++)
    {
      const PlReginfoRegistration *reg = g_ptr_array_index (reginfo->registrations, i);

      if (g_str_equal (reg->id, id))
        return (int) i;
    }
  return -1;
}

static int
find_contact_index (const PlReginfoRegistration *reg,
                    const char                  *id)
{
  for (guint i = 0; i < reg->contacts->len; i++)
    {
      const PlReginfoContact *contact = g_ptr_array_index (reg->contacts, i);

      if (g_str_equal (contact->id, id))
        return (int) i;
    }
  return -1;
}

/* What XML 1.0 (§2.2 Char) can carry, as UTF-8. */
static gboolean
is_xml_text (const char *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!(c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
            || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_xml_text_or_null (const char *text)
{
  return text == NULL || is_xml_text (text);
}

PlReginfo *
pl_reginfo_new (guint    version,
                gboolean full)
{
  PlReginfo *reginfo = g_new0 (PlReginfo, 1);

  reginfo->version = version;
  reginfo->has_version = TRUE;
  reginfo->full = full != FALSE;
  reginfo->registrations = g_ptr_array_new_with_free_func (registration_free);
  return reginfo;
}

PlReginfo *
pl_reginfo_new_watch (void)
{
  PlReginfo *reginfo = pl_reginfo_new (0, TRUE);

  reginfo->has_version = FALSE;
  return reginfo;
}

PlReginfo *
pl_reginfo_copy (const PlReginfo *reginfo)
{
  PlReginfo *copy;

  g_return_val_if_fail (reginfo != NULL, NULL);

  copy = pl_reginfo_new (reginfo->version, reginfo->full);
  copy->has_version = reginfo->has_version;
  for (guint i = 0; i < reginfo->registrations->len; i++)
    g_ptr_array_add (copy->registrations,
                     registration_copy (g_ptr_array_index (reginfo->registrations, i)));
  return copy;
}

void
pl_reginfo_free (PlReginfo *reginfo)
{
  if (reginfo == NULL)
    return;
  g_clear_pointer (&reginfo->registrations, g_ptr_array_unref);
  g_free (reginfo);
}

gboolean
pl_reginfo_has_version (const PlReginfo *reginfo)
{
  g_return_val_if_fail (reginfo != NULL, FALSE);
  return reginfo->has_version;
}

guint
pl_reginfo_get_version (const PlReginfo *reginfo)
{
  g_return_val_if_fail (reginfo != NULL, 0);
  return reginfo->version;
}

gboolean
pl_reginfo_is_full (const PlReginfo *reginfo)
{
  g_return_val_if_fail (reginfo != NULL, FALSE);
  return reginfo->full;
}

guint
pl_reginfo_get_n_registrations (const PlReginfo *reginfo)
{
  g_return_val_if_fail (reginfo != NULL, 0);
  return reginfo->registrations->len;
}

const PlReginfoRegistration *
pl_reginfo_get_registration (const PlReginfo *reginfo,
                             guint            i)
{
  g_return_val_if_fail (reginfo != NULL, NULL);
  g_return_val_if_fail (i < reginfo->registrations->len, NULL);
  return g_ptr_array_index (reginfo->registrations, i);
}

const PlReginfoRegistration *
pl_reginfo_find_registration (const PlReginfo *reginfo,
                              const char      *id)
{
  int i;

  g_return_val_if_fail (reginfo != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  i = find_registration_index (reginfo, id);
  return i < 0 ? NULL : g_ptr_array_index (reginfo->registrations, i);
}

PlReginfoRegistration *
pl_reginfo_add_registration (PlReginfo                  *reginfo,
                             const char                 *aor,
                             const char                 *id,
                             PlReginfoRegistrationState  state)
{
  PlReginfoRegistration *reg;

  g_return_val_if_fail (reginfo != NULL, NULL);
  g_return_val_if_fail (aor != NULL && *aor && is_xml_text (aor), NULL);
  g_return_val_if_fail (id != NULL && *id && is_xml_text (id), NULL);
  g_return_val_if_fail (state <= PL_REGINFO_REGISTRATION_TERMINATED, NULL);
  g_return_val_if_fail (find_registration_index (reginfo, id) < 0, NULL);

  reg = registration_new (aor, id, state);
  g_ptr_array_add (reginfo->registrations, reg);
  return reg;
}

const char *
pl_reginfo_registration_get_aor (const PlReginfoRegistration *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);
  return reg->aor;
}

const char *
pl_reginfo_registration_get_id (const PlReginfoRegistration *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);
  return reg->id;
}

PlReginfoRegistrationState
pl_reginfo_registration_get_state (const PlReginfoRegistration *reg)
{
  g_return_val_if_fail (reg != NULL, PL_REGINFO_REGISTRATION_INIT);
  return reg->state;
}

guint
pl_reginfo_registration_get_n_contacts (const PlReginfoRegistration *reg)
{
  g_return_val_if_fail (reg != NULL, 0);
  return reg->contacts->len;
}

const PlReginfoContact *
pl_reginfo_registration_get_contact (const PlReginfoRegistration *reg,
                                     guint                        i)
{
  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (i < reg->contacts->len, NULL);
  return g_ptr_array_index (reg->contacts, i);
}

const PlReginfoContact *
pl_reginfo_registration_find_contact (const PlReginfoRegistration *reg,
                                      const char                  *id)
{
  int i;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  i = find_contact_index (reg, id);
  return i < 0 ? NULL : g_ptr_array_index (reg->contacts, i);
}

PlReginfoContact *
pl_reginfo_registration_add_contact (PlReginfoRegistration *reg,
                                     const char            *id,
                                     const char            *uri,
                                     PlReginfoContactState  state,
                                     PlReginfoEvent         event)
{
  PlReginfoContact *contact;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (id != NULL && *id && is_xml_text (id), NULL);
  g_return_val_if_fail (uri != NULL && *uri && is_xml_text (uri), NULL);
  g_return_val_if_fail (state <= PL_REGINFO_CONTACT_TERMINATED, NULL);
  g_return_val_if_fail (event <= PL_REGINFO_EVENT_REJECTED, NULL);
  g_return_val_if_fail (find_contact_index (reg, id) < 0, NULL);

  contact = contact_new (id, uri, state, event);
  g_ptr_array_add (reg->contacts, contact);
  return contact;
}

/* RFC 3261 §25.1 quoted-string without its quotes and quoted-pairs; any
 * other value as it is. */
static char *
unquote (const char *value)
{
  gsize len = strlen (value);
  GString *out;

  if (len < 2 || value[0] != '"' || value[len - 1] != '"')
    return g_strdup (value);
  out = g_string_sized_new (len);
  for (gsize i = 1; i < len - 1; i++)
    {
      if (value[i] == '\\' && i + 1 < len - 1)
        i++;
      g_string_append_c (out, value[i]);
    }
  return g_string_free (out, FALSE);
}

/* A string from a SIP header, or NULL when XML cannot carry it. */
static char *
header_text (const char *text)
{
  g_autofree char *plain = text ? unquote (text) : NULL;

  if (plain == NULL || !is_xml_text (plain))
    return NULL;
  return g_strstrip (g_steal_pointer (&plain));
}

PlReginfoContact *
pl_reginfo_registration_add_sip_contact (PlReginfoRegistration *reg,
                                         const char            *id,
                                         const sip_contact_t   *m,
                                         PlReginfoContactState  state,
                                         PlReginfoEvent         event)
{
  su_home_t *home;
  PlReginfoContact *contact;
  g_autofree char *display = NULL;
  char *uri;
  guint64 expires;

  g_return_val_if_fail (reg != NULL, NULL);
  g_return_val_if_fail (m != NULL && m->m_url != NULL, NULL);

  home = su_home_new (sizeof (su_home_t));
  uri = url_as_string (home, m->m_url);
  contact = uri && *uri && is_xml_text (uri)
            ? pl_reginfo_registration_add_contact (reg, id, uri, state, event)
            : NULL;
  su_home_unref (home);
  if (contact == NULL)
    return NULL;

  display = header_text (m->m_display);
  if (display != NULL && *display)
    contact->display_name = g_steal_pointer (&display);
  if (m->m_q && is_xml_text (m->m_q))
    contact->q = g_strdup (m->m_q);
  if (m->m_expires && g_ascii_string_to_unsigned (m->m_expires, 10, 0, G_MAXUINT64,
                                                  &expires, NULL))
    pl_reginfo_contact_set_expires (contact, expires);

  /* §5.1: the parameters the schema has no attribute for. */
  for (guint i = 0; m->m_params && m->m_params[i]; i++)
    {
      const char *param = m->m_params[i];
      gsize name_len = strcspn (param, "=");
      g_autofree char *name = g_strstrip (g_strndup (param, name_len));
      g_autofree char *value = param[name_len] == '=' ? header_text (param + name_len + 1)
                                                      : NULL;

      if (*name == '\0' || !is_xml_text (name)
          || g_ascii_strcasecmp (name, "q") == 0 || g_ascii_strcasecmp (name, "expires") == 0)
        continue;
      contact_add_param (contact, name, value);
    }
  return contact;
}

const char *
pl_reginfo_contact_get_id (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, NULL);
  return contact->id;
}

const char *
pl_reginfo_contact_get_uri (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, NULL);
  return contact->uri;
}

PlReginfoContactState
pl_reginfo_contact_get_state (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, PL_REGINFO_CONTACT_TERMINATED);
  return contact->state;
}

PlReginfoEvent
pl_reginfo_contact_get_event (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, PL_REGINFO_EVENT_REGISTERED);
  return contact->event;
}

const char *
pl_reginfo_contact_get_display_name (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, NULL);
  return contact->display_name;
}

const char *
pl_reginfo_contact_get_display_lang (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, NULL);
  return contact->display_lang;
}

const char *
pl_reginfo_contact_get_q (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, NULL);
  return contact->q;
}

const char *
pl_reginfo_contact_get_callid (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, NULL);
  return contact->callid;
}

static gboolean
get_number (const PlReginfoContact *contact,
            Present                 which,
            guint64                 value,
            guint64                *out)
{
  if (!(contact->present & which))
    return FALSE;
  if (out)
    *out = value;
  return TRUE;
}

gboolean
pl_reginfo_contact_get_expires (const PlReginfoContact *contact,
                                guint64                *out)
{
  g_return_val_if_fail (contact != NULL, FALSE);
  return get_number (contact, HAS_EXPIRES, contact->expires, out);
}

gboolean
pl_reginfo_contact_get_duration_registered (const PlReginfoContact *contact,
                                            guint64                *out)
{
  g_return_val_if_fail (contact != NULL, FALSE);
  return get_number (contact, HAS_DURATION, contact->duration_registered, out);
}

gboolean
pl_reginfo_contact_get_retry_after (const PlReginfoContact *contact,
                                    guint64                *out)
{
  g_return_val_if_fail (contact != NULL, FALSE);
  return get_number (contact, HAS_RETRY_AFTER, contact->retry_after, out);
}

gboolean
pl_reginfo_contact_get_cseq (const PlReginfoContact *contact,
                             guint64                *out)
{
  g_return_val_if_fail (contact != NULL, FALSE);
  return get_number (contact, HAS_CSEQ, contact->cseq, out);
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
pl_reginfo_contact_set_display_name (PlReginfoContact *contact,
                                     const char       *display_name,
                                     const char       *lang)
{
  g_return_if_fail (contact != NULL);
  g_return_if_fail (is_xml_text_or_null (display_name));
  g_return_if_fail (is_xml_text_or_null (lang));

  set_string (&contact->display_name, display_name);
  set_string (&contact->display_lang, display_name ? lang : NULL);
}

void
pl_reginfo_contact_set_q (PlReginfoContact *contact,
                          const char       *q)
{
  g_return_if_fail (contact != NULL);
  g_return_if_fail (is_xml_text_or_null (q));
  set_string (&contact->q, q);
}

void
pl_reginfo_contact_set_callid (PlReginfoContact *contact,
                               const char       *callid)
{
  g_return_if_fail (contact != NULL);
  g_return_if_fail (is_xml_text_or_null (callid));
  set_string (&contact->callid, callid);
}

void
pl_reginfo_contact_set_expires (PlReginfoContact *contact,
                                guint64           expires)
{
  g_return_if_fail (contact != NULL);
  contact->expires = expires;
  contact->present |= HAS_EXPIRES;
}

void
pl_reginfo_contact_set_duration_registered (PlReginfoContact *contact,
                                            guint64           seconds)
{
  g_return_if_fail (contact != NULL);
  contact->duration_registered = seconds;
  contact->present |= HAS_DURATION;
}

void
pl_reginfo_contact_set_retry_after (PlReginfoContact *contact,
                                    guint64           seconds)
{
  g_return_if_fail (contact != NULL);
  contact->retry_after = seconds;
  contact->present |= HAS_RETRY_AFTER;
}

void
pl_reginfo_contact_set_cseq (PlReginfoContact *contact,
                             guint64           cseq)
{
  g_return_if_fail (contact != NULL);
  contact->cseq = cseq;
  contact->present |= HAS_CSEQ;
}

void
pl_reginfo_contact_add_param (PlReginfoContact *contact,
                              const char       *name,
                              const char       *value)
{
  g_return_if_fail (contact != NULL);
  g_return_if_fail (name != NULL && *name && is_xml_text (name));
  g_return_if_fail (is_xml_text_or_null (value));

  contact_add_param (contact, name, value);
}

guint
pl_reginfo_contact_get_n_params (const PlReginfoContact *contact)
{
  g_return_val_if_fail (contact != NULL, 0);
  return contact->params->len;
}

const char *
pl_reginfo_contact_get_param_name (const PlReginfoContact *contact,
                                   guint                   i)
{
  g_return_val_if_fail (contact != NULL, NULL);
  g_return_val_if_fail (i < contact->params->len, NULL);
  return g_array_index (contact->params, Param, i).name;
}

const char *
pl_reginfo_contact_get_param_value (const PlReginfoContact *contact,
                                    guint                   i)
{
  g_return_val_if_fail (contact != NULL, NULL);
  g_return_val_if_fail (i < contact->params->len, NULL);
  return g_array_index (contact->params, Param, i).value;
}

gboolean
pl_reginfo_contact_lookup_param (const PlReginfoContact  *contact,
                                 const char              *name,
                                 const char             **value)
{
  g_return_val_if_fail (contact != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < contact->params->len; i++)
    {
      const Param *param = &g_array_index (contact->params, Param, i);

      if (g_ascii_strcasecmp (param->name, name) == 0)
        {
          if (value)
            *value = param->value;
          return TRUE;
        }
    }
  if (value)
    *value = NULL;
  return FALSE;
}

/* RFC 3261 §25.1 token. */
static gboolean
is_token (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("-.!%*_+`'~", *p))
      return FALSE;
  return TRUE;
}

char **
pl_reginfo_contact_dup_push_apps (const PlReginfoContact *contact,
                                  PlDialect               dialect)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  sip_contact_t m;

  g_return_val_if_fail (contact != NULL, NULL);

  /* Back to Contact parameters, values quoted as RFC 3840 §9 writes
   * feature tag values, and read by pl-push.c's rules (which look at
   * m_params only). A name that is no RFC 3261 token is no parameter. */
  for (guint i = 0; i < contact->params->len; i++)
    {
      const Param *param = &g_array_index (contact->params, Param, i);
      GString *text;

      if (!is_token (param->name))
        continue;
      text = g_string_new (param->name);

      if (param->value != NULL)
        {
          g_string_append (text, "=\"");
          for (const char *p = param->value; *p; p++)
            {
              if (*p == '"' || *p == '\\')
                g_string_append_c (text, '\\');
              g_string_append_c (text, *p);
            }
          g_string_append_c (text, '"');
        }
      g_ptr_array_add (params, g_string_free (text, FALSE));
    }

  memset (&m, 0, sizeof m);
  m.m_params = (msg_param_t const *) params->pdata;
  return pl_push_contact_apps (dialect, &m);
}

const char *
pl_reginfo_registration_state_to_string (PlReginfoRegistrationState state)
{
  g_return_val_if_fail (state <= PL_REGINFO_REGISTRATION_TERMINATED, NULL);
  return registration_states[state];
}

const char *
pl_reginfo_contact_state_to_string (PlReginfoContactState state)
{
  g_return_val_if_fail (state <= PL_REGINFO_CONTACT_TERMINATED, NULL);
  return contact_states[state];
}

const char *
pl_reginfo_event_to_string (PlReginfoEvent event)
{
  g_return_val_if_fail (event <= PL_REGINFO_EVENT_REJECTED, NULL);
  return events[event];
}

/* ---- writing ---- */

static void
set_number (xmlNode    *node,
            const char *name,
            guint64     value)
{
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  xmlNewProp (node, BAD_CAST name, BAD_CAST text);
}

static void
write_contact (xmlNode                *parent,
               xmlNs                  *ns,
               const PlReginfoContact *contact)
{
  xmlNode *node = xmlNewChild (parent, ns, BAD_CAST "contact", NULL);

  /* xmlNewProp and xmlNewTextChild take text as it is; the serializer
   * escapes it. */
  xmlNewProp (node, BAD_CAST "id", BAD_CAST contact->id);
  xmlNewProp (node, BAD_CAST "state", BAD_CAST contact_states[contact->state]);
  xmlNewProp (node, BAD_CAST "event", BAD_CAST events[contact->event]);
  if (contact->present & HAS_DURATION)
    set_number (node, "duration-registered", contact->duration_registered);
  if (contact->present & HAS_EXPIRES)
    set_number (node, "expires", contact->expires);
  if (contact->present & HAS_RETRY_AFTER)
    set_number (node, "retry-after", contact->retry_after);
  if (contact->q)
    xmlNewProp (node, BAD_CAST "q", BAD_CAST contact->q);
  if (contact->callid)
    xmlNewProp (node, BAD_CAST "callid", BAD_CAST contact->callid);
  if (contact->present & HAS_CSEQ)
    set_number (node, "cseq", contact->cseq);

  /* §5.4: <uri>, then <display-name>, then the <unknown-param>s. */
  xmlNewTextChild (node, ns, BAD_CAST "uri", BAD_CAST contact->uri);
  if (contact->display_name)
    {
      xmlNode *display = xmlNewTextChild (node, ns, BAD_CAST "display-name",
                                          BAD_CAST contact->display_name);

      if (contact->display_lang)
        xmlNodeSetLang (display, BAD_CAST contact->display_lang);
    }
  for (guint i = 0; i < contact->params->len; i++)
    {
      const Param *param = &g_array_index (contact->params, Param, i);
      xmlNode *child = xmlNewTextChild (node, ns, BAD_CAST "unknown-param",
                                        BAD_CAST param->value);

      xmlNewProp (child, BAD_CAST "name", BAD_CAST param->name);
    }
}

char *
pl_reginfo_write (const PlReginfo *reginfo,
                  gsize           *len)
{
  xmlDoc *doc;
  xmlNode *root;
  xmlNs *ns;
  xmlChar *buffer = NULL;
  int size = 0;
  char version[16];
  char *text;

  g_return_val_if_fail (reginfo != NULL, NULL);

  doc = xmlNewDoc (BAD_CAST "1.0");
  root = xmlNewNode (NULL, BAD_CAST "reginfo");
  ns = xmlNewNs (root, BAD_CAST PL_REGINFO_NS, NULL);
  xmlSetNs (root, ns);
  xmlDocSetRootElement (doc, root);

  g_snprintf (version, sizeof version, "%u", reginfo->version);
  xmlNewProp (root, BAD_CAST "version", BAD_CAST version);
  xmlNewProp (root, BAD_CAST "state", BAD_CAST (reginfo->full ? "full" : "partial"));

  for (guint i = 0; i < reginfo->registrations->len; i++)
    {
      const PlReginfoRegistration *reg = g_ptr_array_index (reginfo->registrations, i);
      xmlNode *node = xmlNewChild (root, ns, BAD_CAST "registration", NULL);

      xmlNewProp (node, BAD_CAST "aor", BAD_CAST reg->aor);
      xmlNewProp (node, BAD_CAST "id", BAD_CAST reg->id);
      xmlNewProp (node, BAD_CAST "state", BAD_CAST registration_states[reg->state]);
      for (guint j = 0; j < reg->contacts->len; j++)
        write_contact (node, ns, g_ptr_array_index (reg->contacts, j));
    }

  xmlDocDumpFormatMemoryEnc (doc, &buffer, &size, "UTF-8", 1);
  xmlFreeDoc (doc);
  text = buffer && size > 0 ? g_strndup ((const char *) buffer, size) : g_strdup ("");
  xmlFree (buffer);
  if (len)
    *len = strlen (text);
  return text;
}

/* ---- parsing ---- */

typedef struct {
  PlXmlContext *ctx;
} Parser;

static gboolean
is_reginfo_element (xmlNode    *node,
                    const char *name)
{
  return node->ns != NULL && xmlStrEqual (node->ns->href, BAD_CAST PL_REGINFO_NS)
         && (name == NULL || xmlStrEqual (node->name, BAD_CAST name));
}

/* Elements of other namespaces are the schema's extension points (§5.4
 * xs:any namespace="##other"); unqualified ones are not among them. */
static gboolean
is_extension (xmlNode *node)
{
  return node->ns != NULL && !xmlStrEqual (node->ns->href, BAD_CAST PL_REGINFO_NS);
}

static gboolean
is_blank (const xmlChar *text)
{
  for (const xmlChar *p = text; p && *p; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
      return FALSE;
  return TRUE;
}

/* Element-only content: no text between the children. */
static gboolean
check_no_text (Parser   *p,
               xmlNode  *element,
               GError  **error)
{
  for (xmlNode *n = element->children; n; n = n->next)
    {
      g_autofree char *text = NULL;

      if ((n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) || is_blank (n->content))
        continue;
      text = g_strstrip (g_strdup ((const char *) n->content));
      if (g_utf8_strlen (text, -1) > 40)
        *g_utf8_offset_to_pointer (text, 40) = '\0';
      return pl_xml_error (p->ctx, error, element, NULL,
                           "unexpected text '%s' in <%s>, which holds elements only",
                           text, (const char *) element->name);
    }
  return TRUE;
}

/* Unqualified attributes must be in @allowed; qualified ones are the
 * schema's xs:anyAttribute namespace="##other" (and xsi:, xml:). */
static gboolean
check_attrs (Parser             *p,
             xmlNode            *element,
             const char * const *allowed,
             GError            **error)
{
  for (xmlAttr *attr = element->properties; attr; attr = attr->next)
    {
      g_autofree char *list = NULL;

      if (attr->ns != NULL || g_strv_contains (allowed, (const char *) attr->name))
        continue;
      list = g_strjoinv (", ", (char **) allowed);
      return pl_xml_error (p->ctx, error, element, NULL,
                           "attribute '%s' is not allowed on <%s>: expected %s",
                           (const char *) attr->name, (const char *) element->name, list);
    }
  return TRUE;
}

/* The attribute's value, or NULL. */
static char *
get_attr (xmlNode    *element,
          const char *name)
{
  xmlChar *value = xmlGetNoNsProp (element, BAD_CAST name);
  char *copy;

  if (value == NULL)
    return NULL;
  copy = g_strdup ((const char *) value);
  xmlFree (value);
  return copy;
}

static char *
require_attr (Parser      *p,
              xmlNode     *element,
              const char  *name,
              const char  *meaning,
              GError     **error)
{
  char *value = get_attr (element, name);

  if (value == NULL)
    return pl_xml_error (p->ctx, error, element, NULL,
                         "<%s> has no attribute '%s': expected %s",
                         (const char *) element->name, name, meaning), NULL;
  if (*value == '\0')
    {
      g_free (value);
      return pl_xml_error (p->ctx, error, element, NULL,
                           "attribute '%s' of <%s> is empty: expected %s", name,
                           (const char *) element->name, meaning), NULL;
    }
  return value;
}

static gboolean
read_enum (Parser             *p,
           xmlNode            *element,
           const char         *name,
           const char * const *values,
           int                *out,
           GError            **error)
{
  g_autofree char *list = g_strjoinv (", ", (char **) values);
  g_autofree char *meaning = g_strconcat ("one of ", list, NULL);
  g_autofree char *value = require_attr (p, element, name, meaning, error);

  if (value == NULL)
    return FALSE;
  /* §5.4: enumerations of xs:string, compared as written. */
  for (int i = 0; values[i]; i++)
    if (g_str_equal (values[i], value))
      {
        *out = i;
        return TRUE;
      }
  return pl_xml_error (p->ctx, error, element, NULL,
                       "<%s> %s '%s': expected %s",
                       (const char *) element->name, name, value, meaning);
}

/* xs:unsignedLong (or @max): digits, the schema's whitespace collapsed.
 * FALSE without @error when the attribute is absent. */
static gboolean
read_unsigned (Parser      *p,
               xmlNode     *element,
               const char  *name,
               guint64      max,
               guint64     *out,
               gboolean    *present,
               GError     **error)
{
  g_autofree char *value = get_attr (element, name);

  *present = value != NULL;
  if (value == NULL)
    return TRUE;
  g_strstrip (value);
  if (!g_ascii_string_to_unsigned (value, 10, 0, max, out, NULL))
    return pl_xml_error (p->ctx, error, element, NULL,
                         "<%s> %s '%s': expected an unsigned integer from 0 to %"
                         G_GUINT64_FORMAT, (const char *) element->name, name, value,
                         max);
  return TRUE;
}

static gboolean
read_optional_number (Parser            *p,
                      xmlNode           *element,
                      const char        *name,
                      Present            flag,
                      guint64           *field,
                      PlReginfoContact  *contact,
                      GError           **error)
{
  gboolean present;

  if (!read_unsigned (p, element, name, G_MAXUINT64, field, &present, error))
    return FALSE;
  if (present)
    contact->present |= flag;
  return TRUE;
}

/* <uri>, <display-name> and <unknown-param> hold text only. */
static char *
read_leaf (Parser             *p,
           xmlNode            *element,
           const char * const *allowed,
           GError            **error)
{
  if (!check_attrs (p, element, allowed, error))
    return NULL;
  return pl_xml_text_only (p->ctx, element, error);
}

static gboolean
read_contact_children (Parser            *p,
                       xmlNode           *element,
                       PlReginfoContact  *contact,
                       GError           **error)
{
  static const char *const no_attrs[] = { NULL };
  static const char *const param_attrs[] = { "name", NULL };
  xmlNode *uri = NULL, *display = NULL;

  if (!check_no_text (p, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_extension (child))
        continue;
      if (is_reginfo_element (child, "uri"))
        {
          if (uri != NULL)
            return pl_xml_error (p->ctx, error, child, NULL,
                                 "<contact> already has a <uri> on line %d: expected one",
                                 pl_xml_get_line (uri));
          uri = child;
          contact->uri = read_leaf (p, child, no_attrs, error);
          if (contact->uri == NULL)
            return FALSE;
          if (*contact->uri == '\0')
            return pl_xml_error (p->ctx, error, child, NULL,
                                 "<uri> is empty: expected the contact's URI");
        }
      else if (is_reginfo_element (child, "display-name"))
        {
          xmlChar *lang;

          if (display != NULL)
            return pl_xml_error (p->ctx, error, child, NULL,
                                 "<contact> already has a <display-name> on line %d: "
                                 "expected at most one",
                                 pl_xml_get_line (display));
          display = child;
          contact->display_name = read_leaf (p, child, no_attrs, error);
          if (contact->display_name == NULL)
            return FALSE;
          lang = xmlGetNsProp (child, BAD_CAST "lang", XML_XML_NAMESPACE);
          contact->display_lang = lang ? g_strdup ((const char *) lang) : NULL;
          xmlFree (lang);
        }
      else if (is_reginfo_element (child, "unknown-param"))
        {
          g_autofree char *name = NULL;
          g_autofree char *value = NULL;

          name = require_attr (p, child, "name", "the parameter's name", error);
          if (name == NULL)
            return FALSE;
          value = read_leaf (p, child, param_attrs, error);
          if (value == NULL)
            return FALSE;
          contact_add_param (contact, name, value);
        }
      else
        return pl_xml_error (p->ctx, error, child, NULL,
                             "unknown element <%s> in <contact>: expected <uri>, "
                             "<display-name> or <unknown-param>",
                             (const char *) child->name);
    }
  if (uri == NULL)
    return pl_xml_error (p->ctx, error, element, NULL,
                         "<contact> has no <uri>: expected the contact's URI");
  return TRUE;
}

static gboolean
read_contact (Parser                 *p,
              xmlNode                *element,
              PlReginfoRegistration  *reg,
              GError                **error)
{
  static const char *const attrs[] = {
    "id", "state", "event", "duration-registered", "expires", "retry-after",
    "q", "callid", "cseq", NULL,
  };
  g_autoptr (PlReginfoContact) contact = NULL;
  g_autofree char *id = NULL;
  int state, event, existing;

  if (!check_attrs (p, element, attrs, error))
    return FALSE;
  id = require_attr (p, element, "id", "the contact's id", error);
  if (id == NULL)
    return FALSE;
  /* §5.2: the id names a row of the registration's table. */
  existing = find_contact_index (reg, id);
  if (existing >= 0)
    return pl_xml_error (p->ctx, error, element, NULL,
                         "contact id '%s' is already used on line %d: expected each "
                         "contact of a registration once", id,
                         ((PlReginfoContact *) g_ptr_array_index (reg->contacts,
                                                                  existing))->line);
  if (!read_enum (p, element, "state", contact_states, &state, error)
      || !read_enum (p, element, "event", events, &event, error))
    return FALSE;

  contact = contact_new (id, NULL, state, event);
  contact->line = pl_xml_get_line (element);
  contact->q = get_attr (element, "q");
  contact->callid = get_attr (element, "callid");
  if (!read_optional_number (p, element, "duration-registered", HAS_DURATION,
                             &contact->duration_registered, contact, error)
      || !read_optional_number (p, element, "expires", HAS_EXPIRES, &contact->expires,
                                contact, error)
      || !read_optional_number (p, element, "retry-after", HAS_RETRY_AFTER,
                                &contact->retry_after, contact, error)
      || !read_optional_number (p, element, "cseq", HAS_CSEQ, &contact->cseq, contact, error)
      || !read_contact_children (p, element, contact, error))
    return FALSE;

  g_ptr_array_add (reg->contacts, g_steal_pointer (&contact));
  return TRUE;
}

static gboolean
read_registration (Parser     *p,
                   xmlNode    *element,
                   PlReginfo  *reginfo,
                   GError    **error)
{
  static const char *const attrs[] = { "aor", "id", "state", NULL };
  g_autoptr (PlReginfoRegistration) reg = NULL;
  g_autofree char *aor = NULL;
  g_autofree char *id = NULL;
  int state, existing;

  if (!check_attrs (p, element, attrs, error))
    return FALSE;
  aor = require_attr (p, element, "aor", "the address of record, a URI", error);
  if (aor == NULL)
    return FALSE;
  id = require_attr (p, element, "id", "the registration's id", error);
  if (id == NULL)
    return FALSE;
  /* §5.2: the id names the watcher's table of this registration. */
  existing = find_registration_index (reginfo, id);
  if (existing >= 0)
    return pl_xml_error (p->ctx, error, element, NULL,
                         "registration id '%s' is already used on line %d: expected "
                         "each registration once", id,
                         ((PlReginfoRegistration *) g_ptr_array_index (
                            reginfo->registrations, existing))->line);
  if (!read_enum (p, element, "state", registration_states, &state, error))
    return FALSE;

  reg = registration_new (aor, id, state);
  reg->line = pl_xml_get_line (element);
  if (!check_no_text (p, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_extension (child))
        continue;
      if (!is_reginfo_element (child, "contact"))
        return pl_xml_error (p->ctx, error, child, NULL,
                             "unknown element <%s> in <registration>: expected <contact>",
                             (const char *) child->name);
      if (!read_contact (p, child, reg, error))
        return FALSE;
    }
  g_ptr_array_add (reginfo->registrations, g_steal_pointer (&reg));
  return TRUE;
}

PlReginfo *
pl_reginfo_parse (const char  *data,
                  gsize        len,
                  const char  *origin,
                  GError     **error)
{
  static const char *const attrs[] = { "version", "state", NULL };
  static const char *const states[] = { "full", "partial", NULL };
  g_autoptr (PlXmlContext) ctx = NULL;
  g_autoptr (PlReginfo) reginfo = NULL;
  Parser parser = { 0 };
  xmlNode *root;
  gboolean present;
  guint64 version;
  int state;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ctx = pl_xml_context_load_memory_full (data, len, origin, PL_XML_LOAD_DEFAULT,
                                          "the document is empty (expected a <reginfo> element)",
                                          error);
  if (ctx == NULL)
    return NULL;
  parser.ctx = ctx;
  root = xmlDocGetRootElement (pl_xml_context_get_doc (ctx));

  if (!xmlStrEqual (root->name, BAD_CAST "reginfo"))
    return pl_xml_error (ctx, error, root, NULL,
                         "the root element is <%s>: expected <reginfo> in the "
                         "namespace " PL_REGINFO_NS, (const char *) root->name), NULL;
  if (!is_reginfo_element (root, NULL))
    return pl_xml_error (ctx, error, root, NULL,
                         "<reginfo> is in the namespace '%s': expected "
                         PL_REGINFO_NS, root->ns ? (const char *) root->ns->href
                                                 : "(none)"), NULL;
  if (!check_attrs (&parser, root, attrs, error))
    return NULL;
  if (!read_unsigned (&parser, root, "version", G_MAXUINT, &version, &present, error))
    return NULL;
  if (!present)
    return pl_xml_error (ctx, error, root, NULL,
                         "<reginfo> has no attribute 'version': expected an unsigned "
                         "integer"), NULL;
  if (!read_enum (&parser, root, "state", states, &state, error))
    return NULL;

  reginfo = pl_reginfo_new ((guint) version, state == 0);
  if (!check_no_text (&parser, root, error))
    return NULL;
  pl_xml_foreach_element (root, child)
    {
      if (is_extension (child))
        continue;
      if (!is_reginfo_element (child, "registration"))
        return pl_xml_error (ctx, error, child, NULL,
                             "unknown element <%s> in <reginfo>: expected <registration>",
                             (const char *) child->name), NULL;
      if (!read_registration (&parser, child, reginfo, error))
        return NULL;
    }
  return g_steal_pointer (&reginfo);
}

/* ---- the watcher (§5.2) ---- */

static void
merge (PlReginfo       *state,
       const PlReginfo *update)
{
  for (guint i = 0; i < update->registrations->len; i++)
    {
      const PlReginfoRegistration *incoming = g_ptr_array_index (update->registrations, i);
      int index = find_registration_index (state, incoming->id);
      PlReginfoRegistration *reg;

      /* §5.2: a terminated entry "MAY be removed from the table at any
       * time"; the view keeps what is registered. */
      if (incoming->state == PL_REGINFO_REGISTRATION_TERMINATED)
        {
          if (index >= 0)
            g_ptr_array_remove_index (state->registrations, index);
          continue;
        }
      if (index < 0)
        {
          reg = registration_new (incoming->aor, incoming->id, incoming->state);
          g_ptr_array_add (state->registrations, reg);
        }
      else
        {
          reg = g_ptr_array_index (state->registrations, index);
          set_string (&reg->aor, incoming->aor);
          reg->state = incoming->state;
        }

      for (guint j = 0; j < incoming->contacts->len; j++)
        {
          const PlReginfoContact *contact = g_ptr_array_index (incoming->contacts, j);
          int row = find_contact_index (reg, contact->id);

          if (contact->state == PL_REGINFO_CONTACT_TERMINATED)
            {
              if (row >= 0)
                g_ptr_array_remove_index (reg->contacts, row);
              continue;
            }
          /* §5.2: the row's state "is updated to be the information from
           * that <contact> element": replaced, not merged field by field. */
          if (row < 0)
            g_ptr_array_add (reg->contacts, contact_copy (contact));
          else
            {
              contact_free (g_ptr_array_index (reg->contacts, row));
              g_ptr_array_index (reg->contacts, row) = contact_copy (contact);
            }
        }
    }
}

gboolean
pl_reginfo_apply (PlReginfo        *full_state,
                  const PlReginfo  *update,
                  GError          **error)
{
  g_return_val_if_fail (full_state != NULL, FALSE);
  g_return_val_if_fail (full_state->full, FALSE);
  g_return_val_if_fail (update != NULL, FALSE);
  g_return_val_if_fail (update->has_version, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!full_state->has_version)
    {
      /* §5.2: the version is initialized from the first document; only
       * full state can start the view. */
      if (!update->full)
        {
          g_set_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_VERSION_GAP,
                       "version gap: expected a full document first, got partial version %u: "
                       "refresh the subscription for full state", update->version);
          return FALSE;
        }
    }
  else
    {
      guint64 expected = (guint64) full_state->version + 1;

      /* §5.2: "If the value in the document is less than the local
       * version, the document is discarded without processing." */
      if (update->version < expected)
        {
          g_set_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_STALE,
                       "stale document: expected version %" G_GUINT64_FORMAT ", got %u: "
                       "discarded", expected, update->version);
          return FALSE;
        }
      /* §5.2 processes a partial document after a gap and asks for a
       * refresh; merging it onto a view that missed a change would show
       * contacts nobody has, so it waits for the refresh's full state. */
      if (!update->full && update->version != expected)
        {
          g_set_error (error, PL_REGINFO_ERROR, PL_REGINFO_ERROR_VERSION_GAP,
                       "version gap: expected %" G_GUINT64_FORMAT ", got %u: refresh the "
                       "subscription for full state", expected, update->version);
          return FALSE;
        }
    }

  /* §5.2: full state flushes the tables and repopulates them. */
  if (update->full)
    g_ptr_array_set_size (full_state->registrations, 0);
  merge (full_state, update);
  full_state->version = update->version;
  full_state->has_version = TRUE;
  return TRUE;
}
