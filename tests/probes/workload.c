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
 * that is still alive.
 * Build with -g -fno-omit-frame-pointer -fno-builtin.
 */
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

int main(int argc, char **argv)
{
	int wait = 0, wait_start = 0, double_free = 0;
	char c;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait"))
			wait = 1;
		else if (!strcmp(argv[i], "--wait-start"))
			wait_start = 1;
		else if (!strcmp(argv[i], "--double-free"))
			double_free = 1;
		else {
			static const char usage[] = "usage: workload [--wait-start] [--wait] [--double-free]\n";
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
	if (wait) {
		char buf[64];
		while (read(0, buf, sizeof(buf)) > 0)
			;
	}
	return 0;
}
