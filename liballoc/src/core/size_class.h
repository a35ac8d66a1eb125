/*
 * size_class.h - small size classes: 16-byte steps up to 256, where most
 * blocks of most programs are (the finer steps pack them into fewer cache
 * lines), then four classes per doubling up to 32 KiB (at most 20%
 * internal waste). Every small class is served from slabs; larger requests
 * are page runs.
 */
#ifndef LA_SIZE_CLASS_H
#define LA_SIZE_CLASS_H

#include "core/size_class_rules.h"
#include "liballoc_stats.h"
#include "sys/check.h"
#include "sys/internal.h"

LA_STATIC_ASSERT(SIZE_CLASS_PAGE == PAGE, "slab geometry is computed for this page size");

LA_STATIC_ASSERT(NCLASSES <= LAS_NCLASSES_MAX, "the stats tables carry every class");
LA_STATIC_ASSERT(NCLASSES <= 255, "extent.cls is one byte");

struct size_class {
	uint32_t size;
	uint32_t slab_pages;
	uint32_t nobjs;
	uint32_t recip; /* ceil(2^32 / size): offset -> slot index by multiply */
};

extern const struct size_class la_classes[NCLASSES] LA_HIDDEN;
/* The tag (class + 1, the page map's, which indexes the thread cache) of
 * each size, indexed by the size itself (4 KiB of table): no rounding, and
 * no + 1, on the fast path. */
extern const uint8_t la_size_tag[LOOKUP_MAX + 1] LA_HIDDEN;

/* The class geometry in the statistics (after stats_init: in the tables). */
LA_HIDDEN void size_classes_init(void);
LA_HIDDEN unsigned size_to_class_slow(size_t size);

static inline unsigned size_to_class(size_t size)
{
	if (likely(size <= LOOKUP_MAX))
		return la_size_tag[size] - 1u;
	return size_to_class_slow(size);
}

static inline size_t class_size(unsigned cls)
{
	return la_classes[cls].size;
}

/* Slot index of an address at byte offset `off` inside a slab of class cls. */
static inline uint32_t class_slot_index(unsigned cls, size_t off)
{
	return (uint32_t)(((uint64_t)off * la_classes[cls].recip) >> 32);
}

/* Is byte offset `off` inside a slab of class cls the start of a slot?
 * (A multiply, not a division: this runs on every slow-path free.) */
static inline bool class_slot_start(unsigned cls, size_t off)
{
	return (size_t)class_slot_index(cls, off) * class_size(cls) == off;
}

#endif
