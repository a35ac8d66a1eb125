// EXPECT: buffer-overflow
// CONF: redzone:16,junk:true
// CHECKS-OFF: silent
// BYTE: 00
// WHAT: the classic strcpy into malloc(strlen(s)): the terminating NUL lands one past the end
#include "bug_support.h"

int main(void)
{
	const char *s = bug_opaque("liballoc bug corpus: off by one");
	size_t n = strlen(s);
	char *p = bug_xmalloc(n);
	bug_mark("small", p, n);
	memcpy(bug_opaque(p), s, n + 1);
	free(p);
	return bug_finish();
}
