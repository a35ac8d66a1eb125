// EXPECT: buffer-underflow
// CONF: debug:true
// CHECKS-OFF: silent-ub
// WHAT: a write 40 bytes before a block, past its pre-redzone into the debug header's freeing thread field, which must read zero until the free
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(400); /* big enough that ASan's own redzone covers p - 40 */
	bug_mark("small", p, 400);
	bug_poke(p, -40, 'X');
	free(bug_opaque(p));
	return bug_finish();
}
