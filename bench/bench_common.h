/*
 * bench_common.h - shared pieces of the allocator workloads: parameters,
 * results, a deterministic RNG, object tagging (so a broken allocator shows
 * up as a checksum error), threads, and process measurements.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* What one run of a workload is asked to do. */
struct bench_params {
	int threads;        /* worker threads (pairs for producer/consumer) */
	double scale;       /* multiplies the default iteration counts */
	uint64_t seed;      /* base seed; every thread derives its own */
};

/*
 * What one run of a workload (or one of its threads) produced. The checksum
 * is a commutative sum over object contents, so it does not depend on
 * thread scheduling nor on addresses: every allocator must give the same.
 */
struct bench_result {
	uint64_t checksum;
	uint64_t errors;    /* objects whose contents were not as written */
	uint64_t ops;       /* allocations performed, for ops/s */
	char extra[256];    /* workload-specific key=value pairs, may be empty */
};

typedef void (*bench_fn)(const struct bench_params *, struct bench_result *);

struct workload {
	const char *name;
	const char *models;      /* one line: which real-world shape it imitates */
	int multithreaded;       /* 1 if the thread count changes the shape */
	bench_fn run;
};

/* All workloads, terminated by a zeroed entry (bench_registry.c). */
extern const struct workload bench_workloads[];

/* ---- deterministic RNG (splitmix64 seeding + xorshift64*) ---- */
struct rng {
	uint64_t s;
};

uint64_t rng_mix(uint64_t x);
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

static inline uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [lo, hi]. */
static inline size_t rng_range(struct rng *r, size_t lo, size_t hi)
{
	return lo + (size_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* Log-uniform in [lo, hi]: as many blocks per size octave. */
size_t rng_log_range(struct rng *r, size_t lo, size_t hi);

/* Mostly-small size mix: 16..256 common, up to 'hi' rare. */
size_t rng_skewed_size(struct rng *r, size_t hi);

/* ---- object tagging ---- */

/*
 * Write a tag into a fresh block: the first (up to) 8 bytes hold the tag,
 * the last 8 bytes its complement when the block is big enough.
 */
void obj_fill(void *p, size_t size, uint64_t tag);

/*
 * Read back a block written by obj_fill, count a mismatch between head and
 * tail as an error, and return the tag (truncated to the block size) for
 * the checksum.
 */
uint64_t obj_take(const void *p, size_t size, uint64_t *errors);

/* Allocate and tag, counting a NULL return as an error. */
void *obj_new(size_t size, uint64_t tag, uint64_t *errors);

/* ---- tables of tagged blocks ("slots"), as most workloads keep ---- */

/* Verify and free the block in slot i, if any, and leave the slot empty. */
static inline void slot_release(void **blk, const size_t *len, size_t i,
				struct bench_result *res)
{
	if (blk[i]) {
		res->checksum += obj_take(blk[i], len[i], &res->errors);
		free(blk[i]);
		blk[i] = NULL;
	}
}

/* Replace slot i's block (if any) by a fresh one of 'size' bytes. */
static inline void slot_replace(void **blk, size_t *len, size_t i, size_t size, uint64_t tag,
				struct bench_result *res)
{
	slot_release(blk, len, i, res);
	len[i] = size;
	blk[i] = obj_new(size, tag, &res->errors);
	res->ops++;
}

/* Release slots [0, n). */
static inline void slots_release_all(void **blk, const size_t *len, size_t n,
				     struct bench_result *res)
{
	for (size_t i = 0; i < n; i++)
		slot_release(blk, len, i, res);
}

/* ---- helpers ---- */
long scaled(const struct bench_params *bp, long base);
void *xcalloc_or_die(size_t n, size_t size);

/*
 * Start 'n' threads running fn(i) with per-thread results, join them and
 * sum their results into 'total'.
 */
struct bench_thread_ctx {
	const struct bench_params *bp;
	int index;
	void *shared;               /* workload-specific shared state */
	struct bench_result res;
};
void bench_run_threads(const struct bench_params *bp, int n, void *shared,
		       void *(*fn)(void *), struct bench_result *total);

/* Resident set size of this process now, in KiB (from /proc/self/statm). */
long bench_rss_kb(void);

/* Anonymous mappings in /proc/self/maps (no file behind them). */
int bench_anon_mappings(void);

/*
 * Count the anonymous mappings now and keep the maximum: workloads call it
 * where their live set is largest (once, not in loops: it reads
 * /proc/self/maps). Thread-safe.
 */
void bench_sample_mappings(void);
int bench_peak_mappings(void);

#endif
