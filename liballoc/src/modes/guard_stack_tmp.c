/*
 * guard_stack_tmp.c - TEMPORARY stack capture for the guarded pool (see
 * guard_stack_tmp.h): glibc's backtrace(), i.e. the libgcc unwinder, which
 * needs no frame pointers and, once loaded, neither allocates nor locks
 * (it finds unwind tables with _dl_find_object). Loading it allocates, so
 * the first capture happens with a reentrancy guard up: an allocation made
 * while it loads is simply not guarded. In a signal handler it unwinds
 * through the signal frame; when the interrupted pc is not found there,
 * a bounded frame-pointer walk from the context stands in.
 */
#include <execinfo.h>
#include <string.h>

#include "modes/guard_stack_tmp.h"

#define RAW_FRAMES 64

static __thread bool capturing;

static size_t copy_from(void *const *raw, int n, uintptr_t from, int fallback_skip,
			uintptr_t *pcs, size_t max)
{
	int start = -1;
	for (int i = 0; i < n; i++) {
		if ((uintptr_t)raw[i] == from) {
			start = i;
			break;
		}
	}
	if (start < 0)
		start = n > fallback_skip ? fallback_skip : 0;
	size_t k = 0;
	for (int i = start; i < n && k < max; i++)
		pcs[k++] = (uintptr_t)raw[i];
	return k;
}

size_t guard_stack_capture(uintptr_t from, uintptr_t *pcs, size_t max)
{
	void *raw[RAW_FRAMES];
	if (capturing)
		return 0; /* the unwinder loading, allocating */
	capturing = true;
	int n = backtrace(raw, RAW_FRAMES);
	capturing = false;
	return copy_from(raw, n, from, 1, pcs, max);
}

/* Frame pointers of code built without them are just registers: every
 * step must stay on the stack, within 1 MiB of the interrupted sp, and
 * move outwards. */
static size_t frame_walk(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t *pcs, size_t max)
{
	size_t k = 0;
	pcs[k++] = pc;
	while (k < max && fp >= sp && fp - sp < ((size_t)1 << 20) && (fp & 7) == 0) {
		const uintptr_t *frame = (const uintptr_t *)fp;
		uintptr_t next = frame[0], ret = frame[1];
		if (ret < 4096)
			break;
		pcs[k++] = ret;
		if (next <= fp)
			break;
		fp = next;
	}
	return k;
}

size_t guard_stack_of_context(const ucontext_t *uc, uintptr_t *pcs, size_t max)
{
#if defined(__x86_64__)
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc;
	uintptr_t fp = (uintptr_t)uc->uc_mcontext.regs[29];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.sp;
#else
	uintptr_t pc = 0, fp = 0, sp = 0;
#endif
	if (!max)
		return 0;
	if (!capturing) {
		void *raw[RAW_FRAMES];
		capturing = true;
		int n = backtrace(raw, RAW_FRAMES);
		capturing = false;
		for (int i = 0; i < n; i++)
			if ((uintptr_t)raw[i] == pc)
				return copy_from(raw, n, pc, 0, pcs, max);
	}
	return pc ? frame_walk(pc, fp, sp, pcs, max) : 0;
}
