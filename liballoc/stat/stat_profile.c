/*
 * stat_profile.c - read the heap profile of a segment (ABI 1.1 tables
 * LAS_T_PROFILE and LAS_T_STACKS) into a struct as_profile.
 *
 * The header is validated first (every table lies in the file); each
 * entry is then read on its own, `used` clamped to the table, a depth to
 * the frames an entry holds. A stack's frames are written once before `used` covers it; an
 * entry whose sequence counter is odd (or whose frames change between two
 * reads) is re-read a bounded number of times, then skipped.
 */
#include <sched.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stat_internal.h"

#define SEQ_RETRIES 16

static uint64_t now_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One entry into a struct of our size (a writer's entry may be shorter or
 * longer: fields it lacks read as zero). */
static void copy_stack(struct las_stack *dst, const unsigned char *src, uint32_t entry_size)
{
	size_t n = entry_size < sizeof(*dst) ? entry_size : sizeof(*dst);
	memset(dst, 0, sizeof(*dst));
	memcpy(dst, src, n);
	size_t room = n > offsetof(struct las_stack, frames)
			      ? (n - offsetof(struct las_stack, frames)) / sizeof(uint64_t)
			      : 0;
	if (dst->depth > room)
		dst->depth = (uint32_t)room;
}

/* An entry with an even seq, read twice alike; 0 when stable. */
static int stabilise(const struct as_segment *seg, uint64_t off, uint32_t entry_size,
		     struct las_stack *e)
{
	for (int attempt = 0; attempt < SEQ_RETRIES; attempt++) {
		if (e->seq && !(e->seq & 1)) {
			if (seg->fd < 0)
				return 0; /* memory: nothing changes */
			unsigned char again[sizeof(struct las_stack)];
			size_t n = entry_size < sizeof(again) ? entry_size : sizeof(again);
			if (as_source_read(seg, again, n, off) != 0)
				return -1;
			struct las_stack b;
			copy_stack(&b, again, (uint32_t)n);
			if (b.seq == e->seq && b.depth == e->depth &&
			    memcmp(b.frames, e->frames, e->depth * sizeof(uint64_t)) == 0) {
				*e = b; /* the newer counters */
				return 0;
			}
			*e = b;
		} else {
			if (seg->fd < 0)
				return -1;
			unsigned char again[sizeof(struct las_stack)];
			size_t n = entry_size < sizeof(again) ? entry_size : sizeof(again);
			if (as_source_read(seg, again, n, off) != 0)
				return -1;
			copy_stack(e, again, (uint32_t)n);
		}
		sched_yield();
	}
	return -1;
}

static double fixed_objs(uint64_t v)
{
	return (double)v / LAS_PROF_OBJ_ONE;
}

int as_profile_take(struct as_segment *seg, struct as_profile *out, struct as_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!seg)
		return as_fail(err, AS_ERR_USAGE, 0, "-", "no segment");
	struct las_header h;
	uint64_t size;
	int rc = as_read_header(seg, &h, &size, err);
	if (rc)
		return rc;
	const struct las_table *pt = &h.tables[LAS_T_PROFILE], *st = &h.tables[LAS_T_STACKS];
	if (pt->count == 0 || st->count == 0)
		return as_fail(err, AS_ERR_NOPROFILE, h.pid, seg->path,
			       "no heap profile in this segment (liballoc before ABI 1.1, or "
			       "prof_stacks:0)");
	out->taken_ns = now_monotonic_ns();
	out->pid = h.pid;
	out->start_time_ticks = h.start_time_ticks;
	/* Who the process is comes from the kernel; the segment's claim only
	 * in parentheses, when the kernel does not say. */
	struct as_identity id;
	as_identity_read(h.pid, &id);
	if (id.flags & AS_ID_EXE)
		snprintf(out->exe, sizeof(out->exe), "%s", as_basename(id.exe_path));
	else if (id.flags & AS_ID_COMM)
		snprintf(out->exe, sizeof(out->exe), "%s", id.comm);
	else
		snprintf(out->exe, sizeof(out->exe), "(%.*s)", (int)strnlen(h.exe, sizeof(h.exe)),
			 h.exe);

	struct las_profile p;
	memset(&p, 0, sizeof(p));
	if (as_source_read(seg, &p, pt->entry_size < sizeof(p) ? pt->entry_size : sizeof(p),
			   pt->offset) != 0)
		return as_fail(err, AS_ERR_CORRUPT, h.pid, seg->path,
			       "corrupt segment: file shrank while being read");
	out->sample_mean = p.sample_mean;
	out->capacity = st->count;
	out->unwinder = p.unwinder;
	out->samples = p.samples;
	out->samples_table_full = p.samples_table_full;
	out->samples_no_stack = p.samples_no_stack;
	out->table_bytes = p.table_bytes;
	uint32_t used = p.used < st->count ? p.used : st->count;
	out->stacks = calloc(used ? used : 1, sizeof(*out->stacks));
	if (!out->stacks)
		return as_fail(err, AS_ERR_IO, h.pid, seg->path, "out of memory");
	const size_t n = st->entry_size < sizeof(struct las_stack) ? st->entry_size
								    : sizeof(struct las_stack);
	for (uint32_t i = 0; i < used; i++) {
		uint64_t off = st->offset + (uint64_t)i * st->entry_size;
		unsigned char raw[sizeof(struct las_stack)];
		struct las_stack e;
		if (as_source_read(seg, raw, n, off) != 0) {
			as_profile_free(out);
			return as_fail(err, AS_ERR_CORRUPT, h.pid, seg->path,
				       "corrupt segment: file shrank while being read");
		}
		copy_stack(&e, raw, (uint32_t)n);
		if (stabilise(seg, off, st->entry_size, &e) != 0) {
			out->unstable_records++;
			continue;
		}
		struct as_stack *s = &out->stacks[out->nstacks++];
		s->depth = e.depth;
		s->flags = e.flags;
		memcpy(s->frames, e.frames, e.depth * sizeof(uint64_t));
		s->live_samples = e.live_samples;
		s->live_sampled_bytes = e.live_sampled_bytes;
		s->samples = e.samples;
		s->sampled_bytes = e.sampled_bytes;
		s->live_objs = fixed_objs(e.live_objs_est);
		s->live_bytes = (double)e.live_bytes_est;
		s->alloc_objs = fixed_objs(e.alloc_objs_est);
		s->alloc_bytes = (double)e.alloc_bytes_est;
	}
	return AS_OK;
}

void as_profile_free(struct as_profile *p)
{
	if (!p)
		return;
	free(p->stacks);
	p->stacks = NULL;
	p->nstacks = 0;
}
