/* pl-pidf.h: presence documents (PIDF, RFC 3863) in the presence data
 * model (RFC 4479) with the OMA device-profile extension of the SIP Push
 * spec (§8.1): parsed from a PUBLISH or NOTIFY body, written back,
 * composed from several publications, built by a Push Receiver agent.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   <presence xmlns="urn:ietf:params:xml:ns:pidf"
 *             xmlns:pdm="urn:ietf:params:xml:ns:pidf:data-model"
 *             xmlns:od="urn:oma:params:xml:ns:pidf:oma-device"
 *             entity="sip:someone@example.com">
 *     <tuple id="a1232"><status><basic>open</basic></status>...</tuple>
 *     <pdm:person id="a1233">...</pdm:person>
 *     <pdm:device id="a1234">
 *       <od:device-profile>http://example.com/UAProf/d123r100.xml</od:device-profile>
 *       <pdm:deviceID>urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a</pdm:deviceID>
 *     </pdm:device>
 *   </presence>
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PL_PIDF_CONTENT_TYPE    "application/pidf+xml"
#define PL_PIDF_NS              "urn:ietf:params:xml:ns:pidf"
#define PL_PIDF_DATA_MODEL_NS   "urn:ietf:params:xml:ns:pidf:data-model"
#define PL_PIDF_OMA_DEVICE_NS   "urn:oma:params:xml:ns:pidf:oma-device"

/* RFC 3863 §4.1.4: <basic> is optional in <status>. */
typedef enum {
  PL_PIDF_BASIC_NONE,
  PL_PIDF_BASIC_OPEN,
  PL_PIDF_BASIC_CLOSED,
} PlPidfBasic;

typedef struct _PlPidf       PlPidf;
typedef struct _PlPidfTuple  PlPidfTuple;
typedef struct _PlPidfPerson PlPidfPerson;
typedef struct _PlPidfDevice PlPidfDevice;

/* Parses @len bytes of @data (need not be NUL-terminated) with network
 * access, DTD loading and entity substitution off; a DOCTYPE is refused.
 * Errors are PL_SCENARIO_ERROR (SYNTAX: not well-formed, DOCTYPE;
 * INVALID: not a PIDF document of the data model) and read
 * "ORIGIN:LINE:COLUMN: what is wrong: what was expected". @origin names
 * the source ("PUBLISH from ue", a file name). Extension elements in
 * other namespaces are kept as they are. */
PlPidf       *pl_pidf_parse        (const char  *data,
                                    gsize        len,
                                    const char  *origin,
                                    GError     **error);

/* The document in UTF-8 with the PIDF namespace as default and the pdm
 * and od prefixes; each device's <od:device-profile> comes before its
 * <pdm:deviceID> (SIP Push §8.1). NUL-terminated; free with g_free. */
char         *pl_pidf_write        (const PlPidf *pidf,
                                    gsize        *len);

/* The document a watcher gets from @n publications of one presentity,
 * oldest first: the union of their tuples, persons and devices, a later
 * element replacing an earlier one of the same id (or, for devices, of
 * the same deviceID: SIP Push §8.1.3.4); the entity of the first. The
 * full rule is at its definition. */
PlPidf       *pl_pidf_compose      (PlPidf * const *publications,
                                    guint           n);

PlPidf       *pl_pidf_new          (const char *entity);
void          pl_pidf_free         (PlPidf *pidf);

const char   *pl_pidf_get_entity   (const PlPidf *pidf);
guint         pl_pidf_get_n_tuples (const PlPidf *pidf);
const PlPidfTuple  *pl_pidf_get_tuple   (const PlPidf *pidf,
                                         guint         i);
guint         pl_pidf_get_n_persons (const PlPidf *pidf);
const PlPidfPerson *pl_pidf_get_person  (const PlPidf *pidf,
                                         guint         i);
guint         pl_pidf_get_n_devices (const PlPidf *pidf);
const PlPidfDevice *pl_pidf_get_device  (const PlPidf *pidf,
                                         guint         i);

/* The device-profile URL of device @i, NULL when it has none. */
const char   *pl_pidf_get_device_profile  (const PlPidf *pidf,
                                           guint         i);
/* Every device-profile URL of the document, in device order (devices
 * without one are skipped); free with g_strfreev. */
char        **pl_pidf_dup_device_profiles (const PlPidf *pidf);

/* An absolute http: or https: URL with a host, as §8.1.3.3 asks of a
 * <device-profile>. */
gboolean      pl_pidf_is_device_profile_url (const char *url);

const char   *pl_pidf_tuple_get_id        (const PlPidfTuple *tuple);
PlPidfBasic   pl_pidf_tuple_get_basic     (const PlPidfTuple *tuple);
const char   *pl_pidf_tuple_get_contact   (const PlPidfTuple *tuple);
const char   *pl_pidf_tuple_get_timestamp (const PlPidfTuple *tuple);
/* The first <note>, NULL when there is none. */
const char   *pl_pidf_tuple_get_note      (const PlPidfTuple *tuple);

const char   *pl_pidf_person_get_id        (const PlPidfPerson *person);
const char   *pl_pidf_person_get_timestamp (const PlPidfPerson *person);

const char   *pl_pidf_device_get_id             (const PlPidfDevice *device);
const char   *pl_pidf_device_get_device_id      (const PlPidfDevice *device);
const char   *pl_pidf_device_get_device_profile (const PlPidfDevice *device);
const char   *pl_pidf_device_get_timestamp      (const PlPidfDevice *device);

/* Builders. @id must be an XML name not yet used in @pidf; @contact may
 * be NULL; @device_profile is NULL or pl_pidf_is_device_profile_url();
 * timestamps are xs:dateTime ("2005-02-22T20:07:07Z"). The returned
 * element belongs to @pidf. */
PlPidfTuple  *pl_pidf_add_tuple           (PlPidf      *pidf,
                                           const char  *id,
                                           PlPidfBasic  basic,
                                           const char  *contact);
void          pl_pidf_tuple_set_note      (PlPidfTuple *tuple,
                                           const char  *note);
void          pl_pidf_tuple_set_timestamp (PlPidfTuple *tuple,
                                           const char  *timestamp);
PlPidfPerson *pl_pidf_add_person           (PlPidf      *pidf,
                                           const char  *id);
PlPidfDevice *pl_pidf_add_device          (PlPidf      *pidf,
                                           const char  *id,
                                           const char  *device_id,
                                           const char  *device_profile);
void          pl_pidf_device_set_timestamp (PlPidfDevice *device,
                                            const char   *timestamp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlPidf, pl_pidf_free)

G_END_DECLS
