/*
 * guard.h - guarded samples as a check mode: the settings (guard_sample,
 * guard_lower) applied, the pool made on first use, the fork handlers.
 */
#ifndef LA_GUARD_H
#define LA_GUARD_H

#include "liballoc_stats.h"
#include "sys/internal.h"

/* Settings (clamped in place): set the sampling rate, the placement and
 * the gate of guard_sample:1 (which makes the pool at once). Called at
 * start and under the settings lock. */
LA_HIDDEN void guard_apply(struct las_checks *c);

/* A guarded sample (guard_alloc), the pool and its fault handler made
 * first if this is the process's first; NULL when the pool is full or
 * cannot be made (sampling then stops). No allocator lock held. */
LA_HIDDEN void *guard_take(size_t size, size_t align, bool zero, unsigned kind,
				 uintptr_t caller);

LA_HIDDEN void guard_fork_prepare(void);
LA_HIDDEN void guard_fork_parent(void);
LA_HIDDEN void guard_fork_child(void);

#endif
