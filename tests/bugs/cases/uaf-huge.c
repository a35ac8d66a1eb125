// EXPECT: use-after-free
// CONF: quarantine:134217728,junk:true
// CHECKS-OFF: silent-ub
// WHAT: a huge (64 MiB) block written after free, caught when three more huge frees push it out of a 128 MiB quarantine
#include "bug_support.h"

int main(void)
{
	size_t size = 64u << 20;
	char *p = bug_xmalloc(size);
	p[0] = 1;
	bug_mark("huge", p, size);
	free(p);
	bug_poke(p, 1 << 20, 'X');
	bug_flush_quarantine(128u << 20, size);
	return bug_finish();
}
