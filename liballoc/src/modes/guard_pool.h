/*
 * guard_pool.h - guarded samples: a few sampled allocations, each on pages
 * of its own between inaccessible pages, so that an overflow, an underflow
 * or a use after free faults at the bad access itself (guard_fault.c makes
 * it a report with the stacks of the access, the allocation and the free).
 *
 * One reservation, PROT_NONE when made:
 *
 *   [guard page][slot 0][guard page][slot 1] ... [slot n-1][guard page]
 *
 * Each slot is guard_max_size bytes. A live block opens only the pages it
 * covers: most sit at the end of their slot, against the guard page above
 * (the block ends where the slot ends, up to the 16-byte alignment), 1 in
 * guard_lower at the start, against the guard page below. The rest of the
 * opened pages is filled with GUARD_FILL_BYTE and checked at free. A freed
 * block's pages are closed until the slot is reused, least recently freed
 * first.
 *
 * The dispatch (api/dispatch.h) calls in on the slow paths only: for a
 * sampled allocation (guard_sample.h), and for any pointer inside the
 * pool, which the page map does not know (guard_owns).
 */
#ifndef LA_GUARD_POOL_H
#define LA_GUARD_POOL_H

#include "liballoc_stats.h"
#include "modes/debug_layout.h"
#include "sys/internal.h"

#define GUARD_FILL_BYTE REDZONE_BYTE /* the redzones' byte: checked the fast way */
#define GUARD_STACK_DEPTH 24

/* The pool's address range; 0 / 0 until the pool exists (never unmapped). */
extern uintptr_t la_guard_base LA_HIDDEN;
extern size_t la_guard_len LA_HIDDEN;

static inline bool guard_owns(const void *p)
{
	return (uintptr_t)p - __atomic_load_n(&la_guard_base, __ATOMIC_RELAXED) <
	       __atomic_load_n(&la_guard_len, __ATOMIC_ACQUIRE);
}

/* Reserve the pool (once; guard_slots, guard_max_size). True if it exists. */
LA_HIDDEN bool guard_pool_create(void);
/* 1 in `lower_every` new blocks against the lower guard (0: none); with
 * `every_alloc` (guard_sample:1) hold the gate while a slot is free. */
LA_HIDDEN void guard_pool_options(uint32_t lower_every, bool every_alloc);

/* A guarded block of `size` bytes aligned to `align` (at least 16), or
 * NULL when it does not fit or no slot is free (the caller then allocates
 * as usual). `caller` is the program's return address, where the recorded
 * allocation stack starts. */
LA_HIDDEN void *guard_alloc(size_t size, size_t align, bool zero, unsigned kind, uintptr_t caller);
/* Free a pointer inside the pool; reports double and invalid frees and
 * damage to the fill around the block. `what` names the call. */
LA_HIDDEN void guard_free(void *p, const char *what, uintptr_t caller);
/* Requested size of the live guarded block at p; false (and a report)
 * when p is not one. */
LA_HIDDEN bool guard_live_size(void *p, const char *what, uintptr_t caller, size_t *out);
/* malloc_usable_size: the requested size, 0 for anything else. */
LA_HIDDEN size_t guard_usable_size(const void *p);
/* The live guarded block at p: its requested size and the family that
 * made it (alloc_kind.h); false for anything else. */
LA_HIDDEN bool guard_block_info(const void *p, size_t *size, unsigned *kind);
/* Verify the fill around every live guarded block (alloc_check, exit);
 * `what` names the caller in reports. */
LA_HIDDEN int guard_check_all(const char *what);

/* What a fault address in the pool is about (guard_fault.c). */
struct guard_fault_info {
	uint32_t kind;     /* LAS_EV_BUFFER_OVERFLOW, _UNDERFLOW or _USE_AFTER_FREE */
	uintptr_t block;
	size_t size;
	intptr_t offset;   /* of the access from the block's start */
	bool freed;        /* the block was freed already */
	bool reported;     /* this block had its report already */
	uint32_t slot, gen;
	int32_t alloc_tid, free_tid;
	uint32_t nalloc, nfree;
	uintptr_t alloc_pcs[GUARD_STACK_DEPTH];
	uintptr_t free_pcs[GUARD_STACK_DEPTH];
};

/* The block a fault at addr (inside the pool) is about: false for an
 * address no block is near (a wild pointer, left to the program). */
LA_HIDDEN bool guard_fault_lookup(uintptr_t addr, struct guard_fault_info *out);
/* Let the access at addr go on (on_error report or ignore): open its page
 * and mark the block reported. False if that cannot be done. */
LA_HIDDEN bool guard_fault_open(uintptr_t addr, const struct guard_fault_info *fi);
LA_HIDDEN void guard_count_fault(void);

LA_HIDDEN void guard_pool_fork_prepare(void);
LA_HIDDEN void guard_pool_fork_parent(void);
LA_HIDDEN void guard_pool_fork_child(void);

#endif
