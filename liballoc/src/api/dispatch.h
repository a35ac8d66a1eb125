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
#include "modes/checked_cache.h"
#include "modes/debug.h"
#include "modes/prof.h"
#include "modes/prof_sampler.h"
#include "modes/switch.h"
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

/* Serve an allocation in mode m; align: a power of two, 16 for malloc's.
 * Inline, so that the checked cache's common case makes no further call. */
static LA_ALWAYS_INLINE void *dispatch_alloc(enum op_mode m, size_t size, size_t align, bool zero)
{
	switch (m) {
	case OP_PLAIN:
		return align <= 16 ? plain_alloc(size, zero) : plain_aligned(align, size);
	case OP_CHECKED:
		/* The plain layout has no room for alignment padding of small
		 * blocks: those take the debug layout. */
		if (align <= 16 && size <= SMALL_MAX)
			return checked_alloc_fast(size, zero);
		if (size > SMALL_MAX && align <= PAGE)
			return checked_alloc(size, zero);
		break;
	case OP_DEBUG:
		break;
	}
	return debug_malloc(size, align, zero);
}

/* Count an allocation for the sampler (modes/prof_sampler.h) and serve it:
 * sampled for the heap profile when an event comes due, else in mode m.
 * A sampled block is a plain page run, which the debug layout's checks
 * (redzones, quarantine, track) must not be handed: in OP_DEBUG a sample
 * that comes due is skipped. caller: the return address into the program. */
static LA_ALWAYS_INLINE void *dispatch_alloc_sampled(enum op_mode m, size_t size, size_t align,
						      bool zero, uintptr_t caller)
{
	if (unlikely(sampler_count(size) & SAMPLE_PROF) && m != OP_DEBUG)
		return prof_alloc(size, align, zero, caller);
	return dispatch_alloc(m, size, align, zero);
}

/* Serve a free in mode m; `what` names the calling function in reports. */
static LA_ALWAYS_INLINE void dispatch_free(enum op_mode m, void *p, uintptr_t pm, const char *what)
{
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

#endif
