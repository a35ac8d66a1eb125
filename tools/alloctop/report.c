/* report.c - title, totals and empty-list text (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "columns.h"

/* "3 processes (1 stale hidden) (2 of other users hidden)" */
static void processes_piece(const struct proctable *pt, const struct view *v, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u processes", v->nrows);
	if (v->stale_hidden && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " (%u stale hidden)", v->stale_hidden);
	if (pt->totals.unreadable && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (%u of other users hidden)", pt->totals.unreadable);
}

/* The title's items, in order of importance when the screen is narrow. */
static void title_pieces(const struct proctable *pt, const struct view *v, double delay,
			 char pieces[6][288])
{
	char when[16] = "?";
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(pieces[0], 288, "alloctop - %s", when);
	processes_piece(pt, v, pieces[1], 288);
	snprintf(pieces[2], 288, "delay %.1fs", delay);
	snprintf(pieces[3], 288, "sort %s %s", columns[v->sort_col].name,
		 view_descending(v) ? "desc" : "asc");
	if (v->filter[0]) {
		char filter[4 * sizeof(v->filter)];
		text_escape(filter, sizeof(filter), v->filter);
		snprintf(pieces[4], 288, "filter \"%s\"", filter);
	} else {
		pieces[4][0] = 0;
	}
	pieces[5][0] = 0;
}

static void join_pieces(char pieces[6][288], const int *order, int n, char *buf, size_t len)
{
	size_t pos = 0;
	buf[0] = 0;
	for (int i = 0; i < n && pos < len; i++)
		if (pieces[order[i]][0])
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", pos ? " - " : "",
						pieces[order[i]]);
}

void report_title(const struct proctable *pt, const struct view *v, double delay, int paused,
		  char *buf, size_t len)
{
	char pieces[6][288];
	static const int order[] = { 0, 1, 2, 3, 4, 5 };
	title_pieces(pt, v, delay, pieces);
	if (paused)
		snprintf(pieces[5], 288, "PAUSED");
	join_pieces(pieces, order, 6, buf, len);
}

void report_title_fit(const struct proctable *pt, const struct view *v, double delay, int paused,
		      int width, char *buf, size_t len)
{
	char pieces[6][288];
	/* A narrow screen keeps what changes what is listed: the filter and a
	 * pause before the sort order and the delay. */
	static const int narrow[] = { 0, 1, 4, 5, 3, 2 };
	report_title(pt, v, delay, paused, buf, len);
	if (strlen(buf) <= (size_t)width)
		return;
	title_pieces(pt, v, delay, pieces);
	if (paused)
		snprintf(pieces[5], 288, "PAUSED");
	join_pieces(pieces, narrow, 6, buf, len);
	report_fit(buf, width, " - ");
}

/* The items of the Total line, in full or short units. */
static unsigned totals_items(const struct proc_totals *t, int short_units, char items[][40])
{
	const char *(*bytes)(double) = short_units ? fmt_bytes_short : fmt_bytes;
	const char *(*count)(double) = short_units ? fmt_count_short : fmt_count;
	unsigned n = 0;
	snprintf(items[n++], 40, "live %s", bytes((double)t->live));
	snprintf(items[n++], 40, "peak %s", bytes((double)t->peak));
	snprintf(items[n++], 40, "rss %s", bytes((double)t->rss));
	snprintf(items[n++], 40, "mapped %s", bytes((double)t->mapped));
	snprintf(items[n++], 40, "dirty %s", bytes((double)t->dirty));
	snprintf(items[n++], 40, "alloc/s %s", count(t->alloc_rate));
	snprintf(items[n++], 40, "free/s %s", count(t->free_rate));
	snprintf(items[n++], 40, "threads %" PRIu64, t->threads);
	snprintf(items[n++], 40, "maps %" PRIu64, t->maps);
	snprintf(items[n++], 40, "errors %" PRIu64, t->errors);
	return n;
}

void report_totals(const struct view *v, char *buf, size_t len)
{
	char items[12][40];
	unsigned n = totals_items(&v->totals, 0, items);
	size_t pos = (size_t)snprintf(buf, len, "Total:");
	for (unsigned i = 0; i < n && pos < len; i++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? "  " : " ", items[i]);
}

/* Lays items out on at most two lines of width; 0 if they do not fit. */
static int wrap_items(char items[][40], unsigned n, int width, const char *sep, char lines[2][256])
{
	int line = 0;
	size_t pos = (size_t)snprintf(lines[0], 256, "Total:");
	lines[1][0] = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *gap = i ? sep : " ";
		if (pos + strlen(gap) + strlen(items[i]) > (size_t)width) {
			if (++line == 2)
				return 0;
			pos = (size_t)snprintf(lines[1], 256, "      "); /* under the first item */
			gap = " ";
		}
		pos += (size_t)snprintf(lines[line] + pos, 256 - pos, "%s%s", gap, items[i]);
	}
	return line + 1;
}

int report_totals_fit(const struct view *v, int width, char lines[2][256])
{
	char items[12][40];
	unsigned n = totals_items(&v->totals, 0, items);
	int used = wrap_items(items, n, width, "  ", lines);
	if (used == 1)
		return 1;
	n = totals_items(&v->totals, 1, items);
	used = wrap_items(items, n, width, "  ", lines);
	if (!used)
		used = wrap_items(items, n, width, " ", lines);
	if (!used) { /* tiny screens: what fits, whole items */
		wrap_items(items, 1, 1000, " ", lines);
		report_fit(lines[0], width, " ");
		lines[1][0] = 0;
		used = 1;
	}
	return used;
}

void report_fit(char *line, int width, const char *sep)
{
	size_t w = width > 0 ? (size_t)width : 0;
	while (strlen(line) > w) {
		char *cut = NULL;
		for (char *p = strstr(line, sep); p; p = strstr(p + 1, sep))
			if ((size_t)(p - line) <= w)
				cut = p;
		if (!cut) {
			line[0] = 0; /* not even the first item fits */
			return;
		}
		*cut = 0;
	}
}

int report_note(const struct proctable *pt, unsigned i, char *buf, size_t len)
{
	const struct proc_totals *t = &pt->totals;
	const char *dir = pt->dir ? pt->dir : as_stats_dir();
	char safe[256];
	text_escape(safe, sizeof(safe), dir);
	unsigned k = 0;
	if (t->not_segments && k++ == i) {
		snprintf(buf, len, "%u file%s in %s %s; see allocdump --gc", t->not_segments,
			 t->not_segments == 1 ? "" : "s", safe,
			 t->not_segments == 1 ? "is not a liballoc segment"
					      : "are not liballoc segments");
		return 1;
	}
	if (t->over_limit && k++ == i) {
		snprintf(buf, len, "%u more unreadable segment%s in %s not shown (at most %d rows "
			 "of them); see allocdump --gc", t->over_limit, t->over_limit == 1 ? "" : "s",
			 safe, PT_MAX_FAILED_ROWS);
		return 1;
	}
	if (t->deferred && k++ == i) {
		snprintf(buf, len, "%u file%s or process%s left for the next refresh (a refresh "
			 "reads for at most %d ms)", t->deferred, t->deferred == 1 ? "" : "s",
			 t->deferred == 1 ? "" : "es",
			 pt->budget_ms > 0 ? pt->budget_ms : PT_REFRESH_BUDGET_MS);
		return 1;
	}
	return 0;
}

void report_empty(const struct proctable *pt, const struct view *v, struct sink *s)
{
	const char *dir = pt->dir ? pt->dir : as_stats_dir();

	if (pt->list_error[0]) {
		sink_line(s, ST_BAD, "Cannot read the stats directory: %s", pt->list_error);
		return;
	}
	if (v->filter[0] && v->filtered_out) {
		sink_line(s, ST_WARN, "No process matches the filter \"%s\" (%u hidden by it).",
			  v->filter, v->filtered_out);
		sink_line(s, ST_NORMAL, "Press / or f and an empty name, or Esc, to clear the filter.");
		return;
	}
	if (v->stale_hidden) {
		sink_line(s, ST_WARN, "Only stale segments here: %u, of processes that have exited.",
			  v->stale_hidden);
		sink_line(s, ST_NORMAL, "Press x (batch: -a) to list them; allocdump --gc removes them.");
		return;
	}
	if (pt->only) {
		sink_printf(s, ST_WARN, "None of the selected processes (-p");
		for (unsigned i = 0; i < pt->nonly; i++)
			sink_printf(s, ST_WARN, "%s%d", i ? "," : " ", (int)pt->only[i]);
		sink_printf(s, ST_WARN, ") has a liballoc stats segment in %s.", dir);
		s->eol(s);
		sink_line(s, ST_NORMAL, "They may have exited, or not run under liballoc.");
		return;
	}
	sink_line(s, ST_WARN, "No process with a liballoc stats segment in %s.", dir);
	if (pt->totals.unreadable)
		sink_line(s, ST_NORMAL,
			  "%u segment(s) belong to other users; run as root to see them.",
			  pt->totals.unreadable);
	sink_line(s, ST_NORMAL, "Run a program under liballoc to see it here:");
	sink_line(s, ST_NORMAL, "    LD_PRELOAD=/path/to/liballoc.so ./program");
	sink_line(s, ST_NORMAL, "or start the bundled demo workload:  make demo");
	sink_line(s, ST_DIM, "(LIBALLOC_STATS_DIR or -S DIR selects another directory.)");
}
