/*
 * free_checks.c - a free checked against its block (free_checks.h).
 *
 * A size fits a plain block when allocating that size (with that
 * alignment) would have given a block of this usable size: for the usual
 * alignment, size <= usable size and > the usable size of the class below.
 * A debug-layout block knows the size it was asked for: the size must be
 * that one. An alignment fits when the block's address honours it.
 */
#include "core/slot_mark.h"
#include "modes/block.h"
#include "modes/free_checks.h"
#include "modes/quarantine.h"
#include "modes/report.h"

/* Usable size of the plain block that allocating `size` bytes aligned to
 * `align` gives (api/plain.c: plain_alloc, plain_aligned). */
static size_t plain_usable_for(size_t size, size_t align)
{
	if (size > SMALL_MAX)
		return size > ((size_t)1 << 46) ? 0 : PAGE_CEIL(size);
	if (align <= 16)
		return class_size(size_to_class(size));
	if (align <= PAGE) {
		size_t need = size < align ? align : size;
		for (unsigned cls = size_to_class(need); cls < NCLASSES; cls++)
			if ((class_size(cls) & (align - 1)) == 0)
				return class_size(cls);
	}
	return PAGE_CEIL(SMALL_MAX + 1);
}

/* The size a debug block records for a request of `size` bytes: the
 * aligned forms ask for at least one byte (api/malloc.c). */
static size_t debug_size(size_t size)
{
	return size ? size : 1;
}

static bool align_fits(const void *p, size_t align)
{
	return align && (align & (align - 1)) == 0 && ((uintptr_t)p & (align - 1)) == 0;
}

/* The block as far as these checks need it. */
struct checked_block {
	size_t size;   /* usable size (plain) or requested size (debug layout) */
	int cls;       /* -1 for large blocks */
	unsigned kind; /* recorded family, LA_KIND_UNKNOWN if none */
	bool debug;    /* debug layout: the size is exact */
	const struct debug_hdr *hdr;
};

/* The block at p, if it is one, without the liveness test of a plain small
 * block (block_live), which only a free about to be reported pays. */
static bool find_block(void *p, uintptr_t pm, struct checked_block *b)
{
	unsigned tag = (unsigned)(pm & PM_CLASS_MASK);
	b->debug = false;
	b->hdr = NULL;
	if (tag) {
		struct extent *s = (struct extent *)(pm & ~PM_CLASS_MASK);
		if (!class_slot_start(tag - 1, (uintptr_t)p - s->addr))
			return false;
		b->cls = (int)tag - 1;
		b->size = class_size(tag - 1);
		b->kind = la_kind_checks ? kind_map_get(p, la_mt.epoch) : LA_KIND_UNKNOWN;
		return true;
	}
	if (!pm)
		return false;
	struct block_info bi;
	block_classify(p, pm, &bi);
	if (bi.kind == BK_PLAIN_LARGE) {
		b->cls = -1;
		b->size = bi.slot_size;
		b->kind = la_kind_checks ? kind_map_get(p, la_mt.epoch) : LA_KIND_UNKNOWN;
		return __atomic_load_n(&bi.e->state, __ATOMIC_ACQUIRE) == EX_LARGE;
	}
	if (bi.kind != BK_DEBUG)
		return false;
	const struct debug_hdr *h = bi.hdr;
	if (h->magic != HDR_LIVE || hdr_checksum(h, bi.base) != h->check ||
	    (uintptr_t)p != bi.base + h->user_off)
		return false; /* the free reports what is wrong */
	b->cls = bi.cls;
	b->size = h->requested;
	b->kind = h->kind;
	b->debug = true;
	b->hdr = h;
	return true;
}

/* A plain small block found above that is not live is being freed twice:
 * the free reports that, not a mismatch. */
static bool block_live(void *p, uintptr_t pm, const struct checked_block *b)
{
	if ((pm & PM_CLASS_MASK) == 0)
		return true; /* large or debug layout: find_block saw it live */
	struct extent *s = (struct extent *)(pm & ~PM_CLASS_MASK);
	uint32_t idx = class_slot_index((unsigned)b->cls, (uintptr_t)p - s->addr);
	if (__atomic_load_n(&s->bitmap[idx / 64], __ATOMIC_ACQUIRE) & (1ull << (idx % 64)))
		return false; /* free in its slab */
	if (slot_marked(p))
		return false; /* in a checked cache */
	return !la_checks.quarantine || !quarantine_holds_plain((uintptr_t)p);
}

static bool size_fits(const void *p, const struct checked_block *b, size_t size, size_t align,
		      unsigned flags)
{
	if ((flags & LA_FREE_ALIGNED) && !align_fits(p, align))
		return false;
	if (!(flags & LA_FREE_SIZED))
		return true;
	if (b->debug)
		return debug_size(size) == debug_size(b->size);
	return plain_usable_for(size, (flags & LA_FREE_ALIGNED) ? align : 16) == b->size;
}

static void report(uint32_t kind, void *p, const struct checked_block *b, const char *detail)
{
	if (b->hdr && la_checks.track)
		debug_track_info(b->hdr->alloc_pc, b->hdr->alloc_tid, b->hdr->free_pc,
				 b->hdr->free_tid);
	debug_violation(kind, p, b->size, b->cls, detail, NULL, 0);
}

/* "operator delete[] of a block from malloc" (fits the ring's 64 bytes). */
static void report_kind(void *p, const struct checked_block *b, const char *what)
{
	char buf[64];
	struct la_buf d = {buf, 0, sizeof(buf)};
	buf_str(&d, what);
	buf_str(&d, " of a block from ");
	buf_str(&d, alloc_kind_alloc_name(b->kind));
	report(LAS_EV_ALLOC_DEALLOC_MISMATCH, p, b, buf);
}

/* "free_sized: size 100 given" / "operator delete: size 8, alignment 64 given". */
static void report_size(void *p, const struct checked_block *b, size_t size, size_t align,
			unsigned flags, const char *what)
{
	char buf[64];
	struct la_buf d = {buf, 0, sizeof(buf)};
	buf_str(&d, what);
	buf_str(&d, ":");
	if (flags & LA_FREE_SIZED) {
		buf_str(&d, " size ");
		buf_u64(&d, size);
	}
	if (flags & LA_FREE_ALIGNED) {
		buf_str(&d, (flags & LA_FREE_SIZED) ? ", alignment " : " alignment ");
		buf_u64(&d, align);
	}
	buf_str(&d, " given");
	report(LAS_EV_SIZE_MISMATCH, p, b, buf);
}

void free_request_check_exact(void *p, size_t requested, unsigned kind, size_t size,
			      size_t align, unsigned flags, const char *what)
{
	alloc_kind_seen(flags);
	if (!la_checks.check_free)
		return;
	struct checked_block b = {.size = requested, .cls = -1, .kind = kind, .debug = true};
	unsigned freed_by = flags & LA_KIND_MASK;
	if (kind != LA_KIND_UNKNOWN && freed_by != LA_KIND_UNKNOWN && kind != freed_by)
		report_kind(p, &b, what);
	else if ((flags & (LA_FREE_SIZED | LA_FREE_ALIGNED)) && !size_fits(p, &b, size, align, flags))
		report_size(p, &b, size, align, flags, what);
}

/* Reads the header without its checksum: anything unexpected, a damaged
 * header too, is left to free_request_check. */
bool free_request_quick_debug(void *p, uintptr_t pm, size_t size, unsigned flags)
{
	const struct extent *e = (const struct extent *)pm;
	if (!e || __atomic_load_n(&e->state, __ATOMIC_ACQUIRE) != EX_SLAB || !e->special ||
	    (flags & LA_FREE_ALIGNED))
		return false;
	size_t slot = class_size(e->cls);
	uintptr_t base =
		e->addr + (uintptr_t)class_slot_index(e->cls, (uintptr_t)p - e->addr) * slot;
	const struct debug_hdr *h = (const struct debug_hdr *)base;
	return (uintptr_t)p == base + h->user_off && h->magic == HDR_LIVE &&
	       (h->kind & LA_KIND_MASK) == (flags & LA_KIND_MASK) &&
	       (!(flags & LA_FREE_SIZED) || debug_size(h->requested) == debug_size(size));
}

void free_request_check(void *p, uintptr_t pm, size_t size, size_t align, unsigned flags,
			const char *what)
{
	struct checked_block b;
	alloc_kind_seen(flags);
	if (!p || !la_checks.check_free || !find_block(p, pm, &b))
		return;
	unsigned freed_by = flags & LA_KIND_MASK;
	/* One report per free: the wrong family first, since a size is only
	 * meaningful to the family that made the block. */
	bool wrong_family =
		b.kind != LA_KIND_UNKNOWN && freed_by != LA_KIND_UNKNOWN && b.kind != freed_by;
	bool wrong_size = !wrong_family && (flags & (LA_FREE_SIZED | LA_FREE_ALIGNED)) &&
			  !size_fits(p, &b, size, align, flags);
	if ((wrong_family || wrong_size) && block_live(p, pm, &b)) {
		if (wrong_family)
			report_kind(p, &b, what);
		else
			report_size(p, &b, size, align, flags, what);
	}
	if (!b.debug && la_kind_checks)
		kind_map_forget(p);
}
