/*
 * dump.h - allocdump's output formats. Each writer takes snapshots already
 * taken (and validated) by the reader library; nothing here reads a segment.
 */
#ifndef ALLOCDUMP_DUMP_H
#define ALLOCDUMP_DUMP_H

#include <stdio.h>

#include "allocstat.h"

/* One process to report: its snapshot, and rates when a previous snapshot
 * of the same process exists (--watch/--count). */
struct dump_item {
	const struct as_snapshot *snap;
	const struct as_rates *rates; /* NULL on the first round */
	const char *path;
};

/* Human-readable report of one process. max_events: how many recent events. */
void dump_text(FILE *out, const struct dump_item *it, unsigned max_events);
/* --all: a header, then one line per process. */
void dump_text_list_header(FILE *out);
void dump_text_list_line(FILE *out, const struct dump_item *it);

/* One JSON value per item; as_array wraps items in [ ] (several pids, --all). */
void dump_json(FILE *out, const struct dump_item *items, size_t n, int as_array);

/* Metrics for Prometheus: one exposition for all items (allocdump(1),
 * PROMETHEUS METRICS). Processes with the same executable are summed into
 * one series unless per_pid. */
enum metrics_dialect {
	METRICS_PROMETHEUS,  /* text format 0.0.4: node_exporter's textfile, promtool */
	METRICS_OPENMETRICS, /* OpenMetrics 1.0, ending in "# EOF" */
};
struct metrics_options {
	enum metrics_dialect dialect;
	int per_pid; /* a pid label on every series, nothing summed */
};
void dump_metrics(FILE *out, const struct dump_item *items, size_t n,
		  const struct metrics_options *opt);
/* dump_metrics in OpenMetrics, summed by executable. */
void dump_openmetrics(FILE *out, const struct dump_item *items, size_t n);

/* Escaping for JSON and exposition label values; bytes that are not valid UTF-8 become
 * U+FFFD so parsers never reject the document. */
void put_json_string(FILE *out, const char *s);
void put_label_value(FILE *out, const char *s);
/* For terminals and text reports: as_escape with the locale's flags. */
void put_plain(FILE *out, const char *s);

#endif
