/* size_class.c - the size-class table and slab geometry. */
#include "core/size_class.h"
#include "sys/counters.h"

struct size_class la_classes[NCLASSES];
uint8_t la_class_lookup[LOOKUP_MAX + 1];

static unsigned compute_class(size_t size)
{
	if (size <= FINE_MAX)
		return size <= 16 ? 0 : (unsigned)((size + 15) >> 4) - 1;
	unsigned lg = 63u - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
	size_t base = (size_t)1 << lg;
	size_t step = base >> 2;
	unsigned i = (unsigned)((size - base + step - 1) >> (lg - 2)); /* 1..4 */
	return FINE_CLASSES + (lg - FINE_LG) * 4 + (i - 1);
}

unsigned size_to_class_slow(size_t size)
{
	return compute_class(size);
}

/* Smallest slab (in pages) that wastes at most 1/16 of itself, at least
 * 16 KiB for classes up to a page so that tiny classes do not churn slabs. */
static uint32_t choose_slab_pages(uint32_t size)
{
	uint32_t min_bytes = size <= PAGE ? 16384 : size;
	uint32_t best = 0, best_waste = ~0u;
	for (uint32_t pages = 1; pages <= 32; pages++) {
		uint32_t bytes = pages * (uint32_t)PAGE;
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
	return best ? best : (size + (uint32_t)PAGE - 1) / (uint32_t)PAGE;
}

void size_classes_init(void)
{
	for (unsigned c = 0; c < NCLASSES; c++) {
		uint32_t size;
		if (c < FINE_CLASSES) {
			size = (c + 1) * 16;
		} else {
			unsigned group = (c - FINE_CLASSES) / 4, i = (c - FINE_CLASSES) % 4 + 1;
			uint32_t base = (uint32_t)FINE_MAX << group;
			size = base + i * (base >> 2);
		}
		struct size_class *sc = &la_classes[c];
		sc->size = size;
		sc->slab_pages = choose_slab_pages(size);
		sc->nobjs = sc->slab_pages * (uint32_t)PAGE / size;
		sc->recip = (uint32_t)(((1ull << 32) + size - 1) / size);
		struct las_class *cs = &la_class_stats[c];
		cs->size = size;
		cs->slab_size = (uint64_t)sc->slab_pages * PAGE;
		cs->objs_per_slab = sc->nobjs;
	}
	for (size_t i = 0; i <= LOOKUP_MAX; i++)
		la_class_lookup[i] = (uint8_t)compute_class(i);
}
