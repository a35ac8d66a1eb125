/* dispatch.c - the periodic work of the slow paths (dispatch.h). */
#include "api/dispatch.h"

void dispatch_periodic(void)
{
	extent_decay_tick();
	publish_poll();
	tcache_gc_step();
}

unsigned dispatch_enter_slow(void)
{
	unsigned fresh = la_tc.state == TC_UNINIT ? OP_FRESH : 0;
	ensure_thread();
	publish_poll();
	if ((++la_tc.ticks & 63) == 0)
		dispatch_periodic();
	purge_thread_start_if_wanted();
	if (unlikely(GATE())) {
		checks_poll();
		if (la_checks_on)
			return checked_mode() | fresh;
	}
	return OP_PLAIN | fresh;
}
