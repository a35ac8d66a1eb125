// EXPECT: none
// CONF: debug:true
// CHECKS-OFF: silent
// WHAT: with junk filling on, calloc still returns zeroed memory, also for blocks reused from freed (junked) ones
#include "bug_support.h"

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

int main(void)
{
	static const size_t sizes[] = {8, 100, 3000, 100 * 1024, 4u << 20};
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			unsigned char *d = bug_xmalloc(sizes[i]);
			memset(d, 0xff, sizes[i]);
			free(d);
			unsigned char *c = bug_opaque(calloc(1, sizes[i]));
			if (c == NULL || !all_zero(c, sizes[i])) {
				printf("calloc(%zu) not zeroed\n", sizes[i]);
				return 1;
			}
			free(c);
		}
	}
	return bug_finish();
}
