// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a pointer 1 MiB into a huge (64 MiB) block
#include "bug_support.h"

int main(void)
{
	size_t size = 64u << 20;
	char *p = bug_xmalloc(size);
	p[1u << 20] = 3;
	bug_mark("interior", p + (1u << 20), size);
	free(bug_opaque(p + (1u << 20)));
	free(p);
	return bug_finish();
}
