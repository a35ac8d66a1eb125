/*
 * format_metrics.c - allocdump --prometheus, --openmetrics and the --listen
 * endpoint: one exposition of every process given, in the Prometheus text
 * format (what node_exporter's textfile collector and promtool read) or in
 * OpenMetrics.
 *
 * Series identity is the executable: the processes with the same exe label
 * are summed into one series, so a restart continues a series instead of
 * starting new ones and a fleet has as many series as it has programs.
 * With per_pid every process is its own series with a pid label (for
 * looking at one machine, not for long-term storage).
 *
 * Names follow Prometheus' conventions: base units in the name (_bytes,
 * _seconds, _ratio), _total on counter samples, the version as
 * liballoc_build_info{...} 1 (a gauge: Prometheus' text format has no info
 * type). The dialects differ only in metadata: OpenMetrics names a counter
 * family without _total, adds # UNIT and ends in # EOF; the text format
 * names it with _total and has neither. No timestamps, no _created.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vocab.h"
#include "dump.h"

enum mtype { GAUGE, COUNTER };

/* One process, with its exe label value already escaped (and quoted): two
 * raw names that escape alike must land in the same series. */
struct member {
	const struct as_snapshot *s;
	char exe[3 * LAS_EXE_LEN + 8];
};

struct writer {
	FILE *out;
	int openmetrics;
	int per_pid;
	struct member *m; /* sorted by exe label, then pid */
	size_t n;
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* End (exclusive) of the series group starting at member i. */
static size_t group_end(const struct writer *w, size_t i)
{
	size_t j = i + 1;
	if (!w->per_pid)
		while (j < w->n && !strcmp(w->m[j].exe, w->m[i].exe))
			j++;
	return j;
}

static void family(const struct writer *w, const char *name, enum mtype type, const char *unit,
		   const char *help)
{
	const char *suffix = type == COUNTER && !w->openmetrics ? "_total" : "";
	fprintf(w->out, "# HELP %s%s %s\n", name, suffix, help);
	fprintf(w->out, "# TYPE %s%s %s\n", name, suffix, type == COUNTER ? "counter" : "gauge");
	if (unit && w->openmetrics)
		fprintf(w->out, "# UNIT %s %s\n", name, unit);
}

/* name{exe=".."[,pid=".."] - the caller adds labels and "} value" */
static void sample_start(const struct writer *w, const char *name, enum mtype type, size_t i)
{
	fprintf(w->out, "%s%s{exe=%s", name, type == COUNTER ? "_total" : "", w->m[i].exe);
	if (w->per_pid)
		fprintf(w->out, ",pid=\"%d\"", (int)w->m[i].s->pid);
}

static void sample_u64(const struct writer *w, uint64_t v)
{
	fprintf(w->out, "} %" PRIu64 "\n", v);
}

/* --- process-wide values --------------------------------------------------- */

typedef uint64_t (*scalar_fn)(const struct as_snapshot *s);

#define SCALAR(fn, expr) \
	static uint64_t fn(const struct as_snapshot *s) { (void)s; return (expr); }
SCALAR(one, 1)
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
SCALAR(handed_bytes, s->globals.handed_bytes)
SCALAR(handed_peak_bytes, s->globals.peak_handed_bytes)
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
SCALAR(events_written, s->events_head)
SCALAR(config_changes, s->globals.violations[LAS_EV_CONF_CHANGE])
SCALAR(quarantine_limit_bytes, s->control.applied.quarantine)
SCALAR(quarantine_limit_blocks, s->control.applied.quarantine_blocks)
SCALAR(guard_slots, s->globals.guard_slots)
SCALAR(guard_live, s->globals.guard_live)
SCALAR(guard_allocs, s->globals.guard_allocs)
SCALAR(guard_faults, s->globals.guard_faults)
SCALAR(requests_pending, s->control.request_gen > s->control.applied_gen ? s->control.request_gen - s->control.applied_gen : 0)

struct scalar_family {
	const char *name; /* counters without _total */
	enum mtype type;
	const char *unit;
	const char *help;
	scalar_fn get;
};

static const struct scalar_family scalars[] = {
	{ "liballoc_processes", GAUGE, NULL, "Processes summed into the series (1 with --per-pid).", one },
	{ "liballoc_live_bytes", GAUGE, "bytes", "Usable bytes in live allocations.", live_bytes },
	{ "liballoc_small_live_bytes", GAUGE, "bytes", "Usable bytes in live small (size-class) allocations.", small_live_bytes },
	{ "liballoc_large_live_bytes", GAUGE, "bytes", "Bytes in live large allocations.", large_live_bytes },
	{ "liballoc_live_allocations", GAUGE, NULL, "Live allocations.", live_allocs },
	{ "liballoc_allocations", COUNTER, NULL, "Allocations since the process started.", alloc_count },
	{ "liballoc_frees", COUNTER, NULL, "Frees since the process started.", free_count },
	{ "liballoc_allocated_bytes", COUNTER, "bytes", "Usable bytes allocated since the process started.", alloc_bytes },
	{ "liballoc_freed_bytes", COUNTER, "bytes", "Usable bytes freed since the process started.", free_bytes },
	{ "liballoc_requested_bytes", COUNTER, "bytes", "Bytes requested by large and debug-layout allocations since the process started.", requested_bytes },
	{ "liballoc_cached_bytes", GAUGE, "bytes", "Bytes held in thread caches.", cached_bytes },
	{ "liballoc_handed_bytes", GAUGE, "bytes", "Bytes handed out of arenas now (live and thread-cached).", handed_bytes },
	{ "liballoc_handed_peak_bytes", GAUGE, "bytes", "Peak of the bytes handed out of arenas (summed over processes: the sum of their peaks).", handed_peak_bytes },
	{ "liballoc_mapped_bytes", GAUGE, "bytes", "Address space reserved from the kernel.", mapped_bytes },
	{ "liballoc_active_bytes", GAUGE, "bytes", "Pages in use by slabs and large blocks.", active_bytes },
	{ "liballoc_resident_bytes", GAUGE, "bytes", "Estimated resident bytes (active plus dirty).", resident_bytes },
	{ "liballoc_dirty_bytes", GAUGE, "bytes", "Freed pages not yet returned to the kernel.", dirty_bytes },
	{ "liballoc_metadata_bytes", GAUGE, "bytes", "The allocator's own metadata.", metadata_bytes },
	{ "liballoc_purged_bytes", COUNTER, "bytes", "Bytes returned to the kernel with madvise.", purged_bytes },
	{ "liballoc_madvise_calls", COUNTER, NULL, "madvise calls made to return memory.", madvise_calls },
	{ "liballoc_purge_runs", COUNTER, NULL, "Purge passes.", purge_runs },
	{ "liballoc_kernel_mappings", GAUGE, NULL, "Kernel memory mappings held.", kernel_mappings },
	{ "liballoc_reservations", GAUGE, NULL, "Address-space reservations held.", reservations },
	{ "liballoc_threads", GAUGE, NULL, "Live threads that have used the allocator.", threads_live },
	{ "liballoc_threads_started", COUNTER, NULL, "Threads that have used the allocator since the process started.", threads_created },
	{ "liballoc_events", COUNTER, NULL, "Events written to the event ring (violations and configuration changes).", events_written },
	{ "liballoc_config_changes", COUNTER, NULL, "Debug-check configuration changes applied (not violations).", config_changes },
	{ "liballoc_quarantine_limit_bytes", GAUGE, "bytes", "Applied quarantine limit (0 = off).", quarantine_limit_bytes },
	{ "liballoc_quarantine_limit_blocks", GAUGE, NULL, "Applied quarantine block limit (in force while the quarantine is on).", quarantine_limit_blocks },
	{ "liballoc_guard_slots", GAUGE, NULL, "Slots of the guarded pool (0 = no pool).", guard_slots },
	{ "liballoc_guard_live_allocations", GAUGE, NULL, "Guarded allocations live now.", guard_live },
	{ "liballoc_guard_allocations", COUNTER, NULL, "Guarded allocations since the process started.", guard_allocs },
	{ "liballoc_guard_faults", COUNTER, NULL, "Faults in the guarded pool reported as violations.", guard_faults },
	{ "liballoc_control_requests_pending", GAUGE, NULL, "Control requests not yet applied.", requests_pending },
};

static void scalar_samples(const struct writer *w, const struct scalar_family *f)
{
	for (size_t i = 0, e; i < w->n; i = e) {
		e = group_end(w, i);
		uint64_t v = 0;
		for (size_t j = i; j < e; j++)
			v = sat_add(v, f->get(w->m[j].s));
		sample_start(w, f->name, f->type, i);
		sample_u64(w, v);
	}
}

/* --- per check, violation kind, class, arena, band ------------------------- */

enum table {
	T_CHECKS, T_VIOLATIONS,
	T_CLASS_LIVE_ALLOCS, T_CLASS_LIVE_BYTES, T_CLASS_ALLOCS, T_CLASS_FREES, T_CLASS_CACHED,
	T_CLASS_SLABS, T_CLASS_UTILISATION,
	T_ARENA_THREADS, T_ARENA_LIVE_BYTES, T_ARENA_LARGE_BYTES, T_ARENA_LOCKS, T_ARENA_CONTENDED,
	T_ARENA_SLABS,
	T_BAND_LIVE_ALLOCS, T_BAND_LIVE_BYTES, T_BAND_ALLOCS,
};

struct table_family {
	const char *name;
	enum mtype type;
	const char *unit;
	const char *help;
	enum table t;
};

static const struct table_family tables[] = {
	{ "liballoc_checks_applied", GAUGE, NULL, "Processes with this debug check applied (label check).", T_CHECKS },
	{ "liballoc_violations", COUNTER, NULL, "Debug-check violations by kind (configuration changes are not counted here).", T_VIOLATIONS },
	{ "liballoc_class_live_allocations", GAUGE, NULL, "Live allocations per size class.", T_CLASS_LIVE_ALLOCS },
	{ "liballoc_class_live_bytes", GAUGE, "bytes", "Live bytes per size class.", T_CLASS_LIVE_BYTES },
	{ "liballoc_class_allocations", COUNTER, NULL, "Allocations per size class.", T_CLASS_ALLOCS },
	{ "liballoc_class_frees", COUNTER, NULL, "Frees per size class.", T_CLASS_FREES },
	{ "liballoc_class_cached_objects", GAUGE, NULL, "Free objects held in thread caches per size class.", T_CLASS_CACHED },
	{ "liballoc_class_slabs", GAUGE, NULL, "Slabs held per size class.", T_CLASS_SLABS },
	{ "liballoc_class_utilisation_ratio", GAUGE, "ratio", "Fraction of slab slots handed out per size class.", T_CLASS_UTILISATION },
	{ "liballoc_arena_threads", GAUGE, NULL, "Threads assigned per arena.", T_ARENA_THREADS },
	{ "liballoc_arena_live_bytes", GAUGE, "bytes", "Small bytes handed out per arena.", T_ARENA_LIVE_BYTES },
	{ "liballoc_arena_large_bytes", GAUGE, "bytes", "Large bytes allocated by the threads of each arena.", T_ARENA_LARGE_BYTES },
	{ "liballoc_arena_lock_acquisitions", COUNTER, NULL, "Arena lock acquisitions.", T_ARENA_LOCKS },
	{ "liballoc_arena_lock_contentions", COUNTER, NULL, "Arena lock acquisitions that had to wait.", T_ARENA_CONTENDED },
	{ "liballoc_arena_slabs", GAUGE, NULL, "Slabs held per arena.", T_ARENA_SLABS },
	{ "liballoc_large_band_live_allocations", GAUGE, NULL, "Live large allocations per power-of-two size band (label band: its lower bound in bytes).", T_BAND_LIVE_ALLOCS },
	{ "liballoc_large_band_live_bytes", GAUGE, "bytes", "Live large bytes per power-of-two size band.", T_BAND_LIVE_BYTES },
	{ "liballoc_large_band_allocations", COUNTER, NULL, "Large allocations per power-of-two size band since the process started.", T_BAND_ALLOCS },
};

static const char *const check_names[] = { "junk", "redzone", "check_free", "quarantine", "track" };

static int check_applied(const struct las_checks *c, size_t k)
{
	switch (k) {
	case 0: return c->junk != LAS_JUNK_OFF;
	case 1: return c->redzone != 0;
	case 2: return c->check_free != 0;
	case 3: return c->quarantine != 0;
	default: return c->track != 0;
	}
}

static uint64_t class_value(enum table t, const struct as_class_info *k)
{
	switch (t) {
	case T_CLASS_LIVE_ALLOCS: return k->live_objects;
	case T_CLASS_LIVE_BYTES: return k->live_bytes;
	case T_CLASS_ALLOCS: return k->alloc_total;
	case T_CLASS_FREES: return k->free_total;
	case T_CLASS_CACHED: return k->cached_objects;
	default: return k->slabs;
	}
}

static uint64_t arena_value(enum table t, const struct las_arena *r)
{
	switch (t) {
	case T_ARENA_THREADS: return r->threads;
	case T_ARENA_LIVE_BYTES: return r->handed_bytes;
	case T_ARENA_LARGE_BYTES: return r->large_bytes;
	case T_ARENA_LOCKS: return r->lock_acquisitions;
	case T_ARENA_CONTENDED: return r->lock_contended;
	default: return r->slabs;
	}
}

static uint64_t band_value(enum table t, const struct las_large_band *l)
{
	return t == T_BAND_LIVE_ALLOCS ? l->count : t == T_BAND_LIVE_BYTES ? l->bytes : l->total_allocs;
}

/* Classes of group [i, e): those of its first process; another process adds
 * to class c only when its class c has the same size (same liballoc build). */
static void class_samples(const struct writer *w, const struct table_family *f, size_t i, size_t e)
{
	const struct as_snapshot *ref = w->m[i].s;
	for (uint32_t c = 0; c < ref->nclasses; c++) {
		uint64_t size = ref->classes[c].size, v = 0;
		double handed = 0, slots = 0;
		for (size_t j = i; j < e; j++) {
			const struct as_snapshot *s = w->m[j].s;
			if (c >= s->nclasses || s->classes[c].size != size)
				continue;
			const struct as_class_info *k = &s->classes[c];
			double n = (double)k->slabs * k->objs_per_slab;
			if (isfinite(k->utilisation))
				handed += k->utilisation * n;
			slots += n;
			v = sat_add(v, class_value(f->t, k));
		}
		sample_start(w, f->name, f->type, i);
		fprintf(w->out, ",class=\"%u\",size=\"%" PRIu64 "\"", c, size);
		if (f->t == T_CLASS_UTILISATION)
			fprintf(w->out, "} %.6g\n", slots > 0 ? handed / slots : 0.0);
		else
			sample_u64(w, v);
	}
}

static void table_samples(const struct writer *w, const struct table_family *f)
{
	for (size_t i = 0, e; i < w->n; i = e) {
		e = group_end(w, i);
		if (f->t == T_CHECKS) {
			for (size_t k = 0; k < sizeof(check_names) / sizeof(check_names[0]); k++) {
				uint64_t v = 0;
				for (size_t j = i; j < e; j++)
					v += (uint64_t)check_applied(&w->m[j].s->control.applied, k);
				sample_start(w, f->name, f->type, i);
				fprintf(w->out, ",check=\"%s\"", check_names[k]);
				sample_u64(w, v);
			}
		} else if (f->t == T_VIOLATIONS) {
			for (uint32_t k = 0; k < LAS_EV_KIND_COUNT; k++) {
				if (!las_event_is_violation(k))
					continue;
				uint64_t v = 0;
				for (size_t j = i; j < e; j++)
					v = sat_add(v, las_violations_of(&w->m[j].s->globals, k));
				sample_start(w, f->name, f->type, i);
				fprintf(w->out, ",kind=\"%s\"", as_event_kind_name(k));
				sample_u64(w, v);
			}
		} else if (f->t <= T_CLASS_UTILISATION) {
			class_samples(w, f, i, e);
		} else if (f->t <= T_ARENA_SLABS) {
			uint32_t narenas = 0;
			for (size_t j = i; j < e; j++)
				if (w->m[j].s->narenas > narenas)
					narenas = w->m[j].s->narenas;
			for (uint32_t a = 0; a < narenas; a++) {
				uint64_t v = 0;
				for (size_t j = i; j < e; j++)
					if (a < w->m[j].s->narenas)
						v = sat_add(v, arena_value(f->t, &w->m[j].s->arenas[a]));
				sample_start(w, f->name, f->type, i);
				fprintf(w->out, ",arena=\"%u\"", a);
				sample_u64(w, v);
			}
		} else {
			for (int b = 0; b < LAS_LARGE_BANDS; b++) {
				int used = 0;
				uint64_t v = 0;
				for (size_t j = i; j < e; j++) {
					const struct las_large_band *l = &w->m[j].s->large[b];
					used |= l->count || l->bytes || l->total_allocs;
					v = sat_add(v, band_value(f->t, l));
				}
				if (!used)
					continue;
				sample_start(w, f->name, f->type, i);
				fprintf(w->out, ",band=\"%" PRIu64 "\"", (uint64_t)1 << b);
				sample_u64(w, v);
			}
		}
	}
}

/* --- identity ---------------------------------------------------------------- */

/* One sample per distinct version and ABI in each group. */
static void build_info(const struct writer *w)
{
	family(w, "liballoc_build_info", GAUGE, NULL,
	       "Always 1; labels give the liballoc version and stats ABI of the processes.");
	for (size_t i = 0, e; i < w->n; i = e) {
		e = group_end(w, i);
		for (size_t j = i; j < e; j++) {
			const struct as_snapshot *s = w->m[j].s;
			int seen = 0;
			for (size_t k = i; k < j && !seen; k++) {
				const struct as_snapshot *t = w->m[k].s;
				seen = !strcmp(t->version, s->version) && t->abi_major == s->abi_major &&
				       t->abi_minor == s->abi_minor;
			}
			if (seen)
				continue;
			sample_start(w, "liballoc_build_info", GAUGE, i);
			fputs(",version=", w->out);
			put_label_value(w->out, s->version);
			fprintf(w->out, ",abi=\"%u.%u\"} 1\n", s->abi_major, s->abi_minor);
		}
	}
}

static void start_times(const struct writer *w)
{
	family(w, "liballoc_process_start_time_seconds", GAUGE, "seconds",
	       "When the process created its stats segment, in seconds since the Unix epoch.");
	for (size_t i = 0; i < w->n; i++) {
		sample_start(w, "liballoc_process_start_time_seconds", GAUGE, i);
		fprintf(w->out, "} %.3f\n", (double)w->m[i].s->created_unix_ns / 1e9);
	}
}

static int by_series(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->exe, y->exe);
	if (c)
		return c;
	return (x->s->pid > y->s->pid) - (x->s->pid < y->s->pid);
}

void dump_metrics(FILE *out, const struct dump_item *items, size_t n,
		  const struct metrics_options *opt)
{
	struct writer w = { out, opt->dialect == METRICS_OPENMETRICS, opt->per_pid, NULL, 0 };
	w.m = calloc(n ? n : 1, sizeof(*w.m));
	if (!w.m) {
		/* out of memory: an exposition without samples is still valid */
		n = 0;
		w.m = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		w.m[w.n].s = items[i].snap;
		FILE *f = fmemopen(w.m[w.n].exe, sizeof(w.m[w.n].exe), "w");
		if (!f)
			continue;
		put_label_value(f, items[i].snap->exe);
		fclose(f);
		w.n++;
	}
	qsort(w.m, w.n, sizeof(*w.m), by_series);

	build_info(&w);
	if (w.per_pid)
		start_times(&w);
	for (size_t f = 0; f < sizeof(scalars) / sizeof(scalars[0]); f++) {
		family(&w, scalars[f].name, scalars[f].type, scalars[f].unit, scalars[f].help);
		scalar_samples(&w, &scalars[f]);
	}
	for (size_t f = 0; f < sizeof(tables) / sizeof(tables[0]); f++) {
		family(&w, tables[f].name, tables[f].type, tables[f].unit, tables[f].help);
		table_samples(&w, &tables[f]);
	}
	if (w.openmetrics)
		fputs("# EOF\n", out);
	free(w.m);
}

void dump_openmetrics(FILE *out, const struct dump_item *items, size_t n)
{
	struct metrics_options o = { METRICS_OPENMETRICS, 0 };
	dump_metrics(out, items, n, &o);
}
