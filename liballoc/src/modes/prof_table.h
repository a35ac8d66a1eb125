/*
 * prof_table.h - the table of sampled stacks, published in the stats
 * segment (liballoc_stats.h: struct las_profile, struct las_stack).
 *
 * Bounded: prof_stacks entries, fixed when the segment is made; a stack
 * that finds no room, or a sample taken without a stack, is counted under
 * entry 0 ("other"), never dropped. A private open-addressing index finds
 * a stack's entry; entries are handed out in order, so a table is touched
 * (and counted in metadata_bytes) only as far as it is used.
 */
#ifndef LA_PROF_TABLE_H
#define LA_PROF_TABLE_H

#include "sys/internal.h"

/* Set the table up once the segment exists; false when it has no room. */
LA_HIDDEN bool prof_table_init(void);
/* Count one sample of `size` bytes drawn with `mean` under its stack
 * (depth 0: no stack); returns the entry it went to. Never allocates. */
LA_HIDDEN uint32_t prof_table_add(const uintptr_t *frames, unsigned depth, bool truncated,
				  size_t size, uint64_t mean);
/* The sample counted at `entry` is freed: take its weight off again.
 * Lock-free, so a free from a signal handler cannot deadlock on it. */
LA_HIDDEN void prof_table_remove(uint32_t entry, size_t size, uint64_t mean);

LA_HIDDEN void prof_table_fork_prepare(void);
LA_HIDDEN void prof_table_fork_parent(void);
LA_HIDDEN void prof_table_fork_child(void);

#endif
