/*
 * heap.h - allocdump's heap-profile outputs (--heap, --folded, --pprof,
 * --base): a profile taken by the reader library, symbolised here.
 */
#ifndef ALLOCDUMP_HEAP_H
#define ALLOCDUMP_HEAP_H

#include <stdio.h>

#include "allocstat.h"
#include "symbols.h"

/* A profile read back from a pprof legacy heap file (--base). */
struct heap_base {
	struct as_profile prof; /* stacks with raw counts and pprof-scaled estimates */
	char path[512];
};

/* Load FILE written by allocdump --pprof or alloc_ctl("prof.dump").
 * 0, or -1 with a message in why. */
int heap_base_load(const char *path, struct heap_base *b, char *why, size_t whylen);
void heap_base_free(struct heap_base *b);
/* Replace the estimates of p by the ones pprof derives from its raw
 * samples (what a base file holds), so that growth compares alike. */
void heap_rescale_like_pprof(struct as_profile *p);

/* --heap: the top sites by live bytes (by growth over base when given). */
void heap_text(FILE *out, const struct as_profile *p, struct symbols *sym,
	       const struct heap_base *base, unsigned top);
void heap_json(FILE *out, const struct as_profile *p, struct symbols *sym,
	       const struct heap_base *base, unsigned top);
/* --folded: "outer;...;site LIVE_BYTES" lines for flame graphs. */
void heap_folded(FILE *out, const struct as_profile *p, struct symbols *sym);
/* --pprof: the legacy heap profile, MAPPED_LIBRARIES from /proc/PID/maps.
 * Leading allocation functions (operator new) are left out when sym can
 * name them: pprof drops such frames only by their unversioned names.
 * 0, or -1 with a message in why. */
int heap_pprof(FILE *out, const struct as_profile *p, struct symbols *sym, char *why,
	       size_t whylen);

#endif
