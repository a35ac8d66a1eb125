/*
 * fastpath_new.cc - N C++ operator new + operator delete pairs after a
 * warm-up, for counting instructions under callgrind (see fastpath.c: run
 * with two values of N; the difference per pair is the cost of one pair
 * plus this loop's own few instructions, the same for every allocator).
 *
 *   fastpath_new N [delete|sized|malloc] [SIZE]
 *
 * delete: operator new + operator delete(void *); sized: operator new +
 * operator delete(void *, size_t), what a C++14 compiler calls for `delete p`
 * of a complete type; malloc: malloc + free, for comparison in one binary.
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

/* keeps the compiler from pairing new with delete and dropping both */
void *volatile fastpath_sink;

static long parse_arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "fastpath_new: bad %s '%s' (want %ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

template <int Mode> static void pairs(long n, size_t size)
{
	for (long i = 0; i < n; i++) {
		void *p = Mode == 2 ? malloc(size) : ::operator new(size);
		fastpath_sink = p;
		if (Mode == 0)
			::operator delete(p);
		else if (Mode == 1)
			::operator delete(p, size);
		else
			free(p);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: fastpath_new N [delete|sized|malloc] [SIZE]\n");
		return 2;
	}
	long n = parse_arg(argv[1], 0, 1000000000L, "pair count");
	const char *mode = argc >= 3 ? argv[2] : "delete";
	size_t size = argc == 4 ? (size_t)parse_arg(argv[3], 1, 1024, "size") : 32;
	void (*run)(long, size_t);
	if (!strcmp(mode, "delete"))
		run = pairs<0>;
	else if (!strcmp(mode, "sized"))
		run = pairs<1>;
	else if (!strcmp(mode, "malloc"))
		run = pairs<2>;
	else {
		fprintf(stderr, "fastpath_new: unknown mode '%s' (delete, sized or malloc)\n", mode);
		return 2;
	}
	run(10000, size); /* warm-up: caches populated, lazy initialisation done */
	run(n, size);
	return 0;
}
