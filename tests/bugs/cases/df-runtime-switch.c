// EXPECT: double-free
// CONF:
// CHECKS-OFF: caught
// RING: yes
// WHAT: check_free switched on with alloc_ctl mid-run; a block allocated after the switch is freed twice
#include "bug_support.h"

int main(void)
{
	/* some ordinary traffic before the switch */
	for (int i = 0; i < 1000; i++)
		free(bug_xmalloc((size_t)(i % 200) + 1));
	bug_ctl("debug.check_free", 1);
	char *p = bug_xmalloc(32);
	bug_mark("small", p, 32);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
