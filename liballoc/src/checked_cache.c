/*
 * checked_cache.c - the cheap debug mode. While the only checks on are
 * junk and check_free (no redzone, no quarantine, no track), blocks keep
 * the plain layout: no header, no bigger size class. They go through a
 * per-thread cache of their own whose slots are marked (checked_cache.h).
 * A free is then checked exactly, without a lock and with one atomic
 * exchange on the block: a slot that is free in its slab (bitmap) or marked
 * (in some thread's checked cache) is being freed twice. The common cases
 * are inline in checked_cache_fast.h; here are the calls out of them.
 *
 * Slots are marked before they stop being free in their slab and unmarked
 * after they are free there again (arena.c, under the bin lock), so a
 * concurrent second free always finds one of the two.
 */
#include <sys/auxv.h>

#include "arena.h"
#include "checked_cache_fast.h"
#include "debug.h"
#include "pagemap.h"
#include "stats.h"
#include "tcache.h"

uintptr_t la_checked_secret;

void checked_cache_init(void)
{
	/* The kernel's 16 random bytes for this process; bit 3 set keeps the
	 * marker of a 16-byte aligned slot away from 0 and from its address. */
	const uint64_t *r = (const uint64_t *)getauxval(AT_RANDOM);
	uintptr_t x = r ? (uintptr_t)(r[0] ^ r[1]) : (uintptr_t)&la_checked_secret * 0x9e3779b97f4a7c15ull;
	la_checked_secret = x | 8;
}

void *checked_cache_alloc_uncached(struct tcache *tc, unsigned cls)
{
	void *p;
	if (tc->state != TC_ACTIVE) {
		struct arena *a = tc->arena ? tc->arena : arena_get(0);
		if (!arena_fill(a, cls, &p, 1))
			return NULL;
		stats_count_small(cls, +1);
		return p;
	}
	slot_stack_refill(&tc->chk, &la_checked_slots, cls, tc->arena);
	p = slot_stack_pop(&tc->chk, &la_checked_slots, cls);
	if (!p)
		return NULL;
	checked_unmark(p);
	stats_count_small(cls, +1);
	return p;
}

void checked_cache_free_uncached(struct tcache *tc, void *p, unsigned cls)
{
	if (tc->state != TC_ACTIVE) {
		struct release_faults f;
		arena_release_marked(&p, 1, cls, &f);
	} else {
		slot_stack_flush(&tc->chk, &la_checked_slots, cls, SLOT_STACK_MAX / 2);
		slot_stack_push(&tc->chk, &la_checked_slots, cls, p);
	}
	stats_count_small(cls, -1);
}

void *checked_cache_alloc(size_t size, bool zero)
{
	return checked_alloc_fast(size, zero);
}

void checked_cache_free(void *p, uintptr_t pm, const char *what)
{
	checked_free_fast(p, pm, what);
}

void checked_cache_flush_all(void)
{
	slot_stack_flush_all(&la_tc.chk, &la_checked_slots);
}
