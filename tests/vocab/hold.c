/*
 * hold.c - prints its pid, optionally switches checks with alloc_ctl
 * ("debug.KEY=N" arguments, numbers as alloc_ctl takes them), waits for a
 * line on stdin (while someone switches it from outside), then prints the
 * checks it runs with, as alloc_ctl reads them back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "liballoc.h"

static uint64_t get(const char *name)
{
	uint64_t v = 0;
	size_t len = sizeof(v);
	if (alloc_ctl(name, &v, &len, NULL, 0) != 0) {
		fprintf(stderr, "alloc_ctl(%s) failed\n", name);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *eq = strchr(argv[i], '=');
		if (!eq || (size_t)(eq - argv[i]) >= sizeof(name))
			return 2;
		memcpy(name, argv[i], (size_t)(eq - argv[i]));
		name[eq - argv[i]] = '\0';
		uint64_t v = strtoull(eq + 1, NULL, 10);
		if (alloc_ctl(name, NULL, NULL, &v, sizeof(v)) != 0) {
			fprintf(stderr, "alloc_ctl(%s=%llu) refused\n", name, (unsigned long long)v);
			return 2;
		}
	}
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		return 2;
	/* an allocation applies a pending outside request */
	void *volatile p = malloc(32);
	free(p);
	printf("junk=%llu redzone=%llu check_free=%llu quarantine=%llu quarantine_blocks=%llu "
	       "on_error=%llu\n",
	       (unsigned long long)get("debug.junk"), (unsigned long long)get("debug.redzone"),
	       (unsigned long long)get("debug.check_free"), (unsigned long long)get("debug.quarantine"),
	       (unsigned long long)get("debug.quarantine_blocks"),
	       (unsigned long long)get("debug.on_error"));
	return 0;
}
