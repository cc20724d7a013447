/* pl-types.h: shared forward declarations and enums of the PushLab engine.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Virtual time, in microseconds since the start of a run. */
typedef gint64 PlTime;

#define PL_USEC(x) ((PlTime) (x))
#define PL_MSEC(x) ((PlTime) (x) * G_GINT64_CONSTANT (1000))
#define PL_SEC(x)  ((PlTime) (x) * G_GINT64_CONSTANT (1000000))

/* RFC 3261 §17.1.1.1 defaults. */
#define PL_T1 PL_MSEC (500)
#define PL_T2 PL_SEC (4)
#define PL_T4 PL_SEC (5)

typedef enum {
  PL_TRANSPORT_UDP,
  PL_TRANSPORT_TCP,
} PlTransport;

typedef enum {
  PL_RUN_FAST,    /* as fast as possible */
  PL_RUN_PACED,   /* virtual time follows wall time times a speed factor */
  PL_RUN_STEPPED, /* one event per pl_scheduler_step() */
} PlRunMode;

typedef enum {
  PL_EVENT_SEND,
  PL_EVENT_DELIVER,
  PL_EVENT_MALFORMED,
  PL_EVENT_DROP,
  PL_EVENT_RETRANSMIT,
  PL_EVENT_ABSORBED,
  PL_EVENT_TIMEOUT,
  PL_EVENT_RULE,
  PL_EVENT_TIMER,
  PL_EVENT_STATE,
  PL_EVENT_APP,
} PlEventKind;

/* Which spec a scenario speaks (DESIGN.md, "Both spec dialects"). */
typedef enum {
  PL_DIALECT_PLAIN,     /* RFC 3261 only, no push vocabulary */
  PL_DIALECT_OMA_2006,  /* +g.oma.sip-push.<app-id> (000_…, §1.1 of the draft) */
  PL_DIALECT_OMA_1_0,   /* +g.oma.pusheventapp, ICSI, GRUU (003_…, 004_…) */
} PlDialect;

typedef struct _PlScheduler  PlScheduler;
typedef struct _PlTimer      PlTimer;
typedef struct _PlTraceEvent PlTraceEvent;
typedef struct _PlRule       PlRule;
typedef struct _PlAction     PlAction;
typedef struct _PlXmlContext PlXmlContext;
typedef struct _PlClientTxn  PlClientTxn;
typedef struct _PlServerTxn  PlServerTxn;
typedef struct _PlDialog     PlDialog;

const char *pl_transport_to_string (PlTransport transport);
const char *pl_event_kind_to_string (PlEventKind kind);
const char *pl_dialect_to_string (PlDialect dialect);

G_END_DECLS
