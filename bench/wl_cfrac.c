/*
 * wl_cfrac.c - many short-lived small objects, in the manner of cfrac (a
 * factoring program whose bignum arithmetic allocates a fresh result for
 * every operation and frees its temporaries at once). Here: a pool of small
 * bignums, repeatedly combined by multiply and add, every intermediate a new
 * heap object of 8-136 bytes. The checksum is the arithmetic result, so any
 * allocator that corrupts a live number changes it.
 */
#include "bench_common.h"

#include <stdlib.h>
#include <string.h>

enum { CF_POOL = 64, CF_MAX_LIMBS = 32 };

struct bignum {
	uint32_t n;     /* limbs in use */
	uint32_t d[];   /* little-endian base 2^32 */
};

static struct bignum *bn_new(uint32_t n, uint64_t *errors)
{
	struct bignum *b = malloc(sizeof(*b) + n * sizeof(uint32_t));
	if (!b) {
		(*errors)++;
		return NULL;
	}
	b->n = n;
	return b;
}

/* a * b, keeping the low CF_MAX_LIMBS limbs (arithmetic mod 2^(32*max)). */
static struct bignum *bn_mul(const struct bignum *a, const struct bignum *b, uint64_t *errors)
{
	uint32_t n = a->n + b->n;
	if (n > CF_MAX_LIMBS)
		n = CF_MAX_LIMBS;
	struct bignum *r = bn_new(n, errors);
	if (!r)
		return NULL;
	memset(r->d, 0, n * sizeof(uint32_t));
	for (uint32_t i = 0; i < a->n && i < n; i++) {
		uint64_t carry = 0;
		for (uint32_t j = 0; j < b->n && i + j < n; j++) {
			uint64_t t = (uint64_t)a->d[i] * b->d[j] + r->d[i + j] + carry;
			r->d[i + j] = (uint32_t)t;
			carry = t >> 32;
		}
		if (i + b->n < n)
			r->d[i + b->n] = (uint32_t)carry;
	}
	while (r->n > 1 && r->d[r->n - 1] == 0)
		r->n--;
	return r;
}

static struct bignum *bn_add(const struct bignum *a, const struct bignum *b, uint64_t *errors)
{
	uint32_t n = (a->n > b->n ? a->n : b->n) + 1;
	if (n > CF_MAX_LIMBS)
		n = CF_MAX_LIMBS;
	struct bignum *r = bn_new(n, errors);
	if (!r)
		return NULL;
	uint64_t carry = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t = carry;
		if (i < a->n)
			t += a->d[i];
		if (i < b->n)
			t += b->d[i];
		r->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	while (r->n > 1 && r->d[r->n - 1] == 0)
		r->n--;
	return r;
}

void wl_cfrac(const struct bench_params *bp, struct bench_result *res)
{
	struct bignum *pool[CF_POOL];
	struct rng r;
	rng_seed(&r, bp->seed, 0);
	for (int i = 0; i < CF_POOL; i++) {
		pool[i] = bn_new(1, &res->errors);
		if (!pool[i])
			return;
		pool[i]->d[0] = (uint32_t)rng_next(&r) | 1;
	}
	long steps = scaled(bp, 1500000);
	for (long s = 0; s < steps; s++) {
		int i = (int)rng_range(&r, 0, CF_POOL - 1);
		int j = (int)rng_range(&r, 0, CF_POOL - 1);
		int k = (int)rng_range(&r, 0, CF_POOL - 1);
		struct bignum *prod = bn_mul(pool[i], pool[j], &res->errors);
		if (!prod)
			break;
		struct bignum *sum = bn_add(prod, pool[k], &res->errors);
		free(prod);
		if (!sum)
			break;
		/* numbers that grew to the cap start again small, as cfrac's do */
		if (sum->n >= CF_MAX_LIMBS - 1) {
			struct bignum *small = bn_new(1, &res->errors);
			if (!small) {
				free(sum);
				break;
			}
			small->d[0] = sum->d[0] | 1;
			free(sum);
			sum = small;
		}
		free(pool[i]);
		pool[i] = sum;
		res->ops += 2;
	}
	for (int i = 0; i < CF_POOL; i++) {
		for (uint32_t l = 0; l < pool[i]->n; l++)
			res->checksum = rng_mix(res->checksum ^ pool[i]->d[l]);
		free(pool[i]);
	}
}
