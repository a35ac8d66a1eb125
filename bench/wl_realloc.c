/*
 * wl_realloc.c - buffers grown by realloc, as string builders, vectors and
 * read loops do: several live buffers each grow by small appends (and now
 * and then by doubling) to a random final size of 64 B - 1 MiB, then are
 * verified and freed. Rewards growing in place; catches realloc that loses
 * contents (every byte appended is checked at the end).
 */
#include "bench_common.h"

#include <stdlib.h>

enum { RG_LIVE = 16, RG_MAX = 1 << 20 };

struct growing {
	unsigned char *buf;
	size_t len, cap, target;
	uint64_t stream;  /* content of byte i is f(stream, i) */
};

static unsigned char rg_byte(uint64_t stream, size_t i)
{
	return (unsigned char)(stream + i * 131 + (i >> 8));
}

static void rg_start(struct growing *g, struct rng *r, uint64_t stream)
{
	g->buf = NULL;
	g->len = g->cap = 0;
	g->target = rng_log_range(r, 64, RG_MAX);
	g->stream = stream;
}

static void rg_finish(struct growing *g, struct bench_result *res)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < g->len; i++) {
		if (g->buf[i] != rg_byte(g->stream, i)) {
			res->errors++;
			break;
		}
		sum += g->buf[i];
	}
	res->checksum += sum + g->len;
	free(g->buf);
}

void wl_realloc(const struct bench_params *bp, struct bench_result *res)
{
	struct growing live[RG_LIVE];
	struct rng r;
	uint64_t stream = 0;
	rng_seed(&r, bp->seed, 0);
	for (int i = 0; i < RG_LIVE; i++)
		rg_start(&live[i], &r, stream++);

	long appends = scaled(bp, 4500000);
	for (long a = 0; a < appends; a++) {
		struct growing *g = &live[rng_range(&r, 0, RG_LIVE - 1)];
		size_t chunk = rng_range(&r, 1, 64);
		if (g->len + chunk > g->cap) {
			/* mostly exact growth (realloc does the work), sometimes doubling */
			size_t want = g->len + chunk;
			if (rng_next(&r) % 4 == 0)
				want = want * 2;
			unsigned char *nb = realloc(g->buf, want);
			if (!nb) {
				res->errors++;
				break;
			}
			g->buf = nb;
			g->cap = want;
			res->ops++;
		}
		for (size_t i = 0; i < chunk; i++, g->len++)
			g->buf[g->len] = rg_byte(g->stream, g->len);
		if (g->len >= g->target) {
			/* shrink to fit, as a finished builder would, then verify */
			unsigned char *nb = realloc(g->buf, g->len);
			if (nb)
				g->buf = nb;
			rg_finish(g, res);
			rg_start(g, &r, stream++);
		}
	}
	bench_sample_mappings();
	for (int i = 0; i < RG_LIVE; i++)
		if (live[i].buf)
			rg_finish(&live[i], res);
}
