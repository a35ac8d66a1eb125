/*
 * The heap profile's sampler: its libm-free logarithm and exponential
 * against libm, the distribution of the intervals it draws (mean, and the
 * probability with which allocations of a given size are picked), and
 * what the countdown does when the mean changes or sampling is off.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#include "modes/prof_math.h"
#include "modes/prof_sampler.h"

static void neg_log_matches_libm(void **state)
{
	(void)state;
	for (double u = 1e-300; u < 1; u *= 1.37) {
		double want = -log(u);
		assert_true(fabs(prof_neg_log(u) - want) <= 1e-12 * (want > 1 ? want : 1));
	}
	assert_true(fabs(prof_neg_log(1.0)) < 1e-15);
	assert_true(fabs(prof_neg_log(0x1p-53) - 53 * M_LN2) < 1e-10);
}

static void one_minus_exp_matches_libm(void **state)
{
	(void)state;
	for (double x = 1e-9; x < 60; x *= 1.11) {
		double want = -expm1(-x);
		assert_true(fabs(prof_one_minus_exp_neg(x) - want) <= 1e-12 * want);
	}
	assert_true(prof_one_minus_exp_neg(100) == 1);
}

/* Allocations of `size` bytes until n events fired; returns how many. */
static unsigned long allocations_until(size_t size, unsigned n)
{
	unsigned long count = 0;
	for (unsigned fired = 0; fired < n; count++)
		if (sampler_count(size) & SAMPLE_PROF)
			fired++;
	return count;
}

/* An allocation of s bytes is picked with probability 1 - exp(-s / mean):
 * over many, the picked fraction must match within a few standard errors. */
static void picks_each_size_with_the_poisson_probability(void **state)
{
	(void)state;
	const uint64_t mean = 65536;
	sampler_set_mean(SAMPLER_PROF, mean);
	static const size_t sizes[] = {16, 1000, 65536, 200000};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const unsigned events = 4000;
		unsigned long n = allocations_until(sizes[i], events);
		double p = 1 - exp(-(double)sizes[i] / (double)mean);
		double got = (double)events / (double)n;
		/* the count of trials to `events` successes: sd of the rate ~ p sqrt((1-p)/events) */
		double sd = p * sqrt((1 - p) / events) + 1e-9;
		printf("size %zu: picked %.6f, expected %.6f (%.1f sd)\n", sizes[i], got, p,
		       fabs(got - p) / sd);
		assert_true(fabs(got - p) <= 5 * sd);
		assert_int_equal(sampler_fired_mean(SAMPLER_PROF), mean);
	}
	sampler_set_mean(SAMPLER_PROF, 0);
}

static void off_never_fires_and_a_new_mean_applies_at_once(void **state)
{
	(void)state;
	sampler_set_mean(SAMPLER_PROF, 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(sampler_count(4096) & SAMPLE_PROF, 0);
	/* 400 MB counted while off: the countdown re-armed every 64 MiB. */
	assert_true(la_st.left <= SAMPLER_POLL_BYTES);
	sampler_set_mean(SAMPLER_PROF, 1);
	assert_int_equal(sampler_count(100) & SAMPLE_PROF, SAMPLE_PROF);
	assert_int_equal(sampler_fired_mean(SAMPLER_PROF), 1);
	sampler_set_mean(SAMPLER_PROF, ((uint64_t)1 << 40));
	assert_int_equal(sampler_mean(SAMPLER_PROF), SAMPLER_MEAN_MAX);
	sampler_set_mean(SAMPLER_PROF, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(neg_log_matches_libm),
		cmocka_unit_test(one_minus_exp_matches_libm),
		cmocka_unit_test(picks_each_size_with_the_poisson_probability),
		cmocka_unit_test(off_never_fires_and_a_new_mean_applies_at_once),
	};
	return cmocka_run_group_tests_name("prof_sampler", tests, NULL, NULL);
}
