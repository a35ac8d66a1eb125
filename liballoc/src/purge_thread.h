/* purge_thread.h - the optional background purger (background_thread). */
#ifndef LA_PURGE_THREAD_H
#define LA_PURGE_THREAD_H

#include "internal.h"

/* Dirty pages are waiting for decay: ask for a purger (no lock needed). */
LA_HIDDEN void purge_thread_want(void);
/* From a slow path holding no lock: start it if asked for. */
LA_HIDDEN void purge_thread_start_if_wanted(void);
LA_HIDDEN void purge_thread_fork_child(void);

#endif
