/*
 * sites.h - the heap sites view of one process: its top allocation sites
 * by estimated live bytes (from the heap profile in its segment), with how
 * fast each grows between two looks. Written to any sink (screen, batch).
 */
#ifndef ALLOCTOP_SITES_H
#define ALLOCTOP_SITES_H

#include "proctable.h"
#include "sink.h"

/* What the view remembers between refreshes: per process, its symbols
 * and the previous profile's sites (for the growth rate). */
struct sites_state;

struct sites_state *sites_state_new(void);
void sites_state_free(struct sites_state *st);

/* Render the sites of e, taking a new profile when the last one is at
 * least min_age seconds old. width: columns available. */
void sites_render(struct sites_state *st, const struct proc_entry *e, struct sink *s, int width,
		  double min_age);

#endif
