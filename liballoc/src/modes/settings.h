/*
 * settings.h - the check settings in force, and each thread's state in the
 * check modes. Written by switch.c; read by every check mode.
 *
 * While any check is on, the gate words are nonzero and every allocation
 * and free leaves the fast path; with all checks off the only cost is the
 * gate test. Blocks keep the layout they were made with (the extent's
 * `special` flag, the debug header), so a switch never misjudges a block
 * made before it.
 */
#ifndef LA_SETTINGS_H
#define LA_SETTINGS_H

#include "core/slot_stack.h"
#include "core/tcache.h"
#include "liballoc_stats.h"
#include "sys/check.h"
#include "sys/internal.h"

#define JUNK_ALLOC_BYTE 0xa5
#define JUNK_FREE_BYTE 0x5a

extern struct las_checks la_checks LA_HIDDEN; /* applied settings */
/* Any check is on: allocations take the checked paths. */
extern bool la_checks_on LA_HIDDEN;
/* Only junk and check_free are on: blocks keep the plain layout and go
 * through the checked cache (checked_cache.c). */
extern bool la_plain_checks LA_HIDDEN;
/* Bumped at every change of the settings; threads catch up in checks_poll. */
extern uint32_t la_checks_epoch LA_HIDDEN;

/* A thread's state in the check modes. */
struct mode_thread {
	uint32_t epoch; /* settings this thread has caught up with */
	/* That epoch + 1 while checks are on and this thread is active, else
	 * 0: the slow paths may then go straight to the check modes. */
	uint32_t ready_epoch;
	uintptr_t caller;      /* caller of the current slow-path call (reports) */
	/* A guard event fell on a size the guarded pool cannot hold: the
	 * thread's next eligible allocation is the sample (guard_sample.c). */
	uint32_t guard_pending;
	struct slot_stack dbg; /* free debug-layout slots (debug_cache.c) */
	struct slot_stack chk; /* free plain slots, checked mode (checked_cache.c) */
};

/* This thread's mode_thread: the words the core keeps for the layers
 * above in the thread cache's TLS block (core/tcache.h). */
#define la_mt (*(struct mode_thread *)la_tc.upper)
LA_STATIC_ASSERT(sizeof(struct mode_thread) <= sizeof(((struct tcache *)0)->upper),
		 "the thread cache keeps room for the check modes' thread state");

#endif
