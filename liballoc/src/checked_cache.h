/*
 * checked_cache.h - plain-layout blocks checked through per-thread caches
 * (the junk/check_free-only debug mode; see checked_cache.c).
 *
 * A slot in a checked cache is marked: its second word holds its address
 * xor a secret drawn at start-up (the first word is the cache's list link).
 * Live memory holds that exact value only by a 2^-64 chance.
 */
#ifndef LA_CHECKED_CACHE_H
#define LA_CHECKED_CACHE_H

#include "internal.h"

extern uintptr_t la_checked_secret LA_HIDDEN;

/* Draws the secret; called once, before the first allocation. */
LA_HIDDEN void checked_cache_init(void);

static inline uintptr_t *checked_marker(void *slot)
{
	return (uintptr_t *)slot + 1;
}

static inline void checked_mark(void *slot)
{
	__atomic_store_n(checked_marker(slot), (uintptr_t)slot ^ la_checked_secret,
			 __ATOMIC_RELAXED);
}

static inline void checked_unmark(void *slot)
{
	/* Release: whoever sees the mark gone sees the slot free in its slab. */
	__atomic_store_n(checked_marker(slot), 0, __ATOMIC_RELEASE);
}

/* Marks the slot and says whether it was marked already: of two threads
 * freeing the same block at the same instant, exactly one sees false. */
static inline bool checked_mark_was_set(void *slot)
{
	uintptr_t key = (uintptr_t)slot ^ la_checked_secret;
	return __atomic_exchange_n(checked_marker(slot), key, __ATOMIC_SEQ_CST) == key;
}

static inline bool checked_marked(void *slot)
{
	return __atomic_load_n(checked_marker(slot), __ATOMIC_ACQUIRE) ==
	       ((uintptr_t)slot ^ la_checked_secret);
}

/* A small block (size <= SMALL_MAX, 16-byte alignment). */
LA_HIDDEN void *checked_cache_alloc(size_t size, bool zero);
/* Free of a pointer whose page-map word pm is a tagged slab page;
 * `what` names the calling function in reports. */
LA_HIDDEN void checked_cache_free(void *p, uintptr_t pm, const char *what);
LA_HIDDEN void checked_cache_flush_all(void);

#endif
