/*
 * guard_stack_tmp.h - TEMPORARY stack capture for the guarded pool's
 * reports, until the heap profile's stack capture module lands (then the
 * pool calls that, and this file goes).
 */
#ifndef LA_GUARD_STACK_TMP_H
#define LA_GUARD_STACK_TMP_H

#include <ucontext.h>

#include "sys/internal.h"

/* The calling thread's stack, from the frame that returns to `from`
 * (the program's call into liballoc) outwards; all frames but this one's
 * if `from` is not among them. Returns the number of pcs stored. */
LA_HIDDEN size_t guard_stack_capture(uintptr_t from, uintptr_t *pcs, size_t max);
/* In a signal handler: the interrupted code's stack, its pc first. */
LA_HIDDEN size_t guard_stack_of_context(const ucontext_t *uc, uintptr_t *pcs, size_t max);

#endif
