// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: a calloc'd block freed twice
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(calloc(10, 12));
	bug_mark("calloc", p, 120);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
