/*
 * unwinder.h - which CFI unwinder stack_capture may call: the program's own
 * libunwind when it is linked with one, otherwise libunwind loaded when the
 * first stack is taken, so that a process that never takes a stack never
 * pays for loading it (see unwinder.c).
 */
#ifndef LA_UNWINDER_H
#define LA_UNWINDER_H

#include "sys/internal.h"

typedef int (*unwinder_fn)(void **buffer, int size);

/* The unwinder, or NULL while there is none (yet). The first call with a
 * `caller` (the program's return address of the allocation: 0 from a
 * signal handler, which must not load anything) loads it: in place in a
 * process without threads, else by a thread of liballoc's, which the
 * caller never waits for (it walks frame pointers meanwhile). Loading
 * allocates, and so does a thread's first unwind: call it with no
 * allocator lock held. NULL also when this thread cannot unwind yet (see
 * thread_ready in unwinder.c). */
LA_HIDDEN unwinder_fn unwinder_get(uintptr_t caller);

/* The process's malloc and free, from the entry layer at start-up (this
 * layer may not call up to them): a thread's first unwind makes sure with
 * them that glibc's allocation for libunwind's thread-local data will
 * succeed (unwinder.c). Until they are given, such a thread follows frame
 * pointers. */
LA_HIDDEN void unwinder_set_allocator(void *(*alloc)(size_t), void (*release)(void *));

/* libunwind is there (the program's, or loaded), and not switched off. */
LA_HIDDEN bool unwinder_available(void);

/* What stacks come from now, for alloc_ctl("prof.unwinder"): "libunwind",
 * "loading" (frame pointers until libunwind is there), or "frame pointers"
 * (no stack asked for yet, or libunwind could not be loaded). */
LA_HIDDEN const char *unwinder_status(void);

/* Fork: the prepare handler waits for a load in flight, so that the child
 * never inherits the loader's locks held; the child loads again when its
 * parent had not finished. */
LA_HIDDEN void unwinder_fork_prepare(void);
LA_HIDDEN void unwinder_fork_parent(void);
LA_HIDDEN void unwinder_fork_child(void);

#endif
