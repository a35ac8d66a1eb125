/*
 * history.h - a fixed ring of recent samples per process, for the
 * sparklines of the detail view.
 */
#ifndef ALLOCTOP_HISTORY_H
#define ALLOCTOP_HISTORY_H

#include <stddef.h>

#define HISTORY_LEN 120

struct history {
	double v[HISTORY_LEN];
	unsigned count; /* samples ever pushed */
};

void history_push(struct history *h, double value);
/* Number of samples held (at most HISTORY_LEN). */
unsigned history_size(const struct history *h);
/* Sample i, 0 = oldest held. */
double history_at(const struct history *h, unsigned i);

/*
 * Render the newest `width` samples as a sparkline scaled to their max.
 * utf8: use block characters, else the ASCII ramp " .:-=+*#". Writes at most
 * len-1 bytes plus NUL; returns the number of cells drawn.
 */
int history_sparkline(const struct history *h, int width, int utf8, char *buf, size_t len);

#endif
