// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// RING: yes
// WHAT: one byte written just past a 13-byte block, caught on free
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(13);
	memset(p, 'a', 13);
	bug_mark("small", p, 13);
	bug_poke(p, 13, 'X');
	free(p);
	return bug_finish();
}
