/*
 * heap_sites.h - a heap profile grouped by allocation site: the innermost
 * frame of each stack that is not an allocation function itself (so the
 * site of `new T` is its caller, not operator new). Shared by allocdump
 * --heap and alloctop's sites view.
 */
#ifndef ALLOCDUMP_HEAP_SITES_H
#define ALLOCDUMP_HEAP_SITES_H

#include <stddef.h>

#include "allocstat.h"
#include "symbols.h"

struct heap_site {
	uint64_t pc;          /* the site's return address; 0 = "other" */
	uint32_t first_frame; /* index of that frame in the stack below */
	uint32_t stack;       /* the site's stack with the most live bytes */
	double live_bytes, live_objs, alloc_bytes, alloc_objs;
	uint64_t live_samples, samples;
};

/* Sites of p, sorted by live bytes (largest first); *out is heap-allocated.
 * Returns the number of sites, or -1 when out of memory. */
long heap_sites(const struct as_profile *p, struct symbols *sym, struct heap_site **out);
/* The first frame of stack s that is not an allocation function. */
uint32_t heap_first_frame(const struct as_stack *s, struct symbols *sym);
/* The site in sites[0..n) with this pc, or NULL. */
const struct heap_site *heap_site_find(const struct heap_site *sites, size_t n, uint64_t pc);

#endif
