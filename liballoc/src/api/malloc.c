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

#include "api/cxx_runtime.h"
#include "api/dispatch.h"
#include "api/malloc.h"
#include "api/plain.h"
#include "core/arena.h"
#include "core/large.h"
#include "core/pagemap.h"
#include "liballoc.h"
#include "modes/debug.h"
#include "modes/report.h"
#include "sys/fastpath.h"
#include "sys/probes.h"
#include "sys/unwinder.h"

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

/* The name of a freeing function in reports, by its flags (modes/alloc_kind.h). */
static const char *free_name(unsigned flags)
{
	static const char *const names[16] = {
		[LA_KIND_MALLOC] = "free",
		[LA_KIND_MALLOC | LA_FREE_SIZED] = "free_sized",
		[LA_KIND_MALLOC | LA_FREE_SIZED | LA_FREE_ALIGNED] = "free_aligned_sized",
		[LA_KIND_NEW] = "operator delete",
		[LA_KIND_NEW | LA_FREE_SIZED] = "operator delete",
		[LA_KIND_NEW | LA_FREE_ALIGNED] = "operator delete",
		[LA_KIND_NEW | LA_FREE_SIZED | LA_FREE_ALIGNED] = "operator delete",
		[LA_KIND_NEW_ARRAY] = "operator delete[]",
		[LA_KIND_NEW_ARRAY | LA_FREE_SIZED] = "operator delete[]",
		[LA_KIND_NEW_ARRAY | LA_FREE_ALIGNED] = "operator delete[]",
		[LA_KIND_NEW_ARRAY | LA_FREE_SIZED | LA_FREE_ALIGNED] = "operator delete[]",
	};
	const char *n = names[flags & 15];
	return n ? n : "free";
}

/* liballoc keeps frame pointers (sys/stack_capture.c), except in the fast
 * paths (malloc, free and the C++ operators' entries) and the slow paths'
 * first tries: they reach every other function by a tail jump, so no frame
 * of theirs is ever on a stack, and a frame would cost them 3 instructions. */
#if defined(__clang__)
#define FAST_PATH_NO_FRAME
#else
#define FAST_PATH_NO_FRAME __attribute__((optimize("omit-frame-pointer")))
#endif

/* An operator new that could not allocate: the C++ runtime decides, with
 * one more try after each new-handler. */
static void *new_retry(size_t size, size_t align, unsigned kind);

static LA_NOINLINE __attribute__((cold)) void *new_failed(size_t size, size_t align,
							   unsigned kind)
{
	return cxx_new_failed(size, align, kind, new_retry);
}

/* The slow path of malloc and of operator new (kind, modes/alloc_kind.h,
 * with the LA_NEW_* bits of cxx_runtime.h): one copy for each common kind
 * below, so that the kind is a constant in each. */
static LA_ALWAYS_INLINE void *malloc_slow_body(size_t size, unsigned kind, uintptr_t caller)
{
	void *p = dispatch_alloc_kind(dispatch_mode(caller), size, 16, false, kind & LA_KIND_MASK,
				      caller);
	LA_PROBE_HOT(malloc, p, size, usable_size(p), probe_class(p), caller);
	if ((kind & LA_NEW_OPERATOR) && unlikely(p == NULL))
		return new_failed(size, 0, kind);
	return p;
}

static LA_NOINLINE void *malloc_slow_full(size_t size, uintptr_t caller)
{
	return malloc_slow_body(size, LA_KIND_MALLOC, caller);
}

static LA_NOINLINE void *new_slow_full(size_t size, uintptr_t caller)
{
	return malloc_slow_body(size, LA_KIND_NEW | LA_NEW_OPERATOR, caller);
}

static LA_NOINLINE void *new_array_slow_full(size_t size, uintptr_t caller)
{
	return malloc_slow_body(size, LA_KIND_NEW_ARRAY | LA_NEW_OPERATOR, caller);
}

/* The slow paths try the checked mode's common case first
 * (dispatch_checked_alloc_quick), which calls nothing: they have no frame
 * of their own and reach the full path by a tail jump. malloc's also
 * jumps straight to debug_malloc for a thread caught up with the debug
 * mode (operator new's needs the full path's answer to a failure). */
#define SLOW_TRIES_CHECKED(name, kind)                                                       \
	static LA_NOINLINE FAST_PATH_NO_FRAME void *name##_slow(size_t size, uintptr_t caller) \
	{                                                                                    \
		void *p;                                                                     \
		if (!LA_PROBE_ENABLED(malloc)) {                                             \
			if ((p = dispatch_checked_alloc_quick(size, kind)))                  \
				return p;                                                    \
			if (kind == LA_KIND_MALLOC && dispatch_debug_alloc_ready(size, caller)) \
				return debug_malloc(size, 16, false, kind);                  \
		}                                                                            \
		return name##_slow_full(size, caller);                                       \
	}
SLOW_TRIES_CHECKED(malloc, LA_KIND_MALLOC)
SLOW_TRIES_CHECKED(new, LA_KIND_NEW)
SLOW_TRIES_CHECKED(new_array, LA_KIND_NEW_ARRAY)

static LA_NOINLINE void *new_kind_slow(size_t size, unsigned kind, uintptr_t caller)
{
	return malloc_slow_body(size, kind, caller);
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

/* The slow path of free and of every free told more (flags: the freeing
 * family, LA_FREE_SIZED, LA_FREE_ALIGNED; modes/alloc_kind.h): one copy for
 * each common kind below. The free probe carries the size given. The fast
 * path read only the tag bytes; the page map is read here. */
static LA_ALWAYS_INLINE void free_slow_body(void *p, size_t size, size_t align, unsigned flags,
					    uintptr_t caller)
{
	if (!p)
		return;
	LA_PROBE_HOT(free, p, size, usable_size(p), probe_class(p), caller);
	uintptr_t pm = pagemap_get(p);
	unsigned m = dispatch_enter(caller);
	if (unlikely(m == (OP_PLAIN | OP_FRESH)) && pm)
		free_first(p, pm);
	else
		dispatch_free_told((enum op_mode)(m & ~OP_FRESH), p, pm, size, align, flags,
				   free_name(flags), caller);
}

/* Arguments in the registers the entry points received them in. */
static LA_NOINLINE void free_slow_full(void *p, uintptr_t caller)
{
	free_slow_body(p, 0, 0, LA_KIND_MALLOC, caller);
}

static LA_NOINLINE void delete_slow_full(void *p, uintptr_t caller)
{
	free_slow_body(p, 0, 0, LA_KIND_NEW, caller);
}

static LA_NOINLINE void delete_array_slow_full(void *p, uintptr_t caller)
{
	free_slow_body(p, 0, 0, LA_KIND_NEW_ARRAY, caller);
}

static LA_NOINLINE void delete_sized_slow_full(void *p, size_t size, uintptr_t caller)
{
	free_slow_body(p, size, 0, LA_KIND_NEW | LA_FREE_SIZED, caller);
}

static LA_NOINLINE void delete_array_sized_slow_full(void *p, size_t size, uintptr_t caller)
{
	free_slow_body(p, size, 0, LA_KIND_NEW_ARRAY | LA_FREE_SIZED, caller);
}

/* As SLOW_TRIES_CHECKED, for the frees (dispatch_checked_free_quick,
 * then debug_free for a thread caught up with the debug mode). */
#define FREE_TRIES_CHECKED(name, flags)                                                     \
	static LA_NOINLINE FAST_PATH_NO_FRAME void name##_slow(void *p, uintptr_t caller)    \
	{                                                                                   \
		if (!LA_PROBE_ENABLED(free)) {                                              \
			uintptr_t pm = pagemap_get(p);                                      \
			if (dispatch_checked_free_quick(p, pm, 0, flags))                   \
				return;                                                     \
			if (dispatch_debug_free_ready(pm, flags, caller)) {                 \
				debug_free(p, pm, free_name(flags));                        \
				return;                                                     \
			}                                                                   \
		}                                                                           \
		name##_slow_full(p, caller);                                                \
	}
#define SIZED_FREE_TRIES_CHECKED(name, flags)                                               \
	static LA_NOINLINE FAST_PATH_NO_FRAME void name##_slow(void *p, size_t size,         \
							      uintptr_t caller)            \
	{                                                                                   \
		if (!LA_PROBE_ENABLED(free) &&                                              \
		    dispatch_checked_free_quick(p, pagemap_get(p), size, flags))            \
			return;                                                             \
		name##_slow_full(p, size, caller);                                          \
	}
FREE_TRIES_CHECKED(free, LA_KIND_MALLOC)
FREE_TRIES_CHECKED(delete, LA_KIND_NEW)
FREE_TRIES_CHECKED(delete_array, LA_KIND_NEW_ARRAY)
SIZED_FREE_TRIES_CHECKED(delete_sized, LA_KIND_NEW | LA_FREE_SIZED)
SIZED_FREE_TRIES_CHECKED(delete_array_sized, LA_KIND_NEW_ARRAY | LA_FREE_SIZED)

static LA_NOINLINE void free_told_slow(void *p, size_t size, size_t align, unsigned flags,
				       uintptr_t caller)
{
	free_slow_body(p, size, align, flags, caller);
}

#ifdef LIBALLOC_NO_PROBES
#define PROBE_FAST(name, call) do { } while (0)
#else
/* Fast-path probes fire from out of line, so that their arguments cost
 * the fast path nothing while nobody traces. */
static LA_NOINLINE __attribute__((cold)) void *probe_malloc_fast(void *p, size_t size, size_t tag,
								  uintptr_t caller)
{
	LA_PROBE(malloc, p, size, class_size(tag - 1), (int)tag - 1, caller);
	return p;
}

static LA_NOINLINE __attribute__((cold)) void probe_free_fast(void *p, uintptr_t tag, size_t size,
							      uintptr_t caller)
{
	LA_PROBE(free, p, size, class_size(tag - 1), (int)tag - 1, caller);
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


/* The body of malloc and of operator new: kind (modes/alloc_kind.h, with
 * the LA_NEW_* bits) matters only to the slow paths. Always inline: CALLER()
 * in it is the return address of the entry point it is inlined into. */
static LA_ALWAYS_INLINE void *malloc_entry(size_t size, unsigned kind)
{
	if (likely(size <= LOOKUP_MAX)) {
		size_t tag = la_size_tag[size];
		void *p = la_tc.head[tag];
		IN_RETURN_REGISTER(p);
		/* Not NULL and a user-space address: a head decoded from an
		 * overwritten link is neither, and goes to the slow path, which
		 * reports it; nothing is read through it. */
		if (likely(link_plausible((uintptr_t)p - 1))) {
			struct las_thread *s = la_tc.slot;
			JUMP_IF_NONZERO32(s->gate, slow);
			SAMPLER_COUNTDOWN(size, sampled); /* the heap profile's sampler */
			la_tc.head[tag] = (void *)(*(uintptr_t *)p ^ la_tc.link_key);
			*(uintptr_t *)p = 0; /* no stale link mark in a live block */
			la_tc.room[tag]++;
			s->class_alloc[tag - 1]++;
			PROBE_FAST(malloc, return probe_malloc_fast(p, size, tag, CALLER()));
			return p;
		}
	}
slow:
	switch (kind) {
	case LA_KIND_MALLOC:
		return malloc_slow(size, CALLER());
	case LA_KIND_NEW | LA_NEW_OPERATOR:
		return new_slow(size, CALLER());
	case LA_KIND_NEW_ARRAY | LA_NEW_OPERATOR:
		return new_array_slow(size, CALLER());
	default:
		return new_kind_slow(size, kind, CALLER());
	}
sampled:
	SAMPLER_UNCOUNT(size); /* the slow path counts it again */
	goto slow;
}

LA_EXPORT FAST_PATH_NO_FRAME void *malloc(size_t size)
{
	return malloc_entry(size, LA_KIND_MALLOC);
}

/* The body of free and of every free told more (flags: modes/alloc_kind.h),
 * which only the slow paths look at. Always inline, as malloc_entry. */
static LA_ALWAYS_INLINE void free_entry(void *p, size_t size, size_t align, unsigned flags)
{
	/* A pointer off the 16-byte grid (never a block start: keeping it
	 * out of the cache keeps the cache's list from overlapping itself)
	 * fails here, as one at or above 2^47 does. */
	uintptr_t tag;
	if (likely(pagemap_tag_fast(p, &tag))) {
		/* Tag 0 (not a tagged slab's page) needs no test of its own:
		 * room[0] is always 0, so its decrement fails (tcache.h). */
		/* The thread cache through %fs where it can (FREE_TC). */
#ifdef TLS_FS
		uintptr_t tc_off = TLS_OFFSET(la_tc);
#define FREE_TC TLS_AT(struct tcache, tc_off)
		TLS_DECREMENT32_OR_JUMP(tc_off, offsetof(struct tcache, room), tag, no_room);
#else
#define FREE_TC la_tc
		DECREMENT_OR_JUMP(la_tc.room[tag], no_room);
#endif
		/* room is 0 until the thread is set up, so `s` is valid below. */
		struct las_thread *s = FREE_TC.slot;
		JUMP_IF_NONZERO32(s->gate, gated);
		/* The block carries the mark of a stored link: it may be in a
		 * list already (a double free); the slow path confirms. */
		if (unlikely(link_marked(p)))
			goto gated;
		*(uintptr_t *)p = link_encode(FREE_TC.head[tag], FREE_TC.link_key);
		FREE_TC.head[tag] = p;
		s->class_free[tag - 1]++;
		PROBE_FAST(free, return probe_free_fast(p, tag, size, CALLER()));
		return;
	gated:
		FREE_TC.room[tag]++;
		goto slow;
	no_room:
		FREE_TC.room[tag] = 0;
#undef FREE_TC
	}
slow:
	switch (flags) {
	case LA_KIND_MALLOC:
		free_slow(p, CALLER());
		return;
	case LA_KIND_NEW:
		delete_slow(p, CALLER());
		return;
	case LA_KIND_NEW_ARRAY:
		delete_array_slow(p, CALLER());
		return;
	case LA_KIND_NEW | LA_FREE_SIZED:
		delete_sized_slow(p, size, CALLER());
		return;
	case LA_KIND_NEW_ARRAY | LA_FREE_SIZED:
		delete_array_sized_slow(p, size, CALLER());
		return;
	default:
		free_told_slow(p, size, align, flags, CALLER());
		return;
	}
}

LA_EXPORT FAST_PATH_NO_FRAME void free(void *p)
{
	free_entry(p, 0, 0, LA_KIND_MALLOC);
}

static void *alloc_zeroed(size_t n, size_t size, uintptr_t caller)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return dispatch_alloc(dispatch_mode(caller), total, 16, true, caller);
}

LA_EXPORT void *calloc(size_t n, size_t size)
{
	void *p = alloc_zeroed(n, size, CALLER());
	LA_PROBE_HOT(calloc, p, n * size, usable_size(p), probe_class(p), CALLER());
	return p;
}

/* realloc of a guarded sample: the same size stays, any other moves. */
static void *realloc_guarded(enum op_mode m, void *p, size_t size, uintptr_t caller)
{
	size_t old;
	if (!guard_live_size(p, "realloc", caller, &old)) {
		errno = EINVAL; /* reported */
		return NULL;
	}
	/* realloc takes only blocks of the malloc family */
	dispatch_free_checks(m, p, 0, 0, 0, LA_KIND_MALLOC, "realloc");
	if (size == old)
		return p;
	void *q = dispatch_alloc(m, size, 16, false, caller);
	if (!q)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	guard_free(p, "realloc", caller);
	return q;
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
	if (unlikely(pm == 0) && guard_owns(p))
		return realloc_guarded(m, p, size, caller);
	if (m != OP_PLAIN || plain_is_special(pm)) {
		/* Checked blocks move through the checks: what the old one
		 * holds is verified (and reported) before it is copied. */
		size_t old;
		if (!debug_live_size(p, pm, &old)) {
			errno = EINVAL;
			return NULL;
		}
		void *q = dispatch_alloc(m, size, 16, false, caller);
		if (!q)
			return NULL;
		memcpy(q, p, old < size ? old : size);
		/* realloc takes only blocks of the malloc family */
		dispatch_free_told(m, p, pm, 0, 0, LA_KIND_MALLOC, "realloc", caller);
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
	 * sampled block keeps its page run while it fits, and beyond it grows
	 * in place when it can, as any large run. */
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
	unsigned events = sampler_count(size);
	bool sample = events & SAMPLE_PROF;
	void *q = NULL;
	if (unlikely(guard_should_sample(size, events)))
		q = guard_take(size, 16, false, LA_KIND_MALLOC, caller); /* a guarded sample: the block moves */
	if (!q && !tag && size > SMALL_MAX) {
		/* A large run, sampled or not, grows in place (prof.h); sampled
		 * again, it is the new sample. */
		struct extent *e = (struct extent *)pm;
		if (sampled_block)
			prof_forget(e);
		sampled_block = false;
		if (large_resize_in_place(e, size)) {
			if (sample)
				prof_adopt(e, size, caller);
			return p;
		}
	}
	if (!q && sample)
		q = prof_alloc(size, 16, false, caller);
	if (!q)
		q = plain_alloc(size, false); /* also a sample without room for its page run */
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

static void *aligned_impl(size_t align, size_t size, unsigned kind, uintptr_t caller)
{
	return dispatch_alloc_kind(dispatch_mode(caller), size ? size : 1, align < 16 ? 16 : align,
				   false, kind, caller);
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
	void *p = aligned_impl(align, size, LA_KIND_MALLOC, CALLER());
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
	void *p = aligned_impl(align, size, LA_KIND_MALLOC, CALLER());
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
	void *p = aligned_impl(align, size, LA_KIND_MALLOC, CALLER());
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
	if (unlikely(pm == 0) && guard_owns(p))
		return guard_usable_size(p); /* a guarded sample */
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
	free_entry(p, size, 0, LA_KIND_MALLOC | LA_FREE_SIZED);
}

LA_EXPORT void free_aligned_sized(void *p, size_t align, size_t size)
{
	free_entry(p, size, align, LA_KIND_MALLOC | LA_FREE_SIZED | LA_FREE_ALIGNED);
}

/* The C++ operators' way in (api/new_delete.c). They jump here, so CALLER()
 * is still the program's return address. The common ones have an entry of
 * their own, with nothing to pass but what the program passed, and no
 * frame, as malloc and free. */
FAST_PATH_NO_FRAME void *la_operator_new(size_t size)
{
	return malloc_entry(size, LA_KIND_NEW | LA_NEW_OPERATOR);
}

FAST_PATH_NO_FRAME void *la_operator_new_array(size_t size)
{
	return malloc_entry(size, LA_KIND_NEW_ARRAY | LA_NEW_OPERATOR);
}

void *la_new(size_t size, unsigned kind)
{
	return malloc_entry(size, kind);
}

void *la_new_aligned(size_t size, size_t align, unsigned kind)
{
	uintptr_t caller = CALLER();
	void *p = pow2(align) ? aligned_impl(align, size, kind & LA_KIND_MASK, caller) : NULL;
	LA_PROBE_HOT(memalign, p, align, size, usable_size(p), caller);
	if ((kind & LA_NEW_OPERATOR) && unlikely(p == NULL))
		return new_failed(size, align, kind);
	return p;
}

static void *new_retry(size_t size, size_t align, unsigned kind)
{
	return align > 16 ? la_new_aligned(size, align, kind) : la_new(size, kind);
}

FAST_PATH_NO_FRAME void la_operator_delete(void *p)
{
	free_entry(p, 0, 0, LA_KIND_NEW);
}

FAST_PATH_NO_FRAME void la_operator_delete_array(void *p)
{
	free_entry(p, 0, 0, LA_KIND_NEW_ARRAY);
}

FAST_PATH_NO_FRAME void la_operator_delete_sized(void *p, size_t size)
{
	free_entry(p, size, 0, LA_KIND_NEW | LA_FREE_SIZED);
}

FAST_PATH_NO_FRAME void la_operator_delete_array_sized(void *p, size_t size)
{
	free_entry(p, size, 0, LA_KIND_NEW_ARRAY | LA_FREE_SIZED);
}

void la_delete(void *p, size_t size, size_t align, unsigned flags)
{
	free_entry(p, size, align, flags);
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

/* The unwinder may not call up to these (sys/unwinder.h), so they are
 * handed down: what glibc will allocate for it, it allocates first. */
__attribute__((constructor)) static void unwinder_gets_allocator(void)
{
	unwinder_set_allocator(malloc, free);
}
