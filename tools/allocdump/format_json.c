/*
 * format_json.c - allocdump --json: one compact JSON document per round
 * (schema in allocdump(1)). Numbers are exact integers; only ratios and
 * rates are floating point.
 */
#include <inttypes.h>
#include <math.h>

#include "dump.h"

/* A minimal streaming writer: tracks whether a comma is due per level. */
struct jw {
	FILE *out;
	int depth;
	int need_comma[16];
};

static void jw_sep(struct jw *w, const char *key)
{
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = 1;
	if (key) {
		put_json_string(w->out, key);
		fputc(':', w->out);
	}
}

static void jw_open(struct jw *w, const char *key, char bracket)
{
	jw_sep(w, key);
	fputc(bracket, w->out);
	w->need_comma[++w->depth] = 0;
}

static void jw_close(struct jw *w, char bracket)
{
	fputc(bracket, w->out);
	w->depth--;
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_sep(w, key);
	fprintf(w->out, "%" PRIu64, v);
}

static void jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_sep(w, key);
	fprintf(w->out, "%" PRId64, v);
}

static void jw_num(struct jw *w, const char *key, double v)
{
	jw_sep(w, key);
	fprintf(w->out, "%.6g", isfinite(v) ? v : 0.0);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_sep(w, key);
	put_json_string(w->out, s);
}

/* A string the kernel may not have told: null when unknown. */
static void jw_str_or_null(struct jw *w, const char *key, const char *s, int known)
{
	jw_sep(w, key);
	if (known)
		put_json_string(w->out, s);
	else
		fputs("null", w->out);
}

static void jw_bool(struct jw *w, const char *key, int v)
{
	jw_sep(w, key);
	fputs(v ? "true" : "false", w->out);
}

static const char *const junk_names[] = { "off", "alloc", "free", "both" };
static const char *const onerr_names[] = { "abort", "report", "ignore" };

static void checks(struct jw *w, const char *key, const struct las_checks *c)
{
	jw_open(w, key, '{');
	jw_str(w, "junk", c->junk < 4 ? junk_names[c->junk] : "unknown");
	jw_u64(w, "redzone", c->redzone);
	jw_bool(w, "check_free", c->check_free != 0);
	jw_str(w, "on_error", c->on_error < 3 ? onerr_names[c->on_error] : "unknown");
	jw_u64(w, "quarantine", c->quarantine);
	jw_u64(w, "quarantine_blocks", c->quarantine_blocks);
	jw_bool(w, "backtrace", c->backtrace != 0);
	jw_bool(w, "track", c->track != 0);
	jw_u64(w, "guard_sample", c->guard_sample);
	jw_u64(w, "guard_lower", c->guard_lower);
	jw_close(w, '}');
}

static void totals(struct jw *w, const struct as_snapshot *s)
{
	const struct as_totals *t = &s->totals;
	const struct las_globals *g = &s->globals;
	jw_open(w, "totals", '{');
	jw_u64(w, "live_bytes", t->live_bytes);
	jw_u64(w, "small_live_bytes", t->small_live_bytes);
	jw_u64(w, "large_live_bytes", t->large_live_bytes);
	jw_u64(w, "live_allocs", t->live_allocs);
	jw_u64(w, "alloc_count", t->alloc_count);
	jw_u64(w, "free_count", t->free_count);
	jw_u64(w, "alloc_bytes", t->alloc_bytes);
	jw_u64(w, "free_bytes", t->free_bytes);
	jw_u64(w, "requested_bytes", t->requested_bytes);
	jw_u64(w, "cached_bytes", t->cached_bytes);
	jw_u64(w, "peak_bytes", g->peak_handed_bytes);
	jw_u64(w, "handed_bytes", g->handed_bytes);
	jw_u64(w, "mapped_bytes", g->mapped_bytes);
	jw_u64(w, "active_bytes", g->active_bytes);
	jw_u64(w, "resident_bytes", g->resident_bytes);
	jw_u64(w, "dirty_bytes", g->dirty_bytes);
	jw_u64(w, "purged_bytes", g->purged_bytes);
	jw_u64(w, "madvise_calls", g->madvise_calls);
	jw_u64(w, "purge_runs", g->purge_runs);
	jw_u64(w, "metadata_bytes", g->metadata_bytes);
	jw_u64(w, "kernel_mappings", g->kernel_mappings);
	jw_u64(w, "reservations", g->reservations);
	jw_u64(w, "threads_live", t->threads_live);
	jw_u64(w, "threads_created", g->threads_created);
	jw_u64(w, "violations", t->violations_total);
	jw_close(w, '}');
	jw_open(w, "guard", '{');
	jw_u64(w, "slots", g->guard_slots);
	jw_u64(w, "slot_bytes", g->guard_slot_bytes);
	jw_u64(w, "pool_bytes", g->guard_pool_bytes);
	jw_u64(w, "live", g->guard_live);
	jw_u64(w, "live_bytes", g->guard_live_bytes);
	jw_u64(w, "allocs", g->guard_allocs);
	jw_u64(w, "full", g->guard_full);
	jw_u64(w, "faults", g->guard_faults);
	jw_close(w, '}');
}

static void tables(struct jw *w, const struct as_snapshot *s)
{
	jw_open(w, "classes", '[');
	for (uint32_t c = 0; c < s->nclasses; c++) {
		const struct as_class_info *k = &s->classes[c];
		jw_open(w, NULL, '{');
		jw_u64(w, "index", k->index);
		jw_u64(w, "size", k->size);
		jw_u64(w, "live_objects", k->live_objects);
		jw_u64(w, "live_bytes", k->live_bytes);
		jw_u64(w, "alloc_total", k->alloc_total);
		jw_u64(w, "free_total", k->free_total);
		jw_u64(w, "cached_objects", k->cached_objects);
		jw_u64(w, "slabs", k->slabs);
		jw_u64(w, "slab_size", k->slab_size);
		jw_u64(w, "objs_per_slab", k->objs_per_slab);
		jw_num(w, "utilisation", k->utilisation);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "arenas", '[');
	for (uint32_t a = 0; a < s->narenas; a++) {
		const struct las_arena *r = &s->arenas[a];
		jw_open(w, NULL, '{');
		jw_u64(w, "index", a);
		jw_bool(w, "debug", a + 1 == s->narenas);
		jw_u64(w, "threads", r->threads);
		jw_u64(w, "live_bytes", r->handed_bytes);
		jw_u64(w, "large_bytes", r->large_bytes);
		jw_u64(w, "lock_acquisitions", r->lock_acquisitions);
		jw_u64(w, "lock_contended", r->lock_contended);
		jw_u64(w, "slabs", r->slabs);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "threads", '[');
	for (uint32_t i = 0; i < s->nthreads; i++) {
		const struct as_thread_info *t = &s->threads[i];
		jw_open(w, NULL, '{');
		jw_i64(w, "tid", t->tid);
		jw_str(w, "state", t->state == LAS_SLOT_RETIRED ? "retired" : "live");
		jw_str(w, "name", t->name);
		jw_u64(w, "arena", t->arena);
		jw_u64(w, "alloc_count", t->alloc_count);
		jw_u64(w, "free_count", t->free_count);
		jw_u64(w, "alloc_bytes", t->alloc_bytes);
		jw_u64(w, "free_bytes", t->free_bytes);
		jw_u64(w, "requested_bytes", t->requested_bytes);
		jw_u64(w, "large_alloc_count", t->large_alloc_count);
		jw_u64(w, "large_free_count", t->large_free_count);
		jw_u64(w, "cache_objects", t->cache_objects);
		jw_u64(w, "cache_bytes", t->cache_bytes);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_open(w, "large", '[');
	for (int b = 0; b < LAS_LARGE_BANDS; b++) {
		const struct las_large_band *l = &s->large[b];
		if (!l->count && !l->bytes && !l->total_allocs)
			continue;
		jw_open(w, NULL, '{');
		jw_u64(w, "band", (uint64_t)b);
		jw_u64(w, "min_size", (uint64_t)1 << b);
		jw_u64(w, "count", l->count);
		jw_u64(w, "bytes", l->bytes);
		jw_u64(w, "total_allocs", l->total_allocs);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void events(struct jw *w, const struct as_snapshot *s)
{
	jw_open(w, "violations", '{');
	for (uint32_t k = 1; k < LAS_EV_KIND_COUNT; k++)
		jw_u64(w, as_event_kind_name(k), las_violations_of(&s->globals, k));
	jw_close(w, '}');
	jw_u64(w, "events_total", s->events_head);
	jw_open(w, "events", '[');
	for (uint32_t i = 0; i < s->nevents; i++) {
		const struct las_event *e = &s->events[i];
		jw_open(w, NULL, '{');
		jw_u64(w, "seq", e->seq / 2 - 1);
		jw_u64(w, "time_ns", e->time_ns);
		jw_str(w, "kind", as_event_kind_name(e->kind));
		jw_i64(w, "tid", e->tid);
		jw_u64(w, "addr", e->addr);
		jw_u64(w, "size", e->size);
		jw_u64(w, "size_class", e->size_class);
		jw_str(w, "detail", e->detail);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void rates(struct jw *w, const struct as_rates *r)
{
	jw_open(w, "rates", '{');
	jw_num(w, "seconds", r->seconds);
	jw_num(w, "allocs_per_sec", r->allocs_per_sec);
	jw_num(w, "frees_per_sec", r->frees_per_sec);
	jw_num(w, "alloc_bytes_per_sec", r->alloc_bytes_per_sec);
	jw_num(w, "free_bytes_per_sec", r->free_bytes_per_sec);
	jw_num(w, "madvise_per_sec", r->madvise_per_sec);
	jw_num(w, "purged_bytes_per_sec", r->purged_bytes_per_sec);
	jw_close(w, '}');
}

static void document(struct jw *w, const struct dump_item *it)
{
	const struct as_snapshot *s = it->snap;
	jw_open(w, NULL, '{');
	jw_i64(w, "pid", s->pid);
	/* identity from the kernel (null where it could not be read) */
	jw_str_or_null(w, "exe", s->exe, (s->identity & AS_ID_EXE) != 0);
	jw_str_or_null(w, "exe_path", s->exe_path, (s->identity & AS_ID_EXE) != 0);
	jw_str_or_null(w, "comm", s->comm, (s->identity & AS_ID_COMM) != 0);
	jw_str_or_null(w, "cmdline", s->cmdline, (s->identity & AS_ID_CMDLINE) != 0);
	jw_sep(w, "uid");
	if (s->identity & AS_ID_UID)
		fprintf(w->out, "%u", s->uid);
	else
		fputs("null", w->out);
	/* what the segment says about itself */
	jw_str(w, "reported_exe", s->reported_exe);
	jw_str(w, "reported_cmdline", s->reported_cmdline);
	jw_u64(w, "reported_uid", s->reported_uid);
	jw_str(w, "version", s->version);
	char abi[16];
	snprintf(abi, sizeof(abi), "%u.%u", s->abi_major, s->abi_minor);
	jw_str(w, "abi", abi);
	jw_u64(w, "abi_major", s->abi_major);
	jw_u64(w, "abi_minor", s->abi_minor);
	jw_u64(w, "start_time_ticks", s->start_time_ticks);
	jw_u64(w, "created_unix_ns", s->created_unix_ns);
	jw_u64(w, "update_seq", s->update_seq);
	jw_str(w, "conf", s->conf);
	jw_str(w, "segment", it->path ? it->path : "");
	jw_u64(w, "segment_size", s->segment_size);
	jw_u64(w, "unstable_records", s->unstable_records);
	jw_u64(w, "threads_unread", s->threads_unread);
	jw_u64(w, "arenas_unread", s->arenas_unread);
	totals(w, s);
	tables(w, s);
	events(w, s);
	jw_open(w, "checks", '{');
	checks(w, "requested", &s->control.requested);
	checks(w, "applied", &s->control.applied);
	jw_u64(w, "request_gen", s->control.request_gen);
	jw_u64(w, "applied_gen", s->control.applied_gen);
	jw_u64(w, "gate", s->control.gate);
	jw_close(w, '}');
	if (it->rates)
		rates(w, it->rates);
	jw_close(w, '}');
}

void dump_json(FILE *out, const struct dump_item *items, size_t n, int as_array)
{
	struct jw w = { .out = out };
	if (as_array)
		jw_open(&w, NULL, '[');
	for (size_t i = 0; i < n; i++)
		document(&w, &items[i]);
	if (as_array)
		jw_close(&w, ']');
	fputc('\n', out);
}
