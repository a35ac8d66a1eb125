/* ac_detach.c - see ac_detach.h. */
#include "ac_detach.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Calls what(fd, target) for every open fd, target being what
 * /proc/self/fd/N links to ("anon_inode:[perf_event]", "pipe:[...]", ...). */
static void each_fd(void (*what)(int fd, const char *target, int keep), int keep)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	if (!d)
		return;
	int own = dirfd(d);
	while ((de = readdir(d))) {
		char path[300], target[64];
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == own)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		what(fd, target, keep);
	}
	closedir(d);
}

/* libbpf keeps one perf event per uprobe inside its USDT links, out of
 * reach of the API: they are found among the fds. */
static void disable_perf_event(int fd, const char *target, int keep)
{
	(void)keep;
	if (!strcmp(target, "anon_inode:[perf_event]"))
		ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
}

/* The child keeps the BPF objects (anonymous inodes) and the gate, and lets
 * go of everything it inherited besides: pipes, files, the terminal. */
static void close_unless_bpf(int fd, const char *target, int keep)
{
	if (fd > 2 && fd != keep && strncmp(target, "anon_inode:", 11))
		close(fd);
}

int ac_detach_in_background(void (*detach)(void *arg), void *arg)
{
	int gate[2];
	each_fd(disable_perf_event, -1);
	fflush(NULL);
	if (pipe(gate))
		return -1;
	pid_t child = fork();
	if (child < 0) {
		close(gate[0]);
		close(gate[1]);
		return -1;
	}
	if (child > 0) { /* the caller exits; its end of the gate closes then */
		close(gate[0]);
		return 0;
	}
	close(gate[1]);
	setsid(); /* no terminal signals for the clean-up */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd <= 2; fd++)
		if (null >= 0)
			dup2(null, fd);
	if (null > 2)
		close(null);
	each_fd(close_unless_bpf, gate[0]);
	/* Wait for the parent's exit: its references must not be the last
	 * ones, or it would pay the removal after all. */
	char c;
	while (read(gate[0], &c, 1) > 0)
		;
	detach(arg);
	_exit(0);
}
