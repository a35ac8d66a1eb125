/* pagemap.c - leaf creation and range updates for the page map. */
#include <pthread.h>

#include "sys/base.h"
#include "sys/os.h"
#include "core/pagemap.h"

_Atomic(uintptr_t *) la_pagemap_root[2u << PM_ROOT_BITS];
static pthread_mutex_t leaf_lock = PTHREAD_MUTEX_INITIALIZER;

/* Tag bytes cover the pages below 2^47 (user space without 5-level
 * paging's high half, where mmap puts nothing unless asked). */
#define TAG_VA_BITS 47
#define TAG_BYTES ((size_t)1 << (TAG_VA_BITS - LG_PAGE))
#define TAG_LEAVES ((size_t)1 << (TAG_VA_BITS - LG_PAGE - PM_LEAF_BITS))

struct pagemap_tags la_pagemap_tags;
static uint8_t *tag_bytes;      /* la_pagemap_tags.byte, writable view */
/* Leaves whose tag bytes are writable (under leaf_lock; read without). */
static _Atomic uint64_t tags_open[TAG_LEAVES / 64];

void pagemap_init(void)
{
	/* Under an address-space limit the 32 GiB would come out of what the
	 * program may map: go without. */
	if (la_pagemap_tags.bound || os_address_space_limited())
		return;
	tag_bytes = os_reserve_readable(TAG_BYTES);
	if (!tag_bytes)
		return; /* every free takes the slow path */
	la_pagemap_tags.byte = tag_bytes;
	atomic_store_explicit((_Atomic uintptr_t *)&la_pagemap_tags.bound,
			      (uintptr_t)1 << (TAG_VA_BITS - 4), memory_order_release);
}

/* Under leaf_lock, for a new leaf i: open its part of the tag bytes.
 * Failure leaves them 0: slow frees. */
static void tags_open_leaf(size_t i)
{
	if (!tag_bytes || i >= TAG_LEAVES)
		return;
	if (os_open_pages(tag_bytes + (i << PM_LEAF_BITS), (size_t)1 << PM_LEAF_BITS) == 0)
		atomic_fetch_or_explicit(&tags_open[i / 64], (uint64_t)1 << (i % 64),
					 memory_order_release);
}

static void tag_set(uintptr_t a, uintptr_t value)
{
	size_t page = a >> LG_PAGE, i = page >> PM_LEAF_BITS;
	if (i >= TAG_LEAVES ||
	    !(atomic_load_explicit(&tags_open[i / 64], memory_order_acquire) & ((uint64_t)1 << (i % 64))))
		return;
	atomic_store_explicit((_Atomic uint8_t *)&tag_bytes[page], (uint8_t)(value & PM_CLASS_MASK),
			      memory_order_release);
}

static uintptr_t *leaf_for(uintptr_t a)
{
	size_t i = a >> (LG_PAGE + PM_LEAF_BITS);
	uintptr_t *leaf = atomic_load_explicit(&la_pagemap_root[i], memory_order_acquire);
	if (likely(leaf))
		return leaf;
	pthread_mutex_lock(&leaf_lock);
	leaf = atomic_load_explicit(&la_pagemap_root[i], memory_order_acquire);
	if (!leaf) {
		leaf = base_alloc(sizeof(uintptr_t) << PM_LEAF_BITS, PAGE);
		if (leaf) {
			tags_open_leaf(i);
			atomic_store_explicit(&la_pagemap_root[i], leaf, memory_order_release);
		}
	}
	pthread_mutex_unlock(&leaf_lock);
	return leaf;
}

bool pagemap_set(uintptr_t a, uintptr_t value)
{
	uintptr_t *leaf = leaf_for(a);
	if (!leaf)
		return false;
	/* A tag appears after the word it comes from and goes before it:
	 * while they differ the byte is 0 (a slow free), never ahead. */
	if (value & PM_CLASS_MASK) {
		atomic_store_explicit((_Atomic uintptr_t *)&leaf[(a >> LG_PAGE) & ((1u << PM_LEAF_BITS) - 1)],
				      value, memory_order_release);
		tag_set(a, value);
	} else {
		tag_set(a, 0);
		atomic_store_explicit((_Atomic uintptr_t *)&leaf[(a >> LG_PAGE) & ((1u << PM_LEAF_BITS) - 1)],
				      value, memory_order_release);
	}
	return true;
}

bool pagemap_set_range(uintptr_t a, size_t pages, uintptr_t value)
{
	for (size_t i = 0; i < pages; i++)
		if (!pagemap_set(a + i * PAGE, value))
			return false;
	return true;
}

bool pagemap_reserve(uintptr_t a, size_t size)
{
	const uintptr_t span = (uintptr_t)1 << (LG_PAGE + PM_LEAF_BITS);
	uintptr_t last = a + size - 1;
	for (uintptr_t at = a & ~(span - 1);; at += span) {
		if (!leaf_for(at))
			return false;
		if (at >= (last & ~(span - 1)))
			return true;
	}
}
