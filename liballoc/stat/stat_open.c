/*
 * stat_open.c - open a segment safely and copy it into private memory.
 *
 * Files: opened with O_NOFOLLOW|O_NONBLOCK (a planted symlink or FIFO is
 * refused without blocking), must be a regular file owned by the caller
 * (root may read anyone's), and no larger than AS_SEGMENT_MAX.
 *
 * Snapshots never read the file through a mapping: a file that shrinks
 * while mapped would raise SIGBUS in the reader. Instead the header is
 * pread() and validated against the file's size, then each table is
 * pread() into private memory sized by the validated geometry (only the
 * thread slots in use, within AS_FOREIGN_* for another user's file), so a
 * large or sparse file costs reading time, not memory. The one shared
 * mapping is the control block of a segment opened for writing, and every
 * access to it is guarded (see stat_control.c, stat_guard.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stat_internal.h"

static struct as_segment *segment_new(void)
{
	struct as_segment *seg = calloc(1, sizeof(*seg));
	if (seg)
		seg->fd = -1;
	return seg;
}

void as_close(struct as_segment *seg)
{
	if (!seg)
		return;
	if (seg->ctl_map)
		munmap(seg->ctl_map, seg->ctl_map_len);
	if (seg->fd >= 0)
		close(seg->fd);
	free(seg->mem);
	free(seg);
}

const char *as_segment_path(const struct as_segment *seg)
{
	return seg ? seg->path : "";
}

pid_t as_segment_pid(const struct as_segment *seg)
{
	return seg ? seg->pid : 0;
}

int as_source_read(const struct as_segment *seg, void *dst, size_t len, uint64_t off)
{
	if (seg->fd < 0) {
		if (off > seg->mem_len || len > seg->mem_len - off)
			return -1;
		memcpy(dst, seg->mem + off, len);
		return 0;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(seg->fd, (char *)dst + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int source_size(const struct as_segment *seg, uint64_t *size, struct as_error *err)
{
	if (seg->fd < 0) {
		*size = seg->mem_len;
		return AS_OK;
	}
	struct stat st;
	if (fstat(seg->fd, &st) != 0)
		return as_fail(err, AS_ERR_IO, seg->pid, seg->path, "fstat: %s", strerror(errno));
	*size = (uint64_t)st.st_size;
	return AS_OK;
}

int as_read_header(const struct as_segment *seg, struct las_header *h, uint64_t *size,
		   struct as_error *err)
{
	int rc = source_size(seg, size, err);
	if (rc)
		return rc;
	if (*size > AS_SEGMENT_MAX)
		return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
			       "corrupt segment: %llu bytes exceeds the %llu byte limit",
			       (unsigned long long)*size, (unsigned long long)AS_SEGMENT_MAX);
	size_t len = *size < sizeof(*h) ? (size_t)*size : sizeof(*h);
	memset(h, 0, sizeof(*h));
	if (len && as_source_read(seg, h, len, 0) != 0)
		return as_fail(err, AS_ERR_CORRUPT, seg->pid, seg->path,
			       "corrupt segment: file shrank while being read");
	struct las_header raw = *h;
	as_header_copy(h, &raw, len); /* the tables a 1.0 header lacks: absent */
	return as_validate_header(h, len, *size, seg->pid, seg->path, err);
}

/* Validate once at open and remember identity and geometry. */
static int segment_init(struct as_segment *seg, struct as_error *err)
{
	struct las_header h;
	uint64_t size;
	int rc = as_read_header(seg, &h, &size, err);
	if (rc)
		return rc;
	seg->pid = h.pid;
	seg->start_time_ticks = h.start_time_ticks;
	seg->ready = h.ready;
	memcpy(seg->tables, h.tables, sizeof(seg->tables));
	seg->size = size;
	if (seg->fd < 0)
		seg->owner = h.uid;
	return AS_OK;
}

uid_t as_segment_owner(const struct as_segment *seg)
{
	return seg ? seg->owner : (uid_t)-1;
}

int as_segment_is_foreign(const struct as_segment *seg)
{
	return seg && seg->foreign;
}

int as_open_memory(const void *buf, size_t len, struct as_segment **out,
		   struct as_error *err)
{
	*out = NULL;
	struct as_segment *seg = segment_new();
	if (!seg || !(seg->mem = malloc(len ? len : 1))) {
		free(seg);
		return as_fail(err, AS_ERR_IO, 0, "<memory>", "out of memory");
	}
	if (len)
		memcpy(seg->mem, buf, len);
	seg->mem_len = len;
	snprintf(seg->path, sizeof(seg->path), "<memory>");
	int rc = segment_init(seg, err);
	if (rc) {
		as_close(seg);
		return rc;
	}
	*out = seg;
	return AS_OK;
}

/* The process's real, effective, saved and filesystem uids from
 * /proc/<pid>/status; returns how many were read (0: process gone or
 * /proc hidden, in which case nothing can be checked). */
static int process_uids(pid_t pid, long uids[4])
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	int n = 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Uid:", 4) == 0) {
			n = sscanf(line + 4, "%ld %ld %ld %ld", &uids[0], &uids[1], &uids[2], &uids[3]);
			break;
		}
	fclose(f);
	return n < 0 ? 0 : n;
}

static int process_has_uid(pid_t pid, uid_t uid)
{
	long uids[4];
	int n = process_uids(pid, uids);
	if (n == 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (uids[i] == (long)uid)
			return 1;
	return 0;
}

static int process_euid(pid_t pid)
{
	long uids[4];
	return process_uids(pid, uids) >= 2 ? (int)uids[1] : -1;
}

/* pid_hint: the pid the caller expects (from the file name), 0 if unknown. */
static int open_file(const char *path, pid_t pid_hint, int writable,
		     struct as_segment **out, struct as_error *err)
{
	*out = NULL;
	int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT && pid_hint > 0 && kill(pid_hint, 0) != 0 && errno == ESRCH)
			return as_fail(err, AS_ERR_NOPROC, pid_hint, path, "no such process");
		if (e == ENOENT)
			return as_fail(err, AS_ERR_NOPROC, pid_hint, path,
				       "no liballoc stats segment (the process does not use liballoc, "
				       "runs with stats:false, or uses another stats_dir)");
		if (e == ELOOP)
			return as_fail(err, AS_ERR_PERM, pid_hint, path,
				       "refusing a symbolic link at the segment path");
		if (e == EACCES || e == EPERM)
			return as_fail(err, AS_ERR_PERM, pid_hint, path,
				       "permission denied (segments are readable by their owner and root)");
		return as_fail(err, AS_ERR_IO, pid_hint, path, "open: %s", strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return as_fail(err, AS_ERR_IO, pid_hint, path, "fstat: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return as_fail(err, AS_ERR_PERM, pid_hint, path, "refusing: not a regular file");
	}
	uid_t me = geteuid();
	if (me != 0 && st.st_uid != me) {
		close(fd);
		return as_fail(err, AS_ERR_PERM, pid_hint, path,
			       "permission denied: owned by uid %u, not by you (uid %u)",
			       (unsigned)st.st_uid, (unsigned)me);
	}
	struct as_segment *seg = segment_new();
	if (!seg) {
		close(fd);
		return as_fail(err, AS_ERR_IO, pid_hint, path, "out of memory");
	}
	seg->fd = fd;
	seg->writable = writable;
	seg->pid = pid_hint;
	seg->owner = st.st_uid;
	seg->foreign = st.st_uid != me;
	snprintf(seg->path, sizeof(seg->path), "%s", path);
	int rc = segment_init(seg, err);
	/* A file planted by another user under a live process's pid: the
	 * segment must belong to one of the process's uids (it is created with
	 * its fsuid). A recycled pid is reported as stale instead. */
	if (rc == AS_OK && pid_hint > 0 && !as_segment_is_stale(seg) &&
	    !process_has_uid(pid_hint, st.st_uid))
		rc = as_fail(err, AS_ERR_PERM, pid_hint, path,
			     "refusing: file owned by uid %u but the process runs as uid %d",
			     (unsigned)st.st_uid, process_euid(pid_hint));
	if (rc) {
		as_close(seg);
		return rc;
	}
	*out = seg;
	return AS_OK;
}

pid_t as_pid_from_name(const char *name)
{
	static const char prefix[] = "liballoc.";
	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	const char *p = name + sizeof(prefix) - 1;
	if (*p < '1' || *p > '9')
		return 0;
	long v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
		if (v > 0x7fffffffL)
			return 0;
	}
	return (pid_t)v;
}

int as_open_path(const char *path, int writable, struct as_segment **out,
		 struct as_error *err)
{
	const char *base = strrchr(path, '/');
	return open_file(path, as_pid_from_name(base ? base + 1 : path), writable, out, err);
}

int as_open_pid(pid_t pid, const char *dir, int writable, struct as_segment **out,
		struct as_error *err)
{
	char path[PATH_MAX];
	if (pid <= 0) {
		*out = NULL;
		return as_fail(err, AS_ERR_USAGE, 0, "-", "invalid pid %d", (int)pid);
	}
	int n = snprintf(path, sizeof(path), "%s/liballoc.%d", dir ? dir : as_stats_dir(),
			 (int)pid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		*out = NULL;
		return as_fail(err, AS_ERR_USAGE, pid, "-", "stats directory path too long");
	}
	return open_file(path, pid, writable, out, err);
}
