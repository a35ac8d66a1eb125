/*
 * prof_api.c - the heap profile from inside a process linked with
 * liballoc.a: alloc_ctl's prof.sample and prof.dump, the sampled blocks
 * themselves (every entry point, realloc both ways, usable size), and the
 * live counts read back from the process's own segment.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "allocstat.h"
#include "liballoc.h"

static uint64_t get_u64(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	assert_int_equal(alloc_ctl(name, &v, &len, NULL, 0), 0);
	return v;
}

static void set_sample(uint64_t v)
{
	assert_int_equal(alloc_ctl("prof.sample", NULL, NULL, &v, sizeof(v)), 0);
	/* The mean is picked up at this thread's next slow path. */
	free(malloc(40000));
}

/* Sum of the live raw samples over every stack of our own profile; the
 * reader's own allocations are made with sampling off, so they never count. */
static uint64_t live_samples(void)
{
	uint64_t mean = get_u64("prof.sample");
	set_sample(0);
	struct as_segment *seg;
	struct as_error err;
	struct as_profile p;
	assert_int_equal(as_open_pid(getpid(), NULL, 0, &seg, &err), AS_OK);
	assert_int_equal(as_profile_take(seg, &p, &err), AS_OK);
	uint64_t n = 0;
	for (uint32_t i = 0; i < p.nstacks; i++)
		n += p.stacks[i].live_samples;
	as_profile_free(&p);
	as_close(seg);
	set_sample(mean);
	return n;
}

static void sample_mean_reads_and_sets(void **state)
{
	(void)state;
	uint64_t was = get_u64("prof.sample");
	set_sample(4096);
	assert_int_equal(get_u64("prof.sample"), 4096);
	uint64_t too_big = ((uint64_t)1 << 30) + 1;
	assert_int_equal(alloc_ctl("prof.sample", NULL, NULL, &too_big, sizeof(too_big)), EINVAL);
	assert_int_equal(get_u64("prof.sample"), 4096);
	set_sample(0);
	assert_int_equal(get_u64("prof.sample"), 0);
	set_sample(was);
}

/* With a mean of 1 byte every allocation is sampled: each entry point must
 * still hand out what it promises. */
static void sampled_blocks_keep_every_promise(void **state)
{
	(void)state;
	uint64_t was = get_u64("prof.sample");
	/* Dirty pages first, so that a zeroed block cannot be zero by luck. */
	for (int i = 0; i < 64; i++) {
		char *d = malloc(4096);
		memset(d, 0x77, 4096);
		free(d);
	}
	set_sample(1);
	uint64_t before = live_samples();

	char *p = malloc(100);
	assert_non_null(p);
	assert_true(malloc_usable_size(p) >= 100);
	memset(p, 0x42, 100);

	unsigned char *z = calloc(25, 40);
	assert_non_null(z);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(z[i], 0);

	void *a = aligned_alloc(64, 128);
	assert_non_null(a);
	assert_int_equal((uintptr_t)a % 64, 0);
	void *m = NULL;
	assert_int_equal(posix_memalign(&m, 8192, 100), 0);
	assert_int_equal((uintptr_t)m % 8192, 0);
	void *v = memalign(16384, 5000);
	assert_int_equal((uintptr_t)v % 16384, 0);
	assert_int_equal(live_samples(), before + 5);

	/* Within its usable size a sampled block stays put, and keeps its sample. */
	assert_ptr_equal(realloc(p, 50), p);
	assert_int_equal(live_samples(), before + 5);
	/* Growing takes the old sample off and makes the new one (mean 1),
	 * whether the block grows in place or moves. */
	char *q = realloc(p, 100000);
	assert_non_null(q);
	for (int i = 0; i < 50; i++)
		assert_int_equal(q[i], 0x42);
	assert_int_equal(live_samples(), before + 5);

	/* Sampling off: a sampled block that outgrows its run leaves the profile. */
	set_sample(0);
	assert_ptr_equal(realloc(q, 60), q);
	char *r = realloc(q, 200000);
	assert_non_null(r);
	for (int i = 0; i < 50; i++)
		assert_int_equal(r[i], 0x42);
	assert_int_equal(live_samples(), before + 4);
	free(r);
	free(z);
	free(a);
	free(m);
	free(v);
	assert_int_equal(live_samples(), before);
	set_sample(was);
}

/* A sampled block that outgrows its run grows in place when the pages
 * after it are free, as any large block does, instead of being copied
 * into pages that all fault again (a table doubled by realloc, as ls's).
 * Every realloc is sampled: each step's sample replaces the last. */
static void sampled_growth_stays_in_place(void **state)
{
	(void)state;
	uint64_t was = get_u64("prof.sample");
	set_sample(1);
	uint64_t before = live_samples();
	size_t size = 64 << 10;
	unsigned char *p = malloc(size);
	assert_non_null(p);
	memset(p, 0x5a, size);
	unsigned in_place = 0, steps = 0;
	for (; size < (16u << 20); size *= 2, steps++) {
		unsigned char *q = realloc(p, 2 * size);
		assert_non_null(q);
		in_place += q == p;
		assert_int_equal(q[0], 0x5a);
		assert_int_equal(q[size - 1], 0x5a);
		memset(q + size, 0x5a, size);
		p = q;
		assert_int_equal(live_samples(), before + 1);
	}
	/* The first steps may move (the first run sits where it fit); the
	 * doublings after one that landed at the heap's end grow in place. */
	assert_true(in_place >= steps / 2);
	free(p);
	assert_int_equal(live_samples(), before);
	set_sample(was);
}

static void live_samples_return_to_zero(void **state)
{
	(void)state;
	enum { N = 2000 };
	static void *blocks[N];
	uint64_t was = get_u64("prof.sample");
	set_sample(1);
	uint64_t before = live_samples();
	for (int i = 0; i < N; i++) {
		blocks[i] = malloc(200);
		assert_non_null(blocks[i]);
		memset(blocks[i], 1, 200);
	}
	assert_int_equal(live_samples(), before + N);
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	assert_int_equal(live_samples(), before);
	set_sample(was);
}

static void dump_writes_a_pprof_file(void **state)
{
	(void)state;
	char path[] = "/tmp/liballoc-prof-dump.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	uint64_t was = get_u64("prof.sample");
	set_sample(512);
	void *keep = malloc(3000);
	const char *p = path;
	assert_int_equal(alloc_ctl("prof.dump", NULL, NULL, &p, sizeof(p)), 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(strncmp(line, "heap profile: ", 14), 0);
	assert_non_null(strstr(line, "@ heap_v2/512"));
	int stacks = 0, maps = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "] @ 0x"))
			stacks++;
		if (!strncmp(line, "MAPPED_LIBRARIES:", 17))
			maps = 1;
	}
	fclose(f);
	unlink(path);
	assert_true(stacks > 0);
	assert_true(maps);
	free(keep);
	set_sample(was);

	/* Bad requests: no path, a path in no directory. */
	assert_int_equal(alloc_ctl("prof.dump", NULL, NULL, NULL, 0), EINVAL);
	const char *nowhere = "/nonexistent-dir/heap";
	assert_int_equal(alloc_ctl("prof.dump", NULL, NULL, &nowhere, sizeof(nowhere)), ENOENT);
	assert_int_equal(alloc_ctl("prof.nothing", NULL, NULL, NULL, 0), ENOENT);
}

/* run_prof.sh runs this with prof_final:true and prof_prefix:PROF_API_PREFIX,
 * and then looks for the file the exit writes. */
static void exit_profile_options_read_back(void **state)
{
	(void)state;
	const char *want = getenv("PROF_API_PREFIX");
	if (!want)
		skip();
	assert_int_equal(get_u64("opt.prof_final"), 1);
	const char *prefix = NULL;
	size_t len = sizeof(prefix);
	assert_int_equal(alloc_ctl("opt.prof_prefix", &prefix, &len, NULL, 0), 0);
	assert_non_null(prefix);
	assert_string_equal(prefix, want);
	uint64_t on = 0;
	assert_int_equal(alloc_ctl("opt.prof_final", NULL, NULL, &on, sizeof(on)), EPERM);
	assert_int_equal(alloc_ctl("opt.prof_prefix", NULL, NULL, &prefix, sizeof(prefix)), EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sample_mean_reads_and_sets),
		cmocka_unit_test(sampled_blocks_keep_every_promise),
		cmocka_unit_test(sampled_growth_stays_in_place),
		cmocka_unit_test(live_samples_return_to_zero),
		cmocka_unit_test(dump_writes_a_pprof_file),
		cmocka_unit_test(exit_profile_options_read_back),
	};
	return cmocka_run_group_tests_name("prof_api", tests, NULL, NULL);
}
