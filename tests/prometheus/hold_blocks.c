/*
 * hold_blocks.c - a process with a known, steady allocation state for the
 * Prometheus tests (run under LD_PRELOAD=build/liballoc.so).
 *
 *   hold_blocks N SIZE   allocate N blocks of SIZE bytes and keep them
 *   -> "ready"           done; nothing allocates until the next line
 *   <- "poke"            allocate and free one block (lets a control
 *   -> "poked"           request from allocdump --set apply)
 *   <- EOF               free everything, exit 0
 * Lines go through read(2)/write(2): stdio would allocate buffers of its own.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(const char *line)
{
	size_t n = strlen(line);
	if (write(1, line, n) != (ssize_t)n)
		_exit(3);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	long n = atol(argv[1]), size = atol(argv[2]);
	if (n <= 0 || size <= 0)
		return 2;
	/* volatile: the compiler must not drop the allocations */
	char *volatile *held = malloc((size_t)n * sizeof(*held));
	if (!held)
		return 4;
	for (long i = 0; i < n; i++) {
		held[i] = malloc((size_t)size);
		if (!held[i])
			return 4;
		held[i][0] = (char)i;
	}
	say("ready\n");
	char buf[64];
	ssize_t got;
	while ((got = read(0, buf, sizeof(buf))) > 0) {
		char *volatile p = malloc(16);
		p[0] = 1;
		free(p);
		say("poked\n");
	}
	for (long i = 0; i < n; i++)
		free(held[i]);
	free((void *)held);
	return 0;
}
