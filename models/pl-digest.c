/* pl-digest.c: HTTP digest authentication (RFC 2617, RFC 3261 §22.4) on
 * sofia-sip's auth_digest functions, server and client side.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-digest"

#include <string.h>

#include <sofia-sip/auth_digest.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-digest.h"
#include "pl-wire.h"

void
pl_digest_challenge (msg_t      *response,
                     const char *realm,
                     const char *nonce)
{
  g_autoptr (GString) value = NULL;

  g_return_if_fail (response != NULL);
  g_return_if_fail (realm != NULL);
  g_return_if_fail (nonce != NULL);

  /* RFC 3261 §22.4 and RFC 2617 §3.2.1: MD5 and qop "auth". */
  value = g_string_new ("Digest realm=");
  pl_wire_append_quoted (value, realm);
  g_string_append (value, ", nonce=");
  pl_wire_append_quoted (value, nonce);
  g_string_append (value, ", algorithm=MD5, qop=\"auth\"");
  if (msg_header_add_make (response, NULL, sip_www_authenticate_class, value->str) < 0)
    g_warning ("cannot add WWW-Authenticate: %s", value->str);
}

static void
set_why (char       **why,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
set_why (char       **why,
         const char  *format,
         ...)
{
  va_list args;

  if (why == NULL)
    return;
  va_start (args, format);
  g_free (*why);
  *why = g_strdup_vprintf (format, args);
  va_end (args);
}

static gboolean
has_erroneous_authorization (const sip_t *request)
{
  for (const sip_error_t *er = request->sip_error; er; er = er->er_next)
    if (er->er_name && g_ascii_strcasecmp (er->er_name, "Authorization") == 0)
      return TRUE;
  return FALSE;
}

/* RFC 2617 §3.2.2.5: the digest-uri names the resource of the
 * Request-Line. */
static gboolean
same_uri (su_home_t   *home,
          const char  *digest_uri,
          const url_t *request_uri)
{
  url_t *u = url_make (home, digest_uri);

  if (u == NULL || u->url_type == url_unknown)
    return g_strcmp0 (digest_uri, url_as_string (home, request_uri)) == 0;
  return url_cmp_all (u, request_uri) == 0;
}

static PlDigestVerdict
verify_one (su_home_t            *home,
            const sip_t          *request,
            const auth_response_t *ar,
            const char           *realm,
            const char           *nonce,
            const char           *username,
            const char           *password,
            char                **why)
{
  auth_response_t copy = *ar;
  auth_hexmd5_t ha1, expected;

  if (ar->ar_username == NULL || ar->ar_nonce == NULL || ar->ar_uri == NULL
      || ar->ar_response == NULL)
    {
      set_why (why, "Authorization for realm \"%s\" lacks username, nonce, uri or response",
               realm);
      return PL_DIGEST_MALFORMED;
    }
  if (strcmp (ar->ar_username, username) != 0)
    {
      set_why (why, "username \"%s\" is not the subscriber's \"%s\"", ar->ar_username, username);
      return PL_DIGEST_WRONG;
    }
  if (strcmp (ar->ar_nonce, nonce) != 0)
    {
      set_why (why, "nonce \"%s\" is not the one issued, \"%s\"", ar->ar_nonce, nonce);
      return PL_DIGEST_WRONG;
    }
  if (!ar->ar_md5)
    {
      set_why (why, "algorithm %s is not the MD5 the challenge asked for", ar->ar_algorithm);
      return PL_DIGEST_WRONG;
    }
  if (!same_uri (home, ar->ar_uri, request->sip_request->rq_url))
    {
      /* RFC 2617 §3.2.2.5: "SHOULD return a 400 Bad Request". */
      set_why (why, "digest uri \"%s\" is not the Request-URI", ar->ar_uri);
      return PL_DIGEST_MALFORMED;
    }
  if (ar->ar_qop != NULL)
    {
      /* The challenge offered qop="auth" only. */
      if (!ar->ar_auth || ar->ar_auth_int)
        {
          set_why (why, "qop=%s was not offered (qop=\"auth\" was)", ar->ar_qop);
          return PL_DIGEST_WRONG;
        }
      /* RFC 2617 §3.2.2: with qop, cnonce and nc are mandatory. */
      if (ar->ar_cnonce == NULL || ar->ar_nc == NULL)
        {
          set_why (why, "qop=auth without cnonce or nc");
          return PL_DIGEST_MALFORMED;
        }
    }

  /* RFC 2617 §3.2.2.1–3: request-digest from H(A1) and H(A2); without
   * qop the RFC 2069 form. */
  auth_digest_ha1 (ha1, username, realm, password);
  auth_digest_response (&copy, expected, ha1, request->sip_request->rq_method_name, NULL, 0);
  if (g_ascii_strcasecmp (expected, ar->ar_response) != 0)
    {
      set_why (why, "response for user \"%s\" does not match (wrong password?)", username);
      return PL_DIGEST_WRONG;
    }
  set_why (why, "digest of user \"%s\" verified (%s)", username,
           ar->ar_qop ? "qop=auth" : "RFC 2069, no qop");
  return PL_DIGEST_OK;
}

PlDigestVerdict
pl_digest_verify (const sip_t *request,
                  const char  *realm,
                  const char  *nonce,
                  const char  *username,
                  const char  *password,
                  char       **why)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  PlDigestVerdict verdict = PL_DIGEST_MISSING;
  gboolean unusable = FALSE;

  g_return_val_if_fail (request != NULL && request->sip_request != NULL, PL_DIGEST_MALFORMED);
  g_return_val_if_fail (realm != NULL && nonce != NULL, PL_DIGEST_MALFORMED);
  g_return_val_if_fail (username != NULL && password != NULL, PL_DIGEST_MALFORMED);

  if (why)
    *why = NULL;

  /* RFC 3261 §22.4: the credentials whose realm is ours. */
  for (const sip_authorization_t *au = request->sip_authorization; au; au = au->au_next)
    {
      auth_response_t ar[1] = { { 0 } };

      /* RFC 3261 §22.1: Digest only; Basic MUST NOT be accepted. */
      if (au->au_scheme == NULL || g_ascii_strcasecmp (au->au_scheme, "Digest") != 0)
        {
          unusable = TRUE;
          continue;
        }
      ar->ar_size = sizeof ar[0];
      if (au->au_params == NULL || auth_digest_response_get (home, ar, au->au_params) < 0
          || ar->ar_realm == NULL)
        {
          unusable = TRUE;
          continue;
        }
      if (strcmp (ar->ar_realm, realm) != 0)
        continue;
      verdict = verify_one (home, request, ar, realm, nonce, username, password, why);
      su_home_deinit (home);
      return verdict;
    }

  if (unusable || has_erroneous_authorization (request))
    {
      set_why (why, "Authorization header is not usable Digest credentials");
      verdict = PL_DIGEST_MALFORMED;
    }
  else
    set_why (why, "no Authorization for realm \"%s\"", realm);
  su_home_deinit (home);
  return verdict;
}

static const msg_auth_t *
find_challenge (const sip_t *challenge)
{
  for (const msg_auth_t *au = challenge->sip_www_authenticate; au; au = au->au_next)
    if (au->au_scheme && g_ascii_strcasecmp (au->au_scheme, "Digest") == 0)
      return au;
  /* A 407 from a proxy (RFC 3261 §22.3). */
  for (const msg_auth_t *au = challenge->sip_proxy_authenticate; au; au = au->au_next)
    if (au->au_scheme && g_ascii_strcasecmp (au->au_scheme, "Digest") == 0)
      return au;
  return NULL;
}

char *
pl_digest_authorize (const sip_t *challenge,
                     const sip_t *request,
                     const char  *username,
                     const char  *password,
                     const char  *cnonce,
                     guint        nc)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  auth_challenge_t ac[1] = { { 0 } };
  auth_response_t ar[1] = { { 0 } };
  auth_hexmd5_t ha1, response;
  const msg_auth_t *au;
  g_autofree char *nc_text = NULL;
  g_autofree char *own_cnonce = NULL;
  char *uri;
  GString *out;

  g_return_val_if_fail (challenge != NULL, NULL);
  g_return_val_if_fail (request != NULL && request->sip_request != NULL, NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  au = find_challenge (challenge);
  ac->ac_size = sizeof ac[0];
  if (au == NULL || au->au_params == NULL
      || auth_digest_challenge_get (home, ac, au->au_params) < 0
      || ac->ac_realm == NULL || ac->ac_nonce == NULL
      || !ac->ac_md5
      /* qop offered, but not "auth": auth-int needs the body; refuse. */
      || (ac->ac_qop != NULL && !ac->ac_auth))
    {
      su_home_deinit (home);
      return NULL;
    }

  uri = url_as_string (home, request->sip_request->rq_url);
  if (cnonce == NULL)
    {
      /* Deterministic even when the caller gives none. */
      g_autofree char *seed = g_strdup_printf ("%s:%s", ac->ac_nonce, username);
      own_cnonce = g_compute_checksum_for_string (G_CHECKSUM_MD5, seed, -1);
      own_cnonce[16] = '\0';
      cnonce = own_cnonce;
    }
  nc_text = g_strdup_printf ("%08x", nc ? nc : 1);

  ar->ar_size = sizeof ar[0];
  ar->ar_username = username;
  ar->ar_realm = ac->ac_realm;
  ar->ar_nonce = ac->ac_nonce;
  ar->ar_uri = uri;
  ar->ar_md5 = 1;
  ar->ar_auth = ac->ac_qop != NULL;
  ar->ar_cnonce = cnonce;
  ar->ar_nc = nc_text;
  auth_digest_ha1 (ha1, username, ac->ac_realm, password);
  auth_digest_response (ar, response, ha1, request->sip_request->rq_method_name, NULL, 0);

  /* RFC 2617 §3.2.2 credentials; no qop: the RFC 2069 form. */
  out = g_string_new ("Digest username=");
  pl_wire_append_quoted (out, username);
  g_string_append (out, ", realm=");
  pl_wire_append_quoted (out, ac->ac_realm);
  g_string_append (out, ", nonce=");
  pl_wire_append_quoted (out, ac->ac_nonce);
  g_string_append (out, ", uri=");
  pl_wire_append_quoted (out, uri);
  g_string_append_printf (out, ", response=\"%s\", algorithm=MD5", response);
  if (ar->ar_auth)
    {
      g_string_append_printf (out, ", qop=auth, nc=%s, cnonce=", nc_text);
      pl_wire_append_quoted (out, cnonce);
    }
  if (ac->ac_opaque)
    {
      /* RFC 2617 §3.2.1: opaque comes back unchanged. */
      g_string_append (out, ", opaque=");
      pl_wire_append_quoted (out, ac->ac_opaque);
    }
  su_home_deinit (home);
  return g_string_free (out, FALSE);
}
