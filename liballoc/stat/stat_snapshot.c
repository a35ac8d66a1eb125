/*
 * stat_snapshot.c - read a segment's tables into private memory and decode
 * them into a struct as_snapshot, with the derived totals.
 *
 * Counters are plain words written with relaxed stores: the copy of each is
 * fine on its own. Records guarded by a sequence counter (thread identity,
 * events) are accepted only when two reads agree and the counter is even;
 * each is re-read a bounded number of times, then skipped (counted in
 * unstable_records) rather than shown half-written.
 */
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stat_internal.h"
#include "vocab.h"

#define SEQ_RETRIES 16
#define SOURCE_SHRANK (-1) /* internal: a read came up short; try again */

static uint64_t now_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Read entries [first, first + n) of table t into dst, an array of n
 * structs of dst_size bytes: the smaller of entry_size and dst_size of
 * each, zero-filling fields a shorter (older) entry lacks. Only what is
 * copied is read: a hostile entry_size costs nothing. 0, or -1 when the
 * source is shorter than its validated geometry (it changed meanwhile).
 */
static int read_entries(const struct as_segment *seg, const struct las_table *t,
			uint32_t first, uint32_t n, void *dst, size_t dst_size)
{
	uint64_t off = t->offset + (uint64_t)first * t->entry_size;
	if (n == 0)
		return 0;
	if (t->entry_size == dst_size)
		return as_source_read(seg, dst, (size_t)n * dst_size, off);
	size_t take = t->entry_size < dst_size ? t->entry_size : dst_size;
	memset(dst, 0, (size_t)n * dst_size);
	for (uint32_t i = 0; i < n; i++)
		if (as_source_read(seg, (char *)dst + (size_t)i * dst_size, take,
				   off + (uint64_t)i * t->entry_size) != 0)
			return -1;
	return 0;
}

static void copy_string(char *dst, size_t dst_cap, const char *src, size_t src_cap)
{
	size_t n = strnlen(src, src_cap);
	if (n >= dst_cap)
		n = dst_cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The identity part of a thread slot, which the slot's seq protects (seq,
 * tid, state, name, arena; not the gate word, which changes any time). */
#define THREAD_IDENTITY_BYTES offsetof(struct las_thread, gate)

/*
 * Make *slot (decoded from the image) consistent: re-read it from the
 * source until two reads agree on an even seq and identical identity.
 * Returns 0 when stable.
 */
static int stabilise_thread(const struct as_segment *seg, const struct las_table *t,
			    uint32_t i, struct las_thread *slot)
{
	if (seg->fd < 0)
		return (slot->seq & 1) ? -1 : 0; /* memory: nothing changes */
	for (int attempt = 0; attempt < SEQ_RETRIES; attempt++) {
		struct las_thread again;
		if (read_entries(seg, t, i, 1, &again, sizeof(again)) != 0)
			return -1;
		if (!(slot->seq & 1) && again.seq == slot->seq &&
		    memcmp(slot, &again, THREAD_IDENTITY_BYTES) == 0) {
			*slot = again; /* newest counters */
			return 0;
		}
		*slot = again;
		sched_yield();
	}
	return -1;
}

/* Running sums over the thread slots, so that slots are read a chunk at a
 * time and never kept. */
struct class_sums {
	uint64_t alloc[LAS_NCLASSES_MAX], freed[LAS_NCLASSES_MAX], cached[LAS_NCLASSES_MAX];
};

#define SLOT_CHUNK 32

/*
 * Fold one decoded slot into the sums and, unless it is free, into a new
 * entry of s->threads (room for it was made by the caller). Per-thread
 * small totals are class_alloc/class_free times the class size (the writer
 * keeps no per-thread totals), plus the large counters; cache occupancy is
 * fill - flush - alloc + free per class, clamped at 0 (see allocstat.h).
 */
static void add_thread(struct as_snapshot *s, const struct las_thread *slot, uint32_t index,
		       struct class_sums *sums)
{
	struct as_thread_info *ti = &s->threads[s->nthreads++];
	ti->tid = index == 0 ? 0 : slot->tid;
	ti->state = index == 0 ? LAS_SLOT_RETIRED : slot->state;
	copy_string(ti->name, sizeof(ti->name), slot->name, sizeof(slot->name));
	ti->arena = slot->arena;
	ti->alloc_count = slot->large_alloc_count;
	ti->free_count = slot->large_free_count;
	ti->alloc_bytes = slot->large_alloc_bytes;
	ti->free_bytes = slot->large_free_bytes;
	ti->requested_bytes = slot->requested_bytes;
	ti->large_alloc_count = slot->large_alloc_count;
	ti->large_free_count = slot->large_free_count;
	ti->large_alloc_bytes = slot->large_alloc_bytes;
	ti->large_free_bytes = slot->large_free_bytes;
	for (uint32_t c = 0; c < s->nclasses; c++) {
		uint64_t size = s->classes[c].size;
		sums->alloc[c] = as_sat_add(sums->alloc[c], slot->class_alloc[c]);
		sums->freed[c] = as_sat_add(sums->freed[c], slot->class_free[c]);
		ti->alloc_count = as_sat_add(ti->alloc_count, slot->class_alloc[c]);
		ti->free_count = as_sat_add(ti->free_count, slot->class_free[c]);
		ti->alloc_bytes = as_sat_add(ti->alloc_bytes, as_sat_mul(slot->class_alloc[c], size));
		ti->free_bytes = as_sat_add(ti->free_bytes, as_sat_mul(slot->class_free[c], size));
		if (ti->state != LAS_SLOT_LIVE)
			continue;
		uint64_t in = as_sat_add(slot->class_fill[c], slot->class_free[c]);
		uint64_t out = as_sat_add(slot->class_flush[c], slot->class_alloc[c]);
		uint64_t occ = as_sub_floor0(in, out);
		sums->cached[c] = as_sat_add(sums->cached[c], occ);
		ti->cache_objects = as_sat_add(ti->cache_objects, occ);
		ti->cache_bytes = as_sat_add(ti->cache_bytes, as_sat_mul(occ, size));
	}
}

/*
 * Decode the thread slots in use: the writer hands out slots in order, so
 * slots above globals.threads_created were never used and are not read
 * (a big segment is mostly such slots). A segment of another user is read
 * no further than AS_FOREIGN_SLOTS_MAX slots.
 */
static int decode_threads(const struct as_segment *seg, const struct las_header *h,
			  struct as_snapshot *s, struct as_error *err)
{
	const struct las_table *t = &h->tables[LAS_T_THREADS];
	uint64_t used = as_sat_add(s->globals.threads_created, 1);
	if (used > t->count)
		used = t->count;
	uint64_t readable = used;
	if (seg->foreign && readable > AS_FOREIGN_SLOTS_MAX) {
		readable = AS_FOREIGN_SLOTS_MAX;
		s->threads_unread = (uint32_t)(used - readable);
	}
	struct las_thread *chunk = malloc(SLOT_CHUNK * sizeof(*chunk));
	struct class_sums *sums = calloc(1, sizeof(*sums));
	s->threads = calloc(readable ? readable : 1, sizeof(*s->threads));
	if (!chunk || !sums || !s->threads) {
		free(chunk);
		free(sums);
		return as_fail(err, AS_ERR_IO, h->pid, seg->path, "out of memory");
	}
	int rc = AS_OK;
	for (uint32_t base = 0; base < readable && rc == AS_OK; base += SLOT_CHUNK) {
		uint32_t n = readable - base < SLOT_CHUNK ? (uint32_t)(readable - base) : SLOT_CHUNK;
		if (read_entries(seg, t, base, n, chunk, sizeof(*chunk)) != 0) {
			rc = SOURCE_SHRANK;
			break;
		}
		for (uint32_t k = 0; k < n; k++) {
			uint32_t i = base + k;
			struct las_thread *slot = &chunk[k];
			if (i > 0 && slot->state == LAS_SLOT_FREE && !(slot->seq & 1))
				continue;
			if (i > 0 && stabilise_thread(seg, t, i, slot) != 0) {
				s->unstable_records++;
				continue;
			}
			if (i > 0 && slot->state == LAS_SLOT_FREE)
				continue;
			if (i > 0 && slot->state != LAS_SLOT_LIVE) {
				rc = as_fail(err, AS_ERR_CORRUPT, h->pid, seg->path,
					     "corrupt segment: thread slot %u has state %u", i,
					     slot->state);
				break;
			}
			add_thread(s, slot, i, sums); /* slot 0 is the retired sum by contract */
		}
	}
	if (rc == AS_OK && s->nthreads < readable) {
		/* give back what free slots did not use */
		void *fit = realloc(s->threads, (s->nthreads ? s->nthreads : 1) * sizeof(*s->threads));
		if (fit)
			s->threads = fit;
	}
	for (uint32_t c = 0; c < s->nclasses && rc == AS_OK; c++) {
		struct as_class_info *ci = &s->classes[c];
		ci->alloc_total = sums->alloc[c];
		ci->free_total = sums->freed[c];
		ci->live_objects = as_sub_floor0(sums->alloc[c], sums->freed[c]);
		ci->live_bytes = as_sat_mul(ci->live_objects, ci->size);
		ci->cached_objects = sums->cached[c];
	}
	free(chunk);
	free(sums);
	return rc;
}

static void derive_totals(struct as_snapshot *s)
{
	struct as_totals *tot = &s->totals;
	memset(tot, 0, sizeof(*tot));
	for (uint32_t c = 0; c < s->nclasses; c++) {
		tot->small_live_bytes = as_sat_add(tot->small_live_bytes, s->classes[c].live_bytes);
		tot->live_allocs = as_sat_add(tot->live_allocs, s->classes[c].live_objects);
	}
	for (int b = 0; b < LAS_LARGE_BANDS; b++) {
		tot->large_live_bytes = as_sat_add(tot->large_live_bytes, s->large[b].bytes);
		tot->live_allocs = as_sat_add(tot->live_allocs, s->large[b].count);
	}
	tot->live_bytes = as_sat_add(tot->small_live_bytes, tot->large_live_bytes);
	for (uint32_t i = 0; i < s->nthreads; i++) {
		const struct as_thread_info *t = &s->threads[i];
		tot->alloc_count = as_sat_add(tot->alloc_count, t->alloc_count);
		tot->free_count = as_sat_add(tot->free_count, t->free_count);
		tot->alloc_bytes = as_sat_add(tot->alloc_bytes, t->alloc_bytes);
		tot->free_bytes = as_sat_add(tot->free_bytes, t->free_bytes);
		tot->requested_bytes = as_sat_add(tot->requested_bytes, t->requested_bytes);
		tot->cached_bytes = as_sat_add(tot->cached_bytes, t->cache_bytes);
		if (t->state == LAS_SLOT_LIVE)
			tot->threads_live++;
	}
	tot->threads_total = s->globals.threads_created;
	for (uint32_t k = 0; k < LAS_EV_KIND_COUNT; k++)
		if (las_event_is_violation(k))
			tot->violations_total = as_sat_add(tot->violations_total,
							   las_violations_of(&s->globals, k));
}

static int decode_events(const struct as_segment *seg, const struct las_header *h,
			 struct as_snapshot *s)
{
	const struct las_table *t = &h->tables[LAS_T_EVENTS];
	struct las_event_ring *ring = malloc(sizeof(*ring));
	struct las_event_ring *again = malloc(sizeof(*again));
	int rc = 0;
	s->events = calloc(LAS_EVENTS, sizeof(*s->events));
	if (!ring || !again || !s->events)
		goto out;
	/* Two reads: an entry counts only if both agree on it. */
	if (as_source_read(seg, ring, sizeof(*ring), t->offset) != 0 ||
	    as_source_read(seg, again, sizeof(*again), t->offset) != 0) {
		rc = SOURCE_SHRANK;
		goto out;
	}
	uint64_t head = ring->head < again->head ? ring->head : again->head;
	s->events_head = head;
	uint64_t first = head > LAS_EVENTS ? head - LAS_EVENTS : 0;
	for (uint64_t i = first; i < head; i++) {
		const struct las_event *a = &ring->entries[i % LAS_EVENTS];
		const struct las_event *b = &again->entries[i % LAS_EVENTS];
		if (a->seq != 2 * (i + 1) || memcmp(a, b, sizeof(*a)) != 0) {
			s->unstable_records++;
			continue;
		}
		struct las_event *e = &s->events[s->nevents++];
		*e = *a;
		e->detail[sizeof(e->detail) - 1] = '\0';
	}
out:
	free(ring);
	free(again);
	return rc;
}

/* Identity from the kernel for a file segment (see stat_identity.c). */
static void fill_identity(const struct as_segment *seg, struct as_snapshot *s)
{
	s->uid = s->reported_uid;
	if (seg->fd < 0)
		return;
	s->uid = seg->owner;
	s->identity = AS_ID_UID;
	struct as_identity id;
	as_identity_read(s->pid, &id);
	s->identity |= id.flags;
	copy_string(s->exe_path, sizeof(s->exe_path), id.exe_path, sizeof(id.exe_path));
	copy_string(s->exe, sizeof(s->exe), as_basename(id.exe_path), sizeof(id.exe_path));
	copy_string(s->comm, sizeof(s->comm), id.comm, sizeof(id.comm));
	copy_string(s->cmdline, sizeof(s->cmdline), id.cmdline, sizeof(id.cmdline));
}

/* AS_OK, an as_err code, or SOURCE_SHRANK (a read came up short). */
static int decode(const struct as_segment *seg, struct as_snapshot *s, struct as_error *err)
{
	struct las_header h;
	uint64_t size;
	int rc = as_read_header(seg, &h, &size, err);
	if (rc)
		return rc;
	s->pid = h.pid;
	s->reported_uid = h.uid;
	s->start_time_ticks = h.start_time_ticks;
	s->abi_major = h.abi_major;
	s->abi_minor = h.abi_minor;
	s->ready = h.ready;
	s->update_seq = h.update_seq;
	s->created_unix_ns = h.created_unix_ns;
	s->segment_size = h.segment_size;
	s->foreign = seg->foreign;
	copy_string(s->reported_exe, sizeof(s->reported_exe), h.exe, sizeof(h.exe));
	copy_string(s->reported_cmdline, sizeof(s->reported_cmdline), h.cmdline, sizeof(h.cmdline));
	copy_string(s->version, sizeof(s->version), h.version, sizeof(h.version));
	copy_string(s->conf, sizeof(s->conf), h.conf, sizeof(h.conf));
	fill_identity(seg, s);

	const struct las_table *t = h.tables;
	struct las_class *lc = calloc(LAS_NCLASSES_MAX, sizeof(*lc));
	s->nclasses = t[LAS_T_CLASSES].count;
	s->narenas = t[LAS_T_ARENAS].count;
	if (seg->foreign && s->narenas > AS_FOREIGN_ARENAS_MAX) {
		s->arenas_unread = s->narenas - AS_FOREIGN_ARENAS_MAX;
		s->narenas = AS_FOREIGN_ARENAS_MAX;
	}
	s->classes = calloc(s->nclasses ? s->nclasses : 1, sizeof(*s->classes));
	s->arenas = calloc(s->narenas ? s->narenas : 1, sizeof(*s->arenas));
	if (!lc || !s->classes || !s->arenas) {
		free(lc);
		return as_fail(err, AS_ERR_IO, h.pid, seg->path, "out of memory");
	}
	if (read_entries(seg, &t[LAS_T_GLOBALS], 0, 1, &s->globals, sizeof(s->globals)) ||
	    read_entries(seg, &t[LAS_T_CONTROL], 0, 1, &s->control, sizeof(s->control)) ||
	    read_entries(seg, &t[LAS_T_LARGE], 0, LAS_LARGE_BANDS, s->large, sizeof(s->large[0])) ||
	    read_entries(seg, &t[LAS_T_CLASSES], 0, s->nclasses, lc, sizeof(*lc)) ||
	    read_entries(seg, &t[LAS_T_ARENAS], 0, s->narenas, s->arenas, sizeof(*s->arenas))) {
		free(lc);
		return SOURCE_SHRANK;
	}
	for (uint32_t c = 0; c < s->nclasses; c++) {
		struct as_class_info *ci = &s->classes[c];
		ci->index = c;
		ci->size = lc[c].size;
		ci->slabs = lc[c].slabs;
		ci->slab_size = lc[c].slab_size;
		ci->objs_per_slab = lc[c].objs_per_slab;
		uint64_t capacity = as_sat_mul(lc[c].slabs, lc[c].objs_per_slab);
		ci->utilisation = capacity ? (double)lc[c].objs_handed / (double)capacity : 0.0;
		if (ci->utilisation > 1.0)
			ci->utilisation = 1.0;
	}
	free(lc);
	rc = decode_threads(seg, &h, s, err);
	if (rc)
		return rc;
	rc = decode_events(seg, &h, s);
	if (rc)
		return rc;
	derive_totals(s);
	return AS_OK;
}

int as_snapshot_take(struct as_segment *seg, struct as_snapshot *out, struct as_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!seg)
		return as_fail(err, AS_ERR_USAGE, 0, "-", "no segment");
	/* The file may change under us (a hostile or dying writer): retry a
	 * few times, then give up with an error rather than trust it. */
	for (int attempt = 0; attempt < 3; attempt++) {
		out->taken_ns = now_monotonic_ns();
		int rc = decode(seg, out, err);
		if (rc == AS_OK)
			return AS_OK;
		as_snapshot_free(out);
		memset(out, 0, sizeof(*out));
		if (rc != SOURCE_SHRANK)
			return rc;
	}
	return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
		       "corrupt segment: file kept changing size while being read");
}

void as_snapshot_free(struct as_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->classes);
	free(snap->arenas);
	free(snap->threads);
	free(snap->events);
	snap->classes = NULL;
	snap->arenas = NULL;
	snap->threads = NULL;
	snap->events = NULL;
	snap->nclasses = snap->narenas = snap->nthreads = snap->nevents = 0;
}
