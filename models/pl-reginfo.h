/* pl-reginfo.h: registration information (RFC 3680 §5,
 * application/reginfo+xml), the body of the reg event package's NOTIFY:
 * built by a notifier, written, parsed, and merged into a watcher's view
 * (§5.2).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   <reginfo xmlns="urn:ietf:params:xml:ns:reginfo" version="0" state="full">
 *     <registration aor="sip:user@domain.com" id="a7" state="active">
 *       <contact id="76" state="active" event="registered" expires="3600">
 *         <uri>sip:user@192.0.2.4</uri>
 *         <unknown-param name="+g.oma.sip-push.0x05"/>
 *         <unknown-param name="+g.oma.pusheventapp">mms.ua</unknown-param>
 *       </contact>
 *     </registration>
 *   </reginfo>
 */
#pragma once

#include <glib.h>
#include <sofia-sip/sip.h>

#include "pl-types.h"

G_BEGIN_DECLS

#define PL_REGINFO_CONTENT_TYPE "application/reginfo+xml"
#define PL_REGINFO_NS           "urn:ietf:params:xml:ns:reginfo"

/* Errors of pl_reginfo_apply(); parsing fails with PL_SCENARIO_ERROR. */
#define PL_REGINFO_ERROR (pl_reginfo_error_quark ())
GQuark pl_reginfo_error_quark (void);

typedef enum {
  PL_REGINFO_ERROR_VERSION_GAP, /* a document is missing: refresh the subscription */
  PL_REGINFO_ERROR_STALE,       /* an older document: discarded */
} PlReginfoError;

/* §5.4 schema enumerations, in its order. */
typedef enum {
  PL_REGINFO_REGISTRATION_INIT,
  PL_REGINFO_REGISTRATION_ACTIVE,
  PL_REGINFO_REGISTRATION_TERMINATED,
} PlReginfoRegistrationState;

typedef enum {
  PL_REGINFO_CONTACT_ACTIVE,
  PL_REGINFO_CONTACT_TERMINATED,
} PlReginfoContactState;

typedef enum {
  PL_REGINFO_EVENT_REGISTERED,
  PL_REGINFO_EVENT_CREATED,
  PL_REGINFO_EVENT_REFRESHED,
  PL_REGINFO_EVENT_SHORTENED,
  PL_REGINFO_EVENT_EXPIRED,
  PL_REGINFO_EVENT_DEACTIVATED,
  PL_REGINFO_EVENT_PROBATION,
  PL_REGINFO_EVENT_UNREGISTERED,
  PL_REGINFO_EVENT_REJECTED,
} PlReginfoEvent;

typedef struct _PlReginfo             PlReginfo;
typedef struct _PlReginfoRegistration PlReginfoRegistration;
typedef struct _PlReginfoContact      PlReginfoContact;

/* ---- documents ---- */

/* An empty document: @full is the reginfo "state" (full or partial). */
PlReginfo   *pl_reginfo_new       (guint            version,
                                   gboolean         full);
/* A watcher's view before any document: full state without a version.
 * The first document applied to it must be full and sets the version
 * (§5.2). */
PlReginfo   *pl_reginfo_new_watch (void);
PlReginfo   *pl_reginfo_copy      (const PlReginfo *reginfo);
void         pl_reginfo_free      (PlReginfo       *reginfo);

/* Parses @len bytes of @data (need not be NUL-terminated) with network
 * access, DTD loading and entity substitution off; a DOCTYPE is refused.
 * Checked: the root and its namespace, the version (an unsigned int),
 * the §5.4 enumerations, the required attributes and <uri>, numbers,
 * ids unique in their scope. Elements and attributes of other namespaces
 * (extensions such as RFC 5628's GRUUs) are skipped. Errors are
 * PL_SCENARIO_ERROR, "ORIGIN:LINE:COLUMN: what is wrong: what was
 * expected"; @origin names the source ("NOTIFY from scscf", a file). */
PlReginfo   *pl_reginfo_parse     (const char  *data,
                                   gsize        len,
                                   const char  *origin,
                                   GError     **error);
/* UTF-8 with the reginfo namespace as default; NUL-terminated, free
 * with g_free. pl_reginfo_parse() reads back what it wrote. */
char        *pl_reginfo_write     (const PlReginfo *reginfo,
                                   gsize           *len);

/* Watcher processing (§5.2): @update's version must be one more than
 * @full_state's, or any newer one for full state (what a refresh
 * brings). A full @update replaces the state, a partial one replaces
 * registrations and contacts of the same id and adds the others. A
 * terminated registration or contact leaves the state at once (§5.2
 * lets it). On error @full_state is unchanged: VERSION_GAP ("version
 * gap: expected N, got M") asks the watcher to refresh its subscription
 * for full state, STALE is an older document, to be ignored. */
gboolean     pl_reginfo_apply     (PlReginfo        *full_state,
                                   const PlReginfo  *update,
                                   GError          **error);

/* FALSE for a pl_reginfo_new_watch() that has had no document yet. */
gboolean     pl_reginfo_has_version          (const PlReginfo *reginfo);
guint        pl_reginfo_get_version          (const PlReginfo *reginfo);
gboolean     pl_reginfo_is_full              (const PlReginfo *reginfo);
guint        pl_reginfo_get_n_registrations  (const PlReginfo *reginfo);
const PlReginfoRegistration *pl_reginfo_get_registration  (const PlReginfo *reginfo,
                                                           guint            i);
const PlReginfoRegistration *pl_reginfo_find_registration (const PlReginfo *reginfo,
                                                           const char      *id);

/* @aor is a URI and @id non-empty and unused in @reginfo. Strings must be
 * UTF-8 that XML can hold. The result belongs to @reginfo. */
PlReginfoRegistration *pl_reginfo_add_registration (PlReginfo                  *reginfo,
                                                    const char                 *aor,
                                                    const char                 *id,
                                                    PlReginfoRegistrationState  state);

/* ---- registrations ---- */

const char  *pl_reginfo_registration_get_aor        (const PlReginfoRegistration *reg);
const char  *pl_reginfo_registration_get_id         (const PlReginfoRegistration *reg);
PlReginfoRegistrationState
             pl_reginfo_registration_get_state      (const PlReginfoRegistration *reg);
guint        pl_reginfo_registration_get_n_contacts (const PlReginfoRegistration *reg);
const PlReginfoContact *pl_reginfo_registration_get_contact  (const PlReginfoRegistration *reg,
                                                              guint                        i);
const PlReginfoContact *pl_reginfo_registration_find_contact (const PlReginfoRegistration *reg,
                                                              const char                  *id);

/* @id is non-empty and unused in @reg; the result belongs to @reg. */
PlReginfoContact *pl_reginfo_registration_add_contact     (PlReginfoRegistration *reg,
                                                           const char            *id,
                                                           const char            *uri,
                                                           PlReginfoContactState  state,
                                                           PlReginfoEvent         event);
/* A contact from a registered Contact header: its URI, display name, q
 * and expires, and every other parameter as an unknown-param (§5.1), a
 * quoted value without its quotes ("+g.oma.pusheventapp=\"mms.ua\"" is
 * name +g.oma.pusheventapp, value mms.ua). NULL when XML cannot carry
 * the URI. */
PlReginfoContact *pl_reginfo_registration_add_sip_contact (PlReginfoRegistration *reg,
                                                           const char            *id,
                                                           const sip_contact_t   *m,
                                                           PlReginfoContactState  state,
                                                           PlReginfoEvent         event);

/* ---- contacts ---- */

const char  *pl_reginfo_contact_get_id     (const PlReginfoContact *contact);
const char  *pl_reginfo_contact_get_uri    (const PlReginfoContact *contact);
PlReginfoContactState
             pl_reginfo_contact_get_state  (const PlReginfoContact *contact);
PlReginfoEvent
             pl_reginfo_contact_get_event  (const PlReginfoContact *contact);
/* NULL when absent; the language is the display name's xml:lang. */
const char  *pl_reginfo_contact_get_display_name (const PlReginfoContact *contact);
const char  *pl_reginfo_contact_get_display_lang (const PlReginfoContact *contact);
const char  *pl_reginfo_contact_get_q            (const PlReginfoContact *contact);
const char  *pl_reginfo_contact_get_callid       (const PlReginfoContact *contact);
/* FALSE when absent (*out untouched). */
gboolean     pl_reginfo_contact_get_expires      (const PlReginfoContact *contact,
                                                  guint64                *out);
gboolean     pl_reginfo_contact_get_duration_registered (const PlReginfoContact *contact,
                                                         guint64                *out);
gboolean     pl_reginfo_contact_get_retry_after  (const PlReginfoContact *contact,
                                                  guint64                *out);
gboolean     pl_reginfo_contact_get_cseq         (const PlReginfoContact *contact,
                                                  guint64                *out);

/* @lang may be NULL. */
void         pl_reginfo_contact_set_display_name (PlReginfoContact *contact,
                                                  const char       *display_name,
                                                  const char       *lang);
void         pl_reginfo_contact_set_q            (PlReginfoContact *contact,
                                                  const char       *q);
void         pl_reginfo_contact_set_callid       (PlReginfoContact *contact,
                                                  const char       *callid);
void         pl_reginfo_contact_set_expires      (PlReginfoContact *contact,
                                                  guint64           expires);
void         pl_reginfo_contact_set_duration_registered (PlReginfoContact *contact,
                                                         guint64           seconds);
void         pl_reginfo_contact_set_retry_after  (PlReginfoContact *contact,
                                                  guint64           seconds);
void         pl_reginfo_contact_set_cseq         (PlReginfoContact *contact,
                                                  guint64           cseq);

/* Contact header parameters the schema has no attribute for (§5.1),
 * in order. @value is NULL for a parameter without one ("" counts as
 * none). */
void         pl_reginfo_contact_add_param        (PlReginfoContact *contact,
                                                  const char       *name,
                                                  const char       *value);
guint        pl_reginfo_contact_get_n_params     (const PlReginfoContact *contact);
const char  *pl_reginfo_contact_get_param_name   (const PlReginfoContact *contact,
                                                  guint                   i);
const char  *pl_reginfo_contact_get_param_value  (const PlReginfoContact *contact,
                                                  guint                   i);
/* Is a parameter named @name (compared without regard to case, RFC 3261
 * §7.3.1) there? *value (may be NULL) gets its value or NULL. */
gboolean     pl_reginfo_contact_lookup_param     (const PlReginfoContact *contact,
                                                  const char             *name,
                                                  const char            **value);
/* The push applications the contact registered, read from its
 * unknown-params with pl-push.h's rules for @dialect; NULL-terminated,
 * never NULL; free with g_strfreev. */
char       **pl_reginfo_contact_dup_push_apps    (const PlReginfoContact *contact,
                                                  PlDialect               dialect);

/* The §5.4 spellings ("init", "active", "registered", …). */
const char  *pl_reginfo_registration_state_to_string (PlReginfoRegistrationState state);
const char  *pl_reginfo_contact_state_to_string      (PlReginfoContactState state);
const char  *pl_reginfo_event_to_string              (PlReginfoEvent event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlReginfo, pl_reginfo_free)

G_END_DECLS
