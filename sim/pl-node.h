/* pl-node.h: base class of every simulated network element.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <libxml/tree.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>

#include "pl-types.h"
#include "pl-sim.h"
#include "pl-state.h"
#include "pl-trace.h"

G_BEGIN_DECLS

#define PL_TYPE_NODE (pl_node_get_type ())
G_DECLARE_DERIVABLE_TYPE (PlNode, pl_node, PL, NODE, GObject)

struct _PlNodeClass {
  GObjectClass parent_class;

  /* Reads the kind's own attributes and children of its <node> element.
   * Attributes id, kind and host are the base class's. */
  gboolean  (*configure)      (PlNode        *self,
                               PlXmlContext  *ctx,
                               xmlNode       *element,
                               GError       **error);

  /* After every node is configured and linked: looks up the other nodes
   * this one names (an HSS, a next hop), reporting errors at @element. */
  gboolean  (*resolve)        (PlNode        *self,
                               PlXmlContext  *ctx,
                               xmlNode       *element,
                               GError       **error);

  /* Builds the action of a timeline element aimed at this node. */
  PlAction *(*parse_action)   (PlNode        *self,
                               PlXmlContext  *ctx,
                               xmlNode       *element,
                               GError       **error);

  /* Once, at the virtual time the run starts. */
  void      (*start)          (PlNode *self);

  /* A new SIP request. @txn is NULL for an ACK (it has no transaction of
   * its own) and for requests a rule answered on the node's behalf. */
  void      (*request)        (PlNode      *self,
                               PlServerTxn *txn,
                               msg_t       *msg,
                               sip_t       *sip);

  /* A response no client transaction took (a retransmitted 2xx, or one
   * for a transaction already gone). */
  void      (*stray_response) (PlNode *self,
                               msg_t  *msg,
                               sip_t  *sip);

  /* Bytes of another protocol (MSRP, HTTP-like fetches) from @from. */
  void      (*stream)         (PlNode     *self,
                               PlNode     *from,
                               const char *proto,
                               GBytes     *bytes);

  /* Adds the kind's state at the current virtual time to @state
   * (sections of rows, see pl-state.h); pl_node_describe() has added
   * the base part. */
  void      (*describe)       (PlNode  *self,
                               PlState *state);

  gpointer padding[6];
};

const char   *pl_node_get_id         (PlNode *self);
const char   *pl_node_get_kind       (PlNode *self);
/* The host as the spec writes it: "pcscf1.visited1.net:7531". */
const char   *pl_node_get_host       (PlNode *self);
/* Host name or IPv6 literal with brackets, without the port. */
const char   *pl_node_get_hostname   (PlNode *self);
guint16       pl_node_get_port       (PlNode *self);
gboolean      pl_node_has_port       (PlNode *self);
int           pl_node_get_index      (PlNode *self);
PlSim        *pl_node_get_sim        (PlNode *self);
PlTime        pl_node_now            (PlNode *self);
PlDialect     pl_node_get_dialect    (PlNode *self);

/* The node's state at the current virtual time: a "node" section (id,
 * kind, host, address), then the kind's own sections. Sets the state's
 * time. */
void          pl_node_describe       (PlNode  *self,
                                      PlState *state);

/* Is @url (its host and port) this node? */
gboolean      pl_node_owns_url       (PlNode        *self,
                                      const url_t   *url);

/* Deterministic identifiers, readable in ladders: a Via branch
 * ("z9hG4bK" + node + counter), a tag, a Call-ID. */
char         *pl_node_new_branch     (PlNode *self);
char         *pl_node_new_tag        (PlNode *self);
char         *pl_node_new_call_id    (PlNode *self);

/* Serializes @msg (completing Content-Length) and transmits it to @to. */
guint64       pl_node_transmit_msg   (PlNode      *self,
                                      PlNode      *to,
                                      PlEventKind  kind,
                                      msg_t       *msg);

/* Node-level trace events: begin, add fields, commit. */
PlTraceEvent *pl_node_begin_event    (PlNode      *self,
                                      PlEventKind  kind,
                                      const char  *name);
void          pl_node_commit_event   (PlNode       *self,
                                      PlTraceEvent *event);
/* Shortcut: an APP event with "detail" = printf-formatted text. */
void          pl_node_app_event      (PlNode     *self,
                                      const char *name,
                                      const char *format,
                                      ...) G_GNUC_PRINTF (3, 4);

/* Virtual-time timer owned by the node's run. */
PlTimer      *pl_node_add_timer      (PlNode         *self,
                                      PlTime          delay,
                                      PlTimerFunc     func,
                                      gpointer        user_data,
                                      GDestroyNotify  destroy);
/* The same, for state that outlives the scenario's activity (binding
 * expiry, refresh): it fires in its turn if the run gets there, but does
 * not keep a run without an end time going (pl_scheduler_set_background). */
PlTimer      *pl_node_add_background_timer (PlNode         *self,
                                            PlTime          delay,
                                            PlTimerFunc     func,
                                            gpointer        user_data,
                                            GDestroyNotify  destroy);
void          pl_node_cancel_timer   (PlNode   *self,
                                      PlTimer **timer);

/* Node kinds: models register theirs; the scenario loader creates nodes
 * by kind name. */
void          pl_node_kind_register  (const char *kind,
                                      GType       type,
                                      const char *description);
GType         pl_node_kind_lookup    (const char *kind);
/* Sorted kind names, NULL-terminated; free with g_strfreev. */
char        **pl_node_kind_list      (void);
const char   *pl_node_kind_describe  (const char *kind);

G_END_DECLS
