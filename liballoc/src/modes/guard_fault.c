/*
 * guard_fault.c - a fault in the guarded pool becomes a report: which
 * block, which side of it (or after its free), read or write, the stack of
 * the access (from the signal context), and where the block was allocated
 * and freed. Then on_error: abort, or (report, ignore) the page is opened
 * and the access goes on; later faults on the same block stay silent, and
 * the pages close again when its slot is freed or reused.
 */
#include <signal.h>
#include <ucontext.h>

#include "liballoc_stats.h"
#include "modes/guard_fault.h"
#include "modes/guard_pool.h"
#include "modes/guard_signal.h"
#include "sys/stack_capture.h"
#include "modes/report.h"

/* One report per bad instruction and thread: an access that runs on
 * (a copy past the end) faults once per page. */
static __thread uintptr_t last_pc;

static const char *access_kind(const ucontext_t *uc)
{
#if defined(__x86_64__)
	/* page-fault error code: bit 1 set for a write */
	return uc->uc_mcontext.gregs[REG_ERR] & 2 ? "write" : "read";
#else
	(void)uc;
	return "access";
#endif
}

static uintptr_t context_pc(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

static void report(uintptr_t addr, const struct guard_fault_info *fi, const ucontext_t *uc)
{
	char line[160], detail[64];
	struct la_buf b = {line, 0, sizeof(line)};
	const char *how = access_kind(uc);
	buf_str(&b, "a ");
	buf_str(&b, how);
	buf_str(&b, " at ");
	buf_hex(&b, addr);
	buf_str(&b, ", offset ");
	buf_i64(&b, fi->offset);
	buf_str(&b, " of the guarded block (");
	buf_u64(&b, fi->size);
	buf_str(&b, fi->freed ? " bytes, freed)" : " bytes)");
	struct la_buf d = {detail, 0, sizeof(detail)};
	buf_str(&d, fi->kind == LAS_EV_USE_AFTER_FREE ? "freed guarded page, " : "guard page, ");
	buf_str(&d, how);
	buf_str(&d, " at ");
	if (fi->offset >= 0)
		buf_char(&d, '+');
	buf_i64(&d, fi->offset);

	uintptr_t access[GUARD_STACK_DEPTH];
	struct report_stacks rs = {
		.access = line,
		.access_pcs = access,
		.naccess = stack_capture_context(uc, access, GUARD_STACK_DEPTH),
		.alloc_pcs = fi->alloc_pcs,
		.nalloc = fi->nalloc,
		.alloc_tid = fi->alloc_tid,
		.free_pcs = fi->free_pcs,
		.nfree = fi->nfree,
		.free_tid = fi->free_tid,
	};
	guard_count_fault();
	debug_report_stacks(&rs);
	debug_violation(fi->kind, (void *)fi->block, fi->size, -1, detail, NULL, 0);
}

static bool on_fault(const siginfo_t *si, ucontext_t *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	struct guard_fault_info fi;
	if (!guard_fault_lookup(addr, &fi))
		return false;
	uintptr_t pc = context_pc(uc);
	if (!fi.reported && pc != last_pc) {
		last_pc = pc;
		report(addr, &fi, uc); /* returns unless on_error is abort */
	}
	return guard_fault_open(addr, &fi);
}

bool guard_fault_install(void)
{
	return guard_signal_install(on_fault);
}
