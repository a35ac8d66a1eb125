/*
 * stat_stale.c - tell whether a segment's process is gone or its pid was
 * recycled, and remove such segments.
 *
 * A pid is recycled when /proc/<pid>/stat shows a start time (field 22,
 * clock ticks since boot) different from the one the segment recorded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stat_internal.h"

uint64_t as_pid_start_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm (field 2) may contain spaces and ')': fields resume after the
	 * last ')'. The next field is 3 (state); start time is field 22. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return 0;
	}
	return strtoull(p + 1, NULL, 10);
}

int as_pid_is_stale(pid_t pid, uint64_t start_time_ticks)
{
	if (pid <= 0)
		return 1;
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	uint64_t now = as_pid_start_ticks(pid);
	/* Unreadable /proc (hidepid): trust kill() alone. */
	return now != 0 && start_time_ticks != 0 && now != start_time_ticks;
}

int as_segment_is_stale(const struct as_segment *seg)
{
	if (!seg || seg->fd < 0)
		return 0;
	return as_pid_is_stale(seg->pid, seg->start_time_ticks);
}

int as_segment_remove_stale(struct as_segment *seg, struct as_error *err)
{
	if (!seg || seg->fd < 0)
		return as_fail(err, AS_ERR_USAGE, 0, "<memory>", "not a file");
	if (!as_segment_is_stale(seg))
		return as_fail(err, AS_ERR_USAGE, seg->pid, seg->path,
			       "process is alive; not removing its segment");
	if (unlink(seg->path) != 0)
		return as_fail(err, errno == EACCES || errno == EPERM ? AS_ERR_PERM : AS_ERR_IO,
			       seg->pid, seg->path, "unlink: %s", strerror(errno));
	return AS_OK;
}
