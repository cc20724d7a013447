/* pl-registrar.h: the location service of a registrar (RFC 3261 §10.3)
 * with GRUU (RFC 5627), and terminating target selection by caller
 * preferences (RFC 3841) with sofia-sip's matching.
 *
 * The store knows nothing of nodes or transactions: it is given a REGISTER
 * and the virtual time, and says what to answer. The S-CSCF drives it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>

#include "pl-ifc.h"
#include "pl-types.h"

G_BEGIN_DECLS

typedef struct _PlRegistrar PlRegistrar;

typedef struct {
  char *aor;                 /* "sip:user@host", canonical */
  char *contact;             /* the Contact as registered, printed with every parameter */
  char *uri;                 /* its URI alone */
  char *instance;            /* +sip.instance value without quotes and <>, or NULL */
  char *pub_gruu;            /* RFC 5627: "sip:user@host;gr=urn:uuid:…", or NULL */
  char *temp_gruu;           /* "sip:tgruu.<n>@host;gr", or NULL */
  char *path;                /* Path header value(s) of the REGISTER (RFC 3327), or NULL */
  char *call_id;
  guint32 cseq;
  double q;                  /* 0..1, 1 when absent */
  PlTime expires_at;         /* virtual time */
  sip_contact_t *header;     /* parsed copy, for caller preferences */
} PlBinding;

typedef struct {
  int status;                /* 200, or the error to answer */
  const char *phrase;        /* NULL: the RFC's */
  char *detail;              /* why, for the trace; NULL on success */
  PlRegistrationType kind;   /* initial, re- or de-registration (TS 29.228 B.2.2) */
  PlTime granted;            /* expiry granted to the request's contacts, a duration
                              * (PL_SEC of the seconds; the longest when they differ);
                              * 0 for de-registration */
  guint32 min_expires;       /* with 423 */
  gboolean push_tags_removed;/* a re-registration dropped push feature tags (§7.2) */
  GPtrArray *bindings;       /* PlBinding*, the AoR's bindings after the request (not owned;
                              * valid until the registrar next changes), NULL when
                              * the request failed or the AoR never had a binding */
} PlRegisterResult;

void          pl_register_result_clear (PlRegisterResult *result);

PlRegistrar  *pl_registrar_new         (PlDialect dialect);
void          pl_registrar_free        (PlRegistrar *self);

/* Limits (RFC 3261 §10.3 step 7): a smaller non-zero expiry gets 423
 * with Min-Expires; a larger one is lowered. Defaults: 60 s and
 * 600 000 s (the largest Expires the spec's flows use). */
void          pl_registrar_set_expires_range (PlRegistrar *self,
                                              guint32      min_seconds,
                                              guint32      max_seconds);
/* V1.0 (003_… B.1): assign pub-gruu and temp-gruu to a contact with a
 * +sip.instance when the REGISTER says Supported: gruu. */
void          pl_registrar_set_gruu    (PlRegistrar *self,
                                        gboolean     enabled);

/* Applies a REGISTER whose AoR (To URI) the caller has authorised, at
 * virtual time @now (RFC 3261 §10.3 steps 6–8): "*" with Expires: 0,
 * additions, refreshes, removals, Call-ID/CSeq ordering (a stale CSeq of
 * the same Call-ID gets 500). All of the request or nothing is applied.
 * Fills @result, which is overwritten: clear a used one first with
 * pl_register_result_clear(). */
void          pl_registrar_register    (PlRegistrar      *self,
                                        const sip_t      *request,
                                        PlTime            now,
                                        PlRegisterResult *result);

/* Drops bindings expired at @now (expires_at <= @now); returns the AoRs
 * that lost their last binding, sorted, never NULL (free with
 * g_strfreev), for network-initiated de-registration. */
char        **pl_registrar_expire      (PlRegistrar *self,
                                        PlTime       now);

/* Removes every binding of @aor (network-initiated de-registration). */
void          pl_registrar_remove_aor  (PlRegistrar *self,
                                        const char  *aor);

/* The current bindings of an AoR (a URI in any form; a GRUU or temp-GRUU
 * finds its own binding only). NULL when none. Not owned: valid until
 * the next lookup of the same AoR or the next change to the registrar. */
GPtrArray    *pl_registrar_lookup      (PlRegistrar *self,
                                        const url_t *uri,
                                        PlTime       now);
/* Earliest expiry of any binding, G_MAXINT64 when none (for a timer). */
PlTime        pl_registrar_next_expiry (PlRegistrar *self);
guint         pl_registrar_get_n_bindings (PlRegistrar *self);
/* Every binding, expired ones not yet dropped included: AoRs sorted,
 * each AoR's in registration order. The bindings are not owned (valid
 * until the registrar changes); free the array with g_ptr_array_unref. */
GPtrArray    *pl_registrar_list_bindings (PlRegistrar *self);

/* The Contact of a 200 to REGISTER: every binding with expires=<seconds
 * left, rounded up>, and pub-gruu/temp-gruu when assigned, after the
 * registered parameters. Added to @response. Expired bindings are left
 * out. */
void          pl_registrar_add_contacts (PlRegistrar *self,
                                         GPtrArray   *bindings,
                                         PlTime       now,
                                         msg_t       *response);

/* Canonical AoR of a URI ("sip:user@host[:port]"), for keys. */
char         *pl_registrar_aor         (const url_t *uri);

/* RFC 3841 §7.2: the targets for a request from @bindings. Contacts
 * matching a Reject-Contact go; with "require", contacts not matching go;
 * with "explicit", only contacts that registered the feature explicitly
 * count (and a contact without feature parameters is not immune: see
 * pl-callerpref.c). The rest are ordered by Qa score then q. Returns
 * groups (GPtrArray of GPtrArray of PlBinding*, the bindings not owned;
 * free with g_ptr_array_unref) to try in order: the members of one group
 * in parallel. Empty when nothing matches. @why (may be NULL) gets one
 * line per contact: its score or why it was dropped. */
GPtrArray    *pl_callerpref_select     (GPtrArray   *bindings,
                                        const sip_t *request,
                                        GString     *why);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlRegisterResult, pl_register_result_clear)

G_END_DECLS
