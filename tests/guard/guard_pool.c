/*
 * guard_pool.c - the guarded pool's behaviour, run under liballoc with
 * LIBALLOC_CONF=guard_sample:1,guard_lower:0 (every allocation the pool
 * can hold goes there while a slot is free, each against its upper guard)
 * or with guard_lower:1 (each against its lower guard): placement and
 * alignment, malloc_usable_size, calloc, the aligned entry points, realloc,
 * least-recently-freed reuse, falling back when the pool is full, the
 * bounded number of kernel mappings, threads, and fork.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#define PAGE 4096u

static uint64_t ctl_u64(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	assert_int_equal(alloc_ctl(name, &v, &len, NULL, 0), 0);
	return v;
}

static uint64_t slots, pool_base, pool_bytes, slot_bytes, lower;

static bool in_pool(const void *p)
{
	return (uintptr_t)p - pool_base < pool_bytes;
}

static int setup(void **state)
{
	(void)state;
	if (!liballoc_active() || !getenv("LIBALLOC_CONF") ||
	    !strstr(getenv("LIBALLOC_CONF"), "guard_sample:1")) {
		fprintf(stderr, "guard_pool: run under liballoc with LIBALLOC_CONF=guard_sample:1,...\n");
		return -1;
	}
	slots = ctl_u64("stats.guard_slots");
	pool_base = ctl_u64("stats.guard_pool_base");
	pool_bytes = ctl_u64("stats.guard_pool_bytes");
	lower = ctl_u64("debug.guard_lower");
	slot_bytes = ctl_u64("opt.guard_max_size");
	return slots && pool_base && pool_bytes ? 0 : -1;
}

/* Where a block of n bytes (alignment a) must be: against the guard page
 * above (its end rounded up to a is the slot's end) or the one below. */
static void assert_placed(const void *p, size_t n, size_t a)
{
	assert_true(in_pool(p));
	assert_int_equal((uintptr_t)p % a, 0);
	assert_int_equal(malloc_usable_size((void *)p), n);
	bool at_lower = (uintptr_t)p % PAGE == 0;
	bool at_upper = ((uintptr_t)p + ((n + a - 1) & ~(a - 1))) % PAGE == 0;
	if (lower == 1)
		assert_true(at_lower);
	else if (lower == 0)
		assert_true(at_upper);
	else
		assert_true(at_lower || at_upper);
}

static void every_eligible_size_is_guarded(void **state)
{
	(void)state;
	for (size_t n = 1; n <= 16384; n += n < 64 ? 1 : 61) {
		unsigned char *p = malloc(n);
		assert_placed(p, n, 16);
		fill_pattern(p, n, n);
		assert_int_equal(check_pattern(p, n, n), n);
		free(p);
	}
	/* too big for a slot: an ordinary block */
	void *big = malloc(16385);
	assert_false(in_pool(big));
	free(big);
}

static void calloc_is_zeroed(void **state)
{
	(void)state;
	/* dirty every slot first, so that callocs reuse written pages */
	for (uint64_t i = 0; i < 2 * slots; i++) {
		unsigned char *p = malloc(3000);
		memset(p, 0xee, 3000);
		free(p);
	}
	for (uint64_t i = 0; i < 2 * slots; i++) {
		unsigned char *p = calloc(100, 30);
		assert_placed(p, 3000, 16);
		for (size_t k = 0; k < 3000; k++)
			assert_int_equal(p[k], 0);
		free(p);
	}
}

static void aligned_requests_keep_their_alignment(void **state)
{
	(void)state;
	static const size_t aligns[] = { 32, 64, 256, 1024, 4096 };
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t a = aligns[i];
		void *p = NULL;
		assert_int_equal(posix_memalign(&p, a, 100), 0);
		assert_placed(p, 100, a);
		free(p);
		p = aligned_alloc(a, 3 * a);
		assert_placed(p, 3 * a, a);
		free(p);
		p = memalign(a, 1);
		assert_placed(p, 1, a);
		free(p);
	}
	/* beyond a page: not guarded, still aligned */
	void *p = aligned_alloc(8192, 100);
	assert_false(in_pool(p));
	assert_int_equal((uintptr_t)p % 8192, 0);
	free(p);
}

static void realloc_keeps_contents(void **state)
{
	(void)state;
	unsigned char *p = malloc(100);
	assert_placed(p, 100, 16);
	fill_pattern(p, 100, 7);
	assert_ptr_equal(realloc(p, 100), p); /* the same size stays */
	unsigned char *q = realloc(p, 5000);
	assert_placed(q, 5000, 16);
	assert_int_equal(check_pattern(q, 100, 7), 100);
	fill_pattern(q, 5000, 8);
	unsigned char *r = realloc(q, 40);
	assert_placed(r, 40, 16);
	assert_int_equal(check_pattern(r, 40, 8), 40);
	/* grown past a slot: out of the pool, contents kept */
	unsigned char *s = realloc(r, 100000);
	assert_false(in_pool(s));
	assert_int_equal(check_pattern(s, 40, 8), 40);
	free(s);
	assert_null(realloc(malloc(10), 0)); /* realloc(p, 0) frees p */
}

/* The slot a guarded block is in (slots follow one guard page each). */
static uint64_t slot_of(const void *p)
{
	return ((uintptr_t)p - pool_base) / (slot_bytes + PAGE);
}

/* A freed slot is reused only after every slot freed before it. */
static void least_recently_freed_slot_is_reused(void **state)
{
	(void)state;
	uint64_t free_slots = slots - ctl_u64("stats.guard_live");
	void *a = malloc(64);
	uint64_t slot = slot_of(a);
	free(a);
	for (uint64_t i = 1; i < free_slots; i++) {
		void *q = malloc(64);
		assert_true(in_pool(q));
		assert_true(slot_of(q) != slot);
		free(q);
	}
	void *again = malloc(64);
	assert_int_equal(slot_of(again), slot);
	free(again);
}

static size_t pool_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo >= pool_base &&
		    hi <= pool_base + pool_bytes)
			n++;
	}
	fclose(f);
	return n;
}

/* Every slot live: the next allocation is an ordinary one; and the pool
 * stays within 2 x slots + 1 kernel mappings, one again once all are free. */
static void full_pool_falls_back_and_mappings_stay_bounded(void **state)
{
	(void)state;
	uint64_t live = ctl_u64("stats.guard_live"); /* the test harness's own */
	void **held = calloc(slots, sizeof(void *));
	assert_true(in_pool(held)); /* itself one of the slots */
	for (uint64_t i = 0; i + 1 < slots - live; i++) {
		held[i] = malloc(200);
		assert_placed(held[i], 200, 16);
	}
	uint64_t full = ctl_u64("stats.guard_full");
	void *extra = malloc(200);
	assert_false(in_pool(extra));
	assert_true(malloc_usable_size(extra) >= 200);
	assert_true(ctl_u64("stats.guard_full") >= full);
	size_t live_maps = pool_mappings();
	printf("pool of %llu slots, all live: %zu kernel mappings\n", (unsigned long long)slots,
	       live_maps);
	assert_true(live_maps <= 2 * slots + 1);
	assert_true(live_maps >= slots);
	free(extra);
	for (uint64_t i = 0; i + 1 < slots - live; i++)
		free(held[i]);
	free(held);
	assert_int_equal(ctl_u64("stats.guard_live"), live);
	/* (reading /proc/self/maps takes two more guarded blocks) */
	assert_true(pool_mappings() <= 2 * (live + 2) + 1);
	/* a slot is free again: allocations are guarded again */
	void *p = malloc(200);
	assert_true(in_pool(p));
	free(p);
}

enum { THREADS = 6, ROUNDS = 3000, SHARED = 64 };
static void *shared[SHARED];
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

/* Allocate, check and free sizes the pool holds; hand some blocks to the
 * other threads to free. */
static void *churn(void *arg)
{
	uint64_t r = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);
	for (int i = 0; i < ROUNDS; i++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		size_t n = 1 + (size_t)(r >> 40) % 16384;
		unsigned char *p = (r & 1) ? malloc(n) : calloc(1, n);
		if (!p)
			return (void *)1;
		fill_pattern(p, n, r);
		if (check_pattern(p, n, r) != n)
			return (void *)2;
		if (r & 6) {
			free(p);
			continue;
		}
		pthread_mutex_lock(&shared_lock);
		void *old = shared[(r >> 8) % SHARED];
		shared[(r >> 8) % SHARED] = p;
		pthread_mutex_unlock(&shared_lock);
		free(old);
	}
	return NULL;
}

static void threads_share_the_pool(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	uint64_t before = ctl_u64("stats.guard_allocs");
	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)i), 0);
	for (int i = 0; i < THREADS; i++) {
		void *rc;
		pthread_join(t[i], &rc);
		assert_null(rc);
	}
	for (int i = 0; i < SHARED; i++) {
		free(shared[i]);
		shared[i] = NULL;
	}
	uint64_t guarded = ctl_u64("stats.guard_allocs") - before;
	printf("%llu allocations guarded (the threads made %d)\n", (unsigned long long)guarded, THREADS * ROUNDS);
	assert_true(guarded > 0);
}

static volatile int stop;
static void *hammer(void *arg)
{
	(void)arg;
	while (!stop) {
		void *p = malloc(300);
		free(realloc(p, 600));
	}
	return NULL;
}

/* The child of a fork made while other threads use the pool has a
 * consistent pool: it frees the parent's guarded blocks and makes its own. */
static void fork_child_has_a_consistent_pool(void **state)
{
	(void)state;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (int round = 0; round < 30; round++) {
		unsigned char *mine = malloc(500);
		fill_pattern(mine, 500, 5);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int bad = check_pattern(mine, 500, 5) != 500;
			free(mine);
			for (int i = 0; i < 200 && !bad; i++) {
				unsigned char *p = malloc(1 + i * 50);
				fill_pattern(p, 1 + i * 50, i);
				bad = check_pattern(p, 1 + i * 50, i) != 1 + (size_t)i * 50;
				free(p);
			}
			_exit(bad ? 1 : 0);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		free(mine);
	}
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_eligible_size_is_guarded),
		cmocka_unit_test(calloc_is_zeroed),
		cmocka_unit_test(aligned_requests_keep_their_alignment),
		cmocka_unit_test(realloc_keeps_contents),
		cmocka_unit_test(least_recently_freed_slot_is_reused),
		cmocka_unit_test(full_pool_falls_back_and_mappings_stay_bounded),
		cmocka_unit_test(threads_share_the_pool),
		cmocka_unit_test(fork_child_has_a_consistent_pool),
	};
	start_watchdog(300);
	return cmocka_run_group_tests_name("guard_pool", tests, setup, NULL);
}
