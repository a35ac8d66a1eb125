/*
 * hooks.h - the one way a layer above asks the core to tell it something:
 * a table of functions the core calls where it finds what only that layer
 * knows how to report. Entries may be NULL (nothing is reported).
 */
#ifndef LA_HOOKS_H
#define LA_HOOKS_H

#include "sys/internal.h"

/* What arena_release refused: slots already free (double frees) and
 * pointers that are not the start of a slot (interior pointers that the
 * fast path, which does not divide, let into a thread cache). */
struct release_faults {
	unsigned dups, interior;
	void *first_dup, *first_interior;
};

struct core_hooks {
	/* Slots handed back to their slabs from a thread cache held some that
	 * were not live blocks; `where` says which operation found them. */
	void (*release_fault)(const struct release_faults *f, unsigned cls, const char *where);
	/* A stored link of a list of class cls was overwritten (safe_link.h)
	 * and the list was cut there: `at` is the free block that held it, or,
	 * when !is_block, the address the link decoded to (not to be read). */
	void (*heap_corruption)(const void *at, bool is_block, unsigned cls, const char *where);
	/* A large block whose extent carries a nonzero annotation (set by the
	 * layer above: the heap profile's sampled blocks) is being freed: the
	 * annotation and the requested size, after the block is claimed and
	 * before its pages go. */
	void (*large_released)(uintptr_t annotation, size_t requested);
};

extern struct core_hooks la_core_hooks LA_HIDDEN;

#endif
