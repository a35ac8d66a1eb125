/*
 * debug.c - the debug checks: switching them (LIBALLOC_CONF at start,
 * alloc_ctl inside, the segment's control block from outside: one code
 * path), and the allocation and free paths taken while any check is on.
 *
 * Debug blocks come from their own arena, whose slabs the page map records
 * without a class, so every free of such a block reaches debug_free even
 * after the checks are switched off again. Blocks made before a switch
 * keep their plain layout and are checked only for what they can show
 * (double free via the slab bitmap, invalid free, use after free through
 * quarantine), never for redzones they do not have.
 */
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "conf.h"
#include "checked_cache.h"
#include "debug.h"
#include "debug_block.h"
#include "debug_cache.h"
#include "init.h"
#include "large.h"
#include "pagemap.h"
#include "probes.h"
#include "stats.h"
#include "tcache.h"

struct las_checks la_checks;
static bool debug_on;
bool la_plain_checks;
uint32_t la_debug_epoch;
static pthread_mutex_t apply_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct extent *debug_extents; /* debug slabs and large blocks */
static bool backtrace_warm;

static bool checks_on(const struct las_checks *c)
{
	return c->junk || c->redzone || c->check_free || c->quarantine;
}

static bool plain_layout_suffices(const struct las_checks *c)
{
	return checks_on(c) && !c->redzone && !c->quarantine && !c->track;
}

static uint32_t check_flags(const struct las_checks *c)
{
	return (uint32_t)((c->junk & 1) | (c->junk & 2) | (c->check_free ? 4 : 0) |
			  (c->redzone ? 8 : 0) | (c->quarantine ? 16 : 0));
}

void debug_init(void)
{
	la_checks = la_conf.checks;
	debug_on = checks_on(&la_checks);
	la_plain_checks = plain_layout_suffices(&la_checks);
	if (debug_on)
		stats_set_gates(LAS_GATE_CHECKS);
}

bool debug_active(void)
{
	return debug_on;
}

/* Values from outside the process are clamped, never trusted. */
static void sanitise(struct las_checks *c)
{
	if (c->junk > LAS_JUNK_BOTH)
		c->junk = LAS_JUNK_BOTH;
	if (c->redzone > 4096)
		c->redzone = 4096;
	c->check_free = !!c->check_free;
	if (c->on_error > LAS_ONERR_IGNORE)
		c->on_error = LAS_ONERR_ABORT;
	if (c->quarantine > ((uint64_t)1 << 40))
		c->quarantine = (uint64_t)1 << 40;
	c->backtrace = !!c->backtrace;
	c->track = !!c->track;
}

/* backtrace() loads libgcc (and allocates) on first use: do that now,
 * with no allocator lock held, not inside a report. */
static void warm_backtrace(bool needed)
{
	if (needed && la_checks.backtrace && !__atomic_load_n(&backtrace_warm, __ATOMIC_ACQUIRE)) {
		void *frame;
		__atomic_store_n(&backtrace_warm, true, __ATOMIC_RELEASE);
		backtrace(&frame, 1);
	}
}

static void apply_locked(const struct las_checks *want, int requester)
{
	struct las_checks old = la_checks;
	struct las_checks c = *want;
	sanitise(&c);
	la_checks = c;
	debug_on = checks_on(&c);
	__atomic_store_n(&la_plain_checks, plain_layout_suffices(&c), __ATOMIC_RELAXED);
	__atomic_fetch_add(&la_debug_epoch, 1, __ATOMIC_RELEASE);
	la_control->applied = c;
	stats_set_gates(debug_on ? LAS_GATE_CHECKS : 0);
	LA_PROBE(conf_change, check_flags(&old), check_flags(&c), requester);
	stats_event(LAS_EV_CONF_CHANGE, 0, 0, 0, requester == getpid() ? "alloc_ctl" : "control block");
}

void debug_apply(const struct las_checks *want, int requester)
{
	pthread_mutex_lock(&apply_lock);
	apply_locked(want, requester);
	la_control->requested = la_checks;
	pthread_mutex_unlock(&apply_lock);
	if (la_checks.quarantine == 0 || !debug_on)
		quarantine_trim(la_checks.quarantine);
	warm_backtrace(debug_on);
}

void debug_poll(void)
{
	uint32_t g = __atomic_load_n(la_gate, __ATOMIC_ACQUIRE);
	if (la_tc.slot)
		g |= __atomic_load_n(&la_tc.slot->gate, __ATOMIC_ACQUIRE);
	if (g & LAS_GATE_PENDING) {
		pthread_mutex_lock(&apply_lock);
		uint64_t gen = __atomic_load_n(&la_control->request_gen, __ATOMIC_ACQUIRE);
		if (gen != la_control->applied_gen) {
			struct las_checks want;
			memcpy(&want, (const void *)&la_control->requested, sizeof(want));
			apply_locked(&want, la_control->requester_pid);
			__atomic_store_n(&la_control->applied_gen, gen, __ATOMIC_RELEASE);
		} else {
			stats_set_gates(debug_on ? LAS_GATE_CHECKS : 0);
		}
		pthread_mutex_unlock(&apply_lock);
		if (!debug_on || la_checks.quarantine == 0)
			quarantine_trim(la_checks.quarantine);
	}
	uint32_t epoch = __atomic_load_n(&la_debug_epoch, __ATOMIC_ACQUIRE);
	if (la_tc.debug_epoch != epoch) {
		/* Checks changed: hand this thread's cached slots back, so that
		 * cached pointers are checked (a second free of one shows up as
		 * a slot already free) and new blocks take the new layout. */
		la_tc.debug_epoch = epoch;
		tcache_flush_all();
		warm_backtrace(debug_on);
	}
	la_tc.checked_epoch = la_tc.state == TC_ACTIVE && debug_on ? epoch + 1 : 0;
}

uint32_t hdr_checksum(const struct debug_hdr *h, uintptr_t base)
{
	uint64_t x = h->requested * 0x9e3779b97f4a7c15ull;
	x ^= ((uint64_t)h->user_off << 32 | h->redzone) * 0xc2b2ae3d27d4eb4full;
	x ^= base * 0x165667b19e3779f9ull;
	return (uint32_t)(x ^ (x >> 32));
}

static void link_extent(struct extent *e)
{
	pthread_mutex_lock(&list_lock);
	e->lru_prev = NULL;
	e->lru_next = debug_extents;
	if (debug_extents)
		debug_extents->lru_prev = e;
	debug_extents = e;
	pthread_mutex_unlock(&list_lock);
}

static void unlink_extent(struct extent *e)
{
	pthread_mutex_lock(&list_lock);
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else
		debug_extents = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	e->lru_next = e->lru_prev = NULL;
	pthread_mutex_unlock(&list_lock);
}

void debug_slab_created(struct extent *s)
{
	link_extent(s);
}

void debug_slab_released(struct extent *s)
{
	unlink_extent(s);
}

static size_t user_offset(uint32_t rz, size_t align)
{
	size_t a = align < 16 ? 16 : align;
	return ALIGN_UP(sizeof(struct debug_hdr) + rz, a);
}

void *debug_malloc(size_t size, size_t align, bool zero)
{
	if (__atomic_load_n(&la_plain_checks, __ATOMIC_RELAXED) && align <= PAGE &&
	    (size > SMALL_MAX || align <= 16)) {
		if (size <= SMALL_MAX)
			return checked_cache_alloc(size, zero);
		/* Large blocks need no header for these checks either: the page
		 * map and freed_large tell a second free. */
		void *p = large_alloc(size, PAGE, zero);
		if (p && !zero && (la_checks.junk & LAS_JUNK_ALLOC))
			memset(p, JUNK_ALLOC_BYTE, size);
		return p;
	}
	uint32_t rz = la_checks.redzone;
	size_t off = user_offset(rz, align);
	if (size > ((size_t)1 << 46)) {
		errno = ENOMEM;
		return NULL;
	}
	/* At least one byte past the header, so that the user pointer of a
	 * malloc(0) still lies inside its own slot. */
	size_t need = off + (size ? size : 1) + rz;
	struct block_info bi = {0};
	if (need <= SMALL_MAX && align <= PAGE) {
		unsigned cls = size_to_class(need);
		/* Every class is a multiple of 16: only bigger alignments search. */
		while (align > 16 && cls < NCLASSES && (class_size(cls) & (align - 1)))
			cls++;
		void *slot = cls < NCLASSES ? debug_cache_take(cls) : NULL;
		if (!slot) {
			errno = ENOMEM;
			return NULL;
		}
		bi.cls = (int)cls;
		bi.base = (uintptr_t)slot;
		bi.slot_size = class_size(cls);
		struct las_thread *s = stats_count_begin();
		s->class_alloc[cls]++;
		s->requested_bytes += size;
		stats_count_end(s);
	} else {
		void *run = large_alloc(need, align > PAGE ? align : PAGE, false);
		if (!run)
			return NULL;
		struct extent *e = (struct extent *)pagemap_get(run);
		e->layout = 1;
		e->requested = size;
		bi.cls = -1;
		bi.base = (uintptr_t)run;
		bi.slot_size = e->size;
		if (off >= PAGE)
			pagemap_set(bi.base + (off & ~PAGE_MASK), (uintptr_t)e);
		link_extent(e);
	}
	struct debug_hdr *h = (struct debug_hdr *)bi.base;
	uint8_t *user = (uint8_t *)bi.base + off;
	h->redzone = rz;
	h->requested = size;
	h->user_off = (uint32_t)off;
	h->alloc_tid = (uint32_t)la_tc.tid;
	h->free_tid = 0;
	h->alloc_pc = la_tc.caller;
	h->free_pc = 0;
	h->check = hdr_checksum(h, bi.base);
	fill_bytes((uint8_t *)h + sizeof(*h), off - sizeof(*h), REDZONE_BYTE);
	fill_bytes(user + size, bi.slot_size - off - size, REDZONE_BYTE);
	if (zero)
		memset(user, 0, size);
	else if (la_checks.junk & LAS_JUNK_ALLOC)
		memset(user, JUNK_ALLOC_BYTE, size);
	__atomic_store_n(&h->magic, HDR_LIVE, __ATOMIC_RELEASE);
	return user;
}

void block_classify(void *p, uintptr_t pm, struct block_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	bi->kind = BK_FOREIGN;
	bi->cls = -1;
	if (!pm)
		return;
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	struct extent *e = (struct extent *)(pm & ~PM_CLASS_MASK);
	bi->e = e;
	if (tag) {
		size_t size = class_size(tag - 1);
		uintptr_t off = (uintptr_t)p - e->addr;
		bi->cls = (int)tag - 1;
		bi->base = e->addr + (uintptr_t)class_slot_index(tag - 1, off) * size;
		bi->slot_size = size;
		bi->kind = bi->base == (uintptr_t)p ? BK_PLAIN_SMALL : BK_FOREIGN;
		return;
	}
	uint8_t state = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
	if (state == EX_DIRTY || state == EX_CLEAN || state == EX_BUSY) {
		bi->kind = BK_FREED_RUN;
		return;
	}
	if (state == EX_SLAB && e->layout) {
		size_t size = class_size(e->cls);
		bi->cls = e->cls;
		bi->base = e->addr + (uintptr_t)class_slot_index(e->cls, (uintptr_t)p - e->addr) * size;
		bi->slot_size = size;
	} else if (state == EX_LARGE) {
		bi->base = e->addr;
		bi->slot_size = e->size;
		if (!e->layout) {
			bi->kind = e->addr == (uintptr_t)p ? BK_PLAIN_LARGE : BK_FOREIGN;
			return;
		}
	} else {
		return;
	}
	bi->kind = BK_DEBUG;
	bi->hdr = (struct debug_hdr *)bi->base;
}

void block_release(const struct block_info *bi)
{
	if (bi->cls >= 0) {
		void *slot = (void *)bi->base;
		struct release_faults f = {0};
		if (bi->kind != BK_DEBUG || !debug_cache_give((unsigned)bi->cls, slot))
			arena_release(&slot, 1, (unsigned)bi->cls, &f);
		if (f.dups) {
			if (la_checks.check_free)
				debug_violation(LAS_EV_DOUBLE_FREE, slot, bi->slot_size, bi->cls,
						"free", NULL, 0);
			return;
		}
		struct las_thread *s = stats_count_begin();
		s->class_free[bi->cls]++;
		stats_count_end(s);
		return;
	}
	struct extent *e = bi->e;
	if (la_checks.check_free)
		freed_large_note(bi->hdr ? bi->base + bi->hdr->user_off : bi->base);
	if (e->layout) {
		if (bi->hdr && bi->hdr->user_off >= PAGE)
			pagemap_set(e->addr + (bi->hdr->user_off & ~PAGE_MASK), 0);
		unlink_extent(e);
		e->layout = 0;
	}
	if (!large_free(e) && la_checks.check_free)
		debug_violation(LAS_EV_DOUBLE_FREE, (void *)bi->base, 0, -1, "free", NULL, 0);
}

static void report_block(uint32_t kind, const void *at, const struct block_info *bi, size_t size,
			 const char *what, const uint8_t *bytes, size_t n)
{
	if (bi->hdr && la_checks.track) {
		debug_track_info(bi->hdr->alloc_pc, bi->hdr->alloc_tid, bi->hdr->free_pc,
				 bi->hdr->free_tid);
	}
	debug_violation(kind, at, size, bi->cls, what, bytes, n);
}

/* The common case of a zone check, inline and without a call: both zones
 * at most 64 bytes and intact. False only means "look closer". The sizes
 * come from the header: a damaged header gives zones that do not fit in the
 * slot, which the bounds reject before any byte is read. */
static inline bool zones_short_and_intact(const struct debug_hdr *h, size_t slot_size)
{
	size_t pre = h->user_off - sizeof(*h), post = slot_size - h->user_off - h->requested;
	return pre <= 64 && post <= 64 && bytes_all(h + 1, pre, REDZONE_BYTE) &&
	       bytes_all((const uint8_t *)h + h->user_off + h->requested, post, REDZONE_BYTE);
}

/* First damaged guard byte of a debug block, if any. */
static bool find_zone_damage(const struct block_info *bi, uint32_t *kind, const uint8_t **at,
			     size_t *n)
{
	const struct debug_hdr *h = bi->hdr;
	uint8_t *user = (uint8_t *)bi->base + h->user_off;
	size_t post = bi->slot_size - h->user_off - h->requested;
	if (zones_short_and_intact(h, bi->slot_size))
		return false;
	const uint8_t *bad = first_mismatch((uint8_t *)bi->base + sizeof(*h),
					    h->user_off - sizeof(*h), REDZONE_BYTE);
	if (bad) {
		*kind = LAS_EV_BUFFER_UNDERFLOW;
		*at = bad;
		*n = (size_t)(user - bad) < 16 ? (size_t)(user - bad) : 16;
		return true;
	}
	bad = first_mismatch(user + h->requested, post, REDZONE_BYTE);
	if (bad) {
		size_t left = (size_t)(user + h->requested + post - bad);
		*kind = LAS_EV_BUFFER_OVERFLOW;
		*at = bad;
		*n = left < 16 ? left : 16;
		return true;
	}
	return false;
}

/* Redzones of a live debug block; true when intact. */
static bool verify_zones(const struct block_info *bi, const char *what)
{
	uint32_t kind;
	const uint8_t *at;
	size_t n;
	if (!find_zone_damage(bi, &kind, &at, &n))
		return true;
	report_block(kind, (uint8_t *)bi->base + bi->hdr->user_off, bi, bi->hdr->requested, what,
		     at, n);
	return false;
}

/* alloc_check looks at blocks other threads may be freeing or making at
 * the same moment: damage counts only if the block is still the same live
 * block afterwards. */
static bool walk_check_block(const struct block_info *bi)
{
	const struct debug_hdr *h = bi->hdr;
	uint32_t kind;
	const uint8_t *at;
	size_t n;
	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != HDR_LIVE)
		return true;
	bool header_ok = hdr_checksum(h, bi->base) == h->check;
	bool damaged = !header_ok || find_zone_damage(bi, &kind, &at, &n);
	if (!damaged || __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != HDR_LIVE)
		return true;
	if (!header_ok) {
		report_block(LAS_EV_BUFFER_UNDERFLOW, (void *)bi->base, bi, 0, "alloc_check",
			     (const uint8_t *)h, 16);
		return false;
	}
	return verify_zones(bi, "alloc_check");
}

/*
 * Check a pointer about to be freed. Returns the user length to fill and
 * quarantine, or 0 when it must not be released (already reported).
 */
static bool check_debug_block(void *p, struct block_info *bi, const char *what)
{
	struct debug_hdr *h = bi->hdr;
	if (hdr_checksum(h, bi->base) != h->check ||
	    (h->magic != HDR_LIVE && h->magic != HDR_FREED && h->magic != HDR_QUAR)) {
		if ((uintptr_t)p - bi->base >= sizeof(*h) + 16 && h->magic == 0) {
			report_block(LAS_EV_INVALID_FREE, p, bi, 0, what, NULL, 0);
			return false;
		}
		report_block(LAS_EV_BUFFER_UNDERFLOW, p, bi, 0, what, (const uint8_t *)h, 16);
		return false;
	}
	if ((uintptr_t)p != bi->base + h->user_off) {
		report_block(LAS_EV_INVALID_FREE, p, bi, h->requested, what, NULL, 0);
		return false;
	}
	if (h->magic != HDR_LIVE) {
		report_block(LAS_EV_DOUBLE_FREE, p, bi, h->requested, what, NULL, 0);
		return false;
	}
	return verify_zones(bi, what);
}

/* A claimed debug block (its header just went LIVE -> FREED): fill it,
 * then quarantine it or hand it back. */
static void retire_debug_block(const struct block_info *bi)
{
	struct debug_hdr *h = bi->hdr;
	h->free_tid = (uint32_t)la_tc.tid;
	h->free_pc = la_tc.caller;
	void *user = (uint8_t *)bi->base + h->user_off;
	bool quarantine = la_checks.quarantine && debug_on;
	if (quarantine || (la_checks.junk & LAS_JUNK_FREE))
		memset(user, JUNK_FREE_BYTE, h->requested);
	if (quarantine) {
		h->magic = HDR_QUAR;
		quarantine_push(user, h->requested, bi->slot_size, false);
	} else {
		h->magic = HDR_FREED;
		block_release(bi);
	}
}

/*
 * The usual free while the debug layout is in use: a live, intact small
 * debug block with short zones. Anything else returns false having
 * changed nothing, and the general path classifies and reports it. Every
 * header field is range-checked before it is used to find bytes.
 */
static bool free_debug_slot(void *p, uintptr_t pm)
{
	struct extent *e = (struct extent *)pm;
	if (!e || (pm & PM_CLASS_MASK) || __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != EX_SLAB ||
	    !e->layout)
		return false;
	unsigned cls = e->cls;
	size_t size = class_size(cls);
	uintptr_t base = e->addr + (uintptr_t)class_slot_index(cls, (uintptr_t)p - e->addr) * size;
	struct debug_hdr *h = (struct debug_hdr *)base;
	if ((uintptr_t)p != base + h->user_off || !zones_short_and_intact(h, size) ||
	    hdr_checksum(h, base) != h->check)
		return false;
	uint32_t live = HDR_LIVE;
	if (!__atomic_compare_exchange_n(&h->magic, &live, HDR_FREED, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return false;
	struct block_info bi = {.kind = BK_DEBUG, .cls = (int)cls, .base = base, .slot_size = size,
				.e = e, .hdr = h};
	retire_debug_block(&bi);
	return true;
}

/* Free with checks; `what` names the calling function in reports. */
static void checked_free(void *p, uintptr_t pm, const char *what)
{
	if ((pm & PM_CLASS_MASK) && __atomic_load_n(&la_plain_checks, __ATOMIC_RELAXED)) {
		checked_cache_free(p, pm, what);
		return;
	}
	if (free_debug_slot(p, pm))
		return;
	struct block_info bi;
	block_classify(p, pm, &bi);
	switch (bi.kind) {
	case BK_FOREIGN:
		if (la_checks.check_free && freed_large_contains((uintptr_t)p)) {
			debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
			return;
		}
		debug_violation(LAS_EV_INVALID_FREE, p, 0, bi.cls, what, NULL, 0);
		return;
	case BK_FREED_RUN:
		if (la_checks.check_free || la_checks.quarantine)
			debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
		return;
	case BK_DEBUG: {
		if (!check_debug_block(p, &bi, what))
			return;
		/* Claim the block: of two threads freeing it at the same instant,
		 * exactly one finds it still live. */
		uint32_t live = HDR_LIVE;
		if (!__atomic_compare_exchange_n(&bi.hdr->magic, &live, HDR_FREED, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			report_block(LAS_EV_DOUBLE_FREE, p, &bi, bi.hdr->requested, what, NULL, 0);
			return;
		}
		retire_debug_block(&bi);
		return;
	}
	case BK_PLAIN_SMALL:
	case BK_PLAIN_LARGE: {
		if (bi.kind == BK_PLAIN_SMALL && (la_checks.check_free || la_checks.quarantine)) {
			struct extent *s = bi.e;
			uint32_t idx = class_slot_index((unsigned)bi.cls, bi.base - s->addr);
			bool slot_free = __atomic_load_n(&s->bitmap[idx / 64], __ATOMIC_RELAXED) &
					 (1ull << (idx % 64));
			if (slot_free || quarantine_holds_plain(bi.base) || checked_marked(p)) {
				debug_violation(LAS_EV_DOUBLE_FREE, p, bi.slot_size, bi.cls, what,
						NULL, 0);
				return;
			}
		}
		bool quarantine = la_checks.quarantine && debug_on;
		if (quarantine || (la_checks.junk & LAS_JUNK_FREE))
			memset(p, JUNK_FREE_BYTE, bi.slot_size);
		if (quarantine) {
			quarantine_push(p, bi.slot_size, bi.slot_size, true);
		} else {
			block_release(&bi);
		}
		return;
	}
	}
}

void debug_free(void *p, uintptr_t pm)
{
	checked_free(p, pm, "free");
}

bool debug_usable_size(void *p, uintptr_t pm, size_t *out)
{
	if (!pm || (pm & PM_CLASS_MASK))
		return false;
	struct block_info bi;
	block_classify(p, pm, &bi);
	if (bi.kind != BK_DEBUG || hdr_checksum(bi.hdr, bi.base) != bi.hdr->check ||
	    (uintptr_t)p != bi.base + bi.hdr->user_off)
		return false;
	*out = bi.hdr->magic == HDR_LIVE ? bi.hdr->requested : 0;
	return true;
}

void *debug_realloc(void *p, uintptr_t pm, size_t size)
{
	struct block_info bi;
	block_classify(p, pm, &bi);
	size_t old;
	switch (bi.kind) {
	case BK_DEBUG:
		if (hdr_checksum(bi.hdr, bi.base) != bi.hdr->check ||
		    (uintptr_t)p != bi.base + bi.hdr->user_off || bi.hdr->magic != HDR_LIVE) {
			debug_free(p, pm); /* reports what is wrong */
			errno = EINVAL;
			return NULL;
		}
		old = bi.hdr->requested;
		break;
	case BK_PLAIN_SMALL:
	case BK_PLAIN_LARGE:
		old = bi.slot_size;
		break;
	default:
		debug_violation(bi.kind == BK_FREED_RUN ? LAS_EV_DOUBLE_FREE : LAS_EV_INVALID_FREE, p,
				0, bi.cls, "realloc", NULL, 0);
		errno = EINVAL;
		return NULL;
	}
	void *q = debug_active() ? debug_malloc(size, 16, false) : la_alloc_plain(size, false);
	if (!q)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	checked_free(p, pm, "realloc");
	return q;
}

/* Walk every debug block: redzones of live ones, fills of quarantined. */
int debug_check_all(void)
{
	int bad = 0;
	/* Reports below run under the list lock: nothing in them may allocate,
	 * and backtrace() does only the first time. */
	warm_backtrace(true);
	pthread_mutex_lock(&list_lock);
	for (struct extent *e = debug_extents; e; e = e->lru_next) {
		if (e->state == EX_LARGE) {
			struct block_info bi = {.kind = BK_DEBUG, .cls = -1, .base = e->addr,
						.slot_size = e->size, .e = e,
						.hdr = (struct debug_hdr *)e->addr};
			bad += !walk_check_block(&bi);
			continue;
		}
		size_t size = class_size(e->cls);
		uint32_t n = la_classes[e->cls].nobjs;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t word = __atomic_load_n(&e->bitmap[i / 64], __ATOMIC_RELAXED);
			if (word & (1ull << (i % 64)))
				continue; /* free slot */
			struct block_info bi = {.kind = BK_DEBUG, .cls = e->cls,
						.base = e->addr + i * size, .slot_size = size,
						.e = e};
			bi.hdr = (struct debug_hdr *)bi.base;
			bad += !walk_check_block(&bi);
		}
	}
	pthread_mutex_unlock(&list_lock);
	return bad + quarantine_verify_all();
}

void debug_fork_prepare(void)
{
	pthread_mutex_lock(&apply_lock);
	quarantine_fork_prepare();
}

/* list_lock nests inside arena bin locks (slab creation): taken last. */
void debug_fork_prepare_inner(void)
{
	pthread_mutex_lock(&list_lock);
}

void debug_fork_parent_inner(void)
{
	pthread_mutex_unlock(&list_lock);
}

void debug_fork_parent(void)
{
	quarantine_fork_parent();
	pthread_mutex_unlock(&apply_lock);
}

void debug_fork_child(void)
{
	pthread_mutex_init(&list_lock, NULL);
	freed_large_fork_child();
	quarantine_fork_child();
	pthread_mutex_init(&apply_lock, NULL);
}
