/*
 * linger - a process that uses liballoc and then ends in a chosen way, for
 * the tests of what it leaves behind:
 *
 *   linger MODE [ARG]
 *     sleep      allocate, say "ready PID", sleep until killed
 *     busy       the same, allocating all the while (slow paths too)
 *     spew       allocate, then write to stdout until SIGPIPE ends it
 *     _exit      allocate for ARG ms (default 1500), then _exit(0)
 *     exec       allocate for ARG ms (default 1500), then execve ARG2...
 *                with LD_PRELOAD removed (a program without liballoc)
 *     exit       allocate for ARG ms (default 0), then return from main
 *
 * "ready PID" goes to stderr (stdout may be a pipe being closed).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void *volatile keep[256];

static void churn_for(long ms)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	unsigned i = 0;
	do {
		free(keep[i % 256]);
		keep[i % 256] = malloc(64 + (i * 37) % 40000);
		i++;
		if (i % 64 == 0) {
			struct timespec ts = {0, 2 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

static void ready(void)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "ready %d\n", (int)getpid());
	if (write(2, buf, (size_t)n) < 0)
		_exit(3);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sleep";
	long ms = argc > 2 ? atol(argv[2]) : 1500;
	for (unsigned i = 0; i < 256; i++)
		keep[i] = malloc(100 + i);
	if (!strcmp(mode, "sleep") || !strcmp(mode, "busy")) {
		ready();
		for (;;) {
			if (mode[0] == 'b')
				churn_for(50);
			else
				pause();
		}
	}
	if (!strcmp(mode, "spew")) {
		ready();
		static char line[4096];
		memset(line, 'x', sizeof(line));
		for (;;) {
			churn_for(1);
			if (write(1, line, sizeof(line)) < 0)
				return 1; /* SIGPIPE ignored by the caller: not the case tested */
		}
	}
	if (!strcmp(mode, "exec") && argc > 3) {
		churn_for(ms);
		ready();
		static char *env[256];
		int k = 0;
		for (char **e = environ; *e && k < 255; e++)
			if (strncmp(*e, "LD_PRELOAD=", 11))
				env[k++] = *e;
		execve(argv[3], argv + 3, env);
		return 127;
	}
	churn_for(!strcmp(mode, "exit") && argc < 3 ? 0 : ms);
	ready();
	if (!strcmp(mode, "_exit"))
		_exit(0);
	return 0;
}
