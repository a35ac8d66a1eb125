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
/* "Total: live 1.0 MiB  peak ...  errors 0" */
void report_totals(const struct proctable *pt, char *buf, size_t len);
/* Note number i (0, 1, ...) on what the list leaves out: files that are
 * not segments, unreadable segments beyond the row limit, files left for
 * the next refresh. 1 and the line in buf, or 0 when there is no note i. */
int report_note(const struct proctable *pt, unsigned i, char *buf, size_t len);
/* Lines explaining an empty list (no segments, filter misses, -p misses). */
void report_empty(const struct proctable *pt, const struct view *v, struct sink *s);

#endif
