/* pl-msrp-sdp.c: the SDP of an MSRP push session (003_… B.3 steps 1–4).
 *
 * The SDP text is printed by sofia-sip's sdp_print from an
 * sdp_session_t built here, and read by sdp_parse (strict); the MSRP
 * URIs of a=path by url_make. What sofia-sip leaves as attribute text
 * is read here: a=setup (RFC 4145 §4), a=accept-types and a=path
 * (RFC 4975 §8.1, §9), a=file-transfer-id (RFC 5547 §10); a=file-selector
 * in pl-msrp-file-selector.c.
 *
 * B.3's sample SDP has typing errors that this module does not
 * reproduce: a space after the colon of every attribute ("a=setup:
 * passive"; RFC 4566 §5.13 and the attributes' grammars have none), the
 * file-selector broken over two lines, a trailing space after "active",
 * and no "s=" line in the answer (RFC 4566 §5.3 makes it mandatory).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp-sdp"

#include <string.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-msrp-sdp.h"

G_DEFINE_QUARK (pl-msrp-sdp-error-quark, pl_msrp_sdp_error)

/* B.3 step 1 offers "a=setup: passive". */
#define PL_MSRP_OFFER_SETUP PL_MSRP_SETUP_PASSIVE

PlMsrpSdp *
pl_msrp_sdp_new (void)
{
  PlMsrpSdp *sdp = g_new0 (PlMsrpSdp, 1);

  sdp->direction = PL_MSRP_SENDRECV;
  return sdp;
}

void
pl_msrp_sdp_free (PlMsrpSdp *sdp)
{
  if (sdp == NULL)
    return;
  g_free (sdp->origin_user);
  g_free (sdp->origin_host);
  g_free (sdp->host);
  g_strfreev (sdp->path);
  g_strfreev (sdp->accept_types);
  g_free (sdp->file_transfer_id);
  pl_msrp_file_selector_free (sdp->file_selector);
  g_free (sdp);
}

static const char *const setup_names[] = {
  [PL_MSRP_SETUP_NONE] = NULL,
  [PL_MSRP_SETUP_ACTIVE] = "active",
  [PL_MSRP_SETUP_PASSIVE] = "passive",
  [PL_MSRP_SETUP_ACTPASS] = "actpass",
  [PL_MSRP_SETUP_HOLDCONN] = "holdconn",
};

const char *
pl_msrp_setup_to_string (PlMsrpSetup setup)
{
  g_return_val_if_fail (setup <= PL_MSRP_SETUP_HOLDCONN, NULL);
  return setup_names[setup];
}

gboolean
pl_msrp_setup_parse (const char  *text,
                     PlMsrpSetup *setup)
{
  for (guint i = PL_MSRP_SETUP_ACTIVE; i < G_N_ELEMENTS (setup_names); i++)
    if (text != NULL && strcmp (text, setup_names[i]) == 0)
      {
        *setup = i;
        return TRUE;
      }
  return FALSE;
}

const char *
pl_msrp_direction_to_string (PlMsrpDirection direction)
{
  switch (direction)
    {
    case PL_MSRP_INACTIVE: return "inactive";
    case PL_MSRP_SENDONLY: return "sendonly";
    case PL_MSRP_RECVONLY: return "recvonly";
    case PL_MSRP_SENDRECV: return "sendrecv";
    default: g_return_val_if_reached (NULL);
    }
}

gboolean
pl_msrp_setup_answer (PlMsrpSetup  offer,
                      PlMsrpSetup *answer)
{
  switch (offer)
    {
    case PL_MSRP_SETUP_ACTIVE:
      *answer = PL_MSRP_SETUP_PASSIVE;
      return TRUE;
    case PL_MSRP_SETUP_PASSIVE:
      *answer = PL_MSRP_SETUP_ACTIVE;
      return TRUE;
    case PL_MSRP_SETUP_ACTPASS:
      /* RFC 4145 §4.1 leaves the choice to the answerer; taking active
       * lets the receiver connect at once, as RFC 6135 §4.2 advises. */
      *answer = PL_MSRP_SETUP_ACTIVE;
      return TRUE;
    case PL_MSRP_SETUP_NONE:
      /* RFC 4975 §5.4 (and RFC 6135 §4.1): an offer without a=setup
       * comes from an active offerer; say passive explicitly. */
      *answer = PL_MSRP_SETUP_PASSIVE;
      return TRUE;
    case PL_MSRP_SETUP_HOLDCONN:
    default:
      return FALSE;
    }
}

gboolean
pl_msrp_sdp_offerer_connects (const PlMsrpSdp *offer,
                              const PlMsrpSdp *answer)
{
  g_return_val_if_fail (offer != NULL && answer != NULL, FALSE);

  switch (offer->setup)
    {
    case PL_MSRP_SETUP_ACTIVE:
    case PL_MSRP_SETUP_NONE:
      return TRUE;
    case PL_MSRP_SETUP_ACTPASS:
      return answer->setup == PL_MSRP_SETUP_PASSIVE;
    default:
      return FALSE;
    }
}

char *
pl_msrp_sdp_make_uri (const char *host,
                      guint       port,
                      const char *session_id,
                      gboolean    tls)
{
  gboolean v6 = strchr (host, ':') != NULL && host[0] != '[';

  return g_strdup_printf ("%s://%s%s%s:%u/%s;tcp", tls ? "msrps" : "msrp", v6 ? "[" : "", host,
                          v6 ? "]" : "", port, session_id);
}

static char *
strip_brackets (const char *host)
{
  gsize len = strlen (host);

  if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    return g_strndup (host + 1, len - 2);
  return g_strdup (host);
}

PlMsrpSdp *
pl_msrp_sdp_new_offer (const char  *user,
                       const char  *host,
                       guint        port,
                       const char  *session_id,
                       guint64      origin_id,
                       PlMsrpSetup  setup,
                       const char  *content_type,
                       GBytes      *content,
                       const char  *name)
{
  PlMsrpSdp *sdp;
  PlMsrpFileSelector *fs;
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  gsize len = PL_MSRP_SHA1_LEN;
  const char *accept[] = { content_type, NULL };

  g_return_val_if_fail (user && host && session_id && content_type && content, NULL);
  g_return_val_if_fail (port > 0 && port < 65536, NULL);

  sdp = pl_msrp_sdp_new ();
  sdp->origin_user = g_strdup (user);
  sdp->origin_id = origin_id;
  sdp->origin_version = origin_id;
  sdp->origin_host = strip_brackets (host);
  sdp->host = strip_brackets (host);
  sdp->port = port;
  sdp->path = g_new0 (char *, 2);
  sdp->path[0] = pl_msrp_sdp_make_uri (sdp->host, port, session_id, FALSE);
  sdp->accept_types = g_strdupv ((char **) accept);
  sdp->setup = setup != PL_MSRP_SETUP_NONE ? setup : PL_MSRP_OFFER_SETUP;
  /* B.3 step 1: the sender only sends (RFC 5547 §8.2.1: the offerer of
   * a file to push is sendonly). */
  sdp->direction = PL_MSRP_SENDONLY;
  sdp->file_transfer_id = g_strdup (session_id);

  fs = g_new0 (PlMsrpFileSelector, 1);
  fs->name = name ? g_strdup (name) : g_strdup_printf ("pushid-%s", session_id);
  fs->type = g_strdup (content_type);
  fs->size = g_bytes_get_size (content);
  g_checksum_update (sha1, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  g_checksum_get_digest (sha1, fs->sha1, &len);
  fs->has_sha1 = TRUE;
  sdp->file_selector = fs;
  return sdp;
}

/* ---- accept-types (RFC 4975 §8.6) ---- */

/* The "type/subtype" part of an accept-types entry, lower-cased. */
static char *
bare_type (const char *entry)
{
  const char *semi = strchr (entry, ';');

  return g_ascii_strdown (entry, semi ? semi - entry : -1);
}

/* Does the accept-types entry @pattern ("*", "text/ *" or a type) cover
 * the entry @type? */
static gboolean
type_covers (const char *pattern,
             const char *type)
{
  g_autofree char *p = bare_type (pattern);
  g_autofree char *t = bare_type (type);
  gsize n = strlen (p);

  if (strcmp (p, "*") == 0 || strcmp (p, t) == 0)
    return TRUE;
  return n > 2 && g_str_has_suffix (p, "/*") && strncmp (p, t, n - 1) == 0;
}

static gboolean
list_covers (const char *const *list,
             const char        *type)
{
  for (; list != NULL && *list != NULL; list++)
    if (type_covers (*list, type))
      return TRUE;
  return FALSE;
}

static void
add_unique (GPtrArray  *out,
            const char *type)
{
  for (guint i = 0; i < out->len; i++)
    if (g_ascii_strcasecmp (out->pdata[i], type) == 0)
      return;
  g_ptr_array_add (out, g_strdup (type));
}

/* The answer's accept-types: the offer's entries the receiver accepts,
 * in the offer's order, and the receiver's types where the offer has a
 * wildcard that covers them (RFC 4975 §8.6). */
static char **
intersect_types (const char *const *offered,
                 const char *const *accepted)
{
  static const char *const any[] = { "*", NULL };
  GPtrArray *out = g_ptr_array_new ();

  if (accepted == NULL || *accepted == NULL)
    accepted = any;
  for (const char *const *o = offered; o != NULL && *o != NULL; o++)
    {
      if (list_covers (accepted, *o))
        add_unique (out, *o);
      else
        for (const char *const *a = accepted; *a != NULL; a++)
          if (type_covers (*o, *a))
            add_unique (out, *a);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static PlMsrpFileSelector *
file_selector_copy (const PlMsrpFileSelector *fs)
{
  PlMsrpFileSelector *copy = g_memdup2 (fs, sizeof *fs);

  copy->name = g_strdup (fs->name);
  copy->type = g_strdup (fs->type);
  return copy;
}

static gboolean
file_selector_equal (const PlMsrpFileSelector *a,
                     const PlMsrpFileSelector *b)
{
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->type, b->type) == 0
         && a->size == b->size && a->has_sha1 == b->has_sha1
         && (!a->has_sha1 || memcmp (a->sha1, b->sha1, PL_MSRP_SHA1_LEN) == 0);
}

/* ---- offer/answer (RFC 3264 §6) ---- */

PlMsrpSdp *
pl_msrp_sdp_new_answer (const PlMsrpSdp    *offer,
                        const char         *user,
                        const char         *host,
                        guint               port,
                        const char         *session_id,
                        guint64             origin_id,
                        const char *const  *accepted,
                        GError            **error)
{
  g_autoptr (PlMsrpSdp) sdp = NULL;
  PlMsrpSetup setup;

  g_return_val_if_fail (offer && user && host && session_id, NULL);
  g_return_val_if_fail (port > 0 && port < 65536, NULL);

  if (offer->port == 0)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_REJECTED,
                   "the offer's MSRP stream has port 0: nothing to answer");
      return NULL;
    }
  /* B.3 step 3: the receiver only receives. A push offer is sendonly
   * (RFC 5547 §8: a file selector comes with sendonly or recvonly); an
   * offer that would send nothing to the receiver is refused. */
  if (offer->direction != PL_MSRP_SENDONLY
      && !(offer->direction == PL_MSRP_SENDRECV && offer->file_selector == NULL))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_DIRECTION,
                   "the offer is %s%s; a push receiver answers only a sendonly offer "
                   "(B.3 step 1)",
                   pl_msrp_direction_to_string (offer->direction),
                   offer->file_selector ? " with a file selector" : "");
      return NULL;
    }
  if (!pl_msrp_setup_answer (offer->setup, &setup))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SETUP,
                   "the offer's a=setup:%s holds the connection back; a push needs it "
                   "(RFC 4145 §4)",
                   pl_msrp_setup_to_string (offer->setup));
      return NULL;
    }

  sdp = pl_msrp_sdp_new ();
  sdp->accept_types = intersect_types ((const char *const *) offer->accept_types, accepted);
  if (sdp->accept_types[0] == NULL)
    {
      g_autofree char *offered = g_strjoinv (" ", offer->accept_types);

      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_MEDIA_FORMAT,
                   "none of the offered accept-types \"%s\" is accepted here (RFC 4975 §8.6)",
                   offered);
      return NULL;
    }
  if (offer->file_selector && offer->file_selector->type
      && !list_covers ((const char *const *) sdp->accept_types, offer->file_selector->type))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_MEDIA_FORMAT,
                   "the offered file's type \"%s\" is not accepted here (RFC 5547 §8.3)",
                   offer->file_selector->type);
      return NULL;
    }

  sdp->origin_user = g_strdup (user);
  sdp->origin_id = origin_id;
  sdp->origin_version = origin_id;
  sdp->origin_host = strip_brackets (host);
  sdp->host = strip_brackets (host);
  sdp->port = port;
  sdp->tls = offer->tls;
  sdp->path = g_new0 (char *, 2);
  sdp->path[0] = pl_msrp_sdp_make_uri (sdp->host, port, session_id, offer->tls);
  sdp->setup = setup;
  sdp->direction = PL_MSRP_RECVONLY;
  /* RFC 5547 §8.3: the answer that accepts a file echoes its selector
   * and file-transfer-id (B.3 step 3 does). */
  sdp->file_transfer_id = g_strdup (offer->file_transfer_id);
  if (offer->file_selector)
    sdp->file_selector = file_selector_copy (offer->file_selector);
  return g_steal_pointer (&sdp);
}

gboolean
pl_msrp_sdp_check_answer (const PlMsrpSdp *offer,
                          const PlMsrpSdp *answer,
                          GError         **error)
{
  gboolean common = FALSE;

  g_return_val_if_fail (offer != NULL && answer != NULL, FALSE);

  if (answer->port == 0)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_REJECTED,
                   "the answer refuses the MSRP stream (port 0, RFC 3264 §6)");
      return FALSE;
    }
  /* RFC 3264 §6.1: a sendonly stream is answered recvonly (or inactive,
   * which refuses the push). */
  if (!(answer->direction & PL_MSRP_RECVONLY) || !(offer->direction & PL_MSRP_SENDONLY)
      || (offer->direction == PL_MSRP_SENDONLY && answer->direction != PL_MSRP_RECVONLY))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_DIRECTION,
                   "the answer is %s to a %s offer; expected recvonly (RFC 3264 §6.1)",
                   pl_msrp_direction_to_string (answer->direction),
                   pl_msrp_direction_to_string (offer->direction));
      return FALSE;
    }
  /* RFC 4145 §4.1: one side active, the other passive. */
  if (!((offer->setup == PL_MSRP_SETUP_ACTIVE && answer->setup == PL_MSRP_SETUP_PASSIVE)
        || (offer->setup == PL_MSRP_SETUP_PASSIVE && answer->setup == PL_MSRP_SETUP_ACTIVE)
        || (offer->setup == PL_MSRP_SETUP_ACTPASS
            && (answer->setup == PL_MSRP_SETUP_ACTIVE || answer->setup == PL_MSRP_SETUP_PASSIVE))
        || (offer->setup == PL_MSRP_SETUP_NONE
            && (answer->setup == PL_MSRP_SETUP_NONE || answer->setup == PL_MSRP_SETUP_PASSIVE))))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SETUP,
                   "a=setup:%s answers a=setup:%s; the roles must be active and passive "
                   "(RFC 4145 §4.1)",
                   answer->setup ? pl_msrp_setup_to_string (answer->setup) : "(none)",
                   offer->setup ? pl_msrp_setup_to_string (offer->setup) : "(none)");
      return FALSE;
    }
  for (char **a = answer->accept_types; *a != NULL && !common; a++)
    for (char **o = offer->accept_types; *o != NULL && !common; o++)
      common = type_covers (*o, *a) || type_covers (*a, *o);
  if (!common)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_MEDIA_FORMAT,
                   "the answer's accept-types share no type with the offer's (RFC 4975 §8.6)");
      return FALSE;
    }
  if (offer->file_selector != NULL)
    {
      if (answer->file_selector == NULL || !file_selector_equal (offer->file_selector,
                                                                 answer->file_selector))
        {
          g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_MISMATCH,
                       "the answer does not echo the offered file selector (RFC 5547 §8.3)");
          return FALSE;
        }
      if (offer->file_selector->type
          && !list_covers ((const char *const *) answer->accept_types,
                           offer->file_selector->type))
        {
          g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_MEDIA_FORMAT,
                       "the answer's accept-types do not cover the file's type \"%s\"",
                       offer->file_selector->type);
          return FALSE;
        }
    }
  if (g_strcmp0 (offer->file_transfer_id, answer->file_transfer_id) != 0)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_MISMATCH,
                   "the answer's a=file-transfer-id \"%s\" is not the offer's \"%s\" "
                   "(RFC 5547 §8.3)",
                   answer->file_transfer_id ? answer->file_transfer_id : "(none)",
                   offer->file_transfer_id ? offer->file_transfer_id : "(none)");
      return FALSE;
    }
  return TRUE;
}

int
pl_msrp_sdp_error_status (const GError *error)
{
  if (error == NULL || error->domain != PL_MSRP_SDP_ERROR)
    return 500;
  return error->code == PL_MSRP_SDP_ERROR_SYNTAX ? 400 : 488;
}

int
pl_msrp_sdp_error_warning (const GError *error)
{
  if (error == NULL || error->domain != PL_MSRP_SDP_ERROR)
    return 0;
  /* RFC 3261 §20.43 warn-codes. */
  switch ((PlMsrpSdpError) error->code)
    {
    case PL_MSRP_SDP_ERROR_NO_MSRP:      return 304; /* Media type not available */
    case PL_MSRP_SDP_ERROR_MEDIA_FORMAT: return 305; /* Incompatible media format */
    case PL_MSRP_SDP_ERROR_ATTRIBUTE:    return 306; /* Attribute not understood */
    case PL_MSRP_SDP_ERROR_SYNTAX:       return 399;
    case PL_MSRP_SDP_ERROR_DIRECTION:
    case PL_MSRP_SDP_ERROR_SETUP:
    case PL_MSRP_SDP_ERROR_REJECTED:
    case PL_MSRP_SDP_ERROR_MISMATCH:
    default:                             return 399; /* Miscellaneous warning */
    }
}
