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
 * before mapping; a same-user writer shrinking its own file afterwards could
 * still raise SIGBUS during a --set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
		if (!las_vocab_check(&next, item, (size_t)(eq - item), eq + 1, strlen(eq + 1)))
			return as_fail(err, AS_ERR_USAGE, 0, "-",
				       "'%s': unknown key or bad value (keys: %s)", item,
				       las_vocab_check_keys);
		any = 1;
	}
	if (!any)
		return as_fail(err, AS_ERR_USAGE, 0, "-", "empty setting");
	*checks = next;
	return AS_OK;
}

/* Map the segment shared, after checking the file is still the size that
 * was validated (so the control block and thread table lie inside). */
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

/* Raise LAS_GATE_PENDING in every live thread's own gate word. */
static void raise_thread_gates(struct as_segment *seg)
{
	const struct las_table *t = &seg->tables[LAS_T_THREADS];
	for (uint32_t i = 1; i < t->count; i++) {
		struct las_thread *slot = (struct las_thread *)((char *)seg->ctl_map + t->offset +
								 (uint64_t)i * t->entry_size);
		if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) == LAS_SLOT_LIVE)
			__atomic_fetch_or(&slot->gate, LAS_GATE_PENDING, __ATOMIC_RELEASE);
	}
}

int as_control_read(struct as_segment *seg, struct las_control *out, struct as_error *err)
{
	const struct las_table *t = &seg->tables[LAS_T_CONTROL];
	if (seg->ctl) {
		/* word by word, each load atomic (the process writes concurrently) */
		uint32_t *dst = (uint32_t *)out;
		const uint32_t *src = (const uint32_t *)seg->ctl;
		for (size_t i = 0; i < sizeof(*out) / 4; i++)
			dst[i] = __atomic_load_n(&src[i], __ATOMIC_ACQUIRE);
		return AS_OK;
	}
	if (as_source_read(seg, out, sizeof(*out), t->offset) != 0)
		return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
			       "corrupt segment: control block unreadable (file shrank?)");
	return AS_OK;
}

int as_control_set(struct as_segment *seg, const char *key_eq_value, struct as_error *err)
{
	int rc = map_control(seg, err);
	if (rc)
		return rc;
	if (!seg->pending_valid) {
		/* start from what the process runs with, so one key changes one thing */
		struct las_control now;
		as_control_read(seg, &now, err);
		seg->pending = now.applied;
		seg->pending_valid = 1;
	}
	rc = as_checks_parse(&seg->pending, key_eq_value, err);
	if (rc)
		return as_fail(err, rc, seg->pid, seg->path, "%s", err ? err->msg : "bad setting");
	return AS_OK;
}

int as_control_commit(struct as_segment *seg, struct as_error *err)
{
	int rc = map_control(seg, err);
	if (rc)
		return rc;
	if (!seg->pending_valid)
		return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path, "nothing to commit");
	struct las_control *c = seg->ctl;
	const uint32_t *src = (const uint32_t *)&seg->pending;
	uint32_t *dst = (uint32_t *)&c->requested;
	for (size_t i = 0; i < sizeof(seg->pending) / 4; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
	__atomic_store_n(&c->requester_pid, (int32_t)getpid(), __ATOMIC_RELAXED);
	seg->committed_gen = __atomic_add_fetch(&c->request_gen, 1, __ATOMIC_RELEASE);
	__atomic_fetch_or(&c->gate, LAS_GATE_PENDING, __ATOMIC_RELEASE);
	raise_thread_gates(seg);
	return AS_OK;
}

int as_control_wait_applied(struct as_segment *seg, int timeout_ms, struct as_error *err)
{
	if (map_control(seg, err))
		return -1;
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (__atomic_load_n(&seg->ctl->applied_gen, __ATOMIC_ACQUIRE) >= seg->committed_gen)
			return 0;
		if (as_segment_is_stale(seg)) {
			as_fail(err, AS_ERR_STALE, seg->pid, seg->path,
				"process exited before applying the request");
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long waited = (now.tv_sec - start.tv_sec) * 1000 +
			      (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= timeout_ms) {
			as_fail(err, AS_ERR_TIMEOUT, seg->pid, seg->path,
				"request %llu not applied within %d ms (the process applies it at "
				"its next allocation)",
				(unsigned long long)seg->committed_gen, timeout_ms);
			return -1;
		}
		struct timespec nap = { 0, 5 * 1000 * 1000 };
		nanosleep(&nap, NULL);
	}
}
