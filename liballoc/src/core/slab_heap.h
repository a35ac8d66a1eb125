/*
 * slab_heap.h - pairing heap of non-full slabs ordered by address, so the
 * next slot always comes from the lowest-address slab that has one.
 */
#ifndef LA_SLAB_HEAP_H
#define LA_SLAB_HEAP_H

#include "core/extent.h"

LA_HIDDEN struct extent *slab_heap_insert(struct extent *root, struct extent *e);
LA_HIDDEN struct extent *slab_heap_pop(struct extent *root);
LA_HIDDEN struct extent *slab_heap_remove(struct extent *root, struct extent *e);

#endif
