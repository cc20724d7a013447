/* pl-player.c: plays a scenario for the studio.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "pl-player"

#include "pl-player.h"

#include "pl-rule-edit.h"
#include "pl-sim.h"

/* How often a playing run tells the window its clock moved. */
#define TICK_MS 33

struct _PlPlayer {
  GObject parent_instance;

  char *path;
  PlScenario *scenario;
  gulong observer;
  GPtrArray *rules;        /* PlRule* templates, owned */

  PlPlayerState state;
  double speed;
  guint n_messages;
  GArray *message_event;   /* guint64: the scheduler event that sent each message */
  guint tick_id;
  gboolean seeking;        /* a re-run to a point: no signals per step */
};

enum {
  SIGNAL_RELOADED,
  SIGNAL_STATE_CHANGED,
  SIGNAL_TICK,
  SIGNAL_HELD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PlPlayer, pl_player, G_TYPE_OBJECT)

static void
set_state (PlPlayer      *self,
           PlPlayerState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  if (state != PL_PLAYER_PLAYING)
    g_clear_handle_id (&self->tick_id, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
drop_run (PlPlayer *self)
{
  PlSim *sim;
  PlScheduler *scheduler;

  if (self->scenario == NULL)
    return;

  sim = pl_scenario_get_sim (self->scenario);
  scheduler = pl_sim_get_scheduler (sim);

  pl_scheduler_set_finished_func (scheduler, NULL, NULL);
  pl_scheduler_detach (scheduler);
  pl_trace_remove_observer (pl_sim_get_trace (sim), (guint) self->observer);
  g_clear_object (&self->scenario);
}

static void
pl_player_dispose (GObject *object)
{
  PlPlayer *self = PL_PLAYER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  drop_run (self);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  G_OBJECT_CLASS (pl_player_parent_class)->dispose (object);
}

static void
pl_player_finalize (GObject *object)
{
  PlPlayer *self = PL_PLAYER (object);

  g_free (self->path);
  g_array_unref (self->message_event);
  G_OBJECT_CLASS (pl_player_parent_class)->finalize (object);
}

static void
pl_player_class_init (PlPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_player_dispose;
  object_class->finalize = pl_player_finalize;

  /* A new run replaced the old one: views rebind to the new trace. */
  signals[SIGNAL_RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The virtual clock moved (while playing, and after a step). */
  signals[SIGNAL_TICK] =
    g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A breakpoint holds a message: see pl_player_get_held(). */
  signals[SIGNAL_HELD] =
    g_signal_new ("held", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pl_player_init (PlPlayer *self)
{
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  self->message_event = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->speed = 1.0;
}

PlPlayer *
pl_player_new (void)
{
  return g_object_new (PL_TYPE_PLAYER, NULL);
}

static PlScheduler *
scheduler_of (PlPlayer *self)
{
  return pl_sim_get_scheduler (pl_scenario_get_sim (self->scenario));
}

static void
on_trace_event (PlTrace            *trace,
                const PlTraceEvent *event,
                gpointer            user_data)
{
  PlPlayer *self = user_data;

  if (event->kind == PL_EVENT_SEND || event->kind == PL_EVENT_RETRANSMIT)
    {
      guint64 seq = pl_scheduler_get_n_dispatched (scheduler_of (self));

      g_array_append_val (self->message_event, seq);
      self->n_messages++;
    }
}

static gboolean
on_finished (gpointer user_data)
{
  PlPlayer *self = user_data;

  if (!self->seeking)
    {
      set_state (self, PL_PLAYER_FINISHED);
      g_signal_emit (self, signals[SIGNAL_TICK], 0);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_hold (PlSim    *sim,
         PlHeld   *held,
         gpointer  user_data)
{
  PlPlayer *self = user_data;

  /* Re-running to a point: the alteration rules replay what the user did. */
  if (self->seeking)
    {
      pl_sim_release_held (sim, held, NULL);
      return;
    }
  pl_scheduler_set_paused (scheduler_of (self), TRUE);
  set_state (self, PL_PLAYER_HOLDING);
  g_signal_emit (self, signals[SIGNAL_HELD], 0);
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
}

static void
apply_mode (PlPlayer *self)
{
  if (self->speed == PL_PLAYER_SPEED_MAX)
    pl_scheduler_set_mode (scheduler_of (self), PL_RUN_FAST, 1.0);
  else
    pl_scheduler_set_mode (scheduler_of (self), PL_RUN_PACED, self->speed);
}

/* Builds a fresh run of self->path, paused at 0, with the studio's rules. */
static gboolean
start_run (PlPlayer    *self,
           const char  *path,
           GError     **error)
{
  g_autoptr (PlScenario) scenario = pl_scenario_load (path, NULL, error);
  PlSim *sim;

  if (scenario == NULL)
    return FALSE;

  drop_run (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->scenario = g_steal_pointer (&scenario);
  if (self->path != path)
    {
      g_free (self->path);
      self->path = g_strdup (path);
    }
  self->n_messages = 0;
  g_array_set_size (self->message_event, 0);

  sim = pl_scenario_get_sim (self->scenario);
  for (guint i = 0; i < self->rules->len; i++)
    pl_sim_add_rule (sim, pl_rule_copy (g_ptr_array_index (self->rules, i)));
  self->observer = pl_trace_add_observer (pl_sim_get_trace (sim), on_trace_event, self);
  pl_sim_set_hold_func (sim, on_hold, self, NULL);

  pl_scenario_start (self->scenario);
  pl_scheduler_set_paused (scheduler_of (self), TRUE);
  apply_mode (self);
  pl_scheduler_set_finished_func (scheduler_of (self), on_finished, self);
  pl_scheduler_attach (scheduler_of (self), NULL);

  self->state = PL_PLAYER_PAUSED;
  g_signal_emit (self, signals[SIGNAL_RELOADED], 0);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
  return TRUE;
}

gboolean
pl_player_load (PlPlayer    *self,
                const char  *path,
                GError     **error)
{
  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_autoptr (GPtrArray) previous = g_steal_pointer (&self->rules);

  /* A new scenario starts without the studio's rules of the old one; on
   * error the old run and its rules stay. */
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  if (!start_run (self, path, error))
    {
      g_ptr_array_unref (self->rules);
      self->rules = g_steal_pointer (&previous);
      return FALSE;
    }
  return TRUE;
}

const char *
pl_player_get_path (PlPlayer *self)
{
  return self->path;
}

PlScenario *
pl_player_get_scenario (PlPlayer *self)
{
  return self->scenario;
}

PlSim *
pl_player_get_sim (PlPlayer *self)
{
  return self->scenario ? pl_scenario_get_sim (self->scenario) : NULL;
}

PlTrace *
pl_player_get_trace (PlPlayer *self)
{
  return self->scenario ? pl_sim_get_trace (pl_scenario_get_sim (self->scenario)) : NULL;
}

PlPlayerState
pl_player_get_state (PlPlayer *self)
{
  return self->state;
}

PlTime
pl_player_get_time (PlPlayer *self)
{
  return self->scenario ? pl_sim_now (pl_scenario_get_sim (self->scenario)) : 0;
}

guint
pl_player_get_n_messages (PlPlayer *self)
{
  return self->n_messages;
}

void
pl_player_set_speed (PlPlayer *self,
                     double    speed)
{
  g_return_if_fail (PL_IS_PLAYER (self));
  g_return_if_fail (speed == PL_PLAYER_SPEED_MAX || speed >= 0.1);

  self->speed = speed;
  if (self->scenario)
    apply_mode (self);
}

double
pl_player_get_speed (PlPlayer *self)
{
  return self->speed;
}

static gboolean
on_tick (gpointer user_data)
{
  PlPlayer *self = user_data;

  g_signal_emit (self, signals[SIGNAL_TICK], 0);
  return G_SOURCE_CONTINUE;
}

void
pl_player_play (PlPlayer *self)
{
  g_return_if_fail (PL_IS_PLAYER (self));

  if (self->scenario == NULL || self->state != PL_PLAYER_PAUSED)
    return;
  apply_mode (self);
  pl_scheduler_set_paused (scheduler_of (self), FALSE);
  set_state (self, PL_PLAYER_PLAYING);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MS, on_tick, self);
}

void
pl_player_pause (PlPlayer *self)
{
  g_return_if_fail (PL_IS_PLAYER (self));

  if (self->scenario == NULL || self->state != PL_PLAYER_PLAYING)
    return;
  pl_scheduler_set_paused (scheduler_of (self), TRUE);
  set_state (self, PL_PLAYER_PAUSED);
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
}

/* Runs events one by one until @target messages were sent, the run ends,
 * or a breakpoint holds a message. */
static void
step_to (PlPlayer *self,
         guint     target)
{
  PlScheduler *scheduler = scheduler_of (self);

  while (self->n_messages < target && self->state == PL_PLAYER_PAUSED)
    if (!pl_scheduler_step (scheduler))
      break;

  if (self->state == PL_PLAYER_PAUSED && pl_scheduler_is_finished (scheduler))
    {
      pl_scheduler_step (scheduler); /* the clock goes to the end, if any */
      set_state (self, PL_PLAYER_FINISHED);
    }
}

gboolean
pl_player_step (PlPlayer *self)
{
  guint before;

  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);

  if (self->scenario == NULL)
    return FALSE;
  pl_player_pause (self);
  if (self->state != PL_PLAYER_PAUSED)
    return FALSE;

  before = self->n_messages;
  step_to (self, before + 1);
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
  return self->n_messages > before;
}

gboolean
pl_player_seek (PlPlayer *self,
                guint     n_messages)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);

  if (self->path == NULL)
    return FALSE;

  /* The file was loaded once; reading it again can still fail if it
   * changed on disk since: then the current run stays. */
  path = g_strdup (self->path);
  if (!start_run (self, path, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  self->seeking = TRUE;
  step_to (self, n_messages);
  self->seeking = FALSE;
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
  return self->n_messages == n_messages;
}

gboolean
pl_player_step_back (PlPlayer *self)
{
  guint64 last;
  guint target;

  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);

  if (self->scenario == NULL || self->n_messages == 0)
    return FALSE;

  /* One event can send several messages (a proxy's 100 Trying and the
   * forwarded request): back to before the event of the last one. */
  last = g_array_index (self->message_event, guint64, self->n_messages - 1);
  target = self->n_messages - 1;
  while (target > 0 && g_array_index (self->message_event, guint64, target - 1) == last)
    target--;
  return pl_player_seek (self, target);
}

void
pl_player_run_to_end (PlPlayer *self)
{
  g_return_if_fail (PL_IS_PLAYER (self));

  if (self->scenario == NULL)
    return;
  if (self->state == PL_PLAYER_PLAYING)
    pl_player_pause (self);
  if (self->state != PL_PLAYER_PAUSED)
    return;
  pl_scheduler_set_mode (scheduler_of (self), PL_RUN_FAST, 1.0);
  pl_scheduler_set_paused (scheduler_of (self), FALSE);
  set_state (self, PL_PLAYER_PLAYING);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MS, on_tick, self);
}

void
pl_player_restart (PlPlayer *self)
{
  g_return_if_fail (PL_IS_PLAYER (self));

  pl_player_seek (self, 0);
}

void
pl_player_add_rule (PlPlayer *self,
                    PlRule   *rule)
{
  g_return_if_fail (PL_IS_PLAYER (self));
  g_return_if_fail (rule != NULL);

  g_ptr_array_add (self->rules, rule);
  if (self->scenario)
    pl_sim_add_rule (pl_scenario_get_sim (self->scenario), pl_rule_copy (rule));
}

guint
pl_player_get_n_rules (PlPlayer *self)
{
  return self->rules->len;
}

PlRule *
pl_player_get_rule (PlPlayer *self,
                    guint     index)
{
  return index < self->rules->len ? g_ptr_array_index (self->rules, index) : NULL;
}

void
pl_player_remove_rule (PlPlayer *self,
                       guint     index)
{
  g_return_if_fail (PL_IS_PLAYER (self));

  if (index < self->rules->len)
    {
      PlRule *rule = g_ptr_array_index (self->rules, index);
      PlSim *sim = pl_player_get_sim (self);
      PlRule *live = sim ? pl_sim_find_rule (sim, pl_rule_get_id (rule)) : NULL;

      /* A breakpoint stops holding at once; other rules already acted. */
      if (live && pl_rule_get_action (live) == PL_RULE_HOLD)
        pl_sim_remove_rule (sim, live);
      g_ptr_array_remove_index (self->rules, index);
    }
}

PlHeld *
pl_player_get_held (PlPlayer *self)
{
  PlSim *sim;

  g_return_val_if_fail (PL_IS_PLAYER (self), NULL);

  sim = pl_player_get_sim (self);
  if (sim == NULL || self->state != PL_PLAYER_HOLDING || pl_sim_get_n_held (sim) == 0)
    return NULL;
  return pl_sim_get_held (sim, 0);
}

/* Keeps @rule for the re-runs only: the current run already did it. */
static void
keep_rule (PlPlayer *self,
           PlRule   *rule)
{
  g_ptr_array_add (self->rules, rule);
}

static gboolean
check_held (PlPlayer  *self,
            GError   **error)
{
  if (pl_player_get_held (self) != NULL)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no message is held");
  return FALSE;
}

/* After the held message went on: paused, unless it met another breakpoint. */
static void
after_held (PlPlayer *self)
{
  PlSim *sim = pl_player_get_sim (self);

  if (pl_sim_get_n_held (sim) > 0)
    return;
  if (pl_scheduler_is_finished (scheduler_of (self)))
    set_state (self, PL_PLAYER_FINISHED);
  else
    set_state (self, PL_PLAYER_PAUSED);
  g_signal_emit (self, signals[SIGNAL_TICK], 0);
}

gboolean
pl_player_release_held (PlPlayer  *self,
                        GBytes    *edited,
                        GError   **error)
{
  g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) pl_rule_free);
  PlSim *sim;
  PlHeld *held;

  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);

  if (!check_held (self, error))
    return FALSE;
  sim = pl_player_get_sim (self);
  held = pl_player_get_held (self);
  if (edited && !g_bytes_equal (edited, pl_held_get_wire (held))
      && !pl_rules_from_edit (sim, held, edited, rules, error))
    return FALSE;
  for (guint i = 0; i < rules->len; i++)
    keep_rule (self, g_steal_pointer (&g_ptr_array_index (rules, i)));

  /* A new breakpoint met on the way sets the state again. */
  self->state = PL_PLAYER_PAUSED;
  pl_sim_release_held (sim, held, edited);
  after_held (self);
  return TRUE;
}

gboolean
pl_player_drop_held (PlPlayer  *self,
                     GError   **error)
{
  PlSim *sim;
  PlHeld *held;
  PlRule *rule;

  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);

  if (!check_held (self, error))
    return FALSE;
  sim = pl_player_get_sim (self);
  held = pl_player_get_held (self);
  rule = pl_rule_new_for_held (sim, held, PL_RULE_DROP, error);
  if (rule == NULL)
    return FALSE;
  keep_rule (self, rule);
  self->state = PL_PLAYER_PAUSED;
  pl_sim_drop_held (sim, held);
  after_held (self);
  return TRUE;
}

gboolean
pl_player_answer_held (PlPlayer    *self,
                       int          status,
                       const char  *reason,
                       GError     **error)
{
  PlSim *sim;
  PlHeld *held;
  PlRule *rule;

  g_return_val_if_fail (PL_IS_PLAYER (self), FALSE);

  if (!check_held (self, error))
    return FALSE;
  sim = pl_player_get_sim (self);
  held = pl_player_get_held (self);
  rule = pl_rule_new_for_held (sim, held, PL_RULE_RESPOND, error);
  if (rule == NULL)
    return FALSE;
  pl_rule_set_response (rule, status, reason);
  self->state = PL_PLAYER_PAUSED;
  if (!pl_sim_answer_held (sim, held, status, reason, error))
    {
      self->state = PL_PLAYER_HOLDING;
      pl_rule_free (rule);
      return FALSE;
    }
  keep_rule (self, rule);
  after_held (self);
  return TRUE;
}

void
pl_player_alter (PlPlayer *self,
                 PlRule   *rule)
{
  gboolean finished;

  g_return_if_fail (PL_IS_PLAYER (self));
  g_return_if_fail (rule != NULL);

  keep_rule (self, rule);
  finished = self->state == PL_PLAYER_FINISHED;
  /* The run up to the altered message is the same; from there it differs. */
  if (finished)
    {
      pl_player_restart (self);
      pl_player_run_to_end (self);
    }
  else
    pl_player_seek (self, self->n_messages);
}

GPtrArray *
pl_player_get_alterations (PlPlayer *self)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->rules->len; i++)
    {
      PlRule *rule = g_ptr_array_index (self->rules, i);

      if (pl_rule_get_action (rule) != PL_RULE_HOLD)
        g_ptr_array_add (out, rule);
    }
  return out;
}

PlScenario *
pl_player_run_copy (PlPlayer  *self,
                    gboolean   with_rules,
                    GError   **error)
{
  g_autoptr (PlScenario) scenario = NULL;
  PlSim *sim;

  g_return_val_if_fail (PL_IS_PLAYER (self), NULL);
  g_return_val_if_fail (self->path != NULL, NULL);

  scenario = pl_scenario_load (self->path, NULL, error);
  if (scenario == NULL)
    return NULL;
  sim = pl_scenario_get_sim (scenario);
  for (guint i = 0; with_rules && i < self->rules->len; i++)
    pl_sim_add_rule (sim, pl_rule_copy (g_ptr_array_index (self->rules, i)));
  pl_scenario_start (scenario);
  pl_scheduler_run (pl_sim_get_scheduler (sim));
  return g_steal_pointer (&scenario);
}

PlReport *
pl_player_check (PlPlayer *self)
{
  g_return_val_if_fail (PL_IS_PLAYER (self), NULL);
  g_return_val_if_fail (self->scenario != NULL, NULL);

  return pl_scenario_check (self->scenario);
}
