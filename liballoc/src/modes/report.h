/*
 * report.h - a violation is one event: a report on stderr written without
 * allocating, a USDT probe, a record in the segment's event ring, then the
 * configured on_error action.
 */
#ifndef LA_REPORT_H
#define LA_REPORT_H

#include "sys/internal.h"

/* The guarded pool's part of its next report (this thread): where the
 * bad access was, and the stacks of the access, the allocation and the
 * free (any may be empty). The access stack replaces the backtrace. */
struct report_stacks {
	const char *access; /* one line, without indent or newline */
	const uintptr_t *access_pcs, *alloc_pcs, *free_pcs;
	size_t naccess, nalloc, nfree;
	int alloc_tid, free_tid;
};
LA_HIDDEN void debug_report_stacks(const struct report_stacks *s);

/* Report one violation, then apply on_error. */
LA_HIDDEN void debug_violation(uint32_t kind, const void *addr, size_t size, int cls,
			       const char *detail, const uint8_t *bytes, size_t nbytes);
/* With track:true, the next report also names where the block was
 * allocated and first freed. */
LA_HIDDEN void debug_track_info(uint64_t alloc_pc, uint32_t alloc_tid, uint64_t free_pc,
				uint32_t free_tid);
/* backtrace() loads libgcc (and allocates) on first use: do that early,
 * with no allocator lock held, not inside a report. */
LA_HIDDEN void report_warm_backtrace(void);
struct release_faults;
/* For the core's hook table (core/hooks.h). */
LA_HIDDEN void report_release_fault(const struct release_faults *f, unsigned cls,
				    const char *where);
LA_HIDDEN void report_heap_corruption(const void *at, bool is_block, unsigned cls,
				      const char *where);

#endif
