/*
 * size_class.h - small size classes: 16-byte steps up to 256, where most
 * blocks of most programs are (the finer steps pack them into fewer cache
 * lines), then four classes per doubling up to 32 KiB (at most 20%
 * internal waste). Every small class is served from slabs; larger requests
 * are page runs.
 */
#ifndef LA_SIZE_CLASS_H
#define LA_SIZE_CLASS_H

#include "liballoc_stats.h"
#include "sys/check.h"
#include "sys/internal.h"

#define FINE_MAX 256 /* 16-byte steps up to here */
#define FINE_LG 8    /* log2(FINE_MAX) */
#define FINE_CLASSES (FINE_MAX / 16)
#define NCLASSES (FINE_CLASSES + 4 * (15 - FINE_LG)) /* up to 32 KiB = 2^15 */
#define SMALL_MAX ((size_t)32768)
#define LOOKUP_MAX ((size_t)4096)
#define SLAB_MAX_OBJS 1024

LA_STATIC_ASSERT(NCLASSES <= LAS_NCLASSES_MAX, "the stats tables carry every class");
LA_STATIC_ASSERT(NCLASSES <= 255, "extent.cls is one byte");

struct size_class {
	uint32_t size;
	uint32_t slab_pages;
	uint32_t nobjs;
	uint32_t recip; /* ceil(2^32 / size): offset -> slot index by multiply */
};

extern struct size_class la_classes[NCLASSES] LA_HIDDEN;
/* Indexed by the size itself (4 KiB of table): no rounding on the fast path. */
extern uint8_t la_class_lookup[LOOKUP_MAX + 1] LA_HIDDEN;

LA_HIDDEN void size_classes_init(void);
LA_HIDDEN unsigned size_to_class_slow(size_t size);

static inline unsigned size_to_class(size_t size)
{
	if (likely(size <= LOOKUP_MAX))
		return la_class_lookup[size];
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
