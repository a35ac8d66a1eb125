/* alloc_ctl names and errors, counters, arena behaviour seen through them. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "liballoc.h"

static uint64_t get_u64(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	assert_int_equal(alloc_ctl(name, &v, &len, NULL, 0), 0);
	return v;
}

static void names_and_errors(void **state)
{
	(void)state;
	uint64_t v;
	size_t len = sizeof(v);
	assert_int_equal(alloc_ctl("no.such.name", &v, &len, NULL, 0), ENOENT);
	assert_int_equal(alloc_ctl(NULL, &v, &len, NULL, 0), EINVAL);
	uint32_t small;
	size_t small_len = sizeof(small);
	assert_int_equal(alloc_ctl("opt.narenas", &small, &small_len, NULL, 0), EINVAL);
	assert_int_equal(small_len, sizeof(uint64_t)); /* tells the right size */
	assert_true(get_u64("opt.narenas") >= 1);
	uint64_t one = 1;
	assert_int_equal(alloc_ctl("opt.narenas", NULL, NULL, &one, sizeof(one)), EPERM);
	assert_int_equal(alloc_ctl("stats.live_bytes", NULL, NULL, &one, sizeof(one)), EPERM);
	const char *version = NULL;
	len = sizeof(version);
	assert_int_equal(alloc_ctl("version", &version, &len, NULL, 0), 0);
	assert_non_null(version);
}

static void options_can_be_set(void **state)
{
	(void)state;
	int64_t decay = 1234, old = 0;
	size_t len = sizeof(old);
	assert_int_equal(alloc_ctl("opt.dirty_decay_ms", &old, &len, &decay, sizeof(decay)), 0);
	len = sizeof(old);
	assert_int_equal(alloc_ctl("opt.dirty_decay_ms", &old, &len, NULL, 0), 0);
	assert_int_equal(old, 1234);
	int64_t bad = -5;
	assert_int_equal(alloc_ctl("opt.dirty_decay_ms", NULL, NULL, &bad, sizeof(bad)), EINVAL);
}

static void live_bytes_follow_allocations(void **state)
{
	(void)state;
	alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	uint64_t before = get_u64("stats.live_bytes");
	uint64_t allocs_before = get_u64("stats.live_allocs");
	void *p[100];
	for (int i = 0; i < 100; i++)
		p[i] = malloc(100); /* class 112 */
	void *volatile big = malloc(1 << 20); /* volatile: not elided by the compiler */
	assert_int_equal(get_u64("stats.live_bytes"), before + 100 * 112 + (1 << 20));
	assert_int_equal(get_u64("stats.live_allocs"), allocs_before + 101);
	for (int i = 0; i < 100; i++)
		free(p[i]);
	free(big);
	assert_int_equal(get_u64("stats.live_bytes"), before);
}

static void *churn(void *arg)
{
	void **out = arg;
	for (int i = 0; i < 1000; i++)
		free(malloc((size_t)(i % 500) + 1));
	*out = malloc(4000); /* handed to the main thread */
	return NULL;
}

static void exited_threads_still_count(void **state)
{
	(void)state;
	void *from_thread[4];
	pthread_t t[4];
	/* A first round lets glibc cache thread stacks and their own
	 * allocations (DTVs), which then stay live across rounds. */
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, &from_thread[i]);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		free(from_thread[i]);
	}
	uint64_t before = get_u64("stats.live_bytes");
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, &from_thread[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	/* 4 x 4000 -> class 4096, allocated by threads that have exited. */
	assert_int_equal(get_u64("stats.live_bytes"), before + 4 * 4096);
	for (int i = 0; i < 4; i++)
		free(from_thread[i]); /* cross-thread frees */
	assert_int_equal(get_u64("stats.live_bytes"), before);
}

static void trim_returns_dirty_pages(void **state)
{
	(void)state;
	void *p[64];
	for (int i = 0; i < 64; i++) {
		p[i] = malloc(256 << 10);
		memset(p[i], 1, 256 << 10);
	}
	for (int i = 0; i < 64; i++)
		free(p[i]);
	malloc_trim(0);
	assert_int_equal(get_u64("stats.dirty"), 0);
	assert_true(get_u64("stats.madvise_calls") > 0);
	struct mallinfo2 mi = mallinfo2();
	assert_true(mi.arena >= mi.uordblks);
}

static void slots_come_from_the_lowest_slab(void **state)
{
	(void)state;
	/* Fill several slabs of one class, free all but a few in the last
	 * slab and one early slot: the next allocation reuses the early slot. */
	alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	enum { N = 4000 };
	static void *p[N];
	for (int i = 0; i < N; i++)
		p[i] = malloc(48);
	uintptr_t lowest = (uintptr_t)-1;
	int lowest_i = 0;
	for (int i = 0; i < N; i++)
		if ((uintptr_t)p[i] < lowest) {
			lowest = (uintptr_t)p[i];
			lowest_i = i;
		}
	free(p[lowest_i]);
	alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	void *q = malloc(48);
	assert_ptr_equal(q, (void *)lowest);
	p[lowest_i] = q;
	for (int i = 0; i < N; i++)
		free(p[i]);
}

int main(void)
{
	/* Exact counts and addresses: without the samplers, whose first
	 * sample loads libunwind (its allocations would be counted) and whose
	 * sampled blocks lie outside the slabs. */
	uint64_t off = 0;
	if (alloc_ctl("prof.sample", NULL, NULL, &off, sizeof(off)) != 0 ||
	    alloc_ctl("debug.guard_sample", NULL, NULL, &off, sizeof(off)) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_errors),
		cmocka_unit_test(options_can_be_set),
		cmocka_unit_test(live_bytes_follow_allocations),
		cmocka_unit_test(exited_threads_still_count),
		cmocka_unit_test(trim_returns_dirty_pages),
		cmocka_unit_test(slots_come_from_the_lowest_slab),
	};
	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}
