/* pl-presence-private.h: what the presence server's files share
 * (pl-presence.c: configuration, policy, identities, dispatch;
 * pl-presence-watch.c: SUBSCRIBE/NOTIFY and the watchers;
 * pl-presence-publish.c: PUBLISH and the publications).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-pidf.h"
#include "pl-presence.h"
#include "pl-subscription.h"
#include "pl-transaction.h"

G_BEGIN_DECLS

#define PL_PRESENCE_EVENT "presence"

/* One publication of event state (RFC 3903: identified by its
 * entity-tag, owned by one presentity). */
typedef struct {
  PlPresence *self;
  char *presentity;          /* address of record */
  char *etag;
  PlPidf *document;
  PlTime expires_at;
  PlTimer *timer;            /* expiry */
} PlPsPublication;

typedef struct _PlPsWatcher PlPsWatcher;  /* pl-presence-watch.c */

struct _PlPresence {
  PlNode parent_instance;

  guint32 min_expires;
  guint32 max_expires;
  guint32 default_expires;
  GPtrArray *policies;       /* PlPsPolicy* (pl-presence.c) */
  PlPresenceAction default_action;
  GPtrArray *publications;   /* PlPsPublication*, least recently changed first */
  GPtrArray *watchers;       /* PlPsWatcher*, in order of arrival */
  guint n_etags;
};

/* pl-presence.c */
/* The address of record of @url ("sip:user@host"). */
char     *_pl_presence_aor              (const url_t *url);
/* The same from text (a URI or a name-addr), NULL if it is none. */
char     *_pl_presence_aor_of_text      (const char *text);
/* What the policy does with @watcher's subscriptions to @presentity. */
PlPresenceAction _pl_presence_lookup_policy (PlPresence *self,
                                             const char *presentity,
                                             const char *watcher);
/* Who sent @msg: the asserted identity (RFC 3325), else From. */
char     *_pl_presence_sender           (msg_t *msg);
/* pl-presence-watch.c */
void      _pl_presence_watcher_free     (gpointer data);
/* The "watchers" section of the node panel (pl-state.h). */
void      _pl_presence_watch_describe   (PlPresence *self,
                                         PlState    *state);
void      _pl_presence_subscribe        (PlPresence  *self,
                                         PlServerTxn *txn,
                                         msg_t       *msg,
                                         sip_t       *sip);
/* The policy changed: pending watchers it allows become active, those
 * it blocks end (RFC 3265 §3.2.4 "rejected"). */
void      _pl_presence_reevaluate       (PlPresence *self);
/* The presentity's document changed: every active watcher gets it
 * (RFC 3856 §6.7). @why names the change for the trace. */
void      _pl_presence_state_changed    (PlPresence *self,
                                         const char *presentity,
                                         const char *why);
/* Text of the composed document of @presentity; *n_pubs set. */
char     *_pl_presence_compose          (PlPresence *self,
                                         const char *presentity,
                                         gsize      *len,
                                         guint      *n_pubs,
                                         PlPidf    **composed);
/* "489 Bad Event" with Allow-Events (RFC 3265 §7.2.2, RFC 3903 §6). */
void      _pl_presence_reply_bad_event  (PlPresence  *self,
                                         PlServerTxn *txn,
                                         const char  *method,
                                         sip_t       *sip);
void      _pl_presence_reject           (PlPresence  *self,
                                         PlServerTxn *txn,
                                         msg_t       *response,
                                         const char  *name,
                                         const char  *reason);

/* pl-presence-state.c */
void      _pl_presence_describe         (PlNode  *node,
                                         PlState *state);

/* pl-presence-publish.c */
void      _pl_presence_publish          (PlPresence  *self,
                                         PlServerTxn *txn,
                                         msg_t       *msg,
                                         sip_t       *sip);
void      _pl_presence_publication_free (gpointer data);

G_END_DECLS
