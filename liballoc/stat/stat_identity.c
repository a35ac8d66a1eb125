/*
 * stat_identity.c - who a process is, as the kernel tells it.
 *
 * A segment's header carries the writer's own account of its executable,
 * command line and uid; any process of the same user can write anything
 * there. Readers show the kernel's answer instead: the owner of the segment
 * file (the process creates it with its own fsuid, and open_file() checks
 * that it is one of the process's uids), /proc/<pid>/exe, comm and cmdline.
 * What the segment claims is kept beside it as "reported".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stat_internal.h"

/* Read at most cap-1 bytes of a /proc file; length read, -1 if unreadable. */
static ssize_t read_proc_file(pid_t pid, const char *what, char *buf, size_t cap)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done + 1 < cap) {
		ssize_t n = read(fd, buf + done, cap - 1 - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	buf[done] = '\0';
	return (ssize_t)done;
}

void as_identity_read(pid_t pid, struct as_identity *id)
{
	memset(id, 0, sizeof(*id));
	if (pid <= 0)
		return;
	char path[64];
	char link[LAS_EXE_LEN + 64];
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		/* too long: keep the end, which has the name */
		size_t cap = sizeof(id->exe_path) - 1, len = (size_t)n;
		const char *from = link;
		if (len > cap) {
			from = link + (len - (cap - 3));
			memcpy(id->exe_path, "...", 3);
			memcpy(id->exe_path + 3, from, cap - 3);
			id->exe_path[cap] = '\0';
		} else {
			memcpy(id->exe_path, link, len);
			id->exe_path[len] = '\0';
		}
		id->flags |= AS_ID_EXE;
	}
	n = read_proc_file(pid, "comm", id->comm, sizeof(id->comm));
	if (n > 0) {
		if (id->comm[n - 1] == '\n')
			id->comm[n - 1] = '\0';
		id->flags |= AS_ID_COMM;
	}
	n = read_proc_file(pid, "cmdline", id->cmdline, sizeof(id->cmdline));
	if (n >= 0) {
		/* arguments are NUL-separated: join them with spaces */
		while (n > 0 && id->cmdline[n - 1] == '\0')
			n--;
		for (ssize_t i = 0; i < n; i++)
			if (id->cmdline[i] == '\0')
				id->cmdline[i] = ' ';
		id->cmdline[n] = '\0';
		id->flags |= AS_ID_CMDLINE;
	}
}

const char *as_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

const char *as_snapshot_command(const struct as_snapshot *s, char *buf, size_t len)
{
	if (s->comm[0])
		snprintf(buf, len, "%s", s->comm);
	else if (s->exe[0])
		snprintf(buf, len, "%s", s->exe);
	else
		snprintf(buf, len, "(%s)", s->reported_exe[0] ? s->reported_exe : "?");
	return buf;
}

const char *as_snapshot_exe(const struct as_snapshot *s, char *buf, size_t len)
{
	if (s->exe[0])
		snprintf(buf, len, "%s", s->exe);
	else if (s->comm[0])
		snprintf(buf, len, "%s", s->comm);
	else
		snprintf(buf, len, "(%s)", s->reported_exe[0] ? s->reported_exe : "?");
	return buf;
}
