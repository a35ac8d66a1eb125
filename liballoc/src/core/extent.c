/*
 * extent.c - the page heap.
 *
 * Free runs live in size bins (four per doubling), dirty and clean runs
 * apart, so that a request prefers recently freed (resident) pages and only
 * then returned ones. Neighbouring free runs of the same state coalesce via
 * the page map, which records every extent at its first and last page.
 * Dirty runs also sit on an age list; the purger returns the oldest first.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "sys/base.h"
#include "sys/conf.h"
#include "core/extent.h"
#include "sys/os.h"
#include "core/pagemap.h"
#include "sys/probes.h"
#include "sys/counters.h"

#define NBINS 140
#define NSTATES 2 /* 0 dirty, 1 clean */

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct extent *bins[NSTATES][NBINS];
static uint64_t bins_nonempty[NSTATES][(NBINS + 63) / 64];
static struct extent *lru_head, *lru_tail;
static struct extent *spare_records;
static size_t dirty_bytes, active_bytes, mapped_bytes;
static size_t next_reserve_size;
static unsigned reserves_at_size;
static _Atomic uint64_t decay_next_check_ms;
/* The most the heap has held resident (active + dirty bytes) after a
 * request that faulted in fresh pages. */
static size_t resident_peak;
/* Bytes handed out again from dirty runs, in the current and the previous
 * REUSE_WINDOW_MS window: dirty pages a program keeps reusing are kept. */
#define REUSE_WINDOW_MS 1000
static size_t reused_now, reused_before;
static uint64_t reuse_window_start;
static bool purged_lately; /* a threshold purge ran in this window */
/* Large blocks above the reservation size, and above this threshold, get a
 * mapping of their own. A freed one raises the threshold to its size (up
 * to HUGE_THRESHOLD_MAX), so that a program that keeps allocating blocks
 * of that size gets them from reservations, reused, not mapped each time:
 * glibc's dynamic mmap threshold, for the same reason. */
#define HUGE_THRESHOLD_MAX ((size_t)64 << 20)
static size_t huge_threshold;
/* A threshold the program chose (mallopt M_MMAP_THRESHOLD): fixed, and
 * below a reservation too. SIZE_MAX: none, the dynamic one applies. */
static _Atomic size_t huge_fixed = SIZE_MAX;

static unsigned floor_bin(size_t pages)
{
	if (pages <= 8)
		return (unsigned)pages - 1;
	unsigned lg = 63u - (unsigned)__builtin_clzll(pages);
	unsigned i = (unsigned)((pages - ((size_t)1 << lg)) >> (lg - 2));
	return 7 + (lg - 3) * 4 + i;
}

static size_t bin_lower(unsigned b)
{
	if (b < 8)
		return b + 1;
	unsigned lg = 3 + (b - 7) / 4, i = (b - 7) % 4;
	return ((size_t)1 << lg) + i * ((size_t)1 << (lg - 2));
}

static unsigned ceil_bin(size_t pages)
{
	unsigned b = floor_bin(pages);
	return bin_lower(b) < pages ? b + 1 : b;
}

static int state_index(uint8_t state)
{
	return state == EX_DIRTY ? 0 : 1;
}

/* Spare records, taken before a page-heap operation changes anything: an
 * operation that cannot have the records a split may need fails as a whole
 * (the caller returns NULL, ENOMEM) rather than halfway. */
static unsigned spare_count;

static void record_free(struct extent *e)
{
	e->state = EX_UNUSED;
	e->bin.next = spare_records;
	spare_records = e;
	spare_count++;
}

static bool records_reserve(unsigned n)
{
	while (spare_count < n) {
		struct extent *e = base_alloc(sizeof(*e), LA_CACHELINE);
		if (!e)
			return false;
		record_free(e);
	}
	return true;
}

static struct extent *record_new(void)
{
	if (!records_reserve(1))
		return NULL;
	struct extent *e = spare_records;
	spare_records = e->bin.next;
	spare_count--;
	memset(e, 0, sizeof(*e));
	return e;
}

static void publish_counters(void)
{
	STAT_SET(&la_globals->dirty_bytes, dirty_bytes);
	STAT_SET(&la_globals->active_bytes, active_bytes);
	STAT_SET(&la_globals->mapped_bytes, mapped_bytes);
	STAT_SET(&la_globals->resident_bytes, active_bytes + dirty_bytes);
}

/* Link a dirty run into the age list right after `at` (NULL: at the head). */
static void lru_link_after(struct extent *e, struct extent *at)
{
	e->lru_prev = at;
	e->lru_next = at ? at->lru_next : lru_head;
	if (e->lru_next)
		e->lru_next->lru_prev = e;
	else
		lru_tail = e;
	if (at)
		at->lru_next = e;
	else
		lru_head = e;
}

/* File a free run in its size bin and, if dirty, in the age list, which
 * stays ordered by time_ms. `placed` says that `at` already is the age-list
 * entry to follow; otherwise the place is searched from the young end. */
static void bin_insert_at(struct extent *e, bool placed, struct extent *at)
{
	int s = state_index(e->state);
	unsigned b = floor_bin(e->size >> LG_PAGE);
	e->bin.prev = NULL;
	e->bin.next = bins[s][b];
	if (e->bin.next)
		e->bin.next->bin.prev = e;
	bins[s][b] = e;
	bins_nonempty[s][b / 64] |= 1ull << (b % 64);
	if (e->state == EX_DIRTY) {
		if (!placed)
			for (at = lru_tail; at && at->time_ms > e->time_ms; at = at->lru_prev)
				;
		lru_link_after(e, at);
		dirty_bytes += e->size;
	}
}

static void bin_remove(struct extent *e)
{
	LA_ASSERT(e->state == EX_DIRTY || e->state == EX_CLEAN);
	int s = state_index(e->state);
	unsigned b = floor_bin(e->size >> LG_PAGE);
	if (e->bin.prev)
		e->bin.prev->bin.next = e->bin.next;
	else
		bins[s][b] = e->bin.next;
	if (e->bin.next)
		e->bin.next->bin.prev = e->bin.prev;
	if (!bins[s][b])
		bins_nonempty[s][b / 64] &= ~(1ull << (b % 64));
	if (e->state == EX_DIRTY) {
		if (e->lru_prev)
			e->lru_prev->lru_next = e->lru_next;
		else
			lru_head = e->lru_next;
		if (e->lru_next)
			e->lru_next->lru_prev = e->lru_prev;
		else
			lru_tail = e->lru_prev;
		dirty_bytes -= e->size;
	}
}

static void register_bounds(struct extent *e)
{
	pagemap_set(e->addr, (uintptr_t)e);
	if (e->size > PAGE)
		pagemap_set(e->addr + e->size - PAGE, (uintptr_t)e);
}

/* The free run (of `state`) that ends right before / starts right at addr. */
static struct extent *free_neighbor(uintptr_t addr, uint8_t state)
{
	uintptr_t v = pagemap_get((void *)addr);
	if (!v || (v & PM_CLASS_MASK))
		return NULL;
	struct extent *n = (struct extent *)v;
	return n->state == state ? n : NULL;
}

/*
 * Insert [addr, addr+size) as a free run, merging with free neighbours of
 * the same state. `e` is a record to reuse (or NULL). Interior page-map
 * entries of merged runs are cleared so stale records are never found.
 * `placed`/`lru_at` as for bin_insert_at, when the caller knows the place.
 */
static void insert_free(struct extent *e, uintptr_t addr, size_t size, uint8_t state,
			uint64_t time_ms, bool placed, struct extent *lru_at)
{
	struct extent *prev = addr > PAGE ? free_neighbor(addr - PAGE, state) : NULL;
	if (prev && prev->addr + prev->size != addr)
		prev = NULL;
	struct extent *next = free_neighbor(addr + size, state);
	if (next && next->addr != addr + size)
		next = NULL;
	pagemap_set(addr, 0);
	if (size > PAGE)
		pagemap_set(addr + size - PAGE, 0);
	/* A merged run keeps the stamp of its oldest part. A dirty part that
	 * old is already in its right place in the age list: the merged run
	 * takes that place instead of searching for it, a walk over many
	 * cold records. That part leaves the lists last, so its neighbour in
	 * the age list is still current. */
	struct extent *oldest = NULL;
	if (state == EX_DIRTY) {
		if (prev && prev->time_ms <= time_ms)
			oldest = prev;
		if (next && next->time_ms <= time_ms && (!oldest || next->time_ms < oldest->time_ms))
			oldest = next;
	}
	if (next && next != oldest)
		bin_remove(next);
	if (prev)
		bin_remove(prev);
	if (next && next == oldest)
		bin_remove(next);
	if (oldest) {
		placed = true;
		lru_at = oldest->lru_prev;
	}
	if (prev) {
		if (prev->size > PAGE)
			pagemap_set(prev->addr + prev->size - PAGE, 0);
		addr = prev->addr;
		size += prev->size;
		if (prev->time_ms < time_ms)
			time_ms = prev->time_ms;
		if (e)
			record_free(e);
		e = prev;
	}
	if (next) {
		pagemap_set(next->addr, 0);
		size += next->size;
		if (next->time_ms < time_ms)
			time_ms = next->time_ms;
		if (e)
			record_free(e);
		e = next;
	}
	LA_ASSERT((addr & PAGE_MASK) == 0 && (size & PAGE_MASK) == 0 && size > 0);
	if (!e)
		e = record_new();
	/* Every caller reserved the records its splits need. */
	LA_ASSERT(e != NULL);
	e->addr = addr;
	e->size = size;
	e->state = state;
	e->time_ms = time_ms;
	register_bounds(e);
	bin_insert_at(e, placed, lru_at);
}

/* Find a free run of `state` with at least `pages`; lowest-address first
 * among the few entries we look at in the exact bin. */
static struct extent *find_free(int s, size_t pages)
{
	unsigned fb = floor_bin(pages);
	struct extent *best = NULL;
	int looked = 0;
	for (struct extent *e = bins[s][fb]; e && looked < 16; e = e->bin.next, looked++)
		if ((e->size >> LG_PAGE) >= pages && (!best || e->addr < best->addr))
			best = e;
	if (best)
		return best;
	for (unsigned b = ceil_bin(pages); b < NBINS;) {
		uint64_t word = bins_nonempty[s][b / 64] >> (b % 64);
		if (!word) {
			b = (b / 64 + 1) * 64;
			continue;
		}
		b += (unsigned)__builtin_ctzll(word);
		if (b >= NBINS)
			break;
		best = bins[s][b];
		looked = 0;
		for (struct extent *e = best; e && looked < 8; e = e->bin.next, looked++)
			if (e->addr < best->addr)
				best = e;
		return best;
	}
	return NULL;
}

static bool grow(size_t size)
{
	if (!next_reserve_size)
		next_reserve_size = la_conf.reserve_min;
	size_t want = next_reserve_size;
	if (want < size)
		want = ALIGN_UP(size, (size_t)2 << 20);
	void *m = os_map(want);
	if (!m)
		return false;
	if (!pagemap_reserve((uintptr_t)m, want)) {
		os_unmap(m, want);
		return false;
	}
	STAT_ADD(&la_globals->reservations, 1);
	mapped_bytes += want;
	if (want == next_reserve_size && ++reserves_at_size >= la_conf.reserve_growth) {
		/* K reservations of one size, then double: O(K log N) mappings. */
		next_reserve_size <<= 1;
		reserves_at_size = 0;
	}
	insert_free(NULL, (uintptr_t)m, want, EX_CLEAN, 0, false, NULL);
	return true;
}

/* Split [e] so that it keeps exactly [addr, addr+size); the pieces before
 * and after go back as free runs of the original state. */
static void carve(struct extent *e, uintptr_t addr, size_t size)
{
	LA_ASSERT(addr >= e->addr && addr + size <= e->addr + e->size && (size & PAGE_MASK) == 0);
	uint8_t state = e->state;
	uint64_t t = e->time_ms;
	uintptr_t lead_end = addr, trail = addr + size, end = e->addr + e->size;
	uintptr_t lead = e->addr;
	bin_remove(e);
	/* The pieces keep e's stamp, and so e's place in the age list. */
	bool placed = state == EX_DIRTY;
	struct extent *lru_at = e->lru_prev;
	pagemap_set(e->addr, 0);
	if (e->size > PAGE)
		pagemap_set(end - PAGE, 0);
	e->addr = addr;
	e->size = size;
	if (lead_end > lead)
		insert_free(NULL, lead, lead_end - lead, state, t, placed, lru_at);
	if (end > trail)
		insert_free(NULL, trail, end - trail, state, t, placed, lru_at);
}

/*
 * No dirty run holds `pages`, but one may border a clean run with which it
 * would: then the clean part it needs becomes dirty (its pages are not
 * resident, which "dirty" allows) and merges with the dirty run, so the
 * request takes resident pages first and faults in only the rest. Without
 * this a big request always takes a clean run whole, and the dirty runs
 * next to it stay resident as holes: resident memory grows by the whole
 * request instead of what the holes lack. The largest dirty runs are
 * looked at first (they save the most), a bounded number of them.
 */
#define EXTEND_LOOKS 32

static size_t extend_dirty_into_clean(size_t pages)
{
	int looked = 0;
	for (int b = NBINS - 1; b >= 0 && looked < EXTEND_LOOKS; b--) {
		uint64_t below = bins_nonempty[0][b / 64] & (~0ull >> (63 - b % 64));
		if (!below) {
			b -= b % 64; /* no dirty run in this word's bins up to b */
			continue;
		}
		b = b / 64 * 64 + 63 - __builtin_clzll(below);
		for (struct extent *d = bins[0][b]; d && looked < EXTEND_LOOKS;
		     d = d->bin.next, looked++) {
			if ((d->size >> LG_PAGE) >= pages)
				continue; /* fits alone: find_free's bounded look missed it */
			size_t need = (pages - (d->size >> LG_PAGE)) << LG_PAGE;
			uintptr_t end = d->addr + d->size;
			struct extent *next = free_neighbor(end, EX_CLEAN);
			struct extent *prev = d->addr > PAGE ? free_neighbor(d->addr - PAGE, EX_CLEAN) : NULL;
			size_t after = next && next->addr == end ? next->size : 0;
			size_t before = prev && prev->addr + prev->size == d->addr ? prev->size : 0;
			if (after + before < need)
				continue;
			/* One side if it suffices, after the run first; else both. Each
			 * insert may merge `d` away (into a dirty run beyond a
			 * clean neighbour taken whole): use its fields, not it. */
			uint64_t t = d->time_ms;
			uintptr_t start = d->addr;
			if (after >= need)
				after = need;
			else if (before >= need)
				after = 0;
			before = need - after;
			if (after) {
				carve(next, end, after);
				insert_free(next, end, after, EX_DIRTY, t, false, NULL);
			}
			if (before) {
				carve(prev, start - before, before);
				insert_free(prev, start - before, before, EX_DIRTY, t, false, NULL);
			}
			return need;
		}
	}
	return 0;
}

static void account_large(size_t size, int sign)
{
	unsigned band = 63u - (unsigned)__builtin_clzll(size);
	struct las_large_band *lb = &la_large_bands[band];
	if (sign > 0) {
		STAT_SET(&lb->count, lb->count + 1);
		STAT_SET(&lb->bytes, lb->bytes + size);
		STAT_SET(&lb->total_allocs, lb->total_allocs + 1);
	} else {
		STAT_SET(&lb->count, lb->count - 1);
		STAT_SET(&lb->bytes, lb->bytes - size);
	}
}

static void purge_if_over_threshold(void);
static void purge_at_new_peak(void);

/* Windows of REUSE_WINDOW_MS; a gap longer than one window forgets all. */
static void roll_reuse_window(uint64_t now)
{
	if (now - reuse_window_start < REUSE_WINDOW_MS)
		return;
	reused_before = now - reuse_window_start < 2 * REUSE_WINDOW_MS ? reused_now : 0;
	reused_now = 0;
	purged_lately = false;
	reuse_window_start = now;
}

/* A request served from dirty pages is a reuse; so is one served from
 * clean pages while the threshold purge has been returning pages: had
 * they been kept, it would have been a reuse instead of page faults. */
static void note_reuse(size_t size, bool from_dirty)
{
	roll_reuse_window(la_now_coarse_ms());
	if (from_dirty || purged_lately)
		reused_now += size;
}

/* Is a large block of `bytes` (alignment slack included) huge? Read
 * without the lock: a stale answer only picks the other, correct, way. */
static bool is_huge(size_t bytes)
{
	size_t fixed = atomic_load_explicit(&huge_fixed, memory_order_relaxed);
	if (fixed != SIZE_MAX)
		return bytes >= fixed;
	size_t reserve = next_reserve_size ? next_reserve_size : la_conf.reserve_min;
	size_t threshold = huge_threshold > reserve ? huge_threshold : reserve;
	return bytes > threshold;
}

/* A huge block: a committed mapping of its own, trimmed to the alignment. */
static struct extent *alloc_own_mapping(size_t size, size_t align)
{
	size_t slack = align > PAGE ? align - PAGE : 0;
	if (size + slack < size)
		return NULL;
	uintptr_t m = (uintptr_t)os_map_committed(size + slack);
	if (!m)
		return NULL;
	uintptr_t addr = ALIGN_UP(m, align);
	if (addr > m)
		os_unmap_part((void *)m, addr - m);
	if (addr + size < m + size + slack)
		os_unmap_part((void *)(addr + size), m + size + slack - addr - size);
	pthread_mutex_lock(&heap_lock);
	struct extent *e = NULL;
	if (pagemap_reserve(addr, PAGE) && pagemap_reserve(addr + size - PAGE, PAGE))
		e = record_new();
	if (!e) {
		pthread_mutex_unlock(&heap_lock);
		os_unmap((void *)addr, size);
		return NULL;
	}
	e->addr = addr;
	e->size = size;
	e->state = EX_LARGE;
	e->own_map = 1;
	register_bounds(e);
	active_bytes += size;
	mapped_bytes += size;
	account_large(size, +1);
	publish_counters();
	pthread_mutex_unlock(&heap_lock);
	return e;
}

struct extent *extent_alloc(size_t size, size_t align, unsigned tag, bool *zeroed)
{
	size_t pages_needed = (size + (align > PAGE ? align - PAGE : 0)) >> LG_PAGE;
	if ((tag & 0xffu) == 0 && is_huge(pages_needed << LG_PAGE)) {
		*zeroed = true;
		return alloc_own_mapping(size, align);
	}
	pthread_mutex_lock(&heap_lock);
	struct extent *e = NULL;
	/* The carve below splits off at most a run before and one after; a
	 * new reservation is one more. */
	size_t fault_bytes = 0;
	for (int attempt = 0; attempt < 2 && !e && records_reserve(3); attempt++) {
		e = find_free(0, pages_needed);
		if (!e && (fault_bytes = extend_dirty_into_clean(pages_needed)) != 0)
			e = find_free(0, pages_needed);
		if (!e) {
			e = find_free(1, pages_needed);
			fault_bytes = size;
		}
		if (!e && (attempt > 0 || !records_reserve(3) || !grow(pages_needed << LG_PAGE)))
			break;
	}
	if (!e) {
		pthread_mutex_unlock(&heap_lock);
		return NULL;
	}
	*zeroed = e->state == EX_CLEAN;
	note_reuse(size, e->state == EX_DIRTY);
	uintptr_t addr = align > PAGE ? ALIGN_UP(e->addr, align) : e->addr;
	carve(e, addr, size);
	unsigned cls_tag = tag & 0xffu;
	e->state = cls_tag ? EX_SLAB : EX_LARGE;
	e->cls = cls_tag ? (uint8_t)(cls_tag - 1) : 0;
	e->special = (tag & EXT_UNTAGGED) ? 1 : 0;
	if (cls_tag)
		pagemap_set_range(e->addr, size >> LG_PAGE,
				  (uintptr_t)e | ((tag & EXT_UNTAGGED) ? 0 : cls_tag));
	else
		register_bounds(e);
	active_bytes += size;
	if (!cls_tag)
		account_large(size, +1);
	if (fault_bytes)
		purge_at_new_peak();
	publish_counters();
	pthread_mutex_unlock(&heap_lock);
	return e;
}

/* A huge block's mapping goes back to the kernel (address space and
 * commit charge), after its record and page-map entries are gone. */
static void free_own_mapping(struct extent *e)
{
	uintptr_t addr = e->addr;
	size_t size = e->size;
	pthread_mutex_lock(&heap_lock);
	account_large(size, -1);
	active_bytes -= size;
	if (size > huge_threshold)
		huge_threshold = size < HUGE_THRESHOLD_MAX ? size : HUGE_THRESHOLD_MAX;
	e->own_map = 0;
	/* A block of a size the raised threshold now keeps in the page heap:
	 * its mapping becomes a reservation of dirty pages, so the next such
	 * block reuses them instead of faulting in fresh ones. */
	if (!is_huge(size) && records_reserve(3) && pagemap_reserve(addr, size)) {
		STAT_ADD(&la_globals->reservations, 1);
		insert_free(e, addr, size, EX_DIRTY, la_now_coarse_ms(), false, NULL);
		publish_counters();
		purge_if_over_threshold();
		pthread_mutex_unlock(&heap_lock);
		return;
	}
	pagemap_set(addr, 0);
	if (size > PAGE)
		pagemap_set(addr + size - PAGE, 0);
	mapped_bytes -= size;
	record_free(e);
	publish_counters();
	pthread_mutex_unlock(&heap_lock);
	os_unmap((void *)addr, size);
}

void extent_free(struct extent *e)
{
	if (e->own_map) {
		free_own_mapping(e);
		return;
	}
	pthread_mutex_lock(&heap_lock);
	if (e->state == EX_SLAB)
		pagemap_set_range(e->addr, e->size >> LG_PAGE, 0);
	else
		account_large(e->size, -1);
	active_bytes -= e->size;
	insert_free(e, e->addr, e->size, EX_DIRTY, la_now_coarse_ms(), false, NULL);
	publish_counters();
	purge_if_over_threshold();
	pthread_mutex_unlock(&heap_lock);
}

bool extent_shrink(struct extent *e, size_t new_size)
{
	if (new_size >= e->size)
		return new_size == e->size;
	pthread_mutex_lock(&heap_lock);
	if (!e->own_map && !records_reserve(1)) { /* the tail becomes a free run */
		pthread_mutex_unlock(&heap_lock);
		return false;
	}
	uintptr_t tail = e->addr + new_size;
	size_t tail_size = e->size - new_size;
	account_large(e->size, -1);
	pagemap_set(e->addr + e->size - PAGE, 0);
	e->size = new_size;
	register_bounds(e);
	account_large(e->size, +1);
	active_bytes -= tail_size;
	bool own = e->own_map;
	if (own)
		mapped_bytes -= tail_size; /* the tail of a huge block's mapping goes back */
	else
		insert_free(NULL, tail, tail_size, EX_DIRTY, la_now_coarse_ms(), false, NULL);
	publish_counters();
	pthread_mutex_unlock(&heap_lock);
	if (own)
		os_unmap_part((void *)tail, tail_size);
	return true;
}

bool extent_grow(struct extent *e, size_t new_size)
{
	bool ok = false;
	if (e->own_map)
		return false; /* its neighbours are not ours */
	pthread_mutex_lock(&heap_lock);
	if (!records_reserve(1)) { /* what is left of the neighbour after the carve */
		pthread_mutex_unlock(&heap_lock);
		return false;
	}
	size_t extra = new_size - e->size;
	uintptr_t end = e->addr + e->size;
	for (int s = 0; s < NSTATES && !ok; s++) {
		struct extent *n = free_neighbor(end, s == 0 ? EX_DIRTY : EX_CLEAN);
		if (!n || n->addr != end || n->size < extra)
			continue;
		carve(n, end, extra);
		record_free(n);
		account_large(e->size, -1);
		pagemap_set(end - PAGE, e->size > PAGE ? 0 : (uintptr_t)e);
		e->size = new_size;
		register_bounds(e);
		account_large(e->size, +1);
		active_bytes += extra;
		ok = true;
	}
	publish_counters();
	pthread_mutex_unlock(&heap_lock);
	return ok;
}

/* Dirty bytes allowed before the threshold purge starts: a share of the
 * active bytes, at least dirty_min, and at least what the program reused
 * from dirty runs in the last one to two seconds. Pages that keep being
 * reused are not worth a madvise and a page fault each; pages that are
 * not reused fall back to the plain limit within two seconds. */
static size_t dirty_limit(void)
{
	size_t limit = (size_t)((double)active_bytes * la_conf.dirty_max_ratio);
	if (limit < la_conf.dirty_min)
		limit = la_conf.dirty_min;
	roll_reuse_window(la_now_coarse_ms());
	size_t reused = reused_now + reused_before;
	return reused > limit ? reused : limit;
}

/* Take dirty runs off the lists (as BUSY) for purging outside the lock. */
/* Over the limit, the oldest dirty runs go until the dirty bytes are back
 * under it by PURGE_SLACK: enough that runs freed one after another at the
 * limit are not purged one madvise each, but no more, since any run purged
 * beyond the limit is usually one the program was about to take back. */
#define PURGE_SLACK ((size_t)64 << 10)

/* target: the dirty bytes a threshold purge stops at. */
static struct extent *take_for_purge(enum purge_reason why, uint64_t now, size_t target)
{
	struct extent *list = NULL;
	while (lru_head) {
		struct extent *e = lru_head;
		bool take;
		if (why == PURGE_TRIM)
			take = true;
		else if (why == PURGE_THRESHOLD)
			take = dirty_bytes > target;
		else
			take = la_conf.dirty_decay_ms >= 0 &&
			       now - e->time_ms >= (uint64_t)la_conf.dirty_decay_ms;
		if (!take)
			break;
		bin_remove(e);
		e->state = EX_BUSY;
		e->bin.next = list;
		list = e;
	}
	return list;
}

static size_t purge_list(struct extent *list, enum purge_reason why)
{
	size_t bytes = 0;
	for (struct extent *e = list; e; e = e->bin.next) {
		os_purge((void *)e->addr, e->size);
		LA_PROBE(purge, e->addr, e->size, (int)why);
		bytes += e->size;
	}
	return bytes;
}

static void return_purged(struct extent *list)
{
	while (list) {
		struct extent *e = list;
		list = e->bin.next;
		insert_free(e, e->addr, e->size, EX_CLEAN, 0, false, NULL);
	}
}

static size_t purge_locked_drop(enum purge_reason why, uint64_t now, size_t target)
{
	struct extent *list = take_for_purge(why, now, target);
	if (!list)
		return 0;
	publish_counters();
	pthread_mutex_unlock(&heap_lock);
	size_t bytes = purge_list(list, why);
	pthread_mutex_lock(&heap_lock);
	return_purged(list);
	STAT_ADD(&la_globals->purged_bytes, bytes);
	STAT_ADD(&la_globals->purge_runs, 1);
	publish_counters();
	return bytes;
}

static void purge_if_over_threshold(void)
{
	size_t limit = dirty_limit();
	if (dirty_bytes > limit) {
		purged_lately = true;
		purge_locked_drop(PURGE_THRESHOLD, 0,
				  limit - (limit / 4 < PURGE_SLACK ? limit / 4 : PURGE_SLACK));
	}
}

/*
 * A request that faults in fresh pages while dirty runs stay resident
 * beside it raises the process's resident memory; no free ever lowers it
 * (a free keeps the pages), and peak RSS is set at such moments. The dirty
 * limit's reuse credit keeps holes a busy program keeps reusing, however
 * many: right between peaks, where they cost nothing, but at a new peak
 * they are resident memory on top of the live set. So there, and only
 * when the heap would pass its previous resident peak, the oldest dirty
 * runs go down to twice the plain limit (the share of active bytes,
 * without the credit); under the old peak nothing is purged, since that
 * would lower no peak and only cost faults later.
 */
static void purge_at_new_peak(void)
{
	size_t floor = (size_t)((double)active_bytes * la_conf.dirty_max_ratio * 2);
	if (floor < la_conf.dirty_min)
		floor = la_conf.dirty_min;
	if (active_bytes + dirty_bytes > resident_peak && dirty_bytes > floor) {
		size_t under_peak =
			resident_peak > active_bytes + floor ? resident_peak - active_bytes : floor;
		purge_locked_drop(PURGE_THRESHOLD, 0, under_peak);
	}
	if (active_bytes + dirty_bytes > resident_peak)
		resident_peak = active_bytes + dirty_bytes;
}

size_t extent_purge(enum purge_reason why)
{
	pthread_mutex_lock(&heap_lock);
	if (why == PURGE_TRIM) { /* the program says it is done with them */
		reused_now = reused_before = 0;
		purged_lately = false;
	}
	size_t n = purge_locked_drop(why, la_now_coarse_ms(), 0);
	pthread_mutex_unlock(&heap_lock);
	return n;
}

void extent_decay_tick(void)
{
	if (la_conf.dirty_decay_ms < 0)
		return;
	uint64_t now = la_now_coarse_ms();
	if (now < atomic_load_explicit(&decay_next_check_ms, memory_order_relaxed))
		return;
	/* Look again in a tenth of the decay time (at least every 10 ms). */
	uint64_t step = (uint64_t)la_conf.dirty_decay_ms / 10;
	atomic_store_explicit(&decay_next_check_ms, now + (step < 10 ? 10 : step),
			      memory_order_relaxed);
	if (pthread_mutex_trylock(&heap_lock) != 0)
		return;
	if (lru_head && now - lru_head->time_ms >= (uint64_t)la_conf.dirty_decay_ms)
		purge_locked_drop(PURGE_DECAY, now, 0);
	pthread_mutex_unlock(&heap_lock);
}

void extent_fork_prepare(void)
{
	pthread_mutex_lock(&heap_lock);
}

void extent_fork_parent(void)
{
	pthread_mutex_unlock(&heap_lock);
}

void extent_fork_child(void)
{
	pthread_mutex_init(&heap_lock, NULL);
}

void extent_set_huge_threshold(size_t bytes)
{
	atomic_store_explicit(&huge_fixed, bytes, memory_order_relaxed);
}

bool extent_age_list_consistent(void)
{
	pthread_mutex_lock(&heap_lock);
	size_t bytes = 0;
	bool ok = true;
	for (struct extent *e = lru_head; e; e = e->lru_next) {
		ok &= e->state == EX_DIRTY && (!e->lru_next || e->lru_next->time_ms >= e->time_ms) &&
		      (e->lru_next ? e->lru_next->lru_prev == e : lru_tail == e);
		bytes += e->size;
	}
	ok &= bytes == dirty_bytes;
	pthread_mutex_unlock(&heap_lock);
	return ok;
}
