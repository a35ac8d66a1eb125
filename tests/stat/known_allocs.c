/*
 * known_allocs.c - a program that holds exactly known allocations, made by
 * several threads of which some have exited, for comparing allocdump's
 * numbers with the truth (run under LD_PRELOAD=build/liballoc.so).
 *
 * Protocol on stdin/stdout (one line each, write(2) only: stdio buffers are
 * allocations of their own, made before the baseline):
 *   -> "baseline"        threads exist and wait; nothing allocates now
 *   <- "go"              make the known allocations
 *   -> "hold SIZE N" ... one line per usable size held (malloc_usable_size)
 *   -> "retired ALLOCS FREES"  allocations/frees made by exited threads
 *   -> "thread TID NAME" the live worker
 *   -> "check"           quiescent: compare now
 *   <- "poke"            allocate and free once (lets a control request apply)
 *   -> "poked"
 *   <- EOF               free everything and exit 0
 */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_HELD 64

static void *held[MAX_HELD];
static size_t nheld;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int phase;          /* 0 wait, 1 go, 2 release worker */
static int worker_ready;
static pid_t worker_tid;
static unsigned retired_allocs, retired_frees;

static void say(const char *line)
{
	size_t n = strlen(line);
	if (write(1, line, n) != (ssize_t)n)
		_exit(3);
}

static void hold(void *p)
{
	if (!p || nheld == MAX_HELD)
		_exit(4);
	held[nheld++] = p;
}

static void wait_phase(int want)
{
	pthread_mutex_lock(&lock);
	while (phase < want)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

/* Exits after the round: 7 x 100 B and one 100000 B kept (handed to main),
 * 50 x 1000 B allocated and freed. */
static void *thread_a(void *arg)
{
	(void)arg;
	wait_phase(1);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < 7; i++)
		hold(malloc(100));
	hold(malloc(100000));
	pthread_mutex_unlock(&lock);
	void *churn[50];
	for (int i = 0; i < 50; i++)
		churn[i] = malloc(1000);
	for (int i = 0; i < 50; i++)
		free(churn[i]);
	pthread_mutex_lock(&lock);
	retired_allocs += 58;
	retired_frees += 50;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Exits after the round: 3 x 3000 B kept; two of (1 MiB + 5) made, one freed. */
static void *thread_b(void *arg)
{
	(void)arg;
	wait_phase(1);
	void *big = malloc((1 << 20) + 5);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < 3; i++)
		hold(malloc(3000));
	hold(malloc((1 << 20) + 5));
	pthread_mutex_unlock(&lock);
	free(big);
	pthread_mutex_lock(&lock);
	retired_allocs += 5;
	retired_frees += 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Stays alive: 5 x 1000 B and one 3 MiB block. */
static void *thread_c(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	worker_tid = (pid_t)syscall(SYS_gettid);
	worker_ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	wait_phase(1);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < 5; i++)
		hold(malloc(1000));
	hold(malloc(3 << 20));
	worker_ready = 2;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	wait_phase(2);
	return NULL;
}

static int read_line(char *buf, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		ssize_t r = read(0, buf + n, 1);
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = malloc_usable_size(*(void *const *)a), y = malloc_usable_size(*(void *const *)b);
	return (x > y) - (x < y);
}

int main(void)
{
	pthread_t a, b, c;
	char line[128];
	pthread_create(&a, NULL, thread_a, NULL);
	pthread_create(&b, NULL, thread_b, NULL);
	pthread_create(&c, NULL, thread_c, NULL);
	pthread_setname_np(c, "known-c");
	pthread_mutex_lock(&lock);
	while (!worker_ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	say("baseline\n");
	if (read_line(line, sizeof(line)) || strcmp(line, "go"))
		return 2;

	/* main: 10 x 24 B kept */
	for (int i = 0; i < 10; i++)
		hold(malloc(24));
	pthread_mutex_lock(&lock);
	phase = 1;
	pthread_cond_broadcast(&cond);
	while (worker_ready != 2)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	/* main frees two of thread A's 100 B blocks (a cross-thread free) */
	pthread_mutex_lock(&lock);
	for (size_t i = 0, gone = 0; i < nheld && gone < 2; i++)
		if (malloc_usable_size(held[i]) >= 100 && malloc_usable_size(held[i]) < 128) {
			free(held[i]);
			held[i] = held[--nheld];
			gone++;
			i--;
		}
	qsort(held, nheld, sizeof(held[0]), cmp_size);
	for (size_t i = 0; i < nheld;) {
		size_t size = malloc_usable_size(held[i]), n = 0;
		while (i < nheld && malloc_usable_size(held[i]) == size) {
			n++;
			i++;
		}
		snprintf(line, sizeof(line), "hold %zu %zu\n", size, n);
		say(line);
	}
	pthread_mutex_unlock(&lock);
	snprintf(line, sizeof(line), "retired %u %u\nthread %d known-c\ncheck\n", retired_allocs,
		 retired_frees, (int)worker_tid);
	say(line);

	while (read_line(line, sizeof(line)) == 0) {
		if (strcmp(line, "poke") == 0) {
			free(malloc(24));
			say("poked\n");
		}
	}
	pthread_mutex_lock(&lock);
	phase = 2;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(c, NULL);
	for (size_t i = 0; i < nheld; i++)
		free(held[i]);
	return 0;
}
