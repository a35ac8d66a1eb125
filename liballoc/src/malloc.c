/*
 * malloc.c - the malloc family: fast paths inline, everything else in the
 * slow paths below. The fast paths touch only the thread's cache and its
 * own stats slot, plus one test of the debug gate.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "checked_cache_fast.h"
#include "debug.h"
#include "extent.h"
#include "fastpath.h"
#include "init.h"
#include "large.h"
#include "liballoc.h"
#include "pagemap.h"
#include "probes.h"
#include "purge_thread.h"
#include "stats.h"
#include "tcache.h"

#define CALLER() ((uintptr_t)__builtin_return_address(0))
/* Nonzero while a debug check is on or a control request is pending: the
 * process-wide word, or this thread's copy (set by outside writers). */
#define GATE() (*(const uint32_t *)la_gate | (la_tc.slot ? la_tc.slot->gate : 0))

/* Every 64th slow-path event of a thread. */
static void periodic_work(void)
{
	extent_decay_tick();
	stats_maybe_publish_child();
	tcache_gc_step();
}

static void housekeeping(void)
{
	if ((++la_tc.ticks & 63) == 0)
		periodic_work();
	purge_thread_start_if_wanted();
}

/* The short way through the slow paths while checks are on: nothing
 * pending, and this thread caught up with the current settings. */
static inline bool checks_ready(void)
{
	/* checked_epoch is set only while the thread is active, so its slot
	 * exists; outside requests set PENDING in every slot's gate. */
	uint32_t mine = la_tc.checked_epoch;
	return mine != 0 && mine == __atomic_load_n(&la_debug_epoch, __ATOMIC_ACQUIRE) + 1 &&
	       la_tc.slot->gate == LAS_GATE_CHECKS;
}

/* The same for the checked paths, which run on every operation: the
 * purger thread is looked at with the periodic work, not each time. */
static void checked_housekeeping(uintptr_t caller)
{
	la_tc.caller = caller;
	if ((++la_tc.ticks & 63) == 0) {
		periodic_work();
		purge_thread_start_if_wanted();
	}
}

static bool ensure_thread(void)
{
	if (unlikely(!la_initialized))
		la_init();
	if (la_tc.state == TC_UNINIT && la_initialized)
		tcache_thread_init();
	return la_tc.state == TC_ACTIVE;
}

/* A small object without the thread cache (cache off, thread exiting, or
 * malloc called while liballoc itself initialises). */
static void *small_uncached(unsigned cls)
{
	struct arena *a = la_tc.arena ? la_tc.arena : arena_get(0);
	void *p;
	if (!arena_fill(a, cls, &p, 1))
		return NULL;
	stats_count_small(cls, +1);
	return p;
}

LA_HIDDEN void *la_alloc_small(unsigned cls)
{
	if (ensure_thread() && la_tc.max[cls + 1]) {
		void *p = la_tc.head[cls + 1];
		if (p) {
			la_tc.head[cls + 1] = *(void **)p;
			la_tc.room[cls + 1]++;
		} else {
			p = tcache_refill(cls);
		}
		if (p)
			stats_count_small(cls, +1);
		return p;
	}
	return small_uncached(cls);
}

LA_HIDDEN void la_free_small(void *p, unsigned cls)
{
	if (ensure_thread() && la_tc.max[cls + 1]) {
		if (la_tc.room[cls + 1] == 0 && !tcache_grow(cls))
			tcache_flush_bin(cls, la_tc.max[cls + 1] / 2);
		*(void **)p = la_tc.head[cls + 1];
		la_tc.head[cls + 1] = p;
		la_tc.room[cls + 1]--;
		stats_count_small(cls, -1);
		return;
	}
	struct release_faults f;
	arena_release(&p, 1, cls, &f);
	if (f.dups) {
		if (la_checks.check_free)
			debug_violation(LAS_EV_DOUBLE_FREE, p, class_size(cls), (int)cls, "free",
					NULL, 0);
		return;
	}
	stats_count_small(cls, -1);
}

/* Plain (non-debug) allocation of any size. */
LA_HIDDEN void *la_alloc_plain(size_t size, bool zero)
{
	if (size <= SMALL_MAX) {
		unsigned cls = size_to_class(size);
		void *p = la_alloc_small(cls);
		if (!p) {
			errno = ENOMEM;
			return NULL;
		}
		if (zero)
			memset(p, 0, class_size(cls));
		return p;
	}
	ensure_thread();
	return large_alloc(size, PAGE, zero);
}

/* Free of a block whose page-map word is pm; reports foreign pointers. */
LA_HIDDEN void la_free_plain(void *p, uintptr_t pm, const char *what)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (tag) {
		struct extent *s = (struct extent *)(pm & ~PM_CLASS_MASK);
		unsigned cls = tag - 1;
		uintptr_t off = (uintptr_t)p - s->addr;
		if (class_slot_start(cls, off)) {
			la_free_small(p, cls);
			return;
		}
	} else if (pm) {
		struct extent *e = (struct extent *)pm;
		if (e->layout || e->state == EX_SLAB) {
			debug_free(p, pm); /* a debug-layout block: checked whatever the switches */
			return;
		}
		if (e->state == EX_LARGE && e->addr == (uintptr_t)p) {
			if (!large_free(e) && la_checks.check_free)
				debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
			return;
		}
		if (e->state == EX_DIRTY || e->state == EX_CLEAN || e->state == EX_BUSY) {
			/* Freed before: a double free. Without check_free it is
			 * ignored (nothing is touched), as the checks-off contract says. */
			if (la_checks.check_free)
				debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
			return;
		}
	}
	debug_violation(LAS_EV_INVALID_FREE, p, 0, tag ? (int)tag - 1 : -1, what, NULL, 0);
}

/* Size class of a block for the probes: -1 for large blocks. */
static __attribute__((unused)) int probe_class(const void *p)
{
	uintptr_t pm = pagemap_get(p);
	if (pm & PM_CLASS_MASK)
		return (int)(pm & PM_CLASS_MASK) - 1;
	const struct extent *e = (const struct extent *)pm;
	return e && e->state == EX_SLAB ? e->cls : -1;
}

static LA_NOINLINE void *malloc_slow(size_t size, uintptr_t caller)
{
	void *p;
	ensure_thread();
	la_tc.caller = caller;
	housekeeping();
	if (unlikely(GATE()) && (debug_poll(), debug_active()))
		p = debug_malloc(size, 16, false);
	else
		p = la_alloc_plain(size, false);
	LA_PROBE_HOT(malloc, p, size, la_malloc_usable_size_impl(p), probe_class(p), caller);
	return p;
}

static LA_NOINLINE void free_slow(void *p, uintptr_t pm, uintptr_t caller)
{
	if (!p)
		return;
	LA_PROBE_HOT(free, p, 0, la_malloc_usable_size_impl(p), probe_class(p), caller);
	bool first_op = la_tc.state == TC_UNINIT;
	ensure_thread();
	la_tc.caller = caller;
	housekeeping();
	if (unlikely(GATE())) {
		debug_poll();
		if (debug_active() || (pm & PM_CLASS_MASK) == 0) {
			debug_free(p, pm);
			return;
		}
	}
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (first_op && tag && la_tc.state == TC_ACTIVE &&
	    class_slot_start(tag - 1, (uintptr_t)p - ((struct extent *)(pm & ~PM_CLASS_MASK))->addr)) {
		/* A thread whose first act is a free was handed this block: it goes
		 * back to its slab, not into the new cache, so the thread's own
		 * blocks come from its own arena rather than sharing a cache line
		 * with the blocks handed to other threads. */
		struct release_faults f;
		arena_release(&p, 1, tag - 1, &f);
		if (!f.dups && !f.interior)
			stats_count_small(tag - 1, -1);
		return;
	}
	la_free_plain(p, pm, "free");
}

/* malloc and free while checks are on and the thread is caught up: one
 * short call into the debug paths instead of the general slow paths. */
static LA_NOINLINE void *malloc_checked(size_t size, uintptr_t caller)
{
	checked_housekeeping(caller);
	void *p = size <= SMALL_MAX && __atomic_load_n(&la_plain_checks, __ATOMIC_RELAXED)
			  ? checked_alloc_fast(size, false)
			  : debug_malloc(size, 16, false);
	LA_PROBE_HOT(malloc, p, size, la_malloc_usable_size_impl(p), probe_class(p), caller);
	return p;
}

static LA_NOINLINE void free_checked(void *p, uintptr_t pm, uintptr_t caller)
{
	LA_PROBE_HOT(free, p, 0, la_malloc_usable_size_impl(p), probe_class(p), caller);
	checked_housekeeping(caller);
	if ((pm & PM_CLASS_MASK) && __atomic_load_n(&la_plain_checks, __ATOMIC_RELAXED))
		checked_free_fast(p, pm, "free");
	else
		debug_free(p, pm);
}

#ifdef LIBALLOC_NO_PROBES
#define PROBE_FAST(name, call) do { } while (0)
#else
/* Fast-path probes fire from out of line, so that their arguments cost
 * the fast path nothing while nobody traces. */
static LA_NOINLINE __attribute__((cold)) void *probe_malloc_fast(void *p, size_t size, size_t cls,
								  uintptr_t caller)
{
	LA_PROBE(malloc, p, size, class_size(cls), (int)cls, caller);
	return p;
}

static LA_NOINLINE __attribute__((cold)) void probe_free_fast(void *p, uintptr_t tag,
							      uintptr_t caller)
{
	LA_PROBE(free, p, 0, class_size(tag - 1), (int)tag - 1, caller);
}

/* The same test as LA_PROBE_HOT; `call` is a tail call to a helper above. */
#define PROBE_FAST(name, call)                                               \
	do {                                                                 \
		__label__ fire, done;                                        \
		__asm__ goto("cmpw $0, %0\n\tjne %l[fire]"                    \
			     : : "m"(LA_SEMAPHORE(name)) : "cc" : fire);     \
		goto done;                                                   \
	fire:                                                                \
		call;                                                        \
	done:;                                                               \
	} while (0)
#endif

LA_EXPORT void *malloc(size_t size)
{
	if (likely(size <= LOOKUP_MAX)) {
		size_t cls = la_class_lookup[size];
		void *p = la_tc.head[cls + 1];
		if (likely(p != NULL)) {
			struct las_thread *s = la_tc.slot;
			JUMP_IF_NONZERO32(s->gate, slow);
			la_tc.head[cls + 1] = *(void **)p;
			la_tc.room[cls + 1]++;
			s->class_alloc[cls]++;
			PROBE_FAST(malloc, return probe_malloc_fast(p, size, cls, CALLER()));
			return p;
		}
	}
slow:
	if (checks_ready())
		return malloc_checked(size, CALLER());
	return malloc_slow(size, CALLER());
}

LA_EXPORT void free(void *p)
{
	uintptr_t pm = pagemap_get(p);
	uintptr_t tag = pm & PM_CLASS_MASK;
	/* A pointer off the 16-byte grid is never a block start; keeping it
	 * out of the cache keeps the cache's list from overlapping itself. */
	if (likely(tag != 0) && likely(((uintptr_t)p & 15) == 0)) {
		/* room is 0 until the thread is set up, so `s` is valid below. */
		DECREMENT_OR_JUMP(la_tc.room[tag], no_room);
		struct las_thread *s = la_tc.slot;
		JUMP_IF_NONZERO32(s->gate, gated);
		*(void **)p = la_tc.head[tag];
		la_tc.head[tag] = p;
		s->class_free[tag - 1]++;
		PROBE_FAST(free, return probe_free_fast(p, tag, CALLER()));
		return;
	gated:
		la_tc.room[tag]++;
		goto slow;
	no_room:
		la_tc.room[tag] = 0;
	}
slow:
	if (p && checks_ready()) {
		free_checked(p, pm, CALLER());
		return;
	}
	free_slow(p, pm, CALLER());
}

static void *alloc_zeroed(size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	ensure_thread();
	housekeeping();
	if (unlikely(GATE())) {
		debug_poll();
		if (debug_active())
			return debug_malloc(total, 16, true);
	}
	return la_alloc_plain(total, true);
}

LA_EXPORT void *calloc(size_t n, size_t size)
{
	void *p = alloc_zeroed(n, size);
	LA_PROBE_HOT(calloc, p, n * size, la_malloc_usable_size_impl(p), probe_class(p), CALLER());
	return p;
}

/* Usable size of a block made without debug layout. */
static size_t plain_usable(void *p, uintptr_t pm)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (tag)
		return class_size(tag - 1);
	struct extent *e = (struct extent *)pm;
	if (e && e->state == EX_LARGE && e->addr == (uintptr_t)p)
		return e->size;
	return 0;
}

static void *realloc_impl(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (size == 0) {
		/* As glibc: realloc(p, 0) frees p and returns NULL. */
		free(p);
		return NULL;
	}
	if (size > PTRDIFF_MAX) {
		errno = ENOMEM; /* p stays valid and untouched */
		return NULL;
	}
	uintptr_t pm = pagemap_get(p);
	ensure_thread();
	housekeeping();
	if (unlikely(GATE())) {
		debug_poll();
		if (debug_active() || pm == 0)
			return debug_realloc(p, pm, size);
	}
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (!tag && pm && (((struct extent *)pm)->layout || ((struct extent *)pm)->state == EX_SLAB))
		return debug_realloc(p, pm, size);
	size_t old = plain_usable(p, pm);
	if (old == 0) {
		debug_violation(LAS_EV_INVALID_FREE, p, 0, -1, "realloc", NULL, 0);
		errno = EINVAL;
		return NULL;
	}
	if (tag) {
		if (size <= SMALL_MAX && size_to_class(size) == tag - 1)
			return p;
	} else if (size > SMALL_MAX) {
		if (large_resize_in_place((struct extent *)pm, size))
			return p;
	}
	void *q = la_alloc_plain(size, false);
	if (!q)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	la_free_plain(p, pm, "realloc");
	return q;
}

LA_EXPORT void *realloc(void *p, size_t size)
{
	void *q = realloc_impl(p, size);
	LA_PROBE_HOT(realloc, q, p, size, la_malloc_usable_size_impl(q), CALLER());
	return q;
}

LA_EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

/* Aligned allocation: small classes whose size is a multiple of the
 * alignment are aligned (slabs start on pages); otherwise a large run. */
static void *aligned_impl(size_t align, size_t size)
{
	if (align <= 16)
		return la_alloc_plain(size ? size : 1, false);
	ensure_thread();
	housekeeping();
	if (unlikely(GATE())) {
		debug_poll();
		if (debug_active())
			return debug_malloc(size, align, false);
	}
	if (align <= PAGE && size <= SMALL_MAX) {
		size_t need = size < align ? align : size;
		for (unsigned cls = size_to_class(need); cls < NCLASSES; cls++) {
			if ((class_size(cls) & (align - 1)) == 0) { /* align: a power of two */
				void *p = la_alloc_small(cls);
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
	return large_alloc(size <= SMALL_MAX ? SMALL_MAX + 1 : size, align < PAGE ? PAGE : align,
			   false);
}

static bool pow2(size_t x)
{
	return x && (x & (x - 1)) == 0;
}

LA_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (!pow2(align) || align % sizeof(void *) != 0)
		return EINVAL;
	int saved = errno;
	void *p = aligned_impl(align, size);
	LA_PROBE_HOT(memalign, p, align, size, la_malloc_usable_size_impl(p), CALLER());
	if (!p)
		return ENOMEM;
	errno = saved;
	*out = p;
	return 0;
}

LA_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	if (!pow2(align)) {
		errno = EINVAL;
		return NULL;
	}
	void *p = aligned_impl(align, size);
	LA_PROBE_HOT(memalign, p, align, size, la_malloc_usable_size_impl(p), CALLER());
	return p;
}

LA_EXPORT void *memalign(size_t align, size_t size)
{
	if (!pow2(align)) {
		/* glibc rounds a non-power-of-two alignment up. */
		size_t a = 1;
		while (a < align && a)
			a <<= 1;
		if (!a) {
			errno = EINVAL;
			return NULL;
		}
		align = a;
	}
	void *p = aligned_impl(align, size);
	LA_PROBE_HOT(memalign, p, align, size, la_malloc_usable_size_impl(p), CALLER());
	return p;
}

LA_EXPORT void *valloc(size_t size)
{
	return memalign(PAGE, size);
}

LA_EXPORT void *pvalloc(size_t size)
{
	if (size > SIZE_MAX - PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	return memalign(PAGE, PAGE_CEIL(size ? size : 1));
}

LA_HIDDEN size_t la_malloc_usable_size_impl(void *p)
{
	if (!p)
		return 0;
	uintptr_t pm = pagemap_get(p);
	size_t n;
	if ((pm & PM_CLASS_MASK) == 0 && debug_usable_size(p, pm, &n))
		return n;
	return plain_usable(p, pm);
}

LA_EXPORT size_t malloc_usable_size(void *p)
{
	return la_malloc_usable_size_impl(p);
}

LA_EXPORT void free_sized(void *p, size_t size)
{
	(void)size;
	free(p);
}

LA_EXPORT void free_aligned_sized(void *p, size_t align, size_t size)
{
	(void)align;
	(void)size;
	free(p);
}

LA_EXPORT int malloc_trim(size_t pad)
{
	(void)pad;
	ensure_thread();
	tcache_flush_all();
	return extent_purge(PURGE_TRIM) > 0;
}

LA_EXPORT void cfree(void *p)
{
	free(p);
}

/* la_-prefixed entry points (liballoc.h). */
LA_EXPORT void *la_malloc(size_t size) { return malloc(size); }
LA_EXPORT void la_free(void *p) { free(p); }
LA_EXPORT void *la_calloc(size_t n, size_t size) { return calloc(n, size); }
LA_EXPORT void *la_realloc(void *p, size_t size) { return realloc(p, size); }
LA_EXPORT void *la_reallocarray(void *p, size_t n, size_t size) { return reallocarray(p, n, size); }
LA_EXPORT int la_posix_memalign(void **out, size_t a, size_t s) { return posix_memalign(out, a, s); }
LA_EXPORT void *la_aligned_alloc(size_t a, size_t s) { return aligned_alloc(a, s); }
LA_EXPORT void *la_memalign(size_t a, size_t s) { return memalign(a, s); }
LA_EXPORT size_t la_malloc_usable_size(void *p) { return la_malloc_usable_size_impl(p); }
LA_EXPORT void la_free_sized(void *p, size_t size) { free_sized(p, size); }
LA_EXPORT int la_malloc_trim(size_t pad) { return malloc_trim(pad); }
