// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: silent-or-caught
// WHAT: a large aligned_alloc(65536, 192 KiB) block freed twice
#include "bug_support.h"

int main(void)
{
	size_t size = 3 * 65536;
	char *p = bug_got(aligned_alloc(65536, size));
	bug_mark("aligned_alloc", p, size);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
