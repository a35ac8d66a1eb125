/*
 * wl_sh6bench.c - mixed sizes in the manner of MicroQuill's sh6bench: each
 * thread allocates runs of blocks whose sizes sweep up and down a range,
 * frees every other block, allocates the gaps again with other sizes, then
 * frees everything in reverse order. Exercises many size classes at once,
 * LIFO and interleaved frees, and holes between live blocks.
 */
#include "bench_common.h"

#include <stdlib.h>

enum { SH6_RUN = 2000, SH6_MIN = 1, SH6_MAX = 1000 };

struct sh6_shared {
	long rounds;
};

static size_t sh6_size(long i, long round)
{
	/* a triangle wave over [SH6_MIN, SH6_MAX], shifted each round */
	long span = SH6_MAX - SH6_MIN;
	long pos = (i * 7 + round * 13) % (2 * span);
	return (size_t)(SH6_MIN + (pos < span ? pos : 2 * span - pos));
}

static void *sh6_thread(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct sh6_shared *sh = ctx->shared;
	struct bench_result *res = &ctx->res;
	void **blk = xcalloc_or_die(SH6_RUN, sizeof(void *));
	size_t *len = xcalloc_or_die(SH6_RUN, sizeof(size_t));
	uint64_t seq = (uint64_t)ctx->index << 40;

	for (long round = 0; round < sh->rounds; round++) {
		for (size_t i = 0; i < SH6_RUN; i++)
			slot_replace(blk, len, i, sh6_size((long)i, round), seq++, res);
		for (size_t i = 0; i < SH6_RUN; i += 2)
			slot_replace(blk, len, i, sh6_size(SH6_RUN - (long)i, round + 1), seq++, res);
		for (size_t i = SH6_RUN; i-- > 0;)
			slot_release(blk, len, i, res);
	}
	free(blk);
	free(len);
	return NULL;
}

void wl_sh6bench(const struct bench_params *bp, struct bench_result *res)
{
	struct sh6_shared sh = {.rounds = scaled(bp, 8000) / bp->threads};
	bench_run_threads(bp, bp->threads, &sh, sh6_thread, res);
}
