/* heap_sites.c - group a heap profile by allocation site (see heap_sites.h). */
#include <stdlib.h>

#include "heap_sites.h"

uint32_t heap_first_frame(const struct as_stack *s, struct symbols *sym)
{
	uint32_t f = 0;
	/* Keep at least one frame: a stack of allocators only names the last. */
	while (f + 1 < s->depth && symbols_is_allocator(sym, s->frames[f]))
		f++;
	return f;
}

static int by_live_bytes(const void *a, const void *b)
{
	const struct heap_site *x = a, *y = b;
	if (x->live_bytes != y->live_bytes)
		return x->live_bytes < y->live_bytes ? 1 : -1;
	if (x->alloc_bytes != y->alloc_bytes)
		return x->alloc_bytes < y->alloc_bytes ? 1 : -1;
	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int by_pc(const void *a, const void *b)
{
	const struct heap_site *x = a, *y = b;
	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

long heap_sites(const struct as_profile *p, struct symbols *sym, struct heap_site **out)
{
	struct heap_site *all = calloc(p->nstacks ? p->nstacks : 1, sizeof(*all));
	if (!all)
		return -1;
	for (uint32_t i = 0; i < p->nstacks; i++) {
		const struct as_stack *s = &p->stacks[i];
		struct heap_site *h = &all[i];
		h->first_frame = s->depth ? heap_first_frame(s, sym) : 0;
		h->pc = s->depth ? s->frames[h->first_frame] : 0;
		h->stack = i;
		h->live_bytes = s->live_bytes;
		h->live_objs = s->live_objs;
		h->alloc_bytes = s->alloc_bytes;
		h->alloc_objs = s->alloc_objs;
		h->live_samples = s->live_samples;
		h->samples = s->samples;
	}
	/* Merge the stacks of each site (sorted by pc, then folded). */
	qsort(all, p->nstacks, sizeof(*all), by_pc);
	size_t n = 0;
	for (uint32_t i = 0; i < p->nstacks; i++) {
		if (n && all[n - 1].pc == all[i].pc) {
			struct heap_site *h = &all[n - 1];
			if (all[i].live_bytes > p->stacks[h->stack].live_bytes) {
				h->stack = all[i].stack;
				h->first_frame = all[i].first_frame;
			}
			h->live_bytes += all[i].live_bytes;
			h->live_objs += all[i].live_objs;
			h->alloc_bytes += all[i].alloc_bytes;
			h->alloc_objs += all[i].alloc_objs;
			h->live_samples += all[i].live_samples;
			h->samples += all[i].samples;
		} else {
			all[n++] = all[i];
		}
	}
	qsort(all, n, sizeof(*all), by_live_bytes);
	*out = all;
	return (long)n;
}

const struct heap_site *heap_site_find(const struct heap_site *sites, size_t n, uint64_t pc)
{
	for (size_t i = 0; i < n; i++)
		if (sites[i].pc == pc)
			return &sites[i];
	return NULL;
}
