/* pl-registrar.c: the location service of a registrar (RFC 3261 §10.3),
 * with GRUU (RFC 5627), Path (RFC 3327) and instance identity (RFC 5626).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-registrar"

#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-push.h"
#include "pl-registrar.h"
#include "pl-wire.h"

/* RFC 3261 §10.2.1.1: no expires parameter and no Expires header. */
#define DEFAULT_EXPIRES 3600
#define DEFAULT_MIN_EXPIRES 60
#define DEFAULT_MAX_EXPIRES 600000

/* A PlBinding with what only the store sees; a PlBinding * handed out
 * is a Binding *. */
typedef struct {
  PlBinding pub;
  su_home_t *home;           /* holds pub.header */
  GPtrArray *temp_gruus;     /* char *: every temp-GRUU issued, newest last */
} Binding;

typedef struct {
  char *aor;
  GPtrArray *bindings;       /* Binding *, owned, in registration order */
  GPtrArray *visible;        /* what the last lookup returned */
} Record;

struct _PlRegistrar {
  PlDialect dialect;
  guint32 min_expires;
  guint32 max_expires;
  gboolean gruu;
  guint next_temp_gruu;
  GHashTable *records;       /* AoR → Record * */
  GHashTable *temp_gruus;    /* temp-GRUU without ";gr" → Binding * */
};

/* What one Contact of a REGISTER asks for. */
typedef struct {
  const sip_contact_t *contact;
  char *instance;
  guint32 expires;
} Request;

static void
request_clear (Request *r)
{
  g_free (r->instance);
}

/* ---- bindings and records ---- */

/* The temp-GRUU index is keyed by the GRUU without ";gr". */
static char *
temp_gruu_key (const char *temp_gruu)
{
  return g_strndup (temp_gruu, strcspn (temp_gruu, ";"));
}

static void
binding_drop_gruus (PlRegistrar *self,
                    Binding     *b)
{
  for (guint i = 0; i < b->temp_gruus->len; i++)
    {
      g_autofree char *key = temp_gruu_key (g_ptr_array_index (b->temp_gruus, i));

      if (g_hash_table_lookup (self->temp_gruus, key) == b)
        g_hash_table_remove (self->temp_gruus, key);
    }
  g_ptr_array_set_size (b->temp_gruus, 0);
  g_clear_pointer (&b->pub.pub_gruu, g_free);
  g_clear_pointer (&b->pub.temp_gruu, g_free);
}

static void
binding_free (PlRegistrar *self,
              Binding     *b)
{
  binding_drop_gruus (self, b);
  g_ptr_array_unref (b->temp_gruus);
  g_free (b->pub.aor);
  g_free (b->pub.contact);
  g_free (b->pub.uri);
  g_free (b->pub.instance);
  g_free (b->pub.path);
  g_free (b->pub.call_id);
  su_home_unref (b->home);
  g_free (b);
}

static Record *
record_new (const char *aor)
{
  Record *record = g_new0 (Record, 1);

  record->aor = g_strdup (aor);
  record->bindings = g_ptr_array_new ();
  record->visible = g_ptr_array_new ();
  return record;
}

static void
record_free (PlRegistrar *self,
             Record      *record)
{
  for (guint i = 0; i < record->bindings->len; i++)
    binding_free (self, g_ptr_array_index (record->bindings, i));
  g_ptr_array_unref (record->bindings);
  g_ptr_array_unref (record->visible);
  g_free (record->aor);
  g_free (record);
}

/* Drops the bindings of @record expired at @now; TRUE when some went. */
static gboolean
record_purge (PlRegistrar *self,
              Record      *record,
              PlTime       now)
{
  gboolean removed = FALSE;

  for (guint i = record->bindings->len; i > 0; i--)
    {
      Binding *b = g_ptr_array_index (record->bindings, i - 1);

      if (b->pub.expires_at > now)
        continue;
      g_ptr_array_remove_index (record->bindings, i - 1);
      binding_free (self, b);
      removed = TRUE;
    }
  return removed;
}

/* RFC 5626 §4.1: "+sip.instance" carries a URN in angle brackets inside
 * a quoted string. */
static char *
contact_instance (const sip_contact_t *m)
{
  const char *value = msg_params_find (m->m_params, "+sip.instance");
  g_autofree char *s = NULL;
  gsize len;

  if (value == NULL || *value == '\0')
    return NULL;
  s = g_strdup (value);
  len = strlen (s);
  if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
    {
      memmove (s, s + 1, len - 2);
      s[len - 2] = '\0';
      len -= 2;
    }
  if (len >= 2 && s[0] == '<' && s[len - 1] == '>')
    {
      memmove (s, s + 1, len - 2);
      s[len - 2] = '\0';
    }
  return *s ? g_steal_pointer (&s) : NULL;
}

static gboolean
contact_has_push_tags (PlDialect            dialect,
                       const sip_contact_t *m)
{
  if (m == NULL || m->m_params == NULL)
    return FALSE;
  for (guint i = 0; m->m_params[i]; i++)
    if (pl_push_is_push_param (dialect, m->m_params[i]))
      return TRUE;
  return FALSE;
}

/* The binding a Contact refers to: RFC 5627 §5.2 and RFC 5626 §6 make the
 * instance the identity when present; otherwise the URI compared by
 * RFC 3261 §19.1.4 (§10.3 step 7), whatever instance the binding had. */
static Binding *
record_find (Record              *record,
             const sip_contact_t *m,
             const char          *instance)
{
  if (record == NULL)
    return NULL;
  for (guint i = 0; i < record->bindings->len; i++)
    {
      Binding *b = g_ptr_array_index (record->bindings, i);

      if (instance != NULL)
        {
          if (b->pub.instance && g_ascii_strcasecmp (b->pub.instance, instance) == 0)
            return b;
        }
      else if (url_cmp_all (b->pub.header->m_url, m->m_url) == 0)
        return b;
    }
  return NULL;
}

/* "host[:port]" of a canonical AoR. */
static const char *
aor_hostport (const char *aor)
{
  const char *at = strrchr (aor, '@');

  return at ? at + 1 : strchr (aor, ':') + 1;
}

static void
binding_set_contact (Binding             *b,
                     const sip_contact_t *m)
{
  su_home_t *home = su_home_new (sizeof (su_home_t));
  char *printed;

  /* One element only (sip_contact_dup() would copy the rest of the list):
   * msg_header_dup_one() copies @m alone, without a stack copy of it. */
  b->pub.header = (sip_contact_t *) msg_header_dup_one (home, (msg_header_t const *) m);
  g_assert (b->pub.header != NULL);
  if (b->home)
    su_home_unref (b->home);
  b->home = home;

  /* Not sip_header_as_string(): it cuts a long Contact (pl-wire.h). */
  printed = pl_wire_header_text ((msg_header_t *) b->pub.header);
  g_free (b->pub.contact);
  b->pub.contact = printed;
  g_free (b->pub.uri);
  b->pub.uri = g_strdup (url_as_string (home, b->pub.header->m_url));
  b->pub.q = sip_q_value (b->pub.header->m_q) / 1000.0;
}

static char *
uri_to_string (const url_t *url)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  char *out = g_strdup (url_as_string (home, url));

  su_home_deinit (home);
  return out;
}

static char *
path_value (const sip_t *sip)
{
  GString *out;

  if (sip->sip_path == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const sip_path_t *r = sip->sip_path; r; r = r->r_next)
    {
      g_autofree char *s = pl_wire_header_text ((msg_header_t const *) r);

      if (s == NULL)
        continue;
      if (out->len)
        g_string_append (out, ", ");
      g_string_append (out, s);
    }
  return g_string_free (out, out->len == 0);
}

/* ---- public ---- */

void
pl_register_result_clear (PlRegisterResult *result)
{
  g_return_if_fail (result != NULL);

  g_free (result->detail);
  memset (result, 0, sizeof *result);
}

PlRegistrar *
pl_registrar_new (PlDialect dialect)
{
  PlRegistrar *self = g_new0 (PlRegistrar, 1);

  self->dialect = dialect;
  self->min_expires = DEFAULT_MIN_EXPIRES;
  self->max_expires = DEFAULT_MAX_EXPIRES;
  self->next_temp_gruu = 1;
  self->records = g_hash_table_new (g_str_hash, g_str_equal);
  self->temp_gruus = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
pl_registrar_free (PlRegistrar *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self == NULL)
    return;
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      record_free (self, value);
    }
  g_hash_table_unref (self->records);
  g_hash_table_unref (self->temp_gruus);
  g_free (self);
}

void
pl_registrar_set_expires_range (PlRegistrar *self,
                                guint32      min_seconds,
                                guint32      max_seconds)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (min_seconds <= max_seconds);

  self->min_expires = min_seconds;
  self->max_expires = max_seconds;
}

void
pl_registrar_set_gruu (PlRegistrar *self,
                       gboolean     enabled)
{
  g_return_if_fail (self != NULL);

  self->gruu = enabled;
}

char *
pl_registrar_aor (const url_t *uri)
{
  g_autofree char *scheme = NULL;
  g_autofree char *user = NULL;
  g_autofree char *host = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  scheme = g_ascii_strdown (uri->url_scheme ? uri->url_scheme : url_scheme (uri->url_type), -1);
  /* RFC 3261 §10.3 step 5: parameters dropped, escapes unescaped. */
  if (uri->url_user)
    {
      user = g_uri_unescape_string (uri->url_user, NULL);
      if (user == NULL)
        user = g_strdup (uri->url_user);
    }
  if (uri->url_host == NULL)
    return g_strdup_printf ("%s:%s", scheme, user ? user : "");
  host = g_ascii_strdown (uri->url_host, -1);
  return g_strdup_printf ("%s:%s%s%s%s%s", scheme,
                          user ? user : "", user ? "@" : "",
                          host,
                          uri->url_port ? ":" : "", uri->url_port ? uri->url_port : "");
}

/* An expires parameter is delta-seconds (RFC 3261 §20.10); a larger value
 * than 2**32-1 means "as long as you allow". */
static gboolean
parse_delta (const char *s,
             guint32    *out)
{
  guint64 v = 0;

  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    {
      if (!g_ascii_isdigit (*s))
        return FALSE;
      if (v <= G_MAXUINT32)
        v = v * 10 + (guint) (*s - '0');
    }
  *out = v > G_MAXUINT32 ? G_MAXUINT32 : (guint32) v;
  return TRUE;
}

static void
fail (PlRegisterResult *result,
      int               status,
      const char       *phrase,
      char             *detail)
{
  result->status = status;
  result->phrase = phrase;
  g_free (result->detail);
  result->detail = detail;
}

void
pl_registrar_register (PlRegistrar      *self,
                       const sip_t      *request,
                       PlTime            now,
                       PlRegisterResult *result)
{
  g_autofree char *aor = NULL;
  g_autoptr (GArray) requests = NULL;
  const sip_contact_t *star = NULL;
  Record *record;
  const char *call_id;
  guint32 cseq;
  guint n_contacts = 0;
  guint n_before;
  guint32 granted = 0;
  gboolean gruu;
  g_autofree char *path = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (request != NULL);
  g_return_if_fail (result != NULL);

  memset (result, 0, sizeof *result);
  result->status = 200;

  if (request->sip_to == NULL || request->sip_call_id == NULL || request->sip_cseq == NULL)
    {
      fail (result, 400, NULL, g_strdup ("REGISTER without a usable To, Call-ID or CSeq"));
      return;
    }
  aor = pl_registrar_aor (request->sip_to->a_url);
  call_id = request->sip_call_id->i_id;
  cseq = request->sip_cseq->cs_seq;

  record = g_hash_table_lookup (self->records, aor);
  if (record)
    record_purge (self, record, now);
  n_before = record ? record->bindings->len : 0;

  requests = g_array_new (FALSE, TRUE, sizeof (Request));
  g_array_set_clear_func (requests, (GDestroyNotify) request_clear);

  for (const sip_contact_t *m = request->sip_contact; m; m = m->m_next)
    {
      Request r = { m, NULL, 0 };

      n_contacts++;
      if (m->m_url->url_type == url_any)
        {
          star = m;
          continue;
        }
      /* RFC 3261 §10.3 step 7 (and §10.2.1.1): the expires parameter,
       * else the Expires header, else the registrar's default. */
      if (m->m_expires)
        {
          if (!parse_delta (m->m_expires, &r.expires))
            {
              g_autofree char *uri = uri_to_string (m->m_url);

              fail (result, 400, NULL,
                    g_strdup_printf ("expires=%s of Contact %s is not delta-seconds",
                                     m->m_expires, uri));
              goto out;
            }
        }
      else if (request->sip_expires)
        r.expires = (guint32) MIN (request->sip_expires->ex_delta, G_MAXUINT32);
      else
        r.expires = DEFAULT_EXPIRES;

      /* §10.3 step 7: 423 only for a non-zero interval shorter than both
       * an hour and the minimum; a longer one may be shortened. */
      if (r.expires > 0 && r.expires < self->min_expires && r.expires < 3600)
        {
          g_autofree char *uri = uri_to_string (m->m_url);

          result->min_expires = self->min_expires;
          fail (result, 423, NULL,
                g_strdup_printf ("expiry of %u s asked for %s is below the minimum of %u s",
                                 r.expires, uri, self->min_expires));
          goto out;
        }
      if (r.expires > self->max_expires)
        r.expires = self->max_expires;
      r.instance = contact_instance (m);
      g_array_append_val (requests, r);
    }

  /* §10.3 step 6: "*" only alone and with Expires: 0. */
  if (star && (n_contacts != 1 || request->sip_expires == NULL
               || request->sip_expires->ex_delta != 0))
    {
      fail (result, 400, NULL,
            g_strdup ("Contact \"*\" needs Expires: 0 and no other Contact (RFC 3261 §10.3 step 6)"));
      goto out;
    }

  /* §10.3 step 7 (and step 6 for "*"): a binding of the same Call-ID is
   * only updated by a higher CSeq; otherwise the whole request fails and
   * nothing is committed. */
  for (guint i = 0; record && i < record->bindings->len; i++)
    {
      Binding *b = g_ptr_array_index (record->bindings, i);
      gboolean concerned = star != NULL;

      for (guint j = 0; !concerned && j < requests->len; j++)
        {
          Request *r = &g_array_index (requests, Request, j);
          concerned = record_find (record, r->contact, r->instance) == b;
        }
      if (concerned && g_strcmp0 (b->pub.call_id, call_id) == 0 && cseq <= b->pub.cseq)
        {
          fail (result, 500, "Server Internal Error",
                g_strdup_printf ("CSeq %u is not higher than %u, the last REGISTER of Call-ID %s "
                                 "for %s (RFC 3261 §10.3 step 7)",
                                 cseq, b->pub.cseq, call_id, b->pub.uri));
          goto out;
        }
    }

  if (star)
    {
      if (record)
        {
          for (guint i = 0; i < record->bindings->len; i++)
            binding_free (self, g_ptr_array_index (record->bindings, i));
          g_ptr_array_set_size (record->bindings, 0);
        }
      goto classify;
    }

  if (requests->len > 0 && record == NULL)
    {
      record = record_new (aor);
      g_hash_table_insert (self->records, record->aor, record);
    }
  gruu = self->gruu && sip_has_feature (request->sip_supported, "gruu");
  path = path_value (request);

  for (guint j = 0; j < requests->len; j++)
    {
      Request *r = &g_array_index (requests, Request, j);
      Binding *b = record_find (record, r->contact, r->instance);

      if (r->expires == 0)
        {
          if (b)
            {
              g_ptr_array_remove (record->bindings, b);
              binding_free (self, b);
            }
          continue;
        }

      if (b == NULL)
        {
          b = g_new0 (Binding, 1);
          b->pub.aor = g_strdup (aor);
          b->temp_gruus = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (record->bindings, b);
        }
      /* 000_… §7.2 deregistration step 2: re-registering without the
       * push feature tags takes the push applications away. */
      else if (contact_has_push_tags (self->dialect, b->pub.header)
               && !contact_has_push_tags (self->dialect, r->contact))
        result->push_tags_removed = TRUE;

      /* The GRUUs name an instance (RFC 5627 §3.1): a contact of the
       * same URI without it ends them. */
      if (b->pub.instance && r->instance == NULL)
        binding_drop_gruus (self, b);
      binding_set_contact (b, r->contact);
      g_free (b->pub.instance);
      b->pub.instance = g_strdup (r->instance);
      g_free (b->pub.call_id);
      b->pub.call_id = g_strdup (call_id);
      b->pub.cseq = cseq;
      b->pub.expires_at = now + PL_SEC (r->expires);
      g_free (b->pub.path);
      b->pub.path = g_strdup (path);
      granted = MAX (granted, r->expires);

      /* RFC 5627 §5.3: with Supported: gruu and an instance, a public GRUU
       * (AoR + gr=instance) and a new temporary one on every refresh; the
       * earlier temporary GRUUs stay valid while the binding lives. */
      if (gruu && r->instance)
        {
          char *temp = g_strdup_printf ("sip:tgruu.%u@%s;gr", self->next_temp_gruu++,
                                        aor_hostport (aor));

          g_free (b->pub.pub_gruu);
          b->pub.pub_gruu = g_strdup_printf ("%s;gr=%s", aor, r->instance);
          g_free (b->pub.temp_gruu);
          b->pub.temp_gruu = g_strdup (temp);
          g_ptr_array_add (b->temp_gruus, temp);
          g_hash_table_insert (self->temp_gruus, temp_gruu_key (temp), b);
        }
    }

classify:
  /* TS 29.228 B.2.2 RegistrationType, as the S-CSCF tells its iFC. */
  if (record == NULL || record->bindings->len == 0)
    result->kind = PL_REGISTRATION_DE;
  else if (n_before == 0)
    result->kind = PL_REGISTRATION_INITIAL;
  else
    result->kind = PL_REGISTRATION_RE;
  result->granted = result->kind == PL_REGISTRATION_DE ? 0 : PL_SEC (granted);
  result->bindings = record ? record->bindings : NULL;

out:
  if (result->status != 200)
    g_debug ("REGISTER for %s: %d, %s", aor, result->status, result->detail);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

char **
pl_registrar_expire (PlRegistrar *self,
                     PlTime       now)
{
  g_autoptr (GPtrArray) gone = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  gone = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Record *record = value;
      gboolean had = record->bindings->len > 0;

      if (record_purge (self, record, now) && had && record->bindings->len == 0)
        g_ptr_array_add (gone, g_strdup (record->aor));
    }
  /* Hash order is no order: sorted, so that runs repeat. */
  g_ptr_array_sort (gone, compare_strings);
  g_ptr_array_add (gone, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&gone), FALSE);
}

void
pl_registrar_remove_aor (PlRegistrar *self,
                         const char  *aor)
{
  Record *record;

  g_return_if_fail (self != NULL);
  g_return_if_fail (aor != NULL);

  record = g_hash_table_lookup (self->records, aor);
  if (record == NULL)
    return;
  g_hash_table_remove (self->records, aor);
  record_free (self, record);
}

GPtrArray *
pl_registrar_lookup (PlRegistrar *self,
                     const url_t *uri,
                     PlTime       now)
{
  g_autofree char *aor = NULL;
  char gr[256] = "";
  Record *record;
  Binding *only = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  aor = pl_registrar_aor (uri);
  if (uri->url_params && url_has_param (uri, "gr"))
    {
      /* RFC 5627 §5.5: a GRUU reaches its own instance or nothing. */
      if (url_param (uri->url_params, "gr", gr, sizeof gr) > (isize_t) sizeof gr)
        return NULL;
      if (gr[0] == '\0')
        only = g_hash_table_lookup (self->temp_gruus, aor);
      else
        {
          g_autofree char *instance = g_uri_unescape_string (gr, NULL);

          record = g_hash_table_lookup (self->records, aor);
          for (guint i = 0; record && i < record->bindings->len; i++)
            {
              Binding *b = g_ptr_array_index (record->bindings, i);

              if (b->pub.pub_gruu && b->pub.instance
                  && g_ascii_strcasecmp (b->pub.instance, instance ? instance : gr) == 0)
                only = b;
            }
        }
      if (only == NULL || only->pub.expires_at <= now)
        return NULL;
      record = g_hash_table_lookup (self->records, only->pub.aor);
      g_ptr_array_set_size (record->visible, 0);
      g_ptr_array_add (record->visible, only);
      return record->visible;
    }

  record = g_hash_table_lookup (self->records, aor);
  if (record == NULL)
    return NULL;
  g_ptr_array_set_size (record->visible, 0);
  for (guint i = 0; i < record->bindings->len; i++)
    {
      Binding *b = g_ptr_array_index (record->bindings, i);

      if (b->pub.expires_at > now)
        g_ptr_array_add (record->visible, b);
    }
  return record->visible->len ? record->visible : NULL;
}

PlTime
pl_registrar_next_expiry (PlRegistrar *self)
{
  PlTime next = G_MAXINT64;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, G_MAXINT64);

  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Record *record = value;

      for (guint i = 0; i < record->bindings->len; i++)
        next = MIN (next, ((Binding *) g_ptr_array_index (record->bindings, i))->pub.expires_at);
    }
  return next;
}

guint
pl_registrar_get_n_bindings (PlRegistrar *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Record *) value)->bindings->len;
  return n;
}

void
pl_registrar_add_contacts (PlRegistrar *self,
                           GPtrArray   *bindings,
                           PlTime       now,
                           msg_t       *response)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (response != NULL);

  for (guint i = 0; bindings && i < bindings->len; i++)
    {
      const PlBinding *b = g_ptr_array_index (bindings, i);
      const sip_contact_t *m = b->header;
      g_autoptr (GString) value = NULL;
      PlTime left = b->expires_at - now;

      if (left <= 0)
        continue;
      value = g_string_new (NULL);
      if (m->m_display && *m->m_display)
        g_string_append_printf (value, "%s ", m->m_display);
      g_string_append_printf (value, "<%s>", b->uri);
      /* RFC 5627 §5.3 and 003_… B.1 step 2: the GRUUs as quoted
       * Contact parameters. */
      if (b->pub_gruu)
        {
          g_string_append (value, ";pub-gruu=");
          pl_wire_append_quoted (value, b->pub_gruu);
        }
      if (b->temp_gruu)
        {
          g_string_append (value, ";temp-gruu=");
          pl_wire_append_quoted (value, b->temp_gruu);
        }
      for (guint k = 0; m->m_params && m->m_params[k]; k++)
        {
          const char *p = m->m_params[k];
          gsize name = strcspn (p, "=");

          if ((name == 7 && g_ascii_strncasecmp (p, "expires", 7) == 0)
              || (name == 8 && g_ascii_strncasecmp (p, "pub-gruu", 8) == 0)
              || (name == 9 && g_ascii_strncasecmp (p, "temp-gruu", 9) == 0))
            continue;
          g_string_append_printf (value, ";%s", p);
        }
      /* RFC 3261 §10.3 step 8: the time left, rounded up. */
      g_string_append_printf (value, ";expires=%" G_GINT64_FORMAT,
                              (left + PL_SEC (1) - 1) / PL_SEC (1));
      if (msg_header_add_make (response, NULL, sip_contact_class, value->str) < 0)
        g_warning ("cannot add Contact %s", value->str);
    }
}

GPtrArray *
pl_registrar_list_bindings (PlRegistrar *self)
{
  g_autoptr (GPtrArray) aors = g_ptr_array_new ();
  GPtrArray *all = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (self != NULL, all);

  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (aors, key);
  g_ptr_array_sort (aors, compare_strings);
  for (guint i = 0; i < aors->len; i++)
    {
      Record *record = g_hash_table_lookup (self->records, g_ptr_array_index (aors, i));

      for (guint j = 0; j < record->bindings->len; j++)
        g_ptr_array_add (all, &((Binding *) g_ptr_array_index (record->bindings, j))->pub);
    }
  return all;
}
