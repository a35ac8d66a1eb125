/* stat_rates.c - per-second rates between two snapshots of one process. */
#include <stdlib.h>
#include <string.h>

#include "stat_internal.h"

/* A counter that went backwards (pid recycled, hostile writer) counts as 0. */
static double per_sec(uint64_t prev, uint64_t cur, double seconds)
{
	return (double)as_sub_floor0(cur, prev) / seconds;
}

int as_rates_compute(const struct as_snapshot *prev, const struct as_snapshot *cur,
		     struct as_rates *out)
{
	memset(out, 0, sizeof(*out));
	if (!prev || !cur || prev->pid != cur->pid || cur->taken_ns <= prev->taken_ns)
		return -1;
	double s = (double)(cur->taken_ns - prev->taken_ns) / 1e9;
	out->seconds = s;
	out->allocs_per_sec = per_sec(prev->totals.alloc_count, cur->totals.alloc_count, s);
	out->frees_per_sec = per_sec(prev->totals.free_count, cur->totals.free_count, s);
	out->alloc_bytes_per_sec = per_sec(prev->totals.alloc_bytes, cur->totals.alloc_bytes, s);
	out->free_bytes_per_sec = per_sec(prev->totals.free_bytes, cur->totals.free_bytes, s);
	out->madvise_per_sec = per_sec(prev->globals.madvise_calls, cur->globals.madvise_calls, s);
	out->purged_bytes_per_sec =
		per_sec(prev->globals.purged_bytes, cur->globals.purged_bytes, s);
	uint32_t n = prev->nclasses < cur->nclasses ? prev->nclasses : cur->nclasses;
	if (n) {
		out->class_allocs_per_sec = calloc(n, sizeof(double));
		if (!out->class_allocs_per_sec)
			return -1;
		out->nclasses = n;
		for (uint32_t c = 0; c < n; c++)
			out->class_allocs_per_sec[c] = per_sec(prev->classes[c].alloc_total,
							       cur->classes[c].alloc_total, s);
	}
	return 0;
}

void as_rates_free(struct as_rates *r)
{
	if (!r)
		return;
	free(r->class_allocs_per_sec);
	r->class_allocs_per_sec = NULL;
	r->nclasses = 0;
}
