/*
 * wl_espresso.c - many small objects with mixed lifetimes, in the manner of
 * espresso (a logic minimiser that manipulates covers: lists of cubes, each
 * a small bit vector). A long-lived cover is repeatedly combined pairwise;
 * the results live in short-lived linked lists, some of which replace cubes
 * of the cover, the rest are dropped. Objects of 16-80 bytes, some freed at
 * once, some surviving many rounds.
 */
#include "bench_common.h"

#include <stdlib.h>

enum { ES_COVER = 256, ES_MAX_WORDS = 8 };

struct cube {
	uint32_t words;
	uint64_t bits[];
};

struct cube_node {
	struct cube_node *next;
	struct cube *cube;
};

static struct cube *cube_new(uint32_t words, uint64_t *errors)
{
	struct cube *c = malloc(sizeof(*c) + words * sizeof(uint64_t));
	if (!c)
		(*errors)++;
	else
		c->words = words;
	return c;
}

static struct cube *cube_random(struct rng *r, uint64_t *errors)
{
	struct cube *c = cube_new((uint32_t)rng_range(r, 1, ES_MAX_WORDS), errors);
	if (c)
		for (uint32_t w = 0; w < c->words; w++)
			c->bits[w] = rng_next(r) | rng_next(r);
	return c;
}

static unsigned cube_weight(const struct cube *c)
{
	unsigned n = 0;
	for (uint32_t w = 0; w < c->words; w++)
		n += (unsigned)__builtin_popcountll(c->bits[w]);
	return n;
}

/* a AND b over the shorter length, NULL if (nearly) empty. */
static struct cube *cube_meet(const struct cube *a, const struct cube *b, uint64_t *errors)
{
	uint32_t words = a->words < b->words ? a->words : b->words;
	unsigned weight = 0;
	for (uint32_t w = 0; w < words; w++)
		weight += (unsigned)__builtin_popcountll(a->bits[w] & b->bits[w]);
	if (weight < words * 20)
		return NULL;
	struct cube *c = cube_new(words, errors);
	if (c)
		for (uint32_t w = 0; w < words; w++)
			c->bits[w] = a->bits[w] & b->bits[w];
	return c;
}

void wl_espresso(const struct bench_params *bp, struct bench_result *res)
{
	struct cube *cover[ES_COVER];
	struct rng r;
	rng_seed(&r, bp->seed, 0);
	for (int i = 0; i < ES_COVER; i++)
		cover[i] = cube_random(&r, &res->errors);

	long rounds = scaled(bp, 72000);
	for (long round = 0; round < rounds; round++) {
		struct cube_node *list = NULL;
		/* combine a window of the cover pairwise into a fresh list */
		int base = (int)rng_range(&r, 0, ES_COVER - 1);
		for (int a = 0; a < 24; a++) {
			for (int b = a + 1; b < 24; b++) {
				const struct cube *x = cover[(base + a) % ES_COVER];
				const struct cube *y = cover[(base + b) % ES_COVER];
				if (!x || !y)
					continue;
				struct cube *m = cube_meet(x, y, &res->errors);
				if (!m)
					continue;
				struct cube_node *node = malloc(sizeof(*node));
				if (!node) {
					res->errors++;
					free(m);
					continue;
				}
				node->cube = m;
				node->next = list;
				list = node;
				res->ops += 2;
			}
		}
		/* some results replace cover cubes (long-lived), the rest die now */
		while (list) {
			struct cube_node *node = list;
			list = node->next;
			res->checksum += cube_weight(node->cube);
			if (rng_next(&r) % 8 == 0) {
				int victim = (int)rng_range(&r, 0, ES_COVER - 1);
				free(cover[victim]);
				cover[victim] = node->cube;
			} else {
				free(node->cube);
			}
			free(node);
		}
		/* keep the cover from decaying to empty cubes */
		int fresh = (int)rng_range(&r, 0, ES_COVER - 1);
		free(cover[fresh]);
		cover[fresh] = cube_random(&r, &res->errors);
		res->ops++;
	}
	for (int i = 0; i < ES_COVER; i++) {
		if (cover[i]) {
			res->checksum += cube_weight(cover[i]);
			free(cover[i]);
		}
	}
}
