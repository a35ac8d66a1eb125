/*
 * extent.h - page runs: slabs, large blocks, and free (dirty or clean) runs,
 * carved from reservations that grow geometrically. One lock guards the
 * page heap; it is never held across a system call except mmap of a new
 * reservation.
 */
#ifndef LA_EXTENT_H
#define LA_EXTENT_H

#include "sys/check.h"
#include "sys/internal.h"

enum extent_state {
	EX_UNUSED = 0, /* record on the free-record list */
	EX_SLAB,       /* small objects of one class */
	EX_LARGE,      /* one large block */
	EX_DIRTY,      /* free, pages may be resident */
	EX_CLEAN,      /* free, pages returned to the kernel (read as zero) */
	EX_BUSY,       /* being purged outside the lock */
};

#define SLAB_BITMAP_WORDS 16

struct extent {
	uintptr_t addr;
	size_t size; /* bytes, multiple of PAGE */
	uint8_t state;
	uint8_t cls;     /* slab: size class */
	uint8_t arena;   /* slab: owning arena; large: arena of the allocating thread */
	uint8_t special; /* not a plain block: an untagged slab, or a large run
			    laid out by the layer above (which sets and clears it) */
	uint8_t own_map; /* large: a huge block in a mapping of its own */
	uint8_t pad[3];
	uint32_t nfree;  /* slab: free slots */
	union {
		struct {
			struct extent *next, *prev;
		} bin; /* free runs: size bin list */
		struct {
			struct extent *child, *sibling, *prev;
		} heap; /* non-full slabs: pairing heap by address */
	};
	struct extent *lru_next, *lru_prev; /* dirty runs, oldest first */
	/* Live extents: links of a list kept by the extent's owner (the
	 * untagged arena's slab list, the layer above's large runs). */
	struct extent *owner_next, *owner_prev;
	uint64_t time_ms;   /* dirty since */
	size_t requested;   /* large: requested size */
	/* large: nonzero marks a block the layer above wants to hear about
	 * when it is freed (large_free calls la_core_hooks.large_released);
	 * 0 otherwise. */
	uintptr_t annotation;
	uint64_t bitmap[SLAB_BITMAP_WORDS]; /* slab: bit set = slot free */
} LA_ALIGNED_CL;
LA_STATIC_ASSERT(sizeof(struct extent) % LA_CACHELINE == 0 && sizeof(struct extent) <= 256,
		 "extent records are whole cache lines, at most four");

/* A page run of at least `size` bytes aligned to `align` (a power of two,
 * at least PAGE); *zeroed says its pages read as zero. NULL when memory
 * runs out. A large block bigger than a reservation gets a mapping of its
 * own, which the kernel's overcommit policy judges and which its free
 * returns (munmap).
 * tag: 0 for a large block, class + 1 for a slab; with EXT_UNTAGGED the
 * slab's pages are recorded without the class, so that every free of its
 * slots takes the slow path (the untagged arena's slabs). */
#define EXT_UNTAGGED 0x100u
LA_HIDDEN struct extent *extent_alloc(size_t size, size_t align, unsigned tag, bool *zeroed);
LA_HIDDEN void extent_free(struct extent *e);
/* Large blocks resized in place; false if not possible. */
LA_HIDDEN bool extent_shrink(struct extent *e, size_t new_size);
LA_HIDDEN bool extent_grow(struct extent *e, size_t new_size);

/* From now on, large blocks of at least `bytes` (alignment slack
 * included) get a mapping of their own, whatever the reservation size,
 * and the threshold no longer rises with what is freed. */
LA_HIDDEN void extent_set_huge_threshold(size_t bytes);

enum purge_reason { PURGE_THRESHOLD = 0, PURGE_DECAY = 1, PURGE_TRIM = 2 };
/* Return dirty pages: all of them (trim), or the aged ones (decay). */
LA_HIDDEN size_t extent_purge(enum purge_reason why);
/* Cheap check from slow paths: purges when the oldest dirty run aged out. */
LA_HIDDEN void extent_decay_tick(void);

/* For tests: the age list of dirty runs is ordered by stamp and holds
 * exactly the dirty bytes. */
LA_HIDDEN bool extent_age_list_consistent(void);

LA_HIDDEN void extent_fork_prepare(void);
LA_HIDDEN void extent_fork_parent(void);
LA_HIDDEN void extent_fork_child(void);

#endif
