/*
 * own_names.c - a program that uses names liballoc uses inside itself
 * (stats_init, debug_init, arena_get, la_init): it must link against
 * build/liballoc.a as the README says, and its mallocs must still be
 * liballoc's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liballoc.h"

int stats_init(void) { return 1; }
int debug_init(int x) { return x + 1; }
void *arena_get(unsigned id) { return id ? NULL : (void *)&arena_get; }
int la_init(void) { return 3; }

int main(void)
{
	uint64_t before = 0, after = 0;
	size_t len = sizeof(before);
	if (alloc_ctl("stats.live_allocs", &before, &len, NULL, 0) != 0) {
		fprintf(stderr, "alloc_ctl failed: not linked with liballoc\n");
		return 1;
	}
	enum { N = 100 };
	void *volatile keep[N];
	for (int i = 0; i < N; i++) {
		keep[i] = malloc(40);
		memset(keep[i], i, 40);
	}
	len = sizeof(after);
	alloc_ctl("stats.live_allocs", &after, &len, NULL, 0);
	for (int i = 0; i < N; i++)
		free(keep[i]);
	/* the program's own functions are the ones called */
	int own = stats_init() + debug_init(1) + la_init() + (arena_get(0) != NULL);
	printf("own=%d live_delta=%llu\n", own, (unsigned long long)(after - before));
	return own == 7 && after - before >= N ? 0 : 1;
}
