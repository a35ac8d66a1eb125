/*
 * guard_faults.c MODE - one bad access to a guarded block, for run.sh,
 * under LIBALLOC_CONF=guard_sample:1,... Prints "block 0xPTR size N"
 * before the bad access and "done" when it carries on to the end (the
 * value a bad read got, too), so the runner can check the report names
 * the block and that on_error:report lets the program go on.
 *
 *   overflow-write overflow-read     one byte past a 64-byte block
 *   underflow-write underflow-read   one byte before it (guard_lower:1)
 *   uaf-write uaf-read               after it was freed
 *   slack-write                      one byte past a 13-byte block: inside
 *                                    the 16-byte alignment, found at free
 *   thread-overflow                  overflow-write in a thread "worker"
 *   fork-uaf                         the child of a fork writes to a block
 *                                    the parent freed before the fork
 *   copy-overflow                    memcpy 200 bytes into a 64-byte block
 *   double-free                      the same guarded block freed twice
 *   realloc-old                      write through the pointer realloc moved
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *opaque(void *p)
{
	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

static unsigned char *block(size_t n)
{
	unsigned char *p = opaque(malloc(n));
	if (!p)
		exit(4);
	memset(p, 'a', n);
	printf("block %p size %zu\n", (void *)p, n);
	fflush(stdout);
	return p;
}

static void poke(unsigned char *p, long off)
{
	*(volatile unsigned char *)opaque(p + off) = 'X';
}

static int peek(unsigned char *p, long off)
{
	return *(volatile unsigned char *)opaque(p + off);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "worker");
	unsigned char *p = block(64);
	poke(p, 64);
	free(p);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int got = -1;
	if (!strcmp(mode, "overflow-write")) {
		unsigned char *p = block(64);
		poke(p, 64);
		free(p);
	} else if (!strcmp(mode, "overflow-read")) {
		unsigned char *p = block(64);
		got = peek(p, 64);
		free(p);
	} else if (!strcmp(mode, "underflow-write")) {
		unsigned char *p = block(64);
		poke(p, -1);
		free(p);
	} else if (!strcmp(mode, "underflow-read")) {
		unsigned char *p = block(64);
		got = peek(p, -1);
		free(p);
	} else if (!strcmp(mode, "uaf-write")) {
		unsigned char *p = block(64);
		free(p);
		poke(p, 10);
	} else if (!strcmp(mode, "uaf-read")) {
		unsigned char *p = block(64);
		free(p);
		got = peek(p, 10);
	} else if (!strcmp(mode, "slack-write")) {
		unsigned char *p = block(13);
		poke(p, 13);
		free(p);
	} else if (!strcmp(mode, "thread-overflow")) {
		pthread_t t;
		pthread_create(&t, NULL, worker, NULL);
		pthread_join(t, NULL);
	} else if (!strcmp(mode, "fork-uaf")) {
		unsigned char *p = block(64);
		free(p);
		pid_t pid = fork();
		if (pid == 0) {
			poke(p, 0);
			printf("child done\n");
			fflush(stdout);
			_exit(0);
		}
		int status;
		waitpid(pid, &status, 0);
		printf("child %s %d\n", WIFSIGNALED(status) ? "signal" : "exit",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	} else if (!strcmp(mode, "copy-overflow")) {
		unsigned char *p = block(64);
		unsigned char src[200];
		memset(src, 'X', sizeof(src));
		memcpy(opaque(p), src, sizeof(src));
		free(p);
	} else if (!strcmp(mode, "double-free")) {
		unsigned char *p = block(64);
		free(p);
		free(opaque(p));
	} else if (!strcmp(mode, "realloc-old")) {
		unsigned char *p = block(64);
		unsigned char *q = opaque(realloc(p, 128));
		poke(p, 0);
		free(q);
	} else {
		fprintf(stderr, "usage: guard_faults MODE (see the source)\n");
		return 2;
	}
	if (got >= 0)
		printf("read %d\n", got);
	printf("done\n");
	return 0;
}
