// EXPECT: use-after-free
// CONF: debug:true
// CHECKS-OFF: silent
// WHAT: with debug:true, a write to a block sitting in the quarantine is found by alloc_check()
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(256);
	memset(p, 'j', 256);
	bug_mark("small", p, 256);
	free(p);
	bug_poke(p, 128, 'X');
	int found = bug_alloc_check();
	printf("alloc_check: %d\n", found);
	return bug_finish();
}
