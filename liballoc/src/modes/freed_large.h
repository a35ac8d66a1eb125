/* freed_large.h - large blocks freed while check_free is on (freed_large.c). */
#ifndef LA_FREED_LARGE_H
#define LA_FREED_LARGE_H

#include "sys/internal.h"

LA_HIDDEN void freed_large_note(uintptr_t addr);
LA_HIDDEN bool freed_large_contains(uintptr_t addr);
/* A new large block covers [start, start+size): its addresses are live. */
LA_HIDDEN void freed_large_forget(uintptr_t start, size_t size);
LA_HIDDEN void freed_large_fork_child(void);

#endif
