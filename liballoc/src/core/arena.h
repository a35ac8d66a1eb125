/*
 * arena.h - arenas: per size class, slabs of equal slots with a free bitmap.
 * Threads are spread over several arenas; each bin has its own lock and
 * cache line. Slots are handed out from the lowest-address non-full slab
 * ("allocation crowding") so sparse slabs drain and their pages return.
 */
#ifndef LA_ARENA_H
#define LA_ARENA_H

#include <pthread.h>

#include "core/extent.h"
#include "core/hooks.h"
#include "core/pagemap.h"
#include "core/size_class.h"
#include "sys/check.h"
#include "sys/counters.h"

#define MAX_ARENAS 65 /* up to 64 for threads, plus the untagged arena */

struct arena_bin {
	pthread_mutex_t lock;
	struct extent *nonfull; /* pairing heap, min address at the root */
	uint64_t nslabs;
	uint64_t handed; /* slots taken out of this bin's slabs */
} LA_ALIGNED_CL;

struct arena {
	struct arena_bin bins[NCLASSES];
	unsigned id;
	_Atomic unsigned nthreads;
	/* The untagged arena lists its slabs, for arena_walk_slabs. */
	pthread_mutex_t walk_lock;
	struct extent *slabs;
} LA_ALIGNED_CL;

extern unsigned la_narenas LA_HIDDEN;
/* One extra arena (id la_narenas) whose slabs are untagged in the page
 * map: every free of its slots takes the slow path, and its slabs can be
 * walked. The layer above lays out its blocks as it wishes. */
LA_HIDDEN struct arena *arena_untagged(void);
/* Call fn on every slab of the untagged arena, under its walk lock (fn
 * must not allocate or free). */
LA_HIDDEN void arena_walk_slabs(void (*fn)(struct extent *slab, void *arg), void *arg);

LA_HIDDEN void arenas_init(void);
LA_STATIC_ASSERT(NCLASSES + 1 <= PM_CLASS_MASK, "class + 1 fits the page map's tag bits");
LA_STATIC_ASSERT(PM_CLASS_MASK < LA_CACHELINE, "tag bits sit below an extent record's alignment");
LA_STATIC_ASSERT(SLAB_MAX_OBJS <= SLAB_BITMAP_WORDS * 64, "a slab's bitmap covers its slots");
LA_STATIC_ASSERT(MAX_ARENAS <= COUNTERS_MAX_ARENAS, "every arena has a stats record");
LA_STATIC_ASSERT(MAX_ARENAS <= 256, "extent.arena is one byte");
/* The arena, made on first use; NULL only when the metadata memory runs
 * out (arena 0 and the untagged arena always exist). */
LA_HIDDEN struct arena *arena_get(unsigned id);
/* New threads are spread over the first n arenas (at least 1). */
LA_HIDDEN void arena_set_spread(unsigned n);
/* Slabs of class cls in arena id and their free slots; false when that
 * arena was never made. */
LA_HIDDEN bool arena_usage(unsigned id, unsigned cls, uint64_t *slabs, uint64_t *free_slots);
/* Least-loaded arena for a new thread; counts the thread in. */
LA_HIDDEN struct arena *arena_assign(int tid);
LA_HIDDEN void arena_unassign(struct arena *a);

/* Take up to n slots of class cls into out[] (ascending addresses). */
LA_HIDDEN unsigned arena_fill(struct arena *a, unsigned cls, void **out, unsigned n);
/* The same for a stack of marked slots: each slot is marked (slot_mark.h)
 * before it stops being free in its slab, so it never looks live. */
LA_HIDDEN unsigned arena_fill_marked(struct arena *a, unsigned cls, void **out, unsigned n);

/* Return slots of class cls (from any arena) to their slabs. A slot that
 * is marked (held in a stack of marked slots) is refused as a double free. */
LA_HIDDEN void arena_release(void *const *ptrs, unsigned n, unsigned cls, struct release_faults *f);
/* Is p the start of a slot that is free in its (tagged) slab? A racy read
 * of the bitmap: a hint for reports, confirmed by arena_release. */
LA_HIDDEN bool arena_slot_is_free(const void *p);
/* The same from a stack of marked slots: unmarks the slots after marking
 * them free in their slabs, so they never look live meanwhile. */
LA_HIDDEN void arena_release_marked(void *const *ptrs, unsigned n, unsigned cls,
				    struct release_faults *f);

LA_HIDDEN void arena_fork_prepare(void);
LA_HIDDEN void arena_fork_prepare_walk(void);
LA_HIDDEN void arena_fork_parent_walk(void);
LA_HIDDEN void arena_fork_parent(void);
LA_HIDDEN void arena_fork_child(void);

#endif
