/* guard_sample.c - guarded samples drawn by the shared sampler (guard_sample.h). */
#include "modes/guard_sample.h"
#include "sys/conf.h"
#include "sys/stack_capture.h"

uint32_t la_guard_rate;

/* The mean allocation size before any event was seen. */
#define MEAN_SIZE_START 64u
/* Every this many events the estimate is looked at again; beyond twice
 * as many, old events weigh half (the program's sizes change). */
#define RETUNE_EVERY 64u
#define WINDOW 4096u

/* Events seen, and the sum of 2^32 / size over them. */
static uint64_t seen, inv_sum;
static uint64_t mean_size = MEAN_SIZE_START; /* the size the interval uses */

static void apply_mean(void)
{
	uint32_t rate = __atomic_load_n(&la_guard_rate, __ATOMIC_RELAXED);
	uint64_t m = rate > 1 ? (uint64_t)rate * __atomic_load_n(&mean_size, __ATOMIC_RELAXED) : 0;
	sampler_set_mean(SAMPLER_GUARD, m > SAMPLER_MEAN_MAX ? SAMPLER_MEAN_MAX : m);
}

/* An event (of any kind) on an allocation of `size` bytes. */
static void seen_size(size_t size)
{
	if (!size)
		return;
	uint64_t n = __atomic_add_fetch(&seen, 1, __ATOMIC_RELAXED);
	uint64_t inv = (uint64_t)1 << 32;
	inv = size < inv ? inv / size : 1;
	uint64_t s = __atomic_add_fetch(&inv_sum, inv, __ATOMIC_RELAXED);
	if (n % RETUNE_EVERY)
		return;
	uint64_t est = s ? (n << 32) / s : MEAN_SIZE_START;
	if (est < 8)
		est = 8;
	uint64_t cur = __atomic_load_n(&mean_size, __ATOMIC_RELAXED);
	/* a change of a quarter or more: every thread re-arms (cheaply) */
	if (est * 4 > cur * 5 || est * 5 < cur * 4) {
		__atomic_store_n(&mean_size, est, __ATOMIC_RELAXED);
		apply_mean();
	}
	if (n >= 2 * WINDOW) {
		/* racy halving: an estimate, not an account */
		__atomic_store_n(&seen, n / 2, __ATOMIC_RELAXED);
		__atomic_store_n(&inv_sum, s / 2, __ATOMIC_RELAXED);
	}
}

bool guard_sample_decide(size_t size, unsigned events)
{
	if (stack_capture_running())
		return false; /* the unwinder's allocation: never guarded (prof_sampler.c) */
	if (events)
		seen_size(size);
	uint32_t rate = __atomic_load_n(&la_guard_rate, __ATOMIC_RELAXED);
	if (rate == 0) {
		la_mt.guard_pending = 0;
		return false;
	}
	if (rate != 1 && !(events & SAMPLE_GUARD) && !la_mt.guard_pending)
		return false;
	if (size - 1 >= la_conf.guard_max_size) { /* size 0 wraps: not eligible either */
		la_mt.guard_pending = rate != 1; /* the next eligible one is the sample */
		return false;
	}
	la_mt.guard_pending = 0;
	return true;
}

void guard_sample_set_rate(uint32_t rate)
{
	__atomic_store_n(&la_guard_rate, rate, __ATOMIC_RELAXED);
	apply_mean();
}

uint64_t guard_sample_mean_size(void)
{
	return __atomic_load_n(&mean_size, __ATOMIC_RELAXED);
}
