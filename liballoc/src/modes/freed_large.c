/*
 * freed_large.c - the addresses of the large blocks freed most recently
 * while check_free is on. A freed large run merges with its neighbours, so
 * its first page no longer names it in the page map; this list tells a
 * second free of it (a double free) from a pointer that was never ours.
 *
 * The entries sit in a ring (the oldest is dropped) and are indexed by the
 * 2 MiB region of their address, so that a new large block forgets the
 * entries it covers by looking at its own regions, not at every entry: a
 * scan of the whole ring at each large allocation had been 14 % of
 * mixed-heap's time under check_free.
 */
#include <pthread.h>

#include "modes/freed_large.h"

#define FREED_LARGE_MAX 1024
#define FL_REGION_SHIFT 21
#define FL_BUCKETS 2048 /* a power of two */

static pthread_mutex_t fl_lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t ring[FREED_LARGE_MAX]; /* 0: empty */
/* Chains of the entries whose region hashes alike: index + 1, 0 ends. */
static uint16_t bucket[FL_BUCKETS];
static uint16_t chain[FREED_LARGE_MAX];
static unsigned next, live;

static uint16_t *bucket_of(uintptr_t addr)
{
	return &bucket[(addr >> FL_REGION_SHIFT) & (FL_BUCKETS - 1)];
}

/* Take entry i off its chain and empty it. */
static void drop(unsigned i)
{
	uint16_t *link = bucket_of(ring[i]);
	while (*link != i + 1)
		link = &chain[*link - 1];
	*link = chain[i];
	ring[i] = 0;
	live--;
}

void freed_large_note(uintptr_t addr)
{
	pthread_mutex_lock(&fl_lock);
	if (ring[next])
		drop(next);
	ring[next] = addr;
	uint16_t *b = bucket_of(addr);
	chain[next] = *b;
	*b = (uint16_t)(next + 1);
	live++;
	next = (next + 1) % FREED_LARGE_MAX;
	pthread_mutex_unlock(&fl_lock);
}

/* On invalid frees only. */
bool freed_large_contains(uintptr_t addr)
{
	bool found = false;
	pthread_mutex_lock(&fl_lock);
	for (uint16_t i = *bucket_of(addr); i && !found; i = chain[i - 1])
		found = ring[i - 1] == addr;
	pthread_mutex_unlock(&fl_lock);
	return found;
}

/* Drop the entries of the chain at *link that lie in [start, end). */
static void forget_chain(uint16_t *link, uintptr_t start, uintptr_t end)
{
	while (*link) {
		unsigned i = *link - 1u;
		if (ring[i] >= start && ring[i] < end) {
			*link = chain[i];
			ring[i] = 0;
			live--;
		} else {
			link = &chain[i];
		}
	}
}

void freed_large_forget(uintptr_t start, size_t size)
{
	if (!__atomic_load_n(&live, __ATOMIC_RELAXED))
		return;
	uintptr_t end = start + size;
	uintptr_t first = start >> FL_REGION_SHIFT, last = (end - 1) >> FL_REGION_SHIFT;
	pthread_mutex_lock(&fl_lock);
	if (last - first >= FL_BUCKETS) {
		for (unsigned b = 0; b < FL_BUCKETS; b++) /* a huge block: every chain */
			forget_chain(&bucket[b], start, end);
	} else {
		for (uintptr_t r = first; r <= last; r++)
			forget_chain(&bucket[r & (FL_BUCKETS - 1)], start, end);
	}
	pthread_mutex_unlock(&fl_lock);
}

void freed_large_fork_child(void)
{
	pthread_mutex_init(&fl_lock, NULL);
}
