/* pl-scscf-private.h: what the S-CSCF's files share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-cscf.h"
#include "pl-hss.h"
#include "pl-ifc.h"
#include "pl-reginfo.h"
#include "pl-registrar.h"

G_BEGIN_DECLS

struct _PlScscf {
  PlNode parent_instance;

  char *hss_id;
  PlHss *hss;                /* resolved, not owned (the sim owns nodes) */
  char *domain;              /* home domain: Request-URIs it serves */
  char *realm;               /* digest realm */
  gboolean pref;             /* supports Require: pref (RFC 3840) */
  int gruu_mode;             /* 0 auto (V1.0 only), 1 on, 2 off */
  gboolean gruu;
  guint32 min_expires;
  guint32 max_expires;
  gboolean convert_503;
  PlTime as_timeout;         /* how long an application server may stay silent */
  char **trusted;            /* node ids of the trust domain, or NULL: by kind */

  PlRegistrar *registrar;
  PlTimer *expiry_timer;
  GHashTable *nonces;        /* aor -> nonce issued */
  guint n_nonces;
  GHashTable *third_party;   /* "aor\nserver" -> ThirdParty* */
  GHashTable *chains;        /* odi token -> ChainPoint* */
  guint n_chains;
  guint32 reg_max_expires;   /* longest reg event subscription granted */
  GPtrArray *reg_aors;       /* watched AORs of the reg event package (pl-scscf-reg.c) */
};

/* Where an iFC chain stands, kept while the request is at an application
 * server (TS 24.229 §5.4.3.2: the "original dialog identifier"). */
typedef struct {
  PlSessionCase session_case;
  PlServiceProfile *profile; /* the HSS's, not owned */
  gboolean registered;
  guint next;                /* index of the next criterion to evaluate */
  PlIfc *ifc;                /* the criterion that sent it there */
  gpointer owner;            /* the request waiting on that server */
} ChainPoint;

/* pl-scscf-register.c */
void      _pl_scscf_register        (PlScscf     *self,
                                     PlServerTxn *txn,
                                     msg_t       *msg,
                                     sip_t       *sip);
void      _pl_scscf_schedule_expiry (PlScscf *self);
void      _pl_scscf_third_party_free (gpointer data);
void      _pl_scscf_third_party_describe (PlScscf *self,
                                          PlState *state);

/* pl-scscf-reg.c: the reg event package (RFC 3680). */
/* TRUE when @sip (any request) was a SUBSCRIBE of ours and is answered;
 * @final_hop: no Route beyond this S-CSCF. */
gboolean  _pl_scscf_reg_request     (PlScscf     *self,
                                     PlServerTxn *txn,
                                     msg_t       *msg,
                                     sip_t       *sip,
                                     PlNode      *peer,
                                     gboolean     final_hop);
/* The registrar changed @aor (NULL: any, after expiry): watchers hear
 * it; a contact gone before its time ended by @removed. */
void      _pl_scscf_reg_changed     (PlScscf        *self,
                                     const char     *aor,
                                     PlReginfoEvent  removed);
void      _pl_scscf_reg_free        (gpointer data);
void      _pl_scscf_reg_describe    (PlScscf *self,
                                     PlState *state);

/* pl-scscf-state.c */
void      _pl_scscf_describe        (PlNode  *node,
                                     PlState *state);

/* pl-scscf.c */
gboolean  _pl_scscf_is_trusted      (PlScscf *self,
                                     PlNode  *peer);
PlRegistrar *_pl_scscf_registrar    (PlScscf *self);
gboolean  _pl_scscf_is_local        (PlScscf     *self,
                                     const url_t *url);
void      _pl_scscf_record_ifc      (PlScscf            *self,
                                     const PlIfc        *ifc,
                                     PlSessionCase       session_case,
                                     const PlIfcResult  *result,
                                     const char         *user);

G_END_DECLS
