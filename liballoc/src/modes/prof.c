/*
 * prof.c - sampled allocations: take the stack, serve the block as its own
 * page run, count it in the stacks table; and the release hook that
 * uncounts it (see prof.h). Also the prof_sample setting, from
 * LIBALLOC_CONF, alloc_ctl and the control block.
 */
#include <errno.h>

#include "core/hooks.h"
#include "core/large.h"
#include "core/pagemap.h"
#include "modes/prof.h"
#include "modes/prof_sampler.h"
#include "modes/prof_table.h"
#include "stats/stats.h"
#include "sys/conf.h"
#include "sys/counters.h"
#include "sys/stack_capture.h"

/* A sampled block's extent annotation: its entry + 1 in the low half, the
 * mean it was drawn with (at most 2^30) in the high half, so that its free
 * takes off exactly the weight its allocation added. */
#define ANNOTATE(entry, mean) (((uintptr_t)(mean) << 32) | ((uintptr_t)(entry) + 1))
#define ANNOTATION_ENTRY(a) ((uint32_t)((a) & 0xffffffffu) - 1)
#define ANNOTATION_MEAN(a) ((uint64_t)((a) >> 32))

static bool table_ready;
/* Set while this thread is inside prof_alloc: a sample taken meanwhile
 * (from a signal handler) goes to "other" without a stack. */
static __thread bool in_prof;

static void release(uintptr_t annotation, size_t requested)
{
	prof_table_remove(ANNOTATION_ENTRY(annotation), requested, ANNOTATION_MEAN(annotation));
}

void prof_forget(struct extent *e)
{
	uintptr_t a = e->annotation;
	e->annotation = 0;
	if (a)
		release(a, e->requested);
}

void prof_init(void)
{
	table_ready = prof_table_init();
	la_profile->unwinder = stack_unwinder();
	la_profile->max_frames = LAS_STACK_FRAMES;
	la_core_hooks.large_released = release;
	uint64_t mean = table_ready ? la_conf.prof_sample : 0;
	la_conf.prof_sample = mean;
	la_profile->sample_mean = mean;
	la_control->prof_sample_requested = la_control->prof_sample_applied = mean;
	sampler_set_mean(SAMPLER_PROF, mean);
}

/* A fired sample: its stack, then its block (a new page run, or the run e
 * when given), annotated. */
static void *sample(size_t size, size_t align, bool zero, uintptr_t caller, struct extent *e)
{
	uint64_t mean = sampler_fired_mean(SAMPLER_PROF);
	uintptr_t frames[LAS_STACK_FRAMES];
	unsigned depth = 0;
	bool truncated = false, nested = in_prof;
	in_prof = true;
	if (!nested && table_ready) {
		depth = stack_capture(frames, LAS_STACK_FRAMES, caller, &truncated);
		/* frame pointers until an unwinder is loaded (sys/unwinder.c) */
		la_profile->unwinder = stack_unwinder();
	}
	/* Small requests too: a page run whose free reaches large_free. */
	void *p = e ? NULL : large_alloc(size ? size : 1, align > PAGE ? align : PAGE, zero);
	if (p)
		e = (struct extent *)pagemap_get(p);
	if (e && table_ready && mean)
		e->annotation = ANNOTATE(prof_table_add(frames, depth, truncated, size, mean), mean);
	in_prof = nested;
	return p;
}

void *prof_alloc(size_t size, size_t align, bool zero, uintptr_t caller)
{
	return sample(size, align, zero, caller, NULL);
}

void prof_adopt(struct extent *e, size_t size, uintptr_t caller)
{
	sample(size, PAGE, false, caller, e);
}

int prof_set_sample(uint64_t mean, const char *origin)
{
	if (mean > SAMPLER_MEAN_MAX)
		return EINVAL;
	if (!table_ready)
		return mean ? ENOENT : 0; /* prof_stacks:0, or no room for the table */
	la_conf.prof_sample = mean;
	la_profile->sample_mean = mean;
	la_control->prof_sample_applied = mean;
	la_control->prof_sample_requested = mean;
	sampler_set_mean(SAMPLER_PROF, mean);
	stats_publish_conf();
	stats_event(LAS_EV_CONF_CHANGE, 0, mean, 0, origin);
	return 0;
}

void prof_apply_control(void)
{
	uint64_t want = __atomic_load_n(&la_control->prof_sample_requested, __ATOMIC_ACQUIRE);
	if (want == la_control->prof_sample_applied)
		return;
	/* From outside: clamped, never trusted. */
	if (want > SAMPLER_MEAN_MAX)
		want = SAMPLER_MEAN_MAX;
	if (prof_set_sample(want, "prof_sample (control block)"))
		la_control->prof_sample_requested = la_control->prof_sample_applied;
}

void prof_fork_prepare(void)
{
	stack_fork_prepare();
	prof_table_fork_prepare();
}

void prof_fork_parent(void)
{
	prof_table_fork_parent();
	stack_fork_parent();
}

void prof_fork_child(void)
{
	prof_table_fork_child();
	stack_fork_child();
	sampler_fork_child();
}
