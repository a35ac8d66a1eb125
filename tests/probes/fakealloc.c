/*
 * fakealloc.c - a stand-in that fires liballoc's USDT probes around glibc.
 *
 * LD_PRELOAD-able wrapper over glibc's __libc_* allocator. It fires every
 * probe of probes/liballoc_probes.h with the documented arguments, so the
 * bpftrace scripts and the collector can be tested without the real
 * allocator. Size classes are a simple 16-byte grid (class -1 past 4 KiB).
 * Cold probes fire once at load; a free of the pointer freed just before
 * fires "violation" (double free) instead of crashing glibc.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "liballoc_probes.h"

LA_DEFINE_SEMAPHORES()

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
extern size_t malloc_usable_size(void *);

#define EXPORT __attribute__((visibility("default")))
#define CALLER() __builtin_return_address(0)

static long fake_class(size_t size)
{
	return size > 4096 ? LA_CLASS_LARGE : (long)((size + 15) / 16);
}

static __thread void *last_freed;

__attribute__((constructor)) static void fake_start(void)
{
	long tid = syscall(SYS_gettid);
	LA_PROBE(thread_start, tid);
	LA_PROBE(arena_assign, tid, 0);
	LA_PROBE(extent_map, 0x7f0000000000UL, 4UL << 20);
	LA_PROBE(slab_new, 0x7f0000000000UL, 65536UL, 7, 0);
	LA_PROBE(tcache_fill, 7, 32);
	LA_PROBE(tcache_flush, 7, 16);
	LA_PROBE(purge, 0x7f0000010000UL, 8192UL, 1);
	LA_PROBE(slab_release, 0x7f0000000000UL, 65536UL, 7, 0);
	LA_PROBE(extent_unmap, 0x7f0000000000UL, 4UL << 20);
	LA_PROBE(conf_change, 0, 4, (long)getpid());
	LA_PROBE(thread_exit, tid);
}

EXPORT void *malloc(size_t size)
{
	void *p = __libc_malloc(size);
	last_freed = NULL;
	LA_PROBE_HOT(malloc, p, size, p ? malloc_usable_size(p) : 0, fake_class(size), CALLER());
	return p;
}

EXPORT void *calloc(size_t n, size_t elsize)
{
	void *p = __libc_calloc(n, elsize);
	last_freed = NULL;
	LA_PROBE_HOT(calloc, p, n * elsize, p ? malloc_usable_size(p) : 0,
		     fake_class(n * elsize), CALLER());
	return p;
}

EXPORT void *realloc(void *old, size_t size)
{
	void *p = __libc_realloc(old, size);
	last_freed = NULL;
	LA_PROBE_HOT(realloc, p, old, size, p ? malloc_usable_size(p) : 0, CALLER());
	return p;
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	void *p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	last_freed = NULL;
	LA_PROBE_HOT(memalign, p, align, size, malloc_usable_size(p), CALLER());
	*out = p;
	return 0;
}

EXPORT void *memalign(size_t align, size_t size)
{
	void *p = __libc_memalign(align, size);
	last_freed = NULL;
	LA_PROBE_HOT(memalign, p, align, size, p ? malloc_usable_size(p) : 0, CALLER());
	return p;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

EXPORT void free(void *p)
{
	if (!p)
		return;
	if (p == last_freed) {
		LA_PROBE(violation, 1, p, 0);
		return;
	}
	size_t usable = malloc_usable_size(p);
	LA_PROBE_HOT(free, p, 0, usable, fake_class(usable), CALLER());
	last_freed = p;
	__libc_free(p);
}
