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
#include <stdio.h>
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
	AS_ERR_SUPERSEDED = 11, /* --set: a later request (another requester's, or the
				   process's own alloc_ctl) replaced it */
	AS_ERR_REFUSED = 12,  /* --set: the process answered but runs other settings */
	AS_ERR_NOPROFILE = 13, /* the segment has no heap profile (ABI 1.0, prof_stacks:0) */
};

/* Short name of an as_err code ("corrupt", "permission denied", ...). */
const char *as_err_name(int code);

/* Largest segment a reader accepts. Only the tables are copied, never the
 * whole file, so the size bounds the reader's time, not its memory. */
#define AS_SEGMENT_MAX ((uint64_t)256 << 20)
/* Bounds on table counts that a sane writer never exceeds. */
#define AS_ARENAS_MAX 4096u
#define AS_THREADS_MAX 65536u
/* A segment owned by another user (root reading a user's process) is read
 * only this far: thread slots in use and arenas beyond these are counted
 * (as_snapshot.threads_unread, arenas_unread) but not read. A snapshot then
 * copies at most about 9 MiB and keeps about 1 MiB. */
#define AS_FOREIGN_SLOTS_MAX 4096u
#define AS_FOREIGN_ARENAS_MAX 256u

/* Human-readable error: filled by every call that fails. */
struct as_error {
	int code;        /* enum as_err */
	unsigned flags;  /* AS_ERRF_* */
	char msg[512];   /* names the pid and the file */
};
/* The file is not a liballoc segment at all (no magic: garbage, or some
 * other program's file under our name), as opposed to a damaged one. */
#define AS_ERRF_NOT_SEGMENT 0x1u

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

/* Owner of the segment file (fstat at open; the kernel's word, not the
 * segment's). For a memory-backed segment, the uid its header claims. */
uid_t as_segment_owner(const struct as_segment *seg);
/* Is the segment file owned by someone else than the reader (root reading a
 * user's process)? Such segments are read within the AS_FOREIGN_* limits. */
int as_segment_is_foreign(const struct as_segment *seg);

/* What became of the process behind a pid and a recorded start time. */
enum as_pid_status {
	AS_PID_ALIVE = 0,
	AS_PID_GONE,      /* no such process */
	AS_PID_ZOMBIE,    /* exited, not reaped yet (state Z or X): will never allocate */
	AS_PID_RECYCLED,  /* the pid belongs to a process started at another time */
	AS_PID_UNLOCKED,  /* the writer no longer holds the lock it promised to hold
			     while it runs: it executed a program without liballoc
			     (or died); liballoc/shared/liveness.h */
};
int as_pid_status(pid_t pid, uint64_t start_time_ticks);
const char *as_pid_status_text(int status); /* "process gone", ... */
int as_segment_status(const struct as_segment *seg);
/* Is the process behind this segment gone (zombie included), or its pid
 * recycled? */
int as_segment_is_stale(const struct as_segment *seg);
/* Start time of a live pid (/proc/<pid>/stat field 22, clock ticks since
 * boot), as a writer records it in start_time_ticks; 0 if unreadable. */
uint64_t as_pid_start_ticks(pid_t pid);
/* Same test from a pid and the start time recorded in its segment. */
int as_pid_is_stale(pid_t pid, uint64_t start_time_ticks);

/* Who a process is, from /proc (see stat_identity.c). */
#define AS_ID_UID 0x1u     /* uid: owner of the segment file */
#define AS_ID_EXE 0x2u     /* exe_path: readlink /proc/<pid>/exe */
#define AS_ID_COMM 0x4u    /* comm: /proc/<pid>/comm */
#define AS_ID_CMDLINE 0x8u /* cmdline: /proc/<pid>/cmdline */
struct as_identity {
	unsigned flags;                 /* AS_ID_* that could be read */
	char exe_path[LAS_EXE_LEN + 1]; /* truncated */
	char comm[LAS_THREAD_NAME_LEN + 1];
	char cmdline[LAS_CMDLINE_LEN + 1]; /* arguments joined by spaces, truncated */
};
void as_identity_read(pid_t pid, struct as_identity *id);
const char *as_basename(const char *path);
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
	/* Identity, from the kernel where the reader may ask it (identity says
	 * which fields; empty strings otherwise). Never the segment's word. */
	int32_t pid;
	uint32_t uid;               /* owner of the segment file */
	uint32_t identity;          /* AS_ID_* */
	char exe[LAS_EXE_LEN + 1];  /* basename of exe_path */
	char exe_path[LAS_EXE_LEN + 1];
	char comm[LAS_THREAD_NAME_LEN + 1];
	char cmdline[LAS_CMDLINE_LEN + 1];
	/* What the segment's writer says about itself: show only as such. */
	uint32_t reported_uid;
	char reported_exe[LAS_EXE_LEN + 1];
	char reported_cmdline[LAS_CMDLINE_LEN + 1];
	uint64_t start_time_ticks;
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
	/* Limits applied (a segment of another user, see AS_FOREIGN_*): thread
	 * slots in use and arenas that were not read. Totals then cover only
	 * the slots read. */
	uint32_t foreign;
	uint32_t threads_unread;
	uint32_t arenas_unread;
};

/* The name to show for a process: the kernel's comm (or exe), else what the
 * segment reports, in parentheses. as_snapshot_exe prefers the exe. */
const char *as_snapshot_command(const struct as_snapshot *s, char *buf, size_t len);
const char *as_snapshot_exe(const struct as_snapshot *s, char *buf, size_t len);

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

/* Remove stale segments the caller owns (root: any); returns how many were
 * removed. Stale: the process is gone or a zombie, or its pid recycled; or
 * the file is not a liballoc segment at all and older than AS_GC_GRACE_S
 * (a starting process writes its header within microseconds). */
#define AS_GC_GRACE_S 10
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
 *
 * Outside requesters serialise on flock(LOCK_EX) of the segment file while
 * they write `requested` and take a generation; commit gives up with
 * AS_ERR_TIMEOUT after timeout_ms if another holds it. Every access to the
 * shared mapping is guarded (as_guarded): a file that shrinks meanwhile
 * gives AS_ERR_CORRUPT, never a SIGBUS.
 */
int as_control_set(struct as_segment *seg, const char *key_eq_value, struct as_error *err);
int as_control_commit(struct as_segment *seg, struct as_error *err);
int as_control_commit_wait(struct as_segment *seg, int timeout_ms, struct as_error *err);

/* The answer to a committed request. */
struct as_control_result {
	uint64_t gen;             /* this request's generation */
	uint64_t request_gen;     /* the newest request when answered */
	uint64_t applied_gen;     /* what the process has applied */
	int32_t later_pid;        /* superseded: the later requester (0: the process) */
	int pid_status;           /* enum as_pid_status when it exited */
	struct las_checks asked;  /* what this request asked for */
	struct las_checks now;    /* what the process runs */
};
/*
 * Wait until the process has answered the committed request (applied_gen
 * reaches its generation), then tell how: AS_OK applied as asked;
 * AS_ERR_SUPERSEDED a later request replaced it (another requester's, or
 * the process switching its own checks with alloc_ctl); AS_ERR_REFUSED the
 * process answered but runs other settings; AS_ERR_TIMEOUT no answer yet
 * (the request stays pending); AS_ERR_STALE the process exited (a zombie
 * at once, without waiting); AS_ERR_CORRUPT the segment changed under us.
 * err->msg says it in a sentence; res (may be NULL) has the details.
 */
int as_control_result_wait(struct as_segment *seg, int timeout_ms,
			   struct as_control_result *res, struct as_error *err);
/* Older interface: 0 when applied_gen reached the committed generation,
 * -1 otherwise (err says why). */
int as_control_wait_applied(struct as_segment *seg, int timeout_ms, struct as_error *err);
/* Parse "key=value[,key=value...]" into *checks (starting from its current
 * contents); the keys of as_control_set. AS_OK or AS_ERR_USAGE. */
int as_checks_parse(struct las_checks *checks, const char *spec, struct as_error *err);
/* Live view of the control block (re-read from the file): for reporting. */
int as_control_read(struct as_segment *seg, struct las_control *out, struct as_error *err);

/*
 * Heap profile (ABI 1.1): a copy of the stacks table, each entry taken
 * whole (its frames under their sequence counter; counters as read).
 * Entry 0 is the "other" stack (LAS_STACK_OTHER, no frames).
 */
struct as_stack {
	uint32_t depth;                  /* at most LAS_STACK_FRAMES */
	uint32_t flags;                  /* LAS_STACK_* */
	uint64_t frames[LAS_STACK_FRAMES]; /* return addresses, innermost first */
	uint64_t live_samples, live_sampled_bytes; /* raw samples still live */
	uint64_t samples, sampled_bytes;           /* raw samples ever taken */
	double live_objs, live_bytes;    /* unbiased estimates of the live allocations */
	double alloc_objs, alloc_bytes;  /* and of all allocations ever made */
};

struct as_profile {
	int32_t pid;
	uint64_t start_time_ticks;
	char exe[LAS_EXE_LEN + 1];       /* the kernel's name for it, else "(claim)" */
	uint64_t taken_ns;               /* CLOCK_MONOTONIC when taken */
	uint64_t sample_mean;            /* bytes; 0 = sampling off */
	uint32_t capacity;               /* stacks the table holds */
	uint32_t unwinder;               /* LAS_UNWIND_* */
	uint64_t samples, samples_table_full, samples_no_stack;
	uint64_t table_bytes;
	uint32_t unstable_records;       /* entries skipped mid-update */
	uint32_t nstacks;
	struct as_stack *stacks;         /* heap-allocated, nstacks entries */
};

/* AS_ERR_NOPROFILE when the segment carries no profile tables. */
int as_profile_take(struct as_segment *seg, struct as_profile *out, struct as_error *err);
void as_profile_free(struct as_profile *p);

/* Format helpers shared by the tools: "1.5 MiB", "12.3k". */
void as_fmt_bytes(char *buf, size_t len, double bytes);
void as_fmt_count(char *buf, size_t len, double n);
/* "junk,rz32,free,q1M" or "-" */
void as_fmt_checks(char *buf, size_t len, const struct las_checks *c);
/* Name of an event kind ("double_free", ...; "unknown" when out of range). */
const char *as_event_kind_name(uint32_t kind);

/*
 * The escaper for untrusted text (stat_escape.c), used by every text
 * output: C0 controls and DEL become \n, \t, ... or \xHH; raw bytes that
 * are not valid UTF-8 (C1 bytes 0x80-0x9f included) \xHH; the C1 controls
 * U+0080-U+009F, bidi overrides and line separators \uHHHH. Other UTF-8
 * passes with AS_ESC_UTF8, else becomes \uHHHH too. Backslashes pass, so
 * escaping twice is escaping once. as_escape truncates at a character
 * boundary and returns the length written.
 */
#define AS_ESC_UTF8 0x1u
size_t as_escape(char *dst, size_t cap, const char *src, int flags);
void as_escape_fputs(FILE *out, const char *src, int flags);
/* AS_ESC_UTF8 when LC_ALL / LC_CTYPE / LANG names a UTF-8 locale. */
int as_escape_locale_flags(void);
/* Length of the valid UTF-8 sequence at s (at most n bytes), its code point
 * in *cp; 0 when invalid. */
size_t as_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* C0, DEL or C1. */
int as_codepoint_is_control(uint32_t cp);

/* Run fn(arg) with SIGBUS and SIGSEGV turned into a return value: 0 when fn
 * returned, else the signal number (fn was cut short). Not reentrant. */
int as_guarded(void (*fn)(void *), void *arg);

#endif
