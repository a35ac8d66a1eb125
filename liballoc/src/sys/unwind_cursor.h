/*
 * unwind_cursor.h - a stack through libunwind's cursor interface
 * (unw_init_local and unw_step), for a thread's first stack: unlike
 * unw_backtrace it makes no per-thread trace cache (see unwind_cursor.c).
 */
#ifndef LA_UNWIND_CURSOR_H
#define LA_UNWIND_CURSOR_H

#include "sys/internal.h"

/* Stacks a thread takes this way before it turns to unw_backtrace: its
 * first, which is all most short processes take. A cursor stack costs some
 * 10 k instructions more than a warm unw_backtrace; more of them would
 * show in the fast path's budget (bench/fastpath-budget.sh), where the
 * trace cache's start then falls between the two runs it compares. */
#define UNWIND_CURSOR_STACKS 1

/* Looks up the cursor functions in the loaded libunwind (a dlopen handle);
 * false when one is missing (then unw_backtrace is used from the start). */
LA_HIDDEN bool unwind_cursor_bind(void *library);

/* unw_backtrace's contract: up to size return addresses from the caller
 * outwards; 0 when unbound. */
LA_HIDDEN int unwind_cursor_backtrace(void **buffer, int size);

#endif
