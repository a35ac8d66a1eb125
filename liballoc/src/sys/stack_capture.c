/*
 * stack_capture.c - call stacks for sampled allocations.
 *
 * The unwinder is libunwind's unw_backtrace (sys/unwinder.c: the program's
 * own, or loaded on demand; a process's first stacks come from libgcc_s's
 * _Unwind_Backtrace, sys/gcc_unwind.c): it follows the CFI every Debian binary
 * carries, so stacks through code built without frame pointers
 * (libstdc++'s operator new, most distribution binaries) are right, and
 * its per-thread cache of frame layouts makes a 25-frame stack cost about
 * 0.3 us once warm (libgcc's _Unwind_Backtrace: about 7 us; a
 * frame-pointer walk: 30 ns; see bench/README.md). It does not call malloc
 * on this path; it maps its per-thread cache with mmap, and on a cache
 * miss takes its own locks with signals blocked. Those locks are why every
 * call runs under unwind_lock shared, which fork_prepare takes
 * exclusively: no thread is inside libunwind when the process forks, so
 * the child never inherits one of its locks held.
 *
 * Until the unwinder is there, and whenever it yields nothing, frame
 * pointers are followed instead, checked against the thread's stack: each
 * frame must be 8-aligned, above the last, and below the top of this
 * thread's stack, which is known without a system call (the initial stack
 * pointer __libc_stack_end for the main thread, the thread descriptor that
 * glibc places at the top of every other thread's stack). Memory between
 * the stack pointer and that top is this thread's own stack, so a bad
 * frame pointer ends the walk instead of faulting. Code without frame
 * pointers makes such stacks short or skip callers; liballoc itself keeps
 * them.
 */
#include <pthread.h>
#include <ucontext.h>

#include "liballoc_stats.h"
#include "sys/stack_capture.h"
#include "sys/unwinder.h"

extern void *__libc_stack_end;

#define STACK_FRAMES_MAX 64
/* A frame further than this above the stack pointer is not believed. */
#define STACK_SPAN_MAX ((uintptr_t)1 << 29)

static pthread_rwlock_t unwind_lock = PTHREAD_RWLOCK_INITIALIZER;
/* Set while this thread unwinds: a capture from a signal handler that
 * interrupted one would reenter libunwind's per-thread cache. */
static __thread bool capturing;

bool stack_capture_running(void)
{
	return capturing;
}

/* The lowest address above sp known to end this thread's stack; 0 when
 * sp lies on no stack we know (a signal stack, a coroutine's). */
static uintptr_t stack_top(uintptr_t sp)
{
	uintptr_t cand[2] = {(uintptr_t)__libc_stack_end, (uintptr_t)pthread_self()};
	uintptr_t top = 0;
	for (int i = 0; i < 2; i++)
		if (cand[i] > sp && cand[i] - sp <= STACK_SPAN_MAX && (!top || cand[i] < top))
			top = cand[i];
	return top;
}

static LA_NOINLINE unsigned frame_pointer_walk(void **out, unsigned max)
{
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t sp = fp, top = stack_top(sp);
	unsigned n = 0;
	while (n < max && top && (fp & 7) == 0 && fp >= sp && fp <= top - 16) {
		const uintptr_t *frame = (const uintptr_t *)fp;
		uintptr_t next = frame[0], ra = frame[1];
		if (!ra)
			break;
		out[n++] = (void *)ra;
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

/* Return addresses from here outwards; 0 when this thread is capturing. */
static unsigned raw_capture(void **buf, unsigned want, uintptr_t caller, uintptr_t interrupted)
{
	unsigned n = 0;
	if (capturing)
		return 0;
	capturing = true;
	unwinder_fn unwind = unwinder_get(caller, interrupted);
	if (unwind) {
		pthread_rwlock_rdlock(&unwind_lock);
		int got = unwind(buf, (int)want);
		pthread_rwlock_unlock(&unwind_lock);
		n = got > 0 ? (unsigned)got : 0;
	}
	if (n == 0)
		n = frame_pointer_walk(buf, want);
	capturing = false;
	return n;
}

unsigned stack_capture(uintptr_t *pcs, unsigned max, uintptr_t first, bool *truncated)
{
	void *buf[STACK_FRAMES_MAX + STACK_OWN_FRAMES_MAX];
	if (max > STACK_FRAMES_MAX)
		max = STACK_FRAMES_MAX;
	unsigned want = max + STACK_OWN_FRAMES_MAX;
	unsigned n = raw_capture(buf, want, first, 0);
	unsigned start = 0;
	while (start < n && (uintptr_t)buf[start] != first)
		start++;
	if (start == n)
		start = 0; /* `first` not seen: keep everything rather than nothing */
	unsigned kept = n - start;
	*truncated = kept > max || n == want;
	if (kept > max)
		kept = max;
	for (unsigned i = 0; i < kept; i++)
		pcs[i] = (uintptr_t)buf[start + i];
	return kept;
}

/* From a context's registers: frame pointers of code built without them
 * are just registers, so every step must stay on the stack, within 1 MiB
 * of the interrupted sp, and move outwards. */
static unsigned context_frame_walk(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t *pcs,
				   unsigned max)
{
	unsigned k = 0;
	pcs[k++] = pc;
	while (k < max && fp >= sp && fp - sp < ((uintptr_t)1 << 20) && (fp & 7) == 0) {
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

unsigned stack_capture_context(const void *ucontext, uintptr_t *pcs, unsigned max)
{
	const ucontext_t *uc = ucontext;
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
	(void)uc;
#endif
	if (!max || !pc)
		return 0;
	if (max > STACK_FRAMES_MAX)
		max = STACK_FRAMES_MAX;
	void *buf[STACK_FRAMES_MAX + STACK_OWN_FRAMES_MAX];
	/* no loading in a handler */
	unsigned n = raw_capture(buf, max + STACK_OWN_FRAMES_MAX, 0, pc);
	for (unsigned i = 0; i < n; i++) {
		if ((uintptr_t)buf[i] != pc)
			continue;
		unsigned k = 0;
		for (; i < n && k < max; i++)
			pcs[k++] = (uintptr_t)buf[i];
		return k;
	}
	return context_frame_walk(pc, fp, sp, pcs, max);
}

unsigned stack_unwinder(void)
{
	if (unwinder_libunwind())
		return LAS_UNWIND_LIBUNWIND;
	return unwinder_available() ? LAS_UNWIND_LIBGCC : LAS_UNWIND_FRAME_POINTERS;
}

void stack_fork_prepare(void)
{
	unwinder_fork_prepare();
	pthread_rwlock_wrlock(&unwind_lock);
}

void stack_fork_parent(void)
{
	pthread_rwlock_unlock(&unwind_lock);
	unwinder_fork_parent();
}

void stack_fork_child(void)
{
	pthread_rwlock_t fresh = PTHREAD_RWLOCK_INITIALIZER;
	unwind_lock = fresh;
	unwinder_fork_child();
}
