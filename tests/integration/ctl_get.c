/*
 * ctl_get.c - prints "name=value" for each uint64_t alloc_ctl() name given,
 * so shell tests can see which LIBALLOC_CONF entries took effect.
 * Exits 2 when malloc is not liballoc's, 1 when a name cannot be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

int main(int argc, char **argv)
{
	int status = 0;

	if (!alloc_ctl || !liballoc_active()) {
		fprintf(stderr, "ctl_get: liballoc is not the allocator (run with LD_PRELOAD)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		uint64_t v = 0;
		size_t len = sizeof v;
		int err = alloc_ctl(argv[i], &v, &len, NULL, 0);
		if (err) {
			fprintf(stderr, "ctl_get: %s: %s\n", argv[i], strerror(err));
			status = 1;
			continue;
		}
		printf("%s=%llu\n", argv[i], (unsigned long long)v);
	}
	return status;
}
