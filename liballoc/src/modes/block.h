/*
 * block.h - what a pointer handed to the check modes is (plain or
 * debug-layout, small or large, or not a live block at all), and handing a
 * checked block back for reuse.
 */
#ifndef LA_BLOCK_H
#define LA_BLOCK_H

#include "core/extent.h"
#include "modes/debug_layout.h"
#include "sys/internal.h"

/* What a pointer handed to free/realloc turned out to be. */
enum block_kind {
	BK_FOREIGN = 0,   /* not ours, or not the start of a block */
	BK_PLAIN_SMALL,   /* slot of a normal slab */
	BK_PLAIN_LARGE,   /* normal large block */
	BK_DEBUG,         /* debug-layout block (small or large) */
	BK_FREED_RUN,     /* inside pages already returned to the page heap */
};

struct block_info {
	enum block_kind kind;
	int cls;                /* size class, -1 for large */
	uintptr_t base;         /* slot / run start */
	size_t slot_size;       /* bytes of the slot or run */
	struct extent *e;
	struct debug_hdr *hdr;  /* BK_DEBUG only */
};

LA_HIDDEN void block_classify(void *p, uintptr_t pm, struct block_info *bi);

/* Hand a block back for reuse (after checks / quarantine). */
LA_HIDDEN void block_release(const struct block_info *bi);
/* Hand back a plain-layout run its freeing thread claimed (large_claim). */
LA_HIDDEN void block_release_claimed_run(struct extent *e);

/* Large runs laid out with a debug header, listed for alloc_check. */
LA_HIDDEN void block_list_run(struct extent *e);
LA_HIDDEN void block_unlist_run(struct extent *e);
/* Call fn on every listed run (under the list lock; fn must not allocate). */
LA_HIDDEN void block_walk_runs(void (*fn)(struct extent *run, void *arg), void *arg);
LA_HIDDEN void block_fork_prepare(void);
LA_HIDDEN void block_fork_parent(void);
LA_HIDDEN void block_fork_child(void);

/* First byte in [p, p+len) that differs from `byte`, or NULL. */
LA_HIDDEN const uint8_t *first_mismatch(const void *p, size_t len, uint8_t byte);


#endif
