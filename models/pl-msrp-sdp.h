/* pl-msrp-sdp.h: the SDP of an MSRP push session (003_… B.3 steps 1
 * and 3; RFC 4975 §8, RFC 4145, RFC 6135, RFC 5547): a typed model of
 * the one "m=message <port> TCP/MSRP *" media description, built into
 * and read from SDP text with sofia-sip's sdp_print and sdp_parse, and
 * the offer/answer rules a push by INVITE follows (RFC 3264).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PL_MSRP_SDP_ERROR (pl_msrp_sdp_error_quark ())
GQuark pl_msrp_sdp_error_quark (void);

/* Why a description cannot be used. pl_msrp_sdp_error_status() names the
 * answer an INVITE carrying it deserves. */
typedef enum {
  PL_MSRP_SDP_ERROR_SYNTAX,       /* not SDP (RFC 4566), or a malformed attribute: 400 */
  PL_MSRP_SDP_ERROR_NO_MSRP,      /* no m=message … TCP/MSRP line: 488 */
  PL_MSRP_SDP_ERROR_ATTRIBUTE,    /* a required MSRP attribute is missing: 488 */
  PL_MSRP_SDP_ERROR_DIRECTION,    /* a direction a push cannot take: 488 */
  PL_MSRP_SDP_ERROR_SETUP,        /* connection roles that cannot meet: 488 */
  PL_MSRP_SDP_ERROR_MEDIA_FORMAT, /* no content type both sides accept: 488 */
  PL_MSRP_SDP_ERROR_REJECTED,     /* an answer that refuses the stream (port 0) */
  PL_MSRP_SDP_ERROR_MISMATCH,     /* an answer that does not fit its offer */
} PlMsrpSdpError;

/* a=setup (RFC 4145 §4). NONE: the attribute is absent. */
typedef enum {
  PL_MSRP_SETUP_NONE = 0,
  PL_MSRP_SETUP_ACTIVE,
  PL_MSRP_SETUP_PASSIVE,
  PL_MSRP_SETUP_ACTPASS,
  PL_MSRP_SETUP_HOLDCONN,
} PlMsrpSetup;

/* The media direction; same values as sofia-sip's sdp_mode_t. */
typedef enum {
  PL_MSRP_INACTIVE = 0,
  PL_MSRP_SENDONLY = 1,
  PL_MSRP_RECVONLY = 2,
  PL_MSRP_SENDRECV = 3,
} PlMsrpDirection;

#define PL_MSRP_SHA1_LEN 20

/* a=file-selector (RFC 5547 §5). */
typedef struct {
  char *name;          /* unquoted and %-decoded; NULL: no name selector */
  char *type;          /* "application/vnd.oma.push" (with its parameters); NULL: none */
  gint64 size;         /* -1: no size selector */
  gboolean has_sha1;   /* a "hash:sha-1:…" selector was given */
  guint8 sha1[PL_MSRP_SHA1_LEN];
} PlMsrpFileSelector;

/* One MSRP media description and the session lines around it. */
typedef struct {
  /* o= (RFC 4566 §5.2) */
  char *origin_user;
  guint64 origin_id;
  guint64 origin_version;
  char *origin_host;
  /* c= of the media, else of the session; an IPv6 literal without brackets */
  char *host;
  guint port;            /* 0: the stream is refused (RFC 3264 §6) */
  gboolean tls;          /* TCP/TLS/MSRP rather than TCP/MSRP */
  char **path;           /* a=path MSRP URIs (RFC 4975 §8.1), own URI last */
  char **accept_types;   /* a=accept-types (RFC 4975 §8.1) */
  PlMsrpSetup setup;
  PlMsrpDirection direction;
  char *file_transfer_id;        /* a=file-transfer-id (RFC 5547 §6); NULL: none */
  PlMsrpFileSelector *file_selector; /* NULL: none */
} PlMsrpSdp;

PlMsrpSdp  *pl_msrp_sdp_new            (void);
void        pl_msrp_sdp_free           (PlMsrpSdp *sdp);
void        pl_msrp_file_selector_free (PlMsrpFileSelector *selector);

/* "setup"-attribute values and back; _parse returns FALSE for others. */
const char *pl_msrp_setup_to_string    (PlMsrpSetup setup);
gboolean    pl_msrp_setup_parse        (const char  *text,
                                        PlMsrpSetup *setup);
const char *pl_msrp_direction_to_string (PlMsrpDirection direction);

/* The MSRP URI of an endpoint: "msrp://host:port/session-id;tcp"
 * (RFC 4975 §6; @host an IPv6 literal gets its brackets). */
char       *pl_msrp_sdp_make_uri       (const char *host,
                                        guint       port,
                                        const char *session_id,
                                        gboolean    tls);

/* B.3 step 1: the Push Sender's offer of @content. The session-id of
 * its MSRP URI is also the file-transfer-id and names the file
 * ("pushid-<id>") when @name is NULL; the file selector carries the
 * content's type, size and SHA-1. sendonly; setup passive as B.3 writes
 * it (@setup NONE: that default). */
PlMsrpSdp  *pl_msrp_sdp_new_offer      (const char  *user,
                                        const char  *host,
                                        guint        port,
                                        const char  *session_id,
                                        guint64      origin_id,
                                        PlMsrpSetup  setup,
                                        const char  *content_type,
                                        GBytes      *content,
                                        const char  *name);

/* B.3 step 3: the Push Receiver's answer to @offer. recvonly, the
 * setup role opposite the offer's, its own MSRP URI, the accept-types
 * both sides accept (@accepted NULL or holding "*": anything), and the
 * offer's file selector and file-transfer-id echoed (RFC 5547 §8.1).
 * NULL with a PL_MSRP_SDP_ERROR when the offer must be refused:
 * pl_msrp_sdp_error_status() and pl_msrp_sdp_error_warning() give the
 * 488 and its Warning code. */
PlMsrpSdp  *pl_msrp_sdp_new_answer     (const PlMsrpSdp    *offer,
                                        const char         *user,
                                        const char         *host,
                                        guint               port,
                                        const char         *session_id,
                                        guint64             origin_id,
                                        const char * const *accepted,
                                        GError            **error);

/* Does the answer fit the offer (RFC 3264 §6, RFC 4145 §4.1, RFC 5547
 * §8)? The Push Sender's check of B.3 step 4. */
gboolean    pl_msrp_sdp_check_answer   (const PlMsrpSdp  *offer,
                                        const PlMsrpSdp  *answer,
                                        GError          **error);

/* Which side opens the MSRP connection once offer and answer agree:
 * TRUE when the offerer is the active one (RFC 4145 §4.1; no setup in
 * the offer: the offerer, RFC 4975 §5.4). */
gboolean    pl_msrp_sdp_offerer_connects (const PlMsrpSdp *offer,
                                          const PlMsrpSdp *answer);

/* The answer's setup role for an offer's (RFC 4145 §4.1); FALSE when no
 * answer can meet it (holdconn: a push needs the connection now). */
gboolean    pl_msrp_setup_answer       (PlMsrpSetup  offer,
                                        PlMsrpSetup *answer);

/* The SDP text, printed by sofia-sip's sdp_print, lines in B.3's order. */
char       *pl_msrp_sdp_to_string      (const PlMsrpSdp  *sdp,
                                        GError          **error);

/* Reads the SDP text of an offer or an answer with sofia-sip's
 * sdp_parse (strict), then the MSRP attributes. An error names the line
 * or the attribute and what was expected. */
PlMsrpSdp  *pl_msrp_sdp_parse          (const char  *text,
                                        gsize        len,
                                        GError     **error);

/* a=file-selector's value (RFC 5547 §10) and back. */
PlMsrpFileSelector *pl_msrp_file_selector_parse (const char  *value,
                                                 GError     **error);
char       *pl_msrp_file_selector_to_string (const PlMsrpFileSelector *selector);

/* The SIP answer an INVITE whose SDP raised @error deserves: 400 for a
 * syntax error, 488 otherwise (RFC 3264 §6, RFC 3261 §21.4.26); and the
 * RFC 3261 §20.43 Warning code that says why (0: none). */
int         pl_msrp_sdp_error_status   (const GError *error);
int         pl_msrp_sdp_error_warning  (const GError *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlMsrpSdp, pl_msrp_sdp_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlMsrpFileSelector, pl_msrp_file_selector_free)

G_END_DECLS
