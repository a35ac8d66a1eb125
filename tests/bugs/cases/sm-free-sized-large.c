// EXPECT: size-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// ASAN: skip ASan does not check free_sized (and glibc 2.36 has none)
// WHAT: a 100000-byte block freed with free_sized(p, 50000): half its size, a run of other pages
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(100000);
	memset(p, 'a', 100000);
	bug_mark("large", p, 100000);
	bug_free_sized(bug_opaque(p), 50000);
	return bug_finish();
}
