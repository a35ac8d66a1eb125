// EXPECT: buffer-underflow
// CONF: redzone:32
// CHECKS-OFF: silent-ub
// WHAT: four bytes before a large (100 KiB) block are overwritten, caught on free
#include "bug_support.h"

int main(void)
{
	size_t size = 100 * 1024;
	char *p = bug_xmalloc(size);
	memset(p, 'e', size);
	bug_mark("large", p, size);
	for (long i = -4; i < 0; i++)
		bug_poke(p, i, 'X');
	free(p);
	return bug_finish();
}
