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
	if (v->filter[0] && n >= 0 && (size_t)n < len) {
		char filter[4 * sizeof(v->filter)];
		text_escape(filter, sizeof(filter), v->filter);
		n += snprintf(buf + n, len - (size_t)n, " - filter \"%s\"", filter);
	}
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
