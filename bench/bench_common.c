/* bench_common.c - RNG, object tagging, threads and measurements shared by workloads. */
#include "bench_common.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t rng_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	r->s = rng_mix(seed ^ rng_mix(stream + 1));
	if (r->s == 0)
		r->s = 1; /* xorshift must not start at zero */
}

size_t rng_log_range(struct rng *r, size_t lo, size_t hi)
{
	int lo_bit = 63 - __builtin_clzll(lo);
	int hi_bit = 63 - __builtin_clzll(hi);
	int bit = (int)rng_range(r, (size_t)lo_bit, (size_t)hi_bit);
	size_t base = (size_t)1 << bit;
	size_t size = base + (size_t)(rng_next(r) % base);
	if (size < lo)
		size = lo;
	if (size > hi)
		size = hi;
	return size;
}

size_t rng_skewed_size(struct rng *r, size_t hi)
{
	uint64_t pick = rng_next(r) % 100;
	if (pick < 80)
		return rng_range(r, 16, 256 < hi ? 256 : hi);
	if (pick < 97)
		return rng_range(r, 257 < hi ? 257 : hi, 4096 < hi ? 4096 : hi);
	return rng_log_range(r, 4097 < hi ? 4097 : hi, hi);
}

void obj_fill(void *p, size_t size, uint64_t tag)
{
	unsigned char *b = p;
	memcpy(b, &tag, size < 8 ? size : 8);
	if (size >= 16) {
		uint64_t inv = ~tag;
		memcpy(b + size - 8, &inv, 8);
	}
}

uint64_t obj_take(const void *p, size_t size, uint64_t *errors)
{
	const unsigned char *b = p;
	uint64_t tag = 0;
	memcpy(&tag, b, size < 8 ? size : 8);
	if (size >= 16) {
		uint64_t inv;
		memcpy(&inv, b + size - 8, 8);
		if (inv != ~tag)
			(*errors)++;
	}
	return tag;
}

void *obj_new(size_t size, uint64_t tag, uint64_t *errors)
{
	void *p = malloc(size);
	if (!p) {
		(*errors)++;
		return NULL;
	}
	obj_fill(p, size, tag);
	return p;
}

long scaled(const struct bench_params *bp, long base)
{
	double v = (double)base * bp->scale;
	return v < 1.0 ? 1 : (long)v;
}

void *xcalloc_or_die(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p) {
		fprintf(stderr, "bench: out of memory allocating %zu x %zu bytes\n", n, size);
		exit(2);
	}
	return p;
}

void bench_run_threads(const struct bench_params *bp, int n, void *shared,
		       void *(*fn)(void *), struct bench_result *total)
{
	pthread_t *tids = xcalloc_or_die((size_t)n, sizeof(*tids));
	struct bench_thread_ctx *ctx = xcalloc_or_die((size_t)n, sizeof(*ctx));
	for (int i = 0; i < n; i++) {
		ctx[i].bp = bp;
		ctx[i].index = i;
		ctx[i].shared = shared;
		int err = pthread_create(&tids[i], NULL, fn, &ctx[i]);
		if (err) {
			fprintf(stderr, "bench: pthread_create: %s\n", strerror(err));
			exit(2);
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(tids[i], NULL);
		total->checksum += ctx[i].res.checksum;
		total->errors += ctx[i].res.errors;
		total->ops += ctx[i].res.ops;
	}
	free(ctx);
	free(tids);
}

long bench_rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages_total = 0, pages_resident = 0;
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2)
		pages_resident = -1;
	fclose(f);
	return pages_resident < 0 ? -1 : pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int peak_mappings;

void bench_sample_mappings(void)
{
	int now = bench_anon_mappings();
	int seen = __atomic_load_n(&peak_mappings, __ATOMIC_RELAXED);
	while (now > seen &&
	       !__atomic_compare_exchange_n(&peak_mappings, &seen, now, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}

int bench_peak_mappings(void)
{
	bench_sample_mappings();
	return __atomic_load_n(&peak_mappings, __ATOMIC_RELAXED);
}

int bench_anon_mappings(void)
{
	/* Read with a fixed buffer: this runs at the end, and must not itself
	 * allocate through the allocator under test more than stdio does. */
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int count = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long inode = 0;
		char path[256] = "";
		/* start-end perms offset dev inode [path] */
		if (sscanf(line, "%*s %*s %*s %*s %lu %255s", &inode, path) < 1)
			continue;
		if (inode != 0)
			continue;
		if (path[0] == '\0' || strcmp(path, "[heap]") == 0 ||
		    strncmp(path, "[anon", 5) == 0)
			count++;
		/* a line longer than the buffer continues on the next read */
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			;
	}
	fclose(f);
	return count;
}
