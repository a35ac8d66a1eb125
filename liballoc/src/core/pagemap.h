/*
 * pagemap.h - O(1) map from any address to the extent that owns its page.
 *
 * Two levels over the 47-bit user address space: a static root of 2^19
 * pointers (each covering 256 MiB) and leaves of 2^16 words. A word is
 * (extent pointer | class + 1) for slab pages, the bare extent pointer for
 * the first and last page of other extents, and 0 for pages liballoc does
 * not own — so a foreign pointer is recognised without touching it.
 *
 * Beside it, the tag bytes: one byte per page below 2^47, the class tag
 * of that page's word (class + 1 on a tagged slab page, else 0), all the
 * free fast path reads. They are a 32 GiB read-only reservation (zero
 * pages: nothing resident, no commit charge) whose 64 KiB for a leaf are
 * made writable when the leaf is made. Without them — no reservation under
 * an address-space limit (ulimit -v: it would take 32 GiB of it) or when
 * it fails — the free fast path reads the page map instead (out of line,
 * the old lookup); a leaf whose bytes cannot be opened (strict overcommit)
 * keeps them 0, and frees there take the slow path. Slower, never wrong.
 */
#ifndef LA_PAGEMAP_H
#define LA_PAGEMAP_H

#include "sys/internal.h"

#define PM_LEAF_BITS 16
#define PM_ROOT_BITS 19
#define PM_VA_BITS 47
#define PM_CLASS_MASK ((uintptr_t)63)

extern _Atomic(uintptr_t *) la_pagemap_root[2u << PM_ROOT_BITS] LA_HIDDEN;

static inline uintptr_t pagemap_get(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	/* User-space pointers are below 2^48 (bit 47 included, for 5-level
	 * page tables' low half), so no mask: the root has 2^20 entries. */
	uintptr_t *leaf = atomic_load_explicit(&la_pagemap_root[a >> (LG_PAGE + PM_LEAF_BITS)],
					       memory_order_acquire);
	if (unlikely(!leaf))
		return 0;
	return atomic_load_explicit((_Atomic uintptr_t *)&leaf[(a >> LG_PAGE) &
								((1u << PM_LEAF_BITS) - 1)],
				    memory_order_relaxed);
}

struct pagemap_tags {
	const uint8_t *byte; /* 2^35 bytes, one per page */
	/* Bound of tag_key(p): 2^43 once the bytes exist, 0 before. */
	uintptr_t bound;
};
extern struct pagemap_tags la_pagemap_tags LA_HIDDEN;

/* p rotated right by 4: the 16-byte grid bits on top, so one compare
 * with the bound rejects a pointer off the grid or at or above 2^47
 * (both take the slow path), and >> 8 of it is the page number. */
static inline uintptr_t tag_key(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return (a >> 4) | (a << 60);
}

/* For the free fast path: false for a pointer off the 16-byte grid or at
 * or above 2^47; else *tag is its page's class tag, nonzero only for a
 * tagged slab page. Without tag bytes, the tag comes from the page map
 * (out of line: the fast path's cost where the reservation failed). */
static inline bool pagemap_tag_fast(const void *p, uintptr_t *tag)
{
	uintptr_t k = tag_key(p);
	/* Plain loads (one compare with memory): both words are written once,
	 * by pagemap_init, before the first block exists. */
	if (unlikely(k >= la_pagemap_tags.bound)) {
		if (la_pagemap_tags.byte || ((uintptr_t)p & 15))
			return false;
		*tag = pagemap_get(p) & PM_CLASS_MASK;
		return true;
	}
	*tag = atomic_load_explicit((const _Atomic uint8_t *)&la_pagemap_tags.byte[k >> 8],
				    memory_order_relaxed);
	return true;
}

/* Reserve the tag bytes; called once at start-up, before any slab. */
LA_HIDDEN void pagemap_init(void);

/* Make the leaves for [addr, addr + size): setting any entry in that range
 * cannot fail afterwards. False (some leaves may exist) when the metadata
 * memory runs out; done before memory is handed out, so that the heap
 * never holds a run the page map cannot record. */
LA_HIDDEN bool pagemap_reserve(uintptr_t addr, size_t size);
/* Set `pages` entries starting at addr; false if a leaf cannot be made. */
LA_HIDDEN bool pagemap_set_range(uintptr_t addr, size_t pages, uintptr_t value);
LA_HIDDEN bool pagemap_set(uintptr_t addr, uintptr_t value);

#endif
