/*
 * set_race - test program for the --set race (tests/allocdump/test_set_race.sh):
 * under LD_PRELOAD=liballoc.so it switches its own checks with alloc_ctl
 * ("debug.check_free" on and off) as fast as it can, while allocating and
 * freeing, so that outside requests are answered between its own switches.
 * Prints "ready" and runs until killed.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*alloc_ctl_fn)(const char *, void *, size_t *, const void *, size_t);

int main(void)
{
	alloc_ctl_fn ctl = (alloc_ctl_fn)dlsym(RTLD_DEFAULT, "alloc_ctl");
	if (!ctl) {
		fprintf(stderr, "set_race: not running under liballoc (no alloc_ctl)\n");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	volatile char *keep[64] = { 0 };
	for (uint64_t i = 0;; i++) {
		uint64_t on = i & 1;
		ctl("debug.check_free", NULL, NULL, &on, sizeof(on));
		for (int k = 0; k < 64; k++) {
			free((void *)keep[k]);
			keep[k] = malloc(16 + (size_t)(k * 8));
			if (keep[k])
				keep[k][0] = (char)k; /* used: not optimised away */
		}
		usleep(200);
	}
}
