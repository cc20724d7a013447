/* pl-refer.h: the REFER vocabulary of the 2006 draft ("Use of the REFER
 * Method" and the REFER sample flow of 000_…), shared by the Push Sender
 * agent (pl-sender-refer.c) and the Push Receiver agent
 * (pl-receiver-refer.c): the Refer-To that asks for a ua-profile
 * SUBSCRIBE, its reading back, and the message/sipfrag bodies of the
 * NOTIFYs of the implicit "refer" subscription (RFC 3515).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sofia-sip/sip.h>

#include "pl-types.h"

G_BEGIN_DECLS

/* "Use of the REFER Method", sender step 2c. */
#define PL_REFER_EVENT        "ua-profile;profile-type=\"application\""
/* RFC 3515 §2.4.5 and the sample flow's step 10. */
#define PL_REFER_SIPFRAG_TYPE "message/sipfrag;version=2.0"

#define PL_REFER_ERROR (pl_refer_error_quark ())
GQuark pl_refer_error_quark (void);

/* Why a Refer-To cannot be acted on; each names the answer to the REFER. */
typedef enum {
  PL_REFER_ERROR_MALFORMED = 400,      /* no, several or an unreadable Refer-To */
  PL_REFER_ERROR_FORBIDDEN = 403,      /* a method or event this agent does not refer to */
  PL_REFER_ERROR_SCHEME = 416,         /* not a SIP URI */
} PlReferError;

/* The Accept-Contact of sender step 2d: the application's feature tag
 * with "explicit" and "require", in the sample flow's order:
 * "*;+g.oma.sip-push.0x05;explicit;require" (V1.0:
 * "*;+g.oma.pusheventapp=\"mms.ua\";explicit;require"). The plain dialect
 * speaks the 2006 one. */
char     *pl_refer_accept_contact (PlDialect   dialect,
                                   const char *app);

/* An RFC 3261 §19.1.1 hvalue: what is neither unreserved nor
 * hnv-unreserved is %-escaped, with the sample flow's lower-case hex. */
char     *pl_refer_escape_hvalue  (const char *value);

/* The Refer-To value of sender step 2: "<target;method=SUBSCRIBE?
 * Event=…&Accept-Contact=…>" (@target: a SIP URI without headers). */
char     *pl_refer_build_refer_to (PlDialect   dialect,
                                   const char *target,
                                   const char *app);

/* A Refer-To read back (receiver step 3). */
typedef struct {
  char *uri;             /* the referred URI without method and headers */
  char *method;          /* "SUBSCRIBE" (the method parameter; RFC 3261 §19.1.1) */
  char *event;           /* the Event header parameter, unescaped */
  char *accept_contact;  /* the Accept-Contact header parameter, unescaped */
  char *app;             /* the push application Accept-Contact targets */
  guint32 expires;       /* an Expires header parameter, 0 when none */
} PlReferTarget;

void      pl_refer_target_clear   (PlReferTarget *target);

/* Reads @refer_to (the request's parsed Refer-To list) as a referred
 * ua-profile SUBSCRIBE. FALSE with a PL_REFER_ERROR whose code is the
 * answer the REFER deserves. */
gboolean  pl_refer_parse_refer_to (PlDialect              dialect,
                                   const sip_refer_to_t  *refer_to,
                                   PlReferTarget         *target,
                                   GError               **error);

/* "SIP/2.0 200 OK\r\n": a sipfrag of a status line only (RFC 3515
 * §2.4.5); @phrase NULL: the standard one. */
GBytes   *pl_refer_sipfrag        (int         status,
                                   const char *phrase);

/* The status line a sipfrag starts with: its code, and the line without
 * CRLF in @line. FALSE when the body starts with no SIP status line. */
gboolean  pl_refer_parse_sipfrag  (const char  *data,
                                   gsize        len,
                                   int         *status,
                                   char       **line);

G_END_DECLS
