/* test-registrar.c: the location service (RFC 3261 §10.3, RFC 5627 GRUU,
 * RFC 3327 Path), caller-preference routing (RFC 3841 §7.2) and digest
 * authentication (RFC 2617).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-digest.h"
#include "pl-registrar.h"
#include "pl-wire.h"

#define INSTANCE "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
#define AOR "sip:user@domain.com"

/* ---- messages from text ---- */

/* @text with "\n" line ends made CRLF, as SIP wants them, unless it has
 * CRLF already (a message printed by sofia-sip). */
static msg_t *
parse_text (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *crlf = strstr (text, "\r\n") ? g_strdup (text) : g_strjoinv ("\r\n", lines);
  msg_t *msg = msg_make (sip_default_mclass (), 0, crlf, strlen (crlf));

  g_assert_nonnull (msg);
  g_assert_nonnull (sip_object (msg));
  return msg;
}

static msg_t *
make_register (const char *call_id,
               guint32     cseq,
               const char *headers)
{
  /* 003_… B.1 step 1, with the To host in capitals: the AoR is
   * canonical. */
  g_autofree char *text = g_strdup_printf ("REGISTER sip:registrar.domain.com SIP/2.0\n"
                                           "Via: SIP/2.0/UDP pra1.domain.com:5060;branch=z9hG4bK%u\n"
                                           "Max-Forwards: 70\n"
                                           "To: \"Bob\" <sip:user@Domain.COM>\n"
                                           "From: \"Bob\" <sip:user@domain.com>;tag=456248\n"
                                           "Call-ID: %s\n"
                                           "CSeq: %u REGISTER\n"
                                           "%s"
                                           "Content-Length: 0\n"
                                           "\n",
                                           cseq, call_id, cseq, headers);
  return parse_text (text);
}

static msg_t *
make_message (const char *headers)
{
  g_autofree char *text = g_strdup_printf ("MESSAGE sip:user@domain.com SIP/2.0\n"
                                           "Via: SIP/2.0/UDP ppg.domain.com;branch=z9hG4bKm1\n"
                                           "Max-Forwards: 70\n"
                                           "To: <sip:user@domain.com>\n"
                                           "From: <sip:ppg@domain.com>;tag=1\n"
                                           "Call-ID: m1@ppg\n"
                                           "CSeq: 1 MESSAGE\n"
                                           "%s"
                                           "Content-Length: 0\n"
                                           "\n",
                                           headers);
  return parse_text (text);
}

static char *
print_msg (msg_t *msg)
{
  g_autoptr (GBytes) bytes = pl_wire_serialize (msg);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

/* ---- fixture: one registrar of the 2006 dialect ---- */

typedef struct {
  PlRegistrar *reg;
  PlRegisterResult result;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->reg = pl_registrar_new (GPOINTER_TO_INT (data));
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  pl_register_result_clear (&f->result);
  pl_registrar_free (f->reg);
}

/* Applies a REGISTER; the message is gone afterwards, so the store must
 * hold its own copies. */
static int
do_register (Fixture    *f,
             PlTime      now,
             const char *call_id,
             guint32     cseq,
             const char *headers)
{
  g_autoptr (msg_t) msg = make_register (call_id, cseq, headers);

  pl_register_result_clear (&f->result);
  pl_registrar_register (f->reg, sip_object (msg), now, &f->result);
  if (f->result.status == 200)
    g_assert_null (f->result.detail);
  else
    g_assert_nonnull (f->result.detail);
  return f->result.status;
}

static GPtrArray *
lookup (Fixture    *f,
        const char *uri,
        PlTime      now)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url = url_make (home, uri);
  GPtrArray *found;

  g_assert_nonnull (url);
  found = pl_registrar_lookup (f->reg, url, now);
  su_home_deinit (home);
  return found;
}

/* The binding of @uri in @bindings; the test ends when there is none. */
static PlBinding *
find_binding (GPtrArray  *bindings,
              const char *uri)
{
  for (guint i = 0; bindings && i < bindings->len; i++)
    {
      PlBinding *b = g_ptr_array_index (bindings, i);
      if (g_strcmp0 (b->uri, uri) == 0)
        return b;
    }
  g_error ("no binding of %s", uri);
}

/* ---- registration ---- */

static void
test_initial (Fixture       *f,
              gconstpointer  data)
{
  GPtrArray *found;
  PlBinding *b;

  g_test_summary ("An initial REGISTER stores one binding under the canonical AoR, "
                  "is classified INITIAL, and lookup finds it in any spelling of the AoR");

  g_assert_cmpint (do_register (f, PL_SEC (10), "c1@ua", 1826,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 7200\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_INITIAL);
  g_assert_cmpint (f->result.granted, ==, PL_SEC (7200));
  g_assert_false (f->result.push_tags_removed);
  g_assert_nonnull (f->result.bindings);
  g_assert_cmpuint (f->result.bindings->len, ==, 1);

  b = g_ptr_array_index (f->result.bindings, 0);
  g_assert_cmpstr (b->aor, ==, AOR);
  g_assert_cmpstr (b->uri, ==, "sip:user@192.0.2.4");
  g_assert_cmpstr (b->contact, ==, "<sip:user@192.0.2.4>");
  g_assert_cmpstr (b->call_id, ==, "c1@ua");
  g_assert_cmpuint (b->cseq, ==, 1826);
  g_assert_cmpfloat (b->q, ==, 1.0);
  g_assert_null (b->instance);
  g_assert_null (b->pub_gruu);
  g_assert_null (b->path);
  g_assert_cmpint (b->expires_at, ==, PL_SEC (10) + PL_SEC (7200));
  g_assert_nonnull (b->header);
  g_assert_cmpstr (b->header->m_url->url_host, ==, "192.0.2.4");

  found = lookup (f, "sip:user@DOMAIN.com;transport=udp", PL_SEC (20));
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == b);
  g_assert_null (lookup (f, "sip:other@domain.com", PL_SEC (20)));
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 1);
  g_assert_cmpint (pl_registrar_next_expiry (f->reg), ==, PL_SEC (7210));
}

static void
test_expires_sources (Fixture       *f,
                      gconstpointer  data)
{
  GPtrArray *found;

  g_test_summary ("A contact's expiry is its expires parameter, else the Expires header, "
                  "else 3600 s (RFC 3261 §10.2.1.1); above the maximum it is lowered");

  pl_registrar_set_expires_range (f->reg, 60, 10000);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:a@192.0.2.1>;expires=300, <sip:b@192.0.2.2>\n"
                                "Expires: 7200\n"), ==, 200);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 2, "Contact: <sip:c@192.0.2.3>\n"), ==, 200);
  g_assert_cmpint (f->result.granted, ==, PL_SEC (3600));
  g_assert_cmpint (do_register (f, 0, "c1@ua", 3,
                                "Contact: <sip:d@192.0.2.4>\nExpires: 600000\n"), ==, 200);
  g_assert_cmpint (f->result.granted, ==, PL_SEC (10000));

  found = lookup (f, AOR, 0);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 4);
  g_assert_cmpint (find_binding (found, "sip:a@192.0.2.1")->expires_at, ==, PL_SEC (300));
  g_assert_cmpint (find_binding (found, "sip:b@192.0.2.2")->expires_at, ==, PL_SEC (7200));
  g_assert_cmpint (find_binding (found, "sip:c@192.0.2.3")->expires_at, ==, PL_SEC (3600));
  g_assert_cmpint (find_binding (found, "sip:d@192.0.2.4")->expires_at, ==, PL_SEC (10000));

  g_assert_cmpint (do_register (f, 0, "c1@ua", 4, "Contact: <sip:e@192.0.2.5>;expires=soon\n"),
                   ==, 400);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 4);
}

static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  GPtrArray *found;

  g_test_summary ("A refresh of the same contact keeps one binding with the new expiry "
                  "and is a re-registration");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 600\n"), ==, 200);
  g_assert_cmpint (do_register (f, PL_SEC (300), "c1@ua", 2,
                                "Contact: <sip:user@192.0.2.4>;q=0.5\nExpires: 600\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_RE);
  found = lookup (f, AOR, PL_SEC (700));
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((PlBinding *) g_ptr_array_index (found, 0))->expires_at, ==, PL_SEC (900));
  g_assert_cmpfloat (((PlBinding *) g_ptr_array_index (found, 0))->q, ==, 0.5);
  g_assert_cmpuint (((PlBinding *) g_ptr_array_index (found, 0))->cseq, ==, 2);

  /* Another Call-ID may use any CSeq (§10.3 step 7). */
  g_assert_cmpint (do_register (f, PL_SEC (400), "c2@ua", 1,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 600\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_RE);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 1);
}

static void
test_expiry (Fixture       *f,
             gconstpointer  data)
{
  g_auto (GStrv) none = NULL;
  g_auto (GStrv) gone = NULL;
  g_auto (GStrv) again = NULL;

  g_test_summary ("A binding is visible until its expiry on virtual time; "
                  "pl_registrar_expire() removes it and names the AoR that lost its last one");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 120\n"), ==, 200);
  g_assert_cmpint (do_register (f, 0, "c9@ua", 1,
                                "Contact: <sip:user@192.0.2.9>\nExpires: 600\n"), ==, 200);
  g_assert_cmpint (pl_registrar_next_expiry (f->reg), ==, PL_SEC (120));
  g_assert_nonnull (lookup (f, AOR, PL_SEC (119)));
  g_assert_cmpuint (lookup (f, AOR, PL_SEC (120))->len, ==, 1);

  none = pl_registrar_expire (f->reg, PL_SEC (120));
  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 1);
  g_assert_cmpint (pl_registrar_next_expiry (f->reg), ==, PL_SEC (600));

  g_assert_null (lookup (f, AOR, PL_SEC (600)));
  gone = pl_registrar_expire (f->reg, PL_SEC (600));
  g_assert_cmpuint (g_strv_length (gone), ==, 1);
  g_assert_cmpstr (gone[0], ==, AOR);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 0);
  g_assert_cmpint (pl_registrar_next_expiry (f->reg), ==, G_MAXINT64);
  again = pl_registrar_expire (f->reg, PL_SEC (601));
  g_assert_cmpuint (g_strv_length (again), ==, 0);

  /* Registering after expiry is an initial registration again. */
  g_assert_cmpint (do_register (f, PL_SEC (700), "c1@ua", 2,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 120\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_INITIAL);
}

static void
test_deregister (Fixture       *f,
                 gconstpointer  data)
{
  g_test_summary ("Expires: 0 and Contact \"*\" remove bindings (DE); \"*\" is refused "
                  "without Expires: 0 or next to another Contact");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>\n"), ==, 200);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 2, "Contact: <sip:a@192.0.2.1>;expires=0\n"),
                   ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_RE);
  g_assert_cmpuint (f->result.bindings->len, ==, 1);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 3, "Contact: <sip:b@192.0.2.2>\nExpires: 0\n"),
                   ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_DE);
  g_assert_cmpint (f->result.granted, ==, 0);
  g_assert_null (lookup (f, AOR, 0));

  g_assert_cmpint (do_register (f, 0, "c1@ua", 4,
                                "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_INITIAL);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 5, "Contact: *\n"), ==, 400);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 6, "Contact: *\nExpires: 60\n"), ==, 400);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 7,
                                "Contact: *\nContact: <sip:a@192.0.2.1>\nExpires: 0\n"), ==, 400);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 2);
  /* "*" obeys the CSeq rule too. */
  g_assert_cmpint (do_register (f, 0, "c1@ua", 4, "Contact: *\nExpires: 0\n"), ==, 500);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 2);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 8, "Contact: *\nExpires: 0\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_DE);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 0);
  g_assert_null (lookup (f, AOR, 0));
}

static void
test_too_brief (Fixture       *f,
                gconstpointer  data)
{
  g_test_summary ("A non-zero expiry below the minimum gets 423 with Min-Expires, and "
                  "nothing of the request is committed");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1, "Contact: <sip:user@192.0.2.4>\nExpires: 30\n"),
                   ==, 423);
  g_assert_cmpuint (f->result.min_expires, ==, 60);
  g_assert_null (f->result.bindings);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 2,
                                "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>;expires=59\n"),
                   ==, 423);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 0);

  pl_registrar_set_expires_range (f->reg, 10, 100);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 3, "Contact: <sip:user@192.0.2.4>\nExpires: 30\n"),
                   ==, 200);
  g_assert_cmpint (f->result.granted, ==, PL_SEC (30));
}

static void
test_stale_cseq (Fixture       *f,
                 gconstpointer  data)
{
  g_test_summary ("A REGISTER of the same Call-ID without a higher CSeq fails with 500 "
                  "and leaves the binding untouched (RFC 3261 §10.3 step 7)");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 5, "Contact: <sip:user@192.0.2.4>\nExpires: 600\n"),
                   ==, 200);
  g_assert_cmpint (do_register (f, PL_SEC (10), "c1@ua", 5,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 900\n"), ==, 500);
  g_assert_cmpstr (f->result.phrase, ==, "Server Internal Error");
  g_assert_nonnull (strstr (f->result.detail, "CSeq 5"));
  g_assert_cmpint (do_register (f, PL_SEC (10), "c1@ua", 4,
                                "Contact: <sip:user@192.0.2.4>;expires=0\n"), ==, 500);
  g_assert_cmpint (((PlBinding *) g_ptr_array_index (lookup (f, AOR, 0), 0))->expires_at, ==,
                   PL_SEC (600));
  g_assert_cmpint (do_register (f, PL_SEC (10), "c1@ua", 6,
                                "Contact: <sip:user@192.0.2.4>\nExpires: 900\n"), ==, 200);
  g_assert_cmpint (((PlBinding *) g_ptr_array_index (lookup (f, AOR, 0), 0))->expires_at, ==,
                   PL_SEC (910));
}

static void
test_two_contacts (Fixture       *f,
                   gconstpointer  data)
{
  GPtrArray *found;

  g_test_summary ("Two devices of one AoR keep two bindings, from one Contact list or from "
                  "separate REGISTERs");

  g_assert_cmpint (do_register (f, 0, "c1@ua1", 1, "Contact: <sip:user@192.0.2.1>\n"), ==, 200);
  g_assert_cmpint (do_register (f, 0, "c1@ua2", 1,
                                "Contact: <sip:user@192.0.2.2>;q=0.7\n"
                                "Contact: <sip:user@192.0.2.3>\n"), ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_RE);
  found = lookup (f, AOR, 0);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpfloat (find_binding (found, "sip:user@192.0.2.2")->q, ==, 0.7);
  g_assert_cmpstr (find_binding (found, "sip:user@192.0.2.1")->contact, ==, "<sip:user@192.0.2.1>");
  g_assert_cmpstr (find_binding (found, "sip:user@192.0.2.3")->contact, ==, "<sip:user@192.0.2.3>");
}

static void
test_instance (Fixture       *f,
               gconstpointer  data)
{
  GPtrArray *found;
  PlBinding *b;

  g_test_summary ("A contact with the +sip.instance of a binding replaces it, even from a "
                  "new address and Call-ID (RFC 5626, RFC 5627)");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\"\n"),
                   ==, 200);
  b = g_ptr_array_index (f->result.bindings, 0);
  g_assert_cmpstr (b->instance, ==, INSTANCE);
  g_assert_cmpint (do_register (f, PL_SEC (5), "c2@ua", 1,
                                "Contact: <sip:user@192.0.2.99:5062>;+sip.instance=\"<" INSTANCE ">\"\n"),
                   ==, 200);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_RE);
  found = lookup (f, AOR, PL_SEC (5));
  g_assert_cmpuint (found->len, ==, 1);
  b = g_ptr_array_index (found, 0);
  g_assert_cmpstr (b->uri, ==, "sip:user@192.0.2.99:5062");
  g_assert_cmpstr (b->call_id, ==, "c2@ua");

  /* The same URI with another instance is another device. */
  g_assert_cmpint (do_register (f, PL_SEC (5), "c3@ua", 1,
                                "Contact: <sip:user@192.0.2.99:5062>;+sip.instance=\"<urn:uuid:other>\"\n"),
                   ==, 200);
  g_assert_cmpuint (lookup (f, AOR, PL_SEC (5))->len, ==, 2);
}

static void
test_push_tags_2006 (Fixture       *f,
                     gconstpointer  data)
{
  g_test_summary ("Re-registering without the 2006 push feature tag sets push_tags_removed "
                  "(000_… §7.2 deregistration step 2)");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.4>;+g.oma.sip-push.0x05\n"), ==, 200);
  g_assert_false (f->result.push_tags_removed);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 2,
                                "Contact: <sip:user@192.0.2.4>;+g.oma.sip-push.0x05\n"), ==, 200);
  g_assert_false (f->result.push_tags_removed);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 3, "Contact: <sip:user@192.0.2.4>\n"), ==, 200);
  g_assert_true (f->result.push_tags_removed);
  g_assert_cmpint (f->result.kind, ==, PL_REGISTRATION_RE);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 4, "Contact: <sip:user@192.0.2.4>\n"), ==, 200);
  g_assert_false (f->result.push_tags_removed);

  /* The V1.0 tag is no push tag of the 2006 dialect. */
  g_assert_cmpint (do_register (f, 0, "c1@ua", 5,
                                "Contact: <sip:user@192.0.2.4>;+g.oma.pusheventapp=\"mms.ua\"\n"),
                   ==, 200);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 6, "Contact: <sip:user@192.0.2.4>\n"), ==, 200);
  g_assert_false (f->result.push_tags_removed);
}

static void
test_push_tags_1_0 (Fixture       *f,
                    gconstpointer  data)
{
  g_test_summary ("Re-registering without +g.oma.pusheventapp sets push_tags_removed in the "
                  "V1.0 dialect");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\";"
                                "+g.oma.pusheventapp=\"mms.ua\"\n"), ==, 200);
  g_assert_false (f->result.push_tags_removed);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 2,
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\"\n"),
                   ==, 200);
  g_assert_true (f->result.push_tags_removed);
  g_assert_cmpuint (pl_registrar_get_n_bindings (f->reg), ==, 1);
}

static void
test_gruu (Fixture       *f,
           gconstpointer  data)
{
  GPtrArray *found;
  PlBinding *b;

  g_test_summary ("GRUUs are assigned only with Supported: gruu and an instance; a GRUU "
                  "finds its own binding only, every temp-GRUU stays valid while it lives");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\"\n"),
                   ==, 200);
  g_assert_null (((PlBinding *) g_ptr_array_index (f->result.bindings, 0))->pub_gruu);

  pl_registrar_set_gruu (f->reg, TRUE);
  g_assert_cmpint (do_register (f, 0, "c1@ua", 2,
                                "Supported: path, gruu\n"
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\"\n"
                                "Contact: <sip:user@192.0.2.5>\n"),
                   ==, 200);
  found = lookup (f, AOR, 0);
  g_assert_cmpuint (found->len, ==, 2);
  b = find_binding (found, "sip:user@192.0.2.4");
  g_assert_cmpstr (b->pub_gruu, ==, AOR ";gr=" INSTANCE);
  g_assert_cmpstr (b->temp_gruu, ==, "sip:tgruu.1@domain.com;gr");
  g_assert_null (find_binding (found, "sip:user@192.0.2.5")->pub_gruu);
  g_assert_null (find_binding (found, "sip:user@192.0.2.5")->temp_gruu);

  found = lookup (f, AOR ";gr=" INSTANCE, 0);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == b);
  found = lookup (f, "sip:tgruu.1@domain.com;gr", 0);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == b);
  g_assert_null (lookup (f, AOR ";gr=urn:uuid:00000000-0000-0000-0000-000000000000", 0));
  g_assert_null (lookup (f, "sip:tgruu.7@domain.com;gr", 0));

  /* A refresh gets a new temp-GRUU; the first one still works. */
  g_assert_cmpint (do_register (f, 0, "c1@ua", 3,
                                "Supported: gruu\n"
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\"\n"),
                   ==, 200);
  g_assert_cmpstr (b->temp_gruu, ==, "sip:tgruu.2@domain.com;gr");
  g_assert_true (g_ptr_array_index (lookup (f, "sip:tgruu.1@domain.com;gr", 0), 0) == b);
  g_assert_true (g_ptr_array_index (lookup (f, "sip:tgruu.2@domain.com;gr", 0), 0) == b);

  /* Gone with the binding. */
  g_assert_cmpint (do_register (f, 0, "c1@ua", 4,
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\";"
                                "expires=0\n"),
                   ==, 200);
  g_assert_null (lookup (f, "sip:tgruu.1@domain.com;gr", 0));
  g_assert_null (lookup (f, AOR ";gr=" INSTANCE, 0));
  g_assert_cmpuint (lookup (f, AOR, 0)->len, ==, 1);

  /* The same URI registered again without its instance keeps the
   * binding but no longer names the instance: its GRUUs end. */
  g_assert_cmpint (do_register (f, 0, "c1@ua", 5,
                                "Supported: gruu\n"
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\"\n"),
                   ==, 200);
  g_assert_nonnull (lookup (f, "sip:tgruu.3@domain.com;gr", 0));
  g_assert_cmpint (do_register (f, 0, "c1@ua", 6, "Supported: gruu\nContact: <sip:user@192.0.2.4>\n"),
                   ==, 200);
  g_assert_cmpuint (lookup (f, AOR, 0)->len, ==, 2);
  b = find_binding (lookup (f, AOR, 0), "sip:user@192.0.2.4");
  g_assert_null (b->instance);
  g_assert_null (b->pub_gruu);
  g_assert_null (b->temp_gruu);
  g_assert_null (lookup (f, "sip:tgruu.3@domain.com;gr", 0));
  g_assert_null (lookup (f, AOR ";gr=" INSTANCE, 0));
}

static void
test_ok_contacts (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (msg_t) ok = NULL;
  g_autoptr (msg_t) back = NULL;
  g_autofree char *text = NULL;
  const sip_contact_t *m;

  g_test_summary ("The 200 to REGISTER lists every binding with the seconds left and the "
                  "quoted pub-gruu/temp-gruu of 003_… B.1 step 2");

  pl_registrar_set_gruu (f->reg, TRUE);
  g_assert_cmpint (do_register (f, 0, "843817637684230@998sdasdh09", 1826,
                                "Supported: gruu\n"
                                "Contact: <sip:user@192.0.2.4>;+sip.instance=\"<" INSTANCE ">\";"
                                "+g.oma.pusheventapp=\"mms.ua\"\n"
                                "Expires: 7200\n"),
                   ==, 200);
  g_assert_cmpint (do_register (f, PL_SEC (60), "other@ua", 1,
                                "Contact: <sip:user@192.0.2.8>;q=0.5;expires=600\n"), ==, 200);

  ok = parse_text ("SIP/2.0 200 OK\n"
                   "Via: SIP/2.0/UDP pra1.domain.com:5060;branch=z9hG4bKnashds7\n"
                   "To: \"Bob\" <sip:user@domain.com>;tag=2493k59kd\n"
                   "From: \"Bob\" <sip:user@domain.com>;tag=456248\n"
                   "Call-ID: other@ua\n"
                   "CSeq: 1 REGISTER\n"
                   "Content-Length: 0\n"
                   "\n");
  pl_registrar_add_contacts (f->reg, f->result.bindings, PL_SEC (100), ok);
  text = print_msg (ok);
  g_assert_nonnull (strstr (text,
                            "Contact: <sip:user@192.0.2.4>"
                            ";pub-gruu=\"sip:user@domain.com;gr=" INSTANCE "\""
                            ";temp-gruu=\"sip:tgruu.1@domain.com;gr\""
                            ";+sip.instance=\"<" INSTANCE ">\""
                            ";+g.oma.pusheventapp=\"mms.ua\""
                            ";expires=7100\r\n"));
  g_assert_nonnull (strstr (text, "Contact: <sip:user@192.0.2.8>;q=0.5;expires=560\r\n"));

  /* And a UA can read it back. */
  back = parse_text (text);
  m = sip_object (back)->sip_contact;
  g_assert_nonnull (m);
  g_assert_cmpstr (m->m_expires, ==, "7100");
  g_assert_cmpstr (msg_params_find (m->m_params, "temp-gruu"), ==,
                   "\"sip:tgruu.1@domain.com;gr\"");
  g_assert_nonnull (m->m_next);
  g_assert_cmpstr (m->m_next->m_expires, ==, "560");
  g_assert_null (m->m_next->m_next);
}

static void
test_path (Fixture       *f,
           gconstpointer  data)
{
  g_test_summary ("The Path of a REGISTER is kept with its bindings (RFC 3327 §5.3)");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Path: <sip:pcscf.visited.net;lr>\n"
                                "Path: <sip:edge.visited.net;lr>\n"
                                "Contact: <sip:user@192.0.2.4>\n"),
                   ==, 200);
  g_assert_cmpstr (((PlBinding *) g_ptr_array_index (f->result.bindings, 0))->path, ==,
                   "<sip:pcscf.visited.net;lr>, <sip:edge.visited.net;lr>");
}

/* sofia-sip 1.12.11's sip_header_as_string() leaves out the last
 * parameter of a field of 127 bytes or more (and does not end the text):
 * the binding's printed Contact must be whole at any length. */
static void
test_long_contact (Fixture       *f,
                   gconstpointer  data)
{
  g_test_summary ("A Contact of 127 bytes or more is kept with every parameter, up to "
                  "the last one");

  for (guint len = 120; len <= 300; len += len < 135 ? 1 : 55)
    {
      g_autofree char *head = g_strdup_printf ("<sip:user@192.0.2.9>;+g.oma.sip-push.0x05;x=");
      g_autofree char *filler = NULL;
      g_autofree char *contact = NULL;
      g_autofree char *header = NULL;
      g_autofree char *cid = g_strdup_printf ("long%u@ua", len);
      PlBinding *b;

      g_assert_cmpuint (len, >, strlen (head) + strlen (";last=1"));
      filler = g_strnfill (len - strlen (head) - strlen (";last=1"), 'a');
      contact = g_strdup_printf ("%s%s;last=1", head, filler);
      g_assert_cmpuint (strlen (contact), ==, len);
      header = g_strdup_printf ("Contact: %s\n", contact);
      g_assert_cmpint (do_register (f, 0, cid, 1, header), ==, 200);
      b = find_binding (f->result.bindings, "sip:user@192.0.2.9");
      g_assert_cmpstr (b->contact, ==, contact);
    }
}

/* ---- caller preferences ---- */

/* ua1 and ua4 registered the 2006 push tag; ua2 nothing at all (sofia-sip
 * calls it immune); ua3 only an instance. */
static GPtrArray *
register_four (Fixture *f)
{
  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.1>;+g.oma.sip-push.0x05\n"
                                "Contact: <sip:user@192.0.2.2>\n"
                                "Contact: <sip:user@192.0.2.3>;+sip.instance=\"<urn:uuid:3>\"\n"
                                "Contact: <sip:user@192.0.2.4>;+g.oma.sip-push.0x05;q=0.5\n"),
                   ==, 200);
  return lookup (f, AOR, 0);
}

static GPtrArray *
select_targets (GPtrArray  *bindings,
                const char *headers,
                GString    *why)
{
  g_autoptr (msg_t) msg = make_message (headers);

  return pl_callerpref_select (bindings, sip_object (msg), why);
}

static const char *
target (GPtrArray *groups,
        guint      group,
        guint      index)
{
  GPtrArray *g = g_ptr_array_index (groups, group);

  return ((PlBinding *) g_ptr_array_index (g, index))->uri;
}

static guint
group_len (GPtrArray *groups,
           guint      group)
{
  return ((GPtrArray *) g_ptr_array_index (groups, group))->len;
}

static void
test_prefs_require_explicit (Fixture       *f,
                             gconstpointer  data)
{
  GPtrArray *bindings = register_four (f);
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GString) why = g_string_new (NULL);

  g_test_summary ("Accept-Contact *;+g.oma.sip-push.0x05;require;explicit keeps exactly the "
                  "contacts registered with the tag (000_… §6.3.2 step 1)");

  groups = select_targets (bindings, "Accept-Contact: *;+g.oma.sip-push.0x05;require;explicit\n",
                           why);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpuint (group_len (groups, 0), ==, 1);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.1");
  g_assert_cmpuint (group_len (groups, 1), ==, 1);
  g_assert_cmpstr (target (groups, 1, 0), ==, "sip:user@192.0.2.4");
  g_assert_nonnull (strstr (why->str, "sip:user@192.0.2.2: dropped"));
  g_assert_nonnull (strstr (why->str, "sip:user@192.0.2.3: dropped"));
  g_assert_nonnull (strstr (why->str, "sip:user@192.0.2.1: Qa 1.000, q 1.000, group 1"));
}

static void
test_prefs_none (Fixture       *f,
                 gconstpointer  data)
{
  GPtrArray *bindings = register_four (f);
  g_autoptr (GPtrArray) groups = NULL;

  g_test_summary ("Without Accept-Contact or Reject-Contact every contact is a target, "
                  "grouped by q, highest first");

  groups = select_targets (bindings, "", NULL);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpuint (group_len (groups, 0), ==, 3);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.1");
  g_assert_cmpstr (target (groups, 0, 1), ==, "sip:user@192.0.2.2");
  g_assert_cmpstr (target (groups, 0, 2), ==, "sip:user@192.0.2.3");
  g_assert_cmpuint (group_len (groups, 1), ==, 1);
  g_assert_cmpstr (target (groups, 1, 0), ==, "sip:user@192.0.2.4");

  g_clear_pointer (&groups, g_ptr_array_unref);
  groups = select_targets (NULL, "", NULL);
  g_assert_nonnull (groups);
  g_assert_cmpuint (groups->len, ==, 0);
}

static void
test_prefs_reject (Fixture       *f,
                   gconstpointer  data)
{
  GPtrArray *bindings = register_four (f);
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GString) why = g_string_new (NULL);

  g_test_summary ("Reject-Contact drops the contacts that registered its features");

  groups = select_targets (bindings, "Reject-Contact: *;+g.oma.sip-push.0x05\n", why);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpuint (group_len (groups, 0), ==, 2);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.2");
  g_assert_cmpstr (target (groups, 0, 1), ==, "sip:user@192.0.2.3");
  g_assert_nonnull (strstr (why->str, "sip:user@192.0.2.1: dropped, matches Reject-Contact"));
  g_assert_nonnull (strstr (why->str, "sip:user@192.0.2.4: dropped, matches Reject-Contact"));
}

static void
test_prefs_parallel (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GPtrArray) groups = NULL;
  GPtrArray *bindings;

  g_test_summary ("Two contacts with the required tag and the same q form one parallel group");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.1>;+g.oma.sip-push.0x05\n"
                                "Contact: <sip:user@192.0.2.2>;+g.oma.sip-push.0x05;+g.oma.sip-push.0x07\n"
                                "Contact: <sip:user@192.0.2.3>;+g.oma.sip-push.0x07\n"),
                   ==, 200);
  bindings = lookup (f, AOR, 0);
  groups = select_targets (bindings, "Accept-Contact: *;+g.oma.sip-push.0x05;require;explicit\n",
                           NULL);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpuint (group_len (groups, 0), ==, 2);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.1");
  g_assert_cmpstr (target (groups, 0, 1), ==, "sip:user@192.0.2.2");
}

static void
test_prefs_explicit_ranks (Fixture       *f,
                           gconstpointer  data)
{
  GPtrArray *bindings = register_four (f);
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GString) why = g_string_new (NULL);

  g_test_summary ("\"explicit\" without \"require\" drops nobody but tries the contacts that "
                  "registered the tag first, untagged ones after");

  groups = select_targets (bindings, "Accept-Contact: *;+g.oma.sip-push.0x05;explicit\n", why);
  g_assert_cmpuint (groups->len, ==, 3);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.1");
  g_assert_cmpuint (group_len (groups, 0), ==, 1);
  g_assert_cmpstr (target (groups, 1, 0), ==, "sip:user@192.0.2.4");
  g_assert_cmpuint (group_len (groups, 2), ==, 2);
  g_assert_cmpstr (target (groups, 2, 0), ==, "sip:user@192.0.2.2");
  g_assert_cmpstr (target (groups, 2, 1), ==, "sip:user@192.0.2.3");
  g_assert_nonnull (strstr (why->str, "sip:user@192.0.2.2: Qa 0.000"));
  g_assert_null (strstr (why->str, "dropped"));
}

static void
test_prefs_v1 (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) groups = NULL;
  GPtrArray *bindings;

  g_test_summary ("The V1.0 Accept-Contact (no require) prefers the contact with the push "
                  "application to one without feature tags, and drops neither");

  g_assert_cmpint (do_register (f, 0, "c1@ua", 1,
                                "Contact: <sip:user@192.0.2.2>\n"
                                "Contact: <sip:user@192.0.2.1>;+sip.instance=\"<" INSTANCE ">\";"
                                "+g.oma.pusheventapp=\"mms.ua\"\n"
                                "Contact: <sip:user@192.0.2.3>;+g.oma.pusheventapp=\"other.ua\"\n"),
                   ==, 200);
  bindings = lookup (f, AOR, 0);
  groups = select_targets (bindings,
                           "Accept-Contact: *;+g.3gpp.icsi_ref=\"urn%3Aurn-xxx%3A3gpp-service.ims.icsi.omapush\";"
                           "+g.oma.pusheventapp=\"mms.ua\"\n",
                           NULL);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpuint (group_len (groups, 0), ==, 1);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.1");
  /* ua3's application conflicts: without "require" it is kept, with Qa 0. */
  g_assert_cmpuint (group_len (groups, 1), ==, 2);
  g_assert_cmpstr (target (groups, 1, 0), ==, "sip:user@192.0.2.2");
  g_assert_cmpstr (target (groups, 1, 1), ==, "sip:user@192.0.2.3");

  g_clear_pointer (&groups, g_ptr_array_unref);
  groups = select_targets (bindings, "Accept-Contact: *;+g.oma.pusheventapp=\"mms.ua\";require\n",
                           NULL);
  /* require without explicit: a conflicting value goes, a missing tag
   * does not (RFC 3841 §7.2.4). */
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpstr (target (groups, 0, 0), ==, "sip:user@192.0.2.1");
  g_assert_cmpstr (target (groups, 1, 0), ==, "sip:user@192.0.2.2");
  g_assert_cmpuint (group_len (groups, 1), ==, 1);
}

/* ---- digest ---- */

static char *
md5_hex (const char *format,
         ...) G_GNUC_PRINTF (1, 2);

static char *
md5_hex (const char *format,
         ...)
{
  va_list args;
  g_autofree char *s = NULL;

  va_start (args, format);
  s = g_strdup_vprintf (format, args);
  va_end (args);
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, s, -1);
}

/* RFC 2617 §3.2.2.1, computed here without sofia-sip. */
static char *
expected_response (const char *user,
                   const char *realm,
                   const char *password,
                   const char *method,
                   const char *uri,
                   const char *nonce,
                   const char *nc,
                   const char *cnonce)
{
  g_autofree char *ha1 = md5_hex ("%s:%s:%s", user, realm, password);
  g_autofree char *ha2 = md5_hex ("%s:%s", method, uri);

  if (nc == NULL)
    return md5_hex ("%s:%s:%s", ha1, nonce, ha2);
  return md5_hex ("%s:%s:%s:%s:auth:%s", ha1, nonce, nc, cnonce, ha2);
}

static char *
directive (const char *credentials,
           const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s=", name);
  const char *p = credentials;

  while ((p = strstr (p, key)) != NULL)
    {
      if (p == credentials || p[-1] == ' ' || p[-1] == ',')
        {
          p += strlen (key);
          if (*p == '"')
            return g_strndup (p + 1, strcspn (p + 1, "\""));
          return g_strndup (p, strcspn (p, ", "));
        }
      p++;
    }
  return NULL;
}

static msg_t *
make_401 (const char *extra)
{
  g_autofree char *text = g_strdup_printf ("SIP/2.0 401 Unauthorized\n"
                                           "Via: SIP/2.0/UDP pra1.domain.com:5060;branch=z9hG4bK1\n"
                                           "To: <sip:user@domain.com>;tag=9\n"
                                           "From: <sip:user@domain.com>;tag=456248\n"
                                           "Call-ID: c1@ua\n"
                                           "CSeq: 1 REGISTER\n"
                                           "%s"
                                           "Content-Length: 0\n"
                                           "\n",
                                           extra);
  return parse_text (text);
}

static PlDigestVerdict
verify_with (const char *authorization,
             const char *nonce,
             const char *password,
             char      **why)
{
  g_autofree char *headers = authorization
    ? g_strdup_printf ("Authorization: %s\nContact: <sip:user@192.0.2.4>\n", authorization)
    : g_strdup ("Contact: <sip:user@192.0.2.4>\n");
  g_autoptr (msg_t) msg = make_register ("c1@ua", 2, headers);

  return pl_digest_verify (sip_object (msg), "domain.com", nonce, "user@domain.com", password, why);
}

static void
test_digest_vector (void)
{
  g_autofree char *rfc = NULL;

  g_test_summary ("The test's own digest arithmetic gives RFC 2617 §3.5's answer");

  rfc = expected_response ("Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                           "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                           "0a4f113b");
  g_assert_cmpstr (rfc, ==, "6629fae49393a05397450978507c4ef1");
}

static void
test_digest_round_trip (void)
{
  g_autoptr (msg_t) challenge = make_401 ("");
  g_autoptr (msg_t) request = make_register ("c1@ua", 1, "Contact: <sip:user@192.0.2.4>\n");
  g_autofree char *text = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *response = NULL;
  g_autofree char *why = NULL;

  g_test_summary ("challenge → client answer → verify: qop=auth digest agrees with RFC 2617 "
                  "arithmetic and is accepted");

  pl_digest_challenge (challenge, "domain.com", "abc123");
  text = print_msg (challenge);
  g_assert_nonnull (strstr (text, "WWW-Authenticate: Digest realm=\"domain.com\", nonce=\"abc123\", "
                                  "algorithm=MD5, qop=\"auth\"\r\n"));

  credentials = pl_digest_authorize (sip_object (challenge), sip_object (request),
                                     "user@domain.com", "secret", "0a4f113b", 1);
  g_assert_nonnull (credentials);
  g_assert_true (g_str_has_prefix (credentials,
                                   "Digest username=\"user@domain.com\", realm=\"domain.com\", "
                                   "nonce=\"abc123\", uri=\"sip:registrar.domain.com\", response=\""));
  g_assert_true (g_str_has_suffix (credentials,
                                   "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"0a4f113b\""));
  expected = expected_response ("user@domain.com", "domain.com", "secret", "REGISTER",
                                "sip:registrar.domain.com", "abc123", "00000001", "0a4f113b");
  response = directive (credentials, "response");
  g_assert_cmpstr (response, ==, expected);

  g_assert_cmpint (verify_with (credentials, "abc123", "secret", &why), ==, PL_DIGEST_OK);
  g_assert_nonnull (why);
}

static void
test_digest_rfc2069 (void)
{
  g_autoptr (msg_t) challenge = make_401 ("WWW-Authenticate: Digest realm=\"domain.com\", "
                                          "nonce=\"n2069\", opaque=\"op\"\n");
  g_autoptr (msg_t) request = make_register ("c1@ua", 1, "Contact: <sip:user@192.0.2.4>\n");
  g_autofree char *credentials = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *response = NULL;
  g_autofree char *opaque = NULL;

  g_test_summary ("A challenge without qop is answered and verified in the RFC 2069 form, "
                  "with opaque echoed");

  credentials = pl_digest_authorize (sip_object (challenge), sip_object (request),
                                     "user@domain.com", "secret", "x", 1);
  g_assert_nonnull (credentials);
  g_assert_null (strstr (credentials, "qop"));
  g_assert_null (strstr (credentials, "cnonce"));
  opaque = directive (credentials, "opaque");
  g_assert_cmpstr (opaque, ==, "op");
  expected = expected_response ("user@domain.com", "domain.com", "secret", "REGISTER",
                                "sip:registrar.domain.com", "n2069", NULL, NULL);
  response = directive (credentials, "response");
  g_assert_cmpstr (response, ==, expected);
  g_assert_cmpint (verify_with (credentials, "n2069", "secret", NULL), ==, PL_DIGEST_OK);
  g_assert_cmpint (verify_with (credentials, "n2069", "other", NULL), ==, PL_DIGEST_WRONG);

  /* auth-int only: nothing this client can answer. */
  g_clear_pointer (&challenge, msg_destroy);
  challenge = make_401 ("WWW-Authenticate: Digest realm=\"domain.com\", nonce=\"n\", "
                        "qop=\"auth-int\"\n");
  g_assert_null (pl_digest_authorize (sip_object (challenge), sip_object (request),
                                      "user@domain.com", "secret", "x", 1));
}

static void
test_digest_failures (void)
{
  g_autoptr (msg_t) challenge = make_401 ("");
  g_autoptr (msg_t) request = make_register ("c1@ua", 1, "Contact: <sip:user@192.0.2.4>\n");
  g_autofree char *good = NULL;
  g_autofree char *bad_password = NULL;
  g_autofree char *why = NULL;
  g_autofree char *why_missing = NULL;
  g_autofree char *why_garbage = NULL;
  PlDigestVerdict v;

  g_test_summary ("Wrong password or nonce is WRONG, no credentials for the realm MISSING, "
                  "garbage MALFORMED or WRONG, and nothing crashes");

  pl_digest_challenge (challenge, "domain.com", "abc123");
  good = pl_digest_authorize (sip_object (challenge), sip_object (request),
                              "user@domain.com", "secret", "c", 7);
  bad_password = pl_digest_authorize (sip_object (challenge), sip_object (request),
                                      "user@domain.com", "guess", "c", 7);
  g_assert_nonnull (strstr (good, "nc=00000007"));

  g_assert_cmpint (verify_with (bad_password, "abc123", "secret", &why), ==, PL_DIGEST_WRONG);
  g_assert_nonnull (strstr (why, "does not match"));
  g_assert_cmpint (verify_with (good, "other-nonce", "secret", NULL), ==, PL_DIGEST_WRONG);
  g_assert_cmpint (verify_with (good, "abc123", "secret", NULL), ==, PL_DIGEST_OK);

  g_assert_cmpint (verify_with (NULL, "abc123", "secret", &why_missing), ==, PL_DIGEST_MISSING);
  g_assert_nonnull (why_missing);
  g_assert_cmpint (verify_with ("Digest username=\"user@domain.com\", realm=\"elsewhere.net\", "
                                "nonce=\"abc123\", uri=\"sip:registrar.domain.com\", "
                                "response=\"00000000000000000000000000000000\"",
                                "abc123", "secret", NULL),
                   ==, PL_DIGEST_MISSING);

  /* Another username, a response from another URI. */
  g_assert_cmpint (verify_with ("Digest username=\"eve@domain.com\", realm=\"domain.com\", "
                                "nonce=\"abc123\", uri=\"sip:registrar.domain.com\", "
                                "response=\"00000000000000000000000000000000\"",
                                "abc123", "secret", NULL),
                   ==, PL_DIGEST_WRONG);
  g_assert_cmpint (verify_with ("Digest username=\"user@domain.com\", realm=\"domain.com\", "
                                "nonce=\"abc123\", uri=\"sip:elsewhere.net\", "
                                "response=\"00000000000000000000000000000000\"",
                                "abc123", "secret", NULL),
                   ==, PL_DIGEST_MALFORMED);
  g_assert_cmpint (verify_with ("Digest username=\"user@domain.com\", realm=\"domain.com\", "
                                "nonce=\"abc123\", uri=\"sip:registrar.domain.com\"",
                                "abc123", "secret", NULL),
                   ==, PL_DIGEST_MALFORMED);
  g_assert_cmpint (verify_with ("Digest username=\"user@domain.com\", realm=\"domain.com\", "
                                "nonce=\"abc123\", uri=\"sip:registrar.domain.com\", qop=auth, "
                                "response=\"00000000000000000000000000000000\"",
                                "abc123", "secret", NULL),
                   ==, PL_DIGEST_MALFORMED);

  /* Garbage. */
  v = verify_with ("Digest ,,,=\"", "abc123", "secret", &why_garbage);
  g_assert_true (v == PL_DIGEST_MALFORMED || v == PL_DIGEST_WRONG);
  g_assert_nonnull (why_garbage);
  v = verify_with ("@@@ %%% \"", "abc123", "secret", NULL);
  g_assert_true (v == PL_DIGEST_MALFORMED || v == PL_DIGEST_WRONG);
  v = verify_with ("Basic dXNlcjpzZWNyZXQ=", "abc123", "secret", NULL);
  g_assert_true (v == PL_DIGEST_MALFORMED || v == PL_DIGEST_WRONG);
  v = verify_with ("Digest realm=\"domain.com\"", "abc123", "secret", NULL);
  g_assert_true (v == PL_DIGEST_MALFORMED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, dialect) \
  g_test_add (path, Fixture, GINT_TO_POINTER (dialect), setup, func, teardown)

  ADD ("/pl/registrar/initial", test_initial, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/expires-sources", test_expires_sources, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/refresh", test_refresh, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/expiry", test_expiry, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/deregister", test_deregister, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/too-brief", test_too_brief, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/stale-cseq", test_stale_cseq, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/two-contacts", test_two_contacts, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/instance", test_instance, PL_DIALECT_OMA_1_0);
  ADD ("/pl/registrar/push-tags-2006", test_push_tags_2006, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/push-tags-1.0", test_push_tags_1_0, PL_DIALECT_OMA_1_0);
  ADD ("/pl/registrar/gruu", test_gruu, PL_DIALECT_OMA_1_0);
  ADD ("/pl/registrar/ok-contacts", test_ok_contacts, PL_DIALECT_OMA_1_0);
  ADD ("/pl/registrar/path", test_path, PL_DIALECT_OMA_2006);
  ADD ("/pl/registrar/long-contact", test_long_contact, PL_DIALECT_OMA_2006);
  ADD ("/pl/callerpref/require-explicit", test_prefs_require_explicit, PL_DIALECT_OMA_2006);
  ADD ("/pl/callerpref/none", test_prefs_none, PL_DIALECT_OMA_2006);
  ADD ("/pl/callerpref/reject", test_prefs_reject, PL_DIALECT_OMA_2006);
  ADD ("/pl/callerpref/parallel", test_prefs_parallel, PL_DIALECT_OMA_2006);
  ADD ("/pl/callerpref/explicit-ranks", test_prefs_explicit_ranks, PL_DIALECT_OMA_2006);
  ADD ("/pl/callerpref/v1", test_prefs_v1, PL_DIALECT_OMA_1_0);
#undef ADD

  g_test_add_func ("/pl/digest/rfc2617-vector", test_digest_vector);
  g_test_add_func ("/pl/digest/round-trip", test_digest_round_trip);
  g_test_add_func ("/pl/digest/rfc2069", test_digest_rfc2069);
  g_test_add_func ("/pl/digest/failures", test_digest_failures);

  return g_test_run ();
}
