// EXPECT: buffer-underflow
// CONF:
// CHECKS-OFF: silent-ub
// WHAT: redzone switched on mid-run; a large block allocated after the switch is written one byte before its start
#include "bug_support.h"

int main(void)
{
	char *before = bug_xmalloc(100 * 1024);
	memset(before, 'f', 100 * 1024);
	bug_ctl("debug.redzone", 64);
	char *p = bug_xmalloc(100 * 1024);
	bug_mark("large", p, 100 * 1024);
	bug_poke(p, -1, 'X');
	free(before);
	free(p);
	return bug_finish();
}
