/* arena.c - slab bins: filling thread caches and taking slots back. */
#include <string.h>

#include "core/arena.h"
#include "core/pagemap.h"
#include "core/slab_heap.h"
#include "core/slot_mark.h"
#include "sys/base.h"
#include "sys/check.h"
#include "sys/conf.h"
#include "sys/counters.h"
#include "sys/probes.h"
#include "stats/stats.h"

unsigned la_narenas;
static struct arena *_Atomic arenas[MAX_ARENAS];
static pthread_mutex_t arenas_lock = PTHREAD_MUTEX_INITIALIZER;
/* Arena 0 and the untagged arena need no memory: every thread can always
 * be given an arena, and the check modes always have theirs. */
static struct arena first_arena, untagged_arena;
/* Arenas new threads are spread over (mallopt M_ARENA_MAX lowers it). */
static _Atomic unsigned spread = MAX_ARENAS;

static void arena_setup(struct arena *a, unsigned id)
{
	for (unsigned c = 0; c < NCLASSES; c++)
		pthread_mutex_init(&a->bins[c].lock, NULL);
	pthread_mutex_init(&a->walk_lock, NULL);
	a->id = id;
}

void arenas_init(void)
{
	la_narenas = la_conf.narenas;
	if (la_narenas > MAX_ARENAS - 1)
		la_narenas = MAX_ARENAS - 1;
	if (la_narenas == 0)
		la_narenas = 1;
}

/* Made on first use (a process that never allocates touches none). NULL
 * when the metadata memory runs out, never for the two static ones. */
static struct arena *arena_create(unsigned id)
{
	struct arena *a = id == 0 ? &first_arena
			  : id == la_narenas ? &untagged_arena
					     : base_alloc(sizeof(*a), LA_CACHELINE);
	if (a)
		arena_setup(a, id);
	return a;
}

struct arena *arena_get(unsigned id)
{
	struct arena *a = atomic_load_explicit(&arenas[id], memory_order_acquire);
	if (likely(a))
		return a;
	pthread_mutex_lock(&arenas_lock);
	a = atomic_load_explicit(&arenas[id], memory_order_acquire);
	if (!a) {
		a = arena_create(id);
		if (a)
			atomic_store_explicit(&arenas[id], a, memory_order_release);
	}
	pthread_mutex_unlock(&arenas_lock);
	return a;
}

void arena_set_spread(unsigned n)
{
	atomic_store_explicit(&spread, n, memory_order_relaxed);
}

bool arena_usage(unsigned id, unsigned cls, uint64_t *slabs, uint64_t *free_slots)
{
	struct arena *a = id < MAX_ARENAS ? atomic_load_explicit(&arenas[id], memory_order_acquire)
					  : NULL;
	if (!a || cls >= NCLASSES)
		return false;
	struct arena_bin *b = &a->bins[cls];
	pthread_mutex_lock(&b->lock);
	*slabs = b->nslabs;
	uint64_t slots = b->nslabs * la_classes[cls].nobjs;
	*free_slots = slots > b->handed ? slots - b->handed : 0;
	pthread_mutex_unlock(&b->lock);
	return true;
}

struct arena *arena_untagged(void)
{
	return arena_get(la_narenas);
}

static bool keeps_slab_list(const struct arena *a)
{
	return a->id == la_narenas;
}

static void slab_list_add(struct arena *a, struct extent *s)
{
	pthread_mutex_lock(&a->walk_lock);
	s->owner_prev = NULL;
	s->owner_next = a->slabs;
	if (a->slabs)
		a->slabs->owner_prev = s;
	a->slabs = s;
	pthread_mutex_unlock(&a->walk_lock);
}

static void slab_list_remove(struct arena *a, struct extent *s)
{
	pthread_mutex_lock(&a->walk_lock);
	if (s->owner_prev)
		s->owner_prev->owner_next = s->owner_next;
	else
		a->slabs = s->owner_next;
	if (s->owner_next)
		s->owner_next->owner_prev = s->owner_prev;
	s->owner_next = s->owner_prev = NULL;
	pthread_mutex_unlock(&a->walk_lock);
}

void arena_walk_slabs(void (*fn)(struct extent *slab, void *arg), void *arg)
{
	struct arena *a = atomic_load_explicit(&arenas[la_narenas], memory_order_acquire);
	if (!a)
		return;
	pthread_mutex_lock(&a->walk_lock);
	for (struct extent *s = a->slabs; s; s = s->owner_next)
		fn(s, arg);
	pthread_mutex_unlock(&a->walk_lock);
}

struct arena *arena_assign(int tid)
{
	unsigned best = 0, best_n = ~0u;
	unsigned n_spread = atomic_load_explicit(&spread, memory_order_relaxed);
	for (unsigned i = 0; i < la_narenas && i < n_spread; i++) {
		struct arena *a = atomic_load_explicit(&arenas[i], memory_order_acquire);
		unsigned n = a ? atomic_load_explicit(&a->nthreads, memory_order_relaxed) : 0;
		if (n < best_n) {
			best = i;
			best_n = n;
		}
	}
	struct arena *a = arena_get(best);
	if (!a) /* out of memory for a new arena: share the first */
		a = &first_arena;
	atomic_fetch_add_explicit(&a->nthreads, 1, memory_order_relaxed);
	STAT_ADD(&la_arena_stats[a->id].threads, 1);
	LA_PROBE(arena_assign, tid, a->id);
	return a;
}

void arena_unassign(struct arena *a)
{
	atomic_fetch_sub_explicit(&a->nthreads, 1, memory_order_relaxed);
	STAT_SUB(&la_arena_stats[a->id].threads, 1);
}

static void bin_lock(struct arena *a, struct arena_bin *b)
{
	struct las_arena *st = &la_arena_stats[a->id];
	if (pthread_mutex_trylock(&b->lock) != 0) {
		STAT_ADD(&st->lock_contended, 1);
		pthread_mutex_lock(&b->lock);
	}
	STAT_ADD(&st->lock_acquisitions, 1);
}

static struct extent *slab_new(struct arena *a, unsigned cls)
{
	const struct size_class *sc = &la_classes[cls];
	size_t bytes = (size_t)sc->slab_pages << LG_PAGE;
	bool zeroed;
	unsigned tag = (cls + 1) | (keeps_slab_list(a) ? EXT_UNTAGGED : 0);
	struct extent *s = extent_alloc(bytes, PAGE, tag, &zeroed);
	if (!s)
		return NULL;
	s->arena = (uint8_t)a->id;
	s->nfree = sc->nobjs;
	memset(s->bitmap, 0, sizeof(s->bitmap));
	for (uint32_t i = 0; i < sc->nobjs; i++)
		s->bitmap[i / 64] |= 1ull << (i % 64);
	a->bins[cls].nslabs++;
	STAT_ADD(&la_class_stats[cls].slabs, 1);
	STAT_ADD(&la_class_stats[cls].slab_allocs, 1);
	STAT_ADD(&la_arena_stats[a->id].slabs, 1);
	LA_PROBE(slab_new, s->addr, bytes, cls, a->id);
	if (keeps_slab_list(a))
		slab_list_add(a, s);
	return s;
}

static void slab_release(struct arena *a, struct extent *s, unsigned cls)
{
	a->bins[cls].nslabs--;
	STAT_SUB(&la_class_stats[cls].slabs, 1);
	STAT_ADD(&la_class_stats[cls].slab_frees, 1);
	STAT_SUB(&la_arena_stats[a->id].slabs, 1);
	LA_PROBE(slab_release, s->addr, s->size, cls, a->id);
	if (keeps_slab_list(a))
		slab_list_remove(a, s);
	extent_free(s);
}

static unsigned fill(struct arena *a, unsigned cls, void **out, unsigned n, bool mark)
{
	struct arena_bin *b = &a->bins[cls];
	uint32_t size = la_classes[cls].size;
	unsigned got = 0;
	bin_lock(a, b);
	while (got < n) {
		struct extent *s = b->nonfull;
		if (!s) {
			s = slab_new(a, cls);
			if (!s)
				break;
			b->nonfull = slab_heap_insert(b->nonfull, s);
		}
		for (unsigned w = 0; w < SLAB_BITMAP_WORDS && got < n && s->nfree; w++) {
			uint64_t bits = s->bitmap[w];
			while (bits && got < n) {
				unsigned bit = (unsigned)__builtin_ctzll(bits);
				bits &= bits - 1;
				out[got] = (void *)(s->addr + (size_t)(w * 64 + bit) * size);
				if (mark)
					slot_mark(out[got]);
				got++;
				s->nfree--;
			}
			__atomic_store_n(&s->bitmap[w], bits, __ATOMIC_RELEASE);
		}
		LA_ASSERT(s->nfree <= la_classes[cls].nobjs);
		if (s->nfree == 0)
			b->nonfull = slab_heap_pop(s);
	}
	b->handed += got;
	pthread_mutex_unlock(&b->lock);
	STAT_ADD(&la_class_stats[cls].objs_handed, got);
	STAT_ADD(&la_arena_stats[a->id].handed_bytes, (uint64_t)got * size);
	stats_handed((int64_t)got * size);
	return got;
}

unsigned arena_fill(struct arena *a, unsigned cls, void **out, unsigned n)
{
	return fill(a, cls, out, n, false);
}

unsigned arena_fill_marked(struct arena *a, unsigned cls, void **out, unsigned n)
{
	return fill(a, cls, out, n, true);
}

static void release(void *const *ptrs, unsigned n, unsigned cls, struct release_faults *f,
		    bool marked)
{
	unsigned dups = 0;
	f->dups = f->interior = 0;
	f->first_dup = f->first_interior = NULL;
	struct arena *held = NULL;
	struct arena_bin *b = NULL;
	uint32_t nobjs = la_classes[cls].nobjs, size = la_classes[cls].size;
	uint64_t per_arena = 0;
	for (unsigned i = 0; i < n; i++) {
		struct extent *s = (struct extent *)(pagemap_get(ptrs[i]) & ~PM_CLASS_MASK);
		if (!held || s->arena != held->id) {
			struct arena *a = arena_get(s->arena);
			if (held) {
				b->handed -= per_arena;
				pthread_mutex_unlock(&b->lock);
				STAT_SUB(&la_arena_stats[held->id].handed_bytes, per_arena * size);
			}
			held = a;
			b = &a->bins[cls];
			per_arena = 0;
			bin_lock(a, b);
		}
		LA_ASSERT(s->state == EX_SLAB && s->cls == cls);
		uint32_t idx = class_slot_index(cls, (uintptr_t)ptrs[i] - s->addr);
		if (s->addr + (uintptr_t)idx * size != (uintptr_t)ptrs[i]) {
			if (f->interior++ == 0)
				f->first_interior = ptrs[i];
			dups++;
			continue;
		}
		uint64_t bit = 1ull << (idx % 64);
		if ((s->bitmap[idx / 64] & bit) || slot_marked(ptrs[i]) != marked) {
			/* Already free (in its slab or in a checked cache): a
			 * double free. Never count it twice. */
			if (f->dups++ == 0)
				f->first_dup = ptrs[i];
			dups++;
			continue;
		}
		LA_ASSERT(idx < nobjs && s->nfree < nobjs);
		__atomic_store_n(&s->bitmap[idx / 64], s->bitmap[idx / 64] | bit, __ATOMIC_RELEASE);
		if (marked)
			slot_unmark(ptrs[i]);
		per_arena++;
		if (++s->nfree == 1)
			b->nonfull = slab_heap_insert(b->nonfull, s);
		if (s->nfree == nobjs && b->nslabs > 1) {
			b->nonfull = slab_heap_remove(b->nonfull, s);
			slab_release(held, s, cls);
		}
	}
	if (held) {
		b->handed -= per_arena;
		pthread_mutex_unlock(&b->lock);
		STAT_SUB(&la_arena_stats[held->id].handed_bytes, per_arena * size);
	}
	STAT_SUB(&la_class_stats[cls].objs_handed, n - dups);
	stats_handed(-(int64_t)(n - dups) * size);
}

bool arena_slot_is_free(const void *p)
{
	uintptr_t pm = pagemap_get(p);
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	if (!tag)
		return false;
	const struct extent *s = (const struct extent *)(pm & ~PM_CLASS_MASK);
	unsigned cls = tag - 1;
	uint32_t idx = class_slot_index(cls, (uintptr_t)p - s->addr);
	if (s->addr + (uintptr_t)idx * class_size(cls) != (uintptr_t)p)
		return false;
	return __atomic_load_n(&s->bitmap[idx / 64], __ATOMIC_ACQUIRE) & (1ull << (idx % 64));
}

void arena_release(void *const *ptrs, unsigned n, unsigned cls, struct release_faults *f)
{
	release(ptrs, n, cls, f, false);
}

void arena_release_marked(void *const *ptrs, unsigned n, unsigned cls, struct release_faults *f)
{
	release(ptrs, n, cls, f, true);
}

/* The walk lock nests inside bin locks (slab creation): taken after them. */
void arena_fork_prepare(void)
{
	pthread_mutex_lock(&arenas_lock);
	for (unsigned i = 0; i < MAX_ARENAS; i++) {
		struct arena *a = atomic_load_explicit(&arenas[i], memory_order_acquire);
		if (a)
			for (unsigned c = 0; c < NCLASSES; c++)
				pthread_mutex_lock(&a->bins[c].lock);
	}
}

/* Taken last, after the page heap's lock has been. */
void arena_fork_prepare_walk(void)
{
	struct arena *a = atomic_load_explicit(&arenas[la_narenas], memory_order_acquire);
	if (a)
		pthread_mutex_lock(&a->walk_lock);
}

void arena_fork_parent_walk(void)
{
	struct arena *a = atomic_load_explicit(&arenas[la_narenas], memory_order_acquire);
	if (a)
		pthread_mutex_unlock(&a->walk_lock);
}

void arena_fork_parent(void)
{
	for (unsigned i = 0; i < MAX_ARENAS; i++) {
		struct arena *a = atomic_load_explicit(&arenas[i], memory_order_acquire);
		if (a)
			for (unsigned c = 0; c < NCLASSES; c++)
				pthread_mutex_unlock(&a->bins[c].lock);
	}
	pthread_mutex_unlock(&arenas_lock);
}

void arena_fork_child(void)
{
	for (unsigned i = 0; i < MAX_ARENAS; i++) {
		struct arena *a = atomic_load_explicit(&arenas[i], memory_order_acquire);
		if (a) {
			for (unsigned c = 0; c < NCLASSES; c++)
				pthread_mutex_init(&a->bins[c].lock, NULL);
			pthread_mutex_init(&a->walk_lock, NULL);
			atomic_store_explicit(&a->nthreads, 0, memory_order_relaxed);
		}
	}
	pthread_mutex_init(&arenas_lock, NULL);
}
