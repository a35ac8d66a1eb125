/*
 * spawn_cpu.c - the CPU a short command costs: run it N times, one after
 * the other, with LD_PRELOAD set for it alone (never for this harness),
 * and print the children's user + system time per run in microseconds.
 *
 *   spawn-cpu N PRELOAD COMMAND [ARGS]     (PRELOAD "" runs on glibc)
 *
 * The command's output goes to /dev/null. Exit status 1 if a run failed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: spawn-cpu N PRELOAD COMMAND [ARGS]\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	if (n < 1 || n > 1000000) {
		fprintf(stderr, "spawn-cpu: bad count '%s'\n", argv[1]);
		return 2;
	}
	size_t count = 0;
	while (environ[count])
		count++;
	char **env = calloc(count + 2, sizeof(*env));
	char *preload = malloc(strlen(argv[2]) + sizeof("LD_PRELOAD="));
	if (!env || !preload)
		return 2;
	size_t k = 0;
	for (size_t i = 0; i < count; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11))
			env[k++] = environ[i];
	if (argv[2][0]) {
		strcpy(preload, "LD_PRELOAD=");
		strcat(preload, argv[2]);
		env[k++] = preload;
	}
	int devnull = open("/dev/null", O_WRONLY);
	int failed = 0;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("spawn-cpu: fork");
			return 2;
		}
		if (pid == 0) {
			dup2(devnull, 1);
			execve(argv[3], argv + 3, env);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	double us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	printf("%.1f\n", us / (double)n);
	return failed;
}
