// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a pointer 1000 bytes into a large (100 KiB) block, not on a page boundary
#include "bug_support.h"

int main(void)
{
	size_t size = 100 * 1024;
	char *p = bug_xmalloc(size);
	memset(p, 0, size);
	bug_mark("interior", p + 1000, size);
	free(bug_opaque(p + 1000));
	free(p);
	return bug_finish();
}
