/*
 * wl_frag.c - fragmentation: allocate many small blocks (phase 1), free a
 * random 90% of them (phase 2), then allocate as many bytes again in a
 * different size mix (phase 3), as a cache that is flushed and refilled with
 * other data. A good allocator serves phase 3 from the memory phase 2 freed,
 * or returns that memory to the kernel; a bad one keeps the sparse pages of
 * phase 1 and maps new ones. Reports RSS after each phase.
 */
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>

enum { FR_PHASE1_MIN = 16, FR_PHASE1_MAX = 256, FR_PHASE3_MIN = 300, FR_PHASE3_MAX = 2000 };

void wl_frag(const struct bench_params *bp, struct bench_result *res)
{
	long n1 = scaled(bp, 1200000);
	void **blk1 = xcalloc_or_die((size_t)n1, sizeof(void *));
	size_t *len1 = xcalloc_or_die((size_t)n1, sizeof(size_t));
	struct rng r;
	rng_seed(&r, bp->seed, 0);
	uint64_t seq = 0;

	for (long i = 0; i < n1; i++)
		slot_replace(blk1, len1, (size_t)i, rng_range(&r, FR_PHASE1_MIN, FR_PHASE1_MAX), seq++,
			     res);
	long rss_phase1 = bench_rss_kb();
	bench_sample_mappings();

	size_t freed_bytes = 0;
	for (long i = 0; i < n1; i++) {
		if (rng_next(&r) % 10 != 0) {
			freed_bytes += len1[i];
			slot_release(blk1, len1, (size_t)i, res);
		}
	}
	long rss_phase2 = bench_rss_kb();

	/* refill with the same number of bytes in bigger blocks */
	long n3 = (long)(freed_bytes / ((FR_PHASE3_MIN + FR_PHASE3_MAX) / 2)) + 1;
	void **blk3 = xcalloc_or_die((size_t)n3, sizeof(void *));
	size_t *len3 = xcalloc_or_die((size_t)n3, sizeof(size_t));
	for (long i = 0; i < n3; i++)
		slot_replace(blk3, len3, (size_t)i, rng_range(&r, FR_PHASE3_MIN, FR_PHASE3_MAX), seq++,
			     res);
	long rss_phase3 = bench_rss_kb();
	bench_sample_mappings();

	slots_release_all(blk1, len1, (size_t)n1, res);
	slots_release_all(blk3, len3, (size_t)n3, res);
	free(blk1);
	free(len1);
	free(blk3);
	free(len3);
	snprintf(res->extra, sizeof(res->extra),
		 "rss_phase1_kb=%ld rss_phase2_kb=%ld rss_phase3_kb=%ld", rss_phase1, rss_phase2,
		 rss_phase3);
}
