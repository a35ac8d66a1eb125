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

static const struct slot_stack_kind debug_slots = { sizeof(struct debug_hdr), false };

void *debug_cache_take(unsigned cls)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE) {
		void *slot;
		return arena_fill(arena_debug(), cls, &slot, 1) ? slot : NULL;
	}
	if (!tc->dbg.head[cls])
		slot_stack_refill(&tc->dbg, &debug_slots, cls, arena_debug());
	return slot_stack_pop(&tc->dbg, &debug_slots, cls);
}

/* Returns false when the slot must go back to its slab directly. */
bool debug_cache_give(unsigned cls, void *slot)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE)
		return false;
	if (tc->dbg.count[cls] >= SLOT_STACK_MAX)
		slot_stack_flush(&tc->dbg, &debug_slots, cls, SLOT_STACK_MAX / 2);
	slot_stack_push(&tc->dbg, &debug_slots, cls, slot);
	return true;
}

void debug_cache_flush_all(void)
{
	slot_stack_flush_all(&la_tc.dbg, &debug_slots);
}
