// EXPECT: invalid-free
// CONF: debug:true
// CHECKS-OFF: reported
// WHAT: free of a pointer 4 KiB past a small block, into a never-used slot, with the debug header on: an invalid free, not an underflow
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(48);
	bug_mark("unused slot", p + 4096, 0);
	free(bug_opaque(p + 4096));
	free(p);
	return bug_finish();
}
