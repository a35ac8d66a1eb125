/*
 * report.c - a violation is one event: a report on stderr written without
 * allocating, a USDT probe, a record in the segment's event ring, then the
 * configured on_error action.
 */
#include <execinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "core/hooks.h"
#include "core/size_class.h"
#include "modes/report.h"
#include "modes/settings.h"
#include "shared/vocab.h"
#include "stats/stats.h"
#include "sys/probes.h"

static bool backtrace_warm;

static __thread int reporting;
static __thread struct {
	uint64_t alloc_pc, free_pc;
	uint32_t alloc_tid, free_tid;
	bool set;
} track;

void debug_track_info(uint64_t alloc_pc, uint32_t alloc_tid, uint64_t free_pc, uint32_t free_tid)
{
	track.alloc_pc = alloc_pc;
	track.alloc_tid = alloc_tid;
	track.free_pc = free_pc;
	track.free_tid = free_tid;
	track.set = true;
}

static void write_track(void)
{
	char buf[96];
	struct la_buf b = {buf, 0, sizeof(buf)};
	if (track.alloc_pc) {
		buf_str(&b, "  allocated in thread ");
		buf_u64(&b, track.alloc_tid);
		buf_str(&b, " at:\n");
		la_write_stderr(buf);
		void *pc = (void *)track.alloc_pc;
		backtrace_symbols_fd(&pc, 1, 2);
	}
	if (track.free_pc) {
		b.len = 0;
		buf_str(&b, "  first freed in thread ");
		buf_u64(&b, track.free_tid);
		buf_str(&b, " at:\n");
		la_write_stderr(buf);
		void *pc = (void *)track.free_pc;
		backtrace_symbols_fd(&pc, 1, 2);
	}
	track.set = false;
}

/* Stacks of a guarded block's report (guard_pool.c, guard_fault.c), for
 * one report. */
static __thread const struct report_stacks *stacks;

void debug_report_stacks(const struct report_stacks *s)
{
	stacks = s;
}

static void write_pcs(const char *title, int tid, const uintptr_t *pcs, size_t n)
{
	char buf[96];
	struct la_buf b = {buf, 0, sizeof(buf)};
	if (!n)
		return;
	buf_str(&b, title);
	if (tid) {
		buf_str(&b, " in thread ");
		buf_i64(&b, tid);
	}
	buf_str(&b, ":\n");
	la_write_stderr(buf);
	backtrace_symbols_fd((void *const *)pcs, (int)n, 2);
}

static void write_stacks(const struct report_stacks *s)
{
	if (s->access) {
		la_write_stderr("  ");
		la_write_stderr(s->access);
		la_write_stderr("\n");
	}
	write_pcs("  access", 0, s->access_pcs, s->naccess);
	write_pcs("  allocated", s->alloc_tid, s->alloc_pcs, s->nalloc);
	write_pcs("  freed", s->free_tid, s->free_pcs, s->nfree);
}

static void write_backtrace(void)
{
	void *frames[32];
	/* backtrace() may load libgcc_s (and allocate) the first time; no
	 * allocator lock is held here, so that recursion is safe. */
	int n = backtrace(frames, 32);
	la_write_stderr("  backtrace:\n");
	backtrace_symbols_fd(frames + 2 < frames + n ? frames + 2 : frames, n > 2 ? n - 2 : n, 2);
}

void debug_violation(uint32_t kind, const void *addr, size_t size, int cls, const char *detail,
		     const uint8_t *bytes, size_t nbytes)
{
	const struct report_stacks *guarded = stacks;
	stacks = NULL;
	if (la_checks.on_error == LAS_ONERR_IGNORE) {
		track.set = false;
		stats_event(kind, (uintptr_t)addr, size, (uint32_t)cls, detail);
		return;
	}
	char buf[512];
	struct la_buf b = {buf, 0, sizeof(buf)};
	char name[17] = {0};
	prctl(PR_GET_NAME, name);
	buf_str(&b, "liballoc: ");
	buf_str(&b, las_event_kind_name(kind));
	buf_str(&b, " on ");
	buf_hex(&b, (uintptr_t)addr);
	buf_str(&b, " (size ");
	buf_u64(&b, size);
	buf_str(&b, ", class ");
	buf_i64(&b, cls);
	buf_str(&b, ") in thread ");
	buf_i64(&b, la_gettid());
	buf_str(&b, " (");
	buf_str(&b, name);
	buf_str(&b, ")\n");
	if (detail) {
		buf_str(&b, "  detected in ");
		buf_str(&b, detail);
		buf_str(&b, "\n");
	}
	if (bytes && nbytes) {
		buf_str(&b, "  bytes:");
		for (size_t i = 0; i < nbytes && i < 32; i++) {
			static const char hex[] = "0123456789abcdef";
			buf_char(&b, ' ');
			buf_char(&b, hex[bytes[i] >> 4]);
			buf_char(&b, hex[bytes[i] & 15]);
		}
		buf_str(&b, "\n");
	}
	la_write_stderr(buf);
	LA_PROBE(violation, kind, addr, size);
	stats_event(kind, (uintptr_t)addr, size, (uint32_t)cls, detail);
	if (track.set)
		write_track();
	if (guarded)
		write_stacks(guarded);
	if (la_checks.backtrace && !reporting && !(guarded && guarded->naccess)) {
		reporting = 1;
		write_backtrace();
		reporting = 0;
	}
	if (la_checks.on_error == LAS_ONERR_ABORT) {
		/* abort() runs no exit handlers: remove the segment ourselves. */
		stats_shutdown();
		abort();
	}
}

void report_warm_backtrace(void)
{
	if (la_checks.backtrace && !__atomic_load_n(&backtrace_warm, __ATOMIC_ACQUIRE)) {
		void *frame;
		__atomic_store_n(&backtrace_warm, true, __ATOMIC_RELEASE);
		backtrace(&frame, 1);
	}
}

/* The core's hook: a thread-cache flush met slots that were not live
 * blocks (freed twice, or not the start of a block): reported in every
 * mode, as glibc reports what its checks find. */
void report_release_fault(const struct release_faults *f, unsigned cls, const char *where)
{
	(void)where;
	if (f->dups)
		debug_violation(LAS_EV_DOUBLE_FREE, f->first_dup, class_size(cls), (int)cls,
				"thread-cache flush", NULL, 0);
	if (f->interior)
		debug_violation(LAS_EV_INVALID_FREE, f->first_interior, class_size(cls), (int)cls,
				"thread-cache flush (not the start of a block)", NULL, 0);
}

/* The core's hook: a stored link in a free block was overwritten (a write
 * after free, or an overflow of the block before it). */
void report_heap_corruption(const void *at, bool is_block, unsigned cls, const char *where)
{
	char detail[64];
	struct la_buf b = {detail, 0, sizeof(detail)};
	buf_str(&b, where);
	buf_str(&b, is_block ? ": its free-list link was overwritten"
			     : ": a free-list link decoded to this address");
	debug_violation(LAS_EV_HEAP_CORRUPTION, at, class_size(cls), (int)cls, detail,
			is_block ? (const uint8_t *)at : NULL, is_block ? 8 : 0);
}
