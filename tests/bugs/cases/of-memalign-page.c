// EXPECT: buffer-overflow
// CONF: redzone:64
// CHECKS-OFF: silent
// WHAT: a page-aligned memalign(4096, 10000) block written one byte too far, caught on free
#include <malloc.h>
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(memalign(4096, 10000));
	bug_mark("memalign", p, 10000);
	bug_poke(p, 10000, 'X');
	free(p);
	return bug_finish();
}
