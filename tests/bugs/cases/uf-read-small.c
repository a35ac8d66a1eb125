// EXPECT: buffer-underflow
// CONF: guard_sample:1,guard_lower:1
// CHECKS-OFF: silent-ub
// RING: yes
// BYTE: none
// WHAT: one byte read just before a 48-byte block
#include "bug_support.h"

int main(void)
{
	unsigned char *p = bug_xmalloc(48);
	memset(p, 'a', 48);
	bug_mark("small", p, 48);
	volatile unsigned char *q = bug_opaque(p);
	printf("read %d\n", q[-1]);
	free(p);
	return bug_finish();
}
