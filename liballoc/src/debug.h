/*
 * debug.h - debug checks switchable at run time (junk, redzones,
 * double/invalid free, quarantine) and the violation report.
 *
 * While any check is on, the stats segment's gate word is nonzero and every
 * allocation and free takes the debug path; with all checks off the only
 * cost is the gate test on the fast path. Each slab records the layout its
 * slots were made with (extent.layout), so a switch never misjudges a block
 * made before it.
 */
#ifndef LA_DEBUG_H
#define LA_DEBUG_H

#include "internal.h"
#include "liballoc_stats.h"

#define JUNK_ALLOC_BYTE 0xa5
#define JUNK_FREE_BYTE 0x5a

extern struct las_checks la_checks LA_HIDDEN; /* applied settings */
/* Bumped at every change of the settings; threads catch up in debug_poll. */
extern uint32_t la_debug_epoch LA_HIDDEN;
/* Only junk and check_free are on: blocks keep the plain layout and go
 * through the checked cache (checked_cache.c). */
extern bool la_plain_checks LA_HIDDEN;

LA_HIDDEN void debug_init(void);
/* Apply a pending control-block request (any thread, any time). */
LA_HIDDEN void debug_poll(void);
/* Change settings from inside the process (alloc_ctl); requester pid. */
LA_HIDDEN void debug_apply(const struct las_checks *want, int requester);
LA_HIDDEN bool debug_active(void);

LA_HIDDEN void *debug_malloc(size_t size, size_t align, bool zero);
LA_HIDDEN void debug_free(void *p, uintptr_t pm);
LA_HIDDEN void *debug_realloc(void *p, uintptr_t pm, size_t size);
/* Usable size of a debug block (the requested size); 0 if not one. */
LA_HIDDEN bool debug_usable_size(void *p, uintptr_t pm, size_t *out);
LA_HIDDEN int debug_check_all(void);

/* With track:true, the next report also names where the block was
 * allocated and first freed. */
LA_HIDDEN void debug_track_info(uint64_t alloc_pc, uint32_t alloc_tid, uint64_t free_pc,
				uint32_t free_tid);
LA_HIDDEN void debug_fork_prepare(void);
LA_HIDDEN void debug_fork_prepare_inner(void);
LA_HIDDEN void debug_fork_parent_inner(void);
LA_HIDDEN void debug_fork_parent(void);
LA_HIDDEN void debug_fork_child(void);

/* Report one violation, then apply on_error. */
LA_HIDDEN void debug_violation(uint32_t kind, const void *addr, size_t size, int cls,
			       const char *detail, const uint8_t *bytes, size_t nbytes);

#endif
