/* debug_cache.c - the out-of-line halves of debug_cache.h: an empty stack
 * is refilled from the debug arena, a full one flushed to its slabs. */
#include "core/arena.h"
#include "modes/debug_cache.h"

void *debug_cache_take_slow(unsigned cls)
{
	if (la_tc.state != TC_ACTIVE) {
		void *slot;
		return arena_fill(arena_untagged(), cls, &slot, 1) ? slot : NULL;
	}
	if (!la_mt.dbg.head[cls])
		slot_stack_refill(&la_mt.dbg, &la_debug_slots, cls, arena_untagged());
	return slot_stack_pop(&la_mt.dbg, &la_debug_slots, cls);
}

bool debug_cache_give_slow(unsigned cls, void *slot)
{
	if (la_tc.state != TC_ACTIVE)
		return false;
	if (la_mt.dbg.count[cls] >= SLOT_STACK_MAX)
		slot_stack_flush(&la_mt.dbg, &la_debug_slots, cls, SLOT_STACK_MAX / 2);
	slot_stack_push(&la_mt.dbg, &la_debug_slots, cls, slot);
	return true;
}

void debug_cache_flush_all(void)
{
	slot_stack_flush_all(&la_mt.dbg, &la_debug_slots);
}
