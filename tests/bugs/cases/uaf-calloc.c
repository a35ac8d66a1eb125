// EXPECT: use-after-free
// CONF: quarantine:1048576,junk:true
// CHECKS-OFF: silent
// WHAT: a calloc'd array written through a stale pointer after free
#include "bug_support.h"

int main(void)
{
	long *a = bug_got(calloc(20, sizeof(long)));
	bug_mark("calloc", a, 20 * sizeof(long));
	free(a);
	volatile long *v = bug_opaque(a);
	v[10] = 42;
	bug_flush_quarantine(2u << 20, 512);
	return bug_finish();
}
