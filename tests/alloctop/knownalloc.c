/*
 * knownalloc - test program with known allocations, run under
 * LD_PRELOAD=build/liballoc.so: holds KNOWN_SMALL_COUNT blocks of
 * KNOWN_SMALL_SIZE bytes and KNOWN_LARGE_COUNT of KNOWN_LARGE_SIZE, prints
 * "ready", then sleeps until SIGTERM. With --busy it also allocates and
 * frees one small and one large block every 50 ms, so that control-block
 * requests get applied (whichever path applies them); LIVE then briefly
 * includes those blocks. With --worker, a second thread named "worker"
 * holds WORKER_COUNT blocks of WORKER_SIZE bytes too (for the thread view).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KNOWN_SMALL_COUNT 1000
#define KNOWN_SMALL_SIZE 100
#define KNOWN_LARGE_COUNT 4
#define KNOWN_LARGE_SIZE (1 << 20)
#define WORKER_COUNT 300
#define WORKER_SIZE 64

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void *worker_blocks[WORKER_COUNT];
static _Atomic int worker_ready;

static void *worker(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "worker");
	for (int i = 0; i < WORKER_COUNT; i++)
		worker_blocks[i] = malloc(WORKER_SIZE);
	worker_ready = 1;
	while (!stop) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int busy = 0, with_worker = 0;
	static void *small[KNOWN_SMALL_COUNT], *large[KNOWN_LARGE_COUNT];
	struct sigaction sa;
	pthread_t tid;

	for (int i = 1; i < argc; i++) {
		busy |= !strcmp(argv[i], "--busy");
		with_worker |= !strcmp(argv[i], "--worker");
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	for (int i = 0; i < KNOWN_SMALL_COUNT; i++)
		small[i] = malloc(KNOWN_SMALL_SIZE);
	for (int i = 0; i < KNOWN_LARGE_COUNT; i++) {
		large[i] = malloc(KNOWN_LARGE_SIZE);
		if (large[i])
			memset(large[i], 1, KNOWN_LARGE_SIZE);
	}
	if (with_worker) {
		if (pthread_create(&tid, NULL, worker, NULL))
			return 1;
		while (!worker_ready) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	printf("ready %d %d %d %d\n", KNOWN_SMALL_COUNT, KNOWN_SMALL_SIZE, KNOWN_LARGE_COUNT,
	       KNOWN_LARGE_SIZE);
	fflush(stdout);
	while (!stop) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (busy) {
			free(malloc(32));
			free(malloc(KNOWN_LARGE_SIZE));
		}
	}
	for (int i = 0; i < KNOWN_SMALL_COUNT; i++)
		free(small[i]);
	for (int i = 0; i < KNOWN_LARGE_COUNT; i++)
		free(large[i]);
	if (with_worker) {
		pthread_join(tid, NULL);
		for (int i = 0; i < WORKER_COUNT; i++)
			free(worker_blocks[i]);
	}
	return 0;
}
