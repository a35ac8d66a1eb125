/*
 * guard_sample.h - which allocations the guarded pool takes: on average
 * 1 in guard_sample eligible ones (a size the pool's slots hold), drawn by
 * the heap profile's sampler (prof_sampler.h, kind SAMPLER_GUARD), whose
 * countdown every allocation, fast path included, runs down.
 *
 * The sampler counts bytes, guard_sample allocations: the guard's mean
 * interval is guard_sample times the mean allocation size. The sampler's
 * own events estimate that mean without bias: an allocation of s bytes is
 * picked with a probability in proportion to s, so the harmonic mean of
 * the sizes picked is the mean size of all allocations. A guard event on
 * a size the pool cannot hold passes to the thread's next eligible
 * allocation that takes a slow path. guard_sample:1 leaves the sampler
 * out: the pool holds the gate while a slot is free (every allocation then
 * takes a slow path), and every eligible allocation is guarded.
 */
#ifndef LA_GUARD_SAMPLE_H
#define LA_GUARD_SAMPLE_H

#include "modes/prof_sampler.h"
#include "modes/settings.h"
#include "sys/internal.h"

extern uint32_t la_guard_rate LA_HIDDEN; /* guard_sample as applied; 0 = off */

/* The sampler reported events for an allocation of `size` bytes, or a
 * guard event is pending, or guard_sample is 1: guard this one? */
LA_HIDDEN bool guard_sample_decide(size_t size, unsigned events);
/* Apply guard_sample (0 = off). */
LA_HIDDEN void guard_sample_set_rate(uint32_t rate);
/* The mean allocation size the guard's interval is set from (bytes). */
LA_HIDDEN uint64_t guard_sample_mean_size(void);

/* No guarded sample is due unless the sampler says so. */
static inline bool guard_sample_idle(void)
{
	return likely(!la_mt.guard_pending) &&
	       likely(__atomic_load_n(&la_guard_rate, __ATOMIC_RELAXED) != 1);
}

/* Slow paths, with the sampler's events for this allocation. */
static inline bool guard_should_sample(size_t size, unsigned events)
{
	if (likely(!events) && guard_sample_idle())
		return false;
	return guard_sample_decide(size, events);
}

#endif
