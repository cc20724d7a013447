/* pl-ifc.h: initial Filter Criteria of 3GPP TS 29.228 (Annex B, C, F):
 * trigger points and their evaluation against a SIP request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libxml/tree.h>
#include <sofia-sip/sip.h>

#include "pl-state.h"
#include "pl-types.h"

G_BEGIN_DECLS

/* TS 29.228 Table E.1 (tSessionCase). */
typedef enum {
  PL_SESSION_CASE_ORIGINATING = 0,
  PL_SESSION_CASE_TERMINATING_REGISTERED = 1,
  PL_SESSION_CASE_TERMINATING_UNREGISTERED = 2,
  PL_SESSION_CASE_ORIGINATING_UNREGISTERED = 3,
  PL_SESSION_CASE_ORIGINATING_CDIV = 4,
} PlSessionCase;

/* TS 29.228 tDefaultHandling. */
typedef enum {
  PL_DEFAULT_HANDLING_SESSION_CONTINUED = 0,
  PL_DEFAULT_HANDLING_SESSION_TERMINATED = 1,
} PlDefaultHandling;

/* TS 29.228 Annex B.2.2 RegistrationType extension of the Method SPT;
 * a REGISTER SPT without one matches every kind. */
typedef enum {
  PL_REGISTRATION_NONE = 0,
  PL_REGISTRATION_INITIAL = 1 << 0,
  PL_REGISTRATION_RE = 1 << 1,
  PL_REGISTRATION_DE = 1 << 2,
} PlRegistrationType;

typedef enum {
  PL_SPT_REQUEST_URI,
  PL_SPT_METHOD,
  PL_SPT_SIP_HEADER,
  PL_SPT_SESSION_CASE,
  PL_SPT_SESSION_DESCRIPTION,
} PlSptKind;

typedef struct {
  PlSptKind kind;
  gboolean negated;          /* ConditionNegated */
  GArray *groups;            /* int: the Group numbers it belongs to */
  int line;                  /* of <SPT> in its file */

  char *method;              /* METHOD */
  guint registration_types;  /* PlRegistrationType flags, METHOD REGISTER */
  char *request_uri;         /* REQUEST_URI: the host part to match */
  char *header;              /* SIP_HEADER: header name */
  GRegex *content;           /* SIP_HEADER, SESSION_DESCRIPTION: NULL = presence */
  char *content_text;
  PlSessionCase session_case;/* SESSION_CASE */
  char *line_name;           /* SESSION_DESCRIPTION: SDP line type ("m") */
} PlSpt;

typedef struct {
  int priority;
  gboolean has_trigger;      /* no TriggerPoint: matches unconditionally */
  gboolean cnf;              /* ConditionTypeCNF: 1 CNF, 0 DNF */
  GPtrArray *spts;           /* PlSpt* */
  char *server_name;         /* ApplicationServer/ServerName */
  PlDefaultHandling default_handling;
  char *service_info;        /* ApplicationServer/ServiceInfo, or NULL */
  gboolean include_register_request;   /* Extension/IncludeRegisterRequest */
  gboolean include_register_response;  /* Extension/IncludeRegisterResponse */
  int profile_part;          /* ProfilePartIndicator: 0 registered, 1 unregistered, -1 absent */
  char *file;                /* where it was defined */
  int line;
} PlIfc;

void     pl_ifc_free   (PlIfc *ifc);

/* Parses one <InitialFilterCriteria> element. Unknown or malformed
 * elements and values are reported at their file:line:column through
 * @ctx (a context of pl-xml.h). */
PlIfc   *pl_ifc_parse  (PlXmlContext  *ctx,
                        xmlNode       *element,
                        GError       **error);

/* What the evaluation of one criterion found: one entry per SPT and one
 * per group, so that a user can see why a request went where it went. */
typedef struct {
  gboolean matched;
  GArray *spt_results;       /* gboolean, in SPT order, after negation */
  GArray *group_ids;         /* int, sorted */
  GArray *group_results;     /* gboolean, parallel to group_ids */
  char *explanation;         /* "CNF: (Method=REGISTER ✓) ∧ (SIPHeader Contact ~ … ✗) → no match" */
} PlIfcResult;

void     pl_ifc_result_clear (PlIfcResult *result);

/* Evaluates @ifc against @request for @session_case; @registration is the
 * kind of a REGISTER (PL_REGISTRATION_NONE for other methods). A
 * criterion whose ProfilePartIndicator does not fit @registered does not
 * match. @result may be NULL; otherwise it must be zero-initialized or
 * hold an earlier result, which is cleared first. */
gboolean pl_ifc_evaluate (const PlIfc        *ifc,
                          const sip_t        *request,
                          PlSessionCase       session_case,
                          PlRegistrationType  registration,
                          gboolean            registered,
                          PlIfcResult        *result);

/* Human text of one SPT: "Method=REGISTER", "SIPHeader Contact ~ \+g\.oma". */
char    *pl_spt_describe      (const PlSpt *spt);
const char *pl_session_case_to_string (PlSessionCase session_case);
const char *pl_default_handling_to_string (PlDefaultHandling handling);

/* Private to the models (pl-hss.c reads the rest of the TS 29.228
 * document with them): every failure names file:line:column. */
/* No attributes, and no text between the child elements. */
gboolean _pl_ifc_xml_check_element (PlXmlContext  *ctx,
                                    xmlNode       *element,
                                    GError       **error);
/* The trimmed text of an element that has no attributes or children. */
char    *_pl_ifc_xml_leaf          (PlXmlContext  *ctx,
                                    xmlNode       *element,
                                    GError       **error);
/* @meaning completes "expected ..." in the error. */
gboolean _pl_ifc_xml_int           (PlXmlContext  *ctx,
                                    xmlNode       *element,
                                    int            min,
                                    int            max,
                                    const char    *meaning,
                                    int           *out,
                                    GError       **error);
gboolean _pl_ifc_xml_bool          (PlXmlContext  *ctx,
                                    xmlNode       *element,
                                    const char    *meaning,
                                    gboolean      *out,
                                    GError       **error);
/* For an element allowed once in its parent: *seen is the first one. */
gboolean _pl_ifc_xml_once          (PlXmlContext  *ctx,
                                    xmlNode       *element,
                                    xmlNode      **seen,
                                    GError       **error);
gboolean _pl_ifc_xml_missing       (PlXmlContext  *ctx,
                                    xmlNode       *parent,
                                    const char    *child,
                                    const char    *hint,
                                    GError       **error);

/* An "iFC" row under @parent: server, default handling, trigger point
 * with each SPT and its groups (pl-state.h). */
PlStateRow *_pl_ifc_describe        (const PlIfc *ifc,
                                     PlState     *state,
                                     PlStateRow  *parent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlIfc, pl_ifc_free)

G_END_DECLS
