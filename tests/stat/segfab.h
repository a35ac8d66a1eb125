/*
 * segfab.h - fabricate valid stats segments per liballoc_stats.h, for the
 * reader tests, the fuzz seed corpus and allocdump's tests, independent of
 * the allocator's own writer.
 *
 * The content is fixed and documented here so tests can assert exact values:
 *   class c: size 16*(c+1), slab_size 4096, objs_per_slab 4096/size,
 *            slabs 2, objs_handed objs_per_slab (utilisation 0.5)
 *   slot 0 (retired): class_alloc[c] 10*(c+1), class_free[c] 5*(c+1),
 *            large 1 alloc / 1 free of 8192 bytes
 *   slot 1 (live, tid 1001 "main", arena 0): class_alloc 7, class_free 3,
 *            fill 20, flush 8 (cache 8 per class), large 2 allocs of 5000
 *   slot 2 (live, tid 1002 "worker", arena 1 % narenas): class 0 only:
 *            alloc 100, free 100, no fill (cache clamps to 0)
 *   other slots free
 *   large band 12: 2 live, 10000 bytes; band 20: 1 live, 1048581 bytes
 *   events: head 3 (double_free, invalid_free, conf_change)
 */
#ifndef SEGFAB_H
#define SEGFAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "liballoc_stats.h"

struct segfab_spec {
	pid_t pid;
	uint32_t nclasses;
	uint32_t narenas;
	uint32_t max_threads;
	uint64_t start_time_ticks;
};

/* A default spec for pid (start time from /proc if pid is alive). */
struct segfab_spec segfab_default(pid_t pid);
/* malloc'ed image of *len bytes. */
unsigned char *segfab_build(const struct segfab_spec *spec, size_t *len);
/* Write image to path: O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600. 0 or -1. */
int segfab_write(const char *path, const unsigned char *img, size_t len);

static inline struct las_header *segfab_header(unsigned char *img)
{
	return (struct las_header *)img;
}
static inline void *segfab_entry(unsigned char *img, int table, uint32_t i)
{
	struct las_table *t = &segfab_header(img)->tables[table];
	return img + t->offset + (uint64_t)i * t->entry_size;
}

#endif
