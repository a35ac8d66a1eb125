// EXPECT: buffer-overflow
// CONF: guard_sample:1,guard_lower:0
// CHECKS-OFF: silent
// RING: yes
// BYTE: none
// WHAT: one byte read just past a 64-byte block: only a guard page sees a read
#include "bug_support.h"

int main(void)
{
	unsigned char *p = bug_xmalloc(64);
	memset(p, 'a', 64);
	bug_mark("small", p, 64);
	volatile unsigned char *q = bug_opaque(p);
	printf("read %d\n", q[64]);
	free(p);
	return bug_finish();
}
