/*
 * The quarantine's two bounds, seen through alloc_ctl: with a byte budget
 * far larger than what is freed, quarantine_blocks alone decides how many
 * blocks are held and when a block written after free leaves (and is
 * reported); a switch of the limit while other threads free remakes the
 * ring safely; switched off, its storage is given back.
 */
#include <errno.h>
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

static int set_u64(const char *name, uint64_t v)
{
	return alloc_ctl(name, NULL, NULL, &v, sizeof(v));
}

/* A copy the compiler cannot tie to p: taken before p is freed, it lets
 * the test write after free, and keeps malloc/free pairs in place. */
static char *opaque(char *p)
{
	char *volatile copy = p;
	return copy;
}

static void free_fresh(unsigned n, size_t size)
{
	for (unsigned i = 0; i < n; i++) {
		char *p = opaque(malloc(size));
		assert_non_null(p);
		p[0] = (char)i;
		free(p);
	}
}

/* Hand this thread's batch of freed blocks to the quarantine. */
static void flush(void)
{
	assert_int_equal(alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0), 0);
}

static int checks_on(void **state)
{
	(void)state;
	assert_int_equal(set_u64("debug.on_error", 1), 0); /* report and go on */
	assert_int_equal(set_u64("debug.backtrace", 0), 0);
	assert_int_equal(set_u64("debug.quarantine", (uint64_t)1 << 30), 0);
	return 0;
}

static int checks_off(void **state)
{
	(void)state;
	assert_int_equal(set_u64("debug.quarantine", 0), 0);
	assert_int_equal(set_u64("debug.quarantine_blocks", 65536), 0);
	return 0;
}

static void the_setting_reads_back_and_bad_values_are_refused(void **state)
{
	(void)state;
	assert_int_equal(get_u64("debug.quarantine_blocks"), 65536); /* the default */
	assert_int_equal(set_u64("debug.quarantine_blocks", 1000), 0);
	assert_int_equal(get_u64("debug.quarantine_blocks"), 1000);
	assert_int_equal(set_u64("debug.quarantine_blocks", 0), EINVAL);
	assert_int_equal(set_u64("debug.quarantine_blocks", (4u << 20) + 1), EINVAL);
	assert_int_equal(get_u64("debug.quarantine_blocks"), 1000);
	assert_int_equal(set_u64("debug.quarantine_blocks", 4u << 20), 0);
	assert_int_equal(get_u64("debug.quarantine_blocks"), 4u << 20);
	assert_int_equal(set_u64("debug.quarantine_blocks", 65536), 0);
}

static void the_block_limit_bounds_what_is_held(void **state)
{
	(void)state;
	/* not a power of two: the ring is larger (256), the limit is not */
	assert_int_equal(set_u64("debug.quarantine_blocks", 200), 0);
	free_fresh(2000, 64);
	flush();
	assert_int_equal(get_u64("stats.quarantine_blocks"), 200);
	uint64_t bytes = get_u64("stats.quarantine_bytes");
	/* far below the byte budget: the block limit alone evicted */
	assert_true(bytes >= 200 * 64 && bytes < (uint64_t)200 * 4096);
}

static void a_write_after_free_is_reported_when_the_block_limit_pushes_it_out(void **state)
{
	(void)state;
	const unsigned n = 200;
	assert_int_equal(set_u64("debug.quarantine_blocks", n), 0);
	free_fresh(n, 64); /* a full quarantine */
	flush();
	uint64_t before = get_u64("stats.violations");
	char *victim = opaque(malloc(100));
	assert_non_null(victim);
	memset(victim, 'v', 100);
	char *stale = opaque(victim);
	free(victim);
	stale[40] = 'X'; /* the bug */
	/* n - 1 later frees: the victim is the oldest block held, not out */
	free_fresh(n - 1, 64);
	flush();
	assert_int_equal(get_u64("stats.quarantine_blocks"), n);
	assert_int_equal(get_u64("stats.violations"), before);
	/* one more pushes it out: verified on the way, reported */
	free_fresh(1, 64);
	flush();
	assert_int_equal(get_u64("stats.violations"), before + 1);

	/* A block written after free and freed recently is still held: not
	 * reported by an eviction, but found where it is. */
	char *recent = opaque(malloc(100));
	assert_non_null(recent);
	stale = opaque(recent);
	free(recent);
	stale[10] = 'Y';
	free_fresh(n / 2, 64);
	flush();
	assert_int_equal(get_u64("stats.violations"), before + 1);
	assert_int_equal(alloc_check(), 1);
	assert_int_equal(get_u64("stats.violations"), before + 2);
}

static volatile int churning;

static void *churn(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&churning, __ATOMIC_RELAXED)) {
		char *p[8];
		for (int i = 0; i < 8; i++) {
			p[i] = opaque(malloc(16 + (size_t)i * 40));
			assert_non_null(p[i]);
			memset(p[i], i, 16);
		}
		for (int i = 0; i < 8; i++)
			free(p[i]);
	}
	flush();
	return NULL;
}

static void switching_the_limit_while_threads_free_is_safe(void **state)
{
	(void)state;
	static const uint64_t limits[] = {64, 100000, 1000, 1, 4096, 300000, 16};
	uint64_t before = get_u64("stats.violations");
	pthread_t t[2];
	churning = 1;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
	for (int round = 0; round < 40; round++) {
		assert_int_equal(set_u64("debug.quarantine_blocks",
					 limits[round % (sizeof(limits) / sizeof(limits[0]))]),
				 0);
		free_fresh(500, 48);
		uint64_t held = get_u64("stats.quarantine_blocks");
		assert_true(held <= 300000);
	}
	assert_int_equal(set_u64("debug.quarantine_blocks", 16), 0);
	__atomic_store_n(&churning, 0, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	flush();
	free_fresh(64, 48);
	flush();
	assert_int_equal(get_u64("stats.quarantine_blocks"), 16);
	/* nothing was written after free: moving the ring misread nothing */
	assert_int_equal(alloc_check(), 0);
	assert_int_equal(get_u64("stats.violations"), before);
}

static void switched_off_the_storage_is_given_back(void **state)
{
	(void)state;
	assert_int_equal(set_u64("debug.quarantine_blocks", 1u << 20), 0);
	free_fresh(3000, 32);
	flush();
	assert_int_equal(get_u64("stats.quarantine_blocks"), 3000);
	uint64_t with = get_u64("stats.metadata");
	assert_int_equal(set_u64("debug.quarantine", 0), 0);
	assert_int_equal(get_u64("stats.quarantine_blocks"), 0);
	/* the ring and set of 1 Mi entries: 40 MiB of address space */
	assert_true(with - get_u64("stats.metadata") >= (uint64_t)40 << 20);
}

/* A large block from before the quarantine was switched on has no debug
 * header: it is held as a plain run, claimed, so that a second free is
 * told at once (not held twice, and released twice when it leaves). */
static void a_plain_run_held_and_freed_again_is_reported_once_and_released_once(void **state)
{
	(void)state;
	assert_int_equal(set_u64("debug.quarantine", 0), 0);
	char *p = opaque(malloc(70000));
	assert_non_null(p);
	memset(p, 7, 70000);
	assert_int_equal(set_u64("debug.quarantine", (uint64_t)1 << 30), 0);
	uint64_t held = get_u64("stats.quarantine_blocks");
	uint64_t live = get_u64("stats.live_bytes");
	uint64_t bad = get_u64("stats.violations");
	char *again = opaque(p);
	free(p);
	assert_int_equal(get_u64("stats.quarantine_blocks"), held + 1);
	assert_int_equal(get_u64("stats.violations"), bad);
	free(again); /* the double free */
	assert_int_equal(get_u64("stats.violations"), bad + 1);
	assert_int_equal(get_u64("stats.quarantine_blocks"), held + 1);
	/* Switched off, the quarantine hands its blocks back: the run once. */
	assert_int_equal(set_u64("debug.quarantine", 0), 0);
	assert_int_equal(get_u64("stats.violations"), bad + 1);
	assert_true(get_u64("stats.live_bytes") <= live - 70000);
	char *q = opaque(malloc(70000)); /* the heap still works */
	assert_non_null(q);
	memset(q, 8, 70000);
	free(q);
	assert_int_equal(get_u64("stats.violations"), bad + 1);
}

int main(void)
{
	/* Exact counts of blocks held: without the samplers. A first sample
	 * loads libunwind, and the loader's own frees then enter the
	 * quarantine and push the victim out early (1 run in about 100). */
	uint64_t off = 0;
	if (set_u64("prof.sample", off) != 0 || set_u64("debug.guard_sample", off) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_setting_reads_back_and_bad_values_are_refused),
		cmocka_unit_test_setup_teardown(the_block_limit_bounds_what_is_held, checks_on,
						checks_off),
		cmocka_unit_test_setup_teardown(
			a_write_after_free_is_reported_when_the_block_limit_pushes_it_out, checks_on,
			checks_off),
		cmocka_unit_test_setup_teardown(switching_the_limit_while_threads_free_is_safe,
						checks_on, checks_off),
		cmocka_unit_test_setup_teardown(
			a_plain_run_held_and_freed_again_is_reported_once_and_released_once,
			checks_on, checks_off),
		cmocka_unit_test_setup_teardown(switched_off_the_storage_is_given_back, checks_on,
						checks_off),
	};
	return cmocka_run_group_tests_name("quarantine", tests, NULL, NULL);
}
