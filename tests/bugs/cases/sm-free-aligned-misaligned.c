// EXPECT: size-mismatch
// CONF: check_free:true
// CHECKS-OFF: silent
// ASAN: skip ASan does not check free_aligned_sized (and glibc 2.36 has none)
// WHAT: a malloc(100) block that is not 4096-aligned freed with free_aligned_sized(p, 4096, 100): an alignment it does not have
#include "bug_support.h"

int main(void)
{
	/* a slot may start a page by chance: take one that does not */
	char *spare = bug_xmalloc(100), *p = bug_xmalloc(100);
	if (((uintptr_t)p & 4095) == 0) {
		char *t = p;
		p = spare;
		spare = t;
	}
	memset(p, 'a', 100);
	bug_mark("small", p, 100);
	bug_free_aligned_sized(bug_opaque(p), 4096, 100);
	free(spare);
	return bug_finish();
}
