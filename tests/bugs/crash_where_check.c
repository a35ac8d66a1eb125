/*
 * crash_where_check.c - crashes on purpose, so that run-modes.sh can show
 * its crash locator (crash_where.so) tells the places apart before it
 * trusts it with the corpus:
 *   liballoc       liballoc's own code faults: posix_memalign stores its
 *                  result through a bad pointer the program gave it
 *   liballoc-libc  a libc function called by liballoc faults: alloc_ctl
 *                  compares a name at a bad address
 *   program        the program writes through a bad pointer
 *   program-libc   memset, called by the program, does
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	void *volatile bad = (void *)8;
	const char *what = argc > 1 ? argv[1] : "";
	if (strcmp(what, "liballoc") == 0)
		return posix_memalign((void **)bad, 64, 32);
	if (strcmp(what, "liballoc-libc") == 0) {
		typedef int (*ctl_fn)(const char *, void *, size_t *, const void *, size_t);
		ctl_fn ctl = (ctl_fn)dlsym(RTLD_DEFAULT, "alloc_ctl");
		if (ctl)
			return ctl((const char *)bad, NULL, NULL, NULL, 0);
		fprintf(stderr, "crash_where_check: alloc_ctl not found\n");
	} else if (strcmp(what, "program") == 0)
		*(volatile int *)bad = 1;
	else if (strcmp(what, "program-libc") == 0)
		memset(bad, 0, 64);
	else
		fprintf(stderr, "usage: crash_where_check liballoc|liballoc-libc|program|program-libc\n");
	return 2;
}
