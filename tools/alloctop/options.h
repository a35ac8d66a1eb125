/* options.h - alloctop's command line. */
#ifndef ALLOCTOP_OPTIONS_H
#define ALLOCTOP_OPTIONS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define OPT_MAX_PIDS 64

struct options {
	int batch;             /* -b, or stdout is not a terminal */
	int batch_forced;      /* -b given explicitly */
	long iterations;       /* -n; 0 = until quit */
	double delay;          /* -d seconds between refreshes */
	pid_t pids[OPT_MAX_PIDS];
	unsigned npids;        /* -p */
	int sort_col;          /* -s */
	int reverse;           /* -R */
	int raw;               /* -r exact numbers in batch */
	int detail;            /* -D: batch prints the detail view of each -p pid */
	int threads;           /* -T: batch prints the thread view of each row */
	int show_stale;        /* -a: also list stale segments (exited processes) */
	int sites;             /* -H: batch prints the heap sites of each process */
	char filter[64];       /* -f NAME */
	const char *dir;       /* -S DIR stats directory */
	int help, version;
};

/*
 * Parse argv into o (defaults first). Returns 0, or AS_ERR_USAGE with a
 * message in err when the command line is wrong.
 */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);
void options_usage(FILE *out);
/* A refresh delay in seconds, 0.1 to 3600; 0 or -1 when invalid. */
int options_parse_delay(const char *arg, double *out);

#endif
