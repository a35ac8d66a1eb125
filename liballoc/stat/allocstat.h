/*
 * allocstat.h - the reader library for liballoc stats segments.
 *
 * Linked statically by allocdump, alloctop and the collector. Every function
 * treats the segment as hostile: offsets, counts and sizes are validated
 * against the mapped size before use, strings are copied bounded and
 * NUL-terminated, and nothing in the segment is followed as a pointer.
 */
#ifndef ALLOCSTAT_H
#define ALLOCSTAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "liballoc_stats.h"

/* Error codes; also the distinct exit codes of the tools (see allocdump(1)). */
enum as_err {
	AS_OK = 0,
	AS_ERR_USAGE = 2,     /* bad arguments (tools only) */
	AS_ERR_NOPROC = 3,    /* no such process / no segment for that pid */
	AS_ERR_PERM = 4,      /* permission denied (not the owner, not root) */
	AS_ERR_VERSION = 5,   /* unknown ABI major version, or wrong byte order */
	AS_ERR_CORRUPT = 6,   /* bad magic, truncated, offsets out of bounds, ... */
	AS_ERR_STALE = 7,     /* the process is gone or the pid was recycled */
	AS_ERR_NOTREADY = 8,  /* segment exists but is not initialised yet */
	AS_ERR_IO = 9,        /* other system error */
	AS_ERR_TIMEOUT = 10,  /* --set: the process did not apply the request in time */
};

/* Short name of an as_err code ("corrupt", "permission denied", ...). */
const char *as_err_name(int code);

/* Largest segment a reader accepts (a hostile size must not exhaust memory). */
#define AS_SEGMENT_MAX ((uint64_t)256 << 20)
/* Bounds on table counts that a sane writer never exceeds. */
#define AS_ARENAS_MAX 4096u
#define AS_THREADS_MAX 65536u

/* Human-readable error: filled by every call that fails. */
struct as_error {
	int code;        /* enum as_err */
	char msg[512];   /* names the pid and the file */
};

/* Default directory, overridden by LIBALLOC_STATS_DIR. */
const char *as_stats_dir(void);

/* An opened, validated, read-only (or read-write for control) mapping. */
struct as_segment;

/* Open /<dir>/liballoc.<pid>. dir NULL = as_stats_dir(). Validates owner
 * (same uid or root), O_NOFOLLOW, regular file, magic, ABI, every table. */
int as_open_pid(pid_t pid, const char *dir, int writable, struct as_segment **out,
		struct as_error *err);
int as_open_path(const char *path, int writable, struct as_segment **out,
		 struct as_error *err);
void as_close(struct as_segment *seg);
const char *as_segment_path(const struct as_segment *seg);
/* The pid the segment belongs to (from the validated header). */
pid_t as_segment_pid(const struct as_segment *seg);

/*
 * A read-only segment backed by a caller's buffer (copied): the same
 * validation and snapshot code as a file, without the file checks. Used by
 * the fuzz target and the tests; is_stale is always 0 for it.
 */
int as_open_memory(const void *buf, size_t len, struct as_segment **out,
		   struct as_error *err);

/*
 * Validate a complete segment image of len bytes (the checks as_open_* and
 * as_snapshot_take apply to their private copy). AS_OK or an as_err code.
 */
int as_validate_image(const void *buf, size_t len, struct as_error *err);

/* Is the process behind this segment gone, or its pid recycled? */
int as_segment_is_stale(const struct as_segment *seg);
/* Start time of a live pid (/proc/<pid>/stat field 22, clock ticks since
 * boot), as a writer records it in start_time_ticks; 0 if unreadable. */
uint64_t as_pid_start_ticks(pid_t pid);
/* Same test from a pid and the start time recorded in its segment. */
int as_pid_is_stale(pid_t pid, uint64_t start_time_ticks);
/* Unlink the segment's file if (and only if) it is stale. AS_OK, or
 * AS_ERR_USAGE when the process is still alive. */
int as_segment_remove_stale(struct as_segment *seg, struct as_error *err);

/* A consistent copy of everything, plus derived totals. Heap-allocated
 * tables; free with as_snapshot_free. */
struct as_thread_info {
	int32_t tid;
	uint32_t state;      /* LAS_SLOT_LIVE or LAS_SLOT_RETIRED (exited threads) */
	char name[LAS_THREAD_NAME_LEN + 1];
	uint32_t arena;
	uint64_t alloc_count, free_count;
	uint64_t alloc_bytes, free_bytes;
	uint64_t cache_objects, cache_bytes; /* derived occupancy */
	/* added: */
	uint64_t requested_bytes;
	uint64_t large_alloc_count, large_free_count;
	uint64_t large_alloc_bytes, large_free_bytes;
};

struct as_class_info {
	uint32_t index;
	uint64_t size;
	uint64_t live_objects;   /* sum(alloc - free) over threads */
	uint64_t live_bytes;
	uint64_t alloc_total, free_total;
	uint64_t cached_objects; /* held in thread caches */
	uint64_t slabs;
	uint64_t slab_size;
	uint32_t objs_per_slab;
	double utilisation;      /* objs_handed / (slabs * objs_per_slab), 0..1 */
};

struct as_totals {
	uint64_t live_bytes;         /* usable bytes in live allocations */
	uint64_t live_allocs;
	uint64_t small_live_bytes, large_live_bytes;
	uint64_t alloc_count, free_count;   /* cumulative */
	uint64_t alloc_bytes, free_bytes;   /* cumulative, usable */
	uint64_t requested_bytes;           /* cumulative, requested */
	uint64_t cached_bytes;              /* held in thread caches */
	uint64_t threads_live, threads_total;
	uint64_t violations_total;
};

struct as_snapshot {
	/* identity (copied, NUL-terminated) */
	int32_t pid;
	uint32_t uid;
	uint64_t start_time_ticks;
	char exe[LAS_EXE_LEN + 1];
	char cmdline[LAS_CMDLINE_LEN + 1];
	char version[LAS_VERSION_LEN + 1];
	char conf[LAS_CONF_LEN + 1];
	uint16_t abi_major, abi_minor;
	uint64_t taken_ns;          /* CLOCK_MONOTONIC when taken */

	struct las_globals globals;
	struct as_totals totals;

	uint32_t nclasses;
	struct as_class_info *classes;
	uint32_t narenas;
	struct las_arena *arenas;
	uint32_t nthreads;          /* live threads + 1 retired pseudo-thread */
	struct as_thread_info *threads;
	struct las_large_band large[LAS_LARGE_BANDS];
	uint32_t nevents;           /* valid, complete events, oldest first */
	struct las_event *events;
	struct las_control control;
	/* added: */
	uint32_t unstable_records; /* seq-protected records skipped (mid-update) */
	uint32_t ready;
	uint64_t update_seq;
	uint64_t created_unix_ns;
	uint64_t events_head;       /* events ever written (ring head) */
	uint64_t segment_size;
};

int as_snapshot_take(struct as_segment *seg, struct as_snapshot *out, struct as_error *err);
void as_snapshot_free(struct as_snapshot *snap);

/* Rates per second between two snapshots of the same process. */
struct as_rates {
	double seconds;
	double allocs_per_sec, frees_per_sec;
	double alloc_bytes_per_sec, free_bytes_per_sec;
	double madvise_per_sec, purged_bytes_per_sec;
	double *class_allocs_per_sec; /* nclasses entries, heap-allocated */
	uint32_t nclasses;
};
int as_rates_compute(const struct as_snapshot *prev, const struct as_snapshot *cur,
		     struct as_rates *out);
void as_rates_free(struct as_rates *r);

/* Enumerate segments in dir (NULL = default). The callback gets each pid and
 * path; return nonzero from it to stop. Returns count seen or -1. */
typedef int (*as_list_cb)(pid_t pid, const char *path, void *arg);
int as_list(const char *dir, as_list_cb cb, void *arg, struct as_error *err);

/* Remove stale segments the caller owns; returns how many were removed. */
int as_gc(const char *dir, int dry_run, struct as_error *err);
/* Same, calling report(path, pid, reason, arg) for each stale segment
 * removed (or, dry_run, found). A segment that cannot be removed is skipped
 * and described in err (err->code nonzero; clear err->code before). */
typedef void (*as_gc_cb)(const char *path, pid_t pid, const char *reason, void *arg);
int as_gc_report(const char *dir, int dry_run, as_gc_cb report, void *arg,
		 struct as_error *err);

/*
 * Control: set one debug switch in the control block ("junk=alloc",
 * "redzone=32", "check_free=true", "quarantine=1048576", "debug=true",
 * "on_error=report", "backtrace=false", "track=true"). Several may be set
 * before as_control_commit bumps the generation and raises the gate.
 */
int as_control_set(struct as_segment *seg, const char *key_eq_value, struct as_error *err);
int as_control_commit(struct as_segment *seg, struct as_error *err);
/* Wait (poll) until applied_gen >= the committed generation; 0 ok, -1 timeout. */
int as_control_wait_applied(struct as_segment *seg, int timeout_ms, struct as_error *err);
/* Parse "key=value[,key=value...]" into *checks (starting from its current
 * contents); the keys of as_control_set. AS_OK or AS_ERR_USAGE. */
int as_checks_parse(struct las_checks *checks, const char *spec, struct as_error *err);
/* Live view of the control block (re-read from the file): for reporting. */
int as_control_read(struct as_segment *seg, struct las_control *out, struct as_error *err);

/* Format helpers shared by the tools: "1.5 MiB", "12.3k". */
void as_fmt_bytes(char *buf, size_t len, double bytes);
void as_fmt_count(char *buf, size_t len, double n);
/* "junk,rz32,free,q1M" or "-" */
void as_fmt_checks(char *buf, size_t len, const struct las_checks *c);
/* Name of an event kind ("double_free", ...; "unknown" when out of range). */
const char *as_event_kind_name(uint32_t kind);

#endif
