// EXPECT: use-after-free
// CONF: quarantine:1048576,junk:true
// CHECKS-OFF: silent
// RING: yes
// WHAT: a small block written after free, caught when it leaves the quarantine
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(64);
	memset(p, 'g', 64);
	bug_mark("small", p, 64);
	free(p);
	bug_poke(p, 32, 'X');
	bug_flush_quarantine(2u << 20, 1024);
	return bug_finish();
}
