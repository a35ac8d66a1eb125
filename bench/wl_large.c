/*
 * wl_large.c - large-allocation churn: a few live blocks of 64 KiB - 32 MiB
 * (log-uniform) replaced at random, each touched once per page, as image,
 * network and compression buffers are. Measures how well the allocator
 * reuses large extents instead of mapping and faulting fresh pages each time.
 */
#include "bench_common.h"

#include <stdlib.h>

enum { LG_LIVE = 8, LG_MIN = 64 << 10, LG_MAX = 32 << 20, LG_PAGE = 4096 };

static void lg_touch(unsigned char *p, size_t size, uint64_t tag)
{
	for (size_t off = 0; off < size; off += LG_PAGE)
		p[off] = (unsigned char)(tag + off / LG_PAGE);
	obj_fill(p, size, tag);
}

static uint64_t lg_take(unsigned char *p, size_t size, uint64_t *errors)
{
	uint64_t tag = obj_take(p, size, errors);
	/* page 0 byte 0 holds the tag; check the other pages' marks */
	for (size_t off = LG_PAGE; off + 8 < size; off += LG_PAGE)
		if (p[off] != (unsigned char)(tag + off / LG_PAGE))
			(*errors)++;
	return tag;
}

void wl_large(const struct bench_params *bp, struct bench_result *res)
{
	unsigned char *blk[LG_LIVE] = {0};
	size_t len[LG_LIVE] = {0};
	struct rng r;
	rng_seed(&r, bp->seed, 0);
	long steps = scaled(bp, 600);

	for (long s = 0; s < steps; s++) {
		int slot = (int)rng_range(&r, 0, LG_LIVE - 1);
		if (blk[slot]) {
			res->checksum += lg_take(blk[slot], len[slot], &res->errors);
			free(blk[slot]);
		}
		len[slot] = rng_log_range(&r, LG_MIN, LG_MAX);
		blk[slot] = malloc(len[slot]);
		if (!blk[slot]) {
			res->errors++;
			continue;
		}
		lg_touch(blk[slot], len[slot], rng_mix((uint64_t)s));
		res->ops++;
	}
	bench_sample_mappings();
	for (int i = 0; i < LG_LIVE; i++) {
		if (blk[i]) {
			res->checksum += lg_take(blk[i], len[i], &res->errors);
			free(blk[i]);
		}
	}
}
