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

#include "api/dispatch.h"
#include "api/plain.h"
#include "core/arena.h"
#include "core/large.h"
#include "core/pagemap.h"
#include "liballoc.h"
#include "modes/debug.h"
#include "modes/report.h"
#include "sys/fastpath.h"
#include "sys/probes.h"

#define CALLER() ((uintptr_t)__builtin_return_address(0))

/* Size class of a block for the probes: -1 for large blocks. A small
 * block the heap profile sampled is a page run, but still a small
 * allocation: the class of its size. */
static __attribute__((unused)) int probe_class(const void *p)
{
	uintptr_t pm = pagemap_get(p);
	if (pm & PM_CLASS_MASK)
		return (int)(pm & PM_CLASS_MASK) - 1;
	const struct extent *e = (const struct extent *)pm;
	if (e && prof_sampled(e) && e->requested <= SMALL_MAX)
		return (int)size_to_class(e->requested ? e->requested : 1);
	return e && e->state == EX_SLAB ? e->cls : -1;
}

static size_t usable_size(void *p);

static LA_NOINLINE void *malloc_slow(size_t size, uintptr_t caller)
{
	void *p = dispatch_alloc_sampled(dispatch_mode(caller), size, 16, false, caller);
	LA_PROBE_HOT(malloc, p, size, usable_size(p), probe_class(p), caller);
	return p;
}

/* The first operation of a thread is a free (checks off). A block it was
 * handed goes back to its slab, not into the new cache, so the thread's
 * own blocks come from its own arena rather than sharing a cache line
 * with the blocks handed to other threads. */
static LA_NOINLINE void free_first(void *p, uintptr_t pm)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (tag && la_tc.state == TC_ACTIVE &&
	    class_slot_start(tag - 1, (uintptr_t)p - ((struct extent *)(pm & ~PM_CLASS_MASK))->addr)) {
		struct release_faults f;
		arena_release(&p, 1, tag - 1, &f);
		if (f.dups)
			debug_violation(LAS_EV_DOUBLE_FREE, p, class_size(tag - 1), (int)tag - 1, "free",
					NULL, 0);
		else
			tcache_count_small(tag - 1, -1);
		return;
	}
	plain_free(p, pm, "free");
}

static LA_NOINLINE void free_slow(void *p, uintptr_t pm, uintptr_t caller)
{
	if (!p)
		return;
	LA_PROBE_HOT(free, p, 0, usable_size(p), probe_class(p), caller);
	unsigned m = dispatch_enter(caller);
	if (unlikely(m == (OP_PLAIN | OP_FRESH)))
		free_first(p, pm);
	else
		dispatch_free((enum op_mode)(m & ~OP_FRESH), p, pm, "free");
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

/* liballoc keeps frame pointers (sys/stack_capture.c), except in the two
 * fast paths: they reach every other function by a tail jump, so no frame
 * of theirs is ever on a stack, and a frame would cost them 3 instructions. */
#if defined(__clang__)
#define FAST_PATH_NO_FRAME
#else
#define FAST_PATH_NO_FRAME __attribute__((optimize("omit-frame-pointer")))
#endif

LA_EXPORT FAST_PATH_NO_FRAME void *malloc(size_t size)
{
	if (likely(size <= LOOKUP_MAX)) {
		size_t cls = la_class_lookup[size];
		void *p = la_tc.head[cls + 1];
		/* Not NULL and a user-space address: a head decoded from an
		 * overwritten link is neither, and goes to the slow path, which
		 * reports it; nothing is read through it. */
		if (likely(link_plausible((uintptr_t)p - 1))) {
			struct las_thread *s = la_tc.slot;
			JUMP_IF_NONZERO32(s->gate, slow);
			SAMPLER_COUNTDOWN(size, sampled); /* the heap profile's sampler */
			la_tc.head[cls + 1] = (void *)(*(uintptr_t *)p ^ la_tc.link_key);
			*(uintptr_t *)p = 0; /* no stale link mark in a live block */
			la_tc.room[cls + 1]++;
			s->class_alloc[cls]++;
			PROBE_FAST(malloc, return probe_malloc_fast(p, size, cls, CALLER()));
			return p;
		}
	}
slow:
	return malloc_slow(size, CALLER());
sampled:
	SAMPLER_UNCOUNT(size); /* the slow path counts it again */
	goto slow;
}

LA_EXPORT FAST_PATH_NO_FRAME void free(void *p)
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
		/* The block carries the mark of a stored link: it may be in a
		 * list already (a double free); the slow path confirms. */
		if (unlikely(link_marked(p)))
			goto gated;
		*(uintptr_t *)p = link_encode(la_tc.head[tag], la_tc.link_key);
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
	free_slow(p, pm, CALLER());
}

static void *alloc_zeroed(size_t n, size_t size, uintptr_t caller)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return dispatch_alloc_sampled(dispatch_mode(caller), total, 16, true, caller);
}

LA_EXPORT void *calloc(size_t n, size_t size)
{
	void *p = alloc_zeroed(n, size, CALLER());
	LA_PROBE_HOT(calloc, p, n * size, usable_size(p), probe_class(p), CALLER());
	return p;
}

static void *realloc_impl(void *p, size_t size, uintptr_t caller)
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
	enum op_mode m = dispatch_mode(caller);
	if (m != OP_PLAIN || plain_is_special(pm)) {
		/* Checked blocks move through the checks: what the old one
		 * holds is verified (and reported) before it is copied. */
		size_t old;
		if (!debug_live_size(p, pm, &old)) {
			errno = EINVAL;
			return NULL;
		}
		void *q = dispatch_alloc_sampled(m, size, 16, false, caller);
		if (!q)
			return NULL;
		memcpy(q, p, old < size ? old : size);
		dispatch_free(m, p, pm, "realloc");
		return q;
	}
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	size_t old = plain_usable(p, pm);
	if (old == 0) {
		debug_violation(LAS_EV_INVALID_FREE, p, 0, -1, "realloc", NULL, 0);
		errno = EINVAL;
		return NULL;
	}
	/* The heap profile: a realloc that stays within the block is no
	 * allocation; any other is sampled as a new allocation of `size`. A
	 * sampled block keeps its page run while it fits, and moves otherwise. */
	bool sampled_block = !tag && prof_sampled((struct extent *)pm);
	if (tag) {
		if (size <= SMALL_MAX && size_to_class(size) == tag - 1)
			return p;
	} else if (sampled_block) {
		if (size <= old)
			return p;
	} else if (size > SMALL_MAX && size <= old) {
		if (large_resize_in_place((struct extent *)pm, size))
			return p;
	}
	bool sample = sampler_count(size) & SAMPLE_PROF;
	if (!sample && !sampled_block && !tag && size > SMALL_MAX &&
	    large_resize_in_place((struct extent *)pm, size))
		return p;
	void *q = sample ? prof_alloc(size, 16, false, caller) : plain_alloc(size, false);
	if (!q)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	plain_free(p, pm, "realloc");
	return q;
}

LA_EXPORT void *realloc(void *p, size_t size)
{
	void *q = realloc_impl(p, size, CALLER());
	LA_PROBE_HOT(realloc, q, p, size, usable_size(q), CALLER());
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

static void *aligned_impl(size_t align, size_t size, uintptr_t caller)
{
	return dispatch_alloc_sampled(dispatch_mode(caller), size ? size : 1,
				      align < 16 ? 16 : align, false, caller);
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
	void *p = aligned_impl(align, size, CALLER());
	LA_PROBE_HOT(memalign, p, align, size, usable_size(p), CALLER());
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
	void *p = aligned_impl(align, size, CALLER());
	LA_PROBE_HOT(memalign, p, align, size, usable_size(p), CALLER());
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
	void *p = aligned_impl(align, size, CALLER());
	LA_PROBE_HOT(memalign, p, align, size, usable_size(p), CALLER());
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

static size_t usable_size(void *p)
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
	return usable_size(p);
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
	modes_thread_flush();
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
LA_EXPORT size_t la_malloc_usable_size(void *p) { return usable_size(p); }
LA_EXPORT void la_free_sized(void *p, size_t size) { free_sized(p, size); }
LA_EXPORT int la_malloc_trim(size_t pad) { return malloc_trim(pad); }
