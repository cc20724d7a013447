/* bench-util.h: what the benchmark programs share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A memory figure of /proc/self/status ("VmRSS", "VmHWM"), in KiB; -1
 * when unknown. */
gint64 bench_proc_status_kib (const char *field);

/* Wall seconds since @start_us (g_get_monotonic_time). */
double bench_seconds_since   (gint64 start_us);

G_END_DECLS
