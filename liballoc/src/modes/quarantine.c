/*
 * quarantine.c - freed blocks are held back, oldest first, until their
 * bytes pass the quarantine limit or their number the block limit
 * (quarantine_blocks). A block leaving quarantine must still hold the 0x5a
 * fill it got when freed; anything else was written after free
 * (use-after-free). The newest block is always kept, even when it alone
 * exceeds the byte limit, so that huge blocks are watched too.
 *
 * The ring and the set of plain blocks live in one mapping of their own,
 * sized from the block limit (the next power of two), made at the first
 * push and remade when a switch changes the limit. Every access to them
 * is under q_lock, so a remake under it is safe against concurrent frees.
 */
#include <pthread.h>
#include <string.h>

#include "core/pagemap.h"
#include "core/tcache.h"
#include "modes/block.h"
#include "modes/quarantine.h"
#include "modes/report.h"
#include "modes/settings.h"
#include "shared/vocab.h"
#include "sys/check.h"
#include "sys/counters.h"
#include "sys/os.h"

#define QCAP_MIN 64u /* ring entries: a power of two, at least the block limit */
#define QSET_EMPTY ((uintptr_t)0)
#define QSET_GONE ((uintptr_t)1)

/* The block itself is classified again when it leaves. */
struct qentry {
	uintptr_t user; /* | Q_PLAIN for a plain slot or run */
	size_t len;     /* bytes filled and verified */
	size_t held;    /* memory the block holds: its whole slot or run */
};
#define Q_PLAIN ((uintptr_t)1)

/* Everything below is read and written under q_lock only. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static struct qentry *ring;
static uintptr_t *plain_set;   /* open addressing, twice the ring's entries */
static uint32_t q_cap;         /* ring entries, a power of two; 0 = no storage */
static unsigned q_set_shift;   /* 64 - log2(set entries) */
static uint32_t q_head, q_count;
static uint64_t q_bytes;

#define QSET_CAP ((size_t)q_cap * 2u)

/* The home slot of p in a set of 2^(64 - shift) entries. */
static size_t hash_slot(uintptr_t p, unsigned shift)
{
	return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> shift);
}

static size_t set_slot(uintptr_t p)
{
	return hash_slot(p, q_set_shift);
}

static void set_add_to(uintptr_t *set, size_t cap, unsigned shift, uintptr_t p)
{
	for (size_t i = hash_slot(p, shift);; i = (i + 1) & (cap - 1))
		if (set[i] == QSET_EMPTY || set[i] == QSET_GONE) {
			set[i] = p;
			return;
		}
}

static void set_add(uintptr_t p)
{
	set_add_to(plain_set, QSET_CAP, q_set_shift, p);
}

static void set_del(uintptr_t p)
{
	for (size_t i = set_slot(p); plain_set[i] != QSET_EMPTY; i = (i + 1) & (QSET_CAP - 1))
		if (plain_set[i] == p) {
			plain_set[i] = QSET_GONE;
			return;
		}
}

/* The quarantine_blocks setting (sanitised in switch.c; never trusted). */
static uint32_t blocks_setting(void)
{
	uint32_t want = la_checks.quarantine_blocks;
	return want == 0 || want > LAS_QUARANTINE_BLOCKS_MAX ? LAS_QUARANTINE_BLOCKS_DEFAULT : want;
}

/* The block limit in force: the setting, bounded by the ring in hand (a
 * ring that could not grow keeps the limit at its size). */
static uint32_t block_limit(void)
{
	uint32_t want = blocks_setting();
	return want < q_cap ? want : q_cap;
}

/* Ring entries for the current setting: a power of two, at least QCAP_MIN. */
static uint32_t cap_wanted(void)
{
	uint32_t blocks = blocks_setting();
	uint32_t cap = QCAP_MIN;
	while (cap < blocks)
		cap <<= 1;
	return cap;
}

static size_t ring_bytes(uint32_t cap)
{
	return PAGE_CEIL((size_t)cap * sizeof(struct qentry));
}

static size_t storage_bytes(uint32_t cap)
{
	return ring_bytes(cap) + PAGE_CEIL((size_t)cap * 2u * sizeof(uintptr_t));
}

static unsigned shift_for(uint32_t cap)
{
	return 64u - (unsigned)__builtin_ctzll((uint64_t)cap * 2u);
}

/* Zeroed storage for `cap` entries: straight from the kernel (never
 * malloc), counted as metadata, given back when the limit shrinks. */
static struct qentry *storage_make(uint32_t cap)
{
	struct qentry *m = os_map(storage_bytes(cap));
	if (m)
		STAT_ADD(&la_globals->metadata_bytes, storage_bytes(cap));
	return m;
}

static void storage_drop(struct qentry *m, uint32_t cap)
{
	os_unmap(m, storage_bytes(cap));
	STAT_SUB(&la_globals->metadata_bytes, storage_bytes(cap));
}

static void storage_install(struct qentry *m, uint32_t cap)
{
	ring = m;
	plain_set = (uintptr_t *)((char *)m + ring_bytes(cap));
	q_cap = cap;
	q_set_shift = shift_for(cap);
}

bool quarantine_holds_plain(uintptr_t p)
{
	bool found = false;
	if (!__atomic_load_n(&q_count, __ATOMIC_RELAXED))
		return false;
	pthread_mutex_lock(&q_lock);
	if (plain_set)
		for (size_t i = set_slot(p); plain_set[i] != QSET_EMPTY; i = (i + 1) & (QSET_CAP - 1))
			if (plain_set[i] == p) {
				found = true;
				break;
			}
	pthread_mutex_unlock(&q_lock);
	return found;
}

static bool ensure_storage(void)
{
	if (ring)
		return true;
	uint32_t cap = cap_wanted();
	struct qentry *m = storage_make(cap);
	if (m)
		storage_install(m, cap);
	return ring != NULL;
}

/* Move the ring and set to storage of `cap` entries (q_count fits). */
static void storage_move_locked(struct qentry *m, uint32_t cap)
{
	struct qentry *old = ring;
	uint32_t old_cap = q_cap, old_head = q_head;
	uintptr_t *set = (uintptr_t *)((char *)m + ring_bytes(cap));
	unsigned shift = shift_for(cap);
	for (uint32_t i = 0; i < q_count; i++) {
		m[i] = old[(old_head + i) & (old_cap - 1)];
		if (m[i].user & Q_PLAIN)
			set_add_to(set, (size_t)cap * 2u, shift, m[i].user & ~Q_PLAIN);
	}
	storage_install(m, cap);
	q_head = 0;
	storage_drop(old, old_cap);
}

static void *entry_user(const struct qentry *q)
{
	return (void *)(q->user & ~Q_PLAIN);
}

/* A held block keeps its slab or run, so it classifies as it did when it
 * came in; should it not, it stays out of use rather than freed. A plain
 * run is held claimed (debug.c): busy, at the entry's address. */
static void release_entry(const struct qentry *q, struct block_info *bi)
{
	if (bi->kind == BK_FREED_RUN && (q->user & Q_PLAIN) && bi->e &&
	    __atomic_load_n(&bi->e->state, __ATOMIC_ACQUIRE) == EX_BUSY &&
	    bi->e->addr == (uintptr_t)entry_user(q)) {
		block_release_claimed_run(bi->e);
		return;
	}
	if (bi->kind == BK_FOREIGN || bi->kind == BK_FREED_RUN)
		return;
	if (bi->kind == BK_DEBUG)
		bi->hdr->magic = HDR_FREED;
	block_release(bi);
}

static void classify_entry(const struct qentry *q, struct block_info *bi)
{
	void *user = entry_user(q);
	block_classify(user, pagemap_get(user), bi);
}

/* Verify one entry leaving quarantine, then release it. */
static void leave(const struct qentry *q)
{
	void *user = entry_user(q);
	struct block_info bi;
	classify_entry(q, &bi);
	const uint8_t *bad = first_mismatch(user, q->len, JUNK_FREE_BYTE);
	if (bad) {
		char detail[64];
		struct la_buf b = {detail, 0, sizeof(detail)};
		buf_str(&b, "written after free at offset ");
		buf_u64(&b, (uint64_t)(bad - (const uint8_t *)user));
		size_t n = (size_t)((const uint8_t *)user + q->len - bad);
		if (bi.kind == BK_DEBUG && la_checks.track)
			debug_track_info(bi.hdr->alloc_pc, bi.hdr->alloc_tid, bi.hdr->free_pc,
					 bi.hdr->free_tid);
		debug_violation(LAS_EV_USE_AFTER_FREE, user, q->len, bi.cls, detail, bad,
				n < 16 ? n : 16);
	}
	release_entry(q, &bi);
}

/* Take entries off the ring (under the lock) while over the byte limit or
 * the block limit, or while `room` more entries would not fit. */
static unsigned evict_locked(uint64_t limit, struct qentry *out, unsigned max, bool keep_newest,
			     unsigned room)
{
	unsigned n = 0;
	uint32_t blocks = block_limit();
	LA_ASSERT(q_count <= q_cap);
	/* the newest is kept against the byte limit only: a block limit of 1
	 * with a batch to push must still make room */
	while (q_count > 0 && n < max &&
	       ((q_bytes > limit && q_count > (keep_newest ? 1u : 0u)) || q_count + room > blocks)) {
		struct qentry *q = &ring[q_head];
		out[n++] = *q;
		q_bytes -= q->held;
		if (q->user & Q_PLAIN)
			set_del(q->user & ~Q_PLAIN);
		q_head = (q_head + 1) & (q_cap - 1);
		q_count--;
	}
	return n;
}

/* Blocks leave the quarantine long after they were freed, so their bytes
 * are usually out of the cache: ask for the first lines of every block of a
 * batch before verifying any, so the misses overlap instead of queueing. */
static void leave_batch(struct qentry *q, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		const char *user = entry_user(&q[k]);
		if (!(q[k].user & Q_PLAIN)) /* the header, written on release */
			__builtin_prefetch(user - sizeof(struct debug_hdr), 1);
		for (size_t off = 0; off < q[k].len && off < 256; off += 64)
			__builtin_prefetch(user + off);
	}
	for (unsigned k = 0; k < n; k++)
		leave(&q[k]);
}

/* Append entries to the ring and verify and release what falls out; the
 * lock is taken once per batch, never while verifying. */
static void push_batch(const struct qentry *in, unsigned count)
{
	struct qentry evicted[32];
	unsigned n, i = 0;
	pthread_mutex_lock(&q_lock);
	if (!ensure_storage()) {
		pthread_mutex_unlock(&q_lock);
		for (; i < count; i++) {
			struct block_info bi;
			classify_entry(&in[i], &bi);
			release_entry(&in[i], &bi);
		}
		return;
	}
	do {
		for (; i < count && q_count < block_limit(); i++) {
			ring[(q_head + q_count) & (q_cap - 1)] = in[i];
			q_count++;
			q_bytes += in[i].held;
			if (in[i].user & Q_PLAIN)
				set_add(in[i].user & ~Q_PLAIN);
		}
		n = evict_locked(la_checks.quarantine, evicted, 32, true, count - i);
		pthread_mutex_unlock(&q_lock);
		leave_batch(evicted, n);
		pthread_mutex_lock(&q_lock);
	} while (n == 32 || i < count);
	pthread_mutex_unlock(&q_lock);
}

/* Debug-layout blocks wait in a small per-thread batch first, so that a
 * thread takes the quarantine lock once per STAGE_MAX frees. Their headers
 * already say QUAR, so a second free of a staged block is still seen. */
#define STAGE_MAX 16
static __thread struct {
	struct qentry e[STAGE_MAX];
	unsigned n;
} stage;

void quarantine_stage_flush(void)
{
	unsigned n = stage.n;
	stage.n = 0;
	if (n)
		push_batch(stage.e, n);
}

void quarantine_push(void *user, size_t len, size_t held, bool plain)
{
	/* Plain blocks are found through the shared set: no staging. */
	if (plain || la_tc.state != TC_ACTIVE) {
		struct qentry q = { (uintptr_t)user | (plain ? Q_PLAIN : 0), len, held };
		push_batch(&q, 1);
		return;
	}
	/* Field by field: an entry built on the stack and copied whole was
	 * read back by one 16-byte load from two 8-byte stores, a store that
	 * cannot be forwarded (a tenth of debug:true's mixed-heap in perf). */
	struct qentry *e = &stage.e[stage.n++];
	e->user = (uintptr_t)user;
	e->len = len;
	e->held = held;
	if (stage.n == STAGE_MAX)
		quarantine_stage_flush();
}

static void trim(uint64_t limit)
{
	struct qentry evicted[32];
	unsigned n;
	quarantine_stage_flush();
	do {
		pthread_mutex_lock(&q_lock);
		n = ring ? evict_locked(limit, evicted, 32, false, 0) : 0;
		pthread_mutex_unlock(&q_lock);
		leave_batch(evicted, n);
	} while (n == 32);
}

void quarantine_limits_changed(void)
{
	bool on = la_checks.quarantine && la_checks_on;
	trim(on ? la_checks.quarantine : 0);
	/* Storage for the new block limit, made before taking the lock (the
	 * lock is never held across a kernel call that a remake can avoid);
	 * none at all once the quarantine is off and empty. */
	uint32_t want = on ? cap_wanted() : 0;
	pthread_mutex_lock(&q_lock);
	bool resize = ring && q_cap != want;
	pthread_mutex_unlock(&q_lock);
	if (!resize)
		return;
	struct qentry *m = want ? storage_make(want) : NULL, *unused = m;
	pthread_mutex_lock(&q_lock);
	/* The limit may have moved again meanwhile, and frees may have come
	 * in: move only when the storage is still the one wanted and the
	 * entries fit (they do: they never pass the limit, which is set). */
	bool still = on == (la_checks.quarantine && la_checks_on) &&
		     want == (on ? cap_wanted() : 0);
	if (ring && still && q_cap != want) {
		if (!want && q_count == 0) {
			storage_drop(ring, q_cap);
			ring = NULL;
			plain_set = NULL;
			q_cap = 0;
			q_head = 0;
		} else if (m && q_count <= want) {
			storage_move_locked(m, want);
			unused = NULL;
		}
	}
	pthread_mutex_unlock(&q_lock);
	if (unused)
		storage_drop(unused, want);
}

void quarantine_held(uint64_t *blocks, uint64_t *bytes)
{
	pthread_mutex_lock(&q_lock);
	*blocks = q_count;
	*bytes = q_bytes;
	pthread_mutex_unlock(&q_lock);
}

int quarantine_verify_all(const char *what)
{
	struct {
		void *user;
		size_t len;
		int cls;
		uint8_t bytes[16];
		size_t nbytes;
	} found[16];
	int bad = 0, kept = 0;
	char detail[64];
	struct la_buf b = {detail, 0, sizeof(detail)};
	buf_str(&b, what);
	buf_str(&b, ": written after free");
	quarantine_stage_flush(); /* this thread's staged blocks are checked too */
	pthread_mutex_lock(&q_lock);
	for (uint32_t i = 0; ring && i < q_count; i++) {
		struct qentry *q = &ring[(q_head + i) & (q_cap - 1)];
		void *user = entry_user(q);
		const uint8_t *at = first_mismatch(user, q->len, JUNK_FREE_BYTE);
		if (!at)
			continue;
		bad++;
		if (kept < 16) {
			size_t n = (size_t)((const uint8_t *)user + q->len - at);
			struct block_info bi;
			classify_entry(q, &bi);
			found[kept].user = user;
			found[kept].len = q->len;
			found[kept].cls = bi.cls;
			found[kept].nbytes = n < 16 ? n : 16;
			memcpy(found[kept].bytes, at, found[kept].nbytes);
			kept++;
		}
		/* Refill so the same write is reported once. */
		memset(user, JUNK_FREE_BYTE, q->len);
	}
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < kept; i++)
		debug_violation(LAS_EV_USE_AFTER_FREE, found[i].user, found[i].len, found[i].cls,
				detail, found[i].bytes, found[i].nbytes);
	return bad;
}

void quarantine_fork_prepare(void)
{
	pthread_mutex_lock(&q_lock);
}

void quarantine_fork_parent(void)
{
	pthread_mutex_unlock(&q_lock);
}

void quarantine_fork_child(void)
{
	pthread_mutex_init(&q_lock, NULL);
}
