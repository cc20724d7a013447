/* pl-receiver-private.h: what the Push Receiver agent's files share
 * (pl-receiver.c: registration, MESSAGE, configuration;
 * pl-receiver-subscribe.c: ua-profile subscriptions, §6.4.1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libxml/tree.h>
#include <sofia-sip/sip_extra.h>

#include "pl-receiver.h"
#include "pl-transaction.h"

G_BEGIN_DECLS

/* One installed push application. */
typedef struct {
  char *id;
  char *auid;       /* OMNA Push Application ID in URN form (§6.4.1.1 step 3) */
  GStrv accept;     /* "type/subtype", lower case, parameters dropped */
  int answer;       /* 0: never answers */
  PlTime delay;
  PlTime hangup;    /* > 0: ends a push session by INVITE with BYE this long
                     * after its ACK (hangup-after; pl-receiver-invite.c) */
  struct _PlRxInbox *inbox;  /* what reached it, for the node panel (pl-receiver-state.c) */
} PlRxApp;

typedef struct _PlRxReference PlRxReference;        /* pl-receiver-indirect.c */
typedef struct _PlRxRegistration PlRxRegistration;  /* pl-receiver.c */
typedef struct _PlRxSubscription PlRxSubscription;  /* pl-receiver-subscribe.c */
typedef struct _PlRxPresence PlRxPresence;          /* pl-receiver-presence.c */
typedef struct _PlRxRefer PlRxRefer;                /* pl-receiver-refer.c */
typedef struct _PlRxInvite PlRxInvite;              /* pl-receiver-invite.c */

struct _PlReceiver {
  PlNode parent_instance;

  char *public_id;
  char *private_id;     /* NULL: the public identity without its scheme */
  char *password;
  char *display;
  char *outbound;       /* NULL: REGISTER straight to the registrar */
  char *registrar;      /* NULL: sip:<host of the public identity> */
  guint32 expires;
  gboolean refresh;
  char *instance;       /* meaningful when instance_set */
  gboolean instance_set;
  char *contact_user;   /* meaningful when contact_user_set */
  gboolean contact_user_set;
  GPtrArray *apps;      /* PlRxApp* */
  GPtrArray *whitelist; /* char*, sender URIs */

  char *call_id;        /* §10.2.4: one Call-ID for every registration */
  guint32 cseq;
  guint n_cnonce;
  PlRxRegistration *current;  /* the REGISTER in flight */
  GQueue queued;              /* PlRxRegistration*, waiting for it */
  gboolean registered;
  PlTime registered_until;
  GStrv registered_apps;
  guint32 registered_expires;  /* what was asked, for refreshes */
  PlTimer *refresh_timer;
  GStrv service_route;  /* RFC 3608: "<uri>" of the last 200 to REGISTER */

  GPtrArray *subscriptions;  /* PlRxSubscription*, at most one per app */
  struct _PlHttpClient *http;  /* fetches of content by reference, or NULL */
  PlRxPresence *presence;    /* presence source (§8), or NULL */
  gboolean refer_decline;    /* the user refuses REFERs (pl-receiver-refer.c) */
  GPtrArray *refers;         /* PlRxRefer*, oldest first */
  GPtrArray *invites;        /* PlRxInvite*, push sessions by INVITE (B.3) */

  guint n_pushes;
};

/* pl-receiver.c */
PlRxApp  *_pl_receiver_find_app          (PlReceiver *self,
                                          const char *id);
char     *_pl_receiver_installed_apps    (PlReceiver *self);
char     *_pl_receiver_contact_uri       (PlReceiver *self);
char     *_pl_receiver_name_addr         (const char *display,
                                          const char *uri);
gboolean  _pl_receiver_check_uri         (PlXmlContext  *ctx,
                                          xmlNode       *element,
                                          const char    *attr,
                                          gboolean       need_user,
                                          GError       **error);
/* The +sip.instance URN registered, or NULL. */
char     *_pl_receiver_instance_urn      (PlReceiver *self);
gboolean  _pl_receiver_accepts_type      (const PlRxApp *app,
                                          const char    *type);
/* Is one of the asserted identities on the whitelist? */
gboolean  _pl_receiver_on_whitelist      (PlReceiver                      *self,
                                          const sip_p_asserted_identity_t *pai);
/* Records "push-rejected" (with @method unless NULL) and sends @response. */
void      _pl_receiver_reject            (PlReceiver  *self,
                                          PlServerTxn *txn,
                                          msg_t       *response,
                                          const char  *app,
                                          const char  *method,
                                          const char  *reason);
/* 415 listing what @app takes in Accept (RFC 3261 §21.4.13). */
msg_t    *_pl_receiver_unsupported_type  (PlServerTxn   *txn,
                                          const PlRxApp *app);
/* The push reaches @app: a "push" event (with @method unless NULL), then
 * the application's configured answer, at once or after its delay. */
void      _pl_receiver_deliver           (PlReceiver  *self,
                                          PlServerTxn *txn,
                                          msg_t       *msg,
                                          sip_t       *sip,
                                          PlRxApp     *app,
                                          const char  *from,
                                          const char  *method);

/* The same with the content given apart from the request (fetched by
 * reference from @url, RFC 4483). */
void      _pl_receiver_deliver_content   (PlReceiver  *self,
                                          PlServerTxn *txn,
                                          msg_t       *msg,
                                          sip_t       *sip,
                                          PlRxApp     *app,
                                          const char  *from,
                                          const char  *content_type,
                                          GBytes      *content,
                                          const char  *url);

/* pl-receiver-state.c: the node panel (pl-state.h) */
void      _pl_receiver_describe          (PlNode  *node,
                                          PlState *state);
/* A push reached @app: counted, and the last few kept (type, size, a
 * preview) with @content (NULL: the request's body). */
void      _pl_receiver_inbox_add         (PlReceiver *self,
                                          PlRxApp    *app,
                                          sip_t      *sip,
                                          const char *from,
                                          const char *method,
                                          const char *content_type,
                                          GBytes     *content);
void      _pl_receiver_inbox_free        (struct _PlRxInbox *inbox);
/* Sections of the node panel kept by the files that own the state. */
void      _pl_receiver_subscription_describe (PlReceiver *self,
                                              PlState    *state);
void      _pl_receiver_presence_describe (PlReceiver *self,
                                          PlState    *state);
void      _pl_receiver_refer_describe    (PlReceiver *self,
                                          PlState    *state);
void      _pl_receiver_invite_describe   (PlReceiver *self,
                                          PlState    *state);

/* pl-receiver-indirect.c: content by reference (004_… §7.1.1 step 4) */
gboolean  _pl_receiver_is_reference      (sip_t *sip);
/* NULL with the status to answer (400, 415) and why. */
PlRxReference *_pl_receiver_parse_reference (sip_t  *sip,
                                             int    *status,
                                             char  **reason);
const char *_pl_receiver_reference_get_type (const PlRxReference *ref);
void      _pl_receiver_reference_free    (PlRxReference *ref);
/* Fetches @ref (taken over), then delivers or answers @txn. */
void      _pl_receiver_fetch_reference   (PlReceiver    *self,
                                          PlServerTxn   *txn,
                                          msg_t         *msg,
                                          PlRxApp       *app,
                                          const char    *from,
                                          PlRxReference *ref);

/* pl-receiver-subscribe.c */
void      _pl_receiver_subscription_free (gpointer data);
void      _pl_receiver_subscribe         (PlReceiver *self,
                                          PlRxApp    *app,
                                          const char *uri,
                                          guint32     expires);
/* How a SUBSCRIBE someone waits for ended: the final answer that failed
 * it, or its 2xx once the first NOTIFY came (@phrase NULL: standard). */
typedef void (*PlRxSubscribeDone) (PlReceiver *self,
                                   int         status,
                                   const char *phrase,
                                   gpointer    data);
/* _pl_receiver_subscribe with an Accept-Contact (NULL: none) and a
 * watcher told once how it ended (@done NULL: none). */
void      _pl_receiver_subscribe_full    (PlReceiver        *self,
                                          PlRxApp           *app,
                                          const char        *uri,
                                          guint32            expires,
                                          const char        *accept_contact,
                                          PlRxSubscribeDone  done,
                                          gpointer           data);
void      _pl_receiver_unsubscribe       (PlReceiver *self,
                                          PlRxApp    *app);
void      _pl_receiver_notify            (PlReceiver  *self,
                                          PlServerTxn *txn,
                                          msg_t       *msg,
                                          sip_t       *sip);
/* <subscribe> and <unsubscribe> of the timeline. */
PlAction *_pl_receiver_parse_subscription_action (PlReceiver    *self,
                                                  PlXmlContext  *ctx,
                                                  xmlNode       *element,
                                                  GError       **error);

/* pl-receiver-presence.c */
void      _pl_receiver_presence_free     (PlRxPresence *presence);
/* Attributes device-profile, publish, publish-expires of <node>. */
gboolean  _pl_receiver_presence_configure (PlReceiver    *self,
                                           PlXmlContext  *ctx,
                                           xmlNode       *element,
                                           GError       **error);
/* After a successful (re-)registration / before a de-registration. */
void      _pl_receiver_presence_registered    (PlReceiver *self);
void      _pl_receiver_presence_deregistering (PlReceiver *self);
/* <publish> and <unpublish> of the timeline. */
PlAction *_pl_receiver_parse_presence_action (PlReceiver    *self,
                                              PlXmlContext  *ctx,
                                              xmlNode       *element,
                                              GError       **error);

/* pl-receiver-refer.c ("Use of the REFER Method", receiver side) */
void      _pl_receiver_refer_free        (gpointer data);
/* The node's refer="accept|decline" attribute. */
gboolean  _pl_receiver_configure_refer   (PlReceiver    *self,
                                          PlXmlContext  *ctx,
                                          xmlNode       *element,
                                          GError       **error);
void      _pl_receiver_refer             (PlReceiver  *self,
                                          PlServerTxn *txn,
                                          msg_t       *msg,
                                          sip_t       *sip);

/* pl-receiver-invite.c: pushes by INVITE + MSRP (B.3 steps 2–3, 6, 13–14) */
void      _pl_receiver_invite_free       (gpointer data);
/* An INVITE, or a BYE or re-INVITE in one of its dialogs. */
void      _pl_receiver_invite            (PlReceiver  *self,
                                          PlServerTxn *txn,
                                          msg_t       *msg,
                                          sip_t       *sip);
/* An ACK (outside any transaction). */
void      _pl_receiver_invite_ack        (PlReceiver *self,
                                          sip_t      *sip);
/* A CANCEL of a pending INVITE: answered, TRUE; FALSE when none. */
gboolean  _pl_receiver_invite_cancel     (PlReceiver  *self,
                                          PlServerTxn *txn);

G_END_DECLS
