/*
 * freed_large.c - the addresses of the large blocks freed most recently
 * while check_free is on. A freed large run merges with its neighbours, so
 * its first page no longer names it in the page map; this list tells a
 * second free of it (a double free) from a pointer that was never ours.
 */
#include <pthread.h>

#include "modes/freed_large.h"

#define FREED_LARGE_MAX 1024

static pthread_mutex_t fl_lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t ring[FREED_LARGE_MAX];
static unsigned next, used;

void freed_large_note(uintptr_t addr)
{
	pthread_mutex_lock(&fl_lock);
	ring[next] = addr;
	next = (next + 1) % FREED_LARGE_MAX;
	if (used < FREED_LARGE_MAX)
		used++;
	pthread_mutex_unlock(&fl_lock);
}

/* Linear scans: only on invalid frees and on large allocations while the
 * list is not empty. */
bool freed_large_contains(uintptr_t addr)
{
	bool found = false;
	pthread_mutex_lock(&fl_lock);
	for (unsigned i = 0; i < used && !found; i++)
		found = ring[i] == addr;
	pthread_mutex_unlock(&fl_lock);
	return found;
}

void freed_large_forget(uintptr_t start, size_t size)
{
	if (!__atomic_load_n(&used, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&fl_lock);
	for (unsigned i = 0; i < used; i++)
		if (ring[i] >= start && ring[i] < start + size)
			ring[i] = 0;
	pthread_mutex_unlock(&fl_lock);
}

void freed_large_fork_child(void)
{
	pthread_mutex_init(&fl_lock, NULL);
}
