/*
 * prof_sampler.h - which allocations are sampled: one per-thread byte
 * countdown shared by every sampling consumer (the heap profile, and the
 * guarded-allocation pool).
 *
 * Each consumer ("event kind") is an independent Poisson process over the
 * bytes a thread allocates, of mean sampler_set_mean(kind, bytes) (0 =
 * off). A thread keeps, per kind, the bytes left until its next event, and
 * one countdown, la_st.left, armed with the nearest of them. Every
 * allocation subtracts its requested size:
 *
 *   - fast paths with SAMPLER_COUNTDOWN(size, label): a subtract and a
 *     branch on the sign (2 instructions); at `label` the path undoes it
 *     with SAMPLER_UNCOUNT(size) and takes a slow path, which counts again;
 *   - slow paths with sampler_count(size), which returns the events due
 *     for this allocation (0 almost always).
 *
 * When the countdown goes below zero, sampler_fire() charges the bytes
 * since it was armed to every kind, returns the kinds whose interval ended
 * inside this allocation (SAMPLE_* flags; by memorylessness an allocation
 * of s bytes is picked with probability 1 - exp(-s / mean)), draws their
 * next intervals and re-arms the countdown to the nearest pending event.
 * A kind that is off still arms a SAMPLER_POLL_BYTES interval, so a thread
 * notices within that many bytes that a kind was switched on. A change of
 * any mean (sampler_set_mean) takes effect in each thread at its next slow
 * path or when its countdown runs out, whichever is first.
 *
 * The intervals come from a per-thread PRNG seeded from the kernel's
 * AT_RANDOM bytes, the thread id and a process-wide counter (reseeded after
 * fork). Nothing here allocates, locks or makes a system call after the
 * thread's first allocation.
 *
 * To add a consumer: give it a kind below SAMPLER_KINDS and a flag, set its
 * mean, and act on its flag where the allocation paths call sampler_count.
 */
#ifndef LA_PROF_SAMPLER_H
#define LA_PROF_SAMPLER_H

#include "core/tcache.h"
#include "modes/settings.h"
#include "sys/check.h"
#include "sys/internal.h"

enum sampler_kind { SAMPLER_PROF = 0, SAMPLER_GUARD = 1, SAMPLER_KINDS };
#define SAMPLE_PROF (1u << SAMPLER_PROF)   /* record in the heap profile */
#define SAMPLE_GUARD (1u << SAMPLER_GUARD) /* serve from the guarded pool */

/* Interval a thread arms while every kind is off. */
#define SAMPLER_POLL_BYTES ((int64_t)64 << 20)
/* Largest mean accepted (prof_sample:, alloc_ctl, the control block). */
#define SAMPLER_MEAN_MAX ((uint64_t)1 << 30)

/* A thread's sampler state, in the words the thread cache keeps for the
 * layers above (core/tcache.h), after the check modes' (modes/settings.h):
 * the malloc fast path reaches the countdown from the thread-cache address
 * it already has, without loading another TLS offset. */
struct sampler_thread {
	int64_t left;   /* the countdown: bytes until the nearest pending event */
	uint32_t epoch; /* sampler settings the thread armed with (0: never) */
	uint32_t pad;
	uint64_t rng;
	int64_t armed;                 /* countdown value when last armed */
	int64_t pending[SAMPLER_KINDS]; /* bytes until each kind's event */
	uint64_t drawn[SAMPLER_KINDS];  /* the mean each pending interval has */
	uint64_t fired[SAMPLER_KINDS];  /* the mean of the last event reported */
};
#define SAMPLER_UPPER_AT ((sizeof(struct mode_thread) + 7) / 8)
#define la_st (*(struct sampler_thread *)(la_tc.upper + SAMPLER_UPPER_AT))
LA_STATIC_ASSERT(SAMPLER_UPPER_AT * 8 + sizeof(struct sampler_thread) <=
			 sizeof(((struct tcache *)0)->upper),
		 "the thread cache keeps room for the sampler's thread state");

#if defined(__x86_64__)
/* The countdown is an input plus a memory clobber, not an output: GCC 12
 * misplaces the label of an asm goto whose output is written again at the
 * label (the jump landed on the fast path's return). */
#define SAMPLER_COUNTDOWN(size, label)                                              \
	__asm__ goto("subq %1, %0\n\tjs %l[" #label "]"                              \
		     : : "m"(la_st.left), "r"((int64_t)(size)) : "cc", "memory"        \
		     : label)
#else
#define SAMPLER_COUNTDOWN(size, label)                                              \
	do {                                                                        \
		if (__builtin_expect((la_st.left -= (int64_t)(size)) < 0, 0))        \
			goto label;                                                 \
	} while (0)
#endif
#define SAMPLER_UNCOUNT(size) (la_st.left += (int64_t)(size))

extern uint32_t la_sampler_epoch LA_HIDDEN;

LA_HIDDEN unsigned sampler_fire(size_t size);

/* Whether counting `size` now carries no event, without counting it (the
 * checked mode's quick paths, dispatch.h, then count with SAMPLER_COUNT). */
static inline bool sampler_quiet(size_t size)
{
	return likely(la_st.left - (int64_t)size >= 0) &&
	       likely(la_st.epoch == __atomic_load_n(&la_sampler_epoch, __ATOMIC_RELAXED));
}
#define SAMPLER_COUNT(size) (la_st.left -= (int64_t)(size))

/* Slow paths: count one allocation; the SAMPLE_* events it carries. */
static inline unsigned sampler_count(size_t size)
{
	bool quiet = sampler_quiet(size);
	SAMPLER_COUNT(size);
	return quiet ? 0 : sampler_fire(size);
}

/* The mean the calling thread's last `kind` event was drawn with: the one
 * its weight must use (valid right after sampler_fire reported it). */
LA_HIDDEN uint64_t sampler_fired_mean(enum sampler_kind kind);
/* Set a kind's mean in bytes (0 = off, at most SAMPLER_MEAN_MAX). */
LA_HIDDEN void sampler_set_mean(enum sampler_kind kind, uint64_t mean);
LA_HIDDEN uint64_t sampler_mean(enum sampler_kind kind);
/* After fork, in the child: every thread reseeds and redraws. */
LA_HIDDEN void sampler_fork_child(void);

#endif
