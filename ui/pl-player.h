/* pl-player.h: plays a scenario for the studio: play, pause, step, step
 * back, speed, restart, with the studio's own rules kept across re-runs.
 *
 * The engine is deterministic (DESIGN.md, "Virtual time"), so stepping back
 * is a re-run of the same scenario, stopped one message earlier.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "pl-held.h"
#include "pl-rule.h"
#include "pl-scenario.h"

G_BEGIN_DECLS

/* The fastest speed: virtual time does not wait for wall time. */
#define PL_PLAYER_SPEED_MAX 0.0

typedef enum {
  PL_PLAYER_EMPTY,     /* nothing loaded */
  PL_PLAYER_PAUSED,
  PL_PLAYER_PLAYING,
  PL_PLAYER_HOLDING,   /* a breakpoint holds a message */
  PL_PLAYER_FINISHED,
} PlPlayerState;

#define PL_TYPE_PLAYER (pl_player_get_type ())
G_DECLARE_FINAL_TYPE (PlPlayer, pl_player, PL, PLAYER, GObject)

PlPlayer      *pl_player_new             (void);

/* Loads @path and stops at virtual time 0, paused. Emits "reloaded".
 * On error the previous scenario stays. */
gboolean       pl_player_load            (PlPlayer    *self,
                                          const char  *path,
                                          GError     **error);
const char    *pl_player_get_path        (PlPlayer *self);
/* The current run; replaced (and "reloaded" emitted) by every re-run. */
PlScenario    *pl_player_get_scenario    (PlPlayer *self);
PlSim         *pl_player_get_sim         (PlPlayer *self);
PlTrace       *pl_player_get_trace       (PlPlayer *self);

PlPlayerState  pl_player_get_state       (PlPlayer *self);
PlTime         pl_player_get_time        (PlPlayer *self);
/* Message events (send and retransmit) recorded so far. */
guint          pl_player_get_n_messages  (PlPlayer *self);

/* Speed factor of virtual time over wall time, 0.1 and up, or
 * PL_PLAYER_SPEED_MAX. */
void           pl_player_set_speed       (PlPlayer *self,
                                          double    speed);
double         pl_player_get_speed       (PlPlayer *self);

void           pl_player_play            (PlPlayer *self);
void           pl_player_pause           (PlPlayer *self);
/* Runs events until one sends a message (or the run ends). One event
 * can send several: a proxy's 100 Trying and the forwarded request. */
gboolean       pl_player_step            (PlPlayer *self);
/* Re-runs to just before the event that sent the last message shown. */
gboolean       pl_player_step_back       (PlPlayer *self);
/* Re-runs from the start and stops after the first event that brings
 * the count of messages to at least @n_messages. */
gboolean       pl_player_seek            (PlPlayer *self,
                                          guint     n_messages);
/* Runs to the end as fast as possible (breakpoints still hold). */
void           pl_player_run_to_end      (PlPlayer *self);
/* Re-runs from the start, paused at 0. */
void           pl_player_restart         (PlPlayer *self);

/* The studio's own rules (alterations and breakpoints): added to the
 * current run at once and to every re-run. The player owns @rule. */
void           pl_player_add_rule        (PlPlayer *self,
                                          PlRule   *rule);
guint          pl_player_get_n_rules     (PlPlayer *self);
PlRule        *pl_player_get_rule        (PlPlayer *self,
                                          guint     index);
/* Removes a rule: a breakpoint stops holding at once, an alteration
 * from the next re-run. */
void           pl_player_remove_rule     (PlPlayer *self,
                                          guint     index);

/* A separate run of the same file to its end, as fast as possible: with
 * the studio's rules (the altered flow) or without them (the original),
 * for comparisons. Breakpoints (hold rules) let messages pass there. */
PlScenario    *pl_player_run_copy        (PlPlayer  *self,
                                          gboolean   with_rules,
                                          GError   **error);

/* Breakpoints. A hold rule added with pl_player_add_rule() stops the run
 * at the message it matches: the state becomes PL_PLAYER_HOLDING and
 * "held" is emitted. One of the three calls below then lets it go; each
 * also keeps what the user did as rules for every re-run (see
 * pl-rule-edit.h), so an altered flow replays and can be saved. While
 * re-running to a point (step back, seek), breakpoints let messages pass
 * and those rules do the altering. */
PlHeld        *pl_player_get_held        (PlPlayer *self);
/* Releases the held message, with @edited bytes (or NULL: unchanged). */
gboolean       pl_player_release_held    (PlPlayer  *self,
                                          GBytes    *edited,
                                          GError   **error);
gboolean       pl_player_drop_held       (PlPlayer  *self,
                                          GError   **error);
gboolean       pl_player_answer_held     (PlPlayer    *self,
                                          int          status,
                                          const char  *reason,
                                          GError     **error);
/* Quick actions on a message already shown: adds @rule (made with
 * pl_rule_new_*_event) for the re-runs and re-runs to where the run was,
 * so its consequence shows at once. The player owns @rule. */
void           pl_player_alter           (PlPlayer *self,
                                          PlRule   *rule);
/* The rules the user made (not the breakpoints), for saving. */
GPtrArray     *pl_player_get_alterations (PlPlayer *self);

/* The report of the expectations against the trace so far. */
PlReport      *pl_player_check           (PlPlayer *self);

G_END_DECLS
