/*
 * stats.h - the writer side of the stats segment (liballoc_stats.h).
 *
 * Until the segment is mapped (and when stats:false) the same tables live
 * in private memory, so every counter update is an unconditional store.
 */
#ifndef LA_STATS_H
#define LA_STATS_H

#include "liballoc_stats.h"
#include "sys/counters.h"
#include "sys/internal.h"

extern struct las_header *la_header LA_HIDDEN;

/* Called once at start, after conf, with the table sizes; the class table
 * (sizes and slab geometry) is filled in by the core beforehand. */
LA_HIDDEN void stats_init(unsigned nclasses, unsigned narenas);
/* Remove the segment file (normal exit). */
LA_HIDDEN void stats_shutdown(void);

/* Thread slots. acquire never fails: when the table is full the thread
 * gets a private slot whose counts join the retired slot at exit. */
LA_HIDDEN struct las_thread *stats_thread_acquire(int tid, unsigned arena);
LA_HIDDEN void stats_thread_release(struct las_thread *slot);
/* The thread table and its length as this process made it (never the
 * segment header's copy, which other processes can write). */
LA_HIDDEN const struct las_thread *stats_thread_table(unsigned *count);
/* The slot to count in: the thread's own (`mine`), or, for a thread
 * without one (exiting, or liballoc starting up), the retired slot under
 * its lock. Pair with stats_count_end. */
LA_HIDDEN struct las_thread *stats_count_begin(struct las_thread *mine);
LA_HIDDEN void stats_count_end(struct las_thread *mine, struct las_thread *s);

/* Bytes handed out of arenas (small slots taken by caches or threads, and
 * large runs): the current value and its peak, kept at every arena
 * operation. */
LA_HIDDEN void stats_handed(int64_t delta);

/* Set the gate word everywhere: the control block and every live slot. */
LA_HIDDEN void stats_set_gates(uint32_t value);
/* Hold (or release) one gate bit in every gate word, kept through later
 * stats_set_gates: a mode that needs every operation on the slow path. */
LA_HIDDEN void stats_hold_gate(uint32_t bit, bool on);
LA_HIDDEN void stats_event(uint32_t kind, uint64_t addr, uint64_t size, uint32_t cls,
			   const char *detail);
LA_HIDDEN void stats_publish_conf(void);

LA_HIDDEN void stats_fork_prepare(void);
LA_HIDDEN void stats_fork_parent(void);
/* In the child: the forking thread's slot, tid and arena survive. */
LA_HIDDEN void stats_fork_child(struct las_thread *mine, int tid, unsigned arena);
/* A forked child publishes its own segment lazily (most children exec). */
LA_HIDDEN void stats_maybe_publish_child(void);

#endif
