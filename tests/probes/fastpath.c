/*
 * fastpath.c - N small malloc/free pairs, for instruction counting.
 *
 * Usage: fastpath N. Run under callgrind with N and 2N: the difference
 * divided by N is the cost of one pair without start-up noise
 * (bench_fastpath.sh compares liballoc with and without probes).
 */
#include <stdlib.h>

void *volatile sink;

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	if (n <= 0)
		return 2;
	for (long i = 0; i < n; i++) {
		sink = malloc(64);
		free(sink);
	}
	return 0;
}
