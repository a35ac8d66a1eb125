/* options.c - parse alloctop's command line (see options.h, alloctop(1)). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allocstat.h"
#include "columns.h"

void options_usage(FILE *out)
{
	fprintf(out,
		"usage: alloctop [-b] [-o | -n N] [-d SECONDS] [-p PID[,PID...]] [-s COLUMN] [-R]\n"
		"                [-f NAME] [-a] [-r] [-D] [-T] [-H] [-S DIR]\n"
		"Live view of every process that uses liballoc.\n"
		"  -b, --batch          plain text output (implied when stdout is not a terminal)\n"
		"  -n, --iterations N   stop after N refreshes\n"
		"  -o, --once           one refresh, then exit (same as -n 1)\n"
		"  -d, --delay SECONDS  time between refreshes (default 1, minimum 0.1)\n"
		"  -p, --pid PID[,PID]  only these processes (may be repeated)\n"
		"  -s, --sort COLUMN    sort by COLUMN (e.g. LIVE, ALLOC/s, PID; default LIVE)\n"
		"  -R, --reverse        reverse the sort order\n"
		"  -f, --filter NAME    only processes whose command contains NAME\n"
		"  -a, --all            also list stale segments, of processes that exited\n"
		"  -r, --raw            batch: exact integers instead of KiB/MiB and k/M\n"
		"  -D, --detail         batch: print the detail view of every process shown\n"
		"  -T, --threads        batch: print the thread view of every process shown\n"
		"  -H, --sites          batch: print the heap sites (top allocation sites) of each\n"
		"  -S, --stats-dir DIR  where segments live (default $LIBALLOC_STATS_DIR or /dev/shm)\n"
		"  -h, --help           this help;  -V, --version  print the version\n"
		"Columns:");
	for (int c = 0; c < COL_COUNT; c++)
		fprintf(out, " %s", columns[c].name);
	fprintf(out, "\nInteractive keys: press h or ? inside alloctop; see alloctop(1).\n");
}

static int parse_pids(const char *arg, struct options *o, char *err, size_t errlen)
{
	const char *p = arg;
	while (*p) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || errno || v <= 0 || v > 0x7fffffffL || (*end && *end != ',')) {
			snprintf(err, errlen, "invalid pid list '%s' (expected PID[,PID...])", arg);
			return -1;
		}
		if (o->npids == OPT_MAX_PIDS) {
			snprintf(err, errlen, "too many pids (at most %d)", OPT_MAX_PIDS);
			return -1;
		}
		o->pids[o->npids++] = (pid_t)v;
		p = *end ? end + 1 : end;
	}
	if (!o->npids) {
		snprintf(err, errlen, "empty pid list");
		return -1;
	}
	return 0;
}

static int parse_count(const char *arg, long *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (end == arg || *end || errno || v < 1) {
		snprintf(err, errlen, "invalid iteration count '%s' (expected a positive integer)", arg);
		return -1;
	}
	*out = v;
	return 0;
}

int options_parse_delay(const char *arg, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (end == arg || *end || errno || !isfinite(v) || v < 0.1 || v > 3600)
		return -1;
	*out = v;
	return 0;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "once", no_argument, NULL, 'o' },
		{ "delay", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'R' },
		{ "filter", required_argument, NULL, 'f' },
		{ "raw", no_argument, NULL, 'r' },
		{ "detail", no_argument, NULL, 'D' },
		{ "threads", no_argument, NULL, 'T' },
		{ "all", no_argument, NULL, 'a' },
		{ "sites", no_argument, NULL, 'H' },
		{ "stats-dir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->delay = 1.0;
	o->sort_col = COL_LIVE;
	err[0] = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":bn:od:p:s:Rf:arDTHS:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->batch = o->batch_forced = 1;
			break;
		case 'n':
			if (parse_count(optarg, &o->iterations, err, errlen))
				return AS_ERR_USAGE;
			break;
		case 'o':
			o->iterations = 1;
			break;
		case 'd':
			if (options_parse_delay(optarg, &o->delay)) {
				snprintf(err, errlen,
					 "invalid delay '%s' (seconds, 0.1 to 3600)", optarg);
				return AS_ERR_USAGE;
			}
			break;
		case 'p':
			if (parse_pids(optarg, o, err, errlen))
				return AS_ERR_USAGE;
			break;
		case 's':
			o->sort_col = column_find(optarg);
			if (o->sort_col < 0) {
				snprintf(err, errlen, "unknown column '%s' (see alloctop -h)", optarg);
				return AS_ERR_USAGE;
			}
			break;
		case 'R':
			o->reverse = 1;
			break;
		case 'f':
			snprintf(o->filter, sizeof(o->filter), "%s", optarg);
			break;
		case 'r':
			o->raw = 1;
			break;
		case 'D':
			o->detail = 1;
			break;
		case 'T':
			o->threads = 1;
			break;
		case 'a':
			o->show_stale = 1;
			break;
		case 'H':
			o->sites = 1;
			break;
		case 'S':
			o->dir = optarg;
			break;
		case 'h':
			o->help = 1;
			break;
		case 'V':
			o->version = 1;
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
			return AS_ERR_USAGE;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return AS_ERR_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return AS_ERR_USAGE;
	}
	return 0;
}
