// EXPECT: buffer-underflow
// CONF: redzone:16
// CHECKS-OFF: silent-ub
// WHAT: two bytes before an aligned_alloc(128, 384) block are overwritten, caught on free
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(aligned_alloc(128, 384));
	bug_mark("aligned_alloc", p, 384);
	bug_poke(p, -2, 'X');
	free(p);
	return bug_finish();
}
