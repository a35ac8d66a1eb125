/*
 * stats.h - the writer side of the stats segment (liballoc_stats.h).
 *
 * The tables live at one address for the life of the process: at start in
 * memory of the process's own (shared anonymous memory, so that it can be
 * viewed twice), and once published in the segment file mapped over them.
 * Every counter update is therefore an unconditional store, before and
 * after publishing. What the process reads back for its own decisions
 * (table sizes, offsets, which slots are in use) is kept in private
 * memory: other processes of the same user can write the segment.
 */
#ifndef LA_STATS_H
#define LA_STATS_H

#include "liballoc_stats.h"
#include "sys/counters.h"
#include "sys/internal.h"

extern struct las_header *la_header LA_HIDDEN;

/* Called once at start, after conf, with the table sizes; the class table
 * (sizes and slab geometry) is filled in by the core afterwards. Publishes
 * nothing (see stats_publish). */
LA_HIDDEN void stats_init(unsigned nclasses, unsigned narenas);
/* Remove the segment file (normal exit). */
LA_HIDDEN void stats_shutdown(void);

/* Publish the tables as the segment file, if that is still to be done:
 * the file is created and locked, the tables copied in and the file mapped
 * over them; what other threads counted meanwhile is carried over exactly.
 * Then a bounded sweep of stale segments of this user. Any thread, no lock
 * of the allocator held; never allocates. */
LA_HIDDEN void stats_publish(void);
/* Is there a segment still to publish (stats on, not yet done)? */
LA_HIDDEN bool stats_publish_pending(void);

/* Thread slots. acquire never fails: when the table is full the thread
 * gets a private slot whose counts join the retired slot at exit (and when
 * even that memory runs out, a slot shared by such threads). */
LA_HIDDEN struct las_thread *stats_thread_acquire(int tid, unsigned arena);
LA_HIDDEN void stats_thread_release(struct las_thread *slot);
/* The thread table and its length as this process made it (never the
 * segment header's copy, which other processes can write). */
LA_HIDDEN const struct las_thread *stats_thread_table(unsigned *count);
/* Whether slot i of that table is in use (LAS_SLOT_*), as this process
 * knows it (the slot's own state word is written for readers only). */
LA_HIDDEN uint32_t stats_slot_state(unsigned i);
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
/* In the child: the forking thread's slot, tid and arena survive; the
 * tables become the child's own again, to be published by it (the parent's
 * file, and its lock, stay the parent's). */
LA_HIDDEN void stats_fork_child(struct las_thread *mine, int tid, unsigned arena);

#endif
