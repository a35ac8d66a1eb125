/*
 * plain.h - allocation and free in the plain layout, all checks off: the
 * thread cache and arenas for small blocks, page runs for large ones.
 */
#ifndef LA_PLAIN_H
#define LA_PLAIN_H

#include "sys/internal.h"

LA_HIDDEN void *plain_alloc_small(unsigned cls);
LA_HIDDEN void plain_free_small(void *p, unsigned cls);
/* Any size; zeroed if asked. NULL with errno ENOMEM when out of memory. */
LA_HIDDEN void *plain_alloc(size_t size, bool zero);
/* align: a power of two above 16. */
LA_HIDDEN void *plain_aligned(size_t align, size_t size);
/* Free of a block whose page-map word is pm; blocks the check modes made
 * go to them, foreign pointers are reported. */
LA_HIDDEN void plain_free(void *p, uintptr_t pm, const char *what);
/* Usable size of a plain block; 0 if p is not one. */
LA_HIDDEN size_t plain_usable(void *p, uintptr_t pm);
/* Does pm name a block of the check modes' own layout? */
LA_HIDDEN bool plain_is_special(uintptr_t pm);

#endif
