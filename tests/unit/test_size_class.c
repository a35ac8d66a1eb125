/* Size classes: coverage, waste bound, lookup table, slot-index division. */
#include "unit.h"

#include "core/size_class.h"

static void every_size_gets_a_fitting_class(void **state)
{
	(void)state;
	unsigned prev = 0;
	for (size_t s = 0; s <= SMALL_MAX; s++) {
		unsigned c = size_to_class(s);
		assert_true(c < NCLASSES);
		assert_true(class_size(c) >= s);
		/* The smallest class that fits: the one below is too small. */
		if (c > 0)
			assert_true(class_size(c - 1) < s);
		assert_true(c >= prev);
		prev = c;
	}
}

static void internal_waste_is_bounded(void **state)
{
	(void)state;
	/* Every class is a multiple of 16 (glibc's alignment); beyond that
	 * quantum at most a quarter of a block is slack. */
	for (size_t s = 1; s <= SMALL_MAX; s++) {
		size_t c = class_size(size_to_class(s));
		assert_int_equal(c % 16, 0);
		size_t waste = c - s;
		assert_true(waste < 16 || waste * 4 <= c);
	}
}

static void lookup_table_matches_computation(void **state)
{
	(void)state;
	for (size_t s = 0; s <= LOOKUP_MAX; s++)
		assert_int_equal(size_to_class(s), size_to_class_slow(s ? s : 1));
}

static void slot_index_is_exact_division(void **state)
{
	(void)state;
	for (unsigned c = 0; c < NCLASSES; c++) {
		const struct size_class *sc = &la_classes[c];
		size_t slab = (size_t)sc->slab_pages * PAGE;
		assert_true(sc->nobjs >= 1 && sc->nobjs <= SLAB_MAX_OBJS);
		assert_true((size_t)sc->nobjs * sc->size <= slab);
		/* every offset of the slab, including its unused tail */
		for (size_t off = 0; off < slab; off++) {
			if (class_slot_index(c, off) != off / sc->size)
				fail_msg("class %u offset %zu: index %u", c, off, class_slot_index(c, off));
			if (class_slot_start(c, off) != (off % sc->size == 0))
				fail_msg("class %u offset %zu: slot start wrong", c, off);
		}
	}
}

static void slabs_waste_little(void **state)
{
	(void)state;
	for (unsigned c = 0; c < NCLASSES; c++) {
		const struct size_class *sc = &la_classes[c];
		size_t slab = (size_t)sc->slab_pages * PAGE;
		size_t waste = slab - (size_t)sc->nobjs * sc->size;
		assert_true(waste * 8 <= slab); /* at most 12.5% of a slab unused */
	}
}

int main(void)
{
	size_classes_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_size_gets_a_fitting_class),
		cmocka_unit_test(internal_waste_is_bounded),
		cmocka_unit_test(lookup_table_matches_computation),
		cmocka_unit_test(slot_index_is_exact_division),
		cmocka_unit_test(slabs_waste_little),
	};
	return cmocka_run_group_tests_name("size_class", tests, NULL, NULL);
}
