/*
 * stats.c - creates and fills the stats segment (liballoc_stats.h).
 *
 * The file is created O_EXCL|O_NOFOLLOW with mode 0600 and sized once.
 * A leftover file at our path is replaced only when it is a regular file of
 * ours whose process is gone, or our own pid from before an exec; anything
 * else (a symlink, another user's file) is refused and statistics stay
 * private. Forked children copy the tables privately and publish their own
 * file only if they live long enough (most children exec at once).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shared/vocab.h"
#include "stats/stats.h"
#include "sys/base.h"
#include "sys/check.h"
#include "sys/conf.h"

#ifndef LIBALLOC_VERSION
#define LIBALLOC_VERSION "0.0.0"
#endif

struct las_header *la_header;

static struct las_thread *threads;
static struct las_event_ring *events;
static unsigned max_threads, thread_hint = 1;
static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
/* Slots of threads beyond the table: private, reused, folded at exit. */
struct private_slot {
	struct las_thread slot;
	struct private_slot *next;
};
static struct private_slot *private_slots;
static size_t seg_size;
static char seg_path[256];
static pid_t seg_owner;        /* pid that created the file at seg_path */
static bool child_pending;     /* forked child, not yet published */
static uint64_t child_fork_ms;

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

static size_t layout(struct las_header *h)
{
	size_t off = align64(sizeof(*h));
	set_table(h, LAS_T_GLOBALS, &off, sizeof(struct las_globals), 1);
	set_table(h, LAS_T_CLASSES, &off, sizeof(struct las_class), h->nclasses);
	set_table(h, LAS_T_ARENAS, &off, sizeof(struct las_arena), h->narenas);
	set_table(h, LAS_T_THREADS, &off, sizeof(struct las_thread), h->max_threads);
	set_table(h, LAS_T_LARGE, &off, sizeof(struct las_large_band), LAS_LARGE_BANDS);
	set_table(h, LAS_T_EVENTS, &off, sizeof(struct las_event_ring), 1);
	set_table(h, LAS_T_CONTROL, &off, sizeof(struct las_control), 1);
	/* Heap profile: last, so that a reader reads up to the stacks in use. */
	set_table(h, LAS_T_PROFILE, &off, sizeof(struct las_profile), 1);
	set_table(h, LAS_T_STACKS, &off, sizeof(struct las_stack), la_conf.prof_stacks);
	return (off + PAGE - 1) & ~(PAGE - 1);
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t total = 0, n;
	while ((size_t)total < len - 1 && (n = read(fd, buf + total, len - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	buf[total < 0 ? 0 : total] = '\0';
	return total;
}

/* Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
static uint64_t proc_start_time(const char *stat_path)
{
	char buf[1024];
	if (read_file(stat_path, buf, sizeof(buf)) <= 0)
		return 0;
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	int field = 2;
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	uint64_t v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v;
}

static void fill_identity(struct las_header *h)
{
	h->pid = getpid();
	h->uid = getuid();
	h->start_time_ticks = proc_start_time("/proc/self/stat");
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	h->created_unix_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	char exe[LAS_EXE_LEN];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		const char *base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
		memset(h->exe, 0, sizeof(h->exe));
		memcpy(h->exe, base, strlen(base));
	}
	ssize_t len = read_file("/proc/self/cmdline", h->cmdline, sizeof(h->cmdline));
	for (ssize_t i = 0; i + 1 < len; i++)
		if (h->cmdline[i] == '\0')
			h->cmdline[i] = ' ';
	if (len > 0 && h->cmdline[len - 1] == '\0')
		len--;
	if (len >= 0)
		h->cmdline[len] = '\0';
}

static void make_path(char *out, size_t len, pid_t pid)
{
	struct la_buf b = {out, 0, len};
	buf_str(&b, la_conf.stats_dir);
	buf_str(&b, "/liballoc.");
	buf_u64(&b, (uint64_t)pid);
}

/* A file already at our path: may we replace it? */
static bool leftover_is_replaceable(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false; /* a symlink (ELOOP) or unreadable: refuse */
	struct stat st;
	struct las_header h;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == getuid() &&
		  pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) && h.magic == LAS_MAGIC;
	close(fd);
	if (!ok)
		return false;
	if (h.pid == getpid())
		return true; /* our own image before exec */
	return kill(h.pid, 0) != 0 && errno == ESRCH;
}

static int create_file(char *path, size_t pathlen)
{
	make_path(path, pathlen, getpid());
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			fchmod(fd, 0600);
			if (ftruncate(fd, (off_t)seg_size) == 0)
				return fd;
			close(fd);
			unlink(path);
			return -1;
		}
		if (errno != EEXIST || !leftover_is_replaceable(path))
			break;
		unlink(path);
	}
	la_write_stderr("liballoc: stats: cannot create ");
	la_write_stderr(path);
	la_write_stderr(" (exists and is not ours, or no permission); statistics stay private\n");
	return -1;
}

/* Point the writer at the tables inside a mapping. */
static void adopt(struct las_header *h)
{
	char *base = (char *)h;
	la_header = h;
	la_globals = (struct las_globals *)(base + h->tables[LAS_T_GLOBALS].offset);
	la_class_stats = (struct las_class *)(base + h->tables[LAS_T_CLASSES].offset);
	la_arena_stats = (struct las_arena *)(base + h->tables[LAS_T_ARENAS].offset);
	threads = (struct las_thread *)(base + h->tables[LAS_T_THREADS].offset);
	la_large_bands = (struct las_large_band *)(base + h->tables[LAS_T_LARGE].offset);
	events = (struct las_event_ring *)(base + h->tables[LAS_T_EVENTS].offset);
	la_control = (struct las_control *)(base + h->tables[LAS_T_CONTROL].offset);
	la_gate = &la_control->gate;
	la_profile = (struct las_profile *)(base + h->tables[LAS_T_PROFILE].offset);
	la_stacks = h->tables[LAS_T_STACKS].count
			    ? (struct las_stack *)(base + h->tables[LAS_T_STACKS].offset)
			    : NULL;
}

void stats_init(unsigned nclasses, unsigned narenas)
{
	struct las_header proto;
	memset(&proto, 0, sizeof(proto));
	proto.nclasses = nclasses;
	proto.narenas = narenas;
	proto.max_threads = la_conf.stats_threads;
	seg_size = layout(&proto);
	int fd = -1;
	if (la_conf.stats)
		fd = create_file(seg_path, sizeof(seg_path));
	void *m;
	if (fd >= 0) {
		m = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED) {
			unlink(seg_path);
			fd = -1;
		} else {
			seg_owner = getpid();
		}
	}
	if (fd < 0) {
		m = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			la_fatal("cannot map statistics tables");
	}
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
	fill_identity(h);
	conf_render(h->conf, sizeof(h->conf));
	max_threads = h->max_threads;
	adopt(h);
	/* Carry over what was counted before the tables existed. */
	memcpy(la_globals, &la_boot_globals, sizeof(la_boot_globals));
	memcpy(la_large_bands, la_boot_large, sizeof(la_boot_large));
	memcpy(la_arena_stats, la_boot_arenas, sizeof(struct las_arena) * h->narenas);
	memcpy(la_class_stats, la_boot_classes, sizeof(struct las_class) * h->nclasses);
	la_control->gate = la_boot_gate;
	la_profile->capacity = h->tables[LAS_T_STACKS].count;
	la_control->applied = la_conf.checks;
	la_control->requested = la_conf.checks;
	threads[0].state = LAS_SLOT_RETIRED;
	__atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
}

void stats_publish_conf(void)
{
	if (la_header) {
		conf_render(la_header->conf, sizeof(la_header->conf));
		STAT_ADD(&la_header->update_seq, 1);
	}
}

void stats_shutdown(void)
{
	if (seg_owner && seg_owner == getpid()) {
		unlink(seg_path);
		seg_owner = 0;
	}
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
		if (threads[i].state == LAS_SLOT_FREE) {
			s = &threads[i];
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
		if (!ps) {
			ps = base_alloc(sizeof(*ps), LA_CACHELINE);
			if (!ps)
				la_fatal("out of memory for a thread statistics slot");
			ps->next = private_slots;
			private_slots = ps;
		}
		s = &ps->slot;
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
	for (unsigned i = 1; threads && i < max_threads; i++)
		if (threads[i].state == LAS_SLOT_LIVE)
			gate_bit(&threads[i].gate, bit, on);
	for (struct private_slot *ps = private_slots; ps; ps = ps->next)
		if (ps->slot.state == LAS_SLOT_LIVE)
			gate_bit(&ps->slot.gate, bit, on);
	pthread_mutex_unlock(&thread_lock);
}

void stats_set_gates(uint32_t value)
{
	pthread_mutex_lock(&thread_lock);
	value |= gate_held;
	__atomic_store_n(la_gate, value, __ATOMIC_RELEASE);
	for (unsigned i = 1; threads && i < max_threads; i++)
		if (threads[i].state == LAS_SLOT_LIVE)
			__atomic_store_n(&threads[i].gate, value, __ATOMIC_RELEASE);
	for (struct private_slot *ps = private_slots; ps; ps = ps->next)
		if (ps->slot.state == LAS_SLOT_LIVE)
			__atomic_store_n(&ps->slot.gate, value, __ATOMIC_RELEASE);
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

void stats_thread_release(struct las_thread *s)
{
	pthread_mutex_lock(&thread_lock);
	LA_ASSERT(s->state == LAS_SLOT_LIVE);
	fold(&threads[0], s);
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	const size_t first = offsetof(struct las_thread, reserved0);
	memset((char *)s + first, 0, sizeof(*s) - first);
	s->tid = 0;
	s->gate = 0;
	s->state = LAS_SLOT_FREE;
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&thread_lock);
}

const struct las_thread *stats_thread_table(unsigned *count)
{
	*count = threads ? max_threads : 0;
	return threads;
}

/* Exited threads' sums; also counts for threads without a slot. */
static struct las_thread *stats_retired_slot(void)
{
	static struct las_thread boot_retired;
	return threads ? &threads[0] : &boot_retired;
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


void stats_fork_child(struct las_thread *mine, int tid, unsigned arena)
{
	pthread_mutex_init(&thread_lock, NULL);
	if (!la_header)
		return;
	/* Private copy at the same address: the parent's file is not ours. */
	void *copy = mmap(NULL, seg_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy != MAP_FAILED) {
		memcpy(copy, la_header, seg_size);
		if (mremap(copy, seg_size, seg_size, MREMAP_MAYMOVE | MREMAP_FIXED, la_header) ==
		    MAP_FAILED)
			munmap(copy, seg_size);
	}
	seg_owner = 0;
	la_header->pid = getpid();
	la_header->start_time_ticks = proc_start_time("/proc/self/stat");
	/* Threads of the parent do not exist here: fold their slots. */
	for (unsigned i = 1; i < max_threads; i++) {
		struct las_thread *s = &threads[i];
		if (s->state != LAS_SLOT_LIVE || s == mine)
			continue;
		fold(&threads[0], s);
		const size_t first = offsetof(struct las_thread, reserved0);
		memset((char *)s + first, 0, sizeof(*s) - first);
		s->tid = 0;
		s->state = LAS_SLOT_FREE;
	}
	for (unsigned i = 0; i < la_header->narenas; i++)
		la_arena_stats[i].threads = 0;
	if (mine) {
		mine->tid = tid;
		la_arena_stats[arena].threads = 1;
	}
	la_globals->threads_live = mine ? 1 : 0;
	child_pending = la_conf.stats;
	child_fork_ms = la_now_coarse_ms();
}

void stats_maybe_publish_child(void)
{
	if (likely(!child_pending))
		return;
	if (la_now_coarse_ms() - child_fork_ms < 1000)
		return;
	child_pending = false;
	char path[256];
	int fd = create_file(path, sizeof(path));
	if (fd < 0)
		return;
	/* Copy the current tables into the file, then map it over them. */
	if (write(fd, la_header, seg_size) != (ssize_t)seg_size ||
	    mmap(la_header, seg_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED) {
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	memcpy(seg_path, path, sizeof(path));
	seg_owner = getpid();
}
