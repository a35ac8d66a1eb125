/* columns.c - process-list columns: definitions, cells, ordering (see columns.h). */
#include "columns.h"
#include "sink.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct column columns[COL_COUNT] = {
	[COL_PID] = { "PID", 'P', 7, 0, 0, "process id" },
	[COL_USER] = { "USER", 'U', 8, 1, 0, "owner of the process" },
	[COL_COMMAND] = { "COMMAND", 'N', 15, 1, 0, "executable name" },
	[COL_LIVE] = { "LIVE", 'L', 10, 0, 1, "bytes in live allocations (usable size)" },
	[COL_PEAK] = { "PEAK", 'K', 10, 0, 1, "peak bytes handed out by the allocator" },
	[COL_RSS] = { "RSS", 'M', 10, 0, 1, "allocator pages resident (active + dirty)" },
	[COL_MAPPED] = { "MAPPED", 'V', 10, 0, 1, "address space mapped by the allocator" },
	[COL_DIRTY] = { "DIRTY", 'Y', 10, 0, 1, "freed pages not yet returned to the kernel" },
	[COL_FRAG] = { "FRAG", 'G', 6, 0, 1, "fragmentation: RSS / LIVE" },
	[COL_ALLOC_RATE] = { "ALLOC/s", 'A', 8, 0, 1, "allocations per second" },
	[COL_FREE_RATE] = { "FREE/s", 'F', 8, 0, 1, "frees per second" },
	[COL_THREADS] = { "THREADS", 'T', 7, 0, 1, "live threads" },
	[COL_MAPS] = { "MAPS", 'O', 6, 0, 1, "kernel memory mappings held by the allocator" },
	[COL_CHECKS] = { "CHECKS", 'C', 16, 1, 1, "debug checks on (* = change pending)" },
	[COL_ERR] = { "ERR", 'E', 5, 0, 1, "debug-check violations seen" },
};

static const struct {
	const char *alias;
	int col;
} aliases[] = {
	{ "alloc", COL_ALLOC_RATE }, { "allocs", COL_ALLOC_RATE },
	{ "free", COL_FREE_RATE },   { "frees", COL_FREE_RATE },
	{ "cmd", COL_COMMAND },      { "name", COL_COMMAND },
	{ "mem", COL_RSS },          { "res", COL_RSS },
	{ "err", COL_ERR },          { "errors", COL_ERR },
	{ "maps", COL_MAPS },        { "threads", COL_THREADS },
};

int column_find(const char *name)
{
	for (int c = 0; c < COL_COUNT; c++)
		if (strcasecmp(name, columns[c].name) == 0)
			return c;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return aliases[i].col;
	return -1;
}

int column_by_key(int key)
{
	for (int c = 0; c < COL_COUNT; c++)
		if (columns[c].sort_key == key)
			return c;
	return -1;
}

/* Numeric value of a numeric column; 0 for an entry without a snapshot. */
static double column_value(const struct proc_entry *e, int col)
{
	const struct as_snapshot *s = &e->cur;

	if (col == COL_PID)
		return e->pid;
	if (e->state != PS_OK)
		return -1; /* below every real value: errors sort to one end */
	switch (col) {
	case COL_LIVE: return (double)s->totals.live_bytes;
	case COL_PEAK: return (double)s->globals.peak_handed_bytes;
	case COL_RSS: return (double)s->globals.resident_bytes;
	case COL_MAPPED: return (double)s->globals.mapped_bytes;
	case COL_DIRTY: return (double)s->globals.dirty_bytes;
	case COL_FRAG:
		return s->totals.live_bytes
			       ? (double)s->globals.resident_bytes / (double)s->totals.live_bytes
			       : 0;
	case COL_ALLOC_RATE: return e->have_rates ? e->rates.allocs_per_sec : 0;
	case COL_FREE_RATE: return e->have_rates ? e->rates.frees_per_sec : 0;
	case COL_THREADS: return (double)s->totals.threads_live;
	case COL_MAPS: return (double)s->globals.kernel_mappings;
	case COL_ERR: return (double)s->totals.violations_total;
	default: return 0;
	}
}

static int checks_pending(const struct las_control *c)
{
	return c->request_gen != c->applied_gen;
}

static void format_checks(const struct proc_entry *e, char *buf, size_t len)
{
	char tmp[64];
	as_fmt_checks(tmp, sizeof(tmp), &e->cur.control.applied);
	snprintf(buf, len, "%s%s", tmp, checks_pending(&e->cur.control) ? "*" : "");
}

void column_format(const struct proc_entry *e, int col, int raw, char *buf, size_t len)
{
	const struct as_snapshot *s = &e->cur;
	double v;

	if (col == COL_PID) {
		snprintf(buf, len, "%d", (int)e->pid);
		return;
	}
	if (e->state != PS_OK) {
		/* The command column says what is wrong; the rest stays empty. */
		if (col == COL_COMMAND)
			snprintf(buf, len, "[%s]", proc_state_label(e->state));
		else
			snprintf(buf, len, "-");
		return;
	}
	switch (col) {
	case COL_USER:
		text_escape(buf, len, e->user);
		return;
	case COL_COMMAND: {
		/* the kernel's name for it; "(name)" = only the segment says so */
		char name[LAS_EXE_LEN + 3];
		text_escape(buf, len, as_snapshot_command(s, name, sizeof(name)));
		return;
	}
	case COL_CHECKS:
		format_checks(e, buf, len);
		return;
	case COL_FRAG:
		if (!s->totals.live_bytes)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.2f", column_value(e, col));
		return;
	case COL_ALLOC_RATE:
	case COL_FREE_RATE:
		if (!e->have_rates) {
			snprintf(buf, len, "-");
			return;
		}
		v = column_value(e, col);
		if (raw)
			snprintf(buf, len, "%.1f", v);
		else
			as_fmt_count(buf, len, v);
		return;
	case COL_THREADS:
	case COL_MAPS:
	case COL_ERR:
		snprintf(buf, len, "%.0f", column_value(e, col));
		return;
	default:
		v = column_value(e, col);
		if (raw)
			snprintf(buf, len, "%.0f", v);
		else
			as_fmt_bytes(buf, len, v);
		return;
	}
}

static int text_cmp(const struct proc_entry *a, const struct proc_entry *b, int col)
{
	char ba[64], bb[64];
	column_format(a, col, 1, ba, sizeof(ba));
	column_format(b, col, 1, bb, sizeof(bb));
	return strcmp(ba, bb);
}

int column_cmp(const struct proc_entry *a, const struct proc_entry *b, int col)
{
	if (col == COL_USER || col == COL_COMMAND || col == COL_CHECKS)
		return text_cmp(a, b, col);
	double va = column_value(a, col), vb = column_value(b, col);
	return (va > vb) - (va < vb);
}

/* Append one cell padded to the column width; a cell wider than its column
 * pushes the rest right rather than losing digits. */
static size_t put_cell(char *buf, size_t len, size_t pos, int col, const char *text)
{
	int w = columns[col].width;
	int n;
	if (pos >= len)
		return pos;
	if (columns[col].left_align && col != COL_COUNT - 1)
		n = snprintf(buf + pos, len - pos, "%s%-*.*s", pos ? " " : "", w,
			     col == COL_CHECKS ? 64 : w, text);
	else
		n = snprintf(buf + pos, len - pos, "%s%*s", pos ? " " : "", w, text);
	if (n < 0)
		return pos;
	pos += (size_t)n;
	return pos < len ? pos : len - 1;
}

size_t columns_header(char *buf, size_t len)
{
	size_t pos = 0;
	if (len)
		buf[0] = 0;
	for (int c = 0; c < COL_COUNT; c++)
		pos = put_cell(buf, len, pos, c, columns[c].name);
	return pos;
}

size_t columns_row(const struct proc_entry *e, int raw, char *buf, size_t len)
{
	size_t pos = 0;
	char cell[96];
	if (len)
		buf[0] = 0;
	for (int c = 0; c < COL_COUNT; c++) {
		column_format(e, c, raw, cell, sizeof(cell));
		pos = put_cell(buf, len, pos, c, cell);
	}
	return pos;
}

/* Widths with the short units: at least the header, at least 5 for a number. */
static const int short_width[COL_COUNT] = {
	[COL_PID] = 7, [COL_USER] = 8, [COL_COMMAND] = 13, [COL_LIVE] = 5, [COL_PEAK] = 5,
	[COL_RSS] = 5, [COL_MAPPED] = 6, [COL_DIRTY] = 5, [COL_FRAG] = 5, [COL_ALLOC_RATE] = 7,
	[COL_FREE_RATE] = 6, [COL_THREADS] = 7, [COL_MAPS] = 5, [COL_CHECKS] = 16, [COL_ERR] = 5,
};

static int layout_pass(int width, int first, int short_units, struct col_layout *l)
{
	int used = 0;
	memset(l, 0, sizeof(*l));
	l->short_units = short_units;
	for (int c = 0; c < COL_COUNT; c++) {
		if (c != COL_PID && c < first + 1)
			continue;
		int w = short_units ? short_width[c] : columns[c].width;
		int need = used + (l->n ? 1 : 0) + w;
		if (need > width)
			break;
		l->col[l->n] = c;
		l->width[l->n] = w;
		l->n++;
		used = need;
	}
	l->more_left = first > 0;
	l->more_right = l->n == 0 || l->col[l->n - 1] < COL_COUNT - 1;
	return !l->more_right;
}

void columns_layout(int width, int first, struct col_layout *l)
{
	if (first < 0)
		first = 0;
	if (first > COL_COUNT - 2)
		first = COL_COUNT - 2;
	if (!layout_pass(width, first, 0, l))
		layout_pass(width, first, 1, l);
}

int columns_layout_x(const struct col_layout *l, int col)
{
	int x = 0;
	for (int i = 0; i < l->n; i++) {
		if (l->col[i] == col)
			return x;
		x += l->width[i] + 1;
	}
	return -1;
}

/* Cell text with the short units (numbers at most 5 characters). */
static void column_format_short(const struct proc_entry *e, int col, char *buf, size_t len)
{
	double v;
	if (col == COL_PID || e->state != PS_OK || col == COL_USER || col == COL_COMMAND ||
	    col == COL_CHECKS) {
		column_format(e, col, 0, buf, len);
		return;
	}
	v = column_value(e, col);
	switch (col) {
	case COL_FRAG:
		if (!e->cur.totals.live_bytes)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
		if (strlen(buf) > 5)
			snprintf(buf, len, "%s", fmt_count_short(v));
		return;
	case COL_ALLOC_RATE:
	case COL_FREE_RATE:
		snprintf(buf, len, "%s", e->have_rates ? fmt_count_short(v) : "-");
		return;
	case COL_THREADS:
	case COL_MAPS:
	case COL_ERR:
		snprintf(buf, len, "%s", fmt_count_short(v));
		return;
	default:
		snprintf(buf, len, "%s", fmt_bytes_short(v));
		return;
	}
}

/* One cell padded (or, for text, truncated) to w; numbers fit by design. */
static size_t put_fit(char *buf, size_t len, size_t pos, int col, int w, const char *text)
{
	int n;
	if (pos >= len)
		return pos;
	char checks[64];
	if (col == COL_CHECKS && (int)strlen(text) > w) {
		/* "junk,rz32,free,q16M": whole items only, "+" says more follow. */
		snprintf(checks, sizeof(checks), "%.*s", w - 1, text);
		char *comma = strrchr(checks, ',');
		if (comma)
			comma[1] = 0;
		snprintf(checks + strlen(checks), sizeof(checks) - strlen(checks), "+");
		text = checks;
	}
	if (columns[col].left_align)
		n = snprintf(buf + pos, len - pos, "%s%-*.*s", pos ? " " : "", w, w, text);
	else
		n = snprintf(buf + pos, len - pos, "%s%*s", pos ? " " : "", w, text);
	if (n < 0)
		return pos;
	pos += (size_t)n;
	return pos < len ? pos : len - 1;
}

size_t columns_header_fit(const struct col_layout *l, char *buf, size_t len)
{
	size_t pos = 0;
	if (len)
		buf[0] = 0;
	for (int i = 0; i < l->n; i++)
		pos = put_fit(buf, len, pos, l->col[i], l->width[i], columns[l->col[i]].name);
	return pos;
}

size_t columns_row_fit(const struct proc_entry *e, const struct col_layout *l, char *buf, size_t len)
{
	size_t pos = 0;
	char cell[96];
	if (len)
		buf[0] = 0;
	for (int i = 0; i < l->n; i++) {
		int c = l->col[i];
		if (l->short_units)
			column_format_short(e, c, cell, sizeof(cell));
		else
			column_format(e, c, 0, cell, sizeof(cell));
		/* A number wider than its column takes the short units instead. */
		if (!columns[c].left_align && (int)strlen(cell) > l->width[i])
			column_format_short(e, c, cell, sizeof(cell));
		pos = put_fit(buf, len, pos, c, l->width[i], cell);
	}
	return pos;
}
