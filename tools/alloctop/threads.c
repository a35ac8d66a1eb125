/* threads.c - the per-thread view (see threads.h). */
#include "threads.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wide enough for every column in full units; narrower gets short ones. */
#define FULL_WIDTH 76

struct thread_row {
	const struct as_thread_info *t;
	int64_t live_bytes, live_allocs; /* allocated minus freed by this thread */
	int have_rates;
	double alloc_rate, free_rate;
};

/* The same thread in the previous snapshot: same slot state and tid. */
static const struct as_thread_info *previous(const struct proc_entry *e,
					     const struct as_thread_info *t)
{
	for (uint32_t i = 0; e->have_rates && i < e->prev.nthreads; i++) {
		const struct as_thread_info *p = &e->prev.threads[i];
		if (p->tid == t->tid && p->state == t->state)
			return p;
	}
	return NULL;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct thread_row *x = a, *y = b;
	int xr = x->t->state == LAS_SLOT_RETIRED, yr = y->t->state == LAS_SLOT_RETIRED;
	if (xr != yr)
		return xr - yr; /* the exited threads' line last */
	if (x->live_bytes != y->live_bytes)
		return x->live_bytes < y->live_bytes ? 1 : -1;
	return (x->t->tid > y->t->tid) - (x->t->tid < y->t->tid);
}

/* Signed bytes: fmt_bytes and friends take magnitudes. */
static const char *signed_bytes(int64_t v, int short_units)
{
	static char buf[4][32];
	static unsigned next;
	char *b = buf[next++ % 4];
	double mag = v < 0 ? -(double)v : (double)v;
	snprintf(b, sizeof(buf[0]), "%s%s", v < 0 ? "-" : "",
		 short_units ? fmt_bytes_short(mag) : fmt_bytes(mag));
	return b;
}

void threads_render(const struct proc_entry *e, struct sink *s, int width)
{
	const struct as_snapshot *p = &e->cur;
	int short_units = width < FULL_WIDTH;
	int wbytes = short_units ? 6 : 10, wrate = short_units ? 7 : 8;

	if (e->state != PS_OK) {
		sink_line(s, ST_TITLE, "PID %d  %s", (int)e->pid, e->path);
		sink_line(s, ST_BAD, "  segment %s: %s", proc_state_label(e->state), e->errmsg);
		return;
	}
	char name[LAS_EXE_LEN + 3];
	sink_line(s, ST_TITLE, "Threads of PID %d  %s  (%" PRIu64 " live, %" PRIu64 " since start)",
		  (int)p->pid, as_snapshot_command(p, name, sizeof(name)), p->totals.threads_live,
		  p->totals.threads_total);
	struct thread_row *rows = calloc(p->nthreads + 1, sizeof(*rows));
	if (!rows) {
		sink_line(s, ST_BAD, "  out of memory");
		return;
	}
	for (uint32_t i = 0; i < p->nthreads; i++) {
		const struct as_thread_info *t = &p->threads[i];
		const struct as_thread_info *before = previous(e, t);
		struct thread_row *r = &rows[i];
		r->t = t;
		r->live_bytes = (int64_t)(t->alloc_bytes - t->free_bytes);
		r->live_allocs = (int64_t)(t->alloc_count - t->free_count);
		if (before && e->rates.seconds > 0 && t->alloc_count >= before->alloc_count &&
		    t->free_count >= before->free_count) {
			r->have_rates = 1;
			r->alloc_rate = (double)(t->alloc_count - before->alloc_count) / e->rates.seconds;
			r->free_rate = (double)(t->free_count - before->free_count) / e->rates.seconds;
		}
	}
	qsort(rows, p->nthreads, sizeof(*rows), cmp_rows);
	sink_line(s, ST_HEADER, "  %7s %-15s %5s %*s %11s %*s %*s", "TID", "NAME", "ARENA", wbytes,
		  "LIVE", "LIVE-ALLOCS", wrate, "ALLOC/s", wrate, "FREE/s");
	for (uint32_t i = 0; i < p->nthreads; i++) {
		const struct thread_row *r = &rows[i];
		int retired = r->t->state == LAS_SLOT_RETIRED;
		char tid[16] = "-", arena[16] = "-", tname[LAS_THREAD_NAME_LEN + 1];
		char allocs[24];
		if (!retired) {
			snprintf(tid, sizeof(tid), "%d", (int)r->t->tid);
			snprintf(arena, sizeof(arena), "%" PRIu32, r->t->arena);
		}
		snprintf(tname, sizeof(tname), "%s", retired ? "(exited)" : r->t->name);
		snprintf(allocs, sizeof(allocs), "%" PRId64, r->live_allocs);
		if (strlen(allocs) > 11)
			snprintf(allocs, sizeof(allocs), "%s%s", r->live_allocs < 0 ? "-" : "",
				 fmt_count_short(r->live_allocs < 0 ? -(double)r->live_allocs
								    : (double)r->live_allocs));
		const char *(*count)(double) = short_units ? fmt_count_short : fmt_count;
		sink_line(s, retired ? ST_DIM : ST_NORMAL, "  %7s %-15.15s %5s %*s %11s %*s %*s", tid,
			  tname, arena, wbytes, signed_bytes(r->live_bytes, short_units), allocs, wrate,
			  r->have_rates ? count(r->alloc_rate) : "-", wrate,
			  r->have_rates ? count(r->free_rate) : "-");
	}
	if (!p->nthreads)
		sink_line(s, ST_DIM, "  (no thread has allocated yet)");
	s->eol(s);
	sink_line(s, ST_DIM, "LIVE and LIVE-ALLOCS: what the thread allocated minus what it freed;");
	sink_line(s, ST_DIM, "a thread that frees blocks of others shows less, even below zero.");
	free(rows);
}
