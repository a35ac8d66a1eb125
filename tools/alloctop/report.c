/* report.c - title, totals and empty-list text (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "columns.h"

void report_title(const struct proctable *pt, const struct view *v, double delay, int paused,
		  char *buf, size_t len)
{
	char when[16] = "?";
	time_t now = time(NULL);
	struct tm tm;
	int n;

	if (localtime_r(&now, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	n = snprintf(buf, len, "alloctop - %s - %u processes", when, pt->totals.shown);
	if (pt->totals.unreadable && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " (%u of other users hidden)",
			      pt->totals.unreadable);
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " - delay %.1fs - sort %s %s", delay,
			      columns[v->sort_col].name, view_descending(v) ? "desc" : "asc");
	if (v->filter[0] && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " - filter \"%s\"", v->filter);
	if (paused && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " - PAUSED");
}

void report_totals(const struct proctable *pt, char *buf, size_t len)
{
	const struct proc_totals *t = &pt->totals;
	snprintf(buf, len,
		 "Total: live %s  peak %s  rss %s  mapped %s  dirty %s  alloc/s %s  free/s %s  "
		 "threads %" PRIu64 "  maps %" PRIu64 "  errors %" PRIu64,
		 fmt_bytes((double)t->live), fmt_bytes((double)t->peak), fmt_bytes((double)t->rss),
		 fmt_bytes((double)t->mapped), fmt_bytes((double)t->dirty), fmt_count(t->alloc_rate),
		 fmt_count(t->free_rate), t->threads, t->maps, t->errors);
}

void report_empty(const struct proctable *pt, const struct view *v, struct sink *s)
{
	const char *dir = pt->dir ? pt->dir : as_stats_dir();

	if (pt->list_error[0]) {
		sink_line(s, ST_BAD, "Cannot read the stats directory: %s", pt->list_error);
		return;
	}
	if (v->filter[0] && pt->totals.shown) {
		sink_line(s, ST_WARN, "No process matches the filter \"%s\" (%u hidden by it).",
			  v->filter, pt->totals.shown);
		sink_line(s, ST_NORMAL, "Press / or f and an empty name, or Esc, to clear the filter.");
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
