/* os.c - mmap, munmap and madvise with mapping accounting. */
#include <sys/mman.h>
#include <sys/resource.h>

#include "sys/os.h"
#include "sys/probes.h"
#include "sys/counters.h"

static void *map(size_t size, int flags)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	STAT_ADD(&la_globals->kernel_mappings, 1);
	LA_PROBE(extent_map, p, size);
	return p;
}

void *os_map(size_t size)
{
	return map(size, MAP_NORESERVE);
}

void *os_map_committed(size_t size)
{
	return map(size, 0);
}

void os_unmap(void *addr, size_t size)
{
	munmap(addr, size);
	STAT_SUB(&la_globals->kernel_mappings, 1);
	LA_PROBE(extent_unmap, addr, size);
}

void os_unmap_part(void *addr, size_t size)
{
	munmap(addr, size);
}

int os_purge(void *addr, size_t size)
{
	STAT_ADD(&la_globals->madvise_calls, 1);
	/* DONTNEED, not FREE: RSS must drop now, observably, not under pressure. */
	return madvise(addr, size, MADV_DONTNEED);
}

/* The guarded pool (modes/guard_pool.c): address space that starts
 * inaccessible, pages opened and closed one block at a time. */
void *os_reserve_inaccessible(size_t size)
{
	void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	STAT_ADD(&la_globals->kernel_mappings, 1);
	LA_PROBE(extent_map, p, size);
	return p;
}

void *os_reserve_readable(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* A 2 MiB zero page read, or a huge page written, would cost more
	 * than the few 4 KiB pages in use. */
	madvise(p, size, MADV_NOHUGEPAGE);
	STAT_ADD(&la_globals->kernel_mappings, 1);
	LA_PROBE(extent_map, p, size);
	return p;
}

bool os_address_space_limited(void)
{
	struct rlimit r;
	return getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur != RLIM_INFINITY;
}

int os_open_pages(void *addr, size_t size)
{
	return mprotect(addr, size, PROT_READ | PROT_WRITE);
}

/* Inaccessible again; the pages stay (they are few, and reopening them
 * then costs no page fault). */
int os_close_pages(void *addr, size_t size)
{
	return mprotect(addr, size, PROT_NONE);
}
