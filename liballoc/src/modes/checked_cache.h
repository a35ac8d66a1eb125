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

/* The junk fills of a slot handed out (the whole slot, mark included)
 * and of a slot freed (all but its link and mark, bytes 0-15), out of
 * line: the checked mode's quick paths reach them by a tail jump. A slot
 * freed into a cache has its link in bytes 0-7; one that goes straight
 * back to its slab is junked there too. */
LA_HIDDEN __attribute__((returns_nonnull)) void *checked_junk_alloc(void *p, unsigned cls);
LA_HIDDEN void checked_junk_free(void *p, size_t size);

/* A slot the checked cache hands out: filled as the settings say. Both
 * fills overwrite the mark; without them it is cleared. */
static LA_ALWAYS_INLINE void *checked_alloc_fill(void *p, unsigned cls, bool zero)
{
	if (zero)
		return memset(p, 0, class_size(cls));
	if (la_checks.junk & LAS_JUNK_ALLOC)
		return checked_junk_alloc(p, cls);
	slot_unmark(p);
	return p;
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
	return checked_alloc_fill(p, cls, zero);
}

/* Pop the slot that slot_stack_peek found on top of class cls (an active
 * thread), counting the allocation. */
static LA_ALWAYS_INLINE void checked_cache_take(unsigned cls, uintptr_t next)
{
	slot_stack_take(&la_mt.chk, cls, next);
	la_tc.slot->class_alloc[cls]++;
}

/* Free slot p (page-map word pm, class cls) is being freed: 0 if it was
 * live (it is marked now), else the violation to report. */
static LA_ALWAYS_INLINE uint32_t checked_free_verdict(void *p, uintptr_t pm, unsigned cls)
{
	uint64_t *word, bit;
	if (unlikely(!checked_slot_bit(p, pm, cls, &word, &bit)))
		return LAS_EV_INVALID_FREE;
	/* Free in its slab, or marked by a cache (ours or another thread's):
	 * freed before (slot_mark_was_set: which second frees this sees). */
	bool twice = (__atomic_load_n(word, __ATOMIC_ACQUIRE) & bit) || slot_mark_was_set(p);
	if (likely(!twice)) {
		/* A cache may have handed the slot back to its slab between our
		 * two tests (it frees the slot there, then unmarks it): look at
		 * the slab once more, now that the mark is set. */
		twice = __atomic_load_n(word, __ATOMIC_ACQUIRE) & bit;
		if (unlikely(twice))
			slot_unmark(p);
	}
	if (likely(!twice))
		return 0;
	/* A slot that was ever in a list keeps its link mark: one without it
	 * was never handed out (a free of a pointer into an unused slot).
	 * Either way the block is not freed again. */
	return link_marked(p) || slot_marked(p) ? LAS_EV_DOUBLE_FREE : LAS_EV_INVALID_FREE;
}

/* Push a slot that checked_free_verdict passed onto a checked cache with
 * room (an active thread), then junk it as the settings say. */
static LA_ALWAYS_INLINE void checked_cache_put(void *p, unsigned cls)
{
	slot_stack_push(&la_mt.chk, &la_checked_slots, cls, p);
	la_tc.slot->class_free[cls]++;
	if (la_checks.junk & LAS_JUNK_FREE)
		checked_junk_free(p, class_size(cls));
}

static LA_ALWAYS_INLINE void checked_free_fast(void *p, uintptr_t pm, const char *what)
{
	unsigned cls = (unsigned)(pm & PM_CLASS_MASK) - 1;
	size_t size = class_size(cls);
	uint32_t bad = checked_free_verdict(p, pm, cls);
	if (unlikely(bad)) {
		debug_violation(bad, p, size, (int)cls, what, NULL, 0);
		return;
	}
	if (likely(la_tc.state == TC_ACTIVE) && likely(la_mt.chk.count[cls] < SLOT_STACK_MAX)) {
		checked_cache_put(p, cls);
		return;
	}
	if (la_checks.junk & LAS_JUNK_FREE) {
		memset(p, JUNK_FREE_BYTE, 8);
		checked_junk_free(p, size);
	}
	checked_cache_free_uncached(p, cls);
}

#endif
