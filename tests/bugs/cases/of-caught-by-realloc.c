// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: an overflow of a 20-byte block is caught when the block is passed to realloc
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(20);
	bug_mark("small", p, 20);
	bug_poke(p, 20, 'X');
	char *q = bug_opaque(realloc(p, 5000));
	/* under on_error:report the program goes on with whatever realloc gave */
	free(q);
	return bug_finish();
}
