/*
 * test_allocstat.c - the reader library against fabricated segments:
 * exact decoding, every kind of corruption, file-level safety, staleness,
 * rates, listing, gc and the control block.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "allocstat.h"
#include "segfab.h"

static char tmpdir[256];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/allocstat-test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static unsigned char *build_default(pid_t pid, size_t *len)
{
	struct segfab_spec spec = segfab_default(pid);
	unsigned char *img = segfab_build(&spec, len);
	assert_non_null(img);
	return img;
}

static int snapshot_image(const unsigned char *img, size_t len, struct as_snapshot *snap,
			  struct as_error *err)
{
	struct as_segment *seg;
	int rc = as_open_memory(img, len, &seg, err);
	if (rc)
		return rc;
	rc = as_snapshot_take(seg, snap, err);
	as_close(seg);
	return rc;
}

/* --- decoding ---------------------------------------------------------- */

static void test_decodes_exact_values(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	struct as_snapshot s;
	struct as_error err = { 0 };
	assert_int_equal(snapshot_image(img, len, &s, &err), AS_OK);
	assert_int_equal(s.pid, 4242);
	assert_string_equal(s.reported_exe, "segfab");
	assert_string_equal(s.version, "0.1.0");
	assert_int_equal(s.nclasses, 8);
	assert_int_equal(s.narenas, 2);
	/* class c: retired 10k-5k, main 7-3 (k = c+1); worker 100-100 on class 0 */
	uint64_t small = 0, objs = 0;
	for (uint32_t c = 0; c < 8; c++) {
		uint64_t k = c + 1;
		assert_int_equal(s.classes[c].size, 16 * k);
		assert_int_equal(s.classes[c].live_objects, 5 * k + 4);
		assert_int_equal(s.classes[c].live_bytes, (5 * k + 4) * 16 * k);
		assert_int_equal(s.classes[c].cached_objects, 8);
		assert_true(s.classes[c].utilisation > 0.49 && s.classes[c].utilisation < 0.51);
		small += (5 * k + 4) * 16 * k;
		objs += 5 * k + 4;
	}
	assert_int_equal(s.classes[0].alloc_total, 117);
	assert_int_equal(s.classes[0].free_total, 108);
	assert_int_equal(s.totals.small_live_bytes, small);
	assert_int_equal(s.totals.large_live_bytes, 10000 + (1 << 20) + 5);
	assert_int_equal(s.totals.live_bytes, small + 10000 + (1 << 20) + 5);
	assert_int_equal(s.totals.live_allocs, objs + 3);
	/* threads: retired pseudo-thread first, then the two live ones */
	assert_int_equal(s.nthreads, 3);
	assert_int_equal(s.threads[0].state, LAS_SLOT_RETIRED);
	assert_int_equal(s.threads[0].alloc_count, 360 + 1);
	assert_int_equal(s.threads[1].tid, 1001);
	assert_string_equal(s.threads[1].name, "main");
	assert_int_equal(s.threads[1].alloc_count, 7 * 8 + 2);
	assert_int_equal(s.threads[1].alloc_bytes, 7 * 16 * 36 + 10000);
	assert_int_equal(s.threads[1].cache_objects, 8 * 8);
	assert_int_equal(s.threads[1].cache_bytes, 8 * 16 * 36);
	assert_int_equal(s.threads[2].tid, 1002);
	assert_int_equal(s.threads[2].cache_objects, 0);
	assert_int_equal(s.totals.alloc_count, 361 + 58 + 100);
	assert_int_equal(s.totals.threads_live, 2);
	assert_int_equal(s.totals.cached_bytes, 8 * 16 * 36);
	assert_int_equal(s.totals.violations_total, 2);
	/* events: three complete ones, oldest first */
	assert_int_equal(s.nevents, 3);
	assert_int_equal(s.events[0].kind, LAS_EV_DOUBLE_FREE);
	assert_int_equal(s.events[2].kind, LAS_EV_CONF_CHANGE);
	assert_int_equal(s.unstable_records, 0);
	as_snapshot_free(&s);
	free(img);
}

static void test_odd_seq_records_are_skipped(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	((struct las_thread *)segfab_entry(img, LAS_T_THREADS, 1))->seq = 3;
	struct las_event_ring *ring = segfab_entry(img, LAS_T_EVENTS, 0);
	ring->entries[1].seq = 3; /* event 1 mid-write */
	struct as_snapshot s;
	struct as_error err = { 0 };
	assert_int_equal(snapshot_image(img, len, &s, &err), AS_OK);
	assert_int_equal(s.nthreads, 2); /* retired + worker */
	assert_int_equal(s.threads[1].tid, 1002);
	assert_int_equal(s.nevents, 2);
	assert_int_equal(s.unstable_records, 2);
	as_snapshot_free(&s);
	free(img);
}

static void test_event_ring_wraps(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	struct las_event_ring *ring = segfab_entry(img, LAS_T_EVENTS, 0);
	uint64_t head = LAS_EVENTS * 3 + 5;
	for (uint64_t i = head - LAS_EVENTS; i < head; i++) {
		ring->entries[i % LAS_EVENTS].seq = 2 * (i + 1);
		ring->entries[i % LAS_EVENTS].kind = LAS_EV_USE_AFTER_FREE;
		ring->entries[i % LAS_EVENTS].size = i;
	}
	ring->head = head;
	struct as_snapshot s;
	struct as_error err = { 0 };
	assert_int_equal(snapshot_image(img, len, &s, &err), AS_OK);
	assert_int_equal(s.nevents, LAS_EVENTS);
	assert_int_equal(s.events[0].size, head - LAS_EVENTS);
	assert_int_equal(s.events[LAS_EVENTS - 1].size, head - 1);
	as_snapshot_free(&s);
	free(img);
}

/* --- corruption -------------------------------------------------------- */

struct mutation {
	const char *name;
	void (*apply)(unsigned char *img, size_t *len);
	int expect;
};

#define H(img) segfab_header(img)
static void m_bad_magic(unsigned char *i, size_t *l) { (void)l; H(i)->magic = 0x1234; }
static void m_swapped(unsigned char *i, size_t *l) { (void)l; H(i)->magic = __builtin_bswap64(LAS_MAGIC); }
static void m_major(unsigned char *i, size_t *l) { (void)l; H(i)->abi_major = 2; }
static void m_major0(unsigned char *i, size_t *l) { (void)l; H(i)->abi_major = 0; }
static void m_byteorder(unsigned char *i, size_t *l) { (void)l; H(i)->byte_order = 0x04030201; }
static void m_not_ready(unsigned char *i, size_t *l) { (void)l; H(i)->ready = 0; }
static void m_zero_file(unsigned char *i, size_t *l) { memset(i, 0, *l); }
static void m_truncated(unsigned char *i, size_t *l) { (void)i; *l -= 8; }
static void m_tiny(unsigned char *i, size_t *l) { (void)i; *l = 12; }
static void m_size_lies(unsigned char *i, size_t *l) { (void)l; H(i)->segment_size += 4096; }
static void m_hdr_small(unsigned char *i, size_t *l) { (void)l; H(i)->header_size = 16; }
static void m_hdr_huge(unsigned char *i, size_t *l) { (void)l; H(i)->header_size = 0xffffffffu; }
static void m_pid0(unsigned char *i, size_t *l) { (void)l; H(i)->pid = 0; }
static void m_off_oob(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_CONTROL].offset = UINT64_MAX - 7; }
static void m_off_in_hdr(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_GLOBALS].offset = 8; }
static void m_misaligned(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_LARGE].offset += 4; }
static void m_overlap(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_EVENTS].offset = H(i)->tables[LAS_T_LARGE].offset + 8; }
static void m_small_entry(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_THREADS].entry_size = 8; }
static void m_huge_entry(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_THREADS].entry_size = 0xfffffff8u; }
static void m_count_mismatch(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_CLASSES].count = 9; }
static void m_classes_over(unsigned char *i, size_t *l) { (void)l; H(i)->nclasses = H(i)->tables[LAS_T_CLASSES].count = LAS_NCLASSES_MAX + 1; }
static void m_threads_zero(unsigned char *i, size_t *l) { (void)l; H(i)->max_threads = H(i)->tables[LAS_T_THREADS].count = 0; }
/* entry_size * count = 2^32 + small: wraps in 32-bit arithmetic */
static void m_mul_wrap(unsigned char *i, size_t *l)
{
	(void)l;
	H(i)->narenas = H(i)->tables[LAS_T_ARENAS].count = 4096;
	H(i)->tables[LAS_T_ARENAS].entry_size = 0x100008u;
}
static void m_threads_many(unsigned char *i, size_t *l) { (void)l; H(i)->max_threads = H(i)->tables[LAS_T_THREADS].count = 0xffffffffu; }
static void m_large_count(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_LARGE].count = 1; }
static void m_exe_unterminated(unsigned char *i, size_t *l) { (void)l; memset(H(i)->exe, 'A', LAS_EXE_LEN); }
static void m_conf_unterminated(unsigned char *i, size_t *l) { (void)l; memset(H(i)->conf, 'c', LAS_CONF_LEN); }
static void m_slot_state(unsigned char *i, size_t *l) { (void)l; ((struct las_thread *)segfab_entry(i, LAS_T_THREADS, 2))->state = 77; }
static void m_events_count(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_EVENTS].count = 2; }
/* found by the fuzzer: globals offset + size wrapped past 2^64 in the loader */
static void m_globals_wrap(unsigned char *i, size_t *l) { (void)l; H(i)->tables[LAS_T_GLOBALS].offset = UINT64_MAX - 7; }

static const struct mutation mutations[] = {
	{ "bad magic", m_bad_magic, AS_ERR_CORRUPT },
	{ "other byte order", m_swapped, AS_ERR_VERSION },
	{ "major version 2", m_major, AS_ERR_VERSION },
	{ "major version 0", m_major0, AS_ERR_VERSION },
	{ "byte order mark", m_byteorder, AS_ERR_VERSION },
	{ "not ready", m_not_ready, AS_ERR_NOTREADY },
	{ "all zero", m_zero_file, AS_ERR_NOTREADY },
	{ "truncated by 8", m_truncated, AS_ERR_CORRUPT },
	{ "12 bytes", m_tiny, AS_ERR_CORRUPT },
	{ "segment_size lies", m_size_lies, AS_ERR_CORRUPT },
	{ "header_size small", m_hdr_small, AS_ERR_CORRUPT },
	{ "header_size huge", m_hdr_huge, AS_ERR_CORRUPT },
	{ "pid 0", m_pid0, AS_ERR_CORRUPT },
	{ "offset overflow", m_off_oob, AS_ERR_CORRUPT },
	{ "table inside header", m_off_in_hdr, AS_ERR_CORRUPT },
	{ "misaligned table", m_misaligned, AS_ERR_CORRUPT },
	{ "overlapping tables", m_overlap, AS_ERR_CORRUPT },
	{ "entry too small", m_small_entry, AS_ERR_CORRUPT },
	{ "entry huge", m_huge_entry, AS_ERR_CORRUPT },
	{ "count mismatch", m_count_mismatch, AS_ERR_CORRUPT },
	{ "too many classes", m_classes_over, AS_ERR_CORRUPT },
	{ "no thread slots", m_threads_zero, AS_ERR_CORRUPT },
	{ "32-bit size wrap", m_mul_wrap, AS_ERR_CORRUPT },
	{ "2^32-1 threads", m_threads_many, AS_ERR_CORRUPT },
	{ "large band count", m_large_count, AS_ERR_CORRUPT },
	{ "exe not terminated", m_exe_unterminated, AS_ERR_CORRUPT },
	{ "conf not terminated", m_conf_unterminated, AS_ERR_CORRUPT },
	{ "bad slot state", m_slot_state, AS_ERR_CORRUPT },
	{ "events count", m_events_count, AS_ERR_CORRUPT },
	{ "globals offset wraps", m_globals_wrap, AS_ERR_CORRUPT },
};

static void test_mutations_are_rejected(void **state)
{
	(void)state;
	for (size_t m = 0; m < sizeof(mutations) / sizeof(mutations[0]); m++) {
		size_t len;
		unsigned char *img = build_default(4242, &len);
		mutations[m].apply(img, &len);
		/* exact-size heap copy: ASan catches any read past len */
		unsigned char *copy = malloc(len);
		memcpy(copy, img, len);
		struct as_snapshot s;
		struct as_error err = { 0 };
		int rc = snapshot_image(copy, len, &s, &err);
		if (rc != mutations[m].expect)
			fail_msg("mutation '%s': got %d (%s), want %d", mutations[m].name, rc,
				 err.msg, mutations[m].expect);
		assert_int_equal(err.code, rc);
		assert_non_null(strstr(err.msg, "<memory>"));
		free(copy);
		free(img);
	}
}

static void test_every_truncation_fails_cleanly(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	for (size_t cut = 0; cut < len; cut += (cut < 4096 ? 1 : 61)) {
		unsigned char *copy = malloc(cut ? cut : 1);
		memcpy(copy, img, cut);
		struct as_snapshot s;
		struct as_error err = { 0 };
		int rc = snapshot_image(copy, cut, &s, &err);
		if (rc == AS_OK)
			fail_msg("truncation to %zu bytes accepted", cut);
		free(copy);
	}
	free(img);
}

/* Deterministic random corruption: whatever happens, no crash, no leak, and
 * either a valid snapshot or an error with a message. */
static void test_random_corruption(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	int ok = 0, bad = 0;
	for (int iter = 0; iter < 3000; iter++) {
		unsigned char *copy = malloc(len);
		memcpy(copy, img, len);
		int flips = 1 + iter % 8;
		for (int f = 0; f < flips; f++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			/* bias towards the header, where the geometry lives */
			size_t at = (rng >> 8) % (iter & 1 ? sizeof(struct las_header) : len);
			copy[at] = (unsigned char)rng;
		}
		struct as_snapshot s;
		struct as_error err = { 0 };
		int rc = snapshot_image(copy, len, &s, &err);
		if (rc == AS_OK) {
			ok++;
			as_snapshot_free(&s);
		} else {
			bad++;
			assert_true(err.msg[0] != '\0');
			assert_true(rc >= AS_ERR_VERSION && rc <= AS_ERR_NOTREADY);
		}
		free(copy);
	}
	assert_true(ok > 0 && bad > 0);
	free(img);
}

static void test_hostile_counters_saturate(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	((struct las_class *)segfab_entry(img, LAS_T_CLASSES, 0))->size = UINT64_MAX / 2;
	struct las_thread *t = segfab_entry(img, LAS_T_THREADS, 1);
	t->class_alloc[1] = UINT64_MAX;
	t->class_free[2] = UINT64_MAX; /* more frees than allocs */
	struct as_snapshot s;
	struct as_error err = { 0 };
	assert_int_equal(snapshot_image(img, len, &s, &err), AS_OK);
	assert_int_equal(s.classes[0].live_bytes, UINT64_MAX);
	assert_int_equal(s.classes[1].live_objects, UINT64_MAX - 13); /* alloc saturates, 13 frees */
	assert_int_equal(s.classes[2].live_objects, 0);
	assert_int_equal(s.totals.live_bytes, UINT64_MAX);
	as_snapshot_free(&s);
	free(img);
}

/* --- files --------------------------------------------------------------- */

static void seg_path(char *buf, size_t len, pid_t pid)
{
	snprintf(buf, len, "%s/liballoc.%d", tmpdir, (int)pid);
}

static void write_segment(pid_t pid)
{
	char path[512];
	size_t len;
	seg_path(path, sizeof(path), pid);
	unlink(path);
	unsigned char *img = build_default(pid, &len);
	assert_int_equal(segfab_write(path, img, len), 0);
	free(img);
}

static pid_t dead_pid(void)
{
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	return child;
}

static void test_open_live_pid(void **state)
{
	(void)state;
	write_segment(getpid());
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_OK);
	assert_int_equal(as_segment_pid(seg), getpid());
	assert_false(as_segment_is_stale(seg));
	struct as_snapshot s;
	assert_int_equal(as_snapshot_take(seg, &s, &err), AS_OK);
	assert_int_equal(s.pid, getpid());
	as_snapshot_free(&s);
	assert_int_equal(as_segment_remove_stale(seg, &err), AS_ERR_USAGE);
	as_close(seg);
}

static void test_missing_segment(void **state)
{
	(void)state;
	struct as_segment *seg;
	struct as_error err = { 0 };
	pid_t gone = dead_pid();
	assert_int_equal(as_open_pid(gone, tmpdir, 0, &seg, &err), AS_ERR_NOPROC);
	char want[64];
	snprintf(want, sizeof(want), "pid %d", (int)gone);
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, tmpdir));
}

static void test_symlink_refused(void **state)
{
	(void)state;
	char target[512], path[512];
	size_t len;
	snprintf(target, sizeof(target), "%s/real", tmpdir);
	unsigned char *img = build_default(getppid(), &len);
	unlink(target);
	assert_int_equal(segfab_write(target, img, len), 0);
	free(img);
	seg_path(path, sizeof(path), getppid());
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(getppid(), tmpdir, 0, &seg, &err), AS_ERR_PERM);
	assert_non_null(strstr(err.msg, "symbolic link"));
	unlink(path);
}

static void test_fifo_refused_without_blocking(void **state)
{
	(void)state;
	char path[512];
	pid_t pid = dead_pid();
	seg_path(path, sizeof(path), pid);
	assert_int_equal(mkfifo(path, 0600), 0);
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(pid, tmpdir, 0, &seg, &err), AS_ERR_PERM);
	assert_non_null(strstr(err.msg, "not a regular file"));
	unlink(path);
}

static void test_pid_mismatch_is_corrupt(void **state)
{
	(void)state;
	char path[512];
	size_t len;
	pid_t other = dead_pid();
	seg_path(path, sizeof(path), other);
	unsigned char *img = build_default(getpid(), &len); /* claims our pid */
	assert_int_equal(segfab_write(path, img, len), 0);
	free(img);
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(other, tmpdir, 0, &seg, &err), AS_ERR_CORRUPT);
	unlink(path);
}

static void test_stale_and_gc(void **state)
{
	(void)state;
	pid_t gone = dead_pid();
	write_segment(gone);
	write_segment(getpid());
	/* our pid, but a different start time: recycled */
	char path[512];
	size_t len;
	pid_t parent = getppid();
	seg_path(path, sizeof(path), parent);
	unlink(path);
	struct segfab_spec spec = segfab_default(parent);
	spec.start_time_ticks += 1;
	unsigned char *img = segfab_build(&spec, &len);
	assert_int_equal(segfab_write(path, img, len), 0);
	free(img);

	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(gone, tmpdir, 0, &seg, &err), AS_OK);
	assert_true(as_segment_is_stale(seg));
	as_close(seg);
	assert_int_equal(as_open_pid(parent, tmpdir, 0, &seg, &err), AS_OK);
	assert_true(as_segment_is_stale(seg));
	as_close(seg);

	assert_int_equal(as_gc(tmpdir, 1, &err), 2); /* dry run */
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(as_gc(tmpdir, 0, &err), 2);
	assert_int_equal(access(path, F_OK), -1);
	seg_path(path, sizeof(path), gone);
	assert_int_equal(access(path, F_OK), -1);
	seg_path(path, sizeof(path), getpid());
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(as_gc(tmpdir, 0, &err), 0);
}

static int count_cb(pid_t pid, const char *path, void *arg)
{
	(void)path;
	int *seen = arg;
	if (pid == getpid())
		seen[0]++;
	seen[1]++;
	return 0;
}

static void test_list(void **state)
{
	(void)state;
	write_segment(getpid());
	char junk[512];
	snprintf(junk, sizeof(junk), "%s/liballoc.12x", tmpdir);
	close(open(junk, O_CREAT | O_WRONLY, 0600));
	snprintf(junk, sizeof(junk), "%s/liballoc.", tmpdir);
	close(open(junk, O_CREAT | O_WRONLY, 0600));
	int seen[2] = { 0, 0 };
	struct as_error err = { 0 };
	int n = as_list(tmpdir, count_cb, seen, &err);
	assert_int_equal(seen[0], 1);
	assert_int_equal(n, seen[1]);
	assert_int_equal(as_list("/nonexistent-dir", count_cb, seen, &err), -1);
	assert_int_equal(err.code, AS_ERR_IO);
}

/* --- rates ----------------------------------------------------------------- */

static void test_rates(void **state)
{
	(void)state;
	size_t len;
	unsigned char *img = build_default(4242, &len);
	struct as_snapshot a, b;
	struct as_error err = { 0 };
	assert_int_equal(snapshot_image(img, len, &a, &err), AS_OK);
	struct las_thread *t = segfab_entry(img, LAS_T_THREADS, 1);
	t->class_alloc[0] += 500; /* 500 allocations of 16 bytes */
	t->class_free[0] += 100;
	((struct las_globals *)segfab_entry(img, LAS_T_GLOBALS, 0))->madvise_calls += 4;
	assert_int_equal(snapshot_image(img, len, &b, &err), AS_OK);
	b.taken_ns = a.taken_ns + 2000000000ull; /* pretend 2 s passed */
	struct as_rates r;
	assert_int_equal(as_rates_compute(&a, &b, &r), 0);
	assert_true(r.seconds > 1.99 && r.seconds < 2.01);
	assert_true(r.allocs_per_sec > 249.9 && r.allocs_per_sec < 250.1);
	assert_true(r.frees_per_sec > 49.9 && r.frees_per_sec < 50.1);
	assert_true(r.alloc_bytes_per_sec > 3999.9 && r.alloc_bytes_per_sec < 4000.1);
	assert_true(r.madvise_per_sec > 1.99 && r.madvise_per_sec < 2.01);
	assert_int_equal(r.nclasses, 8);
	assert_true(r.class_allocs_per_sec[0] > 249.9 && r.class_allocs_per_sec[1] < 0.01);
	as_rates_free(&r);
	/* reversed order: no rates */
	assert_int_equal(as_rates_compute(&b, &a, &r), -1);
	as_snapshot_free(&a);
	as_snapshot_free(&b);
	free(img);
}

/* --- control ------------------------------------------------------------- */

struct fake_process {
	char path[512];
	uint64_t table_off;
	volatile int stop;
};

/* Play the allocator's side of the protocol on the file. */
static void *apply_requests(void *arg)
{
	struct fake_process *fp = arg;
	int fd = open(fp->path, O_RDWR);
	while (!fp->stop) {
		struct las_control c;
		if (pread(fd, &c, sizeof(c), (off_t)fp->table_off) == (ssize_t)sizeof(c) &&
		    (c.gate & LAS_GATE_PENDING) && c.applied_gen < c.request_gen) {
			c.applied = c.requested;
			c.applied_gen = c.request_gen;
			c.gate = LAS_GATE_CHECKS;
			assert_int_equal(pwrite(fd, &c, sizeof(c), (off_t)fp->table_off),
					 (ssize_t)sizeof(c));
		}
		usleep(1000);
	}
	close(fd);
	return NULL;
}

static void test_control_roundtrip(void **state)
{
	(void)state;
	write_segment(getpid());
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_OK);
	assert_int_equal(as_control_set(seg, "junk=alloc", &err), AS_ERR_USAGE); /* read-only */
	as_close(seg);

	assert_int_equal(as_open_pid(getpid(), tmpdir, 1, &seg, &err), AS_OK);
	assert_int_equal(as_control_set(seg, "junk=alloc,redzone=32", &err), AS_OK);
	assert_int_equal(as_control_set(seg, "quarantine=2M", &err), AS_OK);
	assert_int_equal(as_control_set(seg, "redzone=lots", &err), AS_ERR_USAGE);
	assert_int_equal(as_control_commit(seg, &err), AS_OK);
	struct las_control c;
	assert_int_equal(as_control_read(seg, &c, &err), AS_OK);
	assert_int_equal(c.request_gen, 1);
	assert_int_equal(c.requested.junk, LAS_JUNK_ALLOC);
	assert_int_equal(c.requested.redzone, 32);
	assert_int_equal(c.requested.quarantine, 2 << 20);
	assert_int_equal(c.requester_pid, getpid());
	assert_true(c.gate & LAS_GATE_PENDING);
	/* every live thread's own gate word is raised too, free slots untouched */
	{
		char path[512];
		size_t len;
		seg_path(path, sizeof(path), getpid());
		unsigned char *img = build_default(getpid(), &len);
		int fd = open(path, O_RDONLY);
		assert_int_equal(pread(fd, img, len, 0), (ssize_t)len);
		close(fd);
		for (uint32_t i = 1; i < 4; i++) {
			const struct las_thread *t = segfab_entry(img, LAS_T_THREADS, i);
			assert_int_equal(t->gate & LAS_GATE_PENDING,
					 t->state == LAS_SLOT_LIVE ? LAS_GATE_PENDING : 0);
		}
		free(img);
	}
	/* nobody applies it: bounded wait fails with a timeout */
	assert_int_equal(as_control_wait_applied(seg, 30, &err), -1);
	assert_int_equal(err.code, AS_ERR_TIMEOUT);

	struct fake_process fp = { .stop = 0 };
	seg_path(fp.path, sizeof(fp.path), getpid());
	size_t len;
	unsigned char *img = build_default(getpid(), &len);
	fp.table_off = segfab_header(img)->tables[LAS_T_CONTROL].offset;
	free(img);
	pthread_t th;
	pthread_create(&th, NULL, apply_requests, &fp);
	assert_int_equal(as_control_wait_applied(seg, 5000, &err), 0);
	assert_int_equal(as_control_read(seg, &c, &err), AS_OK);
	assert_int_equal(c.applied.redzone, 32);
	assert_int_equal(c.applied_gen, 1);
	fp.stop = 1;
	pthread_join(th, NULL);
	as_close(seg);
}

static void test_checks_parse(void **state)
{
	(void)state;
	struct las_checks c = { 0 };
	struct as_error err = { 0 };
	assert_int_equal(as_checks_parse(&c, "debug=true", &err), AS_OK);
	assert_int_equal(c.junk, LAS_JUNK_BOTH);
	assert_int_equal(c.redzone, 16);
	assert_int_equal(c.check_free, 1);
	assert_int_equal(c.quarantine, 16 << 20);
	/* as debug:true in the configuration: a redzone already set is kept */
	assert_int_equal(as_checks_parse(&c, "debug=false,redzone=64,debug=true", &err), AS_OK);
	assert_int_equal(c.redzone, 64);
	assert_int_equal(as_checks_parse(&c, "debug=false,on_error=report,track=on", &err), AS_OK);
	assert_int_equal(c.junk, 0);
	assert_int_equal(c.on_error, LAS_ONERR_REPORT);
	assert_int_equal(c.track, 1);
	struct las_checks before = c;
	assert_int_equal(as_checks_parse(&c, "track=false,bogus=1", &err), AS_ERR_USAGE);
	assert_memory_equal(&c, &before, sizeof(c)); /* all or nothing */
	assert_int_equal(as_checks_parse(&c, "redzone=8192", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "quarantine=99999999999999999999", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "junk", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "guard_sample=1,guard_lower=2", &err), AS_OK);
	assert_int_equal(c.guard_sample, 1);
	assert_int_equal(c.guard_lower, 2);
	assert_int_equal(as_checks_parse(&c, "guard_sample=-1", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "guard_sample=2000000000", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "guard_lower=x", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "quarantine_blocks=16k", &err), AS_OK);
	assert_int_equal(c.quarantine_blocks, 16384);
	/* refused, saying what the key takes; the setting stays */
	assert_int_equal(as_checks_parse(&c, "quarantine_blocks=0", &err), AS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "'quarantine_blocks=0': bad value (blocks, k/m suffix, 1..4m)"));
	assert_int_equal(as_checks_parse(&c, "quarantine_blocks=8m", &err), AS_ERR_USAGE);
	assert_int_equal(as_checks_parse(&c, "quarantine_blocks=many", &err), AS_ERR_USAGE);
	assert_int_equal(c.quarantine_blocks, 16384);
	char buf[64];
	struct las_checks d = { .junk = LAS_JUNK_BOTH, .redzone = 32, .check_free = 1,
				.quarantine = 1 << 20, .guard_sample = LAS_GUARD_SAMPLE_DEFAULT,
				.guard_lower = LAS_GUARD_LOWER_DEFAULT };
	as_fmt_checks(buf, sizeof(buf), &d);
	assert_string_equal(buf, "junk,rz32,free,q1.0MiB");
	/* the block limit shows when it is not the default */
	d.quarantine_blocks = LAS_QUARANTINE_BLOCKS_DEFAULT;
	as_fmt_checks(buf, sizeof(buf), &d);
	assert_string_equal(buf, "junk,rz32,free,q1.0MiB");
	d.quarantine_blocks = 4096;
	as_fmt_checks(buf, sizeof(buf), &d);
	assert_string_equal(buf, "junk,rz32,free,q1.0MiB,qblocks4096");
	memset(&d, 0, sizeof(d));
	d.guard_sample = LAS_GUARD_SAMPLE_DEFAULT;
	d.guard_lower = LAS_GUARD_LOWER_DEFAULT;
	as_fmt_checks(buf, sizeof(buf), &d);
	assert_string_equal(buf, "-");
	/* guarded samples show only when they differ from the default */
	d.guard_sample = 1;
	d.guard_lower = 1;
	as_fmt_checks(buf, sizeof(buf), &d);
	assert_string_equal(buf, "guard/1,lower/1");
	d.guard_sample = 0;
	as_fmt_checks(buf, sizeof(buf), &d);
	assert_string_equal(buf, "-"); /* off, as in production without the pool */
}

static void test_formatters(void **state)
{
	(void)state;
	char buf[32];
	as_fmt_bytes(buf, sizeof(buf), 512);
	assert_string_equal(buf, "512 B");
	as_fmt_bytes(buf, sizeof(buf), 1536);
	assert_string_equal(buf, "1.5 KiB");
	as_fmt_count(buf, sizeof(buf), 12345);
	assert_string_equal(buf, "12.3k");
	assert_string_equal(as_event_kind_name(LAS_EV_DOUBLE_FREE), "double_free");
	assert_string_equal(as_event_kind_name(1000), "unknown");
	assert_string_equal(as_err_name(AS_ERR_PERM), "permission denied");
}


/* --- concurrent writers ---------------------------------------------------- */

struct slot_writer {
	char path[512];
	uint64_t slot_off;
	volatile int stop;
	unsigned rounds;
};

/* Reuse thread slot 1 over and over as a writer would: seq odd, identity
 * changed field by field, seq even. Identity k: tid 5000+k, name "t<k>". */
static void *rewrite_slot(void *arg)
{
	struct slot_writer *w = arg;
	int fd = open(w->path, O_RDWR);
	struct las_thread *slot = mmap(NULL, sizeof(*slot) + 4096, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, (off_t)(w->slot_off & ~4095ull));
	slot = (struct las_thread *)((char *)slot + (w->slot_off & 4095));
	uint64_t seq = slot->seq;
	for (unsigned k = 1; !w->stop; k++) {
		__atomic_store_n(&slot->seq, ++seq, __ATOMIC_RELEASE); /* odd */
		__atomic_store_n(&slot->tid, 5000 + (int)k, __ATOMIC_RELAXED);
		for (int i = 0; i < 3; i++)
			sched_yield();
		char name[LAS_THREAD_NAME_LEN];
		snprintf(name, sizeof(name), "t%u", k);
		for (size_t i = 0; i < sizeof(name); i++)
			__atomic_store_n(&slot->name[i], name[i], __ATOMIC_RELAXED);
		__atomic_store_n(&slot->seq, ++seq, __ATOMIC_RELEASE); /* even */
		w->rounds = k;
		usleep(100); /* slot reuse is rare: stable most of the time */
	}
	close(fd);
	return NULL;
}

static void test_seq_retry_against_a_live_writer(void **state)
{
	(void)state;
	write_segment(getpid());
	struct slot_writer w = { .stop = 0 };
	seg_path(w.path, sizeof(w.path), getpid());
	size_t len;
	unsigned char *img = build_default(getpid(), &len);
	struct las_table *t = &segfab_header(img)->tables[LAS_T_THREADS];
	w.slot_off = t->offset + t->entry_size;
	free(img);
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_OK);
	pthread_t th;
	pthread_create(&th, NULL, rewrite_slot, &w);
	int seen = 0;
	for (int i = 0; i < 300; i++) {
		struct as_snapshot s;
		assert_int_equal(as_snapshot_take(seg, &s, &err), AS_OK);
		for (uint32_t j = 0; j < s.nthreads; j++) {
			if (s.threads[j].tid < 5000)
				continue;
			char want[LAS_THREAD_NAME_LEN];
			snprintf(want, sizeof(want), "t%d", s.threads[j].tid - 5000);
			if (strcmp(s.threads[j].name, want) != 0)
				fail_msg("torn identity: tid %d with name '%s'", s.threads[j].tid,
					 s.threads[j].name);
			seen++;
		}
		as_snapshot_free(&s);
	}
	w.stop = 1;
	pthread_join(th, NULL);
	as_close(seg);
	assert_true(w.rounds > 0);
	assert_true(seen > 0);
}

struct shrinker {
	char path[512];
	off_t full;
	volatile int stop;
};

static void *shrink_and_grow(void *arg)
{
	struct shrinker *sh = arg;
	int fd = open(sh->path, O_RDWR);
	while (!sh->stop) {
		assert_int_equal(ftruncate(fd, sh->full / 3), 0);
		sched_yield();
		assert_int_equal(ftruncate(fd, sh->full), 0);
		sched_yield();
	}
	close(fd);
	return NULL;
}

/* A file that changes size under the reader: errors, never a crash. */
static void test_file_changing_size(void **state)
{
	(void)state;
	write_segment(getpid());
	struct shrinker sh = { .stop = 0 };
	seg_path(sh.path, sizeof(sh.path), getpid());
	struct stat st;
	assert_int_equal(stat(sh.path, &st), 0);
	sh.full = st.st_size;
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_OK);
	pthread_t th;
	pthread_create(&th, NULL, shrink_and_grow, &sh);
	int ok = 0, bad = 0;
	for (int i = 0; i < 300; i++) {
		struct as_snapshot s;
		int rc = as_snapshot_take(seg, &s, &err);
		if (rc == AS_OK) {
			ok++;
			as_snapshot_free(&s);
		} else {
			assert_int_equal(rc, AS_ERR_CORRUPT);
			bad++;
		}
	}
	sh.stop = 1;
	pthread_join(th, NULL);
	as_close(seg);
	assert_int_equal(ok + bad, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decodes_exact_values),
		cmocka_unit_test(test_odd_seq_records_are_skipped),
		cmocka_unit_test(test_event_ring_wraps),
		cmocka_unit_test(test_mutations_are_rejected),
		cmocka_unit_test(test_every_truncation_fails_cleanly),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_hostile_counters_saturate),
		cmocka_unit_test(test_open_live_pid),
		cmocka_unit_test(test_missing_segment),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_fifo_refused_without_blocking),
		cmocka_unit_test(test_pid_mismatch_is_corrupt),
		cmocka_unit_test(test_stale_and_gc),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_control_roundtrip),
		cmocka_unit_test(test_seq_retry_against_a_live_writer),
		cmocka_unit_test(test_file_changing_size),
		cmocka_unit_test(test_checks_parse),
		cmocka_unit_test(test_formatters),
	};
	return cmocka_run_group_tests_name("allocstat", tests, make_tmpdir, remove_tmpdir);
}
