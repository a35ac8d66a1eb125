/*
 * fastpath.c - N small malloc+free pairs after a warm-up, for counting
 * instructions under callgrind. Running it with two values of N and
 * dividing the difference in instructions by the difference in N cancels
 * start-up, warm-up and exit costs, leaving the cost of one pair (plus
 * this loop's own few instructions, the same for every allocator).
 *
 *   fastpath N [SIZE]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* keeps the compiler from pairing malloc with free and dropping both */
void *volatile fastpath_sink;

static long parse_arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "fastpath: bad %s '%s' (want %ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: fastpath N [SIZE]\n");
		return 2;
	}
	long n = parse_arg(argv[1], 0, 1000000000L, "pair count");
	size_t size = argc == 3 ? (size_t)parse_arg(argv[2], 1, 1024, "size") : 32;

	/* warm-up: thread cache populated, lazy initialisation done */
	for (int i = 0; i < 10000; i++) {
		fastpath_sink = malloc(size);
		free(fastpath_sink);
	}
	/* A 64 MiB block is sampled by a heap profiler (liballoc, tcmalloc)
	 * whatever its mean: the first sample's one-time set-up (the unwinder)
	 * falls here, not into one of the two counted runs only. */
	fastpath_sink = malloc((size_t)64 << 20);
	free(fastpath_sink);
	for (long i = 0; i < n; i++) {
		void *p = malloc(size);
		fastpath_sink = p;
		free(p);
	}
	return 0;
}
