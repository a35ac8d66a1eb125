/*
 * debug_cache.h - per-thread cache of free debug-layout slots, so that a
 * program with checks on does not take an arena lock for every block. The
 * link lives right after the slot's header: the header keeps saying FREED,
 * so a second free of a cached slot is still a double free. Taking and
 * giving are inline; only an empty or full stack calls out.
 */
#ifndef LA_DEBUG_CACHE_H
#define LA_DEBUG_CACHE_H

#include "core/slot_stack.h"
#include "core/tcache.h"
#include "modes/debug_layout.h"
#include "modes/settings.h"

static const struct slot_stack_kind la_debug_slots = { sizeof(struct debug_hdr), false };

LA_HIDDEN void *debug_cache_take_slow(unsigned cls);
LA_HIDDEN bool debug_cache_give_slow(unsigned cls, void *slot);
LA_HIDDEN void debug_cache_flush_all(void);

static inline void *debug_cache_take(unsigned cls)
{
	if (likely(la_tc.state == TC_ACTIVE) && likely(la_mt.dbg.head[cls] != NULL))
		return slot_stack_pop(&la_mt.dbg, &la_debug_slots, cls);
	return debug_cache_take_slow(cls);
}

/* Returns false when the slot must go back to its slab directly. */
static inline bool debug_cache_give(unsigned cls, void *slot)
{
	if (likely(la_tc.state == TC_ACTIVE) && likely(la_mt.dbg.count[cls] < SLOT_STACK_MAX)) {
		slot_stack_push(&la_mt.dbg, &la_debug_slots, cls, slot);
		return true;
	}
	return debug_cache_give_slow(cls, slot);
}

#endif
