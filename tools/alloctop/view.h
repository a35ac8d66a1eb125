/*
 * view.h - which rows the process list shows and in what order: the
 * name filter and the sort column/direction applied to a proctable.
 */
#ifndef ALLOCTOP_VIEW_H
#define ALLOCTOP_VIEW_H

#include "proctable.h"

struct view {
	int sort_col;          /* enum col_id */
	int reverse;           /* flip the column's natural direction */
	char filter[64];       /* substring of COMMAND or cmdline; "" = all */
	int show_stale;        /* list segments left behind by exited processes */
	struct proc_entry **rows;
	unsigned nrows, cap;
	/* Filled by view_build: sums over the rows shown (the Total line),
	 * and what was left out. */
	struct proc_totals totals;
	unsigned stale_hidden;  /* stale rows not shown (show_stale off) */
	unsigned filtered_out;  /* rows the filter hides */
};

void view_init(struct view *v, int sort_col);
/* Rebuild rows from pt: drop other users' entries, stale ones (unless
 * show_stale) and filter misses, sort, and total what is shown.
 * Returns 0 or -1 on allocation failure (rows then keeps its old content). */
int view_build(struct view *v, const struct proctable *pt);
/* Does e pass the filter? (case-insensitive substring of exe or cmdline) */
int view_matches(const struct view *v, const struct proc_entry *e);
/* Row index of pid in the view, or -1. */
int view_index_of(const struct view *v, pid_t pid);
/* Is the current order descending (largest first)? */
int view_descending(const struct view *v);
void view_free(struct view *v);

#endif
