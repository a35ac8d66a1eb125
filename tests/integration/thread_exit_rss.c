/*
 * thread_exit_rss.c - a thread that exits must give its cached memory
 * back: 3000 short-lived threads that each allocate and free a spread of
 * sizes may not keep growing the resident set once the first few hundred
 * have warmed every size class up.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

enum {
	THREADS = 3000,
	CONCURRENT = 4,
	WARMUP = 300,
	BLOCKS = 400,
	RSS_GROWTH_LIMIT = 8 << 20,
	CACHE_LIMIT = 1 << 20,
};

/* Handed from each thread to the next, so some frees are cross-thread. */
static void *baton;
static pthread_mutex_t baton_lock = PTHREAD_MUTEX_INITIALIZER;

static void *short_lived(void *arg)
{
	void *p[BLOCKS];
	unsigned seed = (unsigned)(uintptr_t)arg;

	for (int i = 0; i < BLOCKS; i++) {
		size_t n = (i % 50 == 0) ? 100000 + (size_t)(seed % 7) * 4096 : (size_t)(i * 13 + seed) % 3000 + 1;
		p[i] = malloc(n);
		if (!p[i])
			abort();
		memset(p[i], (int)i, n);
	}
	/* Free half, reallocate a little, free the rest: fills the caches. */
	for (int i = 0; i < BLOCKS; i += 2)
		free(p[i]);
	for (int i = 0; i < BLOCKS; i += 2)
		p[i] = malloc((size_t)i + 1);
	pthread_mutex_lock(&baton_lock);
	void *prev = baton;
	baton = p[0];
	pthread_mutex_unlock(&baton_lock);
	free(prev);
	for (int i = 1; i < BLOCKS; i++)
		free(p[i]);
	return NULL;
}

static void short_lived_threads_do_not_grow_rss(void **state)
{
	size_t rss_after_warmup = 0;

	(void)state;
	for (int started = 0; started < THREADS; started += CONCURRENT) {
		pthread_t t[CONCURRENT];
		for (int i = 0; i < CONCURRENT; i++)
			assert_int_equal(pthread_create(&t[i], NULL, short_lived,
							(void *)(uintptr_t)(started + i)), 0);
		for (int i = 0; i < CONCURRENT; i++)
			pthread_join(t[i], NULL);
		if (started + CONCURRENT == WARMUP)
			rss_after_warmup = rss_bytes();
	}
	free(baton);
	baton = NULL; /* the next test hands batons again */
	size_t rss_end = rss_bytes();
	printf("rss after %d threads: %zu KiB, after %d: %zu KiB\n", WARMUP,
	       rss_after_warmup >> 10, THREADS, rss_end >> 10);
	assert_true(rss_after_warmup > 0);
	assert_true(rss_end < rss_after_warmup + RSS_GROWTH_LIMIT);
}

static uint64_t ctl_u64(const char *name)
{
	uint64_t v = UINT64_MAX;
	size_t len = sizeof v;
	assert_int_equal(alloc_ctl(name, &v, &len, NULL, 0), 0);
	return v;
}

/* liballoc's own books: exited threads hold no cache and no blocks. */
static void exited_threads_leave_no_cache(void **state)
{
	(void)state;
	if (!liballoc_active())
		SKIP_TEST("thread caches: liballoc's alloc_ctl counters only");
	uint64_t live_before = ctl_u64("stats.live_bytes");
	for (int i = 0; i < 200; i++) {
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, short_lived, (void *)(uintptr_t)i), 0);
		pthread_join(t, NULL);
	}
	free(baton);
	baton = NULL;
	uint64_t cached = ctl_u64("stats.cached_bytes"), live = ctl_u64("stats.live_bytes");
	printf("after 200 exited threads: cached %llu bytes, live %llu (was %llu)\n",
	       (unsigned long long)cached, (unsigned long long)live,
	       (unsigned long long)live_before);
	/* Only this thread's cache may remain; one exited cache is ~300 KiB. */
	assert_true(cached < CACHE_LIMIT);
	assert_true(live < live_before + CACHE_LIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_lived_threads_do_not_grow_rss),
		cmocka_unit_test(exited_threads_leave_no_cache),
	};
	return cmocka_run_group_tests_name("thread_exit_rss", tests, check_allocator_under_test, NULL);
}
