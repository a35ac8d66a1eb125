// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: reported
// WHAT: free of a pointer 4 KiB past a small block, into a slot of the same slab that was never handed out: an invalid free, not a double free
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(48);
	bug_mark("unused slot", p + 4096, 0);
	free(bug_opaque(p + 4096));
	free(p);
	return bug_finish();
}
