/*
 * many_stacks.c - more distinct allocation stacks than a small profile
 * table holds: 40 recursion depths, each allocating 1 MiB in 1 KiB
 * blocks from its own stack. Prints "ready" and waits for end of input.
 * With prof_stacks:16 the profile must count the stacks beyond the table
 * under "other" (run_prof.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#define DEPTHS 40
#define PER_DEPTH ((1u << 20) / 1024)

static void *blocks[DEPTHS][PER_DEPTH];

__attribute__((noinline)) static void descend(unsigned depth, unsigned target)
{
	if (depth < target) {
		descend(depth + 1, target);
		__asm__ volatile("" ::: "memory"); /* not a tail call: one frame per level */
		return;
	}
	for (unsigned i = 0; i < PER_DEPTH; i++) {
		char *p = malloc(1024);
		if (!p)
			exit(1);
		p[0] = (char)i;
		blocks[target][i] = p;
	}
}

int main(void)
{
	for (unsigned d = 0; d < DEPTHS; d++)
		descend(0, d);
	printf("ready\n");
	fflush(stdout);
	char line[64];
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}
