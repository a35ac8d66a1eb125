// EXPECT: double-free
// CONF: debug:true
// CHECKS-OFF: silent-or-caught
// WHAT: debug:true (all checks, defaults) catches a plain double free of a large block
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(40000);
	bug_mark("large", p, 40000);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
