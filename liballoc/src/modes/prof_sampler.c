/*
 * prof_sampler.c - the per-thread byte countdown behind sampled
 * allocations (see prof_sampler.h): exponential intervals per event kind,
 * one countdown armed with the nearest.
 */
#include <sys/auxv.h>

#include "modes/prof_math.h"
#include "modes/prof_sampler.h"
#include "sys/stack_capture.h"

uint32_t la_sampler_epoch = 1; /* threads start at 0: stale, so they arm */
static uint64_t means[SAMPLER_KINDS];
static uint64_t seed_counter;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void seed(void)
{
	uint64_t s = 0;
	const uint64_t *r = (const uint64_t *)getauxval(AT_RANDOM);
	if (r)
		s = r[0] ^ r[1];
	s ^= (uint64_t)la_gettid() << 32;
	s ^= __atomic_add_fetch(&seed_counter, 1, __ATOMIC_RELAXED) * 0xd1b54a32d192ed03ull;
	s ^= la_now_coarse_ms() ^ ((uint64_t)(uintptr_t)&s << 16); /* time, and this stack's address */
	la_st.rng = splitmix64(&s) | 1;
}

/* An exponential interval of the given mean: -mean * ln(U), U in (0, 1]. */
static int64_t draw(uint64_t mean)
{
	if (!mean)
		return SAMPLER_POLL_BYTES;
	double u = (double)((splitmix64(&la_st.rng) >> 11) + 1) * (1.0 / 9007199254740992.0);
	double bytes = (double)mean * prof_neg_log(u);
	return bytes < 1 ? 1 : (int64_t)bytes;
}

static void arm(void)
{
	int64_t next = SAMPLER_POLL_BYTES;
	for (int k = 0; k < SAMPLER_KINDS; k++)
		if (la_st.pending[k] < next)
			next = la_st.pending[k];
	la_st.armed = next;
	la_st.left = next;
}

unsigned sampler_fire(size_t size)
{
	uint32_t epoch = __atomic_load_n(&la_sampler_epoch, __ATOMIC_RELAXED);
	/* Bytes since arming, this allocation included. */
	int64_t used = la_st.armed - la_st.left;
	if (la_st.epoch != epoch) {
		/* First allocation of the thread, a changed mean, or a fork:
		 * fresh intervals (memoryless, so redrawing biases nothing),
		 * which this allocation is the first to count against. */
		if (la_st.epoch == 0 || !la_st.rng)
			seed();
		la_st.epoch = epoch;
		for (int k = 0; k < SAMPLER_KINDS; k++) {
			la_st.drawn[k] = __atomic_load_n(&means[k], __ATOMIC_RELAXED);
			la_st.pending[k] = draw(la_st.drawn[k]);
		}
		used = (int64_t)size;
	}
	unsigned events = 0;
	for (int k = 0; k < SAMPLER_KINDS; k++) {
		la_st.pending[k] -= used;
		if (la_st.pending[k] >= 0)
			continue;
		if (la_st.drawn[k]) {
			events |= 1u << k;
			la_st.fired[k] = la_st.drawn[k];
		}
		/* The next interval starts after this allocation. */
		la_st.drawn[k] = __atomic_load_n(&means[k], __ATOMIC_RELAXED);
		la_st.pending[k] = draw(la_st.drawn[k]);
	}
	arm();
	/* An allocation made while this thread takes a stack is the unwinder's
	 * (or glibc's for it): an ordinary one, which is what it counts on. */
	return events && stack_capture_running() ? 0 : events;
}

uint64_t sampler_fired_mean(enum sampler_kind kind)
{
	return la_st.fired[kind];
}

void sampler_set_mean(enum sampler_kind kind, uint64_t mean)
{
	if (mean > SAMPLER_MEAN_MAX)
		mean = SAMPLER_MEAN_MAX;
	__atomic_store_n(&means[kind], mean, __ATOMIC_RELAXED);
	__atomic_add_fetch(&la_sampler_epoch, 1, __ATOMIC_RELEASE);
}

uint64_t sampler_mean(enum sampler_kind kind)
{
	return __atomic_load_n(&means[kind], __ATOMIC_RELAXED);
}

void sampler_fork_child(void)
{
	la_st.rng = 0; /* the parent's sequence must not repeat in the child */
	__atomic_add_fetch(&la_sampler_epoch, 1, __ATOMIC_RELEASE);
}
