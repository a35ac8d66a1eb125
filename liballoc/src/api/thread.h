/* thread.h - a thread's start and end in the allocator. */
#ifndef LA_THREAD_H
#define LA_THREAD_H

#include "sys/internal.h"

/* Once, at start-up: the key whose destructor runs at thread exit. */
LA_HIDDEN void thread_keys_init(void);
/* Set up the calling thread (cache, arena, stats slot, exit hook). */
LA_HIDDEN void thread_start(void);

#endif
