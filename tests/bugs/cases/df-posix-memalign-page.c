// EXPECT: double-free
// CONF: check_free:true
// CHECKS-OFF: caught
// WHAT: a posix_memalign(4096, 5000) block freed twice
#include "bug_support.h"

int main(void)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, 5000) != 0)
		return 4;
	bug_mark("posix_memalign", p, 5000);
	free(p);
	free(bug_opaque(p));
	return bug_finish();
}
