/* Page map, page heap (coalescing, alignment, in-place resize) and purge. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "unit.h"

#include "sys/conf.h"
#include "core/extent.h"
#include "core/pagemap.h"
#include "core/size_class.h"
#include "stats/stats.h"

static void pagemap_knows_only_our_pages(void **state)
{
	(void)state;
	int on_stack;
	static int global;
	void *foreign = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(foreign != MAP_FAILED);
	assert_int_equal(pagemap_get(&on_stack), 0);
	assert_int_equal(pagemap_get(&global), 0);
	assert_int_equal(pagemap_get(foreign), 0);
	assert_int_equal(pagemap_get(NULL), 0);
	munmap(foreign, PAGE);

	void *p = malloc(100);
	uintptr_t v = pagemap_get(p);
	assert_true(v != 0);
	/* Slab pages carry class + 1 in the low bits. */
	assert_int_equal((v & PM_CLASS_MASK) - 1, size_to_class(100));
	free(p);
}

static void large_extent_registers_first_and_last_page(void **state)
{
	(void)state;
	bool zeroed;
	struct extent *e = extent_alloc(16 * PAGE, PAGE, 0, &zeroed);
	assert_non_null(e);
	assert_int_equal(e->state, EX_LARGE);
	assert_int_equal(pagemap_get((void *)e->addr), (uintptr_t)e);
	assert_int_equal(pagemap_get((void *)(e->addr + 15 * PAGE)), (uintptr_t)e);
	/* Interior pages of a large block are not a block start. */
	assert_int_equal(pagemap_get((void *)(e->addr + 7 * PAGE)), 0);
	extent_free(e);
}

static void freed_neighbours_coalesce(void **state)
{
	(void)state;
	bool z;
	/* Three runs carved in order from one free run are adjacent. */
	struct extent *a = extent_alloc(4 * PAGE, PAGE, 0, &z);
	struct extent *b = extent_alloc(4 * PAGE, PAGE, 0, &z);
	struct extent *c = extent_alloc(4 * PAGE, PAGE, 0, &z);
	assert_true(a && b && c);
	assert_int_equal(b->addr, a->addr + 4 * PAGE);
	assert_int_equal(c->addr, b->addr + 4 * PAGE);
	uintptr_t base = a->addr;
	extent_free(a);
	extent_free(c);
	extent_free(b);
	/* One free run now spans at least the 12 pages. */
	struct extent *merged = (struct extent *)pagemap_get((void *)base);
	assert_non_null(merged);
	assert_true(merged->state == EX_DIRTY || merged->state == EX_CLEAN);
	assert_int_equal(merged->addr, base);
	assert_true(merged->size >= 12 * PAGE);
	/* ... and it is reused, lowest address first. */
	struct extent *again = extent_alloc(12 * PAGE, PAGE, 0, &z);
	assert_int_equal(again->addr, base);
	extent_free(again);
}

static void aligned_extents_are_aligned(void **state)
{
	(void)state;
	bool z;
	for (size_t align = 2 * PAGE; align <= ((size_t)4 << 20); align <<= 1) {
		struct extent *e = extent_alloc(3 * PAGE, align, 0, &z);
		assert_non_null(e);
		assert_int_equal(e->addr % align, 0);
		assert_int_equal(e->size, 3 * PAGE);
		extent_free(e);
	}
}

static void large_blocks_resize_in_place(void **state)
{
	(void)state;
	bool z;
	struct extent *e = extent_alloc(8 * PAGE, PAGE, 0, &z);
	struct extent *guard = extent_alloc(PAGE, PAGE, 0, &z);
	uintptr_t addr = e->addr;
	assert_true(extent_shrink(e, 2 * PAGE));
	assert_int_equal(e->size, 2 * PAGE);
	/* The tail it gave back lies between e and guard: grow into it. */
	assert_true(extent_grow(e, 6 * PAGE));
	assert_int_equal(e->addr, addr);
	assert_int_equal(e->size, 6 * PAGE);
	assert_int_equal(pagemap_get((void *)(addr + 5 * PAGE)), (uintptr_t)e);
	extent_free(e);
	extent_free(guard);
}

static void trim_returns_every_dirty_page(void **state)
{
	(void)state;
	bool z;
	struct extent *e = extent_alloc((size_t)8 << 20, PAGE, 0, &z);
	memset((void *)e->addr, 1, (size_t)8 << 20);
	uint64_t purged_before = la_globals->purged_bytes;
	extent_free(e);
	size_t n = extent_purge(PURGE_TRIM);
	assert_true(n >= ((size_t)8 << 20));
	assert_int_equal(la_globals->dirty_bytes, 0);
	assert_true(la_globals->purged_bytes >= purged_before + ((size_t)8 << 20));
	/* Returned pages read back as zero when reused. */
	struct extent *again = extent_alloc((size_t)8 << 20, PAGE, 0, &z);
	assert_true(z);
	extent_free(again);
	extent_purge(PURGE_TRIM);
}

static void decay_purges_only_aged_runs(void **state)
{
	(void)state;
	bool z;
	la_conf.dirty_decay_ms = 100000; /* nothing ages during the test */
	struct extent *e = extent_alloc((size_t)2 << 20, PAGE, 0, &z);
	extent_free(e);
	assert_int_equal(extent_purge(PURGE_DECAY), 0);
	assert_true(la_globals->dirty_bytes >= ((size_t)2 << 20));
	la_conf.dirty_decay_ms = 0; /* everything has aged */
	assert_true(extent_purge(PURGE_DECAY) >= ((size_t)2 << 20));
	assert_int_equal(la_globals->dirty_bytes, 0);
	la_conf.dirty_decay_ms = 5000;
}

static void threshold_caps_dirty_memory(void **state)
{
	(void)state;
	bool z;
	size_t old_min = la_conf.dirty_min;
	extent_purge(PURGE_TRIM); /* also forgets earlier tests' reuse */
	la_conf.dirty_min = (size_t)4 << 20;
	struct extent *e = extent_alloc((size_t)32 << 20, PAGE, 0, &z);
	extent_free(e); /* 32 MiB dirty > 4 MiB allowed: purged at once */
	assert_true(la_globals->dirty_bytes <= ((size_t)4 << 20));
	la_conf.dirty_min = old_min;
}

static void reused_dirty_pages_are_kept(void **state)
{
	(void)state;
	bool z;
	size_t old_min = la_conf.dirty_min;
	extent_purge(PURGE_TRIM);
	la_conf.dirty_min = (size_t)4 << 20;
	/* 16 MiB freed, taken back and freed again: the second free is of
	 * pages the program reuses, so the limit covers them. */
	struct extent *e = extent_alloc((size_t)16 << 20, PAGE, 0, &z);
	extent_free(e);
	uint64_t purged = la_globals->purged_bytes;
	for (int i = 0; i < 4; i++) {
		e = extent_alloc((size_t)16 << 20, PAGE, 0, &z);
		assert_non_null(e);
		extent_free(e);
	}
	assert_true(la_globals->dirty_bytes >= ((size_t)16 << 20));
	/* The first free was purged (no reuse yet); later rounds were kept:
	 * at most one more purge of 16 MiB while the credit built up. */
	assert_true(la_globals->purged_bytes - purged <= ((size_t)16 << 20));
	/* malloc_trim returns them and forgets the reuse. */
	extent_purge(PURGE_TRIM);
	assert_int_equal(la_globals->dirty_bytes, 0);
	e = extent_alloc((size_t)16 << 20, PAGE, 0, &z);
	extent_free(e);
	assert_true(la_globals->dirty_bytes <= ((size_t)4 << 20));
	la_conf.dirty_min = old_min;
}

/* Runs freed at different times and merged or split keep the age list
 * (which decay purges from its old end) ordered by the time they became
 * dirty; a merged run is as old as its oldest part. */
static void merged_and_split_runs_keep_age_order(void **state)
{
	(void)state;
	bool z;
	struct timespec ms = {0, 3 * 1000 * 1000};
	la_conf.dirty_decay_ms = 100000;
	extent_purge(PURGE_TRIM);
	size_t run = (size_t)256 << 10;
	/* a b | s1 | c d | s2 | e, the s runs staying in use as walls */
	enum { A, B, S1, C, D, S2, E, N };
	struct extent *r[N];
	for (int i = 0; i < N; i++)
		r[i] = extent_alloc(run, PAGE, 0, &z);
	int order[] = {E, A, C, D, B}; /* D merges into C's run, B into A's */
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		nanosleep(&ms, NULL);
		extent_free(r[order[k]]);
		assert_true(extent_age_list_consistent());
	}
	/* Taking part of a dirty run splits it; the rest keeps its stamp. */
	for (int k = 0; k < 3; k++) {
		struct extent *part = extent_alloc(run / 2, PAGE, 0, &z);
		assert_true(extent_age_list_consistent());
		nanosleep(&ms, NULL);
		extent_free(part);
		assert_true(extent_age_list_consistent());
	}
	extent_free(r[S1]);
	extent_free(r[S2]);
	assert_true(extent_age_list_consistent());
	extent_purge(PURGE_TRIM);
	assert_true(extent_age_list_consistent());
	la_conf.dirty_decay_ms = 5000;
}

/* A request no dirty run holds alone takes a dirty run together with the
 * clean pages beside it (one side, or both), not a clean run elsewhere:
 * its resident pages are used and only the rest is faulted in. */
static void dirty_run_extends_into_clean_neighbours(void **state)
{
	(void)state;
	bool z;
	la_conf.dirty_decay_ms = 100000;
	extent_purge(PURGE_TRIM);
	size_t run = 8 * PAGE;
	/* a b c d e w, carved in order: adjacent; w keeps the rest away */
	enum { A, B, C, D, E, W, N };
	struct extent *r[N];
	for (int i = 0; i < N; i++) {
		r[i] = extent_alloc(run, PAGE, 0, &z);
		assert_non_null(r[i]);
		if (i)
			assert_int_equal(r[i]->addr, r[i - 1]->addr + run);
	}
	uintptr_t at[N];
	for (int i = 0; i < N; i++)
		at[i] = r[i]->addr;

	/* One side: c clean, b dirty; 12 pages start at b. */
	extent_free(r[C]);
	extent_purge(PURGE_TRIM);
	memset((void *)at[B], 0x5a, run);
	extent_free(r[B]);
	struct extent *one = extent_alloc(12 * PAGE, PAGE, 0, &z);
	assert_non_null(one);
	assert_int_equal(one->addr, at[B]);
	assert_false(z); /* part of it is the old, resident b */
	assert_int_equal(((unsigned char *)at[B])[run - 1], 0x5a);
	assert_true(extent_age_list_consistent());
	extent_free(one);

	/* Both sides: b and d clean, c dirty between them; 20 pages need
	 * all of d and the last 4 pages of b. */
	extent_purge(PURGE_TRIM); /* b and c: one clean run again */
	r[B] = extent_alloc(run, PAGE, 0, &z);
	r[C] = extent_alloc(run, PAGE, 0, &z);
	assert_int_equal(r[B]->addr, at[B]);
	assert_int_equal(r[C]->addr, at[C]);
	extent_free(r[B]);
	extent_free(r[D]);
	extent_purge(PURGE_TRIM);
	extent_free(r[C]);
	struct extent *both = extent_alloc(20 * PAGE, PAGE, 0, &z);
	assert_non_null(both);
	assert_int_equal(both->addr, at[C] - 4 * PAGE);
	assert_false(z);
	assert_true(extent_age_list_consistent());
	extent_free(both);
	extent_free(r[A]);
	extent_free(r[E]);
	extent_free(r[W]);
	extent_purge(PURGE_TRIM);
	assert_true(extent_age_list_consistent());
	la_conf.dirty_decay_ms = 5000;
}

int main(void)
{
	free(malloc(1)); /* initialise liballoc */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pagemap_knows_only_our_pages),
		cmocka_unit_test(large_extent_registers_first_and_last_page),
		cmocka_unit_test(freed_neighbours_coalesce),
		cmocka_unit_test(aligned_extents_are_aligned),
		cmocka_unit_test(large_blocks_resize_in_place),
		cmocka_unit_test(trim_returns_every_dirty_page),
		cmocka_unit_test(decay_purges_only_aged_runs),
		cmocka_unit_test(threshold_caps_dirty_memory),
		cmocka_unit_test(reused_dirty_pages_are_kept),
		cmocka_unit_test(merged_and_split_runs_keep_age_order),
		cmocka_unit_test(dirty_run_extends_into_clean_neighbours),
	};
	return cmocka_run_group_tests_name("extent", tests, NULL, NULL);
}
