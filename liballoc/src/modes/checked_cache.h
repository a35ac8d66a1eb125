/*
 * checked_cache.h - plain-layout blocks checked through per-thread caches
 * (the junk/check_free-only debug mode; see checked_cache.c). A slot in a
 * checked cache is marked (core/slot_mark.h). The cache's malloc and free
 * are inline here, so that the dispatch makes no further call in the
 * common case; an empty or full stack calls out.
 */
#ifndef LA_CHECKED_CACHE_H
#define LA_CHECKED_CACHE_H

#include <errno.h>
#include <string.h>

#include "core/extent.h"
#include "core/pagemap.h"
#include "core/safe_link.h"
#include "core/size_class.h"
#include "core/slot_mark.h"
#include "core/slot_stack.h"
#include "core/tcache.h"
#include "modes/report.h"
#include "modes/settings.h"
#include "sys/internal.h"

/* A block in the plain layout, junk-filled as the settings say: small ones
 * from the checked cache, large ones as plain runs. */
LA_HIDDEN void *checked_alloc(size_t size, bool zero);
/* Free of a pointer whose page-map word pm is a tagged slab page;
 * `what` names the calling function in reports. */
LA_HIDDEN void checked_free(void *p, uintptr_t pm, const char *what);
LA_HIDDEN void checked_cache_flush_all(void);

static const struct slot_stack_kind la_checked_slots = { 0, true };

/* An empty cache, or a thread without one: a slot from the arena. */
LA_HIDDEN void *checked_cache_alloc_uncached(unsigned cls);
/* A full cache, or a thread without one: slots back to their slabs. */
LA_HIDDEN void checked_cache_free_uncached(void *p, unsigned cls);

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

static LA_ALWAYS_INLINE void *checked_alloc_fast(size_t size, bool zero)
{
	unsigned cls = size_to_class(size);
	void *p = la_mt.chk.head[cls];
	if (likely(p != NULL) && likely(la_tc.state == TC_ACTIVE)) {
		slot_stack_pop(&la_mt.chk, &la_checked_slots, cls);
		la_tc.slot->class_alloc[cls]++;
	} else {
		p = checked_cache_alloc_uncached(cls);
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
		slot_unmark(p);
	return p;
}

static LA_ALWAYS_INLINE void checked_free_fast(void *p, uintptr_t pm, const char *what)
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
	bool twice = (__atomic_load_n(word, __ATOMIC_ACQUIRE) & bit) || slot_mark_was_set(p);
	if (likely(!twice)) {
		/* A cache may have handed the slot back to its slab between our
		 * two tests (it frees the slot there, then unmarks it): look at
		 * the slab once more, now that the mark is set. */
		twice = __atomic_load_n(word, __ATOMIC_ACQUIRE) & bit;
		if (unlikely(twice))
			slot_unmark(p);
	}
	if (unlikely(twice)) {
		/* A slot that was ever in a list keeps its link mark: one without
		 * it was never handed out (a free of a pointer into an unused
		 * slot). Either way the block is not freed again. */
		debug_violation(link_marked(p) || slot_marked(p) ? LAS_EV_DOUBLE_FREE
								  : LAS_EV_INVALID_FREE,
				p, size, (int)cls, what, NULL, 0);
		return;
	}
	/* The fill spares the mark (bytes 8-15); bytes 0-7 become the link. */
	if (la_checks.junk & LAS_JUNK_FREE) {
		memset(p, JUNK_FREE_BYTE, 8);
		memset((char *)p + 16, JUNK_FREE_BYTE, size - 16);
	}
	if (likely(la_tc.state == TC_ACTIVE) && likely(la_mt.chk.count[cls] < SLOT_STACK_MAX)) {
		slot_stack_push(&la_mt.chk, &la_checked_slots, cls, p);
		la_tc.slot->class_free[cls]++;
		return;
	}
	checked_cache_free_uncached(p, cls);
}

#endif
