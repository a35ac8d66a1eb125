/*
 * liballoc.h - public API of liballoc beyond the standard malloc family.
 *
 * liballoc replaces malloc, free, calloc, realloc, reallocarray,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc,
 * malloc_usable_size, free_sized, free_aligned_sized, malloc_trim,
 * mallinfo2, malloc_stats and the glibc extensions mallopt and malloc_info
 * (liballoc(3) says which mallopt parameters apply). The same functions are
 * also exported with an la_ prefix, for programs that want liballoc next to
 * another malloc.
 */
#ifndef LIBALLOC_H
#define LIBALLOC_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * alloc_ctl - read and/or write an option or counter by name, in the manner
 * of jemalloc's mallctl. oldp/oldlenp receive the current value (may be
 * NULL); newp/newlen set a new one (may be NULL). Returns 0 or an errno
 * value: ENOENT unknown name, EINVAL wrong length or bad value, EPERM
 * read-only. Names are listed in liballoc(3), e.g. "opt.narenas",
 * "opt.dirty_decay_ms", "stats.live_bytes", "debug.redzone", "arena.purge".
 * Values are uint64_t unless stated; strings are const char *.
 */
int alloc_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen);

/*
 * alloc_check - verify every live block (redzones, quarantine fills, heap
 * metadata). Returns the number of violations found (each reported as
 * configured by on_error), 0 when the heap is clean.
 */
int alloc_check(void);

void free_sized(void *ptr, size_t size);
void free_aligned_sized(void *ptr, size_t alignment, size_t size);

void *la_malloc(size_t size);
void la_free(void *ptr);
void *la_calloc(size_t n, size_t size);
void *la_realloc(void *ptr, size_t size);
void *la_reallocarray(void *ptr, size_t n, size_t size);
int la_posix_memalign(void **out, size_t alignment, size_t size);
void *la_aligned_alloc(size_t alignment, size_t size);
void *la_memalign(size_t alignment, size_t size);
size_t la_malloc_usable_size(void *ptr);
void la_free_sized(void *ptr, size_t size);
int la_malloc_trim(size_t pad);
int la_mallopt(int param, int value);
int la_malloc_info(int options, FILE *fp);

#ifdef __cplusplus
}
#endif
#endif
