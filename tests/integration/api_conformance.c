/*
 * api_conformance.c - the malloc family behaves as C, POSIX and glibc
 * promise: 16-byte alignment for every size, malloc(0) unique, ENOMEM on
 * impossible sizes, realloc keeps contents, alignment entry points honour
 * their alignment, usable size is writable. Runs on glibc and on liballoc
 * (preloaded or linked); liballoc-only cases skip on glibc with a reason.
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#define MAX_ALIGN 16

/* Sizes the compiler cannot see, so it neither warns nor folds the call. */
static volatile size_t huge_sizes[] = {
	SIZE_MAX, SIZE_MAX - 4096, SIZE_MAX / 2, (size_t)PTRDIFF_MAX + 1,
	(size_t)1 << 50,
};
#define NHUGE (sizeof huge_sizes / sizeof huge_sizes[0])

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Aligned, usable >= size, and every usable byte writable and kept. */
static void assert_block(void *p, size_t size, size_t align)
{
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % align, 0);
	size_t usable = malloc_usable_size(p);
	assert_true(usable >= size);
	fill_pattern(p, usable, usable);
	assert_int_equal(check_pattern(p, usable, usable), usable);
}

static void alignment_every_size_to_64k(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 65536; n++) {
		unsigned char *p = malloc(n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % MAX_ALIGN, 0);
		if (n) {
			p[0] = 1;
			p[n - 1] = 2;
		}
		free(p);
	}
}

/* Sizes near every power of two up to 256 MiB, all kept live at once. */
static void alignment_large_sizes(void **state)
{
	static void *live[28][5];
	const ptrdiff_t delta[5] = { -17, -1, 0, 1, 4097 };

	(void)state;
	for (int b = 16; b < 28; b++)
		for (int d = 0; d < 5; d++) {
			size_t n = (size_t)((ptrdiff_t)((size_t)1 << b) + delta[d]);
			unsigned char *p = malloc(n);
			assert_non_null(p);
			assert_int_equal((uintptr_t)p % MAX_ALIGN, 0);
			assert_true(malloc_usable_size(p) >= n);
			p[0] = (unsigned char)b;
			p[n - 1] = (unsigned char)d;
			live[b][d] = p;
		}
	for (int b = 16; b < 28; b++)
		for (int d = 0; d < 5; d++) {
			size_t n = (size_t)((ptrdiff_t)((size_t)1 << b) + delta[d]);
			unsigned char *p = live[b][d];
			assert_int_equal(p[0], b);
			assert_int_equal(p[n - 1], d);
			free(p);
		}
}

static void malloc_zero_unique_non_null(void **state)
{
	enum { N = 1000 };
	static void *p[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		p[i] = malloc(0);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % MAX_ALIGN, 0);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(p[i], p[j]);
	}
	for (int i = 0; i < N; i++)
		free(p[i]);
	free(NULL); /* a no-op, must not crash */
}

static void huge_sizes_fail_with_enomem(void **state)
{
	(void)state;
	for (size_t i = 0; i < NHUGE; i++) {
		size_t n = huge_sizes[i];
		void *p;
		errno = 0;
		assert_null(p = malloc(n));
		assert_int_equal(errno, ENOMEM);
		errno = 0;
		assert_null(p = aligned_alloc(64, n));
		assert_int_equal(errno, ENOMEM);
		errno = 0;
		assert_null(p = memalign(4096, n));
		assert_int_equal(errno, ENOMEM);
		assert_int_equal(posix_memalign(&p, 64, n), ENOMEM);
		errno = 0;
		assert_null(p = calloc(1, n));
		assert_int_equal(errno, ENOMEM);
	}
}

static void calloc_overflow_fails_with_enomem(void **state)
{
	static volatile size_t pairs[][2] = {
		{ SIZE_MAX / 2 + 1, 2 },
		{ (size_t)1 << 32, (size_t)1 << 32 },
		{ SIZE_MAX, SIZE_MAX },
		{ 3, SIZE_MAX / 3 + 1 },
		{ (size_t)1 << 40, (size_t)1 << 24 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		errno = 0;
		void *p = calloc(pairs[i][0], pairs[i][1]);
		assert_null(p);
		assert_int_equal(errno, ENOMEM);
	}
}

/* calloc must zero even memory that was dirtied and freed just before. */
static void calloc_zeroes_reused_memory(void **state)
{
	const size_t sizes[] = { 1, 16, 48, 500, 4096, 20000, 100000, 1 << 20, 5 << 20 };

	(void)state;
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		for (int round = 0; round < 4; round++) {
			unsigned char *d = malloc(sizes[s]);
			assert_non_null(d);
			memset(d, 0xa5, malloc_usable_size(d));
			free(d);
			unsigned char *z = calloc(1, sizes[s]);
			assert_non_null(z);
			for (size_t i = 0; i < sizes[s]; i++)
				if (z[i] != 0)
					fail_msg("calloc(%zu) byte %zu is %#x", sizes[s], i, z[i]);
			free(z);
		}
	}
	void *p = calloc(0, 8);
	assert_non_null(p);
	free(p);
}

static void realloc_keeps_contents_growing_and_shrinking(void **state)
{
	const uint64_t seed = 42;
	size_t n = 1;
	unsigned char *p = malloc(n);

	(void)state;
	fill_pattern(p, n, seed);
	/* Grow by about 1.3x through small, page-run and huge sizes. */
	while (n < (64u << 20)) {
		size_t m = n + n / 3 + 1;
		unsigned char *q = realloc(p, m);
		assert_non_null(q);
		assert_int_equal((uintptr_t)q % MAX_ALIGN, 0);
		size_t bad = check_pattern(q, n, seed);
		if (bad != n)
			fail_msg("realloc %zu -> %zu lost byte %zu", n, m, bad);
		fill_pattern(q, m, seed);
		p = q;
		n = m;
	}
	while (n > 1) {
		size_t m = n / 3;
		unsigned char *q = realloc(p, m + 1);
		assert_non_null(q);
		size_t bad = check_pattern(q, m + 1, seed);
		if (bad != m + 1)
			fail_msg("realloc %zu -> %zu lost byte %zu", n, m + 1, bad);
		p = q;
		n = m;
	}
	free(p);
}

static void realloc_null_acts_as_malloc(void **state)
{
	(void)state;
	for (size_t n = 0; n < 5000; n += 7) {
		void *p = realloc(NULL, n);
		assert_block(p, n, MAX_ALIGN);
		free(p);
	}
	void *p = realloc(NULL, 1 << 20);
	assert_block(p, 1 << 20, MAX_ALIGN);
	free(p);
}

/*
 * glibc frees the block and returns NULL for realloc(p, 0). A leak would
 * show as 40 GiB of address space after this loop.
 */
static void realloc_to_zero_frees_like_glibc(void **state)
{
	size_t before = vm_size_bytes();

	(void)state;
	/* 1000 x 4 MiB: a leak would grow the address space by 4 GiB, past
	 * the 1 GiB bound, and junk-filling modes stay quick enough. */
	for (int i = 0; i < 1000; i++) {
		unsigned char *p = malloc(4 << 20);
		assert_non_null(p);
		p[0] = 1;
		assert_null(realloc(p, 0));
	}
	for (int i = 0; i < 100000; i++) {
		void *p = malloc(100);
		assert_non_null(p);
		escape(p);
		assert_null(realloc(p, 0));
	}
	assert_true(vm_size_bytes() < before + (1u << 30));
}

static void realloc_failure_keeps_block(void **state)
{
	(void)state;
	for (size_t start = 16; start <= (1 << 22); start <<= 3) {
		unsigned char *p = malloc(start);
		fill_pattern(p, start, 7);
		for (size_t i = 0; i < NHUGE; i++) {
			errno = 0;
			unsigned char *q = realloc(p, huge_sizes[i]);
			assert_null(q);
			assert_int_equal(errno, ENOMEM);
			if (!q) /* p stays valid only when realloc failed */
				assert_int_equal(check_pattern(p, start, 7), start);
		}
		free(p);
	}
}

/* Asking for exactly the usable size must not move the block. */
static void realloc_within_usable_size_stays(void **state)
{
	(void)state;
	if (debug_checks_requested())
		SKIP_TEST("realloc in place: debug checks move every block on realloc "
			  "to catch stale pointers");
	for (size_t n = 1; n < (8 << 20); n = n * 2 + 3) {
		void *p = malloc(n);
		size_t usable = malloc_usable_size(p);
		assert_ptr_equal(realloc(p, usable), p);
		free(p);
	}
}

static void reallocarray_checks_overflow(void **state)
{
	static volatile size_t big = SIZE_MAX / 4 + 1;
	unsigned char *p = reallocarray(NULL, 100, 10);

	(void)state;
	assert_block(p, 1000, MAX_ALIGN);
	fill_pattern(p, 1000, 3);
	errno = 0;
	unsigned char *q = reallocarray(p, big, 8);
	assert_null(q);
	assert_int_equal(errno, ENOMEM);
	if (!q) { /* p stays valid only when reallocarray failed */
		assert_int_equal(check_pattern(p, 1000, 3), 1000);
		q = reallocarray(p, 1000, 10);
	}
	assert_non_null(q);
	assert_int_equal(check_pattern(q, 1000, 3), 1000);
	free(q);
}

static void posix_memalign_rejects_bad_alignment(void **state)
{
	static volatile size_t bad[] = { 0, 1, 2, 3, 4, 12, 24, 48, 96, 4095, 4097,
					 (1 << 20) + 8, SIZE_MAX };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		void *p = (void *)0x1;
		int saved = errno = 1234;
		assert_int_equal(posix_memalign(&p, bad[i], 64), EINVAL);
		assert_int_equal(errno, saved); /* reports by return value only */
	}
}

/* Every power-of-two alignment from 1 to 4 MiB, sizes around it. */
static void aligned_entry_points_honour_alignment(void **state)
{
	(void)state;
	for (size_t a = 1; a <= ((size_t)4 << 20); a <<= 1) {
		const size_t sizes[] = { 1, 7, a > 1 ? a - 1 : 1, a, a + 1, 3 * a, 100000 };
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			size_t n = sizes[s];
			void *p = aligned_alloc(a, n);
			assert_block(p, n, a);
			free(p);
			p = memalign(a, n);
			assert_block(p, n, a);
			free(p);
			if (a >= sizeof(void *)) {
				p = NULL;
				assert_int_equal(posix_memalign(&p, a, n), 0);
				assert_block(p, n, a);
				free(p);
			}
		}
	}
}

/* Many aligned blocks live at once must not overlap. */
static void aligned_blocks_do_not_overlap(void **state)
{
	enum { N = 512 };
	static unsigned char *p[N];
	static size_t len[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		size_t a = (size_t)1 << (i % 14);
		len[i] = (size_t)(i * 37 % 3000) + 1;
		p[i] = aligned_alloc(a, len[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % a, 0);
		memset(p[i], i & 0xff, len[i]);
	}
	for (int i = 0; i < N; i++) {
		for (size_t k = 0; k < len[i]; k++)
			if (p[i][k] != (i & 0xff))
				fail_msg("block %d byte %zu overwritten", i, k);
		free(p[i]);
	}
}

static void valloc_and_pvalloc_are_page_aligned(void **state)
{
	const size_t pg = page_size();
	const size_t sizes[] = { 1, 100, pg - 1, pg, pg + 1, 10 * pg + 5, 1 << 20 };

	(void)state;
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		void *p = valloc(n);
		assert_block(p, n, pg);
		free(p);
		p = pvalloc(n);
		assert_block(p, (n + pg - 1) / pg * pg, pg); /* whole pages usable */
		free(p);
	}
	void *p = pvalloc(0);
	assert_non_null(p);
	free(p);
}

static void usable_size_is_writable(void **state)
{
	(void)state;
	assert_int_equal(malloc_usable_size(NULL), 0);
	for (size_t n = 0; n < 70000; n = n < 64 ? n + 1 : n + n / 8) {
		void *p = malloc(n);
		assert_block(p, n, MAX_ALIGN);
		void *q = malloc(n);
		assert_block(q, n, MAX_ALIGN);
		/* Filling p's usable bytes must not have touched q. */
		size_t uq = malloc_usable_size(q);
		assert_int_equal(check_pattern(q, uq, uq), uq);
		fill_pattern(p, malloc_usable_size(p), 99);
		assert_int_equal(check_pattern(q, uq, uq), uq);
		free(p);
		free(q);
	}
}

static void free_sized_variants(void **state)
{
	/* Through volatile: with strong declarations the test is constant. */
	void (*volatile have_sized)(void *, size_t) = free_sized;
	void (*volatile have_aligned)(void *, size_t, size_t) = free_aligned_sized;

	(void)state;
	if (!have_sized || !have_aligned)
		SKIP_TEST("free_sized/free_aligned_sized: this libc (glibc < 2.39) has none");
	free_sized(NULL, 0);
	free_aligned_sized(NULL, 64, 0);
	for (int round = 0; round < 3; round++) {
		for (size_t n = 1; n < (4 << 20); n = n * 3 / 2 + 1) {
			void *p = malloc(n);
			assert_block(p, n, MAX_ALIGN);
			free_sized(p, n);
			p = calloc(n, 1);
			assert_non_null(p);
			free_sized(p, n);
			for (size_t a = 16; a <= 65536; a <<= 4) {
				size_t rounded = (n + a - 1) / a * a;
				p = aligned_alloc(a, rounded);
				assert_block(p, rounded, a);
				free_aligned_sized(p, a, rounded);
			}
		}
	}
}

static void malloc_trim_returns(void **state)
{
	enum { N = 2000 };
	static void *p[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		p[i] = malloc(8192);
		assert_non_null(p[i]);
		memset(p[i], 1, 8192);
	}
	for (int i = 0; i < N; i++)
		free(p[i]);
	int r = malloc_trim(0);
	assert_true(r == 0 || r == 1);
	r = malloc_trim(1 << 20);
	assert_true(r == 0 || r == 1);
	void *q = malloc(8192); /* still usable after trimming */
	assert_block(q, 8192, MAX_ALIGN);
	free(q);
}

/* In-use bytes follow what the program holds; free space stays sane. */
static void mallinfo2_tracks_usage(void **state)
{
	enum { N = 4000, SZ = 1000 };
	static void *p[N];

	(void)state;
	struct mallinfo2 before = mallinfo2();
	for (int i = 0; i < N; i++) {
		p[i] = malloc(SZ);
		assert_non_null(p[i]);
		memset(p[i], 2, SZ);
	}
	struct mallinfo2 held = mallinfo2();
	for (int i = 0; i < N; i++)
		free(p[i]);
	struct mallinfo2 after = mallinfo2();

	assert_true(held.uordblks >= before.uordblks + (size_t)N * SZ);
	assert_true(held.uordblks < before.uordblks + (size_t)N * SZ * 2);
	assert_true(after.uordblks + (size_t)N * SZ <= held.uordblks);
	assert_true(held.arena + held.hblkhd >= held.uordblks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alignment_every_size_to_64k),
		cmocka_unit_test(alignment_large_sizes),
		cmocka_unit_test(malloc_zero_unique_non_null),
		cmocka_unit_test(huge_sizes_fail_with_enomem),
		cmocka_unit_test(calloc_overflow_fails_with_enomem),
		cmocka_unit_test(calloc_zeroes_reused_memory),
		cmocka_unit_test(realloc_keeps_contents_growing_and_shrinking),
		cmocka_unit_test(realloc_null_acts_as_malloc),
		cmocka_unit_test(realloc_to_zero_frees_like_glibc),
		cmocka_unit_test(realloc_failure_keeps_block),
		cmocka_unit_test(realloc_within_usable_size_stays),
		cmocka_unit_test(reallocarray_checks_overflow),
		cmocka_unit_test(posix_memalign_rejects_bad_alignment),
		cmocka_unit_test(aligned_entry_points_honour_alignment),
		cmocka_unit_test(aligned_blocks_do_not_overlap),
		cmocka_unit_test(valloc_and_pvalloc_are_page_aligned),
		cmocka_unit_test(usable_size_is_writable),
		cmocka_unit_test(free_sized_variants),
		cmocka_unit_test(malloc_trim_returns),
		cmocka_unit_test(mallinfo2_tracks_usage),
	};
	start_watchdog(30); /* the whole run takes seconds, even with debug checks */
	return cmocka_run_group_tests_name("api_conformance", tests, check_allocator_under_test, NULL);
}
