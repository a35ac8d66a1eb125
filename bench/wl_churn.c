/*
 * wl_churn.c - remote frees under churn: the threads share one table of
 * live blocks, and each step a thread puts a fresh block into a random slot
 * and frees the block it takes out, which any thread may have allocated.
 * With 2 threads about half of all frees are remote, spread evenly over the
 * run (in larson the tables change hands only once a round). A block's size
 * follows from its tag, so the thread that frees it can check it without
 * knowing who allocated it.
 */
#include "bench_common.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { CHURN_SLOTS = 4096, CHURN_MIN = 16, CHURN_MAX = 512 };

struct churn_shared {
	_Atomic(void *) *table;
	long steps;  /* per thread */
};

static size_t churn_size(uint64_t tag)
{
	return CHURN_MIN + (size_t)(tag % (CHURN_MAX - CHURN_MIN + 1));
}

/* Verify and free a block taken out of the table. */
static void churn_release(void *p, struct bench_result *res)
{
	uint64_t tag;
	memcpy(&tag, p, sizeof(tag));
	res->checksum += obj_take(p, churn_size(tag), &res->errors);
	free(p);
}

static void *churn_thread(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct churn_shared *sh = ctx->shared;
	struct bench_result *res = &ctx->res;
	struct rng r;
	rng_seed(&r, ctx->bp->seed, (uint64_t)ctx->index);
	uint64_t seq = (uint64_t)ctx->index << 40;

	for (long i = 0; i < sh->steps; i++) {
		uint64_t tag = rng_mix(seq++);
		void *p = obj_new(churn_size(tag), tag, &res->errors);
		res->ops++;
		size_t slot = rng_range(&r, 0, CHURN_SLOTS - 1);
		void *old = atomic_exchange_explicit(&sh->table[slot], p, memory_order_acq_rel);
		if (old)
			churn_release(old, res);
	}
	return NULL;
}

void wl_churn(const struct bench_params *bp, struct bench_result *res)
{
	struct churn_shared sh;
	sh.table = xcalloc_or_die(CHURN_SLOTS, sizeof(*sh.table));
	sh.steps = scaled(bp, 8000000) / bp->threads;
	bench_run_threads(bp, bp->threads, &sh, churn_thread, res);
	bench_sample_mappings();
	for (size_t i = 0; i < CHURN_SLOTS; i++) {
		void *p = atomic_load_explicit(&sh.table[i], memory_order_relaxed);
		if (p)
			churn_release(p, res);
	}
	free(sh.table);
}
