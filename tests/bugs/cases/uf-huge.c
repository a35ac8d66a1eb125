// EXPECT: buffer-underflow
// CONF: redzone:16
// CHECKS-OFF: silent-ub
// WHAT: the byte before a huge (64 MiB) block is overwritten, caught on free
#include "bug_support.h"

int main(void)
{
	size_t size = 64u << 20;
	char *p = bug_xmalloc(size);
	p[0] = 1;
	bug_mark("huge", p, size);
	bug_poke(p, -1, 'X');
	free(p);
	return bug_finish();
}
