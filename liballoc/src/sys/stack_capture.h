/*
 * stack_capture.h - the calling thread's call stack as return addresses,
 * for sampled allocations. Safe with threads, signal handlers and fork
 * (see stack_capture.c for how). Never allocates, but the first capture
 * of a process starts the thread that loads the unwinder (sys/unwinder.h),
 * which allocates: call it with no allocator lock held.
 */
#ifndef LA_STACK_CAPTURE_H
#define LA_STACK_CAPTURE_H

#include "sys/internal.h"

/* Frames looked at beyond the ones kept, for liballoc's own. */
#define STACK_OWN_FRAMES_MAX 16

/*
 * Fill pcs[0..max) with return addresses, innermost first, starting at
 * `first` (the return address into the program of the liballoc entry
 * point that was called): the frames inside liballoc before it are
 * dropped. When `first` is not among the frames the stack is kept whole.
 * Returns the number of frames; *truncated says the stack was deeper.
 */
LA_HIDDEN unsigned stack_capture(uintptr_t *pcs, unsigned max, uintptr_t first, bool *truncated);

/* In a signal handler: the interrupted code's stack, its pc first
 * (`ucontext`: the handler's third argument, a ucontext_t). Through the
 * signal frame with the unwinder; from the context's frame pointer,
 * bounded, when the unwinder does not find the interrupted pc. */
LA_HIDDEN unsigned stack_capture_context(const void *ucontext, uintptr_t *pcs, unsigned max);

/* Is this thread taking a stack? Its allocations then (the unwinder's,
 * glibc's for the unwinder's thread-local data) must be ordinary ones:
 * never sampled. */
LA_HIDDEN bool stack_capture_running(void);

/* LAS_UNWIND_* of the unwinder stack_capture uses in this process. */
LA_HIDDEN unsigned stack_unwinder(void);

LA_HIDDEN void stack_fork_prepare(void);
LA_HIDDEN void stack_fork_parent(void);
LA_HIDDEN void stack_fork_child(void);

#endif
