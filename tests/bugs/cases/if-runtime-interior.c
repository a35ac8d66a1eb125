// EXPECT: invalid-free
// CONF:
// CHECKS-OFF: invalid-free
// WHAT: check_free switched on mid-run; a block allocated after the switch is freed through an interior pointer
#include "bug_support.h"

int main(void)
{
	char *before = bug_xmalloc(128);
	bug_ctl("debug.check_free", 1);
	char *p = bug_xmalloc(128);
	bug_mark("interior", p + 8, 128);
	free(bug_opaque(p + 8));
	free(p);
	free(before);
	return bug_finish();
}
