/*
 * mapping_count.c - liballoc reserves address space in regions that grow
 * geometrically, so 6.5 GiB allocated in 1 MiB blocks, with foreign mmaps
 * made in between (which stop regions from simply merging), adds at most
 * 64 anonymous mappings. Only one byte per block is touched to keep the
 * resident set small. liballoc only: glibc adds thousands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "testutil.h"

enum {
	BLOCK = 1 << 20,
	NBLOCKS = 6656, /* 6.5 GiB */
	FOREIGN_EVERY = 64,
	NFOREIGN = NBLOCKS / FOREIGN_EVERY,
	MAX_NEW_MAPPINGS = 64,
};

static void *blocks[NBLOCKS];
static void *foreign[NFOREIGN];

static void large_heap_adds_few_mappings(void **state)
{
	size_t nforeign = 0;

	(void)state;
	if (!liballoc_active())
		SKIP_TEST("mapping_count: liballoc only (glibc maps every 1 MiB block on its own)");
	size_t before = count_anon_mappings(NULL, 0);
	for (int i = 0; i < NBLOCKS; i++) {
		blocks[i] = malloc(BLOCK);
		assert_non_null(blocks[i]);
		((volatile char *)blocks[i])[i % BLOCK] = 1;
		if (i % FOREIGN_EVERY == FOREIGN_EVERY - 1) {
			/* Read-only, so it never merges with the allocator's mappings. */
			void *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			assert_true(f != MAP_FAILED);
			foreign[nforeign++] = f;
		}
	}
	size_t after = count_anon_mappings(foreign, nforeign);
	printf("anonymous mappings: %zu before, %zu after %d x 1 MiB (%zu foreign excluded)\n",
	       before, after, NBLOCKS, nforeign);
	assert_true(after <= before + MAX_NEW_MAPPINGS);
	for (int i = 0; i < NBLOCKS; i++)
		free(blocks[i]);
	for (size_t i = 0; i < nforeign; i++)
		munmap(foreign[i], 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(large_heap_adds_few_mappings),
	};
	return cmocka_run_group_tests_name("mapping_count", tests, check_allocator_under_test, NULL);
}
