/* pl-ifc.c: initial Filter Criteria of 3GPP TS 29.228 (Annex B, C, F):
 * one <InitialFilterCriteria> element read into a PlIfc, and its trigger
 * point evaluated against a SIP request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-ifc"

#include <string.h>

#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "pl-ifc.h"
#include "pl-wire.h"
#include "pl-xml.h"

static const char *const condition_names[] = {
  [PL_SPT_REQUEST_URI] = "RequestURI",
  [PL_SPT_METHOD] = "Method",
  [PL_SPT_SIP_HEADER] = "SIPHeader",
  [PL_SPT_SESSION_CASE] = "SessionCase",
  [PL_SPT_SESSION_DESCRIPTION] = "SessionDescription",
};

#define CONDITIONS_EXPECTED \
  "one of <RequestURI>, <Method>, <SIPHeader>, <SessionCase> or <SessionDescription>"

static void
spt_free (PlSpt *spt)
{
  if (spt == NULL)
    return;
  g_clear_pointer (&spt->groups, g_array_unref);
  g_free (spt->method);
  g_free (spt->request_uri);
  g_free (spt->header);
  g_clear_pointer (&spt->content, g_regex_unref);
  g_free (spt->content_text);
  g_free (spt->line_name);
  g_free (spt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlSpt, spt_free)

/* ---- XML helpers, shared with pl-hss.c ---- */

static gboolean
is_named (xmlNode    *node,
          const char *name)
{
  return xmlStrEqual (node->name, (const xmlChar *) name);
}

static gboolean
is_blank (const xmlChar *text)
{
  for (const xmlChar *p = text; p && *p; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
      return FALSE;
  return TRUE;
}

gboolean
_pl_ifc_xml_check_element (PlXmlContext  *ctx,
                           xmlNode       *element,
                           GError       **error)
{
  if (!pl_xml_check_attrs (ctx, element, NULL, error))
    return FALSE;
  for (xmlNode *n = element->children; n; n = n->next)
    {
      g_autofree char *text = NULL;

      if ((n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE) || is_blank (n->content))
        continue;
      text = g_strstrip (g_strdup ((const char *) n->content));
      if (g_utf8_strlen (text, -1) > 40)
        *g_utf8_offset_to_pointer (text, 40) = '\0';
      return pl_xml_error (ctx, error, element, NULL,
                           "unexpected text '%s' in <%s>, which holds elements only",
                           text, (const char *) element->name);
    }
  return TRUE;
}

char *
_pl_ifc_xml_leaf (PlXmlContext  *ctx,
                  xmlNode       *element,
                  GError       **error)
{
  xmlNode *child;

  if (!pl_xml_check_attrs (ctx, element, NULL, error))
    return NULL;
  child = xmlFirstElementChild (element);
  if (child != NULL)
    return pl_xml_error (ctx, error, child, NULL,
                         "unexpected element <%s> in <%s>, which holds text only",
                         (const char *) child->name, (const char *) element->name), NULL;
  return pl_xml_text (element);
}

gboolean
_pl_ifc_xml_int (PlXmlContext  *ctx,
                 xmlNode       *element,
                 int            min,
                 int            max,
                 const char    *meaning,
                 int           *out,
                 GError       **error)
{
  g_autofree char *text = _pl_ifc_xml_leaf (ctx, element, error);
  gint64 value;

  if (text == NULL)
    return FALSE;
  if (!g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    return pl_xml_error (ctx, error, element, NULL,
                         "<%s>: expected %s, got '%s'", (const char *) element->name,
                         meaning, text);
  *out = (int) value;
  return TRUE;
}

/* TS 29.228 tBool is xs:boolean: "0", "1", "false", "true". */
gboolean
_pl_ifc_xml_bool (PlXmlContext  *ctx,
                  xmlNode       *element,
                  const char    *meaning,
                  gboolean      *out,
                  GError       **error)
{
  g_autofree char *text = _pl_ifc_xml_leaf (ctx, element, error);

  if (text == NULL)
    return FALSE;
  if (g_str_equal (text, "0") || g_str_equal (text, "false"))
    *out = FALSE;
  else if (g_str_equal (text, "1") || g_str_equal (text, "true"))
    *out = TRUE;
  else
    return pl_xml_error (ctx, error, element, NULL, "<%s>: expected 0 or 1 (%s), got '%s'",
                         (const char *) element->name, meaning, text);
  return TRUE;
}

/* An element allowed once: remembers it in *seen, or fails naming the
 * first one. */
gboolean
_pl_ifc_xml_once (PlXmlContext  *ctx,
                  xmlNode       *element,
                  xmlNode      **seen,
                  GError       **error)
{
  if (*seen != NULL)
    return pl_xml_error (ctx, error, element, NULL,
                         "<%s> is given twice in <%s> (first on line %d): expected one",
                         (const char *) element->name, (const char *) element->parent->name,
                         pl_xml_get_line (*seen));
  *seen = element;
  return TRUE;
}

gboolean
_pl_ifc_xml_missing (PlXmlContext  *ctx,
                     xmlNode       *parent,
                     const char    *child,
                     const char    *hint,
                     GError       **error)
{
  return pl_xml_error (ctx, error, parent, NULL, "<%s> has no <%s>: expected %s",
                       (const char *) parent->name, child, hint);
}

static gboolean
unknown_element (PlXmlContext  *ctx,
                 xmlNode       *element,
                 const char    *expected,
                 GError       **error)
{
  return pl_xml_error (ctx, error, element, NULL, "unknown element <%s> in <%s>: expected %s",
                       (const char *) element->name, (const char *) element->parent->name,
                       expected);
}

/* RFC 3261 §25.1 token. */
static gboolean
is_token (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-.!%*_+`'~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* ---- parsing ---- */

static gboolean
parse_content (PlXmlContext  *ctx,
               xmlNode       *element,
               PlSpt         *spt,
               GError       **error)
{
  g_autofree char *text = _pl_ifc_xml_leaf (ctx, element, error);
  g_autoptr (GError) local = NULL;

  if (text == NULL)
    return FALSE;
  if (*text == '\0')
    return pl_xml_error (ctx, error, element, NULL,
                         "<Content> is empty: expected a regular expression, or no <Content> "
                         "at all to test presence only");
  /* TS 29.228 Annex B: Content is a regular expression, matched anywhere
   * in the value (unanchored, like regexec). */
  spt->content = g_regex_new (text, 0, 0, &local);
  if (spt->content == NULL)
    return pl_xml_error (ctx, error, element, NULL,
                         "<Content>: expected a regular expression, got '%s' (%s)", text,
                         local->message);
  spt->content_text = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
parse_sip_header (PlXmlContext  *ctx,
                  xmlNode       *element,
                  PlSpt         *spt,
                  GError       **error)
{
  xmlNode *header = NULL, *content = NULL;

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "Header"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &header, error))
            return FALSE;
          spt->header = _pl_ifc_xml_leaf (ctx, child, error);
          if (spt->header == NULL)
            return FALSE;
          if (!is_token (spt->header))
            return pl_xml_error (ctx, error, child, NULL,
                                 "<Header>: expected a SIP header name such as Contact, got '%s'",
                                 spt->header);
        }
      else if (is_named (child, "Content"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &content, error)
              || !parse_content (ctx, child, spt, error))
            return FALSE;
        }
      else
        return unknown_element (ctx, child, "<Header> and optionally <Content>", error);
    }
  if (header == NULL)
    return _pl_ifc_xml_missing (ctx, element, "Header",
                                "<Header>Name</Header>, the header to test", error);
  return TRUE;
}

static gboolean
parse_session_description (PlXmlContext  *ctx,
                           xmlNode       *element,
                           PlSpt         *spt,
                           GError       **error)
{
  xmlNode *line = NULL, *content = NULL;

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "Line"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &line, error))
            return FALSE;
          spt->line_name = _pl_ifc_xml_leaf (ctx, child, error);
          if (spt->line_name == NULL)
            return FALSE;
          if (strlen (spt->line_name) != 1 || !g_ascii_isalpha (spt->line_name[0]))
            return pl_xml_error (ctx, error, child, NULL,
                                 "<Line>: expected an SDP line type, one letter such as m, "
                                 "got '%s'", spt->line_name);
        }
      else if (is_named (child, "Content"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &content, error)
              || !parse_content (ctx, child, spt, error))
            return FALSE;
        }
      else
        return unknown_element (ctx, child, "<Line> and optionally <Content>", error);
    }
  if (line == NULL)
    return _pl_ifc_xml_missing (ctx, element, "Line",
                                "<Line>m</Line>, the SDP line type to test", error);
  return TRUE;
}

/* PushLab compares <RequestURI> with the host of the Request-URI, exactly
 * and case-insensitively (RFC 3261 §19.1.4). TS 29.228 only says the SPT
 * "identifies the request URI" and, unlike <Content>, does not call it a
 * regular expression; a host keeps the common case (a PSI or a domain)
 * unambiguous: "home1.net" does not also match "evilhome1.net". */
static gboolean
parse_request_uri (PlXmlContext  *ctx,
                   xmlNode       *element,
                   PlSpt         *spt,
                   GError       **error)
{
  spt->request_uri = _pl_ifc_xml_leaf (ctx, element, error);
  if (spt->request_uri == NULL)
    return FALSE;
  if (*spt->request_uri == '\0' || strpbrk (spt->request_uri, " \t\r\n@;?<>\"") != NULL
      || g_str_has_prefix (spt->request_uri, "sip:") || g_str_has_prefix (spt->request_uri, "sips:")
      || g_str_has_prefix (spt->request_uri, "tel:"))
    return pl_xml_error (ctx, error, element, NULL,
                         "<RequestURI>: expected the host part of a Request-URI such as "
                         "home1.net (PushLab compares it with the Request-URI's host), got '%s'",
                         spt->request_uri);
  return TRUE;
}

static gboolean
parse_condition (PlXmlContext  *ctx,
                 xmlNode       *element,
                 PlSpt         *spt,
                 GError       **error)
{
  int value;

  if (is_named (element, "RequestURI"))
    {
      spt->kind = PL_SPT_REQUEST_URI;
      return parse_request_uri (ctx, element, spt, error);
    }
  if (is_named (element, "Method"))
    {
      spt->kind = PL_SPT_METHOD;
      spt->method = _pl_ifc_xml_leaf (ctx, element, error);
      if (spt->method == NULL)
        return FALSE;
      if (!is_token (spt->method))
        return pl_xml_error (ctx, error, element, NULL,
                             "<Method>: expected a SIP method name such as REGISTER, got '%s'",
                             spt->method);
      return TRUE;
    }
  if (is_named (element, "SIPHeader"))
    {
      spt->kind = PL_SPT_SIP_HEADER;
      return parse_sip_header (ctx, element, spt, error);
    }
  if (is_named (element, "SessionCase"))
    {
      spt->kind = PL_SPT_SESSION_CASE;
      if (!_pl_ifc_xml_int (ctx, element, 0, 4,
                            "0 to 4 (originating, terminating registered, terminating "
                            "unregistered, originating unregistered, originating CDIV)",
                            &value, error))
        return FALSE;
      spt->session_case = value;
      return TRUE;
    }
  g_assert (is_named (element, "SessionDescription"));
  spt->kind = PL_SPT_SESSION_DESCRIPTION;
  return parse_session_description (ctx, element, spt, error);
}

static gboolean
is_condition (xmlNode *element)
{
  for (guint i = 0; i < G_N_ELEMENTS (condition_names); i++)
    if (is_named (element, condition_names[i]))
      return TRUE;
  return FALSE;
}

/* TS 29.228 Annex B: <Extension><RegistrationType>N</RegistrationType>
 * of a REGISTER Method SPT. */
static gboolean
parse_spt_extension (PlXmlContext  *ctx,
                     xmlNode       *element,
                     PlSpt         *spt,
                     GError       **error)
{
  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      int value;
      guint flag;

      if (!is_named (child, "RegistrationType"))
        return unknown_element (ctx, child, "<RegistrationType>", error);
      if (!_pl_ifc_xml_int (ctx, child, 0, 2,
                            "0 (initial registration), 1 (re-registration) or 2 "
                            "(de-registration)",
                            &value, error))
        return FALSE;
      flag = 1u << value;
      if (spt->registration_types & flag)
        return pl_xml_error (ctx, error, child, NULL,
                             "<RegistrationType>%d</RegistrationType> is given twice: "
                             "expected each kind once", value);
      spt->registration_types |= flag;
    }
  if (spt->registration_types != 0
      && (spt->kind != PL_SPT_METHOD || g_strcmp0 (spt->method, "REGISTER") != 0))
    return pl_xml_error (ctx, error, element, NULL,
                         "<RegistrationType> applies to an SPT whose <Method> is REGISTER "
                         "(TS 29.228 Annex B), not to this one");
  return TRUE;
}

static PlSpt *
parse_spt (PlXmlContext  *ctx,
           xmlNode       *element,
           GError       **error)
{
  g_autoptr (PlSpt) spt = g_new0 (PlSpt, 1);
  xmlNode *negated = NULL, *condition = NULL, *extension = NULL;

  spt->groups = g_array_new (FALSE, FALSE, sizeof (int));
  spt->line = pl_xml_get_line (element);
  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return NULL;

  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "ConditionNegated"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &negated, error)
              || !_pl_ifc_xml_bool (ctx, child, "1 negates the condition", &spt->negated, error))
            return NULL;
        }
      else if (is_named (child, "Group"))
        {
          int group;

          if (!_pl_ifc_xml_int (ctx, child, 0, G_MAXINT, "a group number, 0 or more", &group,
                                error))
            return NULL;
          for (guint i = 0; i < spt->groups->len; i++)
            if (g_array_index (spt->groups, int, i) == group)
              return pl_xml_error (ctx, error, child, NULL,
                                   "<Group>%d</Group> is given twice in this <SPT>: expected "
                                   "each group once", group), NULL;
          g_array_append_val (spt->groups, group);
        }
      else if (is_condition (child))
        {
          if (condition != NULL)
            return pl_xml_error (ctx, error, child, NULL,
                                 "<SPT> already has the condition <%s> (line %d): expected "
                                 "exactly " CONDITIONS_EXPECTED,
                                 (const char *) condition->name, pl_xml_get_line (condition)),
                   NULL;
          condition = child;
          if (!parse_condition (ctx, child, spt, error))
            return NULL;
        }
      else if (is_named (child, "Extension"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &extension, error))
            return NULL;
        }
      else
        return unknown_element (ctx, child,
                                "<ConditionNegated>, <Group>, " CONDITIONS_EXPECTED
                                ", or <Extension>", error), NULL;
    }

  if (spt->groups->len == 0)
    return _pl_ifc_xml_missing (ctx, element, "Group",
                                "at least one <Group>N</Group>: groups combine the SPTs into "
                                "the trigger point's CNF or DNF", error), NULL;
  if (condition == NULL)
    return pl_xml_error (ctx, error, element, NULL,
                         "<SPT> has no condition: expected " CONDITIONS_EXPECTED), NULL;
  /* Read last: whether RegistrationType fits depends on the Method. */
  if (extension != NULL && !parse_spt_extension (ctx, extension, spt, error))
    return NULL;
  return g_steal_pointer (&spt);
}

static gboolean
parse_trigger_point (PlXmlContext  *ctx,
                     xmlNode       *element,
                     PlIfc         *ifc,
                     GError       **error)
{
  xmlNode *cnf = NULL;

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "ConditionTypeCNF"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &cnf, error)
              || !_pl_ifc_xml_bool (ctx, child,
                                    "1: Conjunctive Normal Form, 0: Disjunctive Normal Form",
                                    &ifc->cnf, error))
            return FALSE;
        }
      else if (is_named (child, "SPT"))
        {
          PlSpt *spt = parse_spt (ctx, child, error);

          if (spt == NULL)
            return FALSE;
          g_ptr_array_add (ifc->spts, spt);
        }
      else
        return unknown_element (ctx, child, "<ConditionTypeCNF> and one or more <SPT>", error);
    }
  if (cnf == NULL)
    return _pl_ifc_xml_missing (ctx, element, "ConditionTypeCNF",
                                "<ConditionTypeCNF>1</ConditionTypeCNF> (CNF) or 0 (DNF)", error);
  if (ifc->spts->len == 0)
    return _pl_ifc_xml_missing (ctx, element, "SPT", "one or more <SPT> (Service Point Trigger)",
                                error);
  return TRUE;
}

static gboolean
parse_as_extension (PlXmlContext  *ctx,
                    xmlNode       *element,
                    PlIfc         *ifc,
                    GError       **error)
{
  xmlNode *request = NULL, *response = NULL;

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      g_autofree char *text = NULL;
      gboolean is_request = is_named (child, "IncludeRegisterRequest");

      if (!is_request && !is_named (child, "IncludeRegisterResponse"))
        return unknown_element (ctx, child,
                                "<IncludeRegisterRequest/> or <IncludeRegisterResponse/>", error);
      if (!_pl_ifc_xml_once (ctx, child, is_request ? &request : &response, error))
        return FALSE;
      text = _pl_ifc_xml_leaf (ctx, child, error);
      if (text == NULL)
        return FALSE;
      if (*text != '\0')
        return pl_xml_error (ctx, error, child, NULL,
                             "<%s> is a flag and stays empty: expected <%s/>, got text '%s'",
                             (const char *) child->name, (const char *) child->name, text);
      if (is_request)
        ifc->include_register_request = TRUE;
      else
        ifc->include_register_response = TRUE;
    }
  return TRUE;
}

static gboolean
parse_application_server (PlXmlContext  *ctx,
                          xmlNode       *element,
                          PlIfc         *ifc,
                          GError       **error)
{
  xmlNode *name = NULL, *handling = NULL, *info = NULL, *extension = NULL;

  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return FALSE;
  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "ServerName"))
        {
          g_autofree char *copy = NULL;
          url_t url[1];

          if (!_pl_ifc_xml_once (ctx, child, &name, error))
            return FALSE;
          ifc->server_name = _pl_ifc_xml_leaf (ctx, child, error);
          if (ifc->server_name == NULL)
            return FALSE;
          copy = g_strdup (ifc->server_name);
          if (url_d (url, copy) < 0 || (url->url_type != url_sip && url->url_type != url_sips)
              || url->url_host == NULL || *url->url_host == '\0')
            return pl_xml_error (ctx, error, child, NULL,
                                 "<ServerName>: expected a SIP URI such as sip:as.home1.net, "
                                 "got '%s'", ifc->server_name);
        }
      else if (is_named (child, "DefaultHandling"))
        {
          int value;

          if (!_pl_ifc_xml_once (ctx, child, &handling, error)
              || !_pl_ifc_xml_int (ctx, child, 0, 1,
                                   "0 (SESSION_CONTINUED) or 1 (SESSION_TERMINATED)", &value,
                                   error))
            return FALSE;
          ifc->default_handling = value;
        }
      else if (is_named (child, "ServiceInfo"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &info, error))
            return FALSE;
          ifc->service_info = _pl_ifc_xml_leaf (ctx, child, error);
          if (ifc->service_info == NULL)
            return FALSE;
        }
      else if (is_named (child, "Extension"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &extension, error)
              || !parse_as_extension (ctx, child, ifc, error))
            return FALSE;
        }
      else
        return unknown_element (ctx, child,
                                "<ServerName>, <DefaultHandling>, <ServiceInfo> or <Extension>",
                                error);
    }
  if (name == NULL)
    return _pl_ifc_xml_missing (ctx, element, "ServerName",
                                "<ServerName>sip:as.home1.net</ServerName>, the SIP URI of the "
                                "Application Server", error);
  return TRUE;
}

PlIfc *
pl_ifc_parse (PlXmlContext  *ctx,
              xmlNode       *element,
              GError       **error)
{
  g_autoptr (PlIfc) ifc = NULL;
  xmlNode *priority = NULL, *trigger = NULL, *server = NULL, *part = NULL;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (element != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (element->type != XML_ELEMENT_NODE || !is_named (element, "InitialFilterCriteria"))
    return pl_xml_error (ctx, error, element, NULL, "expected <InitialFilterCriteria>, got <%s>",
                         (const char *) element->name), NULL;

  ifc = g_new0 (PlIfc, 1);
  ifc->spts = g_ptr_array_new_with_free_func ((GDestroyNotify) spt_free);
  ifc->profile_part = -1;
  ifc->file = g_strdup (pl_xml_context_get_file (ctx));
  ifc->line = pl_xml_get_line (element);
  if (!_pl_ifc_xml_check_element (ctx, element, error))
    return NULL;

  pl_xml_foreach_element (element, child)
    {
      if (is_named (child, "Priority"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &priority, error)
              || !_pl_ifc_xml_int (ctx, child, 0, G_MAXINT,
                                   "a whole number, 0 or more (lower is tried first)",
                                   &ifc->priority, error))
            return NULL;
        }
      else if (is_named (child, "TriggerPoint"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &trigger, error)
              || !parse_trigger_point (ctx, child, ifc, error))
            return NULL;
          ifc->has_trigger = TRUE;
        }
      else if (is_named (child, "ApplicationServer"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &server, error)
              || !parse_application_server (ctx, child, ifc, error))
            return NULL;
        }
      else if (is_named (child, "ProfilePartIndicator"))
        {
          if (!_pl_ifc_xml_once (ctx, child, &part, error)
              || !_pl_ifc_xml_int (ctx, child, 0, 1, "0 (REGISTERED) or 1 (UNREGISTERED)",
                                   &ifc->profile_part, error))
            return NULL;
        }
      else
        return unknown_element (ctx, child,
                                "<Priority>, <TriggerPoint>, <ApplicationServer> or "
                                "<ProfilePartIndicator>", error), NULL;
    }

  if (priority == NULL)
    return _pl_ifc_xml_missing (ctx, element, "Priority",
                                "<Priority>N</Priority>: criteria are tried lowest first",
                                error), NULL;
  if (server == NULL)
    return _pl_ifc_xml_missing (ctx, element, "ApplicationServer",
                                "<ApplicationServer> with a <ServerName>", error), NULL;
  return g_steal_pointer (&ifc);
}

void
pl_ifc_free (PlIfc *ifc)
{
  if (ifc == NULL)
    return;
  g_clear_pointer (&ifc->spts, g_ptr_array_unref);
  g_free (ifc->server_name);
  g_free (ifc->service_info);
  g_free (ifc->file);
  g_free (ifc);
}

/* ---- evaluation ---- */

static gboolean
regex_matches (const GRegex *regex,
               const char   *value)
{
  g_autofree char *valid = NULL;

  /* GRegex works on UTF-8; a message may carry anything. */
  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);
  return g_regex_match (regex, value, 0, NULL);
}

/* Every value of header @name (full or compact name, any case) as
 * sofia-sip prints it, one per header field value: the SPT matches when
 * one of them does. A header sofia-sip could not parse is present but has
 * no value to match. */
static gboolean
header_matches (const sip_t  *sip,
                const char   *name,
                const GRegex *regex)
{
  msg_href_t const *href = msg_find_hclass (sip_default_mclass (), name, NULL);
  gboolean known = href && href->hr_class && href->hr_class->hc_hash != msg_unknown_hash
                   && href->hr_offset > 0
                   && href->hr_offset + sizeof (msg_header_t *) <= sip->sip_size;
  const char *class_name = known ? href->hr_class->hc_name : name;
  gboolean found = FALSE;

  if (known)
    {
      msg_header_t const *h = *(msg_header_t * const *) ((const char *) sip + href->hr_offset);

      for (; h && !found; h = h->sh_next)
        {
          g_autofree char *value = NULL;

          if (regex == NULL)
            {
              found = TRUE;
              break;
            }
          /* Not sip_header_as_string(): it cuts a long value (pl-wire.h). */
          value = pl_wire_header_text (h);
          found = value != NULL && regex_matches (regex, value);
        }
    }
  else
    {
      for (sip_unknown_t const *u = sip->sip_unknown; u && !found; u = u->un_next)
        if (u->un_name && g_ascii_strcasecmp (u->un_name, name) == 0)
          found = regex == NULL || regex_matches (regex, u->un_value ? u->un_value : "");
    }

  if (!found && regex == NULL)
    for (sip_error_t const *e = sip->sip_error; e && !found; e = e->er_next)
      found = e->er_name && g_ascii_strcasecmp (e->er_name, class_name) == 0;
  return found;
}

/* SDP lines "<type>=<value>" of an application/sdp body (RFC 4566 §5). */
static gboolean
sdp_matches (const sip_t  *sip,
             const char   *line_name,
             const GRegex *regex)
{
  g_autofree char *body = NULL;
  g_auto (GStrv) lines = NULL;

  if (sip->sip_payload == NULL || sip->sip_payload->pl_data == NULL
      || sip->sip_content_type == NULL || sip->sip_content_type->c_type == NULL
      || g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/sdp") != 0)
    return FALSE;
  body = g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (len < 2 || line[0] != line_name[0] || line[1] != '=')
        continue;
      if (regex == NULL || regex_matches (regex, line + 2))
        return TRUE;
    }
  return FALSE;
}

static gboolean
spt_matches (const PlSpt        *spt,
             const sip_t        *sip,
             PlSessionCase       session_case,
             PlRegistrationType  registration)
{
  const url_t *uri = sip->sip_request->rq_url;

  switch (spt->kind)
    {
    case PL_SPT_REQUEST_URI:
      return uri && uri->url_host && g_ascii_strcasecmp (uri->url_host, spt->request_uri) == 0;
    case PL_SPT_METHOD:
      /* TS 29.228 Annex B: the method name, compared case-sensitively
       * (RFC 3261 §7.1 methods are case-sensitive). */
      if (g_strcmp0 (sip->sip_request->rq_method_name, spt->method) != 0)
        return FALSE;
      if (spt->registration_types == 0 || !g_str_equal (spt->method, "REGISTER"))
        return TRUE;
      return (spt->registration_types & registration) != 0;
    case PL_SPT_SIP_HEADER:
      return header_matches (sip, spt->header, spt->content);
    case PL_SPT_SESSION_CASE:
      return spt->session_case == session_case;
    case PL_SPT_SESSION_DESCRIPTION:
      return sdp_matches (sip, spt->line_name, spt->content);
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

static gboolean
spt_in_group (const PlSpt *spt,
              int          group)
{
  for (guint i = 0; i < spt->groups->len; i++)
    if (g_array_index (spt->groups, int, i) == group)
      return TRUE;
  return FALSE;
}

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

void
pl_ifc_result_clear (PlIfcResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->spt_results, g_array_unref);
  g_clear_pointer (&result->group_ids, g_array_unref);
  g_clear_pointer (&result->group_results, g_array_unref);
  g_clear_pointer (&result->explanation, g_free);
  result->matched = FALSE;
}

/* TS 29.228 Annex C: CNF is an AND of groups, each the OR of its SPTs;
 * DNF an OR of groups, each the AND of its SPTs. ConditionNegated turns
 * an SPT's result before it enters any group. */
gboolean
pl_ifc_evaluate (const PlIfc        *ifc,
                 const sip_t        *request,
                 PlSessionCase       session_case,
                 PlRegistrationType  registration,
                 gboolean            registered,
                 PlIfcResult        *result)
{
  g_autoptr (GArray) spt_results = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GArray) group_ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) group_results = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean trigger = TRUE, fits, matched;

  g_return_val_if_fail (ifc != NULL, FALSE);
  g_return_val_if_fail (request != NULL && request->sip_request != NULL, FALSE);

  if (ifc->has_trigger)
    {
      trigger = ifc->cnf;
      for (guint i = 0; i < ifc->spts->len; i++)
        {
          const PlSpt *spt = g_ptr_array_index (ifc->spts, i);
          gboolean r = spt_matches (spt, request, session_case, registration) != spt->negated;

          g_array_append_val (spt_results, r);
          for (guint g = 0; g < spt->groups->len; g++)
            {
              int id = g_array_index (spt->groups, int, g);
              guint at;

              if (!g_array_binary_search (group_ids, &id, compare_int, &at))
                {
                  g_array_append_val (group_ids, id);
                  g_array_sort (group_ids, compare_int);
                }
            }
        }

      g_string_append (text, ifc->cnf ? "CNF: " : "DNF: ");
      for (guint g = 0; g < group_ids->len; g++)
        {
          int id = g_array_index (group_ids, int, g);
          gboolean acc = !ifc->cnf;
          guint n = 0;

          if (g > 0)
            g_string_append (text, ifc->cnf ? " AND " : " OR ");
          g_string_append_printf (text, "group %d (", id);
          for (guint i = 0; i < ifc->spts->len; i++)
            {
              const PlSpt *spt = g_ptr_array_index (ifc->spts, i);
              gboolean r = g_array_index (spt_results, gboolean, i);
              g_autofree char *describe = NULL;

              if (!spt_in_group (spt, id))
                continue;
              acc = ifc->cnf ? (acc || r) : (acc && r);
              describe = pl_spt_describe (spt);
              g_string_append_printf (text, "%s%s: %s", n++ > 0 ? (ifc->cnf ? " OR " : " AND ") : "",
                                      describe, r ? "yes" : "no");
            }
          g_string_append (text, ")");
          if (n > 1)
            g_string_append (text, acc ? " = yes" : " = no");
          g_array_append_val (group_results, acc);
          trigger = ifc->cnf ? (trigger && acc) : (trigger || acc);
        }
    }
  else
    g_string_append (text, "no TriggerPoint");

  /* TS 29.228: ProfilePartIndicator 0 applies to a registered user, 1 to
   * an unregistered one; absent, to both. */
  fits = ifc->profile_part < 0 || (ifc->profile_part == 0) == !!registered;
  if (!fits)
    g_string_append_printf (text, "; ProfilePartIndicator %d (%s) does not fit a%s user",
                            ifc->profile_part, ifc->profile_part == 0 ? "REGISTERED" : "UNREGISTERED",
                            registered ? " registered" : "n unregistered");
  matched = trigger && fits;
  g_string_append (text, matched ? " -> match" : " -> no match");

  if (result != NULL)
    {
      pl_ifc_result_clear (result);
      result->matched = matched;
      result->spt_results = g_steal_pointer (&spt_results);
      result->group_ids = g_steal_pointer (&group_ids);
      result->group_results = g_steal_pointer (&group_results);
      result->explanation = g_string_free (g_steal_pointer (&text), FALSE);
    }
  return matched;
}

/* ---- text ---- */

char *
pl_spt_describe (const PlSpt *spt)
{
  GString *text;

  g_return_val_if_fail (spt != NULL, NULL);

  text = g_string_new (spt->negated ? "NOT " : "");
  switch (spt->kind)
    {
    case PL_SPT_REQUEST_URI:
      g_string_append_printf (text, "RequestURI=%s", spt->request_uri);
      break;
    case PL_SPT_METHOD:
      g_string_append_printf (text, "Method=%s", spt->method);
      if (spt->registration_types != 0)
        {
          static const char *const kinds[] = { "initial", "re", "de" };
          const char *sep = " (";

          for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
            if (spt->registration_types & (1u << i))
              {
                g_string_append_printf (text, "%s%s", sep, kinds[i]);
                sep = ", ";
              }
          g_string_append (text, ")");
        }
      break;
    case PL_SPT_SIP_HEADER:
      if (spt->content_text)
        g_string_append_printf (text, "SIPHeader %s ~ \"%s\"", spt->header, spt->content_text);
      else
        g_string_append_printf (text, "SIPHeader %s present", spt->header);
      break;
    case PL_SPT_SESSION_CASE:
      g_string_append_printf (text, "SessionCase=%s",
                              pl_session_case_to_string (spt->session_case));
      break;
    case PL_SPT_SESSION_DESCRIPTION:
      if (spt->content_text)
        g_string_append_printf (text, "SessionDescription %s ~ \"%s\"", spt->line_name,
                                spt->content_text);
      else
        g_string_append_printf (text, "SessionDescription %s present", spt->line_name);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (text, FALSE);
}

/* TS 29.228 tDirectionOfRequest names. */
const char *
pl_session_case_to_string (PlSessionCase session_case)
{
  switch (session_case)
    {
    case PL_SESSION_CASE_ORIGINATING:
      return "ORIGINATING_REGISTERED";
    case PL_SESSION_CASE_TERMINATING_REGISTERED:
      return "TERMINATING_REGISTERED";
    case PL_SESSION_CASE_TERMINATING_UNREGISTERED:
      return "TERMINATING_UNREGISTERED";
    case PL_SESSION_CASE_ORIGINATING_UNREGISTERED:
      return "ORIGINATING_UNREGISTERED";
    case PL_SESSION_CASE_ORIGINATING_CDIV:
      return "ORIGINATING_CDIV";
    default:
      return "unknown";
    }
}

const char *
pl_default_handling_to_string (PlDefaultHandling handling)
{
  switch (handling)
    {
    case PL_DEFAULT_HANDLING_SESSION_CONTINUED:
      return "SESSION_CONTINUED";
    case PL_DEFAULT_HANDLING_SESSION_TERMINATED:
      return "SESSION_TERMINATED";
    default:
      return "unknown";
    }
}


PlStateRow *
_pl_ifc_describe (const PlIfc *ifc,
                  PlState     *state,
                  PlStateRow  *parent)
{
  PlStateRow *row = pl_state_add_rowf (state, parent, "iFC", "priority %d", ifc->priority);
  g_autofree char *file = g_path_get_basename (ifc->file ? ifc->file : "");
  PlStateRow *trigger;

  pl_state_row_set_detailf (row, "%s:%d", file, ifc->line);
  pl_state_add_row (state, row, "server", ifc->server_name ? ifc->server_name : "(none)");
  pl_state_add_row (state, row, "default handling",
                    pl_default_handling_to_string (ifc->default_handling));
  if (ifc->profile_part >= 0)
    pl_state_add_row (state, row, "profile part",
                      ifc->profile_part == 0 ? "REGISTERED" : "UNREGISTERED");
  if (ifc->service_info)
    pl_state_add_row (state, row, "service info", ifc->service_info);
  if (ifc->include_register_request)
    pl_state_add_row (state, row, "include register request", "yes");
  if (ifc->include_register_response)
    pl_state_add_row (state, row, "include register response", "yes");
  if (!ifc->has_trigger)
    {
      pl_state_add_row (state, row, "trigger point", "none (always matches)");
      return row;
    }
  trigger = pl_state_add_row (state, row, "trigger point", ifc->cnf ? "CNF" : "DNF");
  for (guint i = 0; i < ifc->spts->len; i++)
    {
      const PlSpt *spt = g_ptr_array_index (ifc->spts, i);
      g_autofree char *describe = pl_spt_describe (spt);
      g_autoptr (GString) groups = g_string_new (NULL);
      PlStateRow *srow;

      for (guint g = 0; g < spt->groups->len; g++)
        g_string_append_printf (groups, "%s%d", g ? "," : "", g_array_index (spt->groups, int, g));
      srow = pl_state_add_rowf (state, trigger, "SPT", "%s", describe);
      pl_state_row_set_detailf (srow, "group %s", groups->str);
    }
  return row;
}
