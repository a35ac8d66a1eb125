/*
 * test_hardening.c - the reader library against what another process can
 * do to it (issue 17): the escaper, identity from the kernel, zombies,
 * faults in the control mapping, the answer to a --set request, sparse and
 * oversized segments, files that are no segment.
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
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "allocstat.h"
#include "segfab.h"

static char tmpdir[256];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hardening-test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void seg_path(char *buf, size_t len, pid_t pid)
{
	snprintf(buf, len, "%s/liballoc.%d", tmpdir, (int)pid);
}

/* Write a default segment for pid; returns its control block offset. */
static uint64_t write_segment(pid_t pid, size_t *len_out)
{
	char path[512];
	size_t len;
	seg_path(path, sizeof(path), pid);
	unlink(path);
	struct segfab_spec spec = segfab_default(pid);
	unsigned char *img = segfab_build(&spec, &len);
	assert_non_null(img);
	assert_int_equal(segfab_write(path, img, len), 0);
	uint64_t off = segfab_header(img)->tables[LAS_T_CONTROL].offset;
	free(img);
	if (len_out)
		*len_out = len;
	return off;
}

/* --- the escaper --------------------------------------------------------- */

static void expect_escape(const char *in, int flags, const char *want)
{
	char out[256];
	as_escape(out, sizeof(out), in, flags);
	assert_string_equal(out, want);
	/* escaping twice is escaping once */
	char again[256];
	as_escape(again, sizeof(again), out, flags);
	assert_string_equal(again, want);
}

static void test_escaper(void **state)
{
	(void)state;
	expect_escape("plain text", AS_ESC_UTF8, "plain text");
	expect_escape("a\x1b[2Jb", AS_ESC_UTF8, "a\\x1b[2Jb");
	expect_escape("tab\tnl\ncr\rbell\a", AS_ESC_UTF8, "tab\\tnl\\ncr\\rbell\\a");
	expect_escape("del\x7f", AS_ESC_UTF8, "del\\x7f");
	/* C1 as raw bytes (an 8-bit terminal's CSI, OSC) and UTF-8 encoded */
	expect_escape("\x9b" "31m\x9d", AS_ESC_UTF8, "\\x9b31m\\x9d");
	expect_escape("\xc2\x9b" "2J\xc2\x80\xc2\x9f", AS_ESC_UTF8, "\\u009b2J\\u0080\\u009f");
	/* invalid UTF-8: lone continuation, overlong, surrogate, truncated */
	expect_escape("\x80\xc0\xaf\xed\xa0\x80\xe2\x82", AS_ESC_UTF8,
		      "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82");
	/* valid UTF-8 passes in a UTF-8 locale, is spelled out elsewhere */
	expect_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", AS_ESC_UTF8,
		      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	expect_escape("caf\xc3\xa9 \xf0\x9f\x98\x80", 0, "caf\\u00e9 \\U0001f600");
	/* U+00A0 right after the C1 range is an ordinary character */
	expect_escape("\xc2\xa0", AS_ESC_UTF8, "\xc2\xa0");
	/* bidi override and line separator: a line must read as itself */
	expect_escape("a\xe2\x80\xae" "b\xe2\x80\xa8", AS_ESC_UTF8, "a\\u202eb\\u2028");
	/* truncation never splits an escape or a character */
	char out[8];
	assert_int_equal(as_escape(out, sizeof(out), "ab\x1b" "cd", 0), 7);
	assert_string_equal(out, "ab\\x1bc");
	assert_int_equal(as_escape(out, 6, "ab\x1b" "cd", 0), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(as_escape(out, 5, "abc\xc3\xa9", AS_ESC_UTF8), 3);
	assert_string_equal(out, "abc");
	/* a stream gets the same bytes */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	as_escape_fputs(f, "x\xc2\x9by\x9b", AS_ESC_UTF8);
	fclose(f);
	assert_string_equal(buf, "x\\u009by\\x9b");
	free(buf);
}

/* --- identity from the kernel ---------------------------------------------- */

static void test_identity_from_the_kernel(void **state)
{
	(void)state;
	char path[512];
	size_t len;
	seg_path(path, sizeof(path), getpid());
	unlink(path);
	struct segfab_spec spec = segfab_default(getpid());
	unsigned char *img = segfab_build(&spec, &len);
	struct las_header *h = segfab_header(img);
	h->uid = 4242; /* claims another user, and to be sshd */
	snprintf(h->exe, sizeof(h->exe), "sshd");
	snprintf(h->cmdline, sizeof(h->cmdline), "sshd: root@pts/0");
	assert_int_equal(segfab_write(path, img, len), 0);
	free(img);

	struct as_segment *seg;
	struct as_error err = { 0 };
	struct as_snapshot s;
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_OK);
	assert_int_equal(as_snapshot_take(seg, &s, &err), AS_OK);
	as_close(seg);
	assert_int_equal(s.uid, geteuid()); /* the file's owner */
	assert_true(s.identity & AS_ID_UID);
	assert_int_equal(s.reported_uid, 4242);
	assert_string_equal(s.reported_exe, "sshd");
	assert_string_equal(s.reported_cmdline, "sshd: root@pts/0");
	char self[512], comm[64] = "";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	assert_string_equal(s.exe_path, self);
	assert_string_equal(s.exe, as_basename(self));
	FILE *f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(s.comm, comm);
	assert_true(s.identity & AS_ID_EXE);
	assert_true(s.identity & AS_ID_CMDLINE);
	assert_non_null(strstr(s.cmdline, as_basename(self)));
	char name[300];
	assert_string_equal(as_snapshot_command(&s, name, sizeof(name)), comm);
	assert_string_equal(as_snapshot_exe(&s, name, sizeof(name)), as_basename(self));
	as_snapshot_free(&s);
	unlink(path);

	/* a memory image has no process behind it: only its claims, marked */
	struct segfab_spec mspec = segfab_default(77);
	img = segfab_build(&mspec, &len);
	assert_int_equal(as_open_memory(img, len, &seg, &err), AS_OK);
	assert_int_equal(as_snapshot_take(seg, &s, &err), AS_OK);
	as_close(seg);
	free(img);
	assert_int_equal(s.identity, 0);
	assert_string_equal(s.exe, "");
	assert_string_equal(as_snapshot_command(&s, name, sizeof(name)), "(segfab)");
	as_snapshot_free(&s);
}

/* --- zombies --------------------------------------------------------------- */

static void test_zombie_is_gone(void **state)
{
	(void)state;
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_true(child > 0);
	/* not reaped: kill(pid, 0) still succeeds, /proc says Z */
	char st = 0;
	uint64_t ticks = 0;
	for (int i = 0; i < 1000 && st != 'Z'; i++) {
		usleep(1000);
		st = 0;
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
		FILE *f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');
			if (p && p[1] == ' ')
				st = p[2];
		}
		if (f)
			fclose(f);
	}
	assert_int_equal(st, 'Z');
	assert_int_equal(kill(child, 0), 0);
	ticks = as_pid_start_ticks(child);
	assert_int_equal(as_pid_status(child, ticks), AS_PID_ZOMBIE);
	assert_true(as_pid_is_stale(child, ticks));

	/* its segment: stale for a reader, refused by --set at once, removed
	 * by gc */
	write_segment(child, NULL);
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(child, tmpdir, 1, &seg, &err), AS_OK);
	assert_true(as_segment_is_stale(seg));
	assert_int_equal(as_segment_status(seg), AS_PID_ZOMBIE);
	assert_int_equal(as_control_set(seg, "junk=alloc", &err), AS_OK);
	assert_int_equal(as_control_commit(seg, &err), AS_OK);
	/* a long timeout it must not wait out */
	assert_int_equal(as_control_result_wait(seg, 600000, NULL, &err), AS_ERR_STALE);
	assert_non_null(strstr(err.msg, "zombie"));
	as_close(seg);
	err.code = 0;
	assert_int_equal(as_gc(tmpdir, 0, &err), 1);
	char path[512];
	seg_path(path, sizeof(path), child);
	assert_int_equal(access(path, F_OK), -1);
	waitpid(child, NULL, 0);
	assert_int_equal(as_pid_status(child, ticks), AS_PID_GONE);
}

/* --- faults in the shared mapping --------------------------------------- */

static volatile sig_atomic_t previous_handler_ran;
static void previous_handler(int sig)
{
	(void)sig;
	previous_handler_ran = 1;
}

static volatile char *fault_at;
static void touch_fault_at(void *arg)
{
	(void)arg;
	fault_at[0] = 1;
}

static void touch_nothing(void *arg)
{
	*(int *)arg = 7;
}

static void test_guard_turns_sigbus_into_an_error(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/mapped", tmpdir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 8192), 0);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(ftruncate(fd, 0), 0); /* the owner shrinks it */
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = previous_handler;
	sigaction(SIGBUS, &sa, &old);
	fault_at = m + 4096;
	assert_int_equal(as_guarded(touch_fault_at, NULL), SIGBUS);
	assert_int_equal(as_guarded(touch_fault_at, NULL), SIGBUS); /* and again */
	int v = 0;
	assert_int_equal(as_guarded(touch_nothing, &v), 0);
	assert_int_equal(v, 7);
	/* the caller's handler is back, and was not called by the guard */
	struct sigaction now;
	sigaction(SIGBUS, NULL, &now);
	assert_ptr_equal(now.sa_handler, previous_handler);
	assert_int_equal(previous_handler_ran, 0);
	sigaction(SIGBUS, &old, NULL);
	munmap(m, 8192);
	close(fd);
	unlink(path);
}

/* --set on a segment that shrinks between open and the request, and while
 * it waits for the answer: an error each time, never a signal. */
struct shrinker {
	char path[512];
	unsigned char *img;
	size_t full;
	volatile int stop;
};

/* Shrink the file to nothing, then give it back its valid content: most
 * of the time it is a good segment, so readers get as far as the control
 * block, and then it is gone under them. */
static void *shrink_loop(void *arg)
{
	struct shrinker *sh = arg;
	int fd = open(sh->path, O_RDWR);
	while (!sh->stop) {
		if (ftruncate(fd, 0) != 0)
			break;
		usleep(50);
		if (pwrite(fd, sh->img, sh->full, 0) != (ssize_t)sh->full)
			break;
		usleep(500);
	}
	close(fd);
	return NULL;
}

static void test_set_on_a_shrinking_segment(void **state)
{
	(void)state;
	size_t len;
	write_segment(getpid(), &len);
	struct segfab_spec spec = segfab_default(getpid());
	struct shrinker sh = { .stop = 0 };
	sh.img = segfab_build(&spec, &sh.full);
	seg_path(sh.path, sizeof(sh.path), getpid());
	pthread_t th;
	pthread_create(&th, NULL, shrink_loop, &sh);
	int faults = 0;
	/* 300 tries usually see a few faults; a loaded machine may need more
	 * before the shrinker lands inside a request, so go on until one. */
	for (int i = 0; (i < 300 || faults == 0) && i < 5000 && faults < 5; i++) {
		struct as_segment *seg;
		struct as_error err = { 0 };
		if (as_open_pid(getpid(), tmpdir, 1, &seg, &err) != AS_OK)
			continue;
		int rc = as_control_set(seg, "junk=alloc", &err);
		if (!rc)
			rc = as_control_commit(seg, &err);
		if (!rc)
			rc = as_control_result_wait(seg, 20, NULL, &err);
		/* a fault is reported as the segment changing, never raised */
		assert_true(rc == AS_ERR_CORRUPT || rc == AS_ERR_TIMEOUT);
		if (rc == AS_ERR_CORRUPT && strstr(err.msg, "caught"))
			faults++;
		as_close(seg);
	}
	sh.stop = 1;
	pthread_join(th, NULL);
	free(sh.img);
	assert_true(faults > 0); /* the race was hit, and survived */
}

/* --- the answer to a request ------------------------------------------------ */

enum how { APPLY, LATER_REQUEST, ALLOC_CTL, REFUSE, SILENT };

struct fake_process {
	char path[512];
	uint64_t ctl_off, events_off;
	enum how how;
	volatile int stop;
};

static void add_event(int fd, uint64_t off, const char *detail)
{
	struct las_event_ring ring;
	assert_int_equal(pread(fd, &ring, sizeof(ring), (off_t)off), (ssize_t)sizeof(ring));
	struct las_event *e = &ring.entries[ring.head % LAS_EVENTS];
	memset(e, 0, sizeof(*e));
	e->seq = 2 * (ring.head + 1);
	e->kind = LAS_EV_CONF_CHANGE;
	snprintf(e->detail, sizeof(e->detail), "%s", detail);
	ring.head++;
	assert_int_equal(pwrite(fd, &ring, sizeof(ring), (off_t)off), (ssize_t)sizeof(ring));
}

/* Plays the process: answers a pending request the way `how` says. */
static void *answer_requests(void *arg)
{
	struct fake_process *fp = arg;
	int fd = open(fp->path, O_RDWR);
	while (!fp->stop) {
		struct las_control c;
		if (pread(fd, &c, sizeof(c), (off_t)fp->ctl_off) == (ssize_t)sizeof(c) &&
		    c.applied_gen < c.request_gen) {
			switch (fp->how) {
			case APPLY:
				c.applied = c.requested;
				break;
			case LATER_REQUEST: /* another requester came first */
				c.requested.redzone = 64;
				c.request_gen++;
				c.requester_pid = 1;
				c.applied = c.requested;
				break;
			case ALLOC_CTL: /* applied, then the process switched itself */
				c.applied = c.requested;
				c.applied.check_free = !c.applied.check_free;
				add_event(fd, fp->events_off, "alloc_ctl");
				break;
			case REFUSE:
				break;
			case SILENT:
				usleep(1000);
				continue;
			}
			c.applied_gen = c.request_gen;
			assert_int_equal(pwrite(fd, &c, sizeof(c), (off_t)fp->ctl_off),
					 (ssize_t)sizeof(c));
		}
		usleep(1000);
	}
	close(fd);
	return NULL;
}

static int request(enum how how, const char *spec, int timeout_ms,
		   struct as_control_result *res, struct as_error *err)
{
	size_t len;
	struct fake_process fp = { .how = how };
	fp.ctl_off = write_segment(getpid(), &len);
	seg_path(fp.path, sizeof(fp.path), getpid());
	struct segfab_spec sp = segfab_default(getpid());
	unsigned char *img = segfab_build(&sp, &len);
	fp.events_off = segfab_header(img)->tables[LAS_T_EVENTS].offset;
	free(img);
	struct as_segment *seg;
	assert_int_equal(as_open_pid(getpid(), tmpdir, 1, &seg, err), AS_OK);
	pthread_t th;
	pthread_create(&th, NULL, answer_requests, &fp);
	assert_int_equal(as_control_set(seg, spec, err), AS_OK);
	assert_int_equal(as_control_commit(seg, err), AS_OK);
	int rc = as_control_result_wait(seg, timeout_ms, res, err);
	fp.stop = 1;
	pthread_join(th, NULL);
	as_close(seg);
	return rc;
}

static void test_request_outcomes(void **state)
{
	(void)state;
	struct as_control_result res;
	struct as_error err = { 0 };
	assert_int_equal(request(APPLY, "junk=alloc,redzone=32", 10000, &res, &err), AS_OK);
	assert_int_equal(res.gen, 1);
	assert_int_equal(res.now.redzone, 32);
	assert_non_null(strstr(err.msg, "request 1 applied"));

	assert_int_equal(request(LATER_REQUEST, "junk=alloc", 10000, &res, &err),
			 AS_ERR_SUPERSEDED);
	assert_int_equal(res.later_pid, 1);
	assert_non_null(strstr(err.msg, "superseded by request 2 from pid 1"));

	assert_int_equal(request(ALLOC_CTL, "junk=alloc", 10000, &res, &err), AS_ERR_SUPERSEDED);
	assert_int_equal(res.later_pid, 0);
	assert_non_null(strstr(err.msg, "by the process itself"));

	assert_int_equal(request(REFUSE, "junk=alloc", 10000, &res, &err), AS_ERR_REFUSED);
	assert_non_null(strstr(err.msg, "did not take the settings"));

	assert_int_equal(request(SILENT, "junk=alloc", 30, &res, &err), AS_ERR_TIMEOUT);
	assert_non_null(strstr(err.msg, "stays pending"));
	assert_int_equal(res.applied_gen, 0);
}

/* A second requester waits for the first one's lock, then gives up. */
static void test_requesters_take_turns(void **state)
{
	(void)state;
	write_segment(getpid(), NULL);
	char path[512];
	seg_path(path, sizeof(path), getpid());
	int holder = open(path, O_RDONLY);
	assert_int_equal(flock(holder, LOCK_EX), 0);
	struct as_segment *seg;
	struct as_error err = { 0 };
	assert_int_equal(as_open_pid(getpid(), tmpdir, 1, &seg, &err), AS_OK);
	assert_int_equal(as_control_set(seg, "junk=alloc", &err), AS_OK);
	assert_int_equal(as_control_commit_wait(seg, 20, &err), AS_ERR_TIMEOUT);
	assert_non_null(strstr(err.msg, "nothing was changed"));
	struct las_control c;
	assert_int_equal(as_control_read(seg, &c, &err), AS_OK);
	assert_int_equal(c.request_gen, 0);
	flock(holder, LOCK_UN);
	assert_int_equal(as_control_commit_wait(seg, 20, &err), AS_OK);
	assert_int_equal(as_control_read(seg, &c, &err), AS_OK);
	assert_int_equal(c.request_gen, 1);
	as_close(seg);
	close(holder);
}

/* --- bounded reading ------------------------------------------------------ */

/*
 * A segment of the largest size and table a reader accepts, sparse (a few
 * KiB of tmpfs), claiming every thread slot was used: the snapshot reads
 * the slots but keeps only what is live, and never a copy of the file.
 */
static void test_sparse_maximal_segment(void **state)
{
	(void)state;
	struct segfab_spec spec = segfab_default(getpid());
	spec.max_threads = AS_THREADS_MAX;
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	assert_non_null(img);
	struct las_header *h = segfab_header(img);
	struct las_globals *g = segfab_entry(img, LAS_T_GLOBALS, 0);
	g->threads_created = UINT64_MAX; /* hostile: every slot "was used" */
	char path[512];
	seg_path(path, sizeof(path), getpid());
	unlink(path);
	/* only the head of the file and its control block are written */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	uint64_t head = h->tables[LAS_T_THREADS].offset + 3 * sizeof(struct las_thread);
	assert_int_equal(pwrite(fd, img, head, 0), (ssize_t)head);
	uint64_t tail = h->tables[LAS_T_LARGE].offset;
	assert_int_equal(pwrite(fd, img + tail, len - tail, (off_t)tail), (ssize_t)(len - tail));
	close(fd);
	free(img);
	assert_true(len > (size_t)100 << 20);

	struct as_segment *seg;
	struct as_error err = { 0 };
	struct as_snapshot s;
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_OK);
	assert_int_equal(as_snapshot_take(seg, &s, &err), AS_OK);
	assert_int_equal(s.nthreads, 3); /* retired + main + worker */
	assert_int_equal(s.threads_unread, 0); /* our own file: no limit */
	assert_int_equal(s.segment_size, len);
	as_snapshot_free(&s);
	as_close(seg);
	unlink(path);
}

/* Files that are not segments at all are told apart from damaged ones. */
static void test_not_a_segment(void **state)
{
	(void)state;
	char path[512];
	struct as_segment *seg;
	struct as_error err = { 0 };
	seg_path(path, sizeof(path), getpid());
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_int_equal(write(fd, "#!/bin/sh\necho not a segment\n", 29), 29);
	close(fd);
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_ERR_CORRUPT);
	assert_true(err.flags & AS_ERRF_NOT_SEGMENT);
	unlink(path);
	/* a real segment, damaged: not flagged */
	size_t len;
	write_segment(getpid(), &len);
	assert_int_equal(truncate(path, (off_t)len / 2), 0);
	assert_int_equal(as_open_pid(getpid(), tmpdir, 0, &seg, &err), AS_ERR_CORRUPT);
	assert_false(err.flags & AS_ERRF_NOT_SEGMENT);

	/* gc: a file that is no segment goes once it is older than the grace
	 * time, even under a live pid; a fresh one stays (a process starting) */
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_int_equal(write(fd, "garbage!", 8), 8);
	close(fd);
	err.code = 0;
	assert_int_equal(as_gc(tmpdir, 0, &err), 0);
	struct timeval old[2] = { { time(NULL) - 2 * AS_GC_GRACE_S, 0 },
				  { time(NULL) - 2 * AS_GC_GRACE_S, 0 } };
	assert_int_equal(utimes(path, old), 0);
	assert_int_equal(as_gc(tmpdir, 1, &err), 1); /* dry run */
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(as_gc(tmpdir, 0, &err), 1);
	assert_int_equal(access(path, F_OK), -1);
	/* a valid segment of a live process is never removed, however old */
	write_segment(getpid(), NULL);
	assert_int_equal(utimes(path, old), 0);
	assert_int_equal(as_gc(tmpdir, 0, &err), 0);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaper),
		cmocka_unit_test(test_identity_from_the_kernel),
		cmocka_unit_test(test_zombie_is_gone),
		cmocka_unit_test(test_guard_turns_sigbus_into_an_error),
		cmocka_unit_test(test_set_on_a_shrinking_segment),
		cmocka_unit_test(test_request_outcomes),
		cmocka_unit_test(test_requesters_take_turns),
		cmocka_unit_test(test_sparse_maximal_segment),
		cmocka_unit_test(test_not_a_segment),
	};
	return cmocka_run_group_tests_name("hardening", tests, make_tmpdir, remove_tmpdir);
}
