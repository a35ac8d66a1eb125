/*
 * publish.h - when the stats segment appears (stats_publish: liballoc(3)).
 *
 * lazy (the default): a process that lives under a second creates no file.
 * The segment is published at the first allocation slow path (any thread)
 * once the process has lived a second. A forked child is published a
 * second after the fork whatever it does (idle, or allocating only from its
 * thread cache): a short-lived thread, liballoc-publish, started at fork
 * with every signal blocked, sleeps until then, publishes and exits (an
 * execve ends it earlier). eager: at start, and in a child at fork.
 */
#ifndef LA_PUBLISH_H
#define LA_PUBLISH_H

#include "sys/internal.h"

/* How long a process or forked child lives before it is published. */
#define PUBLISH_AFTER_MS 1000

extern bool la_publish_waiting LA_HIDDEN;
LA_HIDDEN void publish_tick(void);

/* From the slow paths: publish when the second is up. */
static inline void publish_poll(void)
{
	if (unlikely(la_publish_waiting))
		publish_tick();
}

/* After stats_init (eager: publish now; lazy: start the second). */
LA_HIDDEN void publish_start(void);
/* In a forked child, once its allocator is usable again. */
LA_HIDDEN void publish_after_fork(void);

#endif
