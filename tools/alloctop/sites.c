/* sites.c - the heap sites view (see sites.h). */
#include "sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heap_sites.h"
#include "symbols.h"

#define SITES_SHOWN 20
#define SITES_CACHED 16 /* processes remembered */

struct seen {
	pid_t pid;
	uint64_t start_time_ticks;
	struct symbols *sym;
	char sym_error[256];
	struct as_profile prof;
	struct heap_site *sites, *prev_sites;
	long nsites, nprev;
	uint64_t taken_ns, prev_ns;
	int have;
	char error[512];
};

struct sites_state {
	struct seen slot[SITES_CACHED];
	unsigned next; /* round robin when full */
};

struct sites_state *sites_state_new(void)
{
	return calloc(1, sizeof(struct sites_state));
}

static void seen_clear(struct seen *w)
{
	symbols_close(w->sym);
	as_profile_free(&w->prof);
	free(w->sites);
	free(w->prev_sites);
	memset(w, 0, sizeof(*w));
}

void sites_state_free(struct sites_state *st)
{
	if (!st)
		return;
	for (unsigned i = 0; i < SITES_CACHED; i++)
		seen_clear(&st->slot[i]);
	free(st);
}

static struct seen *seen_for(struct sites_state *st, const struct proc_entry *e)
{
	uint64_t start = e->have_snap ? e->cur.start_time_ticks : 0;
	for (unsigned i = 0; i < SITES_CACHED; i++)
		if (st->slot[i].pid == e->pid && st->slot[i].start_time_ticks == start)
			return &st->slot[i];
	struct seen *w = &st->slot[st->next++ % SITES_CACHED];
	seen_clear(w);
	w->pid = e->pid;
	w->start_time_ticks = start;
	w->sym = symbols_open(e->pid, w->sym_error, sizeof(w->sym_error));
	return w;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A new profile once the last is min_age old; the sites it had become the
 * previous ones, for the growth rate. */
static void refresh(struct seen *w, const struct proc_entry *e, double min_age)
{
	if (!e->seg) {
		snprintf(w->error, sizeof(w->error), "the segment is not readable");
		return;
	}
	if (w->have && (double)(now_ns() - w->taken_ns) < min_age * 1e9)
		return;
	struct as_profile p;
	struct as_error err = {0};
	if (as_profile_take(e->seg, &p, &err) != AS_OK) {
		snprintf(w->error, sizeof(w->error), "%s", err.msg);
		return;
	}
	struct heap_site *sites;
	long n = heap_sites(&p, w->sym, &sites);
	if (n < 0) {
		as_profile_free(&p);
		snprintf(w->error, sizeof(w->error), "out of memory");
		return;
	}
	free(w->prev_sites);
	w->prev_sites = w->sites;
	w->nprev = w->nsites;
	w->prev_ns = w->taken_ns;
	as_profile_free(&w->prof);
	w->prof = p;
	w->sites = sites;
	w->nsites = n;
	w->taken_ns = p.taken_ns;
	w->have = 1;
	w->error[0] = '\0';
}

void sites_render(struct sites_state *st, const struct proc_entry *e, struct sink *s, int width,
		  double min_age)
{
	struct seen *w = st ? seen_for(st, e) : NULL;
	if (!w) {
		sink_line(s, ST_BAD, "out of memory");
		return;
	}
	refresh(w, e, min_age);
	if (!w->have) {
		sink_line(s, ST_WARN, "No heap profile for pid %d: %s", (int)e->pid, w->error);
		return;
	}
	const struct as_profile *p = &w->prof;
	char exe[LAS_EXE_LEN + 1];
	snprintf(exe, sizeof(exe), "%s", p->exe);
	text_sanitize(exe, sizeof(exe));
	sink_line(s, ST_TITLE, "Heap sites of pid %d (%s): one sample per %llu bytes, %llu samples, %u of %u stacks",
		  (int)e->pid, exe, (unsigned long long)p->sample_mean,
		  (unsigned long long)p->samples, p->nstacks, p->capacity);
	if (w->error[0])
		sink_line(s, ST_WARN, "%s", w->error);
	if (!w->sym)
		sink_line(s, ST_DIM, "%s: addresses are not symbolised", w->sym_error);
	if (!p->sample_mean)
		sink_line(s, ST_WARN, "Sampling is off (prof_sample:0): allocdump --set %d prof_sample=1m",
			  (int)e->pid);
	double dt = w->prev_ns && w->taken_ns > w->prev_ns ? (double)(w->taken_ns - w->prev_ns) / 1e9 : 0;
	sink_line(s, ST_HEADER, "%12s %11s %12s  %s", "LIVE_BYTES", "LIVE_OBJS", "GROWTH/S", "SITE");
	int shown = 0;
	for (long i = 0; i < w->nsites && shown < SITES_SHOWN; i++) {
		const struct heap_site *h = &w->sites[i];
		if (h->live_bytes < 0.5)
			continue;
		char growth[32] = "-";
		if (dt > 0) {
			const struct heap_site *b = heap_site_find(w->prev_sites, (size_t)w->nprev, h->pc);
			double rate = (h->live_bytes - (b ? b->live_bytes : 0)) / dt;
			snprintf(growth, sizeof(growth), "%s%s", rate < 0 ? "-" : "+",
				 fmt_bytes(rate < 0 ? -rate : rate));
		}
		char name[512];
		if (h->pc)
			symbols_format(w->sym, h->pc, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "[other]");
		text_sanitize(name, sizeof(name));
		int room = width - 40;
		if (room < 10)
			room = 10;
		sink_line(s, ST_NORMAL, "%12s %11s %12s  %.*s", fmt_bytes(h->live_bytes),
			  fmt_count(h->live_objs), growth, room, name);
		shown++;
	}
	if (!shown)
		sink_line(s, ST_DIM, "(no sampled allocation is live)");
}
