/*
 * ac_report.h - the collector's report: read the BPF maps once into a
 * snapshot, then print it as text or JSON lines (the same lines are
 * published for alloctop). Everything derived (rates, the classes shown,
 * process names) is computed once per snapshot, so every rendering of one
 * report shows the same numbers.
 */
#ifndef AC_REPORT_H
#define AC_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* File descriptors of the collector's maps. */
struct ac_maps {
	int procs, classes, hist, events, stacks, sites, live, drops;
};

struct ac_report_opts {
	unsigned top;           /* stacks / leak groups shown per process */
	double leak_min_age_s;  /* outstanding blocks younger than this are not candidates */
	uint64_t sample_allocs; /* sampling: 1 in N allocations ... */
	uint64_t sample_bytes;  /* ... or once per N bytes (wins when non-zero) */
	bool all_classes;       /* every class seen, not only those in use */
};

/* Collector-wide numbers for the report header. */
struct ac_overhead {
	double interval_s;   /* since the previous report */
	uint64_t probe_hits; /* BPF program runs since start */
	uint64_t run_ns;     /* BPF program run time since start */
	double cpu_pct;      /* run time in the interval, % of one CPU */
	int probes_attached;
};

struct ac_snapshot;

/*
 * Reads every map. Rates are per second over interval_s, against the
 * previous snapshot (the collector keeps that one in memory); a size class
 * is "in use" when it had allocations or frees since then, or holds blocks
 * the collector saw allocated and not freed. Exits on out of memory.
 */
struct ac_snapshot *ac_snapshot_take(const struct ac_maps *maps, const struct ac_report_opts *opts,
				     const struct ac_overhead *ovh);
void ac_snapshot_print(FILE *out, const struct ac_snapshot *snap, bool json);
void ac_snapshot_free(struct ac_snapshot *snap);

/* Removes every map entry of processes that no longer exist. */
void ac_forget_dead(const struct ac_maps *maps);

/*
 * Prints the symbolised user stack stackid of pid: text lines starting with
 * indent, or a JSON member "frames":[...] (no surrounding comma). Returns
 * whether the stack was found.
 */
bool ac_print_frames(FILE *out, bool json, int stacks_fd, uint32_t pid, int32_t stackid,
		     const char *indent);

/* Escapes s as the body of a JSON string. */
void ac_json_string(FILE *out, const char *s);

#endif
