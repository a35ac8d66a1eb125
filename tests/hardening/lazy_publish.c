/*
 * lazy_publish - when segments appear (stats_publish:lazy, the default),
 * in a program linked with liballoc.a, run with LIBALLOC_STATS_DIR set:
 *   - none in the first second of a process, nor for a child that lives
 *     less than a second or executes another program at once;
 *   - the process's own once it has lived a second (it allocates), with
 *     every count exact although other threads allocated all through the
 *     switch to the file;
 *   - a forked child's a second after the fork, whether it is idle or
 *     allocates only from its thread cache.
 * Exits 0 when all hold; prints one line per failed check.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liballoc.h"

static int failures;
static const char *dir;

#define EXPECT(cond, ...)                                           \
	do {                                                        \
		if (!(cond)) {                                      \
			fprintf(stderr, "lazy_publish: FAIL: " __VA_ARGS__); \
			fputc('\n', stderr);                        \
			failures++;                                 \
		}                                                   \
	} while (0)

static int has_segment(pid_t pid)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/liballoc.%d", dir, (int)pid);
	return access(path, F_OK) == 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static uint64_t ctl_u64(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	alloc_ctl(name, &v, &len, NULL, 0);
	return v;
}

static volatile int stop;
static uint64_t hammered[3];

static void *hammer(void *arg)
{
	uint64_t *ops = arg;
	void *v[32];
	unsigned r = 0;
	while (!stop) {
		*ops += 32;
		for (int i = 0; i < 32; i++)
			v[i] = malloc(16 + (r * 32 + (unsigned)i) % 3000);
		for (int i = 0; i < 32; i++)
			free(v[i]);
		r++;
	}
	return NULL;
}

int main(void)
{
	dir = getenv("LIBALLOC_STATS_DIR");
	if (!dir) {
		fprintf(stderr, "lazy_publish: set LIBALLOC_STATS_DIR\n");
		return 2;
	}
	static void *volatile held[300];
	for (int i = 0; i < 300; i++)
		held[i] = malloc(48);

	/* A child that lives 300 ms, and one that executes a program without
	 * liballoc at once: neither ever has a segment. */
	pid_t brief = fork();
	if (brief == 0) {
		free(malloc(100));
		sleep_ms(300);
		_exit(has_segment(getpid()) ? 1 : 0);
	}
	pid_t execer = fork();
	if (execer == 0) {
		char *args[] = {"sleep", "2", NULL}, *env[] = {NULL};
		execve("/bin/sleep", args, env);
		_exit(127);
	}
	sleep_ms(300);
	EXPECT(!has_segment(getpid()), "a segment within the first 300 ms");

	/* Threads allocate all through the switch; every count must survive.
	 * (A first round of threads leaves what glibc caches for them.) */
	pthread_t t[3];
	stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, hammer, &hammered[i]);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	stop = 0;
	hammered[0] = hammered[1] = hammered[2] = 0;
	alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	uint64_t live_before = ctl_u64("stats.live_allocs");
	uint64_t allocs_before = ctl_u64("stats.allocs"), mine = 0;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, hammer, &hammered[i]);
	sleep_ms(200);
	int seen = 0;
	for (int waited = 0; waited < 4000 && !seen; waited += 20) {
		free(malloc(40000)); /* a slow path of this thread */
		mine++;
		sleep_ms(20);
		seen = has_segment(getpid());
	}
	EXPECT(seen, "no segment after the process lived for 4 s");
	sleep_ms(100);
	stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	alloc_ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	uint64_t live = ctl_u64("stats.live_allocs");
	EXPECT(live == live_before, "live_allocs %llu after the threads ended, %llu before",
	       (unsigned long long)live, (unsigned long long)live_before);
	uint64_t allocs = ctl_u64("stats.allocs"), frees = ctl_u64("stats.frees");
	/* Every allocation of the threads and of this loop is counted, once. */
	uint64_t made = hammered[0] + hammered[1] + hammered[2] + mine;
	EXPECT(allocs - allocs_before == made, "%llu allocations counted, %llu made",
	       (unsigned long long)(allocs - allocs_before), (unsigned long long)made);
	EXPECT(allocs - frees == live, "allocs %llu - frees %llu != live %llu",
	       (unsigned long long)allocs, (unsigned long long)frees, (unsigned long long)live);

	/* Forked children: one idle, one allocating only from its cache. */
	pid_t idle = fork();
	if (idle == 0) {
		sleep_ms(3000);
		_exit(0);
	}
	pid_t cached = fork();
	if (cached == 0) {
		struct timespec start, now;
		clock_gettime(CLOCK_MONOTONIC, &start);
		do {
			for (int i = 0; i < 1000; i++) {
				void *volatile p = malloc(32);
				free(p);
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (now.tv_sec - start.tv_sec < 3);
		_exit(0);
	}
	sleep_ms(1800);
	EXPECT(has_segment(idle), "no segment of the idle child after 1.8 s");
	EXPECT(has_segment(cached), "no segment of the child using its thread cache after 1.8 s");
	EXPECT(!has_segment(execer), "a segment of the child that executed /bin/sleep");

	int status;
	waitpid(brief, &status, 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the 300 ms child had a segment (status 0x%x)", status);
	waitpid(execer, &status, 0);
	kill(idle, SIGKILL);
	kill(cached, SIGKILL);
	waitpid(idle, &status, 0);
	waitpid(cached, &status, 0);
	for (int i = 0; i < 300; i++)
		free(held[i]);
	printf("lazy_publish: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
