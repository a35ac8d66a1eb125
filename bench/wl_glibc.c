/*
 * wl_glibc.c - plain malloc/free loops in the manner of glibc's own
 * benchmarks (bench-malloc-simple, bench-malloc-thread).
 *  - glibc-simple: one thread allocates a batch of N blocks of one size and
 *    frees them all, for several sizes and batch sizes: the cost of the
 *    common path with a small working set.
 *  - glibc-thread: each thread keeps 1000 slots and replaces a random one
 *    with a block of a mostly-small random size, as a busy thread-local heap.
 */
#include "bench_common.h"

#include <stdlib.h>

void wl_glibc_simple(const struct bench_params *bp, struct bench_result *res)
{
	static const size_t sizes[] = {16, 32, 64, 128, 256, 512, 1024};
	static const int batches[] = {1, 25, 100, 400};
	void *blk[400];
	long reps = scaled(bp, 1500);
	uint64_t seq = 0;

	for (long rep = 0; rep < reps; rep++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
				int n = batches[b];
				for (int k = 0; k < 100 / (n < 100 ? n : 100) + 1; k++) {
					for (int i = 0; i < n; i++)
						blk[i] = obj_new(sizes[s], seq++, &res->errors);
					for (int i = 0; i < n; i++) {
						if (!blk[i])
							continue;
						res->checksum += obj_take(blk[i], sizes[s], &res->errors);
						free(blk[i]);
					}
					res->ops += (uint64_t)n;
				}
			}
		}
	}
}

enum { GT_SLOTS = 1000, GT_MAX = 32768 };

struct gt_shared {
	long steps;
};

static void *gt_thread(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct gt_shared *sh = ctx->shared;
	struct bench_result *res = &ctx->res;
	void **blk = xcalloc_or_die(GT_SLOTS, sizeof(void *));
	size_t *len = xcalloc_or_die(GT_SLOTS, sizeof(size_t));
	struct rng r;
	rng_seed(&r, ctx->bp->seed, (uint64_t)ctx->index);
	uint64_t seq = (uint64_t)ctx->index << 40;

	for (long i = 0; i < sh->steps; i++) {
		size_t slot = rng_range(&r, 0, GT_SLOTS - 1);
		slot_replace(blk, len, slot, rng_skewed_size(&r, GT_MAX), seq++, res);
	}
	bench_sample_mappings();
	slots_release_all(blk, len, GT_SLOTS, res);
	free(blk);
	free(len);
	return NULL;
}

void wl_glibc_thread(const struct bench_params *bp, struct bench_result *res)
{
	struct gt_shared sh = {.steps = scaled(bp, 12000000) / bp->threads};
	bench_run_threads(bp, bp->threads, &sh, gt_thread, res);
}
