/*
 * switch.h - switching the checks: LIBALLOC_CONF at start, alloc_ctl inside
 * the process, the segment's control block from outside; one code path.
 * Also what every thread does when the settings change under it.
 */
#ifndef LA_SWITCH_H
#define LA_SWITCH_H

#include "core/tcache.h"
#include "liballoc_stats.h"
#include "modes/settings.h"

LA_HIDDEN void checks_init(void);
/* Apply a pending control-block request and catch this thread up with the
 * current settings (any thread, any time, no lock held). */
LA_HIDDEN void checks_poll(void);
/* Change settings from inside the process (alloc_ctl); requester pid. */
LA_HIDDEN void checks_apply(const struct las_checks *want, int requester);

/* The thread is caught up with checks that are on, and nothing is
 * pending: the slow paths may go straight to the check modes. */
static inline bool checks_ready(void)
{
	/* ready_epoch is set only while the thread is active, so its slot
	 * exists; outside requests set PENDING in every slot's gate. */
	uint32_t mine = la_mt.ready_epoch;
	return mine != 0 && mine == __atomic_load_n(&la_checks_epoch, __ATOMIC_ACQUIRE) + 1 &&
	       la_tc.slot->gate == LAS_GATE_CHECKS;
}

/* Hand back every slot this thread holds, in the check modes' caches and
 * the core's. */
LA_HIDDEN void modes_thread_flush(void);

LA_HIDDEN void checks_fork_prepare(void);
LA_HIDDEN void checks_fork_prepare_inner(void);
LA_HIDDEN void checks_fork_parent_inner(void);
LA_HIDDEN void checks_fork_parent(void);
LA_HIDDEN void checks_fork_child(void);

#endif
