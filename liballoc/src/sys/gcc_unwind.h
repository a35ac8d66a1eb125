/*
 * gcc_unwind.h - a stack through libgcc_s's _Unwind_Backtrace, for a
 * process's first stacks: libgcc_s has no start of its own and is already
 * there in every C++ program, where libunwind pays for liblzma and its own
 * start (see gcc_unwind.c and sys/unwinder.c).
 */
#ifndef LA_GCC_UNWIND_H
#define LA_GCC_UNWIND_H

#include "sys/internal.h"

/* Stacks a process takes with libgcc's unwinder before it loads libunwind:
 * one costs some microseconds (it reads the CFI of every frame each time),
 * libunwind's start some 0.35 ms, after which a warm stack costs a fraction
 * of a microsecond. */
#define GCC_UNWIND_STACKS 32

/* Looks up _Unwind_Backtrace and _Unwind_GetIP in the loaded libgcc_s (a
 * dlopen handle) and the span of its image; false when one is missing. */
LA_HIDDEN bool gcc_unwind_bind(void *library);

/* pc lies in libgcc_s's image: an allocation made from inside it (its
 * objects of registered frames, made under its object lock) or a signal
 * that interrupted it must not enter it again. */
LA_HIDDEN bool gcc_unwind_inside(uintptr_t pc);

/* unw_backtrace's contract: up to size return addresses from the caller
 * outwards; 0 when unbound. */
LA_HIDDEN int gcc_unwind_backtrace(void **buffer, int size);

#endif
