/*
 * wl_large_window.c - a sliding window of big buffers: 20 slots each
 * holding a block of 5-25 MiB (uniform), one slot picked at random per
 * step and given a fresh block. The fresh block is allocated and zeroed
 * before the slot's old one is freed, as assigning a new value-initialised
 * buffer to a smart pointer does in C++, so 21 blocks are live at the
 * moment of each allocation. This is the shape of the malloc-large test
 * of public allocator suites: what it measures is how much address space
 * and resident memory the page heap keeps around a live set of about
 * 300 MiB whose blocks never quite fit the holes the freed ones leave.
 */
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LW_SLOTS = 20 };
#define LW_MIN ((size_t)5 << 20)
#define LW_MAX ((size_t)25 << 20)

void wl_large_window(const struct bench_params *bp, struct bench_result *res)
{
	void *blk[LW_SLOTS] = {0};
	size_t len[LW_SLOTS] = {0};
	struct rng r;
	rng_seed(&r, bp->seed, 0);
	long steps = scaled(bp, 2000);
	size_t live = 0, live_peak = 0; /* bytes requested and not yet freed */

	for (long s = 0; s < steps; s++) {
		size_t slot = rng_range(&r, 0, LW_SLOTS - 1);
		size_t size = rng_range(&r, LW_MIN, LW_MAX);
		void *fresh = malloc(size);
		if (!fresh) {
			res->errors++;
			continue;
		}
		live += size;
		if (live > live_peak)
			live_peak = live;
		memset(fresh, 0, size);
		obj_fill(fresh, size, rng_mix((uint64_t)s));
		live -= len[slot];
		slot_release(blk, len, slot, res);
		blk[slot] = fresh;
		len[slot] = size;
		res->ops++;
		if (s == steps / 2)
			bench_sample_mappings();
	}
	slots_release_all(blk, len, LW_SLOTS, res);
	/* The floor for peak RSS: no allocator can hold these in less. */
	snprintf(res->extra, sizeof(res->extra), "live_peak_kb=%zu", live_peak >> 10);
}
