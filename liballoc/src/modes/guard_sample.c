/* guard_sample.c - the guarded pool's countdown (see guard_sample.h). */
#include "modes/guard_sample.h"
#include "sys/conf.h"

uint32_t la_guard_rate;
static uint32_t rate_epoch;

/* While guarding is off, a thread looks at the rate again after this many
 * slow-path allocations: a rate switched on by alloc_ctl reaches threads
 * whose gates stay closed. */
#define OFF_RECHECK 4096u

static uint64_t next_random(void)
{
	uint64_t r = la_mt.guard_rng;
	if (!r)
		r = ((uint64_t)la_gettid() * 0x9e3779b97f4a7c15ull) ^
		    ((uint64_t)(uintptr_t)&la_mt << 16) ^ la_now_coarse_ms() ^ 1;
	/* xorshift64* */
	r ^= r >> 12;
	r ^= r << 25;
	r ^= r >> 27;
	la_mt.guard_rng = r;
	return r * 0x2545f4914f6cdd1dull;
}

/* Allocations until the next guarded one: uniform on [1, 2 rate - 1],
 * so 1 in `rate` on average. */
static uint32_t draw(uint32_t rate)
{
	if (rate <= 1)
		return 1;
	uint64_t span = 2 * (uint64_t)rate - 1;
	return (uint32_t)(1 + (next_random() >> 11) % span);
}

bool guard_sample_draw(size_t size)
{
	uint32_t rate = __atomic_load_n(&la_guard_rate, __ATOMIC_RELAXED);
	uint32_t epoch = __atomic_load_n(&rate_epoch, __ATOMIC_RELAXED);
	if (rate == 0) {
		la_mt.guard_left = OFF_RECHECK;
		la_mt.guard_epoch = epoch;
		return false;
	}
	if (la_mt.guard_epoch != epoch || la_mt.guard_left == 0) {
		/* a new rate: draw a countdown under it */
		la_mt.guard_epoch = epoch;
		la_mt.guard_left = draw(rate);
		if (la_mt.guard_left > 1) {
			la_mt.guard_left--;
			return false;
		}
	}
	if (size - 1 >= la_conf.guard_max_size) { /* size 0 wraps: not eligible either */
		la_mt.guard_left = 1; /* the next eligible one is the sample */
		return false;
	}
	la_mt.guard_left = draw(rate);
	return true;
}

void guard_sample_fork_child(void)
{
	la_mt.guard_rng = 0;
	la_mt.guard_left = 0;
}

void guard_sample_set_rate(uint32_t rate)
{
	__atomic_fetch_add(&rate_epoch, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&la_guard_rate, rate, __ATOMIC_RELAXED);
}
