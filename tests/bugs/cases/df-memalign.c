// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: a memalign(64) block freed twice
#include <malloc.h>
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(memalign(64, 200));
	bug_mark("memalign", p, 200);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
