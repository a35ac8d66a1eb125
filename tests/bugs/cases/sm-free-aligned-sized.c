// EXPECT: size-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// ASAN: skip ASan does not check free_aligned_sized (and glibc 2.36 has none)
// WHAT: aligned_alloc(64, 640) freed with free_aligned_sized(p, 64, 6400): ten times its size
#include "bug_support.h"

int main(void)
{
	char *p = bug_got(aligned_alloc(64, 640));
	memset(p, 'a', 640);
	bug_mark("aligned", p, 640);
	bug_free_aligned_sized(bug_opaque(p), 64, 6400);
	return bug_finish();
}
