/*
 * debug_cache.h - per-thread cache of free debug-layout slots, so that a
 * program with checks on does not take an arena lock for every block. The
 * link lives right after the slot's header: the header keeps saying FREED,
 * so a second free of a cached slot is still a double free. Taking and
 * giving are inline; only an empty or full stack calls out.
 */
#ifndef LA_DEBUG_CACHE_H
#define LA_DEBUG_CACHE_H

#include "debug_block.h"
#include "slot_stack.h"
#include "tcache.h"

static const struct slot_stack_kind la_debug_slots = { sizeof(struct debug_hdr), false };

LA_HIDDEN void *debug_cache_take_slow(unsigned cls);
LA_HIDDEN bool debug_cache_give_slow(unsigned cls, void *slot);
LA_HIDDEN void debug_cache_flush_all(void);

static inline void *debug_cache_take(unsigned cls)
{
	struct tcache *tc = &la_tc;
	if (likely(tc->state == TC_ACTIVE) && likely(tc->dbg.head[cls] != NULL))
		return slot_stack_pop(&tc->dbg, &la_debug_slots, cls);
	return debug_cache_take_slow(cls);
}

/* Returns false when the slot must go back to its slab directly. */
static inline bool debug_cache_give(unsigned cls, void *slot)
{
	struct tcache *tc = &la_tc;
	if (likely(tc->state == TC_ACTIVE) && likely(tc->dbg.count[cls] < SLOT_STACK_MAX)) {
		slot_stack_push(&tc->dbg, &la_debug_slots, cls, slot);
		return true;
	}
	return debug_cache_give_slow(cls, slot);
}

#endif
