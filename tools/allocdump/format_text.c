/*
 * format_text.c - allocdump's human-readable report and the one-line-per-
 * process list of --all. Exact integers first (scripts and tests compare
 * them), a human unit after.
 */
#include <inttypes.h>
#include <string.h>

#include "dump.h"

static void kv_bytes(FILE *out, const char *key, uint64_t v)
{
	char h[32];
	as_fmt_bytes(h, sizeof(h), (double)v);
	fprintf(out, "  %-20s %20" PRIu64 "  (%s)\n", key, v, h);
}

static void kv(FILE *out, const char *key, uint64_t v)
{
	fprintf(out, "  %-20s %20" PRIu64 "\n", key, v);
}

/* Does the segment's own account differ from what the kernel says? */
static int reported_differs(const struct as_snapshot *s)
{
	if ((s->identity & AS_ID_UID) && s->reported_uid != s->uid)
		return 1;
	if ((s->identity & AS_ID_CMDLINE) && strcmp(s->reported_cmdline, s->cmdline))
		return 1;
	if (!(s->identity & (AS_ID_EXE | AS_ID_COMM)))
		return 1;
	return strcmp(s->reported_exe, s->exe) && strcmp(s->reported_exe, s->comm);
}

static void header(FILE *out, const struct dump_item *it)
{
	const struct as_snapshot *s = it->snap;
	char name[LAS_EXE_LEN + 3];
	fprintf(out, "pid %d  exe ", s->pid);
	put_plain(out, as_snapshot_exe(s, name, sizeof(name)));
	if (s->identity & AS_ID_UID)
		fprintf(out, "  uid %u", s->uid);
	else
		fprintf(out, "  uid (%u)", s->reported_uid);
	fputs("  liballoc ", out);
	put_plain(out, s->version);
	fprintf(out, "  ABI %u.%u\n", s->abi_major, s->abi_minor);
	if (s->identity & (AS_ID_EXE | AS_ID_COMM)) {
		fputs("command   ", out);
		put_plain(out, s->comm[0] ? s->comm : "?");
		if (s->exe_path[0]) {
			fputs("  (", out);
			put_plain(out, s->exe_path);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	fputs("cmdline   ", out);
	put_plain(out, (s->identity & AS_ID_CMDLINE) ? s->cmdline : "?");
	fputc('\n', out);
	if (reported_differs(s)) {
		/* the writer's own claims: shown as such, never as the identity */
		fputs("reported  exe ", out);
		put_plain(out, s->reported_exe);
		fprintf(out, "  uid %u  cmdline ", s->reported_uid);
		put_plain(out, s->reported_cmdline);
		fputs("  (self-reported by the process)\n", out);
	}
	fputs("conf      ", out);
	put_plain(out, s->conf[0] ? s->conf : "-");
	fputc('\n', out);
	fputs("segment   ", out);
	put_plain(out, it->path ? it->path : "-");
	fprintf(out, "  (%" PRIu64 " bytes, update %" PRIu64 ")\n", s->segment_size, s->update_seq);
	if (s->unstable_records)
		fprintf(out, "note      %u records were mid-update and skipped\n",
			s->unstable_records);
	if (s->threads_unread || s->arenas_unread)
		fprintf(out, "note      another user's segment: %u thread slots and %u arenas "
			"beyond the reader's limits were not read (totals cover the rest)\n",
			s->threads_unread, s->arenas_unread);
}

static void totals(FILE *out, const struct as_snapshot *s)
{
	const struct as_totals *t = &s->totals;
	const struct las_globals *g = &s->globals;
	fputs("\nTotals\n", out);
	kv_bytes(out, "live_bytes", t->live_bytes);
	kv_bytes(out, "small_live_bytes", t->small_live_bytes);
	kv_bytes(out, "large_live_bytes", t->large_live_bytes);
	kv(out, "live_allocs", t->live_allocs);
	kv(out, "alloc_count", t->alloc_count);
	kv(out, "free_count", t->free_count);
	kv_bytes(out, "alloc_bytes", t->alloc_bytes);
	kv_bytes(out, "free_bytes", t->free_bytes);
	kv_bytes(out, "requested_bytes", t->requested_bytes);
	kv_bytes(out, "cached_bytes", t->cached_bytes);
	kv_bytes(out, "peak_bytes", g->peak_handed_bytes);
	kv_bytes(out, "mapped_bytes", g->mapped_bytes);
	kv_bytes(out, "active_bytes", g->active_bytes);
	kv_bytes(out, "resident_bytes", g->resident_bytes);
	kv_bytes(out, "dirty_bytes", g->dirty_bytes);
	kv_bytes(out, "purged_bytes", g->purged_bytes);
	kv(out, "madvise_calls", g->madvise_calls);
	kv(out, "purge_runs", g->purge_runs);
	kv_bytes(out, "metadata_bytes", g->metadata_bytes);
	kv(out, "kernel_mappings", g->kernel_mappings);
	kv(out, "reservations", g->reservations);
	kv(out, "threads_live", t->threads_live);
	kv(out, "threads_created", g->threads_created);
	kv(out, "violations", t->violations_total);
}

static void guard(FILE *out, const struct as_snapshot *s)
{
	const struct las_globals *g = &s->globals;
	fprintf(out, "\nGuarded pool (guard_sample %u", s->control.applied.guard_sample);
	if (s->control.applied.guard_sample)
		fprintf(out, ": 1 in %u allocations", s->control.applied.guard_sample);
	fprintf(out, ")\n");
	kv(out, "guard_slots", g->guard_slots);
	kv_bytes(out, "guard_slot_bytes", g->guard_slot_bytes);
	kv_bytes(out, "guard_pool_bytes", g->guard_pool_bytes);
	kv(out, "guard_live", g->guard_live);
	kv_bytes(out, "guard_live_bytes", g->guard_live_bytes);
	kv(out, "guard_allocs", g->guard_allocs);
	kv(out, "guard_full", g->guard_full);
	kv(out, "guard_faults", g->guard_faults);
}

static void rates(FILE *out, const struct as_rates *r)
{
	char a[32], b[32], c[32];
	as_fmt_count(a, sizeof(a), r->allocs_per_sec);
	as_fmt_count(b, sizeof(b), r->frees_per_sec);
	as_fmt_bytes(c, sizeof(c), r->alloc_bytes_per_sec);
	fprintf(out, "\nRates over %.2f s: %s allocs/s, %s frees/s, %s/s allocated, "
		"%.1f madvise/s\n", r->seconds, a, b, c, r->madvise_per_sec);
}

static void classes(FILE *out, const struct as_snapshot *s)
{
	fputs("\nSize classes (used ones)\n", out);
	fprintf(out, "  %5s %8s %12s %14s %12s %12s %8s %6s %6s\n", "class", "size",
		"live_objs", "live_bytes", "allocs", "frees", "cached", "slabs", "util%");
	for (uint32_t c = 0; c < s->nclasses; c++) {
		const struct as_class_info *k = &s->classes[c];
		if (!k->alloc_total && !k->slabs)
			continue;
		fprintf(out, "  %5u %8" PRIu64 " %12" PRIu64 " %14" PRIu64 " %12" PRIu64
			" %12" PRIu64 " %8" PRIu64 " %6" PRIu64 " %6.1f\n",
			c, k->size, k->live_objects, k->live_bytes, k->alloc_total, k->free_total,
			k->cached_objects, k->slabs, 100.0 * k->utilisation);
	}
}

static void arenas(FILE *out, const struct as_snapshot *s)
{
	fputs("\nArenas\n", out);
	fprintf(out, "  %5s %7s %14s %14s %12s %10s %6s\n", "arena", "threads", "live_bytes",
		"large_bytes", "locks", "contended", "slabs");
	for (uint32_t a = 0; a < s->narenas; a++) {
		const struct las_arena *r = &s->arenas[a];
		/* the last arena holds the debug-layout blocks (liballoc_stats.h) */
		fprintf(out, "  %5u %7" PRIu64 " %14" PRIu64 " %14" PRIu64 " %12" PRIu64
			" %10" PRIu64 " %6" PRIu64 "%s\n", a, r->threads, r->handed_bytes,
			r->large_bytes, r->lock_acquisitions, r->lock_contended, r->slabs,
			a + 1 == s->narenas ? "  (debug)" : "");
	}
}

static void threads(FILE *out, const struct as_snapshot *s)
{
	fputs("\nThreads (\"exited\" = sum of every thread that has exited)\n", out);
	fprintf(out, "  %8s %-16s %5s %12s %12s %14s %14s %8s %12s\n", "tid", "name", "arena",
		"allocs", "frees", "alloc_bytes", "free_bytes", "cached", "cache_bytes");
	for (uint32_t i = 0; i < s->nthreads; i++) {
		const struct as_thread_info *t = &s->threads[i];
		char tid[16] = "exited", arena[16] = "-";
		if (t->state != LAS_SLOT_RETIRED) {
			snprintf(tid, sizeof(tid), "%d", (int)t->tid);
			snprintf(arena, sizeof(arena), "%u", t->arena);
		}
		char name[4 * LAS_THREAD_NAME_LEN + 1];
		as_escape(name, sizeof(name),
			  t->state == LAS_SLOT_RETIRED ? "-" : (t->name[0] ? t->name : "?"),
			  as_escape_locale_flags());
		fprintf(out, "  %8s %-16s %5s %12" PRIu64 " %12" PRIu64 " %14" PRIu64
			" %14" PRIu64 " %8" PRIu64 " %12" PRIu64 "\n", tid, name, arena, t->alloc_count, t->free_count, t->alloc_bytes, t->free_bytes,
			t->cache_objects, t->cache_bytes);
	}
}

static void large(FILE *out, const struct as_snapshot *s)
{
	fputs("\nLarge allocations by size band\n", out);
	fprintf(out, "  %22s %10s %16s %12s\n", "band", "live", "live_bytes", "total");
	for (int b = 0; b < LAS_LARGE_BANDS; b++) {
		const struct las_large_band *l = &s->large[b];
		if (!l->count && !l->bytes && !l->total_allocs)
			continue;
		char lo[24], range[48];
		as_fmt_bytes(lo, sizeof(lo), (double)((uint64_t)1 << b));
		snprintf(range, sizeof(range), "[2^%d, 2^%d) %s+", b, b + 1, lo);
		fprintf(out, "  %22s %10" PRIu64 " %16" PRIu64 " %12" PRIu64 "\n", range, l->count,
			l->bytes, l->total_allocs);
	}
}

static void events(FILE *out, const struct as_snapshot *s, unsigned max_events)
{
	fprintf(out, "\nEvents (%" PRIu64 " ever", s->events_head);
	for (uint32_t k = 1; k < LAS_EV_KIND_COUNT; k++)
		if (las_violations_of(&s->globals, k))
			fprintf(out, ", %s %" PRIu64, as_event_kind_name(k),
				las_violations_of(&s->globals, k));
	fputs(")\n", out);
	uint32_t first = s->nevents > max_events ? s->nevents - max_events : 0;
	for (uint32_t i = first; i < s->nevents; i++) {
		const struct las_event *e = &s->events[i];
		fprintf(out, "  #%-6" PRIu64 " %-16s tid %-7d addr 0x%" PRIx64 " size %" PRIu64
			" class %u  ", e->seq / 2 - 1, as_event_kind_name(e->kind), (int)e->tid,
			e->addr, e->size, e->size_class);
		put_plain(out, e->detail);
		fputc('\n', out);
	}
}

static void checks(FILE *out, const struct as_snapshot *s)
{
	char req[128], app[128];
	as_fmt_checks(req, sizeof(req), &s->control.requested);
	as_fmt_checks(app, sizeof(app), &s->control.applied);
	fprintf(out, "\nChecks\n  requested %-40s (generation %" PRIu64 ")\n"
		"  applied   %-40s (generation %" PRIu64 ")%s\n", req, s->control.request_gen, app,
		s->control.applied_gen,
		s->control.applied_gen < s->control.request_gen ? "  [pending]" : "");
}

void dump_text(FILE *out, const struct dump_item *it, unsigned max_events)
{
	header(out, it);
	totals(out, it->snap);
	if (it->rates)
		rates(out, it->rates);
	classes(out, it->snap);
	arenas(out, it->snap);
	threads(out, it->snap);
	large(out, it->snap);
	events(out, it->snap, max_events);
	guard(out, it->snap);
	checks(out, it->snap);
}

void dump_text_list_header(FILE *out)
{
	fprintf(out, "%8s %-16s %14s %12s %7s %14s %12s %s\n", "PID", "EXE", "LIVE_BYTES",
		"LIVE_ALLOCS", "THREADS", "MAPPED_BYTES", "ALLOCS/S", "CHECKS");
}

void dump_text_list_line(FILE *out, const struct dump_item *it)
{
	const struct as_snapshot *s = it->snap;
	char chk[96], rate[32] = "-";
	as_fmt_checks(chk, sizeof(chk), &s->control.applied);
	if (it->rates)
		as_fmt_count(rate, sizeof(rate), it->rates->allocs_per_sec);
	char name[LAS_EXE_LEN + 3], exe[17];
	as_snapshot_exe(s, name, sizeof(name));
	/* one word in a 16-column field: blanks would shift the columns */
	for (char *p = name; *p; p++)
		if (*p == ' ')
			*p = '_';
	as_escape(exe, sizeof(exe), name, as_escape_locale_flags());
	fprintf(out, "%8d %-16s %14" PRIu64 " %12" PRIu64 " %7" PRIu64 " %14" PRIu64 " %12s %s\n",
		s->pid, exe[0] ? exe : "?", s->totals.live_bytes, s->totals.live_allocs,
		s->totals.threads_live, s->globals.mapped_bytes, rate, chk);
}
