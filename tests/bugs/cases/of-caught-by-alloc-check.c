// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: an overflow of a live block is found by alloc_check() (the block is never freed)
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(33);
	bug_mark("small", p, 33);
	bug_poke(p, 34, 'X');
	int found = bug_alloc_check();
	printf("alloc_check: %d\n", found);
	return bug_finish();
}
