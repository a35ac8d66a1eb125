/* guard_sample.c - the guarded pool's countdown (see guard_sample.h). */
#include "modes/guard_sample.h"
#include "sys/conf.h"

uint32_t la_guard_rate;
static uint32_t rate_epoch;

static __thread struct {
	uint32_t left;  /* eligible allocations until the next guarded one */
	uint32_t epoch; /* rate_epoch the countdown was drawn under */
	uint64_t rng;
} cd;

static uint64_t next_random(void)
{
	if (!cd.rng)
		cd.rng = ((uint64_t)la_gettid() * 0x9e3779b97f4a7c15ull) ^
			 ((uint64_t)(uintptr_t)&cd << 16) ^ la_now_coarse_ms() ^ 1;
	/* xorshift64* */
	cd.rng ^= cd.rng >> 12;
	cd.rng ^= cd.rng << 25;
	cd.rng ^= cd.rng >> 27;
	return cd.rng * 0x2545f4914f6cdd1dull;
}

/* Uniform in 1 .. 2 x rate - 1: mean `rate`, never two in a row by luck
 * at high rates, and cheap (no logarithm in the allocator). */
static uint32_t draw(uint32_t rate)
{
	if (rate <= 1)
		return 1;
	uint64_t span = 2 * (uint64_t)rate - 1;
	return (uint32_t)(1 + (next_random() >> 11) % span);
}

bool guard_sample_draw(size_t size, uint32_t rate)
{
	if (size - 1 >= la_conf.guard_max_size) /* size 0 wraps: not eligible either */
		return false;
	uint32_t epoch = __atomic_load_n(&rate_epoch, __ATOMIC_RELAXED);
	if (cd.epoch != epoch || cd.left == 0) {
		cd.epoch = epoch;
		cd.left = draw(rate);
	}
	if (--cd.left)
		return false;
	cd.left = draw(rate);
	return true;
}

void guard_sample_fork_child(void)
{
	cd.rng = 0;
	cd.left = 0;
}

void guard_sample_set_rate(uint32_t rate)
{
	__atomic_fetch_add(&rate_epoch, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&la_guard_rate, rate, __ATOMIC_RELAXED);
}
