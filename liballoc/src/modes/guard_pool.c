/*
 * guard_pool.c - the guarded pool: slots, placement, the fill checked at
 * free, the fault lookups, and the every-allocation gate of guard_sample:1
 * (layout in guard_pool.h).
 *
 * Memory, stated: guard_slots x (guard_max_size + 4 KiB) + 4 KiB of
 * address space (1.25 MiB at the defaults, 64 x 16 KiB); resident at most
 * the pages blocks have used, guard_slots x guard_max_size (1 MiB; a page
 * per slot for blocks up to 4 KiB), plus guard_slots x 424 bytes of slot
 * records (27 KiB). Freed pages are closed, not dropped: reusing a slot
 * then costs no page fault. Kernel mappings: the one reservation, split by
 * mprotect around each live block: at most 2 x guard_slots + 1 (129 at
 * the defaults), 3 x guard_slots + 1 while reports under on_error:report
 * or ignore have opened pages.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "core/tcache.h"
#include "modes/block.h"
#include "modes/guard_pool.h"
#include "modes/report.h"
#include "stats/stats.h"
#include "sys/base.h"
#include "sys/conf.h"
#include "sys/counters.h"
#include "sys/os.h"
#include "sys/stack_capture.h"

enum guard_slot_state { GS_UNUSED = 0, GS_LIVE, GS_FREED };

struct guard_slot {
	uintptr_t start;  /* the block, while live and after it was freed */
	uint32_t size;    /* requested bytes */
	uint32_t gen;     /* allocations made in this slot */
	uint8_t state;    /* guard_slot_state */
	uint8_t lower;    /* placed against the lower guard */
	uint8_t opened;   /* pages opened beyond the block's after a report */
	uint8_t reported; /* a fault on this block was reported already */
	uint8_t kind;     /* the family that made it (modes/alloc_kind.h) */
	int32_t next;     /* queue of reusable slots; -1 ends it */
	int32_t alloc_tid, free_tid;
	uint32_t nalloc, nfree;
	uintptr_t alloc_pcs[GUARD_STACK_DEPTH];
	uintptr_t free_pcs[GUARD_STACK_DEPTH];
};

uintptr_t la_guard_base;
size_t la_guard_len;

static struct guard_slot *slots;
static uint8_t *guard_opened; /* per guard page: opened after a report */
static uint32_t nslots;
static size_t slot_bytes, unit; /* a slot, and a slot with its guard page */
static int32_t queue_head = -1, queue_tail = -1; /* reusable slots, FIFO */
static uint32_t nlive;
static uint32_t lower_every, lower_count;
static bool every_alloc; /* guard_sample:1: the gate is held while a slot is free */
static bool gate_on;
static bool pool_failed;
/* Set by a constructor, i.e. once libc is initialised: allocations made
 * while the program loads are not guarded (taking a stack loads the
 * unwinder, which must not happen inside the dynamic loader's start-up). */
static bool started;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static int lock_owner; /* tid holding pool_lock: the fault handler must not wait for itself */
static __thread int my_tid; /* cached: gettid is a system call */

static int self(void)
{
	if (!my_tid)
		my_tid = la_gettid();
	return my_tid;
}

static void lock_pool(void)
{
	pthread_mutex_lock(&pool_lock);
	__atomic_store_n(&lock_owner, self(), __ATOMIC_RELAXED);
}

static void unlock_pool(void)
{
	__atomic_store_n(&lock_owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&pool_lock);
}

static uintptr_t slot_addr(uint32_t i)
{
	return la_guard_base + PAGE + (uintptr_t)i * unit;
}

/* The pages a live block opened: from the first it touches to the slot's
 * end (upper placement), or from the slot's start to the last it touches. */
static void block_pages(const struct guard_slot *s, uint32_t i, uintptr_t *first, uintptr_t *end)
{
	uintptr_t a = slot_addr(i);
	if (s->lower) {
		*first = a;
		*end = a + PAGE_CEIL(s->size ? s->size : 1);
	} else {
		*first = s->start & ~(uintptr_t)PAGE_MASK;
		*end = a + slot_bytes;
	}
}

/* Slot of a pointer in the pool; false for a guard page. */
static bool slot_of(uintptr_t p, uint32_t *i)
{
	uintptr_t off = p - la_guard_base;
	*i = (uint32_t)(off / unit);
	return off % unit >= PAGE && *i < nslots;
}

/* Hold the every-allocation gate exactly while guard_sample:1 has a slot
 * to give. Under pool_lock. */
static void update_gate(void)
{
	bool want = every_alloc && queue_head >= 0;
	if (want != gate_on) {
		gate_on = want;
		stats_hold_gate(LAS_GATE_GUARD, want);
	}
}

static void publish_counts(void)
{
	STAT_SET(&la_globals->guard_live, nlive);
}

static void queue_push(uint32_t i)
{
	slots[i].next = -1;
	if (queue_tail >= 0)
		slots[queue_tail].next = (int32_t)i;
	else
		queue_head = (int32_t)i;
	queue_tail = (int32_t)i;
}

static int32_t queue_pop(void)
{
	int32_t i = queue_head;
	if (i >= 0) {
		queue_head = slots[i].next;
		if (queue_head < 0)
			queue_tail = -1;
	}
	return i;
}

/* Make the pool (once). Under guard.c's lock for it, no allocator lock held. */
bool guard_pool_create(void)
{
	if (la_guard_len)
		return true;
	if (pool_failed || !la_conf.guard_slots)
		return false;
	uint32_t n = la_conf.guard_slots;
	size_t sb = la_conf.guard_max_size, u = sb + PAGE;
	size_t len = (size_t)n * u + PAGE;
	struct guard_slot *recs = base_alloc(sizeof(*recs) * n, LA_CACHELINE);
	uint8_t *opened = base_alloc(n + 1, 8);
	void *base = recs && opened ? os_reserve_inaccessible(len) : NULL;
	if (!base) {
		/* no pool, no guarded samples: say so once */
		pool_failed = true;
		la_write_stderr("liballoc: guarded pool unavailable; guarded samples are off\n");
		return false;
	}
	lock_pool();
	slots = recs;
	guard_opened = opened;
	nslots = n;
	slot_bytes = sb;
	unit = u;
	for (uint32_t i = 0; i < n; i++)
		queue_push(i);
	__atomic_store_n(&la_guard_base, (uintptr_t)base, __ATOMIC_RELAXED);
	__atomic_store_n(&la_guard_len, len, __ATOMIC_RELEASE);
	STAT_SET(&la_globals->guard_slots, n);
	STAT_SET(&la_globals->guard_slot_bytes, sb);
	STAT_SET(&la_globals->guard_pool_bytes, len);
	STAT_ADD(&la_globals->mapped_bytes, len);
	update_gate();
	unlock_pool();
	return true;
}

void guard_pool_options(uint32_t lower, bool every)
{
	lock_pool();
	lower_every = lower;
	every_alloc = every && la_guard_len;
	if (la_guard_len)
		update_gate();
	unlock_pool();
}

__attribute__((constructor)) static void guard_started(void)
{
	__atomic_store_n(&started, true, __ATOMIC_RELAXED);
}

void *guard_alloc(size_t size, size_t align, bool zero, unsigned kind, uintptr_t caller)
{
	if (align < 16)
		align = 16; /* as every block is */
	if (!size || size > slot_bytes || align > PAGE || !la_guard_len ||
	    !__atomic_load_n(&started, __ATOMIC_RELAXED))
		return NULL;
	if (__atomic_load_n(&queue_head, __ATOMIC_RELAXED) < 0) {
		STAT_ADD(&la_globals->guard_full, 1); /* every slot live: no stack to take */
		return NULL;
	}
	uintptr_t pcs[GUARD_STACK_DEPTH];
	bool deeper;
	size_t npcs = stack_capture(pcs, GUARD_STACK_DEPTH, caller, &deeper);
	lock_pool();
	int32_t i = queue_pop();
	if (i < 0) {
		STAT_ADD(&la_globals->guard_full, 1);
		update_gate();
		unlock_pool();
		return NULL;
	}
	struct guard_slot *s = &slots[i];
	uintptr_t a = slot_addr((uint32_t)i);
	if (s->opened) {
		/* a report opened pages here: close the whole slot first */
		os_close_pages((void *)a, slot_bytes);
		s->opened = 0;
	}
	s->lower = lower_every && ++lower_count % lower_every == 0;
	s->start = s->lower ? a : (a + slot_bytes - size) & ~(uintptr_t)(align - 1);
	s->size = (uint32_t)size;
	uintptr_t first, end;
	block_pages(s, (uint32_t)i, &first, &end);
	if (os_open_pages((void *)first, end - first) != 0) {
		queue_push((uint32_t)i); /* out of kernel mappings: not guarded this time */
		unlock_pool();
		return NULL;
	}
	s->gen++;
	s->kind = (uint8_t)kind;
	s->state = GS_LIVE;
	s->reported = 0;
	s->alloc_tid = self();
	s->free_tid = 0;
	s->nfree = 0;
	s->nalloc = (uint32_t)npcs;
	memcpy(s->alloc_pcs, pcs, npcs * sizeof(pcs[0]));
	nlive++;
	publish_counts();
	STAT_ADD(&la_globals->guard_allocs, 1);
	STAT_ADD(&la_globals->guard_live_bytes, end - first);
	update_gate();
	unlock_pool();
	/* Outside the lock: the slot is ours until it is freed. */
	fill_bytes((void *)first, s->start - first, GUARD_FILL_BYTE);
	fill_bytes((void *)(s->start + size), end - s->start - size, GUARD_FILL_BYTE);
	if (zero)
		memset((void *)s->start, 0, size);
	struct las_thread *st = stats_count_begin(la_tc.slot);
	st->large_alloc_count++;
	st->large_alloc_bytes += end - first;
	st->requested_bytes += size;
	stats_count_end(la_tc.slot, st);
	return (void *)s->start;
}

/* A pointer handed to free that is not a live guarded block. */
static void report_bad_free(uintptr_t p, const char *what, uintptr_t caller)
{
	uint32_t i;
	struct guard_fault_info fi;
	struct report_stacks rs = {0};
	uintptr_t here[GUARD_STACK_DEPTH];
	bool freed = false;
	if (slot_of(p, &i)) {
		lock_pool();
		const struct guard_slot *s = &slots[i];
		freed = s->state == GS_FREED && s->start == p;
		fi.size = s->size;
		fi.alloc_tid = s->alloc_tid;
		fi.free_tid = s->free_tid;
		fi.nalloc = s->nalloc;
		fi.nfree = s->nfree;
		memcpy(fi.alloc_pcs, s->alloc_pcs, sizeof(fi.alloc_pcs));
		memcpy(fi.free_pcs, s->free_pcs, sizeof(fi.free_pcs));
		unlock_pool();
	}
	if (freed) {
		rs.access = "a second free of a guarded block";
		rs.access_pcs = here;
		bool deeper;
		rs.naccess = stack_capture(here, GUARD_STACK_DEPTH, caller, &deeper);
		rs.alloc_pcs = fi.alloc_pcs;
		rs.nalloc = fi.nalloc;
		rs.alloc_tid = fi.alloc_tid;
		rs.free_pcs = fi.free_pcs;
		rs.nfree = fi.nfree;
		rs.free_tid = fi.free_tid;
		debug_report_stacks(&rs);
		debug_violation(LAS_EV_DOUBLE_FREE, (void *)p, fi.size, -1, what, NULL, 0);
		return;
	}
	debug_violation(LAS_EV_INVALID_FREE, (void *)p, 0, -1, what, NULL, 0);
}

/* The fill around a live block (under no lock: the caller owns it). */
static bool fill_damage(const struct guard_slot *s, uint32_t i, uint32_t *kind,
			const uint8_t **at, size_t *n)
{
	uintptr_t first, end;
	block_pages(s, i, &first, &end);
	const uint8_t *bad = first_mismatch((const void *)first, s->start - first, GUARD_FILL_BYTE);
	if (bad) {
		*kind = LAS_EV_BUFFER_UNDERFLOW;
		*at = bad;
		*n = (size_t)((const uint8_t *)s->start - bad) < 16 ? (size_t)((const uint8_t *)s->start - bad) : 16;
		return true;
	}
	uintptr_t tail = s->start + s->size;
	bad = first_mismatch((const void *)tail, end - tail, GUARD_FILL_BYTE);
	if (bad) {
		size_t left = (size_t)(end - (uintptr_t)bad);
		*kind = LAS_EV_BUFFER_OVERFLOW;
		*at = bad;
		*n = left < 16 ? left : 16;
		return true;
	}
	return false;
}

static void report_damage(const struct guard_slot *s, uint32_t kind, intptr_t offset,
			  const uint8_t *bytes, size_t n, const char *what)
{
	char line[128];
	struct la_buf b = {line, 0, sizeof(line)};
	struct report_stacks rs = {0};
	buf_str(&b, "guarded block: the fill ");
	buf_str(&b, kind == LAS_EV_BUFFER_OVERFLOW ? "after" : "before");
	buf_str(&b, " it was written, at offset ");
	buf_i64(&b, offset);
	rs.access = line;
	rs.alloc_pcs = s->alloc_pcs;
	rs.nalloc = s->nalloc;
	rs.alloc_tid = s->alloc_tid;
	debug_report_stacks(&rs);
	debug_violation(kind, (void *)s->start, s->size, -1, what, bytes, n);
}

void guard_free(void *ptr, const char *what, uintptr_t caller)
{
	uintptr_t p = (uintptr_t)ptr;
	uint32_t i;
	if (!slot_of(p, &i)) {
		report_bad_free(p, what, caller);
		return;
	}
	struct guard_slot *s = &slots[i];
	uintptr_t pcs[GUARD_STACK_DEPTH];
	bool deeper;
	size_t npcs = stack_capture(pcs, GUARD_STACK_DEPTH, caller, &deeper);
	lock_pool();
	if (s->state != GS_LIVE || s->start != p) {
		unlock_pool();
		report_bad_free(p, what, caller);
		return;
	}
	s->state = GS_FREED; /* claimed: a racing second free now sees it freed */
	unlock_pool();
	uint32_t kind;
	const uint8_t *at;
	size_t n;
	if (fill_damage(s, i, &kind, &at, &n))
		report_damage(s, kind, (intptr_t)((uintptr_t)at - s->start), at, n, what);
	uintptr_t first, end;
	block_pages(s, i, &first, &end);
	size_t opened_bytes = end - first;
	lock_pool();
	s->free_tid = self();
	s->nfree = (uint32_t)npcs;
	memcpy(s->free_pcs, pcs, npcs * sizeof(pcs[0]));
	if (s->opened) {
		first = slot_addr(i);
		end = first + slot_bytes;
		s->opened = 0;
	}
	os_close_pages((void *)first, end - first);
	for (uint32_t g = i; g <= i + 1; g++) {
		if (guard_opened[g]) {
			os_close_pages((void *)(la_guard_base + (uintptr_t)g * unit), PAGE);
			guard_opened[g] = 0;
		}
	}
	queue_push(i);
	nlive--;
	publish_counts();
	STAT_SUB(&la_globals->guard_live_bytes, opened_bytes);
	update_gate();
	unlock_pool();
	struct las_thread *st = stats_count_begin(la_tc.slot);
	st->large_free_count++;
	st->large_free_bytes += opened_bytes;
	stats_count_end(la_tc.slot, st);
}

bool guard_live_size(void *ptr, const char *what, uintptr_t caller, size_t *out)
{
	size_t n = guard_usable_size(ptr);
	if (n) {
		*out = n;
		return true;
	}
	report_bad_free((uintptr_t)ptr, what, caller);
	return false;
}

size_t guard_usable_size(const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;
	uint32_t i;
	if (!slot_of(p, &i))
		return 0;
	const struct guard_slot *s = &slots[i];
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == GS_LIVE && s->start == p ? s->size
											: 0;
}

bool guard_block_info(const void *ptr, size_t *size, unsigned *kind)
{
	uintptr_t p = (uintptr_t)ptr;
	uint32_t i;
	/* Asked of any pointer the page map does not know: before the pool
	 * exists, slot_of would divide by a unit of 0. */
	if (!guard_owns(ptr) || !slot_of(p, &i))
		return false;
	const struct guard_slot *s = &slots[i];
	if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != GS_LIVE || s->start != p)
		return false;
	*size = s->size;
	*kind = s->kind;
	return true;
}

int guard_check_all(const char *what)
{
	int bad = 0;
	for (uint32_t i = 0; i < nslots; i++) {
		struct guard_slot copy;
		uint32_t kind;
		const uint8_t *at;
		size_t n;
		uint8_t bytes[16];
		/* a free claims the block under the lock: it stays live meanwhile,
		 * and what the report shows is copied before the lock goes */
		lock_pool();
		bool damaged = slots[i].state == GS_LIVE && fill_damage(&slots[i], i, &kind, &at, &n);
		if (damaged) {
			copy = slots[i];
			memcpy(bytes, at, n);
		}
		unlock_pool();
		if (damaged) {
			bad++;
			report_damage(&copy, kind, (intptr_t)((uintptr_t)at - copy.start), bytes, n,
				      what);
		}
	}
	return bad;
}

/* --- the fault handler's view (guard_fault.c) --- */

/* Distance from addr to a slot's block, and which side it is on. */
static bool near_block(uint32_t i, uintptr_t addr, size_t *dist, uint32_t *kind)
{
	const struct guard_slot *s = &slots[i];
	if (s->state == GS_UNUSED)
		return false;
	uintptr_t end = s->start + s->size;
	if (addr >= s->start && addr < end) {
		*dist = 0;
		*kind = LAS_EV_USE_AFTER_FREE;
	} else if (addr >= end) {
		*dist = addr - end + 1;
		*kind = LAS_EV_BUFFER_OVERFLOW;
	} else {
		*dist = s->start - addr;
		*kind = LAS_EV_BUFFER_UNDERFLOW;
	}
	return true;
}

bool guard_fault_lookup(uintptr_t addr, struct guard_fault_info *fi)
{
	if (!guard_owns((void *)addr))
		return false;
	bool mine = __atomic_load_n(&lock_owner, __ATOMIC_RELAXED) == self();
	if (!mine)
		lock_pool();
	uintptr_t off = addr - la_guard_base;
	uint32_t at = (uint32_t)(off / unit);
	bool in_slot = off % unit >= PAGE && at < nslots;
	size_t best = SIZE_MAX;
	uint32_t best_slot = 0, best_kind = 0;
	/* the block of the slot the address is in, and those on either side */
	for (uint32_t j = at ? at - 1 : 0; j <= at + 1 && j < nslots; j++) {
		size_t d;
		uint32_t k;
		if (!near_block(j, addr, &d, &k))
			continue;
		/* inside a freed slot, the access is to freed memory */
		if (in_slot && j == at && slots[j].state == GS_FREED)
			d = 0, k = LAS_EV_USE_AFTER_FREE;
		if (d < best) {
			best = d;
			best_slot = j;
			best_kind = k;
		}
	}
	bool found = best != SIZE_MAX && best < unit;
	if (found) {
		const struct guard_slot *s = &slots[best_slot];
		if (best_kind == LAS_EV_USE_AFTER_FREE && s->state == GS_LIVE)
			found = false; /* a live block's own pages are open: not a guard fault */
		fi->kind = best_kind;
		fi->block = s->start;
		fi->size = s->size;
		fi->offset = (intptr_t)(addr - s->start);
		fi->freed = s->state == GS_FREED;
		fi->reported = s->reported;
		fi->slot = best_slot;
		fi->gen = s->gen;
		fi->alloc_tid = s->alloc_tid;
		fi->free_tid = s->free_tid;
		fi->nalloc = s->nalloc;
		fi->nfree = fi->freed ? s->nfree : 0;
		memcpy(fi->alloc_pcs, s->alloc_pcs, sizeof(fi->alloc_pcs));
		memcpy(fi->free_pcs, s->free_pcs, sizeof(fi->free_pcs));
	}
	if (!mine)
		unlock_pool();
	return found;
}

bool guard_fault_open(uintptr_t addr, const struct guard_fault_info *fi)
{
	bool mine = __atomic_load_n(&lock_owner, __ATOMIC_RELAXED) == self();
	if (!mine)
		lock_pool();
	uintptr_t off = addr - la_guard_base;
	uint32_t at = (uint32_t)(off / unit);
	uintptr_t page = addr & ~(uintptr_t)PAGE_MASK;
	bool ok;
	if (off % unit < PAGE) {
		guard_opened[at] = 1;
		ok = os_open_pages((void *)page, PAGE) == 0;
	} else {
		/* a page of a slot: open the whole slot, so that an access
		 * spanning two of its pages goes on as well */
		slots[at].opened = 1;
		ok = os_open_pages((void *)slot_addr(at), slot_bytes) == 0;
	}
	if (slots[fi->slot].gen == fi->gen)
		slots[fi->slot].reported = 1;
	if (!mine)
		unlock_pool();
	return ok;
}

void guard_count_fault(void)
{
	STAT_ADD(&la_globals->guard_faults, 1);
}

void guard_pool_fork_prepare(void)
{
	lock_pool();
}

void guard_pool_fork_parent(void)
{
	unlock_pool();
}

void guard_pool_fork_child(void)
{
	/* the pool and its records were copied whole, consistent under the lock */
	pthread_mutex_init(&pool_lock, NULL);
	lock_owner = 0;
	my_tid = 0; /* the forking thread has a new tid here */
}
