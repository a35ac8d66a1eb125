/*
 * oom_first_stack - a thread takes its first sampled stack when memory has
 * run out. libunwind, loaded with dlopen, gets each thread's block of its
 * thread-local data from glibc with malloc at that thread's first unwind,
 * and glibc ends the process when that malloc fails; a sampled allocation
 * served as a page run of its own fails where an ordinary one would not.
 * Run under a ulimit -v, with every allocation sampled (prof_sample:64):
 * prints "ok nulls=N" and exits 0 when the process survived to the end.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_barrier_t started, full;
static unsigned worker_got;

static void *worker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&full); /* memory has run out: the first stack now */
	for (int i = 0; i < 1000; i++) {
		void *volatile p = malloc(24);
		if (p)
			worker_got++;
	}
	return NULL;
}

int main(void)
{
	pthread_barrier_init(&started, NULL, 2);
	pthread_barrier_init(&full, NULL, 2);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	for (int i = 0; i < 64; i++) { /* samples in this thread: libunwind is loaded */
		void *volatile p = malloc(1 << 20);
		free(p);
	}
	pthread_barrier_wait(&started);
	unsigned long blocks = 0, nulls = 0;
	for (size_t size = 1 << 20; size >= 16; size /= 2) {
		while (malloc(size))
			blocks++;
		nulls++;
	}
	pthread_barrier_wait(&full);
	pthread_join(t, NULL);
	printf("ok nulls=%lu blocks=%lu worker=%u\n", nulls, blocks, worker_got);
	return 0;
}
