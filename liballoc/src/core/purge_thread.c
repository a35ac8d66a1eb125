/*
 * purge_thread.c - optional background purger (background_thread:true).
 * Decay normally runs on allocation slow paths; a program that goes idle,
 * or allocates only from its thread caches, would keep its dirty pages. The
 * purger wakes every tenth of the decay time while dirty pages remain and
 * returns the aged ones, then exits: a process without dirty pages has no
 * extra thread. It is started from a slow path with no lock held, because
 * pthread_create itself allocates.
 */
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include "sys/conf.h"
#include "core/extent.h"
#include "core/purge_thread.h"
#include "sys/counters.h"

static _Atomic bool running;

static void *purger(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "liballoc-purge");
	int idle_rounds = 0;
	while (idle_rounds < 3) {
		int64_t step = la_conf.dirty_decay_ms / 10;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (step < 10 ? 10 : step) * 1000000L};
		if (step >= 1000) {
			ts.tv_sec = step / 1000;
			ts.tv_nsec = (step % 1000) * 1000000L;
		}
		nanosleep(&ts, NULL);
		extent_purge(PURGE_DECAY);
		idle_rounds = STAT_GET(&la_globals->dirty_bytes) ? 0 : idle_rounds + 1;
	}
	atomic_store_explicit(&running, false, memory_order_release);
	return NULL;
}

void purge_thread_start_if_wanted(void)
{
	if (likely(!la_conf.background_thread) || la_conf.dirty_decay_ms < 0 ||
	    atomic_load_explicit(&running, memory_order_relaxed) ||
	    !STAT_GET(&la_globals->dirty_bytes))
		return;
	bool expected = false;
	if (!atomic_compare_exchange_strong(&running, &expected, true))
		return;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, purger, NULL) != 0)
		atomic_store_explicit(&running, false, memory_order_release);
	pthread_attr_destroy(&attr);
}

void purge_thread_fork_child(void)
{
	atomic_store_explicit(&running, false, memory_order_relaxed);
}
