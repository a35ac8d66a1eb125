/*
 * unwind_cursor.c - a stack through libunwind's cursor interface.
 *
 * libunwind's unw_backtrace keeps, per thread, a cache of frame layouts:
 * its first call in a thread maps 256 KiB and writes every entry (64 page
 * faults, about 0.4 ms on the development VM), which is most of what a
 * short process pays for its first sampled allocation. Stepping a cursor
 * uses no such cache (each step reads the CFI, under libunwind's own lock
 * with signals blocked, as unw_backtrace does for a frame it has not seen
 * yet) and costs some microseconds per stack: cheaper for a thread's first
 * stack, dearer for many. Neither allocates with malloc.
 */
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>

#include "sys/unwind_cursor.h"

#pragma weak dlsym

/* The name libunwind.h gives a function (_ULx86_64_step, ...). Where
 * getcontext is a macro instead (AArch64), nothing is found and stacks
 * come from unw_backtrace alone. */
#define NAME(fn) NAME_(fn)
#define NAME_(fn) #fn
#define LOOKUP(field, fn) (api.field = (__typeof__(api.field))(uintptr_t)dlsym(library, NAME(fn)))

static struct {
	int (*getcontext)(unw_context_t *);
	int (*init_local)(unw_cursor_t *, unw_context_t *);
	int (*step)(unw_cursor_t *);
	int (*get_reg)(unw_cursor_t *, unw_regnum_t, unw_word_t *);
} api;
static bool bound;

bool unwind_cursor_bind(void *library)
{
	if (!library || !dlsym)
		return false;
	bound = LOOKUP(getcontext, unw_tdep_getcontext) && LOOKUP(init_local, unw_init_local) &&
		LOOKUP(step, unw_step) && LOOKUP(get_reg, unw_get_reg);
	return bound;
}

/* The context is this frame's: the cursor starts here, and the first step
 * gives this function's return address, as unw_backtrace's first entry is
 * its own. */
LA_NOINLINE int unwind_cursor_backtrace(void **buffer, int size)
{
	unw_context_t context;
	unw_cursor_t cursor;
	unw_word_t ip;
	int n = 0;
	if (!bound || api.getcontext(&context) < 0 || api.init_local(&cursor, &context) < 0)
		return 0;
	while (n < size && api.step(&cursor) > 0 && api.get_reg(&cursor, UNW_REG_IP, &ip) == 0)
		buffer[n++] = (void *)(uintptr_t)ip;
	return n;
}
