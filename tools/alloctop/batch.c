/*
 * batch.c - plain-text output for scripts. Every iteration prints, in this
 * order and with these exact first words: a title line starting
 * "alloctop - ", a line starting "Total:", any explanation lines, one blank
 * line, the column header (always identical), one row per process, then a
 * blank line. -D adds the detail view of each row after the list, -T the
 * thread view, -H the heap sites of each row. Stale rows are left out
 * unless -a.
 */
#include "batch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "columns.h"
#include "detail.h"
#include "proctable.h"
#include "report.h"
#include "sink.h"
#include "threads.h"
#include "sites.h"
#include "view.h"

/* The first sample is taken this long before the first print, so that
 * iteration 1 already has rates. */
#define BATCH_PRIME_SECONDS 0.25

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void print_iteration(const struct options *o, const struct proctable *pt,
			    const struct view *v, struct sink *out, struct sites_state *sites)
{
	char line[4096];

	report_title(pt, v, o->delay, 0, line, sizeof(line));
	puts(line);
	report_totals(v, line, sizeof(line));
	puts(line);
	for (unsigned i = 0; report_note(pt, i, line, sizeof(line)); i++)
		puts(line);
	if (v->nrows == 0)
		report_empty(pt, v, out);
	putchar('\n');
	columns_header(line, sizeof(line));
	puts(line);
	for (unsigned i = 0; i < v->nrows; i++) {
		columns_row(v->rows[i], o->raw, line, sizeof(line));
		puts(line);
	}
	if (o->detail) {
		for (unsigned i = 0; i < v->nrows; i++) {
			printf("\n--- detail of pid %d ---\n", (int)v->rows[i]->pid);
			detail_render(v->rows[i], out, 132, 0);
		}
	}
	if (o->threads) {
		for (unsigned i = 0; i < v->nrows; i++) {
			printf("\n--- threads of pid %d ---\n", (int)v->rows[i]->pid);
			threads_render(v->rows[i], out, 132);
		}
	}
	if (sites) {
		for (unsigned i = 0; i < v->nrows; i++) {
			printf("\n--- heap sites of pid %d ---\n", (int)v->rows[i]->pid);
			sites_render(sites, v->rows[i], out, 132, 0);
		}
	}
	putchar('\n');
	fflush(stdout);
}

/* Say once, on stderr, which -p pids have no segment at all. */
static void warn_missing(const struct options *o, const struct proctable *pt)
{
	for (unsigned i = 0; i < o->npids; i++)
		if (!proctable_find(pt, o->pids[i]))
			fprintf(stderr, "alloctop: pid %d: no liballoc stats segment in %s\n",
				(int)o->pids[i], o->dir ? o->dir : as_stats_dir());
}

int batch_run(const struct options *o)
{
	struct proctable pt;
	struct view v;
	struct sink out;
	long done = 0;
	int status = 0;
	struct sites_state *sites = o->sites ? sites_state_new() : NULL;

	sink_init_stdio(&out, stdout);
	proctable_init(&pt, o->dir, o->npids ? o->pids : NULL, o->npids);
	view_init(&v, o->sort_col);
	v.reverse = o->reverse;
	v.show_stale = o->show_stale;
	snprintf(v.filter, sizeof(v.filter), "%s", o->filter);

	proctable_refresh(&pt);
	sleep_seconds(o->delay < BATCH_PRIME_SECONDS ? o->delay : BATCH_PRIME_SECONDS);
	for (;;) {
		if (proctable_refresh(&pt) < 0)
			status = AS_ERR_IO;
		if (done == 0 && o->npids)
			warn_missing(o, &pt);
		if (view_build(&v, &pt) < 0) {
			fprintf(stderr, "alloctop: out of memory\n");
			status = AS_ERR_IO;
			break;
		}
		print_iteration(o, &pt, &v, &out, sites);
		if (ferror(stdout)) {
			status = AS_ERR_IO;
			break;
		}
		if (o->iterations && ++done >= o->iterations)
			break;
		sleep_seconds(o->delay);
	}
	if (pt.list_error[0])
		fprintf(stderr, "alloctop: %s\n", pt.list_error);
	sites_state_free(sites);
	view_free(&v);
	proctable_free(&pt);
	return status;
}
