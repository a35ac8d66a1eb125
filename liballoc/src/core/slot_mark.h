/*
 * slot_mark.h - a free slot that is held outside its slab (in a per-thread
 * stack of slots) can be marked: its second word holds its address xor a
 * secret drawn at start-up (the first word is the stack's link). Live
 * memory holds that exact value only by a 2^-64 chance, so a free of a
 * marked slot is a second free. The arena marks slots before they stop
 * being free in their slab and unmarks them after they are free there
 * again, so a concurrent second free always finds one of the two.
 */
#ifndef LA_SLOT_MARK_H
#define LA_SLOT_MARK_H

#include "sys/internal.h"

extern uintptr_t la_slot_secret LA_HIDDEN;

/* Draws the secret; called once, before the first allocation. */
LA_HIDDEN void slot_mark_init(void);

static inline uintptr_t *slot_marker(void *slot)
{
	return (uintptr_t *)slot + 1;
}

static inline void slot_mark(void *slot)
{
	__atomic_store_n(slot_marker(slot), (uintptr_t)slot ^ la_slot_secret, __ATOMIC_RELAXED);
}

static inline void slot_unmark(void *slot)
{
	/* Release: whoever sees the mark gone sees the slot free in its slab. */
	__atomic_store_n(slot_marker(slot), 0, __ATOMIC_RELEASE);
}

/* Marks the slot and says whether it was marked already. A load and a
 * store, no locked exchange: the block being freed is the freeing
 * thread's, and a second free that the program orders after the first (by
 * a lock, a join, a queue: whatever handed the pointer over) sees the mark
 * or, once the mark is gone, the slot free in its slab (the acquire loads
 * keep that order). Only two frees of one block racing in two threads
 * with nothing between them can both see it unmarked; the exchange that
 * caught those too was half of a checked free's time (bench/README.md). */
static inline bool slot_mark_was_set(void *slot)
{
	uintptr_t key = (uintptr_t)slot ^ la_slot_secret;
	if (__atomic_load_n(slot_marker(slot), __ATOMIC_ACQUIRE) == key)
		return true;
	__atomic_store_n(slot_marker(slot), key, __ATOMIC_RELAXED);
	return false;
}

static inline bool slot_marked(void *slot)
{
	return __atomic_load_n(slot_marker(slot), __ATOMIC_ACQUIRE) ==
	       ((uintptr_t)slot ^ la_slot_secret);
}

#endif
