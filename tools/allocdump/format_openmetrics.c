/*
 * format_openmetrics.c - allocdump --openmetrics: one OpenMetrics text
 * exposition for every process given, ending in "# EOF".
 *
 * Rules kept: every family has # TYPE, # HELP and (when it has a unit)
 * # UNIT, and its samples are contiguous across processes; counters are
 * named without _total in the metadata and with it on the samples; unit
 * families end in _bytes (or _ratio); no timestamps. Labels: pid and exe on
 * everything, plus class/size, arena, band or kind. A Prometheus text-format
 * parser (node_exporter's textfile collector) reads the same text: it skips
 * # UNIT and # EOF as comments.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "dump.h"

enum om_type { OM_GAUGE, OM_COUNTER };

static void family(FILE *out, const char *name, enum om_type type, const char *unit,
		   const char *help)
{
	fprintf(out, "# TYPE %s %s\n", name, type == OM_COUNTER ? "counter" : "gauge");
	if (unit)
		fprintf(out, "# UNIT %s %s\n", name, unit);
	fprintf(out, "# HELP %s %s\n", name, help);
}

/* name{pid="..",exe=".."[,extra]} */
static void sample_start(FILE *out, const char *name, enum om_type type,
			 const struct as_snapshot *s)
{
	fprintf(out, "%s%s{pid=\"%d\",exe=", name, type == OM_COUNTER ? "_total" : "", s->pid);
	put_label_value(out, s->exe);
}

static void sample_u64(FILE *out, uint64_t v)
{
	fprintf(out, "} %" PRIu64 "\n", v);
}

/* --- process-wide scalars ------------------------------------------------ */

typedef uint64_t (*scalar_fn)(const struct as_snapshot *s);

#define SCALAR(fn, expr) \
	static uint64_t fn(const struct as_snapshot *s) { return (expr); }
SCALAR(live_bytes, s->totals.live_bytes)
SCALAR(small_live_bytes, s->totals.small_live_bytes)
SCALAR(large_live_bytes, s->totals.large_live_bytes)
SCALAR(live_allocs, s->totals.live_allocs)
SCALAR(alloc_count, s->totals.alloc_count)
SCALAR(free_count, s->totals.free_count)
SCALAR(alloc_bytes, s->totals.alloc_bytes)
SCALAR(free_bytes, s->totals.free_bytes)
SCALAR(requested_bytes, s->totals.requested_bytes)
SCALAR(cached_bytes, s->totals.cached_bytes)
SCALAR(peak_bytes, s->globals.peak_handed_bytes)
SCALAR(handed_bytes, s->globals.handed_bytes)
SCALAR(mapped_bytes, s->globals.mapped_bytes)
SCALAR(active_bytes, s->globals.active_bytes)
SCALAR(resident_bytes, s->globals.resident_bytes)
SCALAR(dirty_bytes, s->globals.dirty_bytes)
SCALAR(metadata_bytes, s->globals.metadata_bytes)
SCALAR(purged_bytes, s->globals.purged_bytes)
SCALAR(madvise_calls, s->globals.madvise_calls)
SCALAR(purge_runs, s->globals.purge_runs)
SCALAR(kernel_mappings, s->globals.kernel_mappings)
SCALAR(reservations, s->globals.reservations)
SCALAR(threads_live, s->totals.threads_live)
SCALAR(threads_created, s->globals.threads_created)
SCALAR(events_total, s->events_head)
SCALAR(redzone_bytes, s->control.applied.redzone)
SCALAR(quarantine_bytes, s->control.applied.quarantine)
SCALAR(requests_pending, s->control.request_gen > s->control.applied_gen ? s->control.request_gen - s->control.applied_gen : 0)

struct scalar_family {
	const char *name;
	enum om_type type;
	const char *unit;
	const char *help;
	scalar_fn get;
};

static const struct scalar_family scalars[] = {
	{ "liballoc_live_bytes", OM_GAUGE, "bytes", "Usable bytes in live allocations.", live_bytes },
	{ "liballoc_small_live_bytes", OM_GAUGE, "bytes", "Usable bytes in live small (size-class) allocations.", small_live_bytes },
	{ "liballoc_large_live_bytes", OM_GAUGE, "bytes", "Bytes in live large allocations.", large_live_bytes },
	{ "liballoc_live_allocations", OM_GAUGE, NULL, "Live allocations.", live_allocs },
	{ "liballoc_allocations", OM_COUNTER, NULL, "Allocations since the process started.", alloc_count },
	{ "liballoc_frees", OM_COUNTER, NULL, "Frees since the process started.", free_count },
	{ "liballoc_allocated_bytes", OM_COUNTER, "bytes", "Usable bytes allocated since the process started.", alloc_bytes },
	{ "liballoc_freed_bytes", OM_COUNTER, "bytes", "Usable bytes freed since the process started.", free_bytes },
	{ "liballoc_requested_bytes", OM_COUNTER, "bytes", "Bytes requested by allocation calls since the process started.", requested_bytes },
	{ "liballoc_cached_bytes", OM_GAUGE, "bytes", "Bytes held in thread caches.", cached_bytes },
	{ "liballoc_peak_bytes", OM_GAUGE, "bytes", "Peak of bytes handed out of arenas (live and cached).", peak_bytes },
	{ "liballoc_handed_bytes", OM_GAUGE, "bytes", "Bytes handed out of arenas now (live and cached).", handed_bytes },
	{ "liballoc_mapped_bytes", OM_GAUGE, "bytes", "Address space reserved from the kernel.", mapped_bytes },
	{ "liballoc_active_bytes", OM_GAUGE, "bytes", "Pages in use by slabs and large blocks.", active_bytes },
	{ "liballoc_resident_bytes", OM_GAUGE, "bytes", "Estimated resident bytes (active plus dirty).", resident_bytes },
	{ "liballoc_dirty_bytes", OM_GAUGE, "bytes", "Freed pages not yet returned to the kernel.", dirty_bytes },
	{ "liballoc_metadata_bytes", OM_GAUGE, "bytes", "The allocator's own metadata.", metadata_bytes },
	{ "liballoc_purged_bytes", OM_COUNTER, "bytes", "Bytes returned to the kernel with madvise.", purged_bytes },
	{ "liballoc_madvise_calls", OM_COUNTER, NULL, "madvise calls made to return memory.", madvise_calls },
	{ "liballoc_purge_runs", OM_COUNTER, NULL, "Purge passes.", purge_runs },
	{ "liballoc_kernel_mappings", OM_GAUGE, NULL, "Kernel memory mappings held.", kernel_mappings },
	{ "liballoc_reservations", OM_GAUGE, NULL, "Address-space reservations held.", reservations },
	{ "liballoc_threads", OM_GAUGE, NULL, "Live threads that have used the allocator.", threads_live },
	{ "liballoc_threads_created", OM_COUNTER, NULL, "Threads that have used the allocator.", threads_created },
	{ "liballoc_events", OM_COUNTER, NULL, "Events written to the segment's event ring.", events_total },
	{ "liballoc_redzone_bytes", OM_GAUGE, "bytes", "Applied redzone size (0 = off).", redzone_bytes },
	{ "liballoc_quarantine_bytes", OM_GAUGE, "bytes", "Applied quarantine limit (0 = off).", quarantine_bytes },
	{ "liballoc_control_requests_pending", OM_GAUGE, NULL, "Control requests not yet applied.", requests_pending },
};

/* --- per class, arena, band, violation kind ------------------------------ */

enum table_metric {
	CLASS_LIVE_OBJECTS, CLASS_LIVE_BYTES, CLASS_ALLOCS, CLASS_FREES, CLASS_CACHED,
	CLASS_SLABS, CLASS_UTILISATION,
	ARENA_THREADS, ARENA_LIVE_BYTES, ARENA_LARGE_BYTES, ARENA_LOCKS, ARENA_CONTENDED,
	ARENA_SLABS,
	BAND_COUNT, BAND_BYTES, BAND_ALLOCS,
	VIOLATIONS,
};

struct table_family {
	const char *name;
	enum om_type type;
	const char *unit;
	const char *help;
	enum table_metric metric;
};

static const struct table_family table_families[] = {
	{ "liballoc_class_live_objects", OM_GAUGE, NULL, "Live objects per size class.", CLASS_LIVE_OBJECTS },
	{ "liballoc_class_live_bytes", OM_GAUGE, "bytes", "Live bytes per size class.", CLASS_LIVE_BYTES },
	{ "liballoc_class_allocations", OM_COUNTER, NULL, "Allocations per size class.", CLASS_ALLOCS },
	{ "liballoc_class_frees", OM_COUNTER, NULL, "Frees per size class.", CLASS_FREES },
	{ "liballoc_class_cached_objects", OM_GAUGE, NULL, "Objects held in thread caches per size class.", CLASS_CACHED },
	{ "liballoc_class_slabs", OM_GAUGE, NULL, "Slabs held per size class.", CLASS_SLABS },
	{ "liballoc_class_utilisation_ratio", OM_GAUGE, "ratio", "Fraction of slab slots handed out per size class.", CLASS_UTILISATION },
	{ "liballoc_arena_threads", OM_GAUGE, NULL, "Threads assigned per arena.", ARENA_THREADS },
	{ "liballoc_arena_live_bytes", OM_GAUGE, "bytes", "Small bytes handed out per arena.", ARENA_LIVE_BYTES },
	{ "liballoc_arena_large_bytes", OM_GAUGE, "bytes", "Large bytes allocated by threads of each arena.", ARENA_LARGE_BYTES },
	{ "liballoc_arena_lock_acquisitions", OM_COUNTER, NULL, "Arena lock acquisitions.", ARENA_LOCKS },
	{ "liballoc_arena_lock_contended", OM_COUNTER, NULL, "Arena lock acquisitions that had to wait.", ARENA_CONTENDED },
	{ "liballoc_arena_slabs", OM_GAUGE, NULL, "Slabs held per arena.", ARENA_SLABS },
	{ "liballoc_large_band_allocations", OM_GAUGE, NULL, "Live large allocations per power-of-two band (label band = lower bound in bytes).", BAND_COUNT },
	{ "liballoc_large_band_bytes", OM_GAUGE, "bytes", "Live large bytes per power-of-two band.", BAND_BYTES },
	{ "liballoc_large_band_allocs", OM_COUNTER, NULL, "Large allocations ever made per band.", BAND_ALLOCS },
	{ "liballoc_violations", OM_COUNTER, NULL, "Debug-check violations by kind.", VIOLATIONS },
};

static void table_samples(FILE *out, const struct table_family *f, const struct as_snapshot *s)
{
	enum table_metric m = f->metric;
	if (m <= CLASS_UTILISATION) {
		for (uint32_t c = 0; c < s->nclasses; c++) {
			const struct as_class_info *k = &s->classes[c];
			sample_start(out, f->name, f->type, s);
			fprintf(out, ",class=\"%u\",size=\"%" PRIu64 "\"", c, k->size);
			if (m == CLASS_UTILISATION) {
				fprintf(out, "} %.6g\n", isfinite(k->utilisation) ? k->utilisation : 0.0);
				continue;
			}
			sample_u64(out, m == CLASS_LIVE_OBJECTS ? k->live_objects
				      : m == CLASS_LIVE_BYTES ? k->live_bytes
				      : m == CLASS_ALLOCS ? k->alloc_total
				      : m == CLASS_FREES ? k->free_total
				      : m == CLASS_CACHED ? k->cached_objects : k->slabs);
		}
	} else if (m <= ARENA_SLABS) {
		for (uint32_t a = 0; a < s->narenas; a++) {
			const struct las_arena *r = &s->arenas[a];
			sample_start(out, f->name, f->type, s);
			fprintf(out, ",arena=\"%u\"", a);
			sample_u64(out, m == ARENA_THREADS ? r->threads
				      : m == ARENA_LIVE_BYTES ? r->handed_bytes
				      : m == ARENA_LARGE_BYTES ? r->large_bytes
				      : m == ARENA_LOCKS ? r->lock_acquisitions
				      : m == ARENA_CONTENDED ? r->lock_contended : r->slabs);
		}
	} else if (m <= BAND_ALLOCS) {
		for (int b = 0; b < LAS_LARGE_BANDS; b++) {
			const struct las_large_band *l = &s->large[b];
			if (!l->count && !l->bytes && !l->total_allocs)
				continue;
			sample_start(out, f->name, f->type, s);
			fprintf(out, ",band=\"%" PRIu64 "\"", (uint64_t)1 << b);
			sample_u64(out, m == BAND_COUNT ? l->count
				      : m == BAND_BYTES ? l->bytes : l->total_allocs);
		}
	} else {
		for (uint32_t k = 1; k < LAS_EV_KIND_COUNT && k < LAS_EV_COUNTERS; k++) {
			sample_start(out, f->name, f->type, s);
			fprintf(out, ",kind=\"%s\"", as_event_kind_name(k));
			sample_u64(out, s->globals.violations[k]);
		}
	}
}

void dump_openmetrics(FILE *out, const struct dump_item *items, size_t n)
{
	family(out, "liballoc_version", OM_GAUGE, NULL,
	       "Always 1; labels give the liballoc version and stats ABI of the process.");
	for (size_t i = 0; i < n; i++) {
		const struct as_snapshot *s = items[i].snap;
		sample_start(out, "liballoc_version", OM_GAUGE, s);
		fputs(",version=", out);
		put_label_value(out, s->version);
		fprintf(out, ",abi=\"%u.%u\"} 1\n", s->abi_major, s->abi_minor);
	}
	for (size_t f = 0; f < sizeof(scalars) / sizeof(scalars[0]); f++) {
		const struct scalar_family *sf = &scalars[f];
		family(out, sf->name, sf->type, sf->unit, sf->help);
		for (size_t i = 0; i < n; i++) {
			sample_start(out, sf->name, sf->type, items[i].snap);
			sample_u64(out, sf->get(items[i].snap));
		}
	}
	for (size_t f = 0; f < sizeof(table_families) / sizeof(table_families[0]); f++) {
		const struct table_family *tf = &table_families[f];
		family(out, tf->name, tf->type, tf->unit, tf->help);
		for (size_t i = 0; i < n; i++)
			table_samples(out, tf, items[i].snap);
	}
	fputs("# EOF\n", out);
}
