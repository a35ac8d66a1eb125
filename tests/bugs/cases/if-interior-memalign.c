// EXPECT: invalid-free
// CONF: check_free:true
// CHECKS-OFF: invalid-free
// WHAT: free() of a misaligned pointer one byte into a memalign(256) block
#include <malloc.h>
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(memalign(256, 1000));
	bug_mark("interior", p + 1, 1000);
	free(bug_opaque(p + 1));
	free(p);
	return bug_finish();
}
