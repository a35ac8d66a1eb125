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
	struct proc_entry **rows;
	unsigned nrows, cap;
};

void view_init(struct view *v, int sort_col);
/* Rebuild rows from pt: drop hidden entries and filter misses, sort.
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
