/*
 * stat_snapshot.c - decode a validated private copy of a segment into a
 * struct as_snapshot, with the derived totals.
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

static uint64_t now_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Copy an entry of entry_size bytes into a struct of our size: the smaller
 * of the two, zero-filling fields a shorter (older) entry lacks. */
static void copy_entry(void *dst, size_t dst_size, const unsigned char *src,
		       uint32_t entry_size)
{
	size_t n = entry_size < dst_size ? entry_size : dst_size;
	memcpy(dst, src, n);
	if (n < dst_size)
		memset((char *)dst + n, 0, dst_size - n);
}

static const unsigned char *entry_at(const unsigned char *img, const struct las_table *t,
				     uint32_t i)
{
	return img + t->offset + (uint64_t)i * t->entry_size;
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
	uint64_t off = t->offset + (uint64_t)i * t->entry_size;
	for (int attempt = 0; attempt < SEQ_RETRIES; attempt++) {
		struct las_thread again;
		if (as_source_read(seg, &again, sizeof(again), off) != 0)
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

static int decode_threads(const struct as_segment *seg, const unsigned char *img,
			  const struct las_header *h, struct as_snapshot *s,
			  struct las_thread **raw_out, struct as_error *err)
{
	const struct las_table *t = &h->tables[LAS_T_THREADS];
	/* Size the arrays by the slots in use, not by the table (a hostile
	 * table may be large and mostly empty). */
	uint32_t used = 0;
	for (uint32_t i = 0; i < t->count; i++) {
		const struct las_thread *p = (const void *)entry_at(img, t, i);
		uint64_t seq;
		uint32_t state;
		memcpy(&seq, &p->seq, sizeof(seq));
		memcpy(&state, &p->state, sizeof(state));
		if (i == 0 || state != LAS_SLOT_FREE || (seq & 1))
			used++;
	}
	s->threads = calloc(used, sizeof(*s->threads));
	struct las_thread *raw = calloc(used, sizeof(*raw));
	if (!s->threads || !raw) {
		free(raw);
		return as_fail(err, AS_ERR_IO, h->pid, seg->path, "out of memory");
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->count && n < used; i++) {
		struct las_thread slot;
		copy_entry(&slot, sizeof(slot), entry_at(img, t, i), t->entry_size);
		if (i > 0 && slot.state == LAS_SLOT_FREE && !(slot.seq & 1))
			continue;
		if (i > 0 && stabilise_thread(seg, t, i, &slot) != 0) {
			s->unstable_records++;
			continue;
		}
		if (i == 0) {
			slot.state = LAS_SLOT_RETIRED; /* slot 0 is the retired sum by contract */
		} else if (slot.state == LAS_SLOT_FREE) {
			continue;
		} else if (slot.state != LAS_SLOT_LIVE) {
			free(raw);
			return as_fail(err, AS_ERR_CORRUPT, h->pid, seg->path,
				       "corrupt segment: thread slot %u has state %u", i, slot.state);
		}
		struct as_thread_info *ti = &s->threads[n];
		ti->tid = i == 0 ? 0 : slot.tid;
		ti->state = slot.state;
		copy_string(ti->name, sizeof(ti->name), slot.name, sizeof(slot.name));
		ti->arena = slot.arena;
		/* totals start with the large part; derive_classes adds the small */
		ti->alloc_count = slot.large_alloc_count;
		ti->free_count = slot.large_free_count;
		ti->alloc_bytes = slot.large_alloc_bytes;
		ti->free_bytes = slot.large_free_bytes;
		ti->requested_bytes = slot.requested_bytes;
		ti->large_alloc_count = slot.large_alloc_count;
		ti->large_free_count = slot.large_free_count;
		ti->large_alloc_bytes = slot.large_alloc_bytes;
		ti->large_free_bytes = slot.large_free_bytes;
		raw[n] = slot;
		n++;
	}
	s->nthreads = n;
	*raw_out = raw;
	return AS_OK;
}

/*
 * Per-class sums over the decoded slots, each thread's small-allocation
 * totals (the writer keeps no per-thread totals: counts and bytes are
 * class_alloc/class_free times the class size, plus the large counters),
 * and each live thread's cache occupancy.
 */
static void derive_classes(struct as_snapshot *s, const struct las_thread *raw)
{
	for (uint32_t c = 0; c < s->nclasses; c++) {
		struct as_class_info *ci = &s->classes[c];
		uint64_t alloc = 0, freed = 0, cached = 0;
		for (uint32_t i = 0; i < s->nthreads; i++) {
			const struct las_thread *t = &raw[i];
			struct as_thread_info *ti = &s->threads[i];
			alloc = as_sat_add(alloc, t->class_alloc[c]);
			freed = as_sat_add(freed, t->class_free[c]);
			ti->alloc_count = as_sat_add(ti->alloc_count, t->class_alloc[c]);
			ti->free_count = as_sat_add(ti->free_count, t->class_free[c]);
			ti->alloc_bytes = as_sat_add(ti->alloc_bytes,
						     as_sat_mul(t->class_alloc[c], ci->size));
			ti->free_bytes = as_sat_add(ti->free_bytes,
						    as_sat_mul(t->class_free[c], ci->size));
			if (t->state != LAS_SLOT_LIVE)
				continue;
			/* fill - flush - alloc + free, clamped at 0 (see allocstat.h) */
			uint64_t in = as_sat_add(t->class_fill[c], t->class_free[c]);
			uint64_t out = as_sat_add(t->class_flush[c], t->class_alloc[c]);
			uint64_t occ = as_sub_floor0(in, out);
			cached = as_sat_add(cached, occ);
			ti->cache_objects = as_sat_add(ti->cache_objects, occ);
			ti->cache_bytes = as_sat_add(ti->cache_bytes, as_sat_mul(occ, ci->size));
		}
		ci->alloc_total = alloc;
		ci->free_total = freed;
		ci->live_objects = as_sub_floor0(alloc, freed);
		ci->live_bytes = as_sat_mul(ci->live_objects, ci->size);
		ci->cached_objects = cached;
	}
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

static void decode_events(const struct as_segment *seg, const unsigned char *img,
			  const struct las_header *h, struct as_snapshot *s)
{
	const struct las_table *t = &h->tables[LAS_T_EVENTS];
	struct las_event_ring *ring = malloc(sizeof(*ring));
	struct las_event_ring *again = malloc(sizeof(*again));
	s->events = calloc(LAS_EVENTS, sizeof(*s->events));
	if (!ring || !again || !s->events)
		goto out;
	memcpy(ring, img + t->offset, sizeof(*ring));
	/* A second read: an entry counts only if both reads agree on it. */
	if (seg->fd < 0 || as_source_read(seg, again, sizeof(*again), t->offset) != 0)
		memcpy(again, ring, sizeof(*again));
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
}

static int decode(const struct as_segment *seg, const unsigned char *img,
		  struct as_snapshot *s, struct as_error *err)
{
	struct las_header h;
	memcpy(&h, img, sizeof(h));
	s->pid = h.pid;
	s->uid = h.uid;
	s->start_time_ticks = h.start_time_ticks;
	s->abi_major = h.abi_major;
	s->abi_minor = h.abi_minor;
	s->ready = h.ready;
	s->update_seq = h.update_seq;
	s->created_unix_ns = h.created_unix_ns;
	s->segment_size = h.segment_size;
	copy_string(s->exe, sizeof(s->exe), h.exe, sizeof(h.exe));
	copy_string(s->cmdline, sizeof(s->cmdline), h.cmdline, sizeof(h.cmdline));
	copy_string(s->version, sizeof(s->version), h.version, sizeof(h.version));
	copy_string(s->conf, sizeof(s->conf), h.conf, sizeof(h.conf));

	const struct las_table *t = h.tables;
	copy_entry(&s->globals, sizeof(s->globals), img + t[LAS_T_GLOBALS].offset,
		   t[LAS_T_GLOBALS].entry_size);
	copy_entry(&s->control, sizeof(s->control), img + t[LAS_T_CONTROL].offset,
		   t[LAS_T_CONTROL].entry_size);
	for (uint32_t b = 0; b < LAS_LARGE_BANDS; b++)
		copy_entry(&s->large[b], sizeof(s->large[b]), entry_at(img, &t[LAS_T_LARGE], b),
			   t[LAS_T_LARGE].entry_size);

	s->nclasses = t[LAS_T_CLASSES].count;
	s->narenas = t[LAS_T_ARENAS].count;
	s->classes = calloc(s->nclasses ? s->nclasses : 1, sizeof(*s->classes));
	s->arenas = calloc(s->narenas ? s->narenas : 1, sizeof(*s->arenas));
	if (!s->classes || !s->arenas)
		return as_fail(err, AS_ERR_IO, h.pid, seg->path, "out of memory");
	for (uint32_t c = 0; c < s->nclasses; c++) {
		struct las_class lc;
		copy_entry(&lc, sizeof(lc), entry_at(img, &t[LAS_T_CLASSES], c),
			   t[LAS_T_CLASSES].entry_size);
		struct as_class_info *ci = &s->classes[c];
		ci->index = c;
		ci->size = lc.size;
		ci->slabs = lc.slabs;
		ci->slab_size = lc.slab_size;
		ci->objs_per_slab = lc.objs_per_slab;
		uint64_t capacity = as_sat_mul(lc.slabs, lc.objs_per_slab);
		ci->utilisation = capacity ? (double)lc.objs_handed / (double)capacity : 0.0;
		if (ci->utilisation > 1.0)
			ci->utilisation = 1.0;
	}
	for (uint32_t a = 0; a < s->narenas; a++)
		copy_entry(&s->arenas[a], sizeof(s->arenas[a]), entry_at(img, &t[LAS_T_ARENAS], a),
			   t[LAS_T_ARENAS].entry_size);

	struct las_thread *raw = NULL;
	int rc = decode_threads(seg, img, &h, s, &raw, err);
	if (rc)
		return rc;
	derive_classes(s, raw);
	free(raw);
	decode_events(seg, img, &h, s);
	derive_totals(s);
	return AS_OK;
}

int as_snapshot_take(struct as_segment *seg, struct as_snapshot *out, struct as_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!seg)
		return as_fail(err, AS_ERR_USAGE, 0, "-", "no segment");
	unsigned char *img;
	size_t len;
	int rc = as_load_image(seg, &img, &len, err);
	if (rc)
		return rc;
	out->taken_ns = now_monotonic_ns();
	rc = decode(seg, img, out, err);
	if (rc)
		as_snapshot_free(out);
	return rc;
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
