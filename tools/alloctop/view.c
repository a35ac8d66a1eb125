/* view.c - filter and sort the process list (see view.h). */
#include "view.h"

#include <stdlib.h>
#include <string.h>

#include "columns.h"

void view_init(struct view *v, int sort_col)
{
	memset(v, 0, sizeof(*v));
	v->sort_col = sort_col;
}

int view_descending(const struct view *v)
{
	return columns[v->sort_col].default_desc ^ (v->reverse != 0);
}

int view_matches(const struct view *v, const struct proc_entry *e)
{
	if (!v->filter[0])
		return 1;
	if (e->state != PS_OK)
		return 0; /* nothing known to match against */
	const struct as_snapshot *s = &e->cur;
	char name[LAS_EXE_LEN + 3];
	/* what COMMAND shows, the executable and the command line; the
	 * segment's own account only when the kernel told nothing */
	return strcasestr(as_snapshot_command(s, name, sizeof(name)), v->filter) ||
	       strcasestr(s->exe, v->filter) || strcasestr(s->cmdline, v->filter) ||
	       (!(s->identity & AS_ID_CMDLINE) && strcasestr(s->reported_cmdline, v->filter));
}

int view_index_of(const struct view *v, pid_t pid)
{
	for (unsigned i = 0; i < v->nrows; i++)
		if (v->rows[i]->pid == pid)
			return (int)i;
	return -1;
}

static int sort_col_arg, sort_desc_arg;

static int cmp_rows(const void *a, const void *b)
{
	const struct proc_entry *ea = *(struct proc_entry *const *)a;
	const struct proc_entry *eb = *(struct proc_entry *const *)b;
	int c = column_cmp(ea, eb, sort_col_arg);
	if (sort_desc_arg)
		c = -c;
	if (c == 0) /* stable, predictable order among equals */
		c = (ea->pid > eb->pid) - (ea->pid < eb->pid);
	return c;
}

int view_build(struct view *v, const struct proctable *pt)
{
	if (pt->n > v->cap) {
		struct proc_entry **n = realloc(v->rows, pt->n * sizeof(*n));
		if (!n)
			return -1;
		v->rows = n;
		v->cap = pt->n;
	}
	v->nrows = 0;
	v->stale_hidden = v->filtered_out = 0;
	memset(&v->totals, 0, sizeof(v->totals));
	v->totals.unreadable = pt->totals.unreadable;
	for (unsigned i = 0; i < pt->n; i++) {
		struct proc_entry *e = pt->e[i];
		if (e->hidden)
			continue;
		if (e->state == PS_STALE && !v->show_stale)
			v->stale_hidden++;
		else if (!view_matches(v, e))
			v->filtered_out++;
		else {
			v->rows[v->nrows++] = e;
			proc_totals_add(&v->totals, e);
		}
	}
	sort_col_arg = v->sort_col;
	sort_desc_arg = view_descending(v);
	if (v->nrows > 1)
		qsort(v->rows, v->nrows, sizeof(*v->rows), cmp_rows);
	return 0;
}

void view_free(struct view *v)
{
	free(v->rows);
	memset(v, 0, sizeof(*v));
}
