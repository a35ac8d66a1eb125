// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a page-aligned pointer 8 KiB into a large (100 KiB) block
#include "bug_support.h"

int main(void)
{
	size_t size = 100 * 1024;
	char *p = bug_xmalloc(size);
	memset(p, 0, size);
	bug_mark("interior", p + 8192, size);
	free(bug_opaque(p + 8192));
	free(p);
	return bug_finish();
}
