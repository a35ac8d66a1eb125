/*
 * debug.c - the debug layout: blocks with a header and redzones (from the
 * untagged arena's slabs, or large runs), their checks at free, and the
 * free of any block while checks are on (the checked cache handles small
 * plain blocks itself). Blocks made before a switch keep their layout and
 * are checked only for what they can show (double free via the slab
 * bitmap, invalid free, use after free through quarantine), never for
 * redzones they do not have.
 */
#include <errno.h>
#include <string.h>

#include "core/arena.h"
#include "core/large.h"
#include "core/pagemap.h"
#include "core/slot_mark.h"
#include "core/tcache.h"
#include "modes/alloc_kind.h"
#include "modes/block.h"
#include "modes/debug.h"
#include "modes/debug_cache.h"
#include "modes/freed_large.h"
#include "modes/quarantine.h"
#include "modes/report.h"
#include "modes/settings.h"
#include "stats/stats.h"

static size_t user_offset(uint32_t rz, size_t align)
{
	size_t a = align < 16 ? 16 : align;
	return ALIGN_UP(sizeof(struct debug_hdr) + rz, a);
}
void *debug_malloc(size_t size, size_t align, bool zero, unsigned kind)
{
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
		struct las_thread *s = stats_count_begin(la_tc.slot);
		s->class_alloc[cls]++;
		s->requested_bytes += size;
		stats_count_end(la_tc.slot, s);
	} else {
		void *run = large_alloc(need, align > PAGE ? align : PAGE, false);
		if (!run)
			return NULL;
		freed_large_forget((uintptr_t)run, PAGE_CEIL(need));
		struct extent *e = (struct extent *)pagemap_get(run);
		e->special = 1;
		e->requested = size;
		bi.cls = -1;
		bi.base = (uintptr_t)run;
		bi.slot_size = e->size;
		if (off >= PAGE && !pagemap_set(bi.base + (off & ~PAGE_MASK), (uintptr_t)e)) {
			/* No page-map leaf for the user page: the block could not
			 * be found at its free. */
			e->special = 0;
			large_free(e);
			errno = ENOMEM;
			return NULL;
		}
		block_list_run(e);
	}
	struct debug_hdr *h = (struct debug_hdr *)bi.base;
	uint8_t *user = (uint8_t *)bi.base + off;
	LA_ASSERT(off + size + rz <= bi.slot_size);
	debug_hdr_set_zone_kind(h, rz, kind & LA_KIND_MASK);
	h->requested = size;
	h->user_off = (uint32_t)off;
	h->alloc_tid = (uint32_t)la_tc.tid;
	h->free_tid = 0;
	h->alloc_pc = la_mt.caller;
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
static bool walk_check_block(const struct block_info *bi, const char *what)
{
	struct debug_hdr *h = bi->hdr;
	uint32_t kind;
	const uint8_t *at;
	size_t n;
	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != HDR_LIVE)
		return true;
	bool header_ok = hdr_intact(h, bi->base);
	bool damaged = !header_ok || find_zone_damage(bi, &kind, &at, &n);
	if (!damaged || __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != HDR_LIVE)
		return true;
	if (!header_ok)
		report_block(LAS_EV_BUFFER_UNDERFLOW, (void *)bi->base, bi, 0, what,
			     (const uint8_t *)h + 16, 32);
	else
		verify_zones(bi, what);
	/* Reported once: the block's free, or the next walk, passes it by. */
	uint32_t live = HDR_LIVE;
	__atomic_compare_exchange_n(&h->magic, &live, HDR_BAD, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	return false;
}
/*
 * Check a pointer about to be freed. Returns the user length to fill and
 * quarantine, or 0 when it must not be released (already reported).
 */
static bool check_debug_block(void *p, struct block_info *bi, const char *what)
{
	struct debug_hdr *h = bi->hdr;
	if (hdr_checksum(h, bi->base) != h->check ||
	    (h->magic != HDR_LIVE && h->magic != HDR_FREED && h->magic != HDR_QUAR) ||
	    (h->magic == HDR_LIVE && (h->free_tid | h->free_pc) != 0)) {
		/* A header of zeros is a slot never handed out (fresh pages):
		 * the pointer is no block's, not a smashed one. */
		if (bytes_all(h, sizeof(*h), 0) ||
		    ((uintptr_t)p - bi->base >= sizeof(*h) + 16 && h->magic == 0)) {
			report_block(LAS_EV_INVALID_FREE, p, bi, 0, what, NULL, 0);
			return false;
		}
		if (h->magic == HDR_BAD)
			return false; /* reported already */
		/* With the magic intact, the damage is in the fields after it. */
		bool magic_ok = h->magic == HDR_LIVE || h->magic == HDR_FREED || h->magic == HDR_QUAR;
		report_block(LAS_EV_BUFFER_UNDERFLOW, p, bi, 0, what,
			     (const uint8_t *)h + (magic_ok ? 16 : 0), 32);
		__atomic_store_n(&h->magic, HDR_BAD, __ATOMIC_RELEASE);
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
	if (verify_zones(bi, what))
		return true;
	/* Reported once: a later check (alloc_check, exit) passes it by. */
	uint32_t live = HDR_LIVE;
	__atomic_compare_exchange_n(&h->magic, &live, HDR_BAD, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	return false;
}
/* A claimed debug block (its header just went LIVE -> FREED): fill it,
 * then quarantine it or hand it back. */
static void retire_debug_block(const struct block_info *bi)
{
	struct debug_hdr *h = bi->hdr;
	h->free_tid = (uint32_t)la_tc.tid;
	h->free_pc = la_mt.caller;
	void *user = (uint8_t *)bi->base + h->user_off;
	bool quarantine = la_checks.quarantine && la_checks_on;
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
	    !e->special)
		return false;
	unsigned cls = e->cls;
	size_t size = class_size(cls);
	uintptr_t base = e->addr + (uintptr_t)class_slot_index(cls, (uintptr_t)p - e->addr) * size;
	struct debug_hdr *h = (struct debug_hdr *)base;
	if ((uintptr_t)p != base + h->user_off || !zones_short_and_intact(h, size) ||
	    !hdr_intact(h, base))
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
/* A run in the plain layout is claimed before anything writes to it: of
 * two threads freeing it at the same instant, the one that loses finds it
 * busy and reports, and never fills pages the other has handed back. It
 * stays claimed in the quarantine (quarantine.c releases it). */
static void free_plain_run(void *p, const struct block_info *bi, const char *what)
{
	struct extent *e = bi->e;
	if (!large_claim(e)) {
		debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
		return;
	}
	if (e->addr != (uintptr_t)p || e->special) {
		/* Freed by another thread since it was classified, and the
		 * record reused for another live run: that one is not ours. */
		__atomic_store_n(&e->state, EX_LARGE, __ATOMIC_RELEASE);
		debug_violation(LAS_EV_DOUBLE_FREE, p, 0, -1, what, NULL, 0);
		return;
	}
	bool quarantine = la_checks.quarantine && la_checks_on;
	if (quarantine || (la_checks.junk & LAS_JUNK_FREE))
		memset(p, JUNK_FREE_BYTE, e->size);
	if (quarantine)
		quarantine_push(p, e->size, e->size, true);
	else
		block_release_claimed_run(e);
}

/* Free with checks of any block but a small one in the plain layout while
 * the checked cache is in use; `what` names the calling function in
 * reports. */
void debug_free(void *p, uintptr_t pm, const char *what)
{
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
	case BK_PLAIN_LARGE:
		free_plain_run(p, &bi, what);
		return;
	case BK_PLAIN_SMALL: {
		if (la_checks.check_free || la_checks.quarantine) {
			struct extent *s = bi.e;
			uint32_t idx = class_slot_index((unsigned)bi.cls, bi.base - s->addr);
			bool slot_free = __atomic_load_n(&s->bitmap[idx / 64], __ATOMIC_RELAXED) &
					 (1ull << (idx % 64));
			if (slot_free || quarantine_holds_plain(bi.base) || slot_marked(p)) {
				debug_violation(LAS_EV_DOUBLE_FREE, p, bi.slot_size, bi.cls, what,
						NULL, 0);
				return;
			}
		}
		bool quarantine = la_checks.quarantine && la_checks_on;
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
struct walk {
	const char *what;
	int bad;
};

static void check_run(struct extent *e, void *arg)
{
	struct walk *w = arg;
	struct block_info bi = {.kind = BK_DEBUG, .cls = -1, .base = e->addr, .slot_size = e->size,
				.e = e, .hdr = (struct debug_hdr *)e->addr};
	w->bad += !walk_check_block(&bi, w->what);
}

static void check_slab(struct extent *e, void *arg)
{
	struct walk *w = arg;
	int bad = 0;
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
			bad += !walk_check_block(&bi, w->what);
	}
	w->bad += bad;
}

/* Walk every debug block: redzones of live ones, fills of quarantined. */
int debug_check_all(const char *what)
{
	struct walk w = {what, 0};
	/* Reports below run under the walk locks: nothing in them may
	 * allocate, and backtrace() does only the first time. */
	report_warm_backtrace();
	arena_walk_slabs(check_slab, &w);
	block_walk_runs(check_run, &w);
	return w.bad + quarantine_verify_all(what);
}

bool debug_live_size(void *p, uintptr_t pm, size_t *out)
{
	struct block_info bi;
	block_classify(p, pm, &bi);
	switch (bi.kind) {
	case BK_DEBUG:
		if (!hdr_intact(bi.hdr, bi.base) ||
		    (uintptr_t)p != bi.base + bi.hdr->user_off || bi.hdr->magic != HDR_LIVE) {
			debug_free(p, pm, "realloc"); /* reports what is wrong */
			return false;
		}
		*out = bi.hdr->requested;
		return true;
	case BK_PLAIN_SMALL:
	case BK_PLAIN_LARGE:
		*out = bi.slot_size;
		return true;
	default:
		debug_violation(bi.kind == BK_FREED_RUN ? LAS_EV_DOUBLE_FREE : LAS_EV_INVALID_FREE, p,
				0, bi.cls, "realloc", NULL, 0);
		return false;
	}
}
