/* pagemap.c - leaf creation and range updates for the page map. */
#include <pthread.h>

#include "sys/base.h"
#include "core/pagemap.h"

_Atomic(uintptr_t *) la_pagemap_root[2u << PM_ROOT_BITS];
static pthread_mutex_t leaf_lock = PTHREAD_MUTEX_INITIALIZER;

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
		if (leaf)
			atomic_store_explicit(&la_pagemap_root[i], leaf, memory_order_release);
	}
	pthread_mutex_unlock(&leaf_lock);
	return leaf;
}

bool pagemap_set(uintptr_t a, uintptr_t value)
{
	uintptr_t *leaf = leaf_for(a);
	if (!leaf)
		return false;
	atomic_store_explicit((_Atomic uintptr_t *)&leaf[(a >> LG_PAGE) & ((1u << PM_LEAF_BITS) - 1)],
			      value, memory_order_release);
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
