/*
 * ac_report.h - the collector's report: read the BPF maps, print text or
 * JSON lines (the same lines are published for alloctop).
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
	bool json;
	unsigned top;           /* stacks / leak groups shown per process */
	double leak_min_age_s;  /* outstanding blocks younger than this are not candidates */
	uint64_t sample_allocs; /* sampling: 1 in N allocations ... */
	uint64_t sample_bytes;  /* ... or once per N bytes (wins when non-zero) */
};

/* Collector-wide numbers for the report header. */
struct ac_overhead {
	double interval_s;   /* since the previous report */
	uint64_t probe_hits; /* BPF program runs since start */
	uint64_t run_ns;     /* BPF program run time since start */
	double cpu_pct;      /* run time in the interval, % of one CPU */
	int probes_attached;
};

/* Prints one report; remembers per-process totals to compute rates. */
void ac_report(FILE *out, const struct ac_maps *maps, const struct ac_report_opts *opts,
	       const struct ac_overhead *ovh);

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
