/*
 * stat_control.c - switch debug checks in a running process through the
 * control block of its segment.
 *
 * Protocol (liballoc_stats.h): fill `requested`, bump request_gen (the
 * release point), then OR LAS_GATE_PENDING into the control block's `gate`
 * and into the `gate` word of every live thread slot (each thread's fast
 * path tests only its own); the process applies the request at its next
 * allocation or free and publishes applied_gen/applied. Gate words are
 * shared with the process, so they are changed with atomic ORs on a shared
 * mapping, never by read-modify-write through pwrite. That mapping is the
 * reader's only one: the file was checked to be as large as validated just
 * before mapping, and every access runs under as_guarded, so a writer
 * shrinking its file afterwards makes the request fail with an error, not
 * the reader die of SIGBUS.
 *
 * What the reader expects of the process (the other half, in the
 * allocator): it applies `requested` when request_gen moves, then sets
 * `applied` to what it runs and applied_gen to the generation it read;
 * alloc_ctl in the process changes `applied` (and records a conf_change
 * event "alloc_ctl") but never `requested` nor the generations. A request
 * is then applied (applied_gen reached it and `applied` is what it asked),
 * superseded (a later request, or an alloc_ctl event after it), or refused
 * (answered, nothing later, other settings).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stat_internal.h"
#include "vocab.h"

int as_checks_parse(struct las_checks *checks, const char *spec, struct as_error *err)
{
	char buf[512];
	if (!spec || strlen(spec) >= sizeof(buf))
		return as_fail(err, AS_ERR_USAGE, 0, "-", "setting too long or missing");
	snprintf(buf, sizeof(buf), "%s", spec);
	struct las_checks next = *checks;
	char *save = NULL;
	int any = 0;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strpbrk(item, "=:");
		if (!eq)
			return as_fail(err, AS_ERR_USAGE, 0, "-", "'%s': expected key=value", item);
		const char *expects = las_vocab_check_expects(item, (size_t)(eq - item));
		if (expects && !las_vocab_check(&next, item, (size_t)(eq - item), eq + 1,
						strlen(eq + 1)))
			return as_fail(err, AS_ERR_USAGE, 0, "-", "'%s': bad value (%s)", item,
				       expects);
		if (!expects)
			return as_fail(err, AS_ERR_USAGE, 0, "-",
				       "'%s': unknown key or bad value (keys: %s, prof_sample)", item,
				       las_vocab_check_keys);
		any = 1;
	}
	if (!any)
		return as_fail(err, AS_ERR_USAGE, 0, "-", "empty setting");
	*checks = next;
	return AS_OK;
}

/* Map the segment shared, after checking the file is still the size that
 * was validated (so the control block and thread table lie inside). The
 * file may shrink at any time after: every access goes through
 * as_guarded. */
static int map_control(struct as_segment *seg, struct as_error *err)
{
	if (seg->ctl)
		return AS_OK;
	if (seg->fd < 0 || !seg->writable)
		return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path,
			       "segment not opened for writing");
	struct stat st;
	if (fstat(seg->fd, &st) != 0)
		return as_fail(err, AS_ERR_IO, seg->pid, seg->path, "fstat: %s", strerror(errno));
	if ((uint64_t)st.st_size != seg->size)
		return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
			       "corrupt segment: file changed size since it was validated");
	void *m = mmap(NULL, (size_t)seg->size, PROT_READ | PROT_WRITE, MAP_SHARED, seg->fd, 0);
	if (m == MAP_FAILED)
		return as_fail(err, AS_ERR_IO, seg->pid, seg->path, "mmap: %s", strerror(errno));
	seg->ctl_map = m;
	seg->ctl_map_len = (size_t)seg->size;
	seg->ctl = (struct las_control *)((char *)m + seg->tables[LAS_T_CONTROL].offset);
	return AS_OK;
}

static int fault_error(struct as_segment *seg, struct as_error *err, int sig)
{
	return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
		       "the segment shrank or was replaced while being written (%s caught; "
		       "the request may be incomplete)", sig == SIGBUS ? "SIGBUS" : "SIGSEGV");
}

/* --- guarded accesses to the shared mapping ------------------------------ */

struct ctl_access {
	struct as_segment *seg;
	struct las_control *out;  /* read_block */
	size_t len;               /* read_block: bytes of the writer's block */
	uint64_t gen;             /* commit: the generation taken */
	uint32_t slots;           /* commit: thread slots to raise gates in */
};

/* Word by word, each load atomic (the process writes concurrently). */
static void read_block(void *arg)
{
	struct ctl_access *a = arg;
	uint32_t *dst = (uint32_t *)a->out;
	const uint32_t *src = (const uint32_t *)a->seg->ctl;
	for (size_t i = 0; i < a->len / 4; i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_ACQUIRE);
}

static void raise_gates(void *arg);

/* Fill `requested`, take a generation (the release point), raise the gate
 * in the control block and in every live thread's own gate word. */
static void write_request(void *arg)
{
	struct ctl_access *a = arg;
	struct as_segment *seg = a->seg;
	struct las_control *c = seg->ctl;
	const uint32_t *src = (const uint32_t *)&seg->pending;
	uint32_t *dst = (uint32_t *)&c->requested;
	for (size_t i = 0; i < sizeof(seg->pending) / 4; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
	if (seg->pending_prof_valid) /* checked by as_control_prof_fits */
		__atomic_store_n(&c->prof_sample_requested, seg->pending_prof_sample,
				 __ATOMIC_RELAXED);
	__atomic_store_n(&c->requester_pid, (int32_t)getpid(), __ATOMIC_RELAXED);
	a->gen = __atomic_add_fetch(&c->request_gen, 1, __ATOMIC_RELEASE);
	raise_gates(arg);
}

/* The gate in the control block and in every live thread's slot. */
static void raise_gates(void *arg)
{
	struct ctl_access *a = arg;
	struct as_segment *seg = a->seg;
	__atomic_fetch_or(&seg->ctl->gate, LAS_GATE_PENDING, __ATOMIC_RELEASE);
	const struct las_table *t = &seg->tables[LAS_T_THREADS];
	for (uint32_t i = 1; i < a->slots; i++) {
		struct las_thread *slot = (struct las_thread *)((char *)seg->ctl_map + t->offset +
								 (uint64_t)i * t->entry_size);
		if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) == LAS_SLOT_LIVE)
			__atomic_fetch_or(&slot->gate, LAS_GATE_PENDING, __ATOMIC_RELEASE);
	}
}

int as_control_read(struct as_segment *seg, struct las_control *out, struct as_error *err)
{
	const struct las_table *t = &seg->tables[LAS_T_CONTROL];
	/* An older writer's block is shorter: what it lacks reads as zero. */
	size_t n = t->entry_size < sizeof(*out) ? t->entry_size : sizeof(*out);
	memset(out, 0, sizeof(*out));
	if (seg->ctl) {
		struct ctl_access a = { .seg = seg, .out = out, .len = n };
		int sig = as_guarded(read_block, &a);
		return sig ? fault_error(seg, err, sig) : AS_OK;
	}
	if (as_source_read(seg, out, n, t->offset) != 0)
		return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
			       "corrupt segment: control block unreadable (file shrank?)");
	return AS_OK;
}

int as_control_set(struct as_segment *seg, const char *key_eq_value, struct as_error *err)
{
	int rc = map_control(seg, err);
	if (rc)
		return rc;
	char rest[512];
	if ((rc = as_control_take_prof(seg, key_eq_value, rest, sizeof(rest), err)))
		return rc;
	key_eq_value = rest;
	if (!seg->pending_valid) {
		/* start from what the process runs with, so one key changes one thing */
		struct las_control now;
		rc = as_control_read(seg, &now, err);
		if (rc)
			return rc;
		seg->pending = now.applied;
		seg->pending_valid = 1;
	}
	rc = *key_eq_value ? as_checks_parse(&seg->pending, key_eq_value, err) : AS_OK;
	if (rc)
		return as_fail(err, rc, seg->pid, seg->path, "%s", err ? err->msg : "bad setting");
	if (strstr(key_eq_value, "on_error"))
		seg->pending_says_on_error = 1;
	return AS_OK;
}

/* Checks switched on from outside report and let the process go on,
 * unless the request itself says what to do on an error: nobody watching
 * a live process expects a switch to kill it. */
static void outside_request_reports(struct as_segment *seg)
{
	/* a raised rate of guarded samples is switching a check on, too */
	const struct las_checks *p = &seg->pending;
	bool raised = p->guard_sample && p->guard_sample != LAS_GUARD_SAMPLE_DEFAULT;
	if (!seg->pending_says_on_error && (las_vocab_checks_on(p) || raised) &&
	    seg->pending.on_error == LAS_ONERR_ABORT)
		seg->pending.on_error = LAS_ONERR_REPORT;
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec nap = { 0, ms * 1000 * 1000 };
	nanosleep(&nap, NULL);
}

/* Events ever written, read through the file (no mapping); 0 if unreadable. */
static uint64_t event_head(const struct as_segment *seg)
{
	uint64_t head = 0;
	if (as_source_read(seg, &head, sizeof(head), seg->tables[LAS_T_EVENTS].offset) != 0)
		return 0;
	return head;
}

/* Thread slots that may be live: those up to globals.threads_created. */
static uint32_t slots_in_use(const struct as_segment *seg)
{
	struct las_globals g;
	uint32_t count = seg->tables[LAS_T_THREADS].count;
	if (as_source_read(seg, &g, sizeof(g), seg->tables[LAS_T_GLOBALS].offset) != 0)
		return count;
	return g.threads_created < count ? (uint32_t)g.threads_created + 1 : count;
}

int as_control_commit_wait(struct as_segment *seg, int timeout_ms, struct as_error *err)
{
	int rc = map_control(seg, err);
	if (rc)
		return rc;
	if (!seg->pending_valid)
		return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path, "nothing to commit");
	if ((rc = as_control_prof_fits(seg, err)))
		return rc;
	outside_request_reports(seg);
	/* One requester at a time, so that two never mix their settings in
	 * `requested`. The process itself takes no part in the lock. */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(seg->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return as_fail(err, AS_ERR_IO, seg->pid, seg->path, "flock: %s",
				       strerror(errno));
		if (ms_since(&start) >= timeout_ms)
			return as_fail(err, AS_ERR_TIMEOUT, seg->pid, seg->path,
				       "another requester held the segment's control lock for %d ms; "
				       "nothing was changed", timeout_ms);
		nap_ms(2);
	}
	seg->events_at_commit = event_head(seg);
	struct ctl_access a = { .seg = seg, .slots = slots_in_use(seg) };
	int sig = as_guarded(write_request, &a);
	flock(seg->fd, LOCK_UN);
	if (sig)
		return fault_error(seg, err, sig);
	seg->committed_gen = a.gen;
	return AS_OK;
}

int as_control_commit(struct as_segment *seg, struct as_error *err)
{
	return as_control_commit_wait(seg, 1000, err);
}

static int checks_equal(const struct las_checks *a, const struct las_checks *b)
{
	return a->junk == b->junk && a->redzone == b->redzone && a->check_free == b->check_free &&
	       a->on_error == b->on_error && a->quarantine == b->quarantine &&
	       a->backtrace == b->backtrace && a->track == b->track &&
	       a->guard_sample == b->guard_sample && a->guard_lower == b->guard_lower &&
	       a->quarantine_blocks == b->quarantine_blocks;
}

/* Did the process switch its own checks (alloc_ctl) since the request was
 * made? Its conf_change events say so (liballoc-debug(7)). */
static int process_switched_itself(const struct as_segment *seg)
{
	struct las_event_ring *ring = malloc(sizeof(*ring));
	int found = 0;
	if (!ring || as_source_read(seg, ring, sizeof(*ring), seg->tables[LAS_T_EVENTS].offset)) {
		free(ring);
		return 0;
	}
	uint64_t from = seg->events_at_commit;
	if (ring->head > LAS_EVENTS && from < ring->head - LAS_EVENTS)
		from = ring->head - LAS_EVENTS;
	for (uint64_t i = from; i < ring->head && !found; i++) {
		const struct las_event *e = &ring->entries[i % LAS_EVENTS];
		found = e->seq == 2 * (i + 1) && e->kind == LAS_EV_CONF_CHANGE &&
			strncmp(e->detail, "alloc_ctl", 9) == 0;
	}
	free(ring);
	return found;
}

/* "junk,rz32" or "no checks" for a sentence. */
static const char *checks_words(char *buf, size_t len, const struct las_checks *c)
{
	as_fmt_checks(buf, len, c);
	if (!strcmp(buf, "-"))
		snprintf(buf, len, "no checks");
	return buf;
}

/* How long to look for the event that explains a difference: the process
 * writes it under the lock it applied with, within microseconds. */
#define EXPLAIN_MS 50

int as_control_result_wait(struct as_segment *seg, int timeout_ms,
			   struct as_control_result *res, struct as_error *err)
{
	struct as_control_result local;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->gen = seg->committed_gen;
	res->asked = seg->pending;
	int rc = map_control(seg, err);
	if (rc)
		return rc;
	if (!seg->committed_gen)
		return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path, "no request was made");
	struct timespec start;
	long explained_since = -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct las_control c;
		rc = as_control_read(seg, &c, err);
		if (rc)
			return rc;
		res->request_gen = c.request_gen;
		res->applied_gen = c.applied_gen;
		res->now = c.applied;
		char asked[128], now[128];
		checks_words(asked, sizeof(asked), &res->asked);
		checks_words(now, sizeof(now), &res->now);
		if (c.applied_gen >= res->gen) {
			if (checks_equal(&c.applied, &res->asked))
				return as_fail(err, AS_OK, seg->pid, seg->path,
					       "request %llu applied: the process runs %s",
					       (unsigned long long)res->gen, now);
			if (c.request_gen > res->gen) {
				res->later_pid = c.requester_pid;
				return as_fail(err, AS_ERR_SUPERSEDED, seg->pid, seg->path,
					       "request %llu (%s) superseded by request %llu from pid %d: "
					       "the process runs %s",
					       (unsigned long long)res->gen, asked,
					       (unsigned long long)c.request_gen, (int)c.requester_pid,
					       now);
			}
			if (process_switched_itself(seg))
				return as_fail(err, AS_ERR_SUPERSEDED, seg->pid, seg->path,
					       "request %llu (%s) superseded by the process itself "
					       "(alloc_ctl): it runs %s",
					       (unsigned long long)res->gen, asked, now);
			long waited = ms_since(&start);
			if (explained_since < 0)
				explained_since = waited;
			if (waited - explained_since >= EXPLAIN_MS)
				return as_fail(err, AS_ERR_REFUSED, seg->pid, seg->path,
					       "request %llu (%s) answered, but the process runs %s "
					       "(it did not take the settings as asked)",
					       (unsigned long long)res->gen, asked, now);
			nap_ms(2);
			continue;
		}
		/* Not answered yet: raise the gates again. The process rewrites
		 * every gate word whenever it switches its own checks, which
		 * would otherwise leave this request unseen until the next one. */
		struct ctl_access a = { .seg = seg, .slots = slots_in_use(seg) };
		int sig = as_guarded(raise_gates, &a);
		if (sig)
			return fault_error(seg, err, sig);
		res->pid_status = as_segment_status(seg);
		if (res->pid_status != AS_PID_ALIVE)
			return as_fail(err, AS_ERR_STALE, seg->pid, seg->path,
				       "%s before applying request %llu",
				       as_pid_status_text(res->pid_status),
				       (unsigned long long)res->gen);
		if (ms_since(&start) >= timeout_ms)
			return as_fail(err, AS_ERR_TIMEOUT, seg->pid, seg->path,
				       "request %llu (%s) not applied within %d ms; it stays pending "
				       "(the process applies it at its next allocation or free)",
				       (unsigned long long)res->gen, asked, timeout_ms);
		nap_ms(5);
	}
}

int as_control_wait_applied(struct as_segment *seg, int timeout_ms, struct as_error *err)
{
	int rc = as_control_result_wait(seg, timeout_ms, NULL, err);
	return rc == AS_OK || rc == AS_ERR_SUPERSEDED || rc == AS_ERR_REFUSED ? 0 : -1;
}
