/* tcache.c - thread cache set-up, refill, flush and thread exit. */
#include <pthread.h>
#include <sys/prctl.h>

#include "core/tcache.h"
#include "stats/stats.h"
#include "sys/conf.h"
#include "sys/probes.h"

__thread struct tcache la_tc __attribute__((tls_model("initial-exec")));
struct core_hooks la_core_hooks;
static uint32_t bin_max[NCLASSES];

/* Growth: a bin reaches at most GROW_LIMIT times its base size, and all of
 * a thread's bins together at most GROW_BUDGET bytes beyond their bases.
 * Refills and flushes move at most FILL_MAX objects at a time. */
#define GROW_LIMIT 4u
#define GROW_BUDGET (1u << 20)
#define FILL_MAX 256u

void tcache_global_init(void)
{
	for (unsigned c = 0; c < NCLASSES; c++) {
		uint32_t size = la_classes[c].size;
		/* Up to 128 KiB or 256 objects per class: batches of a few
		 * hundred blocks (sh6bench, producer/consumer) then stay in the
		 * cache instead of going back and forth to the arena. */
		uint32_t max = (uint32_t)((128u << 10) / size);
		if (max > 256)
			max = 256;
		if (max < 4)
			max = 4;
		bin_max[c] = (la_conf.tcache && size <= la_conf.tcache_max) ? max : 0;
	}
}

void tcache_thread_init(void)
{
	struct tcache *tc = &la_tc;
	tc->tid = la_gettid();
	tc->arena = arena_assign(tc->tid);
	tc->slot = stats_thread_acquire(tc->tid, tc->arena->id);
	for (unsigned c = 0; c < NCLASSES; c++) {
		tc->head[c + 1] = NULL;
		tc->max[c + 1] = bin_max[c];
		tc->room[c + 1] = bin_max[c];
	}
	tc->state = TC_ACTIVE;
	STAT_ADD(&la_globals->threads_created, 1);
	STAT_ADD(&la_globals->threads_live, 1);
	LA_PROBE(thread_start, tc->tid);
}

void *tcache_refill(unsigned cls)
{
	struct tcache *tc = &la_tc;
	unsigned t = cls + 1;
	void *objs[FILL_MAX];
	unsigned want = tc->max[t] / 2 ? tc->max[t] / 2 : 1;
	if (want > FILL_MAX)
		want = FILL_MAX;
	tc->refilled[t] = 1;
	extent_decay_tick();
	unsigned got = arena_fill(tc->arena, cls, objs, want);
	if (!got)
		return NULL;
	/* Push in reverse so the lowest address is popped first. */
	for (unsigned i = got; i-- > 1;) {
		*(void **)objs[i] = tc->head[t];
		tc->head[t] = objs[i];
	}
	LA_ASSERT(got - 1 <= tc->room[t]);
	tc->room[t] -= got - 1;
	tc->slot->class_fill[cls] += got;
	LA_PROBE_HOT(tcache_fill, cls, got);
	return objs[0];
}

/* Objects a thread cached are checked on their way back (a slot already
 * free in its slab was freed twice); what is refused goes to the hook. */
static void release_checked(void *const *objs, unsigned n, unsigned cls)
{
	struct release_faults f;
	arena_release(objs, n, cls, &f);
	if ((f.dups || f.interior) && la_core_hooks.release_fault)
		la_core_hooks.release_fault(&f, cls, "thread-cache flush");
}

void tcache_count_small_unslotted(unsigned cls, int sign)
{
	struct las_thread *s = stats_count_begin(la_tc.slot);
	if (sign > 0)
		s->class_alloc[cls]++;
	else
		s->class_free[cls]++;
	stats_count_end(la_tc.slot, s);
}

void tcache_flush_bin(unsigned cls, uint32_t keep)
{
	struct tcache *tc = &la_tc;
	unsigned t = cls + 1;
	tc->refilled[t] = 0;
	void *objs[FILL_MAX];
	/* Keep the most recently freed (hottest) objects; flush the older. */
	void **link = &tc->head[t];
	uint32_t kept = 0;
	for (; kept < keep && *link; kept++)
		link = (void **)*link;
	unsigned n = 0;
	void *p = *link;
	*link = NULL;
	/* Walk no more than the cache holds: a block freed twice with checks
	 * off links the list into a cycle, which must not hang us here. */
	uint32_t left = tcache_count(tc, cls) - kept;
	while (p && left-- > 0) {
		void *next = *(void **)p;
		objs[n++] = p;
		if (n == FILL_MAX) {
			release_checked(objs, n, cls);
			tc->slot->class_flush[cls] += n;
			tc->room[t] += n;
			n = 0;
		}
		p = next;
	}
	if (n) {
		release_checked(objs, n, cls);
		tc->slot->class_flush[cls] += n;
		tc->room[t] += n;
	}
	LA_ASSERT(tc->room[t] <= tc->max[t]);
	LA_PROBE_HOT(tcache_flush, cls, n);
}

bool tcache_grow(unsigned cls)
{
	struct tcache *tc = &la_tc;
	unsigned t = cls + 1;
	uint32_t max = tc->max[t];
	uint32_t extra = max * class_size(cls);
	if (!tc->refilled[t] || max >= bin_max[cls] * GROW_LIMIT ||
	    tc->grown_bytes + extra > GROW_BUDGET)
		return false;
	tc->max[t] = max * 2;
	tc->room[t] += max;
	tc->grown_bytes += extra;
	tc->refilled[t] = 0;
	return true;
}

void tcache_gc_step(void)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE || tc->grown_bytes == 0)
		return;
	unsigned cls = tc->gc_next++ % NCLASSES, t = cls + 1;
	uint32_t max = tc->max[t];
	if (max <= bin_max[cls])
		return;
	uint32_t half = max / 2;
	if (tcache_count(tc, cls) > half)
		tcache_flush_bin(cls, half);
	tc->max[t] = half;
	tc->room[t] -= max - half;
	tc->grown_bytes -= (max - half) * class_size(cls);
}

void tcache_flush_all(void)
{
	if (la_tc.state != TC_ACTIVE)
		return;
	for (unsigned c = 0; c < NCLASSES; c++)
		if (tcache_count(&la_tc, c))
			tcache_flush_bin(c, 0);
}

void tcache_thread_exit(void)
{
	struct tcache *tc = &la_tc;
	if (tc->state != TC_ACTIVE)
		return;
	tcache_flush_all();
	for (unsigned c = 0; c < NCLASSES; c++)
		tc->max[c + 1] = tc->room[c + 1] = 0;
	tc->state = TC_DEAD;
	LA_PROBE(thread_exit, tc->tid);
	arena_unassign(tc->arena);
	STAT_SUB(&la_globals->threads_live, 1);
	struct las_thread *slot = tc->slot;
	tc->slot = NULL;
	stats_thread_release(slot);
}

void tcache_fork_child(void)
{
	/* Only the forking thread survives; it keeps its arena and cache. */
	if (la_tc.state == TC_ACTIVE) {
		atomic_fetch_add_explicit(&la_tc.arena->nthreads, 1, memory_order_relaxed);
		la_tc.tid = la_gettid();
	}
}
