/*
 * signal_storm.c - a signal-heavy program: worker threads allocate, grow,
 * check and free blocks of every size range while the main thread keeps
 * interrupting them with signals (thousands per second per thread), and
 * forks now and then. Nothing may deadlock, lose contents or fail; the
 * handler itself stays async-signal-safe, as programs must.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

enum {
	WORKERS = 4,
	SLOTS = 256,
	RUN_MS = 1500,
	SIGNAL_GAP_US = 100,
	FORK_EVERY = 200, /* signal rounds between forks */
};

static _Atomic int stop;
static _Atomic unsigned long handled;
static _Atomic unsigned long content_errors, alloc_failures, rounds[WORKERS];

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

static size_t pick_size(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	uint64_t r = *state >> 33;
	switch (r % 8) {
	case 0:
		return 40000 + r % 300000; /* large */
	case 1:
	case 2:
		return 512 + r % 8000; /* medium */
	default:
		return 1 + r % 256; /* small */
	}
}

struct block {
	unsigned char *p;
	size_t n;
	uint64_t seed;
};

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	struct block b[SLOTS] = {{0}};
	uint64_t state = 0x1234567ull + id;
	while (!stop) {
		for (int k = 0; k < 64; k++) {
			struct block *s = &b[(state >> 17) % SLOTS];
			if (s->p && check_pattern(s->p, s->n, s->seed) != s->n)
				content_errors++;
			size_t n = pick_size(&state);
			if (s->p && (state & 1)) {
				/* grow or shrink in place or by moving: contents kept */
				size_t keep = n < s->n ? n : s->n;
				unsigned char *q = realloc(s->p, n);
				if (!q) {
					alloc_failures++;
					continue;
				}
				if (check_pattern(q, keep, s->seed) != keep)
					content_errors++;
				s->p = q;
			} else {
				free(s->p);
				s->p = malloc(n);
				if (!s->p) {
					alloc_failures++;
					continue;
				}
			}
			s->n = n;
			s->seed = state;
			fill_pattern(s->p, n, s->seed);
		}
		rounds[id]++;
	}
	for (int i = 0; i < SLOTS; i++)
		free(b[i].p);
	return NULL;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void signals_and_forks_do_not_hurt(void **state)
{
	(void)state;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	start_watchdog(60);

	pthread_t t[WORKERS];
	for (unsigned i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i), 0);
	long end = now_ms() + RUN_MS;
	unsigned forks = 0, round = 0;
	while (now_ms() < end) {
		for (unsigned i = 0; i < WORKERS; i++)
			pthread_kill(t[i], SIGUSR1);
		usleep(SIGNAL_GAP_US);
		if (++round % FORK_EVERY == 0) {
			/* The child allocates while the parent's workers were
			 * interrupted anywhere, then exits. */
			pid_t pid = fork();
			if (pid == 0) {
				void *p = malloc(1000);
				void *q = malloc(100000);
				_exit(p && q ? 0 : 1);
			}
			assert_true(pid > 0);
			int status;
			assert_int_equal(waitpid(pid, &status, 0), pid);
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			forks++;
		}
	}
	stop = 1;
	for (unsigned i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	unsigned long total = 0;
	for (unsigned i = 0; i < WORKERS; i++) {
		assert_true(rounds[i] > 0); /* every worker made progress */
		total += rounds[i];
	}
	printf("signals handled %lu, forks %u, worker rounds %lu\n", (unsigned long)handled, forks,
	       total);
	assert_int_equal(content_errors, 0);
	assert_int_equal(alloc_failures, 0);
	assert_true(handled > 1000);
	assert_true(forks > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signals_and_forks_do_not_hurt),
	};
	return cmocka_run_group_tests_name("signal_storm", tests, check_allocator_under_test, NULL);
}
