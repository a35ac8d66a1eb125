// EXPECT: buffer-underflow
// CONF: debug:true
// CHECKS-OFF: silent-ub
// WHAT: a write 42 bytes before a block, past its pre-redzone into the debug header's the allocating thread field, which the header checksum covers
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(400); /* big enough that ASan's own redzone covers p - 42 */
	bug_mark("small", p, 400);
	bug_poke_changing(p, -42, 'X');
	free(bug_opaque(p));
	return bug_finish();
}
