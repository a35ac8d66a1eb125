/*
 * stat_stale.c - tell whether a segment's process is alive, gone, a zombie
 * or its pid recycled, and remove such segments.
 *
 * A pid is recycled when /proc/<pid>/stat shows a start time (field 22,
 * clock ticks since boot) different from the one the segment recorded. A
 * process that has exited but was not reaped yet (state Z, or X while it
 * is being reaped) still answers kill(pid, 0) but will never allocate
 * again: it counts as gone. So does a segment whose writer promised to hold
 * a lock on it while it lives (LAS_READY_OWNER_LOCK) and holds none: the
 * process died or executed another program (liballoc/shared/liveness.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "liveness.h"
#include "stat_internal.h"

/* State letter (field 3) and start time (field 22) of /proc/<pid>/stat;
 * 0 when unreadable (process gone, or /proc hidden from us). */
int as_proc_stat(pid_t pid, char *state, uint64_t *start_ticks)
{
	char path[64], buf[1024];
	*state = 0;
	*start_ticks = 0;
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
	if (!p || p[1] != ' ' || !p[2])
		return 0;
	*state = p[2];
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return 1;
	}
	*start_ticks = strtoull(p + 1, NULL, 10);
	return 1;
}

uint64_t as_pid_start_ticks(pid_t pid)
{
	char state;
	uint64_t ticks;
	as_proc_stat(pid, &state, &ticks);
	return ticks;
}

int as_pid_status(pid_t pid, uint64_t start_time_ticks)
{
	if (pid <= 0)
		return AS_PID_GONE;
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return AS_PID_GONE;
	char state;
	uint64_t now;
	if (!as_proc_stat(pid, &state, &now))
		return AS_PID_ALIVE; /* hidden /proc (hidepid): trust kill() alone */
	if (state == 'Z' || state == 'X')
		return AS_PID_ZOMBIE;
	if (now != 0 && start_time_ticks != 0 && now != start_time_ticks)
		return AS_PID_RECYCLED;
	return AS_PID_ALIVE;
}

const char *as_pid_status_text(int status)
{
	switch (status) {
	case AS_PID_ALIVE: return "process alive";
	case AS_PID_GONE: return "process gone";
	case AS_PID_ZOMBIE: return "process exited (zombie, not reaped yet)";
	case AS_PID_RECYCLED: return "pid recycled";
	case AS_PID_UNLOCKED: return "process executed another program or died";
	}
	return "?";
}

int as_pid_is_stale(pid_t pid, uint64_t start_time_ticks)
{
	return as_pid_status(pid, start_time_ticks) != AS_PID_ALIVE;
}

int as_segment_status(const struct as_segment *seg)
{
	if (!seg || seg->fd < 0)
		return AS_PID_ALIVE;
	int status = as_pid_status(seg->pid, seg->start_time_ticks);
	if (status == AS_PID_ALIVE && las_liveness_owner_gone(seg->fd, seg->ready))
		status = AS_PID_UNLOCKED;
	return status;
}

int as_segment_is_stale(const struct as_segment *seg)
{
	return as_segment_status(seg) != AS_PID_ALIVE;
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
