// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a stack address
#include "bug_support.h"

int main(void)
{
	char local[64];
	memset(local, 0, sizeof local);
	bug_mark("stack", local, sizeof local);
	free(bug_opaque(local));
	return bug_finish();
}
