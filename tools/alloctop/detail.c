/* detail.c - the per-process detail view (see detail.h). */
#include "vocab.h"
#include "detail.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "collector_hook.h"

#define EVENTS_SHOWN 16
#define STACKS_SHOWN 10

static const char *junk_name(uint32_t j)
{
	switch (j) {
	case LAS_JUNK_OFF: return "off";
	case LAS_JUNK_ALLOC: return "alloc";
	case LAS_JUNK_FREE: return "free";
	case LAS_JUNK_BOTH: return "alloc+free";
	}
	return "?";
}

static const char *onerr_name(uint32_t o)
{
	switch (o) {
	case LAS_ONERR_ABORT: return "abort";
	case LAS_ONERR_REPORT: return "report";
	case LAS_ONERR_IGNORE: return "ignore";
	}
	return "?";
}

static void on_off(struct sink *s, const char *label, int on, const char *value)
{
	sink_printf(s, ST_NORMAL, "  %s ", label);
	sink_printf(s, on ? ST_GOOD : ST_DIM, "%s", value);
}

static void render_checks(const struct as_snapshot *snap, struct sink *s)
{
	const struct las_checks *c = &snap->control.applied;
	char v[32];

	sink_printf(s, ST_TITLE, "Checks:");
	on_off(s, "junk[j]", c->junk != LAS_JUNK_OFF, junk_name(c->junk));
	snprintf(v, sizeof(v), c->redzone ? "%" PRIu32 "B" : "off", c->redzone);
	on_off(s, "redzone[z]", c->redzone != 0, v);
	on_off(s, "check_free[c]", c->check_free != 0, c->check_free ? "on" : "off");
	if (c->quarantine)
		snprintf(v, sizeof(v), "%s, %" PRIu32 " blocks", fmt_bytes((double)c->quarantine),
			 c->quarantine_blocks);
	else
		snprintf(v, sizeof(v), "off");
	on_off(s, "quarantine[u]", c->quarantine != 0, v);
	on_off(s, "on_error[o]", c->on_error != LAS_ONERR_ABORT, onerr_name(c->on_error));
	if (c->guard_sample)
		snprintf(v, sizeof(v), "1/%" PRIu32, c->guard_sample);
	else
		snprintf(v, sizeof(v), "off");
	on_off(s, "guard[g]", c->guard_sample != 0, v);
	if (snap->control.request_gen != snap->control.applied_gen)
		sink_printf(s, ST_WARN, "  (change pending: applied at the next allocation)");
	s->eol(s);
}

static void render_totals(const struct proc_entry *e, struct sink *s)
{
	const struct as_snapshot *p = &e->cur;
	const struct as_totals *t = &p->totals;
	const struct las_globals *g = &p->globals;

	sink_line(s, ST_TITLE, "Totals");
	sink_line(s, ST_NORMAL,
		  "  live %s in %s allocations (small %s, large %s), thread caches %s, peak %s",
		  fmt_bytes((double)t->live_bytes), fmt_count((double)t->live_allocs),
		  fmt_bytes((double)t->small_live_bytes), fmt_bytes((double)t->large_live_bytes),
		  fmt_bytes((double)t->cached_bytes), fmt_bytes((double)g->peak_handed_bytes));
	sink_line(s, ST_NORMAL,
		  "  since start: %s allocs (%s), %s frees (%s), %s requested",
		  fmt_count((double)t->alloc_count), fmt_bytes((double)t->alloc_bytes),
		  fmt_count((double)t->free_count), fmt_bytes((double)t->free_bytes),
		  fmt_bytes((double)t->requested_bytes));
	sink_line(s, ST_NORMAL,
		  "  memory: mapped %s, active %s, dirty %s, resident %s, metadata %s, frag %.2f",
		  fmt_bytes((double)g->mapped_bytes), fmt_bytes((double)g->active_bytes),
		  fmt_bytes((double)g->dirty_bytes), fmt_bytes((double)g->resident_bytes),
		  fmt_bytes((double)g->metadata_bytes),
		  t->live_bytes ? (double)g->resident_bytes / (double)t->live_bytes : 0.0);
	sink_line(s, ST_NORMAL,
		  "  kernel: %" PRIu64 " mappings (%" PRIu64 " reservations), purged %s in %s madvise calls, %s purge runs",
		  g->kernel_mappings, g->reservations, fmt_bytes((double)g->purged_bytes),
		  fmt_count((double)g->madvise_calls), fmt_count((double)g->purge_runs));
	if (g->guard_slots)
		sink_line(s, ST_NORMAL,
			  "  guarded pool: %" PRIu64 " of %" PRIu64 " slots live (%s open), %s guarded allocations, %" PRIu64 " faults reported, %s samples found it full",
			  g->guard_live, g->guard_slots, fmt_bytes((double)g->guard_live_bytes),
			  fmt_count((double)g->guard_allocs), g->guard_faults,
			  fmt_count((double)g->guard_full));
	sink_line(s, ST_NORMAL, "  threads: %" PRIu64 " live, %" PRIu64 " seen since start",
		  t->threads_live, t->threads_total);
	if (e->have_rates) {
		const struct as_rates *r = &e->rates;
		sink_line(s, ST_NORMAL,
			  "  rates: %s alloc/s, %s free/s, %s/s allocated, %s/s freed, %s madvise/s, %s/s purged",
			  fmt_count(r->allocs_per_sec), fmt_count(r->frees_per_sec),
			  fmt_bytes(r->alloc_bytes_per_sec), fmt_bytes(r->free_bytes_per_sec),
			  fmt_count(r->madvise_per_sec), fmt_bytes(r->purged_bytes_per_sec));
	} else {
		sink_line(s, ST_DIM, "  rates: (after the next refresh)");
	}
	sink_printf(s, t->violations_total ? ST_BAD : ST_NORMAL, "  violations: %" PRIu64,
		    t->violations_total);
	for (unsigned k = 0; k < LAS_EV_KIND_COUNT; k++)
		if (las_event_is_violation(k) && las_violations_of(g, k))
			sink_printf(s, ST_BAD, "  %s %" PRIu64, as_event_kind_name(k),
				    las_violations_of(g, k));
	s->eol(s);
}

static void render_history(const struct proc_entry *e, struct sink *s, int width, int utf8)
{
	char line[HISTORY_LEN * 4 + 1];
	int w = width - 24;
	const struct {
		const char *label;
		const struct history *h;
		int bytes;
	} rows[] = {
		{ "live   ", &e->live_hist, 1 },
		{ "alloc/s", &e->alloc_hist, 0 },
		{ "free/s ", &e->free_hist, 0 },
	};

	if (w < 10)
		w = 10;
	if (w > HISTORY_LEN)
		w = HISTORY_LEN;
	sink_line(s, ST_TITLE, "History (one sample per refresh, newest right)");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned n = history_size(rows[i].h);
		double max = 0;
		for (unsigned j = (n > (unsigned)w ? n - (unsigned)w : 0); j < n; j++)
			if (history_at(rows[i].h, j) > max)
				max = history_at(rows[i].h, j);
		history_sparkline(rows[i].h, w, utf8, line, sizeof(line));
		sink_printf(s, ST_NORMAL, "  %s max %-9s ", rows[i].label,
			    rows[i].bytes ? fmt_bytes(max) : fmt_count(max));
		sink_printf(s, ST_BAR, "%s", line);
		s->eol(s);
	}
}

static void render_bar(struct sink *s, double fraction, int width)
{
	char fill[64], rest[64];
	int n;
	if (width > 60)
		width = 60;
	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	n = (int)(fraction * width + 0.5);
	memset(fill, '#', (size_t)n);
	fill[n] = 0;
	memset(rest, '.', (size_t)(width - n));
	rest[width - n] = 0;
	sink_printf(s, ST_NORMAL, "[");
	sink_printf(s, fraction < 0.5 ? ST_WARN : ST_BAR, "%s", fill);
	sink_printf(s, ST_DIM, "%s", rest);
	sink_printf(s, ST_NORMAL, "] %3.0f%%", fraction * 100);
}

static void render_classes(const struct proc_entry *e, struct sink *s, int width)
{
	const struct as_snapshot *p = &e->cur;
	int barw = width - 74; /* the bar takes what the numbers leave */
	unsigned shown = 0;

	if (barw < 4)
		barw = 4;
	sink_line(s, ST_TITLE, "Size classes (classes in use)");
	sink_line(s, ST_HEADER, "  %5s %8s %10s %10s %10s %8s %6s  %s", "CLASS", "SIZE",
		  "LIVE-OBJS", "LIVE-BYTES", "CACHED", "ALLOC/s", "SLABS", "UTILISATION");
	for (uint32_t i = 0; i < p->nclasses; i++) {
		const struct as_class_info *c = &p->classes[i];
		if (!c->slabs && !c->live_objects && !c->alloc_total)
			continue;
		double rate = (e->have_rates && i < e->rates.nclasses && e->rates.class_allocs_per_sec)
				      ? e->rates.class_allocs_per_sec[i]
				      : 0;
		sink_printf(s, ST_NORMAL, "  %5" PRIu32 " %8" PRIu64 " %10" PRIu64 " %10s %10" PRIu64 " %8s %6" PRIu64 "  ",
			    c->index, c->size, c->live_objects, fmt_bytes((double)c->live_bytes),
			    c->cached_objects, e->have_rates ? fmt_count(rate) : "-", c->slabs);
		if (c->slabs)
			render_bar(s, c->utilisation, barw);
		else
			sink_printf(s, ST_DIM, "no slabs");
		s->eol(s);
		shown++;
	}
	if (!shown)
		sink_line(s, ST_DIM, "  (no small allocations yet)");
}

static void render_arenas(const struct as_snapshot *p, struct sink *s)
{
	sink_line(s, ST_TITLE, "Arenas");
	sink_line(s, ST_HEADER, "  %5s %7s %10s %10s %12s %10s %6s", "ARENA", "THREADS", "HANDED",
		  "LARGE", "LOCKS", "CONTENDED", "SLABS");
	for (uint32_t i = 0; i < p->narenas; i++) {
		const struct las_arena *a = &p->arenas[i];
		sink_line(s, ST_NORMAL, "  %5" PRIu32 " %7" PRIu64 " %10s %10s %12" PRIu64 " %10" PRIu64 " %6" PRIu64,
			  i, a->threads, fmt_bytes((double)a->handed_bytes),
			  fmt_bytes((double)a->large_bytes), a->lock_acquisitions, a->lock_contended,
			  a->slabs);
	}
}

/* Below this width the thread table takes the short units. */
#define THREADS_FULL_WIDTH 86

static void render_threads(const struct as_snapshot *p, struct sink *s, int width)
{
	if (width < THREADS_FULL_WIDTH) {
		sink_line(s, ST_TITLE, "Threads");
		sink_line(s, ST_HEADER, "  %7s %-15s %5s %6s %6s %9s %6s %6s", "TID", "NAME", "ARENA",
			  "ALLOCS", "FREES", "ALLOCATED", "FREED", "CACHED");
		for (uint32_t i = 0; i < p->nthreads; i++) {
			const struct as_thread_info *t = &p->threads[i];
			int retired = t->state == LAS_SLOT_RETIRED;
			char tid[16] = "-", arena[16] = "-";
			if (!retired) {
				snprintf(tid, sizeof(tid), "%d", (int)t->tid);
				snprintf(arena, sizeof(arena), "%" PRIu32, t->arena);
			}
			sink_line(s, retired ? ST_DIM : ST_NORMAL, "  %7s %-15.15s %5s %6s %6s %9s %6s %6s",
				  tid, retired ? "(exited threads)" : t->name, arena,
				  fmt_count_short((double)t->alloc_count),
				  fmt_count_short((double)t->free_count),
				  fmt_bytes_short((double)t->alloc_bytes),
				  fmt_bytes_short((double)t->free_bytes),
				  fmt_bytes_short((double)t->cache_bytes));
		}
		return;
	}
	sink_line(s, ST_TITLE, "Threads");
	sink_line(s, ST_HEADER, "  %8s %-16s %5s %10s %10s %10s %10s %10s", "TID", "NAME", "ARENA",
		  "ALLOCS", "FREES", "ALLOCATED", "FREED", "CACHED");
	for (uint32_t i = 0; i < p->nthreads; i++) {
		const struct as_thread_info *t = &p->threads[i];
		int retired = t->state == LAS_SLOT_RETIRED;
		char tid[16] = "-", arena[16] = "-";
		if (!retired) {
			snprintf(tid, sizeof(tid), "%d", (int)t->tid);
			snprintf(arena, sizeof(arena), "%" PRIu32, t->arena);
		}
		sink_line(s, retired ? ST_DIM : ST_NORMAL,
			  "  %8s %-16s %5s %10" PRIu64 " %10" PRIu64 " %10s %10s %10s", tid,
			  retired ? "(exited threads)" : t->name,
			  arena, t->alloc_count, t->free_count,
			  fmt_bytes((double)t->alloc_bytes), fmt_bytes((double)t->free_bytes),
			  fmt_bytes((double)t->cache_bytes));
	}
}

static void band_label(unsigned b, char *buf, size_t len)
{
	char lo[24], hi[24];
	snprintf(lo, sizeof(lo), "%s", fmt_bytes(b < 64 ? (double)(1ULL << b) : 0));
	snprintf(hi, sizeof(hi), "%s", fmt_bytes(b + 1 < 64 ? (double)(1ULL << (b + 1)) : 1.8e19));
	snprintf(buf, len, "%s - %s", lo, hi);
}

static void render_large(const struct as_snapshot *p, struct sink *s)
{
	unsigned shown = 0;
	char label[64];
	sink_line(s, ST_TITLE, "Large allocations (by size band)");
	sink_line(s, ST_HEADER, "  %-24s %10s %10s %12s", "BAND", "LIVE", "BYTES", "ALLOCS-EVER");
	for (unsigned b = 0; b < LAS_LARGE_BANDS; b++) {
		const struct las_large_band *l = &p->large[b];
		if (!l->count && !l->total_allocs)
			continue;
		band_label(b, label, sizeof(label));
		sink_line(s, ST_NORMAL, "  %-24s %10" PRIu64 " %10s %12" PRIu64, label, l->count,
			  fmt_bytes((double)l->bytes), l->total_allocs);
		shown++;
	}
	if (!shown)
		sink_line(s, ST_DIM, "  (no large allocations yet)");
}

static void render_events(const struct as_snapshot *p, struct sink *s)
{
	uint32_t from = p->nevents > EVENTS_SHOWN ? p->nevents - EVENTS_SHOWN : 0;
	sink_line(s, ST_TITLE, "Recent events (%" PRIu32 " in the ring, newest last)", p->nevents);
	if (!p->nevents) {
		sink_line(s, ST_DIM, "  (none)");
		return;
	}
	sink_line(s, ST_HEADER, "  %-8s %-14s %8s %18s %10s %5s  %s", "TIME", "KIND", "TID", "ADDRESS",
		  "SIZE", "CLASS", "DETAIL");
	for (uint32_t i = from; i < p->nevents; i++) {
		const struct las_event *ev = &p->events[i];
		char when[16] = "?", detail[sizeof(ev->detail) + 1];
		time_t t = (time_t)(ev->time_ns / 1000000000ULL);
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%H:%M:%S", &tm);
		memcpy(detail, ev->detail, sizeof(ev->detail));
		detail[sizeof(ev->detail)] = 0;
		sink_line(s, ev->kind == LAS_EV_CONF_CHANGE ? ST_NORMAL : ST_BAD,
			  "  %-8s %-14s %8d %#18" PRIx64 " %10" PRIu64 " %5" PRIu32 "  %s", when,
			  as_event_kind_name(ev->kind), (int)ev->tid, ev->addr, ev->size,
			  ev->size_class, detail);
	}
}

static void render_collector(pid_t pid, struct sink *s)
{
	struct collector_stack st[STACKS_SHOWN];
	const char *why = "";
	int n = collector_top_stacks(pid, st, STACKS_SHOWN, &why);
	sink_line(s, ST_TITLE, "Top allocating stacks (collector)");
	if (n <= 0) {
		sink_line(s, ST_DIM, "  %s", why);
		return;
	}
	sink_line(s, ST_HEADER, "  %10s %10s  %s", "BYTES", "SAMPLES", "CALLER <- STACK");
	for (int i = 0; i < n; i++)
		sink_line(s, ST_NORMAL, "  %10s %10s  %s", fmt_bytes((double)st[i].bytes),
			  fmt_count((double)st[i].count), st[i].frames);
}

void detail_render(const struct proc_entry *e, struct sink *s, int width, int utf8)
{
	const struct as_snapshot *p = &e->cur;

	if (e->state != PS_OK) {
		sink_line(s, ST_TITLE, "PID %d  %s", (int)e->pid, e->path);
		sink_line(s, ST_BAD, "  segment %s: %s", proc_state_label(e->state), e->errmsg);
		return;
	}
	char name[LAS_EXE_LEN + 3];
	sink_printf(s, ST_TITLE, "PID %d  %s", (int)p->pid, as_snapshot_command(p, name, sizeof(name)));
	sink_printf(s, ST_NORMAL, "  user %s  liballoc %s  ABI %u.%u", e->user, p->version,
		    p->abi_major, p->abi_minor);
	s->eol(s);
	if (p->exe_path[0])
		sink_line(s, ST_DIM, "  exe:     %s", p->exe_path);
	sink_line(s, ST_DIM, "  command: %s",
		  (p->identity & AS_ID_CMDLINE) ? p->cmdline : "(not readable in /proc)");
	/* the writer's own claims, never shown as its identity */
	if (strcmp(p->reported_exe, p->exe) && strcmp(p->reported_exe, p->comm))
		sink_line(s, ST_WARN, "  reported by the segment (not the kernel's word): exe %s",
			  p->reported_exe);
	if ((p->identity & AS_ID_UID) && p->reported_uid != p->uid)
		sink_line(s, ST_WARN, "  reported by the segment: uid %u (the file belongs to uid %u)",
			  p->reported_uid, p->uid);
	if (p->threads_unread || p->arenas_unread)
		sink_line(s, ST_WARN, "  another user's segment: %u thread slots and %u arenas beyond "
			  "the reader's limits not read", p->threads_unread, p->arenas_unread);
	sink_line(s, ST_DIM, "  config:  %s", p->conf[0] ? p->conf : "(defaults)");
	render_checks(p, s);
	s->eol(s);
	render_totals(e, s);
	s->eol(s);
	render_history(e, s, width, utf8);
	s->eol(s);
	render_classes(e, s, width);
	s->eol(s);
	render_arenas(p, s);
	s->eol(s);
	render_threads(p, s, width);
	s->eol(s);
	render_large(p, s);
	s->eol(s);
	render_events(p, s);
	s->eol(s);
	render_collector(e->pid, s);
}
