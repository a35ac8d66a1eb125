/* segfab.c - build stats segments with known content (see segfab.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocstat.h"
#include "segfab.h"

struct segfab_spec segfab_default(pid_t pid)
{
	struct segfab_spec s = {
		.pid = pid, .nclasses = 8, .narenas = 2, .max_threads = 4,
		.start_time_ticks = as_pid_start_ticks(pid),
	};
	if (!s.start_time_ticks)
		s.start_time_ticks = 12345;
	return s;
}

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~(uint64_t)7;
}

static uint64_t place(struct las_header *h, int t, uint64_t at, uint32_t esize, uint32_t count)
{
	h->tables[t].offset = at;
	h->tables[t].entry_size = esize;
	h->tables[t].count = count;
	return align8(at + (uint64_t)esize * count);
}

static void fill_threads(unsigned char *img, const struct segfab_spec *spec)
{
	struct las_thread *r = segfab_entry(img, LAS_T_THREADS, 0);
	r->state = LAS_SLOT_RETIRED;
	for (uint32_t c = 0; c < spec->nclasses; c++) {
		r->class_alloc[c] = 10 * (c + 1);
		r->class_free[c] = 5 * (c + 1);
		r->requested_bytes += 10 * (c + 1) * 16 * (c + 1) - 1;
	}
	r->large_alloc_count = 1;
	r->large_free_count = 1;
	r->large_alloc_bytes = r->large_free_bytes = 8192;
	if (spec->max_threads < 2)
		return;
	struct las_thread *m = segfab_entry(img, LAS_T_THREADS, 1);
	m->seq = 2;
	m->tid = 1001;
	m->state = LAS_SLOT_LIVE;
	snprintf(m->name, sizeof(m->name), "main");
	for (uint32_t c = 0; c < spec->nclasses; c++) {
		m->class_alloc[c] = 7;
		m->class_free[c] = 3;
		m->class_fill[c] = 20;
		m->class_flush[c] = 8;
	}
	m->large_alloc_count = 2;
	m->large_alloc_bytes = 10000;
	if (spec->max_threads < 3)
		return;
	struct las_thread *w = segfab_entry(img, LAS_T_THREADS, 2);
	w->seq = 4;
	w->tid = 1002;
	w->state = LAS_SLOT_LIVE;
	w->arena = spec->narenas > 1 ? 1 : 0;
	snprintf(w->name, sizeof(w->name), "worker");
	if (spec->nclasses) {
		w->class_alloc[0] = 100;
		w->class_free[0] = 100;
	}
}

static void fill_events(unsigned char *img)
{
	struct las_event_ring *ring = segfab_entry(img, LAS_T_EVENTS, 0);
	static const uint32_t kinds[] = { LAS_EV_DOUBLE_FREE, LAS_EV_INVALID_FREE,
					  LAS_EV_CONF_CHANGE };
	for (uint64_t i = 0; i < 3; i++) {
		struct las_event *e = &ring->entries[i];
		e->seq = 2 * (i + 1);
		e->time_ns = 1700000000000000000ull + i;
		e->kind = kinds[i];
		e->tid = 1001;
		e->addr = 0x7f0000001000ull + 16 * i;
		e->size = 32;
		e->size_class = 1;
		snprintf(e->detail, sizeof(e->detail), "event \"%d\"\n", (int)i);
	}
	ring->head = 3;
}

unsigned char *segfab_build(const struct segfab_spec *spec, size_t *len)
{
	struct las_header hdr;
	memset(&hdr, 0, sizeof(hdr));
	uint64_t at = align8(sizeof(hdr));
	at = place(&hdr, LAS_T_GLOBALS, at, sizeof(struct las_globals), 1);
	at = place(&hdr, LAS_T_CLASSES, at, sizeof(struct las_class), spec->nclasses);
	at = place(&hdr, LAS_T_ARENAS, at, sizeof(struct las_arena), spec->narenas);
	at = place(&hdr, LAS_T_THREADS, at, sizeof(struct las_thread), spec->max_threads);
	at = place(&hdr, LAS_T_LARGE, at, sizeof(struct las_large_band), LAS_LARGE_BANDS);
	at = place(&hdr, LAS_T_EVENTS, at, sizeof(struct las_event_ring), 1);
	at = place(&hdr, LAS_T_CONTROL, at, sizeof(struct las_control), 1);
	unsigned char *img = calloc(1, at);
	if (!img)
		return NULL;
	struct las_header *h = segfab_header(img);
	*h = hdr;
	h->magic = LAS_MAGIC;
	h->abi_major = LAS_ABI_MAJOR;
	h->abi_minor = LAS_ABI_MINOR;
	h->byte_order = LAS_BYTE_ORDER_LITTLE;
	h->header_size = sizeof(*h);
	h->ready = 1;
	h->segment_size = at;
	h->pid = spec->pid;
	h->uid = (uint32_t)getuid();
	h->start_time_ticks = spec->start_time_ticks;
	h->created_unix_ns = 1700000000000000000ull;
	h->update_seq = 42;
	snprintf(h->exe, sizeof(h->exe), "segfab");
	snprintf(h->cmdline, sizeof(h->cmdline), "segfab --test \"quoted\"");
	snprintf(h->version, sizeof(h->version), "0.1.0");
	snprintf(h->conf, sizeof(h->conf), "stats:true");
	h->nclasses = spec->nclasses;
	h->narenas = spec->narenas;
	h->max_threads = spec->max_threads;
	h->page_size = 4096;

	struct las_globals *g = segfab_entry(img, LAS_T_GLOBALS, 0);
	g->mapped_bytes = 64 << 20;
	g->active_bytes = 1 << 20;
	g->dirty_bytes = 4096;
	g->resident_bytes = g->active_bytes + g->dirty_bytes;
	g->purged_bytes = 8192;
	g->madvise_calls = 2;
	g->metadata_bytes = 65536;
	g->kernel_mappings = 3;
	g->reservations = 1;
	g->peak_handed_bytes = 2 << 20;
	g->handed_bytes = 1 << 20;
	g->purge_runs = 1;
	g->violations[LAS_EV_DOUBLE_FREE] = 1;
	g->violations[LAS_EV_INVALID_FREE] = 1;
	g->threads_created = 5;
	g->threads_live = 2;
	for (uint32_t c = 0; c < spec->nclasses; c++) {
		struct las_class *k = segfab_entry(img, LAS_T_CLASSES, c);
		k->size = 16 * (c + 1);
		k->slab_size = 4096;
		k->objs_per_slab = (uint32_t)(4096 / k->size);
		k->slabs = 2;
		k->objs_handed = k->objs_per_slab;
		k->slab_allocs = 3;
		k->slab_frees = 1;
	}
	for (uint32_t a = 0; a < spec->narenas; a++) {
		struct las_arena *ar = segfab_entry(img, LAS_T_ARENAS, a);
		ar->threads = 1;
		ar->handed_bytes = 1000 * (a + 1);
		ar->lock_acquisitions = 50;
		ar->lock_contended = a;
		ar->slabs = 4;
	}
	struct las_large_band *b12 = segfab_entry(img, LAS_T_LARGE, 12);
	b12->count = 2;
	b12->bytes = 10000;
	b12->total_allocs = 3;
	struct las_large_band *b20 = segfab_entry(img, LAS_T_LARGE, 20);
	b20->count = 1;
	b20->bytes = (1 << 20) + 5;
	b20->total_allocs = 1;
	fill_threads(img, spec);
	fill_events(img);
	struct las_control *ctl = segfab_entry(img, LAS_T_CONTROL, 0);
	ctl->applied.on_error = LAS_ONERR_ABORT;
	*len = at;
	return img;
}

int segfab_write(const char *path, const unsigned char *img, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, img + done, len - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}
