/*
 * glibc_ext.c - glibc's malloc extensions, on liballoc's own options:
 * mallopt (the parameters that have a meaning here; liballoc(3) lists
 * them) and malloc_info (liballoc's state in glibc's XML shape).
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "api/glibc_ext.h"
#include "api/init.h"
#include "core/arena.h"
#include "core/extent.h"
#include "core/size_class.h"
#include "modes/switch.h"
#include "stats/stats.h"
#include "sys/conf.h"

/* glibc's M_CHECK_ACTION bits: 1 print a message, 2 abort. */
static uint32_t on_error_for(int action)
{
	if (action & 2)
		return LAS_ONERR_ABORT;
	return (action & 1) ? LAS_ONERR_REPORT : LAS_ONERR_IGNORE;
}

static int set_dirty_min(size_t bytes)
{
	la_conf.dirty_min = bytes;
	stats_publish_conf();
	return 1;
}

/* 1 when the setting was applied, 0 when the value is refused or the
 * parameter has no meaning in liballoc (glibc itself answers 1 to
 * numbers it does not know: here a caller learns that nothing changed). */
LA_EXPORT int mallopt(int param, int value)
{
	if (!la_initialized)
		la_init();
	struct las_checks c = la_checks;
	switch (param) {
	case M_ARENA_MAX:
		if (value <= 0)
			return 0;
		arena_set_spread((unsigned)value);
		return 1;
	case M_MMAP_THRESHOLD:
		if (value < 0)
			return 0;
		extent_set_huge_threshold((size_t)value);
		return 1;
	case M_TRIM_THRESHOLD: /* -1, as in glibc: never trim by size */
		return set_dirty_min(value < 0 ? SIZE_MAX / 4 : (size_t)value);
	case M_TOP_PAD:
		return value < 0 ? 0 : set_dirty_min((size_t)value);
	case M_CHECK_ACTION:
		c.on_error = on_error_for(value);
		checks_apply(&c, getpid());
		return 1;
	case M_PERTURB:
		c.junk = value ? LAS_JUNK_BOTH : LAS_JUNK_OFF;
		checks_apply(&c, getpid());
		return 1;
	default:
		return 0;
	}
}

/* What one arena holds, gathered under its bin locks before anything is
 * printed: stdio may allocate, and must find no lock of ours held. */
struct heap_info {
	uint64_t free_objs[NCLASSES], cached_objs[NCLASSES];
	uint64_t slab_bytes;
};

static bool gather(unsigned id, struct heap_info *hi)
{
	uint64_t slabs, free_slots;
	bool exists = false;
	for (unsigned c = 0; c < NCLASSES; c++) {
		hi->free_objs[c] = hi->cached_objs[c] = 0;
		if (arena_usage(id, c, &slabs, &free_slots)) {
			exists = true;
			hi->free_objs[c] = free_slots;
			hi->slab_bytes += slabs * ((uint64_t)la_classes[c].slab_pages << LG_PAGE);
		}
	}
	unsigned n;
	const struct las_thread *th = stats_thread_table(&n);
	for (unsigned i = 1; i < n; i++) {
		const struct las_thread *s = &th[i];
		if (stats_slot_state(i) != LAS_SLOT_LIVE || s->arena != id)
			continue;
		for (unsigned c = 0; c < NCLASSES; c++) {
			int64_t cached = (int64_t)(s->class_fill[c] - s->class_flush[c]) -
					 (int64_t)(s->class_alloc[c] - s->class_free[c]);
			if (cached > 0)
				hi->cached_objs[c] += (uint64_t)cached;
		}
	}
	return exists;
}

struct totals {
	uint64_t fast_count, fast_bytes, rest_count, rest_bytes;
};

static void print_heap(FILE *fp, unsigned id, const struct heap_info *hi, struct totals *t)
{
	struct totals h = {0, 0, 0, 0};
	fprintf(fp, "<heap nr=\"%u\">\n<sizes>\n", id);
	for (unsigned c = 0; c < NCLASSES; c++) {
		uint64_t size = la_classes[c].size;
		uint64_t from = c ? la_classes[c - 1].size + 1 : 1;
		if (hi->free_objs[c])
			fprintf(fp, "<size from=\"%lu\" to=\"%lu\" total=\"%lu\" count=\"%lu\"/>\n",
				(unsigned long)from, (unsigned long)size,
				(unsigned long)(hi->free_objs[c] * size),
				(unsigned long)hi->free_objs[c]);
		h.rest_count += hi->free_objs[c];
		h.rest_bytes += hi->free_objs[c] * size;
		h.fast_count += hi->cached_objs[c];
		h.fast_bytes += hi->cached_objs[c] * size;
	}
	fprintf(fp, "</sizes>\n<total type=\"fast\" count=\"%lu\" size=\"%lu\"/>\n",
		(unsigned long)h.fast_count, (unsigned long)h.fast_bytes);
	fprintf(fp, "<total type=\"rest\" count=\"%lu\" size=\"%lu\"/>\n",
		(unsigned long)h.rest_count, (unsigned long)h.rest_bytes);
	for (int k = 0; k < 2; k++)
		fprintf(fp, "<system type=\"%s\" size=\"%lu\"/>\n", k ? "max" : "current",
			(unsigned long)hi->slab_bytes);
	for (int k = 0; k < 2; k++)
		fprintf(fp, "<aspace type=\"%s\" size=\"%lu\"/>\n", k ? "mprotect" : "total",
			(unsigned long)hi->slab_bytes);
	fprintf(fp, "</heap>\n");
	t->fast_count += h.fast_count;
	t->fast_bytes += h.fast_bytes;
	t->rest_count += h.rest_count;
	t->rest_bytes += h.rest_bytes;
}

LA_EXPORT int malloc_info(int options, FILE *fp)
{
	if (options != 0 || !fp)
		return EINVAL; /* as glibc: the error is the return value */
	if (!la_initialized)
		la_init();
	struct totals t = {0, 0, 0, 0};
	struct heap_info hi;
	fprintf(fp, "<malloc version=\"1\">\n");
	for (unsigned id = 0; id <= la_narenas; id++) {
		hi.slab_bytes = 0;
		/* Arena 0 always, as glibc's main arena; the others once used. */
		if (gather(id, &hi) && (id == 0 || hi.slab_bytes))
			print_heap(fp, id, &hi, &t);
	}
	uint64_t large_count = 0, large_bytes = 0;
	for (unsigned b = 0; b < LAS_LARGE_BANDS; b++) {
		large_count += STAT_GET(&la_large_bands[b].count);
		large_bytes += STAT_GET(&la_large_bands[b].bytes);
	}
	uint64_t mapped = STAT_GET(&la_globals->mapped_bytes);
	/* Dirty pages are free memory kept mapped: with the rest. */
	fprintf(fp, "<total type=\"fast\" count=\"%lu\" size=\"%lu\"/>\n",
		(unsigned long)t.fast_count, (unsigned long)t.fast_bytes);
	fprintf(fp, "<total type=\"rest\" count=\"%lu\" size=\"%lu\"/>\n",
		(unsigned long)t.rest_count,
		(unsigned long)(t.rest_bytes + STAT_GET(&la_globals->dirty_bytes)));
	fprintf(fp, "<total type=\"mmap\" count=\"%lu\" size=\"%lu\"/>\n",
		(unsigned long)large_count, (unsigned long)large_bytes);
	for (int k = 0; k < 2; k++)
		fprintf(fp, "<system type=\"%s\" size=\"%lu\"/>\n", k ? "max" : "current",
			(unsigned long)mapped);
	for (int k = 0; k < 2; k++)
		fprintf(fp, "<aspace type=\"%s\" size=\"%lu\"/>\n", k ? "mprotect" : "total",
			(unsigned long)mapped);
	fprintf(fp, "</malloc>\n");
	return 0;
}

LA_EXPORT int la_mallopt(int param, int value)
{
	return mallopt(param, value);
}

LA_EXPORT int la_malloc_info(int options, FILE *fp)
{
	return malloc_info(options, fp);
}
