// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: silent-or-caught
// WHAT: a large (100 KiB) block freed twice
#include "bug_support.h"

int main(void)
{
	size_t size = 100 * 1024;
	char *p = bug_xmalloc(size);
	memset(p, 1, size);
	bug_mark("large", p, size);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
