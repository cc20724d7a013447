/* pl-wire.h: SIP messages as bytes, through sofia-sip.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>

G_BEGIN_DECLS

/* Parses @bytes with sofia-sip. Returns NULL when they hold no SIP
 * message at all. *problem (may be NULL) is set when the message parsed
 * but a real stack could not use it: no start line, an essential header
 * (Via, From, To, Call-ID, CSeq) missing or broken, a known header whose
 * value does not parse, a CSeq method that differs from the request's. */
msg_t  *pl_wire_parse        (GBytes  *bytes,
                              char   **problem);

/* Completes Content-Length and prints @msg as wire text. */
GBytes *pl_wire_serialize    (msg_t *msg);

/* "MESSAGE" or "200 OK" */
char   *pl_wire_label        (const sip_t *sip);

/* Every value of header @name (full or compact name, case-insensitive;
 * unknown headers too) joined with ", ", or NULL when absent. */
char   *pl_wire_header_value (msg_t      *msg,
                              const char *name);

/* The field of one header (no name, no CRLF) as sofia-sip prints it,
 * however long; g_free() it. NULL for no header or one sofia-sip cannot
 * print. Use it instead of sip_header_as_string(), which cuts fields of
 * 127 bytes or more in sofia-sip 1.12.11. */
char   *pl_wire_header_text  (const msg_header_t *h);

/* Removes every header named @name (known or unknown to sofia-sip);
 * returns how many went. */
guint   pl_wire_remove_header (msg_t      *msg,
                               const char *name);

/* Adds "@name: @value", parsed by sofia-sip as the header it is (an
 * unknown header when sofia-sip has no class for it). FALSE when the
 * value does not parse. */
gboolean pl_wire_add_header  (msg_t      *msg,
                              const char *name,
                              const char *value);

/* Appends @text as an RFC 3261 §25.1 quoted-string ("..." with \" and
 * \\ escaped), for header parameters such as pub-gruu or realm. */
void    pl_wire_append_quoted (GString    *out,
                               const char *text);

/* Does media range @range (a type such as text/plain, a type with any
 * subtype, or any type at all) take @content_type (RFC 3261 §20.1,
 * RFC 2616 §14.1)? Case-insensitive; parameters of either are ignored. */
gboolean pl_wire_media_range_matches (const char *range,
                                      const char *content_type);

/* A new message of the default SIP class, owned by the caller. */
msg_t  *pl_wire_new_msg      (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (msg_t, msg_destroy)

G_END_DECLS
