/* publish.c - when the stats segment is published (publish.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>

#include "stats/publish.h"
#include "stats/stats.h"
#include "sys/conf.h"

bool la_publish_waiting;
static uint64_t due_ms;              /* coarse monotonic clock */
static struct timespec due_precise;  /* the same, for the helper's sleep */

static void arm(void)
{
	clock_gettime(CLOCK_MONOTONIC, &due_precise);
	due_precise.tv_sec += PUBLISH_AFTER_MS / 1000;
	due_ms = la_now_coarse_ms() + PUBLISH_AFTER_MS;
	__atomic_store_n(&la_publish_waiting, stats_publish_pending(), __ATOMIC_RELAXED);
}

static void publish(void)
{
	__atomic_store_n(&la_publish_waiting, false, __ATOMIC_RELAXED);
	stats_publish();
}

/* The second is counted from the first slow path (a process that never
 * allocates reads no clock: it also never publishes). */
void publish_tick(void)
{
	uint64_t now = la_now_coarse_ms();
	if (!due_ms)
		due_ms = now + PUBLISH_AFTER_MS;
	else if (now >= due_ms)
		publish();
}

void publish_start(void)
{
	if (la_conf.stats_publish == PUBLISH_EAGER)
		publish();
	else
		__atomic_store_n(&la_publish_waiting, stats_publish_pending(), __ATOMIC_RELAXED);
}

static void *helper(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "liballoc-publish");
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due_precise, NULL) == EINTR)
		;
	if (__atomic_load_n(&la_publish_waiting, __ATOMIC_RELAXED))
		publish();
	return NULL;
}

/* The thread gets no signal (they stay the program's) and a small stack;
 * it is created with no lock of the allocator held, since pthread_create
 * allocates. */
static void start_helper(void)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t attr;
	pthread_t t;
	if (pthread_attr_init(&attr) == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, 64 << 10);
		pthread_create(&t, &attr, helper, NULL);
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void publish_after_fork(void)
{
	if (!stats_publish_pending()) {
		la_publish_waiting = false;
		return;
	}
	if (la_conf.stats_publish == PUBLISH_EAGER) {
		publish();
		return;
	}
	arm();
	start_helper();
}
