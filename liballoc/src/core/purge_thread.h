/* purge_thread.h - the optional background purger (background_thread). */
#ifndef LA_PURGE_THREAD_H
#define LA_PURGE_THREAD_H

#include "sys/internal.h"

/* From a slow path holding no lock: start the purger if it is enabled,
 * not running, and dirty pages are waiting for decay. */
LA_HIDDEN void purge_thread_start_if_wanted(void);
LA_HIDDEN void purge_thread_fork_child(void);

#endif
