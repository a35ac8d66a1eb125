/*
 * wl_micro.c - the micro set of issue 2, aimed at single paths:
 *  - small-pairs: malloc immediately followed by free, 16-128 bytes: the
 *    thread-cache fast path and nothing else.
 *  - mixed-heap: one thread, 10000 live blocks of mostly-small random sizes
 *    (up to 64 KiB), a random one replaced each step: a realistic heap with
 *    cache misses, slab refills and the occasional large block.
 * (The producer/consumer and large-allocation cases are the
 * xmalloc and large workloads.)
 */
#include "bench_common.h"

#include <stdlib.h>

void wl_small_pairs(const struct bench_params *bp, struct bench_result *res)
{
	long pairs = scaled(bp, 40000000);
	for (long i = 0; i < pairs; i++) {
		size_t size = 16 + (size_t)(i & 7) * 16;
		unsigned char *p = malloc(size);
		if (!p) {
			res->errors++;
			continue;
		}
		p[0] = (unsigned char)i;
		res->checksum += p[0];
		free(p);
	}
	res->ops = (uint64_t)pairs;
}

enum { MH_SLOTS = 10000, MH_MAX = 65536 };

void wl_mixed_heap(const struct bench_params *bp, struct bench_result *res)
{
	void **blk = xcalloc_or_die(MH_SLOTS, sizeof(void *));
	size_t *len = xcalloc_or_die(MH_SLOTS, sizeof(size_t));
	struct rng r;
	rng_seed(&r, bp->seed, 0);
	long steps = scaled(bp, 5000000);

	for (long s = 0; s < steps; s++) {
		size_t slot = rng_range(&r, 0, MH_SLOTS - 1);
		slot_replace(blk, len, slot, rng_skewed_size(&r, MH_MAX), (uint64_t)s, res);
	}
	bench_sample_mappings();
	slots_release_all(blk, len, MH_SLOTS, res);
	free(blk);
	free(len);
}
