/*
 * rss_return.c - an idle program gets freed memory back: after 256 MiB of
 * 64 KiB blocks are freed and the program then allocates only a little,
 * the resident set falls under 64 MiB within the decay time + 2 s; and
 * malloc_trim(0) returns it at once. liballoc only: glibc and the other
 * allocators keep much of it, which is what this guards against.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#define DECAY_CONF "dirty_decay_ms:1000"
enum {
	DECAY_MS = 1000,
	GRACE_MS = 2000,
	POLL_MS = 100,
	BLOCK = 64 << 10,
	NBLOCKS = (256 << 20) / BLOCK,
};
#define RSS_LIMIT ((size_t)64 << 20)

static void *blocks[NBLOCKS];

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Allocates and touches 256 MiB, then frees it in a scattered order. */
static void allocate_and_free_256m(void)
{
	for (int i = 0; i < NBLOCKS; i++) {
		blocks[i] = malloc(BLOCK);
		assert_non_null(blocks[i]);
		memset(blocks[i], 0x5a, BLOCK);
	}
	size_t peak = rss_bytes();
	printf("rss with 256 MiB live: %zu MiB\n", peak >> 20);
	assert_true(peak >= (size_t)NBLOCKS * BLOCK);
	for (int stride = 0; stride < 7; stride++)
		for (int i = stride; i < NBLOCKS; i += 7)
			free(blocks[i]);
}

/* "A little allocation": what an idle event loop does between polls. */
static void little_allocation(void)
{
	void *p[8];
	for (int i = 0; i < 8; i++) {
		p[i] = malloc((size_t)(i + 1) * 40);
		escape(p[i]);
	}
	for (int i = 0; i < 8; i++)
		free(p[i]);
}

static void idle_program_returns_memory_within_decay(void **state)
{
	(void)state;
	if (!liballoc_active())
		SKIP_TEST("rss_return: liballoc only (glibc has no timed decay of freed pages)");
	allocate_and_free_256m();
	long start = now_ms(), waited = 0;
	size_t rss = rss_bytes();
	while (rss >= RSS_LIMIT && waited <= DECAY_MS + GRACE_MS) {
		little_allocation();
		nanosleep(&(struct timespec){ 0, POLL_MS * 1000000L }, NULL);
		rss = rss_bytes();
		waited = now_ms() - start;
	}
	printf("rss %zu MiB after %ld ms idle (limit %zu MiB within %d ms)\n", rss >> 20, waited,
	       RSS_LIMIT >> 20, DECAY_MS + GRACE_MS);
	assert_true(rss < RSS_LIMIT);
}

static void malloc_trim_returns_memory_at_once(void **state)
{
	(void)state;
	if (!liballoc_active())
		SKIP_TEST("rss_return: liballoc only (glibc has no timed decay of freed pages)");
	allocate_and_free_256m();
	malloc_trim(0);
	size_t rss = rss_bytes();
	printf("rss right after malloc_trim(0): %zu MiB\n", rss >> 20);
	assert_true(rss < RSS_LIMIT);
}

int main(int argc, char **argv)
{
	/* The decay time is read once at start-up: re-run with it set. */
	const char *conf = getenv("LIBALLOC_CONF");
	if (argc > 0 && (!conf || !strstr(conf, DECAY_CONF))) {
		char buf[1024];
		snprintf(buf, sizeof buf, "%s%s" DECAY_CONF, conf ? conf : "", conf && *conf ? "," : "");
		setenv("LIBALLOC_CONF", buf, 1);
		execv("/proc/self/exe", argv);
		perror("rss_return: re-exec with LIBALLOC_CONF");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idle_program_returns_memory_within_decay),
		cmocka_unit_test(malloc_trim_returns_memory_at_once),
	};
	return cmocka_run_group_tests_name("rss_return", tests, check_allocator_under_test, NULL);
}
