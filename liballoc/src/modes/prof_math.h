/*
 * prof_math.h - the two transcendental functions sampling needs, in plain
 * double arithmetic: liballoc calls nothing from libm, so programs linked
 * with liballoc.a need no -lm. Both are accurate to about 1e-12, far more
 * than a sampler needs.
 */
#ifndef LA_PROF_MATH_H
#define LA_PROF_MATH_H

#include <stdint.h>
#include <string.h>

#define PROF_LN2 0.69314718055994530942

/* x * 2^k for |k| < 1000, building the power from its bits. */
static inline double prof_scale2(double x, int k)
{
	uint64_t bits = (uint64_t)(1023 + k) << 52;
	double p;
	memcpy(&p, &bits, sizeof(p));
	return x * p;
}

/* -ln(u) for u in (0, 1]: u = m * 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln(m) = 2 atanh((m - 1) / (m + 1)), whose series converges fast there. */
static inline double prof_neg_log(double u)
{
	uint64_t bits;
	memcpy(&bits, &u, sizeof(bits));
	int e = (int)((bits >> 52) & 0x7ff) - 1023;
	bits = (bits & ((1ull << 52) - 1)) | (1023ull << 52);
	double m;
	memcpy(&m, &bits, sizeof(m));
	if (m > 1.41421356237309504880) {
		m *= 0.5;
		e++;
	}
	double t = (m - 1) / (m + 1), t2 = t * t, term = t, sum = 0;
	for (int k = 1; k <= 19; k += 2) {
		sum += term / k;
		term *= t2;
	}
	return -(e * PROF_LN2 + 2 * sum);
}

/* 1 - exp(-x) for x >= 0: a series while cancellation would hurt,
 * exp(-x) = 2^-k exp(-r) with r in [0, ln 2) otherwise. */
static inline double prof_one_minus_exp_neg(double x)
{
	if (x < 0.03125)
		return x * (1 - x / 2 * (1 - x / 3 * (1 - x / 4 * (1 - x / 5 * (1 - x / 6)))));
	if (x > 40)
		return 1;
	int k = (int)(x / PROF_LN2);
	double r = x - k * PROF_LN2, term = 1, sum = 1;
	for (int i = 1; i <= 14; i++) {
		term *= -r / i;
		sum += term;
	}
	return 1 - prof_scale2(sum, -k);
}

#endif
