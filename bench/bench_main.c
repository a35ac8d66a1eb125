/*
 * bench_main.c - allocbench: run one allocator workload and print one line
 * of key=value results (time, checksum, errors, mappings, RSS).
 *
 *   allocbench --list
 *   allocbench [-t THREADS] [-s SCALE] [--seed N] WORKLOAD
 */
#include "bench_common.h"

#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: allocbench [-t THREADS] [-s SCALE] [--seed N] WORKLOAD\n"
		"       allocbench --list\n"
		"Runs one allocator workload with the malloc in effect (use LD_PRELOAD)\n"
		"and prints: workload threads scale time_s ops checksum errors\n"
		"anon_maps rss_end_kb [workload extras]. Exit 0 ok, 1 content errors,\n"
		"2 bad usage.\n");
}

static const struct workload *find_workload(const char *name)
{
	for (const struct workload *w = bench_workloads; w->name; w++)
		if (strcmp(w->name, name) == 0)
			return w;
	return NULL;
}

static int parse_number(const char *what, const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "allocbench: bad %s '%s' (want %g..%g)\n", what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"list", no_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"scale", required_argument, NULL, 's'},
		{"seed", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bench_params bp = {.threads = 1, .scale = 1.0, .seed = 42};
	double v;
	int opt;

	while ((opt = getopt_long(argc, argv, "lt:s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			for (const struct workload *w = bench_workloads; w->name; w++)
				printf("%s %s %s\n", w->name, w->multithreaded ? "mt" : "st", w->models);
			return 0;
		case 't':
			if (parse_number("thread count", optarg, 1, 1024, &v))
				return 2;
			bp.threads = (int)v;
			break;
		case 's':
			if (parse_number("scale", optarg, 1e-6, 1e6, &v))
				return 2;
			bp.scale = v;
			break;
		case 'S':
			if (parse_number("seed", optarg, 0, 1e18, &v))
				return 2;
			bp.seed = (uint64_t)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	const struct workload *w = find_workload(argv[optind]);
	if (!w) {
		fprintf(stderr, "allocbench: unknown workload '%s' (see --list)\n", argv[optind]);
		return 2;
	}

	struct bench_result res = {0};
	double t0 = now_seconds();
	w->run(&bp, &res);
	double elapsed = now_seconds() - t0;

	int maps_end = bench_anon_mappings();
	printf("workload=%s threads=%d scale=%g time_s=%.6f ops=%llu checksum=%016llx "
	       "errors=%llu anon_maps=%d anon_maps_peak=%d rss_end_kb=%ld%s%s\n",
	       w->name, bp.threads, bp.scale, elapsed, (unsigned long long)res.ops,
	       (unsigned long long)res.checksum, (unsigned long long)res.errors, maps_end,
	       bench_peak_mappings(), bench_rss_kb(), res.extra[0] ? " " : "", res.extra);
	/* Under liballoc, how many allocations its guarded pool took (the
	 * cost of guarded samples, bench/guard-cost.sh). */
	int (*ctl)(const char *, void *, size_t *, const void *, size_t) =
		(int (*)(const char *, void *, size_t *, const void *, size_t))dlsym(RTLD_DEFAULT,
										      "alloc_ctl");
	uint64_t guarded = 0;
	size_t len = sizeof(guarded);
	if (ctl && ctl("stats.guard_allocs", &guarded, &len, NULL, 0) == 0)
		fprintf(stderr, "allocbench: guarded=%llu\n", (unsigned long long)guarded);
	if (res.errors) {
		fprintf(stderr, "allocbench: %s: %llu objects had wrong contents\n", w->name,
			(unsigned long long)res.errors);
		return 1;
	}
	return 0;
}
