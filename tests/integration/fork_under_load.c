/*
 * fork_under_load.c - fork() while other threads are inside malloc must
 * leave the child with a working allocator: the child allocates, frees,
 * starts a thread that allocates, and exits 0. A child that does not exit
 * within the timeout is taken to be deadlocked on an allocator lock.
 */
#include <errno.h>
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

enum { HAMMERS = 3, FORKS = 200, CHILD_TIMEOUT_MS = 10000 };

static volatile int stop_hammering;

/* Allocates, reallocs and frees a spread of sizes until told to stop. */
static void *hammer(void *arg)
{
	enum { SLOTS = 256 };
	void *slot[SLOTS] = { 0 };
	uint64_t r = 88172645463325252ULL + (uintptr_t)arg;

	while (!stop_hammering) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		unsigned i = (unsigned)(r % SLOTS);
		size_t n = (r >> 20) % 8 == 0 ? (size_t)(r >> 32) % (1 << 20) : (size_t)(r >> 32) % 1024;
		if (slot[i] && (r & 0x100))
			slot[i] = realloc(slot[i], n + 1);
		else {
			free(slot[i]);
			slot[i] = malloc(n + 1);
		}
		if (slot[i])
			((char *)slot[i])[0] = 1;
	}
	for (int i = 0; i < SLOTS; i++)
		free(slot[i]);
	return NULL;
}

static void *child_thread(void *arg)
{
	char *p = malloc(1000);
	if (!p)
		return NULL;
	memset(p, 3, 1000);
	free(p);
	return arg;
}

/* What the forked child does; its exit status is the verdict. */
static int child_work(void)
{
	void *keep[100];
	pthread_t t;
	void *ret = NULL;

	for (int i = 0; i < 100; i++) {
		keep[i] = malloc((size_t)i * 97 + 1);
		if (!keep[i])
			return 2;
		memset(keep[i], i, (size_t)i * 97 + 1);
	}
	for (int i = 0; i < 100; i++)
		free(keep[i]);
	char *big = malloc(8 << 20);
	if (!big)
		return 3;
	big[(8 << 20) - 1] = 1;
	free(big);
	if (pthread_create(&t, NULL, child_thread, (void *)1) != 0)
		return 4;
	if (pthread_join(t, &ret) != 0 || ret != (void *)1)
		return 5;
	return 0;
}

/* fork() itself must not block: a starved atfork handler ends the test. */
static void fork_blocked(int sig)
{
	static const char msg[] = "fork() blocked in the parent for 10 s "
				  "(an atfork handler waiting on an allocator lock?)\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(3);
	_exit(3);
}

/* Waits for pid up to the timeout; kills it and returns -1 on timeout. */
static int wait_with_timeout(pid_t pid)
{
	int status;
	for (int waited = 0; waited < CHILD_TIMEOUT_MS; waited++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -2;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void fork_while_threads_allocate(void **state)
{
	pthread_t t[HAMMERS];
	int deadlocks = 0, failures = 0;

	(void)state;
	signal(SIGALRM, fork_blocked);
	for (uintptr_t i = 0; i < HAMMERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
	for (int i = 0; i < FORKS; i++) {
		alarm(CHILD_TIMEOUT_MS / 1000);
		pid_t pid = fork();
		if (pid == 0) {
			alarm(0);
			_exit(child_work());
		}
		alarm(0);
		assert_true(pid > 0);
		int status = wait_with_timeout(pid);
		if (status == -1) {
			if (deadlocks++ == 0)
				fprintf(stderr, "fork %d: child deadlocked (killed after %d ms)\n",
					i, CHILD_TIMEOUT_MS);
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (failures++ == 0)
				fprintf(stderr, "fork %d: child status %#x\n", i, status);
		}
		if (deadlocks > 2)
			break;
	}
	stop_hammering = 1;
	for (int i = 0; i < HAMMERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(deadlocks, 0);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fork_while_threads_allocate),
	};
	return cmocka_run_group_tests_name("fork_under_load", tests, check_allocator_under_test, NULL);
}
