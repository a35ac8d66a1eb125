/*
 * quarantine.c - freed blocks are held back, oldest first, until their
 * bytes pass the quarantine limit. A block leaving quarantine must still
 * hold the 0x5a fill it got when freed; anything else was written after
 * free (use-after-free). The newest block is always kept, even when it
 * alone exceeds the limit, so that huge blocks are watched too.
 */
#include <pthread.h>
#include <string.h>

#include "core/pagemap.h"
#include "core/tcache.h"
#include "modes/block.h"
#include "modes/quarantine.h"
#include "modes/report.h"
#include "modes/settings.h"
#include "sys/base.h"
#include "sys/check.h"

#define QCAP 65536u            /* ring entries */
LA_STATIC_ASSERT((QCAP & (QCAP - 1)) == 0, "the set is twice the ring, a power of two");
#define QSET_CAP (QCAP * 2u)   /* open-addressing set of plain blocks */
#define QSET_EMPTY ((uintptr_t)0)
#define QSET_GONE ((uintptr_t)1)

/* The block itself is classified again when it leaves. */
struct qentry {
	uintptr_t user; /* | Q_PLAIN for a plain slot or run */
	size_t len;     /* bytes filled and verified */
	size_t held;    /* memory the block holds: its whole slot or run */
};
#define Q_PLAIN ((uintptr_t)1)

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static struct qentry *ring;
static uintptr_t *plain_set;
static uint32_t q_head, q_count;
static uint64_t q_bytes;

static size_t set_slot(uintptr_t p)
{
	return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull >> 47) & (QSET_CAP - 1);
}

static void set_add(uintptr_t p)
{
	for (size_t i = set_slot(p);; i = (i + 1) & (QSET_CAP - 1))
		if (plain_set[i] == QSET_EMPTY || plain_set[i] == QSET_GONE) {
			plain_set[i] = p;
			return;
		}
}

static void set_del(uintptr_t p)
{
	for (size_t i = set_slot(p); plain_set[i] != QSET_EMPTY; i = (i + 1) & (QSET_CAP - 1))
		if (plain_set[i] == p) {
			plain_set[i] = QSET_GONE;
			return;
		}
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
	static struct qentry *ring_made;
	if (ring)
		return true;
	/* Both or neither: a ring without its set would be used half made.
	 * What one attempt got is kept for the next. */
	if (!ring_made)
		ring_made = base_alloc(sizeof(struct qentry) * QCAP, PAGE);
	if (!plain_set)
		plain_set = base_alloc(sizeof(uintptr_t) * QSET_CAP, PAGE);
	if (ring_made && plain_set)
		ring = ring_made;
	return ring != NULL;
}

static void *entry_user(const struct qentry *q)
{
	return (void *)(q->user & ~Q_PLAIN);
}

/* A held block keeps its slab or run, so it classifies as it did when it
 * came in; should it not, it stays out of use rather than freed. */
static void release_entry(struct block_info *bi)
{
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
	release_entry(&bi);
}

/* Take entries off the ring (under the lock) while over the limit, or
 * while `room` more entries would not fit. */
static unsigned evict_locked(uint64_t limit, struct qentry *out, unsigned max, bool keep_newest,
			     unsigned room)
{
	unsigned n = 0;
	LA_ASSERT(q_count <= QCAP);
	while (q_count > (keep_newest ? 1u : 0u) && n < max &&
	       (q_bytes > limit || q_count + room > QCAP)) {
		struct qentry *q = &ring[q_head];
		out[n++] = *q;
		q_bytes -= q->held;
		if (q->user & Q_PLAIN)
			set_del(q->user & ~Q_PLAIN);
		q_head = (q_head + 1) % QCAP;
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
			release_entry(&bi);
		}
		return;
	}
	do {
		for (; i < count && q_count < QCAP; i++) {
			ring[(q_head + q_count) % QCAP] = in[i];
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
	struct qentry q = { (uintptr_t)user | (plain ? Q_PLAIN : 0), len, held };
	/* Plain blocks are found through the shared set: no staging. */
	if (plain || la_tc.state != TC_ACTIVE) {
		push_batch(&q, 1);
		return;
	}
	stage.e[stage.n++] = q;
	if (stage.n == STAGE_MAX)
		quarantine_stage_flush();
}

void quarantine_trim(uint64_t limit)
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
		struct qentry *q = &ring[(q_head + i) % QCAP];
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
