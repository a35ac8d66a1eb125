// EXPECT: use-after-free
// CONF:
// CHECKS-OFF: silent
// RING: yes
// WHAT: junk and quarantine switched on with alloc_ctl mid-run; a block allocated after the switch is written after free
#include "bug_support.h"
#include "liballoc_stats.h"

int main(void)
{
	char *before = bug_xmalloc(64);
	bug_ctl("debug.junk", LAS_JUNK_BOTH);
	bug_ctl("debug.quarantine", 1u << 20);
	char *p = bug_xmalloc(64);
	bug_mark("small", p, 64);
	free(p);
	bug_poke(p, 40, 'X');
	free(before);
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
