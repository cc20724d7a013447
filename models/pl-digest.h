/* pl-digest.h: HTTP digest authentication of REGISTER (RFC 3261 §22.4,
 * RFC 2617) on sofia-sip's auth_digest functions, for both ends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>

#include "pl-types.h"

G_BEGIN_DECLS

/* Server: adds a WWW-Authenticate challenge (Digest, realm, @nonce,
 * algorithm=MD5, qop="auth") to a 401 @response. */
void     pl_digest_challenge   (msg_t      *response,
                                const char *realm,
                                const char *nonce);

typedef enum {
  PL_DIGEST_MISSING,         /* no Authorization for @realm: challenge */
  PL_DIGEST_OK,
  PL_DIGEST_WRONG,           /* bad response, user, realm or nonce: 403 */
  PL_DIGEST_MALFORMED,       /* unparsable Authorization: 400 */
} PlDigestVerdict;

/* Server: checks the request's Authorization for @realm against
 * @username/@password and the @nonce we issued. @why (may be NULL) gets
 * a sentence for the trace. */
PlDigestVerdict pl_digest_verify (const sip_t *request,
                                  const char  *realm,
                                  const char  *nonce,
                                  const char  *username,
                                  const char  *password,
                                  char       **why);

/* Client: the Authorization value answering the WWW-Authenticate of
 * @challenge (a 401) for @request (its method and Request-URI), or NULL
 * when the challenge cannot be answered. @cnonce and @nc make it
 * deterministic. */
char    *pl_digest_authorize   (const sip_t *challenge,
                                const sip_t *request,
                                const char  *username,
                                const char  *password,
                                const char  *cnonce,
                                guint        nc);

G_END_DECLS
