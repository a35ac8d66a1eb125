// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: silent-or-caught
// WHAT: a huge (64 MiB) block freed twice
#include "bug_support.h"

int main(void)
{
	size_t size = 64u << 20;
	char *p = bug_xmalloc(size);
	p[0] = 1;
	p[size - 1] = 1;
	bug_mark("huge", p, size);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
