/* large.c - large blocks: page runs from the page heap. */
#include <errno.h>
#include <string.h>

#include "core/hooks.h"
#include "core/large.h"
#include "core/tcache.h"
#include "stats/stats.h"

void *large_alloc(size_t size, size_t align, bool zero)
{
	if (size > ((size_t)1 << 46)) {
		errno = ENOMEM;
		return NULL;
	}
	size_t bytes = PAGE_CEIL(size);
	bool zeroed;
	struct extent *e = extent_alloc(bytes, align, 0, &zeroed);
	if (!e) {
		errno = ENOMEM;
		return NULL;
	}
	e->requested = size;
	e->arena = la_tc.arena ? (uint8_t)la_tc.arena->id : 0;
	if (zero && !zeroed)
		memset((void *)e->addr, 0, bytes);
	struct las_thread *s = stats_count_begin(la_tc.slot);
	s->large_alloc_count++;
	s->large_alloc_bytes += bytes;
	s->requested_bytes += size;
	stats_count_end(la_tc.slot, s);
	STAT_ADD(&la_arena_stats[e->arena].large_bytes, bytes);
	stats_handed((int64_t)bytes);
	return (void *)e->addr;
}

bool large_claim(struct extent *e)
{
	/* Of two threads freeing the block at the same instant, only one gets
	 * to hand its pages back. */
	uint8_t live = EX_LARGE;
	return __atomic_compare_exchange_n(&e->state, &live, EX_BUSY, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

bool large_free(struct extent *e)
{
	if (!large_claim(e))
		return false;
	large_release_claimed(e);
	return true;
}

void large_release_claimed(struct extent *e)
{
	if (unlikely(e->annotation)) {
		uintptr_t a = e->annotation;
		e->annotation = 0;
		if (la_core_hooks.large_released)
			la_core_hooks.large_released(a, e->requested);
	}
	struct las_thread *s = stats_count_begin(la_tc.slot);
	s->large_free_count++;
	s->large_free_bytes += e->size;
	stats_count_end(la_tc.slot, s);
	STAT_SUB(&la_arena_stats[e->arena].large_bytes, e->size);
	stats_handed(-(int64_t)e->size);
	extent_free(e);
}

bool large_resize_in_place(struct extent *e, size_t size)
{
	if (size > ((size_t)1 << 46))
		return false; /* PAGE_CEIL must not wrap; large_alloc refuses it too */
	size_t bytes = PAGE_CEIL(size);
	size_t old = e->size;
	bool ok;
	if (bytes == old)
		ok = true;
	else if (bytes < old)
		ok = extent_shrink(e, bytes);
	else
		ok = extent_grow(e, bytes);
	if (!ok)
		return false;
	if (bytes != old) {
		struct las_thread *s = stats_count_begin(la_tc.slot);
		/* Count a resize as a free of the old run and an allocation of the new. */
		s->large_free_count++;
		s->large_free_bytes += old;
		s->large_alloc_count++;
		s->large_alloc_bytes += bytes;
		stats_count_end(la_tc.slot, s);
		STAT_ADD(&la_arena_stats[e->arena].large_bytes, bytes - old);
		stats_handed((int64_t)bytes - (int64_t)old);
	}
	e->requested = size;
	return true;
}
