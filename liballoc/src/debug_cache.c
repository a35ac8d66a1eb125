/*
 * debug_cache.c - per-thread cache of free debug-layout slots, so that a
 * program with checks on does not take an arena lock for every block. The
 * link lives right after the slot's header: the header keeps saying FREED,
 * so a second free of a cached slot is still a double free.
 */
#include "arena.h"
#include "debug.h"
#include "debug_block.h"
#include "tcache.h"

#define DEBUG_CACHE_MAX 64
#define DEBUG_CACHE_FILL 16

static void **link_of(void *slot)
{
	return (void **)((char *)slot + sizeof(struct debug_hdr));
}

void *debug_cache_take(unsigned cls)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE) {
		void *slot;
		return arena_fill(arena_debug(), cls, &slot, 1) ? slot : NULL;
	}
	if (!tc->dbg_head[cls]) {
		void *objs[DEBUG_CACHE_FILL];
		unsigned got = arena_fill(arena_debug(), cls, objs, DEBUG_CACHE_FILL);
		for (unsigned i = got; i-- > 0;) {
			*link_of(objs[i]) = tc->dbg_head[cls];
			tc->dbg_head[cls] = objs[i];
		}
		tc->dbg_count[cls] = (uint16_t)got;
		/* cache occupancy = fill + free - flush - alloc */
		tc->slot->class_fill[cls] += got;
	}
	void *slot = tc->dbg_head[cls];
	if (slot) {
		tc->dbg_head[cls] = *link_of(slot);
		tc->dbg_count[cls]--;
	}
	return slot;
}

static void flush(struct tcache *tc, unsigned cls, unsigned keep)
{
	void *objs[DEBUG_CACHE_MAX];
	unsigned n = 0;
	while (tc->dbg_count[cls] > keep) {
		void *slot = tc->dbg_head[cls];
		tc->dbg_head[cls] = *link_of(slot);
		tc->dbg_count[cls]--;
		objs[n++] = slot;
	}
	struct release_faults f;
	if (n) {
		arena_release(objs, n, cls, &f);
		tc->slot->class_flush[cls] += n;
	}
}

/* Returns false when the slot must go back to its slab directly. */
bool debug_cache_give(unsigned cls, void *slot)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE)
		return false;
	if (tc->dbg_count[cls] >= DEBUG_CACHE_MAX)
		flush(tc, cls, DEBUG_CACHE_MAX / 2);
	*link_of(slot) = tc->dbg_head[cls];
	tc->dbg_head[cls] = slot;
	tc->dbg_count[cls]++;
	return true;
}

void debug_cache_flush_all(void)
{
	for (unsigned c = 0; c < NCLASSES; c++)
		if (la_tc.dbg_count[c])
			flush(&la_tc, c, 0);
}
