/*
 * arena.h - arenas: per size class, slabs of equal slots with a free bitmap.
 * Threads are spread over several arenas; each bin has its own lock and
 * cache line. Slots are handed out from the lowest-address non-full slab
 * ("allocation crowding") so sparse slabs drain and their pages return.
 */
#ifndef LA_ARENA_H
#define LA_ARENA_H

#include <pthread.h>

#include "extent.h"
#include "size_class.h"

#define MAX_ARENAS 65 /* up to 64 for threads, plus the debug arena */

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
} LA_ALIGNED_CL;

extern unsigned la_narenas LA_HIDDEN;
/* Debug-layout blocks come from one extra arena (id la_narenas) whose slabs
 * are untagged in the page map. */
LA_HIDDEN struct arena *arena_debug(void);

LA_HIDDEN void arenas_init(void);
LA_HIDDEN struct arena *arena_get(unsigned id);
/* Least-loaded arena for a new thread; counts the thread in. */
LA_HIDDEN struct arena *arena_assign(int tid);
LA_HIDDEN void arena_unassign(struct arena *a);

/* Take up to n slots of class cls into out[] (ascending addresses). */
LA_HIDDEN unsigned arena_fill(struct arena *a, unsigned cls, void **out, unsigned n);
/* The same for a checked cache: each slot is marked (checked_cache.h)
 * before it stops being free in its slab, so it never looks live. */
LA_HIDDEN unsigned arena_fill_marked(struct arena *a, unsigned cls, void **out, unsigned n);
/* What arena_release refused: slots already free (double frees) and
 * pointers that are not the start of a slot (interior pointers that the
 * fast path, which does not divide, let into a thread cache). */
struct release_faults {
	unsigned dups, interior;
	void *first_dup, *first_interior;
};

/* Return slots of class cls (from any arena) to their slabs. A slot that
 * sits in a checked cache is refused as a double free. */
LA_HIDDEN void arena_release(void *const *ptrs, unsigned n, unsigned cls, struct release_faults *f);
/* The same from a checked cache: unmarks the slots after marking them
 * free in their slabs, so they never look live meanwhile. */
LA_HIDDEN void arena_release_marked(void *const *ptrs, unsigned n, unsigned cls,
				    struct release_faults *f);

LA_HIDDEN void arena_fork_prepare(void);
LA_HIDDEN void arena_fork_parent(void);
LA_HIDDEN void arena_fork_child(void);

#endif
