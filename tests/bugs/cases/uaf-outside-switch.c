// EXPECT: use-after-free
// CONF:
// SWITCH: junk=both quarantine=1M
// CHECKS-OFF: silent
// WHAT: junk and quarantine switched on from outside (allocdump --set); a block freed afterwards is written through a stale pointer
#include "bug_support.h"

int main(void)
{
	char *before = bug_xmalloc(300);
	bug_wait_for_outside_switch();
	char *p = bug_xmalloc(300);
	free(before);
	bug_mark("small", p, 300);
	free(p);
	bug_poke(p, 150, 'X');
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
