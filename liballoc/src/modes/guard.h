/*
 * guard.h - guarded samples as a check mode: the settings (guard_sample,
 * guard_lower) applied, the pool made on first use, the fork handlers.
 */
#ifndef LA_GUARD_H
#define LA_GUARD_H

#include "liballoc_stats.h"
#include "sys/internal.h"

/* Settings (clamped in place): make the pool and its fault handler on
 * first use, set the sampling rate, the placement and the gate of
 * guard_sample:1. Called at start and under the settings lock. */
LA_HIDDEN void guard_apply(struct las_checks *c);

LA_HIDDEN void guard_fork_prepare(void);
LA_HIDDEN void guard_fork_parent(void);
LA_HIDDEN void guard_fork_child(void);

#endif
