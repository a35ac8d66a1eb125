/*
 * report.h - the text both screens share: the title/totals lines above the
 * process list and the message shown when there is nothing to list.
 */
#ifndef ALLOCTOP_REPORT_H
#define ALLOCTOP_REPORT_H

#include <stddef.h>

#include "options.h"
#include "proctable.h"
#include "sink.h"
#include "view.h"

/* "alloctop - 14:02:11 - 3 processes - delay 1.0s - sort LIVE desc" */
void report_title(const struct proctable *pt, const struct view *v, double delay, int paused,
		  char *buf, size_t len);
/* The same within width characters, whole items only: on a narrow screen
 * the filter and PAUSED come before the sort order and the delay. */
void report_title_fit(const struct proctable *pt, const struct view *v, double delay, int paused,
		      int width, char *buf, size_t len);
/* "Total: live 1.0 MiB  peak ...  errors 0", over the rows v shows. */
void report_totals(const struct view *v, char *buf, size_t len);
/* The same for a screen `width` wide: whole items only, on one line or
 * two, in short units when that is what it takes. Returns the lines used. */
int report_totals_fit(const struct view *v, int width, char lines[2][256]);
/* Shortens line to at most width characters by dropping whole items from
 * the end, items being separated by sep. */
void report_fit(char *line, int width, const char *sep);
/* Note number i (0, 1, ...) on what the list leaves out: files that are
 * not segments, unreadable segments beyond the row limit, files left for
 * the next refresh. 1 and the line in buf, or 0 when there is no note i. */
int report_note(const struct proctable *pt, unsigned i, char *buf, size_t len);
/* Lines explaining an empty list (no segments, filter misses, -p misses). */
void report_empty(const struct proctable *pt, const struct view *v, struct sink *s);

#endif
