/*
 * test_alloctop_unit.c - cmocka tests of alloctop's non-curses parts:
 * sample history and sparklines, command line, columns, sorting and
 * filtering, switch settings, the detail view and the process table, on
 * segments fabricated by tests/stat/segfab.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>
#include <fcntl.h>
#include <utime.h>

#include "collector_hook.h"
#include "columns.h"
#include "detail.h"
#include "history.h"
#include "json_scan.h"
#include "options.h"
#include "proctable.h"
#include "report.h"
#include "segfab.h"
#include "sink.h"
#include "switches.h"
#include "threads.h"
#include "vocab.h"
#include "view.h"

/* ---- history ------------------------------------------------------- */

static void test_history_ring(void **state)
{
	struct history h = { 0 };
	(void)state;
	assert_int_equal(history_size(&h), 0);
	for (int i = 0; i < HISTORY_LEN + 10; i++)
		history_push(&h, i);
	assert_int_equal(history_size(&h), HISTORY_LEN);
	assert_true(history_at(&h, 0) == 10.0);
	assert_true(history_at(&h, HISTORY_LEN - 1) == HISTORY_LEN + 9.0);
}

static void test_sparkline_levels(void **state)
{
	struct history h = { 0 };
	char buf[64];
	(void)state;
	history_push(&h, 0);
	history_push(&h, 7);
	history_push(&h, 14);
	history_push(&h, 0.01); /* tiny but nonzero: lowest mark, not blank */
	assert_int_equal(history_sparkline(&h, 10, 0, buf, sizeof(buf)), 4);
	assert_string_equal(buf, " =#.");
	/* width keeps the newest samples */
	assert_int_equal(history_sparkline(&h, 2, 0, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "#.");
	/* UTF-8 blocks are 3 bytes each; a short buffer stops cleanly */
	assert_int_equal(history_sparkline(&h, 10, 1, buf, 8), 3);
	assert_int_equal(strlen(buf), 7); /* " " + two blocks */
}

/* ---- options ------------------------------------------------------- */

static int parse(struct options *o, char *err, int argc, ...)
{
	char *argv[16];
	va_list ap;
	va_start(ap, argc);
	argv[0] = "alloctop";
	for (int i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	return options_parse(argc, argv, o, err, 256);
}

static void test_options_good(void **state)
{
	struct options o;
	char err[256];
	(void)state;
	assert_int_equal(parse(&o, err, 1), 0);
	assert_int_equal(o.sort_col, COL_LIVE);
	assert_true(o.delay == 1.0);
	assert_int_equal(o.iterations, 0);
	assert_int_equal(parse(&o, err, 12, "-b", "-n", "3", "-d", "0.5", "-p", "10,20", "-p",
			       "30", "-s", "free/s"),
			 0);
	assert_true(o.batch);
	assert_int_equal(o.iterations, 3);
	assert_true(o.delay == 0.5);
	assert_int_equal(o.npids, 3);
	assert_int_equal(o.pids[0], 10);
	assert_int_equal(o.pids[2], 30);
	assert_int_equal(o.sort_col, COL_FREE_RATE);
	assert_int_equal(parse(&o, err, 6, "-o", "-R", "-r", "-D", "--filter=web"), 0);
	assert_int_equal(o.iterations, 1);
	assert_true(o.reverse && o.raw && o.detail);
	assert_string_equal(o.filter, "web");
}

static void test_options_bad(void **state)
{
	struct options o;
	char err[256];
	(void)state;
	assert_int_equal(parse(&o, err, 3, "-n", "0"), AS_ERR_USAGE);
	assert_non_null(strstr(err, "iteration"));
	assert_int_equal(parse(&o, err, 3, "-d", "0.01"), AS_ERR_USAGE);
	assert_non_null(strstr(err, "delay"));
	assert_int_equal(parse(&o, err, 3, "-p", "12,x"), AS_ERR_USAGE);
	assert_int_equal(parse(&o, err, 3, "-p", "-5"), AS_ERR_USAGE);
	assert_int_equal(parse(&o, err, 3, "-s", "nosuch"), AS_ERR_USAGE);
	assert_non_null(strstr(err, "nosuch"));
	assert_int_equal(parse(&o, err, 2, "stray"), AS_ERR_USAGE);
	assert_int_equal(parse(&o, err, 2, "-d"), AS_ERR_USAGE);
	assert_non_null(strstr(err, "argument"));
	assert_int_equal(parse(&o, err, 2, "-x"), AS_ERR_USAGE);
}

static void test_column_lookup(void **state)
{
	(void)state;
	assert_int_equal(column_find("live"), COL_LIVE);
	assert_int_equal(column_find("ALLOC/s"), COL_ALLOC_RATE);
	assert_int_equal(column_find("alloc"), COL_ALLOC_RATE);
	assert_int_equal(column_find("Err"), COL_ERR);
	assert_int_equal(column_find("bogus"), -1);
	/* every column has a distinct sort key */
	for (int a = 0; a < COL_COUNT; a++) {
		assert_int_equal(column_by_key(columns[a].sort_key), a);
		assert_int_equal(column_find(columns[a].name), a);
	}
}

/* ---- entries from fabricated segments ------------------------------ */

/* A proc_entry holding a snapshot of a segfab image for pid, where thread
 * "main" holds extra objects per class (so LIVE differs per entry). */
static struct proc_entry *fab_entry(pid_t pid, const char *exe, uint64_t extra)
{
	struct segfab_spec spec = segfab_default(pid);
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	struct as_segment *seg;
	struct as_error err;
	struct proc_entry *e = calloc(1, sizeof(*e));

	assert_non_null(img);
	assert_non_null(e);
	snprintf(segfab_header(img)->exe, LAS_EXE_LEN, "%s", exe);
	struct las_thread *m = segfab_entry(img, LAS_T_THREADS, 1);
	for (uint32_t c = 0; c < spec.nclasses; c++)
		m->class_alloc[c] += extra;
	assert_int_equal(as_open_memory(img, len, &seg, &err), AS_OK);
	assert_int_equal(as_snapshot_take(seg, &e->cur, &err), AS_OK);
	as_close(seg);
	free(img);
	e->pid = pid;
	e->have_snap = 1;
	e->state = PS_OK;
	snprintf(e->user, sizeof(e->user), "tester");
	return e;
}

static void free_entry(struct proc_entry *e)
{
	as_snapshot_free(&e->cur);
	free(e);
}

static void test_column_cells(void **state)
{
	struct proc_entry *e = fab_entry(4242, "server", 0);
	char buf[128], want[64];
	(void)state;

	column_format(e, COL_PID, 0, buf, sizeof(buf));
	assert_string_equal(buf, "4242");
	/* a memory segment has no process to ask the kernel about: the name is
	 * only what the segment reports, and marked as such */
	column_format(e, COL_COMMAND, 0, buf, sizeof(buf));
	assert_string_equal(buf, "(server)");
	column_format(e, COL_LIVE, 1, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%llu", (unsigned long long)e->cur.totals.live_bytes);
	assert_string_equal(buf, want);
	column_format(e, COL_LIVE, 0, buf, sizeof(buf));
	as_fmt_bytes(want, sizeof(want), (double)e->cur.totals.live_bytes);
	assert_string_equal(buf, want);
	/* values documented in segfab.h */
	column_format(e, COL_MAPPED, 1, buf, sizeof(buf));
	assert_string_equal(buf, "67108864");
	column_format(e, COL_PEAK, 1, buf, sizeof(buf));
	assert_string_equal(buf, "2097152");
	column_format(e, COL_MAPS, 1, buf, sizeof(buf));
	assert_string_equal(buf, "3");
	column_format(e, COL_ERR, 1, buf, sizeof(buf));
	assert_string_equal(buf, "2");
	column_format(e, COL_FRAG, 1, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%.2f",
		 (double)e->cur.globals.resident_bytes / (double)e->cur.totals.live_bytes);
	assert_string_equal(buf, want);
	column_format(e, COL_ALLOC_RATE, 1, buf, sizeof(buf));
	assert_string_equal(buf, "-"); /* one snapshot: no rate yet */
	column_format(e, COL_CHECKS, 1, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	e->cur.control.request_gen = 1; /* a request not yet applied */
	column_format(e, COL_CHECKS, 1, buf, sizeof(buf));
	assert_string_equal(buf, "-*");

	/* a row is the cells in column order, header aligned with it */
	char hdr[512], row[512];
	columns_header(hdr, sizeof(hdr));
	columns_row(e, 1, row, sizeof(row));
	assert_non_null(strstr(hdr, "PID USER"));
	assert_int_equal(strstr(hdr, "COMMAND") - hdr, strstr(row, "(server)") - row);

	/* an unusable segment shows why, and no numbers */
	e->state = PS_CORRUPT;
	column_format(e, COL_COMMAND, 0, buf, sizeof(buf));
	assert_string_equal(buf, "[corrupt]");
	column_format(e, COL_LIVE, 0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	free_entry(e);
}

static void test_hostile_text_sanitized(void **state)
{
	struct proc_entry *e = fab_entry(7, "evil\033[2J", 0);
	char buf[64];
	(void)state;
	column_format(e, COL_COMMAND, 0, buf, sizeof(buf));
	assert_null(strchr(buf, '\033'));
	assert_string_equal(buf, "(evil\\x1b[2J)");
	free_entry(e);
	/* C1 controls, raw (8-bit CSI) and UTF-8 encoded (U+009B), invalid
	 * UTF-8 and DEL are escaped too; valid UTF-8 passes in a UTF-8 locale */
	int saved = text_escape_flags;
	text_escape_flags = AS_ESC_UTF8;
	e = fab_entry(8, "a\x9b" "1m\xc2\x9b" "2J\x7f\xff\xc3\xa9", 0);
	column_format(e, COL_COMMAND, 0, buf, sizeof(buf));
	assert_string_equal(buf, "(a\\x9b1m\\u009b2J\\x7f\\xff\xc3\xa9)");
	text_escape_flags = 0; /* not a UTF-8 locale: é escaped as well */
	column_format(e, COL_COMMAND, 0, buf, sizeof(buf));
	assert_string_equal(buf, "(a\\x9b1m\\u009b2J\\x7f\\xff\\u00e9)");
	text_escape_flags = saved;
	free_entry(e);
}

static void test_short_units(void **state)
{
	(void)state;
	assert_string_equal(fmt_bytes_short(0), "0B");
	assert_string_equal(fmt_bytes_short(999), "999B");
	assert_string_equal(fmt_bytes_short(1024), "1.0K");
	assert_string_equal(fmt_bytes_short(10240), "10K");
	assert_string_equal(fmt_bytes_short(512 * 1024.0), "512K");
	assert_string_equal(fmt_bytes_short(20 * 1048576.0), "20M");
	assert_string_equal(fmt_bytes_short(1023 * 1048576.0), "1.0G");
	assert_string_equal(fmt_count_short(999), "999");
	assert_string_equal(fmt_count_short(52100), "52k");
	assert_string_equal(fmt_count_short(1234567), "1.2M");
	assert_string_equal(fmt_count_short(-3000), "-3.0k");
	/* never longer than 5 characters, whatever the magnitude */
	for (double v = 1; v < 1e19; v *= 3.7) {
		assert_true(strlen(fmt_bytes_short(v)) <= 5);
		assert_true(strlen(fmt_count_short(v)) <= 5);
	}
}

/* Every cell of a fitted row is whole: the row is as wide as the header,
 * never wider than the screen, and each number parses. */
static void test_layout_fits(void **state)
{
	struct proc_entry *e = fab_entry(4194303, "a-long-command-name", 123456789);
	struct col_layout l;
	char head[512], row[512];
	(void)state;

	e->have_rates = 1;
	e->rates.allocs_per_sec = 987654321.0;
	e->rates.frees_per_sec = 12345.0;
	for (int width = 20; width <= 200; width++) {
		for (int first = 0; first < COL_COUNT - 1; first++) {
			columns_layout(width, first, &l);
			size_t hn = columns_header_fit(&l, head, sizeof(head));
			size_t rn = columns_row_fit(e, &l, row, sizeof(row));
			assert_true(hn <= (size_t)width);
			assert_true(rn <= (size_t)width);
			assert_int_equal(hn, rn);
			assert_int_equal(l.col[0], COL_PID);
		}
	}
	/* 80 columns: short units, and PID to ALLOC/s in view */
	columns_layout(79, 0, &l);
	assert_true(l.short_units);
	assert_true(columns_layout_x(&l, COL_ALLOC_RATE) > 0);
	assert_true(l.more_right);
	columns_row_fit(e, &l, row, sizeof(row));
	assert_non_null(strstr(row, "4194303"));
	assert_non_null(strstr(row, " 988M")); /* 987654321 allocations/s */
	/* wide enough: the batch widths and units */
	columns_layout(300, 0, &l);
	assert_false(l.short_units);
	assert_int_equal(l.n, COL_COUNT);
	assert_false(l.more_right);
	/* scrolled right by whole columns */
	columns_layout(79, 3, &l);
	assert_int_equal(l.col[1], COL_PEAK);
	assert_true(l.more_left);
	free_entry(e);
}

static void test_totals_fit(void **state)
{
	struct proctable pt;
	struct view v;
	struct proc_entry *e[1];
	char lines[2][256];
	(void)state;

	proctable_init(&pt, NULL, NULL, 0);
	e[0] = fab_entry(100, "alpha", 5);
	e[0]->have_rates = 1;
	e[0]->rates.allocs_per_sec = 336789;
	pt.e = e;
	pt.n = pt.cap = 1;
	view_init(&v, COL_LIVE);
	view_build(&v, &pt);
	for (int width = 10; width <= 200; width++) {
		int n = report_totals_fit(&v, width, lines);
		assert_true(n == 1 || n == 2);
		for (int i = 0; i < n; i++)
			assert_true(strlen(lines[i]) <= (size_t)width);
		if (width < 60) /* tiny screens: only what fits whole */
			continue;
		/* from 60 columns on, every item is there, whole */
		char all[600];
		snprintf(all, sizeof(all), "%s %s", lines[0], n == 2 ? lines[1] : "");
		assert_non_null(strstr(all, "errors "));
		assert_non_null(strstr(all, "alloc/s 337k") ? strstr(all, "alloc/s 337k")
							    : strstr(all, "alloc/s 336.8k"));
	}
	assert_int_equal(report_totals_fit(&v, 200, lines), 1);
	assert_int_equal(report_totals_fit(&v, 79, lines), 2);
	char title[128] = "alloctop - 12:00:00 - 3 processes - delay 1.0s - sort LIVE desc";
	report_fit(title, 40, " - ");
	assert_string_equal(title, "alloctop - 12:00:00 - 3 processes");
	view_free(&v);
	free_entry(e[0]);
}

/* A sink that collects the text, for views rendered in tests. */
static void collect_text(struct sink *s, enum style st, const char *text)
{
	(void)st;
	strncat(s->ctx, text, 8191 - strlen(s->ctx));
}
static void collect_eol(struct sink *s)
{
	strncat(s->ctx, "\n", 8191 - strlen(s->ctx));
}

static void test_thread_view(void **state)
{
	struct proc_entry *e = fab_entry(100, "alpha", 0);
	static char out[8192];
	struct sink s = { collect_text, collect_eol, out };
	(void)state;

	/* two snapshots one second apart: the second thread allocated 500 more */
	e->prev = e->cur;
	struct as_snapshot again;
	struct as_error err;
	struct segfab_spec spec = segfab_default(100);
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	struct as_segment *seg;
	assert_non_null(img);
	snprintf(segfab_header(img)->exe, LAS_EXE_LEN, "%s", "alpha");
	struct las_thread *m = segfab_entry(img, LAS_T_THREADS, 1);
	m->class_alloc[0] += 500;
	assert_int_equal(as_open_memory(img, len, &seg, &err), AS_OK);
	assert_int_equal(as_snapshot_take(seg, &again, &err), AS_OK);
	as_close(seg);
	free(img);
	e->cur = again;
	e->have_rates = 1;
	e->rates.seconds = 1.0;

	out[0] = 0;
	threads_render(e, &s, 132);
	char title[96], nm[LAS_EXE_LEN + 3];
	/* named as everywhere in alloctop: the kernel's word, else "(alpha)" */
	snprintf(title, sizeof(title), "Threads of PID 100  %s  (",
		 as_snapshot_command(&e->cur, nm, sizeof(nm)));
	assert_non_null(strstr(out, title));
	assert_non_null(strstr(out, "TID NAME"));
	/* every live thread of the table, by tid, with its arena */
	for (uint32_t i = 0; i < e->cur.nthreads; i++) {
		const struct as_thread_info *t = &e->cur.threads[i];
		char want[64];
		if (t->state == LAS_SLOT_RETIRED)
			continue;
		snprintf(want, sizeof(want), "%7d %-15.15s %5u ", (int)t->tid, t->name, t->arena);
		assert_non_null(strstr(out, want));
	}
	/* the thread that allocated 500 more in one second: 500 alloc/s */
	const struct as_thread_info *t1 = NULL;
	for (uint32_t i = 0; i < e->cur.nthreads; i++)
		if (e->cur.threads[i].alloc_count == e->prev.threads[i].alloc_count + 500)
			t1 = &e->cur.threads[i];
	assert_non_null(t1);
	char line[160];
	snprintf(line, sizeof(line), "%7d ", (int)t1->tid);
	const char *row = strstr(out, line);
	assert_non_null(row);
	const char *eol = strchr(row, '\n');
	char rowtext[200];
	snprintf(rowtext, sizeof(rowtext), "%.*s", (int)(eol - row), row);
	assert_non_null(strstr(rowtext, " 500 "));
	/* live allocations: allocated minus freed by that thread */
	snprintf(line, sizeof(line), " %" PRId64 " ", (int64_t)(t1->alloc_count - t1->free_count));
	assert_non_null(strstr(rowtext, line));
	/* narrow: still every column, in short units, within the width */
	out[0] = 0;
	threads_render(e, &s, 70);
	for (char *l = out; *l;) {
		char *n = strchr(l, '\n');
		assert_true(n - l <= 70);
		l = n + 1;
	}
	as_snapshot_free(&e->prev);
	e->have_rates = 0;
	free_entry(e);
}

static void test_view_sort_filter(void **state)
{
	struct proctable pt;
	struct view v;
	struct proc_entry *e[4];
	(void)state;

	proctable_init(&pt, NULL, NULL, 0);
	e[0] = fab_entry(100, "alpha", 5);
	e[1] = fab_entry(200, "beta", 50);
	e[2] = fab_entry(300, "Gamma-web", 0);
	e[3] = fab_entry(400, "hidden", 500);
	e[3]->hidden = 1; /* another user's segment */
	pt.e = e;
	pt.n = pt.cap = 4;

	view_init(&v, COL_LIVE);
	assert_int_equal(view_build(&v, &pt), 0);
	assert_int_equal(v.nrows, 3);
	assert_int_equal(v.rows[0]->pid, 200); /* largest LIVE first */
	assert_int_equal(v.rows[1]->pid, 100);
	assert_int_equal(v.rows[2]->pid, 300);
	v.reverse = 1;
	view_build(&v, &pt);
	assert_int_equal(v.rows[0]->pid, 300);
	v.reverse = 0;
	v.sort_col = COL_COMMAND; /* text: A..Z, case-sensitive bytes */
	view_build(&v, &pt);
	assert_int_equal(v.rows[0]->pid, 300);
	assert_int_equal(v.rows[1]->pid, 100);
	v.sort_col = COL_PID;
	view_build(&v, &pt);
	assert_int_equal(v.rows[0]->pid, 100);
	assert_int_equal(view_index_of(&v, 300), 2);
	assert_int_equal(view_index_of(&v, 999), -1);

	/* an entry in error sorts after every real value (largest first) */
	e[1]->state = PS_CORRUPT;
	v.sort_col = COL_LIVE;
	view_build(&v, &pt);
	assert_int_equal(v.nrows, 3);
	assert_int_equal(v.rows[2]->pid, 200);

	/* a stale row is hidden unless asked for, and counted as hidden */
	e[1]->state = PS_STALE;
	view_build(&v, &pt);
	assert_int_equal(v.nrows, 2);
	assert_int_equal(v.stale_hidden, 1);
	assert_int_equal(view_index_of(&v, 200), -1);
	v.show_stale = 1;
	view_build(&v, &pt);
	assert_int_equal(v.nrows, 3);
	assert_int_equal(v.stale_hidden, 0);
	assert_int_equal(v.rows[2]->pid, 200);
	v.show_stale = 0;
	e[1]->state = PS_OK;

	/* the totals are those of the rows shown: not the other user's */
	view_build(&v, &pt);
	assert_int_equal(v.totals.shown, 3);
	assert_int_equal(v.totals.live, e[0]->cur.totals.live_bytes + e[1]->cur.totals.live_bytes +
						e[2]->cur.totals.live_bytes);

	snprintf(v.filter, sizeof(v.filter), "WEB");
	view_build(&v, &pt);
	assert_int_equal(v.nrows, 1);
	assert_int_equal(v.rows[0]->pid, 300);
	/* ... and follow the filter */
	assert_int_equal(v.totals.shown, 1);
	assert_int_equal(v.filtered_out, 2);
	assert_int_equal(v.totals.live, e[2]->cur.totals.live_bytes);
	assert_int_equal(v.totals.threads, e[2]->cur.totals.threads_live);
	char line[512];
	report_totals(&v, line, sizeof(line));
	char want[64];
	snprintf(want, sizeof(want), "Total: live %s ", fmt_bytes((double)e[2]->cur.totals.live_bytes));
	assert_non_null(strstr(line, want));
	snprintf(v.filter, sizeof(v.filter), "--test"); /* matches the cmdline */
	view_build(&v, &pt);
	assert_int_equal(v.nrows, 3);
	snprintf(v.filter, sizeof(v.filter), "nomatch");
	view_build(&v, &pt);
	assert_int_equal(v.nrows, 0);

	view_free(&v);
	for (int i = 0; i < 4; i++)
		free_entry(e[i]);
}

static void test_switch_settings(void **state)
{
	struct las_checks c = { 0 };
	char buf[64];
	(void)state;
	assert_string_equal(switch_setting(&c, 'j', buf, sizeof(buf)), "junk=both");
	assert_string_equal(switch_setting(&c, 'z', buf, sizeof(buf)), "redzone=16");
	assert_string_equal(switch_setting(&c, 'c', buf, sizeof(buf)), "check_free=true");
	/* the sizes debug:true means (liballoc/shared/vocab.h), not others */
	char want[64];
	snprintf(want, sizeof(want), "quarantine=%llu", (unsigned long long)LAS_DEBUG_QUARANTINE);
	assert_string_equal(switch_setting(&c, 'u', buf, sizeof(buf)), want);
	assert_string_equal(switch_setting(&c, 'o', buf, sizeof(buf)), "on_error=report");
	c.junk = LAS_JUNK_ALLOC;
	c.redzone = 32;
	c.check_free = 1;
	c.quarantine = 4096;
	c.on_error = LAS_ONERR_IGNORE;
	assert_string_equal(switch_setting(&c, 'j', buf, sizeof(buf)), "junk=off");
	assert_string_equal(switch_setting(&c, 'z', buf, sizeof(buf)), "redzone=0");
	assert_string_equal(switch_setting(&c, 'c', buf, sizeof(buf)), "check_free=false");
	assert_string_equal(switch_setting(&c, 'u', buf, sizeof(buf)), "quarantine=0");
	assert_string_equal(switch_setting(&c, 'o', buf, sizeof(buf)), "on_error=abort");
	assert_null(switch_setting(&c, 'x', buf, sizeof(buf)));
	/* every setting is one the reader library accepts */
	struct as_error err;
	const int keys[] = { 'j', 'z', 'c', 'u', 'o' };
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct las_checks t = c;
		assert_true(switch_is_key(keys[i]));
		assert_int_equal(as_checks_parse(&t, switch_setting(&c, keys[i], buf, sizeof(buf)),
						 &err),
				 AS_OK);
	}
	assert_false(switch_is_key('q'));
}

static void test_detail_view(void **state)
{
	struct proc_entry *e = fab_entry(555, "detailed", 0);
	struct sink s;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	(void)state;

	assert_non_null(f);
	setenv("LIBALLOC_COLLECTOR_FILE", "/nonexistent/collector.json", 1);
	sink_init_stdio(&s, f);
	detail_render(e, &s, 120, 0);
	unsetenv("LIBALLOC_COLLECTOR_FILE");
	fclose(f);
	assert_non_null(strstr(text, "PID 555  (detailed)"));
	assert_non_null(strstr(text, "Size classes"));
	assert_non_null(strstr(text, "Arenas"));
	assert_non_null(strstr(text, "(exited threads)"));
	assert_non_null(strstr(text, "worker"));
	assert_non_null(strstr(text, "Large allocations"));
	assert_non_null(strstr(text, "double_free"));
	assert_non_null(strstr(text, "collector not running"));
	/* one table row per class in use: segfab fills all 8 classes */
	int rows = 0;
	for (char *p = strstr(text, "UTILISATION"); p && (p = strstr(p + 1, "]  50%")); )
		rows++;
	assert_int_equal(rows, 8);
	/* the event detail had a newline and quotes: no raw control chars */
	assert_null(strstr(text, "\"0\"\n\n"));
	free(text);
	free_entry(e);
}

/* ---- the process table on a directory ------------------------------ */

static char tmpdir[PATH_MAX];

static void write_seg(pid_t pid, const char *mutation)
{
	struct segfab_spec spec = segfab_default(pid);
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	char path[PATH_MAX + 32];
	assert_non_null(img);
	if (!strcmp(mutation, "version"))
		segfab_header(img)->abi_major = LAS_ABI_MAJOR + 1;
	else if (!strcmp(mutation, "badmagic"))
		segfab_header(img)->magic ^= 0xff;
	snprintf(path, sizeof(path), "%s/liballoc.%d", tmpdir, (int)pid);
	assert_int_equal(segfab_write(path, img, len), 0);
	free(img);
}

static pid_t dead_pid(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return p;
}

static void test_proctable_states(void **state)
{
	struct proctable pt;
	pid_t me = getpid(), parent = getppid(), gone = dead_pid();
	char path[PATH_MAX + 32];
	(void)state;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/alloctop-unit.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	write_seg(me, "none");
	write_seg(parent, "version");
	write_seg(1, "badmagic");
	write_seg(gone, "none");

	proctable_init(&pt, tmpdir, NULL, 0);
	assert_int_equal(proctable_refresh(&pt), 0);
	/* the bad-magic file is no segment at all: counted, not a row */
	assert_int_equal(pt.n, 3);
	assert_int_equal(pt.totals.not_segments, 1);
	assert_null(proctable_find(&pt, 1));
	assert_int_equal(proctable_find(&pt, me)->state, PS_OK);
	assert_int_equal(proctable_find(&pt, parent)->state, PS_VERSION);
	assert_int_equal(proctable_find(&pt, gone)->state, PS_STALE);
	assert_int_equal(pt.totals.ok, 1);
	assert_int_equal(pt.totals.shown, 3);
	assert_int_equal(pt.totals.live, proctable_find(&pt, me)->cur.totals.live_bytes);
	assert_false(proctable_find(&pt, me)->have_rates);

	/* second refresh: rates exist; a removed segment drops its entry */
	snprintf(path, sizeof(path), "%s/liballoc.%d", tmpdir, (int)gone);
	unlink(path);
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(pt.n, 2);
	assert_null(proctable_find(&pt, gone));
	assert_true(proctable_find(&pt, me)->have_rates);
	assert_int_equal(history_size(&proctable_find(&pt, me)->live_hist), 2);

	/* a failed segment is not read again until its file changes */
	struct proc_entry *bad = proctable_find(&pt, parent);
	assert_int_equal(bad->state, PS_VERSION);
	assert_int_not_equal(bad->failed_ino, 0);
	/* nor is a file set aside as no segment; once replaced by a valid
	 * segment, it is a row */
	assert_int_equal(pt.totals.not_segments, 1);
	snprintf(path, sizeof(path), "%s/liballoc.1", tmpdir);
	unlink(path);
	write_seg(1, "none");
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(proctable_find(&pt, 1)->state, PS_OK);
	assert_int_equal(pt.totals.not_segments, 0);

	/* -p: only the listed pids */
	proctable_free(&pt);
	pid_t only[] = { me };
	proctable_init(&pt, tmpdir, only, 1);
	proctable_refresh(&pt);
	assert_int_equal(pt.n, 1);
	proctable_free(&pt);

	/* a directory that does not exist is an error, not a crash */
	proctable_init(&pt, "/nonexistent/alloctop", NULL, 0);
	assert_int_equal(proctable_refresh(&pt), -1);
	assert_non_null(strstr(pt.list_error, "/nonexistent/alloctop"));
	proctable_free(&pt);

	const pid_t left[] = { me, parent, 1 };
	for (unsigned i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/liballoc.%d", tmpdir, (int)left[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(tmpdir), 0);
}

/* A segment already open whose process is gone (here: its recorded start
 * time no longer matches) turns stale; a new segment at the same path is
 * then read, not mistaken for the stale one. */
static void mark_recycled(const char *path)
{
	uint64_t wrong = 1;
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &wrong, sizeof(wrong),
				offsetof(struct las_header, start_time_ticks)),
			 (ssize_t)sizeof(wrong));
	close(fd);
}

static void test_proctable_pid_reuse(void **state)
{
	struct proctable pt;
	pid_t me = getpid();
	char path[PATH_MAX + 32];
	(void)state;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/alloctop-unit.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/liballoc.%d", tmpdir, (int)me);
	write_seg(me, "none");
	proctable_init(&pt, tmpdir, NULL, 0);
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(proctable_find(&pt, me)->state, PS_OK);

	/* the open segment now names another process instance, and a new
	 * one is published at the same path before the next refresh */
	mark_recycled(path);
	unlink(path);
	write_seg(me, "none");
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(proctable_find(&pt, me)->state, PS_STALE); /* the old file */
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(proctable_find(&pt, me)->state, PS_OK); /* the new file */

	/* a stale file left in place keeps its verdict without being re-read */
	mark_recycled(path);
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(proctable_refresh(&pt), 0);
	assert_int_equal(proctable_find(&pt, me)->state, PS_STALE);
	assert_int_not_equal(proctable_find(&pt, me)->failed_ino, 0);

	proctable_free(&pt);
	unlink(path);
	assert_int_equal(rmdir(tmpdir), 0);
}

/* ---- collector report ---------------------------------------------- */

static void test_json_scan(void **state)
{
	const char *line = "{\"type\":\"stack\",\"pid\":42,\"bytes\":18446744073709551615,"
			   "\"caller\":\"a\\\"b\\u00e9\\n\",\"frames\":[\"f1\",\"f2\",\"f3\"]}";
	uint64_t v;
	char buf[64];
	(void)state;
	assert_int_equal(json_u64(line, "pid", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(json_u64(line, "bytes", &v), -1); /* UINT64_MAX overflows the guard */
	assert_int_equal(json_u64(line, "missing", &v), -1);
	assert_int_equal(json_u64(line, "caller", &v), -1); /* a string, not a number */
	assert_int_equal(json_str(line, "caller", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a\"b? ");
	assert_int_equal(json_str_array(line, "frames", "|", 2, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "f1|f2");
	assert_int_equal(json_str_array(line, "frames", "|", 9, buf, 5), 2); /* truncated */
	assert_int_equal(strlen(buf), 4);
	assert_int_equal(json_str("{\"caller\":\"unterminated", "caller", buf, sizeof(buf)), -1);
	assert_int_equal(json_str("{\"caller\":\"ends in \\", "caller", buf, sizeof(buf)), -1);
}

static void test_collector_hook(void **state)
{
	char path[] = "/tmp/alloctop-collector.XXXXXX";
	struct collector_stack st[4];
	const char *why = NULL;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	(void)state;

	assert_non_null(f);
	fputs("{\"type\":\"process\",\"pid\":7,\"comm\":\"x\"}\n"
	      "{\"type\":\"stack\",\"pid\":7,\"samples\":5,\"bytes\":4096,\"caller\":\"make_buf\","
	      "\"frames\":[\"make_buf\",\"main\"]}\n"
	      "{\"type\":\"stack\",\"pid\":8,\"samples\":1,\"bytes\":1,\"caller\":\"other\",\"frames\":[]}\n"
	      "{\"type\":\"stack\",\"pid\":7,\"samples\":2,\"bytes\":64,\"caller\":\"small\"}\n"
	      "{\"type\":\"end\"}\n", f);
	fclose(f);
	setenv("LIBALLOC_COLLECTOR_FILE", path, 1);
	assert_int_equal(collector_top_stacks(7, st, 4, &why), 2);
	assert_int_equal(st[0].bytes, 4096);
	assert_int_equal(st[0].count, 5);
	assert_string_equal(st[0].frames, "make_buf <- make_buf <- main");
	assert_string_equal(st[1].frames, "small");
	assert_int_equal(collector_top_stacks(7, st, 1, &why), 1); /* max respected */
	assert_int_equal(collector_top_stacks(9, st, 4, &why), 0);
	assert_non_null(strstr(why, "no sampled stacks"));
	/* an old report means the collector stopped */
	struct utimbuf old = { time(NULL) - 3600, time(NULL) - 3600 };
	assert_int_equal(utime(path, &old), 0);
	assert_int_equal(collector_top_stacks(7, st, 4, &why), -1);
	assert_non_null(strstr(why, "s old"));
	unlink(path);
	assert_int_equal(collector_top_stacks(7, st, 4, &why), -1);
	assert_non_null(strstr(why, "not running"));
	unsetenv("LIBALLOC_COLLECTOR_FILE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_ring),
		cmocka_unit_test(test_sparkline_levels),
		cmocka_unit_test(test_options_good),
		cmocka_unit_test(test_options_bad),
		cmocka_unit_test(test_column_lookup),
		cmocka_unit_test(test_column_cells),
		cmocka_unit_test(test_hostile_text_sanitized),
		cmocka_unit_test(test_view_sort_filter),
		cmocka_unit_test(test_short_units),
		cmocka_unit_test(test_layout_fits),
		cmocka_unit_test(test_totals_fit),
		cmocka_unit_test(test_thread_view),
		cmocka_unit_test(test_switch_settings),
		cmocka_unit_test(test_detail_view),
		cmocka_unit_test(test_proctable_states),
		cmocka_unit_test(test_proctable_pid_reuse),
		cmocka_unit_test(test_json_scan),
		cmocka_unit_test(test_collector_hook),
	};
	return cmocka_run_group_tests_name("alloctop", tests, NULL, NULL);
}
