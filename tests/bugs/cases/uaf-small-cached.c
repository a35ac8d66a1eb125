// EXPECT: use-after-free
// CONF: quarantine:65536,junk:true
// CHECKS-OFF: silent
// WHAT: a freed 16-byte block written through a stale pointer, then pushed out of a small quarantine by frees of the same class
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(16);
	bug_mark("small", p, 16);
	free(p);
	bug_poke(p, 12, 'X');
	bug_flush_quarantine(256u << 10, 16);
	return bug_finish();
}
