/*
 * pagemap.h - O(1) map from any address to the extent that owns its page.
 *
 * Two levels over the 47-bit user address space: a static root of 2^19
 * pointers (each covering 256 MiB) and leaves of 2^16 words. A word is
 * (extent pointer | class + 1) for slab pages, the bare extent pointer for
 * the first and last page of other extents, and 0 for pages liballoc does
 * not own — so a foreign pointer is recognised without touching it.
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

/* Make the leaves for [addr, addr + size): setting any entry in that range
 * cannot fail afterwards. False (some leaves may exist) when the metadata
 * memory runs out; done before memory is handed out, so that the heap
 * never holds a run the page map cannot record. */
LA_HIDDEN bool pagemap_reserve(uintptr_t addr, size_t size);
/* Set `pages` entries starting at addr; false if a leaf cannot be made. */
LA_HIDDEN bool pagemap_set_range(uintptr_t addr, size_t pages, uintptr_t value);
LA_HIDDEN bool pagemap_set(uintptr_t addr, uintptr_t value);

#endif
