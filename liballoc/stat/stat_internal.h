/*
 * stat_internal.h - private state of the reader library, shared by its
 * source files only.
 */
#ifndef STAT_INTERNAL_H
#define STAT_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdarg.h>

#include "allocstat.h"

struct as_segment {
	int fd;                   /* -1 when backed by memory */
	unsigned char *mem;       /* memory-backed image (owned copy) */
	size_t mem_len;
	int writable;
	pid_t pid;                /* from the validated header */
	uint64_t start_time_ticks;
	uid_t owner;              /* file owner (fstat), or the header's uid */
	int foreign;              /* owned by another user than the reader */
	uint32_t ready;           /* the header's ready word (LAS_READY_*) */
	char path[PATH_MAX];
	struct las_table tables[LAS_T_COUNT]; /* geometry validated at open */
	uint64_t size;            /* file size validated at open */
	/* control (writable segments only) */
	void *ctl_map;            /* shared mapping of the segment */
	size_t ctl_map_len;
	struct las_control *ctl;  /* inside ctl_map */
	struct las_checks pending;
	int pending_valid;
	int pending_says_on_error; /* a key of the pending request set on_error */
	uint64_t committed_gen;
	uint64_t events_at_commit; /* event ring head when the request was made */
	uint64_t pending_prof_sample; /* prof_sample=BYTES (stat_control_prof.c) */
	int pending_prof_valid;
};

/* Fill err (may be NULL) with code and "pid P, FILE: message"; returns code. */
int as_fail(struct as_error *err, int code, pid_t pid, const char *path,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Read len bytes at off from the segment's source; 0 on a full read. */
int as_source_read(const struct as_segment *seg, void *dst, size_t len, uint64_t off);

/*
 * Read the header and the source's size, and validate the header and the
 * geometry of every table against that size. On success *h and *size hold
 * what the tables may then be read with (as_source_read; a short read
 * means the file changed meanwhile).
 */
int as_read_header(const struct as_segment *seg, struct las_header *h, uint64_t *size,
		   struct as_error *err);

/* "liballoc.<pid>" -> pid, or 0 when the name is anything else. */
pid_t as_pid_from_name(const char *name);

/* Take the prof_sample=BYTES items out of a --set spec into seg's pending
 * request; `rest` gets the other items ("" if none). AS_OK or an error. */
int as_control_take_prof(struct as_segment *seg, const char *spec, char *rest, size_t restlen,
			 struct as_error *err);
/* A pending prof_sample needs a writer of ABI 1.1 (a control block that
 * has the field): AS_OK, or AS_ERR_VERSION saying so. */
int as_control_prof_fits(const struct as_segment *seg, struct as_error *err);

/* Size of an ABI 1.0 header: it ends before tables[LAS_T_PROFILE]. */
#define AS_HEADER_1_0_SIZE offsetof(struct las_header, tables[LAS_T_PROFILE])
/* Largest stacks table a reader accepts. */
#define AS_STACKS_MAX (1u << 20)
/* Copy a segment's header; the tables a 1.0 header lacks read as absent. */
void as_header_copy(struct las_header *h, const void *img, size_t len);

/* Validation of a header copy against the size of what it describes, with
 * a pid/path for messages (the file-name pid must match when pid > 0). len
 * is how many bytes of the header could be read (< sizeof when short). */
int as_validate_header(const struct las_header *h, size_t len, uint64_t size, pid_t pid,
		       const char *path, struct as_error *err);
/* The same on a complete image. */
int as_validate_image_for(const void *buf, size_t len, pid_t pid, const char *path,
			  struct as_error *err);

/* /proc/<pid>/stat: state letter and start time; 0 when unreadable. */
int as_proc_stat(pid_t pid, char *state, uint64_t *start_ticks);

/* Saturating arithmetic: hostile counters must not wrap into plausible values. */
static inline uint64_t as_sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}
static inline uint64_t as_sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}
static inline uint64_t as_sub_floor0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

#endif
