/*
 * glibc_ext.h - glibc's malloc extensions on liballoc's options: mallopt
 * (M_ARENA_MAX, M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD,
 * M_CHECK_ACTION, M_PERTURB; any other parameter returns 0) and
 * malloc_info (glibc's XML shape). Declared by <malloc.h>; exported, with
 * la_ twins in liballoc.h.
 */
#ifndef LA_GLIBC_EXT_H
#define LA_GLIBC_EXT_H

#include <malloc.h>

#endif
