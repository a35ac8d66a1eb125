/*
 * racing_double_free.c - two threads free the same block at the same
 * instant, over and over, for small, medium and large blocks. With
 * check_free on, exactly one free of each pair wins and the other is
 * reported as a double free (on_error:ignore here, so the test counts the
 * events); the heap stays intact: every block allocated afterwards keeps
 * its contents. liballoc with checks on only.
 *
 * Nothing else may allocate while a pair races, so the samplers are off: a
 * first stack loads the unwinder from a thread of liballoc's own, whose
 * allocations can take the pages the first free just handed back. The
 * second free then frees the loader's live block, a double free that no
 * allocator can tell from a free (about 1 run in 10 on a loaded machine,
 * and the loader crashed at exit).
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

enum { ROUNDS = 3000, KEEP = 64 };

static pthread_barrier_t start, done;
static void *volatile victim;
static _Atomic int quit;

static void *racer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_barrier_wait(&start);
		if (quit)
			return NULL;
		free(victim);
		pthread_barrier_wait(&done);
	}
}

static uint64_t violations(void)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	assert_int_equal(alloc_ctl("stats.violations", &v, &len, NULL, 0), 0);
	return v;
}

static void each_racing_pair_is_one_free_and_one_report(void **state)
{
	(void)state;
	const char *conf = getenv("LIBALLOC_CONF");
	if (!liballoc_active() || !conf ||
	    (!strstr(conf, "check_free:true") && !strstr(conf, "debug:true")))
		SKIP_TEST("racing double frees: liballoc with check_free:true only");
	start_watchdog(120);
	uint64_t off = 0;
	assert_int_equal(alloc_ctl("prof.sample", NULL, NULL, &off, sizeof(off)), 0);
	assert_int_equal(alloc_ctl("debug.guard_sample", NULL, NULL, &off, sizeof(off)), 0);
	static const size_t sizes[] = {24, 200, 3000, 70000};
	pthread_t t[2];
	pthread_barrier_init(&start, NULL, 3);
	pthread_barrier_init(&done, NULL, 3);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, racer, NULL), 0);
	uint64_t before = violations();
	void *keep[KEEP] = {0};
	for (int r = 0; r < ROUNDS; r++) {
		size_t n = sizes[r % 4];
		victim = malloc(n);
		assert_non_null(victim);
		memset(victim, 0x11, n);
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		/* The heap must still hand out distinct, intact blocks. */
		int k = r % KEEP;
		if (keep[k] && check_pattern(keep[k], 512, (uint64_t)k) != 512)
			fail_msg("block %d lost its contents after round %d", k, r);
		free(keep[k]);
		keep[k] = malloc(512);
		assert_non_null(keep[k]);
		fill_pattern(keep[k], 512, (uint64_t)k);
	}
	quit = 1;
	pthread_barrier_wait(&start);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int k = 0; k < KEEP; k++) {
		if (keep[k] && check_pattern(keep[k], 512, (uint64_t)k) != 512)
			fail_msg("block %d lost its contents", k);
		free(keep[k]);
	}
	uint64_t reported = violations() - before;
	printf("%d racing pairs, %llu double frees reported\n", ROUNDS, (unsigned long long)reported);
	assert_int_equal(reported, ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_racing_pair_is_one_free_and_one_report),
	};
	return cmocka_run_group_tests_name("racing_double_free", tests, check_allocator_under_test,
					   NULL);
}
