// EXPECT: buffer-underflow
// CONF: redzone:16
// CHECKS-OFF: silent-ub
// RING: yes
// WHAT: one byte written just before a 24-byte block, caught on free
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(24);
	bug_mark("small", p, 24);
	bug_poke(p, -1, 'X');
	free(p);
	return bug_finish();
}
