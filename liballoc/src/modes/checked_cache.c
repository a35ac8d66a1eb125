/*
 * checked_cache.c - the cheap debug mode. While the only checks on are
 * junk and check_free (no redzone, no quarantine, no track), blocks keep
 * the plain layout: no header, no bigger size class. They go through a
 * per-thread cache of their own whose slots are marked (checked_cache.h).
 * A free is then checked exactly, without a lock and with one atomic
 * exchange on the block: a slot that is free in its slab (bitmap) or marked
 * (in some thread's checked cache) is being freed twice. The common cases
 * are inline in checked_cache.h; here are the calls out of them.
 *
 * Slots are marked before they stop being free in their slab and unmarked
 * after they are free there again (arena.c, under the bin lock), so a
 * concurrent second free always finds one of the two.
 */
#include <string.h>

#include "core/arena.h"
#include "core/large.h"
#include "modes/checked_cache.h"
#include "modes/freed_large.h"

void *checked_junk_alloc(void *p, unsigned cls)
{
	return memset(p, JUNK_ALLOC_BYTE, class_size(cls));
}

void checked_junk_free(void *p, size_t size)
{
	memset((char *)p + 16, JUNK_FREE_BYTE, size - 16);
}

void *checked_cache_alloc_uncached(unsigned cls)
{
	void *p;
	if (la_tc.state != TC_ACTIVE) {
		struct arena *a = la_tc.arena ? la_tc.arena : arena_get(0);
		if (!arena_fill(a, cls, &p, 1))
			return NULL;
		tcache_count_small(cls, +1);
		return p;
	}
	slot_stack_refill(&la_mt.chk, &la_checked_slots, cls, la_tc.arena);
	p = slot_stack_pop(&la_mt.chk, &la_checked_slots, cls);
	if (!p)
		return NULL;
	slot_unmark(p);
	tcache_count_small(cls, +1);
	return p;
}

void checked_cache_free_uncached(void *p, unsigned cls)
{
	if (la_tc.state != TC_ACTIVE) {
		struct release_faults f;
		arena_release_marked(&p, 1, cls, &f);
	} else {
		slot_stack_flush(&la_mt.chk, &la_checked_slots, cls, SLOT_STACK_MAX / 2);
		slot_stack_push(&la_mt.chk, &la_checked_slots, cls, p);
	}
	tcache_count_small(cls, -1);
}

void *checked_alloc(size_t size, bool zero)
{
	if (size <= SMALL_MAX)
		return checked_alloc_fast(size, zero);
	/* Large blocks need no header for these checks either: the page map
	 * and freed_large tell a second free. */
	void *p = large_alloc(size, PAGE, zero);
	if (p) {
		freed_large_forget((uintptr_t)p, PAGE_CEIL(size));
		if (!zero && (la_checks.junk & LAS_JUNK_ALLOC))
			memset(p, JUNK_ALLOC_BYTE, size);
	}
	return p;
}

void checked_free(void *p, uintptr_t pm, const char *what)
{
	checked_free_fast(p, pm, what);
}

void checked_cache_flush_all(void)
{
	slot_stack_flush_all(&la_mt.chk, &la_checked_slots);
}
