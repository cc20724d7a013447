/* pl-uaprof-server.c: the UAProf server (node kind "uaprof-server") and
 * content server (node kind "content-server"): one HTTP server class.
 *
 * A device's presence carries an <od:device-profile> that "SHALL be an
 * HTTP URL" of its UAProf descriptor (SIP Push 2006 draft §8.1.3.3); a
 * watcher learns the device's capabilities by fetching it. A MESSAGE may
 * carry its push content by reference (RFC 4483, 004_… §7.1.1 step 4);
 * the receiver fetches it. This node is the host of such URLs: it
 * answers GET over proto "http" (pl-http.h) with the document
 * configured for the path.
 *
 * Scenario form:
 *
 *   <node id="uaprof" kind="uaprof-server" host="uaprof.home1.net">
 *     <profile path="/syncml-phone.rdf" file="../data/uaprof/syncml-phone.rdf"/>
 *   </node>
 *   <node id="content" kind="content-server" host="content.home1.net">
 *     <content path="/alert.txt" file="../data/content/x.txt" content-type="text/plain"/>
 *   </node>
 *
 * Both kinds take both children: <profile> is checked as UAProf and
 * served as application/rdf+xml, <content> is served as its
 * content-type says.
 *
 * Answers (RFC 7231): 200 with the document, 404 for a path it does not
 * serve, 405 with Allow: GET for another method, 400 for bytes that are
 * not one HTTP/1.1 request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-uaprof-server"

#include <string.h>

#include <sofia-sip/sip_header.h>

#include "pl-http.h"
#include "pl-uaprof.h"
#include "pl-uaprof-server.h"
#include "pl-xml.h"

typedef struct {
  char *path;
  char *content_type;
  GBytes *document;
  guint n_served;         /* 200s with it, for the node panel */
} PlServedProfile;

struct _PlUaprofServer {
  PlNode parent_instance;

  GPtrArray *profiles;    /* PlServedProfile*, in configuration order */
  guint n_fetches;
};

G_DEFINE_FINAL_TYPE (PlUaprofServer, pl_uaprof_server, PL_TYPE_NODE)

static void
served_profile_free (gpointer data)
{
  PlServedProfile *p = data;

  g_free (p->path);
  g_free (p->content_type);
  g_bytes_unref (p->document);
  g_free (p);
}

static const PlServedProfile *
find_profile (PlUaprofServer *self,
              const char     *path)
{
  for (guint i = 0; i < self->profiles->len; i++)
    {
      const PlServedProfile *p = g_ptr_array_index (self->profiles, i);

      if (g_str_equal (p->path, path))
        return p;
    }
  return NULL;
}

/* An absolute path (RFC 3986 §3.3 path-absolute) without a query,
 * fragment or whitespace: what a device-profile URL names. */
static gboolean
is_profile_path (const char *path)
{
  return path[0] == '/' && strpbrk (path, " \t\r\n?#") == NULL;
}

/* ---- HTTP ---- */

static void
answer (PlUaprofServer *self,
        PlNode         *to,
        int             status,
        const char     *method,
        const char     *target,
        const char     *problem,
        const char     *content_type,
        GBytes         *document)
{
  PlNode *node = PL_NODE (self);
  static const char *const allow[] = { "Allow: GET", NULL };
  g_autoptr (GBytes) text = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *label = g_strdup_printf ("%03d %s", status, pl_http_reason_phrase (status));
  PlTraceEvent *event;

  if (document == NULL && problem)
    {
      g_autofree char *line = g_strdup_printf ("%s\n", problem);

      text = g_bytes_new (line, strlen (line));
    }
  /* RFC 7231 §6.5.5: a 405 "MUST generate an Allow header field". */
  bytes = pl_http_build_response (status, status == 405 ? allow : NULL,
                                  document ? content_type : text ? "text/plain" : NULL,
                                  document ? document : text);

  event = pl_node_begin_event (node, PL_EVENT_APP, "fetch");
  pl_trace_event_add_string (event, "client", pl_node_get_id (to));
  pl_trace_event_add_string (event, "method", method ? method : "");
  pl_trace_event_add_string (event, "target", target ? target : "");
  pl_trace_event_add_int (event, "status", status);
  pl_trace_event_add_int (event, "bytes", document ? (gint64) g_bytes_get_size (document) : 0);
  if (problem)
    pl_trace_event_add_string (event, "reason", problem);
  pl_node_commit_event (node, event);

  pl_sim_transmit (pl_node_get_sim (node), node, to, PL_EVENT_SEND, "http", bytes, label);
}

static void
pl_uaprof_server_stream (PlNode     *node,
                         PlNode     *from,
                         const char *proto,
                         GBytes     *bytes)
{
  PlUaprofServer *self = PL_UAPROF_SERVER (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHttpMessage) request = NULL;
  const PlServedProfile *profile;
  const char *method, *target, *path;

  if (g_strcmp0 (proto, "http") != 0)
    {
      pl_node_app_event (node, "error", "%s bytes from %s ignored: a '%s' node speaks http",
                         proto, pl_node_get_id (from), pl_node_get_kind (node));
      return;
    }
  self->n_fetches++;
  request = pl_http_parse (bytes, &error);
  if (request != NULL && !pl_http_message_is_request (request))
    {
      g_clear_pointer (&request, pl_http_message_free);
      g_set_error (&error, PL_HTTP_ERROR, PL_HTTP_ERROR_SYNTAX,
                   "byte 0: a response; expected a request");
    }
  if (request == NULL)
    {
      /* RFC 7230 §3.2.4, §5.4: a malformed request gets 400. */
      answer (self, from, 400, NULL, NULL, error->message, NULL, NULL);
      return;
    }
  method = pl_http_message_get_method (request);
  target = pl_http_message_get_target (request);
  /* RFC 7231 §4.1: GET is what a fetch of a profile is. */
  if (!g_str_equal (method, "GET"))
    {
      g_autofree char *why = g_strdup_printf ("method %s; this server answers GET", method);

      answer (self, from, 405, method, target, why, NULL, NULL);
      return;
    }
  /* RFC 7230 §5.3.2: a server takes the absolute-form too. */
  path = target;
  if (g_ascii_strncasecmp (path, "http://", 7) == 0)
    {
      path = strchr (path + 7, '/');
      if (path == NULL)
        path = "/";
    }
  profile = find_profile (self, path);
  if (profile == NULL)
    {
      g_autofree char *why = g_strdup_printf ("nothing is served at %s", path);

      answer (self, from, 404, method, target, why, NULL, NULL);
      return;
    }
  ((PlServedProfile *) profile)->n_served++;
  answer (self, from, 200, method, target, NULL, profile->content_type, profile->document);
}

/* ---- configuration ---- */

static GBytes *
read_file (PlXmlContext  *ctx,
           xmlNode       *child,
           const char    *href,
           char         **path,
           GError       **error)
{
  g_autoptr (GError) local = NULL;
  char *contents = NULL;
  gsize len = 0;

  *path = pl_xml_context_resolve (ctx, href);
  if (!g_file_get_contents (*path, &contents, &len, &local))
    {
      pl_xml_error (ctx, error, child, "file", "attribute 'file' of <%s>: %s",
                    (const char *) child->name, local->message);
      return NULL;
    }
  return g_bytes_new_take (contents, len);
}

static gboolean
pl_uaprof_server_configure (PlNode        *node,
                            PlXmlContext  *ctx,
                            xmlNode       *element,
                            GError       **error)
{
  static const char *const attrs[] = { "id", "kind", "host", NULL };
  static const char *const profile_attrs[] = { "path", "file", NULL };
  static const char *const content_attrs[] = { "path", "file", "content-type", NULL };
  PlUaprofServer *self = PL_UAPROF_SERVER (node);

  if (!pl_xml_check_attrs (ctx, element, attrs, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      g_autoptr (GError) local = NULL;
      g_autofree char *file = NULL;
      g_autoptr (GBytes) document = NULL;
      gboolean is_profile = xmlStrEqual (child->name, (const xmlChar *) "profile");
      const char *path, *href, *type = NULL;

      if (!is_profile && !xmlStrEqual (child->name, (const xmlChar *) "content"))
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is not part of a '%s' node: expected "
                             "<profile path=\"/x.rdf\" file=\"...\"> or <content path=\"/x\" "
                             "file=\"...\" content-type=\"type/subtype\">",
                             (const char *) child->name, pl_node_get_kind (node));
      if (!pl_xml_check_attrs (ctx, child, is_profile ? profile_attrs : content_attrs, error)
          || !pl_xml_require_attr (ctx, child, "path", &path, error)
          || !pl_xml_require_attr (ctx, child, "file", &href, error)
          || (!is_profile && !pl_xml_require_attr (ctx, child, "content-type", &type, error)))
        return FALSE;
      if (!is_profile_path (path))
        return pl_xml_error (ctx, error, child, "path",
                             "attribute 'path' of <%s>: expected an absolute path such as "
                             "/syncml-phone.rdf, got '%s'", (const char *) child->name, path);
      if (find_profile (self, path))
        return pl_xml_error (ctx, error, child, "path",
                             "attribute 'path' of <%s>: '%s' is served already",
                             (const char *) child->name, path);
      document = read_file (ctx, child, href, &file, error);
      if (document == NULL)
        return FALSE;
      if (!is_profile)
        {
          if (!pl_uaprof_server_add_content (self, path, type, document, &local))
            return pl_xml_error (ctx, error, child, "content-type",
                                 "attribute 'content-type' of <content>: %s", local->message);
          continue;
        }
      /* A profile no watcher could read is a mistake of the scenario. */
      if (!pl_uaprof_server_add_profile (self, path, document, file, &local))
        return pl_xml_error (ctx, error, child, "file",
                             "attribute 'file' of <profile>: not a UAProf document: %s",
                             local->message);
    }
  return TRUE;
}

static void
pl_uaprof_server_finalize (GObject *object)
{
  PlUaprofServer *self = PL_UAPROF_SERVER (object);

  g_clear_pointer (&self->profiles, g_ptr_array_unref);

  G_OBJECT_CLASS (pl_uaprof_server_parent_class)->finalize (object);
}

static void
pl_uaprof_server_describe (PlNode  *node,
                           PlState *state)
{
  PlUaprofServer *self = PL_UAPROF_SERVER (node);

  pl_state_add_rowf (state, NULL, "requests", "%u", self->n_fetches);
  pl_state_begin_section (state, "documents");
  for (guint i = 0; i < self->profiles->len; i++)
    {
      const PlServedProfile *p = g_ptr_array_index (self->profiles, i);
      PlStateRow *row = pl_state_add_row (state, NULL, p->path, p->content_type);

      pl_state_add_rowf (state, row, "size", "%" G_GSIZE_FORMAT " bytes",
                         g_bytes_get_size (p->document));
      pl_state_add_rowf (state, row, "served", "%u", p->n_served);
    }
}

static void
pl_uaprof_server_class_init (PlUaprofServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  PlNodeClass *node_class = PL_NODE_CLASS (klass);

  object_class->finalize = pl_uaprof_server_finalize;
  node_class->configure = pl_uaprof_server_configure;
  node_class->stream = pl_uaprof_server_stream;
  node_class->describe = pl_uaprof_server_describe;
}

static void
pl_uaprof_server_init (PlUaprofServer *self)
{
  self->profiles = g_ptr_array_new_with_free_func (served_profile_free);
}

/* ---- public API ---- */

gboolean
pl_uaprof_server_add_profile (PlUaprofServer  *self,
                              const char      *path,
                              GBytes          *document,
                              const char      *origin,
                              GError         **error)
{
  g_autoptr (PlUaprof) uaprof = NULL;
  PlServedProfile *p;
  gsize len;
  const char *data;

  g_return_val_if_fail (PL_IS_UAPROF_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL && document != NULL, FALSE);

  if (!is_profile_path (path) || find_profile (self, path))
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                   "'%s' is not a free absolute path", path);
      return FALSE;
    }
  data = g_bytes_get_data (document, &len);
  uaprof = pl_uaprof_parse (data, len, origin ? origin : path, error);
  if (uaprof == NULL)
    return FALSE;
  p = g_new0 (PlServedProfile, 1);
  p->path = g_strdup (path);
  p->content_type = g_strdup (PL_UAPROF_CONTENT_TYPE);
  p->document = g_bytes_ref (document);
  g_ptr_array_add (self->profiles, p);
  return TRUE;
}

gboolean
pl_uaprof_server_add_content (PlUaprofServer  *self,
                              const char      *path,
                              const char      *content_type,
                              GBytes          *document,
                              GError         **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  gboolean ok;
  PlServedProfile *p;

  g_return_val_if_fail (PL_IS_UAPROF_SERVER (self), FALSE);
  g_return_val_if_fail (path != NULL && content_type != NULL && document != NULL, FALSE);

  if (!is_profile_path (path) || find_profile (self, path))
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                   "'%s' is not a free absolute path", path);
      return FALSE;
    }
  /* RFC 7231 §3.1.1.5: a media type the client can read. */
  ok = sip_content_type_make (home, content_type) != NULL && strchr (content_type, '/') != NULL;
  su_home_deinit (home);
  if (!ok)
    {
      g_set_error (error, PL_SCENARIO_ERROR, PL_SCENARIO_ERROR_INVALID,
                   "expected a media type such as text/plain, got '%s'", content_type);
      return FALSE;
    }
  p = g_new0 (PlServedProfile, 1);
  p->path = g_strdup (path);
  p->content_type = g_strdup (content_type);
  p->document = g_bytes_ref (document);
  g_ptr_array_add (self->profiles, p);
  return TRUE;
}

guint
pl_uaprof_server_get_n_fetches (PlUaprofServer *self)
{
  g_return_val_if_fail (PL_IS_UAPROF_SERVER (self), 0);

  return self->n_fetches;
}
