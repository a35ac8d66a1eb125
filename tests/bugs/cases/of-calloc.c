// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: a calloc(7, 3) array written one element too far, caught on free
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(calloc(7, 3));
	bug_mark("calloc", p, 21);
	bug_poke(p, 21, 'X');
	free(p);
	return bug_finish();
}
