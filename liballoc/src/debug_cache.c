/* debug_cache.c - the out-of-line halves of debug_cache.h: an empty stack
 * is refilled from the debug arena, a full one flushed to its slabs. */
#include "arena.h"
#include "debug.h"
#include "debug_cache.h"

void *debug_cache_take_slow(unsigned cls)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE) {
		void *slot;
		return arena_fill(arena_debug(), cls, &slot, 1) ? slot : NULL;
	}
	if (!tc->dbg.head[cls])
		slot_stack_refill(&tc->dbg, &la_debug_slots, cls, arena_debug());
	return slot_stack_pop(&tc->dbg, &la_debug_slots, cls);
}

bool debug_cache_give_slow(unsigned cls, void *slot)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE)
		return false;
	if (tc->dbg.count[cls] >= SLOT_STACK_MAX)
		slot_stack_flush(&tc->dbg, &la_debug_slots, cls, SLOT_STACK_MAX / 2);
	slot_stack_push(&tc->dbg, &la_debug_slots, cls, slot);
	return true;
}

void debug_cache_flush_all(void)
{
	slot_stack_flush_all(&la_tc.dbg, &la_debug_slots);
}
