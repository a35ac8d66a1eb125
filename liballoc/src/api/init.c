/*
 * init.c - start-up (on the first allocation, from any thread, without
 * allocating), fork handlers (every lock taken before fork, released in
 * both processes after) and the exit hook that removes the stats segment.
 */
#include <pthread.h>
#include <stdlib.h>

#include "api/init.h"
#include "api/thread.h"
#include "core/arena.h"
#include "core/extent.h"
#include "core/purge_thread.h"
#include "core/safe_link.h"
#include "core/size_class.h"
#include "core/slot_mark.h"
#include "core/pagemap.h"
#include "core/tcache.h"
#include "modes/debug.h"
#include "modes/guard_pool.h"
#include "modes/guard.h"
#include "modes/prof.h"
#include "modes/prof_dump.h"
#include "modes/switch.h"
#include "stats/publish.h"
#include "stats/stats.h"
#include "sys/base.h"
#include "sys/conf.h"

bool la_initialized;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_owner;

static void fork_prepare(void)
{
	if (!la_initialized)
		return;
	prof_fork_prepare(); /* first: waits for any unwinding in flight */
	checks_fork_prepare();
	guard_fork_prepare(); /* the pool's lock: inside the settings lock, outside the stats lock */
	stats_fork_prepare();
	arena_fork_prepare();
	extent_fork_prepare();
	arena_fork_prepare_walk();
	checks_fork_prepare_inner();
	base_fork_prepare();
}

static void fork_parent(void)
{
	if (!la_initialized)
		return;
	base_fork_parent();
	checks_fork_parent_inner();
	arena_fork_parent_walk();
	extent_fork_parent();
	arena_fork_parent();
	stats_fork_parent();
	guard_fork_parent();
	checks_fork_parent();
	prof_fork_parent();
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
	stats_fork_child(la_tc.slot, la_tc.tid, la_tc.arena ? la_tc.arena->id : 0);
	guard_fork_child();
	checks_fork_child();
	prof_fork_child();
	publish_after_fork(); /* last: it may start a thread, which allocates */
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
	slot_mark_init(); /* before any slot can be released */
	safe_link_init(); /* before any block is cached */
	pagemap_init();   /* before any slab */
	conf_init();
	arenas_init();
	tcache_global_init();
	thread_keys_init();
	stats_init(NCLASSES, la_narenas + 1); /* the last arena is the untagged one */
	size_classes_init(); /* straight into the tables */
	checks_init();
	prof_init();
	publish_start();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	__atomic_store_n(&la_initialized, true, __ATOMIC_RELEASE);
	__atomic_store_n(&init_owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&init_lock);
}

bool ensure_thread(void)
{
	if (unlikely(!la_initialized))
		la_init();
	if (la_tc.state == TC_UNINIT && la_initialized)
		thread_start();
	return la_tc.state == TC_ACTIVE;
}

/* A process that never allocates (a /bin/true) never pays for a heap:
 * start-up waits for the first allocation, unless the settings want the
 * segment at start. The settings are read here either way, so that a
 * malformed LIBALLOC_CONF is reported when the process starts. */
__attribute__((constructor)) static void la_constructor(void)
{
	if (la_initialized)
		return;
	pthread_mutex_lock(&init_lock); /* la_init reads them under it too */
	conf_init();
	bool eager = la_conf.stats_publish == PUBLISH_EAGER && la_conf.stats;
	pthread_mutex_unlock(&init_lock);
	if (eager)
		la_init();
}

__attribute__((destructor)) static void la_destructor(void)
{
	if (!la_initialized)
		return;
	/* Returning this thread's cache checks what it holds: an interior
	 * pointer the fast path let in is reported now at the latest. */
	modes_thread_flush();
	/* Blocks never freed and blocks still in quarantine are checked too:
	 * an overflow of a leaked block, a write after free just before exit. */
	if (la_checks.redzone || la_checks.quarantine)
		debug_check_all("exit");
	/* and the slack of guarded samples still live (a guard page catches
	 * only the bytes past the page) */
	guard_check_all("exit");
	/* Preloaded, this runs after the program's atexit handlers and
	 * destructors: what is live now was never freed. */
	if (la_conf.prof_final)
		prof_dump_at_exit();
	stats_shutdown();
}
