/*
 * cross_thread_free.c - blocks allocated by one thread and freed by
 * another keep their contents and never overlap a live block. Producers
 * allocate and pattern-fill; consumers receive the blocks through a
 * shared queue, verify every byte and free them, while allocating and
 * checking blocks of their own so both kinds of free mix in each arena.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

enum {
	PRODUCERS = 4,
	CONSUMERS = 4,
	ITEMS_PER_PRODUCER = 40000,
	QUEUE_CAP = 1024,
	OWN_LIVE = 64, /* blocks each consumer keeps of its own */
};

struct item {
	unsigned char *p;
	size_t size;
	uint64_t seed;
};

/* Bounded multi-producer multi-consumer queue; the lock is the test's. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	struct item ring[QUEUE_CAP];
	size_t head, count;
	int producers_left;
} q = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
	{ { 0 } }, 0, 0, PRODUCERS };

static void queue_put(struct item it)
{
	pthread_mutex_lock(&q.lock);
	while (q.count == QUEUE_CAP)
		pthread_cond_wait(&q.not_full, &q.lock);
	q.ring[(q.head + q.count++) % QUEUE_CAP] = it;
	pthread_cond_signal(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
}

/* Returns false once every producer is done and the queue is empty. */
static bool queue_take(struct item *it)
{
	pthread_mutex_lock(&q.lock);
	while (q.count == 0 && q.producers_left > 0)
		pthread_cond_wait(&q.not_empty, &q.lock);
	bool got = q.count > 0;
	if (got) {
		*it = q.ring[q.head];
		q.head = (q.head + 1) % QUEUE_CAP;
		q.count--;
		pthread_cond_signal(&q.not_full);
	}
	pthread_mutex_unlock(&q.lock);
	return got;
}

static void producer_done(void)
{
	pthread_mutex_lock(&q.lock);
	q.producers_left--;
	pthread_cond_broadcast(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Mostly small sizes, some page-sized, a few large ones. */
static size_t random_size(uint64_t *rng)
{
	uint64_t r = xorshift(rng);
	switch (r % 16) {
	case 0:
		return (size_t)(r >> 8) % (256 << 10) + 1;
	case 1: case 2:
		return (size_t)(r >> 8) % 16384 + 1;
	default:
		return (size_t)(r >> 8) % 512 + 1;
	}
}

static unsigned long corrupt_blocks; /* updated under q.lock */

static void report_corruption(const struct item *it, size_t at, const char *who)
{
	pthread_mutex_lock(&q.lock);
	if (corrupt_blocks++ < 5)
		fprintf(stderr, "%s block %p size %zu: byte %zu wrong\n", who, (void *)it->p,
			it->size, at);
	pthread_mutex_unlock(&q.lock);
}

static void *producer(void *arg)
{
	uint64_t rng = 0x1234567ULL + (uintptr_t)arg * 7919;

	for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
		struct item it = { .size = random_size(&rng), .seed = xorshift(&rng) };
		it.p = malloc(it.size);
		if (!it.p)
			abort();
		fill_pattern(it.p, it.size, it.seed);
		queue_put(it);
	}
	producer_done();
	return NULL;
}

static void *consumer(void *arg)
{
	uint64_t rng = 0xabcdefULL + (uintptr_t)arg * 104729;
	struct item own[OWN_LIVE] = { { 0 } };
	struct item it;
	unsigned long n = 0;

	while (queue_take(&it)) {
		size_t at = check_pattern(it.p, it.size, it.seed);
		if (at != it.size)
			report_corruption(&it, at, "foreign");
		free(it.p);
		/* Replace one of our own blocks, checking it first. */
		struct item *o = &own[n++ % OWN_LIVE];
		if (o->p) {
			at = check_pattern(o->p, o->size, o->seed);
			if (at != o->size)
				report_corruption(o, at, "own");
			free(o->p);
		}
		o->size = random_size(&rng);
		o->seed = xorshift(&rng);
		o->p = malloc(o->size);
		if (!o->p)
			abort();
		fill_pattern(o->p, o->size, o->seed);
	}
	for (int i = 0; i < OWN_LIVE; i++) {
		if (own[i].p && check_pattern(own[i].p, own[i].size, own[i].seed) != own[i].size)
			report_corruption(&own[i], 0, "own");
		free(own[i].p);
	}
	return (void *)n;
}

static void cross_thread_free_keeps_contents(void **state)
{
	pthread_t prod[PRODUCERS], cons[CONSUMERS];
	unsigned long consumed = 0;

	(void)state;
	for (uintptr_t i = 0; i < CONSUMERS; i++)
		assert_int_equal(pthread_create(&cons[i], NULL, consumer, (void *)i), 0);
	for (uintptr_t i = 0; i < PRODUCERS; i++)
		assert_int_equal(pthread_create(&prod[i], NULL, producer, (void *)i), 0);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(prod[i], NULL);
	for (int i = 0; i < CONSUMERS; i++) {
		void *n;
		pthread_join(cons[i], &n);
		consumed += (unsigned long)(uintptr_t)n;
	}
	assert_int_equal(consumed, (unsigned long)PRODUCERS * ITEMS_PER_PRODUCER);
	assert_int_equal(corrupt_blocks, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cross_thread_free_keeps_contents),
	};
	return cmocka_run_group_tests_name("cross_thread_free", tests, check_allocator_under_test, NULL);
}
