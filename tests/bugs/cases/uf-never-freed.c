// EXPECT: buffer-underflow
// CONF: redzone:16
// CHECKS-OFF: silent-ub
// WHAT: a block underflowed and never freed: the redzones of every live block are checked when the process exits
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(24);
	bug_mark("small", p, 24);
	bug_poke(p, -1, 'X');
	bug_opaque(p); /* leaked on purpose */
	return bug_finish();
}
