// EXPECT: size-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// RING: yes
// ASAN: skip ASan does not check free_sized (and glibc 2.36 has none)
// WHAT: a 24-byte block freed with free_sized(p, 100): 100 bytes would be another size class
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(24);
	memset(p, 'a', 24);
	bug_mark("small", p, 24);
	bug_free_sized(bug_opaque(p), 100);
	return bug_finish();
}
