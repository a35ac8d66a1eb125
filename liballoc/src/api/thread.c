/*
 * thread.c - a thread's start and end: its cache is set up on its first
 * allocation, and everything it holds goes back when it exits (the check
 * modes' caches first, then the core's).
 */
#include <pthread.h>

#include "api/thread.h"
#include "core/tcache.h"
#include "modes/switch.h"

static pthread_key_t exit_key;

static void thread_exit(void *arg)
{
	(void)arg;
	if (la_tc.state != TC_ACTIVE)
		return;
	modes_thread_flush();
	la_mt.ready_epoch = 0;
	tcache_thread_exit();
}

void thread_keys_init(void)
{
	/* Keys below 32 live in the thread descriptor: no allocation in
	 * pthread_setspecific, hence no recursion into malloc. */
	pthread_key_create(&exit_key, thread_exit);
}

void thread_start(void)
{
	tcache_thread_init();
	pthread_setspecific(exit_key, (void *)1);
}
