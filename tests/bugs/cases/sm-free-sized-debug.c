// EXPECT: size-mismatch
// CONF: redzone:16,check_free:true
// CHECKS-OFF: silent
// ASAN: skip ASan does not check free_sized (and glibc 2.36 has none)
// WHAT: with redzones a block knows its exact size: malloc(24) freed with free_sized(p, 25), one byte more, still the same size class
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(24);
	memset(p, 'a', 24);
	bug_mark("small", p, 24);
	bug_free_sized(bug_opaque(p), 25);
	return bug_finish();
}
