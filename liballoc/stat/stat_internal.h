/*
 * stat_internal.h - private state of the reader library, shared by its
 * source files only.
 */
#ifndef STAT_INTERNAL_H
#define STAT_INTERNAL_H

#include <limits.h>
#include <stdarg.h>

#include "allocstat.h"

struct as_segment {
	int fd;                   /* -1 when backed by memory */
	unsigned char *mem;       /* memory-backed image (owned copy) */
	size_t mem_len;
	int writable;
	pid_t pid;                /* from the validated header */
	uint64_t start_time_ticks;
	char path[PATH_MAX];
	struct las_table tables[LAS_T_COUNT]; /* geometry validated at open */
	uint64_t size;            /* file size validated at open */
	/* control (writable segments only) */
	void *ctl_map;            /* shared mapping of the segment */
	size_t ctl_map_len;
	struct las_control *ctl;  /* inside ctl_map */
	struct las_checks pending;
	int pending_valid;
	uint64_t committed_gen;
	unsigned char *image;     /* as_load_image's buffer */
	size_t image_len;
};

/* Fill err (may be NULL) with code and "pid P, FILE: message"; returns code. */
int as_fail(struct as_error *err, int code, pid_t pid, const char *path,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Read len bytes at off from the segment's source; 0 on a full read. */
int as_source_read(const struct as_segment *seg, void *dst, size_t len, uint64_t off);

/*
 * Copy the segment into the segment's private buffer (validated size; kept
 * between calls so that never-used thread slots stay zero without being
 * cleared again) and validate it. On success *img (owned by seg, valid
 * until the next call or as_close) and *len are set.
 */
int as_load_image(struct as_segment *seg, unsigned char **img, size_t *len,
		  struct as_error *err);

/* "liballoc.<pid>" -> pid, or 0 when the name is anything else. */
pid_t as_pid_from_name(const char *name);

/* Validation with a pid/path for messages. */
int as_validate_image_for(const void *buf, size_t len, pid_t pid, const char *path,
			  struct as_error *err);

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
