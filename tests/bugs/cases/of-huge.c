// EXPECT: buffer-overflow
// CONF: redzone:16
// CHECKS-OFF: silent
// WHAT: one byte written past a huge (64 MiB - 5) block, caught on free
#include "bug_support.h"

int main(void)
{
	size_t size = (64u << 20) - 5;
	char *p = bug_xmalloc(size);
	p[0] = 1;
	p[size - 1] = 1;
	bug_mark("huge", p, size);
	bug_poke(p, (long)size, 'X');
	free(p);
	return bug_finish();
}
