/*
 * bench_exec.c - run one benchmark command as the harness needs it: with an
 * optional LD_PRELOAD and extra environment, a time limit, and afterwards
 * one line with how it ended and its peak RSS (from wait4), so that a
 * crashing or hanging allocator is reported as failed, not fatal.
 *
 *   bench-exec [-t SECONDS] [-p PRELOAD] [-e NAME=VALUE]... -- COMMAND [ARGS]
 *
 * -p "" runs the command with no LD_PRELOAD at all. Output after the
 * command's own: "exec_status=ok|exit:N|signal:N|timeout maxrss_kb=N
 * cpu_s=S wall_s=S" (peak RSS and user + system CPU include the command's
 * own children, e.g. the cc1 a gcc driver runs).
 * Exit status: 0 if the command succeeded, 1 otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* SIGALRM (time limit) or SIGINT/SIGTERM (harness stopped): stop the child too. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-exec [-t SECONDS] [-p PRELOAD] [-e NAME=VALUE]... -- "
			"COMMAND [ARGS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned limit = 300;
	const char *preload = NULL;
	char *envs[32];
	int nenv = 0, opt;

	while ((opt = getopt(argc, argv, "+t:p:e:")) != -1) {
		switch (opt) {
		case 't': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 86400) {
				fprintf(stderr, "bench-exec: bad time limit '%s'\n", optarg);
				return 2;
			}
			limit = (unsigned)v;
			break;
		}
		case 'p':
			preload = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || nenv == 32) {
				fprintf(stderr, "bench-exec: bad or too many -e '%s'\n", optarg);
				return 2;
			}
			envs[nenv++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	fflush(stdout);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench-exec: fork");
		return 2;
	}
	if (pid == 0) {
		setpgid(0, 0); /* so a timeout can stop the whole group */
		for (int i = 0; i < nenv; i++)
			putenv(envs[i]);
		if (preload && *preload)
			setenv("LD_PRELOAD", preload, 1);
		else if (preload)
			unsetenv("LD_PRELOAD"); /* -p "": the system malloc, whatever the caller had */
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "bench-exec: cannot run %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}

	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: wait4 returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	alarm(limit);

	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	for (;;) {
		pid_t got = wait4(pid, &status, 0, &ru);
		if (got == pid)
			break;
		if (got < 0 && errno == EINTR && stop_signal) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			continue;
		}
		if (got < 0 && errno != EINTR) {
			perror("bench-exec: wait4");
			return 2;
		}
	}
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;

	char how[32];
	int ok = 0;
	if (stop_signal == SIGALRM)
		snprintf(how, sizeof(how), "timeout");
	else if (stop_signal)
		snprintf(how, sizeof(how), "interrupted");
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "signal:%d", WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		snprintf(how, sizeof(how), "exit:%d", WEXITSTATUS(status));
	else {
		snprintf(how, sizeof(how), "ok");
		ok = 1;
	}
	printf("exec_status=%s maxrss_kb=%ld cpu_s=%.3f wall_s=%.3f\n", how, ru.ru_maxrss, cpu,
	       wall);
	if (stop_signal && stop_signal != SIGALRM)
		return 128 + stop_signal; /* let the harness stop as well */
	return ok ? 0 : 1;
}
