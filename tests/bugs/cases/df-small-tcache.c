// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// RING: yes
// WHAT: a small block freed twice in a row, so it still sits in the thread cache
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(24);
	bug_mark("small", p, 24);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
