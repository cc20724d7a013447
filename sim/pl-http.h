/* pl-http.h: a small HTTP/1.1 framer for the virtual network (RFC 7230
 * message syntax): a GET, a response with Content-Type and
 * Content-Length, and a strict reader of one whole message per GBytes.
 *
 * Hand-written: neither GLib nor sofia-sip parses HTTP. It frames what
 * PushLab's fetches need (a request without a body, a response with a
 * Content-Length) and refuses the rest with an error that says where
 * and what was expected; it never reads outside the bytes it is given.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PL_HTTP_ERROR (pl_http_error_quark ())
GQuark pl_http_error_quark (void);

typedef enum {
  PL_HTTP_ERROR_TRUNCATED,    /* ends before its header section or body does */
  PL_HTTP_ERROR_SYNTAX,       /* not the message syntax of RFC 7230 */
  PL_HTTP_ERROR_UNSUPPORTED,  /* HTTP this framer does not take (chunked, pipelined) */
} PlHttpError;

typedef struct _PlHttpMessage PlHttpMessage;

/* "METHOD TARGET HTTP/1.1" with Host (RFC 7230 §5.4) and, when not
 * NULL, Accept. @target is an origin-form path ("/x.rdf"). */
GBytes        *pl_http_build_request  (const char          *method,
                                       const char          *host,
                                       const char          *target,
                                       const char          *accept);
/* "HTTP/1.1 STATUS PHRASE" with the "Name: value" lines of @headers
 * (NULL-terminated, may be NULL), Content-Type when @content_type is
 * not NULL, and Content-Length of @body (NULL: empty). */
GBytes        *pl_http_build_response (int                  status,
                                       const char * const  *headers,
                                       const char          *content_type,
                                       GBytes              *body);
/* RFC 7231 §6.1's phrase of @status; "Unknown" for others. */
const char    *pl_http_reason_phrase  (int status);

/* Reads exactly one message from @bytes: its start line, its header
 * fields and a body of Content-Length bytes (a response without one:
 * the rest of @bytes). Errors are PL_HTTP_ERROR and read "byte N: what
 * is wrong; expected what". */
PlHttpMessage *pl_http_parse          (GBytes   *bytes,
                                       GError  **error);
PlHttpMessage *pl_http_parse_data     (const char *data,
                                       gsize       len,
                                       GError    **error);
void           pl_http_message_free   (PlHttpMessage *msg);

gboolean       pl_http_message_is_request  (const PlHttpMessage *msg);
/* Requests: method and request-target; NULL for a response. */
const char    *pl_http_message_get_method  (const PlHttpMessage *msg);
const char    *pl_http_message_get_target  (const PlHttpMessage *msg);
/* Responses: status code and reason phrase; 0 and NULL for a request. */
int            pl_http_message_get_status  (const PlHttpMessage *msg);
const char    *pl_http_message_get_reason  (const PlHttpMessage *msg);
/* "HTTP/1.1" */
const char    *pl_http_message_get_version (const PlHttpMessage *msg);
guint          pl_http_message_get_n_headers (const PlHttpMessage *msg);
const char    *pl_http_message_get_header_name  (const PlHttpMessage *msg,
                                                 guint                i);
const char    *pl_http_message_get_header_value (const PlHttpMessage *msg,
                                                 guint                i);
/* The first field named @name (compared without regard to case), its
 * value without surrounding whitespace; NULL when there is none. */
const char    *pl_http_message_get_header  (const PlHttpMessage *msg,
                                            const char          *name);
/* Never NULL (empty when there is no body). */
GBytes        *pl_http_message_get_body    (const PlHttpMessage *msg);
/* The trace label: "GET /syncml-phone.rdf" or "200 OK". */
char          *pl_http_message_label       (const PlHttpMessage *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlHttpMessage, pl_http_message_free)

G_END_DECLS
