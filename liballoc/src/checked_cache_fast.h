/*
 * checked_cache_fast.h - the checked cache's malloc and free (see
 * checked_cache.c), inline so that malloc.c's checked paths make no
 * further call in the common case; an empty or full stack calls out.
 */
#ifndef LA_CHECKED_CACHE_FAST_H
#define LA_CHECKED_CACHE_FAST_H

#include <errno.h>
#include <string.h>

#include "checked_cache.h"
#include "debug.h"
#include "extent.h"
#include "pagemap.h"
#include "size_class.h"
#include "slot_stack.h"
#include "tcache.h"

static const struct slot_stack_kind la_checked_slots = { 0, true };

/* An empty cache, or a thread without one: a slot from the arena. */
LA_HIDDEN void *checked_cache_alloc_uncached(struct tcache *tc, unsigned cls);
/* A full cache, or a thread without one: slots back to their slabs. */
LA_HIDDEN void checked_cache_free_uncached(struct tcache *tc, void *p, unsigned cls);

/* The slab's free-bitmap word and bit of slot p; false if p is not the
 * start of a slot. */
static inline bool checked_slot_bit(void *p, uintptr_t pm, unsigned cls, uint64_t **word,
				    uint64_t *bit)
{
	struct extent *s = (struct extent *)(pm & ~PM_CLASS_MASK);
	uint32_t idx = class_slot_index(cls, (uintptr_t)p - s->addr);
	*word = &s->bitmap[idx / 64];
	*bit = 1ull << (idx % 64);
	return s->addr + (uintptr_t)idx * class_size(cls) == (uintptr_t)p;
}

static inline void *checked_alloc_fast(size_t size, bool zero)
{
	unsigned cls = size_to_class(size);
	struct tcache *tc = &la_tc;
	void *p = tc->chk.head[cls];
	if (likely(p != NULL) && likely(tc->state == TC_ACTIVE)) {
		slot_stack_pop(&tc->chk, &la_checked_slots, cls);
		tc->slot->class_alloc[cls]++;
	} else {
		p = checked_cache_alloc_uncached(tc, cls);
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

static inline void checked_free_fast(void *p, uintptr_t pm, const char *what)
{
	unsigned cls = (unsigned)(pm & PM_CLASS_MASK) - 1;
	size_t size = class_size(cls);
	uint64_t *word, bit;
	if (unlikely(!checked_slot_bit(p, pm, cls, &word, &bit))) {
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
		slot_stack_push(&tc->chk, &la_checked_slots, cls, p);
		tc->slot->class_free[cls]++;
		return;
	}
	checked_cache_free_uncached(tc, p, cls);
}

#endif
