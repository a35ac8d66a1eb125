/* guard.c - guarded samples' settings and fork handlers (guard.h). */
#include "modes/guard.h"
#include "modes/guard_fault.h"
#include "modes/guard_pool.h"
#include "modes/guard_sample.h"
#include "shared/vocab.h"
#include "sys/conf.h"

void guard_apply(struct las_checks *c)
{
	if (c->guard_sample > LAS_GUARD_SAMPLE_MAX)
		c->guard_sample = LAS_GUARD_SAMPLE_MAX;
	if (c->guard_lower > LAS_GUARD_SAMPLE_MAX)
		c->guard_lower = LAS_GUARD_SAMPLE_MAX;
	/* The handler before the pool: no fault of the pool without it. */
	bool ready = la_guard_len != 0;
	if (c->guard_sample && !ready && la_conf.guard_slots)
		ready = guard_fault_install() && guard_pool_create();
	if (!ready)
		c->guard_sample = 0; /* nothing to sample into: show it off */
	guard_sample_set_rate(c->guard_sample);
	guard_pool_options(c->guard_lower, c->guard_sample == 1);
}

void guard_fork_prepare(void)
{
	guard_pool_fork_prepare();
}

void guard_fork_parent(void)
{
	guard_pool_fork_parent();
}

void guard_fork_child(void)
{
	guard_pool_fork_child();
	guard_sample_fork_child();
}
