/*
 * dispatch.h - the one place that picks how an operation is served: plain,
 * checked (junk/check_free in the plain layout, through the checked cache)
 * or debug (blocks with a header and redzones). Every slow path starts
 * with dispatch_enter, the slow-path preamble written once.
 */
#ifndef LA_DISPATCH_H
#define LA_DISPATCH_H

#include "api/init.h"
#include "api/plain.h"
#include "core/extent.h"
#include "core/purge_thread.h"
#include "core/tcache.h"
#include "modes/alloc_kind.h"
#include "modes/checked_cache.h"
#include "modes/debug.h"
#include "modes/free_checks.h"
#include "modes/guard.h"
#include "modes/guard_pool.h"
#include "modes/guard_sample.h"
#include "modes/prof.h"
#include "modes/prof_sampler.h"
#include "modes/switch.h"
#include "stats/publish.h"
#include "stats/stats.h"

enum op_mode { OP_PLAIN = 0, OP_CHECKED, OP_DEBUG };
/* Or'ed into dispatch_enter_slow's result: this call set the thread up. */
#define OP_FRESH 4u

/* Nonzero while a check is on or a control request is pending: the
 * process-wide word, or this thread's copy (set by outside writers). */
#define GATE() (*(const uint32_t *)la_gate | (la_tc.slot ? la_tc.slot->gate : 0))

/* Every 64th slow-path event of a thread. */
LA_HIDDEN void dispatch_periodic(void);
/* dispatch_enter for a thread that is not caught up with checks that are
 * on: start-up, set-up, housekeeping, pending switches. The mode, with
 * OP_FRESH when the thread was set up by this call. */
LA_HIDDEN unsigned dispatch_enter_slow(void);

static inline enum op_mode checked_mode(void)
{
	return __atomic_load_n(&la_plain_checks, __ATOMIC_RELAXED) ? OP_CHECKED : OP_DEBUG;
}

/* Start-up, this thread's set-up, housekeeping and pending switches; then
 * the mode this operation runs in, with OP_FRESH when this call set the
 * thread up. `caller` is kept for reports. */
static LA_ALWAYS_INLINE unsigned dispatch_enter(uintptr_t caller)
{
	if (checks_ready()) {
		/* Caught up with checks that are on: the short way. The purger
		 * thread is looked at with the periodic work, not each time. */
		if (unlikely((++la_tc.ticks & 63) == 0)) {
			dispatch_periodic();
			purge_thread_start_if_wanted();
		}
		enum op_mode m = checked_mode();
		if (m == OP_DEBUG) /* only debug headers record the caller */
			la_mt.caller = caller;
		return m;
	}
	la_mt.caller = caller;
	return dispatch_enter_slow();
}

/* The same, for operations that do not care who set the thread up. */
static LA_ALWAYS_INLINE enum op_mode dispatch_mode(uintptr_t caller)
{
	return (enum op_mode)(dispatch_enter(caller) & ~OP_FRESH);
}

/* Serve an allocation in mode m; align: a power of two, 16 for malloc's;
 * kind: the family asking (modes/alloc_kind.h), which the check modes
 * record; `caller`, where a guarded sample's allocation stack starts.
 * Inline, so that the checked cache's common case makes no further call. */
static LA_ALWAYS_INLINE void *dispatch_alloc_kind(enum op_mode m, size_t size, size_t align,
						  bool zero, unsigned kind, uintptr_t caller)
{
	void *p;
	/* The shared sampler's events for this allocation (modes/prof_sampler.h):
	 * a guarded sample first (none when the pool is full, in any mode);
	 * the heap profile's sample is a plain page run, so only in the plain
	 * mode (the check modes record layouts and kinds of their own; a
	 * sample due there is skipped). */
	unsigned events = sampler_count(size);
	if (unlikely(guard_should_sample(size, events)) &&
	    (p = guard_take(size, align, zero, kind, caller)))
		return p;
	/* A sample is a page run of its own: when there is no room for one,
	 * the allocation is served as if it were not sampled. */
	if (unlikely(events & SAMPLE_PROF) && m == OP_PLAIN &&
	    (p = prof_alloc(size, align, zero, caller)))
		return p;
	switch (m) {
	case OP_PLAIN:
		return align <= 16 ? plain_alloc(size, zero) : plain_aligned(align, size);
	case OP_CHECKED:
		alloc_kind_seen(kind);
		/* The plain layout has no room for alignment padding of small
		 * blocks: those take the debug layout. */
		if (align <= 16 && size <= SMALL_MAX)
			p = checked_alloc_fast(size, zero);
		else if (size > SMALL_MAX && align <= PAGE)
			p = checked_alloc(size, zero);
		else
			break;
		alloc_kind_note_plain(p, kind);
		return p;
	case OP_DEBUG:
		alloc_kind_seen(kind);
		break;
	}
	return debug_malloc(size, align, zero, kind);
}

static LA_ALWAYS_INLINE void *dispatch_alloc(enum op_mode m, size_t size, size_t align, bool zero,
					     uintptr_t caller)
{
	return dispatch_alloc_kind(m, size, align, zero, LA_KIND_MALLOC, caller);
}

/* Serve a free in mode m; `what` names the calling function in reports,
 * `caller` starts a guarded sample's free stack. */
static LA_ALWAYS_INLINE void dispatch_free(enum op_mode m, void *p, uintptr_t pm, const char *what,
					   uintptr_t caller)
{
	if (unlikely(pm == 0) && guard_owns(p)) {
		guard_free(p, what, caller); /* the page map knows no guarded sample */
		return;
	}
	switch (m) {
	case OP_PLAIN:
		plain_free(p, pm, what);
		return;
	case OP_CHECKED:
		if (pm & PM_CLASS_MASK) {
			checked_free_fast(p, pm, what);
			return;
		}
		break;
	case OP_DEBUG:
		break;
	}
	debug_free(p, pm, what);
}

/* What the check modes verify of a free told its size, alignment or
 * family (modes/free_checks.h) before the block goes; a guarded sample is
 * checked against the size and family it recorded. */
static LA_ALWAYS_INLINE void dispatch_free_checks(enum op_mode m, void *p, uintptr_t pm,
						  size_t size, size_t align, unsigned flags,
						  const char *what)
{
	size_t gsize;
	unsigned gkind;
	if (m == OP_PLAIN)
		return;
	if (unlikely(pm == 0) && guard_block_info(p, &gsize, &gkind))
		free_request_check_exact(p, gsize, gkind, size, align, flags, what);
	else
		free_request_checks(p, pm, size, align, flags, what);
}

/* dispatch_free for a free that says more than the pointer (flags: the
 * freeing family, LA_FREE_SIZED, LA_FREE_ALIGNED; modes/alloc_kind.h),
 * which the check modes check against the block first. */
static LA_ALWAYS_INLINE void dispatch_free_told(enum op_mode m, void *p, uintptr_t pm,
						size_t size, size_t align, unsigned flags,
						const char *what, uintptr_t caller)
{
	dispatch_free_checks(m, p, pm, size, align, flags, what);
	dispatch_free(m, p, pm, what, caller);
}

/*
 * The checked mode's common cases, which the slow paths try first: a
 * thread caught up with the checked mode, a small block from or to its
 * checked cache, nothing sampled and nothing to report. They make every
 * test dispatch_enter and the full paths would make before they change
 * anything, so that a NULL or false from them leaves the operation to the
 * full path as if they had not run; and they call nothing, so that the
 * slow path needs no frame unless it falls back.
 */

/* dispatch_enter's short way in the checked mode, without counting its
 * tick: *tick is the count to store once the operation is done here.
 * False also when this tick is a periodic one (the full path runs it).
 * Caught up implies an active thread (switch.h). */
static LA_ALWAYS_INLINE bool dispatch_ready_in(enum op_mode m, uint32_t *tick)
{
	/* The mode first: the other check mode leaves after one test. */
	*tick = la_tc.ticks + 1;
	return checked_mode() == m && checks_ready() && likely(*tick & 63);
}

static LA_ALWAYS_INLINE bool dispatch_checked_ready(uint32_t *tick)
{
	return dispatch_ready_in(OP_CHECKED, tick);
}

/* The debug mode's short way from a slow path: a thread caught up with
 * it, nothing sampled, then the allocation is debug_malloc's (with align
 * 16, as malloc's); the tick and the sampler are counted. False: the full
 * path, untouched. */
static LA_ALWAYS_INLINE bool dispatch_debug_alloc_ready(size_t size, uintptr_t caller)
{
	uint32_t tick;
	if (!dispatch_ready_in(OP_DEBUG, &tick) || !sampler_quiet(size) || !guard_sample_idle())
		return false;
	SAMPLER_COUNT(size);
	la_tc.ticks = tick;
	la_mt.caller = caller;
	return true;
}

/* The same for a free (flags: as dispatch_free_told's) of a pointer the
 * page map knows (pm): then it is debug_free's, nothing told to check. */
static LA_ALWAYS_INLINE bool dispatch_debug_free_ready(uintptr_t pm, unsigned flags,
						       uintptr_t caller)
{
	uint32_t tick;
	if (!pm || free_request_checked(flags) || !dispatch_ready_in(OP_DEBUG, &tick))
		return false;
	la_tc.ticks = tick;
	la_mt.caller = caller;
	return true;
}

static LA_ALWAYS_INLINE void *dispatch_checked_alloc_quick(size_t size, unsigned kind)
{
	uint32_t tick;
	uintptr_t next;
	if (size > LOOKUP_MAX || !dispatch_checked_ready(&tick))
		return NULL;
	unsigned cls = la_size_tag[size] - 1u;
	void *p = slot_stack_peek(&la_mt.chk, &la_checked_slots, cls, &next);
	uint8_t *kind_byte = NULL;
	if (!p || !sampler_quiet(size) || !guard_sample_idle() ||
	    ((kind & LA_KIND_MASK) != LA_KIND_MALLOC && !la_cxx_seen) ||
	    (unlikely(la_kind_checks) && !(kind_byte = kind_map_byte(p))))
		return NULL;
	SAMPLER_COUNT(size);
	la_tc.ticks = tick;
	checked_cache_take(cls, next);
	if (kind_byte)
		kind_map_set(kind_byte, kind, la_mt.epoch);
	return checked_alloc_fill(p, cls, false);
}

/* flags: the freeing family, LA_FREE_SIZED (then `size`); pm: the page-map
 * word of p. */
static LA_ALWAYS_INLINE bool dispatch_checked_free_quick(void *p, uintptr_t pm, size_t size,
							 unsigned flags)
{
	uint32_t tick;
	uint8_t *forget = NULL;
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (!tag || !dispatch_checked_ready(&tick))
		return false;
	unsigned cls = tag - 1;
	/* Room first: checked_free_verdict marks the block. */
	if (la_mt.chk.count[cls] >= SLOT_STACK_MAX ||
	    (free_request_checked(flags) && !free_request_plain_fits(p, tag, size, flags, &forget)) ||
	    checked_free_verdict(p, pm, cls))
		return false; /* the full path tests again, and reports */
	if (forget)
		__atomic_store_n(forget, 0, __ATOMIC_RELAXED);
	la_tc.ticks = tick;
	checked_cache_put(p, cls);
	return true;
}

#endif
