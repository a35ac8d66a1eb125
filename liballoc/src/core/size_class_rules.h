/*
 * size_class_rules.h - how sizes map to classes and classes to slabs,
 * written once: the build turns these rules into the constant tables of
 * size_class.c (liballoc/gen/size_class_gen.c), and the slow path applies
 * them to sizes beyond the lookup table. Pure functions, no state.
 */
#ifndef LA_SIZE_CLASS_RULES_H
#define LA_SIZE_CLASS_RULES_H

#include <stddef.h>
#include <stdint.h>

#define FINE_MAX 256 /* 16-byte steps up to here */
#define FINE_LG 8    /* log2(FINE_MAX) */
#define FINE_CLASSES (FINE_MAX / 16)
#define NCLASSES (FINE_CLASSES + 4 * (15 - FINE_LG)) /* up to 32 KiB = 2^15 */
#define SMALL_MAX ((size_t)32768)
#define LOOKUP_MAX ((size_t)4096)
#define SLAB_MAX_OBJS 1024
#define SIZE_CLASS_PAGE 4096u

/* The class of a request of `size` bytes (0 < size <= SMALL_MAX). */
static inline unsigned size_class_rule(size_t size)
{
	if (size <= FINE_MAX)
		return size <= 16 ? 0 : (unsigned)((size + 15) >> 4) - 1;
	unsigned lg = 63u - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
	size_t base = (size_t)1 << lg;
	size_t step = base >> 2;
	unsigned i = (unsigned)((size - base + step - 1) >> (lg - 2)); /* 1..4 */
	return FINE_CLASSES + (lg - FINE_LG) * 4 + (i - 1);
}

/* The usable size of class c. */
static inline uint32_t size_class_rule_size(unsigned c)
{
	if (c < FINE_CLASSES)
		return (c + 1) * 16;
	unsigned group = (c - FINE_CLASSES) / 4, i = (c - FINE_CLASSES) % 4 + 1;
	uint32_t base = (uint32_t)FINE_MAX << group;
	return base + i * (base >> 2);
}

/* Smallest slab (in pages) that wastes at most 1/16 of itself, at least
 * 16 KiB for classes up to a page so that tiny classes do not churn slabs. */
static inline uint32_t size_class_rule_slab_pages(uint32_t size)
{
	uint32_t min_bytes = size <= SIZE_CLASS_PAGE ? 16384 : size;
	uint32_t best = 0, best_waste = ~0u;
	for (uint32_t pages = 1; pages <= 32; pages++) {
		uint32_t bytes = pages * SIZE_CLASS_PAGE;
		if (bytes < min_bytes)
			continue;
		uint32_t n = bytes / size;
		if (n == 0 || n > SLAB_MAX_OBJS)
			continue;
		uint32_t waste = bytes - n * size;
		if (waste * 16 <= bytes)
			return pages;
		if (waste * 1000 / bytes < best_waste) {
			best_waste = waste * 1000 / bytes;
			best = pages;
		}
	}
	return best ? best : (size + SIZE_CLASS_PAGE - 1) / SIZE_CLASS_PAGE;
}

#endif
