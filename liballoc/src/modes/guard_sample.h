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

#include "modes/settings.h"
#include "sys/internal.h"

extern uint32_t la_guard_rate LA_HIDDEN; /* guard_sample as applied; 0 = off */

/* The countdown ran out (or the rate changed): guard this one? */
LA_HIDDEN bool guard_sample_draw(size_t size);
/* New rate: every thread re-arms its countdown at its next draw. */
LA_HIDDEN void guard_sample_set_rate(uint32_t rate);
/* In a forked child: draw afresh, not the parent's sequence again. */
LA_HIDDEN void guard_sample_fork_child(void);

/* Inline, a decrement and a branch: it runs on every slow-path
 * allocation, the checked modes' included. */
static inline bool guard_should_sample(size_t size)
{
	if (likely(la_mt.guard_left > 1)) {
		la_mt.guard_left--;
		return false;
	}
	return guard_sample_draw(size);
}

#endif
