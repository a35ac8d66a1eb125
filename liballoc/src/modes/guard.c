/* guard.c - guarded samples' settings, the pool made at the first sample,
 * and the fork handlers (guard.h). */
#include <pthread.h>

#include "modes/guard.h"
#include "modes/guard_fault.h"
#include "modes/guard_pool.h"
#include "modes/guard_sample.h"
#include "shared/vocab.h"
#include "sys/conf.h"

/* Serialises making the pool: settings and the first samples of threads. */
static pthread_mutex_t make_lock = PTHREAD_MUTEX_INITIALIZER;
static bool given_up; /* the pool or its handler could not be made */

/* The pool, made once, its fault handler first (no fault of the pool
 * without it). A process whose every guarded sample is still ahead (a
 * /bin/true) never pays for either. */
static bool pool_ready(void)
{
	if (__atomic_load_n(&la_guard_len, __ATOMIC_ACQUIRE))
		return true;
	pthread_mutex_lock(&make_lock);
	bool ready = la_guard_len != 0;
	if (!ready && !given_up) {
		ready = la_conf.guard_slots && guard_fault_install() && guard_pool_create();
		given_up = !ready;
	}
	pthread_mutex_unlock(&make_lock);
	return ready;
}

void *guard_take(size_t size, size_t align, bool zero, unsigned kind, uintptr_t caller)
{
	if (unlikely(!pool_ready())) {
		guard_sample_set_rate(0); /* nothing to sample into */
		return NULL;
	}
	return guard_alloc(size, align, zero, kind, caller);
}

void guard_apply(struct las_checks *c)
{
	if (c->guard_sample > LAS_GUARD_SAMPLE_MAX)
		c->guard_sample = LAS_GUARD_SAMPLE_MAX;
	if (c->guard_lower > LAS_GUARD_SAMPLE_MAX)
		c->guard_lower = LAS_GUARD_SAMPLE_MAX;
	/* guard_sample:1 holds the every-allocation gate, which needs the pool
	 * now; a sparser rate makes it at its first sample. */
	bool ready = c->guard_sample == 1 ? pool_ready()
					  : la_guard_len || (la_conf.guard_slots && !given_up);
	if (!ready)
		c->guard_sample = 0; /* nothing to sample into: show it off */
	guard_sample_set_rate(c->guard_sample);
	guard_pool_options(c->guard_lower, c->guard_sample == 1);
}

void guard_fork_prepare(void)
{
	pthread_mutex_lock(&make_lock);
	guard_pool_fork_prepare();
}

void guard_fork_parent(void)
{
	guard_pool_fork_parent();
	pthread_mutex_unlock(&make_lock);
}

void guard_fork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	make_lock = fresh;
	guard_pool_fork_child(); /* the sampler reseeds itself (prof.c) */
}
