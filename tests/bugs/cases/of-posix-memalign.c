// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: a posix_memalign(64, 50) block written one byte too far, caught on free
#include "bug_support.h"

int main(void)
{
	void *p = NULL;
	if (posix_memalign(&p, 64, 50) != 0)
		return 4;
	bug_mark("posix_memalign", p, 50);
	bug_poke(p, 50, 'X');
	free(p);
	return bug_finish();
}
