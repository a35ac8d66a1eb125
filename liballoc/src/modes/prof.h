/*
 * prof.h - the heap profile: allocations picked by the sampler
 * (prof_sampler.h, SAMPLE_PROF) are recorded with their call stack in the
 * stats segment's stacks table (prof_table.h) and found again in O(1)
 * when freed.
 *
 * A sampled allocation gets a page run of its own (large_alloc), even a
 * small one: its page-map word carries no size class, so its free misses
 * the fast path and reaches large_free, whose release hook sees the
 * extent's annotation (entry and sampling mean) and takes the sample off
 * its stack. One page per sample is under 0.5% of memory at a 1 MiB mean.
 * malloc_usable_size of such a block is its page run; a realloc beyond it
 * grows it in place when it can, as any large run (sampled or not again).
 */
#ifndef LA_PROF_H
#define LA_PROF_H

#include "core/extent.h"

/* Once the stats segment exists: the table, the mean from prof_sample. */
LA_HIDDEN void prof_init(void);
/* A sampled allocation (after sampler_count reported SAMPLE_PROF).
 * caller: the return address into the program of the entry point. */
LA_HIDDEN void *prof_alloc(size_t size, size_t align, bool zero, uintptr_t caller);
/* realloc of a large run beyond its size: the old sample, if any, comes off
 * its stack (prof_forget), the run grows in place instead of being copied
 * into pages that would all fault again, and when the sampler fired, the
 * run is the new sample (prof_adopt: this stack, `size`). */
LA_HIDDEN void prof_forget(struct extent *e);
LA_HIDDEN void prof_adopt(struct extent *e, size_t size, uintptr_t caller);
/* Is this block one of the sampled ones? */
static inline bool prof_sampled(const struct extent *e)
{
	return e->annotation != 0;
}

/* prof.sample: set the mean (0 = off, at most 1 GiB); EINVAL beyond.
 * `origin` names who asked, for the event ring. */
LA_HIDDEN int prof_set_sample(uint64_t mean, const char *origin);
/* An outside request is pending (debug_poll): apply its prof_sample. */
LA_HIDDEN void prof_apply_control(void);

LA_HIDDEN void prof_fork_prepare(void);
LA_HIDDEN void prof_fork_parent(void);
LA_HIDDEN void prof_fork_child(void);

#endif
