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

/* Every fd of this process that is a perf event (libbpf keeps one per
 * uprobe inside its USDT links, out of reach of the API). */
static void disable_perf_events(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[300], target[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:[perf_event]"))
			ioctl(atoi(de->d_name), PERF_EVENT_IOC_DISABLE, 0);
	}
	closedir(d);
}

int ac_detach_in_background(void (*detach)(void *arg), void *arg)
{
	int gate[2];
	disable_perf_events();
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
	/* Wait for the parent's exit: its references must not be the last
	 * ones, or it would pay the removal after all. */
	char c;
	while (read(gate[0], &c, 1) > 0)
		;
	detach(arg);
	_exit(0);
}
