/*
 * segment_fd.c - the stats segment's descriptor stays out of the program's
 * way (stats/seg_file.c). liballoc keeps it open for the process's life and
 * opens it inside some malloc call, so:
 *   - it is numbered high (512, or half the descriptor limit when that is
 *     lower), not at the lowest free number, which a program may still
 *     take for its own (bash closes a pipe's descriptor twice);
 *   - a forked child closes the parent's segment descriptor (the lock on it
 *     is the parent's life), but only while that number still is the
 *     segment's: once the program has closed it and reused the number, the
 *     child leaves it alone;
 *   - closing it does not drop the liveness lock: the segment's mapping
 *     holds the same open file description.
 * Run with stats_publish:eager (run.sh), so the segment exists at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

/* Does path name this process's segment file (DIR/liballoc.<pid>)? */
static bool names_our_segment(const char *path)
{
	char want[64];
	snprintf(want, sizeof(want), "/liballoc.%d", (int)getpid());
	size_t pl = strlen(path), wl = strlen(want);
	return pl >= wl && strcmp(path + pl - wl, want) == 0;
}

/* The descriptor of this process's segment file, -1 when there is none.
 * target[] holds the last link read either way. */
static int find_segment_fd(char *target, size_t len)
{
	for (int fd = 0; fd < 4096; fd++) {
		char link[64];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, len - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (names_our_segment(target))
			return fd;
	}
	return -1;
}

static int expected_floor(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY && r.rlim_cur < 1024)
		return (int)(r.rlim_cur / 2);
	return 512;
}

/* The segment's descriptor, its file's path in target[]. The running test
 * is skipped on glibc, and fails without a segment: run.sh asks for it at
 * start (stats_publish:eager). */
static int segment_fd(char *target, size_t len)
{
	if (!liballoc_active())
		SKIP_TEST("glibc keeps no segment");
	int fd = find_segment_fd(target, len);
	if (fd < 0)
		fail_msg("no stats segment open in this process");
	return fd;
}

static void test_descriptor_is_high(void **state)
{
	(void)state;
	char target[PATH_MAX];
	int seg = segment_fd(target, sizeof(target));
	int low = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(low >= 0);
	/* The lowest free number is the program's; the segment's is above. */
	assert_true(low < seg);
	assert_true(seg >= expected_floor());
	assert_true(fcntl(seg, F_GETFD) & FD_CLOEXEC);
	close(low);
}

/* In a child: 0 when descriptor fd is open and is not the file at `parent`. */
static int child_check(int fd, const char *parent, int want_open)
{
	char link[64], now[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, now, sizeof(now) - 1);
	if (n > 0)
		now[n] = '\0';
	if (want_open)
		return n > 0 && strcmp(now, parent) != 0 ? 0 : 1;
	/* Closed, or (lazy or eager publishing in the child) the child's own
	 * segment under the same number: never the parent's file. */
	return n <= 0 || strcmp(now, parent) != 0 ? 0 : 1;
}

static int run_child(int fd, const char *parent, int want_open)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_check(fd, parent, want_open));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_child_closes_the_parents_segment(void **state)
{
	(void)state;
	char target[PATH_MAX];
	int seg = segment_fd(target, sizeof(target));
	assert_int_equal(run_child(seg, target, 0), 0);
	/* and the parent's stays open */
	assert_int_equal(find_segment_fd(target, sizeof(target)), seg);
}

static void test_child_leaves_a_reused_number_alone(void **state)
{
	(void)state;
	char target[PATH_MAX];
	int seg = segment_fd(target, sizeof(target));
	/* What bash's second close of a pipe did to the segment: the number
	 * is closed by the program and then taken by a file of its own. */
	assert_int_equal(close(seg), 0);
	int mine = open("/dev/null", O_RDONLY);
	assert_true(mine >= 0);
	assert_int_equal(dup2(mine, seg), seg);
	close(mine);
	assert_int_equal(run_child(seg, target, 1), 0);
	assert_true(fcntl(seg, F_GETFD) != -1);
	close(seg);
}

/* The path of this process's segment, from the mapping of its file. */
static bool segment_mapping(char *target, size_t len)
{
	char line[PATH_MAX + 128];
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *path = strchr(line, '/');
		if (path && names_our_segment(path) && strlen(path) < len) {
			memcpy(target, path, strlen(path) + 1);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Is the file at `path` locked for writing by someone (its writer alive,
 * as readers judge it: shared/liveness.c)? */
static int held_by_someone(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct flock fl;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	int rc = fcntl(fd, F_OFD_GETLK, &fl);
	close(fd);
	return rc == 0 && fl.l_type != F_UNLCK;
}

/* A program that closes every descriptor it did not open (close_range, a
 * daemon's loop) or makes the number a copy of another (dup2) does not take
 * the liveness lock with it: the lock belongs to the open file description,
 * which the segment's own mapping holds open too. Readers still see the
 * process alive, and no sweep removes its file. */
static void test_lock_outlives_the_descriptor(void **state)
{
	(void)state;
	char target[PATH_MAX];
	if (!liballoc_active())
		SKIP_TEST("glibc keeps no segment");
	/* The previous test closed the descriptor already: the segment is
	 * found by its mapping. */
	assert_true(segment_mapping(target, sizeof(target)));
	char scratch[PATH_MAX];
	int seg = find_segment_fd(scratch, sizeof(scratch));
	if (seg >= 0)
		assert_int_equal(close(seg), 0);
	assert_int_equal(find_segment_fd(scratch, sizeof(scratch)), -1);
	assert_int_equal(held_by_someone(target), 1);
	/* a fork now: the child has no descriptor of ours to close */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(held_by_someone(target) == 1 ? 0 : 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(held_by_someone(target), 1);
}

int main(void)
{
	start_watchdog(60);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor_is_high),
		cmocka_unit_test(test_child_closes_the_parents_segment),
		/* last: these close the segment's descriptor */
		cmocka_unit_test(test_child_leaves_a_reused_number_alone),
		cmocka_unit_test(test_lock_outlives_the_descriptor),
	};
	return cmocka_run_group_tests(tests, check_allocator_under_test, NULL);
}
