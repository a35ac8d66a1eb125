/*
 * init.c - start-up (on the first allocation, from any thread, without
 * allocating), fork handlers (every lock taken before fork, released in
 * both processes after) and the exit hook that removes the stats segment.
 */
#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "base.h"
#include "checked_cache.h"
#include "conf.h"
#include "debug.h"
#include "extent.h"
#include "init.h"
#include "purge_thread.h"
#include "size_class.h"
#include "stats.h"
#include "tcache.h"

bool la_initialized;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_owner;

static void fork_prepare(void)
{
	if (!la_initialized)
		return;
	debug_fork_prepare();
	stats_fork_prepare();
	arena_fork_prepare();
	extent_fork_prepare();
	debug_fork_prepare_inner();
	base_fork_prepare();
}

static void fork_parent(void)
{
	if (!la_initialized)
		return;
	base_fork_parent();
	debug_fork_parent_inner();
	extent_fork_parent();
	arena_fork_parent();
	stats_fork_parent();
	debug_fork_parent();
}

static void fork_child(void)
{
	if (!la_initialized)
		return;
	base_fork_child();
	extent_fork_child();
	arena_fork_child();
	tcache_fork_child();
	purge_thread_fork_child();
	stats_fork_child();
	debug_fork_child();
}

void la_init(void)
{
	int me = la_gettid();
	if (__atomic_load_n(&init_owner, __ATOMIC_RELAXED) == me)
		return; /* malloc called from inside start-up: served uncached */
	pthread_mutex_lock(&init_lock);
	if (la_initialized) {
		pthread_mutex_unlock(&init_lock);
		return;
	}
	__atomic_store_n(&init_owner, me, __ATOMIC_RELAXED);
	checked_cache_init(); /* before any slot can be released */
	conf_init();
	size_classes_init();
	base_init();
	arenas_init();
	tcache_global_init();
	stats_init();
	debug_init();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	__atomic_store_n(&la_initialized, true, __ATOMIC_RELEASE);
	__atomic_store_n(&init_owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&init_lock);
}

__attribute__((constructor)) static void la_constructor(void)
{
	if (!la_initialized)
		la_init();
}

__attribute__((destructor)) static void la_destructor(void)
{
	if (!la_initialized)
		return;
	/* Returning this thread's cache checks what it holds: an interior
	 * pointer the fast path let in is reported now at the latest. */
	tcache_flush_all();
	stats_shutdown();
}
