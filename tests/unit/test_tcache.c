/* Thread caches: bins grow for batches bigger than they are, within a
 * budget, and shrink back when the periodic step finds them grown. */
#include <stdlib.h>

#include "unit.h"

#include "core/size_class.h"
#include "core/tcache.h"

enum { BATCH = 600, SIZE = 256 };

static void *blocks[BATCH];

/* Allocates a batch of one size and frees it all: the glibc-simple and
 * sh6bench shape that makes a fixed-size bin go back and forth. */
static void batch_round(void)
{
	for (int i = 0; i < BATCH; i++) {
		blocks[i] = malloc(SIZE);
		assert_non_null(blocks[i]);
	}
	for (int i = 0; i < BATCH; i++)
		free(blocks[i]);
}

static void bins_grow_for_batches_then_shrink(void **state)
{
	(void)state;
	unsigned cls = size_to_class(SIZE), t = cls + 1;
	free(malloc(SIZE)); /* sets the thread up, no growth yet */
	uint32_t base = la_tc.max[t];
	assert_true(base > 0 && base < BATCH);
	for (int r = 0; r < 8; r++)
		batch_round();
	uint32_t grown = la_tc.max[t];
	assert_true(grown > base);
	assert_true(grown <= 4 * base);
	assert_true(la_tc.grown_bytes >= (grown - base) * class_size(cls));
	/* Once grown, a round no longer goes to the arena at all. */
	uint64_t fills = la_tc.slot->class_fill[cls], flushes = la_tc.slot->class_flush[cls];
	batch_round();
	if (grown >= BATCH) {
		assert_int_equal(la_tc.slot->class_fill[cls], fills);
		assert_int_equal(la_tc.slot->class_flush[cls], flushes);
	}
	/* The cache's count stays consistent with its limit throughout. */
	assert_true(tcache_count(&la_tc, cls) <= la_tc.max[t]);
	/* The periodic step halves grown bins, round robin, down to the base. */
	for (int i = 0; i < 8 * NCLASSES; i++)
		tcache_gc_step();
	assert_int_equal(la_tc.max[t], base);
	assert_int_equal(la_tc.grown_bytes, 0);
	assert_true(tcache_count(&la_tc, cls) <= base);
	/* and the blocks that were flushed can still be allocated. */
	batch_round();
}

static void growth_stays_within_the_budget(void **state)
{
	(void)state;
	/* Every class at once: the sum of growth is capped. */
	for (int r = 0; r < 6; r++)
		for (size_t size = 16; size <= 4096; size *= 2) {
			void *p[BATCH];
			for (int i = 0; i < BATCH; i++)
				assert_non_null(p[i] = malloc(size));
			for (int i = 0; i < BATCH; i++)
				free(p[i]);
		}
	assert_true(la_tc.grown_bytes <= (1u << 20));
	uint64_t sum = 0;
	for (unsigned c = 0; c < NCLASSES; c++)
		sum += (uint64_t)tcache_count(&la_tc, c) * class_size(c);
	/* what the caches hold is bounded by base sizes plus the budget */
	assert_true(sum <= (uint64_t)NCLASSES * (128u << 10) + (1u << 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bins_grow_for_batches_then_shrink),
		cmocka_unit_test(growth_stays_within_the_budget),
	};
	return cmocka_run_group_tests_name("tcache", tests, NULL, NULL);
}
