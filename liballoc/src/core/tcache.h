/*
 * tcache.h - per-thread caches: for each size class a bounded LIFO list
 * threaded through the free slots themselves. The fast path is a pop or a
 * push on the thread's own list: no lock, no atomic read-modify-write.
 */
#ifndef LA_TCACHE_H
#define LA_TCACHE_H

#include "core/arena.h"
#include "core/safe_link.h"
#include "core/size_class.h"
#include "liballoc_stats.h"

enum tcache_state { TC_UNINIT = 0, TC_ACTIVE, TC_DEAD };

/*
 * Arrays are indexed by tag = class + 1 (the page-map tag), so the free
 * path needs no subtraction. `room` is max - count: 0 while the cache is
 * not set up, so frees take the slow path. Entry 0 holds no list and its
 * room stays 0: the free fast path decrements room[tag] before it looks
 * whether the tag is 0 (a page of no tagged slab), and finds no room.
 */
#define TCACHE_UPPER_WORDS 128

struct tcache {
	void *head[NCLASSES + 1];
	uint32_t room[NCLASSES + 1];
	uint32_t max[NCLASSES + 1];
	struct las_thread *slot; /* this thread's stats slot */
	uintptr_t link_key;      /* la_link_key (safe_link.h), beside the lists */
	struct arena *arena;
	uint32_t state;
	int tid;
	uint32_t ticks; /* slow-path events, for periodic housekeeping */
	uint8_t refilled[NCLASSES + 1]; /* bin refilled since its last flush */
	uint8_t warmth[NCLASSES + 1];   /* refills so far, while they still grow */
	uint32_t grown_bytes;           /* what bins grew beyond their base size */
	uint32_t gc_next;               /* next bin tcache_gc_step looks at */
	/* Per-thread state of the layers above, laid out by them
	 * (modes/settings.h): in the cache's own TLS block, so that their
	 * paths reach it from the address they already have. */
	uint64_t upper[TCACHE_UPPER_WORDS];
};

extern __thread struct tcache la_tc LA_HIDDEN;

/* Set up the calling thread (arena, stats slot, cache limits). */
LA_HIDDEN void tcache_thread_init(void);
/* Move half of a full bin back to the arenas. */
LA_HIDDEN void tcache_flush_bin(unsigned cls, uint32_t keep);
/* A full bin that was refilled since it last overflowed is smaller than
 * the program's batches: double it instead of flushing, if the thread's
 * budget allows. True when the bin has room now. */
LA_HIDDEN bool tcache_grow(unsigned cls);
/* Periodic: shrink one grown bin halfway back, round robin. */
LA_HIDDEN void tcache_gc_step(void);
static inline uint32_t tcache_count(const struct tcache *tc, unsigned cls)
{
	return tc->max[cls + 1] - tc->room[cls + 1];
}
/* Hand every cached object back to its slab (the core's bins only). */
LA_HIDDEN void tcache_flush_all(void);
/* The thread is going away: flush, count it out, give up its stats slot. */
LA_HIDDEN void tcache_thread_exit(void);
/* Refill an empty bin; returns one object or NULL. */
LA_HIDDEN void *tcache_refill(unsigned cls);
/* Pop the bin's first object (NULL when empty), its link validated; a
 * bad link is reported through the core's hook and cuts the list. */
LA_HIDDEN void *tcache_pop(unsigned cls);
/* Push p on the bin (there is room). */
static inline void tcache_push(unsigned cls, void *p)
{
	*(uintptr_t *)p = link_encode(la_tc.head[cls + 1], la_tc.link_key);
	la_tc.head[cls + 1] = p;
	la_tc.room[cls + 1]--;
}
/* Is p among the objects this thread's bin holds? (A free of a block
 * that carries the link mark: confirm before calling it a double free.) */
LA_HIDDEN bool tcache_holds(unsigned cls, const void *p);
LA_HIDDEN void tcache_global_init(void);
LA_HIDDEN void tcache_fork_child(void);
/* The same for a thread without a stats slot (exiting, or starting up). */
LA_HIDDEN void tcache_count_small_unslotted(unsigned cls, int sign);
/* One small allocation (sign > 0) or free of class cls, outside the fast
 * paths: counted in this thread's slot, or the retired one. */
static inline void tcache_count_small(unsigned cls, int sign)
{
	struct las_thread *s = la_tc.slot;
	if (unlikely(!s)) {
		tcache_count_small_unslotted(cls, sign);
		return;
	}
	if (sign > 0)
		s->class_alloc[cls]++;
	else
		s->class_free[cls]++;
}

#endif
