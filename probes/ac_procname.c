/* ac_procname.c - see ac_procname.h. */
#include "ac_procname.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int exe_name(pid_t pid, char *buf, size_t len)
{
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	/* An unlinked executable reads "/path/prog (deleted)". */
	char *deleted = strstr(target, " (deleted)");
	if (deleted && deleted[10] == '\0')
		*deleted = '\0';
	const char *slash = strrchr(target, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : target);
	return buf[0] ? 0 : -1;
}

static int leader_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -1;
}

int ac_process_name(pid_t pid, char *buf, size_t len)
{
	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (exe_name(pid, buf, len) == 0 || leader_comm(pid, buf, len) == 0)
		return 0;
	buf[0] = '\0';
	return -1;
}
