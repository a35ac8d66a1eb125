/* tcache.c - thread cache set-up, refill, flush and thread exit. */
#include <pthread.h>
#include <sys/prctl.h>

#include "core/pagemap.h"
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
	tc->link_key = la_link_key;
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
	/* A bin's first refill takes a page's worth, each next one twice as
	 * much up to the full batch: linking a batch into the cache writes
	 * every block of it, and a short process would otherwise fault in
	 * 64 KiB of each class it touches once. */
	unsigned start = (unsigned)(PAGE / class_size(cls));
	if (tc->warmth[t] < 16 && ((start ? start : 1u) << tc->warmth[t]) < want)
		want = (start ? start : 1u) << tc->warmth[t]++;
	tc->refilled[t] = 1;
	extent_decay_tick();
	unsigned got = arena_fill(tc->arena, cls, objs, want);
	if (!got)
		return NULL;
	/* Push in reverse so the lowest address is popped first. */
	LA_ASSERT(got - 1 <= tc->room[t]);
	for (unsigned i = got; i-- > 1;)
		tcache_push(cls, objs[i]);
	*(uintptr_t *)objs[0] = 0; /* it may hold a stale link from its last stay */
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

/* The object after p in a bin of class cls, or false when p's link was
 * overwritten: not a user-space address on the 16-byte grid, or not a
 * block of this class (page map). Nothing is read at a bad address. */
static bool next_in_bin(const void *p, unsigned cls, void **next)
{
	uintptr_t n = *(const uintptr_t *)p ^ la_tc.link_key;
	*next = (void *)n;
	if (!link_valid(n))
		return false;
	return n == 0 || (pagemap_get((void *)n) & PM_CLASS_MASK) == cls + 1;
}

/* p's link is bad: report it, and count what the list held beyond p as
 * gone from the cache (those blocks are lost, not handed out again). */
static void cut_bin(const void *p, bool is_block, unsigned cls, uint32_t lost, const char *where)
{
	struct tcache *tc = &la_tc;
	tc->room[cls + 1] += lost;
	tc->slot->class_flush[cls] += lost;
	if (la_core_hooks.heap_corruption)
		la_core_hooks.heap_corruption(p, is_block, cls, where);
}

void *tcache_pop(unsigned cls)
{
	struct tcache *tc = &la_tc;
	unsigned t = cls + 1;
	void *p = tc->head[t], *next;
	if (!p)
		return NULL;
	if (!link_valid((uintptr_t)p) || (pagemap_get(p) & PM_CLASS_MASK) != t) {
		/* The link that led here (in the block the bin handed out last)
		 * was overwritten after it went back: the list ends. */
		tc->head[t] = NULL;
		cut_bin(p, false, cls, tcache_count(tc, cls), "malloc");
		return NULL;
	}
	if (!next_in_bin(p, cls, &next)) {
		tc->head[t] = NULL;
		cut_bin(p, true, cls, tcache_count(tc, cls) - 1, "malloc");
	} else {
		tc->head[t] = next;
	}
	*(uintptr_t *)p = 0; /* no stale link mark in a live block */
	tc->room[t]++;
	return p;
}

bool tcache_holds(unsigned cls, const void *p)
{
	struct tcache *tc = &la_tc;
	void *q = tc->head[cls + 1], *next;
	for (uint32_t left = tcache_count(tc, cls); q && left > 0; left--, q = next) {
		if (q == p)
			return true;
		if (!next_in_bin(q, cls, &next))
			return false; /* reported when the list is next walked */
	}
	return false;
}

void tcache_flush_bin(unsigned cls, uint32_t keep)
{
	struct tcache *tc = &la_tc;
	unsigned t = cls + 1;
	tc->refilled[t] = 0;
	void *objs[FILL_MAX];
	/* Walk no more than the cache holds: a list that loops (a block freed
	 * twice while nothing could tell) must not hang us here. */
	uint32_t left = tcache_count(tc, cls);
	/* Keep the most recently freed (hottest) objects; flush the older. */
	void *p = tc->head[t], *next = NULL;
	void *last_kept = NULL;
	for (uint32_t kept = 0; kept < keep && p && left > 0; kept++, left--) {
		if (!next_in_bin(p, cls, &next)) {
			*(uintptr_t *)p = link_encode(NULL, tc->link_key);
			cut_bin(p, true, cls, left - 1, "thread-cache flush");
			return;
		}
		last_kept = p;
		p = next;
	}
	if (last_kept)
		*(uintptr_t *)last_kept = link_encode(NULL, tc->link_key);
	else
		tc->head[t] = NULL;
	unsigned n = 0;
	bool bad = false;
	while (p && left > 0) {
		bad = !next_in_bin(p, cls, &next);
		objs[n++] = p;
		left--;
		if (n == FILL_MAX || bad) {
			release_checked(objs, n, cls);
			tc->slot->class_flush[cls] += n;
			tc->room[t] += n;
			n = 0;
		}
		if (bad) {
			cut_bin(p, true, cls, left, "thread-cache flush");
			break;
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
