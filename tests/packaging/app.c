/*
 * app.c - the C program of the packaging tests, built against an installed
 * liballoc with pkg-config and with the README's link lines.
 *
 * Prints liballoc's version (alloc_ctl: only liballoc has it), holds
 * APP_BLOCKS blocks, says "ready" and waits for EOF on stdin, so the test
 * can read its stats segment with allocdump --json.
 * The README's link lines add no include path: then alloc_ctl is declared
 * here (-DAPP_REQUIRE_HEADER, as the pkg-config builds use, forbids that).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if __has_include(<liballoc.h>)
#include <liballoc.h>
#elif defined(APP_REQUIRE_HEADER)
#error "liballoc.h not found: pkg-config --cflags gave no include path to it"
#else
int alloc_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp, size_t newlen);
#endif

#define APP_BLOCKS 500

int main(void)
{
	const char *version = NULL;
	size_t len = sizeof(version);
	if (alloc_ctl("version", &version, &len, NULL, 0) != 0 || !version)
		return 3;
	/* volatile: the compiler must keep every allocation */
	char *volatile held[APP_BLOCKS];
	for (int i = 0; i < APP_BLOCKS; i++) {
		held[i] = malloc(64);
		if (!held[i])
			return 4;
		held[i][0] = (char)i;
	}
	printf("liballoc %s\nready\n", version);
	fflush(stdout);
	char c;
	while (read(0, &c, 1) > 0)
		;
	for (int i = 0; i < APP_BLOCKS; i++)
		free(held[i]);
	return 0;
}
