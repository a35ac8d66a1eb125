/*
 * stat_list.c - discover segments in a directory and garbage-collect the
 * stale ones (process gone or a zombie, pid recycled) and files under a
 * segment's name that are not segments at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "liveness.h"
#include "stat_internal.h"

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Sorted pids of the liballoc.<pid> entries of dir; -1 on error. */
static int collect_pids(const char *dir, pid_t **pids_out, struct as_error *err)
{
	*pids_out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return -as_fail(err, errno == EACCES ? AS_ERR_PERM : AS_ERR_IO, 0, dir,
				"cannot list directory: %s", strerror(errno));
	size_t n = 0, cap = 0;
	pid_t *pids = NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = as_pid_from_name(de->d_name);
		if (pid <= 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			pid_t *grown = realloc(pids, cap * sizeof(*pids));
			if (!grown) {
				free(pids);
				closedir(d);
				return -as_fail(err, AS_ERR_IO, 0, dir, "out of memory");
			}
			pids = grown;
		}
		pids[n++] = pid;
	}
	closedir(d);
	if (n)
		qsort(pids, n, sizeof(*pids), cmp_pid);
	*pids_out = pids;
	return (int)n;
}

int as_list(const char *dir, as_list_cb cb, void *arg, struct as_error *err)
{
	if (!dir)
		dir = as_stats_dir();
	pid_t *pids;
	int n = collect_pids(dir, &pids, err);
	if (n < 0)
		return -1;
	int seen = 0;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/liballoc.%d", dir, (int)pids[i]);
		seen++;
		if (cb && cb(pids[i], path, arg))
			break;
	}
	free(pids);
	return seen;
}

/* What the header at path says: its start time (0 unless a well-formed
 * header for that pid), and whether the file is a liballoc segment at all
 * (magic present, initialised). */
static uint64_t recorded_start_ticks(const char *path, pid_t pid, int *is_segment,
				     int *owner_gone)
{
	*is_segment = 1; /* unreadable: assume it is, and keep it */
	*owner_gone = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	struct las_header h;
	memset(&h, 0, sizeof(h));
	ssize_t n = pread(fd, &h, sizeof(h), 0);
	/* Its writer promised a lock on the file while it runs, and holds none. */
	if (n == (ssize_t)sizeof(h) && h.magic == LAS_MAGIC && h.pid == pid)
		*owner_gone = las_liveness_owner_gone(fd, h.ready);
	close(fd);
	if (n < 0)
		return 0;
	if ((size_t)n < sizeof(h.magic) ||
	    (h.magic != LAS_MAGIC && h.magic != __builtin_bswap64(LAS_MAGIC)) ||
	    (h.magic == LAS_MAGIC && (size_t)n == sizeof(h) && !h.ready))
		*is_segment = 0;
	if (n != (ssize_t)sizeof(h) || h.magic != LAS_MAGIC || h.pid != pid)
		return 0;
	return h.start_time_ticks;
}

int as_gc_report(const char *dir, int dry_run, as_gc_cb report, void *arg,
		 struct as_error *err)
{
	if (!dir)
		dir = as_stats_dir();
	pid_t *pids;
	int n = collect_pids(dir, &pids, err);
	if (n < 0)
		return -1;
	uid_t me = geteuid();
	time_t now = time(NULL);
	int removed = 0;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "%s/liballoc.%d", dir, (int)pids[i]);
		/* Only our own regular files: never a symlink, never someone else's. */
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (me != 0 && st.st_uid != me)
			continue;
		int is_segment, owner_gone;
		uint64_t ticks = recorded_start_ticks(path, pids[i], &is_segment, &owner_gone);
		int status = as_pid_status(pids[i], ticks);
		if (status == AS_PID_ALIVE && owner_gone)
			status = AS_PID_UNLOCKED;
		const char *reason;
		if (status != AS_PID_ALIVE)
			reason = as_pid_status_text(status);
		else if (!is_segment && now - st.st_mtime >= AS_GC_GRACE_S)
			reason = "not a liballoc segment";
		else
			continue;
		if (!dry_run && unlink(path) != 0) {
			/* keep going; the caller learns of it through err */
			as_fail(err, errno == EACCES || errno == EPERM ? AS_ERR_PERM : AS_ERR_IO,
				pids[i], path, "cannot remove stale segment: %s", strerror(errno));
			continue;
		}
		if (report)
			report(path, pids[i], reason, arg);
		removed++;
	}
	free(pids);
	return removed;
}

int as_gc(const char *dir, int dry_run, struct as_error *err)
{
	return as_gc_report(dir, dry_run, NULL, NULL, err);
}
