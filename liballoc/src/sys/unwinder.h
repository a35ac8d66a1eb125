/*
 * unwinder.h - which CFI unwinder stack_capture may call: the program's own
 * libunwind when it is linked with one, otherwise libgcc_s's for a
 * process's first stacks and libunwind after them, each loaded when it is
 * first wanted, so that a process that never takes a stack never pays for
 * loading either (see unwinder.c).
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
 * thread_ready in unwinder.c). `interrupted`: in a signal handler, the pc
 * the signal interrupted (else 0); libgcc's unwinder is not entered from
 * inside itself (sys/gcc_unwind.h). */
LA_HIDDEN unwinder_fn unwinder_get(uintptr_t caller, uintptr_t interrupted);

/* The process's malloc and free, from the entry layer at start-up (this
 * layer may not call up to them): a thread's first unwind makes sure with
 * them that glibc's allocation for libunwind's thread-local data will
 * succeed (unwinder.c). Until they are given, such a thread follows frame
 * pointers. */
LA_HIDDEN void unwinder_set_allocator(void *(*alloc)(size_t), void (*release)(void *));

/* A CFI unwinder is there (libunwind or libgcc's), and not switched off. */
LA_HIDDEN bool unwinder_available(void);
/* That unwinder is libunwind (the program's, or loaded). */
LA_HIDDEN bool unwinder_libunwind(void);

/* What stacks come from now, for alloc_ctl("prof.unwinder"): "libunwind",
 * "libgcc" (a process's first stacks), "loading" (frame pointers until
 * libgcc_s is there), or "frame pointers" (no stack asked for yet, or
 * neither could be loaded). */
LA_HIDDEN const char *unwinder_status(void);

/* Fork: the prepare handler waits for a load in flight, so that the child
 * never inherits the loader's locks held; the child loads again when its
 * parent had not finished. */
LA_HIDDEN void unwinder_fork_prepare(void);
LA_HIDDEN void unwinder_fork_parent(void);
LA_HIDDEN void unwinder_fork_child(void);

#endif
