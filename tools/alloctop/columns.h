/*
 * columns.h - the process-list columns of alloctop: names, sort keys,
 * formatting and ordering. Shared by the screen and batch output so that
 * both show the same numbers under the same stable headers.
 */
#ifndef ALLOCTOP_COLUMNS_H
#define ALLOCTOP_COLUMNS_H

#include <stddef.h>

#include "proctable.h"

enum col_id {
	COL_PID = 0,
	COL_USER,
	COL_COMMAND,
	COL_LIVE,
	COL_PEAK,
	COL_RSS,
	COL_MAPPED,
	COL_DIRTY,
	COL_FRAG,
	COL_ALLOC_RATE,
	COL_FREE_RATE,
	COL_THREADS,
	COL_MAPS,
	COL_CHECKS,
	COL_ERR,
	COL_COUNT
};

struct column {
	const char *name;    /* header text, also accepted by -s */
	int sort_key;        /* key that sorts by this column in the UI */
	int width;           /* characters, excluding the separating space */
	int left_align;      /* text columns are left-aligned */
	int default_desc;    /* numbers sort largest first, text A..Z */
	const char *help;    /* one line for the help screen and the man page */
};

extern const struct column columns[COL_COUNT];

/* Column by header name or alias, case-insensitive ("alloc/s", "alloc",
 * "live"); -1 when unknown. */
int column_find(const char *name);

/* Column whose sort key is `key`; -1 if none. */
int column_by_key(int key);

/* Text of one cell. raw: exact integers instead of human units (batch -r). */
void column_format(const struct proc_entry *e, int col, int raw, char *buf, size_t len);

/* Numeric value used for sorting (text columns compare with column_cmp). */
int column_cmp(const struct proc_entry *a, const struct proc_entry *b, int col);

/* The header line and one row, columns separated by one space, no trailing
 * newline. Returns the length written. */
size_t columns_header(char *buf, size_t len);
size_t columns_row(const struct proc_entry *e, int raw, char *buf, size_t len);

/*
 * The list on a screen of `width` characters: PID, then the columns from
 * the scrollable column `first` (0 = USER) on that fit whole. When not all
 * of them fit in the batch widths, numbers take the short units of
 * fmt_bytes_short / fmt_count_short and narrower columns. A row built from
 * a layout is never longer than width: no number is cut at the edge.
 */
struct col_layout {
	int n;              /* columns shown */
	int col[COL_COUNT]; /* which, left to right */
	int width[COL_COUNT];
	int short_units;
	int more_left, more_right; /* columns scrolled out of view */
};
void columns_layout(int width, int first, struct col_layout *l);
/* Screen column where column col starts in l, or -1 when not shown. */
int columns_layout_x(const struct col_layout *l, int col);
size_t columns_header_fit(const struct col_layout *l, char *buf, size_t len);
size_t columns_row_fit(const struct proc_entry *e, const struct col_layout *l, char *buf, size_t len);

#endif
