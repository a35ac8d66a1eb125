/*
 * secure_prog - run setuid root by another user: what liballoc (linked in
 * statically) took from where. Allocates for 1.3 s, so that a lazily
 * published segment would exist, then prints one line:
 *   secure=S stats=B junk=J stats_dir=DIR DIR1=yes|no(uid) ...
 * for its own segment file in each directory named on the command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "liballoc.h"

static uint64_t ctl(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	alloc_ctl(name, &v, &len, NULL, 0);
	return v;
}

int main(int argc, char **argv)
{
	struct timespec start, now, nap = {0, 5 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	static void *volatile keep[64];
	unsigned i = 0;
	do {
		free(keep[i % 64]);
		keep[i % 64] = malloc(40000 + i % 1000); /* large: a slow path each time */
		i++;
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < 1300);
	const char *dir = "?";
	size_t len = sizeof(dir);
	alloc_ctl("opt.stats_dir", &dir, &len, NULL, 0);
	printf("secure=%lu stats=%llu junk=%llu stats_dir=%s", getauxval(AT_SECURE),
	       (unsigned long long)ctl("opt.stats"), (unsigned long long)ctl("debug.junk"), dir);
	for (int a = 1; a < argc; a++) {
		char path[512];
		struct stat st;
		snprintf(path, sizeof(path), "%s/liballoc.%d", argv[a], (int)getpid());
		if (stat(path, &st) == 0)
			printf(" %s=yes(%u)", argv[a], (unsigned)st.st_uid);
		else
			printf(" %s=no", argv[a]);
	}
	printf("\n");
	return 0;
}
