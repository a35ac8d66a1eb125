/*
 * guard_sample.h - which allocations the guarded pool takes: on average
 * 1 in guard_sample eligible ones (a size the pool's slots hold).
 *
 * TEMPORARY decision until the heap profile's sampler lands: a per-thread
 * countdown of the allocations that reach the slow path. With
 * guard_sample:1 the pool holds the gate (LAS_GATE_GUARD) while a slot is
 * free, so every allocation reaches it; at other rates only the slow-path
 * share of allocations is drawn from. The shared sampler will count every
 * allocation on the fast path and fire into the slow path at the nearer of
 * the profile's and the guard's next event.
 */
#ifndef LA_GUARD_SAMPLE_H
#define LA_GUARD_SAMPLE_H

#include "sys/internal.h"

extern uint32_t la_guard_rate LA_HIDDEN; /* guard_sample as applied; 0 = off */

LA_HIDDEN bool guard_sample_draw(size_t size, uint32_t rate);
/* New rate: every thread re-arms its countdown at its next draw. */
LA_HIDDEN void guard_sample_set_rate(uint32_t rate);
/* In a forked child: draw afresh, not the parent's sequence again. */
LA_HIDDEN void guard_sample_fork_child(void);

static inline bool guard_should_sample(size_t size)
{
	uint32_t rate = __atomic_load_n(&la_guard_rate, __ATOMIC_RELAXED);
	return unlikely(rate != 0) && guard_sample_draw(size, rate);
}

#endif
