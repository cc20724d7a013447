/* pl-msrp-sdp-text.c: an MSRP media description to SDP text and back,
 * through sofia-sip's sdp_print and sdp_parse (RFC 4566), with the MSRP
 * attributes read here (RFC 4975 §8.1 and §9, RFC 4145 §4, RFC 5547 §10).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-msrp-sdp"

#include <string.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-msrp-sdp.h"
#include "pl-sdp-check.h"

#define PROTO_MSRP  "TCP/MSRP"
#define PROTO_MSRPS "TCP/TLS/MSRP"

/* RFC 3261 §25.1 token; RFC 5547 makes file-transfer-id one. */
static gboolean
is_token (const char *s)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && strchr ("-.!%*_+`'~", *s) == NULL)
      return FALSE;
  return TRUE;
}

/* An accept-types entry (RFC 4975 §9): "*", "type/subtype" or "type/ *",
 * optionally with ";" parameters. */
static gboolean
is_accept_type (const char *entry)
{
  g_auto (GStrv) parts = NULL;
  const char *semi = strchr (entry, ';');
  g_autofree char *bare = g_strndup (entry, semi ? (gsize) (semi - entry) : strlen (entry));

  if (strcmp (bare, "*") == 0)
    return semi == NULL;
  parts = g_strsplit (bare, "/", -1);
  return g_strv_length (parts) == 2 && is_token (parts[0]) && strcmp (parts[0], "*") != 0
         && (is_token (parts[1]) || strcmp (parts[1], "*") == 0);
}

static gboolean
has_line_break (const char *s)
{
  return s != NULL && strpbrk (s, "\r\n") != NULL;
}

/* ---- printing ---- */

char *
pl_msrp_sdp_to_string (const PlMsrpSdp *msrp,
                       GError         **error)
{
  su_home_t *home;
  sdp_printer_t *printer;
  sdp_session_t session = { sizeof session };
  sdp_origin_t origin = { sizeof origin };
  sdp_connection_t origin_addr = { sizeof origin_addr };
  sdp_connection_t conn = { sizeof conn };
  sdp_time_t time = { sizeof time };
  sdp_media_t media = { sizeof media };
  sdp_list_t format = { sizeof format };
  sdp_attribute_t attrs[6];
  guint n_attrs = 0;
  g_autofree char *accept = NULL, *path = NULL, *selector = NULL;
  char *text = NULL;

  g_return_val_if_fail (msrp != NULL, NULL);

  if (msrp->origin_user == NULL || msrp->origin_host == NULL || msrp->host == NULL
      || msrp->path == NULL || msrp->path[0] == NULL || msrp->accept_types == NULL
      || msrp->accept_types[0] == NULL)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_ATTRIBUTE,
                   "an MSRP description needs an origin, a host, a=path and a=accept-types "
                   "(RFC 4975 §8.1)");
      return NULL;
    }
  accept = g_strjoinv (" ", msrp->accept_types);
  path = g_strjoinv (" ", msrp->path);
  if (msrp->file_selector)
    selector = pl_msrp_file_selector_to_string (msrp->file_selector);
  if (has_line_break (accept) || has_line_break (path) || has_line_break (msrp->host)
      || has_line_break (msrp->origin_user) || has_line_break (msrp->origin_host)
      || has_line_break (selector)
      || (msrp->file_transfer_id && !is_token (msrp->file_transfer_id)))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                   "an MSRP description value holds a line break or a bad file-transfer-id");
      return NULL;
    }

  origin_addr.c_nettype = conn.c_nettype = sdp_net_in;
  origin_addr.c_addrtype = strchr (msrp->origin_host, ':') ? sdp_addr_ip6 : sdp_addr_ip4;
  origin_addr.c_address = msrp->origin_host;
  conn.c_addrtype = strchr (msrp->host, ':') ? sdp_addr_ip6 : sdp_addr_ip4;
  conn.c_address = msrp->host;
  conn.c_groups = 1;
  origin.o_username = msrp->origin_user;
  origin.o_id = msrp->origin_id;
  origin.o_version = msrp->origin_version;
  origin.o_address = &origin_addr;

  session.sdp_origin = &origin;
  session.sdp_subject = "-";
  session.sdp_connection = &conn;
  session.sdp_time = &time;
  session.sdp_media = &media;

  media.m_session = &session;
  media.m_type = sdp_media_message;
  media.m_type_name = "message";
  media.m_port = msrp->port;
  /* Sets m_proto to sdp_proto_msrp(s) in the sofia-sip releases that
   * know MSRP, to a named unknown protocol in older ones. */
  sdp_media_transport (&media, msrp->tls ? PROTO_MSRPS : PROTO_MSRP);
  /* RFC 4975 §8.1: the format list is "*". */
  format.l_text = "*";
  media.m_format = &format;
  media.m_mode = (unsigned) msrp->direction;

  /* B.3's order: setup, direction, accept-types, path, file-transfer-id,
   * file-selector. The direction is an attribute of its own here
   * (sdp_f_mode_manual below), so that it prints in that place. */
#define ADD_ATTR(name_, value_)                                                 \
  G_STMT_START                                                                  \
  {                                                                             \
    attrs[n_attrs] = (sdp_attribute_t){ sizeof (sdp_attribute_t), NULL, (name_), (value_) }; \
    if (n_attrs > 0)                                                            \
      attrs[n_attrs - 1].a_next = &attrs[n_attrs];                              \
    n_attrs++;                                                                  \
  }                                                                             \
  G_STMT_END
  if (msrp->setup != PL_MSRP_SETUP_NONE)
    ADD_ATTR ("setup", pl_msrp_setup_to_string (msrp->setup));
  ADD_ATTR (pl_msrp_direction_to_string (msrp->direction), NULL);
  ADD_ATTR ("accept-types", accept);
  ADD_ATTR ("path", path);
  if (msrp->file_transfer_id)
    ADD_ATTR ("file-transfer-id", msrp->file_transfer_id);
  if (selector)
    ADD_ATTR ("file-selector", selector);
#undef ADD_ATTR
  media.m_attributes = &attrs[0];

  home = su_home_new (sizeof (su_home_t));
  printer = sdp_print (home, &session, NULL, 0, sdp_f_mode_manual);
  if (sdp_printing_error (printer))
    g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                 "sdp_print: %s", sdp_printing_error (printer));
  else
    text = g_strdup (sdp_message (printer));
  sdp_printer_free (printer);
  su_home_unref (home);
  return text;
}

/* ---- parsing ---- */

/* sofia-sip skips a line that is not "<type>=…" without a word and may
 * loop on a bad m= line: pl_sdp_check_lines() first. B.3 breaks its
 * file-selector over two lines: say so. */
static gboolean
check_lines (const char *text,
             gsize       len,
             GError    **error)
{
  g_autofree char *problem = NULL;

  if (pl_sdp_check_lines (text, len, &problem))
    return TRUE;
  g_set_error_literal (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX, problem);
  return FALSE;
}

/* The one attribute @name of the media (else, when @session_too, of the
 * session); NULL when absent. More than one is an error. */
static gboolean
find_attribute (const sdp_media_t      *m,
                const char             *name,
                gboolean                session_too,
                const sdp_attribute_t **found,
                GError                **error)
{
  const sdp_attribute_t *lists[2] = { m->m_attributes,
                                      session_too ? m->m_session->sdp_attributes : NULL };

  *found = NULL;
  for (guint l = 0; l < 2 && *found == NULL; l++)
    for (const sdp_attribute_t *a = lists[l]; a != NULL; a = a->a_next)
      {
        if (g_ascii_strcasecmp (a->a_name, name) != 0)
          continue;
        if (*found != NULL)
          {
            g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                         "a=%s is given twice", name);
            return FALSE;
          }
        *found = a;
      }
  if (*found == NULL)
    return TRUE;
  if ((*found)->a_value == NULL || *(*found)->a_value == '\0')
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                   "a=%s needs a value: a=%s:<value>", name, name);
      return FALSE;
    }
  if (g_ascii_isspace ((*found)->a_value[0])
      || g_ascii_isspace ((*found)->a_value[strlen ((*found)->a_value) - 1]))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                   "a=%s:\"%s\": no space goes around the value (RFC 4566 §5.13 "
                   "a=<attribute>:<value>)",
                   name, (*found)->a_value);
      return FALSE;
    }
  return TRUE;
}

/* RFC 4975 §6: msrp[s]://authority[/session-id];transport. The
 * endpoint's own URI (the last of a path) has its session-id. sofia-sip
 * leaves ";tcp" in the path when there is one, in the parameters when
 * not. */
static gboolean
is_msrp_uri (const url_t *url,
             gboolean     endpoint)
{
  const char *semi, *transport;
  g_autofree char *first = NULL;

  if (url == NULL || (url->url_type != url_msrp && url->url_type != url_msrps)
      || url->url_host == NULL || *url->url_host == '\0' || url->url_headers != NULL)
    return FALSE;
  if (url->url_path != NULL)
    {
      semi = strchr (url->url_path, ';');
      if (semi == NULL || (endpoint && semi == url->url_path))
        return FALSE;
      transport = semi + 1;
    }
  else if (!endpoint && url->url_params != NULL)
    transport = url->url_params;
  else
    return FALSE;
  first = g_strndup (transport, strcspn (transport, ";"));
  return is_token (first);
}

static gboolean
parse_path (PlMsrpSdp  *msrp,
            const char *value,
            GError    **error)
{
  g_auto (GStrv) uris = g_strsplit (value, " ", -1);
  su_home_t *home = su_home_new (sizeof (su_home_t));
  gboolean ok = TRUE;

  for (guint i = 0; uris[i] != NULL && ok; i++)
    if (!is_msrp_uri (url_make (home, uris[i]), uris[i + 1] == NULL))
      {
        g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                     "a=path: \"%s\" is not an MSRP URI msrp://host:port/session-id;tcp "
                     "(RFC 4975 §6); URIs are separated by one space",
                     uris[i]);
        ok = FALSE;
      }
  su_home_unref (home);
  if (ok)
    msrp->path = g_steal_pointer (&uris);
  return ok;
}

static gboolean
parse_accept_types (PlMsrpSdp  *msrp,
                    const char *value,
                    GError    **error)
{
  g_auto (GStrv) types = g_strsplit (value, " ", -1);

  for (guint i = 0; types[i] != NULL; i++)
    if (!is_accept_type (types[i]))
      {
        g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                     "a=accept-types: \"%s\" is not \"*\", \"type/subtype\" or \"type/*\" "
                     "(RFC 4975 §9); types are separated by one space",
                     types[i]);
        return FALSE;
      }
  msrp->accept_types = g_steal_pointer (&types);
  return TRUE;
}

static gboolean
read_media (PlMsrpSdp         *msrp,
            const sdp_media_t *m,
            GError           **error)
{
  const sdp_attribute_t *a;
  const sdp_connection_t *c = sdp_media_connections ((sdp_media_t *) m);

  msrp->port = m->m_port;
  msrp->tls = g_ascii_strcasecmp (m->m_proto_name, PROTO_MSRPS) == 0;
  msrp->direction = m->m_mode;
  if (m->m_format == NULL || m->m_format->l_next != NULL || strcmp (m->m_format->l_text, "*") != 0)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                   "m=message: the format list of an MSRP stream is \"*\" (RFC 4975 §8.1)");
      return FALSE;
    }
  if (c != NULL)
    msrp->host = g_strdup (c->c_address);

  if (!find_attribute (m, "path", FALSE, &a, error))
    return FALSE;
  if (a != NULL && !parse_path (msrp, a->a_value, error))
    return FALSE;
  if (!find_attribute (m, "accept-types", FALSE, &a, error))
    return FALSE;
  if (a != NULL && !parse_accept_types (msrp, a->a_value, error))
    return FALSE;
  /* A refused stream (port 0) may carry nothing else (RFC 3264 §6). */
  if (msrp->port != 0 && (msrp->path == NULL || msrp->accept_types == NULL))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_ATTRIBUTE,
                   "the MSRP stream has no a=%s; RFC 4975 §8.1 requires it",
                   msrp->path == NULL ? "path" : "accept-types");
      return FALSE;
    }

  /* RFC 4145 §4: setup at the media level, else the session's. */
  if (!find_attribute (m, "setup", TRUE, &a, error))
    return FALSE;
  if (a != NULL && !pl_msrp_setup_parse (a->a_value, &msrp->setup))
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                   "a=setup:%s: expected active, passive, actpass or holdconn (RFC 4145 §4)",
                   a->a_value);
      return FALSE;
    }

  if (!find_attribute (m, "file-transfer-id", FALSE, &a, error))
    return FALSE;
  if (a != NULL)
    {
      if (!is_token (a->a_value))
        {
          g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                       "a=file-transfer-id:%s: expected a token (RFC 5547 §10)", a->a_value);
          return FALSE;
        }
      msrp->file_transfer_id = g_strdup (a->a_value);
    }

  /* One file selector per media line (RFC 5547 §6); a bare
   * "a=file-selector" is allowed, so no find_attribute() here. */
  for (const sdp_attribute_t *s = m->m_attributes; s != NULL; s = s->a_next)
    {
      if (g_ascii_strcasecmp (s->a_name, "file-selector") != 0)
        continue;
      if (msrp->file_selector != NULL)
        {
          g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                       "a=file-selector is given twice (RFC 5547 §6: one per m-line)");
          return FALSE;
        }
      msrp->file_selector = pl_msrp_file_selector_parse (s->a_value, error);
      if (msrp->file_selector == NULL)
        return FALSE;
    }
  return TRUE;
}

PlMsrpSdp *
pl_msrp_sdp_parse (const char *text,
                   gsize       len,
                   GError    **error)
{
  g_autoptr (PlMsrpSdp) msrp = NULL;
  su_home_t *home;
  sdp_parser_t *parser;
  sdp_session_t *session;
  const sdp_media_t *msrp_media = NULL;
  guint n_media = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  if (!check_lines (text, len, error))
    return NULL;

  home = su_home_new (sizeof (su_home_t));
  /* Strict: o=, s= and t= are mandatory (RFC 4566 §5). */
  parser = sdp_parse (home, text, (issize_t) len, sdp_f_strict);
  session = sdp_session (parser);
  if (session == NULL)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_SYNTAX,
                   "not an SDP session description: %s (RFC 4566)",
                   sdp_parsing_error (parser) ? sdp_parsing_error (parser) : "no session");
      goto out;
    }

  for (const sdp_media_t *m = session->sdp_media; m != NULL; m = m->m_next)
    {
      n_media++;
      if (msrp_media == NULL && m->m_type == sdp_media_message && m->m_proto_name
          && (g_ascii_strcasecmp (m->m_proto_name, PROTO_MSRP) == 0
              || g_ascii_strcasecmp (m->m_proto_name, PROTO_MSRPS) == 0))
        msrp_media = m;
    }
  if (msrp_media == NULL)
    {
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_NO_MSRP,
                   "no \"m=message <port> TCP/MSRP *\" line (RFC 4975 §8.1, B.3 step 1)");
      goto out;
    }
  if (n_media > 1)
    {
      /* A push session is one MSRP stream (B.3); answering others would
       * need a port-0 line for each (RFC 3264 §6). */
      g_set_error (error, PL_MSRP_SDP_ERROR, PL_MSRP_SDP_ERROR_NO_MSRP,
                   "%u m-lines; a push session has one \"m=message … TCP/MSRP *\" stream (B.3)",
                   n_media);
      goto out;
    }

  msrp = pl_msrp_sdp_new ();
  msrp->origin_user = g_strdup (session->sdp_origin->o_username);
  msrp->origin_id = session->sdp_origin->o_id;
  msrp->origin_version = session->sdp_origin->o_version;
  msrp->origin_host = g_strdup (session->sdp_origin->o_address->c_address);
  ok = read_media (msrp, msrp_media, error);

out:
  sdp_parser_free (parser);
  su_home_unref (home);
  return ok ? g_steal_pointer (&msrp) : NULL;
}
