/*
 * workload.c - an allocation pattern the probe tests know exactly.
 *
 *   10000 x malloc(100), all freed
 *    3000 x malloc(5000), all freed
 *       7 x malloc(LEAK_SIZE) from leak_seven_blocks(), never freed
 *
 * No stdio before the pattern is done, so nothing else allocates in
 * between. Options: --double-free also frees one block twice (a
 * violation); --wait-start reads one line from stdin before starting (so a
 * tracer can attach with -p first); --wait blocks until stdin reaches EOF
 * after printing "done", so a tracer can symbolise the stacks of a process
 * that is still alive; --churn, instead of waiting, keeps allocating and
 * freeing (about 20000 blocks a second, from churn()) until stdin reaches
 * EOF: a busy process for the tests that a tracer stops cleanly;
 * --rename names the main thread "renamed-main" first, so that the process
 * is known by its executable only.
 * Build with -g -fno-omit-frame-pointer -fno-builtin.
 */
#include <poll.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SMALL_COUNT 10000
#define SMALL_SIZE 100
#define MEDIUM_COUNT 3000
#define MEDIUM_SIZE 5000
#define LEAK_COUNT 7
#define LEAK_SIZE 333

static void *blocks[SMALL_COUNT];
void *volatile leak_sink; /* keeps the leaked pointers out of the optimiser's reach */

static void __attribute__((noinline)) alloc_and_free(int count, size_t size)
{
	for (int i = 0; i < count; i++) {
		blocks[i] = malloc(size);
		if (!blocks[i])
			abort();
		memset(blocks[i], 0xa5, size);
	}
	for (int i = 0; i < count; i++)
		free(blocks[i]);
}

void __attribute__((noinline)) leak_seven_blocks(void)
{
	for (int i = 0; i < LEAK_COUNT; i++)
		leak_sink = malloc(LEAK_SIZE);
}

static void __attribute__((noinline)) free_twice(void)
{
	void *p = malloc(48);
	free(p);
	free(p);
}

/* Until stdin reaches EOF: every 10 ms, 200 blocks freed and 200 allocated
 * in their place, so that 200 to 400 blocks are always outstanding. */
static void __attribute__((noinline)) churn(void)
{
	static void *held[400];
	struct pollfd in = { .fd = 0, .events = POLLIN };
	char buf[64];
	for (unsigned round = 0;; round++) {
		void **half = held + (round % 2) * 200;
		for (int i = 0; i < 200; i++) {
			free(half[i]);
			half[i] = malloc(16 + (size_t)i * 8);
			if (!half[i])
				abort();
			memset(half[i], 0x5a, 16);
		}
		if (poll(&in, 1, 10) > 0 && read(0, buf, sizeof(buf)) <= 0)
			return;
	}
}

int main(int argc, char **argv)
{
	int wait = 0, wait_start = 0, double_free = 0, churning = 0;
	char c;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait"))
			wait = 1;
		else if (!strcmp(argv[i], "--wait-start"))
			wait_start = 1;
		else if (!strcmp(argv[i], "--double-free"))
			double_free = 1;
		else if (!strcmp(argv[i], "--churn"))
			churning = 1;
		else if (!strcmp(argv[i], "--rename"))
			prctl(PR_SET_NAME, "renamed-main");
		else {
			static const char usage[] = "usage: workload [--wait-start] [--wait | --churn] [--double-free] [--rename]\n";
			return write(2, usage, sizeof(usage) - 1) < 0 ? 2 : 2;
		}
	}
	while (wait_start && read(0, &c, 1) == 1 && c != '\n')
		;
	alloc_and_free(SMALL_COUNT, SMALL_SIZE);
	alloc_and_free(MEDIUM_COUNT, MEDIUM_SIZE);
	leak_seven_blocks();
	if (double_free)
		free_twice();
	if (write(1, "done\n", 5) != 5)
		return 1;
	if (churning)
		churn();
	else if (wait) {
		char buf[64];
		while (read(0, buf, sizeof(buf)) > 0)
			;
	}
	return 0;
}
