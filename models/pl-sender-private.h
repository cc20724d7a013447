/* pl-sender-private.h: what the Push Sender's files share: pl-sender.c
 * (MESSAGE pushes, Appendix C, retries, third-party REGISTER),
 * pl-sender-notify.c (ua-profile subscriptions and pushes by NOTIFY,
 * §6.4.2) and pl-sender-reg.c (the reg event watcher, §7.1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-action.h"
#include "pl-push-session.h"
#include "pl-sender.h"
#include "pl-subscription.h"
#include "pl-transaction.h"
#include "pl-xml.h"

G_BEGIN_DECLS

/* How a push travels: MESSAGE (§6.3.2) or NOTIFY in a ua-profile
 * subscription (§6.4.2.2). */
typedef enum {
  PL_SENDER_BY_MESSAGE,
  PL_SENDER_BY_NOTIFY,
  PL_SENDER_BY_INVITE,    /* INVITE + MSRP (B.3), pl-sender-invite.c */
  PL_SENDER_BY_AUTO,      /* <push method="auto">: one of the above, chosen
                           * when it runs (pl-sender-auto.c); never a push's */
} PlSenderMethod;

typedef struct _PlSenderInvite PlSenderInvite;  /* pl-sender-invite.c */

typedef struct {
  PlSender *self;
  guint number;
  PlSenderMethod method;
  char *to;
  char *app;
  char *auid;             /* NOTIFY: the subscribed auid it goes to */
  char *content_type;
  GBytes *body;
  gboolean confirm;
  char *inner_type;       /* by reference (RFC 4483): the referenced content's type */
  PlPushChunking chunking; /* INVITE: how MSRP cuts the content */
  char *file_hash;        /* INVITE: the a=file-selector hash announced instead of
                           * the content's (<push file-hash>, a fault); NULL: true */

  char *call_id;          /* MESSAGE: every attempt in the same Call-ID */
  char *from_tag;
  guint32 cseq;
  guint attempts;         /* requests sent so far */
  PlDeliveryStatus status;
  PlTimer *retry_timer;
  PlSenderInvite *invite; /* INVITE: the attempt's dialog and session */
} PlSenderPush;

/* One ua-profile subscription (§6.4.2.1 step 3). Kept until the node
 * goes, ended or not, so that a late answer to one of its NOTIFYs still
 * finds it. */
typedef struct {
  PlSender *self;
  char *subscriber;       /* canonical asserted identity: "sip:user@host" */
  char *auid;
  char *accept;           /* the SUBSCRIBE's Accept types, for the trace */
  PlNotifier *notifier;
  PlTimer *watch;         /* fires when the notifier's subscription expires */
  gboolean ended;         /* its "terminated" event is recorded */
} PlSenderSubscription;

typedef struct _PlSenderRefer PlSenderRefer;  /* pl-sender-refer.c */

/* What the third-party REGISTERs, or the reg event (pl-sender-reg.c),
 * said about one public identity. */
typedef struct {
  PlSender *self;
  char *public_id;
  gboolean registered;
  char **apps;            /* NULL: unknown (no included REGISTER) */
  PlTimer *expiry;
} PlSenderRegistration;

struct _PlSender {
  PlNode parent_instance;

  char *identity;         /* NULL: sip:<hostname> */
  gboolean trusted;
  char *outbound;         /* NULL: to the Request-URI */
  char *icsi;             /* NULL: PL_PUSH_DEFAULT_ICSI */
  guint max_retries;
  PlTime interval;

  GPtrArray *pushes;      /* PlSenderPush*, push n at index n - 1 */
  GHashTable *registrations; /* public id -> PlSenderRegistration* */

  guint32 max_expires;    /* cap on a subscription's Expires */
  GPtrArray *authorized;  /* canonical identities allowed to subscribe;
                           * empty: any asserted identity */
  GPtrArray *subscriptions; /* PlSenderSubscription*, oldest first */

  struct _PlSenderPresence *presence; /* pl-sender-presence.c */
  GPtrArray *reg_watches; /* reg event subscriptions (pl-sender-reg.c), oldest first */
  GPtrArray *refers;      /* PlSenderRefer*, refer n at index n - 1 */
};

/* pl-sender-state.c: the node panel (pl-state.h), with a section from
 * each file that owns the state */
void      _pl_sender_describe          (PlNode  *node,
                                        PlState *state);
void      _pl_sender_capabilities_describe (PlSender *self,
                                            PlState  *state);
void      _pl_sender_presence_describe (PlSender *self,
                                        PlState  *state);
void      _pl_sender_reg_describe      (PlSender *self,
                                        PlState  *state);
void      _pl_sender_refer_describe    (PlSender *self,
                                        PlState  *state);

/* pl-sender.c */
/* A new push, numbered; @content_type NULL: application/vnd.oma.push. */
PlSenderPush *_pl_sender_push_new      (PlSender       *self,
                                        PlSenderMethod  method,
                                        const char     *to,
                                        const char     *app,
                                        const char     *content_type,
                                        GBytes         *body,
                                        gboolean        confirm);
/* Its first attempt; returns its number. */
guint     _pl_sender_push_start        (PlSenderPush *p);
gboolean  _pl_sender_is_sip_uri        (const char *text);
/* Every request of the sender: Route to the outbound proxy (when set),
 * and P-Asserted-Identity when trusted (RFC 3325). */
void      _pl_sender_add_route         (PlSender *self,
                                        msg_t    *msg);
void      _pl_sender_add_asserted_identity (PlSender *self,
                                            msg_t    *msg);
char     *_pl_sender_canonical_id      (const url_t *url);
char     *_pl_sender_canonical_id_text (const char *text);
/* The outcome of a push that got a final answer @code to its request of
 * @method (@response: that answer, made locally when @local): Appendix C,
 * then a retry, or the "delivery" event and the PAP result. */
void      _pl_sender_push_answered     (PlSenderPush *p,
                                        const char   *method,
                                        int           code,
                                        gboolean      local,
                                        sip_t        *response);
/* Sets what the sender knows of @public_id (canonical) and begins its
 * "registration-state" event (public-id, state, expires, apps, source);
 * the caller may add fields, then commits it. @apps (owned; NULL:
 * unknown) are the push applications; @lifetime > 0 arms an expiry. */
PlTraceEvent *_pl_sender_update_registration (PlSender   *self,
                                              const char *public_id,
                                              gboolean    registered,
                                              const char *state,
                                              guint32     expires,
                                              char      **apps,
                                              PlTime      lifetime,
                                              const char *source);

/* The "delivery" event of an outcome known without a SIP final answer
 * (an MSRP REPORT), and the PAP result when confirmed. */
void      _pl_sender_push_finish       (PlSenderPush     *p,
                                        PlDeliveryStatus  status,
                                        int               code,
                                        const char       *reason);

/* pl-sender-invite.c: pushes by INVITE + MSRP (B.3) */
void      _pl_sender_invite_free       (PlSenderInvite *invite);
/* <push method="invite">: a new push, and its first attempt.
 * @file_hash: NULL, or the "sha-1:…" value its offer announces instead of
 * the content's. */
guint     _pl_sender_invite_push       (PlSender   *self,
                                        const char *to,
                                        const char *app,
                                        const char *content_type,
                                        GBytes     *body,
                                        gboolean    confirm,
                                        const PlPushChunking *chunking,
                                        const char *file_hash);
/* <push file-hash="sha-1:…">: a hash for the offer's a=file-selector
 * other than the content's (a fault the receiver's check finds, RFC 5547
 * §5); *@hash stays NULL without it. */
gboolean  _pl_sender_parse_file_hash   (PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        char         **hash,
                                        GError       **error);
/* One attempt: the INVITE with the SDP offer. */
gboolean  _pl_sender_invite_attempt    (PlSenderPush *p);
/* A BYE from the receiver in one of the push dialogs. */
void      _pl_sender_invite_bye        (PlSender    *self,
                                        PlServerTxn *txn,
                                        sip_t       *sip);
/* A retransmitted 2xx to an INVITE is acknowledged again. */
void      _pl_sender_invite_stray_response (PlNode *node,
                                            msg_t  *msg,
                                            sip_t  *sip);

/* pl-sender-auto.c: <push method="auto"> (§6.1 item 4): records the
 * "push-method" event, then makes the push by the method chosen. */
guint     _pl_sender_auto_push         (PlSender             *self,
                                        const char           *to,
                                        const char           *app,
                                        const char           *auid,
                                        const char           *content_type,
                                        GBytes               *body,
                                        gboolean              confirm,
                                        const PlPushChunking *chunking,
                                        const char           *file_hash);

/* pl-sender-reg.c: the reg event watcher (§7.1, RFC 3680) */
void      _pl_sender_reg_watch_free    (gpointer data);
/* <watch event="reg" .../> or <unwatch event="reg" .../>. */
PlAction *_pl_sender_parse_reg_watch   (PlNode        *node,
                                        PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        GError       **error);
/* A NOTIFY of one of its reg subscriptions: answered, TRUE; FALSE when
 * not one of them. */
gboolean  _pl_sender_reg_notify        (PlSender    *self,
                                        PlServerTxn *txn,
                                        msg_t       *msg,
                                        sip_t       *sip);

/* pl-sender-indirect.c: content by reference (RFC 4483). Reads the
 * <push> attributes content-url and content-size (with @method, whose
 * value must then be MESSAGE); *@url stays NULL without content-url. */
gboolean  _pl_sender_parse_reference   (PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        int            method,
                                        char         **url,
                                        gint64        *size,
                                        GError       **error);

/* pl-sender-notify.c */
void      _pl_sender_subscription_free (gpointer data);
/* §6.4.2.1: a SUBSCRIBE, initial or in a subscription's dialog. */
void      _pl_sender_subscribe         (PlSender    *self,
                                        PlServerTxn *txn,
                                        msg_t       *msg,
                                        sip_t       *sip);
/* One attempt of a push by NOTIFY (§6.4.2.2). FALSE when nothing can be
 * sent, with the status and reason of that outcome. */
gboolean  _pl_sender_notify_attempt    (PlSenderPush      *p,
                                        PlDeliveryStatus  *status,
                                        char             **reason);
/* An <authorize subscriber="..."/> child of the node. */
gboolean  _pl_sender_parse_authorize   (PlSender      *self,
                                        PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        GError       **error);
/* The subscription that takes pushes of @auid to @subscriber (any
 * spelling of the identity), or NULL. */
PlSenderSubscription *_pl_sender_find_active (PlSender   *self,
                                              const char *subscriber,
                                              const char *auid);
/* Does the SUBSCRIBE's Accept of @s take @content_type (§6.4.2.2 step 1)? */
gboolean  _pl_sender_subscription_accepts (PlSenderSubscription *s,
                                           const char           *content_type);

/* pl-sender-presence.c (watch, NOTIFY) and pl-sender-capabilities.c
 * (profile fetches, capability store): §8, A.4 */
typedef struct _PlSenderPresence PlSenderPresence;
PlSenderPresence *_pl_sender_presence_new  (void);
void      _pl_sender_presence_free     (PlSenderPresence *presence);
/* <watch event="presence" ...> and <unwatch event="presence" ...>. */
PlAction *_pl_sender_parse_presence_watch (PlSender      *self,
                                           PlXmlContext  *ctx,
                                           xmlNode       *element,
                                           GError       **error);
/* A NOTIFY of a presence watch: answered, TRUE; FALSE when not ours. */
gboolean  _pl_sender_presence_notify   (PlSender    *self,
                                        PlServerTxn *txn,
                                        msg_t       *msg,
                                        sip_t       *sip);
/* An HTTP answer to a device-profile fetch. */
void      _pl_sender_presence_http     (PlSender *self,
                                        PlNode   *from,
                                        GBytes   *bytes);
/* FALSE, with *@reason, when every device of @to is known not to accept
 * @content_type (use case E, alternative flow 2). */
gboolean  _pl_sender_capability_allows (PlSender    *self,
                                        const char  *to,
                                        const char  *content_type,
                                        char       **reason);
/* pl-sender-refer.c */
void      _pl_sender_refer_free        (gpointer data);
/* <refer node to app [target] [expires]/> of the timeline. */
PlAction *_pl_sender_parse_refer       (PlSender      *self,
                                        PlXmlContext  *ctx,
                                        xmlNode       *element,
                                        GError       **error);
/* A NOTIFY of one of our REFERs' subscriptions: handled (TRUE), or not
 * ours (FALSE). */
gboolean  _pl_sender_refer_notify      (PlSender    *self,
                                        PlServerTxn *txn,
                                        msg_t       *msg,
                                        sip_t       *sip);

G_END_DECLS
