// EXPECT: buffer-overflow
// CONF:
// CHECKS-OFF: silent
// RING: yes
// WHAT: redzone switched on with alloc_ctl mid-run; a block allocated after the switch overflows
#include "bug_support.h"

int main(void)
{
	char *before = bug_xmalloc(13);
	memset(before, 'd', 13);
	bug_ctl("debug.redzone", 16);
	char *p = bug_xmalloc(13);
	bug_mark("small", p, 13);
	bug_poke(p, 13, 'X');
	free(p);
	free(before);
	return bug_finish();
}
