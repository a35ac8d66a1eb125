/*
 * checked_cache.c - the cheap debug mode. While the only checks on are
 * junk and check_free (no redzone, no quarantine, no track), blocks keep
 * the plain layout: no header, no bigger size class. They go through a
 * per-thread cache of their own whose slots are marked (checked_cache.h).
 * A free is then checked exactly, without a lock or an atomic operation: a
 * slot that is free in its slab (bitmap) or marked (in some thread's
 * checked cache) is being freed twice.
 *
 * Slots are marked before they stop being free in their slab and unmarked
 * after they are free there again (arena.c, under the bin lock), so a
 * concurrent second free always finds one of the two.
 */
#include <errno.h>
#include <string.h>
#include <sys/auxv.h>

#include "arena.h"
#include "checked_cache.h"
#include "debug.h"
#include "pagemap.h"
#include "stats.h"
#include "tcache.h"

static const struct slot_stack_kind checked_slots = { 0, true };

uintptr_t la_checked_secret;

void checked_cache_init(void)
{
	/* The kernel's 16 random bytes for this process; bit 3 set keeps the
	 * marker of a 16-byte aligned slot away from 0 and from its address. */
	const uint64_t *r = (const uint64_t *)getauxval(AT_RANDOM);
	uintptr_t x = r ? (uintptr_t)(r[0] ^ r[1]) : (uintptr_t)&la_checked_secret * 0x9e3779b97f4a7c15ull;
	la_checked_secret = x | 8;
}

/* The slab's free-bitmap word and bit of slot p; false if p is not the
 * start of a slot. */
static bool slot_bit(void *p, uintptr_t pm, unsigned cls, uint64_t **word, uint64_t *bit)
{
	struct extent *s = (struct extent *)(pm & ~PM_CLASS_MASK);
	uint32_t idx = class_slot_index(cls, (uintptr_t)p - s->addr);
	*word = &s->bitmap[idx / 64];
	*bit = 1ull << (idx % 64);
	return s->addr + (uintptr_t)idx * class_size(cls) == (uintptr_t)p;
}

/* An empty cache, or a thread without one (exiting or not set up). */
static LA_NOINLINE void *alloc_uncached(struct tcache *tc, unsigned cls)
{
	void *p;
	if (tc->state != TC_ACTIVE) {
		struct arena *a = tc->arena ? tc->arena : arena_get(0);
		if (!arena_fill(a, cls, &p, 1))
			return NULL;
		stats_count_small(cls, +1);
		return p;
	}
	slot_stack_refill(&tc->chk, &checked_slots, cls, tc->arena);
	p = slot_stack_pop(&tc->chk, &checked_slots, cls);
	if (!p)
		return NULL;
	checked_unmark(p);
	stats_count_small(cls, +1);
	return p;
}

void *checked_cache_alloc(size_t size, bool zero)
{
	unsigned cls = size_to_class(size);
	struct tcache *tc = &la_tc;
	void *p = tc->chk.head[cls];
	if (likely(p != NULL) && likely(tc->state == TC_ACTIVE)) {
		slot_stack_pop(&tc->chk, &checked_slots, cls);
		tc->slot->class_alloc[cls]++;
	} else {
		p = alloc_uncached(tc, cls);
		if (!p) {
			errno = ENOMEM;
			return NULL;
		}
	}
	/* Both fills overwrite the mark; without them it is cleared. */
	if (zero)
		memset(p, 0, class_size(cls));
	else if (la_checks.junk & LAS_JUNK_ALLOC)
		memset(p, JUNK_ALLOC_BYTE, class_size(cls));
	else
		checked_unmark(p);
	return p;
}

/* A full cache, or a thread without one. */
static LA_NOINLINE void free_uncached(struct tcache *tc, void *p, unsigned cls)
{
	if (tc->state != TC_ACTIVE) {
		struct release_faults f;
		arena_release_marked(&p, 1, cls, &f);
	} else {
		slot_stack_flush(&tc->chk, &checked_slots, cls, SLOT_STACK_MAX / 2);
		slot_stack_push(&tc->chk, &checked_slots, cls, p);
	}
	stats_count_small(cls, -1);
}

void checked_cache_free(void *p, uintptr_t pm, const char *what)
{
	unsigned cls = (unsigned)(pm & PM_CLASS_MASK) - 1;
	size_t size = class_size(cls);
	uint64_t *word, bit;
	if (unlikely(!slot_bit(p, pm, cls, &word, &bit))) {
		debug_violation(LAS_EV_INVALID_FREE, p, size, (int)cls, what, NULL, 0);
		return;
	}
	/* Free in its slab, or marked by a cache (ours or another thread's):
	 * freed before. The mark is taken with one atomic exchange, so two
	 * threads freeing the block at the same instant cannot both win. */
	bool twice = (__atomic_load_n(word, __ATOMIC_ACQUIRE) & bit) || checked_mark_was_set(p);
	if (likely(!twice)) {
		/* A cache may have handed the slot back to its slab between our
		 * two tests (it frees the slot there, then unmarks it): look at
		 * the slab once more, now that the mark is set. */
		twice = __atomic_load_n(word, __ATOMIC_ACQUIRE) & bit;
		if (unlikely(twice))
			checked_unmark(p);
	}
	if (unlikely(twice)) {
		/* Without check_free it is ignored: the block is not freed again. */
		if (la_checks.check_free)
			debug_violation(LAS_EV_DOUBLE_FREE, p, size, (int)cls, what, NULL, 0);
		return;
	}
	/* The fill spares the mark (bytes 8-15); bytes 0-7 become the link. */
	if (la_checks.junk & LAS_JUNK_FREE) {
		memset(p, JUNK_FREE_BYTE, 8);
		memset((char *)p + 16, JUNK_FREE_BYTE, size - 16);
	}
	struct tcache *tc = &la_tc;
	if (likely(tc->state == TC_ACTIVE) && likely(tc->chk.count[cls] < SLOT_STACK_MAX)) {
		slot_stack_push(&tc->chk, &checked_slots, cls, p);
		tc->slot->class_free[cls]++;
		return;
	}
	free_uncached(tc, p, cls);
}

void checked_cache_flush_all(void)
{
	slot_stack_flush_all(&la_tc.chk, &checked_slots);
}
