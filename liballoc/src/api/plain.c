/* plain.c - the plain layout's slow paths (plain.h). */
#include <errno.h>
#include <string.h>

#include "api/init.h"
#include "api/plain.h"
#include "core/arena.h"
#include "core/large.h"
#include "core/pagemap.h"
#include "core/tcache.h"
#include "modes/debug.h"
#include "modes/freed_large.h"
#include "modes/report.h"
#include "modes/settings.h"

/* A small object without the thread cache (cache off, thread exiting, or
 * malloc called while liballoc itself initialises). */
static void *small_uncached(unsigned cls)
{
	struct arena *a = la_tc.arena ? la_tc.arena : arena_get(0);
	void *p;
	if (!arena_fill(a, cls, &p, 1))
		return NULL;
	tcache_count_small(cls, +1);
	return p;
}

void *plain_alloc_small(unsigned cls)
{
	if (ensure_thread() && la_tc.max[cls + 1]) {
		void *p = tcache_pop(cls);
		if (!p)
			p = tcache_refill(cls);
		if (p)
			tcache_count_small(cls, +1);
		return p;
	}
	return small_uncached(cls);
}

/* A block that carries the link mark and is in this thread's cache, or
 * free in its slab, was freed before: a double free, with no settings
 * needed (glibc's default catches those in its thread cache too). The
 * mark alone proves nothing: live data can hold it. */
static bool freed_before(void *p, unsigned cls)
{
	return link_marked(p) && (tcache_holds(cls, p) || arena_slot_is_free(p));
}

void plain_free_small(void *p, unsigned cls)
{
	if (ensure_thread() && la_tc.max[cls + 1]) {
		if (unlikely(freed_before(p, cls))) {
			debug_violation(LAS_EV_DOUBLE_FREE, p, class_size(cls), (int)cls, "free",
					NULL, 0);
			return;
		}
		if (la_tc.room[cls + 1] == 0 && !tcache_grow(cls))
			tcache_flush_bin(cls, la_tc.max[cls + 1] / 2);
		tcache_push(cls, p);
		tcache_count_small(cls, -1);
		return;
	}
	struct release_faults f;
	arena_release(&p, 1, cls, &f);
	if (f.dups) {
		debug_violation(LAS_EV_DOUBLE_FREE, p, class_size(cls), (int)cls, "free", NULL, 0);
		return;
	}
	tcache_count_small(cls, -1);
}

/* A large run, whose addresses are no longer "freed before". */
static void *large_block(size_t size, size_t align, bool zero)
{
	void *p = large_alloc(size, align, zero);
	if (p)
		freed_large_forget((uintptr_t)p, PAGE_CEIL(size));
	return p;
}

void *plain_alloc(size_t size, bool zero)
{
	if (size <= SMALL_MAX) {
		unsigned cls = size_to_class(size);
		void *p = plain_alloc_small(cls);
		if (!p) {
			errno = ENOMEM;
			return NULL;
		}
		if (zero)
			memset(p, 0, class_size(cls));
		return p;
	}
	ensure_thread();
	return large_block(size, PAGE, zero);
}

/* Small classes whose size is a multiple of the alignment are aligned
 * (slabs start on pages); otherwise a large run. */
void *plain_aligned(size_t align, size_t size)
{
	if (align <= PAGE && size <= SMALL_MAX) {
		size_t need = size < align ? align : size;
		for (unsigned cls = size_to_class(need); cls < NCLASSES; cls++) {
			if ((class_size(cls) & (align - 1)) == 0) {
				void *p = plain_alloc_small(cls);
				if (!p)
					errno = ENOMEM;
				return p;
			}
		}
	}
	if (size > SIZE_MAX - align) {
		errno = ENOMEM;
		return NULL;
	}
	return large_block(size <= SMALL_MAX ? SMALL_MAX + 1 : size, align < PAGE ? PAGE : align,
			   false);
}

bool plain_is_special(uintptr_t pm)
{
	const struct extent *e = (const struct extent *)pm;
	return pm && !(pm & PM_CLASS_MASK) && (e->special || e->state == EX_SLAB);
}

void plain_free(void *p, uintptr_t pm, const char *what)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (tag) {
		struct extent *s = (struct extent *)(pm & ~PM_CLASS_MASK);
		unsigned cls = tag - 1;
		uintptr_t off = (uintptr_t)p - s->addr;
		if (class_slot_start(cls, off)) {
			plain_free_small(p, cls);
			return;
		}
	} else if (pm) {
		struct extent *e = (struct extent *)pm;
		if (plain_is_special(pm)) {
			debug_free(p, pm, what); /* checked whatever the switches */
			return;
		}
		if (e->state == EX_LARGE && e->addr == (uintptr_t)p) {
			/* Another thread freed it at the same instant: reported. */
			if (!large_free(e))
				debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
			return;
		}
		if (e->state == EX_DIRTY || e->state == EX_CLEAN || e->state == EX_BUSY) {
			/* Inside pages already given back: freed before. Reported
			 * (then on_error) in every mode; nothing is touched. */
			debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
			return;
		}
	}
	debug_violation(LAS_EV_INVALID_FREE, p, 0, tag ? (int)tag - 1 : -1, what, NULL, 0);
}

size_t plain_usable(void *p, uintptr_t pm)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (tag)
		return class_size(tag - 1);
	struct extent *e = (struct extent *)pm;
	if (e && e->state == EX_LARGE && e->addr == (uintptr_t)p)
		return e->size;
	return 0;
}
