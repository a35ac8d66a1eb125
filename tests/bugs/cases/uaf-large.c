// EXPECT: use-after-free
// CONF: quarantine:1048576,junk:true
// CHECKS-OFF: silent-ub
// WHAT: a large (100 KiB) block written after free, caught when it leaves the quarantine
#include "bug_support.h"

int main(void)
{
	size_t size = 100 * 1024;
	char *p = bug_xmalloc(size);
	memset(p, 'h', size);
	bug_mark("large", p, size);
	free(p);
	bug_poke(p, 50000, 'X');
	bug_flush_quarantine(2u << 20, size);
	return bug_finish();
}
