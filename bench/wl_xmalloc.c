/*
 * wl_xmalloc.c - producer/consumer in the manner of xmalloc-test: in each
 * pair one thread only allocates and the other only frees, so every free
 * is a remote free and the freeing thread's cache never feeds its own
 * allocations. Blocks travel in batches through a small bounded queue.
 * 'threads' is the number of pairs.
 */
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { XM_BATCH = 64, XM_QUEUE = 16, XM_MIN = 16, XM_MAX = 512 };

struct xm_batch {
	void *ptr[XM_BATCH];
	size_t size[XM_BATCH];
};

/* One bounded FIFO of batches between a producer and its consumer. */
struct xm_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct xm_batch slots[XM_QUEUE];
	unsigned head, tail; /* tail - head = batches queued */
	int done;
} __attribute__((aligned(64)));

struct xm_shared {
	struct xm_queue *queues;
	long batches;
};

static void *xm_producer(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct xm_shared *sh = ctx->shared;
	struct xm_queue *q = &sh->queues[ctx->index / 2];
	struct bench_result *res = &ctx->res;
	struct rng r;
	rng_seed(&r, ctx->bp->seed, (uint64_t)ctx->index);
	uint64_t seq = (uint64_t)ctx->index << 40;
	struct xm_batch b;

	for (long n = 0; n < sh->batches; n++) {
		for (int i = 0; i < XM_BATCH; i++) {
			b.size[i] = rng_range(&r, XM_MIN, XM_MAX);
			b.ptr[i] = obj_new(b.size[i], rng_mix(seq++), &res->errors);
			res->ops++;
		}
		pthread_mutex_lock(&q->lock);
		while (q->tail - q->head == XM_QUEUE)
			pthread_cond_wait(&q->changed, &q->lock);
		q->slots[q->tail % XM_QUEUE] = b;
		q->tail++;
		pthread_cond_signal(&q->changed);
		pthread_mutex_unlock(&q->lock);
	}
	pthread_mutex_lock(&q->lock);
	q->done = 1;
	pthread_cond_signal(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static void *xm_consumer(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	struct xm_shared *sh = ctx->shared;
	struct xm_queue *q = &sh->queues[ctx->index / 2];
	struct bench_result *res = &ctx->res;
	struct xm_batch b;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->tail == q->head && !q->done)
			pthread_cond_wait(&q->changed, &q->lock);
		if (q->tail == q->head) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		b = q->slots[q->head % XM_QUEUE];
		q->head++;
		pthread_cond_signal(&q->changed);
		pthread_mutex_unlock(&q->lock);
		for (int i = 0; i < XM_BATCH; i++) {
			if (!b.ptr[i])
				continue;
			res->checksum += obj_take(b.ptr[i], b.size[i], &res->errors);
			free(b.ptr[i]);
		}
	}
}

static void *xm_thread(void *arg)
{
	struct bench_thread_ctx *ctx = arg;
	return ctx->index % 2 == 0 ? xm_producer(arg) : xm_consumer(arg);
}

void wl_xmalloc(const struct bench_params *bp, struct bench_result *res)
{
	int pairs = bp->threads;
	struct xm_shared sh;
	/* aligned so that two pairs never share a queue's cache line */
	sh.queues = aligned_alloc(64, (size_t)pairs * sizeof(struct xm_queue));
	if (!sh.queues) {
		fprintf(stderr, "bench: out of memory for %d queues\n", pairs);
		exit(2);
	}
	memset(sh.queues, 0, (size_t)pairs * sizeof(struct xm_queue));
	sh.batches = scaled(bp, 100000) / pairs;
	for (int i = 0; i < pairs; i++) {
		pthread_mutex_init(&sh.queues[i].lock, NULL);
		pthread_cond_init(&sh.queues[i].changed, NULL);
	}
	bench_run_threads(bp, 2 * pairs, &sh, xm_thread, res);
	for (int i = 0; i < pairs; i++) {
		pthread_mutex_destroy(&sh.queues[i].lock);
		pthread_cond_destroy(&sh.queues[i].changed);
	}
	free(sh.queues);
}
