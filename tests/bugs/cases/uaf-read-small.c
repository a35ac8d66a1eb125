// EXPECT: use-after-free
// CONF: guard_sample:1,guard_lower:0
// CHECKS-OFF: silent
// RING: yes
// WHAT: a small block read after it was freed
#include "bug_support.h"

int main(void)
{
	unsigned char *p = bug_xmalloc(80);
	memset(p, 'a', 80);
	bug_mark("small", p, 80);
	free(p);
	volatile unsigned char *q = bug_opaque(p);
	printf("read %d\n", q[8] != 0);
	return bug_finish();
}
