/*
 * stats.c - the tables of the stats segment (liballoc_stats.h) and their
 * publication as a file (stats.h).
 *
 * At start the tables are shared anonymous memory of this process. To
 * publish, the file is created and locked (seg_file.c), the tables are
 * copied into it, and the file's mapping is moved over them with mremap:
 * one step, at the same address, so every pointer into the tables stays
 * valid. Counters other threads bump between the copy and the move land in
 * the old pages, which a second view of them still shows: the difference
 * is added to the file afterwards, so nothing counted is lost.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "shared/vocab.h"
#include "stats/identity.h"
#include "stats/seg_file.h"
#include "stats/stats.h"
#include "stats/sweep.h"
#include "sys/base.h"
#include "sys/check.h"
#include "sys/conf.h"

#ifndef LIBALLOC_VERSION
#define LIBALLOC_VERSION "0.0.0"
#endif

/* The most thread slots a table can have (stats_threads). */
#define MAX_SLOTS 65536u

struct las_header *la_header;

/* Geometry, as this process laid it out: never read back from the tables. */
static size_t seg_size, threads_off, after_threads_off;
static unsigned max_threads, arena_records;
static struct las_thread *threads;
static struct las_event_ring *events;

static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned thread_hint = 1, thread_high = 1; /* slots below thread_high were used */
static uint64_t slot_busy[MAX_SLOTS / 64];        /* slots in use, privately */
/* Slots of threads beyond the table: private, reused, folded at exit. */
struct private_slot {
	struct las_thread slot;
	struct private_slot *next;
};
static struct private_slot *private_slots;
/* When not even a private slot can be had: one slot those threads share
 * (their counts may then race; nothing else does). */
static struct las_thread shared_slot;
static unsigned shared_slot_users;

/* Publication. */
static bool publish_pending;
static _Atomic bool shutting_down;
static char seg_path[256];
static int seg_fd = -1;        /* keeps the liveness lock */
static struct seg_file_id seg_id; /* what seg_fd was open on */
static pid_t seg_owner;        /* pid that created the file at seg_path */

static size_t align64(size_t x)
{
	return (x + 63) & ~(size_t)63;
}

static void set_table(struct las_header *h, int id, size_t *off, uint32_t entry, uint32_t count)
{
	h->tables[id].offset = *off;
	h->tables[id].entry_size = entry;
	h->tables[id].count = count;
	*off = align64(*off + (size_t)entry * count);
}

LA_STATIC_ASSERT((LAS_EVENTS & (LAS_EVENTS - 1)) == 0, "the event ring wraps by index");
LA_STATIC_ASSERT(LAS_EV_KIND_COUNT <= LAS_EV_COUNTERS + LAS_EV_COUNTERS_MORE,
		 "every event kind has a counter");
LA_STATIC_ASSERT(sizeof(struct las_thread) % 8 == 0, "slots are whole words");

/* What start-up writes (header, globals, control, classes) comes first, in
 * as few pages as it fits; the thread slots, used from the first up, and
 * the event ring, written at the first event, come last. Readers follow
 * the offsets, whatever the order. */
static size_t layout(struct las_header *h)
{
	size_t off = align64(sizeof(*h));
	set_table(h, LAS_T_GLOBALS, &off, sizeof(struct las_globals), 1);
	set_table(h, LAS_T_CONTROL, &off, sizeof(struct las_control), 1);
	set_table(h, LAS_T_CLASSES, &off, sizeof(struct las_class), h->nclasses);
	set_table(h, LAS_T_ARENAS, &off, sizeof(struct las_arena), h->narenas);
	set_table(h, LAS_T_LARGE, &off, sizeof(struct las_large_band), LAS_LARGE_BANDS);
	set_table(h, LAS_T_THREADS, &off, sizeof(struct las_thread), h->max_threads);
	set_table(h, LAS_T_EVENTS, &off, sizeof(struct las_event_ring), 1);
	/* Heap profile: last, so that a reader reads up to the stacks in use. */
	set_table(h, LAS_T_PROFILE, &off, sizeof(struct las_profile), 1);
	set_table(h, LAS_T_STACKS, &off, sizeof(struct las_stack), la_conf.prof_stacks);
	return (off + PAGE - 1) & ~(PAGE - 1);
}

/* Point the writer at the tables of a mapping laid out as `geo` says. */
static void adopt(char *base, const struct las_header *geo)
{
	la_header = (struct las_header *)base;
	la_globals = (struct las_globals *)(base + geo->tables[LAS_T_GLOBALS].offset);
	la_class_stats = (struct las_class *)(base + geo->tables[LAS_T_CLASSES].offset);
	la_arena_stats = (struct las_arena *)(base + geo->tables[LAS_T_ARENAS].offset);
	threads = (struct las_thread *)(base + geo->tables[LAS_T_THREADS].offset);
	la_large_bands = (struct las_large_band *)(base + geo->tables[LAS_T_LARGE].offset);
	events = (struct las_event_ring *)(base + geo->tables[LAS_T_EVENTS].offset);
	la_control = (struct las_control *)(base + geo->tables[LAS_T_CONTROL].offset);
	la_gate = &la_control->gate;
	la_profile = (struct las_profile *)(base + geo->tables[LAS_T_PROFILE].offset);
	la_stacks = geo->tables[LAS_T_STACKS].count
			    ? (struct las_stack *)(base + geo->tables[LAS_T_STACKS].offset)
			    : NULL;
	threads_off = geo->tables[LAS_T_THREADS].offset;
	after_threads_off = geo->tables[LAS_T_EVENTS].offset;
}

/* The parts of the tables in use: everything but the slots never used. */
static void copy_used(void *dst, const void *src)
{
	size_t used_end = threads_off + (size_t)thread_high * sizeof(struct las_thread);
	memcpy(dst, src, used_end);
	memcpy((char *)dst + after_threads_off, (const char *)src + after_threads_off,
	       seg_size - after_threads_off);
}

/* Add to `dst` what changed from `before` to `after`, word by word. */
static void carry_over(uint64_t *dst, const uint64_t *after, const uint64_t *before, size_t from,
		       size_t to)
{
	for (size_t i = from / 8; i < to / 8; i++) {
		uint64_t d = after[i] - before[i];
		if (d)
			__atomic_fetch_add(&dst[i], d, __ATOMIC_RELAXED);
	}
}

void stats_init(unsigned nclasses, unsigned narenas)
{
	struct las_header proto;
	memset(&proto, 0, sizeof(proto));
	proto.nclasses = nclasses;
	proto.narenas = narenas;
	proto.max_threads = la_conf.stats_threads < MAX_SLOTS ? la_conf.stats_threads : MAX_SLOTS;
	seg_size = layout(&proto);
	/* Shared, so that publishing can view the old pages twice; private
	 * when they will never be published. */
	int kind = la_conf.stats ? MAP_SHARED : MAP_PRIVATE;
	void *m = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, kind | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return; /* out of memory: the bootstrap tables go on, unpublished */
	struct las_header *h = m;
	memcpy(h, &proto, sizeof(proto));
	h->magic = LAS_MAGIC;
	h->abi_major = LAS_ABI_MAJOR;
	h->abi_minor = LAS_ABI_MINOR;
	h->byte_order = LAS_BYTE_ORDER_LITTLE;
	h->header_size = sizeof(*h);
	h->segment_size = seg_size;
	h->page_size = (uint32_t)PAGE;
	memcpy(h->version, LIBALLOC_VERSION, sizeof(LIBALLOC_VERSION));
	conf_render(h->conf, sizeof(h->conf));
	max_threads = proto.max_threads;
	arena_records = narenas;
	adopt(m, &proto);
	/* Nothing has been counted in the bootstrap tables: start-up calls
	 * this before anything can allocate (the core fills in the class
	 * geometry next). Not copying them spares a short process the pages. */
	la_profile->capacity = proto.tables[LAS_T_STACKS].count;
	la_control->applied = la_conf.checks;
	la_control->requested = la_conf.checks;
	__atomic_store_n(&h->ready, LAS_READY, __ATOMIC_RELEASE);
	publish_pending = la_conf.stats;
}

bool stats_publish_pending(void)
{
	return __atomic_load_n(&publish_pending, __ATOMIC_RELAXED);
}

/* Under thread_lock. The file at `path` (fd) becomes the tables. */
static bool move_into_file(int fd, bool locked)
{
	void *view = mremap(la_header, 0, seg_size, MREMAP_MAYMOVE);
	void *file = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	void *before = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	bool ok = view != MAP_FAILED && file != MAP_FAILED && before != MAP_FAILED;
	if (ok) {
		struct las_header *h = view;
		identity_fill(h);
		threads[0].state = LAS_SLOT_RETIRED; /* for readers: slot 0 sums the exited */
		if (locked)
			__atomic_or_fetch(&h->ready, LAS_READY_OWNER_LOCK, __ATOMIC_RELEASE);
		copy_used(before, view);
		copy_used(file, before);
		ok = mremap(file, seg_size, seg_size, MREMAP_MAYMOVE | MREMAP_FIXED, la_header) !=
		     MAP_FAILED;
	}
	if (ok) {
		size_t used_end = threads_off + (size_t)thread_high * sizeof(struct las_thread);
		carry_over((uint64_t *)la_header, view, before, 0, used_end);
		carry_over((uint64_t *)la_header, view, before, after_threads_off, seg_size);
	} else if (file != MAP_FAILED) {
		munmap(file, seg_size);
	}
	if (view != MAP_FAILED)
		munmap(view, seg_size);
	if (before != MAP_FAILED)
		munmap(before, seg_size);
	return ok;
}

void stats_publish(void)
{
	pthread_mutex_lock(&thread_lock);
	if (!publish_pending || !la_header || atomic_load(&shutting_down)) {
		pthread_mutex_unlock(&thread_lock);
		return;
	}
	publish_pending = false;
	char path[sizeof(seg_path)];
	bool locked = false;
	int fd = seg_file_create(la_conf.stats_dir, seg_size, path, sizeof(path), &locked);
	if (fd >= 0 && (!seg_file_identify(fd, &seg_id) || !move_into_file(fd, locked))) {
		close(fd);
		unlink(path);
		fd = -1;
	}
	if (fd >= 0) {
		memcpy(seg_path, path, sizeof(path));
		seg_fd = fd;
		seg_owner = getpid();
	}
	pthread_mutex_unlock(&thread_lock);
	if (fd >= 0 && atomic_load(&shutting_down))
		stats_shutdown(); /* exit began meanwhile */
	else if (fd >= 0)
		sweep_stale(la_conf.stats_dir);
}

void stats_publish_conf(void)
{
	if (la_header) {
		conf_render(la_header->conf, sizeof(la_header->conf));
		STAT_ADD(&la_header->update_seq, 1);
	}
}

/* No lock: this also runs from the abort of a violation report, which may
 * happen with any lock held. */
void stats_shutdown(void)
{
	atomic_store(&shutting_down, true);
	if (seg_owner && seg_owner == getpid()) {
		unlink(seg_path);
		seg_owner = 0;
	}
}

static bool slot_is_busy(unsigned i)
{
	return (slot_busy[i / 64] >> (i % 64)) & 1;
}

static void slot_set_busy(unsigned i, bool busy)
{
	if (busy)
		slot_busy[i / 64] |= 1ull << (i % 64);
	else
		slot_busy[i / 64] &= ~(1ull << (i % 64));
}

uint32_t stats_slot_state(unsigned i)
{
	if (i == 0)
		return LAS_SLOT_RETIRED;
	return i < max_threads && slot_is_busy(i) ? LAS_SLOT_LIVE : LAS_SLOT_FREE;
}

static void slot_identity(struct las_thread *s, int tid, unsigned arena)
{
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->tid = tid;
	s->arena = arena;
	memset(s->name, 0, sizeof(s->name));
	prctl(PR_GET_NAME, s->name);
	s->name[LAS_THREAD_NAME_LEN - 1] = '\0';
	s->state = LAS_SLOT_LIVE;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
}

struct las_thread *stats_thread_acquire(int tid, unsigned arena)
{
	pthread_mutex_lock(&thread_lock);
	struct las_thread *s = NULL;
	for (unsigned n = 1; n < max_threads && threads; n++) {
		unsigned i = 1 + (thread_hint - 1 + n - 1) % (max_threads - 1);
		if (!slot_is_busy(i)) {
			s = &threads[i];
			slot_set_busy(i, true);
			if (i + 1 > thread_high)
				thread_high = i + 1;
			thread_hint = i + 1 < max_threads ? i + 1 : 1;
			break;
		}
	}
	if (!s) {
		/* Table full: count privately (reusing slots of exited threads),
		 * fold in at exit. */
		struct private_slot *ps;
		for (ps = private_slots; ps && ps->slot.state != LAS_SLOT_FREE; ps = ps->next)
			;
		if (!ps && (ps = base_alloc(sizeof(*ps), LA_CACHELINE)) != NULL) {
			ps->next = private_slots;
			private_slots = ps;
		}
		if (ps) {
			s = &ps->slot;
		} else if (shared_slot_users++ == 0) {
			s = &shared_slot;
		} else {
			s = &shared_slot;
			s->gate = *la_gate;
			pthread_mutex_unlock(&thread_lock);
			return s; /* already identified as its first user */
		}
	}
	slot_identity(s, tid, arena);
	s->gate = *la_gate;
	pthread_mutex_unlock(&thread_lock);
	return s;
}

void stats_handed(int64_t delta)
{
	uint64_t now = __atomic_add_fetch(&la_globals->handed_bytes, (uint64_t)delta, __ATOMIC_RELAXED);
	uint64_t peak = __atomic_load_n(&la_globals->peak_handed_bytes, __ATOMIC_RELAXED);
	while (delta > 0 && now > peak &&
	       !__atomic_compare_exchange_n(&la_globals->peak_handed_bytes, &peak, now, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* Gate bits a mode holds whatever the checks say (LAS_GATE_GUARD). */
static uint32_t gate_held;

/* Bit by bit: an outside writer may be setting PENDING meanwhile. */
static void gate_bit(volatile uint32_t *w, uint32_t bit, bool on)
{
	if (on)
		__atomic_fetch_or(w, bit, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(w, ~bit, __ATOMIC_RELEASE);
}

void stats_hold_gate(uint32_t bit, bool on)
{
	pthread_mutex_lock(&thread_lock);
	gate_held = on ? gate_held | bit : gate_held & ~bit;
	gate_bit(la_gate, bit, on);
	for (unsigned i = 1; threads && i < thread_high; i++)
		if (slot_is_busy(i))
			gate_bit(&threads[i].gate, bit, on);
	for (struct private_slot *ps = private_slots; ps; ps = ps->next)
		if (ps->slot.state == LAS_SLOT_LIVE)
			gate_bit(&ps->slot.gate, bit, on);
	if (shared_slot_users)
		gate_bit(&shared_slot.gate, bit, on);
	pthread_mutex_unlock(&thread_lock);
}

void stats_set_gates(uint32_t value)
{
	pthread_mutex_lock(&thread_lock);
	value |= gate_held;
	__atomic_store_n(la_gate, value, __ATOMIC_RELEASE);
	for (unsigned i = 1; threads && i < thread_high; i++)
		if (slot_is_busy(i))
			__atomic_store_n(&threads[i].gate, value, __ATOMIC_RELEASE);
	for (struct private_slot *ps = private_slots; ps; ps = ps->next)
		if (ps->slot.state == LAS_SLOT_LIVE)
			__atomic_store_n(&ps->slot.gate, value, __ATOMIC_RELEASE);
	if (shared_slot_users)
		__atomic_store_n(&shared_slot.gate, value, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&thread_lock);
}

/* Add every counter of `from` into `to` (both are arrays of uint64_t
 * after the identity fields). */
static void fold(struct las_thread *to, const struct las_thread *from)
{
	const size_t first = offsetof(struct las_thread, reserved0);
	const uint64_t *src = (const uint64_t *)((const char *)from + first);
	uint64_t *dst = (uint64_t *)((char *)to + first);
	size_t n = (sizeof(struct las_thread) - first) / sizeof(uint64_t);
	for (size_t i = 0; i < n; i++)
		dst[i] += src[i];
}

/* Exited threads' sums; also counts for threads without a slot. */
static struct las_thread *stats_retired_slot(void)
{
	static struct las_thread boot_retired;
	return threads ? &threads[0] : &boot_retired;
}

/* Under thread_lock: fold the slot into the retired one and free it. */
static void retire(struct las_thread *s)
{
	fold(stats_retired_slot(), s);
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	const size_t first = offsetof(struct las_thread, reserved0);
	memset((char *)s + first, 0, sizeof(*s) - first);
	s->tid = 0;
	s->gate = 0;
	s->state = LAS_SLOT_FREE;
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
}

void stats_thread_release(struct las_thread *s)
{
	pthread_mutex_lock(&thread_lock);
	if (s == &shared_slot) {
		if (--shared_slot_users == 0)
			retire(s);
	} else {
		if (threads && s >= threads && s < threads + max_threads) {
			unsigned i = (unsigned)(s - threads);
			LA_ASSERT(slot_is_busy(i));
			slot_set_busy(i, false);
		}
		retire(s);
	}
	pthread_mutex_unlock(&thread_lock);
}

const struct las_thread *stats_thread_table(unsigned *count)
{
	*count = threads ? max_threads : 0;
	return threads;
}

struct las_thread *stats_count_begin(struct las_thread *mine)
{
	if (mine)
		return mine;
	pthread_mutex_lock(&thread_lock);
	return stats_retired_slot();
}

void stats_count_end(struct las_thread *mine, struct las_thread *s)
{
	if (s != mine)
		pthread_mutex_unlock(&thread_lock);
}

void stats_event(uint32_t kind, uint64_t addr, uint64_t size, uint32_t cls, const char *detail)
{
	if (kind < LAS_EV_COUNTERS)
		STAT_ADD(&la_globals->violations[kind], 1);
	else if (kind < LAS_EV_COUNTERS + LAS_EV_COUNTERS_MORE)
		STAT_ADD(&la_globals->violations_more[kind - LAS_EV_COUNTERS], 1);
	if (!events)
		return;
	uint64_t idx = __atomic_fetch_add(&events->head, 1, __ATOMIC_RELAXED);
	struct las_event *e = &events->entries[idx % LAS_EVENTS];
	__atomic_store_n(&e->seq, 2 * idx + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	e->time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	e->kind = kind;
	e->tid = la_gettid();
	e->addr = addr;
	e->size = size;
	e->size_class = cls;
	memset(e->detail, 0, sizeof(e->detail));
	if (detail)
		strncpy(e->detail, detail, sizeof(e->detail) - 1);
	__atomic_store_n(&e->seq, 2 * (idx + 1), __ATOMIC_RELEASE);
}

void stats_fork_prepare(void)
{
	pthread_mutex_lock(&thread_lock);
}

void stats_fork_parent(void)
{
	pthread_mutex_unlock(&thread_lock);
}

/* The child's own copy of the tables, at the same address (the parent's
 * pages, file or not, are the parent's). Only the slots ever used are
 * copied: most children execve at once. */
static void make_tables_own(void)
{
	int kind = la_conf.stats ? MAP_SHARED : MAP_PRIVATE;
	void *copy = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, kind | MAP_ANONYMOUS, -1, 0);
	if (copy != MAP_FAILED) {
		copy_used(copy, la_header);
		if (mremap(copy, seg_size, seg_size, MREMAP_MAYMOVE | MREMAP_FIXED, la_header) !=
		    MAP_FAILED)
			return;
		munmap(copy, seg_size);
	}
	/* Out of memory: fresh zeroed tables, never the parent's. */
	if (mmap(la_header, seg_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED)
		la_header->ready = 0; /* nothing to publish */
}

void stats_fork_child(struct las_thread *mine, int tid, unsigned arena)
{
	pthread_mutex_init(&thread_lock, NULL);
	seg_file_fork_child();
	/* The descriptor shares the parent's open file, whose lock is the
	 * parent's life, not ours. Closed only while that number still is
	 * the segment's: if the program closed it and reused the number,
	 * the descriptor is the program's. */
	if (seg_fd >= 0 && seg_file_is(seg_fd, &seg_id))
		close(seg_fd);
	seg_fd = -1;
	seg_owner = 0;
	if (!la_header)
		return;
	make_tables_own();
	__atomic_and_fetch(&la_header->ready, ~LAS_READY_OWNER_LOCK, __ATOMIC_RELAXED);
	/* Threads of the parent do not exist here: fold their slots. */
	for (unsigned i = 1; i < thread_high; i++) {
		struct las_thread *s = &threads[i];
		if (!slot_is_busy(i) || s == mine)
			continue;
		retire(s);
		slot_set_busy(i, false);
	}
	for (struct private_slot *ps = private_slots; ps; ps = ps->next)
		if (ps->slot.state == LAS_SLOT_LIVE && &ps->slot != mine)
			retire(&ps->slot);
	if (shared_slot_users) {
		shared_slot_users = mine == &shared_slot ? 1 : 0;
		if (!shared_slot_users)
			retire(&shared_slot);
	}
	for (unsigned i = 0; i < arena_records; i++)
		la_arena_stats[i].threads = 0;
	if (mine) {
		mine->tid = tid;
		if (arena < arena_records)
			la_arena_stats[arena].threads = 1;
	}
	la_globals->threads_live = mine ? 1 : 0;
	publish_pending = la_conf.stats && la_header->ready;
	atomic_store(&shutting_down, false);
}
