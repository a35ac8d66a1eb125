// EXPECT: none
// CONF: check_free:true,redzone:16,junk:true,quarantine:262144
// CHECKS-OFF: silent
// WHAT: blocks allocated by four threads and each freed exactly once by another thread: no false double-free through the thread caches
#include "bug_support.h"

#define PER_THREAD 5000
#define THREADS 4

static void *blocks[THREADS][PER_THREAD];

static void *allocate(void *arg)
{
	long t = (long)arg;
	for (int i = 0; i < PER_THREAD; i++) {
		size_t size = (size_t)((i * 37 + t) % 700) + 1;
		blocks[t][i] = bug_xmalloc(size);
		memset(blocks[t][i], 'o', size);
	}
	return NULL;
}

static void *release_neighbour(void *arg)
{
	long t = ((long)arg + 1) % THREADS;
	for (int i = 0; i < PER_THREAD; i++)
		free(blocks[t][i]);
	return NULL;
}

int main(void)
{
	pthread_t id[THREADS];
	for (long t = 0; t < THREADS; t++)
		pthread_create(&id[t], NULL, allocate, (void *)t);
	for (long t = 0; t < THREADS; t++)
		pthread_join(id[t], NULL);
	for (long t = 0; t < THREADS; t++)
		pthread_create(&id[t], NULL, release_neighbour, (void *)t);
	for (long t = 0; t < THREADS; t++)
		pthread_join(id[t], NULL);
	return bug_finish();
}
