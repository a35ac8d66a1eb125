/* large.h - blocks above the largest size class: whole page runs. */
#ifndef LA_LARGE_H
#define LA_LARGE_H

#include "core/extent.h"

LA_HIDDEN void *large_alloc(size_t size, size_t align, bool zero);
/* False when the block was no longer live: freed by another thread at the
 * same instant (a double free); nothing is touched then. */
LA_HIDDEN bool large_free(struct extent *e);
/* large_free in two steps, for a caller that must own the block before it
 * writes to it: claim (false: no longer live, as above), then release. */
LA_HIDDEN bool large_claim(struct extent *e);
LA_HIDDEN void large_release_claimed(struct extent *e);
/* Resize in place when the run can shrink or extend; NULL otherwise. */
LA_HIDDEN bool large_resize_in_place(struct extent *e, size_t size);

#endif
