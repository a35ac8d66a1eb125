// EXPECT: buffer-overflow
// CONF:
// SWITCH: redzone=16
// CHECKS-OFF: silent
// WHAT: redzones switched on from outside (allocdump --set); a block allocated before is freed cleanly, one allocated after overflows
#include "bug_support.h"

int main(void)
{
	char *before = bug_xmalloc(40);
	memset(before, 'p', 40);
	bug_wait_for_outside_switch();
	char *p = bug_xmalloc(40);
	free(before);
	bug_mark("small", p, 40);
	bug_poke(p, 40, 'X');
	free(p);
	return bug_finish();
}
