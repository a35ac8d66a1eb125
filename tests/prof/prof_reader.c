/*
 * prof_reader.c - the reader side of the heap profile on fabricated
 * segments, under ASan/UBSan: as_profile_take decodes what a writer put
 * there, and a hostile or damaged profile (counts, depths, sequence
 * counters, table geometry, random bytes) is an error or a clamped value,
 * never a crash, in the reader library and in allocdump's heap outputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "allocstat.h"
#include "heap.h"
#include "segfab.h"
#include "stat_internal.h"

#define CAPACITY 8

/* segfab's segment plus a profile of three stacks (other + two). */
static unsigned char *build(size_t *len)
{
	struct segfab_spec spec = segfab_default(getpid());
	size_t base;
	unsigned char *img = segfab_build(&spec, &base);
	assert_non_null(img);
	size_t prof_at = (base + 63) & ~(size_t)63;
	size_t stacks_at = prof_at + 64;
	*len = stacks_at + CAPACITY * sizeof(struct las_stack);
	img = realloc(img, *len);
	assert_non_null(img);
	memset(img + base, 0, *len - base);
	struct las_header *h = segfab_header(img);
	h->segment_size = *len;
	h->tables[LAS_T_PROFILE] = (struct las_table){prof_at, sizeof(struct las_profile), 1};
	h->tables[LAS_T_STACKS] = (struct las_table){stacks_at, sizeof(struct las_stack), CAPACITY};
	struct las_profile *p = segfab_entry(img, LAS_T_PROFILE, 0);
	p->sample_mean = 1 << 20;
	p->capacity = CAPACITY;
	p->used = 3;
	p->unwinder = LAS_UNWIND_LIBUNWIND;
	p->samples = 13;
	struct las_stack *s = segfab_entry(img, LAS_T_STACKS, 0);
	s[0].seq = 2;
	s[0].flags = LAS_STACK_OTHER;
	s[0].live_samples = s[0].samples = 1;
	s[0].live_bytes_est = s[0].alloc_bytes_est = 1 << 20;
	s[0].live_objs_est = s[0].alloc_objs_est = 10 * LAS_PROF_OBJ_ONE;
	s[1].seq = 2;
	s[1].depth = 3;
	s[1].frames[0] = 0x401000;
	s[1].frames[1] = 0x402000;
	s[1].frames[2] = 0x403000;
	s[1].live_samples = 10;
	s[1].samples = 12;
	s[1].live_sampled_bytes = 1000;
	s[1].sampled_bytes = 1200;
	s[1].live_bytes_est = 10 << 20;
	s[1].live_objs_est = 104858 * (uint64_t)LAS_PROF_OBJ_ONE + LAS_PROF_OBJ_ONE / 2;
	s[1].alloc_bytes_est = 12 << 20;
	s[2].seq = 2;
	s[2].depth = 2;
	s[2].frames[0] = 0x404000;
	s[2].frames[1] = 0x402000;
	return img;
}

static int take(const unsigned char *img, size_t len, struct as_profile *p)
{
	struct as_segment *seg;
	struct as_error err;
	memset(p, 0, sizeof(*p));
	int rc = as_open_memory(img, len, &seg, &err);
	if (rc)
		return rc;
	rc = as_profile_take(seg, p, &err);
	as_close(seg);
	return rc;
}

/* Every heap output on p (no symbols): must not crash. */
static void outputs(struct as_profile *p)
{
	FILE *null = fopen("/dev/null", "w");
	assert_non_null(null);
	heap_text(null, p, NULL, NULL, 50);
	heap_json(null, p, NULL, NULL, 50);
	heap_folded(null, p, NULL);
	char why[256];
	heap_pprof(null, p, NULL, why, sizeof(why));
	heap_rescale_like_pprof(p);
	heap_text(null, p, NULL, NULL, 50);
	fclose(null);
}

static void decodes_what_the_writer_put(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build(&len);
	struct as_profile p;
	assert_int_equal(take(img, len, &p), AS_OK);
	assert_int_equal(p.nstacks, 3);
	assert_int_equal(p.capacity, CAPACITY);
	assert_int_equal(p.sample_mean, 1 << 20);
	assert_int_equal(p.unwinder, LAS_UNWIND_LIBUNWIND);
	assert_int_equal(p.stacks[0].flags, LAS_STACK_OTHER);
	assert_int_equal(p.stacks[1].depth, 3);
	assert_int_equal(p.stacks[1].frames[2], 0x403000);
	assert_int_equal(p.stacks[1].live_samples, 10);
	assert_true(p.stacks[1].live_objs == 104858.5);
	assert_true(p.stacks[1].live_bytes == (double)(10 << 20));
	outputs(&p);
	as_profile_free(&p);
	free(img);
}

static void hostile_values_are_clamped_or_refused(void **state)
{
	(void)state;
	size_t len;
	struct as_profile p;
	unsigned char *img = build(&len);
	struct las_profile *pr = segfab_entry(img, LAS_T_PROFILE, 0);
	struct las_stack *s = segfab_entry(img, LAS_T_STACKS, 0);

	pr->used = 0xffffffffu; /* beyond the table: clamped */
	assert_int_equal(take(img, len, &p), AS_OK);
	assert_true(p.nstacks <= CAPACITY);
	outputs(&p);
	as_profile_free(&p);
	pr->used = 3;

	s[1].depth = 100000; /* more frames than an entry holds */
	assert_int_equal(take(img, len, &p), AS_OK);
	for (uint32_t i = 0; i < p.nstacks; i++)
		assert_true(p.stacks[i].depth <= LAS_STACK_FRAMES);
	outputs(&p);
	as_profile_free(&p);
	s[1].depth = 3;

	s[2].seq = 3; /* mid-write: skipped, and said so */
	assert_int_equal(take(img, len, &p), AS_OK);
	assert_int_equal(p.nstacks, 2);
	assert_int_equal(p.unstable_records, 1);
	as_profile_free(&p);
	s[2].seq = 2;

	struct las_header *h = segfab_header(img);
	struct las_table keep = h->tables[LAS_T_STACKS];
	h->tables[LAS_T_STACKS].count = AS_STACKS_MAX + 1;
	assert_int_equal(take(img, len, &p), AS_ERR_CORRUPT);
	h->tables[LAS_T_STACKS] = keep;
	h->tables[LAS_T_STACKS].entry_size = 8;
	assert_int_equal(take(img, len, &p), AS_ERR_CORRUPT);
	h->tables[LAS_T_STACKS] = keep;
	h->tables[LAS_T_STACKS].offset = h->tables[LAS_T_PROFILE].offset;
	assert_int_equal(take(img, len, &p), AS_ERR_CORRUPT);
	h->tables[LAS_T_STACKS] = keep;
	h->tables[LAS_T_PROFILE].count = 2;
	assert_int_equal(take(img, len, &p), AS_ERR_CORRUPT);
	h->tables[LAS_T_PROFILE].count = 0; /* absent */
	assert_int_equal(take(img, len, &p), AS_ERR_NOPROFILE);
	free(img);
}

/* A segment of ABI 1.0: its header ends before the profile's tables. */
static void an_abi_1_0_segment_reads_without_a_profile(void **state)
{
	(void)state;
	struct segfab_spec spec = segfab_default(getpid());
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	struct las_header *h = segfab_header(img);
	h->abi_minor = 0;
	h->header_size = AS_HEADER_1_0_SIZE;
	/* bytes a 1.0 writer has there: its first table, here garbage */
	memset((unsigned char *)h + AS_HEADER_1_0_SIZE, 0x5a, sizeof(*h) - AS_HEADER_1_0_SIZE);
	struct as_segment *seg;
	struct as_error err;
	assert_int_equal(as_open_memory(img, len, &seg, &err), AS_OK);
	struct as_snapshot snap;
	assert_int_equal(as_snapshot_take(seg, &snap, &err), AS_OK);
	as_snapshot_free(&snap);
	struct as_profile p;
	assert_int_equal(as_profile_take(seg, &p, &err), AS_ERR_NOPROFILE);
	as_close(seg);
	free(img);
}

static void random_damage_never_crashes(void **state)
{
	(void)state;
	size_t len;
	unsigned char *clean = build(&len);
	unsigned char *img = malloc(len);
	size_t prof_at = segfab_header(clean)->tables[LAS_T_PROFILE].offset;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(img, clean, len);
		for (int k = 0; k < 1 + iter % 16; k++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			/* mostly the profile, sometimes the header's tables */
			size_t at = iter % 4 ? prof_at + rng % (len - prof_at)
					     : offsetof(struct las_header, tables) + rng % sizeof(
						       ((struct las_header *)0)->tables);
			img[at] = (unsigned char)(rng >> 32);
		}
		struct as_profile p;
		if (take(img, len, &p) == AS_OK) {
			for (uint32_t i = 0; i < p.nstacks; i++)
				assert_true(p.stacks[i].depth <= LAS_STACK_FRAMES);
			outputs(&p);
			as_profile_free(&p);
		}
	}
	free(img);
	free(clean);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_what_the_writer_put),
		cmocka_unit_test(hostile_values_are_clamped_or_refused),
		cmocka_unit_test(an_abi_1_0_segment_reads_without_a_profile),
		cmocka_unit_test(random_damage_never_crashes),
	};
	return cmocka_run_group_tests_name("prof_reader", tests, NULL, NULL);
}
