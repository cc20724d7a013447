/* pl-sender-private.h: what the Push Sender's files share: pl-sender.c
 * (MESSAGE pushes, Appendix C, retries, third-party REGISTER) and
 * pl-sender-notify.c (ua-profile subscriptions and pushes by NOTIFY,
 * §6.4.2).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

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
} PlSenderMethod;

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

  char *call_id;          /* MESSAGE: every attempt in the same Call-ID */
  char *from_tag;
  guint32 cseq;
  guint attempts;         /* requests sent so far */
  PlDeliveryStatus status;
  PlTimer *retry_timer;
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
  GPtrArray *refers;      /* PlSenderRefer*, refer n at index n - 1 */
};

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
