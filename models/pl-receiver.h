/* pl-receiver.h: the Push Receiver agent (node kind "receiver"), §6.2,
 * §6.3.1, §6.4.1, §7.2 of the 2006 draft and 004_… §7.1.1, §8.2 for V1.0.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pl-node.h"

G_BEGIN_DECLS

#define PL_TYPE_RECEIVER (pl_receiver_get_type ())
G_DECLARE_FINAL_TYPE (PlReceiver, pl_receiver, PL, RECEIVER, PlNode)

/* Programmatic configuration, for tests and the benchmark (the scenario
 * form is documented in pl-receiver.c and scenarios/README.md). */
void      pl_receiver_set_identity (PlReceiver *self,
                                    const char *public_id,
                                    const char *private_id,
                                    const char *password);
/* @outbound: first hop (the P-CSCF) as a URI, or NULL to send to the
 * registrar directly; @registrar: the Request-URI of REGISTER. */
void      pl_receiver_set_core     (PlReceiver *self,
                                    const char *outbound,
                                    const char *registrar);
/* @accept: content types, NULL-terminated; @answer: 200, 603, 503, 500
 * or 0 for "never answers". */
void      pl_receiver_add_app      (PlReceiver         *self,
                                    const char         *app,
                                    const char * const *accept,
                                    int                 answer);
/* REGISTER now: with every installed application's tag (@apps NULL), a
 * chosen few, or none (an empty vector: §7.2 re-registration without the
 * tags); @expires 0 de-registers (§7.2 step 3). */
void      pl_receiver_register     (PlReceiver         *self,
                                    const char * const *apps,
                                    guint32             expires);
/* SUBSCRIBE to the ua-profile events of @app (§6.4.1.1) for @expires
 * seconds, Request-URI the public identity; a subscription of @app that
 * is alive is refreshed in its dialog; @expires 0 unsubscribes. */
void      pl_receiver_subscribe    (PlReceiver *self,
                                    const char *app,
                                    guint32     expires);
gboolean  pl_receiver_is_registered (PlReceiver *self);
guint     pl_receiver_get_n_pushes (PlReceiver *self);

G_END_DECLS
