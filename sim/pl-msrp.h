/* pl-msrp.h: MSRP frames (RFC 4975 §7, §9): building, printing and
 * parsing requests and responses, and a framer that cuts them out of a
 * TCP byte stream. sofia-sip has no MSRP; this is PushLab's own.
 *
 * A frame's body is a GBytes: a parsed frame's body is a slice of the
 * bytes it was parsed from, so content is never copied per hop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PL_MSRP_ERROR (pl_msrp_error_quark ())
GQuark pl_msrp_error_quark (void);

typedef enum {
  PL_MSRP_ERROR_SYNTAX,        /* not an MSRP frame */
  PL_MSRP_ERROR_TOO_LARGE,     /* past the framer's limits */
  PL_MSRP_ERROR_END_LINE_IN_BODY, /* the body holds the frame's own end-line */
} PlMsrpError;

typedef enum {
  PL_MSRP_REQUEST,
  PL_MSRP_RESPONSE,
} PlMsrpKind;

/* The end-line's continuation flag (RFC 4975 §7.1). */
typedef enum {
  PL_MSRP_FLAG_END = '$',      /* the last chunk of the message */
  PL_MSRP_FLAG_MORE = '+',     /* more chunks follow */
  PL_MSRP_FLAG_ABORT = '#',    /* the sender gives up on the message */
} PlMsrpFlag;

/* Longest header section and body a parser accepts. */
#define PL_MSRP_MAX_HEADER_SECTION (64 * 1024)
#define PL_MSRP_MAX_BODY (16 * 1024 * 1024)

typedef struct _PlMsrpFrame PlMsrpFrame;

PlMsrpFrame *pl_msrp_request_new          (const char *transaction_id,
                                           const char *method);
PlMsrpFrame *pl_msrp_response_new         (const char *transaction_id,
                                           guint       status,
                                           const char *phrase);
void         pl_msrp_frame_free           (PlMsrpFrame *frame);

PlMsrpKind   pl_msrp_frame_get_kind       (const PlMsrpFrame *frame);
const char  *pl_msrp_frame_get_transaction_id (const PlMsrpFrame *frame);
/* Requests: "SEND", "REPORT", or another method. */
const char  *pl_msrp_frame_get_method     (const PlMsrpFrame *frame);
/* Responses: the status code and the comment (may be NULL). */
guint        pl_msrp_frame_get_status     (const PlMsrpFrame *frame);
const char  *pl_msrp_frame_get_phrase     (const PlMsrpFrame *frame);

/* Headers in order. To-Path and From-Path must be the first two
 * (RFC 4975 §9); Content-Type goes with the body. */
void         pl_msrp_frame_add_header     (PlMsrpFrame *frame,
                                           const char  *name,
                                           const char  *value);
/* The first header named @name (case-insensitive), or NULL. */
const char  *pl_msrp_frame_get_header     (const PlMsrpFrame *frame,
                                           const char        *name);
guint        pl_msrp_frame_get_n_headers  (const PlMsrpFrame *frame);
void         pl_msrp_frame_get_nth_header (const PlMsrpFrame *frame,
                                           guint              n,
                                           const char       **name,
                                           const char       **value);

/* @content_type NULL: no body. */
void         pl_msrp_frame_set_body       (PlMsrpFrame *frame,
                                           const char  *content_type,
                                           GBytes      *body);
const char  *pl_msrp_frame_get_content_type (const PlMsrpFrame *frame);
/* NULL when the frame has no body. */
GBytes      *pl_msrp_frame_get_body       (const PlMsrpFrame *frame);
void         pl_msrp_frame_set_flag       (PlMsrpFrame *frame,
                                           PlMsrpFlag   flag);
PlMsrpFlag   pl_msrp_frame_get_flag       (const PlMsrpFrame *frame);

/* The frame on the wire. Fails when the body holds the end-line
 * (RFC 4975 §7.1: the sender picks a transaction id that avoids it). */
GBytes      *pl_msrp_frame_to_bytes       (const PlMsrpFrame  *frame,
                                           GError            **error);

/* One frame at the start of @data[@offset..]. Returns NULL without an
 * error when the bytes end before the frame does; sets *@consumed to the
 * frame's length when one is returned. The body is a slice of @data. */
PlMsrpFrame *pl_msrp_frame_parse          (GBytes  *data,
                                           gsize    offset,
                                           gsize   *consumed,
                                           GError **error);

/* "start-end/total" (RFC 4975 §9 Byte-Range); @end and @total are -1
 * for "*". FALSE when @value is not one, or start is 0 or past end. */
gboolean     pl_msrp_parse_byte_range     (const char *value,
                                           guint64    *start,
                                           gint64     *end,
                                           gint64     *total);
/* "000 200 OK" (RFC 4975 §9 Status): namespace, code, comment (or
 * NULL; points into @value). */
gboolean     pl_msrp_parse_status         (const char  *value,
                                           guint       *ns,
                                           guint       *code,
                                           const char **comment);
/* Is @id a transact-id of RFC 4975 §9 (alphanumeric, then 3 to 31 of
 * alphanumerics and ".-+%=")? */
gboolean     pl_msrp_is_transaction_id    (const char *id);

/* A TCP stream's frames, in order, as bytes arrive. */
typedef struct _PlMsrpFramer PlMsrpFramer;

PlMsrpFramer *pl_msrp_framer_new          (void);
void          pl_msrp_framer_free         (PlMsrpFramer *framer);
void          pl_msrp_framer_push         (PlMsrpFramer *framer,
                                           GBytes       *bytes);
/* The next complete frame, or NULL: no error when more bytes are needed;
 * after an error the stream cannot be resynchronised (RFC 4975 §7.3
 * closes the connection) and every later call fails too. */
PlMsrpFrame  *pl_msrp_framer_next         (PlMsrpFramer  *framer,
                                           GError       **error);
gsize         pl_msrp_framer_get_pending  (PlMsrpFramer *framer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlMsrpFrame, pl_msrp_frame_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlMsrpFramer, pl_msrp_framer_free)

G_END_DECLS
