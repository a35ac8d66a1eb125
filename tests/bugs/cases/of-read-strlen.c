// EXPECT: buffer-overflow
// CONF: guard_sample:1,guard_lower:0
// CHECKS-OFF: silent-ub
// BYTE: none
// WHAT: strlen of a 32-byte buffer with no terminating NUL reads past its end
#include "bug_support.h"

int main(void)
{
	char *p = bug_xmalloc(32);
	memset(p, 'a', 32); /* no NUL */
	bug_mark("small", p, 32);
	size_t n = strlen(bug_opaque(p));
	printf("strlen %s\n", n >= 32 ? "ran past the end" : "stopped early");
	free(p);
	return bug_finish();
}
