/*
 * wl_cache.c - false sharing caused by the allocator (cache-scratch and
 * cache-thrash, after Berger et al.'s Hoard tests). Each thread repeatedly
 * allocates a small object, writes it many times and frees it. If the
 * allocator gives two threads objects on the same cache line, the writes
 * bounce that line between cores.
 *  - cache-thrash: threads start with nothing; only the allocator's own
 *    placement can make them share a line ("active" false sharing).
 *  - cache-scratch: the main thread allocates one object per thread, all
 *    adjacent, and hands them out; each thread frees its object first, so an
 *    allocator that reuses it locally keeps the shared line ("passive").
 */
#include "bench_common.h"

#include <stdlib.h>

enum { CACHE_OBJ = 8, CACHE_WRITES = 200 };

struct cache_shared {
	long iterations;
	void **handed;  /* cache-scratch: one object per thread, NULL for thrash */
};

static void *cache_thread(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct cache_shared *sh = ctx->shared;
	struct bench_result *res = &ctx->res;
	uint64_t base = (uint64_t)ctx->index << 32;

	if (sh->handed && sh->handed[ctx->index]) {
		res->checksum += obj_take(sh->handed[ctx->index], CACHE_OBJ, &res->errors);
		free(sh->handed[ctx->index]);
	}
	for (long i = 0; i < sh->iterations; i++) {
		volatile uint64_t *obj = malloc(CACHE_OBJ);
		if (!obj) {
			res->errors++;
			continue;
		}
		res->ops++;
		for (int w = 0; w < CACHE_WRITES; w++)
			*obj = base + (uint64_t)w;
		res->checksum += *obj;
		free((void *)obj);
	}
	return NULL;
}

static void cache_run(const struct bench_params *bp, struct bench_result *res, int scratch)
{
	struct cache_shared sh = {.iterations = scaled(bp, 4800000) / bp->threads};
	if (scratch) {
		sh.handed = xcalloc_or_die((size_t)bp->threads, sizeof(void *));
		for (int i = 0; i < bp->threads; i++)
			sh.handed[i] = obj_new(CACHE_OBJ, rng_mix((uint64_t)i), &res->errors);
	}
	bench_run_threads(bp, bp->threads, &sh, cache_thread, res);
	free(sh.handed);
}

void wl_cache_scratch(const struct bench_params *bp, struct bench_result *res)
{
	cache_run(bp, res, 1);
}

void wl_cache_thrash(const struct bench_params *bp, struct bench_result *res)
{
	cache_run(bp, res, 0);
}
