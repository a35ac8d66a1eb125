/* The slab heap always yields the lowest-address non-full slab. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "core/slab_heap.h"

#define N 500

static struct extent slabs[N];

static void pops_in_address_order(void **state)
{
	(void)state;
	struct extent *root = NULL;
	unsigned seed = 12345;
	for (int i = 0; i < N; i++) {
		memset(&slabs[i], 0, sizeof(slabs[i]));
		seed = seed * 1103515245u + 12345u;
		slabs[i].addr = ((uintptr_t)(seed % 100000) << 12) | (uintptr_t)i;
		root = slab_heap_insert(root, &slabs[i]);
	}
	uintptr_t last = 0;
	for (int i = 0; i < N; i++) {
		assert_non_null(root);
		assert_true(root->addr >= last);
		last = root->addr;
		root = slab_heap_pop(root);
	}
	assert_null(root);
}

static void removing_any_slab_keeps_order(void **state)
{
	(void)state;
	struct extent *root = NULL;
	for (int i = 0; i < N; i++) {
		memset(&slabs[i], 0, sizeof(slabs[i]));
		slabs[i].addr = (uintptr_t)((i * 7919) % N + 1) << 12;
		root = slab_heap_insert(root, &slabs[i]);
	}
	/* Pop a few so the heap has structure, then remove every third. */
	int removed[N] = {0};
	for (int k = 0; k < 10; k++) {
		struct extent *min = root;
		root = slab_heap_pop(root);
		removed[min - slabs] = 1;
	}
	for (int i = 0; i < N; i += 3)
		if (!removed[i]) {
			root = slab_heap_remove(root, &slabs[i]);
			removed[i] = 1;
		}
	int left = 0;
	for (int i = 0; i < N; i++)
		left += !removed[i];
	uintptr_t last = 0;
	for (int i = 0; i < left; i++) {
		assert_non_null(root);
		assert_false(removed[root - slabs]);
		assert_true(root->addr > last);
		last = root->addr;
		root = slab_heap_pop(root);
	}
	assert_null(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pops_in_address_order),
		cmocka_unit_test(removing_any_slab_keeps_order),
	};
	return cmocka_run_group_tests_name("slab_heap", tests, NULL, NULL);
}
