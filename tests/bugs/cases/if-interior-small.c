// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// RING: yes
// WHAT: free() of a pointer 16 bytes into a small block
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(64);
	bug_mark("interior", p + 16, 64);
	free(bug_opaque(p + 16));
	free(p);
	return bug_finish();
}
