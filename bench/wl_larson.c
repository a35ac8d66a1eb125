/*
 * wl_larson.c - server churn in the manner of Larson & Krishnan: each thread
 * keeps a table of live blocks and repeatedly replaces a random one. After
 * every round the tables move on to the next thread, as a server hands
 * connections between workers, so most frees are of blocks another thread
 * allocated.
 */
#include "bench_common.h"

#include <stdlib.h>

enum { LARSON_SLOTS = 2000, LARSON_ROUNDS = 20, LARSON_MIN = 16, LARSON_MAX = 1024 };

struct larson_shared {
	pthread_barrier_t barrier;
	int nthreads;
	long steps_per_round;
	void ***tables;  /* tables[i]: slot array currently owned by thread i */
	size_t **sizes;  /* block size per slot, travels with its table */
	void ***next_tables;
	size_t **next_sizes;
};

static void *larson_thread(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct larson_shared *sh = ctx->shared;
	struct bench_result *res = &ctx->res;
	struct rng r;
	rng_seed(&r, ctx->bp->seed, (uint64_t)ctx->index);
	uint64_t seq = (uint64_t)ctx->index << 40;

	for (int round = 0; round < LARSON_ROUNDS; round++) {
		void **table = sh->tables[ctx->index];
		size_t *sizes = sh->sizes[ctx->index];
		for (long i = 0; i < sh->steps_per_round; i++) {
			size_t slot = rng_range(&r, 0, LARSON_SLOTS - 1);
			size_t size = rng_range(&r, LARSON_MIN, LARSON_MAX);
			slot_replace(table, sizes, slot, size, rng_mix(seq++), res);
		}
		/* hand the table to the next thread: its blocks get freed there */
		int to = (ctx->index + 1) % sh->nthreads;
		sh->next_tables[to] = table;
		sh->next_sizes[to] = sizes;
		pthread_barrier_wait(&sh->barrier);
		sh->tables[ctx->index] = sh->next_tables[ctx->index];
		sh->sizes[ctx->index] = sh->next_sizes[ctx->index];
		pthread_barrier_wait(&sh->barrier);
	}
	/* free what this thread holds now (allocated by its neighbour) */
	bench_sample_mappings();
	slots_release_all(sh->tables[ctx->index], sh->sizes[ctx->index], LARSON_SLOTS, res);
	return NULL;
}

void wl_larson(const struct bench_params *bp, struct bench_result *res)
{
	struct larson_shared sh;
	int n = bp->threads;
	sh.nthreads = n;
	sh.steps_per_round = scaled(bp, 600000) / n;
	sh.tables = xcalloc_or_die((size_t)n, sizeof(void **));
	sh.sizes = xcalloc_or_die((size_t)n, sizeof(size_t *));
	sh.next_tables = xcalloc_or_die((size_t)n, sizeof(void **));
	sh.next_sizes = xcalloc_or_die((size_t)n, sizeof(size_t *));
	for (int i = 0; i < n; i++) {
		sh.tables[i] = xcalloc_or_die(LARSON_SLOTS, sizeof(void *));
		sh.sizes[i] = xcalloc_or_die(LARSON_SLOTS, sizeof(size_t));
	}
	pthread_barrier_init(&sh.barrier, NULL, (unsigned)n);
	bench_run_threads(bp, n, &sh, larson_thread, res);
	pthread_barrier_destroy(&sh.barrier);
	for (int i = 0; i < n; i++) {
		free(sh.tables[i]);
		free(sh.sizes[i]);
	}
	free(sh.tables);
	free(sh.sizes);
	free(sh.next_tables);
	free(sh.next_sizes);
}
